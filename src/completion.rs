//! Completion: instruction keywords, flags and their values, `--mount` keys, stage names,
//! variables in scope, parser directives, signals and HEALTHCHECK types; in the shell of a RUN,
//! the options of known commands.

mod shell;

use std::ops::Range;

use crate::context::{self, LineContext, Place, Word};
use crate::knowledge::{self, Value};
use crate::model::{DeclarationKind, Model, Scope};
use crate::snapshot::Snapshot;

/// What the editor can do with completion items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CompletionConfig {
    /// The client accepts snippets (`${1:placeholder}`) in insert texts.
    pub snippets: bool,
}

/// The kind of thing a completion item inserts, for its icon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompletionKind {
    Keyword,
    Directive,
    Flag,
    Value,
    Variable,
    Stage,
}

/// One completion proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletionItem {
    pub label: String,
    pub kind: CompletionKind,
    /// A one-line description shown beside the label.
    pub detail: Option<String>,
    /// Longer documentation, in markdown.
    pub documentation: Option<String>,
    /// The bytes the item replaces (the partial word before the cursor, and after it).
    pub replace: Range<usize>,
    /// The text to insert; a snippet when `is_snippet`.
    pub insert_text: String,
    pub is_snippet: bool,
    /// Orders items whose labels would otherwise sort badly.
    pub sort_text: Option<String>,
}

pub fn completion(
    analysis: &Snapshot,
    offset: usize,
    config: &CompletionConfig,
) -> Vec<CompletionItem> {
    let options = shell::options(analysis, offset);
    if !options.is_empty() {
        return options;
    }
    let mut items = Items {
        list: Vec::new(),
        config: *config,
    };
    match context::place(analysis, offset) {
        Place::Comment | Place::Heredoc => {}
        Place::Directive { before, start } => directives(&mut items, &before, start, offset),
        Place::Line(line) => {
            if let Some(variable) = variable_prefix(analysis.text(), &line.current, offset) {
                variables(&mut items, analysis.model(), &line, offset, variable);
            } else if line.at_keyword() {
                keywords(&mut items, analysis, &line, offset);
            } else {
                arguments(&mut items, analysis.text(), analysis.model(), &line, offset);
            }
        }
    }
    items.list
}

struct Items {
    list: Vec<CompletionItem>,
    config: CompletionConfig,
}

impl Items {
    fn push(&mut self, item: CompletionItem) {
        self.list.push(item);
    }

    fn plain(
        &mut self,
        label: &str,
        kind: CompletionKind,
        detail: Option<&str>,
        documentation: Option<&str>,
        replace: Range<usize>,
    ) {
        self.push(CompletionItem {
            label: label.to_owned(),
            kind,
            detail: detail.map(str::to_owned),
            documentation: documentation.map(str::to_owned),
            replace,
            insert_text: label.to_owned(),
            is_snippet: false,
            sort_text: None,
        });
    }

    fn values(&mut self, values: &[Value], kind: CompletionKind, replace: &Range<usize>) {
        for value in values {
            self.plain(value.name, kind, None, Some(value.docs), replace.clone());
        }
    }
}

/// The range a completion replaces: the current word from its start through its end.
fn word_range(line: &LineContext) -> Range<usize> {
    line.current.range.start..line.current_end.max(line.current.range.end)
}

/// When the cursor follows `$` or `${` and part of a name, the range of that partial name.
fn variable_prefix(text: &str, current: &Word, offset: usize) -> Option<Range<usize>> {
    let before = text.get(current.range.start..offset)?;
    let dollar = before.rfind('$')?;
    let after = &before[dollar + 1..];
    let name = after.strip_prefix('{').unwrap_or(after);
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    // `$$` and an escaped `\$` are not expansions.
    if before[..dollar].ends_with(['$', '\\']) {
        return None;
    }
    let name_start = offset - name.len();
    let rest = &text[offset..];
    let name_end = offset
        + rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
    Some(name_start..name_end)
}

