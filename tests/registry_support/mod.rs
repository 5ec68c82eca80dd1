//! A real registry for tests: Debian's `docker-registry` (the CNCF distribution registry 2.8)
//! on 127.0.0.1 with a temporary configuration (storage in a temporary directory, a port the
//! system picks, read from its log), stopped by its PID when dropped, and filled over the HTTP
//! API with small synthetic images.

#![allow(dead_code)]

pub mod fake;
pub mod token;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use base64::Engine;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
pub const DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";

/// The repository the seeded images are pushed to.
pub const REPOSITORY: &str = "team/app";

/// The tags [`Registry::seed`] pushes, in the order they sort as versions.
pub const SEEDED_TAGS: [&str; 7] = ["2.1", "2.0", "1.10", "1.1", "1.0", "latest", "edge"];

pub struct Registry {
    child: Child,
    dir: PathBuf,
    /// `127.0.0.1:PORT`.
    pub host: String,
    /// User name and password when the registry wants basic auth.
    pub basic: Option<(String, String)>,
    /// A token that may push, when the registry wants tokens.
    pub bearer: Option<String>,
}

/// What the seeding pushed.
#[derive(Debug, Clone)]
pub struct Seeded {
    /// The digest of the OCI index tagged `2.0` (and `latest`).
    pub oci_index: String,
    /// The digest of the Docker manifest list tagged `2.1`.
    pub docker_list: String,
    /// The digest of the single OCI manifest tagged `1.0`.
    pub oci_manifest: String,
    /// The digest of the single Docker manifest tagged `1.1`.
    pub docker_manifest: String,
}

