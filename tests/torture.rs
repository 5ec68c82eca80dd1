//! A protocol torture test: the real binary fed hostile input over JSON-RPC.
//!
//! Each test drives `dockls` through one family of abuse (broken framing, broken lifecycle,
//! positions outside the text, unopened and stale documents, unreadable files beside the
//! document, huge documents and bursts, cancellation, a client that disappears) and after every
//! hostile step checks that the server still serves: a hover on a known document gets the right
//! answer. Every wait has a timeout, so a hang fails the test instead of blocking CI.
//!
//! `tests/lsp.rs` covers the ordinary protocol and a first round of malformed messages; this
//! file does not repeat those cases.

mod common;
mod lsp_support;

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use lsp_support::{capabilities, floor_boundary, position, Client, Encoding, Rng, TempDir};
use serde_json::{json, Value};

/// How long one answer may take in these tests; the server answers in milliseconds, so this
/// only bounds a hang.
const WAIT: Duration = Duration::from_secs(10);

const KNOWN: &str = "file:///torture/Dockerfile";

/// The known document: multi-byte characters of both widths on the hovered line, a
/// continuation line, and an exec form.
const KNOWN_TEXT: &str =
    "FROM alpine:3.20\nRUN echo \u{1F600} \u{e9} \\\n  && echo done\nCMD [\"sh\"]\n";

/// A client of the given position encoding with [`KNOWN`] open; returns the initialize result.
fn start(encoding: Encoding) -> (Client, Value) {
    let offered: &[&str] = match encoding {
        Encoding::Utf8 => &["utf-8"],
        Encoding::Utf16 => &[],
    };
    let (client, result) = Client::initialized(capabilities(offered, true));
    ready(client, result, encoding)
}

/// [`start`] for a client that pulls diagnostics, so the server runs no rules unasked.
fn start_pulling() -> (Client, Value) {
    let (client, result) = Client::pulling(&[], true);
    ready(client, result, Encoding::Utf16)
}

fn ready(mut client: Client, result: Value, encoding: Encoding) -> (Client, Value) {
    client.set_timeout(WAIT);
    let negotiated = match encoding {
        Encoding::Utf8 => "utf-8",
        Encoding::Utf16 => "utf-16",
    };
    assert_eq!(
        result["capabilities"]["positionEncoding"], negotiated,
        "{result}"
    );
    client.open(KNOWN, 1, KNOWN_TEXT);
    serving(&mut client);
    (client, result)
}

fn at(uri: &str, line: u64, character: u64) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } })
}

/// Asserts that the server is alive and answers a hover on the known document correctly.
#[track_caller]
fn serving(client: &mut Client) {
    assert!(client.is_alive(), "dockls exited");
    let hover = client.request_ok("textDocument/hover", at(KNOWN, 1, 1));
    let value = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(value.contains("RUN"), "hover on RUN: {hover}");
    assert_eq!(
        hover["range"],
        json!({ "start": { "line": 1, "character": 0 }, "end": { "line": 1, "character": 3 } }),
        "{hover}"
    );
}

/// Sends `body` framed with the raw `header` block (which must end in the blank line).
fn send_framed(client: &mut Client, header: &str, body: &str) {
    let mut bytes = header.as_bytes().to_vec();
    bytes.extend_from_slice(body.as_bytes());
    client.send_raw(&bytes);
}

fn hover_request(id: i64) -> String {
    json!({ "jsonrpc": "2.0", "id": id, "method": "textDocument/hover", "params": at(KNOWN, 1, 1) })
        .to_string()
}

/// The messages that arrived besides diagnostics, which the server pushes whenever it likes.
fn unexpected(messages: Vec<Value>) -> Vec<Value> {
    messages
        .into_iter()
        .filter(|message| message["method"] != "textDocument/publishDiagnostics")
        .collect()
}

