//! Folding ranges: stages, instructions that span several lines, heredoc bodies and blocks of
//! comment lines.
//!
//! Ranges are byte ranges from the first byte of the first line to the last byte of the last
//! line that belongs to the fold (never a trailing line break), so the shell can turn them into
//! line numbers without guessing.

use std::ops::Range;

use crate::snapshot::Snapshot;

/// What a fold hides, for editors that fold comments or regions on command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FoldKind {
    /// A block of comment lines or the parser directives.
    Comment,
    /// A stage, an instruction or a heredoc body.
    Region,
}

/// One foldable region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fold {
    pub range: Range<usize>,
    pub kind: FoldKind,
}

/// The folding ranges of a document, sorted by start. No two start on the same line: where a
/// stage and its multi-line FROM start together, the stage (the larger) is kept.
pub fn folding_ranges(analysis: &Snapshot) -> Vec<Fold> {
    let text = analysis.text();
    let model = analysis.model();
    let lines = Lines::new(text);
    let mut folds = Vec::new();

    for stage in &model.stages {
        folds.push(Fold {
            range: trim_end(text, stage.range.clone()),
            kind: FoldKind::Region,
        });
    }
    for instruction in &model.instructions {
        let line_end = instruction
            .heredocs
            .first()
            .and_then(|heredoc| heredoc.body_range.as_ref().map(|body| body.start))
            .unwrap_or(instruction.range.end);
        // The instruction line itself (continuations included), without its heredoc bodies.
        let own = trim_end(text, instruction.range.start..line_end);
        folds.push(Fold {
            range: own,
            kind: FoldKind::Region,
        });
        for heredoc in &instruction.heredocs {
            // A heredoc folds from the line that introduces its body (the instruction line, or
            // the terminator of the heredoc before it) to its own terminator line.
            let Some(body) = &heredoc.body_range else {
                continue;
            };
            let end = heredoc.end_range.as_ref().map_or(body.end, |end| end.end);
            let start = lines.start_of_previous_line(body.start);
            folds.push(Fold {
                range: trim_end(text, start..end),
                kind: FoldKind::Region,
            });
        }
    }
    comment_blocks(analysis, &mut folds);

    let mut multiline: Vec<Fold> = folds
        .into_iter()
        .filter(|fold| lines.line_of(fold.range.start) < lines.line_of(fold.range.end))
        .collect();
    // Larger folds first among those that start on the same line, then keep one per line.
    multiline.sort_by_key(|fold| (fold.range.start, std::cmp::Reverse(fold.range.end)));
    let mut kept: Vec<Fold> = Vec::with_capacity(multiline.len());
    for fold in multiline {
        let line = lines.line_of(fold.range.start);
        if kept
            .last()
            .is_some_and(|last| lines.line_of(last.range.start) == line)
        {
            continue;
        }
        kept.push(fold);
    }
    kept
}

/// Runs of two or more comment lines (and the parser directive block) become comment folds.
fn comment_blocks(analysis: &Snapshot, folds: &mut Vec<Fold>) {
    let text = analysis.text();
    let lines = Lines::new(text);
    let root = analysis.tree().root_node();
    let mut cursor = root.walk();
    let mut block: Option<Range<usize>> = None;
    let flush = |block: &mut Option<Range<usize>>, folds: &mut Vec<Fold>| {
        if let Some(range) = block.take() {
            folds.push(Fold {
                range: trim_end(text, range),
                kind: FoldKind::Comment,
            });
        }
    };
    for child in root.children(&mut cursor) {
        let is_comment = matches!(child.kind(), "comment" | "parser_directive");
        if !is_comment {
            flush(&mut block, folds);
            continue;
        }
        let range = child.byte_range();
        match &mut block {
            // Consecutive lines only: a blank line between two comments ends the block.
            Some(current) if lines.line_of(range.start) == lines.line_of(current.end) + 1 => {
                current.end = range.end;
            }
            _ => {
                flush(&mut block, folds);
                block = Some(range);
            }
        }
    }
    flush(&mut block, folds);
}

/// Shrinks `range` so it does not end in whitespace or a line break.
fn trim_end(text: &str, range: Range<usize>) -> Range<usize> {
    let end = range.end.min(text.len());
    let start = range.start.min(end);
    let trimmed = text
        .get(start..end)
        .map_or(0, |slice| slice.len() - slice.trim_end().len());
    start..end - trimmed
}

/// Line numbers of byte offsets; a line ends at LF, CRLF or a lone CR, as in the editor.
struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    fn new(text: &str) -> Lines {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        for (i, &byte) in bytes.iter().enumerate() {
            let ends_line = byte == b'\n' || (byte == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
            if ends_line {
                starts.push(i + 1);
            }
        }
        Lines { starts }
    }

    /// The 0-based line of `offset`.
    fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset) - 1
    }

    /// The start of the line before the one `offset` is on (the first line stays the first).
    fn start_of_previous_line(&self, offset: usize) -> usize {
        let line = self.line_of(offset);
        self.starts[line.saturating_sub(1)]
    }
}

#[cfg(test)]
mod tests {
    use expect_test::{expect, Expect};

    use super::*;

    fn check(text: &str, expect: Expect) {
        let analysis = Snapshot::from_text(text);
        let lines = Lines::new(text);
        let rendered: Vec<String> = folding_ranges(&analysis)
            .iter()
            .map(|fold| {
                let first = text[fold.range.clone()].lines().next().unwrap_or("");
                format!(
                    "{:?} lines {}-{} {:?}: {first:?}",
                    fold.kind,
                    lines.line_of(fold.range.start),
                    lines.line_of(fold.range.end),
                    fold.range,
                )
            })
            .collect();
        expect.assert_eq(&rendered.join("\n"));
    }

    #[test]
    fn stages_instructions_heredocs_and_comments() {
        check(
            "# syntax=docker/dockerfile:1\n\
             # check=error=true\n\
             \n\
             # The builder.\n\
             # It compiles.\n\
             FROM golang:1.22 AS build\n\
             RUN go build \\\n    -o /app \\\n    ./cmd\n\
             COPY <<EOF <<END /etc/\n\
             one\n\
             EOF\n\
             two\n\
             END\n\
             \n\
             FROM scratch\n\
             COPY --from=build /app /app\n",
            expect![[r##"
                Comment lines 0-1 0..47: "# syntax=docker/dockerfile:1"
                Comment lines 3-4 49..78: "# The builder."
                Region lines 5-13 79..182: "FROM golang:1.22 AS build"
                Region lines 6-8 105..143: "RUN go build \\"
                Region lines 9-11 144..174: "COPY <<EOF <<END /etc/"
                Region lines 11-13 171..182: "EOF"
                Region lines 15-16 184..224: "FROM scratch""##]],
        );
    }

    #[test]
    fn a_multiline_from_gives_way_to_its_stage() {
        check(
            "FROM \\\n  alpine\nRUN true\n",
            expect![[r#"Region lines 0-2 0..24: "FROM \\""#]],
        );
    }

    #[test]
    fn single_lines_do_not_fold() {
        check(
            "FROM alpine\n# one comment\nRUN true\n",
            expect![[r#"Region lines 0-2 0..34: "FROM alpine""#]],
        );
        check("", expect![[""]]);
    }

    #[test]
    fn crlf_and_lone_cr_end_lines() {
        check(
            "FROM a\r\nRUN x \\\r\n  y\rRUN z",
            expect![[r#"
                Region lines 0-3 0..26: "FROM a"
                Region lines 1-2 8..20: "RUN x \\""#]],
        );
    }
}
