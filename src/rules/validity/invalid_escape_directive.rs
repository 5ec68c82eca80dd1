//! `# escape=` with a character other than `\` or backtick.

use crate::diagnostic::Severity;
use crate::rules::{Category, Context, Fixes, Report, Rule, Scope};

pub static RULE: Rule = Rule {
    name: "invalid-escape-directive",
    summary: "Invalid escape character",
    docs: "\
Reports an `# escape=` parser directive whose value is neither `\\` nor a backtick.

**Why:** BuildKit accepts only those two escape characters and stops with `invalid escape \
token`. The backtick is the usual choice on Windows, where `\\` separates paths.

**Before**

```dockerfile
# escape=^
FROM mcr.microsoft.com/windows/servercore:ltsc2022
```

**After**

```dockerfile
# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022
```

**Fix:** none; choose between `\\` and the backtick.",
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
    for directive in &context.model.directives {
        if directive.name != "escape" {
            continue;
        }
        let value = directive.value.trim();
        if value != "\\" && value != "`" {
            report.add(
                directive.value_range.clone(),
                format!("invalid escape character `{value}`: use `\\` or a backtick"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::rules::testing::render;

    #[test]
    fn reports_the_value() {
        expect![[r#"9..10 "^": invalid escape character `^`: use `\` or a backtick"#]]
            .assert_eq(&render(&RULE, "# escape=^\nFROM a\n"));
        expect![[r#"9..11 "\\\\": invalid escape character `\\`: use `\` or a backtick"#]]
            .assert_eq(&render(&RULE, "# escape=\\\\\nFROM a\n"));
    }

    #[test]
    fn backslash_and_backtick_are_fine() {
        assert_eq!(render(&RULE, "# escape=`\nFROM a\n"), "");
        assert_eq!(render(&RULE, "# ESCAPE = \\\nFROM a\n"), "");
    }
}
