//! `COPY --from` or `RUN --mount=from=` naming a stage that cannot be used there.

use std::ops::Range;

use crate::diagnostic::Severity;
use crate::rules::{Category, Context, Fixes, Report, Rule, Scope};

use super::invalid_mount_option;
use super::util;

pub static RULE: Rule = Rule {
    name: "invalid-stage-reference",
    summary: "`--from` names an invalid stage",
    docs: "\
Reports a `COPY --from` or `RUN --mount=from=` whose stage BuildKit cannot use:

- a stage index (`--from=3`) that is not the index of a stage of the file: BuildKit stops \
with `invalid stage index`. Indexes count the `FROM` instructions from 0;
- the stage the instruction is in, by name or by index, and more generally a stage that itself \
depends on the current one (through its `FROM`, a `COPY --from` or a `--mount=from=`): BuildKit \
stops with `circular dependency detected`.

A name that is not a stage of the file is an image reference (`COPY --from=nginx:1.27 ...`), \
which is allowed and not reported. A later stage may be named as long as it does not depend on \
the current one. `--mount=from=` takes names only: a number there is an image name. Values \
with variables are left alone.

**Why:** the build fails before it starts.

**Before**

```dockerfile
FROM golang:1.22 AS build
COPY --from=build /src /src
RUN go build -o /out/app .
FROM alpine:3.20
COPY --from=2 /out/app /app
```

**After**

```dockerfile
FROM golang:1.22 AS build
COPY . /src
RUN go build -o /out/app .
FROM alpine:3.20
COPY --from=build /out/app /app
```

**Fix:** none.",
    severity: Severity::Error,
    category: Category::Correctness,
    scope: Scope::File,
    hadolint: &[],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::None,
    check,
};

/// A reference from one stage to another, or to an index out of range.
struct Reference {
    from_stage: usize,
    /// `Err(index)` for an index that names no stage.
    target: Result<usize, i64>,
    range: Range<usize>,
    what: &'static str,
}

fn check(context: &Context, report: &mut Report) {
    let model = context.model;
    let mut references = Vec::new();
    for instruction in &model.instructions {
        let Some(stage) = instruction.stage else {
            continue;
        };
        if instruction.keyword != "COPY" {
            continue;
        }
        let Some(flag) = instruction.flag("from") else {
            continue;
        };
        let (Some(value), Some(range)) = (&flag.value, &flag.value_range) else {
            continue;
        };
        let value = util::unquote(value);
        if util::has_variable(&value) || value.is_empty() {
            continue;
        }
        let target = match value.parse::<i64>() {
            Ok(index) => usize::try_from(index)
                .ok()
                .filter(|&i| i < model.stages.len())
                .ok_or(index),
            Err(_) => match model.stage_named(&value) {
                Some(index) => Ok(index),
                None => continue,
            },
        };
        references.push(Reference {
            from_stage: stage,
            target,
            range: range.clone(),
            what: "COPY --from",
        });
    }
    for mount in invalid_mount_option::mounts(context) {
        let Some(stage) = model.stage_at(mount.range.start) else {
            continue;
        };
        // Triggers run in another build; only the file's own RUN instructions count.
        let Some(instruction) = model.instruction_at(mount.range.start) else {
            continue;
        };
        if model.instructions[instruction].keyword != "RUN" {
            continue;
        }
        for option in mount.options.iter().filter(|o| o.key == "from") {
            let (Some(value), Some(range)) = (&option.value, &option.value_range) else {
                continue;
            };
            if util::has_variable(value) {
                continue;
            }
            if let Some(target) = model.stage_named(value) {
                references.push(Reference {
                    from_stage: stage,
                    target: Ok(target),
                    range: range.clone(),
                    what: "--mount=from",
                });
            }
        }
    }

    // Which stages each stage depends on: its base and what it copies or mounts from.
    let mut depends: Vec<Vec<usize>> = vec![Vec::new(); model.stages.len()];
    for (index, stage) in model.stages.iter().enumerate() {
        depends[index].extend(stage.base_stage);
    }
    for reference in &references {
        if let (Ok(target), Some(list)) = (reference.target, depends.get_mut(reference.from_stage))
        {
            list.push(target);
        }
    }

    for reference in &references {
        let what = reference.what;
        match reference.target {
            Err(index) => {
                report.add(
                    reference.range.clone(),
                    format!(
                        "`{what}` names stage index {index}, but the stages are numbered 0 to {}",
                        model.stages.len().saturating_sub(1)
                    ),
                );
            }
            Ok(target) if target == reference.from_stage => {
                report.add(
                    reference.range.clone(),
                    format!("`{what}` names the stage it is in"),
                );
            }
            Ok(target) if reaches(&depends, target, reference.from_stage) => {
                let name = model.stages[target]
                    .name
                    .clone()
                    .unwrap_or_else(|| target.to_string());
                report.add(
                    reference.range.clone(),
                    format!("circular dependency: stage `{name}` depends on this stage"),
                );
            }
            Ok(_) => {}
        }
    }
}

/// Whether `goal` is reachable from `start` along the dependencies.
fn reaches(depends: &[Vec<usize>], start: usize, goal: usize) -> bool {
    let mut seen = vec![false; depends.len()];
    let mut stack = vec![start];
    while let Some(stage) = stack.pop() {
        if stage == goal {
            return true;
        }
        if std::mem::replace(&mut seen[stage], true) {
            continue;
        }
        stack.extend(depends.get(stage).into_iter().flatten().copied());
    }
    false
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::rules::testing::render;

    #[test]
    fn reports_bad_indexes_and_cycles() {
        expect![[r#"
            26..29 "one": `COPY --from` names the stage it is in
            46..47 "0": `COPY --from` names the stage it is in
            64..67 "two": circular dependency: stage `two` depends on this stage
            98..101 "one": circular dependency: stage `one` depends on this stage
            118..119 "5": `COPY --from` names stage index 5, but the stages are numbered 0 to 1
            136..138 "-1": `COPY --from` names stage index -1, but the stages are numbered 0 to 1
            160..163 "two": `--mount=from` names the stage it is in"#]]
        .assert_eq(&render(
            &RULE,
            "FROM a AS one\nCOPY --from=one x y\nCOPY --from=0 x y\nCOPY --from=two x y\n\
             FROM a AS two\nCOPY --from=one x y\nCOPY --from=5 x y\nCOPY --from=-1 x y\n\
             RUN --mount=from=two,target=/x make\n",
        ));
    }

    #[test]
    fn earlier_stages_later_stages_and_images_are_fine() {
        assert_eq!(
            render(
                &RULE,
                "FROM a AS one\nCOPY --from=two x y\nRUN --mount=from=two,target=/x make\n\
                 FROM a AS two\nCOPY --from=nginx:1.27 x y\n\
                 FROM one AS three\nCOPY --from=1 x y\nCOPY --from=$STAGE x y\n\
                 RUN --mount=from=0,target=/x make\nONBUILD COPY --from=three x y\n"
            ),
            ""
        );
    }
}
