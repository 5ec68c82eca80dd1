//! A quote or `${` left open where BuildKit reads the words.

use std::ops::Range;

use tree_sitter::Node;

use crate::diagnostic::Severity;
use crate::rules::{Category, Context, Fixes, Report, Rule, Scope};

use super::util::{self, Reader};

pub static RULE: Rule = Rule {
    name: "unclosed-quote",
    summary: "Unclosed quote or `${`",
    docs: "\
Reports a `\"`, `'` or `${` that is not closed before the end of the instruction, in the \
words BuildKit reads itself: the arguments of `FROM`, `COPY`, `ADD`, `ENV`, `ARG`, `LABEL`, \
`WORKDIR`, `USER`, `EXPOSE`, `VOLUME`, `STOPSIGNAL`, and flag values. The same mistake in a \
`RUN`, `CMD` or `ENTRYPOINT` command is `unclosed-quote-in-shell`.

**Why:** BuildKit stops with `unexpected end of statement while looking for matching \
double-quote` (or single-quote), or `missing '}'`. A quote cannot span lines except through a \
line continuation.

**Before**

```dockerfile
ENV GREETING=\"hello world
LABEL version=${VERSION
```

**After**

```dockerfile
ENV GREETING=\"hello world\"
LABEL version=${VERSION}
```

**Fix:** none; where the quote should end is yours to say.",
    severity: Severity::Error,
    category: Category::Correctness,
    scope: Scope::File,
    hadolint: &[],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::None,
    check,
};

fn check(context: &Context, report: &mut Report) {
    for (range, message) in unclosed(context, Reader::Builder) {
        report.add(range, message);
    }
}

/// The unclosed quotes and `${` read by `reader`, with their messages.
pub fn unclosed(context: &Context, reader: Reader) -> Vec<(Range<usize>, String)> {
    let mut found = Vec::new();
    let kinds = ["double_quoted_string", "single_quoted_string", "expansion"];
    let root = context.tree.root_node();
    let mut cursor = root.walk();
    let top_level: Vec<Node> = match context.focus {
        None => root.children(&mut cursor).collect(),
        // Every node on the lines of a focused instruction: an error node beside an
        // instruction on its line belongs to the instruction's unit too.
        Some(_) => {
            let top = context.top_level();
            let mut nodes = Vec::new();
            for (_, instruction) in context.instructions() {
                let lines = crate::text::whole_lines(context.text, &instruction.range);
                let first = top.partition_point(|n| n.end_byte() <= lines.start);
                nodes.extend(
                    top[first..]
                        .iter()
                        .take_while(|n| n.start_byte() < lines.end)
                        .copied(),
                );
            }
            nodes.dedup();
            nodes
        }
    };
    // Only instructions with a quote or `$` in their text can hold one: skip the others' trees.
    let candidates = top_level.into_iter().filter(|child| {
        context
            .slice(child.byte_range())
            .bytes()
            .any(|b| matches!(b, b'"' | b'\'' | b'$'))
    });
    let nodes = candidates.flat_map(|child| util::descendants_of_kinds(child, &kinds));
    for node in nodes {
        let (close, what) = match node.kind() {
            "double_quoted_string" => ("\"", "`\"`"),
            "single_quoted_string" => ("'", "`'`"),
            _ => ("}", "`${`"),
        };
        {
            if is_closed(node, close) || util::reader_of(node) != Some(reader) {
                continue;
            }
            if reader == Reader::Shell && after_shell_comment(context, node) {
                continue;
            }
            found.push((node.byte_range(), format!("unclosed {what}")));
        }
    }
    found.sort_by_key(|(range, _)| range.start);
    found
}

fn is_closed(node: Node, close: &str) -> bool {
    let count = node.child_count();
    count > 1
        && node
            .child(count - 1)
            .is_some_and(|last| last.kind() == close && !last.is_missing())
}

/// Whether a shell comment (` #` outside quotes) starts earlier on the node's line, so the
/// shell never reads the quote.
fn after_shell_comment(context: &Context, node: Node) -> bool {
    let start = node.start_byte();
    let line_start = context
        .text
        .get(..start)
        .and_then(|before| before.rfind('\n'))
        .map_or(0, |i| i + 1);
    let line = context.slice(line_start..start);
    let mut quote: Option<char> = None;
    let mut previous = ' ';
    for c in line.chars() {
        match c {
            '"' | '\'' if quote.is_none() => quote = Some(c),
            c if Some(c) == quote => quote = None,
            '#' if quote.is_none() && previous.is_whitespace() => return true,
            _ => {}
        }
        previous = c;
    }
    false
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::rules::testing::render;

    #[test]
    fn reports_unclosed_quotes_read_by_buildkit() {
        expect![[r#"
            13..19 "\"x ${B": unclosed `"`
            16..19 "${B": unclosed `${`
            28..30 "'y": unclosed `'`
            44..51 "\"1 a b/": unclosed `"`
            62..65 "${B": unclosed `${`"#]]
        .assert_eq(&render(
            &RULE,
            "FROM a\nENV A=\"x ${B\nLABEL l='y\nCOPY --chown=\"1 a b/\nWORKDIR /a${B\n\
             RUN echo \"z\n",
        ));
    }

    #[test]
    fn closed_quotes_and_shell_commands_are_fine() {
        assert_eq!(
            render(
                &RULE,
                "FROM a\nENV A=\"x ${B}\" C='y' D=\"multi \\\n line\"\nRUN echo \"z\nCMD it's\n\
                 MAINTAINER Jane \"JD\n"
            ),
            ""
        );
    }
}
