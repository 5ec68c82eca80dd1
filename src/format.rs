//! The formatter: document, range and on-type formatting, as minimal text edits.
//!
//! Formatting never changes what the Dockerfile means to BuildKit. It upper-cases instruction
//! keywords, puts one space between the tokens of an instruction where BuildKit splits on
//! whitespace anyway, lays out exec-form JSON arrays as `["a", "b"]`, indents continuation lines
//! by one unit (keeping any deeper, hand-made indentation relative to the shallowest line), and
//! removes trailing whitespace.
//!
//! BuildKit joins continuation lines verbatim, so the whitespace at the start of a continuation
//! line is part of the value whenever it sits inside a quoted string, a word, a path or a flag.
//! The formatter only touches whitespace that lies between the tokens of an instruction or
//! inside a shell command outside any quoted or expanded part. Heredoc bodies and terminators,
//! and every instruction with a syntax error, are left exactly as written.

use std::ops::Range;

use tree_sitter::Node;

use crate::model::{Form, Instruction, Model};
use crate::snapshot::Snapshot;

/// One replacement in the document; the same edit type the rules' fixes use.
pub type TextEdit = crate::diagnostic::Edit;

/// How to indent continuation lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormatOptions {
    /// The width of one indentation unit, and of a tab when measuring existing indentation.
    pub tab_size: u32,
    /// Indent with spaces; otherwise with tabs (and spaces for what is left over).
    pub insert_spaces: bool,
}

impl Default for FormatOptions {
    fn default() -> FormatOptions {
        FormatOptions {
            tab_size: 4,
            insert_spaces: true,
        }
    }
}

impl FormatOptions {
    /// The tab size, kept within a sane range so that no setting can produce a zero-width unit
    /// (which would join a continuation line onto the previous one) or absurd output.
    fn unit(&self) -> usize {
        self.tab_size.clamp(1, 16) as usize
    }
}

/// The edits that format the whole document: sorted, non-overlapping, on character boundaries,
/// and each one changes the text.
pub fn format(analysis: &Snapshot, options: &FormatOptions) -> Vec<TextEdit> {
    let mut formatter = Formatter::new(analysis.text(), analysis.model(), options);
    formatter.document(analysis.tree().root_node());
    formatter.finish()
}

/// The edits that format the whole instructions (and comments, and blank lines) that intersect
/// `range`; a range out of bounds is clamped to the text.
pub fn format_range(
    analysis: &Snapshot,
    range: Range<usize>,
    options: &FormatOptions,
) -> Vec<TextEdit> {
    let text = analysis.text();
    let lines = Lines::new(text, &analysis.model().line_starts);
    let start = range.start.min(text.len());
    let end = range.end.clamp(start, text.len());
    let mut low = lines.start(lines.index_of(start));
    let mut high = lines.end(lines.index_of(end));
    let root = analysis.tree().root_node();
    let mut cursor = root.walk();
    for child in root.children(&mut cursor) {
        if child.start_byte() > high {
            break;
        }
        if child.end_byte() >= low {
            low = low.min(lines.start(lines.index_of(child.start_byte())));
            high = high.max(lines.end(lines.index_of(child.end_byte())));
        }
    }
    format(analysis, options)
        .into_iter()
        .filter(|edit| edit.range.start >= low && edit.range.end <= high)
        .collect()
}

/// The edits to make after the user typed `ch`, with `offset` just after it.
///
/// Only Enter at the end of a line that ends in the escape character does something: the new
/// line is indented by one unit after the instruction's first line, or like the previous
/// continuation line after a continuation line.
pub fn on_type(
    analysis: &Snapshot,
    offset: usize,
    ch: char,
    options: &FormatOptions,
) -> Vec<TextEdit> {
    if ch != '\n' {
        return Vec::new();
    }
    let text = analysis.text();
    let model = analysis.model();
    if offset == 0 || offset > text.len() || text.as_bytes().get(offset - 1) != Some(&b'\n') {
        return Vec::new();
    }
    let lines = Lines::new(text, &model.line_starts);
    let line = lines.index_of(offset);
    let Some(instruction) = instruction_before(analysis.tree().root_node(), offset) else {
        return Vec::new();
    };
    let first_line = lines.index_of(instruction.start_byte());
    if line <= first_line {
        return Vec::new();
    }
    let inside = Inside::collect(instruction);
    if inside.heredoc_start.is_some_and(|start| start < offset) || inside.protects(offset..offset) {
        return Vec::new();
    }
    // The line that the continuation belongs to, skipping the comment and empty lines that
    // BuildKit skips inside a continuation.
    let mut previous = line - 1;
    while previous > first_line && lines.kind(previous) != LineKind::Code {
        previous -= 1;
    }
    if lines.index_of(instruction.end_byte()) < previous {
        return Vec::new();
    }
    let previous_text = lines.text(previous);
    let Some(before) = before_escape(previous_text, model.escape) else {
        return Vec::new();
    };
    if before.is_some_and(|c| is_escaping(c, model.escape)) {
        return Vec::new();
    }
    let current = lines.range(line);
    let indent_end = current.start + leading_blanks(lines.text(line));
    let joins_a_word =
        indent_end == current.start && indent_end < current.end && !before.is_some_and(is_blank);
    if joins_a_word {
        return Vec::new();
    }
    let indentation = if previous == first_line {
        Indentation::new(options).string(options.unit())
    } else {
        let previous_range = lines.range(previous);
        let width = leading_blanks(previous_text);
        text.get(previous_range.start..previous_range.start + width)
            .unwrap_or_default()
            .to_owned()
    };
    let mut edits = Vec::new();
    push_minimal(text, &mut edits, current.start..indent_end, &indentation);
    edits
}

