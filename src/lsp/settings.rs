//! The settings a document is checked with: the `.dockls.toml` found upward from its directory,
//! the editor's settings over it, and the build context's `.dockerignore`.
//!
//! This is the only part of the server that reads files. It runs on blocking threads (the
//! diagnostics and code action tasks), never on the async runtime. Files are cached by path
//! with their modification time and length, so a keystroke costs a few `stat` calls, and an edit
//! to a settings file is seen on the next analysis even when the client does not report it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::SystemTime;

use serde_json::Value;
use tower_lsp_server::ls_types::Uri;

use crate::config::{self, ConfigProblem, ParsedConfig, RegistrySettings};
use crate::inlay::InlayConfig;
use crate::rules::RuleConfig;

/// The editor's settings: `initializationOptions`, then the `dockls` section of
/// `workspace/configuration` (or of `didChangeConfiguration` for clients that push settings),
/// each merged over what comes before it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EditorSettings {
    pub initialization: Value,
    pub workspace: Value,
}

impl EditorSettings {
    /// `settings` merged over `base`, with a message per ignored entry.
    pub fn apply(&self, base: &RuleConfig) -> (RuleConfig, Vec<String>) {
        let (merged, mut problems) = config::merge_editor_settings(base, &self.initialization);
        let (merged, more) = config::merge_editor_settings(&merged, &self.workspace);
        problems.extend(more);
        (merged, problems)
    }
}

impl EditorSettings {
    /// The editor's `registry` settings over `base` (the file's), `initializationOptions`
    /// first, with a message per ignored entry.
    pub fn apply_registry(&self, base: &RegistrySettings) -> (RegistrySettings, Vec<String>) {
        let (merged, mut problems) = config::merge_editor_registry(base, &self.initialization);
        let (merged, more) = config::merge_editor_registry(&merged, &self.workspace);
        problems.extend(more);
        (merged, problems)
    }

    /// Which inlay hints to show: `inlayHints.variableValues` and `inlayHints.effectiveCommand`,
    /// the workspace's over `initializationOptions`, both on unless turned off.
    pub fn inlay_hints(&self) -> InlayConfig {
        let mut config = InlayConfig::default();
        for settings in [&self.initialization, &self.workspace] {
            let hints = settings.get("inlayHints");
            if let Some(on) = hints
                .and_then(|h| h.get("variableValues"))
                .and_then(Value::as_bool)
            {
                config.variable_values = on;
            }
            if let Some(on) = hints
                .and_then(|h| h.get("effectiveCommand"))
                .and_then(Value::as_bool)
            {
                config.effective_command = on;
            }
        }
        config
    }
}

/// Settings sent as `{"dockls": {...}}` are unwrapped to `{...}`; anything else is kept.
pub fn section(settings: Value) -> Value {
    match settings {
        Value::Object(mut object) if object.contains_key("dockls") => {
            object.remove("dockls").unwrap_or_default()
        }
        other => other,
    }
}

/// Everything a document is checked with.
#[derive(Debug, Clone, Default)]
pub struct DocumentSettings {
    pub rules: RuleConfig,
    /// How registries may be reached for this document.
    pub registry: RegistrySettings,
    pub dockerignore: Option<Arc<str>>,
    /// The `.dockls.toml` in force, if one was found.
    pub config_file: Option<ConfigFile>,
    /// Settings files that were looked for nearer the document and are not there (any more).
    pub missing_config_files: Vec<PathBuf>,
}

/// A settings file and what is wrong in it.
#[derive(Debug, Clone)]
pub struct ConfigFile {
    pub path: PathBuf,
    pub text: Arc<str>,
    pub problems: Vec<ConfigProblem>,
}

/// The path of a `file:` URI; `None` for other schemes (an unsaved buffer has no directory).
pub fn file_path(uri: &Uri) -> Option<PathBuf> {
    if !uri.as_str().starts_with("file:") {
        return None;
    }
    uri.to_file_path().map(|path| path.into_owned())
}

/// When a file was last changed, as far as `stat` tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    modified: Option<SystemTime>,
    len: u64,
}

#[derive(Debug)]
struct CachedFile {
    stamp: Stamp,
    text: Arc<str>,
    /// Parsed on first use as a settings file.
    config: Option<Arc<ParsedConfig>>,
}

/// Settings and ignore files read so far, by path.
#[derive(Debug, Default)]
pub struct FileCache {
    files: Mutex<HashMap<PathBuf, CachedFile>>,
}

