//! The language server: open documents, their analyses, and the LSP handlers.
//!
//! tower-lsp-server polls up to four handlers concurrently, but it creates and first polls them
//! in arrival order. Every handler therefore does its work on the shared state synchronously,
//! under the lock and before its first `.await`: edits apply in the order the client sent them,
//! and a request sees every change sent before it. Only sending to the client awaits.

use std::collections::HashMap;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};

use ropey::Rope;
use serde_json::Value;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{self as lsp, Uri};
use tower_lsp_server::{Client, LanguageServer};

use super::convert::{self, CompletionShape, PositionEncoding};
use crate::analysis::{Analysis, CompletionConfig, HoverConfig};
use crate::text::Document;

/// The custom request that returns the server's text of a document, for tests and for
/// debugging a client's synchronization. Params: `TextDocumentIdentifier`; result: the text,
/// or null for a document that is not open.
pub const DOCUMENT_TEXT_METHOD: &str = "dockls/documentText";

/// Characters after which the client should ask for completion unprompted: a space after a
/// keyword or flag, `-` of `--flag`, `=` of a flag or directive value, `$` and `{` of a
/// variable, `,` between `--mount` keys, `#` of a parser directive. The analysis answers with
/// nothing where none of these starts anything (a space inside a shell command, a comment).
const TRIGGER_CHARACTERS: [&str; 7] = [" ", "-", "=", "$", "{", ",", "#"];

/// What the client said it can do, read once at initialize.
#[derive(Debug, Clone, Copy, Default)]
struct ClientConfig {
    encoding: PositionEncoding,
    completion: CompletionConfig,
    completion_shape: CompletionShape,
    hover: HoverConfig,
}

impl ClientConfig {
    fn from_capabilities(capabilities: &lsp::ClientCapabilities) -> ClientConfig {
        let encoding = PositionEncoding::negotiate(
            capabilities
                .general
                .as_ref()
                .and_then(|general| general.position_encodings.as_deref()),
        );
        let text_document = capabilities.text_document.as_ref();
        let item = text_document
            .and_then(|text| text.completion.as_ref())
            .and_then(|completion| completion.completion_item.as_ref());
        let snippets = item.and_then(|item| item.snippet_support).unwrap_or(false);
        let completion_markdown = item
            .and_then(|item| item.documentation_format.as_deref())
            .is_some_and(|formats| formats.contains(&lsp::MarkupKind::Markdown));
        let resolves_documentation = item
            .and_then(|item| item.resolve_support.as_ref())
            .is_some_and(|support| support.properties.iter().any(|p| p == "documentation"));
        let hover_markdown = text_document
            .and_then(|text| text.hover.as_ref())
            .and_then(|hover| hover.content_format.as_deref())
            .and_then(<[lsp::MarkupKind]>::first)
            .is_some_and(|kind| *kind == lsp::MarkupKind::Markdown);
        ClientConfig {
            encoding,
            completion: CompletionConfig { snippets },
            completion_shape: CompletionShape {
                markdown: completion_markdown,
                defer_documentation: resolves_documentation,
            },
            hover: HoverConfig {
                markdown: hover_markdown,
            },
        }
    }
}

/// An open document, the version the client gave it, and the analysis of that version.
struct Entry {
    document: Document,
    version: i32,
    analysis: Analysis,
}

impl Entry {
    fn snapshot(&self) -> Snapshot {
        Snapshot {
            rope: self.document.rope().clone(),
            analysis: self.analysis.clone(),
            version: self.version,
        }
    }
}

/// What a handler needs from a document once the lock is released: cheap clones of the rope
/// (for position conversions) and of the analysis.
struct Snapshot {
    rope: Rope,
    analysis: Analysis,
    version: i32,
}

/// The documentation of the last completion list, for `completionItem/resolve`. Items carry
/// `{"list": N, "index": I}` in their `data`; a stale list number resolves to nothing.
#[derive(Default)]
struct ResolveCache {
    list: u64,
    documentation: Vec<Option<String>>,
}

pub struct Server {
    client: Client,
    config: RwLock<ClientConfig>,
    documents: Mutex<HashMap<Uri, Entry>>,
    resolve: Mutex<ResolveCache>,
    shutdown_requested: Arc<AtomicBool>,
}

