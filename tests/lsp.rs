//! End-to-end tests of the language server: the real binary, spoken to over JSON-RPC.

mod lsp_support;

use std::io::{BufReader, Read, Write};
use std::process::{Command, Stdio};

use lsp_support::{
    apply_text_edits, capabilities, floor_boundary, offset, pull_capabilities, range, read_message,
    slice, Client, Encoding, Rng, TempDir, URI,
};
use serde_json::{json, Value};

#[test]
fn initialize_negotiates_utf8_when_offered() {
    let (_client, result) = Client::initialized(capabilities(&["utf-16", "utf-8"], true));
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-8");
    assert_eq!(
        result["capabilities"]["textDocumentSync"]["change"], 2,
        "incremental"
    );
    assert_eq!(
        result["capabilities"]["textDocumentSync"]["openClose"],
        true
    );
    assert_eq!(result["serverInfo"]["name"], "dockls");
    assert_eq!(result["serverInfo"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(
        result["capabilities"].get("diagnosticProvider"),
        None,
        "pushed"
    );
    let (_client, result) = Client::pulling(&["utf-8"], true);
    let diagnostic_provider = &result["capabilities"]["diagnosticProvider"];
    assert_eq!(diagnostic_provider["interFileDependencies"], false);
    assert_eq!(diagnostic_provider["workspaceDiagnostics"], false);
}

#[test]
fn initialize_falls_back_to_utf16() {
    let (_client, result) = Client::initialized(capabilities(&[], true));
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(result["capabilities"]["textDocumentSync"]["change"], 2);
    let (_client, result) = Client::initialized(capabilities(&["utf-16"], true));
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-16");
}

#[test]
fn initialize_prefers_utf32_over_utf16() {
    let (_client, result) = Client::initialized(capabilities(&["utf-16", "utf-32"], true));
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-32");
}

#[test]
fn stdio_flag_serves_too() {
    let mut client = Client::start_with(&["--stdio"]);
    let result = client.request_ok("initialize", json!({ "capabilities": {} }));
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-16");
}

#[test]
fn open_publishes_diagnostics_with_the_version() {
    let (mut client, _) = Client::initialized(capabilities(&[], false));
    client.open(URI, 7, "FROM alpine:3.20\nRUM echo hi\n");
    let diagnostics = client.diagnostics(URI, 7);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    let diagnostic = &diagnostics[0];
    assert_eq!(diagnostic["code"], "unknown-instruction");
    assert_eq!(diagnostic["source"], "dockls");
    assert_eq!(diagnostic["severity"], 1);
    assert_eq!(
        diagnostic["range"],
        json!({ "start": { "line": 1, "character": 0 }, "end": { "line": 1, "character": 3 } })
    );

    let clean = "file:///work/clean.Dockerfile";
    client.open(clean, 1, "FROM alpine:3.20\nRUN echo hi\n");
    assert_eq!(client.diagnostics(clean, 1), Vec::<Value>::new());

    // A change publishes again with the new version; closing clears the diagnostics.
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": URI, "version": 8 },
            "contentChanges": [{
                "range": { "start": { "line": 1, "character": 2 }, "end": { "line": 1, "character": 3 } },
                "text": "N",
            }],
        }),
    );
    assert_eq!(client.diagnostics(URI, 8), Vec::<Value>::new());
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": clean } }),
    );
    let cleared = client.notification("textDocument/publishDiagnostics", |params| {
        params["uri"] == clean
    });
    assert_eq!(cleared["diagnostics"], json!([]));
    assert_eq!(client.document_text(clean), Value::Null);
}

/// The edit texts of the random runs: multi-byte characters of every width and line breaks of
/// every kind.
const INSERTIONS: &[&str] = &[
    "é",
    "中文",
    "😀",
    "\n",
    "\r\n",
    "\r",
    "x",
    "RUN ",
    "ENV A=é\n",
    "a😀b",
    " ",
    "\\\n",
    "",
];

/// Applies random incremental edits to the server and to a local copy; both must agree.
fn random_edits_keep_texts_identical(encoding: Encoding, seed: u64) {
    let offered: &[&str] = match encoding {
        Encoding::Utf8 => &["utf-8", "utf-16"],
        Encoding::Utf16 => &["utf-16"],
    };
    let (mut client, _) = Client::initialized(capabilities(offered, true));
    let mut text = "FROM alpine:3.20 AS é\nRUN echo 中文 😀\r\nENV X=1\rLABEL a=b\n".to_owned();
    client.open(URI, 1, &text);
    let mut rng = Rng::new(seed);
    let mut version = 1;
    for _ in 0..200 {
        version += 1;
        let mut changes = Vec::new();
        // Several changes in one notification, each relative to the text after the previous.
        for _ in 0..1 + rng.below(3) {
            let start = edit_boundary(&text, rng.below(text.len() + 1));
            let end = edit_boundary(&text, start + rng.below(6));
            let insert = *rng.pick(INSERTIONS);
            changes.push(json!({ "range": range(&text, start, end, encoding), "text": insert }));
            text.replace_range(start..end, insert);
        }
        client.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": URI, "version": version }, "contentChanges": changes }),
        );
    }
    assert_eq!(
        client.document_text(URI),
        json!(text),
        "seed {seed}, {encoding:?}"
    );

    // The server's diagnostic ranges point at the same text in the client's copy.
    for diagnostic in pulled_diagnostics(&mut client, URI) {
        let range = &diagnostic["range"];
        let start = offset(&text, &range["start"], encoding);
        let end = offset(&text, &range["end"], encoding);
        assert!(start <= end && end <= text.len(), "{diagnostic}");
    }
}

/// A character boundary that does not split a `\r\n` pair, at or before `offset`.
fn edit_boundary(text: &str, offset: usize) -> usize {
    let mut offset = floor_boundary(text, offset);
    if offset > 0 && text[..offset].ends_with('\r') && text[offset..].starts_with('\n') {
        offset -= 1;
    }
    offset
}

fn pulled_diagnostics(client: &mut Client, uri: &str) -> Vec<Value> {
    let report = client.request_ok(
        "textDocument/diagnostic",
        json!({ "textDocument": { "uri": uri } }),
    );
    assert_eq!(report["kind"], "full");
    report["items"].as_array().cloned().unwrap_or_default()
}

