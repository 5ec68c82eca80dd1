//! Parses the Dockerfile corpus: real files must parse without syntax errors, and hostile inputs
//! under `invalid/` must parse without crashing or hanging.
//!
//! The corpus is the vendored copy in `tests/corpus/` plus, when present, the shared corpus in
//! `../shared/corpus` next to the repository.

mod common;

use common::{corpus_roots, dockerfiles_under};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use dockls::syntax::{self, SyntaxError};

/// A parse that takes longer than this is a hang; the largest files parse in milliseconds.
const PARSE_TIMEOUT: Duration = Duration::from_secs(20);

/// The corpus files, split into (expected to be valid, hostile inputs under `invalid/`).
fn corpus() -> (Vec<PathBuf>, Vec<PathBuf>) {
    let mut valid = Vec::new();
    let mut invalid = Vec::new();
    for root in corpus_roots() {
        for path in dockerfiles_under(&root) {
            let relative = path.strip_prefix(&root).unwrap_or(&path);
            if relative.starts_with("invalid") {
                invalid.push(path);
            } else {
                valid.push(path);
            }
        }
    }
    (valid, invalid)
}

/// Parses `path` on its own thread, returning its syntax errors or a description of the failure
/// (a panic, or no result within [`PARSE_TIMEOUT`]).
fn parse_with_timeout(path: &Path) -> Result<Vec<SyntaxError>, String> {
    let text = std::fs::read(path).map_err(|error| format!("cannot read: {error}"))?;
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let tree = syntax::parse(&text);
        let errors = syntax::syntax_errors(&tree, &text);
        // The dump walks the whole tree, so it too must cope with whatever was parsed.
        let dump = syntax::to_sexp(&tree);
        assert!(dump.starts_with("(source_file"));
        let _ = sender.send(errors);
    });
    match receiver.recv_timeout(PARSE_TIMEOUT) {
        Ok(errors) => Ok(errors),
        Err(mpsc::RecvTimeoutError::Timeout) => {
            Err(format!("no result after {}s", PARSE_TIMEOUT.as_secs()))
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => Err("parsing panicked".to_owned()),
    }
}

#[test]
fn corpus_is_present() {
    let (valid, invalid) = corpus();
    assert!(
        valid.len() >= 300,
        "only {} real or stress Dockerfiles found",
        valid.len()
    );
    assert!(!invalid.is_empty(), "no files under invalid/ found");
}

#[test]
fn real_and_stress_files_parse_without_errors() {
    let (valid, _) = corpus();
    let mut failures = Vec::new();
    for path in &valid {
        match parse_with_timeout(path) {
            Ok(errors) => {
                if let Some(first) = errors.first() {
                    failures.push(format!(
                        "{}:{}:{}: {} ({} syntax errors in the file)",
                        path.display(),
                        first.line + 1,
                        first.column + 1,
                        first.message,
                        errors.len()
                    ));
                }
            }
            Err(failure) => failures.push(format!("{}: {failure}", path.display())),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} corpus files have syntax errors:\n{}",
        failures.len(),
        valid.len(),
        failures.join("\n")
    );
}

#[test]
fn hostile_inputs_parse_without_crash_or_hang() {
    let (_, invalid) = corpus();
    let failures: Vec<String> = invalid
        .iter()
        .filter_map(|path| {
            parse_with_timeout(path)
                .err()
                .map(|failure| format!("{}: {failure}", path.display()))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "hostile inputs that broke the parser:\n{}",
        failures.join("\n")
    );
}
