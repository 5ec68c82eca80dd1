//! Hover: one small function per kind of thing under the cursor, tried in order: keyword, flag,
//! `--mount` option, variable, shell command or option in a RUN, declaration, stage, image,
//! directive.

mod shell;

use std::ops::Range;

use crate::syntax::NodeExt;
use tree_sitter::Node;

use crate::knowledge;
use crate::model::{
    self, DeclarationKind, Expander, Form, ImageParts, Instruction, Model, Scope, Stage,
};
use crate::snapshot::Snapshot;
use crate::text::line_number;

/// What the editor can show in a hover.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HoverConfig {
    /// The client renders markdown; otherwise hovers are plain text.
    pub markdown: bool,
}

/// The answer to a hover request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hover {
    /// The bytes the hover is about.
    pub range: Range<usize>,
    /// Markdown, or plain text when the client does not render markdown.
    pub contents: String,
}

pub fn hover(analysis: &Snapshot, offset: usize, config: &HoverConfig) -> Option<Hover> {
    let root = analysis.tree().root_node();
    let node = root.descendant_for_byte_range(offset, offset)?;
    let found = keyword(analysis, node)
        .or_else(|| flag(analysis, node))
        .or_else(|| mount_option(analysis, node))
        .or_else(|| variable_use(analysis, offset))
        .or_else(|| shell::shell_word(analysis, offset))
        .or_else(|| declaration(analysis, offset))
        .or_else(|| stage_reference(analysis, node, offset))
        .or_else(|| image(analysis, node))
        .or_else(|| rule_code(analysis, node, offset))
        .or_else(|| directive(analysis, node))?;
    let contents = if config.markdown {
        found.markdown
    } else {
        plain_text(&found.markdown)
    };
    Some(Hover {
        range: found.range,
        contents,
    })
}

struct Found {
    range: Range<usize>,
    markdown: String,
}

fn ancestor<'t>(node: Node<'t>, kind: &str) -> Option<Node<'t>> {
    let mut current = Some(node);
    while let Some(n) = current {
        if n.kind() == kind {
            return Some(n);
        }
        current = n.parent();
    }
    None
}

fn text<'a>(analysis: &'a Snapshot, node: Node) -> &'a str {
    analysis.text().get(node.byte_range()).unwrap_or_default()
}

fn keyword(analysis: &Snapshot, node: Node) -> Option<Found> {
    let parent = node.parent()?;
    let is_keyword =
        !node.is_named() && parent.kind().ends_with("_instruction") && node.kind() != "=";
    if !is_keyword {
        return None;
    }
    let keyword = node.kind();
    if parent.kind() == "healthcheck_instruction" && matches!(keyword, "CMD" | "NONE") {
        let docs = knowledge::instruction("HEALTHCHECK")?.docs;
        return Some(Found {
            range: node.byte_range(),
            markdown: docs.to_owned(),
        });
    }
    if keyword == "AS" {
        return Some(Found {
            range: node.byte_range(),
            markdown: "`AS name` names the stage, so that later `FROM name`, `COPY --from=name` \
                       and `RUN --mount=from=name` can refer to it, and `docker build --target \
                       name` can stop there."
                .to_owned(),
        });
    }
    let info = knowledge::instruction(keyword)?;
    let model = analysis.model();
    let instruction = find_instruction(model, parent.start_byte())?;
    let markdown = match keyword {
        "RUN" | "CMD" | "ENTRYPOINT" => command_hover(analysis, instruction, info),
        _ => info.docs.to_owned(),
    };
    Some(Found {
        range: node.byte_range(),
        markdown,
    })
}

/// The instruction starting at `start`, ONBUILD triggers included.
fn find_instruction(model: &Model, start: usize) -> Option<&Instruction> {
    model.instructions.iter().find_map(|i| {
        if i.range.start == start {
            Some(i)
        } else {
            i.trigger.as_deref().filter(|t| t.range.start == start)
        }
    })
}

