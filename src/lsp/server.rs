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
//!
//! Diagnostics are pushed only to clients that cannot pull them: a client that pulls and also
//! receives pushes shows every diagnostic twice. Problems of a `.dockls.toml` are always pushed,
//! on the settings file's URI, since no client pulls for a file that is not a Dockerfile.
//!
//! Settings: `initializationOptions`, then the `dockls` section of `workspace/configuration`
//! (fetched at `initialized` and on every `didChangeConfiguration`), merged over the nearest
//! `.dockls.toml` (see [`super::settings`]). A change of settings publishes again, or asks a
//! pulling client to pull again.

use std::collections::HashMap;
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};

use ropey::Rope;
use serde_json::Value;
use tokio::sync::mpsc;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{self as lsp, Uri};
use tower_lsp_server::{Client, LanguageServer};

use super::actions::{self, DiagnosticData, FixRef, QuickFix};
use super::convert::{self, CompletionShape, EditTarget, PositionEncoding};
use super::memory;
use super::registry::{self as registries, Registries};
use super::semantic;
use super::settings::{self, DocumentSettings, EditorSettings, FileCache};
use super::workspace_images::{self, WorkspaceImages};
use crate::analysis::{Analysis, Memo as AnalysisMemo};
use crate::completion::CompletionConfig;
use crate::config::ConfigProblem;
use crate::diagnostic::Fix;
use crate::document::Document;
use crate::hover::HoverConfig;
use crate::rules;
use crate::{folding, format, inlay, links, navigation, selection, signature, symbols, tokens};

/// The custom request that returns the server's text of a document, for tests and for
/// debugging a client's synchronization. Params: `TextDocumentIdentifier`; result: the text,
/// or null for a document that is not open.
pub const DOCUMENT_TEXT_METHOD: &str = "dockls/documentText";

/// Characters after which the client should ask for completion unprompted: a space after a
/// keyword or flag, `-` of `--flag`, `=` of a flag or directive value, `$` and `{` of a
/// variable, `,` between `--mount` keys, `#` of a parser directive. The analysis answers with
/// nothing where none of these starts anything (a space inside a shell command, a comment).
const TRIGGER_CHARACTERS: [&str; 7] = [" ", "-", "=", "$", "{", ",", "#"];

/// Characters after which the client should show signature help: a blank between arguments,
/// `=` of a flag, `,` between `--mount` keys, `[` of an exec form.
const SIGNATURE_TRIGGERS: [&str; 4] = [" ", "=", ",", "["];

/// The kind of the action that applies every safe fix in the file.
const FIX_ALL_KIND: lsp::CodeActionKind = lsp::CodeActionKind::new("source.fixAll.dockls");

/// The files whose changes may change a document's diagnostics, watched when the client lets
/// us register for them.
const WATCHED_FILES: [&str; 3] = ["**/.dockls.toml", "**/.dockerignore", "**/*.dockerignore"];

/// The command that applies a code action's edit for clients without `CodeAction` literals.
const APPLY_EDIT_COMMAND: &str = "dockls.applyEdit";

/// What the client said it can do, read once at initialize.
#[derive(Debug, Clone, Copy, Default)]
struct ClientConfig {
    encoding: PositionEncoding,
    completion: CompletionConfig,
    completion_shape: CompletionShape,
    hover: HoverConfig,
    /// The client pulls diagnostics (`textDocument/diagnostic`); we push none then.
    pull_diagnostics: bool,
    /// The client answers `workspace/diagnostic/refresh`.
    diagnostic_refresh: bool,
    /// The client answers `workspace/configuration`.
    workspace_configuration: bool,
    /// The client lets us register for `workspace/didChangeConfiguration`.
    configuration_registration: bool,
    /// The client lets us register file watchers.
    watched_files_registration: bool,
    /// The client takes versioned `documentChanges` in a workspace edit.
    document_changes: bool,
    /// The client takes `CodeAction` literals; otherwise code actions are sent as commands
    /// that the server carries out with `workspace/applyEdit`.
    code_action_literals: bool,
    /// The client keeps a code action's `data` and asks `codeAction/resolve` for its edit, so
    /// a code action request answers with titles and leaves each edit for when it is chosen.
    resolve_code_action_edits: bool,
    /// The client shows document symbols as a tree; otherwise they are sent as a flat list.
    hierarchical_symbols: bool,
    /// The client answers `workspace/inlayHint/refresh`.
    inlay_hint_refresh: bool,
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
        let workspace = capabilities.workspace.as_ref();
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
            // Pull diagnostics only when the user also asks for them (see `initialize`).
            pull_diagnostics: text_document.is_some_and(|text| text.diagnostic.is_some()),
            inlay_hint_refresh: workspace
                .and_then(|workspace| workspace.inlay_hint.as_ref())
                .and_then(|hints| hints.refresh_support)
                .unwrap_or(false),
            hierarchical_symbols: text_document
                .and_then(|text| text.document_symbol.as_ref())
                .and_then(|symbols| symbols.hierarchical_document_symbol_support)
                .unwrap_or(false),
            diagnostic_refresh: workspace
                .and_then(|workspace| workspace.diagnostics.as_ref())
                .and_then(|diagnostics| diagnostics.refresh_support)
                .unwrap_or(false),
            workspace_configuration: workspace
                .and_then(|workspace| workspace.configuration)
                .unwrap_or(false),
            configuration_registration: workspace
                .and_then(|workspace| workspace.did_change_configuration.as_ref())
                .and_then(|capability| capability.dynamic_registration)
                .unwrap_or(false),
            watched_files_registration: workspace
                .and_then(|workspace| workspace.did_change_watched_files.as_ref())
                .and_then(|capability| capability.dynamic_registration)
                .unwrap_or(false),
            code_action_literals: text_document
                .and_then(|text| text.code_action.as_ref())
                .is_some_and(|action| action.code_action_literal_support.is_some()),
            resolve_code_action_edits: text_document
                .and_then(|text| text.code_action.as_ref())
                .is_some_and(|action| {
                    action.code_action_literal_support.is_some()
                        && action.data_support == Some(true)
                        && action
                            .resolve_support
                            .as_ref()
                            .is_some_and(|r| r.properties.iter().any(|p| p == "edit"))
                }),
            document_changes: workspace
                .and_then(|workspace| workspace.workspace_edit.as_ref())
                .and_then(|edit| edit.document_changes)
                .unwrap_or(false),
        }
    }
}

/// An open document, the version the client gave it, and the analysis of its current text
/// once something asked for it.
struct Entry {
    document: Document,
    /// The newest revision, shared with the diagnostics being computed so they can give up
    /// when the text changes under them.
    latest: Arc<AtomicU64>,
    /// The last semantic tokens sent for the document, by result id, for `full/delta`.
    semantic_tokens: Option<(String, Arc<Vec<lsp::SemanticToken>>)>,
    version: i32,
    /// Identifies the text: a new number on every open and change, unlike the client's version
    /// which a client could repeat.
    revision: u64,
    analysis: Option<Analysis>,
    /// The rule findings of the last analysis, by instruction and stage, which the next one
    /// reuses where the edits did not reach.
    memo: Arc<Mutex<AnalysisMemo>>,
    /// The revision and settings generation whose diagnostics were last published.
    published: Option<(u64, u64)>,
    /// Answers about the whole text, kept until it changes.
    answers: Answers,
}

/// Answers to requests about a whole document, kept until its text changes: an editor asks for
/// the outline, the folds and the tokens again whenever it shows the document, and on a long
/// file converting each of them costs more than the request's round trip.
#[derive(Default)]
struct Answers {
    symbols: Option<lsp::DocumentSymbolResponse>,
    folding: Option<Vec<lsp::FoldingRange>>,
    tokens: Option<Arc<Vec<lsp::SemanticToken>>>,
}

/// What a handler needs from an open document once the lock is released: cheap clones of the
/// rope (for position conversions) and of the analysis (not to be confused with the core's
/// [`crate::snapshot::Snapshot`], which the analysis holds).
struct OpenDocument {
    rope: Rope,
    analysis: Analysis,
    version: i32,
    revision: u64,
}