#[test]
fn random_multibyte_edits_in_utf8() {
    random_edits_keep_texts_identical(Encoding::Utf8, 0x5eed_0001);
    random_edits_keep_texts_identical(Encoding::Utf8, 0x5eed_0002);
}

#[test]
fn random_multibyte_edits_in_utf16() {
    random_edits_keep_texts_identical(Encoding::Utf16, 0x5eed_0003);
    random_edits_keep_texts_identical(Encoding::Utf16, 0x5eed_0004);
}

/// Diagnostics after multi-byte text point at the right characters in both encodings.
#[test]
fn diagnostic_ranges_follow_the_encoding() {
    for encoding in [Encoding::Utf8, Encoding::Utf16] {
        let offered: &[&str] = if encoding == Encoding::Utf8 {
            &["utf-8"]
        } else {
            &[]
        };
        let (mut client, _) = Client::initialized(capabilities(offered, true));
        let mut text = String::from("FROM alpine:3.20\nRUN echo\n");
        client.open(URI, 1, &text);
        // Type `é中😀 ` then an unknown ONBUILD trigger after them, so columns differ per encoding.
        let edits = [
            ("RUN echo", "RUN echo é中😀"),
            ("\n", "\nONBUILD RUM x\nLABEL é=\"中文\" 😀\nRUM 😀\n"),
        ];
        for (version, (find, replace)) in (2..).zip(edits) {
            let start = text.find(find).expect("edit anchor");
            let end = start + find.len();
            let change = json!({ "range": range(&text, start, end, encoding), "text": replace });
            text.replace_range(start..end, replace);
            client.notify(
                "textDocument/didChange",
                json!({ "textDocument": { "uri": URI, "version": version }, "contentChanges": [change] }),
            );
        }
        let pushed = client.diagnostics(URI, 3);
        let pulled = pulled_diagnostics(&mut client, URI);
        assert_eq!(pushed, pulled);
        let flagged: Vec<&str> = pulled
            .iter()
            .map(|d| slice(&text, &d["range"], encoding))
            .collect();
        assert_eq!(flagged, ["RUM", "😀", "RUM"], "{encoding:?}: {pulled:?}");
        assert_eq!(
            pulled[0]["range"]["start"],
            json!({ "line": 1, "character": 8 })
        );
        // `LABEL é="中文" ` is 18 bytes but 13 UTF-16 units; the emoji is 4 bytes, 2 units.
        let columns = if encoding == Encoding::Utf8 {
            (18, 22)
        } else {
            (13, 15)
        };
        assert_eq!(pulled[1]["range"]["start"]["character"], columns.0);
        assert_eq!(pulled[1]["range"]["end"]["character"], columns.1);
    }
}

/// A burst of changes ends with the diagnostics of its last version; bursts may be coalesced,
/// but published versions never go back.
#[test]
fn a_burst_of_changes_publishes_the_last_version() {
    let (mut client, _) = Client::initialized(capabilities(&[], true));
    let mut text = String::from("FROM alpine:3.20\n");
    client.open(URI, 1, &text);
    for version in 2..=40 {
        let end = text.len();
        let change = json!({ "range": range(&text, end, end, Encoding::Utf16), "text": "R" });
        text.push('R');
        client.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": URI, "version": version }, "contentChanges": [change] }),
        );
    }
    let last = client.diagnostics(URI, 40);
    let codes: Vec<&Value> = last.iter().map(|d| &d["code"]).collect();
    assert!(codes.contains(&&json!("unknown-instruction")), "{last:?}");
    let earlier: Vec<i64> = client
        .unclaimed("textDocument/publishDiagnostics")
        .iter()
        .map(|params| params["version"].as_i64().unwrap())
        .collect();
    assert!(
        earlier.windows(2).all(|pair| pair[0] < pair[1]),
        "{earlier:?}"
    );
    assert!(earlier.iter().all(|&version| version < 40), "{earlier:?}");
}

/// Generates a Dockerfile of `lines` lines of FROM, ARG, ENV and RUN instructions.
fn big_dockerfile(lines: usize) -> String {
    let mut text = String::new();
    for index in 0..lines {
        let line = match index % 50 {
            0 => format!("FROM alpine:3.{} AS stage{index}\n", index % 20),
            1 => format!("ARG VERSION_{index}=1.{index}\n"),
            2 => format!("ENV PATH_{index}=/opt/{index}/bin:$PATH\n"),
            _ => format!("RUN echo line {index} && true\n"),
        };
        text.push_str(&line);
    }
    text
}

/// The characters of `typed` one at a time, except that `\r\n` is one keystroke, as editors
/// insert it on Enter: a cursor never sits between `\r` and `\n`.
fn keystrokes(typed: &str) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for c in typed.chars() {
        match keys.last_mut() {
            Some(last) if last == "\r" && c == '\n' => last.push(c),
            _ => keys.push(c.to_string()),
        }
    }
    keys
}

