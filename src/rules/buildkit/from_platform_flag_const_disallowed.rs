//! `FROM --platform=` with a fixed platform.

use super::super::{Category, Context, Fixes, Report, Rule, Scope};
use crate::diagnostic::Edit;
use crate::diagnostic::Severity;

pub static RULE: Rule = Rule {
    name: "from-platform-flag-const-disallowed",
    summary: "FROM `--platform` fixed to one platform",
    docs: "\
Reports `FROM --platform=` with a constant value such as `linux/amd64`, unless the stage name \
contains the platform's operating system or architecture (`AS build-amd64`), which marks a \
stage that is meant for one platform.

**Why:** a fixed platform pins the stage to it whatever platform the build is for, so a \
multi-platform build produces an image for the wrong architecture, or runs it under \
emulation. Leave the flag out and choose the platform with `docker build --platform`, or use \
`$BUILDPLATFORM` for stages that only produce files.

**Before**

```dockerfile
FROM --platform=linux/amd64 golang:1.22 AS build
```

**After**

```dockerfile
FROM --platform=$BUILDPLATFORM golang:1.22 AS build
```

**Fix:** removes the flag; this changes the platform the stage is built for, so it is not \
applied automatically.",
    severity: Severity::Warning,
    category: Category::Reproducibility,
    scope: Scope::Instruction,
    hadolint: &[],
    buildkit: Some("FromPlatformFlagConstDisallowed"),
    off_by_default: false,
    fixes: Fixes::Unsafe,
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
        if value.contains('$') {
            continue;
        }
        let platform = value.trim_matches(|c| c == '"' || c == '\'');
        let Some((os, arch)) = parse_platform(platform) else {
            continue;
        };
        let name = stage
            .name
            .as_deref()
            .unwrap_or_default()
            .to_ascii_lowercase();
        if name.contains(&os) || name.contains(&arch) {
            continue;
        }
        let rest = context.text.get(flag.range.end..).unwrap_or_default();
        let blanks = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        report
            .add(
                value_range.clone(),
                format!("`--platform` is fixed to `{platform}`; leave it out or use a variable such as `$BUILDPLATFORM`"),
            )
            .with_unsafe_fix(
                "Remove `--platform`",
                vec![Edit {
                    range: flag.range.start..flag.range.end + blanks,
                    new_text: String::new(),
                }],
            );
    }
}

const OSES: &[&str] = &[
    "linux",
    "windows",
    "darwin",
    "freebsd",
    "netbsd",
    "openbsd",
    "solaris",
    "illumos",
    "aix",
    "android",
    "ios",
    "js",
    "wasip1",
    "plan9",
    "dragonfly",
];

/// The operating system and normalized architecture of a platform such as `linux/arm64/v8`,
/// `linux` or `amd64`; `None` when it does not parse.
fn parse_platform(platform: &str) -> Option<(String, String)> {
    let lower = platform.to_ascii_lowercase();
    let parts: Vec<&str> = lower.split('/').collect();
    if parts.is_empty()
        || parts.len() > 3
        || parts.iter().any(|p| {
            p.is_empty()
                || !p
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
        })
    {
        return None;
    }
    let (os, arch) = match parts.as_slice() {
        [single] if OSES.contains(single) => (*single, "amd64"),
        [single] => ("linux", *single),
        [os, arch, ..] => (*os, *arch),
        [] => return None,
    };
    let arch = match arch {
        "x86_64" | "x86-64" | "amd64" => "amd64",
        "aarch64" | "arm64" => "arm64",
        "i386" | "i486" | "i586" | "i686" | "386" => "386",
        "armhf" | "armel" | "arm" => "arm",
        other => other,
    };
    Some((os.to_owned(), arch.to_owned()))
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::rules::testing::{findings, fixed, render};

    #[test]
    fn reports_constant_platforms() {
        expect![[r#"
            16..27 "linux/amd64": `--platform` is fixed to `linux/amd64`; leave it out or use a variable such as `$BUILDPLATFORM`
            54..70 "\"linux/arm64/v8\"": `--platform` is fixed to `linux/arm64/v8`; leave it out or use a variable such as `$BUILDPLATFORM`"#]].assert_eq(&render(
            &RULE,
            "FROM --platform=linux/amd64 a AS base\nFROM --platform=\"linux/arm64/v8\" b\n",
        ));
    }

    #[test]
    fn variables_and_platform_named_stages_are_fine() {
        assert_eq!(
            render(
                &RULE,
                "FROM --platform=$BUILDPLATFORM a\nFROM --platform=linux/amd64 b AS build-amd64\n\
                 FROM --platform=linux/x86_64 c AS tools_amd64\nFROM --platform=linux/arm64 d AS linux-tools\n\
                 FROM e\n"
            ),
            ""
        );
    }

    #[test]
    fn fix_removes_the_flag_unsafely() {
        assert_eq!(
            fixed(&RULE, "FROM --platform=linux/amd64 alpine\n"),
            "FROM alpine\n"
        );
        assert!(!findings(&RULE, "FROM --platform=linux/amd64 alpine\n")[0].fixes[0].safe);
    }
}