impl Server {
    /// `shutdown_requested` is set when the client sends `shutdown`, so the process can pick its
    /// exit code after `exit`.
    pub fn new(client: Client, shutdown_requested: Arc<AtomicBool>) -> Server {
        Server {
            client,
            config: RwLock::new(ClientConfig::default()),
            documents: Mutex::new(HashMap::new()),
            resolve: Mutex::new(ResolveCache::default()),
            shutdown_requested,
        }
    }

    fn config(&self) -> ClientConfig {
        *self.config.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn documents(&self) -> MutexGuard<'_, HashMap<Uri, Entry>> {
        // Core calls run under `guarded`, so a poisoned lock can only come from a bug here; the
        // map is still consistent enough to keep serving.
        self.documents
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn snapshot(&self, uri: &Uri) -> Option<Snapshot> {
        let snapshot = self.documents().get(uri).map(Entry::snapshot);
        if snapshot.is_none() {
            log(&format!(
                "request for {} which is not open; answering with nothing",
                uri.as_str()
            ));
        }
        snapshot
    }

    /// Opens or replaces a document; returns the snapshot to publish diagnostics for.
    fn open(&self, params: lsp::DidOpenTextDocumentParams) -> Option<(Uri, Snapshot)> {
        let lsp::TextDocumentItem {
            uri, text, version, ..
        } = params.text_document;
        let (document, analysis) = guarded("didOpen", || {
            let document = Document::new(&text);
            let analysis = Analysis::new(&document);
            (document, analysis)
        })?;
        let entry = Entry {
            document,
            version,
            analysis,
        };
        let snapshot = entry.snapshot();
        self.documents().insert(uri.clone(), entry);
        Some((uri, snapshot))
    }

    /// Applies a batch of changes in order; returns the snapshot to publish diagnostics for,
    /// and messages about clamped ranges for the client's log.
    fn change(&self, params: lsp::DidChangeTextDocumentParams) -> (Option<Snapshot>, Vec<String>) {
        let encoding = self.config().encoding;
        let uri = params.text_document.uri;
        let mut notes = Vec::new();
        let mut documents = self.documents();
        let Some(entry) = documents.get_mut(&uri) else {
            notes.push(format!(
                "didChange for {} which is not open; ignored",
                uri.as_str()
            ));
            return (None, notes);
        };
        let applied = guarded("didChange", || {
            for change in &params.content_changes {
                match change.range {
                    Some(range) => {
                        let bytes = convert::byte_range(entry.document.rope(), range, encoding);
                        if bytes.clamped {
                            notes.push(format!(
                                "didChange for {} (version {}): range {} is outside the text; \
                                 clamped to bytes {:?}",
                                uri.as_str(),
                                params.text_document.version,
                                show_range(range),
                                bytes.value,
                            ));
                        }
                        entry.document.edit(bytes.value, &change.text);
                    }
                    None => entry.document.replace_all(&change.text),
                }
            }
            entry.document.reparse();
            Analysis::new(&entry.document)
        });
        entry.version = params.text_document.version;
        let Some(analysis) = applied else {
            // The text may be half edited; the client's next full sync or reopen repairs it.
            notes.push(format!(
                "didChange for {} failed; its text may be out of sync",
                uri.as_str()
            ));
            return (None, notes);
        };
        entry.analysis = analysis;
        (Some(entry.snapshot()), notes)
    }

    fn diagnostics(&self, snapshot: &Snapshot) -> Vec<lsp::Diagnostic> {
        let encoding = self.config().encoding;
        let diagnostics = guarded("diagnostics", || snapshot.analysis.diagnostics());
        diagnostics
            .unwrap_or_default()
            .iter()
            .map(|diagnostic| convert::diagnostic(&snapshot.rope, diagnostic, encoding))
            .collect()
    }

    async fn publish(&self, uri: Uri, snapshot: Snapshot) {
        let diagnostics = self.diagnostics(&snapshot);
        self.client
            .publish_diagnostics(uri, diagnostics, Some(snapshot.version))
            .await;
    }

    /// Logs to stderr and to the client's log.
    async fn log_to_client(&self, notes: Vec<String>) {
        for note in notes {
            log(&note);
            self.client
                .log_message(lsp::MessageType::WARNING, note)
                .await;
        }
    }

    /// The byte offset of a request's position, with a note when it had to be clamped.
    fn offset(
        &self,
        snapshot: &Snapshot,
        position: lsp::Position,
        method: &str,
    ) -> (usize, Option<String>) {
        let offset = convert::offset(&snapshot.rope, position, self.config().encoding);
        let note = offset.clamped.then(|| {
            format!(
                "{method}: position {}:{} is outside the text; clamped to byte {}",
                position.line, position.character, offset.value
            )
        });
        (offset.value, note)
    }

    fn completion_items(
        &self,
        params: &lsp::CompletionParams,
    ) -> (Option<Vec<lsp::CompletionItem>>, Option<String>) {
        let position = &params.text_document_position;
        let Some(snapshot) = self.snapshot(&position.text_document.uri) else {
            return (None, None);
        };
        let config = self.config();
        let (offset, note) = self.offset(&snapshot, position.position, "completion");
        let items = guarded("completion", || {
            snapshot.analysis.completion(offset, &config.completion)
        })
        .unwrap_or_default();
        let shape = config.completion_shape;
        let mut converted: Vec<lsp::CompletionItem> = items
            .iter()
            .map(|item| convert::completion_item(&snapshot.rope, item, config.encoding, shape))
            .collect();
        if shape.defer_documentation {
            let mut cache = self.resolve.lock().unwrap_or_else(PoisonError::into_inner);
            cache.list = cache.list.wrapping_add(1);
            cache.documentation = items.into_iter().map(|item| item.documentation).collect();
            for (index, item) in converted.iter_mut().enumerate() {
                item.data = Some(serde_json::json!({ "list": cache.list, "index": index }));
            }
        }
        (Some(converted), note)
    }

    fn resolve_documentation(&self, item: &mut lsp::CompletionItem) {
        let Some(data) = item.data.as_ref() else {
            return;
        };
        let (Some(list), Some(index)) = (
            data.get("list").and_then(Value::as_u64),
            data.get("index").and_then(Value::as_u64),
        ) else {
            return;
        };
        let cache = self.resolve.lock().unwrap_or_else(PoisonError::into_inner);
        if cache.list != list {
            return;
        }
        let docs = usize::try_from(index)
            .ok()
            .and_then(|index| cache.documentation.get(index));
        if let Some(Some(docs)) = docs {
            let markdown = self.config().completion_shape.markdown;
            item.documentation = Some(convert::documentation(docs, markdown));
        }
    }

    fn hover_at(&self, params: &lsp::HoverParams) -> (Option<lsp::Hover>, Option<String>) {
        let position = &params.text_document_position_params;
        let Some(snapshot) = self.snapshot(&position.text_document.uri) else {
            return (None, None);
        };
        let config = self.config();
        let (offset, note) = self.offset(&snapshot, position.position, "hover");
        let hover = guarded("hover", || snapshot.analysis.hover(offset, &config.hover)).flatten();
        let hover = hover.map(|hover| {
            convert::hover(
                &snapshot.rope,
                &hover,
                config.encoding,
                config.hover.markdown,
            )
        });
        (hover, note)
    }

    /// `dockls/documentText`: the server's copy of a document's text.
    pub async fn document_text(
        &self,
        params: lsp::TextDocumentIdentifier,
    ) -> Result<Option<String>> {
        Ok(self
            .documents()
            .get(&params.uri)
            .map(|entry| entry.document.text()))
    }
}

impl Server {
    /// The answer to a message that had an id but was no valid request (see [`super::input`]).
    pub async fn invalid_request(&self) -> Result<()> {
        Err(tower_lsp_server::jsonrpc::Error::invalid_request())
    }
}

impl LanguageServer for Server {
    async fn initialize(&self, params: lsp::InitializeParams) -> Result<lsp::InitializeResult> {
        let config = ClientConfig::from_capabilities(&params.capabilities);
        *self.config.write().unwrap_or_else(PoisonError::into_inner) = config;
        log(&format!(
            "initialize: position encoding {:?}",
            config.encoding
        ));
        let capabilities = lsp::ServerCapabilities {
            position_encoding: Some(config.encoding.kind()),
            text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(
                lsp::TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(lsp::TextDocumentSyncKind::INCREMENTAL),
                    ..lsp::TextDocumentSyncOptions::default()
                },
            )),
            completion_provider: Some(lsp::CompletionOptions {
                resolve_provider: Some(config.completion_shape.defer_documentation),
                trigger_characters: Some(TRIGGER_CHARACTERS.map(str::to_owned).to_vec()),
                ..lsp::CompletionOptions::default()
            }),
            hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
            diagnostic_provider: Some(lsp::DiagnosticServerCapabilities::Options(
                lsp::DiagnosticOptions {
                    identifier: Some("dockls".to_owned()),
                    inter_file_dependencies: false,
                    workspace_diagnostics: false,
                    ..lsp::DiagnosticOptions::default()
                },
            )),
            ..lsp::ServerCapabilities::default()
        };
        Ok(lsp::InitializeResult {
            capabilities,
            server_info: Some(lsp::ServerInfo {
                name: "dockls".to_owned(),
                version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            }),
            ..lsp::InitializeResult::default()
        })
    }

    async fn shutdown(&self) -> Result<()> {
        self.shutdown_requested.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: lsp::DidOpenTextDocumentParams) {
        if let Some((uri, snapshot)) = self.open(params) {
            self.publish(uri, snapshot).await;
        }
    }

    async fn did_change(&self, params: lsp::DidChangeTextDocumentParams) {
        let uri = params.text_document.uri.clone();
        let (snapshot, notes) = self.change(params);
        self.log_to_client(notes).await;
        if let Some(snapshot) = snapshot {
            self.publish(uri, snapshot).await;
        }
    }

    async fn did_close(&self, params: lsp::DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        if self.documents().remove(&uri).is_none() {
            log(&format!(
                "didClose for {} which is not open; ignored",
                uri.as_str()
            ));
            return;
        }
        self.client.publish_diagnostics(uri, Vec::new(), None).await;
    }

    async fn diagnostic(
        &self,
        params: lsp::DocumentDiagnosticParams,
    ) -> Result<lsp::DocumentDiagnosticReportResult> {
        let items = match self.snapshot(&params.text_document.uri) {
            Some(snapshot) => self.diagnostics(&snapshot),
            None => Vec::new(),
        };
        Ok(lsp::DocumentDiagnosticReportResult::Report(
            lsp::DocumentDiagnosticReport::Full(lsp::RelatedFullDocumentDiagnosticReport {
                related_documents: None,
                full_document_diagnostic_report: lsp::FullDocumentDiagnosticReport {
                    result_id: None,
                    items,
                },
            }),
        ))
    }

    async fn completion(
        &self,
        params: lsp::CompletionParams,
    ) -> Result<Option<lsp::CompletionResponse>> {
        let (items, note) = self.completion_items(&params);
        self.log_to_client(note.into_iter().collect()).await;
        Ok(items.map(lsp::CompletionResponse::Array))
    }

    async fn completion_resolve(
        &self,
        mut item: lsp::CompletionItem,
    ) -> Result<lsp::CompletionItem> {
        self.resolve_documentation(&mut item);
        Ok(item)
    }

    async fn hover(&self, params: lsp::HoverParams) -> Result<Option<lsp::Hover>> {
        let (hover, note) = self.hover_at(&params);
        self.log_to_client(note.into_iter().collect()).await;
        Ok(hover)
    }
}

/// Runs a core call, turning a panic into `None` and a log line: one bad document or position
/// must not take the server down.
fn guarded<T>(what: &str, call: impl FnOnce() -> T) -> Option<T> {
    match panic::catch_unwind(AssertUnwindSafe(call)) {
        Ok(value) => Some(value),
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            log(&format!("internal error in {what}: {message}"));
            None
        }
    }
}

fn show_range(range: lsp::Range) -> String {
    format!(
        "{}:{}-{}:{}",
        range.start.line, range.start.character, range.end.line, range.end.character
    )
}

/// Logs to stderr; stdout carries the protocol.
pub(crate) fn log(message: &str) {
    eprintln!("dockls: {message}");
}
