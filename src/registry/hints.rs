//! Hints from what registries say about a file's base images: `pinned-digest-stale` on an
//! image pinned to a digest its tag no longer points at, and `unknown-tag` on a tag the
//! registry does not have. [`hints`] reads only what the cache holds, so the editor can add
//! them to every publish without a request; [`ask`] fetches what they need, for `dockls check
//! --network`.

use super::client::Error;
use super::reference::Reference;
use super::Registry;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Stage;
use crate::snapshot::Snapshot;

/// The hint on a pinned digest that its tag no longer points at.
pub const STALE_PIN: &str = "pinned-digest-stale";
/// The hint on a tag the registry says does not exist.
pub const UNKNOWN_TAG: &str = "unknown-tag";

/// The resolved reference of a stage's base image: `None` for an earlier stage, `scratch`, or
/// a reference that does not parse (a variable without a default, say).
pub fn stage_reference(stage: &Stage) -> Option<Reference> {
    if stage.base_stage.is_some() {
        return None;
    }
    let resolved = stage.image.as_ref()?.resolved.as_deref()?;
    if resolved.eq_ignore_ascii_case("scratch") {
        return None;
    }
    Reference::parse(resolved).ok()
}

/// Asks the registry where the tag of every tagged base image points, so that [`hints`] can
/// tell; each request is bounded by the client's timeout, and answers are cached (a tag the
/// registry does not have too). Returns what went wrong other than a missing tag, one message
/// per image, for the user.
pub async fn ask(registry: &Registry, snapshot: &Snapshot) -> Vec<String> {
    let mut problems = Vec::new();
    let mut asked = Vec::new();
    for stage in &snapshot.model().stages {
        let Some(reference) = stage_reference(stage).filter(|r| r.tag.is_some()) else {
            continue;
        };
        let key = reference.to_string();
        if asked.contains(&key) {
            continue;
        }
        asked.push(key);
        match registry.digest(&reference).await {
            Ok(_) | Err(Error::NotFound(_)) => {}
            Err(error) => problems.push(format!("{}: {error}", reference.familiar_name())),
        }
    }
    problems
}

/// Hints from what the cache knows (never a request): a pinned digest its tag no longer points
/// at, and a tag the registry does not have.
pub fn hints(registry: &Registry, snapshot: &Snapshot) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for stage in &snapshot.model().stages {
        let Some(reference) = stage_reference(stage) else {
            continue;
        };
        let (Some(tag), Some(image)) = (&reference.tag, &stage.image) else {
            continue;
        };
        let name = reference.familiar_name();
        let known = registry.peek_digest(&reference).map(|p| p.value);
        let unknown = match &known {
            Some(Err(Error::NotFound(_))) => true,
            Some(Ok(_)) => false,
            _ => registry
                .peek_tags(&reference)
                .and_then(|p| p.value.ok())
                .is_some_and(|tags| tags.len() < MAX_KNOWN_TAGS && !tags.contains(tag)),
        };
        let message = match (&known, &reference.digest) {
            _ if unknown => Some((
                UNKNOWN_TAG,
                format!("`{}` has no tag `{tag}` for `{name}`", reference.registry),
            )),
            (Some(Ok(head)), Some(pinned)) if *pinned != head.digest => Some((
                STALE_PIN,
                format!(
                    "the pin is stale: `{name}:{tag}` points at `{}` now, not at the pinned digest",
                    head.digest
                ),
            )),
            _ => None,
        };
        if let Some((code, message)) = message {
            found.push(Diagnostic {
                range: image.range.clone(),
                severity: Severity::Hint,
                code,
                message,
                fixes: Vec::new(),
            });
        }
    }
    found
}

/// A tag list this long may have been cut, so a tag missing from it may still exist.
const MAX_KNOWN_TAGS: usize = 100_000;