impl FileCache {
    /// Forgets `path`, so it is read again on next use.
    pub fn forget(&self, path: &Path) {
        self.lock().remove(path);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<PathBuf, CachedFile>> {
        self.files.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The text of `path`, from the cache while the file is unchanged; `None` when it is not a
    /// readable file.
    fn text(&self, path: &Path) -> Option<Arc<str>> {
        self.read(path, false).map(|(text, _)| text)
    }

    /// The text of a settings file and its parse.
    fn config(&self, path: &Path) -> Option<(Arc<str>, Arc<ParsedConfig>)> {
        self.read(path, true)
            .and_then(|(text, parsed)| Some((text, parsed?)))
    }

    fn read(&self, path: &Path, as_config: bool) -> Option<(Arc<str>, Option<Arc<ParsedConfig>>)> {
        let stamp = match std::fs::metadata(path) {
            Ok(metadata) if metadata.is_file() => Stamp {
                modified: metadata.modified().ok(),
                len: metadata.len(),
            },
            _ => {
                self.lock().remove(path);
                return None;
            }
        };
        {
            let mut files = self.lock();
            if let Some(cached) = files.get_mut(path).filter(|c| c.stamp == stamp) {
                if as_config && cached.config.is_none() {
                    cached.config = Some(Arc::new(config::parse(&cached.text)));
                }
                return Some((cached.text.clone(), cached.config.clone()));
            }
        }
        // Read outside the lock: another document's analysis should not wait on this disk.
        let bytes = std::fs::read(path).ok()?;
        let text: Arc<str> = Arc::from(String::from_utf8_lossy(&bytes).as_ref());
        let parsed = as_config.then(|| Arc::new(config::parse(&text)));
        self.lock().insert(
            path.to_owned(),
            CachedFile {
                stamp,
                text: text.clone(),
                config: parsed.clone(),
            },
        );
        Some((text, parsed))
    }
}

/// The settings of the document at `path` (`None` for a document that is not a file): the
/// nearest `.dockls.toml` from its directory upward, the editor's settings over it, and its
/// `.dockerignore`. A settings file with a syntax error leaves the defaults in force; its
/// problems are returned for the caller to report.
pub fn resolve(
    cache: &FileCache,
    editor: &EditorSettings,
    path: Option<&Path>,
) -> DocumentSettings {
    let mut settings = DocumentSettings::default();
    let mut base = RuleConfig::default();
    let mut registry = RegistrySettings::default();
    if let Some(path) = path {
        let mut directory = path.parent();
        while let Some(dir) = directory {
            let candidate = dir.join(config::FILE_NAME);
            match cache.config(&candidate) {
                Some((text, parsed)) => {
                    base = parsed.config.clone();
                    registry = parsed.registry.clone();
                    settings.config_file = Some(ConfigFile {
                        path: candidate,
                        text,
                        problems: parsed.problems.clone(),
                    });
                    break;
                }
                None => settings.missing_config_files.push(candidate),
            }
            directory = dir.parent();
        }
        settings.dockerignore = dockerignore(cache, path);
    }
    // Problems in the editor's settings are reported when they change, not per document.
    settings.rules = editor.apply(&base).0;
    settings.registry = editor.apply_registry(&registry).0;
    settings
}

/// The build context's ignore file, as `dockls check` finds it: `<Dockerfile>.dockerignore`
/// beside the file, as BuildKit prefers it, else `.dockerignore` in the file's directory.
fn dockerignore(cache: &FileCache, dockerfile: &Path) -> Option<Arc<str>> {
    let mut specific = dockerfile.as_os_str().to_owned();
    specific.push(".dockerignore");
    let directory = dockerfile.parent()?;
    cache
        .text(Path::new(&specific))
        .or_else(|| cache.text(&directory.join(".dockerignore")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;
    use crate::rules;

    /// A fresh directory under the system's temporary directory, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(name: &str) -> TempDir {
            let path =
                std::env::temp_dir().join(format!("dockls-settings-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&path);
            std::fs::create_dir_all(path.join("sub")).unwrap();
            TempDir(path)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn untagged() -> &'static rules::Rule {
        rules::rule("untagged-base-image").unwrap()
    }

    #[test]
    fn the_nearest_settings_file_applies_and_the_editor_wins() {
        let dir = TempDir::new("nearest");
        std::fs::write(
            dir.0.join(config::FILE_NAME),
            "[rules]\nuntagged-base-image = \"off\"\n",
        )
        .unwrap();
        std::fs::write(dir.0.join("sub/.dockerignore"), "*.log\n").unwrap();
        let cache = FileCache::default();
        let dockerfile = dir.0.join("sub/Dockerfile");
        let resolved = resolve(&cache, &EditorSettings::default(), Some(&dockerfile));
        assert_eq!(resolved.rules.severity(untagged()), None);
        assert_eq!(resolved.dockerignore.as_deref(), Some("*.log\n"));
        assert_eq!(
            resolved.missing_config_files,
            vec![dir.0.join("sub").join(config::FILE_NAME)]
        );

        let editor = EditorSettings {
            initialization: serde_json::json!({ "rules": { "DL3006": "hint" } }),
            workspace: Value::Null,
        };
        let resolved = resolve(&cache, &editor, Some(&dockerfile));
        assert_eq!(resolved.rules.severity(untagged()), Some(Severity::Hint));

        // A change to the file is seen without telling the cache (its length changed).
        std::fs::write(
            dir.0.join(config::FILE_NAME),
            "[rules]\nDL3006 = \"info\"\n",
        )
        .unwrap();
        let resolved = resolve(&cache, &EditorSettings::default(), Some(&dockerfile));
        assert_eq!(
            resolved.rules.severity(untagged()),
            Some(Severity::Information)
        );
    }

    #[test]
    fn a_malformed_file_keeps_the_defaults_and_reports_its_problems() {
        let dir = TempDir::new("malformed");
        std::fs::write(dir.0.join(config::FILE_NAME), "[rules\nDL3006 = \"off\"\n").unwrap();
        let resolved = resolve(
            &FileCache::default(),
            &EditorSettings::default(),
            Some(&dir.0.join("Dockerfile")),
        );
        assert_eq!(resolved.rules, RuleConfig::default());
        let file = resolved.config_file.expect("the file is found");
        assert_eq!(file.problems.len(), 1);
        assert_eq!(file.problems[0].severity, Severity::Error);
    }

    #[test]
    fn sectioned_settings_are_unwrapped() {
        let inner = serde_json::json!({ "rules": {} });
        assert_eq!(section(serde_json::json!({ "dockls": inner })), inner);
        assert_eq!(section(inner.clone()), inner);
        assert_eq!(section(Value::Null), Value::Null);
    }
}