/// RUN, CMD and ENTRYPOINT: the form under the cursor and, for CMD and ENTRYPOINT, what the
/// container will run.
fn command_hover(
    analysis: &Snapshot,
    instruction: &Instruction,
    info: &knowledge::Instruction,
) -> String {
    let forms = &knowledge::FORMS;
    let mut out = format!("**{}** — {}\n\n", info.name, info.summary);
    let form_docs = if !instruction.heredocs.is_empty() {
        ("heredoc", forms.heredoc)
    } else {
        match instruction.form {
            Form::Exec => ("exec form", forms.exec),
            Form::ShellFallback => ("shell form (the `[` does not open valid JSON)", forms.shell),
            _ => ("shell form", forms.shell),
        }
    };
    out.push_str(&format!(
        "### This is the {}\n\n{}\n\n",
        form_docs.0, form_docs.1
    ));
    if info.name == "RUN" {
        out.push_str(forms.run);
        out.push_str("\n\n");
    } else {
        if let Some(summary) = effective_command(analysis.model(), analysis.text(), instruction) {
            out.push_str(&summary);
            out.push_str("\n\n");
        }
        out.push_str(forms.cmd_entrypoint);
        out.push_str("\n\n");
    }
    out.push_str(&format!("[Dockerfile reference]({})", info.reference));
    out
}

/// The CMD/ENTRYPOINT summary for the stage of `instruction`: which one takes effect and the
/// command the container runs.
fn effective_command(model: &Model, text: &str, instruction: &Instruction) -> Option<String> {
    let stage_index = instruction.stage?;
    let mut out = String::new();
    let same: Vec<&Instruction> =
        stage_chain_instructions(model, stage_index, &instruction.keyword);
    let last = same.last().copied();
    if let Some(last) = last {
        if last.range != instruction.range
            && model
                .instructions
                .iter()
                .any(|i| i.range == instruction.range)
        {
            out.push_str(&format!(
                "**This {} has no effect**: the {} on line {} replaces it, because only the last \
                 one in a stage counts.\n\n",
                instruction.keyword,
                last.keyword,
                line_number(text, last.range.start)
            ));
        }
    }
    let commands = model.stage_commands();
    let applied = commands.get(stage_index)?;
    let entrypoint = applied.entrypoint.and_then(|i| model.instructions.get(i));
    let cmd = applied.cmd.and_then(|i| model.instructions.get(i));
    let runs = model.container_command(text, &commands, applied);
    let inherits_external = stage_has_external_base(model, stage_index);
    match runs {
        Some(args) => {
            out.push_str(&format!(
                "**The container runs:** `{}`",
                model::render_command(&args)
            ));
            if entrypoint.is_some_and(|e| e.form != Form::Exec) && cmd.is_some() {
                out.push_str("\n\nThe shell-form ENTRYPOINT ignores CMD.");
            } else if entrypoint.is_none() && inherits_external {
                out.push_str(
                    "\n\nIf the base image sets an ENTRYPOINT, CMD becomes its arguments instead.",
                );
            }
        }
        None => return None,
    }
    Some(out)
}

/// The instructions named `keyword` that apply to a stage: its own, or else those of the
/// stages it is built on.
fn stage_chain_instructions<'m>(
    model: &'m Model,
    stage: usize,
    keyword: &str,
) -> Vec<&'m Instruction> {
    let mut current = Some(stage);
    let mut seen = 0;
    while let Some(s) = current {
        let found: Vec<&Instruction> = model.instructions[model.stages[s].instructions.clone()]
            .iter()
            .filter(|i| i.keyword == keyword)
            .collect();
        if !found.is_empty() {
            return found;
        }
        seen += 1;
        if seen > model.stages.len() {
            break;
        }
        current = model.stages[s].base_stage;
    }
    Vec::new()
}

fn stage_has_external_base(model: &Model, stage: usize) -> bool {
    let mut current = stage;
    for _ in 0..=model.stages.len() {
        match model.stages[current].base_stage {
            Some(base) => current = base,
            None => {
                return model.stages[current]
                    .image
                    .as_ref()
                    .is_some_and(|i| !i.text.eq_ignore_ascii_case("scratch"));
            }
        }
    }
    false
}

