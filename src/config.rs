//! Settings: the `.dockls.toml` file and the editor's settings, read into a [`RuleConfig`].
//!
//! Reading never fails: a problem (a TOML syntax error, an unknown key or rule, a bad severity)
//! becomes a [`ConfigProblem`] with the bytes at fault, and whatever else is valid still
//! applies. This module does no I/O; the shells find and read the file.
//!
//! ```toml
//! trusted-registries = ["docker.io", "ghcr.io"]
//!
//! [rules]
//! DL3006 = "warning"            # a hadolint code,
//! StageNameCasing = "off"       # a BuildKit check name,
//! unknown-instruction = "error" # or the rule's own name
//!
//! [registry]
//! network = true                # the editor may ask registries (off unless set)
//! timeout = 5                   # seconds per request
//! insecure = ["localhost:5000"] # registries reached over plain HTTP
//! [registry.endpoints]
//! "docker.io" = "https://mirror.example.com"
//! ```

use crate::similar::nearest;
use crate::text::line_number;
use std::ops::Range;

use std::collections::BTreeMap;

use serde_json::Value as JsonValue;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::diagnostic::Severity;
use crate::rules::{self, RuleConfig};

/// The name of the settings file, looked up from a Dockerfile's directory upward.
pub const FILE_NAME: &str = ".dockls.toml";

/// How dockls may reach image registries: the `[registry]` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrySettings {
    /// Whether the editor may ask registries at all (off by default; `dockls check` never does).
    pub network: bool,
    /// The longest one request may take, in milliseconds.
    pub timeout_ms: u64,
    /// Registries reached over plain HTTP instead of HTTPS.
    pub insecure: Vec<String>,
    /// Base URLs per registry name, for mirrors and private endpoints.
    pub endpoints: BTreeMap<String, String>,
}

impl Default for RegistrySettings {
    fn default() -> RegistrySettings {
        RegistrySettings {
            network: false,
            timeout_ms: 5000,
            insecure: Vec::new(),
            endpoints: BTreeMap::new(),
        }
    }
}

/// The keys of the `[registry]` table.
const REGISTRY_KEYS: [&str; 4] = ["network", "timeout", "insecure", "endpoints"];

/// Settings read from a `.dockls.toml` text, with what was wrong in it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedConfig {
    /// The valid settings; defaults wherever the text had a problem.
    pub config: RuleConfig,
    /// The `[registry]` table.
    pub registry: RegistrySettings,
    /// Sorted by position.
    pub problems: Vec<ConfigProblem>,
}

/// Something wrong in a settings file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigProblem {
    /// The bytes at fault in the settings text.
    pub range: Range<usize>,
    /// A syntax error is an error (the whole file is ignored); an unknown key or value is a
    /// warning (only that entry is ignored).
    pub severity: Severity,
    pub message: String,
}

/// Reads a `.dockls.toml` text.
pub fn parse(text: &str) -> ParsedConfig {
    let mut parsed = ParsedConfig::default();
    let table = match DeTable::parse(text) {
        Ok(table) => table,
        Err(error) => {
            let range = error
                .span()
                .map(|span| widen_empty(text, span))
                .unwrap_or(0..0);
            parsed.problems.push(ConfigProblem {
                range,
                severity: Severity::Error,
                message: format!("invalid TOML: {}", error.message().trim_end()),
            });
            return parsed;
        }
    };
    let mut reader = TomlReader {
        text,
        problems: &mut parsed.problems,
    };
    for (key, value) in table.get_ref().iter() {
        let name: &str = key.get_ref();
        match name {
            "rules" => reader.rules(value, &mut parsed.config),
            "registry" => reader.registry(value, &mut parsed.registry),
            "trusted-registries" => {
                if let Some(registries) = reader.string_list(key.get_ref(), value) {
                    parsed.config.trusted_registries = registries;
                }
            }
            other => reader.warn(
                key.span(),
                format!(
                    "unknown setting `{other}`; expected `rules`, `registry` or \
                     `trusted-registries`{}",
                    did_you_mean(other, &["rules", "registry", "trusted-registries"])
                ),
            ),
        }
    }
    parsed
        .problems
        .sort_by_key(|p| (p.range.start, p.range.end));
    parsed
}

/// Helpers to read a parsed TOML document and note its problems.
struct TomlReader<'a> {
    text: &'a str,
    problems: &'a mut Vec<ConfigProblem>,
}

