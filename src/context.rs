//! Where the cursor is: which instruction, which argument, inside which flag, after a `$`.
//!
//! Completion reads this on half-typed lines, where the syntax tree is often broken, so it is
//! worked out from the text of the logical line (continuations, and the comment and empty lines
//! inside them, removed) and from the model for the rest of the file.

use std::ops::Range;

use tree_sitter::Node;

use crate::shell::{Script, SimpleCommand};
use crate::snapshot::Snapshot;

/// A whitespace-separated word of the logical line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The word's text with continuations removed and quotes kept.
    pub text: String,
    /// From its first to its last character in the document.
    pub range: Range<usize>,
}

/// The cursor's place in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// Inside a comment that is not a parser directive line.
    Comment,
    /// On a line of the leading comment block, where parser directives are read.
    Directive {
        /// The text between `#` and the cursor.
        before: String,
        /// Where that text starts.
        start: usize,
    },
    /// In a heredoc body.
    Heredoc,
    /// On an instruction line (possibly empty).
    Line(LineContext),
}

/// The logical line around the cursor, split into words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineContext {
    /// The words before the cursor's word.
    pub words: Vec<Word>,
    /// The word the cursor is in or right after; empty text when the cursor follows a blank.
    pub current: Word,
    /// Where the current word ends, counting what follows the cursor.
    pub current_end: usize,
}

impl LineContext {
    /// The index in `words` of the instruction keyword the arguments belong to: 0, or 1 after
    /// `ONBUILD`.
    pub fn keyword_index(&self) -> Option<usize> {
        let first = self.words.first()?;
        if first.text.eq_ignore_ascii_case("ONBUILD") {
            (self.words.len() > 1).then_some(1)
        } else {
            Some(0)
        }
    }

    /// The keyword whose arguments the cursor is in, upper-cased.
    pub fn keyword(&self) -> Option<String> {
        self.keyword_index()
            .map(|i| self.words[i].text.to_ascii_uppercase())
    }

    /// Whether the cursor's word is the instruction keyword itself.
    pub fn at_keyword(&self) -> bool {
        self.words.is_empty()
            || (self.words.len() == 1 && self.words[0].text.eq_ignore_ascii_case("ONBUILD"))
    }

    /// The arguments before the cursor's word (after the keyword).
    pub fn arguments(&self) -> &[Word] {
        match self.keyword_index() {
            Some(i) => &self.words[i + 1..],
            None => &[],
        }
    }

    /// Whether every argument before the cursor is a flag, so the cursor can be on a flag.
    pub fn in_flags(&self) -> bool {
        self.arguments().iter().all(|w| w.text.starts_with("--"))
    }

    /// The arguments that are not flags.
    pub fn positional(&self) -> impl Iterator<Item = &Word> {
        let flags = self
            .arguments()
            .iter()
            .take_while(|w| w.text.starts_with("--"))
            .count();
        self.arguments()[flags..].iter()
    }
}

/// Works out the cursor's place at `offset`.
pub fn place(analysis: &Snapshot, offset: usize) -> Place {
    let text = analysis.text();
    let offset = crate::text::floor_char_boundary(text, offset);
    if let Some(node) = node_before(analysis, offset) {
        match node.kind() {
            "heredoc_content" | "heredoc_end" => return Place::Heredoc,
            "comment" if node.start_byte() < offset => {
                return comment_place(analysis, node, offset);
            }
            "parser_directive" | "directive_name" | "directive_value" => {
                if let Some(directive) = ancestor_or_self(node, "parser_directive") {
                    // The cursor may sit before the `#`: then it is not in the directive.
                    let hash = text
                        .get(directive.start_byte()..offset)
                        .and_then(|t| t.find('#'));
                    if let Some(hash) = hash {
                        let start = directive.start_byte() + hash + 1;
                        return Place::Directive {
                            before: text[start..offset].to_owned(),
                            start,
                        };
                    }
                }
            }
            _ => {}
        }
    }
    let escape = analysis.model().escape;
    let line_start = logical_line_start(text, offset, escape);
    // A `#` at the start of the line the cursor is on is a comment being typed.
    let physical_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let physical = &text[physical_start..offset];
    if physical.trim_start().starts_with('#') {
        return comment_line_place(analysis, physical_start, offset);
    }
    Place::Line(split_line(text, line_start, offset, escape))
}

