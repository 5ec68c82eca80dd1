//! Reads text that was meant as a JSON array (exec form) but is not valid JSON, and says what
//! is wrong with it. Shared by the exec-form rules.

use std::ops::Range;

use crate::diagnostic::Edit;
use crate::model::{Form, Instruction};
use crate::rules::Context;

/// What keeps an intended array from being JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mistake {
    /// An item in single quotes.
    SingleQuotes,
    /// A comma before the closing `]`.
    TrailingComma,
    /// Two commas in a row.
    ExtraComma,
    /// Two items without a comma between them.
    MissingComma,
    /// A backslash that starts no JSON escape (`\d`).
    InvalidEscape,
    /// An item that is not in quotes.
    BareItem,
    /// No `]` closes the array (or a string) on its logical line.
    Unclosed,
    /// Text after the closing `]`.
    TextAfter,
}

/// One mistake, the bytes it is about, and the edits that repair it when they are mechanical.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub mistake: Mistake,
    pub range: Range<usize>,
    pub edits: Option<Vec<Edit>>,
}

/// An intended array that does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenArray {
    pub mistakes: Vec<Found>,
}

impl BrokenArray {
    /// The edits that make the array valid JSON, when every mistake can be repaired.
    pub fn repair(&self) -> Option<Vec<Edit>> {
        let mut edits = Vec::new();
        for found in &self.mistakes {
            edits.extend(found.edits.clone()?);
        }
        Some(edits)
    }
}

/// The instruction's text that was meant as a JSON array but fell back to shell form (or to
/// plain paths for COPY/ADD/VOLUME), with what is wrong in it; `None` when the text does not
/// look like an intended array, such as the shell test `RUN [ -f x ] && y`.
pub fn broken_array(context: &Context, instruction: &Instruction) -> Option<BrokenArray> {
    let range = match instruction.keyword.as_str() {
        "RUN" | "CMD" | "ENTRYPOINT" | "SHELL" | "HEALTHCHECK"
            if instruction.form == Form::ShellFallback =>
        {
            instruction.command_range.clone()?
        }
        "COPY" | "ADD" | "VOLUME" if instruction.form != Form::Exec => {
            let first = instruction.arguments.first()?;
            let last = instruction.arguments.last()?;
            first.start..last.end
        }
        _ => return None,
    };
    let text = context.slice(range.clone());
    if !text.starts_with('[') {
        return None;
    }
    scan(text, range.start, context.model.escape)
}

/// A token of the array text.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Open,
    Close,
    Comma,
    /// A quoted item; `single` for `'...'`.
    Item {
        single: bool,
    },
    Bare,
}

