//! A FROM whose image name is empty or invalid when the ARGs keep their defaults.

use std::collections::HashMap;

use super::super::{Category, Context, Fixes, Report, Rule};
use super::util;
use crate::diagnostic::Edit;
use crate::diagnostic::Severity;
use crate::model::{Declaration, Scope};

pub static RULE: Rule = Rule {
    name: "invalid-default-arg-in-from",
    summary: "FROM image name is invalid with the ARGs' default values",
    docs: "\
Reports a `FROM` whose image reference, built from global `ARG`s, is empty or not a valid \
image name when every `ARG` keeps its default value, that is when the build runs without \
`--build-arg`. An `ARG` without a default is then unset and expands to nothing.

**Why:** a Dockerfile should build with a plain `docker build .`; otherwise whoever runs it \
must know which arguments are required, and the error (`invalid reference format`) does not \
say which argument was missing.

**Before**

```dockerfile
ARG TAG
FROM busybox:${TAG}
```

**After**

```dockerfile
ARG TAG=1.36
FROM busybox:${TAG}
```

**Fix:** when one `ARG` without a default is to blame, adds `=` and a placeholder for its \
default value. A fallback in the reference, such as `${TAG:-1.36}`, works too.",
    severity: Severity::Warning,
    category: Category::Correctness,
    scope: crate::rules::Scope::File,
    hadolint: &[],
    buildkit: Some("InvalidDefaultArgInFrom"),
    off_by_default: false,
    fixes: Fixes::Unsafe,
    check,
};

/// What BuildKit's automatic platform arguments hold on a typical build machine; any valid
/// value gives the same verdict.
const AUTOMATIC_DEFAULTS: &[(&str, &str)] = &[
    ("TARGETPLATFORM", "linux/amd64"),
    ("TARGETOS", "linux"),
    ("TARGETARCH", "amd64"),
    ("TARGETVARIANT", ""),
    ("BUILDPLATFORM", "linux/amd64"),
    ("BUILDOS", "linux"),
    ("BUILDARCH", "amd64"),
    ("BUILDVARIANT", ""),
    ("TARGETSTAGE", "stage"),
];

fn check(context: &Context, report: &mut Report) {
    let model = context.model;
    let mut values: HashMap<&str, String> = AUTOMATIC_DEFAULTS
        .iter()
        .map(|(k, v)| (*k, (*v).to_owned()))
        .collect();
    for declaration in model
        .declarations
        .iter()
        .filter(|d| d.scope == Scope::Global)
    {
        let Some(default) = &declaration.value else {
            // `ARG NAME=` sets the empty string; `ARG NAME` leaves it as it was.
            if context
                .slice(declaration.name_range.end..declaration.name_range.end + 1)
                .starts_with('=')
            {
                values.insert(&declaration.name, String::new());
            }
            continue;
        };
        let lookup = |name: &str| values.get(name).cloned();
        match util::substitute(default, &lookup) {
            Some(value) => {
                values.insert(&declaration.name, value);
            }
            None => return,
        }
    }
    let lookup = |name: &str| values.get(name).cloned();
    for stage in &model.stages {
        let Some(image) = &stage.image else {
            continue;
        };
        if !image.text.contains('$') {
            continue;
        }
        let Some(result) = util::substitute(&image.text, &lookup) else {
            continue;
        };
        if is_valid_reference(&result) {
            continue;
        }
        let message = if result.is_empty() {
            format!("with the ARGs' default values, `{}` is empty", image.text)
        } else {
            format!(
                "with the ARGs' default values, `{}` becomes `{result}`, which is not a valid image name",
                image.text
            )
        };
        let finding = report.add(image.range.clone(), message);
        // One global ARG without a default in the name: offer to give it one.
        let mut missing: Vec<&Declaration> = model
            .uses
            .iter()
            .filter(|u| u.range.start >= image.range.start && u.range.end <= image.range.end)
            .filter_map(|u| {
                model.declarations.iter().rev().find(|d| {
                    d.scope == Scope::Global
                        && d.name == u.name
                        && d.value.is_none()
                        && !values.contains_key(d.name.as_str())
                })
            })
            .collect();
        missing.dedup_by(|a, b| a.name == b.name);
        if let [declaration] = missing.as_slice() {
            let at = declaration.name_range.end;
            finding.with_snippet_fix(
                format!("Give `ARG {}` a default value", declaration.name),
                vec![Edit {
                    range: at..at,
                    new_text: "=${1:value}".to_owned(),
                }],
            );
        }
    }
}