impl OpenDocument {
    /// Where edits of this version of the document at `uri` go, as the client takes them.
    fn edit_target<'a>(&'a self, uri: &'a Uri, config: &ClientConfig) -> EditTarget<'a> {
        EditTarget {
            uri,
            rope: &self.rope,
            version: self.version,
            encoding: config.encoding,
            document_changes: config.document_changes,
        }
    }
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
    client: Client,
    config: RwLock<ClientConfig>,
    /// The editor's settings, and the number of the `workspace/configuration` request whose
    /// answer they hold (an older answer arriving late is dropped).
    editor: RwLock<(Arc<EditorSettings>, u64)>,
    /// The last number given to a `workspace/configuration` request.
    settings_requests: AtomicU64,
    /// Counts changes of settings (the editor's or a settings file's), so diagnostics computed
    /// with older settings are published again.
    settings_generation: AtomicU64,
    files: Arc<FileCache>,
    /// The problems last published for each settings file.
    config_published: Mutex<HashMap<PathBuf, Vec<ConfigProblem>>>,
    /// Documents whose diagnostics are due, for the diagnostics task.
    changed: mpsc::UnboundedSender<Uri>,
    documents: Mutex<HashMap<Uri, Entry>>,
    /// The last revision given to a text.
    revisions: AtomicU64,
    /// Held while checking that diagnostics are current and sending them, so a publish for a
    /// document cannot overtake the empty publish of its `didClose`.
    publishing: tokio::sync::Mutex<()>,
    /// Registry access and its caches (see [`super::registry`]).
    registries: Arc<Registries>,
    /// The base images of the Dockerfiles under the workspace folders.
    workspace_images: Arc<WorkspaceImages>,
}

impl State {
    fn next_revision(&self) -> u64 {
        self.revisions.fetch_add(1, Ordering::Relaxed) + 1
    }