/// The acceptance test: characters typed one at a time at several places of a 3,000-line file,
/// including multi-byte characters, line breaks and backspaces, keep the server's text
/// byte-identical to the client's.
#[test]
fn typing_into_a_3000_line_dockerfile_keeps_texts_identical() {
    for encoding in [Encoding::Utf16, Encoding::Utf8] {
        let offered: &[&str] = if encoding == Encoding::Utf8 {
            &["utf-8"]
        } else {
            &[]
        };
        let (mut client, _) = Client::initialized(capabilities(offered, true));
        let mut text = big_dockerfile(3000);
        assert_eq!(text.lines().count(), 3000);
        client.open(URI, 1, &text);
        let mut version = 1;
        let typed = "RUN echo é 中文 😀 \\\n  && ls\nENV A=\"ü\"\r\n";
        // Near the start, in the middle, at the very end, and inside a line.
        let places = [
            text.find("RUN echo line 3 ").unwrap(),
            text.len() / 2,
            text.len(),
            17,
        ];
        for place in places {
            let mut cursor = floor_boundary(&text, place);
            for insert in keystrokes(typed) {
                let insert = insert.as_str();
                version += 1;
                let change =
                    json!({ "range": range(&text, cursor, cursor, encoding), "text": insert });
                text.insert_str(cursor, insert);
                cursor += insert.len();
                client.notify(
                    "textDocument/didChange",
                    json!({ "textDocument": { "uri": URI, "version": version }, "contentChanges": [change] }),
                );
            }
            // Backspace over the last three characters, one at a time.
            for _ in 0..3 {
                let start = floor_boundary(&text, cursor - 1);
                let start = if text[..start].ends_with('\r') {
                    start - 1
                } else {
                    start
                };
                version += 1;
                let change = json!({ "range": range(&text, start, cursor, encoding), "text": "" });
                text.replace_range(start..cursor, "");
                cursor = start;
                client.notify(
                    "textDocument/didChange",
                    json!({ "textDocument": { "uri": URI, "version": version }, "contentChanges": [change] }),
                );
            }
        }
        // The request comes after every change, so it sees all of them: no change was lost or
        // reordered. (Diagnostics are not awaited: how long rules take is not the subject here.)
        let server_text = client.document_text(URI);
        if server_text != json!(text) {
            let server_text = server_text.as_str().unwrap_or_default();
            let common = server_text
                .bytes()
                .zip(text.bytes())
                .take_while(|(a, b)| a == b)
                .count();
            let from = floor_boundary(&text, common.saturating_sub(40));
            panic!(
                "{encoding:?}: the server's text differs from byte {common}:\nserver {:?}\nclient {:?}",
                &server_text[floor_boundary(server_text, from)..floor_boundary(server_text, (common + 40).min(server_text.len()))],
                &text[from..floor_boundary(&text, (common + 40).min(text.len()))],
            );
        }
    }
}

#[test]
fn completion_offers_instructions_at_an_empty_line() {
    let (mut client, _) = Client::initialized(capabilities(&[], true));
    let text = "FROM alpine:3.20\n\n";
    client.open(URI, 1, text);
    let items = client.request_ok(
        "textDocument/completion",
        json!({ "textDocument": { "uri": URI }, "position": { "line": 1, "character": 0 } }),
    );
    let items = items.as_array().expect("a list of items");
    let labels: Vec<&str> = items
        .iter()
        .filter_map(|item| item["label"].as_str())
        .collect();
    for keyword in ["RUN", "COPY", "CMD", "ENV", "FROM", "WORKDIR"] {
        assert!(
            labels.contains(&keyword),
            "{keyword} missing from {labels:?}"
        );
    }
    let run = items.iter().find(|item| item["label"] == "RUN").unwrap();
    assert_eq!(run["kind"], 14, "keyword");
    assert_eq!(
        run["textEdit"]["range"],
        json!({ "start": { "line": 1, "character": 0 }, "end": { "line": 1, "character": 0 } })
    );
    assert_eq!(run["documentation"]["kind"], "markdown");
}

#[test]
fn completion_uses_snippets_only_when_supported() {
    for snippets in [true, false] {
        let (mut client, _) = Client::initialized(capabilities(&[], snippets));
        client.open(URI, 1, "\n");
        let items = client.request_ok(
            "textDocument/completion",
            json!({ "textDocument": { "uri": URI }, "position": { "line": 0, "character": 0 } }),
        );
        let from = items
            .as_array()
            .and_then(|items| items.iter().find(|item| item["label"] == "FROM"))
            .cloned()
            .expect("FROM offered");
        let format = if snippets { 2 } else { 1 };
        assert_eq!(from["insertTextFormat"], format, "{from}");
        let new_text = from["textEdit"]["newText"].as_str().unwrap();
        assert_eq!(new_text.contains("${1"), snippets, "{new_text}");
    }
}

#[test]
fn completion_documentation_is_resolved_lazily_when_the_client_can() {
    let mut capabilities = capabilities(&[], true);
    capabilities["textDocument"]["completion"]["completionItem"]["resolveSupport"] =
        json!({ "properties": ["documentation", "detail"] });
    let (mut client, result) = Client::initialized(capabilities);
    assert_eq!(
        result["capabilities"]["completionProvider"]["resolveProvider"],
        true
    );
    client.open(URI, 1, "FROM alpine:3.20\n\n");
    let items = client.request_ok(
        "textDocument/completion",
        json!({ "textDocument": { "uri": URI }, "position": { "line": 1, "character": 0 } }),
    );
    let run = items
        .as_array()
        .and_then(|items| items.iter().find(|item| item["label"] == "RUN"))
        .cloned()
        .expect("RUN offered");
    assert!(run.get("documentation").is_none(), "{run}");
    let resolved = client.request_ok("completionItem/resolve", run);
    assert_eq!(resolved["documentation"]["kind"], "markdown");
    assert!(resolved["documentation"]["value"]
        .as_str()
        .unwrap()
        .contains("RUN"));
}

#[test]
fn hover_on_cmd_shows_the_command_the_container_runs() {
    let (mut client, _) = Client::initialized(capabilities(&["utf-8"], true));
    client.open(
        URI,
        1,
        "FROM alpine:3.20\nENTRYPOINT [\"/app\"]\nCMD [\"--help\"]\n",
    );
    let hover = client.request_ok(
        "textDocument/hover",
        json!({ "textDocument": { "uri": URI }, "position": { "line": 2, "character": 1 } }),
    );
    assert_eq!(hover["contents"]["kind"], "markdown");
    let value = hover["contents"]["value"].as_str().expect("hover text");
    assert!(value.contains("/app --help"), "{value}");
    assert_eq!(
        hover["range"],
        json!({ "start": { "line": 2, "character": 0 }, "end": { "line": 2, "character": 3 } })
    );
}

#[test]
fn hover_is_plain_text_when_the_client_wants_it() {
    let mut capabilities = capabilities(&[], true);
    capabilities["textDocument"]["hover"]["contentFormat"] = json!(["plaintext", "markdown"]);
    let (mut client, _) = Client::initialized(capabilities);
    client.open(URI, 1, "FROM alpine:3.20\nRUN echo hi\n");
    let hover = client.request_ok(
        "textDocument/hover",
        json!({ "textDocument": { "uri": URI }, "position": { "line": 1, "character": 0 } }),
    );
    assert_eq!(hover["contents"]["kind"], "plaintext");
    assert!(!hover["contents"]["value"].as_str().unwrap().contains("**"));
}

