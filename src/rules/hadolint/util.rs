//! Helpers shared by the rules of this group: the paths of COPY/ADD, quotes, stage chains.

use std::ops::Range;

use crate::model::{decode_json_string, Form, Instruction, Model};
use crate::rules::Context;

/// One path argument of COPY or ADD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathArgument {
    /// The bytes as written, quotes included.
    pub range: Range<usize>,
    /// Without surrounding quotes (decoded for exec form).
    pub text: String,
    /// A heredoc marker (`<<EOF`): the content comes from the file itself.
    pub heredoc: bool,
}

/// The path arguments of a COPY/ADD (sources, then the destination), in either form.
pub fn path_arguments(context: &Context, instruction: &Instruction) -> Vec<PathArgument> {
    if instruction.form == Form::Exec {
        let Some(range) = instruction.command_range.clone() else {
            return Vec::new();
        };
        let Some(node) = context
            .tree
            .root_node()
            .descendant_for_byte_range(range.start, range.end)
        else {
            return Vec::new();
        };
        let mut cursor = node.walk();
        return node
            .named_children(&mut cursor)
            .filter(|c| c.kind() == "json_string")
            .map(|c| PathArgument {
                range: c.byte_range(),
                text: decode_json_string(context.slice(c.byte_range())),
                heredoc: false,
            })
            .collect();
    }
    instruction
        .arguments
        .iter()
        .map(|range| {
            let written = context.slice(range.clone());
            PathArgument {
                range: range.clone(),
                text: drop_quotes(written).to_owned(),
                heredoc: written.starts_with("<<"),
            }
        })
        .collect()
}

/// `text` without the quotes around it, as hadolint's `dropQuotes` (every leading and trailing
/// `"` or `'`).
pub fn drop_quotes(text: &str) -> &str {
    text.trim_matches(['"', '\''])
}

/// The instruction and, for ONBUILD, the instruction it registers.
pub fn with_triggers(instruction: &Instruction) -> impl Iterator<Item = &Instruction> {
    std::iter::once(instruction).chain(instruction.trigger.as_deref())
}

/// The stages `stage` is built on, nearest first, itself excluded; stops on a cycle.
pub fn base_chain(model: &Model, stage: usize) -> Vec<usize> {
    let mut chain = Vec::new();
    let mut base = model.stages.get(stage).and_then(|s| s.base_stage);
    while let Some(b) = base {
        if b == stage || chain.contains(&b) {
            break;
        }
        chain.push(b);
        base = model.stages.get(b).and_then(|s| s.base_stage);
    }
    chain
}

/// The range and text of an instruction's arguments, from the first to the last.
pub fn arguments_text<'a>(
    context: &'a Context,
    instruction: &Instruction,
) -> Option<(Range<usize>, &'a str)> {
    let first = instruction.arguments.first()?;
    let last = instruction.arguments.last()?;
    let range = first.start..last.end;
    Some((range.clone(), context.slice(range)))
}

/// The stages a `COPY --from` or a `RUN --mount=...,from=` anywhere in the file refers to, by
/// name or index.
pub fn stages_copied_from(context: &Context) -> Vec<usize> {
    let model = context.model;
    let mut used = Vec::new();
    for instruction in &model.instructions {
        for inner in with_triggers(instruction) {
            for flag in &inner.flags {
                let value = match (flag.name.as_str(), &flag.value) {
                    ("from", Some(value)) => Some(drop_quotes(value).to_owned()),
                    ("mount", Some(value)) => value
                        .split(',')
                        .find_map(|kv| kv.strip_prefix("from="))
                        .map(|v| drop_quotes(v).to_owned()),
                    _ => None,
                };
                let Some(value) = value else { continue };
                let stage = match value.parse::<usize>() {
                    Ok(index) if index < model.stages.len() => Some(index),
                    _ => model.stage_named(&value),
                };
                used.extend(stage);
            }
        }
    }
    used
}
