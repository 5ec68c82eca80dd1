//! A stage named like one of BuildKit's reserved names.

use super::super::{Category, Context, Fixes, Report, Rule, Scope};
use crate::diagnostic::Severity;

/// Names that already mean something in `FROM` and `--from`.
const RESERVED: &[(&str, &str)] = &[
    ("scratch", "the empty image"),
    ("context", "the build context"),
];

pub static RULE: Rule = Rule {
    name: "reserved-stage-name",
    summary: "Stage named `scratch` or `context`",
    docs: "\
Reports a stage named `scratch` or `context`, in any case.

**Why:** `scratch` is the empty base image and `context` the build context in `FROM` and \
`COPY --from`; a stage with one of these names makes such references ambiguous.

**Before**

```dockerfile
FROM alpine:3.20 AS scratch
RUN echo hi > /hi
FROM alpine:3.20
COPY --from=scratch /hi /hi
```

**After**

```dockerfile
FROM alpine:3.20 AS greeting
RUN echo hi > /hi
FROM alpine:3.20
COPY --from=greeting /hi /hi
```

**Fix:** none; choose another name and update its references.",
    severity: Severity::Warning,
    category: Category::Correctness,
    scope: Scope::Instruction,
    hadolint: &[],
    buildkit: Some("ReservedStageName"),
    off_by_default: false,
    fixes: Fixes::None,
    check,
};

fn check(context: &Context, report: &mut Report) {
    for stage in context.stages() {
        let (Some(name), Some(range)) = (&stage.name, &stage.name_range) else {
            continue;
        };
        if let Some((_, meaning)) = RESERVED.iter().find(|(r, _)| r.eq_ignore_ascii_case(name)) {
            report.add(
                range.clone(),
                format!("stage name `{name}` is reserved: it means {meaning}"),
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
    fn reports_reserved_names() {
        expect![[r#"
            10..17 "scratch": stage name `scratch` is reserved: it means the empty image
            28..35 "Context": stage name `Context` is reserved: it means the build context"#]]
        .assert_eq(&render(
            &RULE,
            "FROM a AS scratch\nFROM b AS Context\nFROM c AS build\n",
        ));
    }

    #[test]
    fn other_names_are_fine() {
        assert_eq!(
            render(
                &RULE,
                "FROM scratch AS base\nFROM a AS scratchpad\nFROM b\n"
            ),
            ""
        );
    }
}
