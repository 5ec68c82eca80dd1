//! Document symbols: the outline of a Dockerfile as a tree of directives, global build
//! arguments and stages, each stage holding its instructions and their declared variables.
//!
//! Everything here is read from the model; ranges are byte offsets into the analysed text.

use std::ops::Range;

use crate::model::{self, Declaration, DeclarationKind, Instruction, Model, Stage};
use crate::snapshot::Snapshot;

/// The longest instruction summary shown beside a symbol, in characters.
const DETAIL_CHARS: usize = 60;

/// How much of a long text a summary reads: enough for [`DETAIL_CHARS`] characters after
/// continuations, comment lines inside them and runs of blanks are removed.
const SUMMARY_INPUT_BYTES: usize = 4096;

/// What a symbol stands for. Each variant names the LSP `SymbolKind` it is meant to be shown as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SymbolKind {
    /// A parser directive such as `# syntax=...`; shown as LSP `Property`.
    Directive,
    /// A build stage; shown as LSP `Module`.
    Stage,
    /// An instruction inside a stage (or a stray one before the first FROM); shown as LSP
    /// `Function`.
    Instruction,
    /// A build argument declared by ARG; shown as LSP `Variable`.
    Argument,
    /// An environment variable set by ENV; shown as LSP `Constant`, since it is fixed in the image.
    Environment,
}

/// One entry of the outline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    /// A one-line description shown beside the name.
    pub detail: Option<String>,
    pub kind: SymbolKind,
    /// Everything the symbol covers.
    pub range: Range<usize>,
    /// The part to select when the symbol is picked; always inside `range`.
    pub selection_range: Range<usize>,
    pub children: Vec<Symbol>,
}

/// The outline of the document: parser directives and what comes before the first FROM (global
/// ARGs as variables, any other instruction as itself), then one symbol per stage with its
/// instructions as children and the variables of each ARG and ENV below those.
pub fn document_symbols(analysis: &Snapshot) -> Vec<Symbol> {
    let model = analysis.model();
    let text = analysis.text();
    let mut symbols: Vec<Symbol> = model
        .directives
        .iter()
        .map(|directive| Symbol {
            name: directive.name.clone(),
            detail: summary(&directive.value, model.escape),
            kind: SymbolKind::Directive,
            range: directive.range.clone(),
            selection_range: directive.name_range.clone(),
            children: Vec::new(),
        })
        .collect();
    for (index, instruction) in model.instructions.iter().enumerate() {
        if instruction.stage.is_some() {
            break;
        }
        if instruction.keyword == "ARG" {
            symbols.extend(declaration_symbols(model, index));
        } else {
            symbols.push(instruction_symbol(text, model, index, instruction));
        }
    }
    symbols.extend(
        model
            .stages
            .iter()
            .map(|stage| stage_symbol(text, model, stage)),
    );
    symbols
}

/// The symbols worth finding across files: the stages and the global build arguments, without
/// children, in document order.
pub fn workspace_symbols(analysis: &Snapshot) -> Vec<Symbol> {
    document_symbols(analysis)
        .into_iter()
        .filter(|symbol| matches!(symbol.kind, SymbolKind::Stage | SymbolKind::Argument))
        .map(|symbol| Symbol {
            children: Vec::new(),
            ..symbol
        })
        .collect()
}

/// The label of a stage as BuildKit numbers it: its name, or `stage N` when it has none.
pub fn stage_label(stage: &Stage) -> String {
    match &stage.name {
        Some(name) => name.clone(),
        None => format!("stage {}", stage.index),
    }
}

fn stage_symbol(text: &str, model: &Model, stage: &Stage) -> Symbol {
    let from = model.instructions.get(stage.from);
    let own = model
        .instructions
        .get(stage.instructions.clone())
        .unwrap_or_default();
    let start = from.map_or(stage.range.start, |f| f.range.start);
    let end = own.last().map_or(stage.range.end, |last| last.range.end);
    let range = start..end.max(start);
    let selection_range = stage
        .name_range
        .clone()
        .or_else(|| stage.image.as_ref().map(|image| image.range.clone()))
        .or_else(|| from.map(|f| f.keyword_range.clone()))
        .unwrap_or(start..start);
    let children = stage
        .instructions
        .clone()
        .skip(1)
        .filter_map(|index| {
            let instruction = model.instructions.get(index)?;
            Some(instruction_symbol(text, model, index, instruction))
        })
        .collect();
    Symbol {
        name: stage_label(stage),
        detail: stage
            .image
            .as_ref()
            .and_then(|image| summary(&image.text, model.escape)),
        kind: SymbolKind::Stage,
        range,
        selection_range,
        children,
    }
}

