//! The language server: open documents, their analyses, and the LSP handlers.
//!
//! tower-lsp-server polls up to four handlers concurrently, but it creates and first polls them
//! in arrival order. Every handler therefore does its work on the shared state synchronously,
//! under the lock and before its first `.await`: edits apply in the order the client sent them,
//! and a request sees every change sent before it.
//!
//! A change only edits the rope and reparses the tree incrementally. Diagnostics run off that
//! path, in one background task: it takes the latest version of each changed document, so a
//! burst of keystrokes costs one analysis, not one per keystroke, and a slow rule delays only
//! the diagnostics, never the edits, hover or completion. Hover and completion build the
//! analysis of the current text on demand and cache it until the next change.

use std::collections::HashMap;
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};

use ropey::Rope;
use serde_json::Value;
use tokio::sync::mpsc;
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

/// An open document, the version the client gave it, and the analysis of its current text
/// once something asked for it.
struct Entry {
    document: Document,
    version: i32,
    /// Identifies the text: a new number on every open and change, unlike the client's version
    /// which a client could repeat.
    revision: u64,
    analysis: Option<Analysis>,
    /// The revision whose diagnostics were last published.
    published: Option<u64>,
}

/// What a handler needs from a document once the lock is released: cheap clones of the rope
/// (for position conversions) and of the analysis.
struct Snapshot {
    rope: Rope,
    analysis: Analysis,
    version: i32,
    revision: u64,
}

/// The documentation of the last completion list, for `completionItem/resolve`. Items carry
/// `{"list": N, "index": I}` in their `data`; a stale list number resolves to nothing.
#[derive(Default)]
struct ResolveCache {
    list: u64,
    documentation: Vec<Option<String>>,
}

/// What the handlers share with the diagnostics task.
struct State {
    config: RwLock<ClientConfig>,
    documents: Mutex<HashMap<Uri, Entry>>,
    /// The last revision given to a text.
    revisions: AtomicU64,
    /// Held while checking that diagnostics are current and sending them, so a publish for a
    /// document cannot overtake the empty publish of its `didClose`.
    publishing: tokio::sync::Mutex<()>,
}

impl State {
    fn next_revision(&self) -> u64 {
        self.revisions.fetch_add(1, Ordering::Relaxed) + 1
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

    /// The current text of a document with its analysis. The analysis is built outside the
    /// lock, from a clone of the document (a rope and a tree: both cheap to clone), and cached
    /// if no change came in meanwhile.
    fn snapshot(&self, uri: &Uri) -> Option<Snapshot> {
        let (document, version, revision) = {
            let documents = self.documents();
            let entry = documents.get(uri)?;
            if let Some(analysis) = &entry.analysis {
                return Some(Snapshot {
                    rope: entry.document.rope().clone(),
                    analysis: analysis.clone(),
                    version: entry.version,
                    revision: entry.revision,
                });
            }
            (entry.document.clone(), entry.version, entry.revision)
        };
        let analysis = guarded("analysis", || Analysis::new(&document))?;
        if let Some(entry) = self.documents().get_mut(uri) {
            if entry.revision == revision {
                entry.analysis = Some(analysis.clone());
            }
        }
        Some(Snapshot {
            rope: document.rope().clone(),
            analysis,
            version,
            revision,
        })
    }

    /// The diagnostics of a snapshot, computed on a blocking thread: rules may be slow.
    async fn diagnostics(&self, snapshot: &Snapshot) -> Vec<lsp::Diagnostic> {
        let encoding = self.config().encoding;
        let analysis = snapshot.analysis.clone();
        let computed = tokio::task::spawn_blocking(move || {
            guarded("diagnostics", || analysis.diagnostics()).unwrap_or_default()
        })
        .await
        .unwrap_or_default();
        computed
            .iter()
            .map(|diagnostic| convert::diagnostic(&snapshot.rope, diagnostic, encoding))
            .collect()
    }

    /// Publishes the diagnostics of the latest version of `uri`, unless they are published
    /// already or the document changed or closed while they were computed (its newer version is
    /// queued then).
    async fn publish(&self, client: &Client, uri: Uri) {
        let due = self
            .documents()
            .get(&uri)
            .is_some_and(|entry| entry.published != Some(entry.revision));
        if !due {
            return;
        }
        let Some(snapshot) = self.snapshot(&uri) else {
            return;
        };
        let diagnostics = self.diagnostics(&snapshot).await;
        let _publishing = self.publishing.lock().await;
        {
            let mut documents = self.documents();
            match documents.get_mut(&uri) {
                Some(entry) if entry.revision == snapshot.revision => {
                    entry.published = Some(snapshot.revision);
                }
                _ => return,
            }
        }
        client
            .publish_diagnostics(uri, diagnostics, Some(snapshot.version))
            .await;
    }
}

/// Publishes diagnostics for the documents named on `changed`, newest version only.
async fn publish_diagnostics(
    state: Arc<State>,
    client: Client,
    mut changed: mpsc::UnboundedReceiver<Uri>,
) {
    let mut batch = Vec::new();
    while changed.recv_many(&mut batch, usize::MAX).await > 0 {
        let mut seen = std::collections::HashSet::new();
        for uri in batch.drain(..) {
            if seen.insert(uri.clone()) {
                state.publish(&client, uri).await;
            }
        }
    }
}

pub struct Server {
    client: Client,
    state: Arc<State>,
    /// Documents whose diagnostics are due, for the diagnostics task.
    changed: mpsc::UnboundedSender<Uri>,
    resolve: Mutex<ResolveCache>,
    shutdown_requested: Arc<AtomicBool>,
}

impl Server {
    /// `shutdown_requested` is set when the client sends `shutdown`, so the process can pick its
    /// exit code after `exit`. Returns the server and the diagnostics task, to be spawned.
    pub fn new(
        client: Client,
        shutdown_requested: Arc<AtomicBool>,
    ) -> (Server, impl Future<Output = ()> + Send + 'static) {
        let state = Arc::new(State {
            config: RwLock::new(ClientConfig::default()),
            documents: Mutex::new(HashMap::new()),
            revisions: AtomicU64::new(0),
            publishing: tokio::sync::Mutex::new(()),
        });
        let (changed, receiver) = mpsc::unbounded_channel();
        let task = publish_diagnostics(state.clone(), client.clone(), receiver);
        let server = Server {
            client,
            state,
            changed,
            resolve: Mutex::new(ResolveCache::default()),
            shutdown_requested,
        };
        (server, task)
    }

