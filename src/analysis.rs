//! The analysis API: what the editor asks about a document, answered in editor terms (byte
//! offsets, labels, markdown), never in protocol types.
//!
//! An [`Analysis`] is a snapshot of one document: its text, tree and model. Building one is the
//! per-keystroke work; each question is then answered from the snapshot.

use std::sync::{Arc, Mutex, PoisonError};

use crate::completion::{self, CompletionConfig, CompletionItem};
use crate::diagnostic::Diagnostic;
use crate::diagnostics;
use crate::document::Document;
use crate::hover::{self, Hover, HoverConfig};
use crate::rules::{FindingsMemo, RuleConfig};
use crate::snapshot::Snapshot;
use crate::text::floor_char_boundary;

/// A snapshot of a document, ready to answer questions. Clones share the snapshot, and the
/// diagnostics last computed for it. It dereferences to its [`Snapshot`], which the features
/// read.
#[derive(Clone)]
pub struct Analysis {
    snapshot: Snapshot,
    /// The last diagnostics computed, with the settings they were computed with: the server
    /// publishes them and then asks again for quick fixes and pulls, with the same settings.
    last_diagnostics: Arc<Mutex<Option<Computed>>>,
    /// What an earlier analysis of the same document knew, which this one reuses and then
    /// replaces; none for a one-shot analysis.
    memo: Option<Arc<Mutex<Memo>>>,
}

/// What the analysis of one version of a document leaves for the next: its snapshot, whose
/// model the next one reuses for the instructions an edit did not touch, and its rule findings
/// by instruction and stage.
#[derive(Default)]
pub struct Memo {
    snapshot: Option<Snapshot>,
    findings: FindingsMemo,
}

/// Diagnostics and what they were computed from besides the snapshot.
struct Computed {
    config: RuleConfig,
    dockerignore: Option<String>,
    diagnostics: Vec<Diagnostic>,
}

impl Analysis {
    pub fn new(document: &Document) -> Analysis {
        Analysis {
            snapshot: Snapshot::new(document),
            last_diagnostics: Arc::default(),
            memo: None,
        }
    }

    /// An analysis of an edited document that models again only the instructions the edits
    /// touched and computes only the rule findings they may have changed, taking the rest from
    /// `memo`, which it then brings up to date. Equal to [`Analysis::new`].
    pub fn incremental(document: &Document, memo: Arc<Mutex<Memo>>) -> Analysis {
        let snapshot = {
            // A poisoned lock holds a memo that is whole or empty, either of which is correct
            // to reuse.
            let mut memo = memo.lock().unwrap_or_else(PoisonError::into_inner);
            let snapshot = match &memo.snapshot {
                // Asked twice for one text (the diagnostics and a completion racing after a
                // keystroke): the second takes what the first built.
                Some(previous) if *document.rope() == previous.text() => previous.clone(),
                Some(previous) => Snapshot::reusing(document, previous),
                None => Snapshot::new(document),
            };
            memo.snapshot = Some(snapshot.clone());
            snapshot
        };
        Analysis {
            snapshot,
            last_diagnostics: Arc::default(),
            memo: Some(memo),
        }
    }

    /// Parses `text` from scratch; for one-shot use such as the command line and tests.
    pub fn from_text(text: &str) -> Analysis {
        Analysis::new(&Document::new(text))
    }

    /// Syntax errors and rule findings with the default settings.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        self.diagnostics_with(&RuleConfig::default(), None)
    }

    /// Syntax errors and rule findings with `config`; `dockerignore` is the build context's
    /// `.dockerignore`, when there is one.
    pub fn diagnostics_with(
        &self,
        config: &RuleConfig,
        dockerignore: Option<&str>,
    ) -> Vec<Diagnostic> {
        self.diagnostics_until(config, dockerignore, &|| false)
            .unwrap_or_default()
    }

    /// [`Analysis::diagnostics_with`], given up (`None`) as soon as `cancelled` returns true: the
    /// server asks whether the text changed meanwhile.
    pub fn diagnostics_until(
        &self,
        config: &RuleConfig,
        dockerignore: Option<&str>,
        cancelled: &dyn Fn() -> bool,
    ) -> Option<Vec<Diagnostic>> {
        let memo = || {
            // Under the lock only comparisons, clones and a move happen; a poisoned lock still
            // holds a whole value.
            self.last_diagnostics
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
        };
        if let Some(last) = memo().as_ref() {
            if last.config == *config && last.dockerignore.as_deref() == dockerignore {
                return Some(last.diagnostics.clone());
            }
        }
        let computed = match &self.memo {
            // One analysis at a time uses the memo.
            Some(memo) => diagnostics::diagnostics_incremental(
                self,
                config,
                dockerignore,
                &mut memo.lock().unwrap_or_else(PoisonError::into_inner).findings,
                cancelled,
            )?,
            None => diagnostics::diagnostics_until(self, config, dockerignore, cancelled)?,
        };
        *memo() = Some(Computed {
            config: config.clone(),
            dockerignore: dockerignore.map(str::to_owned),
            diagnostics: computed.clone(),
        });
        Some(computed)
    }

    /// Completion at a byte offset (inside a character: at its start).
    pub fn completion(&self, offset: usize, config: &CompletionConfig) -> Vec<CompletionItem> {
        completion::completion(self, floor_char_boundary(self.text(), offset), config)
    }

    /// Hover at a byte offset (inside a character: at its start).
    pub fn hover(&self, offset: usize, config: &HoverConfig) -> Option<Hover> {
        hover::hover(self, floor_char_boundary(self.text(), offset), config)
    }
}

impl std::ops::Deref for Analysis {
    type Target = Snapshot;

    fn deref(&self) -> &Snapshot {
        &self.snapshot
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the `analysis` fuzz target: completion asked inside a multi-byte character
    /// answered with a range inside it.
    #[test]
    fn an_offset_inside_a_character_counts_from_its_start() {
        let analysis = Analysis::from_text("RUN -mount=\u{FFFD}");
        let config = CompletionConfig { snippets: true };
        for offset in 11..=14 {
            for item in analysis.completion(offset, &config) {
                assert!(
                    analysis.text().get(item.replace.clone()).is_some(),
                    "{offset}: {item:?}"
                );
            }
            let hover = analysis.hover(offset, &HoverConfig::default());
            if let Some(hover) = hover {
                assert!(analysis.text().get(hover.range).is_some());
            }
        }
    }

    #[test]
    fn remembered_diagnostics_are_those_of_the_settings_asked_for() {
        let analysis = Analysis::from_text("FROM ubuntu\nCOPY . /app\n");
        let codes = |diagnostics: Vec<Diagnostic>| -> Vec<&str> {
            diagnostics.iter().map(|d| d.code).collect()
        };
        let default = codes(analysis.diagnostics());
        assert!(default.contains(&"untagged-base-image"), "{default:?}");

        let mut quiet = RuleConfig::default();
        quiet
            .severities
            .insert("untagged-base-image".to_owned(), None);
        let without = codes(analysis.clone().diagnostics_with(&quiet, None));
        assert!(!without.contains(&"untagged-base-image"), "{without:?}");

        // A cancelled computation leaves nothing behind; the default settings get theirs again.
        assert_eq!(
            analysis.diagnostics_until(&quiet, Some("x"), &|| true),
            None
        );
        assert_eq!(codes(analysis.diagnostics()), default);
        assert_eq!(codes(analysis.diagnostics_with(&quiet, None)), without);
    }
}
