//! A stage name with upper-case letters.

use super::super::{Category, Context, Fixes, Report, Rule, Scope};
use crate::diagnostic::Edit;
use crate::diagnostic::Severity;
use crate::model::Instruction;

pub static RULE: Rule = Rule {
    name: "stage-name-casing",
    summary: "Stage name is not lower-case",
    docs: "\
Reports a stage name (`FROM image AS name`) that contains upper-case letters.

**Why:** BuildKit compares stage names without regard to case, so `AS Build`, `--from=build` \
and `--target BUILD` all mean the same stage. Writing every name and reference in lower case \
keeps them recognisably the same word.

**Before**

```dockerfile
FROM golang:1.22 AS Build
RUN go build -o /app .
FROM alpine:3.20
COPY --from=Build /app /app
```

**After**

```dockerfile
FROM golang:1.22 AS build
RUN go build -o /app .
FROM alpine:3.20
COPY --from=build /app /app
```

**Fix:** lower-cases the name and every reference to it: later `FROM name`, `COPY --from=name` \
and `RUN --mount=...,from=name`.",
    severity: Severity::Information,
    category: Category::Style,
    scope: Scope::File,
    hadolint: &[],
    buildkit: Some("StageNameCasing"),
    off_by_default: false,
    fixes: Fixes::Safe,
    check,
};

fn check(context: &Context, report: &mut Report) {
    let model = context.model;
    for (index, stage) in model.stages.iter().enumerate() {
        let (Some(name), Some(range)) = (&stage.name, &stage.name_range) else {
            continue;
        };
        if !name.chars().any(|c| c.is_ascii_uppercase()) {
            continue;
        }
        let lower = name.to_ascii_lowercase();
        let mut edits = vec![Edit {
            range: range.clone(),
            new_text: lower.clone(),
        }];
        for later in &model.stages[index + 1..] {
            if let Some(image) = &later.image {
                if later.base_stage == Some(index) && image.text.eq_ignore_ascii_case(name) {
                    edits.push(Edit {
                        range: image.range.clone(),
                        new_text: lower.clone(),
                    });
                }
            }
        }
        for outer in &model.instructions {
            for instruction in std::iter::once(outer).chain(outer.trigger.as_deref()) {
                for reference in references(context, instruction) {
                    if context.slice(reference.clone()).eq_ignore_ascii_case(name) {
                        edits.push(Edit {
                            range: reference,
                            new_text: lower.clone(),
                        });
                    }
                }
            }
        }
        report
            .add(
                range.clone(),
                format!("stage name `{name}` should be lower-case"),
            )
            .with_fix(format!("Rename the stage to `{lower}`"), edits);
    }
}

/// The ranges of stage names an instruction refers to: `--from=` of COPY and ADD, and the
/// `from=` key of `--mount`, without quotes.
fn references(context: &Context, instruction: &Instruction) -> Vec<std::ops::Range<usize>> {
    let mut found = Vec::new();
    for flag in &instruction.flags {
        let Some(value_range) = &flag.value_range else {
            continue;
        };
        match (instruction.keyword.as_str(), flag.name.as_str()) {
            ("COPY" | "ADD", "from") => found.push(unquoted(context, value_range.clone())),
            ("RUN", "mount") => {
                let text = context.slice(value_range.clone());
                let mut offset = value_range.start;
                for option in text.split(',') {
                    let start = offset;
                    offset += option.len() + 1;
                    let Some((key, value)) = option.split_once('=') else {
                        continue;
                    };
                    if key.trim().eq_ignore_ascii_case("from") {
                        let value_start = start + key.len() + 1;
                        found.push(unquoted(context, value_start..value_start + value.len()));
                    }
                }
            }
            _ => {}
        }
    }
    found
}

fn unquoted(context: &Context, range: std::ops::Range<usize>) -> std::ops::Range<usize> {
    let text = context.slice(range.clone());
    for quote in ['"', '\''] {
        if text.len() >= 2 && text.starts_with(quote) && text.ends_with(quote) {
            return range.start + 1..range.end - 1;
        }
    }
    range
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::rules::testing::{fixed, render};

    #[test]
    fn reports_the_name() {
        expect![[r#"
            15..20 "Build": stage name `Build` should be lower-case
            56..61 "MiXed": stage name `MiXed` should be lower-case"#]]
        .assert_eq(&render(
            &RULE,
            "FROM golang AS Build\nFROM alpine AS test\nFROM alpine AS MiXed\n",
        ));
    }

    #[test]
    fn lower_case_names_are_fine() {
        assert_eq!(
            render(&RULE, "FROM a AS build\nFROM build AS b-2\nFROM c\n"),
            ""
        );
    }

    #[test]
    fn fix_renames_every_reference() {
        assert_eq!(
            fixed(
                &RULE,
                "FROM golang AS Build\nRUN go build\nFROM BUILD AS test\n\
                 FROM alpine\nCOPY --from=Build /a /a\nCOPY --from=\"build\" /b /b\n\
                 RUN --mount=type=cache,from=BUILD,target=/x true\nONBUILD COPY --from=Build /c /c\n\
                 COPY --from=other /d /d\n"
            ),
            "FROM golang AS build\nRUN go build\nFROM build AS test\n\
             FROM alpine\nCOPY --from=build /a /a\nCOPY --from=\"build\" /b /b\n\
             RUN --mount=type=cache,from=build,target=/x true\nONBUILD COPY --from=build /c /c\n\
             COPY --from=other /d /d\n"
        );
    }
}
