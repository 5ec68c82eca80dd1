//! Base images without a tag, or tagged `latest`: the build changes whenever the image does.
//! Two rules with one mechanism, so each keeps its hadolint code.

use std::ops::Range;

use super::{Category, Context, Fixes, Report, Rule, Scope};
use crate::diagnostic::Severity;
use crate::model::{ImageParts, Stage};

pub static UNTAGGED: Rule = Rule {
    name: "untagged-base-image",
    summary: "Base image without a tag",
    docs: "\
Reports a `FROM` whose image has neither a tag nor a digest. `ARG` defaults are substituted \
first, so `FROM $BASE` is checked with the default of `BASE`. Not reported for `scratch`, for \
earlier stages, or for images pinned by digest.

**Why:** an image without a tag means `:latest`, which the publisher moves to every new \
release. The same Dockerfile then builds a different image next month, and a build that \
worked can break without any change on your side.

**Before**

```dockerfile
FROM python
```

**After**

```dockerfile
FROM python:3.12-slim
```

**Fix:** none without a registry: a tag only the registry knows cannot be guessed, and a \
placeholder would leave a file that does not build. With registry access on, the editor \
offers to pin the image to the digest its tag has now, and `dockls pin` pins every base image \
of a file (see the registries page of the documentation).",
    severity: Severity::Warning,
    category: Category::Reproducibility,
    scope: Scope::File,
    hadolint: &["DL3006"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::None,
    check: check_untagged,
};

pub static LATEST: Rule = Rule {
    name: "latest-base-image",
    summary: "Base image tagged `latest`",
    docs: "\
Reports a `FROM` whose image is tagged `latest` (after `ARG` defaults are substituted).

**Why:** `latest` is not a version: it moves to each new release, so the build is not \
reproducible and can break when the base image changes underneath it.

**Before**

```dockerfile
FROM centos:latest
```

**After**

```dockerfile
FROM centos:7
```

**Fix:** none without a registry; with registry access on, the editor offers to pin the image \
to the digest `latest` has now, and `dockls pin` does it for whole files.",
    severity: Severity::Warning,
    category: Category::Reproducibility,
    scope: Scope::File,
    hadolint: &["DL3007"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::None,
    check: check_latest,
};

/// Where the reference a FROM resolves to is written: in the FROM itself, or as the default of
/// the ARG it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// The text the tag belongs to, and where it starts in the document.
    pub text: String,
    pub start: usize,
}

/// The base image of a stage, when it is an image (not `scratch`, not an earlier stage) whose
/// reference is known.
fn external_image(stage: &Stage) -> Option<(ImageParts, Range<usize>)> {
    let image = stage.image.as_ref()?;
    if stage.base_stage.is_some() {
        return None;
    }
    let resolved = image.resolved.as_deref()?;
    if resolved.is_empty() || resolved.eq_ignore_ascii_case("scratch") {
        return None;
    }
    Some((ImageParts::parse(resolved), image.range.clone()))
}

/// The literal text the reference comes from: the FROM's image when it has no variable in its
/// last part, or the default of the single ARG it consists of. `dockls pin` edits it there.
pub fn written(context: &Context, image_range: &Range<usize>) -> Option<Written> {
    let model = context.model;
    let uses: Vec<_> = model
        .uses
        .iter()
        .filter(|u| image_range.start <= u.range.start && u.range.end <= image_range.end)
        .collect();
    match uses.as_slice() {
        [] => Some(Written {
            text: context.slice(image_range.clone()).to_owned(),
            start: image_range.start,
        }),
        [only] if only.range == *image_range => {
            let decl = model.declarations.get(only.declaration?)?;
            let range = decl.value_range.clone()?;
            let text = context.slice(range.clone());
            if text.contains(['$', '"', '\'']) {
                return None;
            }
            Some(Written {
                text: text.to_owned(),
                start: range.start,
            })
        }
        // Variables in front (`${REGISTRY}/app`) leave the name and tag written in the FROM.
        _ if uses
            .iter()
            .all(|u| !context.slice(u.range.end..image_range.end).contains(':')) =>
        {
            Some(Written {
                text: context.slice(image_range.clone()).to_owned(),
                start: image_range.start,
            })
        }
        _ => None,
    }
}

fn check_untagged(context: &Context, report: &mut Report) {
    for stage in &context.model.stages {
        let Some((parts, range)) = external_image(stage) else {
            continue;
        };
        if parts.tag.is_some() || parts.digest.is_some() {
            continue;
        }
        let name = match &parts.registry {
            Some(registry) => format!("{registry}/{}", parts.repository),
            None => parts.repository.clone(),
        };
        report.add(
            range,
            format!("base image `{name}` has no tag, so it is whatever `{name}:latest` is today; pin a version"),
        );
    }
}

fn check_latest(context: &Context, report: &mut Report) {
    for stage in &context.model.stages {
        let Some((parts, range)) = external_image(stage) else {
            continue;
        };
        if parts.tag.as_deref() != Some("latest") || parts.digest.is_some() {
            continue;
        }
        let written = written(context, &range);
        let tag_range = written.as_ref().and_then(|w| {
            let colon = w.text.rfind(':')?;
            (&w.text[colon + 1..] == "latest").then(|| w.start + colon + 1..w.start + w.text.len())
        });
        // Point at the tag when the FROM spells it out, else at the reference; the fix edits
        // the tag where it is written, in an ARG default if need be.
        let finding_range = match &tag_range {
            Some(tag) if range.start <= tag.start && tag.end <= range.end => tag.clone(),
            _ => range,
        };
        report.add(
            finding_range,
            "`latest` moves with every release of the image; pin a version",
        );
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::rules::testing::render;

    #[test]
    fn untagged_images() {
        expect![[r#"
            5..11 "python": base image `python` has no tag, so it is whatever `python:latest` is today; pin a version
            43..61 "ghcr.io/owner/tool": base image `ghcr.io/owner/tool` has no tag, so it is whatever `ghcr.io/owner/tool:latest` is today; pin a version"#]]
        .assert_eq(&render(&UNTAGGED, "FROM python\nFROM alpine:3.19 AS build\nFROM ghcr.io/owner/tool AS t\n"));
    }

    #[test]
    fn untagged_through_an_arg_default() {
        let text = "ARG BASE=debian\nFROM $BASE\n";
        expect![[r#"21..26 "$BASE": base image `debian` has no tag, so it is whatever `debian:latest` is today; pin a version"#]]
            .assert_eq(&render(&UNTAGGED, text));
    }

    #[test]
    fn not_for_scratch_stages_digests_and_unknown_args() {
        let text = "FROM scratch\nFROM golang:1.22 AS build\nFROM build\nFROM alpine@sha256:abc\n\
                    ARG LATER\nFROM $LATER\nFROM ${REGISTRY:-docker.io}/library/alpine:3\n";
        assert_eq!(render(&UNTAGGED, text), "");
        assert_eq!(render(&LATEST, text), "");
    }

    #[test]
    fn no_placeholder_is_ever_offered() {
        let text =
            "ARG I=node:latest\nFROM $I\nFROM python AS app\nFROM ${REG}/app\nFROM centos:latest\n";
        for rule in [&UNTAGGED, &LATEST] {
            let findings = crate::rules::testing::findings(rule, text);
            assert!(!findings.is_empty());
            assert!(findings.iter().all(|f| f.fixes.is_empty()), "{findings:?}");
        }
    }

    #[test]
    fn the_written_reference_is_found_in_the_from_or_its_arg() {
        let text = "ARG I=node:latest\nFROM $I\nFROM ${REG}/app\nFROM a$X:1$Y\n";
        let snapshot = crate::snapshot::Snapshot::from_text(text);
        let config = crate::rules::RuleConfig::default();
        let context = Context::new(&snapshot, &config, None);
        let found: Vec<Option<Written>> = snapshot
            .model()
            .stages
            .iter()
            .map(|stage| written(&context, &stage.image.as_ref().unwrap().range))
            .collect();
        let w = |text: &str, start| {
            Some(Written {
                text: text.to_owned(),
                start,
            })
        };
        assert_eq!(found, [w("node:latest", 6), w("${REG}/app", 31), None]);
    }

    #[test]
    fn latest_tags() {
        let text = "ARG IMG=node:latest\nFROM centos:latest\nFROM ${IMG}\n";
        expect![[r#"
            32..38 "latest": `latest` moves with every release of the image; pin a version
            44..50 "${IMG}": `latest` moves with every release of the image; pin a version"#]]
        .assert_eq(&render(&LATEST, text));
    }
}
