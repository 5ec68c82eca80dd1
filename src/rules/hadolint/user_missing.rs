//! The image never sets USER, so it runs as the base image's user, root for most.

use super::util::base_chain;
use crate::diagnostic::Edit;
use crate::diagnostic::Severity;
use crate::rules::{Category, Context, Fixes, Report, Rule, Scope};
use crate::text::newline;

pub static RULE: Rule = Rule {
    name: "user-missing",
    summary: "Image never sets USER",
    docs: "\
Reports the last stage (the image `docker build` produces unless `--target` says otherwise) \
when neither it nor the stages it is built on has a `USER` instruction. Off by default: many \
base images already switch to an unprivileged user, which this rule cannot see.

**Why:** without `USER` the container runs as the base image's user, which for most images is \
root.

**Before**

```dockerfile
FROM python:3.12-slim
COPY app.py /app/
CMD [\"python\", \"/app/app.py\"]
```

**After**

```dockerfile
FROM python:3.12-slim
COPY app.py /app/
USER 10001
CMD [\"python\", \"/app/app.py\"]
```

**Fix:** add a `USER` at the end of the file, with the user to fill in.",
    severity: Severity::Information,
    category: Category::Security,
    scope: Scope::File,
    hadolint: &["DL3063"],
    buildkit: None,
    off_by_default: true,
    fixes: Fixes::Unsafe,
    check,
};

fn check(context: &Context, report: &mut Report) {
    let model = context.model;
    let Some(index) = model.stages.len().checked_sub(1) else {
        return;
    };
    let sets_user = |stage: usize| {
        model.stages.get(stage).is_some_and(|s| {
            model
                .instructions
                .get(s.instructions.clone())
                .unwrap_or_default()
                .iter()
                .any(|i| i.keyword == "USER")
        })
    };
    if sets_user(index) || base_chain(model, index).into_iter().any(sets_user) {
        return;
    }
    let Some(from) = model
        .stages
        .get(index)
        .and_then(|s| model.instructions.get(s.from))
    else {
        return;
    };
    let finding = report.add(
        from.keyword_range.clone(),
        "this image never sets `USER`, so it runs as the base image's user",
    );
    if let Some(last) = model.instructions.last() {
        finding.with_snippet_fix(
            "Add a `USER`",
            vec![Edit {
                range: last.range.end..last.range.end,
                new_text: format!("{}USER ${{1:10001}}", newline(context.text)),
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
    fn reports_the_last_stage_without_user() {
        expect![[
            r#"30..34 "FROM": this image never sets `USER`, so it runs as the base image's user"#
        ]]
        .assert_eq(&render(
            &RULE,
            "FROM alpine AS build\nUSER app\nFROM alpine\nRUN x\n",
        ));
    }

    #[test]
    fn user_here_or_inherited_is_fine() {
        assert_eq!(
            render(&RULE, "FROM alpine AS base\nUSER app\nFROM base\nRUN x\n"),
            ""
        );
        assert_eq!(render(&RULE, "FROM alpine\nUSER root\n"), "");
        assert_eq!(render(&RULE, "ARG A\n"), "");
    }

    #[test]
    fn fix_adds_a_user_snippet() {
        assert_eq!(
            fixed(&RULE, "FROM alpine\nRUN x\n"),
            "FROM alpine\nRUN x\nUSER ${1:10001}\n"
        );
    }
}