fn keywords(items: &mut Items, analysis: &Snapshot, line: &LineContext, offset: usize) {
    let replace = word_range(line);
    let model = analysis.model();
    let after_onbuild = !line.words.is_empty();
    let before_first_from =
        model.stages.first().is_none_or(|s| s.range.start >= offset) && !model.in_from_line(offset);
    let lowercase =
        !line.current.text.is_empty() && line.current.text.chars().all(|c| !c.is_ascii_uppercase());
    for instruction in knowledge::INSTRUCTIONS {
        let name = instruction.name;
        if after_onbuild && matches!(name, "ONBUILD" | "FROM" | "MAINTAINER") {
            continue;
        }
        if before_first_from && !after_onbuild && !matches!(name, "FROM" | "ARG") {
            continue;
        }
        let written = if lowercase {
            name.to_ascii_lowercase()
        } else {
            name.to_owned()
        };
        let (insert_text, is_snippet) = if items.config.snippets {
            (
                format!("{written}{}", &instruction.snippet[name.len()..]),
                true,
            )
        } else {
            (format!("{written} "), false)
        };
        items.push(CompletionItem {
            label: name.to_owned(),
            kind: CompletionKind::Keyword,
            detail: Some(instruction.summary.to_owned()),
            documentation: Some(instruction.docs.to_owned()),
            replace: replace.clone(),
            insert_text,
            is_snippet,
            sort_text: None,
        });
    }
    // Parser directives can only come before anything else in the file.
    if before_first_from && !after_onbuild && in_directive_block(analysis.text(), replace.start) {
        for directive in knowledge::DIRECTIVES {
            let value = directive.values.first().map_or("", |v| v.name);
            let (insert_text, is_snippet) = if items.config.snippets {
                (
                    format!("# {}=${{1:{}}}", directive.name, snippet_escape(value)),
                    true,
                )
            } else {
                (format!("# {}={value}", directive.name), false)
            };
            items.push(CompletionItem {
                label: format!("# {}=", directive.name),
                kind: CompletionKind::Directive,
                detail: Some("parser directive".to_owned()),
                documentation: Some(directive.docs.to_owned()),
                replace: replace.clone(),
                insert_text,
                is_snippet,
                sort_text: Some(format!("~{}", directive.name)),
            });
        }
    }
}

/// Whether only parser directives come before `offset`.
fn in_directive_block(text: &str, offset: usize) -> bool {
    text[..offset].lines().all(|line| {
        let line = line.trim_start_matches('\u{feff}').trim();
        line.starts_with('#') && line.contains('=')
    })
}

fn snippet_escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('$', "\\$")
        .replace('}', "\\}")
}

fn directives(items: &mut Items, before: &str, start: usize, offset: usize) {
    let trimmed = before.trim_start();
    let name_start = start + (before.len() - trimmed.len());
    match trimmed.split_once('=') {
        None => {
            for directive in knowledge::DIRECTIVES {
                items.push(CompletionItem {
                    label: format!("{}=", directive.name),
                    kind: CompletionKind::Directive,
                    detail: Some("parser directive".to_owned()),
                    documentation: Some(directive.docs.to_owned()),
                    replace: name_start..offset,
                    insert_text: format!("{}=", directive.name),
                    is_snippet: false,
                    sort_text: None,
                });
            }
        }
        Some((name, value)) => {
            let Some(directive) = knowledge::directive(name.trim()) else {
                return;
            };
            let value_start = offset - value.len() + (value.len() - value.trim_start().len());
            if directive.name == "check" {
                return check_values(items, value.trim_start(), value_start, offset);
            }
            items.values(
                directive.values,
                CompletionKind::Value,
                &(value_start..offset),
            );
        }
    }
}

