//! Formats every corpus file and checks that formatting is safe: the edits are well formed,
//! formatting twice changes nothing more, and the formatted file means the same to BuildKit
//! (the same instructions, flags, arguments and heredoc bodies).
//!
//! The corpus is the vendored copy in `tests/corpus/` plus, when present, the shared corpus in
//! `../shared/corpus` next to the repository, with its `stress/` and `invalid/` files.

mod common;

use common::{corpus_roots, dockerfiles_under};
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use dockls::analysis::Analysis;
use dockls::format::{self, FormatOptions, TextEdit};
use dockls::model::{collapse_continuations, Form, Instruction, Model};

/// The edits are sorted, disjoint, within the text, on character boundaries, and each one
/// changes something.
fn check_edits(text: &str, edits: &[TextEdit]) -> Result<(), String> {
    for pair in edits.windows(2) {
        if pair[0].range.end > pair[1].range.start {
            return Err(format!("overlapping or unsorted edits: {pair:?}"));
        }
    }
    for edit in edits {
        match text.get(edit.range.clone()) {
            None => return Err(format!("edit out of bounds or off a boundary: {edit:?}")),
            Some(old) if old == edit.new_text => return Err(format!("empty edit: {edit:?}")),
            Some(_) => {}
        }
    }
    Ok(())
}

/// The text of a value after BuildKit's line joining, with runs of blanks outside quotes
/// turned into one space and blanks at the ends dropped.
fn normalised(text: &str, escape: char) -> String {
    let joined = collapse_continuations(text, escape);
    let mut out = String::with_capacity(joined.len());
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut pending_blank = false;
    for c in joined.chars() {
        if quote.is_none() && !escaped && c.is_whitespace() {
            pending_blank = true;
            continue;
        }
        if pending_blank && !out.is_empty() {
            out.push(' ');
        }
        pending_blank = false;
        out.push(c);
        if escaped {
            escaped = false;
        } else if c == '\\' && quote != Some('\'') {
            escaped = true;
        } else if quote == Some(c) {
            quote = None;
        } else if quote.is_none() && (c == '"' || c == '\'') {
            quote = Some(c);
        }
    }
    out
}

fn slice(text: &str, range: &std::ops::Range<usize>) -> String {
    text.get(range.clone()).unwrap_or_default().to_owned()
}

/// What BuildKit reads from one instruction, in a form that formatting must not change.
fn meaning(instruction: &Instruction, text: &str, escape: char) -> String {
    let mut parts = vec![
        instruction.keyword.to_ascii_uppercase(),
        format!("{:?}", instruction.form),
    ];
    for flag in &instruction.flags {
        let value = flag.value.as_deref().map(|v| normalised(v, escape));
        parts.push(format!("--{}={value:?}", flag.name));
    }
    if instruction.form == Form::Exec {
        parts.push(format!("{:?}", instruction.exec_args));
    } else {
        for argument in &instruction.arguments {
            parts.push(normalised(&slice(text, argument), escape));
        }
    }
    for heredoc in &instruction.heredocs {
        let body = heredoc.body_range.as_ref().map(|r| slice(text, r));
        let end = heredoc.end_range.as_ref().map(|r| slice(text, r));
        parts.push(format!("<<{} {body:?} {end:?}", heredoc.delimiter));
    }
    if let Some(trigger) = &instruction.trigger {
        parts.push(format!("ONBUILD {{{}}}", meaning(trigger, text, escape)));
    }
    parts.join(" | ")
}

fn meanings(model: &Model, text: &str) -> Vec<String> {
    let directives = model
        .directives
        .iter()
        .map(|d| format!("# {}={}", d.name, d.value.trim()));
    let instructions = model
        .instructions
        .iter()
        .map(|i| meaning(i, text, model.escape));
    directives.chain(instructions).collect()
}

/// Checks one file; returns whether formatting changed it.
fn check_file(text: &str) -> Result<bool, String> {
    let options = FormatOptions::default();
    let analysis = Analysis::from_text(text);
    let edits = format::format(&analysis, &options);
    check_edits(text, &edits)?;
    if edits.is_empty() {
        return Ok(false);
    }
    let formatted = format::apply(text, &edits);
    let again = Analysis::from_text(&formatted);
    let more = format::format(&again, &options);
    if !more.is_empty() {
        return Err(format!(
            "formatting twice changes more: {:?}",
            &more[..more.len().min(3)]
        ));
    }
    let before = meanings(analysis.model(), text);
    let after = meanings(again.model(), &formatted);
    if before.len() != after.len() {
        return Err(format!(
            "{} instructions before, {} after",
            before.len(),
            after.len()
        ));
    }
    for (old, new) in before.iter().zip(&after) {
        if old != new {
            return Err(format!(
                "meaning changed:\n  before: {old}\n  after:  {new}"
            ));
        }
    }
    Ok(true)
}

/// The corpus files, each content once: the vendored files are mostly copies of shared ones.
fn corpus_texts() -> Vec<(PathBuf, String)> {
    let mut seen = HashSet::new();
    let mut texts = Vec::new();
    for root in corpus_roots() {
        for path in dockerfiles_under(&root) {
            let bytes = std::fs::read(&path)
                .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
            let text = String::from_utf8_lossy(&bytes).into_owned();
            if seen.insert(text.clone()) {
                texts.push((path, text));
            }
        }
    }
    texts
}

#[test]
fn every_corpus_file_formats_safely_and_idempotently() {
    let started = Instant::now();
    let texts = corpus_texts();
    assert!(!texts.is_empty(), "no corpus files found");
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
    let next = AtomicUsize::new(0);
    let changed = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some((path, text)) = texts.get(index) else {
                    break;
                };
                match check_file(text) {
                    Ok(true) => {
                        changed.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok(false) => {}
                    Err(message) => failures
                        .lock()
                        .expect("no thread panics while holding the lock")
                        .push(format!("{}: {message}", path.display())),
                }
            });
        }
    });
    eprintln!(
        "formatted {} distinct corpus files ({} changed) in {:?}",
        texts.len(),
        changed.into_inner(),
        started.elapsed()
    );
    let failures = failures.into_inner().expect("the lock is not poisoned");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn formatting_every_range_of_a_file_agrees_with_the_whole() {
    let text = "from a  \nrun a \\\n  b   \n\n# c  \nCMD [ \"x\" ]\n";
    let analysis = Analysis::from_text(text);
    let options = FormatOptions::default();
    let whole = format::format(&analysis, &options);
    let everything = format::format_range(&analysis, 0..text.len(), &options);
    assert_eq!(whole, everything);
    for start in 0..=text.len() {
        for end in start..=text.len() {
            let edits = format::format_range(&analysis, start..end, &options);
            assert!(
                edits.iter().all(|edit| whole.contains(edit)),
                "{start}..{end}"
            );
        }
    }
}
