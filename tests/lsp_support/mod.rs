//! A small synchronous LSP client for end-to-end tests: it starts the real `dockls` binary and
//! speaks JSON-RPC with Content-Length framing over its stdin and stdout.
//!
//! A reader thread turns the server's output into messages on a channel, and every wait has a
//! timeout, so a hung or crashed server fails the test instead of hanging it. Positions are
//! converted here with code independent of the server's. The server's log (stderr) is shown when
//! `DOCKLS_TEST_STDERR` is set.

#![allow(dead_code)]

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// How long any single wait may take before the test fails.
pub const TIMEOUT: Duration = Duration::from_secs(20);

pub const URI: &str = "file:///work/Dockerfile";

pub struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    incoming: Receiver<Value>,
    /// Messages read while waiting for something else.
    backlog: VecDeque<Value>,
    next_id: i64,
    /// How long one wait may take; [`TIMEOUT`] unless [`Client::set_timeout`] changed it.
    timeout: Duration,
}

impl Client {
    /// Starts `dockls` with no arguments.
    pub fn start() -> Client {
        Client::start_with(&[])
    }

    pub fn start_with(args: &[&str]) -> Client {
        Client::start_with_env(args, &[])
    }

    /// Starts the server with `args` and extra environment variables.
    pub fn start_with_env(args: &[&str], env: &[(&str, &str)]) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_dockls"))
            .args(args)
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(if std::env::var_os("DOCKLS_TEST_STDERR").is_some() {
                Stdio::inherit()
            } else {
                Stdio::null()
            })
            .spawn()
            .expect("start dockls");
        let stdout = child.stdout.take().expect("stdout");
        let stdin = child.stdin.take();
        let (sender, incoming) = mpsc::channel();
        thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        Client {
            child,
            stdin,
            incoming,
            backlog: VecDeque::new(),
            next_id: 1,
            timeout: TIMEOUT,
        }
    }

    /// Starts the server and initializes it with `capabilities`; returns the initialize result.
    pub fn initialized(capabilities: Value) -> (Client, Value) {
        Client::initialized_with(capabilities, Value::Null)
    }

    /// [`Client::initialized`] with `initializationOptions`.
    pub fn initialized_with(capabilities: Value, options: Value) -> (Client, Value) {
        let mut client = Client::start();
        let result = client.request_ok(
            "initialize",
            json!({ "capabilities": capabilities, "initializationOptions": options }),
        );
        client.notify("initialized", json!({}));
        (client, result)
    }

    /// A client that pulls diagnostics, as VS Code can, with the user's choice of pulling.
    pub fn pulling(encodings: &[&str], snippets: bool) -> (Client, Value) {
        Client::initialized_with(
            pull_capabilities(encodings, snippets),
            json!({ "diagnosticMode": "pull" }),
        )
    }

    pub fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(bytes).expect("write to dockls");
        stdin.flush().expect("flush to dockls");
    }

    pub fn send(&mut self, message: &Value) {
        let body = serde_json::to_vec(message).expect("serialize");
        let mut framed = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        framed.extend_from_slice(&body);
        self.send_raw(&framed);
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and returns its id without waiting.
    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        id
    }

    /// Sends a request and returns the whole response (with `result` or `error`).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params);
        self.response(id)
    }

    /// Sends a request and returns its result, failing the test on an error response.
    pub fn request_ok(&mut self, method: &str, params: Value) -> Value {
        let response = self.request(method, params);
        assert!(
            response.get("error").is_none(),
            "{method} failed: {response}"
        );
        response["result"].clone()
    }

    /// Waits for the response to request `id`.
    pub fn response(&mut self, id: i64) -> Value {
        self.response_to(json!(id))
    }

    /// Waits for the response whose id is `id`, a number or a string.
    pub fn response_to(&mut self, id: Value) -> Value {
        self.wait_for(&format!("the response to request {id}"), |message| {
            message.get("method").is_none() && message["id"] == id
        })
    }

    /// Waits for a notification `method` whose params satisfy `accept`.
    pub fn notification(&mut self, method: &str, accept: impl Fn(&Value) -> bool) -> Value {
        let message = self.wait_for(method, |message| {
            message["method"] == method && message.get("id").is_none() && accept(&message["params"])
        });
        message["params"].clone()
    }

    /// Waits for the diagnostics of `uri` at `version`, skipping older ones.
    pub fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let params = self.notification("textDocument/publishDiagnostics", |params| {
            params["uri"] == uri && params["version"] == json!(version)
        });
        params["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    fn wait_for(&mut self, what: &str, accept: impl Fn(&Value) -> bool) -> Value {
        if let Some(index) = self.backlog.iter().position(&accept) {
            return self.backlog.remove(index).expect("index in backlog");
        }
        let deadline = Instant::now() + self.timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.incoming.recv_timeout(left) {
                Ok(message) if accept(&message) => return message,
                Ok(message) => self.backlog.push_back(message),
                Err(RecvTimeoutError::Timeout) => panic!("timed out waiting for {what}"),
                Err(RecvTimeoutError::Disconnected) => {
                    let status = self.child.try_wait();
                    panic!("dockls closed its output while we waited for {what}: {status:?}")
                }
            }
        }
    }

    /// The notifications `method` received but not waited for yet, oldest first.
    pub fn unclaimed(&mut self, method: &str) -> Vec<Value> {
        while let Ok(message) = self.incoming.try_recv() {
            self.backlog.push_back(message);
        }
        let backlog = std::mem::take(&mut self.backlog);
        let (matching, rest) = backlog.into_iter().partition(|m| m["method"] == method);
        self.backlog = rest;
        matching
            .into_iter()
            .map(|m: Value| m["params"].clone())
            .collect()
    }

    /// Changes how long one wait may take, for tests that promise a quicker answer.
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    /// Every message received but not waited for yet, oldest first, after waiting `settle` for
    /// stragglers.
    pub fn drain(&mut self, settle: Duration) -> Vec<Value> {
        thread::sleep(settle);
        while let Ok(message) = self.incoming.try_recv() {
            self.backlog.push_back(message);
        }
        self.backlog.drain(..).collect()
    }

    /// Drops every message received so far.
    pub fn clear_backlog(&mut self) {
        self.backlog.clear();
        while self.incoming.try_recv().is_ok() {}
    }

    /// Waits for a request `method` from the server; returns the whole message (with `id`).
    pub fn server_request(&mut self, method: &str) -> Value {
        self.wait_for(&format!("a {method} request from the server"), |message| {
            message["method"] == method && message.get("id").is_some()
        })
    }

    /// Answers a request from the server.
    pub fn respond(&mut self, request: &Value, result: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "id": request["id"], "result": result }));
    }

    /// Whether the process is still running.
    pub fn is_alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Closes the server's stdin and waits for it to exit.
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Waits for the process to exit, failing the test if it does not within the timeout.
    pub fn wait_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + self.timeout;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait for dockls") {
                return status;
            }
            assert!(Instant::now() < deadline, "dockls did not exit");
            thread::sleep(Duration::from_millis(10));
        }
    }

    pub fn open(&mut self, uri: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": {
                "uri": uri, "languageId": "dockerfile", "version": version, "text": text
            }}),
        );
    }

    /// The server's copy of a document's text, via the custom `dockls/documentText` request.
    pub fn document_text(&mut self, uri: &str) -> Value {
        self.request_ok("dockls/documentText", json!({ "uri": uri }))
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads one framed message; `None` at the end of the stream or on bad framing.
pub fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length:") {
            length = value.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// Client capabilities: the position encodings offered, snippets, markdown. The client takes
/// pushed diagnostics only; see [`pull_capabilities`].
pub fn capabilities(encodings: &[&str], snippets: bool) -> Value {
    let mut capabilities = json!({
        "textDocument": {
            "completion": { "completionItem": {
                "snippetSupport": snippets,
                "documentationFormat": ["markdown", "plaintext"],
            }},
            "hover": { "contentFormat": ["markdown", "plaintext"] },
            "publishDiagnostics": { "versionSupport": true },
            "codeAction": { "codeActionLiteralSupport": { "codeActionKind": { "valueSet": [
                "quickfix", "source", "source.fixAll",
            ]}}},
        }
    });
    if !encodings.is_empty() {
        capabilities["general"] = json!({ "positionEncodings": encodings });
    }
    capabilities
}

/// [`capabilities`] of a client that pulls diagnostics (`textDocument/diagnostic`), as VS Code
/// does.
pub fn pull_capabilities(encodings: &[&str], snippets: bool) -> Value {
    let mut capabilities = capabilities(encodings, snippets);
    capabilities["textDocument"]["diagnostic"] = json!({ "dynamicRegistration": false });
    capabilities
}

/// Columns counted in UTF-8 bytes or in UTF-16 code units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

impl Encoding {
    fn width(self, c: char) -> usize {
        match self {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
        }
    }
}

/// The byte offsets where lines start: after `\n`, `\r\n` and a lone `\r`.
fn line_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    for (index, &byte) in bytes.iter().enumerate() {
        let ends_line = byte == b'\n' || (byte == b'\r' && bytes.get(index + 1) != Some(&b'\n'));
        if ends_line {
            starts.push(index + 1);
        }
    }
    starts
}

