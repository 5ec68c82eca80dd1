//! A comment that looks like a parser directive but is read as a plain comment.

use crate::diagnostic::Severity;
use crate::rules::{Category, Context, Fixes, Report, Rule, Scope};

pub static RULE: Rule = Rule {
    name: "ignored-parser-directive",
    summary: "Parser directive read as a comment",
    docs: "\
Reports a comment of the form `# syntax=...`, `# escape=...` or `# check=...` that BuildKit \
reads as a plain comment: because it comes after the first instruction, after another comment \
or a blank line, or because its value is empty.

**Why:** parser directives count only in the unbroken block of directives at the very top of \
the file. Anywhere else they are silently ignored, so the escape character, the frontend \
version or the check settings are not what the file seems to say.

**Before**

```dockerfile
# Build the web server
# syntax=docker/dockerfile:1.7
FROM nginx:1.27
```

**After**

```dockerfile
# syntax=docker/dockerfile:1.7
# Build the web server
FROM nginx:1.27
```

**Fix:** none; move the line to the top of the file yourself.",
    severity: Severity::Information,
    category: Category::Correctness,
    scope: Scope::File,
    hadolint: &[],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::None,
    check,
};

fn check(context: &Context, report: &mut Report) {
    let first_instruction = context
        .model
        .instructions
        .first()
        .map_or(usize::MAX, |i| i.range.start);
    for node in context.top_level() {
        if node.kind() != "comment" {
            continue;
        }
        let text = context.slice(node.byte_range());
        let Some((name, value)) = directive_like(text) else {
            continue;
        };
        let message = if node.start_byte() > first_instruction {
            format!("`{name}` is read as a comment: parser directives must come before the first instruction")
        } else if value.is_empty() {
            format!("`{name}` without a value is read as a comment")
        } else {
            format!(
                "`{name}` is read as a comment: parser directives must be at the top of the file, \
                 before any other comment or blank line"
            )
        };
        report.add(node.byte_range(), message);
    }
}

/// The lower-case name and the value of a `# name=value` comment naming a known directive.
fn directive_like(comment: &str) -> Option<(String, &str)> {
    let rest = comment.strip_prefix('#')?.trim_start();
    let (name, value) = rest.split_once('=')?;
    let name = name.trim_end().to_ascii_lowercase();
    matches!(name.as_str(), "syntax" | "escape" | "check").then(|| (name, value.trim()))
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::rules::testing::render;

    #[test]
    fn reports_misplaced_and_empty_directives() {
        expect![[r##"
            0..9 "# syntax=": `syntax` without a value is read as a comment
            10..20 "# escape=`": `escape` is read as a comment: parser directives must be at the top of the file, before any other comment or blank line
            28..44 "# check=skip=all": `check` is read as a comment: parser directives must come before the first instruction"##]].assert_eq(&render(
            &RULE,
            "# syntax=\n# escape=`\nFROM a\n# check=skip=all\n",
        ));
        expect![[r##"12..40 "# syntax=docker/dockerfile:1": `syntax` is read as a comment: parser directives must be at the top of the file, before any other comment or blank line"##]].assert_eq(&render(&RULE, "# A comment\n# syntax=docker/dockerfile:1\nFROM a\n"));
    }

    #[test]
    fn real_directives_and_plain_comments_are_fine() {
        assert_eq!(
            render(
                &RULE,
                "# syntax=docker/dockerfile:1\n# escape=`\n# hello\nFROM a\n# a = b\n# note: syntax\n"
            ),
            ""
        );
    }
}
