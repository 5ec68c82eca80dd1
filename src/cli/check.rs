//! `dockls check`: lint Dockerfiles for CI, print what is wrong, optionally fix it in place.
//!
//! The shell around the core for many files: it finds the files, their `.dockls.toml` and
//! `.dockerignore`, analyses the files in parallel, applies safe fixes, and hands the results to
//! [`super::output`] in a stable order.
//!
//! No file is lost silently. A file that cannot be checked (unreadable, a dangling symbolic link
//! or a loop of them, binary, a directory where a Dockerfile was named, too large) gets a
//! message on stderr naming it and the problem, the other files are still checked and
//! reported, and the exit code is [`EXIT_FAILURE`] (2), which wins over [`EXIT_FINDINGS`] (1).
//! A file that is not valid UTF-8 is read with U+FFFD for the invalid bytes, with a warning,
//! and is never rewritten by `--fix`. `--fix` replaces a file atomically (see
//! [`write_atomically`]).

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::analysis::Analysis;
use crate::config::{self, ConfigProblem};
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix_all::{fix_all, FixEnd, MAX_ROUNDS};
use crate::registry::hints;
use crate::rules::{self, RuleConfig};
use crate::snapshot::Snapshot;

use super::args::{Word, Words};
use super::pin::{self, Registries, RegistryOptions};
use super::{docs, output, EXIT_FAILURE, EXIT_OK};

/// Exit code when a diagnostic at or above the fail level was found.
pub const EXIT_FINDINGS: u8 = 1;

/// The largest file checked. Reading stops here, so a device or a runaway file named on the
/// command line cannot exhaust memory.
pub const MAX_FILE_BYTES: u64 = 64 << 20;

/// How many symbolic links are followed before a chain is called a loop, as Linux does.
const MAX_SYMLINK_HOPS: usize = 40;

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
    /// Ask registries for the stale-pin and unknown-tag hints.
    pub network: bool,
    /// How registries are reached with `network`.
    pub registry: RegistryOptions,
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
            network: false,
            registry: RegistryOptions::default(),
        }
    }
}

