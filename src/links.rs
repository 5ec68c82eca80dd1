//! Document links: base images open their registry's page, and `# syntax=` opens the page of the
//! frontend image it names.

use std::ops::Range;

use crate::model::ImageParts;
use crate::snapshot::Snapshot;

/// A span of the document that opens a web page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub range: Range<usize>,
    pub target: String,
    /// What opening the link shows, for the editor's tooltip.
    pub tooltip: String,
}

/// The links of a document, in file order.
pub fn document_links(analysis: &Snapshot) -> Vec<Link> {
    let model = analysis.model();
    let mut links = Vec::new();
    for directive in &model.directives {
        if directive.name == "syntax" {
            if let Some(link) = image_link(directive.value.trim(), directive.value_range.clone()) {
                links.push(link);
            }
        }
    }
    for stage in &model.stages {
        if stage.base_stage.is_some() {
            continue;
        }
        let Some(image) = &stage.image else {
            continue;
        };
        // A reference with a variable links to what it resolves to, when that is known.
        let reference = image.resolved.as_deref().unwrap_or(&image.text);
        if let Some(link) = image_link(reference, image.range.clone()) {
            links.push(link);
        }
    }
    links
}

/// The page of an image reference on its registry, for the registries whose page address can be
/// derived from the reference.
fn image_link(reference: &str, range: Range<usize>) -> Option<Link> {
    let valid = !reference.is_empty()
        && !reference.eq_ignore_ascii_case("scratch")
        && reference
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-/:@".contains(c));
    if !valid {
        return None;
    }
    let parts = ImageParts::parse(reference);
    let repository = parts.repository.trim_matches('/');
    if repository.is_empty() || repository.split('/').any(str::is_empty) {
        return None;
    }
    let registry = parts.registry.as_deref().map(str::to_ascii_lowercase);
    let mut name = repository;
    let (target, site) = match registry.as_deref() {
        None | Some("docker.io" | "index.docker.io" | "registry-1.docker.io") => {
            let path = repository.strip_prefix("library/").unwrap_or(repository);
            name = path;
            if path.contains('/') {
                (format!("https://hub.docker.com/r/{path}"), "Docker Hub")
            } else {
                (format!("https://hub.docker.com/_/{path}"), "Docker Hub")
            }
        }
        Some("ghcr.io") => (
            format!("https://ghcr.io/{repository}"),
            "GitHub Container Registry",
        ),
        Some("quay.io") => (
            format!("https://quay.io/repository/{repository}"),
            "Quay.io",
        ),
        Some("mcr.microsoft.com") => (
            format!("https://mcr.microsoft.com/artifact/mar/{repository}"),
            "Microsoft Artifact Registry",
        ),
        Some(host) if host == "gcr.io" || host.ends_with(".gcr.io") => (
            format!("https://{host}/{repository}"),
            "Google Container Registry",
        ),
        Some(_) => return None,
    };
    Some(Link {
        range,
        target,
        tooltip: format!("Open {name} on {site}"),
    })
}

#[cfg(test)]
mod tests {
    use expect_test::{expect, Expect};

    use super::*;

    fn check(text: &str, expect: Expect) {
        let analysis = Snapshot::from_text(text);
        let rendered: Vec<String> = document_links(&analysis)
            .iter()
            .map(|link| {
                format!(
                    "{:?} {:?} -> {} ({})",
                    link.range,
                    &text[link.range.clone()],
                    link.target,
                    link.tooltip
                )
            })
            .collect();
        expect.assert_eq(&rendered.join("\n"));
    }

    #[test]
    fn registries() {
        check(
            "# syntax=docker/dockerfile:1.7\n\
             FROM nginx:1.27 AS web\n\
             FROM library/redis@sha256:abc\n\
             FROM bitnami/kafka:3\n\
             FROM docker.io/library/alpine:3.20\n\
             FROM ghcr.io/astral-sh/uv:0.5\n\
             FROM quay.io/prometheus/node-exporter:v1\n\
             FROM mcr.microsoft.com/dotnet/sdk:8.0\n\
             FROM gcr.io/distroless/static-debian12\n\
             FROM us-docker.pkg.dev/project/repo/image:1\n\
             FROM localhost:5000/mine\n\
             FROM web\n\
             FROM scratch\n",
            expect![[r#"
                9..30 "docker/dockerfile:1.7" -> https://hub.docker.com/r/docker/dockerfile (Open docker/dockerfile on Docker Hub)
                36..46 "nginx:1.27" -> https://hub.docker.com/_/nginx (Open nginx on Docker Hub)
                59..83 "library/redis@sha256:abc" -> https://hub.docker.com/_/redis (Open redis on Docker Hub)
                89..104 "bitnami/kafka:3" -> https://hub.docker.com/r/bitnami/kafka (Open bitnami/kafka on Docker Hub)
                110..139 "docker.io/library/alpine:3.20" -> https://hub.docker.com/_/alpine (Open alpine on Docker Hub)
                145..169 "ghcr.io/astral-sh/uv:0.5" -> https://ghcr.io/astral-sh/uv (Open astral-sh/uv on GitHub Container Registry)
                175..210 "quay.io/prometheus/node-exporter:v1" -> https://quay.io/repository/prometheus/node-exporter (Open prometheus/node-exporter on Quay.io)
                216..248 "mcr.microsoft.com/dotnet/sdk:8.0" -> https://mcr.microsoft.com/artifact/mar/dotnet/sdk (Open dotnet/sdk on Microsoft Artifact Registry)
                254..287 "gcr.io/distroless/static-debian12" -> https://gcr.io/distroless/static-debian12 (Open distroless/static-debian12 on Google Container Registry)"#]],
        );
    }

    #[test]
    fn variables_resolve_through_arg_defaults() {
        check(
            "ARG BASE=python\nARG VERSION\nFROM ${BASE}:3.12\nFROM node:${VERSION}\nFROM $UNKNOWN\n",
            expect![[r#"33..45 "${BASE}:3.12" -> https://hub.docker.com/_/python (Open python on Docker Hub)"#]],
        );
    }
}
