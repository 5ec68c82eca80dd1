//! `dockls pin`: pins every base image of the files (and every image `COPY --from` copies
//! from) to the digest its tag points at now, in place, keeping the tag for readers (`FROM alpine:3.20@sha256:...`). With `--check` nothing
//! is written and the exit code says whether a pin is missing or stale; `--update` also
//! refreshes pins whose tag has moved.
//!
//! The digest written is the one the registry reports for the tag: the index (manifest list)
//! when the image has several platforms, so every platform keeps building.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::json;

use super::args::{Word, Words};
use super::check::{find_files, find_upward, write_atomically};
use super::output::line_column;
use super::{EXIT_FAILURE, EXIT_OK};
use crate::config::{self, RegistrySettings};
use crate::diagnostic::Edit;
use crate::registry::reference::Reference;
use crate::registry::{client_config, pin_edit, pin_written, Registry};
use crate::rules::{Context, RuleConfig};
use crate::snapshot::Snapshot;

/// Exit code of `--check` when a pin is missing or stale.
pub const EXIT_UNPINNED: u8 = 1;

/// Options of `dockls pin`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PinConfig {
    pub check: bool,
    pub update: bool,
    pub json: bool,
    pub registry: RegistryOptions,
    pub paths: Vec<PathBuf>,
}

/// The command line's say in how registries are reached (`pin`, and `check --network`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegistryOptions {
    /// `--insecure-registry HOST`: reached over plain HTTP.
    pub insecure: Vec<String>,
    /// `--timeout SECONDS`: the bound of one request.
    pub timeout: Option<Duration>,
}

impl RegistryOptions {
    /// Takes `option` when it is one of these, reading its value with `value`; `Ok(false)` for
    /// any other option.
    pub fn take(
        &mut self,
        option: &str,
        mut value: impl FnMut(&str) -> Result<String, String>,
    ) -> Result<bool, String> {
        match option {
            "--insecure-registry" => self.insecure.push(value("--insecure-registry")?),
            "--timeout" => {
                let seconds: f64 = value("--timeout")?
                    .parse()
                    .map_err(|_| "--timeout needs a number of seconds".to_owned())?;
                if !(seconds > 0.0 && seconds <= 300.0) {
                    return Err("--timeout must be above 0 and up to 300 seconds".to_owned());
                }
                self.timeout = Some(Duration::from_secs_f64(seconds));
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// The `[registry]` settings of the file at `settings_path`, with these over them.
    pub fn settings(&self, settings_path: Option<&Path>) -> RegistrySettings {
        let mut settings = settings_path
            .and_then(|path| std::fs::read_to_string(path).ok())
            .map(|text| config::parse(&text).registry)
            .unwrap_or_default();
        settings.insecure.extend(self.insecure.iter().cloned());
        if let Some(timeout) = self.timeout {
            settings.timeout_ms = timeout.as_millis().clamp(1, u128::from(u64::MAX)) as u64;
        }
        settings
    }
}

/// One registry client per settings file (its endpoints, insecure registries and timeout).
#[derive(Default)]
pub struct Registries {
    by_settings: BTreeMap<Option<PathBuf>, Registry>,
}

impl Registries {
    /// The registry for the file at `path`, by the nearest `.dockls.toml` and `options`.
    pub fn for_file(
        &mut self,
        path: &Path,
        options: &RegistryOptions,
    ) -> Result<&Registry, String> {
        let settings_path = find_upward(path, config::FILE_NAME);
        if !self.by_settings.contains_key(&settings_path) {
            let settings = options.settings(settings_path.as_deref());
            let client = crate::registry::client::Client::new(client_config(&settings))
                .map_err(|error| error.to_string())?;
            self.by_settings
                .insert(settings_path.clone(), Registry::new(client, None));
        }
        Ok(&self.by_settings[&settings_path])
    }
}

/// A runtime for the registry requests of one command.
pub fn runtime(stderr: &mut dyn Write) -> io::Result<Option<tokio::runtime::Runtime>> {
    match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => Ok(Some(runtime)),
        Err(error) => {
            writeln!(stderr, "dockls: cannot start the async runtime: {error}")?;
            Ok(None)
        }
    }
}

pub fn parse_args(args: impl Iterator<Item = OsString>) -> Result<PinConfig, String> {
    let mut config = PinConfig::default();
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
            "--check" => config.check = true,
            "--update" => config.update = true,
            "--format" => match value("--format")?.as_str() {
                "human" => config.json = false,
                "json" => config.json = true,
                other => return Err(format!("unknown format {other:?}; expected human or json")),
            },
            _ => return Err(format!("unknown option {option:?} for `dockls pin`")),
        }
    }
    if config.check && config.update {
        return Err("--check and --update do not go together: --check writes nothing".to_owned());
    }
    if config.paths.is_empty() {
        config.paths.push(PathBuf::from("."));
    }
    if config.paths.iter().any(|p| p.as_os_str() == "-") {
        return Err(
            "`dockls pin` edits files in place; standard input cannot be pinned".to_owned(),
        );
    }
    Ok(config)
}