#[test]
fn malformed_headers_leave_the_server_serving() {
    let (mut client, _) = start(Encoding::Utf16);
    let body = hover_request(1000);
    let len = body.len();
    // Each header block is unusable: the block and its body are dropped, and framing recovers
    // at the next header, which `serving` sends.
    for header in [
        // Missing.
        "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n".to_owned(),
        // Negative, not a number, empty.
        format!("Content-Length: -{len}\r\n\r\n"),
        "Content-Length: twelve\r\n\r\n".to_owned(),
        "Content-Length:\r\n\r\n".to_owned(),
        // Duplicates that disagree.
        format!(
            "Content-Length: {len}\r\nContent-Length: {}\r\n\r\n",
            len + 7
        ),
        // Huge: beyond u64, beyond any real message, beyond the address space of a 32-bit client.
        "Content-Length: 184467440737095516160\r\n\r\n".to_owned(),
        format!("Content-Length: {}\r\n\r\n", u64::MAX),
        format!("Content-Length: {}\r\n\r\n", 1u64 << 40),
        format!("Content-Length: {}\r\n\r\n", 1u64 << 31),
    ] {
        send_framed(&mut client, &header, &body);
        serving(&mut client);
    }
    let dropped = unexpected(client.drain(Duration::from_millis(100)));
    assert_eq!(
        dropped,
        Vec::<Value>::new(),
        "dropped messages are not answered"
    );

    // Usable although unusual: the request is answered.
    for (id, header) in [
        (9001, format!("content-length: {len}\r\n\r\n")),
        (9002, format!("CONTENT-LENGTH:{len}   \r\n\r\n")),
        (9003, format!("Content-Length: {len}\r\nContent-Length: {len}\r\n\r\n")),
        (
            9004,
            format!("X-Garbage\r\n: :\r\n\u{1F600}: \u{e9}\r\nContent-Length: {len}\r\nContent-Type: nonsense\r\n\r\n"),
        ),
        // Bare `\n` line ends, as a sloppy client writes them.
        (9005, format!("Content-Length: {len}\n\n")),
    ] {
        send_framed(&mut client, &header, &hover_request(id));
        let response = client.response(id);
        assert!(
            response["result"]["contents"].is_object(),
            "{header:?}: {response}"
        );
        serving(&mut client);
    }

    // A header line of a megabyte without a line end, then a message.
    let mut garbage = vec![b'#'; 1 << 20];
    garbage.extend_from_slice(format!("Content-Length: {len}\r\n\r\n").as_bytes());
    garbage.extend_from_slice(hover_request(9006).as_bytes());
    client.send_raw(&garbage);
    assert!(client.response(9006)["result"].is_object());
    serving(&mut client);
}

#[test]
fn malformed_json_leaves_the_server_serving() {
    let (mut client, _) = start(Encoding::Utf16);
    let nested = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let deep_object = format!(
        r#"{{"jsonrpc":"2.0","id":77,"method":"textDocument/hover","params":{}1{}}}"#,
        r#"{"a":"#.repeat(50_000),
        "}".repeat(50_000)
    );
    for body in [
        // Cut short, with an id the server cannot know for sure.
        r#"{"jsonrpc":"2.0","id":70,"method":"textDocument/hover","params":{"#.to_owned(),
        // Trailing garbage, two objects, a bare string, null, an empty object.
        format!("{} garbage", hover_request(71)),
        format!("{}{}", hover_request(72), hover_request(73)),
        r#""textDocument/hover""#.to_owned(),
        "null".to_owned(),
        "{}".to_owned(),
        // Nesting deep enough to overflow a recursive parser's stack.
        nested,
        deep_object,
        // Numbers that fit no integer type as ids.
        r#"{"jsonrpc":"2.0","id":1e400,"method":"shutdown"}"#.to_owned(),
        // NUL bytes and control characters.
        "\0\0\0\u{1}\u{7f}".to_owned(),
    ] {
        let header = format!("Content-Length: {}\r\n\r\n", body.len());
        send_framed(&mut client, &header, &body);
        serving(&mut client);
    }
    // Only a request whose id could be read may be answered, and only with an error.
    for message in unexpected(client.drain(Duration::from_millis(100))) {
        assert!(message["error"].is_object(), "{message}");
    }
    // An id of an unusual type answers with the same id.
    client.send(&json!({ "jsonrpc": "2.0", "id": -1, "method": "textDocument/hover", "params": at(KNOWN, 1, 1) }));
    assert!(client.response(-1)["result"].is_object());
    client.send(&json!({ "jsonrpc": "2.0", "id": "", "method": "textDocument/hover", "params": at(KNOWN, 1, 1) }));
    assert!(client.response_to(json!(""))["result"].is_object());
    serving(&mut client);
}

#[test]
fn unknown_methods_are_refused_or_ignored() {
    let (mut client, _) = start(Encoding::Utf16);
    for method in ["textDocument/noSuchThing", "$/noSuchThing", "", "\u{1F600}"] {
        let response = client.request(method, json!({}));
        assert_eq!(response["error"]["code"], -32601, "{method:?}: {response}");
        serving(&mut client);
    }
    client.clear_backlog();
    // Notifications get no answer at all; `$/` ones are not even logged to the client.
    for method in [
        "$/noSuchNotification",
        "$/setTrace",
        "$/logTrace",
        "$/progress",
        "workspace/noSuchNotification",
        "textDocument/noSuchNotification",
    ] {
        client.notify(method, json!({ "value": 1 }));
        serving(&mut client);
    }
    let extra = unexpected(client.drain(Duration::from_millis(200)));
    assert_eq!(
        extra,
        Vec::<Value>::new(),
        "unknown notifications are ignored"
    );
}

