//! Small helpers the BuildKit checks share: lines and words of the text, keyword casing,
//! "did you mean" suggestions and BuildKit's variable substitution.

use std::ops::Range;

use tree_sitter::{Node, Tree};

use crate::model::{Instruction, Model};

/// The syntax node of an instruction, found by its range.
pub fn instruction_node<'t>(tree: &'t Tree, instruction: &Instruction) -> Option<Node<'t>> {
    let range = &instruction.range;
    let mut node = tree
        .root_node()
        .descendant_for_byte_range(range.start, range.end)?;
    loop {
        if node.byte_range() == *range && node.kind().ends_with("_instruction") {
            return Some(node);
        }
        node = node.parent()?;
    }
}

pub use crate::rules::validity::util::descendants;

/// The offset where the line holding `offset` starts.
pub fn line_start(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    text.as_bytes()
        .get(..offset)
        .and_then(|before| before.iter().rposition(|&b| b == b'\n'))
        .map_or(0, |i| i + 1)
}

/// The offset just after the newline that ends the line holding `offset` (the end of the text
/// when the line has no newline).
pub fn line_end_after_newline(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    text.as_bytes()
        .get(offset..)
        .and_then(|after| after.iter().position(|&b| b == b'\n'))
        .map_or(text.len(), |i| offset + i + 1)
}

/// The whole lines an instruction covers, newline included: what to delete to remove it.
pub fn whole_lines(text: &str, range: &Range<usize>) -> Range<usize> {
    let end = range.end.max(range.start);
    let last = if end > range.start { end - 1 } else { end };
    line_start(text, range.start)..line_end_after_newline(text, last)
}

/// The line ending the file uses.
pub fn newline(text: &str) -> &'static str {
    if text.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    }
}

/// The end of the logical line starting at `start`: the first newline not continued by the
/// escape character, blank lines and comment lines inside a continuation included.
pub fn logical_line_end(text: &str, start: usize, escape: char) -> usize {
    let mut offset = start.min(text.len());
    loop {
        let line_end = text
            .get(offset..)
            .and_then(|rest| rest.find('\n'))
            .map_or(text.len(), |i| offset + i);
        let line = text.get(offset..line_end).unwrap_or_default();
        let continued = line.trim_end_matches(['\r', ' ', '\t']).ends_with(escape);
        if !continued || line_end >= text.len() {
            return line_end;
        }
        offset = line_end + 1;
        // Comment and blank lines inside a continuation do not end it.
        while let Some(rest) = text.get(offset..) {
            let next_end = rest.find('\n').map_or(text.len(), |i| offset + i);
            let next = text.get(offset..next_end).unwrap_or_default().trim();
            if (next.is_empty() || next.starts_with('#')) && next_end < text.len() {
                offset = next_end + 1;
            } else {
                break;
            }
        }
    }
}

/// A word of an instruction's arguments and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    pub range: Range<usize>,
}

/// Splits `range` of `text` into blank-separated words the way BuildKit's parser does for
/// arguments: quotes keep blanks inside a word, line continuations separate words.
pub fn words(text: &str, range: Range<usize>, escape: char) -> Vec<Word> {
    let Some(slice) = text.get(range.clone()) else {
        return Vec::new();
    };
    let mut words = Vec::new();
    let mut start: Option<usize> = None;
    let mut quote: Option<char> = None;
    let mut chars = slice.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            } else if c == escape && q == '"' {
                chars.next();
            }
            continue;
        }
        if c == escape {
            // A continuation: escape, blanks, newline.
            let rest = &slice[i + c.len_utf8()..];
            let blanks = rest.len() - rest.trim_start_matches([' ', '\t', '\r']).len();
            if rest[blanks..].starts_with('\n') {
                if let Some(s) = start.take() {
                    words.push(word(slice, s..i, range.start));
                }
                let skip_to = i + c.len_utf8() + blanks + 1;
                // Skip comment and blank lines inside the continuation.
                let mut offset = skip_to;
                while let Some(line) = slice.get(offset..) {
                    let end = line.find('\n').map_or(slice.len(), |e| offset + e);
                    let content = slice[offset..end].trim();
                    if (content.is_empty() || content.starts_with('#')) && end < slice.len() {
                        offset = end + 1;
                    } else {
                        break;
                    }
                }
                while chars.peek().is_some_and(|&(j, _)| j < offset) {
                    chars.next();
                }
                continue;
            }
            start.get_or_insert(i);
            chars.next();
            continue;
        }
        match c {
            ' ' | '\t' | '\r' | '\n' => {
                if let Some(s) = start.take() {
                    words.push(word(slice, s..i, range.start));
                }
            }
            '"' | '\'' => {
                start.get_or_insert(i);
                quote = Some(c);
            }
            _ => {
                start.get_or_insert(i);
            }
        }
    }
    if let Some(s) = start {
        words.push(word(slice, s..slice.len(), range.start));
    }
    words
}

fn word(slice: &str, range: Range<usize>, base: usize) -> Word {
    Word {
        text: slice[range.clone()].to_owned(),
        range: base + range.start..base + range.end,
    }
}