fn instruction_symbol(
    text: &str,
    model: &Model,
    index: usize,
    instruction: &Instruction,
) -> Symbol {
    // The summary stops where the first heredoc body starts: bodies are not arguments.
    let end = instruction
        .heredocs
        .iter()
        .filter_map(|heredoc| heredoc.body_range.as_ref().or(heredoc.end_range.as_ref()))
        .map(|body| body.start)
        .min()
        .unwrap_or(instruction.range.end)
        .min(instruction.range.end);
    let arguments = text
        .get(instruction.keyword_range.end..end)
        .unwrap_or_default();
    let name = if instruction.keyword.is_empty() {
        text.get(instruction.keyword_range.clone())
            .unwrap_or_default()
            .to_owned()
    } else {
        instruction.keyword.clone()
    };
    Symbol {
        name,
        detail: summary(arguments, model.escape),
        kind: SymbolKind::Instruction,
        range: instruction.range.clone(),
        selection_range: instruction.keyword_range.clone(),
        children: declaration_symbols(model, index),
    }
}

/// One symbol per variable declared by the instruction at `index`.
fn declaration_symbols(model: &Model, index: usize) -> Vec<Symbol> {
    // Declarations are in file order, so those of one instruction are next to each other.
    let first = model
        .declarations
        .partition_point(|declaration| declaration.instruction < index);
    model
        .declarations
        .get(first..)
        .unwrap_or_default()
        .iter()
        .take_while(|declaration| declaration.instruction == index)
        .filter(|declaration| !declaration.name_range.is_empty())
        .map(|declaration| declaration_symbol(declaration, model.escape))
        .collect()
}

fn declaration_symbol(declaration: &Declaration, escape: char) -> Symbol {
    let name_range = declaration.name_range.clone();
    let end = declaration
        .value_range
        .as_ref()
        .map_or(name_range.end, |value| value.end.max(name_range.end));
    Symbol {
        name: declaration.name.clone(),
        detail: declaration
            .value
            .as_deref()
            .and_then(|value| summary(value, escape)),
        kind: match declaration.kind {
            DeclarationKind::Arg => SymbolKind::Argument,
            DeclarationKind::Env => SymbolKind::Environment,
        },
        range: name_range.start..end,
        selection_range: name_range,
        children: Vec::new(),
    }
}