fn scan(text: &str, base: usize, escape: char) -> Option<BrokenArray> {
    let bytes = text.as_bytes();
    let mut tokens: Vec<(Token, Range<usize>)> = vec![(Token::Open, 0..1)];
    let mut mistakes = Vec::new();
    let mut i = 1;
    let mut closed = false;
    let at = |r: Range<usize>| base + r.start..base + r.end;
    while i < text.len() {
        if let Some(next) = skip_blank(text, i, escape) {
            i = next;
            continue;
        }
        let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) else {
            break;
        };
        match c {
            ']' => {
                tokens.push((Token::Close, i..i + 1));
                closed = true;
                i += 1;
                break;
            }
            ',' => {
                tokens.push((Token::Comma, i..i + 1));
                i += 1;
            }
            '"' => {
                let start = i;
                i += 1;
                let mut terminated = false;
                while i < text.len() {
                    if let Some(next) = continuation(text, i, escape) {
                        i = next;
                        continue;
                    }
                    match bytes.get(i) {
                        Some(b'"') => {
                            terminated = true;
                            i += 1;
                            break;
                        }
                        Some(b'\\') => {
                            let valid = match bytes.get(i + 1) {
                                Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {
                                    true
                                }
                                Some(b'u') => text
                                    .get(i + 2..i + 6)
                                    .is_some_and(|h| h.chars().all(|c| c.is_ascii_hexdigit())),
                                _ => false,
                            };
                            if valid {
                                i += 2;
                            } else {
                                let len = text
                                    .get(i + 1..)
                                    .and_then(|r| r.chars().next())
                                    .map_or(1, |c| 1 + c.len_utf8());
                                mistakes.push(Found {
                                    mistake: Mistake::InvalidEscape,
                                    range: at(i..i + len),
                                    edits: Some(vec![Edit {
                                        range: base + i..base + i,
                                        new_text: "\\".to_owned(),
                                    }]),
                                });
                                i += len;
                            }
                        }
                        Some(_) => i += 1,
                        None => break,
                    }
                }
                if !terminated {
                    mistakes.push(unclosed(at(start..start + 1)));
                    return Some(BrokenArray { mistakes });
                }
                tokens.push((Token::Item { single: false }, start..i));
            }
            '\'' => {
                let start = i;
                let Some(end) = text.get(i + 1..).and_then(|r| r.find('\'')) else {
                    mistakes.push(unclosed(at(start..start + 1)));
                    return Some(BrokenArray { mistakes });
                };
                i = i + 1 + end + 1;
                let content = text.get(start + 1..i - 1).unwrap_or_default();
                let edits = (!content.contains('\n')).then(|| {
                    vec![Edit {
                        range: at(start..i),
                        new_text: json_string(content),
                    }]
                });
                mistakes.push(Found {
                    mistake: Mistake::SingleQuotes,
                    range: at(start..i),
                    edits,
                });
                tokens.push((Token::Item { single: true }, start..i));
            }
            // Other blanks (a form feed, a non-breaking space) separate like a space.
            c if c.is_whitespace() => i += c.len_utf8(),
            _ => {
                let start = i;
                while i < text.len() {
                    match text.get(i..).and_then(|r| r.chars().next()) {
                        Some(c) if c.is_whitespace() || c == ',' || c == ']' => break,
                        Some(c) => i += c.len_utf8(),
                        None => break,
                    }
                }
                tokens.push((Token::Bare, start..i));
            }
        }
    }
    if !intended(&tokens) {
        return None;
    }
    if !closed {
        mistakes.push(unclosed(at(0..1)));
    } else {
        let rest = text.get(i..).unwrap_or_default();
        let trimmed = rest.trim_start();
        if !trimmed.trim_end().is_empty() {
            let start = i + rest.len() - trimmed.len();
            let end = start + trimmed.trim_end().len();
            mistakes.push(Found {
                mistake: Mistake::TextAfter,
                range: at(start..end),
                edits: None,
            });
        }
    }
    // The order of items and commas.
    for pair in tokens.windows(2) {
        let [(previous, previous_range), (token, range)] = pair else {
            continue;
        };
        match (previous, token) {
            (Token::Comma, Token::Close) => mistakes.push(Found {
                mistake: Mistake::TrailingComma,
                range: at(previous_range.clone()),
                edits: Some(vec![Edit {
                    range: at(previous_range.clone()),
                    new_text: String::new(),
                }]),
            }),
            (Token::Comma | Token::Open, Token::Comma) => mistakes.push(Found {
                mistake: Mistake::ExtraComma,
                range: at(range.clone()),
                edits: Some(vec![Edit {
                    range: at(range.clone()),
                    new_text: String::new(),
                }]),
            }),
            (Token::Item { .. } | Token::Bare, Token::Item { .. } | Token::Bare) => {
                mistakes.push(Found {
                    mistake: Mistake::MissingComma,
                    range: at(previous_range.start..range.end),
                    edits: Some(vec![Edit {
                        range: at(previous_range.end..previous_range.end),
                        new_text: ",".to_owned(),
                    }]),
                })
            }
            _ => {}
        }
    }
    for (token, range) in &tokens {
        if *token == Token::Bare {
            mistakes.push(Found {
                mistake: Mistake::BareItem,
                range: at(range.clone()),
                edits: None,
            });
        }
    }
    mistakes.sort_by_key(|m| m.range.start);
    (!mistakes.is_empty()).then_some(BrokenArray { mistakes })
}

