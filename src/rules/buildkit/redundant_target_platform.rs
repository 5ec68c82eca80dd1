//! `FROM --platform=$TARGETPLATFORM`, which is what FROM does anyway.

use super::super::{Category, Context, Fixes, Report, Rule, Scope};
use crate::diagnostic::Edit;
use crate::diagnostic::Severity;

pub static RULE: Rule = Rule {
    name: "redundant-target-platform",
    summary: "`--platform=$TARGETPLATFORM` on FROM is the default",
    docs: "\
Reports `FROM --platform=$TARGETPLATFORM` (or `${TARGETPLATFORM}`).

**Why:** a stage is built for the target platform unless `--platform` says otherwise, so the \
flag repeats the default. It is often left over from an attempt to cross-compile, where the \
build stage wants `$BUILDPLATFORM` instead.

**Before**

```dockerfile
FROM --platform=$TARGETPLATFORM alpine:3.20
```

**After**

```dockerfile
FROM alpine:3.20
```

**Fix:** removes the flag.",
    severity: Severity::Information,
    category: Category::Style,
    scope: Scope::Instruction,
    hadolint: &["DL3065"],
    buildkit: Some("RedundantTargetPlatform"),
    off_by_default: false,
    fixes: Fixes::Safe,
    check,
};

fn check(context: &Context, report: &mut Report) {
    for stage in context.stages() {
        let Some(from) = context.model.instructions.get(stage.from) else {
            continue;
        };
        let Some(flag) = from.flag("platform") else {
            continue;
        };
        let (Some(value), Some(value_range)) = (&flag.value, &flag.value_range) else {
            continue;
        };
        let unquoted = value.trim_matches(|c| c == '"' || c == '\'');
        if unquoted != "$TARGETPLATFORM" && unquoted != "${TARGETPLATFORM}" {
            continue;
        }
        let rest = context.text.get(flag.range.end..).unwrap_or_default();
        let blanks = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        report
            .add(
                value_range.clone(),
                format!("`--platform={value}` is the default for FROM"),
            )
            .with_fix(
                "Remove `--platform`",
                vec![Edit {
                    range: flag.range.start..flag.range.end + blanks,
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
    fn reports_the_value() {
        expect![[r#"
            16..31 "$TARGETPLATFORM": `--platform=$TARGETPLATFORM` is the default for FROM
            50..67 "${TARGETPLATFORM}": `--platform=${TARGETPLATFORM}` is the default for FROM"#]]
        .assert_eq(&render(
            &RULE,
            "FROM --platform=$TARGETPLATFORM a\nFROM --platform=${TARGETPLATFORM} b AS x\n",
        ));
    }

    #[test]
    fn other_platforms_are_fine() {
        assert_eq!(
            render(
                &RULE,
                "FROM --platform=$BUILDPLATFORM a\nFROM --platform=${TARGETPLATFORM:-linux/amd64} b\n\
                 FROM --platform=$TARGETOS/$TARGETARCH c\nFROM d\n"
            ),
            ""
        );
    }

    #[test]
    fn fix_removes_the_flag() {
        assert_eq!(
            fixed(&RULE, "FROM --platform=$TARGETPLATFORM  alpine AS a\n"),
            "FROM alpine AS a\n"
        );
    }
}
