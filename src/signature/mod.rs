//! Signature help: the syntax of the instruction the cursor is in, with the argument under the
//! cursor highlighted, or the value syntax of the flag the cursor is in.
//!
//! The cursor's place comes from [`crate::context`], which reads the text of the logical line, so
//! half-typed lines work; the model only decides which form (shell, exec, heredoc) a complete
//! instruction is written in. Flag, `--mount` key and instruction documentation come from
//! [`crate::knowledge`]; this module adds the syntax of each form and a line on each argument.
//!
//! - [`cursor`]: which form the line is written in and which argument the cursor is in.
//! - [`forms`]: the syntax of every form of every instruction, as labels with parameters.
//! - [`flags`]: the value syntax of a flag after its `=` (`--mount` keys, `--chown`, ...).
//!
//! This file holds the answer's types, the entry point, and the label builder the forms and the
//! flags share.

use std::ops::Range;

use crate::context::{self, Place, Word};
use crate::knowledge;
use crate::model::{Instruction, Model};
use crate::snapshot::Snapshot;
use crate::text::logical_line_end;

mod cursor;
mod flags;
mod forms;
#[cfg(test)]
mod testing;

use cursor::{choose, Active, Cursor, Shape};
use flags::flag_value_help;
use forms::{build, forms, Piece};

/// The answer to a signature help request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureHelp {
    pub signatures: Vec<Signature>,
    /// The index in `signatures` of the form the instruction is written in.
    pub active_signature: usize,
    /// The index in the active signature's parameters of the one under the cursor.
    pub active_parameter: Option<usize>,
}

/// One way of writing an instruction or a flag value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// The syntax, e.g. `COPY [--from=<stage|image|context>] ... <src>... <dest>`.
    pub label: String,
    /// Markdown.
    pub documentation: Option<String>,
    pub parameters: Vec<Parameter>,
}

/// A part of a signature's label that the cursor can be in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parameter {
    /// The bytes of the signature's label this parameter covers.
    pub label: Range<usize>,
    /// Markdown.
    pub documentation: Option<String>,
}

/// Signature help at byte offset `offset`: `None` outside an instruction's arguments, in a
/// comment or a heredoc body, and for unknown instructions.
pub fn signature_help(analysis: &Snapshot, offset: usize) -> Option<SignatureHelp> {
    let text = analysis.text();
    let offset = crate::text::floor_char_boundary(text, offset);
    let Place::Line(line) = context::place(analysis, offset) else {
        return None;
    };
    let first = line.words.first()?;
    if line.at_keyword() {
        // `ONBUILD R|`: the trigger's keyword is being typed.
        return first
            .text
            .eq_ignore_ascii_case("ONBUILD")
            .then(onbuild_help)
            .flatten();
    }
    let keyword_index = line.keyword_index()?;
    let words = whole_line(analysis, offset, &line.words, &line.current);
    if words.first().map(|w| w.range.start) != Some(first.range.start) {
        return None;
    }
    let keyword = words.get(keyword_index)?;
    let info = knowledge::instruction(&keyword.text)?;
    let arguments = words.get(keyword_index + 1..).unwrap_or_default();
    let instruction = model_instruction(analysis.model(), first.range.start, info.name);
    let cursor = Cursor::new(arguments, offset);
    let flag_count = arguments
        .iter()
        .take_while(|w| w.text.starts_with("--"))
        .count();
    if cursor.in_word && cursor.index < flag_count {
        let word = arguments.get(cursor.index)?;
        if let Some(help) = flag_value_help(text, info, word, offset) {
            return Some(help);
        }
    }
    let shape = Shape {
        text,
        arguments,
        positional: arguments.get(flag_count..).unwrap_or_default(),
        cursor,
        flag_count,
        offset,
        line_end: logical_line_end(text, offset, analysis.model().escape),
        instruction,
        model: analysis.model(),
    };
    let forms = forms(info.name);
    let (active_signature, active) = choose(info.name, &shape);
    let signatures: Vec<Signature> = forms.iter().map(|f| build(info, f)).collect();
    let form = forms.get(active_signature)?;
    let has_flags = form.pieces.iter().any(|p| matches!(p, Piece::Flags));
    let parameter_count = signatures
        .get(active_signature)
        .map_or(0, |s| s.parameters.len());
    let active_parameter = match active {
        Active::Flag(name) if has_flags => info.flags.iter().position(|f| f.name == name),
        Active::Positional(p) => {
            let base = if has_flags { info.flags.len() } else { 0 };
            parameter_count
                .checked_sub(1)
                .map(|last| (base + p).min(last))
        }
        _ => None,
    };
    Some(SignatureHelp {
        signatures,
        active_signature,
        active_parameter,
    })
}

/// The signature of ONBUILD itself, while its trigger's keyword is typed.
fn onbuild_help() -> Option<SignatureHelp> {
    let info = knowledge::instruction("ONBUILD")?;
    let form = forms("ONBUILD").first()?;
    Some(SignatureHelp {
        signatures: vec![build(info, form)],
        active_signature: 0,
        active_parameter: Some(0),
    })
}

/// Every word of the logical line around `offset`, after the cursor too: the words the context
/// finds from the line's end.
fn whole_line(analysis: &Snapshot, offset: usize, before: &[Word], current: &Word) -> Vec<Word> {
    let end = logical_line_end(analysis.text(), offset, analysis.model().escape);
    if let Place::Line(line) = context::place(analysis, end) {
        let mut words = line.words;
        if !line.current.text.is_empty() {
            words.push(line.current);
        }
        return words;
    }
    let mut words = before.to_vec();
    if !current.text.is_empty() {
        words.push(current.clone());
    }
    words
}