#[test]
fn lifecycle_violations_are_refused() {
    let mut client = Client::start();
    client.set_timeout(WAIT);
    // Before initialize: requests are refused, notifications dropped.
    for method in ["textDocument/hover", "shutdown", "dockls/documentText"] {
        let response = client.request(method, at(KNOWN, 0, 0));
        assert_eq!(response["error"]["code"], -32002, "{method}: {response}");
    }
    client.open(KNOWN, 1, "FROM dropped\n");
    let result = client.request_ok("initialize", json!({ "capabilities": {} }));
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-16");
    client.notify("initialized", json!({}));
    assert_eq!(
        client.document_text(KNOWN),
        Value::Null,
        "didOpen before initialize"
    );
    client.open(KNOWN, 1, KNOWN_TEXT);
    serving(&mut client);

    // A second initialize is an invalid request and changes nothing: the encoding stays UTF-16.
    let second = client.request(
        "initialize",
        json!({ "capabilities": { "general": { "positionEncodings": ["utf-8"] } } }),
    );
    assert_eq!(second["error"]["code"], -32600, "{second}");
    serving(&mut client);
    let ranges = client.request_ok(
        "textDocument/selectionRange",
        json!({ "textDocument": { "uri": KNOWN }, "positions": [{ "line": 1, "character": 12 }] }),
    );
    check_positions(KNOWN_TEXT, &ranges, Encoding::Utf16, "selectionRange");
    assert_eq!(
        ranges[0]["range"],
        json!({ "start": { "line": 1, "character": 12 }, "end": { "line": 1, "character": 13 } }),
        "the é after the emoji, in UTF-16 columns: {ranges}"
    );

    // After shutdown: requests are invalid, notifications dropped, a second shutdown refused.
    assert_eq!(client.request_ok("shutdown", Value::Null), Value::Null);
    for method in [
        "textDocument/hover",
        "shutdown",
        "initialize",
        "dockls/documentText",
    ] {
        let response = client.request(method, at(KNOWN, 1, 1));
        assert_eq!(response["error"]["code"], -32600, "{method}: {response}");
    }
    client.open("file:///torture/after-shutdown", 1, "FROM x\n");
    assert!(client.is_alive());
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_exit().code(), Some(0));
}

/// The text of each line, without its line break.
fn line_contents(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut rest = text;
    loop {
        match rest.find(['\n', '\r']) {
            Some(at) => {
                lines.push(&rest[..at]);
                let skip = if rest[at..].starts_with("\r\n") { 2 } else { 1 };
                rest = &rest[at + skip..];
            }
            None => {
                lines.push(rest);
                return lines;
            }
        }
    }
}

fn width(c: char, encoding: Encoding) -> u64 {
    match encoding {
        Encoding::Utf8 => c.len_utf8() as u64,
        Encoding::Utf16 => c.len_utf16() as u64,
    }
}

/// Whether `line:character` is a position in `text` that falls on a character boundary.
fn is_valid_position(text: &str, line: u64, character: u64, encoding: Encoding) -> bool {
    let lines = line_contents(text);
    let Some(content) = usize::try_from(line).ok().and_then(|line| lines.get(line)) else {
        return false;
    };
    let mut column = 0;
    for c in content.chars() {
        if column >= character {
            break;
        }
        column += width(c, encoding);
    }
    column == character
}

/// Asserts that every `{line, character}` in a result is a valid position of `text`.
#[track_caller]
fn check_positions(text: &str, value: &Value, encoding: Encoding, what: &str) {
    match value {
        Value::Object(map) => {
            let line = map.get("line").and_then(Value::as_u64);
            let character = map.get("character").and_then(Value::as_u64);
            if let (Some(line), Some(character)) = (line, character) {
                assert!(
                    is_valid_position(text, line, character, encoding),
                    "{what}: the answer holds {value}, which is not a position in the text"
                );
            }
            for item in map.values() {
                check_positions(text, item, encoding, what);
            }
        }
        Value::Array(items) => {
            for item in items {
                check_positions(text, item, encoding, what);
            }
        }
        _ => {}
    }
}

/// Positions a client should never send: huge numbers, lines and columns past the text, and
/// columns inside a character (inside a surrogate pair in UTF-16).
fn hostile_positions(text: &str, encoding: Encoding) -> Vec<Value> {
    let lines = line_contents(text);
    let mut positions = vec![
        json!({ "line": u32::MAX, "character": u32::MAX }),
        json!({ "line": 1u64 << 31, "character": 0 }),
        json!({ "line": 0, "character": 1u64 << 31 }),
        json!({ "line": 1, "character": u32::MAX }),
        json!({ "line": lines.len() + 3, "character": 0 }),
        json!({ "line": lines.len(), "character": 5 }),
    ];
    for (line, content) in lines.iter().enumerate() {
        let total: u64 = content.chars().map(|c| width(c, encoding)).sum();
        positions.push(json!({ "line": line, "character": total + 1 }));
        let mut column = 0;
        for c in content.chars() {
            for inside in 1..width(c, encoding) {
                positions.push(json!({ "line": line, "character": column + inside }));
            }
            column += width(c, encoding);
        }
    }
    positions
}

