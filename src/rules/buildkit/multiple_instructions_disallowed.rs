//! More than one CMD, ENTRYPOINT or HEALTHCHECK in a stage.

use super::super::{Category, Context, Fixes, Report, Rule, Scope};
use crate::diagnostic::Edit;
use crate::diagnostic::Severity;

pub static RULE: Rule = Rule {
    name: "multiple-instructions-disallowed",
    summary: "CMD, ENTRYPOINT or HEALTHCHECK overridden later in the stage",
    docs: "\
Reports a `CMD`, `ENTRYPOINT` or `HEALTHCHECK` that a later instruction of the same kind in \
the same stage replaces. Only the last one of each kind takes effect, so the earlier ones \
are reported.

**Why:** the earlier instruction does nothing, which is rarely what was meant: two `CMD`s \
do not start two processes, and a `HEALTHCHECK` written first and changed below is easy to \
edit in the wrong place.

**Before**

```dockerfile
FROM nginx:1.27
CMD [\"nginx\", \"-g\", \"daemon off;\"]
CMD [\"php-fpm\"]
```

**After**

```dockerfile
FROM nginx:1.27
CMD [\"php-fpm\"]
```

**Fix:** removes the instruction that has no effect. hadolint (DL4003 for `CMD`, DL4004 for \
`ENTRYPOINT`) reports the later instructions instead of the earlier ones.",
    severity: Severity::Warning,
    category: Category::Correctness,
    scope: Scope::Stage,
    hadolint: &["DL4003", "DL4004", "DL3012"],
    buildkit: Some("MultipleInstructionsDisallowed"),
    off_by_default: false,
    fixes: Fixes::Safe,
    check,
};

fn check(context: &Context, report: &mut Report) {
    let model = context.model;
    for stage in context.stages() {
        let Some(instructions) = model.instructions.get(stage.instructions.clone()) else {
            continue;
        };
        // The last CMD, ENTRYPOINT and HEALTHCHECK of the stage: the ones that take effect.
        let last = |keyword: &str| instructions.iter().rposition(|i| i.keyword == keyword);
        let lasts = [
            ("CMD", last("CMD")),
            ("ENTRYPOINT", last("ENTRYPOINT")),
            ("HEALTHCHECK", last("HEALTHCHECK")),
        ];
        for (position, instruction) in instructions.iter().enumerate() {
            let keyword = instruction.keyword.as_str();
            let Some(&(_, Some(last_position))) = lasts.iter().find(|(k, _)| *k == keyword) else {
                continue;
            };
            if last_position == position {
                continue;
            }
            let Some(later) = instructions.get(last_position) else {
                continue;
            };
            let line = context.line_of(later.range.start);
            report
                .add(
                    instruction.keyword_range.clone(),
                    format!("this `{keyword}` has no effect: the last `{keyword}` of the stage, on line {line}, replaces it"),
                )
                .with_fix(
                    format!("Remove this `{keyword}`"),
                    vec![Edit {
                        range: crate::text::whole_lines(context.text, &instruction.range),
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
    fn reports_the_instructions_that_are_replaced() {
        expect![[r#"
            7..10 "CMD": this `CMD` has no effect: the last `CMD` of the stage, on line 6, replaces it
            13..23 "ENTRYPOINT": this `ENTRYPOINT` has no effect: the last `ENTRYPOINT` of the stage, on line 8, replaces it
            26..29 "CMD": this `CMD` has no effect: the last `CMD` of the stage, on line 6, replaces it
            32..43 "HEALTHCHECK": this `HEALTHCHECK` has no effect: the last `HEALTHCHECK` of the stage, on line 7, replaces it"#]].assert_eq(&render(
            &RULE,
            "FROM a\nCMD a\nENTRYPOINT b\nCMD c\nHEALTHCHECK NONE\nCMD d\nHEALTHCHECK CMD x\nENTRYPOINT e\n",
        ));
    }

    #[test]
    fn one_per_stage_is_fine() {
        assert_eq!(
            render(
                &RULE,
                "FROM a AS one\nCMD a\nENTRYPOINT b\nFROM one\nCMD c\nONBUILD CMD d\nHEALTHCHECK NONE\n"
            ),
            ""
        );
    }

    #[test]
    fn fix_removes_the_earlier_instruction() {
        assert_eq!(
            fixed(&RULE, "FROM a\nCMD [\"a\", \\\n  \"b\"]\nCMD [\"c\"]\n"),
            "FROM a\nCMD [\"c\"]\n"
        );
    }
}
