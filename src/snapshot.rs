//! A document at one version, parsed and modelled: the text, its syntax tree and the model built
//! from them. Every rule and editor feature reads one; nothing in it changes after it is built,
//! and clones share it, so a snapshot can be handed to another thread while the editor types on.

use std::sync::Arc;

use tree_sitter::Tree;

use crate::document::Document;
use crate::model::Model;

#[derive(Clone)]
pub struct Snapshot {
    text: Arc<str>,
    tree: Tree,
    model: Arc<Model>,
}

impl Snapshot {
    /// The document as it is now; builds the model.
    pub fn new(document: &Document) -> Snapshot {
        let text: Arc<str> = Arc::from(document.text());
        let tree = document.tree().clone();
        let model = Arc::new(Model::build(&tree, &text));
        Snapshot { text, tree, model }
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
}
