//! Registries: real tags, digests and image facts for completion, hover, the pin fix and
//! `dockls pin`.
//!
//! [`reference`] normalises image references and [`tags`] orders tags as versions (both pure);
//! [`credentials`] reads Docker's client configuration; [`client`] speaks the OCI distribution
//! API over HTTP; [`cache`] keeps answers in memory for a while and content by digest on disk.
//! [`Registry`] puts them together: what the shells call. [`hints`] turns what registries said
//! into the stale-pin and unknown-tag hints.

pub mod cache;
pub mod client;
pub mod credentials;
pub mod hints;
pub mod reference;
pub mod tags;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use cache::{BlobStore, Memo, Peeked};
use client::{Client, ClientConfig, Error, ManifestHead};
use credentials::DockerConfig;
use reference::Reference;

use crate::config::RegistrySettings;
use crate::diagnostic::Edit;
use crate::rules::unpinned_base_image::written;
use crate::rules::Context;

/// The edit that pins the base image at `image_range` (a FROM's image) to `digest`, made where
/// the reference is written: in the FROM, or in the default of the ARG it comes from. An
/// existing digest is replaced; an untagged image gets `:latest` beside the digest, so readers
/// see which tag it was. `None` when the reference is put together from variables in a way
/// that cannot be edited in one place.
pub fn pin_edit(
    context: &Context,
    image_range: &std::ops::Range<usize>,
    reference: &Reference,
    digest: &str,
) -> Option<Edit> {
    let written = written(context, image_range)?;
    pin_written(&written.text, written.start, reference, digest)
}

/// The edit that sets the tag of the base image at `image_range` to `tag`, where the reference
/// is written (see [`pin_edit`]); a digest after the tag is dropped, since it belongs to the
/// old tag.
pub fn tag_edit(
    context: &Context,
    image_range: &std::ops::Range<usize>,
    tag: &str,
) -> Option<Edit> {
    let written = written(context, image_range)?;
    let text = written.text.as_str();
    let slash = text.rfind('/').map_or(0, |i| i + 1);
    let end = written.start + text.len();
    let tag_start = match text[slash..].find(':') {
        Some(colon) => slash + colon,
        None => text[slash..].find('@').map_or(text.len(), |at| slash + at),
    };
    if text[slash..].contains('$') {
        return None;
    }
    Some(Edit {
        range: written.start + tag_start..end,
        new_text: format!(":{tag}"),
    })
}

/// The edit that pins the reference written as `text` at byte `start` to `digest`: see
/// [`pin_edit`].
pub fn pin_written(text: &str, start: usize, reference: &Reference, digest: &str) -> Option<Edit> {
    let end = start + text.len();
    let (range, new_text) = match text.find('@') {
        Some(at) => (start + at..end, format!("@{digest}")),
        None if reference.tag.is_none() => {
            let last = text.rsplit('/').next().unwrap_or(text);
            if last.contains(':') {
                return None;
            }
            (end..end, format!(":latest@{digest}"))
        }
        None => (end..end, format!("@{digest}")),
    };
    Some(Edit { range, new_text })
}

/// How the client reaches registries under `settings`, with the user's Docker credentials.
pub fn client_config(settings: &RegistrySettings) -> ClientConfig {
    ClientConfig {
        timeout: Duration::from_millis(settings.timeout_ms.max(1)),
        endpoints: settings
            .endpoints
            .iter()
            .map(|(registry, url)| (registry.clone(), url.clone()))
            .collect(),
        insecure: settings.insecure.clone(),
        docker_config: DockerConfig::load(),
    }
}

/// How long a tag list or a tag's digest is trusted.
pub const TAG_TTL: Duration = Duration::from_secs(10 * 60);
/// How long a failure is remembered before asking again.
pub const FAILURE_TTL: Duration = Duration::from_secs(30);

/// One platform of an index (manifest list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Platform {
    pub os: String,
    pub architecture: String,
    pub variant: Option<String>,
    pub digest: String,
    pub size: Option<u64>,
}