/// `# check=skip=A,B;error=true`: completes the settings and the check names.
fn check_values(items: &mut Items, value: &str, value_start: usize, offset: usize) {
    let setting_start = value.rfind(';').map_or(0, |i| i + 1);
    let setting = &value[setting_start..];
    match setting.split_once('=') {
        Some(("skip", list)) => {
            let item_start = offset - (list.len() - list.rfind(',').map_or(0, |i| i + 1));
            items.plain(
                "all",
                CompletionKind::Value,
                Some("skip every check"),
                None,
                item_start..offset,
            );
            for check in knowledge::CHECKS {
                items.plain(
                    check.name,
                    CompletionKind::Value,
                    None,
                    Some(check.docs),
                    item_start..offset,
                );
            }
        }
        Some(("error", _)) => {
            let value_start = offset - setting.len() + "error=".len();
            for value in ["true", "false"] {
                items.plain(
                    value,
                    CompletionKind::Value,
                    None,
                    None,
                    value_start..offset,
                );
            }
        }
        _ => {
            let start = value_start + setting_start;
            items.plain(
                "skip=",
                CompletionKind::Value,
                Some("checks not to run"),
                None,
                start..offset,
            );
            items.plain(
                "error=",
                CompletionKind::Value,
                Some("fail the build on a warning"),
                None,
                start..offset,
            );
        }
    }
}

fn arguments(items: &mut Items, text: &str, model: &Model, line: &LineContext, offset: usize) {
    let Some(keyword) = line.keyword() else {
        return;
    };
    let Some(instruction) = knowledge::instruction(&keyword) else {
        return;
    };
    let current = &line.current.text;
    let replace = word_range(line);

    if line.in_flags() && current.starts_with('-') {
        match current.split_once('=') {
            None => flag_names(items, instruction, line, replace),
            Some((name, _)) => {
                let name = name.trim_start_matches('-');
                // The value as written, from the first `=` to the cursor: the word's text leaves
                // out continuations and the comment lines after them, so offsets come from the
                // source (found by fuzzing: a quoted value across a continuation).
                let written = text
                    .get(line.current.range.start..offset)
                    .unwrap_or_default();
                let Some(equals) = written.find('=') else {
                    return;
                };
                let value_start = line.current.range.start + equals + 1;
                let value = &written[equals + 1..];
                let replace = value_start..replace.end;
                flag_values(
                    items,
                    model,
                    line,
                    instruction,
                    name,
                    value,
                    replace,
                    offset,
                );
            }
        }
        return;
    }

    let positional = line.positional().count();
    let first_positional = line.in_flags();
    match keyword.as_str() {
        "FROM" if first_positional => {
            for stage in stage_names(model, line) {
                items.plain(
                    &stage.0,
                    CompletionKind::Stage,
                    Some(&stage.1),
                    None,
                    replace.clone(),
                );
            }
            items.plain(
                "scratch",
                CompletionKind::Value,
                Some("an empty base image"),
                None,
                replace.clone(),
            );
            if current.is_empty() {
                flag_names(items, instruction, line, replace);
            }
        }
        "FROM" if positional == 1 => {
            let text = if current.chars().all(|c| !c.is_ascii_uppercase()) && !current.is_empty() {
                "as"
            } else {
                "AS"
            };
            items.plain(
                text,
                CompletionKind::Keyword,
                Some("name this stage"),
                None,
                replace,
            );
        }
        "HEALTHCHECK" if first_positional => {
            for (name, detail) in [
                ("CMD", "the command that checks the container"),
                ("NONE", "turn off the check inherited from the base image"),
            ] {
                items.plain(
                    name,
                    CompletionKind::Keyword,
                    Some(detail),
                    None,
                    replace.clone(),
                );
            }
            if current.is_empty() {
                flag_names(items, instruction, line, replace);
            }
        }
        "STOPSIGNAL" if first_positional => {
            items.values(knowledge::SIGNALS, CompletionKind::Value, &replace);
        }
        "ARG" => {
            for arg in knowledge::AUTOMATIC_ARGS
                .iter()
                .chain(knowledge::PROXY_ARGS)
            {
                items.plain(
                    arg.name,
                    CompletionKind::Variable,
                    Some("predefined build argument"),
                    Some(arg.docs),
                    replace.clone(),
                );
            }
        }
        _ if first_positional && current.is_empty() && !instruction.flags.is_empty() => {
            flag_names(items, instruction, line, replace);
        }
        _ => {}
    }
}

