//! An image without a HEALTHCHECK.

use super::util::{base_chain, stages_copied_from};
use crate::diagnostic::Edit;
use crate::diagnostic::Severity;
use crate::rules::{Category, Context, Fixes, Report, Rule, Scope};
use crate::text::newline;

pub static RULE: Rule = Rule {
    name: "healthcheck-missing",
    summary: "Image has no HEALTHCHECK",
    docs: "\
Reports a stage that can be the image a build produces (no later stage is built on it or \
copies from it) when neither it nor the stages it is built on has a `HEALTHCHECK`. \
`HEALTHCHECK NONE` counts: it says the check was considered. Off by default: many images \
(CLIs, jobs, bases for others) have nothing to check, and orchestrators such as Kubernetes \
ignore `HEALTHCHECK` and use their own probes. hadolint reports every stage; dockls leaves out \
build stages, whose containers never run as a service.

**Why:** without a health check Docker knows only whether the main process is alive, not \
whether the service answers; `docker ps` and Swarm cannot tell a hung server from a healthy \
one.

**Before**

```dockerfile
FROM nginx:1.27
COPY site/ /usr/share/nginx/html/
```

**After**

```dockerfile
FROM nginx:1.27
COPY site/ /usr/share/nginx/html/
HEALTHCHECK CMD curl -fs http://localhost/ || exit 1
```

**Fix:** add a `HEALTHCHECK CMD` at the end of the stage, with the command to fill in.",
    severity: Severity::Information,
    category: Category::Style,
    scope: Scope::File,
    hadolint: &["DL3057"],
    buildkit: None,
    off_by_default: true,
    fixes: Fixes::Unsafe,
    check,
};

fn check(context: &Context, report: &mut Report) {
    let model = context.model;
    let copied = stages_copied_from(context);
    let has_healthcheck = |stage: usize| {
        model.stages.get(stage).is_some_and(|s| {
            model
                .instructions
                .get(s.instructions.clone())
                .unwrap_or_default()
                .iter()
                .any(|i| i.keyword == "HEALTHCHECK")
        })
    };
    for (index, stage) in model.stages.iter().enumerate() {
        let used_later =
            copied.contains(&index) || model.stages.iter().any(|s| s.base_stage == Some(index));
        if used_later
            || has_healthcheck(index)
            || base_chain(model, index).into_iter().any(has_healthcheck)
        {
            continue;
        }
        let Some(from) = model.instructions.get(stage.from) else {
            continue;
        };
        let finding = report.add(
            from.keyword_range.clone(),
            "this image has no `HEALTHCHECK`",
        );
        let last = stage
            .instructions
            .end
            .checked_sub(1)
            .and_then(|i| model.instructions.get(i));
        if let Some(last) = last {
            finding.with_snippet_fix(
                "Add a `HEALTHCHECK`",
                vec![Edit {
                    range: last.range.end..last.range.end,
                    new_text: format!("{}HEALTHCHECK CMD ${{1:command}}", newline(context.text)),
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
    fn reports_images_without_healthcheck() {
        expect![[r#"
            34..38 "FROM": this image has no `HEALTHCHECK`
            70..74 "FROM": this image has no `HEALTHCHECK`"#]]
        .assert_eq(&render(
            &RULE,
            "FROM golang AS build\nRUN go build\nFROM alpine\nCOPY --from=build /a /a\n\
             FROM scratch\n",
        ));
    }

    #[test]
    fn healthchecks_here_or_inherited_are_fine() {
        assert_eq!(
            render(
                &RULE,
                "FROM alpine AS base\nHEALTHCHECK CMD true\nFROM base\nRUN x\n\
                 FROM base AS other\nFROM scratch\nHEALTHCHECK NONE\n",
            ),
            ""
        );
    }

    #[test]
    fn fix_adds_a_healthcheck_snippet() {
        assert_eq!(
            fixed(&RULE, "FROM nginx\nCOPY a /b\n"),
            "FROM nginx\nCOPY a /b\nHEALTHCHECK CMD ${1:command}\n"
        );
    }
}