impl TomlReader<'_> {
    fn warn(&mut self, range: Range<usize>, message: String) {
        let range = widen_empty(self.text, range);
        self.problems.push(ConfigProblem {
            range,
            severity: Severity::Warning,
            message,
        });
    }

    fn rules(&mut self, value: &Spanned<DeValue>, config: &mut RuleConfig) {
        let DeValue::Table(table) = value.get_ref() else {
            self.warn(
                value.span(),
                format!(
                    "`rules` must be a table of rule names to severities, not {}",
                    a_type(value.get_ref())
                ),
            );
            return;
        };
        // The span of the first setting per rule, to point at duplicates.
        let mut seen: Vec<(&'static str, Range<usize>)> = Vec::new();
        for (key, setting) in table.iter() {
            let name: &str = key.get_ref();
            let Some(rule) = rules::rule(name) else {
                self.warn(key.span(), unknown_rule_message(name));
                continue;
            };
            let severity = match setting.get_ref() {
                DeValue::String(word) => match parse_severity(word) {
                    Some(severity) => severity,
                    None => {
                        self.warn(setting.span(), bad_severity_message(word));
                        continue;
                    }
                },
                other => {
                    self.warn(
                        setting.span(),
                        format!(
                            "the setting of `{name}` must be a string (\"error\", \"warning\", \
                             \"info\", \"hint\" or \"off\"), not {}",
                            a_type(other)
                        ),
                    );
                    continue;
                }
            };
            if let Some((_, first)) = seen.iter().find(|(seen, _)| *seen == rule.name) {
                let line = line_number(self.text, first.start);
                self.warn(
                    key.span(),
                    format!(
                        "`{name}` is `{}`, already set on line {line}; this setting wins",
                        rule.name
                    ),
                );
            }
            seen.push((rule.name, key.span()));
            config.severities.insert(rule.name.to_owned(), severity);
        }
    }

    fn registry(&mut self, value: &Spanned<DeValue>, settings: &mut RegistrySettings) {
        let DeValue::Table(table) = value.get_ref() else {
            self.warn(
                value.span(),
                format!(
                    "`registry` must be a table, not {}",
                    a_type(value.get_ref())
                ),
            );
            return;
        };
        for (key, setting) in table.iter() {
            let name: &str = key.get_ref();
            match (name, setting.get_ref()) {
                ("network", DeValue::Boolean(on)) => settings.network = *on,
                ("timeout", DeValue::Integer(_) | DeValue::Float(_)) => {
                    match timeout_ms(setting.get_ref()) {
                        Some(ms) => settings.timeout_ms = ms,
                        None => self.warn(
                            setting.span(),
                            "`timeout` must be a number of seconds above 0 and up to 300"
                                .to_owned(),
                        ),
                    }
                }
                ("insecure", _) => {
                    if let Some(list) = self.string_list("insecure", setting) {
                        settings.insecure = list;
                    }
                }
                ("endpoints", DeValue::Table(endpoints)) => {
                    for (registry, url) in endpoints.iter() {
                        match url.get_ref() {
                            DeValue::String(url) if is_http_url(url) => {
                                settings
                                    .endpoints
                                    .insert(registry.get_ref().to_string(), url.to_string());
                            }
                            _ => self.warn(
                                url.span(),
                                "an endpoint must be an http:// or https:// URL".to_owned(),
                            ),
                        }
                    }
                }
                (known, other) if REGISTRY_KEYS.contains(&known) => self.warn(
                    setting.span(),
                    format!("`registry.{known}` cannot be {}", a_type(other)),
                ),
                (unknown, _) => self.warn(
                    key.span(),
                    format!(
                        "unknown setting `registry.{unknown}`; expected one of `network`, \
                         `timeout`, `insecure`, `endpoints`{}",
                        did_you_mean(unknown, &REGISTRY_KEYS)
                    ),
                ),
            }
        }
    }

    fn string_list(&mut self, key: &str, value: &Spanned<DeValue>) -> Option<Vec<String>> {
        let DeValue::Array(items) = value.get_ref() else {
            self.warn(
                value.span(),
                format!(
                    "`{key}` must be an array of strings, not {}",
                    a_type(value.get_ref())
                ),
            );
            return None;
        };
        let mut list = Vec::new();
        for item in items.iter() {
            match item.get_ref() {
                DeValue::String(s) => list.push(s.to_string()),
                other => self.warn(
                    item.span(),
                    format!(
                        "`{key}` must hold strings only, not {}; this item is ignored",
                        a_type(other)
                    ),
                ),
            }
        }
        Some(list)
    }
}