/// Every malformed message leaves the server alive and answering.
#[test]
fn malformed_input_does_not_crash_the_server() {
    let (mut client, _) = Client::initialized(capabilities(&[], true));
    client.open(URI, 1, "FROM alpine:3.20\nRUN echo é\n");
    client.diagnostics(URI, 1);

    // Not JSON, invalid UTF-8 that is not JSON either, a header block without Content-Length:
    // dropped (logged to stderr), and the server goes on.
    client.send_raw(b"Content-Length: 9\r\n\r\n{garbage}");
    client.send_raw(b"Content-Length: 4\r\n\r\n\xff\xfe\xfd\xfc");
    client.send_raw(b"X-Nonsense: 1\r\n\r\nblah blah");
    client.send_raw(b"\r\n\r\n");
    // A message with an id that is no valid request: an invalid-request error for that id.
    client.send(&json!({ "jsonrpc": "2.0", "id": "str-id", "method": 5 }));
    let response = client.response_to(json!("str-id"));
    assert_eq!(response["error"]["code"], -32600, "{response}");
    client.send(&json!({ "jsonrpc": "1.0", "id": 99, "method": "shutdown" }));
    assert_eq!(client.response(99)["error"]["code"], -32600);
    // A batch (LSP has none) and a number: dropped.
    client.send(&json!([1, 2, 3]));
    client.send(&json!(5));

    // Raw invalid UTF-8 inside a string, and a lone surrogate escape: opened with U+FFFD.
    let broken = "file:///work/broken.Dockerfile";
    let open = |text: &str| {
        format!(
            r#"{{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{{"textDocument":{{"uri":"{broken}","languageId":"dockerfile","version":1,"text":"{text}"}}}}}}"#
        )
    };
    let mut body = open("RUN echo \u{1}").into_bytes();
    let at = body.iter().position(|&b| b == 1).unwrap();
    body.splice(at..at + 1, [0xff, 0xc3]);
    client.send_raw(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
    client.send_raw(&body);
    client.diagnostics(broken, 1);
    assert_eq!(
        client.document_text(broken),
        json!("RUN echo \u{fffd}\u{fffd}")
    );
    let body = open(r"FROM a\nRUN echo \ud800!");
    client.send_raw(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes());
    client.diagnostics(broken, 1);
    assert_eq!(
        client.document_text(broken),
        json!("FROM a\nRUN echo \u{fffd}!")
    );

    // Wrong parameter types: an invalid-params error for the request.
    let response = client.request("textDocument/hover", json!({ "textDocument": 42 }));
    assert_eq!(response["error"]["code"], -32602, "{response}");
    let response = client.request("textDocument/completion", json!("not an object"));
    assert_eq!(response["error"]["code"], -32602, "{response}");
    // A notification with wrong params is dropped.
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": "x", "contentChanges": 3 }),
    );
    // Unknown methods: MethodNotFound.
    let response = client.request("dockls/noSuchThing", json!({}));
    assert_eq!(response["error"]["code"], -32601, "{response}");

    // Unknown documents: ignored, and requests about them answer with nothing.
    let unknown = "file:///nowhere/Dockerfile";
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": unknown, "version": 2 },
            "contentChanges": [{ "text": "FROM x\n" }],
        }),
    );
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": unknown } }),
    );
    let at = |uri: &str, line: u64, character: u64| json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } });
    assert_eq!(
        client.request_ok("textDocument/hover", at(unknown, 0, 0)),
        Value::Null
    );
    assert_eq!(
        client.request_ok("textDocument/completion", at(unknown, 0, 0)),
        Value::Null
    );
    let report = client.request_ok(
        "textDocument/diagnostic",
        json!({ "textDocument": { "uri": unknown } }),
    );
    assert_eq!(report["items"], json!([]));

    // Out-of-range and huge positions are clamped.
    client.request_ok("textDocument/hover", at(URI, 1, 400));
    client.request_ok("textDocument/hover", at(URI, 4_294_967_295, 4_294_967_295));
    client.request_ok("textDocument/completion", at(URI, 99, 0));
    // A position number beyond u32 is invalid params, not a crash.
    let response = client.request("textDocument/hover", at(URI, 1 << 40, 0));
    assert_eq!(response["error"]["code"], -32602, "{response}");
    // An edit with a range past the end appends; a reversed range inserts at its start.
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": URI, "version": 2 },
            "contentChanges": [
                { "range": {
                    "start": { "line": 9, "character": 9 }, "end": { "line": 4_000_000_000u64, "character": 0 }
                }, "text": "CMD x\n" },
                { "range": {
                    "start": { "line": 0, "character": 4 }, "end": { "line": 0, "character": 0 }
                }, "text": "!" },
            ],
        }),
    );
    client.diagnostics(URI, 2);
    assert_eq!(
        client.document_text(URI),
        json!("FROM! alpine:3.20\nRUN echo é\nCMD x\n")
    );

    // A Content-Length larger than the body: the missing bytes are taken from the next message,
    // so both are lost (a framing error cannot be detected); framing recovers at the header
    // after them.
    client.send_raw(b"Content-Length: 60\r\n\r\n{\"jsonrpc\":\"2.0\"}");
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": unknown } }),
    );

    assert!(client.is_alive());
    // The server still answers a valid request with the right text.
    client.clear_backlog();
    let hover = client.request_ok("textDocument/hover", at(URI, 1, 0));
    assert!(hover["contents"]["value"].as_str().unwrap().contains("RUN"));
    assert!(client.is_alive());
}

#[test]
fn requests_before_initialize_are_refused_without_crashing() {
    let mut client = Client::start();
    let response = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": URI }, "position": { "line": 0, "character": 0 } }),
    );
    assert_eq!(response["error"]["code"], -32002, "{response}");
    let result = client.request_ok("initialize", json!({ "capabilities": {} }));
    assert_eq!(result["serverInfo"]["name"], "dockls");
}