/// Requests for every position-taking method the server advertises, at `position` or over
/// `range`.
fn position_requests(
    capabilities: &Value,
    uri: &str,
    position: &Value,
    range: &Value,
) -> Vec<(String, Value)> {
    let document = json!({ "uri": uri });
    let at = json!({ "textDocument": document, "position": position });
    let options = json!({ "tabSize": 4, "insertSpaces": true });
    let mut requests = Vec::new();
    let mut add = |capability: &str, method: &str, params: Value| {
        let advertised = &capabilities[capability];
        if !advertised.is_null() && *advertised != json!(false) {
            requests.push((method.to_owned(), params));
        }
    };
    add("hoverProvider", "textDocument/hover", at.clone());
    add("completionProvider", "textDocument/completion", at.clone());
    add(
        "signatureHelpProvider",
        "textDocument/signatureHelp",
        at.clone(),
    );
    add("definitionProvider", "textDocument/definition", at.clone());
    add(
        "declarationProvider",
        "textDocument/declaration",
        at.clone(),
    );
    add(
        "typeDefinitionProvider",
        "textDocument/typeDefinition",
        at.clone(),
    );
    add(
        "implementationProvider",
        "textDocument/implementation",
        at.clone(),
    );
    add(
        "documentHighlightProvider",
        "textDocument/documentHighlight",
        at.clone(),
    );
    add(
        "linkedEditingRangeProvider",
        "textDocument/linkedEditingRange",
        at.clone(),
    );
    let mut references = at.clone();
    references["context"] = json!({ "includeDeclaration": true });
    add("referencesProvider", "textDocument/references", references);
    let mut rename = at.clone();
    rename["newName"] = json!("renamed");
    add("renameProvider", "textDocument/rename", rename);
    if capabilities["renameProvider"]["prepareProvider"] == json!(true) {
        add("renameProvider", "textDocument/prepareRename", at.clone());
    }
    let trigger = capabilities["documentOnTypeFormattingProvider"]["firstTriggerCharacter"]
        .as_str()
        .unwrap_or("\n");
    let mut on_type = at.clone();
    on_type["ch"] = json!(trigger);
    on_type["options"] = options.clone();
    add(
        "documentOnTypeFormattingProvider",
        "textDocument/onTypeFormatting",
        on_type,
    );
    add(
        "selectionRangeProvider",
        "textDocument/selectionRange",
        json!({ "textDocument": document, "positions": [position, { "line": 0, "character": 0 }] }),
    );
    add(
        "codeActionProvider",
        "textDocument/codeAction",
        json!({ "textDocument": document, "range": range, "context": {
            "diagnostics": [], "only": ["quickfix", "source.fixAll"] } }),
    );
    add(
        "documentRangeFormattingProvider",
        "textDocument/rangeFormatting",
        json!({ "textDocument": document, "range": range, "options": options }),
    );
    add(
        "inlayHintProvider",
        "textDocument/inlayHint",
        json!({ "textDocument": document, "range": range }),
    );
    if capabilities["semanticTokensProvider"]["range"] == json!(true) {
        add(
            "semanticTokensProvider",
            "textDocument/semanticTokens/range",
            json!({ "textDocument": document, "range": range }),
        );
    }
    requests
}

/// Every advertised position-taking method, at every hostile position and over ranges built from
/// them (inverted ones too), answers without an error and with positions inside the text.
fn hostile_positions_are_answered(encoding: Encoding) {
    let (mut client, result) = start(encoding);
    let capabilities = &result["capabilities"];
    let origin = json!({ "line": 0, "character": 0 });
    let inner = json!({ "line": 1, "character": 4 });
    let mut cases = vec![(
        inner.clone(),
        json!({ "start": { "line": 2, "character": 5 }, "end": inner }),
    )];
    for position in hostile_positions(KNOWN_TEXT, encoding) {
        cases.push((
            position.clone(),
            json!({ "start": origin, "end": position }),
        ));
        cases.push((
            position.clone(),
            json!({ "start": position, "end": origin }),
        ));
        cases.push((
            position.clone(),
            json!({ "start": position, "end": position }),
        ));
    }
    let mut methods = std::collections::BTreeSet::new();
    for (position, range) in &cases {
        for (method, params) in position_requests(capabilities, KNOWN, position, range) {
            let response = client.request(&method, params.clone());
            let what = format!("{method} {params}");
            // Rename answers a position with nothing renamable with a refusal the user reads.
            let refused = method.contains("ename") && response["error"]["code"] == -32803;
            assert!(
                response.get("error").is_none() || refused,
                "{what}: {response}"
            );
            check_positions(KNOWN_TEXT, &response["result"], encoding, &what);
            methods.insert(method);
        }
        serving(&mut client);
    }
    // The loop is only as good as what the server advertises.
    for method in [
        "textDocument/hover",
        "textDocument/completion",
        "textDocument/inlayHint",
    ] {
        assert!(
            methods.contains(method),
            "{method} not advertised: {methods:?}"
        );
    }

    // The same requests about a document that is not open: nothing, and no error.
    let unopened = "file:///torture/never-opened";
    for (method, params) in position_requests(capabilities, unopened, &inner, &cases[0].1) {
        let response = client.request(&method, params);
        let result = &response["result"];
        assert!(
            response.get("error").is_none() && (result.is_null() || *result == json!([])),
            "{method} on an unopened document: {response}"
        );
    }
    serving(&mut client);
}

