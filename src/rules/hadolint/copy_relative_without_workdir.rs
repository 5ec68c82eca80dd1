//! COPY to a relative destination in a stage that never set WORKDIR.

use std::ops::Range;

use super::util::{base_chain, path_arguments};
use crate::diagnostic::Severity;
use crate::model::Instruction;
use crate::rules::{Category, Context, Fixes, Report, Rule, Scope};

pub static RULE: Rule = Rule {
    name: "copy-relative-without-workdir",
    summary: "COPY to a relative destination without WORKDIR",
    docs: "\
Reports a `COPY` whose destination is a relative path when no `WORKDIR` was set before it in \
the stage or in the stages it is built on. Destinations starting with `/`, a Windows drive \
(`c:\\`, `c:/`) or a variable are not checked. For `ONBUILD COPY`, an earlier `WORKDIR` or \
`ONBUILD WORKDIR` counts.

**Why:** a relative destination is resolved against the working directory, which then comes \
from the base image: `/` for most, something else for others, and it can change when the base \
image does. Setting `WORKDIR` (or writing an absolute path) says where the files go.

**Before**

```dockerfile
FROM python:3.12
COPY requirements.txt .
```

**After**

```dockerfile
FROM python:3.12
WORKDIR /app
COPY requirements.txt .
```

**Fix:** none; the directory meant is yours to choose.",
    severity: Severity::Warning,
    category: Category::Reproducibility,
    scope: Scope::File,
    hadolint: &["DL3045"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::None,
    check,
};

fn check(context: &Context, report: &mut Report) {
    let model = context.model;
    for (stage_index, stage) in model.stages.iter().enumerate() {
        // A base stage passes on its WORKDIR wherever it set it.
        let inherited = base_chain(model, stage_index).iter().any(|&base| {
            model.stages.get(base).is_some_and(|b| {
                instructions(context, b.instructions.clone())
                    .iter()
                    .any(|i| i.keyword == "WORKDIR")
            })
        });
        let mut workdir = inherited;
        let mut onbuild_workdir = inherited;
        for instruction in instructions(context, stage.instructions.clone()) {
            match instruction.keyword.as_str() {
                "WORKDIR" => {
                    workdir = true;
                    onbuild_workdir = true;
                }
                "COPY" if !workdir => check_copy(context, report, instruction),
                "ONBUILD" => match instruction.trigger.as_deref() {
                    Some(trigger) if trigger.keyword == "WORKDIR" => onbuild_workdir = true,
                    Some(trigger) if trigger.keyword == "COPY" && !onbuild_workdir => {
                        check_copy(context, report, trigger)
                    }
                    _ => {}
                },
                _ => {}
            }
        }
    }
}

fn instructions<'a>(context: &'a Context, range: Range<usize>) -> &'a [Instruction] {
    context.model.instructions.get(range).unwrap_or_default()
}

fn check_copy(context: &Context, report: &mut Report, copy: &Instruction) {
    let paths = path_arguments(context, copy);
    if paths.len() < 2 {
        return;
    }
    let Some(destination) = paths.last() else {
        return;
    };
    let dest = destination.text.as_str();
    let after_drive = dest.get(1..).unwrap_or_default();
    if dest.is_empty()
        || dest.starts_with('/')
        || dest.starts_with('$')
        || after_drive.starts_with(":\\")
        || after_drive.starts_with(":/")
    {
        return;
    }
    report.add(
        destination.range.clone(),
        format!("`{dest}` is relative, and no WORKDIR was set in this stage"),
    );
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::rules::testing::render;

    #[test]
    fn reports_relative_destinations_without_workdir() {
        expect![[r#"
            53..56 "bar": `bar` is relative, and no WORKDIR was set in this stage
            64..67 "\"b\"": `b` is relative, and no WORKDIR was set in this stage
            79..84 "\"y z\"": `y z` is relative, and no WORKDIR was set in this stage
            101..102 "b": `b` is relative, and no WORKDIR was set in this stage"#]]
        .assert_eq(&render(
            &RULE,
            "FROM debian AS one\nWORKDIR /usr\nFROM debian\nCOPY foo bar\nCOPY a \"b\"\n\
             COPY [\"x\", \"y z\"]\nONBUILD COPY a b\nWORKDIR /w\nCOPY a b\n",
        ));
    }

    #[test]
    fn absolute_destinations_and_workdir_are_fine() {
        assert_eq!(
            render(
                &RULE,
                "FROM debian AS base\nCOPY bla.sh /usr/local/bin/\nCOPY a \"/b\"\n\
                 COPY a c:\\\\x\nCOPY a d:/x\nCOPY a ${DEST}\nCOPY a $DEST\nWORKDIR /usr\n\
                 FROM debian AS between\nRUN x\nFROM base AS deeper\nFROM deeper\nCOPY foo bar\n\
                 FROM debian\nONBUILD WORKDIR /usr\nONBUILD COPY foo bar\n",
            ),
            ""
        );
    }
}