    fn config(&self) -> ClientConfig {
        *self.config.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn editor(&self) -> Arc<EditorSettings> {
        self.editor
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .0
            .clone()
    }

    /// Changes the editor's settings, logs what in them is ignored, and brings diagnostics up
    /// to date if they changed. `request` is the number of the configuration request answered, 0 for settings
    /// that came otherwise.
    async fn update_editor_settings(&self, request: u64, update: impl FnOnce(&mut EditorSettings)) {
        let problems = {
            let mut editor = self.editor.write().unwrap_or_else(PoisonError::into_inner);
            if request != 0 && request < editor.1 {
                return;
            }
            let mut settings = (*editor.0).clone();
            update(&mut settings);
            let request = request.max(editor.1);
            if settings == *editor.0 {
                // Nothing to check again (the usual answer at startup: no settings).
                editor.1 = request;
                return;
            }
            let problems = settings.apply(&rules::RuleConfig::default()).1;
            *editor = (Arc::new(settings), request);
            problems
        };
        for problem in problems {
            let message = format!("settings: {problem}; ignored");
            log(&message);
            self.client
                .log_message(lsp::MessageType::WARNING, message)
                .await;
        }
        self.settings_changed();
    }

    /// Asks the client for the `dockls` section of its settings.
    async fn fetch_workspace_settings(&self) {
        let request = self.settings_requests.fetch_add(1, Ordering::Relaxed) + 1;
        let item = lsp::ConfigurationItem {
            scope_uri: None,
            section: Some("dockls".to_owned()),
        };
        match self.client.configuration(vec![item]).await {
            Ok(values) => {
                let value = settings::section(values.into_iter().next().unwrap_or_default());
                self.update_editor_settings(request, |settings| settings.workspace = value)
                    .await;
            }
            Err(error) => log(&format!("workspace/configuration failed: {error}")),
        }
    }

    /// Diagnostics computed before a change of settings are out of date: publish again, or ask
    /// a pulling client to pull again.
    fn settings_changed(&self) {
        self.settings_generation.fetch_add(1, Ordering::SeqCst);
        let config = self.config();
        if config.inlay_hint_refresh {
            // The settings say which inlay hints to show.
            let client = self.client.clone();
            tokio::spawn(async move {
                if let Err(error) = client.inlay_hint_refresh().await {
                    log(&format!("workspace/inlayHint/refresh failed: {error}"));
                }
            });
        }
        if config.pull_diagnostics {
            if config.diagnostic_refresh {
                let client = self.client.clone();
                tokio::spawn(async move {
                    if let Err(error) = client.workspace_diagnostic_refresh().await {
                        log(&format!("workspace/diagnostic/refresh failed: {error}"));
                    }
                });
            }
        } else {
            for uri in self.documents().keys() {
                let _ = self.changed.send(uri.clone());
            }
        }
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
    fn snapshot(&self, uri: &Uri) -> std::result::Result<Option<OpenDocument>, Panic> {
        let (document, version, revision, memo) = {
            let documents = self.documents();
            let Some(entry) = documents.get(uri) else {
                return Ok(None);
            };
            if let Some(analysis) = &entry.analysis {
                return Ok(Some(OpenDocument {
                    rope: entry.document.rope().clone(),
                    analysis: analysis.clone(),
                    version: entry.version,
                    revision: entry.revision,
                }));
            }
            (
                entry.document.clone(),
                entry.version,
                entry.revision,
                entry.memo.clone(),
            )
        };
        let analysis = guarded("analysis", || Analysis::incremental(&document, memo))?;
        if let Some(entry) = self.documents().get_mut(uri) {
            if entry.revision == revision {
                entry.analysis = Some(analysis.clone());
            }
        }
        Ok(Some(OpenDocument {
            rope: document.rope().clone(),
            analysis,
            version,
            revision,
        }))
    }

    /// Runs `work` on a blocking thread with the settings of the document at `uri`: reading
    /// settings files and running rules may take a while.
    async fn with_settings<T: Send + 'static>(
        &self,
        uri: &Uri,
        what: &'static str,
        work: impl FnOnce(&DocumentSettings) -> T + Send + 'static,
    ) -> std::result::Result<(DocumentSettings, T), Panic> {
        let editor = self.editor();
        let files = self.files.clone();
        let path = settings::file_path(uri);
        let computed = tokio::task::spawn_blocking(move || {
            let settings = settings::resolve(&files, &editor, path.as_deref());
            let value = guarded(what, || work(&settings))?;
            Ok((settings, value))
        })
        .await
        .unwrap_or_else(|error| Err(Panic(format!("internal error in {what}: {error}"))))?;
        self.report_config_problems(&computed.0).await;
        Ok(computed)
    }

    /// The diagnostics of a snapshot with the document's settings.
    /// When `cancellable`, they are given up (`None`) as soon as the document changes.
    async fn diagnostics(
        &self,
        uri: &Uri,
        snapshot: &OpenDocument,
        cancellable: bool,
    ) -> Option<Vec<lsp::Diagnostic>> {
        let encoding = self.config().encoding;
        let analysis = snapshot.analysis.clone();
        let latest = self
            .documents()
            .get(uri)
            .map(|entry| entry.latest.clone())
            .filter(|_| cancellable);
        let revision = snapshot.revision;
        let registries = self.registries.clone();
        let computed = self
            .with_settings(uri, "diagnostics", move |settings| {
                let stale = || {
                    latest
                        .as_ref()
                        .is_some_and(|latest| latest.load(Ordering::SeqCst) != revision)
                };
                let mut found = analysis.diagnostics_until(
                    &settings.rules,
                    settings.dockerignore.as_deref(),
                    &stale,
                )?;
                // Hints from what registries told earlier requests; never a request here.
                if let Some(registry) = registries.for_settings(&settings.registry) {
                    found.extend(registries::hints(&registry, &analysis));
                }
                Some(found)
            })
            .await;
        let computed = match computed {
            Ok((_, Some(computed))) => computed,
            Ok((_, None)) => return None,
            Err(_) => Vec::new(),
        };
        Some(
            computed
                .iter()
                .map(|diagnostic| {
                    convert::diagnostic(&snapshot.rope, diagnostic, encoding, snapshot.version)
                })
                .collect(),
        )
    }

    /// Publishes the problems of the settings file in force when they changed, and clears those
    /// of settings files that are gone.
    async fn report_config_problems(&self, settings: &DocumentSettings) {
        let _publishing = self.publishing.lock().await;
        let mut due: Vec<(PathBuf, Option<Arc<str>>, Vec<ConfigProblem>)> = Vec::new();
        {
            let mut published = self
                .config_published
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            if let Some(file) = &settings.config_file {
                let changed = published
                    .get(&file.path)
                    .map_or(!file.problems.is_empty(), |old| *old != file.problems);
                if changed {
                    due.push((
                        file.path.clone(),
                        Some(file.text.clone()),
                        file.problems.clone(),
                    ));
                }
                published.insert(file.path.clone(), file.problems.clone());
            }
            for missing in &settings.missing_config_files {
                if published.remove(missing).is_some_and(|old| !old.is_empty()) {
                    due.push((missing.clone(), None, Vec::new()));
                }
            }
        }
        let encoding = self.config().encoding;
        for (path, text, problems) in due {
            let Some(uri) = Uri::from_file_path(&path) else {
                continue;
            };
            let rope = Rope::from_str(text.as_deref().unwrap_or_default());
            let diagnostics = problems
                .iter()
                .map(|problem| convert::config_problem(&rope, problem, encoding))
                .collect();
            self.client
                .publish_diagnostics(uri, diagnostics, None)
                .await;
        }
    }

    /// Publishes the diagnostics of the latest version of `uri`, unless they are published
    /// already or the document changed or closed while they were computed (its newer version is
    /// queued then).
    async fn publish(&self, uri: Uri) {
        let generation = self.settings_generation.load(Ordering::SeqCst);
        let due = self
            .documents()
            .get(&uri)
            .is_some_and(|entry| entry.published != Some((entry.revision, generation)));
        if !due {
            return;
        }
        let Ok(Some(snapshot)) = self.snapshot(&uri) else {
            return;
        };
        let Some(diagnostics) = self.diagnostics(&uri, &snapshot, true).await else {
            // The text changed meanwhile; the change queued the document again.
            return;
        };
        let _publishing = self.publishing.lock().await;
        if self.settings_generation.load(Ordering::SeqCst) != generation {
            // Computed with older settings; the change queued this document again.
            return;
        }
        {
            let mut documents = self.documents();
            match documents.get_mut(&uri) {
                Some(entry) if entry.revision == snapshot.revision => {
                    entry.published = Some((snapshot.revision, generation));
                }
                _ => return,
            }
        }
        self.client
            .publish_diagnostics(uri, diagnostics, Some(snapshot.version))
            .await;
    }
}

/// Publishes again when a background registry fetch ended: its answer may add hints.
async fn registry_updates(state: Arc<State>) {
    loop {
        state.registries.updated.notified().await;
        state.settings_changed();
    }
}

/// Publishes diagnostics for the documents named on `changed`, newest version only.
async fn publish_diagnostics(state: Arc<State>, mut changed: mpsc::UnboundedReceiver<Uri>) {
    let mut batch = Vec::new();
    while changed.recv_many(&mut batch, usize::MAX).await > 0 {
        let mut seen = std::collections::HashSet::new();
        for uri in batch.drain(..) {
            if seen.insert(uri.clone()) {
                state.publish(uri).await;
            }
        }
    }
}

pub struct Server {
    client: Client,
    state: Arc<State>,
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
        let (changed, receiver) = mpsc::unbounded_channel();
        let state = Arc::new(State {
            client: client.clone(),
            config: RwLock::new(ClientConfig::default()),
            editor: RwLock::new((Arc::new(EditorSettings::default()), 0)),
            settings_requests: AtomicU64::new(0),
            settings_generation: AtomicU64::new(0),
            files: Arc::new(FileCache::default()),
            config_published: Mutex::new(HashMap::new()),
            changed,
            documents: Mutex::new(HashMap::new()),
            revisions: AtomicU64::new(0),
            publishing: tokio::sync::Mutex::new(()),
            registries: Arc::new(Registries::default()),
            workspace_images: Arc::new(WorkspaceImages::default()),
        });
        let publishing = publish_diagnostics(state.clone(), receiver);
        let updates = registry_updates(state.clone());
        let task = async move {
            tokio::select! {
                () = publishing => {}
                () = updates => {}
            }
        };
        let server = Server {
            client,
            state,
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

    fn snapshot(&self, uri: &Uri) -> std::result::Result<Option<OpenDocument>, Panic> {
        let snapshot = self.state.snapshot(uri);
        if matches!(snapshot, Ok(None)) {
            log(&format!(
                "request for {} which is not open; answering with nothing",
                uri.as_str()
            ));
        }
        snapshot
    }

    /// Answers `request` about the current text of `uri` from its snapshot: `None` when the
    /// document is not open, an internal error (logged with the request) when the core panicked.
    fn query<T>(
        &self,
        uri: &Uri,
        what: &str,
        request: &dyn std::fmt::Debug,
        query: impl FnOnce(&OpenDocument, PositionEncoding) -> T,
    ) -> Result<Option<T>> {
        let encoding = self.config().encoding;
        let answer = self.snapshot(uri).and_then(|snapshot| match snapshot {
            Some(snapshot) => guarded(what, || query(&snapshot, encoding)).map(Some),
            None => Ok(None),
        });
        answer.map_err(|panic| panic.answer(request))
    }

    /// [`Server::query`] for an answer about the whole document, taken from `slot` of the
    /// document's [`Answers`] when computed for the current text, and kept there otherwise.
    fn cached_query<T: Clone>(
        &self,
        uri: &Uri,
        what: &str,
        request: &dyn std::fmt::Debug,
        slot: fn(&mut Answers) -> &mut Option<T>,
        query: impl FnOnce(&OpenDocument, PositionEncoding) -> T,
    ) -> Result<Option<T>> {
        let kept = self
            .documents()
            .get_mut(uri)
            .and_then(|entry| slot(&mut entry.answers).clone());
        if kept.is_some() {
            return Ok(kept);
        }
        let mut revision = None;
        let answer = self.query(uri, what, request, |snapshot, encoding| {
            revision = Some(snapshot.revision);
            query(snapshot, encoding)
        })?;
        if let (Some(answer), Some(revision)) = (&answer, revision) {
            let mut documents = self.documents();
            if let Some(entry) = documents.get_mut(uri).filter(|e| e.revision == revision) {
                *slot(&mut entry.answers) = Some(answer.clone());
            }
        }
        Ok(answer)
    }

    /// The semantic tokens of the whole document, kept until its text changes.
    fn whole_document_tokens(
        &self,
        uri: &Uri,
        request: &dyn std::fmt::Debug,
    ) -> Result<Option<Arc<Vec<lsp::SemanticToken>>>> {
        self.cached_query(
            uri,
            "semanticTokens",
            request,
            |answers| &mut answers.tokens,
            |snapshot, encoding| Arc::new(semantic_data(snapshot, None, encoding)),
        )
    }

    /// Keeps the semantic tokens just computed for `uri` as the base of the next delta; returns
    /// their result id.
    fn remember_tokens(&self, uri: &Uri, data: Arc<Vec<lsp::SemanticToken>>) -> Option<String> {
        let id = format!("{}", self.state.next_revision());
        let mut documents = self.documents();
        let entry = documents.get_mut(uri)?;
        entry.semantic_tokens = Some((id.clone(), data));
        Some(id)
    }

    /// Opens or replaces a document.
    fn open(&self, params: lsp::DidOpenTextDocumentParams) {
        let lsp::TextDocumentItem {
            uri, text, version, ..
        } = params.text_document;
        let Ok(document) = guarded("didOpen", || Document::new(&text)) else {
            return;
        };
        let revision = self.state.next_revision();
        let entry = Entry {
            document,
            latest: Arc::new(AtomicU64::new(revision)),
            semantic_tokens: None,
            version,
            revision,
            analysis: None,
            memo: Arc::default(),
            published: None,
            answers: Answers::default(),
        };
        self.documents().insert(uri.clone(), entry);
        self.diagnostics_due(uri);
    }

    /// Queues the push of a document's diagnostics, for clients that do not pull them.
    fn diagnostics_due(&self, uri: Uri) {
        if !self.config().pull_diagnostics {
            let _ = self.state.changed.send(uri);
        }
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
        entry.latest.store(entry.revision, Ordering::SeqCst);
        entry.analysis = None;
        entry.answers = Answers::default();
        if applied.is_err() {
            // The text may be half edited; the client's next full sync or reopen repairs it.
            notes.push(format!(
                "didChange for {} failed; its text may be out of sync",
                uri.as_str()
            ));
        }
        drop(documents);
        self.diagnostics_due(uri);
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
        snapshot: &OpenDocument,
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
    ) -> (Result<Option<Vec<lsp::CompletionItem>>>, Option<String>) {
        let position = &params.text_document_position;
        let snapshot = match self.snapshot(&position.text_document.uri) {
            Ok(Some(snapshot)) => snapshot,
            Ok(None) => return (Ok(None), None),
            Err(panic) => return (Err(panic.answer(params)), None),
        };
        let config = self.config();
        let (offset, note) = self.offset(&snapshot, position.position, "completion");
        let items = match guarded("completion", || {
            snapshot.analysis.completion(offset, &config.completion)
        }) {
            Ok(items) => items,
            Err(panic) => return (Err(panic.answer(params)), note),
        };
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
        (Ok(Some(converted)), note)
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

    fn hover_at(&self, params: &lsp::HoverParams) -> (Result<Option<lsp::Hover>>, Option<String>) {
        let position = &params.text_document_position_params;
        let snapshot = match self.snapshot(&position.text_document.uri) {
            Ok(Some(snapshot)) => snapshot,
            Ok(None) => return (Ok(None), None),
            Err(panic) => return (Err(panic.answer(params)), None),
        };
        let config = self.config();
        let (offset, note) = self.offset(&snapshot, position.position, "hover");
        let hover = match guarded("hover", || snapshot.analysis.hover(offset, &config.hover)) {
            Ok(hover) => hover,
            Err(panic) => return (Err(panic.answer(params)), note),
        };
        let hover = hover.map(|hover| {
            convert::hover(
                &snapshot.rope,
                &hover,
                config.encoding,
                config.hover.markdown,
            )
        });
        (Ok(hover), note)
    }

    /// The code actions for a request, computed from the current document: the quick fixes of
    /// each of our diagnostics in the request's context (found again from its `data`), and the
    /// file's fix-all when the client asks for `source.fixAll` actions.
    async fn code_actions(
        &self,
        params: lsp::CodeActionParams,
    ) -> Result<Vec<lsp::CodeActionOrCommand>> {
        let uri = params.text_document.uri.clone();
        let request = format!(
            "codeAction on {} at {}",
            uri.as_str(),
            show_range(params.range)
        );
        let snapshot = match self.snapshot(&uri) {
            Ok(Some(snapshot)) => snapshot,
            Ok(None) => return Ok(Vec::new()),
            Err(panic) => return Err(panic.answer(&params)),
        };
        let only = params.context.only.as_deref();
        let wants = |kind: &lsp::CodeActionKind| match only {
            None => *kind == lsp::CodeActionKind::QUICKFIX,
            Some(only) => only.iter().any(|asked| {
                let (asked, kind) = (asked.as_str(), kind.as_str());
                asked.is_empty()
                    || kind
                        .strip_prefix(asked)
                        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
            }),
        };
        let fix_all = only.is_some() && wants(&FIX_ALL_KIND);
        let pinnable: Vec<lsp::Diagnostic> = params
            .context
            .diagnostics
            .iter()
            .filter(|d| {
                wants(&lsp::CodeActionKind::QUICKFIX) && d.source.as_deref() == Some("dockls")
            })
            .filter(|d| {
                matches!(&d.code, Some(lsp::NumberOrString::String(code))
                    if registries::PIN_CODES.contains(&code.as_str()))
            })
            .cloned()
            .collect();
        let ours: Vec<(lsp::Diagnostic, DiagnosticData)> = if wants(&lsp::CodeActionKind::QUICKFIX)
        {
            params
                .context
                .diagnostics
                .into_iter()
                .filter(|diagnostic| diagnostic.source.as_deref() == Some("dockls"))
                .filter_map(|diagnostic| {
                    let data = match &diagnostic.data {
                        Some(data) => DiagnosticData::from_json(data)?,
                        None => self.data_from_range(&snapshot, &diagnostic)?,
                    };
                    Some((diagnostic, data))
                })
                .collect()
        } else {
            Vec::new()
        };
        if ours.is_empty() && !fix_all && pinnable.is_empty() {
            return Ok(Vec::new());
        }
        if ours
            .iter()
            .any(|(_, data)| data.version != snapshot.version)
        {
            log(&format!(
                "codeAction for {}: diagnostics of an older version; fixes are computed on \
                 version {} and offered where the finding is still at the same place",
                uri.as_str(),
                snapshot.version
            ));
        }
        let requested: Vec<(DiagnosticData, String)> = ours
            .iter()
            .map(|(diagnostic, data)| (data.clone(), diagnostic.message.clone()))
            .collect();
        let analysis = snapshot.analysis.clone();
        let computed = self
            .state
            .with_settings(&uri, "codeAction", move |settings| {
                compute_actions(&analysis, settings, &requested, fix_all)
            })
            .await;
        let (_, computed) = computed.map_err(|panic| panic.answer(&request))?;
        let config = self.config();
        let target = snapshot.edit_target(&uri, &config);
        let mut result = Vec::new();
        // With a client that resolves, each action names its fix instead of carrying its edit.
        let lazy = config.resolve_code_action_edits;
        let action = |fix: &Fix, diagnostics, preferred, which: FixRef| {
            let kind = lsp::CodeActionKind::QUICKFIX;
            if !lazy {
                return convert::code_action(&target, fix, kind, diagnostics, preferred);
            }
            let mut action = convert::code_action_title(fix, kind, diagnostics, preferred);
            action.data = Some(which.to_json(&uri, snapshot.version));
            action
        };
        for ((diagnostic, data), fixes) in ours.iter().zip(&computed.quick_fixes) {
            for (index, QuickFix { fix, preferred }) in fixes.iter().enumerate() {
                let which = FixRef::Quick {
                    diagnostic: data.clone(),
                    message: diagnostic.message.clone(),
                    index,
                };
                result.push(action(fix, vec![diagnostic.clone()], *preferred, which));
            }
        }
        for (fix, indexes) in &computed.rule_wide {
            let diagnostics = indexes.iter().map(|&i| ours[i].0.clone()).collect();
            let first = &ours[indexes[0]];
            let which = FixRef::RuleWide {
                diagnostic: first.1.clone(),
                message: first.0.message.clone(),
            };
            result.push(action(fix, diagnostics, false, which));
        }
        let registry = (!pinnable.is_empty())
            .then(|| self.registry_for(&uri))
            .flatten();
        for diagnostic in pinnable.iter().filter(|_| registry.is_some()) {
            result.push(registries::pin_action(&uri, diagnostic));
        }
        for (registry, diagnostic) in registry
            .iter()
            .flat_map(|r| pinnable.iter().map(move |d| (r, d)))
        {
            if diagnostic.code == Some(lsp::NumberOrString::String(registries::STALE_PIN.into())) {
                continue;
            }
            let offset =
                convert::offset(&snapshot.rope, diagnostic.range.start, config.encoding).value;
            let updated = &self.state.registries.updated;
            for fix in registries::tag_fixes(updated, registry, &snapshot.analysis, offset) {
                let kind = lsp::CodeActionKind::QUICKFIX;
                result.push(convert::code_action(
                    &target,
                    &fix,
                    kind,
                    vec![diagnostic.clone()],
                    false,
                ));
            }
        }
        if let Some(fix) = &computed.fix_all {
            result.push(convert::code_action(
                &target,
                fix,
                FIX_ALL_KIND,
                Vec::new(),
                false,
            ));
        }
        if self.config().code_action_literals {
            return Ok(result
                .into_iter()
                .map(lsp::CodeActionOrCommand::CodeAction)
                .collect());
        }
        Ok(result
            .into_iter()
            .filter_map(|action| {
                if let (None, Some(command)) = (&action.edit, &action.command) {
                    return Some(lsp::CodeActionOrCommand::Command(command.clone()));
                }
                let edit = serde_json::to_value(action.edit?).ok()?;
                Some(lsp::CodeActionOrCommand::Command(lsp::Command {
                    title: action.title,
                    command: APPLY_EDIT_COMMAND.to_owned(),
                    arguments: Some(vec![edit]),
                }))
            })
            .collect())
    }

    /// What a diagnostic without `data` names, for clients that drop it (no
    /// `publishDiagnostics.dataSupport`): its code as the rule and its range in the current
    /// text. Matching then works as long as the finding has not moved.
    fn data_from_range(
        &self,
        snapshot: &OpenDocument,
        diagnostic: &lsp::Diagnostic,
    ) -> Option<DiagnosticData> {
        let lsp::NumberOrString::String(code) = diagnostic.code.as_ref()? else {
            return None;
        };
        let rule = rules::rule(code)?;
        let range = convert::byte_range(&snapshot.rope, diagnostic.range, self.config().encoding);
        Some(DiagnosticData {
            version: snapshot.version,
            rule: rule.name.to_owned(),
            range: range.value,
        })
    }

    /// The registry client for the document at `uri`, when its settings turn the network on.
    fn registry_for(&self, uri: &Uri) -> Option<Arc<crate::registry::Registry>> {
        let path = settings::file_path(uri);
        let settings = settings::resolve(&self.state.files, &self.state.editor(), path.as_deref());
        self.state.registries.for_settings(&settings.registry)
    }

    /// The cached tags of the image for a completion in a FROM's tag; `None` elsewhere. Asked
    /// before the analysis's completion, which has nothing that fits in a tag.
    fn tag_list(&self, params: &lsp::CompletionParams) -> Option<lsp::CompletionResponse> {
        let position = &params.text_document_position;
        let uri = &position.text_document.uri;
        let snapshot = self.state.snapshot(uri).ok()??;
        let encoding = self.config().encoding;
        let offset = convert::offset(&snapshot.rope, position.position, encoding).value;
        if !registries::in_base_image(&snapshot.analysis, offset) {
            return None;
        }
        let registry = self.registry_for(uri)?;
        let (tags, is_incomplete) = registries::tag_completion(
            &self.state.registries.updated,
            &registry,
            &snapshot.analysis,
            &snapshot.rope,
            offset,
            encoding,
        )?;
        Some(lsp::CompletionResponse::List(lsp::CompletionList {
            is_incomplete,
            items: tags,
        }))
    }

    /// `items` with the images the workspace uses, at the image of a FROM.
    fn with_workspace_images(
        &self,
        params: &lsp::CompletionParams,
        items: Vec<lsp::CompletionItem>,
    ) -> lsp::CompletionResponse {
        let position = &params.text_document_position;
        let uri = &position.text_document.uri;
        let Ok(Some(snapshot)) = self.state.snapshot(uri) else {
            return lsp::CompletionResponse::Array(items);
        };
        let encoding = self.config().encoding;
        let offset = convert::offset(&snapshot.rope, position.position, encoding).value;
        if workspace_images::image_at(snapshot.analysis.text(), offset).is_none() {
            return lsp::CompletionResponse::Array(items);
        }
        let mut open: Vec<(Option<PathBuf>, Vec<String>)> = self
            .documents()
            .iter()
            .filter(|(other, _)| *other != uri)
            .filter_map(|(other, entry)| {
                let images = workspace_images::base_images(entry.analysis.as_ref()?, None);
                Some((settings::file_path(other), images))
            })
            .collect();
        let mine = workspace_images::base_images(&snapshot.analysis, Some(offset));
        open.push((settings::file_path(uri), mine));
        workspace_images::complete(
            &self.state.workspace_images.files(),
            &open,
            &snapshot.analysis,
            &snapshot.rope,
            offset,
            encoding,
            items,
        )
    }

    /// Adds what the registry says about the image to the hover of a base image.
    fn with_registry_facts(&self, params: &lsp::HoverParams, hover: &mut lsp::Hover) {
        let uri = &params.text_document_position_params.text_document.uri;
        let (Some(range), Ok(Some(snapshot))) = (hover.range, self.state.snapshot(uri)) else {
            return;
        };
        let encoding = self.config().encoding;
        let range = convert::byte_range(&snapshot.rope, range, encoding).value;
        if !registries::in_base_image(&snapshot.analysis, range.start) {
            return;
        }
        let Some(registry) = self.registry_for(uri) else {
            return;
        };
        let facts = registries::hover_facts(
            &self.state.registries.updated,
            &registry,
            &snapshot.analysis,
            &range,
        );
        if let (Some(facts), lsp::HoverContents::Markup(markup)) = (facts, &mut hover.contents) {
            markup.value.push_str("\n\n---\n\n");
            markup.value.push_str(&facts);
        }
    }

    /// `dockls.pinImage`: asks the registry for the digest of the image's tag and applies the
    /// edit that pins it.
    async fn pin_image(&self, arguments: &[Value]) -> Result<Option<lsp::LSPAny>> {
        let Some((uri, position)) = registries::pin_arguments(arguments) else {
            return Err(tower_lsp_server::jsonrpc::Error::invalid_params(
                "dockls.pinImage takes {uri, position}",
            ));
        };
        let snapshot = match self.snapshot(&uri) {
            Ok(Some(snapshot)) => snapshot,
            _ => return Err(request_failed("the document is not open")),
        };
        let Some(registry) = self.registry_for(&uri) else {
            return Err(request_failed(
                "registry access is off: set `registry.network = true` in .dockls.toml or \
                 the editor's settings",
            ));
        };
        let config = self.config();
        let offset = convert::offset(&snapshot.rope, position, config.encoding).value;
        let (edit, digest) = registries::pin_image(&registry, &snapshot.analysis, offset)
            .await
            .map_err(|message| {
                log(&format!("dockls.pinImage: {message}"));
                request_failed(&message)
            })?;
        let target = snapshot.edit_target(&uri, &config);
        let current = self.documents().get(&uri).map(|entry| entry.version);
        if current != Some(snapshot.version) {
            return Err(request_failed(
                "the document changed while the registry was asked; pin again",
            ));
        }
        let edits = convert::text_edits(&snapshot.rope, &[edit], config.encoding);
        let edit = convert::workspace_edit(&target, edits);
        if let Err(error) = self.client.apply_edit(edit).await {
            log(&format!("workspace/applyEdit failed: {error}"));
        }
        Ok(Some(serde_json::json!({ "digest": digest })))
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

/// The fixes a code action request gets, in editor terms.
struct ComputedActions {
    /// Per requested diagnostic, in order; empty for one whose finding is gone.
    quick_fixes: Vec<Vec<QuickFix>>,
    /// Each rule-wide fix once, with the requested diagnostics of its rule.
    rule_wide: Vec<(Fix, Vec<usize>)>,
    fix_all: Option<Fix>,
}

/// Analyses the document with its settings and picks, for each requested diagnostic, the
/// current finding it names.
fn compute_actions(
    analysis: &Analysis,
    settings: &DocumentSettings,
    requested: &[(DiagnosticData, String)],
    fix_all: bool,
) -> ComputedActions {
    let dockerignore = settings.dockerignore.as_deref();
    let current = analysis.diagnostics_with(&settings.rules, dockerignore);
    let context = rules::Context::new(analysis, &settings.rules, dockerignore);
    let mut computed = ComputedActions {
        quick_fixes: Vec::new(),
        rule_wide: Vec::new(),
        fix_all: None,
    };
    let mut rule_wide_rules: Vec<&str> = Vec::new();
    for (index, (data, message)) in requested.iter().enumerate() {
        let Some(found) = actions::find(&current, data, message) else {
            computed.quick_fixes.push(Vec::new());
            continue;
        };
        computed
            .quick_fixes
            .push(actions::quick_fixes(&context, found));
        let Some(rule) = rules::named(found.code) else {
            continue;
        };
        match rule_wide_rules.iter().position(|name| *name == rule.name) {
            Some(at) => computed.rule_wide[at].1.push(index),
            None => {
                if let Some(fix) = actions::rule_wide_fix(&context, found) {
                    rule_wide_rules.push(rule.name);
                    computed.rule_wide.push((fix, vec![index]));
                }
            }
        }
    }
    if fix_all {
        computed.fix_all = actions::fix_all(analysis, &settings.rules, dockerignore);
    }
    computed
}

impl Server {
    /// The answer to a message that had an id but was no valid request (see [`super::input`]).
    pub async fn invalid_request(&self) -> Result<()> {
        Err(tower_lsp_server::jsonrpc::Error::invalid_request())
    }
}

impl LanguageServer for Server {
    async fn initialize(&self, params: lsp::InitializeParams) -> Result<lsp::InitializeResult> {
        let mut config = ClientConfig::from_capabilities(&params.capabilities);
        self.state
            .workspace_images
            .set_folders(workspace_images::folders(&params));
        // Diagnostics are pushed unless the client can pull and the user chose it with
        // `"diagnosticMode": "pull"`: pushing is what every client understands and lets a
        // keystroke's diagnostics arrive without a request.
        let pull_chosen = params
            .initialization_options
            .as_ref()
            .map(|options| settings::section(options.clone()))
            .is_some_and(|options| options.get("diagnosticMode") == Some(&Value::from("pull")));
        config.pull_diagnostics &= pull_chosen;
        *self
            .state
            .config
            .write()
            .unwrap_or_else(PoisonError::into_inner) = config;
        if let Some(options) = params.initialization_options {
            let options = settings::section(options);
            let mut editor = self
                .state
                .editor
                .write()
                .unwrap_or_else(PoisonError::into_inner);
            let mut settings = (*editor.0).clone();
            settings.initialization = options;
            for problem in settings.apply(&rules::RuleConfig::default()).1 {
                log(&format!("initializationOptions: {problem}; ignored"));
            }
            editor.0 = Arc::new(settings);
        }
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
            signature_help_provider: Some(lsp::SignatureHelpOptions {
                trigger_characters: Some(SIGNATURE_TRIGGERS.map(str::to_owned).to_vec()),
                retrigger_characters: Some(vec![",".to_owned()]),
                work_done_progress_options: lsp::WorkDoneProgressOptions::default(),
            }),
            inlay_hint_provider: Some(lsp::OneOf::Left(true)),
            document_formatting_provider: Some(lsp::OneOf::Left(true)),
            document_range_formatting_provider: Some(lsp::OneOf::Left(true)),
            document_on_type_formatting_provider: Some(lsp::DocumentOnTypeFormattingOptions {
                first_trigger_character: "\n".to_owned(),
                more_trigger_character: None,
            }),
            document_symbol_provider: Some(lsp::OneOf::Left(true)),
            workspace_symbol_provider: Some(lsp::OneOf::Left(true)),
            definition_provider: Some(lsp::OneOf::Left(true)),
            references_provider: Some(lsp::OneOf::Left(true)),
            document_highlight_provider: Some(lsp::OneOf::Left(true)),
            rename_provider: Some(lsp::OneOf::Right(lsp::RenameOptions {
                prepare_provider: Some(true),
                work_done_progress_options: lsp::WorkDoneProgressOptions::default(),
            })),
            semantic_tokens_provider: Some(
                lsp::SemanticTokensServerCapabilities::SemanticTokensOptions(
                    lsp::SemanticTokensOptions {
                        legend: convert::semantic_legend(),
                        range: Some(true),
                        full: Some(lsp::SemanticTokensFullOptions::Delta { delta: Some(true) }),
                        work_done_progress_options: lsp::WorkDoneProgressOptions::default(),
                    },
                ),
            ),
            folding_range_provider: Some(lsp::FoldingRangeProviderCapability::Simple(true)),
            selection_range_provider: Some(lsp::SelectionRangeProviderCapability::Simple(true)),
            document_link_provider: Some(lsp::DocumentLinkOptions {
                resolve_provider: Some(false),
                work_done_progress_options: lsp::WorkDoneProgressOptions::default(),
            }),
            execute_command_provider: Some(lsp::ExecuteCommandOptions {
                commands: vec![
                    APPLY_EDIT_COMMAND.to_owned(),
                    registries::PIN_COMMAND.to_owned(),
                ],
                ..lsp::ExecuteCommandOptions::default()
            }),
            code_action_provider: Some(lsp::CodeActionProviderCapability::Options(
                lsp::CodeActionOptions {
                    code_action_kinds: Some(vec![lsp::CodeActionKind::QUICKFIX, FIX_ALL_KIND]),
                    resolve_provider: Some(config.resolve_code_action_edits),
                    ..lsp::CodeActionOptions::default()
                },
            )),
            diagnostic_provider: config.pull_diagnostics.then(|| {
                lsp::DiagnosticServerCapabilities::Options(lsp::DiagnosticOptions {
                    identifier: Some("dockls".to_owned()),
                    inter_file_dependencies: false,
                    workspace_diagnostics: false,
                    ..lsp::DiagnosticOptions::default()
                })
            }),
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

    async fn initialized(&self, _: lsp::InitializedParams) {
        let config = self.config();
        let mut registrations = Vec::new();
        if config.configuration_registration {
            registrations.push(lsp::Registration {
                id: "dockls/didChangeConfiguration".to_owned(),
                method: "workspace/didChangeConfiguration".to_owned(),
                register_options: None,
            });
        }
        if config.watched_files_registration {
            let watchers = WATCHED_FILES
                .iter()
                .map(|glob| lsp::FileSystemWatcher {
                    glob_pattern: lsp::GlobPattern::String((*glob).to_owned()),
                    kind: None,
                })
                .collect();
            let options = lsp::DidChangeWatchedFilesRegistrationOptions { watchers };
            registrations.push(lsp::Registration {
                id: "dockls/didChangeWatchedFiles".to_owned(),
                method: "workspace/didChangeWatchedFiles".to_owned(),
                register_options: serde_json::to_value(options).ok(),
            });
        }
        // Requests to the client run in their own tasks: a handler waiting for the client's
        // answer would hold one of the server's few concurrent handler slots.
        if !registrations.is_empty() {
            let client = self.client.clone();
            tokio::spawn(async move {
                if let Err(error) = client.register_capability(registrations).await {
                    log(&format!("client/registerCapability failed: {error}"));
                }
            });
        }
        if config.workspace_configuration {
            let state = self.state.clone();
            tokio::spawn(async move { state.fetch_workspace_settings().await });
        }
    }

    async fn did_change_configuration(&self, params: lsp::DidChangeConfigurationParams) {
        if self.config().workspace_configuration {
            let state = self.state.clone();
            tokio::spawn(async move { state.fetch_workspace_settings().await });
        } else {
            let value = settings::section(params.settings);
            self.state
                .update_editor_settings(0, |settings| settings.workspace = value)
                .await;
        }
    }

    async fn did_change_watched_files(&self, params: lsp::DidChangeWatchedFilesParams) {
        for change in &params.changes {
            if let Some(path) = settings::file_path(&change.uri) {
                self.state.files.forget(&path);
            }
        }
        self.state.settings_changed();
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
        let removed = self.documents().remove(&uri);
        if removed.is_none() {
            log(&format!(
                "didClose for {} which is not open; ignored",
                uri.as_str()
            ));
            return;
        }
        drop(removed);
        memory::release_freed();
        if self.config().pull_diagnostics {
            return;
        }
        let _publishing = self.state.publishing.lock().await;
        self.client.publish_diagnostics(uri, Vec::new(), None).await;
    }

    async fn diagnostic(
        &self,
        params: lsp::DocumentDiagnosticParams,
    ) -> Result<lsp::DocumentDiagnosticReportResult> {
        let uri = &params.text_document.uri;
        let items = match self.snapshot(uri) {
            Ok(Some(snapshot)) => self
                .state
                .diagnostics(uri, &snapshot, false)
                .await
                .unwrap_or_default(),
            Ok(None) => Vec::new(),
            Err(panic) => return Err(panic.answer(&params)),
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
        if let Some(tags) = self.tag_list(&params) {
            return Ok(Some(tags));
        }
        let (items, note) = self.completion_items(&params);
        self.log_to_client(note.into_iter().collect()).await;
        Ok(items?.map(|items| self.with_workspace_images(&params, items)))
    }

    async fn completion_resolve(
        &self,
        mut item: lsp::CompletionItem,
    ) -> Result<lsp::CompletionItem> {
        self.resolve_documentation(&mut item);
        Ok(item)
    }

    async fn code_action(
        &self,
        params: lsp::CodeActionParams,
    ) -> Result<Option<lsp::CodeActionResponse>> {
        Ok(Some(self.code_actions(params).await?))
    }

    async fn code_action_resolve(&self, mut action: lsp::CodeAction) -> Result<lsp::CodeAction> {
        let named = action.data.as_ref().and_then(FixRef::from_json);
        let Some((uri, version, which)) = named.filter(|_| action.edit.is_none()) else {
            return Ok(action);
        };
        let Ok(uri) = uri.parse::<Uri>() else {
            return Ok(action);
        };
        let snapshot = match self.snapshot(&uri) {
            Ok(Some(snapshot)) => snapshot,
            Ok(None) => return Ok(action),
            Err(panic) => return Err(panic.answer(&action)),
        };
        if snapshot.version != version {
            // The fix was offered on another text; an edit computed now could land elsewhere.
            log(&format!(
                "codeAction/resolve for {} version {version}, which is now version {};                  no edit",
                uri.as_str(),
                snapshot.version
            ));
            return Ok(action);
        }
        let (diagnostic, message) = which.diagnostic();
        let requested = vec![(diagnostic.clone(), message.to_owned())];
        let analysis = snapshot.analysis.clone();
        let computed = self
            .state
            .with_settings(&uri, "codeAction/resolve", move |settings| {
                compute_actions(&analysis, settings, &requested, false)
            })
            .await;
        let (_, computed) = computed.map_err(|panic| panic.answer(&action))?;
        let fix = match &which {
            FixRef::Quick { index, .. } => computed
                .quick_fixes
                .first()
                .and_then(|fixes| fixes.get(*index))
                .map(|quick| &quick.fix),
            FixRef::RuleWide { .. } => computed.rule_wide.first().map(|(fix, _)| fix),
        };
        if let Some(fix) = fix {
            let config = self.config();
            action.edit = Some(convert::fix_edit(&snapshot.edit_target(&uri, &config), fix));
        }
        Ok(action)
    }

    /// Carries out a code action sent as a command (for clients without `CodeAction`
    /// literals): its only argument is the workspace edit.
    async fn execute_command(
        &self,
        params: lsp::ExecuteCommandParams,
    ) -> Result<Option<lsp::LSPAny>> {
        if params.command == registries::PIN_COMMAND {
            return self.pin_image(&params.arguments).await;
        }
        if params.command != APPLY_EDIT_COMMAND {
            return Err(tower_lsp_server::jsonrpc::Error::invalid_params(format!(
                "unknown command {:?}",
                params.command
            )));
        }
        let edit = params
            .arguments
            .into_iter()
            .next()
            .and_then(|value| serde_json::from_value::<lsp::WorkspaceEdit>(value).ok());
        let Some(edit) = edit else {
            return Err(tower_lsp_server::jsonrpc::Error::invalid_params(
                "dockls.applyEdit takes one workspace edit",
            ));
        };
        if let Err(error) = self.client.apply_edit(edit).await {
            log(&format!("workspace/applyEdit failed: {error}"));
        }
        Ok(None)
    }

    async fn hover(&self, params: lsp::HoverParams) -> Result<Option<lsp::Hover>> {
        let (hover, note) = self.hover_at(&params);
        self.log_to_client(note.into_iter().collect()).await;
        let mut hover = hover?;
        if let Some(hover) = hover.as_mut() {
            self.with_registry_facts(&params, hover);
        }
        Ok(hover)
    }

    async fn signature_help(
        &self,
        params: lsp::SignatureHelpParams,
    ) -> Result<Option<lsp::SignatureHelp>> {
        let position = &params.text_document_position_params;
        let markdown = self.config().hover.markdown;
        self.query(
            &position.text_document.uri,
            "signatureHelp",
            &params,
            |snapshot, encoding| {
                let offset = convert::offset(&snapshot.rope, position.position, encoding).value;
                signature::signature_help(&snapshot.analysis, offset)
                    .map(|help| convert::signature_help(&help, encoding, markdown))
            },
        )
        .map(Option::flatten)
    }

    async fn inlay_hint(
        &self,
        params: lsp::InlayHintParams,
    ) -> Result<Option<Vec<lsp::InlayHint>>> {
        let config = self.state.editor().inlay_hints();
        let markdown = self.config().hover.markdown;
        self.query(
            &params.text_document.uri,
            "inlayHint",
            &params,
            |snapshot, encoding| {
                let range = convert::byte_range(&snapshot.rope, params.range, encoding).value;
                inlay::inlay_hints(&snapshot.analysis, range, &config)
                    .iter()
                    .map(|hint| convert::inlay_hint(&snapshot.rope, hint, encoding, markdown))
                    .collect()
            },
        )
    }

    async fn formatting(
        &self,
        params: lsp::DocumentFormattingParams,
    ) -> Result<Option<Vec<lsp::TextEdit>>> {
        let options = format_options(&params.options);
        self.query(
            &params.text_document.uri,
            "formatting",
            &params,
            |snapshot, encoding| {
                let edits = format::format(&snapshot.analysis, &options);
                convert::text_edits(&snapshot.rope, &edits, encoding)
            },
        )
    }

    async fn range_formatting(
        &self,
        params: lsp::DocumentRangeFormattingParams,
    ) -> Result<Option<Vec<lsp::TextEdit>>> {
        let options = format_options(&params.options);
        self.query(
            &params.text_document.uri,
            "rangeFormatting",
            &params,
            |snapshot, encoding| {
                let range = convert::byte_range(&snapshot.rope, params.range, encoding).value;
                let edits = format::format_range(&snapshot.analysis, range, &options);
                convert::text_edits(&snapshot.rope, &edits, encoding)
            },
        )
    }

    async fn on_type_formatting(
        &self,
        params: lsp::DocumentOnTypeFormattingParams,
    ) -> Result<Option<Vec<lsp::TextEdit>>> {
        let options = format_options(&params.options);
        let position = &params.text_document_position;
        let Some(ch) = params.ch.chars().next() else {
            return Ok(None);
        };
        self.query(
            &position.text_document.uri,
            "onTypeFormatting",
            &params,
            |snapshot, encoding| {
                let offset = convert::offset(&snapshot.rope, position.position, encoding).value;
                let edits = format::on_type(&snapshot.analysis, offset, ch, &options);
                convert::text_edits(&snapshot.rope, &edits, encoding)
            },
        )
    }

    async fn document_symbol(
        &self,
        params: lsp::DocumentSymbolParams,
    ) -> Result<Option<lsp::DocumentSymbolResponse>> {
        let uri = &params.text_document.uri;
        let hierarchical = self.config().hierarchical_symbols;
        let symbols: fn(&mut Answers) -> &mut Option<_> = |answers| &mut answers.symbols;
        self.cached_query(
            uri,
            "documentSymbol",
            &params,
            symbols,
            |snapshot, encoding| {
                let symbols = symbols::document_symbols(&snapshot.analysis);
                if hierarchical {
                    lsp::DocumentSymbolResponse::Nested(
                        symbols
                            .iter()
                            .map(|symbol| {
                                convert::document_symbol(&snapshot.rope, symbol, encoding)
                            })
                            .collect(),
                    )
                } else {
                    let mut flat = Vec::new();
                    convert::symbol_information(
                        &snapshot.rope,
                        uri,
                        &symbols,
                        None,
                        encoding,
                        &mut flat,
                    );
                    lsp::DocumentSymbolResponse::Flat(flat)
                }
            },
        )
    }

    async fn symbol(
        &self,
        params: lsp::WorkspaceSymbolParams,
    ) -> Result<Option<lsp::WorkspaceSymbolResponse>> {
        let mut uris: Vec<Uri> = self.documents().keys().cloned().collect();
        uris.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        let mut found = Vec::new();
        for uri in &uris {
            let symbols = self.query(uri, "workspaceSymbol", &params, |snapshot, encoding| {
                let symbols: Vec<_> = symbols::workspace_symbols(&snapshot.analysis)
                    .into_iter()
                    .filter(|symbol| fuzzy_match(&params.query, &symbol.name))
                    .collect();
                let mut flat = Vec::new();
                convert::symbol_information(
                    &snapshot.rope,
                    uri,
                    &symbols,
                    None,
                    encoding,
                    &mut flat,
                );
                flat
            })?;
            found.extend(symbols.unwrap_or_default());
        }
        Ok(Some(lsp::WorkspaceSymbolResponse::Flat(found)))
    }

    async fn goto_definition(
        &self,
        params: lsp::GotoDefinitionParams,
    ) -> Result<Option<lsp::GotoDefinitionResponse>> {
        let position = &params.text_document_position_params;
        let uri = &position.text_document.uri;
        self.query(uri, "definition", &params, |snapshot, encoding| {
            let offset = convert::offset(&snapshot.rope, position.position, encoding).value;
            let targets = navigation::definition(&snapshot.analysis, offset);
            (!targets.is_empty()).then(|| {
                lsp::GotoDefinitionResponse::Array(convert::locations(
                    &snapshot.rope,
                    uri,
                    &targets,
                    encoding,
                ))
            })
        })
        .map(Option::flatten)
    }

    async fn references(&self, params: lsp::ReferenceParams) -> Result<Option<Vec<lsp::Location>>> {
        let position = &params.text_document_position;
        let uri = &position.text_document.uri;
        let include_declaration = params.context.include_declaration;
        self.query(uri, "references", &params, |snapshot, encoding| {
            let offset = convert::offset(&snapshot.rope, position.position, encoding).value;
            let found = navigation::references(&snapshot.analysis, offset, include_declaration);
            convert::locations(&snapshot.rope, uri, &found, encoding)
        })
    }

    async fn document_highlight(
        &self,
        params: lsp::DocumentHighlightParams,
    ) -> Result<Option<Vec<lsp::DocumentHighlight>>> {
        let position = &params.text_document_position_params;
        self.query(
            &position.text_document.uri,
            "documentHighlight",
            &params,
            |snapshot, encoding| {
                let offset = convert::offset(&snapshot.rope, position.position, encoding).value;
                navigation::highlights(&snapshot.analysis, offset)
                    .iter()
                    .map(|highlight| convert::highlight(&snapshot.rope, highlight, encoding))
                    .collect()
            },
        )
    }

    async fn prepare_rename(
        &self,
        params: lsp::TextDocumentPositionParams,
    ) -> Result<Option<lsp::PrepareRenameResponse>> {
        let answer = self.query(
            &params.text_document.uri,
            "prepareRename",
            &params,
            |snapshot, encoding| {
                let offset = convert::offset(&snapshot.rope, params.position, encoding).value;
                navigation::prepare_rename(&snapshot.analysis, offset).map(|range| {
                    lsp::PrepareRenameResponse::Range(convert::range(
                        &snapshot.rope,
                        range,
                        encoding,
                    ))
                })
            },
        )?;
        match answer {
            None => Ok(None),
            Some(Ok(response)) => Ok(Some(response)),
            Some(Err(refused)) => Err(request_failed(refused.message())),
        }
    }

    async fn rename(&self, params: lsp::RenameParams) -> Result<Option<lsp::WorkspaceEdit>> {
        let position = &params.text_document_position;
        let uri = &position.text_document.uri;
        let config = self.config();
        let answer = self.query(uri, "rename", &params, |snapshot, encoding| {
            let offset = convert::offset(&snapshot.rope, position.position, encoding).value;
            navigation::rename(&snapshot.analysis, offset, &params.new_name).map(|edits| {
                let target = snapshot.edit_target(uri, &config);
                convert::workspace_edit(
                    &target,
                    convert::text_edits(&snapshot.rope, &edits, encoding),
                )
            })
        })?;
        match answer {
            None => Ok(None),
            Some(Ok(edit)) => Ok(Some(edit)),
            Some(Err(refused)) => Err(request_failed(refused.message())),
        }
    }

    async fn semantic_tokens_full(
        &self,
        params: lsp::SemanticTokensParams,
    ) -> Result<Option<lsp::SemanticTokensResult>> {
        let uri = &params.text_document.uri;
        let Some(data) = self.whole_document_tokens(uri, &params)? else {
            return Ok(None);
        };
        let result_id = self.remember_tokens(uri, data.clone());
        Ok(Some(lsp::SemanticTokensResult::Tokens(
            lsp::SemanticTokens {
                result_id,
                data: data.to_vec(),
            },
        )))
    }

    async fn semantic_tokens_full_delta(
        &self,
        params: lsp::SemanticTokensDeltaParams,
    ) -> Result<Option<lsp::SemanticTokensFullDeltaResult>> {
        let uri = &params.text_document.uri;
        let Some(data) = self.whole_document_tokens(uri, &params)? else {
            return Ok(None);
        };
        let previous = self
            .documents()
            .get(uri)
            .and_then(|entry| entry.semantic_tokens.clone())
            .filter(|(id, _)| *id == params.previous_result_id);
        let result_id = self.remember_tokens(uri, data.clone());
        Ok(Some(match previous {
            Some((_, previous)) => {
                lsp::SemanticTokensFullDeltaResult::TokensDelta(lsp::SemanticTokensDelta {
                    result_id,
                    edits: semantic::delta(&previous, &data),
                })
            }
            None => lsp::SemanticTokensFullDeltaResult::Tokens(lsp::SemanticTokens {
                result_id,
                data: data.to_vec(),
            }),
        }))
    }

    async fn semantic_tokens_range(
        &self,
        params: lsp::SemanticTokensRangeParams,
    ) -> Result<Option<lsp::SemanticTokensRangeResult>> {
        let data = self.query(
            &params.text_document.uri,
            "semanticTokens/range",
            &params,
            |snapshot, encoding| {
                let range = convert::byte_range(&snapshot.rope, params.range, encoding).value;
                semantic_data(snapshot, Some(range), encoding)
            },
        )?;
        Ok(data.map(|data| {
            lsp::SemanticTokensRangeResult::Tokens(lsp::SemanticTokens {
                result_id: None,
                data,
            })
        }))
    }

    async fn folding_range(
        &self,
        params: lsp::FoldingRangeParams,
    ) -> Result<Option<Vec<lsp::FoldingRange>>> {
        self.cached_query(
            &params.text_document.uri,
            "foldingRange",
            &params,
            |answers| &mut answers.folding,
            |snapshot, _| {
                folding::folding_ranges(&snapshot.analysis)
                    .iter()
                    .map(|fold| convert::folding_range(&snapshot.rope, fold))
                    .collect()
            },
        )
    }

    async fn selection_range(
        &self,
        params: lsp::SelectionRangeParams,
    ) -> Result<Option<Vec<lsp::SelectionRange>>> {
        self.query(
            &params.text_document.uri,
            "selectionRange",
            &params,
            |snapshot, encoding| {
                params
                    .positions
                    .iter()
                    .map(|&position| {
                        let offset = convert::offset(&snapshot.rope, position, encoding).value;
                        let ranges = selection::selection_ranges(&snapshot.analysis, offset);
                        convert::selection_range(&snapshot.rope, &ranges, encoding, position)
                    })
                    .collect()
            },
        )
    }

    async fn document_link(
        &self,
        params: lsp::DocumentLinkParams,
    ) -> Result<Option<Vec<lsp::DocumentLink>>> {
        self.query(
            &params.text_document.uri,
            "documentLink",
            &params,
            |snapshot, encoding| {
                links::document_links(&snapshot.analysis)
                    .iter()
                    .filter_map(|link| convert::document_link(&snapshot.rope, link, encoding))
                    .collect()
            },
        )
    }
}

/// The semantic tokens of a snapshot (or of a byte range of it) in the protocol's encoding.
fn semantic_data(
    snapshot: &OpenDocument,
    range: Option<std::ops::Range<usize>>,
    encoding: PositionEncoding,
) -> Vec<lsp::SemanticToken> {
    let tokens = tokens::tokens(&snapshot.analysis, range);
    convert::core_semantic_tokens(snapshot.analysis.text(), &snapshot.rope, &tokens, encoding)
}

/// Whether every character of `query` appears in `name` in order, ignoring case (an empty query
/// matches everything), as editors filter symbol lists.
fn fuzzy_match(query: &str, name: &str) -> bool {
    let mut name = name.chars().flat_map(char::to_lowercase);
    query
        .chars()
        .flat_map(char::to_lowercase)
        .all(|wanted| name.any(|c| c == wanted))
}

/// The error of a request that cannot be carried out, with a message the editor shows.
fn request_failed(message: &str) -> tower_lsp_server::jsonrpc::Error {
    tower_lsp_server::jsonrpc::Error {
        code: tower_lsp_server::jsonrpc::ErrorCode::ServerError(-32803),
        message: message.to_owned().into(),
        data: None,
    }
}

/// The formatter's options from the client's: the indentation unit of continuation lines.
fn format_options(options: &lsp::FormattingOptions) -> format::FormatOptions {
    format::FormatOptions {
        tab_size: options.tab_size,
        insert_spaces: options.insert_spaces,
    }
}

/// Runs a core call, turning a panic into a [`Panic`] and a log line: one bad document or
/// position must not take the server down.
///
/// For tests of this path, `DOCKLS_PANIC_IN=<what>` in the environment makes the core call named
/// `<what>` (e.g. `hover`) panic.
fn guarded<T>(what: &str, call: impl FnOnce() -> T) -> std::result::Result<T, Panic> {
    let injected = std::env::var_os("DOCKLS_PANIC_IN").is_some_and(|name| name == what);
    match panic::catch_unwind(AssertUnwindSafe(|| {
        if injected {
            panic!("injected by DOCKLS_PANIC_IN");
        }
        call()
    })) {
        Ok(value) => Ok(value),
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            let panic = Panic(format!("internal error in {what}: {message}"));
            log(&panic.0);
            Err(panic)
        }
    }
}

/// A panic caught in a core call, with what was being done.
#[derive(Debug)]
struct Panic(String);

impl Panic {
    /// The answer to the request that ran into it, logged with the request.
    fn answer(self, request: &dyn std::fmt::Debug) -> tower_lsp_server::jsonrpc::Error {
        let mut shown = format!("{request:?}");
        if shown.len() > 2000 {
            let mut cut = 2000;
            while !shown.is_char_boundary(cut) {
                cut -= 1;
            }
            shown.truncate(cut);
            shown.push('…');
        }
        log(&format!("{}; the request was {shown}", self.0));
        tower_lsp_server::jsonrpc::Error {
            code: tower_lsp_server::jsonrpc::ErrorCode::InternalError,
            message: self.0.into(),
            data: None,
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
    fn a_panic_in_a_core_call_becomes_an_internal_error() {
        assert_eq!(guarded("test", || 1).ok(), Some(1));
        let panicked = guarded("hover", || -> () { panic!("core bug") }).unwrap_err();
        let error = panicked.answer(&"textDocument/hover at 1:2");
        assert_eq!(
            error.code,
            tower_lsp_server::jsonrpc::ErrorCode::InternalError
        );
        assert_eq!(error.message, "internal error in hover: core bug");
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
