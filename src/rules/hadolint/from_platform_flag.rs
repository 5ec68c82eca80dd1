//! FROM with a `--platform` flag.

use crate::diagnostic::Edit;
use crate::diagnostic::Severity;
use crate::rules::{Category, Context, Fixes, Report, Rule, Scope};

pub static RULE: Rule = Rule {
    name: "from-platform-flag",
    summary: "FROM has a --platform flag",
    docs: "\
Reports a `--platform` flag of `FROM` whose value is not built from `BUILDPLATFORM` or \
`TARGETPLATFORM`: a constant such as `linux/amd64`, or another variable. Off by default.

**Why:** a platform written into the Dockerfile overrides the one the build asks for, so \
`docker build --platform` no longer decides what the stage runs on, and a multi-platform \
build quietly produces images for one platform only. `--platform=$BUILDPLATFORM` (run a \
cross-compiler natively) and `$TARGETPLATFORM` are the multi-platform patterns and are not \
reported. The rule is off by default because the BuildKit check \
`FromPlatformFlagConstDisallowed` already reports constant platforms, and because pinning is \
sometimes deliberate (a tool image published for one architecture only); turn it on to be \
told about every other platform as well.

**Before**

```dockerfile
FROM --platform=linux/amd64 node:22
```

**After**

```dockerfile
FROM node:22
```

**Fix:** remove the flag (changes which platform the stage is built for).",
    severity: Severity::Warning,
    category: Category::Reproducibility,
    scope: Scope::Instruction,
    hadolint: &["DL3029"],
    buildkit: None,
    off_by_default: true,
    fixes: Fixes::Unsafe,
    check,
};

fn check(context: &Context, report: &mut Report) {
    for stage in context.stages() {
        let Some(from) = context.model.instructions.get(stage.from) else {
            continue;
        };
        for flag in from.flags.iter().filter(|f| f.name == "platform") {
            let value = flag.value.as_deref().unwrap_or_default();
            if value.is_empty()
                || value.contains("BUILDPLATFORM")
                || value.contains("TARGETPLATFORM")
            {
                continue;
            }
            let after = context.text.get(flag.range.end..).unwrap_or_default();
            let blanks = after.len() - after.trim_start_matches([' ', '\t']).len();
            report
                .add(
                    flag.range.clone(),
                    format!(
                        "`{}` fixes the platform of this stage",
                        context.slice(flag.range.clone())
                    ),
                )
                .with_unsafe_fix(
                    "Remove the `--platform` flag",
                    vec![Edit {
                        range: flag.range.start..flag.range.end + blanks,
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
    fn reports_the_flag() {
        expect![[r#"
            5..27 "--platform=linux/amd64": `--platform=linux/amd64` fixes the platform of this stage
            46..68 "--platform=$MYPLATFORM": `--platform=$MYPLATFORM` fixes the platform of this stage"#]].assert_eq(&render(
            &RULE,
            "FROM --platform=linux/amd64 node:22 AS a\nFROM --platform=$MYPLATFORM golang\n",
        ));
    }

    #[test]
    fn from_without_the_flag_is_fine() {
        assert_eq!(
            render(
                &RULE,
                "FROM node:22\nRUN --network=none x\nFROM --platform=$BUILDPLATFORM golang\n\
                 FROM --platform=${TARGETPLATFORM} alpine\n",
            ),
            ""
        );
    }

    #[test]
    fn fix_removes_the_flag() {
        assert_eq!(
            fixed(&RULE, "FROM --platform=linux/arm64  alpine AS a\n"),
            "FROM alpine AS a\n"
        );
    }
}
