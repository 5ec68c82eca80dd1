//! Replays inputs through the checks of the fuzz targets (`fuzz/src/lib.rs`, included here so the
//! checks run on stable without cargo-fuzz).
//!
//! - Every file under `tests/data/fuzz/analysis/` and `tests/data/fuzz/jsonrpc/` is a saved
//!   fuzzer input (a minimised crash, or a seed worth keeping), read as bytes.
//! - Incremental sessions are written out below: the fuzzer decodes its bytes with `arbitrary`,
//!   so a crash is saved as the session `cargo fuzz fmt incremental_reparse <file>` prints.
//! - Every file of the Dockerfile corpus (its first 64 KiB) goes through the analysis checks,
//!   the way the fuzzer starts from it; every file, whole, through the checks of the RUN scripts'
//!   source maps, and its RUN scripts through the shell target's checks.
//! - Every file under `tests/data/fuzz/shell/` is a saved input of the shell target.

use std::path::{Path, PathBuf};

#[path = "../fuzz/src/lib.rs"]
mod checks;

use checks::SessionEdit;

fn saved_inputs(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/fuzz")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("cannot list {}: {error}", dir.display()))
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}

/// Every file under `dir`, recursively, sorted.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for path in entries.filter_map(|entry| entry.ok().map(|entry| entry.path())) {
            if path.is_dir() {
                pending.push(path);
            } else if path
                .extension()
                .is_some_and(|extension| extension == "Dockerfile")
            {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn saved_analysis_inputs_pass_the_checks() {
    let inputs = saved_inputs("analysis");
    assert!(!inputs.is_empty(), "no saved analysis inputs");
    for path in inputs {
        let bytes = std::fs::read(&path).expect("a saved input is readable");
        eprintln!("{}", path.display());
        checks::check_analysis(&bytes);
    }
}

#[test]
fn saved_jsonrpc_inputs_pass_the_checks() {
    let inputs = saved_inputs("jsonrpc");
    assert!(!inputs.is_empty(), "no saved jsonrpc inputs");
    for path in inputs {
        let bytes = std::fs::read(&path).expect("a saved input is readable");
        eprintln!("{}", path.display());
        checks::check_jsonrpc(&bytes);
    }
}

/// Corpus files are cut to this many bytes, as the fuzzer's seeds are (`fuzz/seed.sh`); the
/// whole of the large ones goes through `tests/robustness.rs` and the benchmarks.
const CORPUS_PREFIX: usize = 64 * 1024;

#[test]
fn corpus_files_pass_the_analysis_checks() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // The shared corpus first; the vendored copy adds only the files it lacks.
    let mut files = files_under(&root.join("../shared/corpus"));
    let names: Vec<_> = files.iter().filter_map(|path| path.file_name()).collect();
    let vendored: Vec<PathBuf> = files_under(&root.join("tests/corpus"))
        .into_iter()
        .filter(|path| path.file_name().is_some_and(|name| !names.contains(&name)))
        .collect();
    files.extend(vendored);
    assert!(
        files.len() >= 100,
        "only {} corpus files found",
        files.len()
    );
    for path in files {
        let bytes = std::fs::read(&path).expect("a corpus file is readable");
        eprintln!("{}", path.display());
        checks::check_analysis(bytes.get(..CORPUS_PREFIX).unwrap_or(&bytes));
    }
}

#[test]
fn saved_shell_inputs_pass_the_checks() {
    let inputs = saved_inputs("shell");
    assert!(!inputs.is_empty(), "no saved shell inputs");
    for path in inputs {
        let bytes = std::fs::read(&path).expect("a saved input is readable");
        eprintln!("{}", path.display());
        checks::check_shell(&bytes);
    }
}

/// How much of a corpus file's shell goes through the shell target's checks.
const SHELL_PREFIX: usize = 16 * 1024;

