//! ONBUILD with an instruction it cannot register.

use crate::diagnostic::Severity;
use crate::rules::{Category, Context, Fixes, Report, Rule, Scope};

pub static RULE: Rule = Rule {
    name: "invalid-onbuild-trigger",
    summary: "Invalid ONBUILD trigger",
    docs: "\
Reports `ONBUILD ONBUILD`, `ONBUILD FROM`, `ONBUILD MAINTAINER` and an `ONBUILD` with nothing \
after it.

**Why:** BuildKit rejects all four while reading the file: triggers cannot be chained, a \
trigger cannot start a new stage, and `MAINTAINER` is not accepted as a trigger.

**Before**

```dockerfile
ONBUILD ONBUILD RUN make
ONBUILD MAINTAINER Jane Doe
```

**After**

```dockerfile
ONBUILD RUN make
LABEL org.opencontainers.image.authors=\"Jane Doe\"
```

**Fix:** none.",
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
    for (_, instruction) in context.instructions() {
        let mut current = instruction;
        while current.keyword == "ONBUILD" {
            let Some(trigger) = current.trigger.as_deref() else {
                report.add(
                    current.keyword_range.clone(),
                    "`ONBUILD` needs an instruction to register",
                );
                break;
            };
            match trigger.keyword.as_str() {
                "ONBUILD" => {
                    report.add(
                        trigger.keyword_range.clone(),
                        "`ONBUILD ONBUILD` is not allowed: triggers cannot be chained",
                    );
                }
                "FROM" | "MAINTAINER" => {
                    report.add(
                        trigger.keyword_range.clone(),
                        format!("`{}` is not allowed as an ONBUILD trigger", trigger.keyword),
                    );
                }
                _ => {}
            }
            current = trigger;
        }
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::rules::testing::render;

    #[test]
    fn reports_the_trigger_keyword() {
        expect![[r#"
            15..22 "ONBUILD": `ONBUILD ONBUILD` is not allowed: triggers cannot be chained
            37..41 "from": `FROM` is not allowed as an ONBUILD trigger
            52..62 "MAINTAINER": `MAINTAINER` is not allowed as an ONBUILD trigger
            66..73 "ONBUILD": `ONBUILD` needs an instruction to register"#]]
        .assert_eq(&render(
            &RULE,
            "FROM a\nONBUILD ONBUILD RUN x\nONBUILD from b\nONBUILD MAINTAINER me\nONBUILD\n",
        ));
    }

    #[test]
    fn ordinary_triggers_are_fine() {
        assert_eq!(
            render(
                &RULE,
                "FROM a\nONBUILD RUN make\nONBUILD COPY . /app\nonbuild env A=1\n"
            ),
            ""
        );
    }
}