/// Reads the arguments after `check`.
pub fn parse_args(args: impl Iterator<Item = OsString>) -> Result<CheckConfig, String> {
    let mut config = CheckConfig::default();
    let mut words = Words::new(args);
    while let Some(word) = words.next() {
        let option = match word {
            Word::Operand(path) => {
                config.paths.push(path.into());
                continue;
            }
            Word::Option(option) => option,
        };
        let mut value = |name: &str| words.value(name);
        if config.registry.take(&option, &mut value)? {
            continue;
        }
        match option.as_str() {
            "--fix" => config.fix = true,
            "--network" => config.network = true,
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
            _ => return Err(format!("unknown option {option:?} for `dockls check`")),
        }
    }
    if config.paths.is_empty() {
        config.paths.push(PathBuf::from("."));
    }
    if !config.network && config.registry != RegistryOptions::default() {
        return Err("--insecure-registry and --timeout go with --network".to_owned());
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

    if config.network && !add_registry_hints(&mut reports, &config.registry, stderr)? {
        code = EXIT_FAILURE;
    }

    // Buffered: the process's stdout writes every line through on its own (one system call per
    // line of pretty JSON); flushed before the summary goes to stderr, so the two keep order.
    let mut out = io::BufWriter::with_capacity(1 << 16, &mut *stdout);
    match config.format {
        Format::Human => output::human(&reports, &mut out)?,
        Format::Json => output::json(&reports, &mut out)?,
        Format::Sarif => output::sarif(&reports, &mut out)?,
        Format::Github => output::github(&reports, &mut out)?,
    }
    out.flush()?;
    drop(out);
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

/// Asks registries about the base images of every report and adds the stale-pin and
/// unknown-tag hints; what cannot be asked is a warning. `false` when no runtime could start.
fn add_registry_hints(
    reports: &mut [FileReport],
    options: &RegistryOptions,
    stderr: &mut dyn Write,
) -> io::Result<bool> {
    let Some(runtime) = pin::runtime(stderr)? else {
        return Ok(false);
    };
    let mut registries = Registries::default();
    for report in reports {
        let registry = match registries.for_file(&report.path, options) {
            Ok(registry) => registry,
            Err(error) => {
                writeln!(stderr, "dockls: {error}")?;
                return Ok(false);
            }
        };
        let snapshot = Snapshot::from_text(&report.text);
        for problem in runtime.block_on(hints::ask(registry, &snapshot)) {
            writeln!(
                stderr,
                "dockls: warning: {}: cannot ask the registry about {problem}",
                report.path.display()
            )?;
        }
        let found = hints::hints(registry, &snapshot);
        if !found.is_empty() {
            report.diagnostics.extend(found);
            report.diagnostics.sort_by_key(|d| d.range.start);
        }
    }
    Ok(true)
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
pub(super) fn run_in_parallel<J: Sync, O: Send>(
    jobs: &[J],
    work: impl Fn(&J) -> O + Sync,
) -> Vec<O> {
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
        read_limited(io::stdin().lock())
    } else {
        std::fs::File::open(path).and_then(read_limited)
    };
    let failed = |verb: &str, problem: String| Outcome {
        warnings: Vec::new(),
        result: Err(format!("cannot {verb} {}: {problem}", path.display())),
    };
    let bytes = match bytes {
        Ok(bytes) => bytes,
        Err(error) if job.stdin => return failed("read", format!("standard input: {error}")),
        Err(error) => return failed("read", read_problem(path, &error)),
    };
    if bytes.len() as u64 > MAX_FILE_BYTES {
        let limit = MAX_FILE_BYTES >> 20;
        let problem = format!("it is larger than {limit} MiB, too large for a Dockerfile");
        return failed("check", problem);
    }
    if let Some(at) = bytes.iter().position(|&byte| byte == 0) {
        let problem = format!("it looks binary (a NUL byte at byte {at}), not like a Dockerfile");
        return failed("check", problem);
    }
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
    let dockerignore = match read_dockerignore(path) {
        Ok(dockerignore) => dockerignore,
        Err(problem) => {
            warnings.push(problem);
            None
        }
    };
    let dockerignore = dockerignore.as_deref();
    let mut fixed = 0;
    let diagnostics = if fix && utf8 {
        let result = fix_all(&text, &job.rule_config, dockerignore);
        match result.end {
            FixEnd::Done => {}
            FixEnd::WouldBreak => warnings.push(format!(
                "{}: a round of fixes would have added syntax errors; it was not applied",
                path.display()
            )),
            FixEnd::TooManyRounds => warnings.push(format!(
                "{}: safe fixes were still found after {MAX_ROUNDS} rounds; run --fix again",
                path.display()
            )),
        }
        if result.applied > 0 && result.text != text {
            if let Err(error) = write_atomically(path, &result.text) {
                return Outcome {
                    warnings,
                    result: Err(format!(
                        "cannot write the fixes to {}: {error}; the file is unchanged",
                        path.display()
                    )),
                };
            }
            text = result.text;
            fixed = result.applied;
        }
        result.diagnostics
    } else {
        Analysis::from_text(&text).diagnostics_with(&job.rule_config, dockerignore)
    };
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

/// Reads at most one byte more than [`MAX_FILE_BYTES`], so the caller can tell a file that is
/// too large.
fn read_limited(reader: impl io::Read) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    io::Read::read_to_end(&mut reader.take(MAX_FILE_BYTES + 1), &mut bytes)?;
    Ok(bytes)
}

/// Why `path` could not be read, in words: what is wrong with its symbolic links if that is the
/// cause, the system's reason otherwise.
fn read_problem(path: &Path, error: &io::Error) -> String {
    if let Some(problem) = symlink_problem(path) {
        return problem;
    }
    if error.kind() == io::ErrorKind::IsADirectory || path.is_dir() {
        return "it is a directory, not a file".to_owned();
    }
    error.to_string()
}

/// What is wrong with `path` if it is a symbolic link that leads nowhere: a loop, or a target
/// that does not exist. `None` for anything else.
fn symlink_problem(path: &Path) -> Option<String> {
    let mut current = path.to_path_buf();
    let mut seen = std::collections::HashSet::new();
    for _ in 0..MAX_SYMLINK_HOPS {
        if !std::fs::symlink_metadata(&current)
            .ok()?
            .file_type()
            .is_symlink()
        {
            return None;
        }
        if !seen.insert(current.clone()) {
            return Some("it is a symbolic link in a loop of links".to_owned());
        }
        let target = std::fs::read_link(&current).ok()?;
        let next = current.parent().unwrap_or(Path::new("")).join(&target);
        if std::fs::symlink_metadata(&next).is_err() {
            return Some(format!(
                "it is a dangling symbolic link: {} does not exist",
                next.display()
            ));
        }
        current = next;
    }
    Some(format!(
        "it is a symbolic link in a chain of more than {MAX_SYMLINK_HOPS} links"
    ))
}

/// Replaces the contents of `path` with `text` so that a reader sees either the old file or the
/// new one, never a mix, and a failure leaves the old one: the text goes to a temporary file in
/// the same directory, which is flushed to disk, given the original's permissions (and owner,
/// where allowed) and renamed over it. A symbolic link is written through: its target changes
/// and the link stays. On failure the temporary file is removed.
pub fn write_atomically(path: &Path, text: &str) -> io::Result<()> {
    let target = std::fs::canonicalize(path)?;
    let metadata = std::fs::metadata(&target)?;
    if !metadata.is_file() {
        return Err(io::Error::other("it is not a regular file"));
    }
    let directory = target.parent().unwrap_or(Path::new("/"));
    let name = target
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    for attempt in 0..100 {
        let temporary = directory.join(format!(
            ".{name}.dockls-{}-{attempt}.tmp",
            std::process::id()
        ));
        let file = match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temporary)
        {
            Ok(file) => file,
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(error) => return Err(error),
        };
        let written = replace_with(file, &temporary, &target, &metadata, text);
        if written.is_err() {
            let _ = std::fs::remove_file(&temporary);
        }
        return written;
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        "no free name for a temporary file",
    ))
}

