//! Registry credentials from Docker's client configuration (`$DOCKER_CONFIG/config.json`, else
//! `~/.docker/config.json`): `auths` entries, and the `credHelpers` / `credsStore` programs
//! (`docker-credential-NAME get`, the server on stdin, JSON on stdout).
//!
//! Secrets are never logged: [`Credentials`] prints as `<redacted>`, and a helper's output is
//! never shown in a message.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::Value;

use super::reference::DOCKER_HUB;

/// How long a credential helper may take before it is stopped.
const HELPER_TIMEOUT: Duration = Duration::from_secs(10);

/// The key Docker stores Docker Hub's credentials under.
const DOCKER_HUB_KEY: &str = "https://index.docker.io/v1/";

/// What to authenticate with.
#[derive(Clone, PartialEq, Eq)]
pub enum Credentials {
    /// A user name and password (or access token) for basic auth and the token server.
    Basic { username: String, password: String },
    /// An OAuth refresh token (`identitytoken`) for the token server.
    IdentityToken(String),
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::Basic { username, .. } => {
                write!(
                    f,
                    "Basic {{ username: {username:?}, password: <redacted> }}"
                )
            }
            Credentials::IdentityToken(_) => write!(f, "IdentityToken(<redacted>)"),
        }
    }
}

/// Docker's client configuration, read once, and where its credential helpers are found.
#[derive(Debug, Clone, Default)]
pub struct DockerConfig {
    json: Value,
    /// Directories searched for `docker-credential-*`; `PATH` when `None`.
    helper_dirs: Option<Vec<PathBuf>>,
}

impl DockerConfig {
    /// The user's configuration; empty when there is none or it cannot be read.
    pub fn load() -> DockerConfig {
        let path = std::env::var_os("DOCKER_CONFIG")
            .map(PathBuf::from)
            .or_else(|| dirs::home_dir().map(|home| home.join(".docker")))
            .map(|dir| dir.join("config.json"));
        match path {
            Some(path) => DockerConfig::from_file(&path),
            None => DockerConfig::default(),
        }
    }

    /// The configuration in `path`; empty when it is missing or not JSON.
    pub fn from_file(path: &Path) -> DockerConfig {
        let json = std::fs::read(path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or(Value::Null);
        DockerConfig {
            json,
            helper_dirs: None,
        }
    }

    /// A configuration from JSON text, with helpers looked up in `helper_dirs` only.
    pub fn from_json(json: Value, helper_dirs: Vec<PathBuf>) -> DockerConfig {
        DockerConfig {
            json,
            helper_dirs: Some(helper_dirs),
        }
    }

    /// The credentials for `registry` (as Docker names it: `docker.io`, `ghcr.io`,
    /// `localhost:5000`): a helper named for the registry in `credHelpers`, else the
    /// `credsStore`, else the `auths` entry. `None` for anonymous access.
    pub fn credentials(&self, registry: &str) -> Option<Credentials> {
        let server = if registry == DOCKER_HUB {
            DOCKER_HUB_KEY
        } else {
            registry
        };
        let helper = self
            .json
            .get("credHelpers")
            .and_then(|helpers| helpers.get(registry).or_else(|| helpers.get(server)))
            .or_else(|| self.json.get("credsStore"))
            .and_then(Value::as_str)
            .filter(|name| !name.is_empty());
        if let Some(helper) = helper {
            if let Some(found) = self.run_helper(helper, server) {
                return Some(found);
            }
        }
        let auths = self.json.get("auths")?.as_object()?;
        let entry = auths
            .iter()
            .find(|(key, _)| normalise_key(key) == normalise_key(server))?
            .1;
        from_auth_entry(entry)
    }

    fn run_helper(&self, name: &str, server: &str) -> Option<Credentials> {
        if !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        {
            return None;
        }
        let program = format!("docker-credential-{name}");
        let path = match &self.helper_dirs {
            Some(dirs) => dirs
                .iter()
                .map(|dir| dir.join(&program))
                .find(|p| p.is_file())?,
            None => PathBuf::from(program),
        };
        let mut child = Command::new(path)
            .arg("get")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        if let Some(mut stdin) = child.stdin.take() {
            let _ = stdin.write_all(server.as_bytes());
        }
        let deadline = Instant::now() + HELPER_TIMEOUT;
        loop {
            match child.try_wait() {
                Ok(Some(_)) => break,
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(10))
                }
                _ => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return None;
                }
            }
        }
        let output = child.wait_with_output().ok()?;
        if !output.status.success() {
            return None;
        }
        let answer: Value = serde_json::from_slice(&output.stdout).ok()?;
        let username = answer.get("Username").and_then(Value::as_str)?;
        let secret = answer.get("Secret").and_then(Value::as_str)?;
        if secret.is_empty() {
            return None;
        }
        Some(if username == "<token>" {
            Credentials::IdentityToken(secret.to_owned())
        } else {
            Credentials::Basic {
                username: username.to_owned(),
                password: secret.to_owned(),
            }
        })
    }
}

