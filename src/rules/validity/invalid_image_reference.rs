//! A FROM image that is not a valid image reference.

use crate::diagnostic::Severity;
use crate::rules::{Category, Context, Fixes, Report, Rule, Scope};

use super::util;

pub static RULE: Rule = Rule {
    name: "invalid-image-reference",
    summary: "Invalid image reference in FROM",
    docs: "\
Reports a `FROM` image that does not follow Docker's reference grammar \
`[registry[:port]/]path[:tag][@digest]`, after substituting the defaults of global `ARG`s: \
upper-case letters in the repository path, empty path components, separators in the wrong \
place, a tag with characters other than letters, digits, `_`, `.` and `-` (or longer than 128), \
a digest that is not `sha256:` with 64 lower-case hexadecimal digits (or `sha384`/`sha512`), \
an empty reference. Images whose value depends on a build argument without a default, and \
names of earlier stages, are left alone.

**Why:** BuildKit stops with `invalid reference format` before pulling anything.

**Before**

```dockerfile
ARG VERSION=3.20-
FROM Alpine:${VERSION}
```

**After**

```dockerfile
ARG VERSION=3.20
FROM alpine:${VERSION}
```

**Fix:** none.",
    severity: Severity::Error,
    category: Category::Correctness,
    scope: Scope::InstructionInContext,
    hadolint: &[],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::None,
    check,
};

fn check(context: &Context, report: &mut Report) {
    for stage in context.stages() {
        let Some(image) = &stage.image else {
            continue;
        };
        if stage.base_stage.is_some() {
            continue;
        }
        let Some(resolved) = &image.resolved else {
            continue;
        };
        let Some(problem) = util::image_reference_error(resolved) else {
            continue;
        };
        let message = if *resolved == image.text {
            format!("invalid image reference `{resolved}`: {problem}")
        } else {
            format!(
                "invalid image reference `{resolved}` (from `{}`): {problem}",
                image.text
            )
        };
        report.add(image.range.clone(), message);
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::rules::testing::render;

    #[test]
    fn reports_invalid_references() {
        expect![[r#"
            27..35 "Alpine:3": invalid image reference `Alpine:3`: repository name `Alpine` must be lower-case
            51..60 "team//app": invalid image reference `team//app`: `team//app` has an empty path component
            66..78 "a@sha256:ABC": invalid image reference `a@sha256:ABC`: `sha256:ABC` is not a digest like `sha256:<hex>`
            84..92 "${EMPTY}": invalid image reference `` (from `${EMPTY}`): the image reference is empty
            98..106 "a:${V}x!": invalid image reference `a:1.0-x!` (from `a:${V}x!`): `1.0-x!` is not a valid tag"#]].assert_eq(&render(
            &RULE,
            "ARG V=1.0-\nARG EMPTY=\nFROM Alpine:3\nFROM a:$V\nFROM team//app\n\
             FROM a@sha256:ABC\nFROM ${EMPTY}\nFROM a:${V}x!\n",
        ));
    }

    #[test]
    fn valid_references_stages_and_unknowns_are_fine() {
        assert_eq!(
            render(
                &RULE,
                "ARG UNKNOWN\nARG TAG=3.20\nFROM alpine:$TAG AS base\nFROM base\n\
                 FROM $UNKNOWN\nFROM Registry.Example.com/org/app:v1 AS y\nFROM scratch\n\
                 FROM localhost:5000/a/b_c:1.0-rc.1\n"
            ),
            ""
        );
    }
}