    fn config(&self) -> ClientConfig {
        self.state.config()
    }

    fn documents(&self) -> MutexGuard<'_, HashMap<Uri, Entry>> {
        self.state.documents()
    }

    fn snapshot(&self, uri: &Uri) -> Option<Snapshot> {
        let snapshot = self.state.snapshot(uri);
        if snapshot.is_none() {
            log(&format!(
                "request for {} which is not open; answering with nothing",
                uri.as_str()
            ));
        }
        snapshot
    }

    /// Opens or replaces a document.
    fn open(&self, params: lsp::DidOpenTextDocumentParams) {
        let lsp::TextDocumentItem {
            uri, text, version, ..
        } = params.text_document;
        let Some(document) = guarded("didOpen", || Document::new(&text)) else {
            return;
        };
        let entry = Entry {
            document,
            version,
            revision: self.state.next_revision(),
            analysis: None,
            published: None,
        };
        self.documents().insert(uri.clone(), entry);
        let _ = self.changed.send(uri);
    }

    /// Applies a batch of changes in order; returns messages about clamped ranges for the
    /// client's log.
    fn change(&self, params: lsp::DidChangeTextDocumentParams) -> Vec<String> {
        let encoding = self.config().encoding;
        let uri = params.text_document.uri;
        let mut notes = Vec::new();
        let mut documents = self.documents();
        let Some(entry) = documents.get_mut(&uri) else {
            notes.push(format!(
                "didChange for {} which is not open; ignored",
                uri.as_str()
            ));
            return notes;
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
        });
        entry.version = params.text_document.version;
        entry.revision = self.state.next_revision();
        entry.analysis = None;
        if applied.is_none() {
            // The text may be half edited; the client's next full sync or reopen repairs it.
            notes.push(format!(
                "didChange for {} failed; its text may be out of sync",
                uri.as_str()
            ));
        }
        drop(documents);
        let _ = self.changed.send(uri);
        notes
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
        *self
            .state
            .config
            .write()
            .unwrap_or_else(PoisonError::into_inner) = config;
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
        self.open(params);
    }

    async fn did_change(&self, params: lsp::DidChangeTextDocumentParams) {
        let notes = self.change(params);
        self.log_to_client(notes).await;
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
        let _publishing = self.state.publishing.lock().await;
        self.client.publish_diagnostics(uri, Vec::new(), None).await;
    }

    async fn diagnostic(
        &self,
        params: lsp::DocumentDiagnosticParams,
    ) -> Result<lsp::DocumentDiagnosticReportResult> {
        let items = match self.snapshot(&params.text_document.uri) {
            Some(snapshot) => self.state.diagnostics(&snapshot).await,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_in_a_core_call_becomes_none() {
        assert_eq!(guarded("test", || 1), Some(1));
        let panicked: Option<()> = guarded("test", || panic!("core bug"));
        assert_eq!(panicked, None);
    }

    #[test]
    fn client_capabilities_choose_the_config() {
        let capabilities: lsp::ClientCapabilities = serde_json::from_value(serde_json::json!({
            "general": { "positionEncodings": ["utf-16", "utf-8"] },
            "textDocument": {
                "completion": { "completionItem": {
                    "snippetSupport": true,
                    "documentationFormat": ["plaintext", "markdown"],
                    "resolveSupport": { "properties": ["documentation"] },
                }},
                "hover": { "contentFormat": ["plaintext", "markdown"] },
            },
        }))
        .unwrap();
        let config = ClientConfig::from_capabilities(&capabilities);
        assert_eq!(config.encoding, PositionEncoding::Utf8);
        assert!(config.completion.snippets);
        assert!(config.completion_shape.markdown);
        assert!(config.completion_shape.defer_documentation);
        assert!(!config.hover.markdown, "the client prefers plain text");

        let config = ClientConfig::from_capabilities(&lsp::ClientCapabilities::default());
        assert_eq!(config.encoding, PositionEncoding::Utf16);
        assert!(!config.completion.snippets);
        assert!(!config.completion_shape.markdown);
        assert!(!config.completion_shape.defer_documentation);
        assert!(!config.hover.markdown);
    }
}
