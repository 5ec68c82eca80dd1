//! Image references normalised as Docker does: `alpine` is `docker.io/library/alpine:latest`,
//! whose API is served by `registry-1.docker.io`; the first path component is a registry when
//! it has a `.` or a `:`, or is `localhost`.

use std::fmt;

/// The registry Docker Hub images belong to when none is written.
pub const DOCKER_HUB: &str = "docker.io";
/// The host that serves Docker Hub's registry API.
pub const DOCKER_HUB_API: &str = "registry-1.docker.io";

/// A parsed, normalised image reference.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Reference {
    /// `docker.io`, `ghcr.io`, `localhost:5000`: the registry as Docker names it.
    pub registry: String,
    /// `library/alpine`, `owner/tool`.
    pub repository: String,
    pub tag: Option<String>,
    /// `sha256:<64 hex digits>`.
    pub digest: Option<String>,
}

impl Reference {
    /// Reads a reference (after variables were substituted). The message of an error says what
    /// is wrong in words for the user.
    pub fn parse(text: &str) -> Result<Reference, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("the image reference is empty".to_owned());
        }
        if text.contains('$') {
            return Err(format!(
                "`{text}` still holds a variable without a known value"
            ));
        }
        let (name, digest) = match text.split_once('@') {
            Some((name, digest)) => {
                check_digest(digest)?;
                (name, Some(digest.to_owned()))
            }
            None => (text, None),
        };
        let (registry, path) = match name.split_once('/') {
            Some((first, rest))
                if first.contains(['.', ':'])
                    || first == "localhost"
                    || first.chars().any(|c| c.is_ascii_uppercase()) =>
            {
                (first.to_owned(), rest)
            }
            _ => (DOCKER_HUB.to_owned(), name),
        };
        let registry = match registry.as_str() {
            "index.docker.io" | "registry-1.docker.io" => DOCKER_HUB.to_owned(),
            _ => registry,
        };
        check_host(&registry)?;
        let last_slash = path.rfind('/').map_or(0, |i| i + 1);
        let (repository, tag) = match path[last_slash..].rfind(':') {
            Some(colon) => {
                let colon = last_slash + colon;
                (&path[..colon], Some(path[colon + 1..].to_owned()))
            }
            None => (path, None),
        };
        if let Some(tag) = &tag {
            check_tag(tag)?;
        }
        let repository = if registry == DOCKER_HUB && !repository.contains('/') {
            format!("library/{repository}")
        } else {
            repository.to_owned()
        };
        check_repository(&repository)?;
        Ok(Reference {
            registry,
            repository,
            tag,
            digest,
        })
    }

    /// The tag the reference resolves by: its own, or `latest`.
    pub fn tag_or_latest(&self) -> &str {
        self.tag.as_deref().unwrap_or("latest")
    }

    /// The name as people write it: `alpine`, `owner/app`, `ghcr.io/owner/app`.
    pub fn familiar_name(&self) -> String {
        if self.registry == DOCKER_HUB {
            match self.repository.strip_prefix("library/") {
                Some(short) if !short.contains('/') => short.to_owned(),
                _ => self.repository.clone(),
            }
        } else {
            format!("{}/{}", self.registry, self.repository)
        }
    }

    /// The same image at `tag`, without a digest.
    pub fn with_tag(&self, tag: &str) -> Reference {
        Reference {
            tag: Some(tag.to_owned()),
            digest: None,
            ..self.clone()
        }
    }

    /// The host that serves the registry's API (before endpoints from the settings).
    pub fn api_host(&self) -> &str {
        api_host(&self.registry)
    }

    /// The address of the image on the registry's web site, where one is known.
    pub fn web_page(&self) -> Option<String> {
        match self.registry.as_str() {
            DOCKER_HUB => Some(match self.repository.strip_prefix("library/") {
                Some(official) if !official.contains('/') => {
                    format!("https://hub.docker.com/_/{official}")
                }
                _ => format!("https://hub.docker.com/r/{}", self.repository),
            }),
            "ghcr.io" => Some(format!(
                "https://github.com/{}/pkgs/container/{}",
                owner(&self.repository),
                package(&self.repository)
            )),
            "quay.io" => Some(format!("https://quay.io/repository/{}", self.repository)),
            _ => None,
        }
    }
}

fn owner(repository: &str) -> &str {
    repository.split('/').next().unwrap_or(repository)
}

fn package(repository: &str) -> String {
    repository
        .split_once('/')
        .map_or(repository, |(_, rest)| rest)
        .replace('/', "%2F")
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.registry, self.repository)?;
        if let Some(tag) = &self.tag {
            write!(f, ":{tag}")?;
        }
        if let Some(digest) = &self.digest {
            write!(f, "@{digest}")?;
        }
        Ok(())
    }
}

/// The API host of a registry: Docker Hub's is `registry-1.docker.io`, every other registry
/// serves its API under its own name.
pub fn api_host(registry: &str) -> &str {
    match registry {
        DOCKER_HUB | "index.docker.io" => DOCKER_HUB_API,
        other => other,
    }
}

