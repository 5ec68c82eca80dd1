//! What the server takes from registries: tag completion after `FROM image:`, registry facts in
//! the hover of an image reference, and the `dockls.pinImage` command behind the pin quick fix.
//!
//! Nothing here makes the editor wait on the network. Completion and hover answer from the
//! cache at once; when the cache has nothing fresh they start a refresh in the background and
//! say so (`isIncomplete`, a line in the hover), and the next request finds the answer. Only
//! the pin command, which the user asks for, waits for the registry, with a short timeout.
//! Opening and editing documents never asks a registry. All of it is off unless the settings
//! turn `registry.network` on.

use std::ops::Range;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use ropey::Rope;
use tokio::sync::Notify;
use tower_lsp_server::ls_types as lsp;

use super::convert::{self, PositionEncoding};
use super::server::log;
use crate::config::RegistrySettings;
use crate::diagnostic::{Edit, Fix};
use crate::model::Stage;
use crate::registry::cache::BlobStore;
use crate::registry::client::{Client, DOCKER_LIST, OCI_INDEX};
use crate::registry::hints::stage_reference;
use crate::registry::reference::Reference;
use crate::registry::{client_config, pin_edit, ImageInfo, Registry};
use crate::rules::{Context, RuleConfig};
use crate::snapshot::Snapshot;

/// The command that pins a base image to its current digest: arguments
/// `[{"uri": ..., "position": ...}]`, the position anywhere in the FROM's image.
pub const PIN_COMMAND: &str = "dockls.pinImage";

/// The codes of the findings that get the pin quick fix: the rules' and the stale pin hint.
pub const PIN_CODES: [&str; 3] = ["untagged-base-image", "latest-base-image", STALE_PIN];

pub use crate::registry::hints::{hints, STALE_PIN, UNKNOWN_TAG};

/// The longest the pin command waits for a registry.
const PIN_TIMEOUT: Duration = Duration::from_secs(5);

/// Clients kept for distinct settings.
const MAX_CLIENTS: usize = 4;

/// Tag completion items sent at most; the list is marked incomplete past this.
const MAX_TAG_ITEMS: usize = 500;

/// The registry client of the current settings, with its caches.
#[derive(Debug)]
pub struct Registries {
    /// A client per distinct settings in use (documents under different `.dockls.toml` files),
    /// the most recently used last.
    clients: Mutex<Vec<(RegistrySettings, Arc<Registry>)>>,
    blobs: Option<BlobStore>,
    /// Woken when a background fetch ends, so diagnostics can show what it found.
    pub updated: Arc<Notify>,
}

impl Default for Registries {
    fn default() -> Registries {
        Registries {
            clients: Mutex::new(Vec::new()),
            blobs: BlobStore::in_user_cache(),
            updated: Arc::new(Notify::new()),
        }
    }
}

impl Registries {
    /// The registry for `settings`; `None` when the network is off. Settings not seen before
    /// get a new client with its own caches (content on disk is shared); the least recently
    /// used of more than [`MAX_CLIENTS`] is dropped.
    pub fn for_settings(&self, settings: &RegistrySettings) -> Option<Arc<Registry>> {
        if !settings.network {
            return None;
        }
        let mut clients = self.clients.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(at) = clients.iter().position(|(known, _)| known == settings) {
            let entry = clients.remove(at);
            let registry = entry.1.clone();
            clients.push(entry);
            return Some(registry);
        }
        let client = match Client::new(client_config(settings)) {
            Ok(client) => client,
            Err(error) => {
                log(&format!("registry access is off: {error}"));
                return None;
            }
        };
        let registry = Arc::new(Registry::new(client, self.blobs.clone()));
        if clients.len() == MAX_CLIENTS {
            clients.remove(0);
        }
        clients.push((settings.clone(), registry.clone()));
        Some(registry)
    }
}

/// Whether `offset` is in (or at the end of) the image of a FROM that names no earlier stage.
pub fn in_base_image(snapshot: &Snapshot, offset: usize) -> bool {
    stage_at(snapshot, offset).is_some()
}

