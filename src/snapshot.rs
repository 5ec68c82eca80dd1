//! A document at one version, parsed and modelled: the text, its syntax tree and the model built
//! from them. Every rule and editor feature reads one; nothing in it changes after it is built,
//! and clones share it, so a snapshot can be handed to another thread while the editor types on.

use std::sync::{Arc, OnceLock};

use tree_sitter::Tree;

use crate::document::Document;
use crate::model::Model;
use crate::shell::{self, Script};

#[derive(Clone)]
pub struct Snapshot {
    text: Arc<str>,
    tree: Tree,
    model: Arc<Model>,
    /// The RUN scripts, parsed on first use (only the shell rules and features need them) and
    /// shared by every reader of the snapshot.
    scripts: Arc<OnceLock<Vec<Script>>>,
}

impl Snapshot {
    /// The document as it is now; builds the model.
    pub fn new(document: &Document) -> Snapshot {
        let text: Arc<str> = Arc::from(document.text());
        let tree = document.tree().clone();
        let model = Arc::new(Model::build(&tree, &text));
        Snapshot {
            text,
            tree,
            model,
            scripts: Arc::default(),
        }
    }

    /// The document as it is now, after edits to the text of `previous`: the model reuses what
    /// `previous` knew of the instructions the edits did not touch (see
    /// [`Model::build_reusing`]).
    pub fn reusing(document: &Document, previous: &Snapshot) -> Snapshot {
        let text: Arc<str> = Arc::from(document.text());
        let tree = document.tree().clone();
        let model = Arc::new(Model::build_reusing(
            &tree,
            &text,
            &previous.model,
            &previous.text,
        ));
        Snapshot {
            text,
            tree,
            model,
            scripts: Arc::default(),
        }
    }

    /// Parses `text` from scratch; for one-shot use such as the command line and tests.
    pub fn from_text(text: &str) -> Snapshot {
        Snapshot::new(&Document::new(text))
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The text, shared: to keep it after the snapshot is gone.
    pub fn shared_text(&self) -> Arc<str> {
        self.text.clone()
    }

    pub fn tree(&self) -> &Tree {
        &self.tree
    }

    pub fn model(&self) -> &Model {
        &self.model
    }

    /// The shell scripts of the RUN instructions, parsed once per snapshot.
    pub fn scripts(&self) -> &[Script] {
        self.scripts
            .get_or_init(|| shell::scripts(&self.model, &self.text))
    }
}