#[test]
fn hostile_positions_are_answered_in_utf16() {
    hostile_positions_are_answered(Encoding::Utf16);
}

#[test]
fn hostile_positions_are_answered_in_utf8() {
    hostile_positions_are_answered(Encoding::Utf8);
}

fn change(client: &mut Client, uri: &str, version: i64, changes: Value) {
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": changes }),
    );
}

#[test]
fn stale_and_unopened_documents_keep_texts_in_sync() {
    let (mut client, _) = start(Encoding::Utf16);
    let uri = "file:///torture/stale/Dockerfile";
    client.open(uri, 10, "FROM alpine\n");
    // A version lower than the current one, then the same version twice: the changes still
    // come in the order the client made them, so they apply.
    let append = |line: u64, text: &str| {
        json!([{ "range": { "start": { "line": line, "character": 0 },
            "end": { "line": line, "character": 0 } }, "text": text }])
    };
    change(&mut client, uri, 11, append(1, "RUN a\n"));
    change(&mut client, uri, 3, append(2, "RUN b\n"));
    serving(&mut client);
    change(&mut client, uri, 3, append(3, "RUN c\n"));
    change(&mut client, uri, -5, append(4, "RUN d\n"));
    assert_eq!(
        client.document_text(uri),
        json!("FROM alpine\nRUN a\nRUN b\nRUN c\nRUN d\n")
    );
    serving(&mut client);

    // Changes, closes and requests for a document that is not open change nothing; a change
    // after a close does not reopen it; a second open replaces the text.
    let other = "file:///torture/unopened/Dockerfile";
    change(&mut client, other, 2, json!([{ "text": "FROM ghost\n" }]));
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": other } }),
    );
    assert_eq!(client.document_text(other), Value::Null);
    client.open(other, 1, "FROM one\n");
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": other } }),
    );
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": other } }),
    );
    change(&mut client, other, 2, append(0, "RUN x\n"));
    assert_eq!(client.document_text(other), Value::Null);
    client.open(uri, 20, "FROM two\n");
    assert_eq!(client.document_text(uri), json!("FROM two\n"));
    serving(&mut client);
    // The hovered document itself closed and reopened.
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": KNOWN } }),
    );
    assert_eq!(
        client.request_ok("textDocument/hover", at(KNOWN, 1, 1)),
        Value::Null
    );
    client.open(KNOWN, 1, KNOWN_TEXT);
    serving(&mut client);
}

#[test]
fn invalid_utf8_on_disk_is_read_without_harm() {
    let dir = TempDir::new("torture-utf8");
    let garbage: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
    std::fs::write(
        dir.0.join(".dockls.toml"),
        b"[rules]\nDL3006 = \"off\xff\xfe\"\n\xc3(\n",
    )
    .expect("write the settings file");
    std::fs::write(
        dir.0.join(".dockerignore"),
        b"node_modules\n\xfe\xff*.log\n\xed\xa0\x80\n",
    )
    .expect("write the ignore file");
    std::fs::write(dir.0.join("Dockerfile"), &garbage).expect("write the Dockerfile");
    std::fs::write(dir.0.join("Dockerfile.dockerignore"), &garbage).expect("write the ignore file");
    let uri = dir.uri("Dockerfile");

    let (mut client, _) = start(Encoding::Utf16);
    client.open(&uri, 1, "FROM ubuntu\nCOPY . /app\nRUN echo hi\n");
    client.diagnostics(&uri, 1);
    let hover = client.request_ok("textDocument/hover", at(&uri, 2, 1));
    assert!(hover["contents"]["value"]
        .as_str()
        .unwrap_or_default()
        .contains("RUN"));
    serving(&mut client);
    // The files change on disk (into other garbage); the server reads them again.
    std::fs::write(dir.0.join(".dockls.toml"), &garbage).expect("rewrite the settings file");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [
            { "uri": dir.uri(".dockls.toml"), "type": 2 },
            { "uri": dir.uri(".dockerignore"), "type": 2 },
        ] }),
    );
    change(
        &mut client,
        &uri,
        2,
        json!([{ "text": "FROM ubuntu\nRUN echo again\n" }]),
    );
    client.diagnostics(&uri, 2);
    serving(&mut client);
}