/// The stage whose base image covers `offset`: its end included, and the characters typed
/// right after it that do not parse as part of it yet (the `:` of `FROM alpine:`).
fn stage_at(snapshot: &Snapshot, offset: usize) -> Option<&Stage> {
    let text = snapshot.text();
    snapshot.model().stages.iter().find(|stage| {
        stage.base_stage.is_none()
            && stage.image.as_ref().is_some_and(|image| {
                image.range.start <= offset
                    && text
                        .get(image.range.end.min(offset)..offset)
                        .is_some_and(|after| !after.contains(char::is_whitespace))
            })
    })
}

/// Starts fetching in the background; failures are logged once per fetch, and `updated` is
/// woken at the end either way.
fn refresh<F>(updated: &Arc<Notify>, what: String, fetch: F)
where
    F: std::future::Future<Output = Result<(), crate::registry::client::Error>> + Send + 'static,
{
    let updated = updated.clone();
    tokio::spawn(async move {
        if let Err(error) = fetch.await {
            log(&format!("registry: {what}: {error}"));
        }
        updated.notify_one();
    });
}

/// Tag completion at `offset` when it is in the tag of a FROM's image (`FROM image:3.1|`):
/// the cached tags in version order, filtered by what is typed, and whether the list is
/// incomplete (a refresh is running or the list was cut). `None` elsewhere.
pub fn tag_completion(
    updated: &Arc<Notify>,
    registry: &Arc<Registry>,
    snapshot: &Snapshot,
    rope: &Rope,
    offset: usize,
    encoding: PositionEncoding,
) -> Option<(Vec<lsp::CompletionItem>, bool)> {
    let stage = stage_at(snapshot, offset)?;
    let image = stage.image.as_ref()?;
    let text = snapshot.text();
    let typed = text.get(image.range.start..offset)?;
    let slash = typed.rfind('/').map_or(0, |i| i + 1);
    if let Some(at) = typed[slash..].find('@') {
        let at = slash + at;
        let name = written_name(&typed[..at], image.resolved.as_deref())?;
        let reference = Reference::parse(&name).ok()?;
        let replace = convert::range(rope, image.range.start + at + 1..offset, encoding);
        return Some(digest_completion(updated, registry, &reference, replace));
    }
    let colon = slash + typed[slash..].find(':')?;
    let prefix = &typed[colon + 1..];
    let name = written_name(&typed[..colon], image.resolved.as_deref())?;
    let reference = Reference::parse(&name).ok()?;
    let replace = convert::range(rope, image.range.start + colon + 1..offset, encoding);
    let peeked = registry.peek_tags(&reference);
    let fresh = peeked.as_ref().is_some_and(|p| p.fresh);
    if !fresh && !registry.tags_pending(&reference) {
        let (registry, reference) = (registry.clone(), reference.clone());
        refresh(
            updated,
            format!("tags of {}", reference.familiar_name()),
            async move { registry.tags(&reference).await.map(|_| ()) },
        );
    }
    let tags = match peeked.map(|p| p.value) {
        Some(Ok(tags)) => tags,
        _ => return Some((Vec::new(), !fresh)),
    };
    let mut items = Vec::new();
    let mut cut = false;
    for tag in tags.iter().filter(|tag| tag.starts_with(prefix)) {
        if items.len() == MAX_TAG_ITEMS {
            cut = true;
            break;
        }
        items.push(lsp::CompletionItem {
            label: tag.clone(),
            kind: Some(lsp::CompletionItemKind::CONSTANT),
            detail: Some(format!("tag of {}", reference.familiar_name())),
            // Version order, kept by the editor's sort.
            sort_text: Some(format!("{:05}", items.len())),
            text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit {
                range: replace,
                new_text: tag.clone(),
            })),
            ..lsp::CompletionItem::default()
        });
    }
    Some((items, !fresh || cut))
}

