//! `dockls check`: lint Dockerfiles for CI, print what is wrong, optionally fix it in place.
//!
//! The shell around the core for many files: it finds the files, their `.dockls.toml` and
//! `.dockerignore`, analyses the files in parallel, applies safe fixes, and hands the results to
//! [`super::output`] in a stable order.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::analysis::{Analysis, Diagnostic, Severity};
use crate::config::{self, ConfigProblem};
use crate::rules::{self, Edit, RuleConfig};

use super::{docs, output, EXIT_FAILURE, EXIT_OK};

/// Exit code when a diagnostic at or above the fail level was found.
pub const EXIT_FINDINGS: u8 = 1;

/// How many rounds `--fix` runs at most: a fix can uncover another (a merged RUN that is now
/// followed by another RUN), but a pair of fixes that undo each other must not loop forever.
const MAX_FIX_ROUNDS: usize = 10;

/// The output formats of `dockls check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// `path:line:col: severity[code]: message`, the source line and a caret line.
    #[default]
    Human,
    /// An array of objects, one per diagnostic.
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// GitHub Actions workflow commands, shown as annotations.
    Github,
}

/// Options of `dockls check`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckConfig {
    /// Files and directories; `.` when none is given.
    pub paths: Vec<PathBuf>,
    pub format: Format,
    /// Apply the safe fixes in place.
    pub fix: bool,
    /// Exit 1 when a diagnostic at or above this severity remains.
    pub fail_level: Severity,
    /// Print this rule's documentation instead of checking.
    pub explain: Option<String>,
    /// The path standard input (`-`) stands for: shown in the output, and where its
    /// `.dockls.toml` and `.dockerignore` are looked up.
    pub stdin_filename: Option<PathBuf>,
}

impl Default for CheckConfig {
    fn default() -> CheckConfig {
        CheckConfig {
            paths: Vec::new(),
            format: Format::Human,
            fix: false,
            fail_level: Severity::Error,
            explain: None,
            stdin_filename: None,
        }
    }
}