#[test]
fn shutdown_then_exit_ends_with_status_0() {
    let (mut client, _) = Client::initialized(capabilities(&[], true));
    client.open(URI, 1, "FROM alpine:3.20\n");
    assert_eq!(client.request_ok("shutdown", Value::Null), Value::Null);
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_exit().code(), Some(0));
}

#[test]
fn exit_without_shutdown_ends_with_status_1() {
    let (mut client, _) = Client::initialized(capabilities(&[], true));
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_exit().code(), Some(1));
}

#[test]
fn end_of_input_ends_the_server() {
    let (mut client, _) = Client::initialized(capabilities(&[], true));
    client.close_stdin();
    assert_eq!(client.wait_exit().code(), Some(1));
}

#[test]
fn the_server_writes_nothing_but_protocol_to_stdout() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dockls"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start dockls");
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut send = |message: Value| {
        let body = message.to_string();
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        stdin.flush().unwrap();
    };
    send(
        json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": { "capabilities": {} } }),
    );
    // A client waits for the initialize response before sending anything else.
    read_message(&mut stdout).expect("the initialize response");
    send(
        json!({ "jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
        "textDocument": { "uri": URI, "version": 1 }, "contentChanges": [] } }),
    );
    send(
        json!({ "jsonrpc": "2.0", "id": 2, "method": "textDocument/hover", "params": {
        "textDocument": { "uri": URI }, "position": { "line": 0, "character": 0 } } }),
    );
    send(json!({ "jsonrpc": "2.0", "id": 3, "method": "shutdown" }));
    // `exit` cancels requests still pending, so a client waits for the shutdown response.
    let mut messages = Vec::new();
    while messages
        .last()
        .is_none_or(|message: &Value| message["id"] != 3)
    {
        messages.push(read_message(&mut stdout).expect("only framed JSON-RPC messages on stdout"));
    }
    send(json!({ "jsonrpc": "2.0", "method": "exit" }));
    drop(stdin);
    let mut rest = Vec::new();
    stdout.read_to_end(&mut rest).unwrap();
    assert_eq!(String::from_utf8_lossy(&rest), "", "nothing after exit");
    // A log message about the unknown document, and the two responses.
    let (responses, logs): (Vec<Value>, Vec<Value>) = messages
        .into_iter()
        .partition(|message| message.get("id").is_some());
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0]["method"], "window/logMessage");
    let ids: Vec<&Value> = responses.iter().map(|message| &message["id"]).collect();
    assert_eq!(ids, [&json!(2), &json!(3)], "{responses:?}");
    assert_eq!(
        responses[0]["result"],
        Value::Null,
        "hover on a document not open"
    );
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stderr).contains("dockls:"));
}

/// Code actions for `diagnostics`, of the kinds in `only` when given.
fn code_actions(
    client: &mut Client,
    uri: &str,
    diagnostics: &[Value],
    only: Option<&[&str]>,
) -> Vec<Value> {
    let mut context = json!({ "diagnostics": diagnostics, "triggerKind": 1 });
    if let Some(only) = only {
        context["only"] = json!(only);
    }
    let origin = json!({ "line": 0, "character": 0 });
    let actions = client.request_ok(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": { "start": origin, "end": origin },
            "context": context,
        }),
    );
    actions.as_array().cloned().expect("a list of actions")
}

fn titles(actions: &[Value]) -> Vec<&str> {
    actions
        .iter()
        .map(|action| action["title"].as_str().expect("a title"))
        .collect()
}

/// The text edits of an action's workspace edit, from `changes` or `documentChanges`.
fn edits_of(action: &Value, uri: &str) -> Vec<Value> {
    let edit = &action["edit"];
    if let Some(changes) = edit.get("changes") {
        return changes[uri].as_array().cloned().expect("edits for the uri");
    }
    let document = &edit["documentChanges"][0];
    assert_eq!(document["textDocument"]["uri"], uri, "{action}");
    document["edits"].as_array().cloned().expect("edits")
}

fn apply_action(text: &str, action: &Value, uri: &str) -> String {
    apply_text_edits(text, &edits_of(action, uri), Encoding::Utf16)
}

/// Replaces the whole text of an open document.
fn replace_text(client: &mut Client, uri: &str, version: i64, text: &str) {
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": uri, "version": version },
            "contentChanges": [{ "text": text }],
        }),
    );
}

fn codes(diagnostics: &[Value]) -> Vec<&str> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap_or_default())
        .collect()
}

#[test]
fn diagnostics_link_to_the_rule_docs_and_carry_their_data() {
    let (mut client, _) = Client::initialized(capabilities(&[], false));
    client.open(URI, 3, "FROM alpine:3.20\nRUM echo hi\n");
    let diagnostics = client.diagnostics(URI, 3);
    assert_eq!(codes(&diagnostics), ["unknown-instruction"]);
    assert_eq!(
        diagnostics[0]["codeDescription"]["href"],
        "https://github.com/dockls/dockls/blob/main/docs/rules/unknown-instruction.md"
    );
    assert_eq!(
        diagnostics[0]["data"],
        json!({ "version": 3, "rule": "unknown-instruction", "range": [17, 20] })
    );
    // A syntax error has no rule page and no fix.
    client.open("file:///work/broken.Dockerfile", 1, "FROM \n");
    let broken = client.diagnostics("file:///work/broken.Dockerfile", 1);
    let syntax = broken
        .iter()
        .find(|d| d["code"] == "syntax-error")
        .expect("a syntax error");
    assert!(syntax.get("codeDescription").is_none(), "{syntax}");
    assert!(syntax.get("data").is_none(), "{syntax}");
}