/// The image name as typed, or from the resolved reference when it holds variables.
fn written_name(typed: &str, resolved: Option<&str>) -> Option<String> {
    if !typed.contains('$') {
        return Some(typed.to_owned());
    }
    let parts = crate::model::ImageParts::parse(resolved?);
    let mut name = match parts.registry {
        Some(registry) => format!("{registry}/{}", parts.repository),
        None => parts.repository,
    };
    if let Some(tag) = parts.tag {
        name.push(':');
        name.push_str(&tag);
    }
    Some(name)
}

/// Completion after `@`: the digest the tag points at now, from the cache.
fn digest_completion(
    updated: &Arc<Notify>,
    registry: &Arc<Registry>,
    reference: &Reference,
    replace: lsp::Range,
) -> (Vec<lsp::CompletionItem>, bool) {
    let peeked = registry.peek_digest(reference);
    let fresh = peeked.as_ref().is_some_and(|p| p.fresh);
    if !fresh {
        let (registry, reference) = (registry.clone(), reference.clone());
        refresh(updated, format!("digest of {reference}"), async move {
            registry.digest(&reference).await.map(|_| ())
        });
    }
    let items = match peeked.map(|p| p.value) {
        Some(Ok(head)) => vec![lsp::CompletionItem {
            label: head.digest.clone(),
            kind: Some(lsp::CompletionItemKind::CONSTANT),
            detail: Some(format!(
                "what `{}:{}` points at now",
                reference.familiar_name(),
                reference.tag_or_latest()
            )),
            text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit {
                range: replace,
                new_text: head.digest,
            })),
            ..lsp::CompletionItem::default()
        }],
        _ => Vec::new(),
    };
    (items, !fresh)
}

/// "Use tag X" fixes for the untagged or `latest` image at `offset`: the newest version tags of
/// the same flavour the cache knows (none before the tags were fetched once; asking starts the
/// fetch).
pub fn tag_fixes(
    updated: &Arc<Notify>,
    registry: &Arc<Registry>,
    snapshot: &Snapshot,
    offset: usize,
) -> Vec<Fix> {
    let Some(stage) = stage_at(snapshot, offset) else {
        return Vec::new();
    };
    let (Some(image), Some(reference)) = (&stage.image, stage_reference(stage)) else {
        return Vec::new();
    };
    let peeked = registry.peek_tags(&reference);
    if !peeked.as_ref().is_some_and(|p| p.fresh) && !registry.tags_pending(&reference) {
        let (registry, reference) = (registry.clone(), reference.clone());
        refresh(
            updated,
            format!("tags of {}", reference.familiar_name()),
            async move { registry.tags(&reference).await.map(|_| ()) },
        );
    }
    let Some(Ok(tags)) = peeked.map(|p| p.value) else {
        return Vec::new();
    };
    let flavour = crate::registry::tags::flavour(reference.tag_or_latest());
    let rules = RuleConfig::default();
    let context = Context::new(snapshot, &rules, None);
    tags.iter()
        .filter(|tag| {
            crate::registry::tags::is_version(tag) && crate::registry::tags::flavour(tag) == flavour
        })
        .take(MAX_TAG_FIXES)
        .filter_map(|tag| {
            let edit = crate::registry::tag_edit(&context, &image.range, tag)?;
            Some(Fix {
                title: format!("Use tag `{tag}`"),
                edits: vec![edit],
                is_snippet: false,
                safe: false,
            })
        })
        .collect()
}

/// "Use tag X" fixes offered at most.
const MAX_TAG_FIXES: usize = 3;