/// The steps of [`write_atomically`] after the temporary file is created.
fn replace_with(
    mut file: std::fs::File,
    temporary: &Path,
    target: &Path,
    original: &std::fs::Metadata,
    text: &str,
) -> io::Result<()> {
    file.write_all(text.as_bytes())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // Only root may give a file away; anyone else keeps their own, which is the original's
        // owner whenever they could write the original.
        let _ = std::os::unix::fs::fchown(&file, Some(original.uid()), Some(original.gid()));
    }
    file.set_permissions(original.permissions())?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(temporary, target)?;
    // Make the rename itself durable; not every platform can sync a directory, so a failure
    // here is no failure of the write.
    if let Some(directory) = target.parent() {
        if let Ok(directory) = std::fs::File::open(directory) {
            let _ = directory.sync_all();
        }
    }
    Ok(())
}

/// The build context's ignore file: `<Dockerfile>.dockerignore` beside the file, as BuildKit
/// prefers it, else `.dockerignore` in the file's directory (the usual build context). Invalid
/// UTF-8 in it is read as U+FFFD. An ignore file that exists but cannot be read is an `Err`
/// with a warning to show: the file is checked as if it had none.
fn read_dockerignore(dockerfile: &Path) -> Result<Option<String>, String> {
    let mut specific = dockerfile.as_os_str().to_owned();
    specific.push(".dockerignore");
    let directory = dockerfile.parent().unwrap_or(Path::new(""));
    for path in [PathBuf::from(specific), directory.join(".dockerignore")] {
        if std::fs::symlink_metadata(&path).is_err() {
            continue;
        }
        return match std::fs::File::open(&path).and_then(read_limited) {
            Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
            Err(error) => Err(format!(
                "cannot read {}: {}; {} is checked without it",
                path.display(),
                read_problem(&path, &error),
                dockerfile.display()
            )),
        };
    }
    Ok(None)
}

/// The nearest `name` in the file's directory or above, up to the filesystem root.
pub(crate) fn find_upward(file: &Path, name: &str) -> Option<PathBuf> {
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

pub use crate::knowledge::is_dockerfile_name;

/// The files to check: named files as they are, directories walked for Dockerfile names,
/// honouring `.gitignore` (inside a repository or not) and `.ignore`. Sorted, without
/// duplicates. A path that cannot be used is reported and the others are still checked: a
/// missing or unreadable path, a symbolic link that leads nowhere (named, or found in a walk
/// under a Dockerfile name), a directory the walk cannot enter, and a directory named like a
/// Dockerfile that holds none. Symbolic links to directories are not followed in a walk.
pub(crate) fn find_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<String>) {
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
                errors.push(format!(
                    "cannot read {}: {}",
                    path.display(),
                    read_problem(path, &error)
                ));
                continue;
            }
        };
        if !metadata.is_dir() {
            files.push(clean(path));
            continue;
        }
        let found_before = files.len();
        walk(path, &mut files, &mut errors);
        let named_like_a_file = path
            .file_name()
            .and_then(|name| name.to_str())
            .is_some_and(is_dockerfile_name);
        if named_like_a_file && files.len() == found_before {
            errors.push(format!(
                "cannot check {}: it is a directory, not a Dockerfile, and holds no Dockerfile",
                path.display()
            ));
        }
    }
    files.sort();
    files.dedup();
    (files, errors)
}