fn flag_names(
    items: &mut Items,
    instruction: &knowledge::Instruction,
    line: &LineContext,
    replace: Range<usize>,
) {
    let used: Vec<&str> = line
        .arguments()
        .iter()
        .filter_map(|w| w.text.strip_prefix("--"))
        .map(|w| w.split('=').next().unwrap_or(w))
        .collect();
    for flag in instruction.flags {
        if !flag.repeatable && used.contains(&flag.name) {
            continue;
        }
        let label = format!("--{}", flag.name);
        let (insert_text, is_snippet) = match (flag.value, items.config.snippets) {
            (Some(_), true) => (format!("{label}=$1"), true),
            (Some(_), false) => (format!("{label}="), false),
            (None, _) => (label.clone(), false),
        };
        items.push(CompletionItem {
            detail: Some(match flag.value {
                Some(value) => format!("{label}={value}"),
                None => label.clone(),
            }),
            label,
            kind: CompletionKind::Flag,
            documentation: Some(flag.docs.to_owned()),
            replace: replace.clone(),
            insert_text,
            is_snippet,
            sort_text: None,
        });
    }
}

#[allow(clippy::too_many_arguments)]
fn flag_values(
    items: &mut Items,
    model: &Model,
    line: &LineContext,
    instruction: &knowledge::Instruction,
    name: &str,
    value: &str,
    replace: Range<usize>,
    offset: usize,
) {
    if name == "mount" && instruction.name == "RUN" {
        return mount_values(items, model, line, value, replace.start, offset);
    }
    if name == "from" && matches!(instruction.name, "COPY" | "ADD") {
        for (label, detail) in stage_names(model, line) {
            items.plain(
                &label,
                CompletionKind::Stage,
                Some(&detail),
                None,
                replace.clone(),
            );
        }
        return;
    }
    if let Some(flag) = knowledge::flag(instruction, name) {
        items.values(flag.values, CompletionKind::Value, &replace);
    }
}

/// `--mount=type=cache,target=/x,sharing=`: completes keys for the type and their values.
fn mount_values(
    items: &mut Items,
    model: &Model,
    line: &LineContext,
    value: &str,
    value_start: usize,
    offset: usize,
) {
    let option_start = value.rfind(',').map_or(0, |i| i + 1);
    let option = &value[option_start..];
    let mount_type = value
        .split(',')
        .find_map(|o| o.strip_prefix("type="))
        .unwrap_or("bind");
    let start = value_start + option_start;
    match option.split_once('=') {
        None => {
            let used: Vec<&str> = value
                .split(',')
                .filter_map(|o| o.split('=').next())
                .collect();
            if !used.contains(&"type") {
                items.plain(
                    "type=",
                    CompletionKind::Value,
                    Some("bind, cache, tmpfs, secret or ssh"),
                    None,
                    start..offset,
                );
            }
            if let Some(kind) = knowledge::mount_type(mount_type) {
                for key in kind.keys {
                    if used[..used.len().saturating_sub(1)].contains(&key.name) {
                        continue;
                    }
                    let label = match key.value {
                        Some(_) => format!("{}=", key.name),
                        None => key.name.to_owned(),
                    };
                    items.plain(
                        &label,
                        CompletionKind::Value,
                        key.value,
                        Some(key.docs),
                        start..offset,
                    );
                }
            }
        }
        Some((key, _)) => {
            let value_start = start + key.len() + 1;
            if key == "type" {
                for kind in knowledge::MOUNT_TYPES {
                    items.plain(
                        kind.name,
                        CompletionKind::Value,
                        None,
                        Some(kind.docs),
                        value_start..offset,
                    );
                }
            } else if key == "from" {
                for (label, detail) in stage_names(model, line) {
                    items.plain(
                        &label,
                        CompletionKind::Stage,
                        Some(&detail),
                        None,
                        value_start..offset,
                    );
                }
            } else if let Some(key) = knowledge::mount_type(mount_type)
                .and_then(|t| t.keys.iter().find(|k| k.name == key))
            {
                items.values(key.values, CompletionKind::Value, &(value_start..offset));
            }
        }
    }
}