/// Every corpus file, whole (the stress files and the hostile ones under `invalid/` included):
/// the source maps of its scripts; then its RUN scripts, joined and cut to 16 KiB, as the input
/// of the shell target.
#[test]
fn corpus_files_pass_the_shell_checks() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = files_under(&root.join("../shared/corpus"));
    files.extend(files_under(&root.join("tests/corpus")));
    let mut scripts_seen = 0;
    for path in files {
        let bytes = std::fs::read(&path).expect("a corpus file is readable");
        eprintln!("{}", path.display());
        let analysis = dockls::analysis::Analysis::from_text(&String::from_utf8_lossy(&bytes));
        checks::check_scripts(&analysis);
        let mut shell = String::new();
        for script in analysis.scripts() {
            scripts_seen += 1;
            shell.push_str(&script.text);
            shell.push('\n');
            if shell.len() > SHELL_PREFIX {
                break;
            }
        }
        let cut = checks::floor_boundary(&shell, SHELL_PREFIX);
        checks::check_shell(&shell.as_bytes()[..cut]);
    }
    assert!(
        scripts_seen >= 100,
        "only {scripts_seen} RUN scripts in the corpus"
    );
}

fn edit(start: usize, removed: usize, inserted: &str, reparse: bool) -> SessionEdit {
    SessionEdit {
        start,
        removed,
        inserted: inserted.to_owned(),
        reparse,
    }
}

#[test]
fn incremental_sessions_pass_the_checks() {
    // Typing a heredoc and its terminator one piece at a time, reparsing after each.
    checks::check_incremental(
        "FROM alpine\n",
        &[
            edit(12, 0, "RUN <<EOF", true),
            edit(21, 0, "\n", true),
            edit(22, 0, "echo é\n", true),
            edit(30, 0, "EOF", true),
            edit(33, 0, "\n", true),
        ],
    );
    // A batch of edits before one reparse, with ranges past the end and inside `é`.
    checks::check_incremental(
        "RUN é \\\n  x\n",
        &[
            edit(5, 0, "y", false),
            edit(6, 1, "", false),
            edit(100, 4, "# escape=`\n", false),
            edit(0, 0, "# escape=`\n", true),
        ],
    );
    // A lone carriage return, whose line the rope and tree-sitter count differently.
    checks::check_incremental(
        "FROM a\rRUN b\n",
        &[edit(7, 0, "\\\r", true), edit(3, 2, "\r\n", true)],
    );
    // Found by `incremental_reparse`: a byte order mark typed before a variable in FROM.
    checks::check_incremental("\nfrom $U", &[edit(6, 0, "\u{feff}", true)]);
}

#[test]
fn sampled_offsets_cover_short_texts_and_spread_over_long_ones() {
    assert_eq!(checks::sample_offsets("RUN"), vec![0, 1, 2, 3]);
    let long = format!("RUN é{}", "x".repeat(400));
    assert_eq!(checks::sample_offsets(&long[..10]).len(), 11);
    let offsets = checks::sample_offsets(&long);
    assert_eq!(offsets.first(), Some(&0));
    assert_eq!(offsets.last(), Some(&long.len()));
    // The inside of `é` (bytes 4..6) is sampled.
    assert!(offsets.contains(&5), "{offsets:?}");
    assert!(offsets.len() <= 24 + 1 + 8 + 1, "{offsets:?}");
}

#[test]
fn strings_are_edited_as_the_document_edits_them() {
    let mut text = "RUN é\n".to_owned();
    checks::apply_to_string(&mut text, &edit(5, 0, "x", false));
    assert_eq!(text, "RUN xé\n");
    checks::apply_to_string(&mut text, &edit(6, 1, "", false));
    assert_eq!(text, "RUN x\n");
    checks::apply_to_string(&mut text, &edit(100, 100, "!", false));
    assert_eq!(text, "RUN x\n!");
}

/// Found by `incremental_reparse`: on a text that is already broken (an unclosed quote and a
/// heredoc marker inside an image name), two incremental reparses placed the error nodes
/// elsewhere than a fresh parse. A broken text of ordinary size is now parsed afresh.
#[test]
fn a_broken_text_reparses_like_a_fresh_parse() {
    checks::check_incremental(
        "# check=error=true\n\nFROM koalaman/sheck=erralpor=truele:1\n# ch\u{1}\0\0\0\0\0\0\u{6}r=true\n\nFROM\n\nFROM koalaman/shellcheck-alpine:v0.11.0'\nWORKDIRpe=bind,llcheck-alpine:v0.11.0\nWORKDIRpe=bind,src=src shellcheck",
        &[
            edit(72, 9, "'", false),
            edit(35, 5, "<<'EOF'", true),
            edit(36, 9, "\tEOF", true),
        ],
    );
}