/// Adds the Dockerfiles under the directory `root` to `files`, and what went wrong to `errors`.
fn walk(root: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<String>) {
    let walk = ignore::WalkBuilder::new(root)
        .hidden(false)
        .require_git(false)
        .filter_entry(|entry| entry.file_name() != ".git")
        .build();
    for entry in walk {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                errors.push(format!("cannot walk {}: {error}", root.display()));
                continue;
            }
        };
        let named = entry.file_name().to_str().is_some_and(is_dockerfile_name);
        let Some(kind) = entry.file_type() else {
            continue;
        };
        if !named || kind.is_dir() {
            continue;
        }
        let shown = clean(entry.path());
        let regular = if kind.is_symlink() {
            match std::fs::metadata(entry.path()) {
                Ok(target) if target.is_dir() => continue,
                Ok(target) => target.is_file(),
                Err(error) => {
                    let problem = read_problem(entry.path(), &error);
                    errors.push(format!("cannot read {}: {problem}", shown.display()));
                    continue;
                }
            }
        } else {
            kind.is_file()
        };
        if regular {
            files.push(shown);
        } else {
            // Reading a FIFO found in a walk could block forever.
            errors.push(format!(
                "cannot check {}: it is not a regular file but a FIFO, socket or device",
                shown.display()
            ));
        }
    }
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
                ..CheckConfig::default()
            })
        );
        let config = parse_args(args(&[
            "--network",
            "--timeout=2",
            "--insecure-registry",
            "h:1",
        ]));
        let config = config.unwrap();
        assert!(config.network);
        assert_eq!(config.registry.insecure, ["h:1"]);
        assert_eq!(
            config.registry.timeout,
            Some(std::time::Duration::from_secs(2))
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

    /// A fresh directory for one unit test.
    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("dockls-check-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create a scratch directory");
        dir
    }

    #[cfg(unix)]
    #[test]
    fn atomic_writes_keep_the_mode_follow_links_and_refuse_what_is_no_file() {
        use std::os::unix::fs::{symlink, PermissionsExt};
        let dir = scratch("atomic");
        let file = dir.join("Dockerfile");
        std::fs::write(&file, "old").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o604)).unwrap();
        symlink("Dockerfile", dir.join("link")).unwrap();
        write_atomically(&dir.join("link"), "new").unwrap();
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "new");
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o604);
        assert!(std::fs::symlink_metadata(dir.join("link"))
            .unwrap()
            .file_type()
            .is_symlink());
        assert!(write_atomically(&dir, "text").is_err());
        assert!(write_atomically(&dir.join("missing"), "text").is_err());
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["Dockerfile", "link"]);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn link_problems_are_told_apart() {
        use std::os::unix::fs::symlink;
        let dir = scratch("links");
        std::fs::write(dir.join("file"), "x").unwrap();
        symlink("file", dir.join("good")).unwrap();
        symlink("good", dir.join("chain")).unwrap();
        symlink("nowhere", dir.join("dangling")).unwrap();
        symlink("loop-b", dir.join("loop-a")).unwrap();
        symlink("loop-a", dir.join("loop-b")).unwrap();
        assert_eq!(symlink_problem(&dir.join("file")), None);
        assert_eq!(symlink_problem(&dir.join("chain")), None);
        assert_eq!(symlink_problem(&dir.join("absent")), None);
        assert_eq!(
            symlink_problem(&dir.join("dangling")),
            Some(format!(
                "it is a dangling symbolic link: {} does not exist",
                dir.join("nowhere").display()
            ))
        );
        assert_eq!(
            symlink_problem(&dir.join("loop-a")).as_deref(),
            Some("it is a symbolic link in a loop of links")
        );
        let error = io::Error::from(io::ErrorKind::IsADirectory);
        assert_eq!(read_problem(&dir, &error), "it is a directory, not a file");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn reading_stops_just_past_the_limit() {
        let endless = io::repeat(b'x');
        let bytes = read_limited(endless).unwrap();
        assert_eq!(bytes.len() as u64, MAX_FILE_BYTES + 1);
    }
}