/// Registry facts for the hover of the image at `hover_range`: what the cache knows, or a line
/// saying they are being fetched (and the fetch started).
pub fn hover_facts(
    updated: &Arc<Notify>,
    registry: &Arc<Registry>,
    snapshot: &Snapshot,
    hover_range: &Range<usize>,
) -> Option<String> {
    let stage = snapshot.model().stages.iter().find(|stage| {
        stage.base_stage.is_none()
            && stage
                .image
                .as_ref()
                .is_some_and(|i| i.range == *hover_range)
    })?;
    let reference = stage_reference(stage)?;
    let peeked = registry.peek_image(&reference);
    let fresh = peeked.as_ref().is_some_and(|p| p.fresh);
    if !fresh {
        let (registry, reference) = (registry.clone(), reference.clone());
        refresh(updated, format!("image {reference}"), async move {
            registry.image(&reference).await.map(|_| ())
        });
    }
    // For a pin, also where its tag points now, to tell whether the pin is stale.
    let pinned_tag = reference.digest.is_some() && reference.tag.is_some();
    let now = registry.peek_digest(&reference);
    if pinned_tag && !now.as_ref().is_some_and(|p| p.fresh) {
        let (registry, reference) = (registry.clone(), reference.clone());
        refresh(updated, format!("digest of {reference}"), async move {
            registry.digest(&reference).await.map(|_| ())
        });
    }
    let pin_state = match (now.map(|p| p.value), &reference.digest) {
        (Some(Ok(head)), Some(pinned)) if pinned_tag && head.digest != *pinned => format!(
            "\n\nThe pin is stale: `{}` points at `{}` now.",
            reference.tag_or_latest(),
            head.digest
        ),
        (Some(Ok(_)), Some(_)) if pinned_tag => format!(
            "\n\nThe pin is current: `{}` still points at this digest.",
            reference.tag_or_latest()
        ),
        _ => String::new(),
    };
    Some(match peeked.map(|p| p.value) {
        Some(Ok(info)) => render_facts(&info) + &pin_state,
        Some(Err(error)) => format!("**Registry**: {error}"),
        None => format!(
            "**Registry**: asking `{}` about this image; hover again to see what it says.",
            reference.registry
        ),
    })
}

fn render_facts(info: &ImageInfo) -> String {
    let reference = &info.reference;
    let mut out = format!("**Registry** `{}`", reference.registry);
    if reference.api_host() != reference.registry {
        out.push_str(&format!(" (API at `{}`)", reference.api_host()));
    }
    let kind = match info.media_type.as_str() {
        OCI_INDEX => "an OCI index",
        DOCKER_LIST => "a Docker manifest list",
        _ => "a single-platform manifest",
    };
    match &reference.digest {
        Some(_) => out.push_str(&format!("\n\nDigest `{}`, {kind}", info.digest)),
        None => out.push_str(&format!(
            "\n\nTag `{}` points at `{}`, {kind}",
            reference.tag_or_latest(),
            info.digest
        )),
    }
    if !info.platforms.is_empty() {
        let platforms: Vec<String> = info.platforms.iter().map(|p| format!("`{p}`")).collect();
        out.push_str(&format!("\n\nPlatforms: {}", platforms.join(", ")));
    }
    let mut facts = Vec::new();
    if let Some(created) = &info.created {
        facts.push(format!("created {created}"));
    }
    if let Some(size) = info.size {
        facts.push(format!("{} compressed", human_size(size)));
    }
    if !facts.is_empty() {
        let of = info
            .described
            .as_ref()
            .map(|p| format!(" (`{p}`)"))
            .unwrap_or_default();
        out.push_str(&format!("\n\n{}{of}", capitalise(&facts.join(", "))));
    }
    let mut labels: Vec<String> = info
        .labels
        .iter()
        .chain(info.annotations.iter())
        .filter(|(key, _)| key.starts_with("org.opencontainers.image."))
        .map(|(key, value)| format!("- `{key}`: {value}"))
        .collect();
    labels.dedup();
    if !labels.is_empty() {
        out.push_str(&format!("\n\n{}", labels.join("\n")));
    }
    if let Some(page) = reference.web_page() {
        out.push_str(&format!("\n\n[{page}]({page})"));
    }
    out
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KB", "MB", "GB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// The pin quick fix for a finding at `position` of `uri`: a code action that runs
/// [`PIN_COMMAND`], so the digest is fetched only when the user picks it.
pub fn pin_action(uri: &lsp::Uri, diagnostic: &lsp::Diagnostic) -> lsp::CodeAction {
    let title = "Pin to the digest the tag points at now".to_owned();
    lsp::CodeAction {
        title: title.clone(),
        kind: Some(lsp::CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic.clone()]),
        command: Some(pin_command(title, uri, diagnostic.range.start)),
        ..lsp::CodeAction::default()
    }
}