/// A Dockerfile of about `bytes` bytes.
fn big_dockerfile(bytes: usize) -> String {
    let mut text = String::from("FROM alpine:3.20 AS base\n");
    let mut line = 0;
    while text.len() < bytes {
        line += 1;
        text.push_str(&format!("RUN echo \"line {line} \u{e9}\" && true\n"));
    }
    text
}

#[test]
fn a_5_mb_document_is_served() {
    // Pushed diagnostics would analyse the whole document with every rule beside the hover,
    // which is not what this measures.
    let (mut client, _) = start_pulling();
    // A debug build decodes, parses and analyses 5 MB some twenty times slower than a release
    // build (about 12 s against well under a second).
    let budget = if cfg!(debug_assertions) {
        Duration::from_secs(45)
    } else {
        Duration::from_secs(5)
    };
    client.set_timeout(budget);
    let uri = "file:///torture/big/Dockerfile";
    let text = big_dockerfile(5 << 20);
    let lines = text.lines().count() as u64;
    let started = Instant::now();
    client.open(uri, 1, &text);
    change(
        &mut client,
        uri,
        2,
        json!([{ "range": { "start": { "line": lines, "character": 0 },
            "end": { "line": lines, "character": 0 } }, "text": "CMD [\"sh\"]\n" }]),
    );
    let hover = client.request_ok("textDocument/hover", at(uri, lines, 1));
    let elapsed = started.elapsed();
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap_or_default()
            .contains("CMD"),
        "{hover}"
    );
    assert!(
        elapsed < budget,
        "open, edit and hover of 5 MB took {elapsed:?}"
    );
    eprintln!("5 MB document: open, edit at the end and hover in {elapsed:?}");
    serving(&mut client);

    assert_eq!(
        client.document_text(uri).as_str().map(str::len),
        Some(text.len() + 11)
    );
}

#[test]
fn a_cancelled_request_is_answered_once() {
    let (mut client, _) = start_pulling();
    let uri = "file:///torture/cancel/Dockerfile";
    client.open(uri, 1, &big_dockerfile(256 << 10));
    // Requests that await work off the handler (rules on a blocking thread), cancelled at once:
    // each is answered exactly once, with its result or with RequestCancelled.
    let mut cancelled = Vec::new();
    let only = json!({ "textDocument": { "uri": uri },
        "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 1, "character": 0 } },
        "context": { "diagnostics": [], "only": ["source.fixAll"] } });
    for (method, params) in [
        (
            "textDocument/diagnostic",
            json!({ "textDocument": { "uri": uri } }),
        ),
        ("textDocument/codeAction", only),
        (
            "textDocument/foldingRange",
            json!({ "textDocument": { "uri": uri } }),
        ),
    ] {
        let id = client.send_request(method, params);
        client.notify("$/cancelRequest", json!({ "id": id }));
        cancelled.push(id);
    }
    // Cancelling what is already answered, unknown ids and malformed params are harmless.
    client.notify("$/cancelRequest", json!({ "id": 1 }));
    client.notify("$/cancelRequest", json!({ "id": "no-such-request" }));
    client.notify("$/cancelRequest", json!({ "id": { "nested": true } }));
    client.notify("$/cancelRequest", json!({}));
    for &id in &cancelled {
        let response = client.response(id);
        assert!(
            response.get("result").is_some() || response["error"]["code"] == -32800,
            "{response}"
        );
    }
    serving(&mut client);
    let late = client.drain(Duration::from_millis(300));
    for message in &late {
        assert!(
            !cancelled.iter().any(|&id| message["id"] == json!(id)),
            "answered twice: {message}"
        );
    }
}

