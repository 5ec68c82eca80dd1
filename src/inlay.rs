//! Inlay hints: what a line amounts to once the build has done its part, shown beside it.
//!
//! - **Values**: a FROM image, FROM `--platform` or COPY `--from` value written with variables
//!   gets its resolved value after it (`FROM node:${NODE_VERSION}-alpine` → `= node:20-alpine`).
//!   One hint after the whole value rather than one per variable: what the reader wants to know
//!   is the image or stage the line ends up naming, and a line with two variables would
//!   otherwise need two hints to be read back together.
//! - **Commands**: where a stage's ENTRYPOINT and CMD combine, the command the container runs,
//!   after the last of the two (`runs: /app --help`).

use std::ops::Range;

use crate::model::{self, Form, Instruction, Model, VariableUse};
use crate::snapshot::Snapshot;

/// Which hints to compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InlayConfig {
    /// Resolved values of FROM images and `--from`/`--platform` values written with variables.
    pub variable_values: bool,
    /// The command a container runs, where ENTRYPOINT and CMD combine.
    pub effective_command: bool,
}

impl Default for InlayConfig {
    fn default() -> InlayConfig {
        InlayConfig {
            variable_values: true,
            effective_command: true,
        }
    }
}

/// What an inlay hint shows, for its styling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InlayKind {
    /// A resolved value.
    Value,
    /// The command the container runs.
    Command,
}

/// A label shown inside a line, at a byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlayHint {
    pub offset: usize,
    pub label: String,
    pub kind: InlayKind,
    /// Markdown, shown when the hint is hovered.
    pub tooltip: Option<String>,
    /// The hint wants a blank between it and the text before it.
    pub padding_left: bool,
}

/// The longest command label, in characters; longer commands are cut, the tooltip has them
/// whole.
const MAX_COMMAND_LABEL: usize = 80;

/// The hints whose offset lies in `range` (its end included, so a hint at the end of the
/// document is found), sorted by offset.
pub fn inlay_hints(
    analysis: &Snapshot,
    range: Range<usize>,
    config: &InlayConfig,
) -> Vec<InlayHint> {
    let mut hints = Vec::new();
    if config.variable_values {
        value_hints(analysis, &range, &mut hints);
    }
    if config.effective_command {
        command_hints(analysis, &range, &mut hints);
    }
    hints.retain(|h| range.start <= h.offset && h.offset <= range.end);
    hints.sort_by_key(|h| h.offset);
    hints
}

/// Whether a stretch of text can hold a hint that `range` wants.
fn touches(range: &Range<usize>, span: &Range<usize>) -> bool {
    span.start <= range.end && range.start <= span.end
}

fn value_hints(analysis: &Snapshot, range: &Range<usize>, hints: &mut Vec<InlayHint>) {
    let model = analysis.model();
    let text = analysis.text();
    for stage in &model.stages {
        let Some(from) = model.instructions.get(stage.from) else {
            continue;
        };
        if !touches(range, &from.range) {
            continue;
        }
        if let Some(image) = &stage.image {
            if let Some(resolved) = &image.resolved {
                let uses = uses_in(model, &image.range);
                if !uses.is_empty() && *resolved != image.text {
                    hints.push(value_hint(
                        model,
                        image.range.end,
                        resolved,
                        uses,
                        "The base image",
                    ));
                }
            }
        }
        if let Some(hint) = flag_hint(model, text, from, "platform", "The platform") {
            hints.push(hint);
        }
    }
    for instruction in &model.instructions {
        if instruction.keyword != "COPY" || !touches(range, &instruction.range) {
            continue;
        }
        if let Some(mut hint) = flag_hint(model, text, instruction, "from", "The source") {
            if let Some(from) = stage_named_before(model, &hint.label, instruction) {
                let line = model.line_of(from);
                if let Some(tooltip) = &mut hint.tooltip {
                    tooltip.push_str(&format!("\n\nThat is the stage on line {line}."));
                }
            }
            hints.push(hint);
        }
    }
}

/// The offset of the FROM of the stage named `label` (a value hint's label, `= name`), when it
/// is defined before `instruction`.
fn stage_named_before(model: &Model, label: &str, instruction: &Instruction) -> Option<usize> {
    let name = label.strip_prefix("= ")?;
    let index = model.stage_named(name)?;
    let stage = model.stages.get(index)?;
    let from = model.instructions.get(stage.from)?;
    (from.range.start < instruction.range.start).then_some(from.range.start)
}