/// Whether a registry name is this machine (`localhost`, `127.x.x.x`, `[::1]`, with any port).
pub fn is_loopback(registry: &str) -> bool {
    let host = match registry.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(rest),
        None => registry.split(':').next().unwrap_or(registry),
    };
    host == "localhost"
        || host == "::1"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Whether `digest` is a well-formed `sha256:` digest (the only algorithm registries use).
pub fn is_sha256_digest(digest: &str) -> bool {
    digest.strip_prefix("sha256:").is_some_and(|hex| {
        hex.len() == 64
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

fn check_digest(digest: &str) -> Result<(), String> {
    if is_sha256_digest(digest) {
        return Ok(());
    }
    let algorithm_ok = digest.split_once(':').is_some_and(|(algorithm, hex)| {
        !algorithm.is_empty()
            && !hex.is_empty()
            && algorithm
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "+._-".contains(c))
            && hex.chars().all(|c| c.is_ascii_hexdigit())
    });
    if algorithm_ok && !digest.starts_with("sha256:") {
        return Ok(());
    }
    Err(format!(
        "`{digest}` is not a digest: expected `sha256:` and 64 lowercase hex digits"
    ))
}

fn check_host(host: &str) -> Result<(), String> {
    let ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c));
    if ok {
        Ok(())
    } else {
        Err(format!("`{host}` is not a registry host name"))
    }
}

fn check_tag(tag: &str) -> Result<(), String> {
    let mut chars = tag.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    if first_ok && tag.len() <= 128 && chars.all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
    {
        Ok(())
    } else {
        Err(format!(
            "`{tag}` is not a valid tag: up to 128 letters, digits, `_`, `.` and `-`, not \
             starting with `.` or `-`"
        ))
    }
}

/// Path components are lowercase letters and digits, joined by `.`, `_`, `__` or dashes.
fn check_repository(repository: &str) -> Result<(), String> {
    let component_ok = |component: &str| {
        let bytes = component.as_bytes();
        let alnum = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
        if bytes.is_empty() || !alnum(&bytes[0]) || !alnum(&bytes[bytes.len() - 1]) {
            return false;
        }
        let mut separator = String::new();
        for &b in bytes {
            if alnum(&b) {
                let ok = matches!(separator.as_str(), "" | "." | "_" | "__")
                    || separator.bytes().all(|s| s == b'-');
                if !ok {
                    return false;
                }
                separator.clear();
            } else if b"._-".contains(&b) {
                separator.push(b as char);
            } else {
                return false;
            }
        }
        true
    };
    if repository.len() <= 255 && repository.split('/').all(component_ok) {
        Ok(())
    } else {
        Err(format!(
            "`{repository}` is not a repository name: lowercase letters, digits and `.`, `_`, \
             `-` between them, components joined by `/`"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> String {
        match Reference::parse(text) {
            Ok(reference) => reference.to_string(),
            Err(message) => format!("error: {message}"),
        }
    }

    #[test]
    fn names_are_normalised_as_docker_does() {
        assert_eq!(parsed("alpine"), "docker.io/library/alpine");
        assert_eq!(parsed("alpine:3.19"), "docker.io/library/alpine:3.19");
        assert_eq!(parsed("owner/app:1"), "docker.io/owner/app:1");
        assert_eq!(
            parsed("index.docker.io/library/node"),
            "docker.io/library/node"
        );
        assert_eq!(parsed("docker.io/node"), "docker.io/library/node");
        assert_eq!(parsed("localhost:5000/x"), "localhost:5000/x");
        assert_eq!(parsed("localhost/x:1"), "localhost/x:1");
        assert_eq!(
            parsed("ghcr.io/owner/tool:v1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
            "ghcr.io/owner/tool:v1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
        );
        let hub = Reference::parse("python").unwrap();
        assert_eq!(hub.api_host(), "registry-1.docker.io");
        assert_eq!(hub.familiar_name(), "python");
        assert_eq!(hub.tag_or_latest(), "latest");
        assert_eq!(
            hub.web_page().as_deref(),
            Some("https://hub.docker.com/_/python")
        );
        let local = Reference::parse("127.0.0.1:5000/team/app:2").unwrap();
        assert_eq!(local.api_host(), "127.0.0.1:5000");
        assert_eq!(local.familiar_name(), "127.0.0.1:5000/team/app");
    }

    #[test]
    fn malformed_references_say_what_is_wrong() {
        for bad in [
            "",
            "Alpine",
            "alpine:",
            "alpine:-x",
            "alpine@sha256:abc",
            "$BASE",
            "a//b",
            "a--/b",
            "ex ample/x",
            "alpine:3 4",
        ] {
            assert!(
                parsed(bad).starts_with("error: "),
                "{bad:?} gave {}",
                parsed(bad)
            );
        }
        assert_eq!(parsed("my-app__x/z---w.y"), "docker.io/my-app__x/z---w.y");
    }

    #[test]
    fn loopback_registries_are_recognised() {
        for host in [
            "localhost",
            "localhost:5000",
            "127.0.0.1:1234",
            "[::1]:5000",
        ] {
            assert!(is_loopback(host), "{host}");
        }
        for host in ["docker.io", "10.0.0.1:5000", "localhost.example.com"] {
            assert!(!is_loopback(host), "{host}");
        }
    }
}