#[test]
fn ten_thousand_edits_in_a_burst_keep_texts_identical() {
    let (mut client, _) = start(Encoding::Utf16);
    let uri = "file:///torture/burst/Dockerfile";
    let mut text = String::from("FROM alpine:3.20\nRUN echo \u{1F600}\n");
    client.open(uri, 1, &text);
    let snippets = [
        "a",
        "\u{e9}",
        "\u{1F600}",
        "\n",
        "RUN x\n",
        "\\\n",
        "${A}",
        "\t",
        "\u{e4}\u{1F600}\n",
    ];
    let mut rng = Rng::new(0x70_27_75_72_65);
    let mut frames = Vec::new();
    for version in 2..10_002 {
        let start = floor_boundary(&text, rng.below(text.len() + 1));
        let (end, insert) = if text.len() > 1500 {
            (floor_boundary(&text, start + rng.below(40)), "")
        } else {
            (start, *rng.pick(&snippets))
        };
        let range = json!({
            "start": position(&text, start, Encoding::Utf16),
            "end": position(&text, end, Encoding::Utf16),
        });
        text.replace_range(start..end, insert);
        let body = json!({ "jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": { "uri": uri, "version": version },
            "contentChanges": [{ "range": range, "text": insert }],
        }})
        .to_string();
        frames
            .extend_from_slice(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes());
    }
    let started = Instant::now();
    client.send_raw(&frames);
    assert_eq!(client.document_text(uri), json!(text));
    eprintln!("10,000 edits applied in {:?}", started.elapsed());
    serving(&mut client);
}

#[test]
fn a_vanished_client_ends_the_server() {
    // Input closed without shutdown, with a large document still being analysed: a quick exit
    // with a non-zero status.
    let (mut client, _) = start(Encoding::Utf16);
    client.open(
        "file:///torture/vanish/Dockerfile",
        1,
        &big_dockerfile(1 << 20),
    );
    client.send_request(
        "textDocument/formatting",
        json!({
        "textDocument": { "uri": "file:///torture/vanish/Dockerfile" },
        "options": { "tabSize": 4, "insertSpaces": true } }),
    );
    client.close_stdin();
    // The request in flight runs to its end first (about 4 s in a debug build under load).
    client.set_timeout(Duration::from_secs(10));
    let status = client.wait_exit();
    assert!(!status.success(), "{status:?}");

    // A header whose body never comes.
    let (mut client, _) = start(Encoding::Utf16);
    client.send_raw(b"Content-Length: 500\r\n\r\n{\"jsonrpc\":");
    client.close_stdin();
    client.set_timeout(Duration::from_secs(5));
    assert!(!client.wait_exit().success());

    // Shutdown, then the input ends without exit: the client asked for the end, so status 0.
    let (mut client, _) = start(Encoding::Utf16);
    client.request_ok("shutdown", Value::Null);
    client.close_stdin();
    client.set_timeout(Duration::from_secs(5));
    assert_eq!(client.wait_exit().code(), Some(0));

    // After every kind of abuse, shutdown and exit still end with status 0.
    let (mut client, _) = start(Encoding::Utf16);
    client.send_raw(b"Content-Length: 5\r\n\r\n{oops");
    client.send_raw(b"content-length: 99999999999999999999\r\n\r\n");
    client.request(
        "textDocument/hover",
        at(KNOWN, u32::MAX.into(), u32::MAX.into()),
    );
    serving(&mut client);
    client.request_ok("shutdown", Value::Null);
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_exit().code(), Some(0));
}

