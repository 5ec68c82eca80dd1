//! The rule pages of `docs/rules/`, written from each rule's own documentation: the same text
//! `dockls check --explain` prints and the SARIF output carries.

use std::io;
use std::path::Path;

use crate::config::severity_name;
use crate::rules::{self, Rule};

/// The command that regenerates `docs/rules/`.
pub const REGENERATE: &str = "cargo run -- docs rules docs/rules";

/// A rule's page: title, summary, a table of its facts, then its documentation.
pub fn rule_page(rule: &Rule) -> String {
    let hadolint = if rule.hadolint.is_empty() {
        "none".to_owned()
    } else {
        rule.hadolint
            .iter()
            .map(|code| format!("`{code}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let buildkit = rule
        .buildkit
        .map_or_else(|| "none".to_owned(), |name| format!("`{name}`"));
    let default = if rule.off_by_default {
        "off (turn it on in `.dockls.toml`)"
    } else {
        "on"
    };
    format!(
        "# {name}\n\n{summary}\n\n\
         | | |\n|---|---|\n\
         | Severity | {severity} |\n\
         | Category | {category} |\n\
         | Default | {default} |\n\
         | hadolint | {hadolint} |\n\
         | BuildKit check | {buildkit} |\n\n\
         {docs}\n",
        name = rule.name,
        summary = rule.summary.trim(),
        severity = severity_name(rule.severity),
        category = rule.category.name(),
        docs = rule.docs.trim(),
    )
}

/// The index: one row per rule, sorted by name.
pub fn index_page() -> String {
    let mut rules: Vec<&Rule> = rules::all().collect();
    rules.sort_by_key(|rule| rule.name);
    let mut page = format!(
        "# Rules\n\n\
         Each rule's code is its name. Set a rule's severity, or turn it off, in `.dockls.toml` \
         under `[rules]` by its name, its hadolint code or its BuildKit check name; \
         `dockls check --explain RULE` prints a page below.\n\n\
         These pages are generated from the rules' own documentation by `{REGENERATE}`; do not \
         edit them by hand.\n\n\
         | Rule | Summary | Severity | Category | hadolint | BuildKit |\n\
         |---|---|---|---|---|---|\n"
    );
    for rule in rules {
        let severity = if rule.off_by_default {
            format!("{} (off by default)", severity_name(rule.severity))
        } else {
            severity_name(rule.severity).to_owned()
        };
        page.push_str(&format!(
            "| [{name}]({name}.md) | {summary} | {severity} | {category} | {hadolint} | {buildkit} |\n",
            name = rule.name,
            summary = rule.summary.trim().replace('|', "\\|"),
            category = rule.category.name(),
            hadolint = rule.hadolint.join(", "),
            buildkit = rule.buildkit.unwrap_or(""),
        ));
    }
    page
}

/// Writes every page and the index into `dir`, and removes pages of rules that no longer exist.
/// Returns how many pages were written.
pub fn write_rule_docs(dir: &Path) -> io::Result<usize> {
    std::fs::create_dir_all(dir)?;
    let mut expected = vec!["README.md".to_owned()];
    std::fs::write(dir.join("README.md"), index_page())?;
    for rule in rules::all() {
        let name = format!("{}.md", rule.name);
        std::fs::write(dir.join(&name), rule_page(rule))?;
        expected.push(name);
    }
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".md") && !expected.contains(&name) {
            std::fs::remove_file(entry.path())?;
        }
    }
    Ok(expected.len() - 1)
}
