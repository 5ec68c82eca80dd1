//! Empty lines inside an instruction continued with the escape character.

use super::super::{Category, Context, Fixes, Report, Rule, Scope};
use super::util;
use crate::diagnostic::Edit;
use crate::diagnostic::Severity;

pub static RULE: Rule = Rule {
    name: "no-empty-continuation",
    summary: "Empty line inside a continued instruction",
    docs: "\
Reports empty lines between the lines of one instruction continued with `\\` (or the escape \
character set by `# escape=`).

**Why:** BuildKit skips such lines today, so the instruction goes on after the gap, and a \
future release will reject them. The gap also hides a real mistake: a line ending in `\\` \
followed by an empty line and a new instruction makes that instruction part of the previous \
one.

**Before**

```dockerfile
RUN apk add --no-cache \\

    curl
```

**After**

```dockerfile
RUN apk add --no-cache \\
    curl
```

**Fix:** removes the empty lines, which keeps the instruction as BuildKit reads it. Use a \
comment line if you want a visual separation.",
    severity: Severity::Warning,
    category: Category::Correctness,
    scope: Scope::Instruction,
    hadolint: &[],
    buildkit: Some("NoEmptyContinuation"),
    off_by_default: false,
    fixes: Fixes::Safe,
    check,
};

fn check(context: &Context, report: &mut Report) {
    for (_, instruction) in context.instructions() {
        // Only an instruction with an empty line inside can have an empty continuation line.
        let body = context.slice(instruction.range.clone());
        if !body.lines().any(|line| line.trim().is_empty()) {
            continue;
        }
        let Some(node) = context.instruction_node(instruction) else {
            continue;
        };
        for continuation in util::descendants(node, "line_continuation") {
            let range = continuation.byte_range();
            let text = context.slice(range.clone());
            let Some(newline) = text.find('\n') else {
                continue;
            };
            // After the first newline: whole empty lines, then the indentation of the next.
            let Some(last_newline) = text.rfind('\n') else {
                continue;
            };
            let empty = range.start + newline + 1..range.start + last_newline + 1;
            if empty.is_empty() {
                continue;
            }
            let lines = context.slice(empty.clone()).matches('\n').count();
            let message = if lines > 1 {
                format!("{lines} empty lines inside a continued instruction")
            } else {
                "empty line inside a continued instruction".to_owned()
            };
            report.add(empty.clone(), message).with_fix(
                "Remove the empty lines",
                vec![Edit {
                    range: empty,
                    new_text: String::new(),
                }],
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::rules::testing::{fixed, render};

    #[test]
    fn reports_the_empty_lines() {
        expect![[r#"
            15..16 "\n": empty line inside a continued instruction
            26..30 "\n  \n": 2 empty lines inside a continued instruction"#]]
        .assert_eq(&render(
            &RULE,
            "FROM a\nRUN a \\\n\n  b \\\n# c\n\n  \n  d\n",
        ));
    }

    #[test]
    fn continuations_without_gaps_are_fine() {
        assert_eq!(
            render(&RULE, "FROM a\nRUN a \\\n  b \\\n  # c\n  d\n\nRUN e\n"),
            ""
        );
    }

    #[test]
    fn fix_removes_the_lines() {
        assert_eq!(
            fixed(&RULE, "FROM a\nRUN a \\\n\n\n  b\n"),
            "FROM a\nRUN a \\\n  b\n"
        );
        assert_eq!(
            fixed(&RULE, "# escape=`\r\nFROM a\r\nRUN a `\r\n\r\n  b\r\n"),
            "# escape=`\r\nFROM a\r\nRUN a `\r\n  b\r\n"
        );
    }
}