/// Reads the arguments after `check`.
pub fn parse_args(args: impl Iterator<Item = OsString>) -> Result<CheckConfig, String> {
    let mut config = CheckConfig::default();
    let mut args = args.peekable();
    let mut only_paths = false;
    while let Some(arg) = args.next() {
        if only_paths {
            config.paths.push(arg.into());
            continue;
        }
        let Some(text) = arg.to_str() else {
            config.paths.push(arg.into());
            continue;
        };
        // `--option=value` and `--option value` are both accepted.
        let (option, inline_value) = match text.split_once('=') {
            Some((option, value)) if option.starts_with("--") => (option, Some(value.to_owned())),
            _ => (text, None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            if let Some(value) = inline_value.clone() {
                return Ok(value);
            }
            match args.next() {
                Some(value) => value
                    .into_string()
                    .map_err(|value| format!("{name} takes text, not {value:?}")),
                None => Err(format!("{name} needs a value")),
            }
        };
        match option {
            "--" => only_paths = true,
            "--fix" => config.fix = true,
            "--format" => {
                config.format = match value("--format")?.as_str() {
                    "human" | "text" => Format::Human,
                    "json" => Format::Json,
                    "sarif" => Format::Sarif,
                    "github" => Format::Github,
                    other => {
                        return Err(format!(
                            "unknown format {other:?}; expected human, json, sarif or github"
                        ))
                    }
                }
            }
            "--fail-level" => {
                let word = value("--fail-level")?;
                config.fail_level = match config::parse_severity(&word) {
                    Some(Some(severity)) => severity,
                    _ => {
                        return Err(format!(
                            "unknown fail level {word:?}; expected error, warning, info or hint"
                        ))
                    }
                }
            }
            "--explain" => config.explain = Some(value("--explain")?),
            "--stdin-filename" => config.stdin_filename = Some(value("--stdin-filename")?.into()),
            _ if option.starts_with('-') && option != "-" => {
                return Err(format!("unknown option {option:?} for `dockls check`"));
            }
            _ => config.paths.push(arg.into()),
        }
    }
    if config.paths.is_empty() {
        config.paths.push(PathBuf::from("."));
    }
    if config.fix && config.paths.iter().any(|path| is_stdin(path)) {
        return Err("--fix cannot rewrite standard input (-)".to_owned());
    }
    Ok(config)
}

/// The outcome for one file.
pub struct FileReport {
    /// As given on the command line or found in a directory, without a leading `./`.
    pub path: PathBuf,
    /// The text the diagnostics refer to: after fixes when `--fix` changed the file.
    pub text: String,
    pub diagnostics: Vec<Diagnostic>,
    /// How many fixes `--fix` applied.
    pub fixed: usize,
}

/// `dockls check`.
pub fn run(config: &CheckConfig, stdout: &mut dyn Write, stderr: &mut dyn Write) -> io::Result<u8> {
    if let Some(name) = &config.explain {
        return explain(name, stdout, stderr);
    }
    let mut code = EXIT_OK;
    let (files, errors) = find_files(&config.paths);
    for message in &errors {
        writeln!(stderr, "dockls: {message}")?;
        code = EXIT_FAILURE;
    }
    if files.is_empty() && errors.is_empty() {
        writeln!(
            stderr,
            "dockls: no Dockerfile found in {}",
            list(&config.paths)
        )?;
    }

    // Each settings file is read and reported once, before the parallel work.
    let mut settings: BTreeMap<PathBuf, RuleConfig> = BTreeMap::new();
    let mut jobs = Vec::with_capacity(files.len());
    for file in files {
        let stdin = is_stdin(&file);
        let path = match &config.stdin_filename {
            Some(name) if stdin => name.clone(),
            _ => file,
        };
        let config_path = find_upward(&path, config::FILE_NAME);
        let rule_config = match &config_path {
            Some(config_path) => {
                if !settings.contains_key(config_path) {
                    let loaded = load_settings(config_path, stderr)?;
                    if loaded.is_none() {
                        code = EXIT_FAILURE;
                    }
                    settings.insert(config_path.clone(), loaded.unwrap_or_default());
                }
                settings[config_path].clone()
            }
            None => RuleConfig::default(),
        };
        jobs.push(Job {
            path,
            stdin,
            rule_config,
        });
    }

    let outcomes = run_in_parallel(&jobs, |job| check_file(job, config.fix));
    let mut reports = Vec::new();
    for outcome in outcomes {
        for warning in &outcome.warnings {
            writeln!(stderr, "dockls: warning: {warning}")?;
        }
        match outcome.result {
            Ok(report) => reports.push(report),
            Err(message) => {
                writeln!(stderr, "dockls: {message}")?;
                code = EXIT_FAILURE;
            }
        }
    }

    match config.format {
        Format::Human => output::human(&reports, stdout)?,
        Format::Json => output::json(&reports, stdout)?,
        Format::Sarif => output::sarif(&reports, stdout)?,
        Format::Github => output::github(&reports, stdout)?,
    }
    if config.format == Format::Human {
        output::summary(&reports, config.fix, stderr)?;
    }

    let failed = reports
        .iter()
        .flat_map(|report| &report.diagnostics)
        .any(|d| d.severity <= config.fail_level);
    if code == EXIT_OK && failed {
        code = EXIT_FINDINGS;
    }
    Ok(code)
}

fn list(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// `--explain RULE`: the rule's page, the same text as `docs/rules/RULE.md`.
fn explain(name: &str, stdout: &mut dyn Write, stderr: &mut dyn Write) -> io::Result<u8> {
    match rules::rule(name) {
        Some(rule) => {
            stdout.write_all(docs::rule_page(rule).as_bytes())?;
            Ok(EXIT_OK)
        }
        None => {
            writeln!(
                stderr,
                "dockls: unknown rule {name:?}; `dockls docs rules DIR` lists them all, and \
                 hadolint codes and BuildKit check names work too"
            )?;
            Ok(EXIT_FAILURE)
        }
    }
}

/// What a worker needs for one file.
struct Job {
    /// The file, or what standard input stands for.
    path: PathBuf,
    /// Read standard input instead of `path`.
    stdin: bool,
    rule_config: RuleConfig,
}

/// What a worker hands back for one file.
struct Outcome {
    warnings: Vec<String>,
    result: Result<FileReport, String>,
}

/// Runs `work` on every job over as many threads as the machine has, and returns the outcomes
/// in the order of the jobs.
fn run_in_parallel<J: Sync, O: Send>(jobs: &[J], work: impl Fn(&J) -> O + Sync) -> Vec<O> {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(jobs.len())
        .max(1);
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<O>>> = jobs.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(job) = jobs.get(index) else {
                    break;
                };
                let outcome = work(job);
                *slots[index].lock().unwrap_or_else(|e| e.into_inner()) = Some(outcome);
            });
        }
    });
    slots
        .into_iter()
        .filter_map(|slot| slot.into_inner().unwrap_or_else(|e| e.into_inner()))
        .collect()
}

