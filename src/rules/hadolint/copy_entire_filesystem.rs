//! `COPY --from=<stage> / /`: the whole file system of another stage or image.

use super::util::path_arguments;
use crate::diagnostic::Severity;
use crate::rules::{Category, Context, Fixes, Report, Rule, Scope};

pub static RULE: Rule = Rule {
    name: "copy-entire-filesystem",
    summary: "COPY --from copies a whole file system",
    docs: "\
Reports a `COPY --from=...` that copies `/` of another stage or image to `/`.

**Why:** multi-stage builds exist to carry over only what the final image needs; copying the \
whole file system brings compilers, caches and package databases along, and overwrites the \
base image's own files.

**Before**

```dockerfile
FROM golang:1.22 AS build
RUN go build -o /out/app .
FROM gcr.io/distroless/static
COPY --from=build / /
```

**After**

```dockerfile
FROM golang:1.22 AS build
RUN go build -o /out/app .
FROM gcr.io/distroless/static
COPY --from=build /out/app /app
```

**Fix:** none; which files the image needs is yours to list.",
    severity: Severity::Warning,
    category: Category::Efficiency,
    scope: Scope::Instruction,
    hadolint: &["DL3067"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::None,
    check,
};

fn check(context: &Context, report: &mut Report) {
    for (_, instruction) in context.instructions() {
        if instruction.keyword != "COPY" || instruction.flag("from").is_none() {
            continue;
        }
        let paths = path_arguments(context, instruction);
        let Some((destination, sources)) = paths.split_last() else {
            continue;
        };
        if destination.text != "/" {
            continue;
        }
        if let Some(root) = sources.iter().find(|s| s.text == "/") {
            report.add(
                root.range.clone(),
                "copies the whole file system of another stage into `/`",
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
    fn reports_root_to_root() {
        expect![[r#"
            33..34 "/": copies the whole file system of another stage into `/`
            52..55 "\"/\"": copies the whole file system of another stage into `/`"#]]
        .assert_eq(&render(
            &RULE,
            "FROM a AS b\nFROM c\nCOPY --from=b / /\nCOPY --from=b [\"/\", \"/\"]\n",
        ));
    }

    #[test]
    fn parts_of_the_file_system_are_fine() {
        assert_eq!(
            render(
                &RULE,
                "FROM a AS b\nFROM c\nCOPY --from=b /out /\nCOPY --from=b / /x\nCOPY / /\n",
            ),
            ""
        );
    }
}