/// What was found at one base image.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Status {
    /// Pinned to the digest the tag has now (or pinned by digest only).
    Current,
    /// No digest yet; the digest the tag has now.
    Missing(String),
    /// Pinned to another digest than the tag's current one.
    Stale { pinned: String, current: String },
    /// Could not be resolved or asked about.
    Failed(String),
}

#[derive(Debug, Clone)]
struct Site {
    offset: usize,
    image: String,
    status: Status,
    /// The edit that pins it, where the reference is written in the file.
    edit: Option<(std::ops::Range<usize>, String)>,
    written: bool,
}

pub fn run(config: &PinConfig, stdout: &mut dyn Write, stderr: &mut dyn Write) -> io::Result<u8> {
    let mut code = EXIT_OK;
    let (files, errors) = find_files(&config.paths);
    for message in &errors {
        writeln!(stderr, "dockls: {message}")?;
        code = EXIT_FAILURE;
    }
    let Some(runtime) = runtime(stderr)? else {
        return Ok(EXIT_FAILURE);
    };
    let mut registries = Registries::default();
    let mut report = Vec::new();
    let mut unpinned = false;
    for path in files {
        let text = match std::fs::read(&path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => text,
                Err(_) => {
                    writeln!(
                        stderr,
                        "dockls: cannot pin {}: not UTF-8 text",
                        path.display()
                    )?;
                    code = EXIT_FAILURE;
                    continue;
                }
            },
            Err(error) => {
                writeln!(stderr, "dockls: cannot read {}: {error}", path.display())?;
                code = EXIT_FAILURE;
                continue;
            }
        };
        let registry = match registries.for_file(&path, &config.registry) {
            Ok(registry) => registry,
            Err(error) => {
                writeln!(stderr, "dockls: {error}")?;
                return Ok(EXIT_FAILURE);
            }
        };
        let mut sites = runtime.block_on(find_sites(registry, &text));
        let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
        for site in &mut sites {
            let wanted = match &site.status {
                Status::Missing(_) => true,
                Status::Stale { .. } => config.update,
                _ => false,
            };
            if !wanted || config.check {
                continue;
            }
            if let Some(edit) = &site.edit {
                if !edits.iter().any(|(range, _)| range == &edit.0) {
                    edits.push(edit.clone());
                }
                site.written = true;
            }
        }
        if !edits.is_empty() {
            edits.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
            let mut new_text = text.clone();
            for (range, replacement) in &edits {
                new_text.replace_range(range.clone(), replacement);
            }
            if let Err(error) = write_atomically(&path, &new_text) {
                writeln!(stderr, "dockls: cannot write {}: {error}", path.display())?;
                code = EXIT_FAILURE;
                for site in &mut sites {
                    site.written = false;
                }
            }
        }
        for site in sites {
            match &site.status {
                Status::Failed(_) => code = EXIT_FAILURE,
                Status::Missing(_) | Status::Stale { .. } if !site.written => unpinned = true,
                _ => {}
            }
            report.push((path.clone(), line_column(&text, site.offset), site));
        }
    }
    if config.json {
        let items: Vec<serde_json::Value> = report
            .iter()
            .map(|(path, (line, column), site)| {
                let (status, digest, pinned, message) = match &site.status {
                    Status::Current => ("current", None, None, None),
                    Status::Missing(d) if site.written => ("pinned", Some(d), None, None),
                    Status::Missing(d) => ("missing", Some(d), None, None),
                    Status::Stale { pinned, current } if site.written => {
                        ("updated", Some(current), Some(pinned), None)
                    }
                    Status::Stale { pinned, current } => {
                        ("stale", Some(current), Some(pinned), None)
                    }
                    Status::Failed(m) => ("error", None, None, Some(m)),
                };
                json!({
                    "path": path.display().to_string(),
                    "line": line,
                    "column": column,
                    "image": site.image,
                    "status": status,
                    "digest": digest,
                    "pinned": pinned,
                    "message": message,
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut *stdout, &items)?;
        writeln!(stdout)?;
    } else {
        for (path, (line, column), site) in &report {
            let at = format!("{}:{line}:{column}", path.display());
            let image = &site.image;
            match &site.status {
                Status::Current => {}
                Status::Missing(digest) if site.written => {
                    writeln!(stdout, "{at}: pinned {image} to {digest}")?
                }
                Status::Missing(digest) => {
                    writeln!(stdout, "{at}: {image} is not pinned; its tag is at {digest} now")?
                }
                Status::Stale { current, .. } if site.written => {
                    writeln!(stdout, "{at}: updated the pin of {image} to {current}")?
                }
                Status::Stale { pinned, current } => writeln!(
                    stdout,
                    "{at}: the pin of {image} is stale: pinned {pinned}, the tag is at {current} now{}",
                    if config.check { "" } else { " (--update refreshes it)" }
                )?,
                Status::Failed(message) => writeln!(stderr, "{at}: error: {message}")?,
            }
        }
    }
    if code == EXIT_OK && unpinned && config.check {
        code = EXIT_UNPINNED;
    }
    Ok(code)
}

/// The base images of a file (and the images `COPY --from` copies from) and how their pins
/// stand: every tag is asked about, pinned or not, so a stale pin is seen.
async fn find_sites(registry: &Registry, text: &str) -> Vec<Site> {
    let snapshot = Snapshot::from_text(text);
    let rules = RuleConfig::default();
    let context = Context::new(&snapshot, &rules, None);
    let model = snapshot.model();
    let mut sites = Vec::new();
    for stage in &model.stages {
        let Some(image) = &stage.image else { continue };
        if stage.base_stage.is_some() {
            continue;
        }
        let shown = image.resolved.clone().unwrap_or_else(|| image.text.clone());
        if shown.eq_ignore_ascii_case("scratch") {
            continue;
        }
        let reference = image
            .resolved
            .as_deref()
            .map(Reference::parse)
            .unwrap_or_else(|| Err(format!("`{}`: a variable in it has no default", image.text)));
        let edit = |reference: &Reference, digest: &str| {
            pin_edit(&context, &image.range, reference, digest)
        };
        sites.push(site(registry, image.range.start, shown, reference, edit).await);
    }
    for instruction in &model.instructions {
        if instruction.keyword != "COPY" {
            continue;
        }
        let Some(flag) = instruction.flag("from") else {
            continue;
        };
        let (Some(value), Some(range)) = (&flag.value, &flag.value_range) else {
            continue;
        };
        // A stage, by name or index, is no image.
        let names_stage = value.parse::<usize>().is_ok()
            || model.stages.iter().any(|stage| stage.is_named(value));
        if names_stage || value.contains(['$', '"', '\'']) {
            continue;
        }
        let reference = Reference::parse(value);
        let edit = |reference: &Reference, digest: &str| {
            pin_written(value, range.start, reference, digest)
        };
        sites.push(site(registry, range.start, value.clone(), reference, edit).await);
    }
    sites.sort_by_key(|site| site.offset);
    sites
}

/// How the pin of one image stands, with the edit that pins it.
async fn site(
    registry: &Registry,
    offset: usize,
    shown: String,
    reference: Result<Reference, String>,
    edit: impl Fn(&Reference, &str) -> Option<Edit>,
) -> Site {
    let mut site = Site {
        offset,
        image: shown.clone(),
        status: Status::Current,
        edit: None,
        written: false,
    };
    let reference = match reference {
        Ok(reference) => reference,
        Err(message) => {
            site.status = Status::Failed(format!("cannot pin `{shown}`: {message}"));
            return site;
        }
    };
    if reference.digest.is_some() && reference.tag.is_none() {
        return site;
    }
    let current = match registry.digest(&reference).await {
        Ok(head) => head.digest,
        Err(error) => {
            site.status = Status::Failed(format!(
                "cannot pin `{shown}`: {}: {error}",
                reference.with_tag(reference.tag_or_latest())
            ));
            return site;
        }
    };
    site.status = match &reference.digest {
        Some(pinned) if *pinned == current => Status::Current,
        Some(pinned) => Status::Stale {
            pinned: pinned.clone(),
            current: current.clone(),
        },
        None => Status::Missing(current.clone()),
    };
    site.edit = edit(&reference, &current).map(|edit| (edit.range, edit.new_text));
    if site.edit.is_none() && !matches!(site.status, Status::Current) {
        site.status = Status::Failed(format!(
            "cannot pin `{shown}`: its reference is built from variables in a way that cannot \
             be edited in place; pin it where it is written"
        ));
    }
    site
}