pub fn sha256(bytes: &[u8]) -> String {
    let hash = Sha256::digest(bytes);
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

fn temp_dir(name: &str) -> PathBuf {
    static COUNT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = COUNT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("dockls-{name}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

impl Registry {
    /// Starts a registry without authentication.
    pub fn start() -> Registry {
        Registry::start_with(None, None)
    }

    /// Starts a registry that asks for `user`/`password` with basic auth (an htpasswd file made
    /// with `htpasswd -B`).
    pub fn start_with_basic(user: &str, password: &str) -> Registry {
        Registry::start_with(Some((user, password)), None)
    }

    /// Starts a registry that wants bearer tokens from `server`, and trusts its certificate.
    pub fn start_with_token(server: &token::TokenServer) -> Registry {
        let mut registry = Registry::start_with(None, Some(server.registry_config()));
        registry.bearer = Some(server.push_token(REPOSITORY));
        registry
    }

    fn start_with(basic: Option<(&str, &str)>, auth: Option<String>) -> Registry {
        let dir = temp_dir("registry");
        let mut config = format!(
            "version: 0.1\nlog:\n  level: info\n  formatter: text\nstorage:\n  filesystem:\n    \
             rootdirectory: {}\nhttp:\n  addr: 127.0.0.1:0\n  secret: dockls-tests\n",
            dir.join("data").display()
        );
        if let Some((user, password)) = basic {
            let output = Command::new("htpasswd")
                .args(["-Bbn", user, password])
                .output()
                .expect("htpasswd (apache2-utils) is installed");
            assert!(output.status.success(), "htpasswd failed");
            std::fs::write(dir.join("htpasswd"), &output.stdout).unwrap();
            config.push_str(&format!(
                "auth:\n  htpasswd:\n    realm: dockls-tests\n    path: {}\n",
                dir.join("htpasswd").display()
            ));
        }
        if let Some(auth) = auth {
            config.push_str(&auth);
        }
        std::fs::write(dir.join("config.yml"), config).unwrap();
        let mut child = Command::new("docker-registry")
            .arg("serve")
            .arg(dir.join("config.yml"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("docker-registry is installed (.ci/setup installs it)");
        // The registry logs to stderr; keep reading it so it never blocks on a full pipe.
        let (sender, receiver) = mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Some(at) = line.find("listening on ") {
                    let rest = &line[at + "listening on ".len()..];
                    let address: String = rest
                        .chars()
                        .take_while(|c| !c.is_whitespace() && *c != '"')
                        .collect();
                    let _ = sender.send(address);
                }
            }
        });
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || for _ in BufReader::new(stdout).lines() {});
        let host = match receiver.recv_timeout(Duration::from_secs(20)) {
            Ok(host) => host,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("docker-registry did not report its address");
            }
        };
        Registry {
            child,
            dir,
            host,
            basic: basic.map(|(u, p)| (u.to_owned(), p.to_owned())),
            bearer: None,
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.host)
    }

    /// `127.0.0.1:PORT/team/app:TAG`.
    pub fn image(&self, tag: &str) -> String {
        format!("{}/{REPOSITORY}:{tag}", self.host)
    }

    /// Stops the registry (by its PID); later requests find nothing listening.
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    fn authorised(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match (&self.basic, &self.bearer) {
            (Some((user, password)), _) => request.basic_auth(user, Some(password)),
            (None, Some(token)) => request.bearer_auth(token),
            (None, None) => request,
        }
    }

    async fn push_blob(&self, http: &reqwest::Client, bytes: &[u8]) -> (String, usize) {
        let digest = sha256(bytes);
        let started = self
            .authorised(http.post(format!("{}/v2/{REPOSITORY}/blobs/uploads/", self.url())))
            .send()
            .await
            .unwrap();
        assert_eq!(started.status().as_u16(), 202, "blob upload start");
        let location = started.headers()["location"].to_str().unwrap().to_owned();
        let location = if location.starts_with('/') {
            format!("{}{location}", self.url())
        } else {
            location
        };
        let separator = if location.contains('?') { '&' } else { '?' };
        let done = self
            .authorised(http.put(format!("{location}{separator}digest={digest}")))
            .header("content-type", "application/octet-stream")
            .body(bytes.to_vec())
            .send()
            .await
            .unwrap();
        assert_eq!(done.status().as_u16(), 201, "blob upload");
        (digest, bytes.len())
    }

    async fn push_manifest(
        &self,
        http: &reqwest::Client,
        target: &str,
        media_type: &str,
        manifest: &Value,
    ) -> String {
        let bytes = serde_json::to_vec(manifest).unwrap();
        let response = self
            .authorised(http.put(format!("{}/v2/{REPOSITORY}/manifests/{target}", self.url())))
            .header("content-type", media_type)
            .body(bytes.clone())
            .send()
            .await
            .unwrap();
        let status = response.status();
        assert_eq!(
            status.as_u16(),
            201,
            "manifest push: {}",
            response.text().await.unwrap_or_default()
        );
        sha256(&bytes)
    }

    /// One single-platform image: a config blob, one layer, and its manifest (pushed by
    /// digest); returns the manifest's digest and size.
    async fn push_image(
        &self,
        http: &reqwest::Client,
        docker: bool,
        architecture: &str,
        version: &str,
    ) -> (String, usize) {
        let layer = format!("layer of {architecture} {version}").into_bytes();
        let (layer_digest, layer_size) = self.push_blob(http, &layer).await;
        let config = json!({
            "architecture": architecture,
            "os": "linux",
            "created": "2024-01-02T03:04:05Z",
            "config": { "Labels": {
                "org.opencontainers.image.source": "https://example.com/app",
                "org.opencontainers.image.version": version,
            }},
            "rootfs": { "type": "layers", "diff_ids": [sha256(&layer)] },
        });
        let (config_digest, config_size) = self
            .push_blob(http, &serde_json::to_vec(&config).unwrap())
            .await;
        let (media_type, config_type, layer_type) = if docker {
            (
                DOCKER_MANIFEST,
                "application/vnd.docker.container.image.v1+json",
                "application/vnd.docker.image.rootfs.diff.tar.gzip",
            )
        } else {
            (
                OCI_MANIFEST,
                "application/vnd.oci.image.config.v1+json",
                "application/vnd.oci.image.layer.v1.tar+gzip",
            )
        };
        let manifest = json!({
            "schemaVersion": 2,
            "mediaType": media_type,
            "config": { "mediaType": config_type, "digest": config_digest, "size": config_size },
            "layers": [{ "mediaType": layer_type, "digest": layer_digest, "size": layer_size }],
        });
        let size = serde_json::to_vec(&manifest).unwrap().len();
        let digest = sha256(&serde_json::to_vec(&manifest).unwrap());
        self.push_manifest(http, &digest, media_type, &manifest)
            .await;
        (digest, size)
    }

    async fn push_index(&self, http: &reqwest::Client, docker: bool, tags: &[&str]) -> String {
        let (amd64, amd64_size) = self.push_image(http, docker, "amd64", tags[0]).await;
        let (arm64, arm64_size) = self.push_image(http, docker, "arm64", tags[0]).await;
        let (media_type, child_type) = if docker {
            (DOCKER_LIST, DOCKER_MANIFEST)
        } else {
            (OCI_INDEX, OCI_MANIFEST)
        };
        let index = json!({
            "schemaVersion": 2,
            "mediaType": media_type,
            "manifests": [
                { "mediaType": child_type, "digest": amd64, "size": amd64_size,
                  "platform": { "os": "linux", "architecture": "amd64" } },
                { "mediaType": child_type, "digest": arm64, "size": arm64_size,
                  "platform": { "os": "linux", "architecture": "arm64", "variant": "v8" } },
            ],
        });
        let mut digest = String::new();
        for tag in tags {
            digest = self.push_manifest(http, tag, media_type, &index).await;
        }
        digest
    }

    /// Pushes the test images to `team/app`: `1.0` a single OCI manifest, `1.1` a single
    /// Docker v2 manifest, `2.0` and `latest` an OCI index of linux/amd64 and linux/arm64/v8,
    /// `2.1` a Docker manifest list of the same two, and `1.10` and `edge` single manifests.
    pub fn seed(&self) -> Seeded {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let http = reqwest::Client::builder()
                .no_proxy()
                .timeout(Duration::from_secs(20))
                .build()
                .unwrap();
            let mut seeded = Seeded {
                oci_index: self.push_index(&http, false, &["2.0", "latest"]).await,
                docker_list: self.push_index(&http, true, &["2.1"]).await,
                oci_manifest: String::new(),
                docker_manifest: String::new(),
            };
            for (tag, docker) in [
                ("1.0", false),
                ("1.1", true),
                ("1.10", false),
                ("edge", true),
            ] {
                let (digest, _) = self.push_image(&http, docker, "amd64", tag).await;
                let media_type = if docker {
                    DOCKER_MANIFEST
                } else {
                    OCI_MANIFEST
                };
                // Push the same bytes again under the tag.
                let manifest: Value = self.get_manifest(&http, &digest, media_type).await;
                self.push_manifest(&http, tag, media_type, &manifest).await;
                match tag {
                    "1.0" => seeded.oci_manifest = digest,
                    "1.1" => seeded.docker_manifest = digest,
                    _ => {}
                }
            }
            seeded
        })
    }

    async fn get_manifest(&self, http: &reqwest::Client, digest: &str, media_type: &str) -> Value {
        let response = self
            .authorised(http.get(format!("{}/v2/{REPOSITORY}/manifests/{digest}", self.url())))
            .header("accept", media_type)
            .send()
            .await
            .unwrap();
        let bytes = response.bytes().await.unwrap();
        assert_eq!(
            sha256(&bytes),
            digest,
            "the registry keeps the bytes pushed"
        );
        serde_json::from_slice(&bytes).unwrap()
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A Docker client configuration in a temporary directory with `auths` for `host`.
pub struct DockerConfigDir {
    pub dir: PathBuf,
}

impl DockerConfigDir {
    pub fn with_login(host: &str, user: &str, password: &str) -> DockerConfigDir {
        let dir = temp_dir("docker-config");
        let auth = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        std::fs::write(
            dir.join("config.json"),
            serde_json::to_vec(&json!({ "auths": { host: { "auth": auth } } })).unwrap(),
        )
        .unwrap();
        DockerConfigDir { dir }
    }

    pub fn file(&self) -> PathBuf {
        self.dir.join("config.json")
    }
}

impl Drop for DockerConfigDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
