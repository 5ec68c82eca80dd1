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
}