/// The LSP position `{line, character}` of a byte offset on a character boundary.
pub fn position(text: &str, offset: usize, encoding: Encoding) -> Value {
    let starts = line_starts(text);
    let line = starts.partition_point(|&start| start <= offset) - 1;
    let character: usize = text[starts[line]..offset]
        .chars()
        .map(|c| encoding.width(c))
        .sum();
    json!({ "line": line, "character": character })
}

/// The byte offset of an LSP position that lies inside the text.
pub fn offset(text: &str, position: &Value, encoding: Encoding) -> usize {
    let line = position["line"].as_u64().expect("line") as usize;
    let character = position["character"].as_u64().expect("character") as usize;
    let start = line_starts(text)[line];
    let mut units = 0;
    for (index, c) in text[start..].char_indices() {
        if units >= character {
            return start + index;
        }
        units += encoding.width(c);
    }
    assert_eq!(units, character, "position past the end of the text");
    text.len()
}

pub fn range(text: &str, start: usize, end: usize, encoding: Encoding) -> Value {
    json!({ "start": position(text, start, encoding), "end": position(text, end, encoding) })
}

/// The text an LSP range covers.
pub fn slice<'a>(text: &'a str, range: &Value, encoding: Encoding) -> &'a str {
    &text[offset(text, &range["start"], encoding)..offset(text, &range["end"], encoding)]
}