/// A timeout in seconds (integer or float) as milliseconds, when above 0 and up to 300.
fn timeout_ms(value: &DeValue) -> Option<u64> {
    let seconds: f64 = match value {
        DeValue::Integer(i) => i.to_string().parse().ok()?,
        DeValue::Float(f) => f.to_string().parse().ok()?,
        _ => return None,
    };
    (seconds > 0.0 && seconds <= 300.0).then(|| (seconds * 1000.0).round() as u64)
}

fn is_http_url(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    rest.is_some_and(|host| !host.is_empty() && !host.contains(char::is_whitespace))
}

/// The editor's `registry` object over the file's `[registry]` table: the same keys, each
/// replacing the file's when present. Returns the merged settings and a message per ignored
/// entry.
pub fn merge_editor_registry(
    base: &RegistrySettings,
    settings: &JsonValue,
) -> (RegistrySettings, Vec<String>) {
    let mut merged = base.clone();
    let mut problems = Vec::new();
    let Some(object) = settings.get("registry") else {
        return (merged, problems);
    };
    let object = match object {
        JsonValue::Null => return (merged, problems),
        JsonValue::Object(object) => object,
        other => {
            problems.push(format!(
                "`registry` must be an object, not {}",
                json_type(other)
            ));
            return (merged, problems);
        }
    };
    for (key, value) in object {
        match (key.as_str(), value) {
            (_, JsonValue::Null) => {}
            ("network", JsonValue::Bool(on)) => merged.network = *on,
            ("timeout", JsonValue::Number(n)) => match n.as_f64() {
                Some(s) if s > 0.0 && s <= 300.0 => merged.timeout_ms = (s * 1000.0).round() as u64,
                _ => {
                    problems.push("`registry.timeout` must be seconds above 0 and up to 300".into())
                }
            },
            ("insecure", JsonValue::Array(items)) => {
                merged.insecure = items
                    .iter()
                    .filter_map(|item| item.as_str().map(str::to_owned))
                    .collect();
            }
            ("endpoints", JsonValue::Object(endpoints)) => {
                for (registry, url) in endpoints {
                    match url.as_str() {
                        Some(url) if is_http_url(url) => {
                            merged.endpoints.insert(registry.clone(), url.to_owned());
                        }
                        _ => problems.push(format!(
                            "`registry.endpoints.{registry}` must be an http:// or https:// URL"
                        )),
                    }
                }
            }
            (known, other) if REGISTRY_KEYS.contains(&known) => {
                problems.push(format!("`registry.{known}` cannot be {}", json_type(other)))
            }
            (unknown, _) => problems.push(format!("unknown setting `registry.{unknown}`")),
        }
    }
    (merged, problems)
}

/// Reads a severity word: `error`, `warning` (`warn`), `info` (`information`), `hint`, or
/// `off`, which is `Some(None)`. Case-insensitive.
pub fn parse_severity(word: &str) -> Option<Option<Severity>> {
    match word.to_ascii_lowercase().as_str() {
        "error" => Some(Some(Severity::Error)),
        "warning" | "warn" => Some(Some(Severity::Warning)),
        "info" | "information" => Some(Some(Severity::Information)),
        "hint" => Some(Some(Severity::Hint)),
        "off" | "none" => Some(None),
        _ => None,
    }
}

/// The word for a severity in settings and output: `error`, `warning`, `info`, `hint`.
pub fn severity_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Information => "info",
        Severity::Hint => "hint",
    }
}