/// The deepest node that covers the character before `offset` or at it.
fn node_before<'t>(analysis: &'t Snapshot, offset: usize) -> Option<Node<'t>> {
    let root = analysis.tree().root_node();
    let at = offset.saturating_sub(1);
    root.descendant_for_byte_range(at, offset.max(at))
}

fn ancestor_or_self<'t>(node: Node<'t>, kind: &str) -> Option<Node<'t>> {
    let mut current = Some(node);
    while let Some(n) = current {
        if n.kind() == kind {
            return Some(n);
        }
        current = n.parent();
    }
    None
}

fn comment_place(analysis: &Snapshot, node: Node, offset: usize) -> Place {
    let text = analysis.text();
    let line_start = text[..node.start_byte()].rfind('\n').map_or(0, |i| i + 1);
    comment_line_place(analysis, line_start, offset)
}

/// A line starting with `#`: a directive when it belongs to the leading comment block.
fn comment_line_place(analysis: &Snapshot, line_start: usize, offset: usize) -> Place {
    let text = analysis.text();
    let in_leading_block = text[..line_start].lines().all(|line| {
        let line = line.trim_start_matches('\u{feff}').trim_start();
        line.starts_with('#') && is_directive_line(line)
    });
    let hash = text[line_start..offset].find('#').map(|i| line_start + i);
    match hash {
        Some(hash) if in_leading_block => Place::Directive {
            before: text[hash + 1..offset].to_owned(),
            start: hash + 1,
        },
        _ => Place::Comment,
    }
}

/// Whether a comment line reads as a parser directive (`# name=value`).
fn is_directive_line(line: &str) -> bool {
    let Some(rest) = line.strip_prefix('#') else {
        return false;
    };
    let rest = rest.trim_start();
    let name_len = rest
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(rest.len());
    name_len > 0
        && rest.starts_with(|c: char| c.is_ascii_alphabetic())
        && rest[name_len..].trim_start().starts_with('=')
}

/// The start of the logical line containing `offset`: walks back over physical lines that end
/// with the escape character, skipping the comment and empty lines a continuation may contain.
pub fn logical_line_start(text: &str, offset: usize, escape: char) -> usize {
    let mut start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let mut candidate = start;
    while candidate > 0 {
        let previous_end = candidate - 1;
        let previous_start = text[..previous_end].rfind('\n').map_or(0, |i| i + 1);
        let line = text[previous_start..previous_end].trim_end_matches('\r');
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            // Comment and empty lines belong to the instruction only if a continuation comes
            // before them; keep looking without moving the start yet.
            candidate = previous_start;
            continue;
        }
        if crate::text::ends_with_continuation(line, escape) {
            start = previous_start;
            candidate = previous_start;
        } else {
            break;
        }
    }
    start
}