/// Applies formatting edits to `text`.
pub fn apply(text: &str, edits: &[TextEdit]) -> String {
    crate::diagnostic::apply_edits(text, edits)
}

/// Collects the edits of one formatting run.
struct Formatter<'a> {
    text: &'a str,
    model: &'a Model,
    lines: Lines<'a>,
    indentation: Indentation,
    edits: Vec<TextEdit>,
}

impl<'a> Formatter<'a> {
    fn new(text: &'a str, model: &'a Model, options: &FormatOptions) -> Formatter<'a> {
        Formatter {
            text,
            model,
            lines: Lines::new(text, &model.line_starts),
            indentation: Indentation::new(options),
            edits: Vec::new(),
        }
    }

    fn finish(mut self) -> Vec<TextEdit> {
        self.edits
            .sort_by_key(|edit| (edit.range.start, edit.range.end));
        // Every edit stays within one line and the parts of a line do not overlap, so this only
        // guards the promise that edits never overlap.
        let mut kept: Vec<TextEdit> = Vec::with_capacity(self.edits.len());
        for edit in self.edits {
            if kept
                .last()
                .is_none_or(|last| last.range.end <= edit.range.start)
            {
                kept.push(edit);
            }
        }
        kept
    }

    fn edit(&mut self, range: Range<usize>, new_text: &str) {
        push_minimal(self.text, &mut self.edits, range, new_text);
    }

    /// Formats each top-level node, and empties the blank lines between them.
    fn document(&mut self, root: Node) {
        let mut cursor = root.walk();
        let mut spans: Vec<(Node, Range<usize>)> = Vec::new();
        for child in root.children(&mut cursor) {
            // A continuation that runs into the end of the file is left over after the last
            // instruction; its lines are blank lines.
            if child.kind() == "line_continuation" && !child.has_error() {
                continue;
            }
            let first = self.lines.index_of(child.start_byte());
            let last = self.lines.index_of(child.end_byte());
            spans.push((child, first..last + 1));
        }
        let mut next_free = 0;
        for (index, (node, span)) in spans.iter().enumerate() {
            for line in next_free..span.start {
                self.blank_line(line);
            }
            next_free = next_free.max(span.end);
            // Two nodes on one line happen only around syntax errors; leave both alone.
            let shares_a_line = index
                .checked_sub(1)
                .and_then(|previous| spans.get(previous))
                .is_some_and(|(_, previous)| previous.end > span.start)
                || spans
                    .get(index + 1)
                    .is_some_and(|(_, next)| next.start < span.end);
            if shares_a_line || node.has_error() || self.has_lone_carriage_return(span) {
                continue;
            }
            match node.kind() {
                "comment" | "parser_directive" => {
                    for line in span.clone() {
                        self.trailing_blanks(line, None);
                    }
                }
                kind if is_instruction(kind) => self.instruction(*node),
                _ => {}
            }
        }
        for line in next_free..self.lines.count() {
            self.blank_line(line);
        }
    }

    /// A line that belongs to no node: when it holds only blanks, they go.
    fn blank_line(&mut self, line: usize) {
        let range = self.lines.range(line);
        if !range.is_empty() && self.lines.text(line).bytes().all(is_blank_byte) {
            self.edit(range, "");
        }
    }

    /// A carriage return that does not end a line is a line break to the grammar but a blank to
    /// BuildKit, so the two disagree on the lines around it; a node with one anywhere on its
    /// lines (the formatter's lines, which end at `\n`) is left alone. Found by fuzzing: on
    /// `RUN a \r  \n` the blanks after the `\r` went, making a `\r\n` whose blank before it
    /// went on the next run.
    fn has_lone_carriage_return(&self, lines: &Range<usize>) -> bool {
        let bytes = self.text.as_bytes();
        let end = self.lines.end(lines.end.saturating_sub(1)).min(bytes.len());
        let start = self.lines.start(lines.start).min(end);
        (start..end).any(|i| bytes.get(i) == Some(&b'\r') && bytes.get(i + 1) != Some(&b'\n'))
    }

    /// Removes the blanks at the end of `line`, unless they sit inside a protected node.
    fn trailing_blanks(&mut self, line: usize, inside: Option<&Inside>) {
        let range = self.lines.range(line);
        let content = self.lines.text(line);
        let kept = content.trim_end_matches([' ', '\t']).len();
        let blanks = range.start + kept..range.end;
        if blanks.is_empty() || inside.is_some_and(|inside| inside.protects(blanks.clone())) {
            return;
        }
        self.edit(blanks, "");
    }

    fn instruction(&mut self, node: Node) {
        let inside = Inside::collect(node);
        let first_line = self.lines.index_of(node.start_byte());
        let last_line = match inside.heredoc_start {
            Some(start) => {
                if self.lines.start(self.lines.index_of(start)) != start {
                    // A heredoc body always starts a line; anything else is not understood.
                    return;
                }
                self.lines.index_of(start).saturating_sub(1).max(first_line)
            }
            None => self.lines.index_of(node.end_byte()),
        };
        if node.kind() == "unknown_instruction" {
            for line in first_line..=last_line {
                self.trailing_blanks(line, Some(&inside));
            }
            return;
        }
        self.leading_blanks_of_instruction(node, first_line);
        let model_instruction = self.model_instruction(&node);
        self.tokens(node, model_instruction);
        self.continuation_lines(first_line, last_line, &inside);
        for line in first_line..=last_line {
            if self.lines.kind(line) != LineKind::Empty || line == first_line {
                self.trailing_blanks(line, Some(&inside));
            }
        }
    }

    /// BuildKit ignores blanks before the keyword, unless the line before ends in the escape
    /// character: then BuildKit reads this line as a continuation even where the grammar does not.
    fn leading_blanks_of_instruction(&mut self, node: Node, first_line: usize) {
        let line_start = self.lines.start(first_line);
        let Some(prefix) = self.text.get(line_start..node.start_byte()) else {
            return;
        };
        if prefix.is_empty() || !prefix.bytes().all(is_blank_byte) {
            return;
        }
        let previous_continues = first_line.checked_sub(1).is_some_and(|previous| {
            before_escape(self.lines.text(previous), self.model.escape).is_some()
        });
        if !previous_continues {
            self.edit(line_start..node.start_byte(), "");
        }
    }

    fn model_instruction(&self, node: &Node) -> Option<&'a Instruction> {
        let instructions = &self.model.instructions;
        let index = instructions.partition_point(|i| i.range.start < node.start_byte());
        instructions
            .get(index)
            .filter(|i| i.range == node.byte_range())
    }

    /// Keyword casing, single spaces between the tokens, and exec-form layout, for an
    /// instruction and the one an ONBUILD registers.
    fn tokens(&mut self, node: Node, instruction: Option<&Instruction>) {
        if node.kind() == "unknown_instruction" {
            return;
        }
        let mut cursor = node.walk();
        let children: Vec<Node> = node.children(&mut cursor).collect();
        for child in &children {
            let kind = child.kind();
            if !child.is_named() && is_keyword(kind) {
                let range = child.byte_range();
                let written = self.text.get(range.clone()).unwrap_or_default();
                if written != kind && written.eq_ignore_ascii_case(kind) {
                    self.edit(range, kind);
                }
            } else if is_instruction(kind) {
                let trigger = instruction.and_then(|i| i.trigger.as_deref());
                self.tokens(*child, trigger);
            } else if kind == "exec_form" && instruction.is_some_and(|i| i.form == Form::Exec) {
                self.exec_form(*child);
            }
        }
        for pair in children.windows(2) {
            let [before, after] = pair else { continue };
            if matches!(before.kind(), "line_continuation" | "comment" | "heredoc")
                || matches!(after.kind(), "comment" | "heredoc")
            {
                continue;
            }
            let gap = before.end_byte()..after.start_byte();
            let blanks = self.text.get(gap.clone()).unwrap_or_default();
            if !blanks.is_empty() && blanks.bytes().all(is_blank_byte) {
                self.edit(gap, " ");
            }
        }
    }

    /// `[ "a","b" ]` becomes `["a", "b"]`; the string literals stay exactly as written.
    fn exec_form(&mut self, node: Node) {
        let mut cursor = node.walk();
        let children: Vec<Node> = node.children(&mut cursor).collect();
        let only_strings = children.iter().all(|child| {
            !child.is_named()
                || matches!(
                    child.kind(),
                    "json_string" | "line_continuation" | "comment"
                )
        });
        if !only_strings {
            return;
        }
        for pair in children.windows(2) {
            let [before, after] = pair else { continue };
            if [before.kind(), after.kind()]
                .iter()
                .any(|kind| matches!(*kind, "line_continuation" | "comment"))
            {
                continue;
            }
            let wanted = match (before.kind(), after.kind()) {
                ("[", _) | (_, "]") | (_, ",") => "",
                (",", _) => " ",
                _ => continue,
            };
            let gap = before.end_byte()..after.start_byte();
            let blanks = self.text.get(gap.clone()).unwrap_or_default();
            if blanks.bytes().all(is_blank_byte) {
                self.edit(gap, wanted);
            }
        }
    }

    /// Indents the continuation lines of one instruction: the shallowest line gets one unit,
    /// deeper lines keep their depth relative to it, empty lines lose their blanks.
    fn continuation_lines(&mut self, first_line: usize, last_line: usize, inside: &Inside) {
        struct Candidate {
            line: usize,
            width: usize,
            kind: LineKind,
        }
        let escape = self.model.escape;
        let mut candidates = Vec::new();
        // What precedes the escape character that continues the last code line; `None` once a
        // code line does not end in it (then the lines after it are not understood).
        let mut continued = before_escape(self.lines.text(first_line), escape);
        for line in first_line + 1..=last_line {
            let range = self.lines.range(line);
            let content = self.lines.text(line);
            let blanks = leading_blanks(content);
            let indentation = range.start..range.start + blanks;
            let kind = self.lines.kind(line);
            let region = if kind == LineKind::Empty {
                range.clone()
            } else {
                indentation.clone()
            };
            let understood = continued.is_some() && !inside.protects(region.clone());
            if kind == LineKind::Code {
                let before = continued.flatten();
                // A line of nothing but the escape character adds nothing to the joined line:
                // what comes before the next line is still what came before this one.
                continued = before_escape(content, escape).map(|own| own.or(before));
                let escaped = before.is_some_and(|c| is_escaping(c, escape));
                // Without blanks, the line continues the previous word; indenting it would
                // split the word in two.
                let joins_a_word = blanks == 0 && !before.is_some_and(is_blank);
                if !understood || escaped || joins_a_word {
                    continue;
                }
            } else if !understood {
                continue;
            }
            if kind == LineKind::Empty {
                self.edit(region, "");
                continue;
            }
            let width = self
                .indentation
                .width(self.text.get(indentation).unwrap_or_default());
            candidates.push(Candidate { line, width, kind });
        }
        let base_of = |kind: LineKind| {
            candidates
                .iter()
                .filter(|c| c.kind == kind)
                .map(|c| c.width)
                .min()
        };
        let Some(base) = base_of(LineKind::Code).or_else(|| base_of(LineKind::Comment)) else {
            return;
        };
        let unit = self.indentation.unit;
        for candidate in &candidates {
            let range = self.lines.range(candidate.line);
            let blanks = leading_blanks(self.lines.text(candidate.line));
            let wanted = self
                .indentation
                .string(unit + candidate.width.saturating_sub(base));
            self.edit(range.start..range.start + blanks, &wanted);
        }
    }
}

