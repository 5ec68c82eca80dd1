//! dockls: a Dockerfile language server and linter.
//!
//! A pure core (text, syntax, model, rules and the editor features, in byte offsets) and two
//! shells: [`lsp`], the only code that knows the protocol, and [`cli`].

pub mod analysis;
pub mod cli;
pub mod completion;
pub mod config;
pub mod context;
pub mod diagnostics;
pub mod folding;
pub mod format;
pub mod hover;
pub mod inlay;
pub mod knowledge;
pub mod links;
pub mod lsp;
pub mod model;
pub mod navigation;
pub mod rules;
pub mod selection;
pub mod signature;
pub mod similar;
pub mod symbols;
pub mod syntax;
pub mod text;
pub mod tokens;