pub fn pin_command(title: String, uri: &lsp::Uri, position: lsp::Position) -> lsp::Command {
    lsp::Command {
        title,
        command: PIN_COMMAND.to_owned(),
        arguments: Some(vec![
            serde_json::json!({ "uri": uri, "position": position }),
        ]),
    }
}

/// The arguments of [`PIN_COMMAND`].
pub fn pin_arguments(arguments: &[serde_json::Value]) -> Option<(lsp::Uri, lsp::Position)> {
    let argument = arguments.first()?;
    let uri = serde_json::from_value(argument.get("uri")?.clone()).ok()?;
    let position = serde_json::from_value(argument.get("position")?.clone()).ok()?;
    Some((uri, position))
}

/// The edit that pins the base image at `offset` to the digest its tag has now: asks the
/// registry (at most [`PIN_TIMEOUT`]). The message of an error is for the user.
pub async fn pin_image(
    registry: &Arc<Registry>,
    snapshot: &Snapshot,
    offset: usize,
) -> Result<(Edit, String), String> {
    let stage = stage_at(snapshot, offset)
        .ok_or_else(|| "there is no base image to pin here".to_owned())?;
    let image = stage
        .image
        .as_ref()
        .map(|i| i.range.clone())
        .unwrap_or_default();
    let reference = stage_reference(stage).ok_or_else(|| {
        "the image reference is not complete (a variable without a default?)".to_owned()
    })?;
    let asked = reference.with_tag(reference.tag_or_latest());
    let head = tokio::time::timeout(PIN_TIMEOUT, registry.digest(&reference))
        .await
        .map_err(|_| format!("{asked}: the registry did not answer within 5 seconds"))?
        .map_err(|error| format!("{asked}: {error}"))?;
    let rules = RuleConfig::default();
    let context = Context::new(snapshot, &rules, None);
    let edit = pin_edit(&context, &image, &reference, &head.digest).ok_or_else(|| {
        "the reference is built from variables in a way that cannot be edited in one place"
            .to_owned()
    })?;
    Ok((edit, head.digest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn one_client_per_settings_and_none_when_off() {
        let registries = Registries {
            clients: Mutex::new(Vec::new()),
            blobs: None,
            updated: Arc::new(Notify::new()),
        };
        assert!(registries
            .for_settings(&RegistrySettings::default())
            .is_none());
        let on = |timeout_ms| RegistrySettings {
            network: true,
            timeout_ms,
            ..RegistrySettings::default()
        };
        let first = registries.for_settings(&on(1000)).unwrap();
        assert!(Arc::ptr_eq(
            &first,
            &registries.for_settings(&on(1000)).unwrap()
        ));
        for ms in 2000..2000 + MAX_CLIENTS as u64 {
            registries.for_settings(&on(ms));
        }
        // The first was least recently used and is gone: a new client now.
        assert!(!Arc::ptr_eq(
            &first,
            &registries.for_settings(&on(1000)).unwrap()
        ));
    }

    #[test]
    fn sizes_read_well() {
        assert_eq!(human_size(999), "999 B");
        assert_eq!(human_size(3_400_000), "3.4 MB");
    }

    #[test]
    fn pin_arguments_round_trip() {
        let uri: lsp::Uri = "file:///w/Dockerfile".parse().unwrap();
        let position = lsp::Position::new(2, 7);
        let command = pin_command("t".into(), &uri, position);
        assert_eq!(
            pin_arguments(command.arguments.as_deref().unwrap()),
            Some((uri, position))
        );
        assert_eq!(pin_arguments(&[serde_json::json!(1)]), None);
    }
}