/// The kinds of nodes inside an instruction whose whitespace BuildKit splits on or drops:
/// whitespace strictly inside any other node may be part of a value.
fn is_transparent(kind: &str) -> bool {
    is_instruction(kind)
        || matches!(
            kind,
            "shell_command" | "exec_form" | "line_continuation" | "comment"
        )
}

/// The parts of one instruction whose whitespace must stay as written.
struct Inside {
    /// The outermost protected nodes, in order and disjoint.
    protected: Vec<Range<usize>>,
    /// Where the first heredoc body starts; from there on everything stays as written.
    heredoc_start: Option<usize>,
}

impl Inside {
    fn collect(instruction: Node) -> Inside {
        let mut protected = Vec::new();
        let mut heredoc_start = None;
        let mut cursor = instruction.walk();
        if cursor.goto_first_child() {
            'walk: loop {
                let node = cursor.node();
                let descend = is_transparent(node.kind());
                if !descend {
                    if node.kind() == "heredoc" && heredoc_start.is_none() {
                        heredoc_start = Some(node.start_byte());
                    }
                    protected.push(node.byte_range());
                }
                if descend && cursor.goto_first_child() {
                    continue;
                }
                while !cursor.goto_next_sibling() {
                    if !cursor.goto_parent() {
                        break 'walk;
                    }
                }
            }
        }
        Inside {
            protected,
            heredoc_start,
        }
    }

    /// Whether `region` overlaps a protected node; an empty region counts when it lies
    /// strictly inside one.
    fn protects(&self, region: Range<usize>) -> bool {
        let index = self
            .protected
            .partition_point(|range| range.end <= region.start);
        self.protected.get(index).is_some_and(|range| {
            if region.is_empty() {
                range.start < region.start
            } else {
                range.start < region.end
            }
        })
    }
}

