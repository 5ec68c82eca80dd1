//! dockls: a Dockerfile language server and linter.
//!
//! Today this holds the syntax layer ([`syntax`]) and the command line ([`cli`]); the language
//! server is built on top of them next.

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
