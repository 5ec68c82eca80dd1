//! Plain text: questions about a `&str` and byte offsets into it that every layer asks the same
//! way. It knows nothing of Dockerfiles or syntax trees.

use std::ops::Range;

/// `offset` clamped to `text` and moved back to the start of the character it is in: any offset
/// a client or a caller computes becomes one that slices `text` safely.
pub fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The offset where the line holding `offset` starts (lines end at `\n`).
pub fn line_start(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    text.as_bytes()[..offset]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1)
}

/// The offset just after the `\n` that ends the line holding `offset` (the end of the text when
/// the line has none).
pub fn line_end_after_newline(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    text.as_bytes()[offset..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(text.len(), |i| offset + i + 1)
}

/// The whole lines `range` touches, the last line's `\n` included: what to delete to remove
/// an instruction.
pub fn whole_lines(text: &str, range: &Range<usize>) -> Range<usize> {
    let end = range.end.max(range.start);
    let last = if end > range.start { end - 1 } else { end };
    line_start(text, range.start)..line_end_after_newline(text, last)
}

/// The 1-based line number of `offset`, counting `\n` as BuildKit does (a line of the
/// Dockerfile, which may differ from the editor's line after a lone `\r`).
pub fn line_number(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    text.as_bytes()[..offset]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The line break the text uses: `\r\n` when it has any, else `\n`.
pub fn newline(text: &str) -> &'static str {
    if text.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    }
}

/// Whether a physical line (without its line break) ends with the escape character that
/// continues it onto the next line. Blanks may follow it; an escaped escape character (`\\`)
/// is a character, not a continuation.
pub fn ends_with_continuation(line: &str, escape: char) -> bool {
    let trimmed = line.trim_end_matches([' ', '\t', '\r']);
    match trimmed.strip_suffix(escape) {
        Some(before) => !before.ends_with(escape),
        None => false,
    }
}

/// The end of the logical line holding `offset`: the end of the first physical line from
/// there on that is not continued, skipping the comment and empty lines a continuation may
/// hold. The end excludes the line break (and a `\r` before it).
pub fn logical_line_end(text: &str, offset: usize, escape: char) -> usize {
    let mut position = offset.min(text.len());
    let mut after_continuation = false;
    loop {
        let line_start = line_start(text, position);
        let line_end = text[position..]
            .find('\n')
            .map_or(text.len(), |i| position + i);
        let line = text[line_start..line_end].trim_end_matches('\r');
        let trimmed = line.trim();
        let skipped = after_continuation && (trimmed.is_empty() || trimmed.starts_with('#'));
        if line_end >= text.len() || !(skipped || ends_with_continuation(line, escape)) {
            return line_start + line.len();
        }
        after_continuation = true;
        position = line_end + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines() {
        let text = "a\nbc\nd";
        assert_eq!(line_start(text, 3), 2);
        assert_eq!(line_start(text, 99), 5);
        assert_eq!(line_end_after_newline(text, 3), 5);
        assert_eq!(line_end_after_newline(text, 6), 6);
        assert_eq!(whole_lines(text, &(2..4)), 2..5);
        assert_eq!(whole_lines(text, &(5..6)), 5..6);
        assert_eq!(line_number(text, 0), 1);
        assert_eq!(line_number(text, 5), 3);
        assert_eq!(newline("a\r\nb\n"), "\r\n");
        assert_eq!(newline("a\nb"), "\n");
    }

    #[test]
    fn continuations() {
        assert!(ends_with_continuation("RUN a \\ ", '\\'));
        assert!(ends_with_continuation("RUN a \\\r", '\\'));
        assert!(!ends_with_continuation("RUN a \\\\", '\\'));
        assert!(ends_with_continuation("RUN a `", '`'));
        assert!(!ends_with_continuation("RUN a", '\\'));
        let text = "RUN a \\\n# note\n\n  b\nRUN c \\";
        assert_eq!(logical_line_end(text, 0, '\\'), 19);
        assert_eq!(logical_line_end(text, 20, '\\'), text.len());
        assert_eq!(logical_line_end("RUN a\r\nRUN b", 0, '\\'), 5);
    }
}
