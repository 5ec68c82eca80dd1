//! A Dockerfile without a FROM, or without any instruction at all.

use crate::diagnostic::Severity;
use crate::rules::{Category, Context, Fixes, Report, Rule, Scope};

pub static RULE: Rule = Rule {
    name: "missing-from",
    summary: "No FROM instruction",
    docs: "\
Reports a Dockerfile that has no `FROM` instruction, and a file that has no instruction at all \
(only comments, directives or blank lines).

**Why:** every build stage starts with `FROM`; BuildKit refuses a file without one (`dockerfile \
contains no stages to build`) and an empty file (`file with no instructions`).

**Before**

```dockerfile
ARG VERSION=1.0
RUN make
```

**After**

```dockerfile
ARG VERSION=1.0
FROM alpine:3.20
RUN make
```

**Fix:** none; choose the base image yourself.",
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
    let model = context.model;
    if !model.stages.is_empty() {
        return;
    }
    match model.instructions.first() {
        Some(first) => {
            report.add(
                first.keyword_range.clone(),
                "the Dockerfile has no `FROM` instruction",
            );
        }
        None => {
            report.add(0..0, "the Dockerfile has no instructions");
        }
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::rules::testing::render;

    #[test]
    fn reports_the_first_instruction() {
        expect![[r#"29..32 "RUN": the Dockerfile has no `FROM` instruction"#]].assert_eq(&render(
            &RULE,
            "# syntax=docker/dockerfile:1\nRUN make\nCMD x\n",
        ));
    }

    #[test]
    fn reports_an_empty_file() {
        expect![[r#"0..0 "": the Dockerfile has no instructions"#]]
            .assert_eq(&render(&RULE, "# only a comment\n\n"));
        expect![[r#"0..0 "": the Dockerfile has no instructions"#]].assert_eq(&render(&RULE, ""));
    }

    #[test]
    fn a_from_anywhere_is_enough() {
        assert_eq!(render(&RULE, "ARG V=1\nFROM alpine:$V\n"), "");
        assert_eq!(render(&RULE, "from scratch\n"), "");
    }
}
