//! Times the requests that read a whole document (symbols, folding, semantic tokens, inlay
//! hints, and the code actions of every diagnostic) on one file, in process; for a profiler:
//!
//! ```text
//! cargo build --release --example request_profile
//! valgrind --tool=callgrind target/release/examples/request_profile FILE
//! ```

use std::time::Instant;

use dockls::analysis::Analysis;
use dockls::lsp::actions;
use dockls::lsp::convert::{self, PositionEncoding};
use dockls::rules::{Context, RuleConfig};

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: request_profile FILE");
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(&path).expect("a readable UTF-8 file");
    let analysis = Analysis::from_text(&text);
    let config = RuleConfig::default();
    let time = |what: &str, work: &mut dyn FnMut() -> usize| {
        let started = Instant::now();
        let count = work();
        eprintln!(
            "{what}: {count} in {:.2} ms",
            started.elapsed().as_secs_f64() * 1000.0
        );
    };
    time("diagnostics", &mut || {
        analysis.diagnostics_with(&config, None).len()
    });
    time("symbols", &mut || {
        dockls::symbols::document_symbols(&analysis).len()
    });
    time("folding", &mut || {
        dockls::folding::folding_ranges(&analysis).len()
    });
    time("tokens", &mut || {
        dockls::tokens::tokens(&analysis, None).len()
    });
    time("quick fixes", &mut || {
        let context = Context::new(&analysis, &config, None);
        let diagnostics = analysis.diagnostics_with(&config, None);
        // The server computes a rule-wide fix once per rule, not per diagnostic.
        let mut seen: Vec<&str> = Vec::new();
        let mut rule_wide = 0;
        for diagnostic in &diagnostics {
            if !seen.contains(&diagnostic.code) {
                seen.push(diagnostic.code);
                rule_wide += usize::from(actions::rule_wide_fix(&context, diagnostic).is_some());
            }
        }
        diagnostics
            .iter()
            .map(|d| actions::quick_fixes(&context, d).len())
            .sum::<usize>()
            + rule_wide
    });
    // What the server adds to the core's answer: positions for the client, then JSON (the
    // protocol layer turns an answer into a `serde_json::Value` before writing it).
    let rope = ropey::Rope::from_str(&text);
    let encoding = PositionEncoding::Utf16;
    let symbols = dockls::symbols::document_symbols(&analysis);
    let mut converted = Vec::new();
    time("symbols: positions", &mut || {
        converted = symbols
            .iter()
            .map(|symbol| convert::document_symbol(&rope, symbol, encoding))
            .collect();
        converted.len()
    });
    let mut value = serde_json::Value::Null;
    time("symbols: to a JSON value", &mut || {
        value = serde_json::to_value(&converted).unwrap_or_default();
        usize::from(value.is_array())
    });
    time("symbols: JSON text", &mut || {
        serde_json::to_string(&value).map_or(0, |s| s.len())
    });
    time("symbols: JSON text directly", &mut || {
        serde_json::to_string(&converted).map_or(0, |s| s.len())
    });
}
