//! `dockls check`, run as CI would run it, on fixtures written into a temporary directory.
//!
//! Other rules come and go; these tests lean on `unknown-instruction` (`RUM`, an error with a
//! safe fix) and `untagged-base-image` (DL3006, a warning) and only assert what those report.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// A fresh directory for one test, with `files` (path, text) written into it.
fn fixture(test: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("check-tests")
        .join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("the fixture directory can be created");
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).expect("the fixture file can be written");
    }
    dir
}

/// Runs `dockls` in `dir`.
fn dockls(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dockls"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the dockls binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "stdout is not JSON ({error}):\n{}\nstderr: {}",
            stdout(output),
            stderr(output)
        )
    })
}

/// The diagnostics of one code in a `--format json` output.
fn of_code<'a>(items: &'a Value, code: &str) -> Vec<&'a Value> {
    items
        .as_array()
        .expect("an array")
        .iter()
        .filter(|item| item["code"] == code)
        .collect()
}

const TYPO: &str = "FROM alpine:3.20\nRUM echo hi\n";
const UNTAGGED: &str = "FROM ubuntu\n";

#[test]
fn an_error_exits_1_with_the_line_and_carets_under_the_range() {
    let dir = fixture("human", &[("Dockerfile", TYPO)]);
    let output = dockls(&dir, &["check"]);
    assert_eq!(output.status.code(), Some(1), "stderr: {}", stderr(&output));
    let out = stdout(&output);
    let expected = "\
Dockerfile:2:1: error[unknown-instruction]: ";
    let at = out.find(expected).unwrap_or_else(|| panic!("{out}"));
    let block: Vec<&str> = out[at..].lines().take(4).collect();
    assert_eq!(block[1], "  |");
    assert_eq!(block[2], "2 | RUM echo hi");
    assert_eq!(block[3], "  | ^^^");
    assert!(stderr(&output).contains("in 1 file"), "{}", stderr(&output));
}