/// `https://index.docker.io/v1/` and `index.docker.io` name one server: keys are compared
/// without scheme and path.
fn normalise_key(key: &str) -> &str {
    let key = key
        .strip_prefix("https://")
        .or_else(|| key.strip_prefix("http://"))
        .unwrap_or(key);
    let host = key.split('/').next().unwrap_or(key);
    match host {
        "index.docker.io" | "registry-1.docker.io" | "docker.io" => "docker.io",
        other => other,
    }
}

fn from_auth_entry(entry: &Value) -> Option<Credentials> {
    if let Some(token) = entry
        .get("identitytoken")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
    {
        return Some(Credentials::IdentityToken(token.to_owned()));
    }
    if let Some(auth) = entry
        .get("auth")
        .and_then(Value::as_str)
        .filter(|a| !a.is_empty())
    {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(auth.trim())
            .ok()?;
        let decoded = String::from_utf8(decoded).ok()?;
        let (username, password) = decoded.split_once(':')?;
        return Some(Credentials::Basic {
            username: username.to_owned(),
            password: password.to_owned(),
        });
    }
    let username = entry.get("username").and_then(Value::as_str)?;
    let password = entry.get("password").and_then(Value::as_str)?;
    Some(Credentials::Basic {
        username: username.to_owned(),
        password: password.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn basic(username: &str, password: &str) -> Option<Credentials> {
        Some(Credentials::Basic {
            username: username.to_owned(),
            password: password.to_owned(),
        })
    }

    #[test]
    fn auths_entries_are_found_by_registry() {
        let auth = base64::engine::general_purpose::STANDARD.encode("hub:secret");
        let config = DockerConfig::from_json(
            json!({ "auths": {
                "https://index.docker.io/v1/": { "auth": auth },
                "localhost:5000": { "username": "me", "password": "pw" },
                "ghcr.io": { "identitytoken": "refresh" },
                "broken.example": { "auth": "not base64!" },
            }}),
            Vec::new(),
        );
        assert_eq!(config.credentials("docker.io"), basic("hub", "secret"));
        assert_eq!(config.credentials("localhost:5000"), basic("me", "pw"));
        assert_eq!(
            config.credentials("ghcr.io"),
            Some(Credentials::IdentityToken("refresh".to_owned()))
        );
        assert_eq!(config.credentials("broken.example"), None);
        assert_eq!(config.credentials("quay.io"), None);
    }

    #[test]
    fn secrets_are_not_printed() {
        let shown = format!("{:?}", basic("me", "hunter2").unwrap());
        assert!(!shown.contains("hunter2"), "{shown}");
        let shown = format!("{:?}", Credentials::IdentityToken("tok".to_owned()));
        assert!(!shown.contains("tok"), "{shown}");
    }

    #[cfg(unix)]
    #[test]
    fn helpers_are_run_with_the_server_on_stdin() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("dockls-helper-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let helper = dir.join("docker-credential-fake");
        std::fs::write(
            &helper,
            "#!/bin/sh\nread server\ncase \"$server\" in\n  registry.example) echo '{\"Username\":\"u\",\"Secret\":\"s\"}' ;;\n  token.example) echo '{\"Username\":\"<token>\",\"Secret\":\"t\"}' ;;\n  *) echo 'credentials not found' >&2; exit 1 ;;\nesac\n",
        )
        .unwrap();
        std::fs::set_permissions(&helper, std::fs::Permissions::from_mode(0o755)).unwrap();
        let config = DockerConfig::from_json(
            json!({
                "credsStore": "fake",
                "credHelpers": { "other.example": "missing" },
                "auths": { "other.example": { "username": "a", "password": "b" } },
            }),
            vec![dir.clone()],
        );
        assert_eq!(config.credentials("registry.example"), basic("u", "s"));
        assert_eq!(
            config.credentials("token.example"),
            Some(Credentials::IdentityToken("t".to_owned()))
        );
        assert_eq!(config.credentials("nothing.example"), None);
        // A helper that is not installed falls back to `auths`.
        assert_eq!(config.credentials("other.example"), basic("a", "b"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