/// Whether the tokens look like an array someone meant to write: the first item is quoted and
/// either touches the `[` (a shell test needs a blank there) or is followed by a comma.
fn intended(tokens: &[(Token, Range<usize>)]) -> bool {
    let Some((Token::Item { .. }, first)) = tokens.get(1) else {
        return false;
    };
    first.start == 1 || matches!(tokens.get(2), Some((Token::Comma, _)))
}

fn unclosed(range: Range<usize>) -> Found {
    Found {
        mistake: Mistake::Unclosed,
        range,
        edits: None,
    }
}

/// The index after blanks or a line continuation at `i`, if there is one.
fn skip_blank(text: &str, i: usize, escape: char) -> Option<usize> {
    match text.as_bytes().get(i) {
        Some(b' ' | b'\t' | b'\r' | b'\n') => Some(i + 1),
        _ => continuation(text, i, escape),
    }
}

/// The index after a line continuation (the escape character, blanks, a line break) at `i`.
fn continuation(text: &str, i: usize, escape: char) -> Option<usize> {
    let rest = text.get(i..)?.strip_prefix(escape)?;
    let after_blanks = rest.trim_start_matches([' ', '\t']);
    let after = after_blanks
        .strip_prefix("\r\n")
        .or_else(|| after_blanks.strip_prefix('\n'))?;
    Some(text.len() - after.len())
}

/// `content` as a JSON string literal.
fn json_string(content: &str) -> String {
    let mut out = String::with_capacity(content.len() + 2);
    out.push('"');
    for c in content.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// What a mistake does, for messages: the array is read as shell form or as plain words.
pub fn consequence(instruction: &Instruction) -> &'static str {
    match instruction.keyword.as_str() {
        "COPY" | "ADD" | "VOLUME" => "the array is read as plain words",
        _ => "the array runs as a shell command",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Option<Vec<Mistake>> {
        scan(text, 0, '\\').map(|b| b.mistakes.into_iter().map(|m| m.mistake).collect())
    }

    #[test]
    fn tells_the_mistakes() {
        use Mistake::*;
        assert_eq!(kinds("['a', 'b']"), Some(vec![SingleQuotes, SingleQuotes]));
        assert_eq!(kinds("[\"a\", \"b\",]"), Some(vec![TrailingComma]));
        assert_eq!(kinds("[\"a\" \"b\"]"), Some(vec![MissingComma]));
        assert_eq!(kinds("[\"a\\d\", \"b\"]"), Some(vec![InvalidEscape]));
        assert_eq!(kinds("[\"a\", \"b\""), Some(vec![Unclosed]));
        assert_eq!(kinds("[\"a\", \"b"), Some(vec![Unclosed]));
        assert_eq!(kinds("[\"a\"] && b"), Some(vec![TextAfter]));
        assert_eq!(kinds("[\"a\", b]"), Some(vec![BareItem]));
        assert_eq!(kinds("[\"a\",, \"b\"]"), Some(vec![ExtraComma]));
        assert_eq!(kinds("[\"a\", \\\n  \"b\",]"), Some(vec![TrailingComma]));
    }

    /// Found by the `analysis` fuzz target: a form feed between two items made the scanner
    /// stop moving and fill memory with empty tokens.
    #[test]
    fn other_blanks_separate_items() {
        assert_eq!(
            kinds("[ \"a\",\u{c} \"b\" ]"),
            None,
            "a valid array once the form feed counts as a blank"
        );
        // The fuzzer's input: it ends, whatever it finds.
        let _ = kinds("[ \"\\/usr\\\\\\\"/bin#/znc\", \"-f\"\u{c} \"-r\" ]");
        let _ = kinds("[ \"a\"\u{a0}\"b\" ]");
    }

    #[test]
    fn shell_tests_are_not_arrays() {
        assert_eq!(kinds("[ -f x ] && y"), None);
        assert_eq!(kinds("[ \"$a\" = b ]"), None);
        assert_eq!(kinds("[ \"$a\" ] && echo"), None);
        assert_eq!(kinds("[[ x ]]"), None);
        assert_eq!(kinds("["), None);
    }

    #[test]
    fn single_quoted_items_become_json_strings() {
        assert_eq!(json_string("a\"b\\c"), "\"a\\\"b\\\\c\"");
    }
}
