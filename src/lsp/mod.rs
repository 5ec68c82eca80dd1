//! The LSP shell: serves the analysis over JSON-RPC on stdin and stdout.
//!
//! [`convert`] is the only module that knows LSP positions; [`server`] holds the open documents
//! and the handlers; [`settings`] finds and reads the settings files; [`actions`] picks the
//! fixes a code action offers. Logs go to stderr, never stdout, which carries the protocol.

pub mod actions;
pub mod convert;
pub mod input;
pub mod semantic;
pub mod server;
pub mod settings;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tower_lsp_server::{LspService, Server as Transport};

use self::server::{Server, DOCUMENT_TEXT_METHOD};

/// Serves LSP on stdin and stdout until `exit` or the end of stdin. Returns the process exit
/// code: 0 after `shutdown` then `exit`, 1 otherwise, as the protocol asks.
pub fn run_stdio() -> u8 {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            server::log(&format!("cannot start the async runtime: {error}"));
            return 2;
        }
    };
    let shutdown_requested = Arc::new(AtomicBool::new(false));
    let flag = shutdown_requested.clone();
    runtime.block_on(async move {
        let (service, socket) = LspService::build(move |client| {
            let (server, diagnostics) = Server::new(client, flag);
            tokio::spawn(diagnostics);
            server
        })
        .custom_method(DOCUMENT_TEXT_METHOD, Server::document_text)
        .custom_method(input::INVALID_REQUEST_METHOD, Server::invalid_request)
        .finish();
        let (checked_input, checked_output) = tokio::io::simplex(1 << 16);
        let stdin = tokio::io::BufReader::new(tokio::io::stdin());
        tokio::spawn(input::forward_messages(stdin, checked_output));
        Transport::new(checked_input, tokio::io::stdout(), socket)
            .serve(service)
            .await;
    });
    // The blocking thread reading stdin may still be parked in `read`; do not wait for it.
    runtime.shutdown_background();
    if shutdown_requested.load(Ordering::SeqCst) {
        0
    } else {
        1
    }
}