impl std::fmt::Display for Platform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.os, self.architecture)?;
        if let Some(variant) = &self.variant {
            write!(f, "/{variant}")?;
        }
        Ok(())
    }
}

/// What the registry tells about an image at a tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageInfo {
    pub reference: Reference,
    /// The digest the tag points at: of the index when there is one.
    pub digest: String,
    pub media_type: String,
    /// The platforms of an index; empty for a single manifest.
    pub platforms: Vec<Platform>,
    /// The platform the facts below describe (`linux/amd64` when the index has it).
    pub described: Option<String>,
    pub created: Option<String>,
    /// The compressed size of the layers.
    pub size: Option<u64>,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
}

/// The client with its caches.
#[derive(Debug)]
pub struct Registry {
    client: Client,
    tags: Memo<Arc<Vec<String>>>,
    digests: Memo<ManifestHead>,
    images: Memo<Arc<ImageInfo>>,
    blobs: Option<BlobStore>,
}

/// The cache key of a reference at its tag (or digest).
fn key(reference: &Reference) -> String {
    match &reference.digest {
        Some(digest) => format!("{}/{}@{digest}", reference.registry, reference.repository),
        None => format!(
            "{}/{}:{}",
            reference.registry,
            reference.repository,
            reference.tag_or_latest()
        ),
    }
}

fn repository_key(reference: &Reference) -> String {
    format!("{}/{}", reference.registry, reference.repository)
}