#[test]
fn quick_fix_changes_rum_to_run_and_suppression_silences_it() {
    let (mut client, result) = Client::initialized(capabilities(&[], false));
    assert_eq!(
        result["capabilities"]["codeActionProvider"]["codeActionKinds"],
        json!(["quickfix", "source.fixAll.dockls"])
    );
    let text = "FROM alpine:3.20\nRUM echo hi\n";
    client.open(URI, 1, text);
    let diagnostics = client.diagnostics(URI, 1);
    let actions = code_actions(&mut client, URI, &diagnostics, None);
    assert_eq!(
        titles(&actions),
        ["Change to `RUN`", "Suppress `unknown-instruction` here"]
    );
    let change = &actions[0];
    assert_eq!(change["kind"], "quickfix");
    assert_eq!(change["isPreferred"], true);
    assert_eq!(change["diagnostics"], json!([diagnostics[0]]));
    assert_eq!(
        apply_action(text, change, URI),
        "FROM alpine:3.20\nRUN echo hi\n"
    );

    let suppress = &actions[1];
    assert_eq!(suppress["kind"], "quickfix");
    assert!(suppress.get("isPreferred").is_none(), "{suppress}");
    let suppressed = apply_action(text, suppress, URI);
    assert_eq!(
        suppressed,
        "FROM alpine:3.20\n# dockls ignore=unknown-instruction\nRUM echo hi\n"
    );
    replace_text(&mut client, URI, 2, &suppressed);
    assert_eq!(client.diagnostics(URI, 2), Vec::<Value>::new());

    // Diagnostics that are not ours get no action.
    let mut foreign = diagnostics[0].clone();
    foreign["source"] = json!("hadolint");
    assert_eq!(
        code_actions(&mut client, URI, &[foreign], None),
        Vec::<Value>::new()
    );
}

#[test]
fn split_runs_offer_the_merge_and_the_merge_of_the_whole_file() {
    let (mut client, _) = Client::initialized(capabilities(&[], false));
    let text = "FROM alpine:3.20\nRUN a\nRUN b\nWORKDIR /x\nRUN c\nRUN d\n";
    client.open(URI, 1, text);
    let diagnostics = client.diagnostics(URI, 1);
    assert_eq!(
        codes(&diagnostics),
        ["split-run-layers", "split-run-layers"]
    );
    let actions = code_actions(&mut client, URI, &diagnostics, None);
    assert_eq!(
        titles(&actions),
        [
            "Merge into the RUN above",
            "Suppress `split-run-layers` here",
            "Merge into the RUN above",
            "Suppress `split-run-layers` here",
            "Merge all consecutive RUN instructions in this file",
        ]
    );
    assert_eq!(
        apply_action(text, &actions[0], URI),
        "FROM alpine:3.20\nRUN a \\\n    && b\nWORKDIR /x\nRUN c\nRUN d\n"
    );
    let merge_all = &actions[4];
    assert_eq!(merge_all["kind"], "quickfix");
    assert_eq!(
        merge_all["diagnostics"],
        json!(diagnostics),
        "both findings"
    );
    let merged = apply_action(text, merge_all, URI);
    assert_eq!(
        merged,
        "FROM alpine:3.20\nRUN a \\\n    && b\nWORKDIR /x\nRUN c \\\n    && d\n"
    );
    replace_text(&mut client, URI, 2, &merged);
    assert_eq!(client.diagnostics(URI, 2), Vec::<Value>::new());
}

#[test]
fn source_fix_all_applies_every_safe_fix() {
    let (mut client, _) = Client::initialized(capabilities(&[], false));
    let text = "FROM alpine:3.20\nRUM a\nWORKDIR /x\nRUN b\nRUN c\nFROM alpine\n";
    client.open(URI, 1, text);
    let diagnostics = client.diagnostics(URI, 1);
    assert_eq!(
        codes(&diagnostics),
        [
            "unknown-instruction",
            "split-run-layers",
            "untagged-base-image"
        ]
    );
    for only in [
        &["source.fixAll"][..],
        &["source"],
        &["source.fixAll.dockls"],
    ] {
        let actions = code_actions(&mut client, URI, &diagnostics, Some(only));
        assert_eq!(
            titles(&actions),
            ["Apply all safe dockls fixes"],
            "{only:?}"
        );
        let fix_all = &actions[0];
        assert_eq!(fix_all["kind"], "source.fixAll.dockls");
        // The snippet fix of the untagged image is not applied: it needs the user's input.
        assert_eq!(
            apply_action(text, fix_all, URI),
            "FROM alpine:3.20\nRUN a\nWORKDIR /x\nRUN b \\\n    && c\nFROM alpine\n",
            "{only:?}"
        );
    }
    // Asked for quick fixes only, or for another kind, there is no fix-all.
    let quick = code_actions(&mut client, URI, &diagnostics, Some(&["quickfix"]));
    assert!(!titles(&quick).contains(&"Apply all safe dockls fixes"));
    assert!(!quick.is_empty());
    assert_eq!(
        code_actions(&mut client, URI, &diagnostics, Some(&["refactor"])),
        Vec::<Value>::new()
    );
    // Even with no diagnostics in the request, fix-all works from the current document.
    let actions = code_actions(&mut client, URI, &[], Some(&["source.fixAll"]));
    assert_eq!(titles(&actions), ["Apply all safe dockls fixes"]);
}

#[test]
fn snippet_fixes_insert_their_default_text() {
    let (mut client, _) = Client::initialized(capabilities(&[], true));
    let text = "ARG TAG\nFROM alpine:${TAG}\n";
    client.open(URI, 1, text);
    let diagnostics = client.diagnostics(URI, 1);
    let actions = code_actions(&mut client, URI, &diagnostics, None);
    let action = actions
        .iter()
        .find(|a| a["title"] == "Give `ARG TAG` a default value")
        .expect("the ARG's snippet fix");
    assert_eq!(
        apply_action(text, action, URI),
        "ARG TAG=value\nFROM alpine:${TAG}\n"
    );
}