/// How wide existing indentation is, and how to write a width.
struct Indentation {
    unit: usize,
    insert_spaces: bool,
}

impl Indentation {
    fn new(options: &FormatOptions) -> Indentation {
        Indentation {
            unit: options.unit(),
            insert_spaces: options.insert_spaces,
        }
    }

    /// The width of blanks in columns, a tab reaching the next multiple of the unit.
    fn width(&self, blanks: &str) -> usize {
        blanks.chars().fold(0, |width, c| match c {
            '\t' => width + self.unit - width % self.unit,
            _ => width + 1,
        })
    }

    fn string(&self, width: usize) -> String {
        if self.insert_spaces {
            " ".repeat(width)
        } else {
            let mut out = "\t".repeat(width / self.unit);
            out.push_str(&" ".repeat(width % self.unit));
            out
        }
    }
}

/// What a line holds, as BuildKit sees it inside a continuation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineKind {
    /// Only blanks, or nothing.
    Empty,
    /// A `#` after optional blanks.
    Comment,
    Code,
}

/// The lines of the text, without their line endings.
struct Lines<'a> {
    text: &'a str,
    starts: &'a [usize],
}

impl<'a> Lines<'a> {
    fn new(text: &'a str, starts: &'a [usize]) -> Lines<'a> {
        Lines { text, starts }
    }

    fn count(&self) -> usize {
        self.starts.len().max(1)
    }

    /// The line that contains `offset`.
    fn index_of(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1)
    }

    fn start(&self, line: usize) -> usize {
        self.starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len())
            .min(self.text.len())
    }

    /// The end of the line's content: before its `\n`, or its `\r\n`.
    fn end(&self, line: usize) -> usize {
        let start = self.start(line);
        match self.starts.get(line + 1) {
            Some(&next) => {
                let newline = next.saturating_sub(1).clamp(start, self.text.len());
                if newline > start && self.text.as_bytes().get(newline - 1) == Some(&b'\r') {
                    newline - 1
                } else {
                    newline
                }
            }
            None => self.text.len(),
        }
    }

    fn range(&self, line: usize) -> Range<usize> {
        self.start(line)..self.end(line)
    }

    fn text(&self, line: usize) -> &'a str {
        self.text.get(self.range(line)).unwrap_or_default()
    }

    fn kind(&self, line: usize) -> LineKind {
        let content = self.text(line).trim_start_matches([' ', '\t']);
        if content.is_empty() {
            LineKind::Empty
        } else if content.starts_with('#') {
            LineKind::Comment
        } else {
            LineKind::Code
        }
    }
}

