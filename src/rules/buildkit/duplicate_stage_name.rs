//! Two stages with the same name.

use std::collections::HashMap;

use super::super::{Category, Context, Fixes, Report, Rule, Scope};
use crate::diagnostic::Severity;
use crate::model::Stage;

pub static RULE: Rule = Rule {
    name: "duplicate-stage-name",
    summary: "Stage name used twice",
    docs: "\
Reports a stage whose name (compared without regard to case) an earlier stage already has.

**Why:** `--target`, `FROM name` and `COPY --from=name` can then only reach one of the two \
stages, and which one depends on where the reference is, which is easy to get wrong.

**Before**

```dockerfile
FROM golang:1.22 AS build
RUN go build -o /server ./cmd/server
FROM node:20 AS build
RUN npm run build
```

**After**

```dockerfile
FROM golang:1.22 AS build-server
RUN go build -o /server ./cmd/server
FROM node:20 AS build-web
RUN npm run build
```

**Fix:** none; choose a new name for one of the stages and update its references.",
    severity: Severity::Warning,
    category: Category::Correctness,
    scope: Scope::File,
    hadolint: &["DL3024"],
    buildkit: Some("DuplicateStageName"),
    off_by_default: false,
    fixes: Fixes::None,
    check,
};

fn check(context: &Context, report: &mut Report) {
    let mut first_by_name: HashMap<String, &Stage> = HashMap::new();
    for stage in &context.model.stages {
        let (Some(name), Some(range)) = (&stage.name, &stage.name_range) else {
            continue;
        };
        let Some(first) = first_by_name.get(&name.to_ascii_lowercase()) else {
            first_by_name.insert(name.to_ascii_lowercase(), stage);
            continue;
        };
        let line = first
            .name_range
            .as_ref()
            .map_or(0, |r| context.line_of(r.start));
        report.add(
            range.clone(),
            format!("stage name `{name}` is already used on line {line}"),
        );
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::rules::testing::render;

    #[test]
    fn reports_the_later_name() {
        expect![[r#"
            41..46 "BUILD": stage name `BUILD` is already used on line 1
            57..62 "build": stage name `build` is already used on line 1"#]]
        .assert_eq(&render(
            &RULE,
            "FROM a AS build\nFROM b AS test\nFROM c AS BUILD\nFROM d AS build\n",
        ));
    }

    #[test]
    fn unique_names_are_fine() {
        assert_eq!(
            render(
                &RULE,
                "FROM a AS build\nFROM build AS test\nFROM c\nFROM d\n"
            ),
            ""
        );
    }
}