/// The resolved value of `--name=` on `instruction`, when it is written with variables whose
/// values are all known.
fn flag_hint(
    model: &Model,
    text: &str,
    instruction: &Instruction,
    name: &str,
    what: &str,
) -> Option<InlayHint> {
    let flag = instruction.flag(name)?;
    let value_range = flag.value_range.clone()?;
    let written = text.get(value_range.clone())?;
    let uses = uses_in(model, &value_range);
    if uses.is_empty() || uses.iter().any(|u| u.value.is_none()) {
        return None;
    }
    let lookup = |variable: &str| {
        uses.iter()
            .find(|u| u.name == variable)
            .and_then(|u| u.value.clone())
    };
    let resolved = model::substitute(written, &lookup)?;
    if resolved == written {
        return None;
    }
    Some(value_hint(model, value_range.end, &resolved, uses, what))
}

/// The variable uses inside `range`, outermost ones only (`${A:-$B}` counts as `A`).
fn uses_in<'m>(model: &'m Model, range: &Range<usize>) -> Vec<&'m VariableUse> {
    let first = model.uses.partition_point(|u| u.range.start < range.start);
    let mut found: Vec<&VariableUse> = Vec::new();
    for variable in model.uses.get(first..).unwrap_or_default() {
        if variable.range.start >= range.end {
            break;
        }
        let nested = found
            .last()
            .is_some_and(|outer| variable.range.end <= outer.range.end);
        if variable.range.end <= range.end && !nested {
            found.push(variable);
        }
    }
    found
}

fn value_hint(
    model: &Model,
    offset: usize,
    resolved: &str,
    uses: Vec<&VariableUse>,
    what: &str,
) -> InlayHint {
    let mut tooltip = format!("{what} resolves to `{resolved}`.");
    let mut seen: Vec<&str> = Vec::new();
    for variable in uses {
        if seen.contains(&variable.name.as_str()) {
            continue;
        }
        seen.push(&variable.name);
        let value = variable.value.as_deref().unwrap_or_default();
        let origin = variable
            .declaration
            .and_then(|d| model.declarations.get(d))
            .map(|d| format!(" (declared on line {})", model.line_of(d.name_range.start)))
            .unwrap_or_default();
        let separator = if seen.len() == 1 { "\n\n" } else { "\n" };
        tooltip.push_str(&format!(
            "{separator}- `{}` is `{value}`{origin}",
            variable.name
        ));
    }
    InlayHint {
        offset,
        label: format!("= {resolved}"),
        kind: InlayKind::Value,
        tooltip: Some(tooltip),
        padding_left: true,
    }
}

fn command_hints(analysis: &Snapshot, range: &Range<usize>, hints: &mut Vec<InlayHint>) {
    let model = analysis.model();
    let text = analysis.text();
    let commands = model.stage_commands();
    for (stage, applied) in model.stages.iter().zip(&commands) {
        let (Some(entrypoint), Some(cmd)) = (applied.entrypoint, applied.cmd) else {
            continue;
        };
        // The hint goes after the later of the two that this stage writes itself.
        let own = |index: usize| stage.instructions.contains(&index);
        let Some(anchor) = [entrypoint, cmd].into_iter().filter(|&i| own(i)).max() else {
            continue;
        };
        let Some(anchor) = model.instructions.get(anchor) else {
            continue;
        };
        if !touches(range, &anchor.range) {
            continue;
        }
        let (Some(entry), Some(command)) = (
            model.instructions.get(entrypoint),
            model.instructions.get(cmd),
        ) else {
            continue;
        };
        if entry.has_heredoc() || command.has_heredoc() {
            continue;
        }
        let Some(args) = model.container_command(text, &commands, applied) else {
            continue;
        };
        let tooltip = if entry.form == Form::Exec {
            format!(
                "The exec-form ENTRYPOINT (line {}) with the CMD (line {}) appended as its \
                 arguments; `docker run <image> ...` arguments replace the CMD's.",
                model.line_of(entry.range.start),
                model.line_of(command.range.start)
            )
        } else {
            format!(
                "The shell-form ENTRYPOINT (line {}) runs in the shell and ignores the CMD \
                 (line {}).",
                model.line_of(entry.range.start),
                model.line_of(command.range.start)
            )
        };
        if args.is_empty() {
            continue;
        }
        let full = model::render_command(&args);
        hints.push(InlayHint {
            offset: content_end(text, &anchor.range),
            label: format!("runs: {}", shorten(&full, MAX_COMMAND_LABEL)),
            kind: InlayKind::Command,
            tooltip: Some(format!("The container runs `{full}`.\n\n{tooltip}")),
            padding_left: true,
        });
    }
}

/// `text` cut to `max` characters, with an ellipsis when cut; newlines become blanks so the
/// hint stays on its line.
fn shorten(text: &str, max: usize) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if flat.chars().count() <= max {
        return flat;
    }
    let mut cut: String = flat.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// The end of an instruction's text, without trailing blanks and newlines.