/// Reads, analyses and (with `fix`) fixes one file.
fn check_file(job: &Job, fix: bool) -> Outcome {
    let mut warnings = Vec::new();
    let path = &job.path;
    let bytes = if job.stdin {
        let mut bytes = Vec::new();
        io::Read::read_to_end(&mut io::stdin().lock(), &mut bytes).map(|_| bytes)
    } else {
        std::fs::read(path)
    };
    let bytes = match bytes {
        Ok(bytes) => bytes,
        Err(error) => {
            return Outcome {
                warnings,
                result: Err(format!("cannot read {}: {error}", path.display())),
            }
        }
    };
    let (mut text, utf8) = match String::from_utf8(bytes) {
        Ok(text) => (text, true),
        Err(error) => {
            warnings.push(format!(
                "{} is not valid UTF-8; invalid bytes are read as U+FFFD{}",
                path.display(),
                if fix { " and it is not fixed" } else { "" }
            ));
            (
                String::from_utf8_lossy(error.as_bytes()).into_owned(),
                false,
            )
        }
    };
    let dockerignore = read_dockerignore(path);
    let dockerignore = dockerignore.as_deref();
    let mut fixed = 0;
    if fix && utf8 {
        let (new_text, count) = apply_safe_fixes(&text, &job.rule_config, dockerignore);
        if count > 0 && new_text != text {
            if let Err(error) = std::fs::write(path, &new_text) {
                return Outcome {
                    warnings,
                    result: Err(format!("cannot write {}: {error}", path.display())),
                };
            }
            text = new_text;
            fixed = count;
        }
    }
    let diagnostics = Analysis::from_text(&text).diagnostics_with(&job.rule_config, dockerignore);
    Outcome {
        warnings,
        result: Ok(FileReport {
            path: path.clone(),
            text,
            diagnostics,
            fixed,
        }),
    }
}

/// Applies the safe fixes (not snippets) round after round until none is left. A round whose
/// result has more syntax errors than its input is dropped: a fix must never break the file.
/// Returns the new text and how many fixes were applied.
pub fn apply_safe_fixes(
    text: &str,
    config: &RuleConfig,
    dockerignore: Option<&str>,
) -> (String, usize) {
    let mut text = text.to_owned();
    let mut applied = 0;
    let mut diagnostics = Analysis::from_text(&text).diagnostics_with(config, dockerignore);
    for _ in 0..MAX_FIX_ROUNDS {
        let edits = non_overlapping_safe_fixes(&diagnostics);
        if edits.is_empty() {
            break;
        }
        let count = edits.len();
        let edits: Vec<Edit> = edits.into_iter().flatten().collect();
        let new_text = rules::apply_edits(&text, &edits);
        if new_text == text {
            break;
        }
        let new_diagnostics = Analysis::from_text(&new_text).diagnostics_with(config, dockerignore);
        if syntax_errors(&new_diagnostics) > syntax_errors(&diagnostics) {
            break;
        }
        text = new_text;
        diagnostics = new_diagnostics;
        applied += count;
    }
    (text, applied)
}

fn syntax_errors(diagnostics: &[Diagnostic]) -> usize {
    diagnostics.iter().filter(|d| d.rule.is_none()).count()
}

/// The edits of the first safe fix of each diagnostic, skipping a fix that touches the bytes of
/// one already taken (its diagnostic is fixed in a later round, against the new text).
fn non_overlapping_safe_fixes(diagnostics: &[Diagnostic]) -> Vec<Vec<Edit>> {
    let mut taken: Vec<std::ops::Range<usize>> = Vec::new();
    let mut chosen = Vec::new();
    for diagnostic in diagnostics {
        let Some(fix) = diagnostic
            .fixes
            .iter()
            .find(|fix| fix.safe && !fix.is_snippet && !fix.edits.is_empty())
        else {
            continue;
        };
        let overlaps = |a: &std::ops::Range<usize>, b: &std::ops::Range<usize>| {
            // Two insertions at one offset also conflict: their order would be arbitrary.
            a.start < b.end && b.start < a.end || a.start == b.start
        };
        let conflicts = fix.edits.iter().enumerate().any(|(i, edit)| {
            taken.iter().any(|range| overlaps(range, &edit.range))
                || fix.edits[..i]
                    .iter()
                    .any(|other| overlaps(&other.range, &edit.range))
        });
        if conflicts {
            continue;
        }
        taken.extend(fix.edits.iter().map(|edit| edit.range.clone()));
        chosen.push(fix.edits.clone());
    }
    chosen
}

