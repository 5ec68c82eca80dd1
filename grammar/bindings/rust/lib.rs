//! The tree-sitter grammar of Dockerfiles used by dockls.
//!
//! ```
//! let mut parser = tree_sitter::Parser::new();
//! parser
//!     .set_language(&tree_sitter_dockls::LANGUAGE.into())
//!     .expect("the Dockerfile grammar loads");
//! let tree = parser.parse("FROM alpine\n", None).expect("a tree");
//! assert!(!tree.root_node().has_error());
//! ```

use tree_sitter_language::LanguageFn;

extern "C" {
    fn tree_sitter_dockerfile() -> *const ();
}

/// The tree-sitter [`LanguageFn`] of the Dockerfile grammar.
pub const LANGUAGE: LanguageFn = unsafe { LanguageFn::from_raw(tree_sitter_dockerfile) };

/// The content of the `node-types.json` file of this grammar.
pub const NODE_TYPES: &str = include_str!("../../src/node-types.json");

/// The syntax highlighting query.
pub const HIGHLIGHTS_QUERY: &str = include_str!("../../queries/highlights.scm");

/// The language injection query (shell in RUN, JSON in exec form, ...).
pub const INJECTIONS_QUERY: &str = include_str!("../../queries/injections.scm");

/// The code folding query.
pub const FOLDS_QUERY: &str = include_str!("../../queries/folds.scm");

/// The indentation query.
pub const INDENTS_QUERY: &str = include_str!("../../queries/indents.scm");

#[cfg(test)]
mod tests {
    #[test]
    fn language_loads() {
        let mut parser = tree_sitter::Parser::new();
        parser
            .set_language(&super::LANGUAGE.into())
            .expect("Error loading the Dockerfile grammar");
    }
}