/// The stages that can be referred to from the logical line `line`, as (label, detail) pairs:
/// names, and indexes for unnamed stages. A FROM line can name any stage above it; other lines
/// any stage before their own.
fn stage_names(model: &Model, line: &LineContext) -> Vec<(String, String)> {
    let line_start = line
        .words
        .first()
        .map_or(line.current.range.start, |w| w.range.start);
    let limit = if line.keyword().as_deref() == Some("FROM") {
        line_start
    } else {
        model
            .stage_at(line_start)
            .map_or(0, |s| model.stages[s].range.start)
    };
    model
        .stages
        .iter()
        .filter(|s| s.range.start < limit)
        .map(|s| {
            let base = s.image.as_ref().map_or("", |i| i.text.as_str());
            match &s.name {
                Some(name) => (name.clone(), format!("stage {} (FROM {base})", s.index)),
                None => (
                    s.index.to_string(),
                    format!("stage {} (FROM {base})", s.index),
                ),
            }
        })
        .collect()
}

fn variables(
    items: &mut Items,
    model: &Model,
    line: &LineContext,
    offset: usize,
    replace: Range<usize>,
) {
    // The line being typed may not parse yet; its keyword says whether it is a FROM line.
    let in_from = line.keyword().as_deref() == Some("FROM");
    let scope = match model.stage_at(offset) {
        Some(stage) if !in_from => Scope::Stage(stage),
        _ => Scope::Global,
    };
    let mut names: Vec<String> = Vec::new();
    for index in model.declarations_in_scope(offset, scope) {
        let decl = &model.declarations[index];
        let kind = match decl.kind {
            DeclarationKind::Arg => "ARG",
            DeclarationKind::Env => "ENV",
        };
        let detail = match &decl.resolved {
            Some(value) => format!("{kind} {}={value}", decl.name),
            None => format!("{kind} {}", decl.name),
        };
        names.push(decl.name.clone());
        items.plain(
            &decl.name,
            CompletionKind::Variable,
            Some(&detail),
            None,
            replace.clone(),
        );
    }
    let predefined: Vec<&knowledge::PredefinedArg> = if scope == Scope::Global {
        knowledge::AUTOMATIC_ARGS.iter().collect()
    } else {
        knowledge::PROXY_ARGS.iter().collect()
    };
    for arg in predefined {
        if names.iter().any(|n| n == arg.name) {
            continue;
        }
        items.plain(
            arg.name,
            CompletionKind::Variable,
            Some("predefined build argument"),
            Some(arg.docs),
            replace.clone(),
        );
    }
}

#[cfg(test)]
mod tests {
    use expect_test::{expect, Expect};

    use super::*;

    /// Completion labels at the `$0` cursor of `fixture`, with snippets on.
    fn labels(fixture: &str) -> Vec<String> {
        items(fixture, true).into_iter().map(|i| i.label).collect()
    }

    fn items(fixture: &str, snippets: bool) -> Vec<CompletionItem> {
        let offset = fixture.find("$0").expect("fixture has a $0 cursor");
        let text = fixture.replacen("$0", "", 1);
        completion(
            &Snapshot::from_text(&text),
            offset,
            &CompletionConfig { snippets },
        )
    }

    fn check(fixture: &str, expect: Expect) {
        expect.assert_eq(&labels(fixture).join(" "));
    }

