//! The per-keystroke path of the language server, for a profiler: opens a Dockerfile, then
//! types `count` characters into a RUN in its middle, and after each one reparses and computes
//! the diagnostics, as `textDocument/didChange` does.
//!
//! ```text
//! cargo build --release --example keystroke_profile
//! valgrind --tool=callgrind target/release/examples/keystroke_profile FILE COUNT [fresh]
//! ```
//!
//! Instruction counts are repeatable on a loaded machine where wall time is not; the cost of one
//! keystroke is the difference between two counts divided by the difference of `COUNT`. With
//! `fresh`, every keystroke is analysed from scratch, as before incremental analysis.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use dockls::analysis::{Analysis, Memo};
use dockls::document::Document;
use dockls::rules::RuleConfig;

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(path), Some(count)) = (args.next(), args.next()) else {
        eprintln!("usage: keystroke_profile FILE COUNT [fresh]");
        std::process::exit(2);
    };
    let fresh = args.next().as_deref() == Some("fresh");
    let count: usize = count.parse().expect("COUNT is a number");
    let text = std::fs::read_to_string(&path).expect("a readable UTF-8 file");
    let mut document = Document::new(&text);
    let memo = Arc::new(Mutex::new(Memo::default()));
    let config = RuleConfig::default();
    let analyse = |document: &Document| {
        let analysis = if fresh {
            Analysis::new(document)
        } else {
            Analysis::incremental(document, memo.clone())
        };
        analysis.diagnostics_with(&config, None).len()
    };
    let mut found = analyse(&document);
    // Where an editor's cursor would be: the end of the first RUN line after the middle.
    let middle = text.len() / 2;
    let run = text[middle..]
        .find("\nRUN ")
        .map_or(middle, |i| middle + i + 1);
    let mut at = text[run..].find('\n').map_or(text.len(), |i| run + i);
    let started = Instant::now();
    for i in 0..count {
        let typed = if i % 2 == 0 { "x" } else { " " };
        document.edit(at..at, typed);
        document.reparse();
        at += typed.len();
        found = analyse(&document);
    }
    let elapsed = started.elapsed();
    if count > 0 {
        eprintln!(
            "{count} keystrokes, {:.2} ms each, {found} diagnostics",
            elapsed.as_secs_f64() * 1000.0 / count as f64
        );
    }
}