/// The editor's settings over the file's: a JSON object of the same shape as the file, with keys
/// in camelCase or kebab-case (`{"rules": {"DL3006": "off"}, "trustedRegistries": [...]}`).
/// Rule severities are merged one by one; a registry list replaces the file's. Returns the merged
/// settings and a message per ignored entry. `null` and a missing key leave the file's setting.
pub fn merge_editor_settings(base: &RuleConfig, settings: &JsonValue) -> (RuleConfig, Vec<String>) {
    let mut merged = base.clone();
    let mut problems = Vec::new();
    let object = match settings {
        JsonValue::Null => return (merged, problems),
        JsonValue::Object(object) => object,
        other => {
            problems.push(format!(
                "settings must be an object, not {}",
                json_type(other)
            ));
            return (merged, problems);
        }
    };
    for (key, value) in object {
        match key.as_str() {
            "rules" => merge_editor_rules(&mut merged, value, &mut problems),
            "trustedRegistries" | "trusted-registries" | "trusted_registries" => match value {
                JsonValue::Null => {}
                JsonValue::Array(items) => {
                    let mut list = Vec::new();
                    for item in items {
                        match item {
                            JsonValue::String(s) => list.push(s.clone()),
                            other => problems.push(format!(
                                "`{key}` must hold strings only, not {}",
                                json_type(other)
                            )),
                        }
                    }
                    merged.trusted_registries = list;
                }
                other => problems.push(format!(
                    "`{key}` must be an array of strings, not {}",
                    json_type(other)
                )),
            },
            // Read by the language server itself: how diagnostics travel, which inlay hints
            // to show; registry access (see `merge_editor_registry`).
            "diagnosticMode" | "inlayHints" | "registry" => {}
            other => problems.push(format!(
                "unknown setting `{other}`; expected `rules`, `trustedRegistries`, \
                 `registry`, `diagnosticMode` or `inlayHints`"
            )),
        }
    }
    (merged, problems)
}

fn merge_editor_rules(merged: &mut RuleConfig, value: &JsonValue, problems: &mut Vec<String>) {
    let rules = match value {
        JsonValue::Null => return,
        JsonValue::Object(rules) => rules,
        other => {
            problems.push(format!(
                "`rules` must be an object of rule names to severities, not {}",
                json_type(other)
            ));
            return;
        }
    };
    for (name, setting) in rules {
        let Some(rule) = rules::rule(name) else {
            problems.push(unknown_rule_message(name));
            continue;
        };
        let severity = match setting {
            JsonValue::Null => continue,
            JsonValue::String(word) => match parse_severity(word) {
                Some(severity) => severity,
                None => {
                    problems.push(format!("`{name}`: {}", bad_severity_message(word)));
                    continue;
                }
            },
            other => {
                problems.push(format!(
                    "the setting of `{name}` must be a string, not {}",
                    json_type(other)
                ));
                continue;
            }
        };
        // Keys are rule names, so an alias in the file and the name in the editor meet here.
        merged.severities.insert(rule.name.to_owned(), severity);
    }
}

fn unknown_rule_message(name: &str) -> String {
    let names: Vec<&str> = rules::all().map(|rule| rule.name).collect();
    format!(
        "unknown rule `{name}`; expected a rule name (see `dockls check --explain RULE`), a \
         hadolint code or a BuildKit check name{}",
        did_you_mean(name, &names)
    )
}

fn bad_severity_message(word: &str) -> String {
    format!(
        "unknown severity \"{word}\"; expected \"error\", \"warning\", \"info\", \"hint\" or \"off\""
    )
}

/// `; did you mean `x`?` when a candidate is close to `word`.
fn did_you_mean(word: &str, candidates: &[&str]) -> String {
    // Settings keys are kebab-case; `trusted_registries` is the same key misspelt.
    let word = word.replace('_', "-");
    nearest(&word, candidates.iter().copied())
        .map(|candidate| format!("; did you mean `{candidate}`?"))
        .unwrap_or_default()
}

fn a_type(value: &DeValue) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

fn json_type(value: &JsonValue) -> &'static str {
    match value {
        JsonValue::Null => "null",
        JsonValue::Bool(_) => "a boolean",
        JsonValue::Number(_) => "a number",
        JsonValue::String(_) => "a string",
        JsonValue::Array(_) => "an array",
        JsonValue::Object(_) => "an object",
    }
}