/// Splits the logical line from `start` to the cursor into words.
fn split_line(text: &str, start: usize, offset: usize, escape: char) -> LineContext {
    let mut words: Vec<Word> = Vec::new();
    let mut current: Option<Word> = None;
    let mut quote: Option<char> = None;
    let mut position = start;
    while position < offset {
        let rest = &text[position..offset];
        let Some(c) = rest.chars().next() else { break };
        if c == escape {
            let after = &text[position + c.len_utf8()..];
            let line_end = after.find('\n').unwrap_or(after.len());
            if after[..line_end]
                .trim_end_matches('\r')
                .trim_matches([' ', '\t'])
                .is_empty()
            {
                // A continuation: skip it and the comment and empty lines after it.
                position = skip_continuation(text, position + c.len_utf8() + line_end, offset);
                if quote.is_none() {
                    if let Some(word) = current.take() {
                        words.push(word);
                    }
                }
                continue;
            }
            // An escaped character belongs to the word.
            let escaped_len = after.chars().next().map_or(0, char::len_utf8);
            let end = (position + c.len_utf8() + escaped_len).min(offset);
            push_char(&mut current, text, position, end);
            position = end;
            continue;
        }
        if quote.is_none() && c.is_whitespace() {
            if let Some(word) = current.take() {
                words.push(word);
            }
        } else {
            match (quote, c) {
                (None, '"' | '\'') => quote = Some(c),
                (Some(q), _) if q == c => quote = None,
                _ => {}
            }
            push_char(&mut current, text, position, position + c.len_utf8());
        }
        position += c.len_utf8();
    }
    let current = current.unwrap_or(Word {
        text: String::new(),
        range: offset..offset,
    });
    let after = &text[offset..];
    let current_end = offset
        + after
            .find(|c: char| c.is_whitespace() || c == escape)
            .unwrap_or(after.len());
    LineContext {
        words,
        current,
        current_end,
    }
}

fn push_char(word: &mut Option<Word>, text: &str, start: usize, end: usize) {
    match word {
        Some(word) => {
            word.text.push_str(&text[start..end]);
            word.range.end = end;
        }
        None => {
            *word = Some(Word {
                text: text[start..end].to_owned(),
                range: start..end,
            })
        }
    }
}

/// From the newline of a continuation, skips it and any comment or empty lines after it.
fn skip_continuation(text: &str, newline: usize, limit: usize) -> usize {
    let mut position = (newline + 1).min(limit);
    loop {
        let rest = &text[position..limit];
        let line_end = rest.find('\n');
        let line = &rest[..line_end.unwrap_or(rest.len())];
        let trimmed = line.trim();
        match line_end {
            Some(end) if trimmed.is_empty() || trimmed.starts_with('#') => {
                position += end + 1;
            }
            _ => return position,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Splits a fixture at its `$0` cursor marker.
    fn at_cursor(fixture: &str) -> (Snapshot, usize) {
        let offset = fixture.find("$0").expect("fixture has a $0 cursor");
        let text = fixture.replacen("$0", "", 1);
        (Snapshot::from_text(&text), offset)
    }

    fn line(fixture: &str) -> LineContext {
        let (analysis, offset) = at_cursor(fixture);
        match place(&analysis, offset) {
            Place::Line(line) => line,
            other => panic!("expected a line, got {other:?}"),
        }
    }

    fn texts(words: &[Word]) -> Vec<&str> {
        words.iter().map(|w| w.text.as_str()).collect()
    }

    #[test]
    fn words_of_a_continued_line() {
        let line = line("FROM a\nRUN --mount=type=cache \\\n  # note\n\n  --net$0 x\n");
        assert_eq!(texts(&line.words), ["RUN", "--mount=type=cache"]);
        assert_eq!(line.current.text, "--net");
        assert_eq!(line.current_end, line.current.range.end);
        assert!(line.in_flags());
        assert_eq!(line.keyword().as_deref(), Some("RUN"));
    }

    #[test]
    fn quotes_keep_blanks_in_a_word() {
        let line = line("LABEL a=\"b c\" d=$0");
        assert_eq!(texts(&line.words), ["LABEL", "a=\"b c\""]);
        assert_eq!(line.current.text, "d=");
    }

    #[test]
    fn onbuild_moves_the_keyword() {
        let line = line("ONBUILD COPY --fr$0");
        assert_eq!(line.keyword().as_deref(), Some("COPY"));
        assert!(!line.at_keyword());
        let line = self::line("ONBUILD R$0");
        assert!(line.at_keyword());
    }

    #[test]
    fn backtick_escape_continues_lines() {
        let line = line("# escape=`\nFROM a\nRUN dir c:\\ `\n  && ec$0");
        assert_eq!(texts(&line.words), ["RUN", "dir", "c:\\", "&&"]);
        assert_eq!(line.current.text, "ec");
    }

    #[test]
    fn comments_directives_and_heredocs() {
        let (analysis, offset) = at_cursor("# syn$0\nFROM a\n");
        assert_eq!(
            place(&analysis, offset),
            Place::Directive {
                before: " syn".to_owned(),
                start: 1
            }
        );
        let (analysis, offset) = at_cursor("FROM a\n# not a dir$0ective\n");
        assert_eq!(place(&analysis, offset), Place::Comment);
        let (analysis, offset) = at_cursor("FROM a\nRUN <<EOF\nec$0ho\nEOF\n");
        assert_eq!(place(&analysis, offset), Place::Heredoc);
    }

    #[test]
    fn empty_line_is_at_the_keyword() {
        let line = line("FROM a\n$0\nRUN x\n");
        assert!(line.at_keyword());
        assert_eq!(line.current.text, "");
    }
}

/// The cursor's place in the shell script of a RUN.
#[derive(Debug)]
pub struct ShellPlace<'a> {
    pub script: &'a Script,
    /// The innermost simple command the cursor is in, or right after with only blanks between.
    pub command: &'a SimpleCommand,
    /// The index in the command's words of the word under the cursor; `None` on the blanks
    /// between or after the words.
    pub word: Option<usize>,
    /// The cursor as a script offset.
    pub cursor: usize,
}

impl ShellPlace<'_> {
    /// The index of the command's subcommand: the first word after the program that is not an
    /// option (`install` in `apt-get -q install x`).
    pub fn subcommand_index(&self) -> Option<usize> {
        let program = self.command.program_index()?;
        let words = &self.command.words;
        (program + 1..words.len()).find(|&i| !words[i].text.starts_with('-'))
    }
}