#[test]
fn warnings_pass_the_default_fail_level_and_fail_a_lower_one() {
    let dir = fixture("fail-level", &[("Dockerfile", UNTAGGED)]);
    let output = dockls(&dir, &["check", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
    let items = json(&output);
    assert_eq!(of_code(&items, "untagged-base-image").len(), 1, "{items:#}");
    assert!(items
        .as_array()
        .unwrap()
        .iter()
        .all(|item| item["severity"] != "error"));

    let output = dockls(&dir, &["check", "--fail-level", "warning"]);
    assert_eq!(output.status.code(), Some(1), "stderr: {}", stderr(&output));
}

#[test]
fn usage_and_io_errors_exit_2_with_a_message() {
    let dir = fixture("usage", &[("Dockerfile", TYPO)]);
    for (args, message) in [
        (
            &["check", "--format", "xml"][..],
            "dockls: unknown format \"xml\"",
        ),
        (
            &["check", "--fail-level"],
            "dockls: --fail-level needs a value",
        ),
        (&["check", "--nope"], "dockls: unknown option \"--nope\""),
        (
            &["check", "missing/Dockerfile"],
            "dockls: cannot read missing/Dockerfile: ",
        ),
        (
            &["check", "--explain", "no-such-rule"],
            "dockls: unknown rule \"no-such-rule\"",
        ),
    ] {
        let output = dockls(&dir, args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&output).starts_with(message),
            "{args:?}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn a_missing_path_is_reported_and_the_others_still_checked() {
    let dir = fixture("missing", &[("Dockerfile", TYPO)]);
    let output = dockls(&dir, &["check", "missing/Dockerfile", "Dockerfile"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).starts_with("dockls: cannot read missing/Dockerfile: "),
        "{}",
        stderr(&output)
    );
    assert!(
        stdout(&output).contains("Dockerfile:2:1: error[unknown-instruction]"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn json_has_paths_ranges_codes_aliases_and_fixes() {
    let dir = fixture(
        "json",
        &[("Dockerfile", TYPO), ("sub/app.dockerfile", UNTAGGED)],
    );
    let output = dockls(&dir, &["check", "--format=json"]);
    assert_eq!(output.status.code(), Some(1), "stderr: {}", stderr(&output));
    let items = json(&output);
    let typo = of_code(&items, "unknown-instruction");
    assert_eq!(typo.len(), 1, "{items:#}");
    let typo = typo[0];
    assert_eq!(typo["path"], "Dockerfile");
    assert_eq!(
        typo["range"],
        serde_json::json!({
            "start": { "line": 2, "column": 1, "offset": 17 },
            "end": { "line": 2, "column": 4, "offset": 20 },
        })
    );
    assert_eq!(typo["severity"], "error");
    assert!(
        typo["message"].as_str().unwrap().contains("RUM"),
        "{typo:#}"
    );
    assert_eq!(typo["aliases"], serde_json::json!([]));
    let fix = &typo["fixes"][0];
    assert_eq!(fix["safe"], true);
    assert_eq!(fix["edits"][0]["newText"], "RUN");
    assert_eq!(fix["edits"][0]["range"]["start"]["offset"], 17);

    let untagged = of_code(&items, "untagged-base-image");
    assert_eq!(untagged.len(), 1, "{items:#}");
    assert_eq!(untagged[0]["path"], "sub/app.dockerfile");
    assert_eq!(untagged[0]["aliases"], serde_json::json!(["DL3006"]));
    assert_eq!(untagged[0]["severity"], "warning");

    // Sorted by path, then position.
    let paths: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["path"].as_str().unwrap())
        .collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted);
}

#[test]
fn github_format_writes_workflow_commands() {
    let dir = fixture("github", &[("Dockerfile", TYPO)]);
    let output = dockls(&dir, &["check", "--format", "github"]);
    assert_eq!(output.status.code(), Some(1), "stderr: {}", stderr(&output));
    let out = stdout(&output);
    let line = out
        .lines()
        .find(|line| line.contains("title=unknown-instruction"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        line.starts_with(
            "::error file=Dockerfile,line=2,col=1,endLine=2,endColumn=4,title=unknown-instruction::"
        ),
        "{line}"
    );
    assert!(out.lines().all(|line| line.starts_with("::")), "{out}");
}

#[test]
fn fix_rewrites_the_file_and_a_second_run_changes_nothing() {
    let dir = fixture("fix", &[("Dockerfile", TYPO)]);
    let output = dockls(&dir, &["check", "--fix", "--format", "json"]);
    let fixed = std::fs::read_to_string(dir.join("Dockerfile")).unwrap();
    assert!(fixed.contains("RUN echo hi"), "{fixed}");
    assert!(!fixed.contains("RUM"), "{fixed}");
    let items = json(&output);
    assert!(
        of_code(&items, "unknown-instruction").is_empty(),
        "{items:#}"
    );

    let again = dockls(&dir, &["check", "--fix"]);
    assert_eq!(
        std::fs::read_to_string(dir.join("Dockerfile")).unwrap(),
        fixed
    );
    assert!(!stderr(&again).contains("fixed"), "{}", stderr(&again));
}

#[test]
fn fix_does_not_apply_snippets() {
    // The ARG's fix inserts a `${1:value}` placeholder for the user to fill in.
    let text = "ARG TAG\nFROM alpine:${TAG}\n";
    let dir = fixture("fix-snippet", &[("Dockerfile", text)]);
    dockls(&dir, &["check", "--fix"]);
    assert_eq!(
        std::fs::read_to_string(dir.join("Dockerfile")).unwrap(),
        text
    );
}

#[test]
fn explain_prints_the_rule_page_by_name_or_alias() {
    let dir = fixture("explain", &[]);
    let by_name = dockls(&dir, &["check", "--explain", "untagged-base-image"]);
    assert_eq!(by_name.status.code(), Some(0), "{}", stderr(&by_name));
    let page = stdout(&by_name);
    assert!(page.starts_with("# untagged-base-image\n"), "{page}");
    assert!(page.contains("| hadolint | `DL3006` |"), "{page}");
    let by_alias = dockls(&dir, &["check", "--explain", "DL3006"]);
    assert_eq!(stdout(&by_alias), page);
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules/untagged-base-image.md");
    if let Ok(committed) = std::fs::read_to_string(docs) {
        assert_eq!(committed, page, "run `cargo run -- docs rules docs/rules`");
    }
}

#[test]
fn a_directory_walk_finds_dockerfile_names_and_honours_gitignore() {
    let dir = fixture(
        "walk",
        &[
            ("Dockerfile", UNTAGGED),
            ("Containerfile", UNTAGGED),
            ("a/web.dockerfile", UNTAGGED),
            ("a/b/api.Dockerfile", UNTAGGED),
            ("c/Dockerfile.dev", UNTAGGED),
            ("c/Containerfile.arm64", UNTAGGED),
            (".devcontainer/Dockerfile", UNTAGGED),
            ("c/Dockerfile.dockerignore", "*\n"),
            ("notes.txt", UNTAGGED),
            (".gitignore", "ignored/\n*.generated.dockerfile\n"),
            ("ignored/Dockerfile", UNTAGGED),
            ("a/x.generated.dockerfile", UNTAGGED),
        ],
    );
    let output = dockls(&dir, &["check", "--format", "json"]);
    let items = json(&output);
    let mut paths: Vec<&str> = of_code(&items, "untagged-base-image")
        .iter()
        .map(|item| item["path"].as_str().unwrap())
        .collect();
    paths.dedup();
    assert_eq!(
        paths,
        [
            ".devcontainer/Dockerfile",
            "Containerfile",
            "Dockerfile",
            "a/b/api.Dockerfile",
            "a/web.dockerfile",
            "c/Containerfile.arm64",
            "c/Dockerfile.dev",
        ]
    );

    // A file named on the command line is checked whatever its name or .gitignore say.
    let output = dockls(
        &dir,
        &[
            "check",
            "--format",
            "json",
            "notes.txt",
            "ignored/Dockerfile",
        ],
    );
    let items = json(&output);
    let paths: Vec<&str> = of_code(&items, "untagged-base-image")
        .iter()
        .map(|item| item["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["ignored/Dockerfile", "notes.txt"]);
}

#[test]
fn settings_come_from_the_nearest_dockls_toml_upward() {
    let dir = fixture(
        "settings",
        &[
            (".dockls.toml", "[rules]\nunknown-instruction = \"off\"\n"),
            ("a/Dockerfile", TYPO),
            ("b/.dockls.toml", "[rules]\nDL3006 = \"error\"\n"),
            ("b/c/Dockerfile", UNTAGGED),
            ("b/c/typo.dockerfile", TYPO),
        ],
    );
    let output = dockls(&dir, &["check", "--format", "json"]);
    assert_eq!(output.status.code(), Some(1), "stderr: {}", stderr(&output));
    let items = json(&output);
    // The top-level file turns the typo off for a/; b/ has its own file, which does not.
    let typos: Vec<&Value> = of_code(&items, "unknown-instruction");
    assert_eq!(typos.len(), 1, "{items:#}");
    assert_eq!(typos[0]["path"], "b/c/typo.dockerfile");
    let untagged = of_code(&items, "untagged-base-image");
    assert_eq!(untagged[0]["severity"], "error");

    let output = dockls(&dir, &["check", "a"]);
    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
}

#[test]
fn a_malformed_settings_file_is_a_clear_error() {
    let dir = fixture(
        "bad-settings",
        &[
            (
                ".dockls.toml",
                "[rules]\nunknown-instruktion = \"off\"\nDL3006 = \"loud\"\n",
            ),
            ("Dockerfile", UNTAGGED),
        ],
    );
    let output = dockls(&dir, &["check"]);
    assert_eq!(output.status.code(), Some(2), "stdout: {}", stdout(&output));
    let err = stderr(&output);
    assert!(
        err.contains(".dockls.toml:2:1: warning: unknown rule `unknown-instruktion`"),
        "{err}"
    );
    assert!(err.contains("did you mean `unknown-instruction`?"), "{err}");
    assert!(
        err.contains(".dockls.toml:3:10: warning: unknown severity \"loud\""),
        "{err}"
    );

    let dir = fixture(
        "broken-settings",
        &[(".dockls.toml", "[rules\n"), ("Dockerfile", UNTAGGED)],
    );
    let output = dockls(&dir, &["check"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains(".dockls.toml:1:")
            && stderr(&output).contains("error: invalid TOML"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_file_that_is_not_utf8_is_read_with_a_warning() {
    let dir = fixture("latin1", &[]);
    std::fs::write(
        dir.join("Dockerfile"),
        b"FROM alpine:3.20\nLABEL a=\"caf\xe9\"\nRUM x\n",
    )
    .unwrap();
    let output = dockls(&dir, &["check", "--format", "json"]);
    assert!(
        stderr(&output).contains("warning: Dockerfile is not valid UTF-8"),
        "{}",
        stderr(&output)
    );
    let items = json(&output);
    assert_eq!(of_code(&items, "unknown-instruction").len(), 1, "{items:#}");
}

#[test]
fn sarif_output_validates_against_the_sarif_2_1_0_schema() {
    let dir = fixture(
        "sarif",
        &[
            ("Dockerfile", TYPO),
            ("dir with space/app.dockerfile", UNTAGGED),
            ("broken.dockerfile", "FROM \nRUN echo é\n"),
        ],
    );
    let output = dockls(&dir, &["check", "--format", "sarif"]);
    assert_eq!(output.status.code(), Some(1), "stderr: {}", stderr(&output));
    let log = json(&output);

    let schema_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-schema-2.1.0.json");
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    // The published schema's `language` patterns have a stray `]`, which ECMA-262 reads as a
    // literal and Rust's regex engines reject; they are corrected here, in memory, so the schema
    // compiles with format checks (uri, date-time, ...) on.
    let mut schema = schema;
    let fixed = fix_patterns(
        &mut schema,
        "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$",
        "^[a-zA-Z]{2}$|^[a-zA-Z]{2}-[a-zA-Z]{2}$",
    );
    assert!(fixed > 0, "the vendored schema changed; drop fix_patterns");
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|error| format!("{} at {}", error, error.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    // The validator does reject what the schema forbids, formats included.
    let mut wrong = log.clone();
    wrong["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(!validator.is_valid(&wrong));
    let mut wrong = log.clone();
    wrong["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"] = Value::from("not a uri");
    assert!(!validator.is_valid(&wrong));

    let run = &log["runs"][0];
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(run["tool"]["driver"]["name"], "dockls");
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let untagged = rules
        .iter()
        .find(|rule| rule["id"] == "untagged-base-image")
        .expect("a descriptor per rule");
    assert_eq!(
        untagged["properties"]["hadolint"],
        serde_json::json!(["DL3006"])
    );
    assert_eq!(untagged["defaultConfiguration"]["level"], "warning");
    assert!(untagged["helpUri"]
        .as_str()
        .unwrap()
        .ends_with("docs/rules/untagged-base-image.md"));
    assert!(untagged["help"]["markdown"]
        .as_str()
        .unwrap()
        .starts_with("# untagged-base-image"));

    let results = run["results"].as_array().unwrap();
    let typo = results
        .iter()
        .find(|result| result["ruleId"] == "unknown-instruction")
        .unwrap();
    assert_eq!(typo["level"], "error");
    let location = &typo["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "Dockerfile");
    assert_eq!(
        location["region"]["startLine"]
            .as_u64()
            .zip(location["region"]["endColumn"].as_u64()),
        Some((2, 4))
    );
    // Every result's ruleIndex points at its descriptor.
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
    }
    let uris: Vec<&str> = results
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(
        uris.contains(&"dir%20with%20space/app.dockerfile"),
        "{uris:?}"
    );
}

/// Replaces every `pattern` equal to `broken` by `fixed`; returns how many.
fn fix_patterns(schema: &mut Value, broken: &str, fixed: &str) -> usize {
    match schema {
        Value::Object(object) => object
            .iter_mut()
            .map(|(key, value)| {
                if key == "pattern" && value == broken {
                    *value = Value::from(fixed);
                    1
                } else {
                    fix_patterns(value, broken, fixed)
                }
            })
            .sum(),
        Value::Array(items) => items
            .iter_mut()
            .map(|v| fix_patterns(v, broken, fixed))
            .sum(),
        _ => 0,
    }
}

#[test]
fn rule_docs_are_up_to_date() {
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules");
    let fresh = fixture("rule-docs", &[]).join("rules");
    let output = dockls(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["docs", "rules", fresh.to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let names = |dir: &Path| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    };
    let hint =
        "docs/rules/ is stale: run `cargo run -- docs rules docs/rules` and commit the result";
    assert_eq!(names(&committed), names(&fresh), "{hint}");
    for name in names(&fresh) {
        let old = std::fs::read_to_string(committed.join(&name)).unwrap_or_default();
        let new = std::fs::read_to_string(fresh.join(&name)).unwrap();
        assert!(old == new, "{name} differs; {hint}");
    }
}

#[test]
fn the_dockerignore_beside_the_dockerfile_is_its_build_context() {
    let copy = "FROM alpine:3.20\nCOPY production.env /app/\n";
    let dir = fixture(
        "dockerignore",
        &[
            ("a/Dockerfile", copy),
            ("a/.dockerignore", "*.env\n"),
            // BuildKit prefers `<Dockerfile>.dockerignore` to `.dockerignore`.
            ("b/app.Dockerfile", copy),
            ("b/app.Dockerfile.dockerignore", "nothing\n"),
            ("b/.dockerignore", "*.env\n"),
            ("c/Dockerfile", copy),
        ],
    );
    let output = dockls(&dir, &["check", "--format", "json"]);
    let items = json(&output);
    let paths: Vec<&str> = of_code(&items, "copy-ignored-file")
        .iter()
        .map(|item| item["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["a/Dockerfile"], "{items:#}");
}

#[test]
fn standard_input_is_checked_as_the_file_it_stands_for() {
    let dir = fixture(
        "stdin",
        &[(
            "sub/.dockls.toml",
            "[rules]\nunknown-instruction = \"hint\"\n",
        )],
    );
    let run = |args: &[&str]| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_dockls"))
            .args(args)
            .current_dir(&dir)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        // A usage error exits before reading its input, which then breaks the pipe.
        let _ = child.stdin.take().unwrap().write_all(TYPO.as_bytes());
        child.wait_with_output().unwrap()
    };
    let output = run(&["check", "--format", "json", "-"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let items = json(&output);
    let typo = of_code(&items, "unknown-instruction");
    assert_eq!(typo[0]["path"], "-");
    assert_eq!(typo[0]["severity"], "error");

    let output = run(&[
        "check",
        "--format",
        "json",
        "--stdin-filename",
        "sub/Dockerfile",
        "-",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let items = json(&output);
    let typo = of_code(&items, "unknown-instruction");
    assert_eq!(typo[0]["path"], "sub/Dockerfile");
    assert_eq!(typo[0]["severity"], "hint");

    let output = run(&["check", "--fix", "-"]);
    assert_eq!(output.status.code(), Some(2));
}

// No file is lost: every file that cannot be checked gets a message naming it and the problem,
// the others are still checked and reported, and the exit code is 2.

/// The paths of the files a `--format json` run reported on, sorted, without repeats.
fn reported_paths(items: &Value) -> Vec<String> {
    let mut paths: Vec<String> = items
        .as_array()
        .expect("an array")
        .iter()
        .filter_map(|item| item["path"].as_str().map(str::to_owned))
        .collect();
    paths.sort();
    paths.dedup();
    paths
}

/// Whether file permissions stop this process from reading, which they do not for root. The
/// tests of unreadable files skip that case then, and say so.
fn permissions_bite(dir: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let probe = dir.join("permission-probe");
    std::fs::write(&probe, "x").unwrap();
    std::fs::set_permissions(&probe, std::fs::Permissions::from_mode(0o000)).unwrap();
    let bites = std::fs::read(&probe).is_err();
    std::fs::set_permissions(&probe, std::fs::Permissions::from_mode(0o600)).unwrap();
    std::fs::remove_file(&probe).unwrap();
    if !bites {
        eprintln!("skipped: file permissions do not stop this user (root?) from reading");
    }
    bites
}

/// Asserts a run failed with status 2, said `message` on stderr, and still reported the typo
/// in `good`.
#[track_caller]
fn fails_but_checks_the_rest(output: &Output, message: &str, good: &str) {
    let err = stderr(output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(err.contains(message), "expected {message:?} in:\n{err}");
    let items = json(output);
    let typos: Vec<&str> = of_code(&items, "unknown-instruction")
        .iter()
        .filter_map(|item| item["path"].as_str())
        .collect();
    assert_eq!(typos, [good], "{items:#}\n{err}");
}

#[test]
fn symlink_loops_and_dangling_links_are_reported_named_or_walked() {
    use std::os::unix::fs::symlink;
    let dir = fixture("links", &[("good/Dockerfile", TYPO)]);
    std::fs::create_dir_all(dir.join("walked")).unwrap();
    symlink("Dockerfile.b", dir.join("walked/Dockerfile.a")).unwrap();
    symlink("Dockerfile.a", dir.join("walked/Dockerfile.b")).unwrap();
    symlink("Dockerfile", dir.join("walked/Dockerfile")).unwrap();
    symlink("gone/Dockerfile", dir.join("walked/Dockerfile.gone")).unwrap();
    // A link to a Dockerfile is checked; a link to a directory is not followed.
    symlink("../good/Dockerfile", dir.join("walked/linked.Dockerfile")).unwrap();
    symlink("../good", dir.join("walked/Dockerfile.dir")).unwrap();

    let output = dockls(&dir, &["check", "--format", "json", "walked"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    for message in [
        "dockls: cannot read walked/Dockerfile: it is a symbolic link in a loop of links",
        "dockls: cannot read walked/Dockerfile.a: it is a symbolic link in a loop of links",
        "dockls: cannot read walked/Dockerfile.b: it is a symbolic link in a loop of links",
        "dockls: cannot read walked/Dockerfile.gone: it is a dangling symbolic link: \
         walked/gone/Dockerfile does not exist",
    ] {
        assert!(err.contains(message), "expected {message:?} in:\n{err}");
    }
    assert_eq!(reported_paths(&json(&output)), ["walked/linked.Dockerfile"]);

    // Named on the command line, beside a good file.
    for (name, message) in [
        (
            "walked/Dockerfile",
            "dockls: cannot read walked/Dockerfile: it is a symbolic link in a loop of links",
        ),
        (
            "walked/Dockerfile.gone",
            "dockls: cannot read walked/Dockerfile.gone: it is a dangling symbolic link",
        ),
    ] {
        let output = dockls(
            &dir,
            &["check", "--format", "json", name, "good/Dockerfile"],
        );
        fails_but_checks_the_rest(&output, message, "good/Dockerfile");
    }
}

#[test]
fn unreadable_files_and_directories_are_reported() {
    use std::os::unix::fs::PermissionsExt;
    let dir = fixture(
        "unreadable",
        &[
            ("good/Dockerfile", TYPO),
            ("locked/Dockerfile", TYPO),
            ("closed/sub/Dockerfile", TYPO),
        ],
    );
    if !permissions_bite(&dir) {
        return;
    }
    let mode = |path: &str, mode: u32| {
        std::fs::set_permissions(dir.join(path), std::fs::Permissions::from_mode(mode)).unwrap();
    };
    mode("locked/Dockerfile", 0o000);
    mode("closed", 0o000);
    let output = dockls(&dir, &["check", "--format", "json"]);
    mode("locked/Dockerfile", 0o644);
    mode("closed", 0o755);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(
        err.contains("dockls: cannot read locked/Dockerfile: Permission denied"),
        "{err}"
    );
    assert!(
        err.contains("dockls: cannot walk .: ") && err.contains("closed"),
        "{err}"
    );
    assert_eq!(reported_paths(&json(&output)), ["good/Dockerfile"]);
}

#[test]
fn binary_files_and_directories_named_as_files_are_reported() {
    let dir = fixture("binary", &[("good/Dockerfile", TYPO)]);
    std::fs::write(
        dir.join("good/bin.Dockerfile"),
        b"FROM alpine\0\x01\x02RUN x\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("empty/Dockerfile")).unwrap();
    let output = dockls(&dir, &["check", "--format", "json", "good"]);
    fails_but_checks_the_rest(
        &output,
        "dockls: cannot check good/bin.Dockerfile: it looks binary (a NUL byte at byte 11)",
        "good/Dockerfile",
    );
    let output = dockls(
        &dir,
        &[
            "check",
            "--format",
            "json",
            "empty/Dockerfile",
            "good/Dockerfile",
        ],
    );
    fails_but_checks_the_rest(
        &output,
        "dockls: cannot check empty/Dockerfile: it is a directory, not a Dockerfile, and holds \
         no Dockerfile",
        "good/Dockerfile",
    );
    // A directory with another name and no Dockerfile is only a note.
    std::fs::create_dir_all(dir.join("docs")).unwrap();
    let output = dockls(&dir, &["check", "docs"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stderr(&output).contains("no Dockerfile found in docs"));
}

#[test]
fn non_utf8_files_are_checked_lossily_and_never_rewritten() {
    let dir = fixture("latin1-fix", &[("good/Dockerfile", TYPO)]);
    let latin1 = b"FROM alpine:3.20\nLABEL a=\"caf\xe9\"\nRUM x\n";
    std::fs::write(dir.join("Dockerfile"), latin1).unwrap();
    std::fs::write(dir.join(".dockerignore"), b"\xff\xfe*.env\n").unwrap();
    let output = dockls(&dir, &["check", "--fix", "--format", "json"]);
    let err = stderr(&output);
    assert!(
        err.contains("warning: Dockerfile is not valid UTF-8; invalid bytes are read as U+FFFD and it is not fixed"),
        "{err}"
    );
    // The typo in the Latin-1 file stays and fails the run; the good file was fixed.
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert_eq!(std::fs::read(dir.join("Dockerfile")).unwrap(), latin1);
    assert!(!std::fs::read_to_string(dir.join("good/Dockerfile"))
        .unwrap()
        .contains("RUM"));
}

#[test]
fn fix_replaces_the_file_atomically_keeping_permissions_and_links() {
    use std::os::unix::fs::{symlink, PermissionsExt};
    let dir = fixture(
        "atomic",
        &[("real/Dockerfile", TYPO), ("mode/Dockerfile", TYPO)],
    );
    std::fs::set_permissions(
        dir.join("mode/Dockerfile"),
        std::fs::Permissions::from_mode(0o640),
    )
    .unwrap();
    symlink("real/Dockerfile", dir.join("Dockerfile")).unwrap();
    let output = dockls(&dir, &["check", "--fix", "Dockerfile", "mode/Dockerfile"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(std::fs::symlink_metadata(dir.join("Dockerfile"))
        .unwrap()
        .file_type()
        .is_symlink());
    for path in ["real/Dockerfile", "mode/Dockerfile"] {
        let text = std::fs::read_to_string(dir.join(path)).unwrap();
        assert_eq!(text, "FROM alpine:3.20\nRUN echo hi\n", "{path}");
    }
    let mode = std::fs::metadata(dir.join("mode/Dockerfile"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o640);
    // No temporary file is left behind.
    for sub in ["", "real", "mode"] {
        let names: Vec<String> = std::fs::read_dir(dir.join(sub))
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.contains(".tmp"))
            .collect();
        assert_eq!(names, Vec::<String>::new(), "{sub}");
    }
}

#[test]
fn a_fix_that_cannot_be_written_leaves_the_original() {
    use std::os::unix::fs::PermissionsExt;
    let dir = fixture(
        "readonly",
        &[("ro/Dockerfile", TYPO), ("good/Dockerfile", TYPO)],
    );
    if !permissions_bite(&dir) {
        return;
    }
    // The file may be written but its directory may not: no temporary file can be made there.
    std::fs::set_permissions(dir.join("ro"), std::fs::Permissions::from_mode(0o555)).unwrap();
    let output = dockls(&dir, &["check", "--fix", "--format", "json"]);
    std::fs::set_permissions(dir.join("ro"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(
        err.contains("dockls: cannot write the fixes to ro/Dockerfile: ")
            && err.contains("the file is unchanged"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("ro/Dockerfile")).unwrap(),
        TYPO
    );
    assert_eq!(std::fs::read_dir(dir.join("ro")).unwrap().count(), 1);
    assert!(!std::fs::read_to_string(dir.join("good/Dockerfile"))
        .unwrap()
        .contains("RUM"));
}

/// Every corpus file (the shared corpus too, when present) is either reported or named in a
/// message, the run ends with a defined status, and every range lies in its file.
#[test]
fn the_whole_corpus_is_checked_without_losing_a_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut roots = vec![root.join("tests/corpus")];
    let shared = root.join("../shared/corpus");
    if shared.is_dir() {
        roots.push(shared);
    }
    for corpus in roots {
        let output = dockls(
            &corpus,
            &["check", "--format", "json", "--fail-level", "hint"],
        );
        let err = stderr(&output);
        assert!(
            matches!(output.status.code(), Some(0..=2)),
            "{}: {:?}\n{err}",
            corpus.display(),
            output.status
        );
        let items = json(&output);
        let mut pending = vec![corpus.clone()];
        let mut files = 0;
        let mut unchecked = 0;
        while let Some(dir) = pending.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    pending.push(path);
                    continue;
                }
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                if !dockls::cli::check::is_dockerfile_name(&name) {
                    continue;
                }
                files += 1;
                let shown = path.strip_prefix(&corpus).unwrap().display().to_string();
                if err.contains(&format!("dockls: cannot check {shown}: ")) {
                    unchecked += 1;
                    continue;
                }
                let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
                for item in items
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|i| i["path"] == shown)
                {
                    let start = item["range"]["start"]["offset"].as_u64().unwrap() as usize;
                    let end = item["range"]["end"]["offset"].as_u64().unwrap() as usize;
                    assert!(
                        start <= end
                            && end <= text.len()
                            && text.is_char_boundary(start)
                            && text.is_char_boundary(end),
                        "{shown}: {item}"
                    );
                }
            }
        }
        assert!(files > 0, "{}", corpus.display());
        // Every file is either checked (the summary counts it) or named in a message.
        let summary = stderr(&dockls(&corpus, &["check"]));
        let checked = format!(" in {} file", files - unchecked);
        assert!(
            summary
                .trim_end()
                .lines()
                .last()
                .is_some_and(|line| line.contains(&checked)),
            "{}: {files} files, {unchecked} named in messages, but:\n{summary}",
            corpus.display()
        );
    }
}