impl Registry {
    pub fn new(client: Client, blobs: Option<BlobStore>) -> Registry {
        Registry {
            client,
            tags: Memo::new(TAG_TTL, FAILURE_TTL),
            digests: Memo::new(TAG_TTL, FAILURE_TTL),
            images: Memo::new(TAG_TTL, FAILURE_TTL),
            blobs,
        }
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The repository's tags sorted as versions, newest first.
    pub async fn tags(&self, reference: &Reference) -> Result<Arc<Vec<String>>, Error> {
        self.tags
            .get(&repository_key(reference), async {
                let mut tags = self.client.tags(reference).await?;
                tags::sort(&mut tags);
                tags.dedup();
                Ok(Arc::new(tags))
            })
            .await
    }

    /// The cached tags, without any request.
    pub fn peek_tags(&self, reference: &Reference) -> Option<Peeked<Arc<Vec<String>>>> {
        self.tags.peek(&repository_key(reference))
    }

    /// Whether the tags of the repository are being fetched.
    pub fn tags_pending(&self, reference: &Reference) -> bool {
        self.tags.is_pending(&repository_key(reference))
    }

    /// The digest the reference's tag points at now (of the index, when there is one).
    pub async fn digest(&self, reference: &Reference) -> Result<ManifestHead, Error> {
        let at_tag = reference.with_tag(reference.tag_or_latest());
        self.digests
            .get(&key(&at_tag), self.client.head_manifest(&at_tag))
            .await
    }

    /// The cached digest of the reference's tag, without any request.
    pub fn peek_digest(&self, reference: &Reference) -> Option<Peeked<ManifestHead>> {
        self.digests
            .peek(&key(&reference.with_tag(reference.tag_or_latest())))
    }

    /// What the registry tells about the image at the reference's tag (or digest).
    pub async fn image(&self, reference: &Reference) -> Result<Arc<ImageInfo>, Error> {
        self.images
            .get(&key(reference), async {
                self.fetch_image(reference).await.map(Arc::new)
            })
            .await
    }

    /// The cached image facts, without any request.
    pub fn peek_image(&self, reference: &Reference) -> Option<Peeked<Arc<ImageInfo>>> {
        self.images.peek(&key(reference))
    }

    async fn fetch_image(&self, reference: &Reference) -> Result<ImageInfo, Error> {
        let digest = match &reference.digest {
            Some(digest) => digest.clone(),
            None => self.digest(reference).await?.digest,
        };
        let top = self.manifest_by_digest(reference, &digest).await?;
        let top_json: Value = serde_json::from_slice(&top)
            .map_err(|e| Error::Protocol(format!("the manifest is not JSON: {e}")))?;
        let media_type = top_json
            .get("mediaType")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let mut info = ImageInfo {
            reference: reference.clone(),
            digest: digest.clone(),
            media_type,
            platforms: platforms(&top_json),
            described: None,
            created: None,
            size: None,
            labels: BTreeMap::new(),
            annotations: string_map(top_json.get("annotations")),
        };
        let single = if top_json.get("manifests").is_some() {
            let chosen = info
                .platforms
                .iter()
                .find(|p| p.os == "linux" && p.architecture == "amd64")
                .or_else(|| info.platforms.first());
            let Some(chosen) = chosen else {
                return Ok(info);
            };
            info.described = Some(chosen.to_string());
            let bytes = self.manifest_by_digest(reference, &chosen.digest).await?;
            serde_json::from_slice::<Value>(&bytes)
                .map_err(|e| Error::Protocol(format!("a platform's manifest is not JSON: {e}")))?
        } else {
            top_json
        };
        if info.annotations.is_empty() {
            info.annotations = string_map(single.get("annotations"));
        }
        info.size = single
            .get("layers")
            .and_then(Value::as_array)
            .map(|layers| layers.iter().filter_map(|l| l.get("size")?.as_u64()).sum());
        let config_digest = single
            .get("config")
            .and_then(|c| c.get("digest"))
            .and_then(Value::as_str);
        if let Some(config_digest) = config_digest {
            let bytes = self.blob_by_digest(reference, config_digest).await?;
            let config: Value = serde_json::from_slice(&bytes)
                .map_err(|e| Error::Protocol(format!("the image config is not JSON: {e}")))?;
            info.created = config
                .get("created")
                .and_then(Value::as_str)
                .map(str::to_owned);
            info.labels = string_map(config.get("config").and_then(|c| c.get("Labels")));
        }
        Ok(info)
    }

    async fn manifest_by_digest(
        &self,
        reference: &Reference,
        digest: &str,
    ) -> Result<Vec<u8>, Error> {
        if let Some(bytes) = self.blobs.as_ref().and_then(|store| store.get(digest)) {
            return Ok(bytes);
        }
        let mut by_digest = reference.clone();
        by_digest.digest = Some(digest.to_owned());
        let manifest = self.client.manifest(&by_digest).await?;
        if let Some(store) = &self.blobs {
            store.put(digest, &manifest.bytes);
        }
        Ok(manifest.bytes)
    }

    async fn blob_by_digest(&self, reference: &Reference, digest: &str) -> Result<Vec<u8>, Error> {
        if let Some(bytes) = self.blobs.as_ref().and_then(|store| store.get(digest)) {
            return Ok(bytes);
        }
        let bytes = self.client.blob(reference, digest).await?;
        if let Some(store) = &self.blobs {
            store.put(digest, &bytes);
        }
        Ok(bytes)
    }
}

/// The platforms of an index, without attestation entries (`unknown/unknown`).
fn platforms(manifest: &Value) -> Vec<Platform> {
    let Some(list) = manifest.get("manifests").and_then(Value::as_array) else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|entry| {
            let platform = entry.get("platform")?;
            let text = |name: &str| {
                platform
                    .get(name)
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            };
            let os = text("os")?;
            let architecture = text("architecture")?;
            if os == "unknown" && architecture == "unknown" {
                return None;
            }
            Some(Platform {
                os,
                architecture,
                variant: text("variant").filter(|v| !v.is_empty()),
                digest: entry.get("digest")?.as_str()?.to_owned(),
                size: entry.get("size").and_then(Value::as_u64),
            })
        })
        .collect()
}

fn string_map(value: Option<&Value>) -> BTreeMap<String, String> {
    value
        .and_then(Value::as_object)
        .map(|object| {
            object
                .iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                .collect()
        })
        .unwrap_or_default()
}