/// A code action recomputes the fixes on the current text: a diagnostic of an older version
/// still gets them where its finding has not moved, and none where it has.
#[test]
fn code_actions_for_an_older_version_follow_the_current_text() {
    let mut client_capabilities = capabilities(&[], false);
    client_capabilities["workspace"] = json!({ "workspaceEdit": { "documentChanges": true } });
    let (mut client, _) = Client::initialized(client_capabilities);
    let text = "FROM alpine:3.20\nRUM a\n";
    client.open(URI, 1, text);
    let old = client.diagnostics(URI, 1);

    // An edit after the finding: the old diagnostic's finding is where it was.
    let text = format!("{text}LABEL x=y\n");
    replace_text(&mut client, URI, 2, &text);
    let actions = code_actions(&mut client, URI, &old, None);
    assert_eq!(
        titles(&actions),
        ["Change to `RUN`", "Suppress `unknown-instruction` here"]
    );
    let document = &actions[0]["edit"]["documentChanges"][0];
    assert_eq!(
        document["textDocument"]["version"], 2,
        "the current version"
    );
    assert_eq!(
        apply_action(&text, &actions[0], URI),
        "FROM alpine:3.20\nRUN a\nLABEL x=y\n"
    );

    // An edit before it: the old diagnostic names bytes where the finding no longer is.
    let text = format!("# comment\n{text}");
    replace_text(&mut client, URI, 3, &text);
    assert_eq!(
        code_actions(&mut client, URI, &old, None),
        Vec::<Value>::new()
    );
    let current = client.diagnostics(URI, 3);
    let actions = code_actions(&mut client, URI, &current, None);
    assert_eq!(actions[0]["title"], "Change to `RUN`");
    assert_eq!(
        apply_action(&text, &actions[0], URI),
        "# comment\nFROM alpine:3.20\nRUN a\nLABEL x=y\n"
    );

    // A client that drops `data` still gets the fixes, found by code and range.
    let mut without_data = current[0].clone();
    without_data.as_object_mut().unwrap().remove("data");
    let actions = code_actions(&mut client, URI, &[without_data], None);
    assert_eq!(actions[0]["title"], "Change to `RUN`");

    // Data that is not ours, or does not parse, is ignored.
    let mut garbled = current[0].clone();
    garbled["data"] = json!({ "version": "x" });
    assert_eq!(
        code_actions(&mut client, URI, &[garbled], None),
        Vec::<Value>::new()
    );
}

/// A client that pulls diagnostics gets them by pull only: pushing as well would show each
/// twice.
#[test]
fn a_pulling_client_gets_no_pushed_diagnostics() {
    let (mut client, _) = Client::pulling(&[], false);
    let text = "FROM alpine:3.20\nRUM echo\n";
    client.open(URI, 1, text);
    let pulled = pulled_diagnostics(&mut client, URI);
    assert_eq!(codes(&pulled), ["unknown-instruction"]);
    assert_eq!(pulled[0]["data"]["version"], 1);
    assert!(pulled[0]["codeDescription"]["href"].is_string());
    let actions = code_actions(&mut client, URI, &pulled, None);
    assert_eq!(actions[0]["title"], "Change to `RUN`");
    replace_text(&mut client, URI, 2, "FROM alpine:3.20\nRUN echo\n");
    assert_eq!(pulled_diagnostics(&mut client, URI), Vec::<Value>::new());
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": URI } }),
    );
    // A request after everything: the server handled all of it before answering.
    client.document_text(URI);
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(
        client.unclaimed("textDocument/publishDiagnostics"),
        Vec::<Value>::new()
    );
}

#[test]
fn a_settings_file_turns_a_rule_off_and_the_editor_settings_win() {
    let dir = TempDir::new("settings-file");
    dir.write(".dockls.toml", "[rules]\nuntagged-base-image = \"off\"\n");
    let dockerfile = dir.uri("app/Dockerfile");
    let elsewhere = TempDir::new("settings-none");
    let other = elsewhere.uri("Dockerfile");

    let (mut client, _) = Client::initialized(capabilities(&[], false));
    client.open(&dockerfile, 1, "FROM alpine\n");
    assert_eq!(client.diagnostics(&dockerfile, 1), Vec::<Value>::new());
    client.open(&other, 1, "FROM alpine\n");
    assert_eq!(
        codes(&client.diagnostics(&other, 1)),
        ["untagged-base-image"]
    );

    // initializationOptions go over the file, by the rule's name or an alias.
    let mut client = Client::start();
    client.request_ok(
        "initialize",
        json!({
            "capabilities": capabilities(&[], false),
            "initializationOptions": { "rules": { "DL3006": "hint" } },
        }),
    );
    client.notify("initialized", json!({}));
    client.open(&dockerfile, 1, "FROM alpine\n");
    let diagnostics = client.diagnostics(&dockerfile, 1);
    assert_eq!(codes(&diagnostics), ["untagged-base-image"]);
    assert_eq!(diagnostics[0]["severity"], 4);
}

#[test]
fn workspace_configuration_is_fetched_and_fetched_again_on_change() {
    let dir = TempDir::new("workspace-settings");
    let dockerfile = dir.uri("Dockerfile");
    let mut client_capabilities = capabilities(&[], false);
    client_capabilities["workspace"] = json!({ "configuration": true });
    let (mut client, _) = Client::initialized(client_capabilities);
    let request = client.server_request("workspace/configuration");
    assert_eq!(request["params"]["items"], json!([{ "section": "dockls" }]));
    client.respond(
        &request,
        json!([{ "rules": { "untagged-base-image": "off" } }]),
    );
    // Settings are applied in the background, and diagnostics published again when they are:
    // the document's last diagnostics are those of the settings.
    client.open(&dockerfile, 1, "FROM alpine\n");
    client.notification("textDocument/publishDiagnostics", |params| {
        params["uri"] == dockerfile && params["diagnostics"] == json!([])
    });
    // A publish computed before the settings arrived may come before that one; forget it.
    client.clear_backlog();

    client.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": null }),
    );
    let request = client.server_request("workspace/configuration");
    client.respond(&request, json!([{ "rules": { "DL3006": "error" } }]));
    let republished = client.notification("textDocument/publishDiagnostics", |params| {
        params["uri"] == dockerfile && params["diagnostics"] != json!([])
    });
    assert_eq!(republished["diagnostics"][0]["code"], "untagged-base-image");
    assert_eq!(republished["diagnostics"][0]["severity"], 1);
}

