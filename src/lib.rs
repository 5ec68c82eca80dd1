//! dockls: a Dockerfile language server and linter.
//!
//! A pure core (text, syntax, model, rules and the editor features, in byte offsets; no protocol
//! types, no async, no I/O) and two shells: [`lsp`], the only code that knows the protocol, and
//! [`cli`].
//!
//! # Layers
//!
//! The modules form layers, listed from the bottom up. A module imports only from its own layer
//! and the layers below it, never from one above, and modules of one layer never import each
//! other in a circle; `tests/layers.rs` reads this list and fails on an import that breaks it.
//!
//! 1. `text`, `similar`, `diagnostic`, `knowledge`, `testing`: plain-text helpers, "did you
//!    mean", the shared vocabulary (diagnostic, severity, fix, edit), the facts about
//!    instructions and flags, and the unit tests' corpus walker. They import nothing from the
//!    crate.
//! 2. `syntax`: parsing with tree-sitter, syntax errors, helpers over nodes.
//! 3. `document`: an open document's rope and tree, kept in step through edits.
//! 4. `model`, `shell`: stages, instructions, flags, ARG/ENV scopes and variable uses, built from a
//!    tree; the shell script of each RUN, parsed, with its map back to the Dockerfile.
//! 5. `snapshot`: one version of a document with its tree and model, what everything above reads.
//! 6. `rules`: the checks, each in its own file with its documentation, fix and tests.
//! 7. `context`, `completion`, `hover`, `signature`, `inlay`, `symbols`, `navigation`, `tokens`,
//!    `format`, `folding`, `selection`, `links`, `diagnostics`, `fix_all`, `config`: the editor
//!    features, diagnostics (syntax errors and rule findings together), the fix engine and the
//!    settings.
//! 8. `analysis`: the API the shells call: a snapshot that remembers its last diagnostics.
//! 9. `registry`: image references, tags, digests and image facts from OCI registries over
//!    HTTP, with their caches; used by both shells.
//! 10. `lsp`, `cli`: the shells; with `registry`, the only code that does I/O.

pub mod analysis;
pub mod cli;
pub mod completion;
pub mod config;
pub mod context;
pub mod diagnostic;
pub mod diagnostics;
pub mod document;
pub mod fix_all;
pub mod folding;
pub mod format;
pub mod hover;
pub mod inlay;
pub mod knowledge;
pub mod links;
pub mod lsp;
pub mod model;
pub mod navigation;
pub mod registry;
pub mod rules;
pub mod selection;
pub mod shell;
pub mod signature;
pub mod similar;
pub mod snapshot;
pub mod symbols;
pub mod syntax;
#[cfg(test)]
mod testing;
pub mod text;
pub mod tokens;
