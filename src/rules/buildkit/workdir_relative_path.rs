//! A relative WORKDIR before any absolute one.

use super::super::{Category, Context, Fixes, Report, Rule, Scope};
use crate::diagnostic::Severity;
use crate::model::{collapse_continuations, Model};

pub static RULE: Rule = Rule {
    name: "workdir-relative-path",
    summary: "Relative WORKDIR without an absolute one before it",
    docs: "\
Reports the first `WORKDIR` of a stage when its path is relative and neither the stage nor \
a stage it is built on has set a working directory before. Later relative `WORKDIR`s are \
not reported: they are relative to a directory the file chose. A path that starts with a \
variable is checked when the variable's value is known.

**Why:** a relative path is resolved against the working directory of the base image, which \
the file does not control; when a new version of the base image changes it, files land \
elsewhere.

**Before**

```dockerfile
FROM node:20
WORKDIR app
COPY . .
```

**After**

```dockerfile
FROM node:20
WORKDIR /app
COPY . .
```

**Fix:** none; the right absolute path depends on the base image. hadolint's DL3000 reports \
every relative `WORKDIR`, this rule only the first of a stage, as BuildKit does.",
    severity: Severity::Warning,
    category: Category::Reproducibility,
    scope: Scope::File,
    hadolint: &["DL3000"],
    buildkit: Some("WorkdirRelativePath"),
    off_by_default: false,
    fixes: Fixes::None,
    check,
};

fn check(context: &Context, report: &mut Report) {
    let model = context.model;
    for (index, stage) in model.stages.iter().enumerate() {
        if base_sets_workdir(model, index) {
            continue;
        }
        let Some(instructions) = model.instructions.get(stage.instructions.clone()) else {
            continue;
        };
        let Some(workdir) = instructions.iter().find(|i| i.keyword == "WORKDIR") else {
            continue;
        };
        let Some(argument) = workdir.arguments.first() else {
            continue;
        };
        let written = collapse_continuations(context.slice(argument.clone()), model.escape);
        let path = written.trim().trim_matches(|c| c == '"' || c == '\'');
        let resolved = if path.starts_with('$') {
            // The value of the variable the path starts with, when the model knows it.
            let known = model
                .uses
                .iter()
                .find(|u| u.range.start >= argument.start && u.range.end <= argument.end)
                .and_then(|u| u.value.clone());
            match known {
                Some(value) => value,
                None => continue,
            }
        } else {
            path.to_owned()
        };
        if is_absolute(&resolved) {
            continue;
        }
        report.add(
            argument.clone(),
            format!("relative WORKDIR `{path}` depends on the base image's working directory; use an absolute path"),
        );
    }
}

fn is_absolute(path: &str) -> bool {
    let bytes = path.as_bytes();
    path.starts_with('/')
        || path.starts_with('\\')
        || (bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':')
}

/// Whether a stage this one is built on has a WORKDIR.
fn base_sets_workdir(model: &Model, stage: usize) -> bool {
    let mut current = model.stages.get(stage).and_then(|s| s.base_stage);
    let mut seen = 0;
    while let Some(base) = current {
        let Some(st) = model.stages.get(base) else {
            return false;
        };
        if model
            .instructions
            .get(st.instructions.clone())
            .is_some_and(|all| all.iter().any(|i| i.keyword == "WORKDIR"))
        {
            return true;
        }
        seen += 1;
        if seen > model.stages.len() {
            return false;
        }
        current = st.base_stage;
    }
    false
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::rules::testing::render;

    #[test]
    fn reports_the_first_relative_workdir() {
        expect![[r#"
            15..18 "app": relative WORKDIR `app` depends on the base image's working directory; use an absolute path
            56..60 "$D/x": relative WORKDIR `$D/x` depends on the base image's working directory; use an absolute path"#]].assert_eq(&render(
            &RULE,
            "FROM a\nWORKDIR app\nWORKDIR sub\nFROM b\nENV D=rel\nWORKDIR $D/x\n",
        ));
    }

    #[test]
    fn absolute_or_after_absolute_is_fine() {
        assert_eq!(
            render(
                &RULE,
                "FROM a AS base\nWORKDIR /app\nWORKDIR sub\nFROM base\nWORKDIR more\n\
                 FROM b\nWORKDIR \"/x\"\nFROM c\nWORKDIR $UNKNOWN/x\nFROM d\nWORKDIR C:\\\\app\n"
            ),
            ""
        );
    }
}