/// The build context's ignore file: `<Dockerfile>.dockerignore` beside the file, as BuildKit
/// prefers it, else `.dockerignore` in the file's directory (the usual build context).
fn read_dockerignore(dockerfile: &Path) -> Option<String> {
    let mut specific = dockerfile.as_os_str().to_owned();
    specific.push(".dockerignore");
    let directory = dockerfile.parent().unwrap_or(Path::new(""));
    [PathBuf::from(specific), directory.join(".dockerignore")]
        .iter()
        .find_map(|path| std::fs::read(path).ok())
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
}

/// The nearest `name` in the file's directory or above, up to the filesystem root.
fn find_upward(file: &Path, name: &str) -> Option<PathBuf> {
    let absolute = std::path::absolute(file).ok()?;
    let mut directory = absolute.parent();
    while let Some(dir) = directory {
        let candidate = dir.join(name);
        if candidate.is_file() {
            return Some(candidate);
        }
        directory = dir.parent();
    }
    None
}

/// Reads a settings file and prints its problems. `None` when it has any: the CLI treats a
/// setting it cannot follow as an error, so a typo cannot silently leave a rule on.
fn load_settings(path: &Path, stderr: &mut dyn Write) -> io::Result<Option<RuleConfig>> {
    let shown = relative_to_current_dir(path);
    let text = match std::fs::read(path) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(error) => {
            writeln!(stderr, "dockls: cannot read {}: {error}", shown.display())?;
            return Ok(None);
        }
    };
    let parsed = config::parse(&text);
    for problem in &parsed.problems {
        write_config_problem(&shown, &text, problem, stderr)?;
    }
    Ok(parsed.problems.is_empty().then_some(parsed.config))
}

fn write_config_problem(
    path: &Path,
    text: &str,
    problem: &ConfigProblem,
    stderr: &mut dyn Write,
) -> io::Result<()> {
    let (line, column) = output::line_column(text, problem.range.start);
    writeln!(
        stderr,
        "{}:{line}:{column}: {}: {}",
        path.display(),
        config::severity_name(problem.severity),
        problem.message
    )
}

fn relative_to_current_dir(path: &Path) -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|dir| path.strip_prefix(dir).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf())
}

/// Whether a file name is a Dockerfile's: `Dockerfile`, `Containerfile`, `*.dockerfile`,
/// `*.Dockerfile`, `Dockerfile.*` and `Containerfile.*` (any case of the word), but not the
/// per-Dockerfile ignore file `Dockerfile.dockerignore`.
pub fn is_dockerfile_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".dockerignore") {
        return false;
    }
    lower == "dockerfile"
        || lower == "containerfile"
        || lower.ends_with(".dockerfile") && lower.len() > ".dockerfile".len()
        || lower.starts_with("dockerfile.")
        || lower.starts_with("containerfile.")
}

/// The files to check: named files as they are, directories walked for Dockerfile names,
/// honouring `.gitignore` (inside a repository or not) and `.ignore`. Sorted, without
/// duplicates; a path that cannot be read is reported and the others are still checked.
fn find_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<String>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if is_stdin(path) {
            files.push(path.clone());
            continue;
        }
        let metadata = match std::fs::metadata(path) {
            Ok(metadata) => metadata,
            Err(error) => {
                errors.push(format!("cannot read {}: {error}", path.display()));
                continue;
            }
        };
        if !metadata.is_dir() {
            files.push(clean(path));
            continue;
        }
        let walk = ignore::WalkBuilder::new(path)
            .hidden(false)
            .require_git(false)
            .filter_entry(|entry| entry.file_name() != ".git")
            .build();
        for entry in walk {
            let entry = match entry {
                Ok(entry) => entry,
                Err(error) => {
                    errors.push(format!("cannot walk {}: {error}", path.display()));
                    continue;
                }
            };
            let is_file = entry.file_type().is_some_and(|kind| kind.is_file());
            let named = entry.file_name().to_str().is_some_and(is_dockerfile_name);
            if is_file && named {
                files.push(clean(entry.path()));
            }
        }
    }
    files.sort();
    files.dedup();
    (files, errors)
}