/// `text` on one line: continuations removed, runs of blanks made one space, shortened to
/// [`DETAIL_CHARS`] characters with an ellipsis. `None` when nothing is left.
fn summary(text: &str, escape: char) -> Option<String> {
    // Only the start of a long text can be shown, so only the start is read.
    let mut cut = text.len().min(SUMMARY_INPUT_BYTES);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let shortened = cut < text.len();
    let joined = model::collapse_continuations(text.get(..cut).unwrap_or_default(), escape);
    let words: Vec<&str> = joined.split_whitespace().collect();
    let line = words.join(" ");
    if line.is_empty() {
        return None;
    }
    let mut chars = line.chars();
    let mut short: String = chars.by_ref().take(DETAIL_CHARS).collect();
    if chars.next().is_some() || shortened {
        short.push('…');
    }
    Some(short)
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use expect_test::{expect, Expect};

    use super::*;

    fn render(text: &str, symbols: &[Symbol], depth: usize, out: &mut String) {
        for symbol in symbols {
            let covered = |range: &Range<usize>| text.get(range.clone()).unwrap_or("<invalid>");
            let _ = writeln!(
                out,
                "{:indent$}{:?} {:?} detail={:?} range={:?} selection={:?} {:?}",
                "",
                symbol.kind,
                symbol.name,
                symbol.detail,
                symbol.range,
                symbol.selection_range,
                covered(&symbol.selection_range),
                indent = depth * 2
            );
            render(text, &symbol.children, depth + 1, out);
        }
    }

    fn check(text: &str, expect: Expect) {
        let analysis = Snapshot::from_text(text);
        let mut out = String::new();
        render(text, &document_symbols(&analysis), 0, &mut out);
        expect.assert_eq(&out);
    }

    #[test]
    fn outline_of_a_multi_stage_file() {
        check(
            "# syntax=docker/dockerfile:1\n# escape=\\\nARG GO=1.22 DEBUG\n\
             FROM golang:${GO} AS build\nARG GO\nENV CGO_ENABLED=0 GOOS=linux\n\
             RUN go build \\\n    -o /app \\\n    ./cmd/app\n\
             FROM alpine:3.19\nCOPY --from=build /app /app\nRUN <<EOF\necho hi\nEOF\n\n# trailing\n",
            expect![[r#"
                Directive "syntax" detail=Some("docker/dockerfile:1") range=0..28 selection=2..8 "syntax"
                Directive "escape" detail=Some("\\") range=29..39 selection=31..37 "escape"
                Argument "GO" detail=Some("1.22") range=44..51 selection=44..46 "GO"
                Argument "DEBUG" detail=None range=52..57 selection=52..57 "DEBUG"
                Stage "build" detail=Some("golang:${GO}") range=58..163 selection=79..84 "build"
                  Instruction "ARG" detail=Some("GO") range=85..91 selection=85..88 "ARG"
                    Argument "GO" detail=None range=89..91 selection=89..91 "GO"
                  Instruction "ENV" detail=Some("CGO_ENABLED=0 GOOS=linux") range=92..120 selection=92..95 "ENV"
                    Environment "CGO_ENABLED" detail=Some("0") range=96..109 selection=96..107 "CGO_ENABLED"
                    Environment "GOOS" detail=Some("linux") range=110..120 selection=110..114 "GOOS"
                  Instruction "RUN" detail=Some("go build -o /app ./cmd/app") range=121..163 selection=121..124 "RUN"
                Stage "stage 1" detail=Some("alpine:3.19") range=164..230 selection=169..180 "alpine:3.19"
                  Instruction "COPY" detail=Some("--from=build /app /app") range=181..208 selection=181..185 "COPY"
                  Instruction "RUN" detail=Some("<<EOF") range=209..230 selection=209..212 "RUN"
            "#]],
        );
    }

    #[test]
    fn long_arguments_are_shortened() {
        check(
            &format!(
                "FROM a\nRUN {} && \\\n  done\nONBUILD RUN make\nBOGUS x\n",
                "x".repeat(70)
            ),
            expect![[r#"
                Stage "stage 0" detail=Some("a") range=0..118 selection=5..6 "a"
                  Instruction "RUN" detail=Some("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…") range=7..93 selection=7..10 "RUN"
                  Instruction "ONBUILD" detail=Some("RUN make") range=94..110 selection=94..101 "ONBUILD"
                  Instruction "BOGUS" detail=Some("x") range=111..118 selection=111..116 "BOGUS"
            "#]],
        );
    }

    #[test]
    fn instructions_before_the_first_from_and_broken_lines() {
        check(
            "RUN echo early\nFROM \nFROM a AS\n",
            expect![[r#"
                Instruction "RUN" detail=Some("echo early") range=0..14 selection=0..3 "RUN"
                Stage "stage 0" detail=Some("a") range=21..27 selection=26..27 "a"
            "#]],
        );
    }

    #[test]
    fn workspace_symbols_are_stages_and_global_arguments() {
        let analysis = Snapshot::from_text("ARG V=1\nFROM a AS one\nARG W\nFROM one\n");
        let names: Vec<(SymbolKind, String, usize)> = workspace_symbols(&analysis)
            .into_iter()
            .map(|s| (s.kind, s.name, s.children.len()))
            .collect();
        assert_eq!(
            names,
            [
                (SymbolKind::Argument, "V".to_owned(), 0),
                (SymbolKind::Stage, "one".to_owned(), 0),
                (SymbolKind::Stage, "stage 1".to_owned(), 0),
            ]
        );
    }
}