#[test]
fn a_malformed_settings_file_is_reported_on_itself_and_the_defaults_stay() {
    for pull in [false, true] {
        let dir = TempDir::new(if pull {
            "malformed-pull"
        } else {
            "malformed-push"
        });
        let config = dir.write(".dockls.toml", "[rules\nuntagged-base-image = \"off\"\n");
        let dockerfile = dir.uri("Dockerfile");
        let (mut client, _) = if pull {
            Client::pulling(&[], false)
        } else {
            Client::initialized(capabilities(&[], false))
        };
        client.open(&dockerfile, 1, "FROM alpine\n");
        let diagnostics = if pull {
            pulled_diagnostics(&mut client, &dockerfile)
        } else {
            client.diagnostics(&dockerfile, 1)
        };
        assert_eq!(codes(&diagnostics), ["untagged-base-image"], "defaults");
        // Pushed on the settings file even to a pulling client: no client pulls for it.
        let problems = client.notification("textDocument/publishDiagnostics", |params| {
            params["uri"] == config
        });
        let problems = problems["diagnostics"].as_array().unwrap();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0]["code"], "config-error");
        assert_eq!(problems[0]["source"], "dockls");
        assert_eq!(problems[0]["severity"], 1);
        assert_eq!(problems[0]["range"]["start"]["line"], 0);

        // Repaired and reported as changed: its problems are cleared and it applies.
        dir.write(".dockls.toml", "[rules]\nuntagged-base-image = \"off\"\n");
        client.notify(
            "workspace/didChangeWatchedFiles",
            json!({ "changes": [{ "uri": config, "type": 2 }] }),
        );
        if pull {
            replace_text(&mut client, &dockerfile, 2, "FROM alpine\n");
            assert_eq!(
                pulled_diagnostics(&mut client, &dockerfile),
                Vec::<Value>::new()
            );
        } else {
            let republished = client.notification("textDocument/publishDiagnostics", |params| {
                params["uri"] == dockerfile && params["diagnostics"] == json!([])
            });
            assert_eq!(republished["version"], 1);
        }
        let cleared = client.notification("textDocument/publishDiagnostics", |params| {
            params["uri"] == config
        });
        assert_eq!(cleared["diagnostics"], json!([]));
    }
}

#[test]
fn clients_without_code_action_literals_get_commands_that_apply_the_edit() {
    let mut caps = capabilities(&[], false);
    caps["textDocument"]
        .as_object_mut()
        .expect("textDocument capabilities")
        .remove("codeAction");
    let (mut client, result) = Client::initialized(caps);
    assert_eq!(
        result["capabilities"]["executeCommandProvider"]["commands"],
        json!(["dockls.applyEdit", "dockls.pinImage"])
    );
    let text = "FROM alpine:3.20\nRUM echo hi\n";
    client.open(URI, 1, text);
    let diagnostics = client.diagnostics(URI, 1);
    let actions = code_actions(&mut client, URI, &diagnostics, None);
    assert_eq!(
        titles(&actions),
        ["Change to `RUN`", "Suppress `unknown-instruction` here"]
    );
    let command = &actions[0];
    assert_eq!(command["command"], "dockls.applyEdit");
    let edit = command["arguments"][0].clone();
    let id = client.send_request(
        "workspace/executeCommand",
        json!({ "command": "dockls.applyEdit", "arguments": [edit.clone()] }),
    );
    let apply = client.server_request("workspace/applyEdit");
    assert_eq!(apply["params"]["edit"], edit);
    client.respond(&apply, json!({ "applied": true }));
    assert_eq!(client.response(id)["result"], Value::Null);
    let applied = apply_action(text, &json!({ "edit": edit }), URI);
    assert_eq!(applied, "FROM alpine:3.20\nRUN echo hi\n");
}

/// A client that can pull gets pushes unless the user chose pulling: both at once would show
/// every diagnostic twice, and pushing reaches the client without a request.
#[test]
fn a_client_that_can_pull_gets_pushes_by_default() {
    let (mut client, result) = Client::initialized(pull_capabilities(&[], false));
    assert_eq!(result["capabilities"].get("diagnosticProvider"), None);
    client.open(URI, 1, "FROM alpine:3.20\nRUM echo\n");
    assert_eq!(codes(&client.diagnostics(URI, 1)), ["unknown-instruction"]);
    let (_client, result) = Client::pulling(&[], false);
    assert_eq!(
        result["capabilities"]["diagnosticProvider"]["identifier"],
        "dockls"
    );
}

/// A client that resolves code actions gets titles first and each edit when it asks for it:
/// the same edits an eager client gets with its actions. An action offered on an older version
/// resolves to no edit.
#[test]
fn code_action_edits_are_resolved_on_request() {
    let text = "FROM alpine:3.20\nRUN apt-get update\nRUN apt-get install -y curl\nRUM x\n";
    let mut lazy_capabilities = capabilities(&[], false);
    lazy_capabilities["textDocument"]["codeAction"]["dataSupport"] = json!(true);
    lazy_capabilities["textDocument"]["codeAction"]["resolveSupport"] =
        json!({ "properties": ["edit"] });
    let (mut lazy, result) = Client::initialized(lazy_capabilities);
    assert_eq!(
        result["capabilities"]["codeActionProvider"]["resolveProvider"],
        true
    );
    let (mut eager, result) = Client::initialized(capabilities(&[], false));
    assert_eq!(
        result["capabilities"]["codeActionProvider"]["resolveProvider"],
        false
    );
    let mut offered = Vec::new();
    for client in [&mut lazy, &mut eager] {
        client.open(URI, 1, text);
        let diagnostics = client.diagnostics(URI, 1);
        assert!(!diagnostics.is_empty());
        offered.push(code_actions(client, URI, &diagnostics, None));
    }
    let (titles_lazy, titles_eager) = (titles(&offered[0]), titles(&offered[1]));
    assert_eq!(titles_lazy, titles_eager);
    assert!(titles_lazy.len() >= 3, "{titles_lazy:?}");
    for (action, eager_action) in offered[0].iter().zip(&offered[1]) {
        assert!(action.get("edit").is_none(), "{action}");
        let resolved = lazy.request_ok("codeAction/resolve", action.clone());
        assert_eq!(
            apply_action(text, &resolved, URI),
            apply_action(text, eager_action, URI),
            "{}",
            action["title"]
        );
    }
    replace_text(&mut lazy, URI, 2, &format!("{text}# more\n"));
    let stale = lazy.request_ok("codeAction/resolve", offered[0][0].clone());
    assert!(stale.get("edit").is_none(), "{stale}");
}