/// Works out where `offset` is in the shell of a RUN; `None` outside RUN shell, or when the
/// cursor is on no command (between commands, on a continuation, in a comment).
pub fn shell_place(analysis: &Snapshot, offset: usize) -> Option<ShellPlace<'_>> {
    let model = analysis.model();
    let text = analysis.text();
    let offset = crate::text::floor_char_boundary(text, offset);
    // An instruction's range leaves out the blanks after it, where a word is about to be typed.
    let inside = |i: &crate::model::Instruction| {
        i.range.start <= offset
            && text
                .get(i.range.end.min(offset)..offset)
                .is_some_and(|gap| gap.bytes().all(|b| b == b' ' || b == b'\t'))
    };
    let is_run = |i: &crate::model::Instruction| {
        i.keyword == "RUN" || i.trigger.as_ref().is_some_and(|t| t.keyword == "RUN")
    };
    let index = model
        .instructions
        .iter()
        .position(|i| is_run(i) && inside(i))?;
    let script = analysis.script(index)?;
    // Blanks after the script on its last line, which the command node leaves out, put the
    // cursor past every word.
    let mut past_words = false;
    let cursor = script.script_offset(offset).or_else(|| {
        let end = script.source_offset(script.text.len());
        let between = text.get(end..offset)?;
        past_words = true;
        between
            .bytes()
            .all(|b| b == b' ' || b == b'\t')
            .then_some(script.text.len())
    })?;
    let mut found = None;
    for command in &script.commands {
        if command.range.start > cursor {
            break;
        }
        let word = command
            .words
            .iter()
            .position(|w| w.range.start <= cursor && cursor <= w.range.end);
        if let Some(word) = word.filter(|_| !past_words) {
            found = Some((command, Some(word)));
            continue;
        }
        let blanks_after = script
            .text
            .get(command.range.end.min(cursor)..cursor)
            .is_some_and(|gap| gap.bytes().all(|b| b == b' ' || b == b'\t'));
        // Commands come in order, nested ones after the command holding them, so a later one
        // that reaches the cursor is the innermost.
        if cursor <= command.range.end || blanks_after {
            found = Some((command, None));
        }
    }
    let (command, word) = found?;
    Some(ShellPlace {
        script,
        command,
        word,
        cursor,
    })
}