/// The model's instruction starting at `start` (for ONBUILD, its trigger) when it is the one
/// named `keyword`.
fn model_instruction<'m>(model: &'m Model, start: usize, keyword: &str) -> Option<&'m Instruction> {
    let instruction = model.instructions.get(model.instruction_at(start)?)?;
    if instruction.range.start != start {
        return None;
    }
    if instruction.keyword == keyword {
        return Some(instruction);
    }
    instruction
        .trigger
        .as_deref()
        .filter(|t| t.keyword == keyword)
}

/// Collects a label and the ranges of its parameters.
#[derive(Default)]
pub(super) struct LabelBuilder {
    label: String,
    parameters: Vec<Parameter>,
}

impl LabelBuilder {
    fn text(&mut self, text: &str) {
        self.label.push_str(text);
    }

    fn parameter(&mut self, text: &str, documentation: Option<String>) {
        let start = self.label.len();
        self.label.push_str(text);
        self.parameters.push(Parameter {
            label: start..self.label.len(),
            documentation,
        });
    }

    fn finish(self, documentation: Option<String>) -> Signature {
        Signature {
            label: self.label,
            documentation,
            parameters: self.parameters,
        }
    }
}

/// The names of a flag's values, as `a|b|c`.
pub(super) fn value_names(values: &[knowledge::Value]) -> String {
    values.iter().map(|v| v.name).collect::<Vec<_>>().join("|")
}

/// The first paragraph of some markdown, for parameter documentation that stays short.
pub(super) fn first_paragraph(markdown: &str) -> String {
    markdown
        .split("\n\n")
        .next()
        .unwrap_or(markdown)
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::testing::check;
    use super::*;
    use expect_test::expect;

    #[test]
    fn nothing_outside_arguments() {
        check(
            "FROM a\nRU$0N make\n",
            expect![[r#"
            no signature help
        "#]],
        );
        check(
            "FROM a\n# RUN $0make\n",
            expect![[r#"
            no signature help
        "#]],
        );
        check(
            "FROM a\nFOO $0bar\n",
            expect![[r#"
            no signature help
        "#]],
        );
        check(
            "$0",
            expect![[r#"
            no signature help
        "#]],
        );
    }

    #[test]
    fn onbuild_and_its_trigger() {
        check(
            "FROM a\nONBUILD $0\n",
            expect![[r#"
            * ONBUILD <INSTRUCTION>
            parameter 0: 8..21 `<INSTRUCTION>`
        "#]],
        );
        check(
            "FROM a\nONBUILD RU$0\n",
            expect![[r#"
            * ONBUILD <INSTRUCTION>
            parameter 0: 8..21 `<INSTRUCTION>`
        "#]],
        );
        check(
            "FROM a\nONBUILD COPY . $0\n",
            expect![[r#"
            * COPY [--from=<stage|image|context>] [--chown=<user>[:<group>]] [--chmod=<perms>] [--link[=true|false]] [--parents[=true|false]] [--exclude=<pattern>]... <src>... <dest>
              COPY [--from=<stage|image|context>] [--chown=<user>[:<group>]] [--chmod=<perms>] [--link[=true|false]] [--parents[=true|false]] [--exclude=<pattern>]... ["<src>", ... "<dest>"]
            parameter 7: 162..168 `<dest>`
        "#]],
        );
    }

    #[test]
    fn any_offset_of_odd_text_is_safe() {
        let texts = [
            "RUN \u{e9}\u{1f600} --mount=type=cache,\u{e9}=\u{e9} [\"\u{e9}\", \\\n \"x",
            "COPY --chown=\u{e9}:",
            "HEALTHCHECK CMD [\"a\\\"\", ]",
            "ONBUILD ONBUILD RUN [",
            "FROM a\nRUN <<EOF\n\u{e9}\nEOF\nCMD [",
            "\u{feff}RUN --mount=\"type=cache,target=/x\" y",
        ];
        for text in texts {
            let analysis = Snapshot::from_text(text);
            for offset in 0..=text.len() + 2 {
                if let Some(help) = signature_help(&analysis, offset) {
                    assert_sane(&help);
                }
            }
        }
    }

    /// Parameter ranges lie inside their labels, on character boundaries, and the active
    /// indexes point at something.
    fn assert_sane(help: &SignatureHelp) {
        let signature = help
            .signatures
            .get(help.active_signature)
            .expect("the active signature exists");
        if let Some(parameter) = help.active_parameter {
            assert!(parameter < signature.parameters.len(), "{help:?}");
        }
        for signature in &help.signatures {
            for parameter in &signature.parameters {
                let range = parameter.label.clone();
                assert!(range.start < range.end, "{help:?}");
                assert!(signature.label.get(range).is_some(), "{help:?}");
            }
        }
    }

    #[test]
    fn corpus_sweep() {
        let files = crate::testing::corpus_files();
        assert!(!files.is_empty(), "no corpus files found");
        let mut answered = 0;
        for path in files {
            let bytes = std::fs::read(&path).expect("readable corpus file");
            let text = String::from_utf8_lossy(&bytes);
            let analysis = Snapshot::from_text(&text);
            for instruction in &analysis.model().instructions {
                let range = &instruction.range;
                let keyword_end = instruction.keyword_range.end;
                for offset in [
                    keyword_end + 1,
                    range.start + (range.end - range.start) / 2,
                    range.end,
                ] {
                    if let Some(help) = signature_help(&analysis, offset) {
                        assert_sane(&help);
                        answered += 1;
                    }
                }
            }
        }
        assert!(answered > 1000, "only {answered} answers");
    }
}