    #[test]
    fn a_flag_value_across_a_continuation_replaces_from_its_equals_sign() {
        // The word's text skips `\`, the line break and the comment line; the range must not.
        let fixture = "FROM --platform=\"l\u{e9} \\\n# c\n x\"li$0 alpine\n";
        let found = items(fixture, false);
        assert!(!found.is_empty());
        for item in found {
            assert_eq!(item.replace.start, "FROM --platform=".len(), "{item:?}");
        }
    }

    #[test]
    fn keywords_on_an_empty_line() {
        check(
            "FROM alpine\n$0\n",
            expect!["ADD ARG CMD COPY ENTRYPOINT ENV EXPOSE FROM HEALTHCHECK LABEL MAINTAINER ONBUILD RUN SHELL STOPSIGNAL USER VOLUME WORKDIR"],
        );
    }

    #[test]
    fn only_from_arg_and_directives_before_the_first_from() {
        check("$0", expect!["ARG FROM # syntax= # escape= # check="]);
        check(
            "# syntax=docker/dockerfile:1\n$0\nFROM a\n",
            expect!["ARG FROM # syntax= # escape= # check="],
        );
        check("# hello\n$0\nFROM a\n", expect!["ARG FROM"]);
    }

    #[test]
    fn no_from_maintainer_or_onbuild_after_onbuild() {
        let after = labels("FROM a\nONBUILD $0");
        assert!(!after
            .iter()
            .any(|l| l == "FROM" || l == "ONBUILD" || l == "MAINTAINER"));
        assert!(after.iter().any(|l| l == "RUN"));
    }

    #[test]
    fn keyword_snippets_and_plain_words() {
        let snippet = items("FROM a\nCO$0", true);
        let copy = snippet.iter().find(|i| i.label == "COPY").unwrap();
        assert!(copy.is_snippet);
        assert!(copy.insert_text.starts_with("COPY "));
        assert_eq!(copy.replace, 7..9);
        let plain = items("FROM a\nco$0", false);
        let copy = plain.iter().find(|i| i.label == "COPY").unwrap();
        assert!(!copy.is_snippet);
        assert_eq!(copy.insert_text, "copy ");
    }

    #[test]
    fn flags_of_each_instruction() {
        check("FROM --$0", expect!["--platform"]);
        check(
            "FROM a\nRUN --$0",
            expect!["--mount --network --security --device"],
        );
        check(
            "FROM a\nCOPY --$0",
            expect!["--from --chown --chmod --link --parents --exclude"],
        );
        check(
            "FROM a\nADD --$0",
            expect!["--keep-git-dir --checksum --chown --chmod --link --unpack --exclude"],
        );
        check(
            "FROM a\nHEALTHCHECK --$0",
            expect!["--interval --timeout --start-period --start-interval --retries"],
        );
        // A flag already given is not offered again, unless it may repeat.
        check(
            "FROM a\nCOPY --link --$0",
            expect!["--from --chown --chmod --parents --exclude"],
        );
        check(
            "FROM a\nRUN --mount=type=cache,target=/a --$0",
            expect!["--mount --network --security --device"],
        );
    }

    #[test]
    fn flag_values() {
        check("FROM a\nRUN --network=$0", expect!["default none host"]);
        check("FROM a\nRUN --security=$0", expect!["sandbox insecure"]);
        let platforms = labels("FROM --platform=$0");
        assert!(
            platforms.iter().any(|p| p == "linux/amd64"),
            "{platforms:?}"
        );
        assert!(
            platforms.iter().any(|p| p == "$BUILDPLATFORM"),
            "{platforms:?}"
        );
    }

    #[test]
    fn mount_keys_follow_the_type() {
        check(
            "FROM a\nRUN --mount=type=$0",
            expect!["bind cache tmpfs secret ssh"],
        );
        let cache = labels("FROM a\nRUN --mount=type=cache,$0");
        for key in [
            "target=", "id=", "sharing=", "from=", "source=", "mode=", "uid=", "gid=",
        ] {
            assert!(
                cache.iter().any(|k| k == key),
                "{key} missing from {cache:?}"
            );
        }
        let secret = labels("FROM a\nRUN --mount=type=secret,$0");
        assert!(secret.iter().any(|k| k == "env="), "{secret:?}");
        assert!(!secret.iter().any(|k| k == "sharing="), "{secret:?}");
        check(
            "FROM a\nRUN --mount=type=cache,sharing=$0",
            expect!["shared private locked"],
        );
    }

