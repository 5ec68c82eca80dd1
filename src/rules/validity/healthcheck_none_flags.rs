//! Flags on `HEALTHCHECK NONE`, which BuildKit ignores.

use crate::diagnostic::Edit;
use crate::diagnostic::Severity;
use crate::rules::{Category, Context, Fixes, Report, Rule, Scope};

use super::util;

pub static RULE: Rule = Rule {
    name: "healthcheck-none-flags",
    summary: "Flags on `HEALTHCHECK NONE` have no effect",
    docs: "\
Reports flags such as `--interval` written on `HEALTHCHECK NONE`.

**Why:** `NONE` turns off the health check inherited from the base image; BuildKit does not \
even read the flags there, so their values (valid or not) do nothing. Usually the flags belong \
to a `HEALTHCHECK CMD` that was replaced.

**Before**

```dockerfile
HEALTHCHECK --interval=30s NONE
```

**After**

```dockerfile
HEALTHCHECK NONE
```

**Fix:** removes the flags.",
    severity: Severity::Warning,
    category: Category::Correctness,
    scope: Scope::Instruction,
    hadolint: &[],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::Safe,
    check,
};

fn check(context: &Context, report: &mut Report) {
    for instruction in util::with_triggers(context) {
        if instruction.keyword != "HEALTHCHECK" {
            continue;
        }
        let Some((kind, kind_range)) = util::healthcheck_type(context, instruction) else {
            continue;
        };
        let (Some(first), Some(last)) = (instruction.flags.first(), instruction.flags.last())
        else {
            continue;
        };
        if kind != "NONE" {
            continue;
        }
        report
            .add(
                first.range.start..last.range.end,
                "`HEALTHCHECK NONE` ignores its flags",
            )
            .with_fix(
                "Remove the flags",
                vec![Edit {
                    range: first.range.start..kind_range.start,
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
    fn reports_the_flags() {
        expect![[r#"19..44 "--interval=5s --retries=x": `HEALTHCHECK NONE` ignores its flags"#]]
            .assert_eq(&render(
                &RULE,
                "FROM a\nHEALTHCHECK --interval=5s --retries=x NONE\n",
            ));
    }

    #[test]
    fn none_alone_and_cmd_with_flags_are_fine() {
        assert_eq!(
            render(
                &RULE,
                "FROM a\nHEALTHCHECK NONE\nHEALTHCHECK --interval=5s CMD true\n"
            ),
            ""
        );
    }

    #[test]
    fn fix_removes_the_flags() {
        assert_eq!(
            fixed(&RULE, "FROM a\nHEALTHCHECK --interval=5s \\\n  NONE\n"),
            "FROM a\nHEALTHCHECK NONE\n"
        );
    }
}
