//! Small helpers the BuildKit checks share: lines and words of the text, keyword casing,
//! "did you mean" suggestions and BuildKit's variable substitution.

use std::ops::Range;

use crate::model::{Instruction, Model};

pub use crate::rules::validity::util::descendants;

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
    let end = crate::text::logical_line_end(context.text, instruction.range.start, escape);
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
        let end = crate::text::logical_line_end(text, 0, '\\');
        assert_eq!(&text[..end], "EXPOSE 80 \\\n\n# c\n  \"8 1\" 82");
        let found: Vec<String> = words(text, 7..end, '\\')
            .into_iter()
            .map(|w| w.text)
            .collect();
        assert_eq!(found, ["80", "\"8 1\"", "82"]);
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
