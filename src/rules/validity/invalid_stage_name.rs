//! A stage name BuildKit does not accept after `AS`.

use crate::diagnostic::Severity;
use crate::rules::{Category, Context, Fixes, Report, Rule, Scope};

pub static RULE: Rule = Rule {
    name: "invalid-stage-name",
    summary: "Invalid build stage name",
    docs: "\
Reports a name after `FROM ... AS` that BuildKit rejects. Lower-cased, the name must start with \
a letter and continue with letters, digits, `-`, `_` or `.` only.

**Why:** BuildKit stops with `invalid name for build stage`. Upper-case letters pass this check \
(BuildKit lower-cases the name first); `stage-name-casing` is about them.

**Before**

```dockerfile
FROM golang:1.22 AS 1st-build
FROM alpine AS build:linux
```

**After**

```dockerfile
FROM golang:1.22 AS first-build
FROM alpine AS build-linux
```

**Fix:** none; pick the name yourself, and update its `--from` references.",
    severity: Severity::Error,
    category: Category::Correctness,
    scope: Scope::Instruction,
    hadolint: &[],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::None,
    check,
};

fn check(context: &Context, report: &mut Report) {
    for stage in context.stages() {
        let (Some(name), Some(range)) = (&stage.name, &stage.name_range) else {
            continue;
        };
        if let Some(problem) = problem(name) {
            report.add(
                range.clone(),
                format!("invalid stage name `{name}`: {problem}"),
            );
        }
    }
}

/// What is wrong with `name` for BuildKit's `^[a-z][a-z0-9-_.]*$` after lower-casing.
fn problem(name: &str) -> Option<&'static str> {
    let lower = name.to_lowercase();
    let mut chars = lower.chars();
    if !chars.next().is_some_and(|c| c.is_ascii_lowercase()) {
        return Some("it must start with a letter");
    }
    if chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.')) {
        None
    } else {
        Some("only letters, digits, `-`, `_` and `.` are allowed")
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::rules::testing::render;

    #[test]
    fn reports_the_name() {
        expect![[r#"
            10..13 "1st": invalid stage name `1st`: it must start with a letter
            24..35 "build:linux": invalid stage name `build:linux`: only letters, digits, `-`, `_` and `.` are allowed
            46..48 "-x": invalid stage name `-x`: it must start with a letter
            59..66 "ümlaut": invalid stage name `ümlaut`: it must start with a letter"#]].assert_eq(&render(
            &RULE,
            "FROM a AS 1st\nFROM a AS build:linux\nFROM a AS -x\nFROM a AS ümlaut\n",
        ));
    }

    #[test]
    fn valid_names_in_any_case() {
        assert_eq!(
            render(
                &RULE,
                "FROM a AS Build\nFROM a AS b-1_2.3\nFROM a as x\nFROM a\n"
            ),
            ""
        );
    }
}