/// `-`, standard input.
fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Drops a leading `./`, so a walk of `.` shows `sub/Dockerfile`.
fn clean(path: &Path) -> PathBuf {
    match path.strip_prefix(".") {
        Ok(rest) if !rest.as_os_str().is_empty() => rest.to_path_buf(),
        _ => path.to_path_buf(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> impl Iterator<Item = OsString> {
        list.iter()
            .map(OsString::from)
            .collect::<Vec<_>>()
            .into_iter()
    }

    #[test]
    fn options_take_values_both_ways_and_paths_default_to_the_current_directory() {
        let config = parse_args(args(&["--format=json", "--fail-level", "warning", "--fix"]));
        assert_eq!(
            config,
            Ok(CheckConfig {
                paths: vec![PathBuf::from(".")],
                format: Format::Json,
                fix: true,
                fail_level: Severity::Warning,
                explain: None,
                stdin_filename: None,
            })
        );
        let config = parse_args(args(&["a", "--", "--fix"])).unwrap();
        assert_eq!(
            config.paths,
            vec![PathBuf::from("a"), PathBuf::from("--fix")]
        );
        assert!(!config.fix);
    }

    #[test]
    fn bad_options_are_usage_errors() {
        assert!(parse_args(args(&["--format", "xml"])).is_err());
        assert!(parse_args(args(&["--format"])).is_err());
        assert!(parse_args(args(&["--fail-level", "off"])).is_err());
        assert!(parse_args(args(&["--fixes"])).is_err());
        assert!(parse_args(args(&["--fix", "-"])).is_err());
    }

    #[test]
    fn dockerfile_names() {
        for name in [
            "Dockerfile",
            "dockerfile",
            "Containerfile",
            "app.dockerfile",
            "app.Dockerfile",
            "Dockerfile.dev",
            "Containerfile.arm64",
        ] {
            assert!(is_dockerfile_name(name), "{name}");
        }
        for name in [
            "Dockerfile.dockerignore",
            ".dockerignore",
            ".dockerfile",
            "Dockerfiles",
            "README.md",
            "docker-compose.yml",
        ] {
            assert!(!is_dockerfile_name(name), "{name}");
        }
    }

    #[test]
    fn parallel_work_keeps_the_order_of_the_jobs() {
        let jobs: Vec<usize> = (0..100).collect();
        assert_eq!(
            run_in_parallel(&jobs, |n| n * 2),
            (0..100).map(|n| n * 2).collect::<Vec<_>>()
        );
        assert_eq!(
            run_in_parallel(&[] as &[usize], |n| *n),
            Vec::<usize>::new()
        );
    }

    #[test]
    fn safe_fixes_apply_until_none_is_left() {
        // unknown-instruction's fix renames RUM to RUN; whatever else the rules find and fix
        // safely, the result is stable under a second run.
        let text = "FROM alpine:3.20\nRUM echo hi\nRUM echo ho\n";
        let (fixed, count) = apply_safe_fixes(text, &RuleConfig::default(), None);
        assert!(count >= 2, "{fixed}");
        assert!(!fixed.contains("RUM"), "{fixed}");
        let (again, more) = apply_safe_fixes(&fixed, &RuleConfig::default(), None);
        assert_eq!((again.as_str(), more), (fixed.as_str(), 0));
    }

    #[test]
    fn overlapping_fixes_wait_for_the_next_round() {
        let fix = |range: std::ops::Range<usize>| rules::Fix {
            title: String::new(),
            edits: vec![Edit {
                range,
                new_text: "x".to_owned(),
            }],
            is_snippet: false,
            safe: true,
        };
        let diagnostic = |fixes| Diagnostic {
            range: 0..1,
            severity: Severity::Error,
            code: "test",
            message: String::new(),
            fixes,
            rule: None,
        };
        let mut snippet = fix(20..21);
        snippet.is_snippet = true;
        let chosen = non_overlapping_safe_fixes(&[
            diagnostic(vec![fix(0..5)]),
            diagnostic(vec![fix(3..8)]),
            diagnostic(vec![fix(5..6)]),
            diagnostic(vec![snippet]),
        ]);
        let ranges: Vec<_> = chosen.iter().map(|edits| edits[0].range.clone()).collect();
        assert_eq!(ranges, vec![0..5, 5..6]);
    }
}
