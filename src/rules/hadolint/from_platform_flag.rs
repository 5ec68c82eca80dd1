//! FROM with a `--platform` flag.

use crate::analysis::Severity;
use crate::rules::{Category, Context, Edit, Report, Rule};

pub static RULE: Rule = Rule {
    name: "from-platform-flag",
    summary: "FROM has a --platform flag",
    docs: "\
Reports every `--platform` flag of `FROM`, whatever its value. Off by default: turn it on \
for projects that build for one platform and want the platform chosen on the command line \
only.

**Why:** a platform written into the Dockerfile overrides the one the build asks for, so \
`docker build --platform` no longer decides what the image runs on. The rule is off by default \
because multi-platform builds rely on this flag: `FROM --platform=$BUILDPLATFORM` runs a \
compiler natively while building for other targets, the pattern Docker recommends. The \
BuildKit check `FromPlatformFlagConstDisallowed` (a constant platform) catches the real \
mistakes without flagging that pattern.

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
    hadolint: &["DL3029"],
    buildkit: None,
    off_by_default: true,
    check,
};

fn check(context: &Context, report: &mut Report) {
    for stage in &context.model.stages {
        let Some(from) = context.model.instructions.get(stage.from) else {
            continue;
        };
        for flag in from.flags.iter().filter(|f| f.name == "platform") {
            if flag.value.as_deref().is_none_or(str::is_empty) {
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
            46..71 "--platform=$BUILDPLATFORM": `--platform=$BUILDPLATFORM` fixes the platform of this stage"#]].assert_eq(&render(
            &RULE,
            "FROM --platform=linux/amd64 node:22 AS a\nFROM --platform=$BUILDPLATFORM golang\n",
        ));
    }

    #[test]
    fn from_without_the_flag_is_fine() {
        assert_eq!(render(&RULE, "FROM node:22\nRUN --network=none x\n"), "");
    }

    #[test]
    fn fix_removes_the_flag() {
        assert_eq!(
            fixed(&RULE, "FROM --platform=linux/arm64  alpine AS a\n"),
            "FROM alpine AS a\n"
        );
    }
}
