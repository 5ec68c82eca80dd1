//! A parser directive given twice.

use crate::diagnostic::Edit;
use crate::diagnostic::Severity;
use crate::rules::{Category, Context, Fixes, Report, Rule, Scope};

pub static RULE: Rule = Rule {
    name: "duplicate-parser-directive",
    summary: "Parser directive given twice",
    docs: "\
Reports a second `syntax`, `escape` or `check` parser directive (names compare without case).

**Why:** BuildKit stops with `only one <name> parser directive can be used`.

**Before**

```dockerfile
# syntax=docker/dockerfile:1
# syntax=docker/dockerfile:1.7
FROM alpine:3.20
```

**After**

```dockerfile
# syntax=docker/dockerfile:1.7
FROM alpine:3.20
```

**Fix:** removes the later directive (not applied by `dockls check --fix`, since which one to \
keep is your choice).",
    severity: Severity::Error,
    category: Category::Correctness,
    scope: Scope::File,
    hadolint: &[],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::Unsafe,
    check,
};

fn check(context: &Context, report: &mut Report) {
    let directives = &context.model.directives;
    for (index, directive) in directives.iter().enumerate() {
        let Some(first) = directives[..index]
            .iter()
            .find(|d| d.name == directive.name)
        else {
            continue;
        };
        let line = context.line_of(first.range.start);
        // The whole line, its line break included.
        let mut end = directive.range.end;
        let rest = context.text.get(end..).unwrap_or_default();
        if rest.starts_with("\r\n") {
            end += 2;
        } else if rest.starts_with('\n') {
            end += 1;
        }
        report
            .add(
                directive.name_range.clone(),
                format!(
                    "only one `{}` parser directive is allowed; the first is on line {line}",
                    directive.name
                ),
            )
            .with_unsafe_fix(
                "Remove this directive",
                vec![Edit {
                    range: directive.range.start..end,
                    new_text: String::new(),
                }],
            );
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::rules::testing::{fixed, render};

    #[test]
    fn reports_the_second_directive() {
        expect![[r#"
            24..30 "Syntax": only one `syntax` parser directive is allowed; the first is on line 1
            52..58 "ESCAPE": only one `escape` parser directive is allowed; the first is on line 2"#]].assert_eq(&render(
            &RULE,
            "# syntax=a\n# escape=`\n# Syntax=b\n# check=skip=all\n# ESCAPE=\\\nFROM a\n",
        ));
    }

    #[test]
    fn one_of_each_is_fine() {
        assert_eq!(
            render(
                &RULE,
                "# syntax=a\n# escape=`\n# check=error=true\nFROM a\n# syntax=b\n"
            ),
            ""
        );
    }

    #[test]
    fn fix_removes_the_line() {
        assert_eq!(
            fixed(&RULE, "# syntax=a\n# syntax=b\nFROM a\n"),
            "# syntax=a\nFROM a\n"
        );
    }
}