fn flag(analysis: &Snapshot, node: Node) -> Option<Found> {
    let name = ancestor(node, "flag_name")?;
    let flag = name.parent()?;
    let instruction_node = ancestor(flag, "flag")?.parent()?;
    let keyword = instruction_node.child(0)?.kind();
    let info = knowledge::instruction(keyword)?;
    let flag_name = text(analysis, name).trim_start_matches('-');
    let Some(flag) = knowledge::flag(info, flag_name) else {
        return Some(Found {
            range: name.byte_range(),
            markdown: format!(
                "`--{flag_name}` is not a flag of {}. Its flags: {}.",
                info.name,
                info.flags
                    .iter()
                    .map(|f| format!("`--{}`", f.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        });
    };
    let syntax = match flag.value {
        Some(value) => format!("--{}={value}", flag.name),
        None => format!("--{}", flag.name),
    };
    Some(Found {
        range: name.byte_range(),
        markdown: format!("```\n{syntax}\n```\n\n{}", flag.docs),
    })
}

fn mount_option(analysis: &Snapshot, node: Node) -> Option<Found> {
    let option = ancestor(node, "mount_option")?;
    let key_node = option.field("key")?;
    let key = text(analysis, key_node);
    let options = ancestor(option, "mount_options")?;
    let mut cursor = options.walk();
    let siblings: Vec<Node> = options.named_children(&mut cursor).collect();
    let mount_type = siblings
        .iter()
        .filter(|o| o.kind() == "mount_option")
        .find(|o| o.field("key").is_some_and(|k| text(analysis, k) == "type"))
        .and_then(|o| o.field("value"))
        .map_or_else(|| "bind".to_owned(), |v| text(analysis, v).to_owned());
    let on_value = option
        .field("value")
        .is_some_and(|v| v.byte_range().contains(&node.start_byte()));
    if key == "type" {
        let kind = knowledge::mount_type(&mount_type)?;
        let range = if on_value {
            option.field("value")?.byte_range()
        } else {
            key_node.byte_range()
        };
        return Some(Found {
            range,
            markdown: format!("**`type={}`**\n\n{}", kind.name, kind.docs),
        });
    }
    let kind = knowledge::mount_type(&mount_type)?;
    let info = kind.keys.iter().find(|k| k.name == key);
    let markdown = match info {
        Some(info) => {
            let syntax = match info.value {
                Some(value) => format!("{}={value}", info.name),
                None => info.name.to_owned(),
            };
            format!("```\n{syntax}\n```\n\n{}", info.docs)
        }
        None => format!(
            "`{key}` is not a key of `type={}` mounts. Its keys: {}.",
            kind.name,
            kind.keys
                .iter()
                .map(|k| format!("`{}`", k.name))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    Some(Found {
        range: key_node.byte_range(),
        markdown,
    })
}

fn variable_use(analysis: &Snapshot, offset: usize) -> Option<Found> {
    let model = analysis.model();
    let text = analysis.text();
    let found = model
        .uses
        .iter()
        .find(|u| u.range.start <= offset && offset < u.range.end)?;
    // An expansion inside a default value (`${A:-$B}`) is its own use.
    let found = model
        .uses
        .iter()
        .filter(|u| {
            u.range.start <= offset && offset < u.range.end && u.range.start >= found.range.start
        })
        .max_by_key(|u| u.range.start)
        .unwrap_or(found);
    let mut out = format!("**`{}`**", found.name);
    match found.declaration.map(|d| &model.declarations[d]) {
        Some(decl) => {
            let kind = if decl.kind == DeclarationKind::Arg {
                "ARG"
            } else {
                "ENV"
            };
            let line = line_number(text, decl.name_range.start);
            let where_ = match decl.scope {
                Scope::Global => "before the first FROM".to_owned(),
                Scope::Stage(s) => format!("in {}", stage_label(&model.stages[s])),
            };
            out.push_str(&format!(" — {kind} declared on line {line}, {where_}"));
            match &found.value {
                Some(value) => out.push_str(&format!("\n\nValue here: `{value}`")),
                None if decl.kind == DeclarationKind::Arg => out.push_str(
                    "\n\nNo default value: it is empty unless the build passes `--build-arg`.",
                ),
                None => {}
            }
        }
        None => {
            if let Some(arg) = knowledge::predefined_arg(&found.name) {
                out.push_str(&format!(" — predefined build argument\n\n{}", arg.docs));
                if model::is_automatic(&found.name) && found.scope != Scope::Global {
                    out.push_str(&format!(
                        "\n\nInside a stage it is empty unless the stage declares `ARG {}`.",
                        found.name
                    ));
                }
            } else {
                match found.expander {
                    Expander::Builder => out.push_str(
                        " — not declared by ARG or ENV in scope here: BuildKit substitutes an \
                         empty string.",
                    ),
                    Expander::Shell => out.push_str(
                        " — not declared by ARG or ENV in scope here; the shell expands it when \
                         the command runs (it may come from the base image's environment).",
                    ),
                }
            }
        }
    }
    if found.expander == Expander::Shell && found.declaration.is_some() {
        out.push_str("\n\nThe shell expands it when the command runs.");
    }
    Some(Found {
        range: found.range.clone(),
        markdown: out,
    })
}

fn stage_label(stage: &Stage) -> String {
    match &stage.name {
        Some(name) => format!("stage `{name}`"),
        None => format!("stage {}", stage.index),
    }
}

fn declaration(analysis: &Snapshot, offset: usize) -> Option<Found> {
    let model = analysis.model();
    let text = analysis.text();
    let (index, decl) = model
        .declarations
        .iter()
        .enumerate()
        .find(|(_, d)| d.name_range.start <= offset && offset < d.name_range.end)?;
    let kind = if decl.kind == DeclarationKind::Arg {
        "ARG"
    } else {
        "ENV"
    };
    let mut out = format!("**{kind} `{}`**", decl.name);
    match (&decl.value, &decl.resolved) {
        (Some(value), Some(resolved)) if value != resolved => {
            out.push_str(&format!("\n\nValue: `{resolved}` (written `{value}`)"));
        }
        (_, Some(resolved)) => out.push_str(&format!("\n\nValue: `{resolved}`")),
        (Some(value), None) => out.push_str(&format!("\n\nValue: `{value}`")),
        (None, None) if decl.kind == DeclarationKind::Arg => {
            out.push_str("\n\nNo default: set it with `docker build --build-arg`.");
        }
        (None, None) => {}
    }
    if decl.kind == DeclarationKind::Arg {
        match decl.scope {
            Scope::Global => out.push_str(
                "\n\nDeclared before the first FROM: usable in FROM lines; a stage sees it only \
                 after its own `ARG` line with the same name.",
            ),
            Scope::Stage(_) => out.push_str("\n\nVisible from here to the end of this stage."),
        }
    } else {
        out.push_str(
            "\n\nSet in the image's environment: visible to the rest of this stage, to stages \
             built on it and to the running container.",
        );
    }
    let uses = model
        .uses
        .iter()
        .filter(|u| u.declaration == Some(index))
        .count();
    out.push_str(&format!(
        "\n\nUsed {uses} time{}.",
        if uses == 1 { "" } else { "s" }
    ));
    let _ = text;
    Some(Found {
        range: decl.name_range.clone(),
        markdown: out,
    })
}

fn stage_reference(analysis: &Snapshot, node: Node, offset: usize) -> Option<Found> {
    let model = analysis.model();
    // `AS name`, `FROM name`, `COPY --from=name`, `--mount=from=name`.
    let (range, name) = if let Some(stage_name) = ancestor(node, "stage_name") {
        (
            stage_name.byte_range(),
            text(analysis, stage_name).to_owned(),
        )
    } else if let Some(value) = ancestor(node, "flag_value") {
        let flag = value.parent()?;
        let flag_name = flag.field("name").map(|n| text(analysis, n))?;
        if flag_name != "--from" {
            return None;
        }
        (value.byte_range(), text(analysis, value).to_owned())
    } else if let Some(value) = ancestor(node, "mount_value") {
        let option = value.parent()?;
        let key = option.field("key").map(|k| text(analysis, k))?;
        if key != "from" {
            return None;
        }
        (value.byte_range(), text(analysis, value).to_owned())
    } else if let Some(image) = ancestor(node, "image_spec") {
        let stage = model.stages.iter().find(|s| {
            s.image
                .as_ref()
                .is_some_and(|i| i.range == image.byte_range())
        })?;
        let base = stage.base_stage?;
        let _ = offset;
        return Some(Found {
            range: image.byte_range(),
            markdown: stage_markdown(analysis, &model.stages[base]),
        });
    } else {
        return None;
    };
    let stage = model.stage_named(&name).or_else(|| {
        name.parse::<usize>()
            .ok()
            .filter(|&i| i < model.stages.len())
    })?;
    Some(Found {
        range,
        markdown: stage_markdown(analysis, &model.stages[stage]),
    })
}

fn stage_markdown(analysis: &Snapshot, stage: &Stage) -> String {
    let line = line_number(analysis.text(), stage.range.start);
    let base = stage.image.as_ref().map_or("?", |i| i.text.as_str());
    let mut out = format!(
        "**{}** (stage {}), line {line}\n\nBuilt `FROM {base}`",
        stage_label(stage),
        stage.index
    );
    if let Some(platform) = &stage.platform {
        out.push_str(&format!(" for platform `{platform}`"));
    }
    out.push('.');
    out
}

fn image(analysis: &Snapshot, node: Node) -> Option<Found> {
    let spec = ancestor(node, "image_spec")?;
    let model = analysis.model();
    let stage = model.stages.iter().find(|s| {
        s.image
            .as_ref()
            .is_some_and(|i| i.range == spec.byte_range())
    })?;
    let image = stage.image.as_ref()?;
    let mut out = format!("**Image** `{}`", image.text);
    let Some(resolved) = &image.resolved else {
        out.push_str("\n\nIts value depends on a build argument without a default.");
        return Some(Found {
            range: spec.byte_range(),
            markdown: out,
        });
    };
    if resolved != &image.text {
        out.push_str(&format!("\n\nWith the ARG defaults: `{resolved}`"));
    }
    if resolved.eq_ignore_ascii_case("scratch") {
        out.push_str("\n\n`scratch` is the empty image: the stage starts with no files at all.");
        return Some(Found {
            range: spec.byte_range(),
            markdown: out,
        });
    }
    let parts = ImageParts::parse(resolved);
    out.push_str(&format!(
        "\n\n| | |\n|---|---|\n| registry | {} |\n| repository | `{}` |\n| tag | {} |\n| digest | {} |",
        parts.registry.as_deref().map_or("Docker Hub (docker.io)".to_owned(), |r| format!("`{r}`")),
        parts.repository,
        parts.tag.as_deref().map_or("none (means `latest`)".to_owned(), |t| format!("`{t}`")),
        parts.digest.as_deref().map_or("none".to_owned(), |d| format!("`{d}`")),
    ));
    let pinning = match (&parts.tag, &parts.digest) {
        (_, Some(_)) => "Pinned by digest: every build uses exactly this image.",
        (Some(tag), None) if tag == "latest" => {
            "Not pinned: `latest` moves whenever a new version is pushed, so builds change over time."
        }
        (Some(_), None) => "Pinned by tag: the tag can still be moved to a new image; a digest pins it for good.",
        (None, None) => "Not pinned: without a tag Docker uses `latest`, which changes over time.",
    };
    out.push_str(&format!("\n\n{pinning}"));
    Some(Found {
        range: spec.byte_range(),
        markdown: out,
    })
}

fn directive(analysis: &Snapshot, node: Node) -> Option<Found> {
    let directive = ancestor(node, "parser_directive")?;
    let name = directive.field("name")?;
    let info = knowledge::directive(text(analysis, name))?;
    Some(Found {
        range: directive.byte_range(),
        markdown: info.docs.to_owned(),
    })
}

/// A rule named in a suppression comment (`# dockls ignore=split-run-layers`,
/// `# hadolint ignore=DL3006`) or in `# check=skip=...`: its documentation.
fn rule_code(analysis: &Snapshot, node: Node, offset: usize) -> Option<Found> {
    if !matches!(node.kind(), "comment" | "directive_value") {
        return None;
    }
    let text = analysis.text();
    let range = node.byte_range();
    let is_name_char = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    let before = text.get(range.start..offset)?;
    let start = before
        .rfind(|c: char| !is_name_char(c))
        .map_or(range.start, |i| range.start + i + 1);
    let after = text.get(offset..range.end)?;
    let end = offset
        + after
            .find(|c: char| !is_name_char(c))
            .unwrap_or(after.len());
    let word = text.get(start..end)?;
    let rule = crate::rules::rule(word)?;
    let mut aliases: Vec<&str> = rule.hadolint.to_vec();
    aliases.extend(rule.buildkit);
    let mut markdown = format!("**{}** — {}", rule.name, rule.summary);
    if !aliases.is_empty() {
        markdown.push_str(&format!(" ({})", aliases.join(", ")));
    }
    markdown.push_str(
        "

",
    );
    markdown.push_str(rule.docs);
    Some(Found {
        range: start..end,
        markdown,
    })
}

/// Markdown reduced to plain text, for clients that do not render it.
pub fn plain_text(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    for line in markdown.lines() {
        if line.starts_with("```") || line.trim_start().starts_with("|---") {
            continue;
        }
        let line = line.trim_start_matches('#').trim_start_matches(' ');
        let mut cleaned = String::with_capacity(line.len());
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '`' => {}
                '*' if chars.peek() == Some(&'*') => {
                    chars.next();
                }
                '[' => {
                    // `[label](url)` becomes `label (url)`.
                    let label: String = chars.by_ref().take_while(|&c| c != ']').collect();
                    cleaned.push_str(&label);
                    if chars.peek() == Some(&'(') {
                        chars.next();
                        let url: String = chars.by_ref().take_while(|&c| c != ')').collect();
                        cleaned.push_str(&format!(" ({url})"));
                    }
                }
                _ => cleaned.push(c),
            }
        }
        out.push_str(cleaned.trim_end());
        out.push('\n');
    }
    out.trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use expect_test::{expect, Expect};

    use super::*;

    fn hover_at(fixture: &str) -> Option<Hover> {
        let offset = fixture.find("$0").expect("fixture has a $0 cursor");
        let text = fixture.replacen("$0", "", 1);
        hover(
            &Snapshot::from_text(&text),
            offset,
            &HoverConfig { markdown: true },
        )
    }

    fn contents(fixture: &str) -> String {
        hover_at(fixture).map(|h| h.contents).unwrap_or_default()
    }

    fn check(fixture: &str, expect: Expect) {
        expect.assert_eq(&contents(fixture));
    }

    #[test]
    fn cmd_with_exec_entrypoint_shows_the_command() {
        let found = contents("FROM alpine\nENTRYPOINT [\"/app\"]\nC$0MD [\"--help\"]\n");
        assert!(
            found.contains("**The container runs:** `/app --help`"),
            "{found}"
        );
        assert!(found.contains("exec form"), "{found}");
    }

    #[test]
    fn shell_form_cmd_explains_the_shell() {
        let found = contents("FROM alpine\nCM$0D echo hello\n");
        assert!(found.contains("/bin/sh -c"), "{found}");
        assert!(
            found.contains("**The container runs:** `/bin/sh -c \"echo hello\"`"),
            "{found}"
        );
        assert!(found.contains("shell form"), "{found}");
    }

    /// Hover and the inlay hint read the command from one place in the model, so they agree
    /// on what BuildKit does: a stage's own ENTRYPOINT drops the CMD it inherits, and a SHELL
    /// applies only to the instructions after it.
    #[test]
    fn an_own_entrypoint_drops_the_inherited_cmd_and_shell_applies_after_itself() {
        let found =
            contents("FROM alpine AS base\nCMD [\"--help\"]\nFROM base\nENTRYPOI$0NT [\"/app\"]\n");
        assert!(found.contains("**The container runs:** `/app`"), "{found}");
        let found = contents("FROM alpine\nCM$0D echo hi\nSHELL [\"bash\", \"-c\"]\n");
        assert!(
            found.contains("**The container runs:** `/bin/sh -c \"echo hi\"`"),
            "{found}"
        );
    }

    #[test]
    fn only_the_last_cmd_counts() {
        let found = contents("FROM alpine\nC$0MD [\"a\"]\nCMD [\"b\"]\n");
        assert!(found.contains("has no effect"), "{found}");
        assert!(found.contains("line 3"), "{found}");
    }

    #[test]
    fn shell_form_entrypoint_ignores_cmd() {
        let found = contents("FROM alpine\nENTRY$0POINT exec app\nCMD [\"x\"]\n");
        assert!(found.contains("`/bin/sh -c \"exec app\"`"), "{found}");
        assert!(found.contains("ignores CMD"), "{found}");
    }

    #[test]
    fn custom_shell_wraps_shell_form() {
        let found = contents("FROM w\nSHELL [\"powershell\", \"-Command\"]\nC$0MD Write-Host hi\n");
        assert!(
            found.contains("`powershell -Command \"Write-Host hi\"`"),
            "{found}"
        );
    }

    #[test]
    fn variable_use_shows_its_value() {
        check(
            "ARG V=1.2\nFROM alpine:$$0V\n",
            expect![[r#"
                **`V`** — ARG declared on line 1, before the first FROM

                Value here: `1.2`"#]],
        );
        let found = contents("FROM a\nARG NAME\nRUN echo $N$0AME\n");
        assert!(found.contains("No default value"), "{found}");
        let found = contents("FROM a\nRUN echo $UND$0EFINED\n");
        assert!(found.contains("not declared"), "{found}");
    }

    #[test]
    fn image_reference_and_pinning() {
        let found = contents("FROM docker.io/library/alp$0ine:3.19\n");
        assert!(
            found.contains("`docker.io`") && found.contains("`3.19`"),
            "{found}"
        );
        assert!(found.contains("Pinned by tag"), "{found}");
        let found = contents("FROM ubu$0ntu\n");
        assert!(found.contains("Not pinned"), "{found}");
    }

    #[test]
    fn stage_references() {
        let found = contents("FROM golang:1.22 AS build\nFROM alpine\nCOPY --from=bu$0ild /a /b\n");
        assert!(
            found.contains("stage `build`") && found.contains("golang:1.22"),
            "{found}"
        );
    }

    #[test]
    fn flags_and_mount_keys() {
        let found = contents("FROM a\nRUN --mo$0unt=type=cache,target=/x make\n");
        assert!(found.contains("--mount="), "{found}");
        let found = contents("FROM a\nRUN --mount=type=cache,sha$0ring=locked make\n");
        assert!(found.contains("sharing="), "{found}");
        let found = contents("FROM a\nCOPY --bog$0us a b\n");
        assert!(found.contains("is not a flag of COPY"), "{found}");
    }

    #[test]
    fn keyword_docs_and_plain_text() {
        let found = contents("FROM a\nWORK$0DIR /app\n");
        assert!(found.contains("WORKDIR"), "{found}");
        let plain = plain_text("**Bold** `code` [link](https://x)\n```\nblock\n```");
        assert_eq!(plain, "Bold code link (https://x)\nblock");
    }

    #[test]
    fn rule_names_in_suppression_comments() {
        let found = contents("FROM a:1\n# hadolint ignore=DL30$059\nRUN a\nRUN b\n");
        assert!(found.starts_with("**split-run-layers**"), "{found}");
        let found = contents("# check=skip=StageName$0Casing\nFROM a:1 AS Build\n");
        assert!(found.starts_with("**stage-name-casing**"), "{found}");
        assert_eq!(contents("FROM a:1\n# just a com$0ment\n"), "");
    }

    #[test]
    fn directive_and_declaration() {
        assert!(contents("# esc$0ape=`\nFROM a\n").contains("escape"));
        let found = contents("FROM a\nENV PA$0TH2=/bin\nRUN echo $PATH2\n");
        assert!(found.contains("Used 1 time."), "{found}");
    }
}
