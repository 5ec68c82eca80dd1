//! Diagnostics: syntax errors and unknown instructions. The rules engine adds the rest.

use crate::analysis::{Analysis, Diagnostic, Severity};
use crate::knowledge;
use crate::syntax::{self, SyntaxErrorKind};

pub fn diagnostics(analysis: &Analysis) -> Vec<Diagnostic> {
    let text = analysis.text();
    let mut diagnostics: Vec<Diagnostic> = syntax::syntax_errors(analysis.tree(), text.as_bytes())
        .into_iter()
        .map(|error| Diagnostic {
            range: match error.kind {
                // A missing token has no width; show it on the character where it is expected.
                SyntaxErrorKind::Missing(_) if error.range.is_empty() => {
                    widen_to_character(text, error.range.start)
                }
                _ => error.range,
            },
            severity: Severity::Error,
            code: "syntax-error",
            message: error.message,
        })
        .collect();
    for instruction in &analysis.model().instructions {
        for instruction in std::iter::once(instruction).chain(instruction.trigger.as_deref()) {
            if instruction.known {
                continue;
            }
            let message = match nearest_instruction(&instruction.keyword) {
                Some(name) => format!(
                    "unknown instruction `{}`; did you mean `{name}`?",
                    instruction.keyword
                ),
                None => format!("unknown instruction `{}`", instruction.keyword),
            };
            diagnostics.push(Diagnostic {
                range: instruction.keyword_range.clone(),
                severity: Severity::Error,
                code: "unknown-instruction",
                message,
            });
        }
    }
    diagnostics.sort_by_key(|d| (d.range.start, d.range.end));
    diagnostics
}

/// The instruction closest to `word` by edit distance, when it is close enough to be a typo.
pub fn nearest_instruction(word: &str) -> Option<&'static str> {
    let word = word.to_ascii_uppercase();
    knowledge::INSTRUCTIONS
        .iter()
        .map(|i| (edit_distance(&word, i.name), i.name))
        .filter(|&(distance, name)| distance <= 2 && distance < name.len().max(word.len()) / 2 + 1)
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, name)| name)
}

/// Levenshtein distance over characters, with adjacent transpositions counting as one edit.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut previous2: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut current = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            current[j] = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                current[j] = current[j].min(previous2[j - 2] + 1);
            }
        }
        previous2 = std::mem::replace(&mut previous, current);
    }
    previous[b.len()]
}

/// The range of the character at `offset`, or an empty range at the end of the text.
fn widen_to_character(text: &str, offset: usize) -> std::ops::Range<usize> {
    let offset = offset.min(text.len());
    match text[offset..].chars().next() {
        Some(c) if c != '\n' && c != '\r' => offset..offset + c.len_utf8(),
        _ => offset..offset,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> Vec<(std::ops::Range<usize>, &'static str, String)> {
        Analysis::from_text(text)
            .diagnostics()
            .into_iter()
            .map(|d| (d.range, d.code, d.message))
            .collect()
    }

    #[test]
    fn unknown_instruction_suggests_the_nearest() {
        let found = check("FROM alpine\nRUM echo hi\nFORM x\nXYZZY\n");
        assert_eq!(
            found,
            vec![
                (
                    12..15,
                    "unknown-instruction",
                    "unknown instruction `RUM`; did you mean `RUN`?".to_owned()
                ),
                (
                    24..28,
                    "unknown-instruction",
                    "unknown instruction `FORM`; did you mean `FROM`?".to_owned()
                ),
                (
                    31..36,
                    "unknown-instruction",
                    "unknown instruction `XYZZY`".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn syntax_error_stays_on_its_line() {
        let found = check("RUN a\nFROM \nRUN b\n");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0.start, 6);
        assert_eq!(found[0].1, "syntax-error");
    }

    #[test]
    fn edit_distance_counts_transpositions_once() {
        assert_eq!(edit_distance("RNU", "RUN"), 1);
        assert_eq!(edit_distance("", "RUN"), 3);
        assert_eq!(edit_distance("COPY", "COPY"), 0);
    }
}
