//! The LSP shell: serves the analysis over JSON-RPC on stdin and stdout.
//!
//! [`convert`] is the only module that knows LSP positions; [`server`] holds the open documents
//! and the handlers; [`settings`] finds and reads the settings files; [`actions`] picks the
//! fixes a code action offers; [`registry`] adds tags, image facts and the pin command from
//! registries (never on the path of an edit); [`workspace_images`] offers the images the
//! workspace already uses after `FROM `. Logs go to stderr, never stdout, which carries the protocol.

pub mod actions;
pub mod convert;
pub mod input;
pub mod memory;
pub mod registry;
pub mod semantic;
pub mod server;
pub mod settings;
pub mod workspace_images;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tower_lsp_server::{LspService, Server as Transport};

use self::server::{Server, DOCUMENT_TEXT_METHOD};

/// How long the server still serves after the client's input ended.
const EXIT_GRACE: Duration = Duration::from_millis(300);

/// Serves LSP on stdin and stdout until `exit` or the end of stdin. Returns the process exit
/// code: 0 after `shutdown` then `exit`, 1 otherwise, as the protocol asks.
pub fn run_stdio() -> u8 {
    memory::limit_arenas();
    // Diagnostics and settings files are worked on by blocking threads; a few are enough, and
    // each one keeps memory (its stack, its parser) while it lives.
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .max_blocking_threads(4)
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
        let forwarding = tokio::spawn(input::forward_messages(stdin, checked_output));
        let mut serving =
            tokio::spawn(Transport::new(checked_input, tokio::io::stdout(), socket).serve(service));
        tokio::select! {
            _ = &mut serving => {}
            _ = forwarding => {
                // The client's input ended: nobody reads answers to work still running. Give
                // the loop a moment for what the last messages asked (an `exit`), then stop
                // without waiting for long requests in flight.
                let _ = tokio::time::timeout(EXIT_GRACE, &mut serving).await;
            }
        }
    });
    // The blocking thread reading stdin may still be parked in `read`; do not wait for it.
    runtime.shutdown_background();
    if shutdown_requested.load(Ordering::SeqCst) {
        0
    } else {
        1
    }
}