/// Whether `reference` is a valid image reference: `[host[:port]/]path[:tag][@digest]`, the
/// path in lower case.
pub fn is_valid_reference(reference: &str) -> bool {
    let (name, digest) = match reference.split_once('@') {
        Some((name, digest)) => (name, Some(digest)),
        None => (reference, None),
    };
    if let Some(digest) = digest {
        let Some((algorithm, hex)) = digest.split_once(':') else {
            return false;
        };
        if algorithm.is_empty()
            || !algorithm.starts_with(|c: char| c.is_ascii_alphabetic())
            || !algorithm
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+.-_".contains(c))
            || hex.len() < 32
            || !hex.chars().all(|c| c.is_ascii_hexdigit())
        {
            return false;
        }
    }
    let last_slash = name.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match name[last_slash..].rfind(':') {
        Some(colon) => (
            &name[..last_slash + colon],
            Some(&name[last_slash + colon + 1..]),
        ),
        None => (name, None),
    };
    if let Some(tag) = tag {
        let valid_start = tag
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid_start
            || tag.len() > 128
            || !tag
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
        {
            return false;
        }
    }
    if name.is_empty() || name.len() > 255 {
        return false;
    }
    let mut components: Vec<&str> = name.split('/').collect();
    if components.len() > 1 {
        let first = components[0];
        if first.contains(['.', ':']) || first == "localhost" || first != first.to_ascii_lowercase()
        {
            if !is_valid_domain(first) {
                return false;
            }
            components.remove(0);
        }
    }
    components.iter().all(|c| is_valid_path_component(c))
}

fn is_valid_domain(domain: &str) -> bool {
    let (host, port) = match domain.rsplit_once(':') {
        Some((host, port)) if !host.ends_with(']') || domain.starts_with('[') => (host, Some(port)),
        _ => (domain, None),
    };
    if let Some(port) = port {
        if port.is_empty() || !port.chars().all(|c| c.is_ascii_digit()) {
            return false;
        }
    }
    if host.starts_with('[') {
        return host.ends_with(']') && host.len() > 2;
    }
    !host.is_empty()
        && host.split('.').all(|part| {
            !part.is_empty()
                && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !part.starts_with('-')
                && !part.ends_with('-')
        })
}

/// `[a-z0-9]+` joined by `.`, `_`, `__` or runs of `-`.
fn is_valid_path_component(component: &str) -> bool {
    let bytes = component.as_bytes();
    let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    if bytes.is_empty() || !alnum(bytes[0]) || !alnum(bytes[bytes.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < bytes.len() {
        if alnum(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && !alnum(bytes[i]) {
            i += 1;
        }
        let separator = &component[start..i];
        let valid = matches!(separator, "." | "_" | "__") || separator.chars().all(|c| c == '-');
        if !valid {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::rules::testing::{fixed, render};

    #[test]
    fn reports_invalid_names() {
        expect![[r#"
            34..48 "busybox:${TAG}": with the ARGs' default values, `busybox:${TAG}` becomes `busybox:`, which is not a valid image name
            54..60 "$IMAGE": with the ARGs' default values, `$IMAGE` is empty"#]].assert_eq(&render(
            &RULE,
            "ARG TAG\nARG IMAGE\nARG EMPTY=\nFROM busybox:${TAG}\nFROM $IMAGE\nFROM alpine${EMPTY}:\n",
        ));
    }

    #[test]
    fn defaults_and_fallbacks_are_fine() {
        assert_eq!(
            render(
                &RULE,
                "ARG TAG=1.36\nARG V\nARG REPO=library/${NAME:-alpine}\n\
                 FROM busybox:${TAG}\nFROM busybox:${V:-1}\nFROM $REPO\n\
                 FROM --platform=$BUILDPLATFORM golang:1.22-$TARGETOS\nFROM scratch\n"
            ),
            ""
        );
    }

    #[test]
    fn fix_adds_a_default_placeholder() {
        assert_eq!(
            fixed(&RULE, "ARG TAG\nFROM busybox:${TAG}\n"),
            "ARG TAG=${1:value}\nFROM busybox:${TAG}\n"
        );
    }

    #[test]
    fn references() {
        for valid in [
            "alpine",
            "alpine:3.20",
            "library/alpine",
            "localhost:5000/team/app:1.0",
            "registry.example.com/a__b/c-d.e",
            "ghcr.io/owner/image@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        ] {
            assert!(is_valid_reference(valid), "{valid}");
        }
        for invalid in [
            "",
            "busybox:",
            "Alpine",
            "a/:b",
            "a:-b",
            "a@sha256:xyz",
            ":1",
            "a..b",
        ] {
            assert!(!is_valid_reference(invalid), "{invalid}");
        }
    }
}