fn content_end(text: &str, range: &Range<usize>) -> usize {
    let content = text.get(range.clone()).unwrap_or_default();
    range.start + content.trim_end().len()
}

#[cfg(test)]
mod tests {
    use expect_test::{expect, Expect};

    use super::*;

    /// Each hint: its offset, the text of its line up to there with the hint put in, its kind,
    /// and its tooltip.
    fn render(text: &str, hints: &[InlayHint]) -> String {
        let mut out = String::new();
        for hint in hints {
            let line_start = text[..hint.offset].rfind('\n').map_or(0, |i| i + 1);
            out.push_str(&format!(
                "{} {:?}: {}⟨{}⟩\n",
                hint.offset,
                hint.kind,
                &text[line_start..hint.offset],
                hint.label
            ));
            if let Some(tooltip) = &hint.tooltip {
                for line in tooltip.lines() {
                    out.push_str(format!("    {line}").trim_end());
                    out.push('\n');
                }
            }
        }
        if hints.is_empty() {
            out.push_str("no hints\n");
        }
        out
    }

    fn check_with(text: &str, config: &InlayConfig, expect: Expect) {
        let analysis = Snapshot::from_text(text);
        let hints = inlay_hints(&analysis, 0..text.len(), config);
        expect.assert_eq(&render(text, &hints));
    }

    fn check(text: &str, expect: Expect) {
        check_with(text, &InlayConfig::default(), expect);
    }