/// When `line` ends in the escape character (blanks after it allowed), what comes before the
/// escape character: `Some(None)` when nothing does.
fn before_escape(line: &str, escape: char) -> Option<Option<char>> {
    let content = line.trim_end_matches([' ', '\t']);
    let rest = content.strip_suffix(escape)?;
    Some(rest.chars().next_back())
}

/// A character before the escape character that makes the escape character itself escaped or
/// part of an escape: then the blanks of the next line may be escaped and stay as written.
fn is_escaping(c: char, escape: char) -> bool {
    c == escape || c == '\\'
}

fn leading_blanks(line: &str) -> usize {
    line.len() - line.trim_start_matches([' ', '\t']).len()
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

fn is_blank_byte(byte: u8) -> bool {
    byte == b' ' || byte == b'\t'
}

fn is_instruction(kind: &str) -> bool {
    kind.ends_with("_instruction")
}

/// The anonymous keyword tokens (`RUN`, `AS`, `CMD`, `NONE`) are spelled in upper case.
fn is_keyword(kind: &str) -> bool {
    !kind.is_empty() && kind.bytes().all(|b| b.is_ascii_uppercase())
}

/// The instruction that a new line at `offset` may continue: the last top-level instruction
/// that starts before it, past the comments and the continuation that the grammar leaves after
/// an instruction whose continuation runs into the end of the file (`RUN a \` as the last
/// line). Whether the new line really continues it is for the caller to check.
fn instruction_before(root: Node, offset: usize) -> Option<Node> {
    let mut cursor = root.walk();
    let mut last = None;
    for child in root.children(&mut cursor) {
        if child.start_byte() >= offset {
            break;
        }
        last = Some(child);
    }
    let mut node = last?;
    while matches!(node.kind(), "line_continuation" | "comment") {
        node = node.prev_sibling()?;
    }
    Some(node).filter(|node| is_instruction(node.kind()))
}

/// Pushes the replacement of `range` by `new_text`, narrowed to the bytes that change; nothing
/// when nothing changes or the range is not on character boundaries.
fn push_minimal(text: &str, edits: &mut Vec<TextEdit>, range: Range<usize>, new_text: &str) {
    let Some(old) = text.get(range.clone()) else {
        return;
    };
    if old == new_text {
        return;
    }
    let prefix: usize = old
        .chars()
        .zip(new_text.chars())
        .take_while(|(a, b)| a == b)
        .map(|(a, _)| a.len_utf8())
        .sum();
    let (old_rest, new_rest) = (&old[prefix..], &new_text[prefix..]);
    let suffix: usize = old_rest
        .chars()
        .rev()
        .zip(new_rest.chars().rev())
        .take_while(|(a, b)| a == b)
        .map(|(a, _)| a.len_utf8())
        .sum();
    edits.push(TextEdit {
        range: range.start + prefix..range.end - suffix,
        new_text: new_rest[..new_rest.len() - suffix].to_owned(),
    });
}

#[cfg(test)]
mod tests {
    use expect_test::{expect, Expect};

    use super::*;

    /// One line per edit: `start..end "old text" → "new text"`.
    fn render(text: &str, edits: &[TextEdit]) -> String {
        edits
            .iter()
            .map(|edit| {
                let old = text.get(edit.range.clone()).unwrap_or("<out of bounds>");
                format!("{:?} {old:?} → {:?}", edit.range, edit.new_text)
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Asserts the promises every result keeps: sorted, disjoint, on character boundaries,
    /// and each edit changes something.
    fn assert_sane(text: &str, edits: &[TextEdit]) {
        for pair in edits.windows(2) {
            assert!(pair[0].range.end <= pair[1].range.start, "{edits:?}");
        }
        for edit in edits {
            let old = text.get(edit.range.clone());
            assert!(old.is_some(), "not on character boundaries: {edit:?}");
            assert_ne!(old, Some(edit.new_text.as_str()), "{edit:?}");
        }
    }

    fn formatted(text: &str, options: &FormatOptions) -> String {
        let edits = format(&Snapshot::from_text(text), options);
        assert_sane(text, &edits);
        let after = apply(text, &edits);
        let again = format(&Snapshot::from_text(&after), options);
        assert_eq!(again, [], "formatting twice changes more:\n{after}");
        after
    }

    /// Formats `text` with the default options and compares the result.
    fn check(text: &str, expect: Expect) {
        expect.assert_eq(&formatted(text, &FormatOptions::default()));
    }

    /// Shows the edits themselves, with the bytes they replace.
    fn check_edits(text: &str, expect: Expect) {
        let edits = format(&Snapshot::from_text(text), &FormatOptions::default());
        assert_sane(text, &edits);
        expect.assert_eq(&render(text, &edits));
    }

    /// Formats the range between the two `$0` markers; shows the edits and the result.
    fn check_range(fixture: &str, expect: Expect) {
        let start = fixture.find("$0").expect("a first $0 marker");
        let text = fixture.replacen("$0", "", 1);
        let end = text.find("$0").expect("a second $0 marker");
        let text = text.replacen("$0", "", 1);
        let edits = format_range(
            &Snapshot::from_text(&text),
            start..end,
            &FormatOptions::default(),
        );
        assert_sane(&text, &edits);
        expect.assert_eq(&format!(
            "{}\n---\n{}",
            render(&text, &edits),
            apply(&text, &edits)
        ));
    }

    /// Presses Enter at `$0` (the fixture holds the newline already); shows the edits and the
    /// result, with `$0` where the cursor is.
    fn check_on_type(fixture: &str, expect: Expect) {
        let offset = fixture.find("$0").expect("a $0 cursor");
        let text = fixture.replacen("$0", "", 1);
        let edits = on_type(
            &Snapshot::from_text(&text),
            offset,
            '\n',
            &FormatOptions::default(),
        );
        assert_sane(&text, &edits);
        let inserted: usize = edits.iter().map(|e| e.new_text.len()).sum();
        let mut after = apply(&text, &edits);
        after.insert_str(offset + inserted, "$0");
        expect.assert_eq(&format!("{}\n---\n{after}", render(&text, &edits)));
    }

    #[test]
    fn keywords_are_upper_case() {
        check(
            "from alpine as build\nrun echo hi\nonbuild run make\nHealthCheck --interval=5s cmd curl x\nhealthcheck none\nrum echo\n",
            expect![[r#"
                FROM alpine AS build
                RUN echo hi
                ONBUILD RUN make
                HEALTHCHECK --interval=5s CMD curl x
                HEALTHCHECK NONE
                rum echo
            "#]],
        );
    }

    #[test]
    fn one_space_between_tokens_but_not_inside_them() {
        check(
            "  FROM   alpine   AS   b\nRUN   --mount=type=cache,target=/x    apt-get  update\nCOPY  --from=b   a   \"c  d\"\nENV A=\"x  y\"   B=2\nENV legacy  two   words\nWORKDIR   /a  b\nLABEL\ta=1\t\tb=2\n",
            expect![[r#"
                FROM alpine AS b
                RUN --mount=type=cache,target=/x apt-get  update
                COPY --from=b a "c  d"
                ENV A="x  y" B=2
                ENV legacy  two   words
                WORKDIR /a  b
                LABEL a=1 b=2
            "#]],
        );
    }

    #[test]
    fn continuation_lines_get_one_unit() {
        check(
            "FROM a\nRUN apt-get update \\\n&& apt-get install -y \\\n        curl \\\n  && true\nCOPY --from=a \\\n\t/src \\\n\t/dst\n",
            expect![[r#"
                FROM a
                RUN apt-get update \
                    && apt-get install -y \
                            curl \
                      && true
                COPY --from=a \
                    /src \
                    /dst
            "#]],
        );
    }

    #[test]
    fn deeper_hand_made_indentation_is_kept_relative_to_the_base() {
        check(
            "RUN set -eux; \\\n  if [ -f x ]; then \\\n      echo yes; \\\n        echo nested; \\\n  fi\n",
            expect![[r#"
                RUN set -eux; \
                    if [ -f x ]; then \
                        echo yes; \
                          echo nested; \
                    fi
            "#]],
        );
    }

    #[test]
    fn comment_and_empty_lines_inside_a_continuation_are_kept() {
        check(
            "RUN a \\\n # the next step  \n\n  \t\n && b \\\n    # deeper comment\n && c\n",
            expect![[r#"
                RUN a \
                    # the next step


                    && b \
                       # deeper comment
                    && c
            "#]],
        );
    }

    #[test]
    fn whitespace_inside_quotes_and_values_stays() {
        check(
            "RUN echo \"a \\\n   b\" \\\n  'c \\\n d' \\\n e\nWORKDIR /my \\\n   dir\nENV A=\"1 \\\n   2\"\nLABEL x=${A:-\\\n   y}\n",
            expect![[r#"
                RUN echo "a \
                   b" \
                     'c \
                 d' \
                    e
                WORKDIR /my \
                   dir
                ENV A="1 \
                   2"
                LABEL x=${A:-\
                   y}
            "#]],
        );
    }

    #[test]
    fn a_line_without_blanks_continuing_a_word_is_not_split() {
        check(
            "RUN echo ab\\\ncd \\\nef\nRUN echo \\\\\\\n   x\n",
            expect![[r#"
                RUN echo ab\
                cd \
                    ef
                RUN echo \\\
                   x
            "#]],
        );
    }

    #[test]
    fn blanks_before_a_continuation_between_tokens_become_one_space() {
        check(
            "RUN   \\\n  echo a   \\\n  b\nCOPY --link   \\\n  a   b\n",
            expect![[r#"
                RUN \
                    echo a   \
                    b
                COPY --link \
                    a b
            "#]],
        );
    }

    #[test]
    fn an_instruction_after_a_line_ending_in_the_escape_character_keeps_its_blanks() {
        // BuildKit reads `  RUN x` as the continuation of the line before, whatever the grammar
        // makes of `\\` there; the blanks would become part of the command.
        check(
            "RUN echo a\\\\\n  RUN x\n",
            expect![[r#"
            RUN echo a\\
              RUN x
        "#]],
        );
    }

    #[test]
    fn exec_form_arrays_are_normalised() {
        check(
            "CMD [ \"a\",\"b\" ,  \"c\\u0041\" ]\nENTRYPOINT [\"x\"]\nSHELL  [ \"pwsh\",\"-c\" ]\nCOPY [ \"a b\",\"/c\" ]\nRUN [ -f x ]\nCMD [ ]\nCMD [ \"a\", \\\n  \"b\" ]\nCMD [ 1, \"b\" ]\nONBUILD CMD [ \"x\" ]\n",
            expect![[r#"
                CMD ["a", "b", "c\u0041"]
                ENTRYPOINT ["x"]
                SHELL ["pwsh", "-c"]
                COPY ["a b", "/c"]
                RUN [ -f x ]
                CMD []
                CMD ["a", \
                    "b"]
                CMD [ 1, "b" ]
                ONBUILD CMD ["x"]
            "#]],
        );
    }

    #[test]
    fn heredocs_are_untouched() {
        let text = "FROM a   \nRUN <<EOF  \n  body  \n\tmore\t\n  \nEOF\nCOPY <<one <<two   /dst\n x  \none\n  y  \ntwo\nRUN   echo  \n";
        let after = formatted(text, &FormatOptions::default());
        assert_eq!(
            after,
            "FROM a\nRUN <<EOF\n  body  \n\tmore\t\n  \nEOF\nCOPY <<one <<two /dst\n x  \none\n  y  \ntwo\nRUN echo\n"
        );
    }

    #[test]
    fn trailing_whitespace_goes_from_directives_comments_and_blank_lines() {
        check_edits(
            "# syntax=docker/dockerfile:1  \n# a comment\t\n   \nFROM a \t\n  # indented comment  \n\t\n",
            expect![[r#"
                28..30 "  " → ""
                42..43 "\t" → ""
                44..47 "   " → ""
                54..56 " \t" → ""
                77..79 "  " → ""
                80..81 "\t" → """#]],
        );
    }

    #[test]
    fn edits_are_minimal() {
        check_edits(
            "run  echo \\\n  && x  \nCmd [ \"a\",\"b\" ]\n",
            expect![[r#"
                0..3 "run" → "RUN"
                4..5 " " → ""
                14..14 "" → "  "
                18..20 "  " → ""
                22..24 "md" → "MD"
                26..27 " " → ""
                31..31 "" → " "
                34..35 " " → """#]],
        );
    }

    #[test]
    fn instructions_with_syntax_errors_are_untouched() {
        check(
            "run   echo a   \nFROM  \nCOPY   --fr  \nrun   <<EOF  \nunterminated  \n",
            expect![[r#"
                RUN echo a
                FROM  
                COPY   --fr  
                run   <<EOF  
                unterminated  
            "#]],
        );
    }

    #[test]
    fn backtick_escape_directive() {
        check(
            "# escape=`\nFROM windows\nrun   dir c:\\ `\n  && echo done `\n      && exit\nWORKDIR c:\\ `\n  dir\n",
            expect![[r#"
                # escape=`
                FROM windows
                RUN dir c:\ `
                    && echo done `
                        && exit
                WORKDIR c:\ `
                  dir
            "#]],
        );
    }

    #[test]
    fn unknown_instructions_are_left_alone() {
        check(
            "  rum   echo  \\\n x  \nONBUILD   rum  x\n",
            expect![[r#"
                  rum   echo  \
                 x
                ONBUILD rum  x
            "#]],
        );
    }

    #[test]
    fn tabs_and_other_units() {
        let text = "RUN a \\\n  b \\\n      c\n";
        let tabs = FormatOptions {
            tab_size: 4,
            insert_spaces: false,
        };
        assert_eq!(formatted(text, &tabs), "RUN a \\\n\tb \\\n\t\tc\n");
        let two = FormatOptions {
            tab_size: 2,
            insert_spaces: true,
        };
        assert_eq!(formatted(text, &two), "RUN a \\\n  b \\\n      c\n");
        let zero = FormatOptions {
            tab_size: 0,
            insert_spaces: true,
        };
        assert_eq!(formatted(text, &zero), "RUN a \\\n b \\\n     c\n");
    }

    #[test]
    fn line_endings_are_kept() {
        let text = "from a  \r\nrun a \\\r\nb  \r\n  \r\nRUN x\ry  \n";
        assert_eq!(
            formatted(text, &FormatOptions::default()),
            "FROM a\r\nRUN a \\\r\n    b\r\n\r\nRUN x\ry  \n",
            "a lone carriage return leaves its instruction alone"
        );
    }

    #[test]
    fn a_line_of_only_the_escape_character_continues_what_came_before() {
        // Found by fuzzing: the line after `\` alone was judged by the empty text before that
        // `\`, so it stayed put, and moved on the next formatting.
        check(
            "RUN a \\\n\\\nb\nRUN a\\\n\\\nb\n",
            expect![[r#"
                RUN a \
                    \
                    b
                RUN a\
                \
                b
            "#]],
        );
    }

    #[test]
    fn blanks_after_a_lone_carriage_return_stay() {
        // The grammar ends the RUN at the `\r`; the blanks after it are on the same line for
        // BuildKit. Removing them made `\r\n`, and the next run removed the blank before it.
        let text = "FROM a\nRUN echo a \r  \nRUN b\n";
        let once = formatted(text, &FormatOptions::default());
        assert_eq!(once, text);
        assert_eq!(formatted(&once, &FormatOptions::default()), once);
    }

    #[test]
    fn a_continuation_into_the_end_of_the_file() {
        check(
            "RUN a \\\n  \n",
            expect![[r#"
            RUN a \

        "#]],
        );
        check("RUN a \\", expect![[r#"RUN a \"#]]);
    }

    #[test]
    fn range_formatting_takes_whole_instructions() {
        check_range(
            "run a  \nrun b \\\n$0c  \nrun d$0\nrun e \\\n f\n",
            expect![[r#"
                8..11 "run" → "RUN"
                16..16 "" → "    "
                17..19 "  " → ""
                20..23 "run" → "RUN"
                ---
                run a  
                RUN b \
                    c
                RUN d
                run e \
                 f
            "#]],
        );
        check_range(
            "run a\n$0$0\nrun b\n",
            expect![[r#"

            ---
            run a

            run b
        "#]],
        );
        check_range(
            "run a\n$0  \n$0run b\n",
            expect![[r#"
            6..8 "  " → ""
            9..12 "run" → "RUN"
            ---
            run a

            RUN b
        "#]],
        );
    }

    #[test]
    fn enter_after_the_first_line_indents_by_one_unit() {
        check_on_type(
            "FROM a\nRUN apt-get update \\\n$0",
            expect![[r#"
            28..28 "" → "    "
            ---
            FROM a
            RUN apt-get update \
                $0"#]],
        );
        check_on_type(
            "RUN apt-get update \\\n$0\nCMD x\n",
            expect![[r#"
            21..21 "" → "    "
            ---
            RUN apt-get update \
                $0
            CMD x
        "#]],
        );
    }

    #[test]
    fn enter_after_a_continuation_line_keeps_its_indentation() {
        check_on_type(
            "RUN a \\\n      && b \\\n$0",
            expect![[r#"
                21..21 "" → "      "
                ---
                RUN a \
                      && b \
                      $0"#]],
        );
        check_on_type(
            "RUN a \\\n  && b \\\n  # comment\n$0",
            expect![[r#"
                29..29 "" → "  "
                ---
                RUN a \
                  && b \
                  # comment
                  $0"#]],
        );
        check_on_type(
            "RUN a \\\n    && b \\\n$0x",
            expect![[r#"
            19..19 "" → "    "
            ---
            RUN a \
                && b \
                $0x"#]],
        );
        check_on_type(
            "RUN a \\\n$0        x",
            expect![[r#"
            12..16 "    " → ""
            ---
            RUN a \
            $0    x"#]],
        );
    }

    #[test]
    fn enter_elsewhere_does_nothing() {
        check_on_type(
            "RUN a\n$0",
            expect![[r#"

            ---
            RUN a
            $0"#]],
        );
        check_on_type(
            "# comment \\\n$0",
            expect![[r#"

            ---
            # comment \
            $0"#]],
        );
        check_on_type(
            "RUN echo \"a \\\n$0b\"\n",
            expect![[r#"

            ---
            RUN echo "a \
            $0b"
        "#]],
        );
        check_on_type(
            "RUN a\\\n$0b\n",
            expect![[r#"

            ---
            RUN a\
            $0b
        "#]],
        );
        check_on_type(
            "RUN <<EOF\nx \\\n$0\nEOF\n",
            expect![[r#"

            ---
            RUN <<EOF
            x \
            $0
            EOF
        "#]],
        );
        check_on_type(
            "\n$0",
            expect![[r#"

            ---

            $0"#]],
        );
        check_on_type(
            "RUN a\n# c \\\n$0",
            expect![[r#"

            ---
            RUN a
            # c \
            $0"#]],
        );
        let analysis = Snapshot::from_text("RUN a \\\n");
        assert_eq!(on_type(&analysis, 8, 'x', &FormatOptions::default()), []);
        assert_eq!(on_type(&analysis, 99, '\n', &FormatOptions::default()), []);
        assert_eq!(on_type(&analysis, 0, '\n', &FormatOptions::default()), []);
    }

    #[test]
    fn any_input_formats_without_panicking() {
        for text in [
            "",
            "\n",
            "\u{feff}run a",
            "RUN \u{e9}  \\\n\u{e9}\u{e9}  ",
            "FROM\n\0\0RUN \"",
            "ONBUILD ONBUILD run [ \"a\" ]",
            "RUN a \\\n\\\n\\\n",
            "\t\t\n\r\r\n",
        ] {
            let _ = formatted(text, &FormatOptions::default());
            let analysis = Snapshot::from_text(text);
            for offset in 0..=text.len() + 1 {
                let _ = on_type(&analysis, offset, '\n', &FormatOptions::default());
                let _ = format_range(&analysis, offset..offset + 3, &FormatOptions::default());
            }
        }
    }
}
