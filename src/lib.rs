//! dockls: a Dockerfile language server and linter.
//!
//! Today this holds the syntax layer ([`syntax`]) and the command line ([`cli`]); the language
//! server is built on top of them next.

pub mod cli;
pub mod syntax;