/// Whether a keyword as written is all lower case (`from`), so new keywords follow that style.
pub fn is_lower(keyword: &str) -> bool {
    keyword.chars().any(|c| c.is_ascii_alphabetic())
        && keyword.chars().all(|c| !c.is_ascii_uppercase())
}

/// `word` in the casing style of `keyword` as written: lower case after `from`, upper case
/// otherwise.
pub fn cased_like(keyword: &str, word: &str) -> String {
    if is_lower(keyword) {
        word.to_ascii_lowercase()
    } else {
        word.to_ascii_uppercase()
    }
}

pub use crate::rules::unknown_instruction::edit_distance;

/// The candidate closest to `word` when it is close enough to be a typo: at most two edits
/// (case differences count as one edit each, but a candidate differing only in case wins),
/// and fewer edits than half the word.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .filter(|c| *c != word)
        .map(|c| {
            let distance = if c.eq_ignore_ascii_case(word) {
                0
            } else {
                edit_distance(&word.to_ascii_lowercase(), &c.to_ascii_lowercase())
            };
            (distance, c)
        })
        .filter(|&(distance, c)| distance <= 2 && distance * 2 < c.chars().count().max(2))
        .min_by_key(|&(distance, c)| (distance, c))
        .map(|(_, c)| c)
}

/// Whether an expansion as written (`${NAME:-x}`) gives a fallback when the variable is unset,
/// so an undefined variable there is intended.
pub fn has_fallback(expansion: &str) -> bool {
    let Some(body) = expansion.strip_prefix("${") else {
        return false;
    };
    let rest = body.trim_start_matches(|c: char| c.is_ascii_alphanumeric() || c == '_');
    rest.starts_with(":-")
        || rest.starts_with('-')
        || rest.starts_with(":+")
        || rest.starts_with('+')
}

/// The names of the global ARGs (declared before the first FROM), in file order.
pub fn global_arg_names(model: &Model) -> Vec<&str> {
    model
        .declarations
        .iter()
        .filter(|d| d.scope == crate::model::Scope::Global)
        .map(|d| d.name.as_str())
        .collect()
}

pub use crate::model::substitute;

/// `text` as a JSON string literal, quotes included.
pub fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The words of an EXPOSE instruction, read from the text to the end of its logical line
/// (the syntax tree does not take `host:container` forms).
pub fn expose_words(context: &crate::rules::Context, instruction: &Instruction) -> Vec<Word> {
    let escape = context.model.escape;
    let end = logical_line_end(context.text, instruction.range.start, escape);
    let start = instruction.keyword_range.end.min(end);
    words(context.text, start..end, escape)
}

/// The byte positions of `needle` in `word` outside `${...}` expansions.
pub fn positions_outside_expansions(word: &str, needle: u8) -> Vec<usize> {
    let bytes = word.as_bytes();
    let mut depth = 0usize;
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                depth += 1;
                i += 1;
            }
            b'}' if depth > 0 => depth -= 1,
            b if b == needle && depth == 0 => found.push(i),
            _ => {}
        }
        i += 1;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logical_lines_and_words() {
        let text = "EXPOSE 80 \\\n\n# c\n  \"8 1\" 82\nRUN x\n";
        let end = logical_line_end(text, 0, '\\');
        assert_eq!(&text[..end], "EXPOSE 80 \\\n\n# c\n  \"8 1\" 82");
        let found: Vec<String> = words(text, 7..end, '\\')
            .into_iter()
            .map(|w| w.text)
            .collect();
        assert_eq!(found, ["80", "\"8 1\"", "82"]);
        assert_eq!(logical_line_end("a \\", 0, '\\'), 3);
    }

    #[test]
    fn lines() {
        let text = "a\nbc\nd";
        assert_eq!(line_start(text, 3), 2);
        assert_eq!(line_end_after_newline(text, 3), 5);
        assert_eq!(whole_lines(text, &(2..4)), 2..5);
        assert_eq!(whole_lines(text, &(5..6)), 5..6);
    }

    #[test]
    fn suggestions() {
        assert_eq!(nearest("NAEM", ["NAME", "OTHER"]), Some("NAME"));
        assert_eq!(nearest("path", ["PATH"]), Some("PATH"));
        assert_eq!(nearest("X", ["Y"]), None);
        assert_eq!(nearest("FOO", ["BAR"]), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("naem", "name"), 1);
    }

    #[test]
    fn substitution() {
        let lookup = |name: &str| (name == "SET").then(|| "x".to_owned());
        assert_eq!(
            substitute("a:${SET}${NONE}${NONE:-d}${SET:+y}$SET\"q\"", &lookup).as_deref(),
            Some("a:xdyxq")
        );
        assert_eq!(substitute("${SET#x}", &lookup), None);
        assert_eq!(substitute("${SET", &lookup), None);
        assert!(has_fallback("${A:-b}"));
        assert!(!has_fallback("${A}"));
        assert!(!has_fallback("$A"));
    }
}
