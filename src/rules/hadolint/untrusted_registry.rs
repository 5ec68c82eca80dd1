//! A base image, or an image copied or mounted from, comes from a registry the settings do not
//! trust.

use std::ops::Range;

use super::util::{drop_quotes, with_triggers};
use crate::diagnostic::Severity;
use crate::model::ImageParts;
use crate::rules::{Category, Context, Fixes, Report, Rule, Scope};

pub static RULE: Rule = Rule {
    name: "untrusted-registry",
    summary: "Image from a registry that is not trusted",
    docs: "\
Reports an image that comes from a registry missing from the `trusted_registries` setting: \
the image of a `FROM`, of a `COPY --from=<image>` and of a `RUN --mount=...,from=<image>`. \
Does nothing while the setting is empty. Earlier stages and `scratch` are always allowed; an \
image without a registry comes from Docker Hub, which is trusted when the list has \
`docker.io` or `hub.docker.com`. An entry may start or end with `*` (`*.example.com`, \
`registry.example.*`), and `*` alone trusts every registry. Images whose reference depends on \
a variable without a known value are not checked.

**Why:** teams that mirror or vet base images want every build to pull from their own \
registries; an image from elsewhere bypasses that review.

**Before**

```dockerfile
# trusted_registries = [\"registry.example.com\"]
FROM quay.io/team/base:1.4
```

**After**

```dockerfile
FROM registry.example.com/team/base:1.4
```

**Fix:** none; where the image is mirrored is not known here.",
    severity: Severity::Warning,
    category: Category::Security,
    scope: Scope::File,
    hadolint: &["DL3026"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::None,
    check,
};

fn check(context: &Context, report: &mut Report) {
    let trusted = &context.config.trusted_registries;
    if trusted.is_empty() {
        return;
    }
    let model = context.model;
    for stage in &model.stages {
        let Some(image) = &stage.image else { continue };
        if stage.base_stage.is_some() {
            continue;
        }
        let Some(reference) = &image.resolved else {
            continue;
        };
        check_image(report, trusted, reference, image.range.clone());
    }
    for outer in &model.instructions {
        for instruction in with_triggers(outer) {
            for flag in &instruction.flags {
                let (Some(value), Some(range)) = (&flag.value, &flag.value_range) else {
                    continue;
                };
                match flag.name.as_str() {
                    "from" if instruction.keyword == "COPY" => {
                        let image = drop_quotes(value);
                        if refers_to_image(context, image) {
                            check_image(report, trusted, image, range.clone());
                        }
                    }
                    "mount" => {
                        let mut offset = range.start;
                        for option in value.split(',') {
                            if let Some(image) = option.strip_prefix("from=") {
                                let start = offset + "from=".len();
                                if refers_to_image(context, image) {
                                    check_image(report, trusted, image, start..start + image.len());
                                }
                            }
                            offset += option.len() + 1;
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}

/// Whether a `--from` or `from=` value names an image rather than a stage.
fn refers_to_image(context: &Context, value: &str) -> bool {
    !value.is_empty()
        && !value.contains(['$', '"', '\''])
        && !value.chars().all(|c| c.is_ascii_digit())
        && context.model.stage_named(value).is_none()
}

fn check_image(report: &mut Report, trusted: &[String], reference: &str, range: Range<usize>) {
    if reference == "scratch" {
        return;
    }
    let parts = ImageParts::parse(reference);
    let allowed = match parts.registry.as_deref() {
        Some(registry) if !is_docker_hub(registry) => is_trusted(trusted, registry),
        _ => is_trusted(trusted, "docker.io") || is_trusted(trusted, "hub.docker.com"),
    };
    if !allowed {
        let registry = parts.registry.as_deref().unwrap_or("docker.io");
        report.add(
            range,
            format!("`{reference}` comes from `{registry}`, which is not a trusted registry"),
        );
    }
}

fn is_docker_hub(registry: &str) -> bool {
    matches!(registry, "index.docker.io" | "registry-1.docker.io")
}

/// Whether a registry matches a trusted entry: exactly, or around a leading or trailing `*`.
fn is_trusted(trusted: &[String], registry: &str) -> bool {
    trusted.iter().any(|pattern| {
        if pattern == "*" {
            true
        } else if let Some(suffix) = pattern.strip_prefix('*') {
            registry.ends_with(suffix)
        } else if let Some(prefix) = pattern.strip_suffix('*') {
            registry.starts_with(prefix)
        } else {
            registry == pattern
        }
    })
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::rules::testing::findings_with;
    use crate::rules::RuleConfig;

    fn render(trusted: &[&str], text: &str) -> String {
        let config = RuleConfig {
            trusted_registries: trusted.iter().map(|s| s.to_string()).collect(),
            ..RuleConfig::default()
        };
        findings_with(&RULE, text, &config, None)
            .iter()
            .map(|f| format!("{:?} {:?}: {}", f.range, &text[f.range.clone()], f.message))
            .collect::<Vec<_>>()
            .join("\n")
    }

    const FILE: &str = "ARG REG=quay.io\nFROM random.com/debian:12 AS a\nFROM a\n\
        FROM ubuntu:24.04\nFROM $REG/x:1\nFROM scratch\nCOPY --from=gcr.io/y:1 a /b\n\
        COPY --from=a a /b\nRUN --mount=type=cache,from=ghcr.io/z,target=/x x\n\
        FROM docker.io/library/alpine\n";

    #[test]
    fn reports_images_from_other_registries() {
        expect![[r#"
            21..41 "random.com/debian:12": `random.com/debian:12` comes from `random.com`, which is not a trusted registry
            77..85 "$REG/x:1": `quay.io/x:1` comes from `quay.io`, which is not a trusted registry
            111..121 "gcr.io/y:1": `gcr.io/y:1` comes from `gcr.io`, which is not a trusted registry
            174..183 "ghcr.io/z": `ghcr.io/z` comes from `ghcr.io`, which is not a trusted registry"#]].assert_eq(&render(&["docker.io"], FILE));
    }

    #[test]
    fn wildcards_and_an_empty_list_allow() {
        assert_eq!(render(&[], FILE), "");
        assert_eq!(render(&["*"], FILE), "");
        expect![[r#""#]].assert_eq(&render(&["*.com", "hub.docker.com", "*.io"], FILE));
        assert_eq!(
            render(
                &["random.*", "quay.io", "gcr.io", "ghcr.io", "docker.io"],
                FILE
            ),
            ""
        );
    }
}
