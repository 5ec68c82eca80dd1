//! One fix engine: on every corpus and stress file, `dockls check --fix` writes the text the
//! server's `source.fixAll` produces, a second fix-all changes nothing, and no finding that a
//! safe fix could remove is left.

mod common;
mod lsp_support;

use std::path::{Path, PathBuf};
use std::process::Command;

use dockls::diagnostic::{apply_edits, Severity};
use dockls::fix_all::{fix_all, FixEnd};
use dockls::rules::{self, Fixes, RuleConfig};
use dockls::syntax;
use lsp_support::{apply_text_edits, capabilities, Client, Encoding};
use serde_json::{json, Value};

/// The files `dockls check --fix` rewrites: valid UTF-8 without NUL bytes.
fn fixable_files() -> Vec<(PathBuf, String)> {
    common::corpus_roots()
        .iter()
        .flat_map(|root| common::dockerfiles_under(root))
        .filter_map(|path| {
            let bytes = std::fs::read(&path).ok()?;
            if bytes.contains(&0) {
                return None;
            }
            Some((path, String::from_utf8(bytes).ok()?))
        })
        .collect()
}

fn uri_of(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// The server's fix-all of the document at `uri`, applied to `text`; `None` when it offers none.
fn server_fix_all(client: &mut Client, uri: &str, text: &str) -> Option<String> {
    let origin = json!({ "line": 0, "character": 0 });
    let actions = client.request_ok(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": { "start": origin, "end": origin },
            "context": { "diagnostics": [], "only": ["source.fixAll"], "triggerKind": 1 },
        }),
    );
    let action = actions.as_array()?.first()?.clone();
    let edits: Vec<Value> = action["edit"]["changes"][uri]
        .as_array()
        .cloned()
        .expect("fix-all edits for the document");
    Some(apply_text_edits(text, &edits, Encoding::Utf16))
}

#[test]
fn the_cli_and_the_server_fix_every_file_alike() {
    let files = fixable_files();
    assert!(
        files.len() > 300,
        "the corpus is there: {} files",
        files.len()
    );
    let scratch = std::env::temp_dir().join(format!("dockls-fix-all-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    // One directory per file, so every copy is a plain `Dockerfile` without a .dockerignore.
    let copies: Vec<PathBuf> = files
        .iter()
        .enumerate()
        .map(|(index, (_, text))| {
            let dir = scratch.join(index.to_string());
            std::fs::create_dir_all(&dir).unwrap();
            let copy = dir.join("Dockerfile");
            std::fs::write(&copy, text).unwrap();
            copy
        })
        .collect();
    let status = Command::new(env!("CARGO_BIN_EXE_dockls"))
        .args([
            "check",
            "--fix",
            "--fail-level",
            "error",
            "--format",
            "json",
        ])
        .args(&copies)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("dockls check runs");
    assert!(status.code().is_some_and(|code| code < 2), "{status}");

    let (mut client, _) = Client::initialized(capabilities(&[], false));
    let mut differ = Vec::new();
    for ((original, text), copy) in files.iter().zip(&copies) {
        let by_cli = std::fs::read_to_string(copy).unwrap();
        let uri = uri_of(copy);
        client.open(&uri, 1, text);
        let by_server = server_fix_all(&mut client, &uri, text).unwrap_or_else(|| text.clone());
        if by_server != by_cli {
            differ.push(original.display().to_string());
        }
        client.notify(
            "textDocument/didClose",
            json!({ "textDocument": { "uri": uri } }),
        );
    }
    let _ = std::fs::remove_dir_all(&scratch);
    assert!(differ.is_empty(), "--fix and fix-all differ on {differ:#?}");
}

#[test]
fn fix_all_leaves_nothing_a_safe_fix_could_remove_and_settles() {
    let config = RuleConfig::default();
    let errors = |text: &str| syntax::syntax_errors(&syntax::parse(text), text.as_bytes()).len();
    for (path, text) in fixable_files() {
        let fixed = fix_all(&text, &config, None);
        assert_ne!(fixed.end, FixEnd::TooManyRounds, "{}", path.display());
        // What is left that a safe fix could remove: with `WouldBreak`, every such fix must add
        // syntax errors (a fix must never break the file, so those stay undone).
        let before = errors(&fixed.text);
        let left: Vec<String> = fixed
            .diagnostics
            .iter()
            .filter(|d| {
                d.fixes.iter().any(|fix| {
                    fix.safe
                        && !fix.is_snippet
                        && errors(&apply_edits(&fixed.text, &fix.edits)) <= before
                })
            })
            .map(|d| format!("{} at {:?}", d.code, d.range))
            .collect();
        assert!(left.is_empty(), "{}: {left:?}", path.display());
        let again = fix_all(&fixed.text, &config, None);
        assert_eq!(again.applied, 0, "{}", path.display());
        assert_eq!(again.text, fixed.text, "{}", path.display());
    }
}

/// Each rule's declared [`Fixes`] is what its findings carry: no fix from a rule declared
/// without one, no safe fix from a rule declared unsafe, and a safe fix somewhere in the corpus
/// or its documentation example from each rule declared safe.
#[test]
fn rules_fix_as_they_declare() {
    let mut config = RuleConfig::default();
    // Rules that are off by default are checked too.
    for rule in rules::all() {
        config
            .severities
            .insert(rule.name.to_owned(), Some(Severity::Warning));
    }
    let mut texts: Vec<String> = fixable_files().into_iter().map(|(_, text)| text).collect();
    texts.extend(rules::all().filter_map(|rule| example_before(rule.docs)));
    let mut safe_seen = std::collections::BTreeSet::new();
    let mut wrong = Vec::new();
    for text in &texts {
        let snapshot = dockls::snapshot::Snapshot::from_text(text);
        for d in dockls::diagnostics::diagnostics(&snapshot, &config, None) {
            let Some(rule) = rules::named(d.code) else {
                continue;
            };
            let safe = d.fixes.iter().any(|fix| fix.safe && !fix.is_snippet);
            if safe {
                safe_seen.insert(rule.name);
            }
            let agrees = match rule.fixes {
                Fixes::None => d.fixes.is_empty(),
                Fixes::Unsafe => !safe,
                Fixes::Safe | Fixes::SafeWithFileFix(_) => true,
            };
            if !agrees {
                wrong.push(format!("{}: {:?} but {:?}", rule.name, rule.fixes, d.fixes));
            }
        }
    }
    wrong.dedup();
    assert!(wrong.is_empty(), "{wrong:#?}");
    let never: Vec<&str> = rules::all()
        .filter(|rule| rule.fixes.has_safe() && !safe_seen.contains(rule.name))
        .map(|rule| rule.name)
        .collect();
    assert!(
        never.is_empty(),
        "declared safe, never fixed safely: {never:?}"
    );
}

/// The first code block after `**Before**` in a rule's documentation, in a stage of its own
/// when the example shows only instructions.
fn example_before(docs: &str) -> Option<String> {
    let after = &docs[docs.find("**Before**")?..];
    let start = after.find("```dockerfile\n")? + "```dockerfile\n".len();
    let end = after[start..].find("```")?;
    let example = &after[start..start + end];
    if example.to_ascii_uppercase().contains("FROM ") {
        Some(example.to_owned())
    } else {
        Some(format!("FROM alpine:3.20\n{example}"))
    }
}
