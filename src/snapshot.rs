//! A document at one version, parsed and modelled: the text, its syntax tree and the model built
//! from them. Every rule and editor feature reads one; nothing in it changes after it is built,
//! and clones share it, so a snapshot can be handed to another thread while the editor types on.

use std::sync::Arc;

use tree_sitter::Tree;

use crate::document::Document;
use crate::model::Model;
use crate::shell::{Script, ScriptCache};

#[derive(Clone)]
pub struct Snapshot {
    text: Arc<str>,
    tree: Tree,
    model: Arc<Model>,
    /// The RUN scripts, each parsed on first use (only the shell rules and features need
    /// them) and shared by every reader of the snapshot, and by the next snapshot for the RUNs
    /// an edit leaves alone.
    scripts: Arc<ScriptCache>,
}

impl Snapshot {
    /// The document as it is now; builds the model.
    pub fn new(document: &Document) -> Snapshot {
        let text: Arc<str> = Arc::from(document.text());
        let tree = document.tree().clone();
        let model = Arc::new(Model::build(&tree, &text));
        let scripts = Arc::new(ScriptCache::new(&model, &text, None));
        Snapshot {
            text,
            tree,
            model,
            scripts,
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
        let scripts = Arc::new(ScriptCache::new(
            &model,
            &text,
            Some((&previous.scripts, &previous.model, &previous.text)),
        ));
        Snapshot {
            text,
            tree,
            model,
            scripts,
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

    /// The shell scripts of every RUN instruction, in file order.
    pub fn scripts(&self) -> &[Script] {
        self.scripts.all(&self.model, &self.text)
    }

    /// The shell script of instruction `index` when it is a RUN (or `ONBUILD RUN`) with one,
    /// parsed on first use.
    pub fn script(&self, index: usize) -> Option<&Script> {
        self.scripts.script(&self.model, &self.text, index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The snapshot after `edit` (a range and its replacement) of `text`, reusing the first.
    fn edited(text: &str, edit: std::ops::Range<usize>, with: &str) -> (Snapshot, Snapshot) {
        let mut document = Document::new(text);
        let before = Snapshot::new(&document);
        // Ask for every script first, as a full analysis does.
        let _ = before.scripts();
        document.edit(edit, with);
        document.reparse();
        let after = Snapshot::reusing(&document, &before);
        (before, after)
    }

    fn same_parse(a: &Script, b: &Script) -> bool {
        std::ptr::eq::<crate::shell::Parsed>(&**a, &**b)
    }

    #[test]
    fn an_edit_parses_again_only_the_script_it_touches() {
        let text = "FROM a\nRUN echo one\nRUN echo two\nRUN echo three\n";
        let at = text.find("two").unwrap();
        let (before, after) = edited(text, at..at, "x");
        let (old, new) = (before.scripts(), after.scripts());
        assert_eq!(new.len(), 3);
        assert!(same_parse(&old[0], &new[0]));
        assert!(!same_parse(&old[1], &new[1]));
        assert!(same_parse(&old[2], &new[2]));
        assert_eq!(new[1].text, "echo xtwo");
        // Moved by the edit, the third script maps to its new place.
        let three = after.text().find("three").unwrap();
        assert_eq!(new[2].source_range(5..10), three..three + 5);
        let fresh = Snapshot::from_text(after.text());
        for (a, b) in new.iter().zip(fresh.scripts()) {
            assert_eq!((a.instruction, &a.text), (b.instruction, &b.text));
            assert_eq!(
                a.source_range(0..a.text.len()),
                b.source_range(0..b.text.len())
            );
        }
    }

    #[test]
    fn a_script_whose_shell_changes_is_parsed_again() {
        let text = "FROM a\nSHELL [\"/bin/sh\", \"-c\"]\nRUN echo one\n";
        let at = text.find("/bin/sh").unwrap();
        let (before, after) = edited(text, at..at + "/bin/sh".len(), "/bin/bash");
        assert_eq!(before.scripts()[0].dialect, crate::shell::Dialect::Sh);
        assert_eq!(after.scripts()[0].dialect, crate::shell::Dialect::Bash);

        let text = "FROM a\nRUN echo one\n";
        let (before, after) = edited(text, 7..7, "# dockls shell=bash\n");
        assert_eq!(before.scripts()[0].dialect, crate::shell::Dialect::Sh);
        assert_eq!(after.scripts()[0].dialect, crate::shell::Dialect::Bash);
    }

    #[test]
    fn a_script_nobody_asked_for_is_parsed_by_the_next_snapshot_that_asks() {
        let text = "FROM a\nRUN echo one\nRUN echo two\n";
        let mut document = Document::new(text);
        let first = Snapshot::new(&document);
        document.edit(0..0, "# c\n");
        document.reparse();
        let second = Snapshot::reusing(&document, &first);
        let late = second.script(2).expect("a script");
        assert!(same_parse(first.script(2).expect("a script"), late));
        assert_eq!(&second.text()[late.source_range(0..8)], "echo two");
    }
}
