//! Selection ranges: "expand selection" grows from the word under the cursor to the argument,
//! the instruction, the stage and the whole file.

use std::ops::Range;

use tree_sitter::Node;

use crate::snapshot::Snapshot;

/// The ranges around `offset`, innermost first, each strictly containing the one before and
/// all containing `offset`.
pub fn selection_ranges(analysis: &Snapshot, offset: usize) -> Vec<Range<usize>> {
    let text = analysis.text();
    let offset = crate::text::floor_char_boundary(text, offset);
    let mut ranges: Vec<Range<usize>> = Vec::new();
    let mut push = |range: Range<usize>| {
        let range = trim(text, range);
        if range.is_empty() {
            return;
        }
        // Every range holds the cursor, also where it sits on blanks next to the text.
        let range = range.start.min(offset)..range.end.max(offset);
        let grows = ranges.last().is_none_or(|last| {
            range.start <= last.start && last.end <= range.end && range != *last
        });
        if grows {
            ranges.push(range);
        }
    };

    let root = analysis.tree().root_node();
    let innermost = innermost_node(root, text, offset);
    // The blank-separated word around the cursor, inside the innermost node (a shell command is
    // one node; its words are what a user selects first).
    if let Some(word) = word_at(text, innermost.byte_range(), offset) {
        push(word);
    }
    let stage = analysis.model().stage_at(offset).and_then(|index| {
        let stage = analysis.model().stages.get(index)?;
        (stage.range.start <= offset && offset <= stage.range.end).then(|| stage.range.clone())
    });
    let mut node = Some(innermost);
    while let Some(current) = node {
        if current.id() == root.id() {
            break;
        }
        // The stage goes between the instruction and the file.
        if let Some(stage) = &stage {
            if current.start_byte() < stage.start || stage.end < current.end_byte() {
                push(stage.clone());
            }
        }
        push(current.byte_range());
        node = current.parent();
    }
    if let Some(stage) = stage {
        push(stage);
    }
    push(0..text.len());
    ranges
}

/// The smallest named node at `offset`; when the cursor sits right after a word (`${V|}`), the
/// node of that word rather than the punctuation after it.
fn innermost_node<'t>(root: Node<'t>, text: &str, offset: usize) -> Node<'t> {
    let at = root
        .named_descendant_for_byte_range(offset, offset)
        .unwrap_or(root);
    let before = text[..offset].chars().next_back();
    let Some(before) = before.filter(|c| !c.is_whitespace()) else {
        return at;
    };
    let previous = offset - before.len_utf8();
    match root.named_descendant_for_byte_range(previous, previous) {
        Some(node)
            if node.end_byte() == offset && node.byte_range().len() < at.byte_range().len() =>
        {
            node
        }
        _ => at,
    }
}

/// The run of non-blank characters around `offset` within `within`.
fn word_at(text: &str, within: Range<usize>, offset: usize) -> Option<Range<usize>> {
    let slice = text.get(within.clone())?;
    let at = offset.checked_sub(within.start)?;
    let before = slice.get(..at)?;
    let after = slice.get(at..)?;
    let start = before.rfind(char::is_whitespace).map_or(0, |i| {
        i + before[i..].chars().next().map_or(1, char::len_utf8)
    });
    let end = at + after.find(char::is_whitespace).unwrap_or(after.len());
    (start < end).then(|| within.start + start..within.start + end)
}

/// Shrinks a range so it neither starts nor ends with whitespace.
fn trim(text: &str, range: Range<usize>) -> Range<usize> {
    let end = range.end.min(text.len());
    let start = range.start.min(end);
    let Some(slice) = text.get(start..end) else {
        return start..start;
    };
    let leading = slice.len() - slice.trim_start().len();
    let trailing = slice.len() - slice.trim_end().len();
    if leading == slice.len() {
        return start..start;
    }
    start + leading..end - trailing
}

#[cfg(test)]
mod tests {
    use expect_test::{expect, Expect};

    use super::*;

    fn check(fixture: &str, expect: Expect) {
        let offset = fixture.find("$0").expect("a $0 marker");
        let text = fixture.replace("$0", "");
        let analysis = Snapshot::from_text(&text);
        let rendered: Vec<String> = selection_ranges(&analysis, offset)
            .into_iter()
            .map(|range| format!("{range:?} {:?}", &text[range.clone()]))
            .collect();
        expect.assert_eq(&rendered.join("\n"));
    }

    #[test]
    fn word_argument_instruction_stage_file() {
        check(
            "ARG V=1\nFROM alpine:${V} AS base\nRUN apk add --no-cache cu$0rl \\\n    git\nFROM base\n",
            expect![[r#"
                56..60 "curl"
                37..70 "apk add --no-cache curl \\\n    git"
                33..70 "RUN apk add --no-cache curl \\\n    git"
                8..70 "FROM alpine:${V} AS base\nRUN apk add --no-cache curl \\\n    git"
                0..80 "ARG V=1\nFROM alpine:${V} AS base\nRUN apk add --no-cache curl \\\n    git\nFROM base""#]],
        );
    }

    #[test]
    fn variable_inside_an_image() {
        check(
            "ARG V=1\nFROM alpine:${V$0} AS base\n",
            expect![[r#"
                22..23 "V"
                20..24 "${V}"
                13..24 "alpine:${V}"
                8..32 "FROM alpine:${V} AS base"
                0..32 "ARG V=1\nFROM alpine:${V} AS base""#]],
        );
    }

    #[test]
    fn flag_value() {
        check(
            "FROM a\nRUN --mount=type=cache,target=/ro$0ot true\n",
            expect![[r#"
                37..42 "/root"
                30..42 "target=/root"
                19..42 "type=cache,target=/root"
                11..42 "--mount=type=cache,target=/root"
                7..47 "RUN --mount=type=cache,target=/root true"
                0..47 "FROM a\nRUN --mount=type=cache,target=/root true""#]],
        );
    }

    #[test]
    fn heredoc_body() {
        check(
            "FROM a\nRUN <<EOF\necho h$0i there\nEOF\n",
            expect![[r#"
                22..24 "hi"
                17..30 "echo hi there"
                17..34 "echo hi there\nEOF"
                7..34 "RUN <<EOF\necho hi there\nEOF"
                0..34 "FROM a\nRUN <<EOF\necho hi there\nEOF""#]],
        );
    }

    #[test]
    fn blanks_around_the_text_are_included() {
        check("FROM a\n$0", expect![[r#"0..7 "FROM a\n""#]]);
        check("$0  FROM a\n", expect![[r#"0..8 "  FROM a""#]]);
    }

    #[test]
    fn any_offset_of_any_text_is_safe() {
        let text = "FROM é\u{1F600}\nRUN \"x\\\n\tyé\nCOPY <<A\n";
        let analysis = Snapshot::from_text(text);
        for offset in 0..=text.len() + 2 {
            let ranges = selection_ranges(&analysis, offset);
            for pair in ranges.windows(2) {
                assert!(pair[1].start <= pair[0].start && pair[0].end <= pair[1].end);
            }
            for range in ranges {
                assert!(
                    range.start <= offset.min(text.len()) && offset.min(text.len()) <= range.end
                );
                assert!(text.get(range).is_some());
            }
        }
    }
}
