//! `COPY --from` names no stage defined before it.

use super::util::drop_quotes;
use crate::diagnostic::Severity;
use crate::rules::{Category, Context, Fixes, Report, Rule, Scope};

pub static RULE: Rule = Rule {
    name: "copy-from-undefined-stage",
    summary: "COPY --from names no earlier stage",
    docs: "\
Reports a `COPY --from=<name>` whose name is not the name of a stage defined before the \
`COPY` (or of the stage it is in). Stage indexes (`--from=0`) and values with a `:` (an image \
with a tag, `--from=nginx:1.27`) are not checked; neither are values with variables.

**Why:** a name that is no stage is read as an image: `--from=biuld` pulls \
`docker.io/library/biuld` instead of copying from the `build` stage, and a stage defined only \
further down the file is easy to misread. Giving images a tag makes the intent clear.

**Before**

```dockerfile
FROM golang:1.22 AS build
RUN go build -o /app .
FROM alpine:3.20
COPY --from=biuld /app /app
```

**After**

```dockerfile
FROM golang:1.22 AS build
RUN go build -o /app .
FROM alpine:3.20
COPY --from=build /app /app
```

**Fix:** none.",
    severity: Severity::Warning,
    category: Category::Correctness,
    scope: Scope::File,
    hadolint: &["DL3022"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::None,
    check,
};

fn check(context: &Context, report: &mut Report) {
    let model = context.model;
    for (index, instruction) in model.instructions.iter().enumerate() {
        if instruction.keyword != "COPY" {
            continue;
        }
        let Some(flag) = instruction.flag("from") else {
            continue;
        };
        let (Some(value), Some(range)) = (&flag.value, &flag.value_range) else {
            continue;
        };
        let name = drop_quotes(value);
        if name.is_empty()
            || name.contains(':')
            || name.contains('$')
            || name.chars().all(|c| c.is_ascii_digit())
        {
            continue;
        }
        let defined_before = model
            .stages
            .iter()
            .any(|s| s.from <= index && s.is_named(name));
        if defined_before {
            continue;
        }
        let message = match model.stages.iter().find(|s| s.is_named(name)) {
            Some(later) => format!(
                "stage `{name}` is defined after this `COPY`, at line {}",
                context.line_of(later.range.start)
            ),
            None => format!("`{name}` is not the name of an earlier stage; an image needs a tag"),
        };
        report.add(range.clone(), message);
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::rules::testing::render;

    #[test]
    fn reports_unknown_and_later_stages() {
        expect![[r#"
            25..30 "build": stage `build` is defined after this `COPY`, at line 5
            49..56 "\"nginx\"": `nginx` is not the name of an earlier stage; an image needs a tag
            74..87 "library/nginx": `library/nginx` is not the name of an earlier stage; an image needs a tag"#]]
        .assert_eq(&render(
            &RULE,
            "FROM scratch\nCOPY --from=build foo .\nCOPY --from=\"nginx\" a /b\n\
             COPY --from=library/nginx a /b\nFROM node AS build\n",
        ));
    }

    #[test]
    fn earlier_stages_indexes_and_images_are_fine() {
        assert_eq!(
            render(
                &RULE,
                "FROM scratch AS Build\nRUN foo\nFROM node\nCOPY --from=build foo .\n\
                 COPY --from=0 a b\nCOPY --from=nginx:1 a b\nCOPY --from=$STAGE a b\n\
                 ONBUILD COPY --from=x a b\nFROM a AS self\nCOPY --from=self a b\n",
            ),
            ""
        );
    }
}