#[test]
fn a_client_that_stops_reading_does_not_hang_the_server() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dockls"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start dockls");
    let mut stdin = child.stdin.take().expect("stdin");
    // Nobody reads the answers: the server's writes fail or block, its input must still end it.
    drop(child.stdout.take());
    let mut send = |message: Value| {
        let body = message.to_string();
        let _ = write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len());
    };
    send(
        json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": { "capabilities": {} } }),
    );
    send(json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} }));
    for id in 2..200 {
        send(
            json!({ "jsonrpc": "2.0", "id": id, "method": "textDocument/hover", "params": at(KNOWN, 0, 0) }),
        );
    }
    drop(stdin);
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        if let Some(status) = child.try_wait().expect("wait for dockls") {
            assert!(!status.success(), "{status:?}");
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("dockls did not exit after its client vanished");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn hostile_params_elsewhere_leave_the_server_serving() {
    // Odd initialize params: an encoding nobody speaks, options of the wrong type.
    for (capabilities, options) in [
        (
            json!({ "general": { "positionEncodings": ["utf-32", "ebcdic"] } }),
            json!(42),
        ),
        (
            json!({ "general": { "positionEncodings": [] } }),
            json!("pull"),
        ),
        (
            json!({ "textDocument": { "diagnostic": {} } }),
            json!({ "diagnosticMode": [1] }),
        ),
    ] {
        let (mut client, result) = Client::initialized_with(capabilities.clone(), options);
        client.set_timeout(WAIT);
        let encoding = &result["capabilities"]["positionEncoding"];
        assert!(
            encoding == "utf-16" || encoding == "utf-8" || encoding == "utf-32",
            "{capabilities}: {result}"
        );
        client.open(KNOWN, 1, KNOWN_TEXT);
        serving(&mut client);
    }

    let (mut client, _) = start(Encoding::Utf16);
    // Resolving items the server never made.
    for data in [
        json!(null),
        json!({ "list": -1, "index": 1e300 }),
        json!({ "list": 1, "index": u64::MAX }),
        json!("x"),
    ] {
        let item = json!({ "label": "RUN", "data": data });
        let response = client.request("completionItem/resolve", item);
        assert_eq!(response["result"]["label"], "RUN", "{response}");
        serving(&mut client);
    }
    // Commands the server does not know, or with arguments that are no edit.
    for params in [
        json!({ "command": "rm -rf /", "arguments": [] }),
        json!({ "command": "dockls.applyEdit", "arguments": [] }),
        json!({ "command": "dockls.applyEdit", "arguments": [42, { "changes": 1 }] }),
    ] {
        let response = client.request("workspace/executeCommand", params.clone());
        assert_eq!(response["error"]["code"], -32602, "{params}: {response}");
        serving(&mut client);
    }
    // Settings and file events of every wrong shape, URIs that are no files.
    for settings in [
        json!(null),
        json!([1, 2]),
        json!({ "dockls": { "rules": "all" } }),
        json!({ "dockls": { "rules": { "DL3006": 7 } } }),
    ] {
        client.notify(
            "workspace/didChangeConfiguration",
            json!({ "settings": settings }),
        );
        serving(&mut client);
    }
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [
            { "uri": "untitled:Untitled-1", "type": 1 },
            { "uri": "file:///", "type": 3 },
            { "uri": "file:///nonexistent/dir/.dockls.toml", "type": 2 },
        ] }),
    );
    serving(&mut client);
    // A document with a URI of another scheme, and one that is only a scheme.
    for uri in ["untitled:Untitled-1", "git:/x?y#z", "file:"] {
        client.open(uri, 1, "FROM alpine\nRUN x\n");
        let hover = client.request_ok("textDocument/hover", at(uri, 1, 0));
        assert!(hover["contents"].is_object(), "{uri}: {hover}");
        let report = client.request(
            "textDocument/diagnostic",
            json!({ "textDocument": { "uri": uri } }),
        );
        assert!(
            report.get("error").is_none() || report["error"]["code"] == -32601,
            "{report}"
        );
        serving(&mut client);
    }
}

/// When the client vanishes (input closed, no shutdown) while slow work is queued, here the
/// `didOpen` of a 5 MB document and a formatting and a folding request, the process exits at
/// once: nobody will read the answers.
#[test]
fn a_vanished_client_does_not_wait_for_requests_in_flight() {
    let (mut client, _) = start_pulling();
    let uri = "file:///torture/vanish-big/Dockerfile";
    client.open(uri, 1, &big_dockerfile(5 << 20));
    for method in ["textDocument/formatting", "textDocument/foldingRange"] {
        client.send_request(
            method,
            json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 4, "insertSpaces": true } }),
        );
    }
    client.close_stdin();
    let started = Instant::now();
    client.set_timeout(Duration::from_secs(60));
    let status = client.wait_exit();
    let elapsed = started.elapsed();
    assert!(!status.success(), "{status:?}");
    assert!(
        elapsed < Duration::from_secs(2),
        "the server took {elapsed:?} to exit after its client vanished"
    );
}

/// Random edit sequences on every corpus file, the stress files included: after each edit the
/// incremental analysis must equal a fresh one. `DOCKLS_RANDOM_EDITS` sets how many edits in all
/// (the real files share most of them; each stress file gets one edit in a hundred, for a fresh
/// analysis of one costs what a hundred of a real file do).
#[test]
fn incremental_analysis_equals_a_fresh_one_over_random_edits_of_the_corpus() {
    let total = common::count_from_env("DOCKLS_RANDOM_EDITS", 600);
    let mut real = Vec::new();
    let mut stress = Vec::new();
    for root in common::corpus_roots() {
        for path in common::dockerfiles_under(&root) {
            let relative = path.strip_prefix(&root).unwrap_or(&path).to_path_buf();
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            if relative.starts_with("stress") {
                stress.push((relative, text));
            } else {
                real.push((relative, text));
            }
        }
    }
    assert!(!real.is_empty(), "no corpus");
    let stress_edits = (total / 100).max(1);
    let sequence = 10;
    let mut done = 0;
    let mut rng = common::Lcg(0x1dc5);
    for (name, text) in &stress {
        let edits = stress_edits.div_ceil(stress.len().max(1));
        if let Err(difference) = common::incremental_equals_fresh(text, &mut rng, edits) {
            panic!("{}: {difference}", name.display());
        }
        done += edits;
    }
    let mut files = real.iter().cycle();
    while done < total {
        let (name, text) = files.next().expect("a corpus file");
        let edits = sequence.min(total - done);
        if let Err(difference) = common::incremental_equals_fresh(text, &mut rng, edits) {
            panic!("{}: {difference}", name.display());
        }
        done += edits;
    }
    eprintln!("{done} random edits, incremental analysis equal to a fresh one after each");
}