    #[test]
    fn stages_after_from_flag_and_in_from() {
        let fixture = "FROM golang AS build\nFROM alpine\nFROM build AS test\nCOPY --from=$0\n";
        // The stage the COPY is in cannot copy from itself.
        check(fixture, expect!["build 1"]);
        check(
            "FROM golang AS build\nFROM $0",
            expect!["build scratch --platform"],
        );
        check(
            "FROM a AS b\nFROM a\nRUN --mount=type=bind,from=$0",
            expect!["b"],
        );
        check("FROM golang AS build\nFROM build $0", expect!["AS"]);
    }

    #[test]
    fn variables_in_scope() {
        let fixture = "ARG VERSION=1\nARG BASE\nFROM alpine:$$0\nARG INSIDE=2\n";
        let found = labels(fixture);
        assert!(found.contains(&"VERSION".to_owned()) && found.contains(&"BASE".to_owned()));
        assert!(found.contains(&"TARGETPLATFORM".to_owned()));
        assert!(
            !found.contains(&"INSIDE".to_owned()),
            "a stage ARG is not visible in FROM"
        );
        let inside =
            labels("ARG VERSION=1\nFROM alpine\nARG INSIDE=2\nENV HOME2=/h\nRUN echo ${$0}\n");
        assert!(inside.contains(&"INSIDE".to_owned()) && inside.contains(&"HOME2".to_owned()));
        assert!(
            !inside.contains(&"VERSION".to_owned()),
            "a global ARG needs re-declaring"
        );
        assert!(inside.contains(&"HTTP_PROXY".to_owned()));
        let inherited =
            labels("FROM a AS base\nENV FROM_BASE=1\nARG NOT_INHERITED\nFROM base\nRUN echo $$0");
        assert!(inherited.contains(&"FROM_BASE".to_owned()), "{inherited:?}");
        assert!(
            !inherited.contains(&"NOT_INHERITED".to_owned()),
            "{inherited:?}"
        );
    }

    #[test]
    fn variable_replaces_the_partial_name() {
        let found = items("FROM a\nENV NAME=x\nRUN echo ${NA$0}", true);
        let name = found.iter().find(|i| i.label == "NAME").unwrap();
        assert_eq!(name.replace, 29..31);
        assert_eq!(name.detail.as_deref(), Some("ENV NAME=x"));
    }

    #[test]
    fn directives_and_their_values() {
        check("# $0", expect!["syntax= escape= check="]);
        check("# escape=$0\nFROM a", expect!["` \\"]);
        let checks = labels("# check=skip=$0\nFROM a");
        assert!(
            checks.iter().any(|c| c == "JSONArgsRecommended"),
            "{checks:?}"
        );
        check("FROM a\n# escape=$0", expect![""]);
    }

    #[test]
    fn healthcheck_stopsignal_and_arg_names() {
        check(
            "FROM a\nHEALTHCHECK $0",
            expect!["CMD NONE --interval --timeout --start-period --start-interval --retries"],
        );
        let signals = labels("FROM a\nSTOPSIGNAL $0");
        assert!(signals.iter().any(|s| s == "SIGTERM"), "{signals:?}");
        let args = labels("FROM a\nARG $0");
        assert!(args.iter().any(|s| s == "TARGETARCH"), "{args:?}");
    }

    #[test]
    fn nothing_in_comments_and_heredocs() {
        check("FROM a\n# a comm$0ent\n", expect![""]);
        check("FROM a\nRUN <<EOF\nech$0\nEOF\n", expect![""]);
    }
}