/// `text` with LSP text edits applied; the edits do not overlap and refer to the text before any
/// of them, as in a `WorkspaceEdit`.
pub fn apply_text_edits(text: &str, edits: &[Value], encoding: Encoding) -> String {
    let mut resolved: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|edit| {
            let start = offset(text, &edit["range"]["start"], encoding);
            let end = offset(text, &edit["range"]["end"], encoding);
            (start, end, edit["newText"].as_str().expect("newText"))
        })
        .collect();
    resolved.sort_by_key(|&(start, end, _)| (start, end));
    let mut out = text.to_owned();
    for &(start, end, new_text) in resolved.iter().rev() {
        out.replace_range(start..end, new_text);
    }
    out
}

/// A fresh directory under the system's temporary directory, removed on drop.
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        let path = std::env::temp_dir().join(format!("dockls-lsp-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create a temporary directory");
        TempDir(path)
    }

    /// Writes `text` to `name` in the directory; returns the file's URI.
    pub fn write(&self, name: &str, text: &str) -> String {
        let path = self.0.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create a directory");
        }
        std::fs::write(&path, text).expect("write a file");
        self.uri(name)
    }

    /// The URI of `name` in the directory, whether or not it exists.
    pub fn uri(&self, name: &str) -> String {
        format!("file://{}", self.0.join(name).display())
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A deterministic pseudo-random sequence (xorshift64), so failures reproduce.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn below(&mut self, bound: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % bound.max(1) as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// A character boundary of `text` near `offset`, at or before it.
pub fn floor_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}
