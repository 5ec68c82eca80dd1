//! The deprecated MAINTAINER instruction.

use super::super::{Category, Context, Fixes, Report, Rule, Scope};
use super::util;
use crate::diagnostic::Edit;
use crate::diagnostic::Severity;
use crate::model::collapse_continuations;

pub static RULE: Rule = Rule {
    name: "maintainer-deprecated",
    summary: "MAINTAINER is deprecated",
    docs: "\
Reports the `MAINTAINER` instruction.

**Why:** `MAINTAINER` has been deprecated since Docker 1.13. It fills the image's old `Author` \
field, which few tools read; the OCI label `org.opencontainers.image.authors` is the standard \
place for the same information, and labels can be queried and filtered like any other.

**Before**

```dockerfile
FROM alpine:3.20
MAINTAINER Jane Doe <jane@example.com>
```

**After**

```dockerfile
FROM alpine:3.20
LABEL org.opencontainers.image.authors=\"Jane Doe <jane@example.com>\"
```

**Fix:** replaces the instruction with that `LABEL`, quoting the text so it stays the same.",
    severity: Severity::Warning,
    category: Category::Style,
    scope: Scope::Instruction,
    hadolint: &["DL4000"],
    buildkit: Some("MaintainerDeprecated"),
    off_by_default: false,
    fixes: Fixes::Safe,
    check,
};

fn check(context: &Context, report: &mut Report) {
    for (_, instruction) in context.instructions() {
        if instruction.keyword != "MAINTAINER" {
            continue;
        }
        let finding = report.add(
            instruction.keyword_range.clone(),
            "`MAINTAINER` is deprecated; use `LABEL org.opencontainers.image.authors=...`",
        );
        let Some(argument) = instruction.arguments.first() else {
            continue;
        };
        let text = collapse_continuations(context.slice(argument.clone()), context.model.escape);
        let author = text.trim();
        // A control character cannot be written inside the quoted label value.
        if author.is_empty() || author.contains(|c: char| c.is_control() && c != '\t') {
            continue;
        }
        let keyword = util::cased_like(context.slice(instruction.keyword_range.clone()), "LABEL");
        let new_text = format!(
            "{keyword} org.opencontainers.image.authors={}",
            quote(author)
        );
        finding.with_fix(
            "Replace with `LABEL org.opencontainers.image.authors`",
            vec![Edit {
                range: instruction.keyword_range.start..argument.end,
                new_text,
            }],
        );
    }
}

/// A double-quoted LABEL value that BuildKit reads back as `text`: quotes, backslashes and `$`
/// escaped.
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        if matches!(c, '"' | '\\' | '$') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::rules::testing::{fixed, render};

    #[test]
    fn reports_the_keyword() {
        expect![[r#"7..17 "MAINTAINER": `MAINTAINER` is deprecated; use `LABEL org.opencontainers.image.authors=...`"#]].assert_eq(&render(
            &RULE,
            "FROM a\nMAINTAINER Jane Doe <jane@example.com>\n",
        ));
    }

    #[test]
    fn labels_are_fine() {
        assert_eq!(
            render(
                &RULE,
                "FROM a\nLABEL org.opencontainers.image.authors=jane\n"
            ),
            ""
        );
    }

    #[test]
    fn fix_writes_a_label() {
        assert_eq!(
            fixed(&RULE, "FROM a\nMAINTAINER Jane \"JD\" Doe <j@x> $5\n"),
            "FROM a\nLABEL org.opencontainers.image.authors=\"Jane \\\"JD\\\" Doe <j@x> \\$5\"\n"
        );
        assert_eq!(
            fixed(&RULE, "from a\nmaintainer jane\n"),
            "from a\nlabel org.opencontainers.image.authors=\"jane\"\n"
        );
    }
}
