//! An open document: its text as a rope, its syntax tree, and edits to both, kept in step.
//!
//! Offsets are bytes into the UTF-8 text. Conversions to editor positions (UTF-8 or UTF-16
//! columns) live in the LSP shell; they need only [`Document::rope`].

use std::ops::Range;

use ropey::Rope;
use tree_sitter::{InputEdit, Point, Tree};

use crate::syntax;

/// The size up to which a text with syntax errors is parsed afresh after an edit instead of
/// incrementally (a fresh parse of 256 KiB takes about 15 ms).
pub const FRESH_PARSE_WHEN_BROKEN: usize = 256 * 1024;

/// The text of one document and its syntax tree, kept in step.
#[derive(Clone)]
pub struct Document {
    rope: Rope,
    tree: Tree,
    /// Edits were applied to the rope and the tree since the last parse.
    stale: bool,
}

impl Document {
    pub fn new(text: &str) -> Document {
        let rope = Rope::from_str(text);
        let tree = syntax::parse(text);
        Document {
            rope,
            tree,
            stale: false,
        }
    }

    pub fn rope(&self) -> &Rope {
        &self.rope
    }

    /// The syntax tree of the text as of the last [`Document::reparse`].
    pub fn tree(&self) -> &Tree {
        &self.tree
    }

    pub fn text(&self) -> String {
        self.rope.to_string()
    }

    pub fn len(&self) -> usize {
        self.rope.len_bytes()
    }

    pub fn is_empty(&self) -> bool {
        self.rope.len_bytes() == 0
    }

    /// Replaces `range` by `new_text`. The range is clamped to the text and widened to character
    /// boundaries, so any range is safe. Call [`Document::reparse`] after the last edit of a batch.
    pub fn edit(&mut self, range: Range<usize>, new_text: &str) {
        let range = self.clamp(range);
        let start_position = self.point(range.start);
        let old_end_position = self.point(range.end);
        let start_char = self.rope.byte_to_char(range.start);
        let end_char = self.rope.byte_to_char(range.end);
        self.rope.remove(start_char..end_char);
        self.rope.insert(start_char, new_text);
        let new_end = range.start + new_text.len();
        let new_end_position = self.point(new_end);
        self.tree.edit(&InputEdit {
            start_byte: range.start,
            old_end_byte: range.end,
            new_end_byte: new_end,
            start_position,
            old_end_position,
            new_end_position,
        });
        self.stale = true;
    }

    /// Replaces the whole text.
    pub fn replace_all(&mut self, text: &str) {
        *self = Document::new(text);
    }

    /// Parses the text again, reusing what the edits left unchanged (see
    /// [`FRESH_PARSE_WHEN_BROKEN`]).
    pub fn reparse(&mut self) {
        if !self.stale {
            return;
        }
        let rope = &self.rope;
        let mut parser = syntax::parser();
        let mut parse = |old: Option<&Tree>| {
            parser.parse_with_options(
                &mut |offset: usize, _: Point| -> &[u8] {
                    if offset >= rope.len_bytes() {
                        return &[];
                    }
                    let (chunk, chunk_start, _, _) = rope.chunk_at_byte(offset);
                    &chunk.as_bytes()[offset - chunk_start..]
                },
                old,
                None,
            )
        };
        // Tree-sitter's error recovery depends on the old tree: after an edit in a broken region
        // the error nodes can land elsewhere than in a fresh parse (found by fuzzing). A file of
        // ordinary size with errors is parsed afresh, so its syntax errors never depend on the
        // editing history; a huge one keeps the incremental tree (its errors still mark the
        // broken lines). A text that was broken before the edit usually still is, so it goes
        // straight to the fresh parse instead of parsing twice.
        let small = rope.len_bytes() <= FRESH_PARSE_WHEN_BROKEN;
        let parsed = if small && self.tree.root_node().has_error() {
            parse(None)
        } else {
            let parsed = parse(Some(&self.tree));
            let broken = parsed
                .as_ref()
                .is_some_and(|tree| tree.root_node().has_error());
            if broken && small {
                parse(None).or(parsed)
            } else {
                parsed
            }
        };
        // `parse` fails only when cancelled, which never happens here; keep the edited old tree
        // rather than panic if it ever did.
        if let Some(tree) = parsed {
            self.tree = tree;
        }
        self.stale = false;
    }

    /// Moves a byte offset to the nearest character boundary at or before it, within the text.
    pub fn floor_char_boundary(&self, offset: usize) -> usize {
        let offset = offset.min(self.rope.len_bytes());
        self.rope.char_to_byte(self.rope.byte_to_char(offset))
    }

    /// Clamps a range to the text; a range that starts or ends inside a character grows to
    /// cover it, and an insertion inside a character moves to its start.
    fn clamp(&self, range: Range<usize>) -> Range<usize> {
        let start = self.floor_char_boundary(range.start);
        let end = range.end.max(range.start).min(self.rope.len_bytes());
        let floor = self.floor_char_boundary(end);
        let end = if floor < end && range.start < range.end {
            self.rope.char_to_byte(self.rope.byte_to_char(floor) + 1)
        } else {
            floor
        };
        start..end.max(start)
    }

    /// The tree-sitter point (row, byte column) of a byte offset. Rows follow the rope's lines,
    /// which also end at a lone `\r` as LSP lines do; tree-sitter counts only `\n`, so after a
    /// lone `\r` the points of reused nodes can be off. Nothing reads them: analysis uses bytes.
    fn point(&self, offset: usize) -> Point {
        let line = self.rope.byte_to_line(offset);
        Point::new(line, offset - self.rope.line_to_byte(line))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_then_reparse_match_a_fresh_parse() {
        let mut doc = Document::new("FROM alpine\nRUN echo é\n");
        doc.edit(4..4, " --platform=linux/amd64");
        doc.edit(0..0, "# syntax=docker/dockerfile:1\n");
        doc.reparse();
        let text = doc.text();
        assert_eq!(
            text,
            "# syntax=docker/dockerfile:1\nFROM --platform=linux/amd64 alpine\nRUN echo é\n"
        );
        assert_eq!(
            doc.tree().root_node().to_sexp(),
            syntax::parse(&text).root_node().to_sexp()
        );
    }

    #[test]
    fn ranges_are_clamped_and_widened_to_characters() {
        let mut doc = Document::new("RUN é\n");
        // Byte 5 is inside `é` (bytes 4..6): an insertion moves before it, a deletion covers it.
        doc.edit(5..5, "x");
        assert_eq!(doc.text(), "RUN xé\n");
        doc.edit(6..7, "");
        assert_eq!(doc.text(), "RUN x\n");
        doc.edit(100..200, "!");
        assert_eq!(doc.text(), "RUN x\n!");
        #[allow(clippy::reversed_empty_ranges)]
        let reversed = 3..1;
        doc.edit(reversed, "");
        assert_eq!(doc.text(), "RUN x\n!");
    }

    #[test]
    fn rope_line_endings_are_lf_and_crlf() {
        let doc = Document::new("FROM a\r\nRUN b\nRUN c");
        assert_eq!(doc.rope().len_lines(), 3);
        assert_eq!(doc.point(13), Point::new(1, 5));
    }
}