/// An empty range made one character wide, so an editor can show it.
fn widen_empty(text: &str, range: Range<usize>) -> Range<usize> {
    let start = range.start.min(text.len());
    let end = range.end.clamp(start, text.len());
    if start < end {
        return start..end;
    }
    match text.get(start..).and_then(|rest| rest.chars().next()) {
        Some(c) if c != '\n' && c != '\r' => start..start + c.len_utf8(),
        _ => start..start,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A rule that exists whatever other rules land: the first one.
    fn some_rule() -> &'static rules::Rule {
        rules::all().next().expect("at least one rule")
    }

    fn problems(text: &str) -> Vec<(&str, Severity, String)> {
        parse(text)
            .problems
            .into_iter()
            .map(|p| (&text[p.range], p.severity, p.message))
            .collect()
    }

    #[test]
    fn empty_text_gives_the_defaults() {
        assert_eq!(parse(""), ParsedConfig::default());
    }

    #[test]
    fn severities_by_name_are_read_and_off_turns_a_rule_off() {
        let rule = some_rule();
        let parsed = parse(&format!(
            "trusted-registries = [\"docker.io\", \"ghcr.io\"]\n[rules]\n{} = \"off\"\n",
            rule.name
        ));
        assert_eq!(parsed.problems, vec![]);
        assert_eq!(parsed.config.severity(rule), None);
        assert_eq!(
            parsed.config.trusted_registries,
            vec!["docker.io".to_owned(), "ghcr.io".to_owned()]
        );
    }

    #[test]
    fn every_severity_word_is_understood() {
        let rule = some_rule();
        for (word, expected) in [
            ("error", Some(Severity::Error)),
            ("warning", Some(Severity::Warning)),
            ("info", Some(Severity::Information)),
            ("hint", Some(Severity::Hint)),
            ("off", None),
        ] {
            let parsed = parse(&format!("[rules]\n{} = \"{word}\"\n", rule.name));
            assert_eq!(parsed.problems, vec![], "{word}");
            assert_eq!(parsed.config.severity(rule), expected, "{word}");
        }
    }

    #[test]
    fn aliases_are_stored_under_the_rule_name() {
        // Every alias of every rule present today resolves to its rule.
        for rule in rules::all() {
            for alias in rule.hadolint.iter().copied().chain(rule.buildkit) {
                let parsed = parse(&format!("[rules]\n{alias} = \"hint\"\n"));
                assert_eq!(parsed.problems, vec![], "{alias}");
                assert_eq!(
                    parsed.config.severities.get(rule.name),
                    Some(&Some(Severity::Hint)),
                    "{alias}"
                );
            }
        }
    }

    #[test]
    fn unknown_keys_rules_and_severities_point_at_their_bytes() {
        let rule = some_rule();
        let text = format!(
            "trusted-registry = []\n[rules]\nno-such-rule = \"off\"\n{} = \"loud\"\n",
            rule.name
        );
        let found = problems(&text);
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(found[0].0, "trusted-registry");
        assert!(
            found[0].2.ends_with("did you mean `trusted-registries`?"),
            "{}",
            found[0].2
        );
        assert_eq!(found[1].0, "no-such-rule");
        assert!(found[1].2.starts_with("unknown rule `no-such-rule`"));
        assert_eq!(found[2].0, "\"loud\"");
        assert_eq!(
            found[2].2,
            "unknown severity \"loud\"; expected \"error\", \"warning\", \"info\", \"hint\" or \"off\""
        );
        assert!(found.iter().all(|p| p.1 == Severity::Warning));
    }

    #[test]
    fn a_bad_entry_leaves_the_others_in_force() {
        let rule = some_rule();
        let parsed = parse(&format!(
            "[rules]\nnope = \"off\"\n{} = \"hint\"\n",
            rule.name
        ));
        assert_eq!(parsed.problems.len(), 1);
        assert_eq!(parsed.config.severity(rule), Some(Severity::Hint));
    }

    #[test]
    fn wrong_types_are_reported() {
        let found = problems("rules = 1\ntrusted-registries = \"x\"\n");
        assert_eq!(
            found,
            vec![
                (
                    "1",
                    Severity::Warning,
                    "`rules` must be a table of rule names to severities, not an integer"
                        .to_owned()
                ),
                (
                    "\"x\"",
                    Severity::Warning,
                    "`trusted-registries` must be an array of strings, not a string".to_owned()
                ),
            ]
        );
        let text = format!("[rules]\n{} = 3\n", some_rule().name);
        let found = problems(&text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "3");
        let found = problems("trusted-registries = [\"a\", 2]\n");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "2");
    }

    #[test]
    fn a_syntax_error_is_an_error_and_keeps_the_defaults() {
        let text = "[rules]\nDL3006 = \n";
        let parsed = parse(text);
        assert_eq!(parsed.config, RuleConfig::default());
        assert_eq!(parsed.problems.len(), 1, "{:?}", parsed.problems);
        let problem = &parsed.problems[0];
        assert_eq!(problem.severity, Severity::Error);
        assert!(problem.message.starts_with("invalid TOML: "), "{problem:?}");
        assert_eq!(line_number(text, problem.range.start), 2, "{problem:?}");
    }

    #[test]
    fn setting_a_rule_twice_is_reported() {
        let rule = rules::all().find(|rule| !rule.hadolint.is_empty() || rule.buildkit.is_some());
        let Some(rule) = rule else {
            return;
        };
        let alias = rule.hadolint.first().copied().or(rule.buildkit).unwrap();
        let text = format!("[rules]\n{} = \"off\"\n{alias} = \"hint\"\n", rule.name);
        let parsed = parse(&text);
        assert_eq!(parsed.problems.len(), 1, "{:?}", parsed.problems);
        assert!(parsed.problems[0].message.contains("already set on line"));
    }

    #[test]
    fn editor_settings_override_the_file_rule_by_rule() {
        let rule = some_rule();
        let mut base = RuleConfig::default();
        base.severities.insert(rule.name.to_owned(), None);
        base.trusted_registries = vec!["docker.io".to_owned()];
        let settings = serde_json::json!({
            "rules": { rule.name: "warning" },
            "trustedRegistries": ["ghcr.io"],
        });
        let (merged, problems) = merge_editor_settings(&base, &settings);
        assert_eq!(problems, Vec::<String>::new());
        assert_eq!(merged.severity(rule), Some(Severity::Warning));
        assert_eq!(merged.trusted_registries, vec!["ghcr.io".to_owned()]);

        let kebab = serde_json::json!({ "trusted-registries": null, "rules": null });
        let (merged, problems) = merge_editor_settings(&base, &kebab);
        assert_eq!(problems, Vec::<String>::new());
        assert_eq!(merged, base);
    }

    #[test]
    fn the_registry_table_is_read_and_the_editor_overrides_it() {
        let parsed = parse(
            "[registry]\nnetwork = true\ntimeout = 2.5\ninsecure = [\"localhost:5000\"]\n\
             [registry.endpoints]\n\"docker.io\" = \"https://mirror.example\"\n",
        );
        assert_eq!(parsed.problems, vec![]);
        let registry = &parsed.registry;
        assert!(registry.network);
        assert_eq!(registry.timeout_ms, 2500);
        assert_eq!(registry.insecure, ["localhost:5000"]);
        assert_eq!(
            registry.endpoints.get("docker.io").map(String::as_str),
            Some("https://mirror.example")
        );
        assert!(!RegistrySettings::default().network);

        let found = problems(
            "[registry]\nnetwork = \"yes\"\ntimeout = 0\nmirrors = 1\n[registry.endpoints]\nx = \"ftp://a\"\n",
        );
        let at: Vec<&str> = found.iter().map(|p| p.0).collect();
        assert_eq!(at, ["\"yes\"", "0", "mirrors", "\"ftp://a\""], "{found:?}");

        let editor = serde_json::json!({ "registry": { "network": false, "timeout": 1 } });
        let (merged, problems) = merge_editor_registry(registry, &editor);
        assert_eq!(problems, Vec::<String>::new());
        assert!(!merged.network);
        assert_eq!(merged.timeout_ms, 1000);
        assert_eq!(merged.insecure, registry.insecure);
        let (_, problems) = merge_editor_registry(
            registry,
            &serde_json::json!({ "registry": { "network": "on", "colour": 1 } }),
        );
        assert_eq!(problems.len(), 2, "{problems:?}");
        let (_, problems) = merge_editor_settings(&RuleConfig::default(), &editor);
        assert_eq!(problems, Vec::<String>::new());
    }

    #[test]
    fn editor_settings_problems_are_messages() {
        let (merged, problems) = merge_editor_settings(
            &RuleConfig::default(),
            &serde_json::json!({ "rules": { "nope": "off", "x": 1 }, "colour": true }),
        );
        assert_eq!(merged, RuleConfig::default());
        assert_eq!(problems.len(), 3, "{problems:?}");
        let (_, problems) = merge_editor_settings(&RuleConfig::default(), &serde_json::json!(3));
        assert_eq!(
            problems,
            vec!["settings must be an object, not a number".to_owned()]
        );
    }
}
