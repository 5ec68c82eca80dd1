//! The `dockls` binary, run as a user would run it.

use std::path::PathBuf;
use std::process::{Command, Output};

fn dockls(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dockls"))
        .args(args)
        .output()
        .expect("the dockls binary runs")
}

/// Writes `text` to a file private to the calling test and returns its path.
fn temp_file(name: &str, text: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli-tests");
    std::fs::create_dir_all(&dir).expect("the temp dir can be created");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("the temp file can be written");
    path
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

const BROKEN_MIDDLE_LINE: &str = "RUN echo one\nFROM \nRUN echo three\n";

#[test]
fn valid_file_prints_its_tree_and_exits_0() {
    let path = temp_file(
        "valid.Dockerfile",
        "FROM alpine:3.20 AS base\nRUN echo hi\n",
    );
    let output = dockls(&["parse", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
    let tree = stdout(&output);
    assert!(tree.starts_with("(source_file [0, 0] - [2, 0]\n"), "{tree}");
    assert!(
        tree.contains("\n  (run_instruction [1, 0] - [1, 11]"),
        "{tree}"
    );
}

#[test]
fn valid_file_has_no_errors_to_print() {
    let path = temp_file("valid-errors.Dockerfile", "FROM alpine\nCMD [\"sh\"]\n");
    let output = dockls(&["parse", "--errors", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
    assert_eq!(stdout(&output), "");
}

#[test]
fn broken_middle_line_is_reported_on_line_2() {
    let path = temp_file("broken-errors.Dockerfile", BROKEN_MIDDLE_LINE);
    let path = path.to_str().unwrap();
    let output = dockls(&["parse", "--errors", path]);
    assert_eq!(output.status.code(), Some(1), "stderr: {}", stderr(&output));
    let errors = stdout(&output);
    assert!(!errors.is_empty());
    for line in errors.lines() {
        assert!(line.starts_with(&format!("{path}:2:")), "{line}");
        assert!(line.contains(": error: "), "{line}");
    }
    assert!(
        errors.contains("FROM"),
        "the message quotes the broken line: {errors}"
    );
}

#[test]
fn broken_middle_line_does_not_swallow_its_neighbours() {
    let path = temp_file("broken-tree.Dockerfile", BROKEN_MIDDLE_LINE);
    let output = dockls(&["parse", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1), "stderr: {}", stderr(&output));
    let tree = stdout(&output);
    assert!(
        tree.contains("\n  (run_instruction [0, 0] - [0, 12]"),
        "{tree}"
    );
    assert!(
        tree.contains("\n  (run_instruction [2, 0] - [2, 14]"),
        "{tree}"
    );
}

#[test]
fn version_names_the_package_version() {
    let output = dockls(&["--version"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stdout(&output),
        format!("dockls {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn help_prints_usage() {
    let output = dockls(&["--help"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).contains("dockls parse [--errors] FILE..."));
}

#[test]
fn missing_file_exits_2_and_says_which() {
    let output = dockls(&["parse", "no/such/Dockerfile"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stdout(&output), "");
    assert!(
        stderr(&output).contains("cannot read no/such/Dockerfile"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn missing_file_does_not_stop_the_others() {
    let path = temp_file("next-to-missing.Dockerfile", "FROM alpine\n");
    let output = dockls(&["parse", "no/such/Dockerfile", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stdout(&output).starts_with("(source_file"));
}

#[test]
fn unknown_option_is_a_usage_error() {
    let output = dockls(&["parse", "--frobnicate", "Dockerfile"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--frobnicate"));
}

#[test]
fn server_ends_when_its_input_ends() {
    for args in [&[][..], &["--stdio"][..]] {
        let output = dockls(args);
        // Input ended without `shutdown` and `exit`: an abnormal end, status 1 (tests/lsp.rs
        // covers the protocol).
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
        assert!(output.stdout.is_empty());
    }
}