    #[test]
    fn from_image_with_variables() {
        check(
            "ARG NODE_VERSION=20\nARG FLAVOR=alpine\nFROM node:${NODE_VERSION}-$FLAVOR AS build\n",
            expect![[r#"
                71 Value: FROM node:${NODE_VERSION}-$FLAVOR⟨= node:20-alpine⟩
                    The base image resolves to `node:20-alpine`.
    
                    - `NODE_VERSION` is `20` (declared on line 1)
                    - `FLAVOR` is `alpine` (declared on line 2)
            "#]],
        );
    }

    #[test]
    fn no_value_hint_when_unknown_or_plain() {
        check(
            "ARG TAG\nFROM alpine:$TAG\nFROM debian:12\nFROM --platform=$BUILDPLATFORM golang\n",
            expect![[r#"
                no hints
            "#]],
        );
    }

    #[test]
    fn platform_and_copy_from_values() {
        check(
            "ARG ARCH=linux/arm64\nARG BUILDER=builder\nFROM --platform=$ARCH golang AS builder\n\
             FROM alpine\nARG BUILDER\nCOPY --from=${BUILDER} /out /app\n",
            expect![[r#"
                62 Value: FROM --platform=$ARCH⟨= linux/arm64⟩
                    The platform resolves to `linux/arm64`.
    
                    - `ARCH` is `linux/arm64` (declared on line 1)
                127 Value: COPY --from=${BUILDER}⟨= builder⟩
                    The source resolves to `builder`.
    
                    - `BUILDER` is `builder` (declared on line 5)
    
                    That is the stage on line 3.
            "#]],
        );
    }

    #[test]
    fn exec_entrypoint_with_cmd() {
        check(
            "FROM a\nENTRYPOINT [\"/app\"]\nCMD [\"--help\"]\n",
            expect![[r#"
                41 Command: CMD ["--help"]⟨runs: /app --help⟩
                    The container runs `/app --help`.
    
                    The exec-form ENTRYPOINT (line 2) with the CMD (line 3) appended as its arguments; `docker run <image> ...` arguments replace the CMD's.
            "#]],
        );
    }

    #[test]
    fn shell_forms() {
        check(
            "FROM a\nCMD serve --port 80\nENTRYPOINT exec /app\n",
            expect![[r#"
                47 Command: ENTRYPOINT exec /app⟨runs: /bin/sh -c "exec /app"⟩
                    The container runs `/bin/sh -c "exec /app"`.
    
                    The shell-form ENTRYPOINT (line 3) runs in the shell and ignores the CMD (line 2).
            "#]],
        );
        check(
            "FROM a\nSHELL [\"/bin/bash\", \"-c\"]\nENTRYPOINT [\"/app\"]\nCMD serve \\\n  --port 80\n",
            expect![[r#"
                76 Command:   --port 80⟨runs: /app /bin/bash -c "serve   --port 80"⟩
                    The container runs `/app /bin/bash -c "serve   --port 80"`.
    
                    The exec-form ENTRYPOINT (line 3) with the CMD (line 4) appended as its arguments; `docker run <image> ...` arguments replace the CMD's.
            "#]],
        );
    }

    #[test]
    fn inherited_from_the_base_stage() {
        check(
            "FROM a AS base\nENTRYPOINT [\"/app\"]\nCMD [\"run\"]\nFROM base\nCMD [\"test\"]\n",
            expect![[r#"
                46 Command: CMD ["run"]⟨runs: /app run⟩
                    The container runs `/app run`.
    
                    The exec-form ENTRYPOINT (line 2) with the CMD (line 3) appended as its arguments; `docker run <image> ...` arguments replace the CMD's.
                69 Command: CMD ["test"]⟨runs: /app test⟩
                    The container runs `/app test`.
    
                    The exec-form ENTRYPOINT (line 2) with the CMD (line 5) appended as its arguments; `docker run <image> ...` arguments replace the CMD's.
            "#]],
        );
    }

    #[test]
    fn entrypoint_drops_the_inherited_cmd() {
        check(
            "FROM a AS base\nCMD [\"run\"]\nFROM base\nENTRYPOINT [\"/app\"]\n",
            expect![[r#"
                no hints
            "#]],
        );
    }

    #[test]
    fn only_one_of_the_two() {
        check(
            "FROM a\nCMD [\"run\"]\nFROM b\nENTRYPOINT [\"/app\"]\n",
            expect![[r#"
                no hints
            "#]],
        );
    }

    #[test]
    fn long_commands_are_cut() {
        let text = format!(
            "FROM a\nENTRYPOINT [\"/app\"]\nCMD [\"{}\"]\n",
            "é".repeat(100)
        );
        let analysis = Snapshot::from_text(&text);
        let hints = inlay_hints(&analysis, 0..text.len(), &InlayConfig::default());
        let [hint] = hints.as_slice() else {
            panic!("{hints:?}")
        };
        assert_eq!(
            hint.label.chars().count(),
            "runs: ".len() + MAX_COMMAND_LABEL
        );
        assert!(hint.label.ends_with('…'));
        assert!(hint
            .tooltip
            .as_deref()
            .is_some_and(|t| t.contains(&"é".repeat(100))));
    }

    #[test]
    fn switches_and_range() {
        let text = "ARG V=1\nFROM a:$V\nENTRYPOINT [\"/app\"]\nCMD [\"x\"]\n";
        let values_only = InlayConfig {
            variable_values: true,
            effective_command: false,
        };
        check_with(
            text,
            &values_only,
            expect![[r#"
                17 Value: FROM a:$V⟨= a:1⟩
                    The base image resolves to `a:1`.
    
                    - `V` is `1` (declared on line 1)
            "#]],
        );
        let commands_only = InlayConfig {
            variable_values: false,
            effective_command: true,
        };
        check_with(
            text,
            &commands_only,
            expect![[r#"
                47 Command: CMD ["x"]⟨runs: /app x⟩
                    The container runs `/app x`.
    
                    The exec-form ENTRYPOINT (line 3) with the CMD (line 4) appended as its arguments; `docker run <image> ...` arguments replace the CMD's.
            "#]],
        );
        let analysis = Snapshot::from_text(text);
        let first_line = inlay_hints(&analysis, 0..8, &InlayConfig::default());
        assert_eq!(first_line, []);
        let from_line = inlay_hints(&analysis, 8..17, &InlayConfig::default());
        expect![[r#"
            17 Value: FROM a:$V⟨= a:1⟩
                The base image resolves to `a:1`.
    
                - `V` is `1` (declared on line 1)
        "#]]
        .assert_eq(&render(text, &from_line));
    }

    #[test]
    fn corpus_sweep() {
        let files = crate::testing::corpus_files();
        assert!(!files.is_empty(), "no corpus files found");
        let mut total = 0;
        for path in files {
            let bytes = std::fs::read(&path).expect("readable corpus file");
            let text = String::from_utf8_lossy(&bytes);
            let analysis = Snapshot::from_text(&text);
            let hints = inlay_hints(&analysis, 0..text.len(), &InlayConfig::default());
            for pair in hints.windows(2) {
                assert!(pair[0].offset <= pair[1].offset, "{}", path.display());
            }
            for hint in &hints {
                assert!(text.is_char_boundary(hint.offset), "{}", path.display());
                assert!(!hint.label.contains('\n'), "{}", path.display());
            }
            // A part of the file gives the hints of the whole that fall in it.
            let half = text.len() / 2;
            let part = inlay_hints(&analysis, 0..half, &InlayConfig::default());
            let expected: Vec<&InlayHint> = hints.iter().filter(|h| h.offset <= half).collect();
            assert_eq!(
                part.iter().collect::<Vec<_>>(),
                expected,
                "{}",
                path.display()
            );
            total += hints.len();
        }
        assert!(total > 10, "only {total} hints");
    }
}
