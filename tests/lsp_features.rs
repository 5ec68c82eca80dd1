//! End-to-end tests of the navigation and editing methods: one scripted session per method,
//! through the real binary, with exact positions.

mod lsp_support;

use lsp_support::{capabilities, Client, URI};
use serde_json::{json, Value};

/// A server with `text` open at [`URI`], in UTF-16 (the encoding every client has).
fn open(text: &str) -> Client {
    let (mut client, _) = Client::initialized(capabilities(&["utf-16"], true));
    client.open(URI, 1, text);
    client
}

fn document() -> Value {
    json!({ "uri": URI })
}

#[test]
fn capabilities_advertise_the_methods() {
    let (_client, result) = Client::initialized(capabilities(&[], true));
    let capabilities = &result["capabilities"];
    assert_eq!(capabilities["foldingRangeProvider"], true);
    assert_eq!(capabilities["selectionRangeProvider"], true);
    assert_eq!(
        capabilities["documentLinkProvider"]["resolveProvider"],
        false
    );
}

#[test]
fn folding_range() {
    let mut client = open(
        "# A comment\n# block\nFROM alpine:3.20 AS base\nRUN apk add \\\n      curl\n\nFROM base\n",
    );
    let folds = client.request_ok(
        "textDocument/foldingRange",
        json!({ "textDocument": document() }),
    );
    assert_eq!(
        folds,
        json!([
            { "startLine": 0, "endLine": 1, "kind": "comment" },
            { "startLine": 2, "endLine": 4, "kind": "region" },
            { "startLine": 3, "endLine": 4, "kind": "region" },
        ])
    );
}

#[test]
fn selection_range() {
    let mut client = open("FROM alpine\nRUN --mount=type=cache,target=/root \\\n    go build\n");
    let result = client.request_ok(
        "textDocument/selectionRange",
        json!({
            "textDocument": document(),
            "positions": [{ "line": 1, "character": 33 }, { "line": 2, "character": 6 }],
        }),
    );
    let chain = |selection: &Value| {
        let mut ranges = Vec::new();
        let mut current = Some(selection);
        while let Some(selection) = current {
            let range = &selection["range"];
            ranges.push(format!(
                "{}:{}-{}:{}",
                range["start"]["line"],
                range["start"]["character"],
                range["end"]["line"],
                range["end"]["character"]
            ));
            current = selection.get("parent");
        }
        ranges.join(" ")
    };
    assert_eq!(
        chain(&result[0]),
        "1:30-1:35 1:23-1:35 1:12-1:35 1:4-1:35 1:0-2:12 0:0-2:12"
    );
    assert_eq!(chain(&result[1]), "2:4-2:6 2:4-2:12 1:0-2:12 0:0-2:12");
}

#[test]
fn document_link() {
    let mut client = open("# syntax=docker/dockerfile:1\nFROM ghcr.io/owner/tool:1 AS t\nFROM t\n");
    let links = client.request_ok(
        "textDocument/documentLink",
        json!({ "textDocument": document() }),
    );
    assert_eq!(
        links,
        json!([
            {
                "range": { "start": { "line": 0, "character": 9 }, "end": { "line": 0, "character": 28 } },
                "target": "https://hub.docker.com/r/docker/dockerfile",
                "tooltip": "Open docker/dockerfile on Docker Hub",
            },
            {
                "range": { "start": { "line": 1, "character": 5 }, "end": { "line": 1, "character": 25 } },
                "target": "https://ghcr.io/owner/tool",
                "tooltip": "Open owner/tool on GitHub Container Registry",
            },
        ])
    );
}

#[test]
fn methods_on_a_closed_document_answer_null() {
    let (mut client, _) = Client::initialized(capabilities(&[], true));
    for method in ["textDocument/foldingRange", "textDocument/documentLink"] {
        let answer = client.request_ok(method, json!({ "textDocument": document() }));
        assert_eq!(answer, Value::Null, "{method}");
    }
}

#[test]
fn signature_help() {
    let mut client = open("FROM alpine\nCOPY --chown=app a.txt b.txt /dest/\nRUN --mount=type=cache,target=/root true\n");
    let at = |line: u32, character: u32| json!({ "textDocument": document(), "position": { "line": line, "character": character } });
    let help = client.request_ok("textDocument/signatureHelp", at(1, 30));
    let active = help["activeSignature"].as_u64().unwrap() as usize;
    let signature = &help["signatures"][active];
    let label = signature["label"].as_str().unwrap();
    let parameter = &signature["parameters"][help["activeParameter"].as_u64().unwrap() as usize];
    let [start, end] = [0, 1].map(|i| parameter["label"][i].as_u64().unwrap() as usize);
    assert_eq!(&label[start..end], "<dest>", "{label}");

    // Inside --mount: the cache mount's keys, with the one under the cursor active.
    let help = client.request_ok("textDocument/signatureHelp", at(2, 27));
    let signature = &help["signatures"][help["activeSignature"].as_u64().unwrap() as usize];
    let label = signature["label"].as_str().unwrap();
    assert!(label.starts_with("--mount=type=cache"), "{label}");
    let parameter = &signature["parameters"][help["activeParameter"].as_u64().unwrap() as usize];
    let [start, end] = [0, 1].map(|i| parameter["label"][i].as_u64().unwrap() as usize);
    assert!(
        label[start..end].starts_with("target="),
        "{}",
        &label[start..end]
    );

    // Nothing on a comment line.
    let mut client = open("# RUN echo\nFROM a\n");
    assert_eq!(
        client.request_ok("textDocument/signatureHelp", at(0, 6)),
        Value::Null
    );
}

#[test]
fn inlay_hint() {
    let text = "ARG VERSION=20\nFROM node:${VERSION}-alpine AS app\nENTRYPOINT [\"/app\"]\nCMD [\"--help\"]\n";
    let mut client = open(text);
    let whole =
        json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 4, "character": 0 } });
    let hints = client.request_ok(
        "textDocument/inlayHint",
        json!({ "textDocument": document(), "range": whole }),
    );
    let hints = hints.as_array().unwrap();
    assert_eq!(hints.len(), 2, "{hints:?}");
    assert_eq!(hints[0]["position"], json!({ "line": 1, "character": 27 }));
    assert_eq!(hints[0]["label"], "= node:20-alpine");
    assert_eq!(hints[0]["kind"], 1);
    assert_eq!(hints[1]["position"]["line"], 3);
    assert_eq!(hints[1]["label"], "runs: /app --help");

    // Both kinds can be switched off.
    let (mut client, _) = Client::initialized_with(
        capabilities(&["utf-16"], true),
        json!({ "inlayHints": { "variableValues": false, "effectiveCommand": false } }),
    );
    client.open(URI, 1, text);
    let hints = client.request_ok(
        "textDocument/inlayHint",
        json!({ "textDocument": document(), "range": whole }),
    );
    assert_eq!(hints, json!([]));
}

fn apply(text: &str, edits: &Value) -> String {
    lsp_support::apply_text_edits(
        text,
        edits.as_array().expect("edits"),
        lsp_support::Encoding::Utf16,
    )
}

#[test]
fn formatting() {
    let text =
        "from alpine:3.20\nrun   apk add \\\n  curl \\\n      git   \ncmd [ \"sh\",\"-c\" ]\n";
    let mut client = open(text);
    let options = json!({ "tabSize": 4, "insertSpaces": true });
    let edits = client.request_ok(
        "textDocument/formatting",
        json!({ "textDocument": document(), "options": options }),
    );
    assert_eq!(
        apply(text, &edits),
        "FROM alpine:3.20\nRUN apk add \\\n    curl \\\n        git\nCMD [\"sh\", \"-c\"]\n"
    );

    // A range formats only the instructions it touches.
    let range =
        json!({ "start": { "line": 4, "character": 0 }, "end": { "line": 4, "character": 3 } });
    let edits = client.request_ok(
        "textDocument/rangeFormatting",
        json!({ "textDocument": document(), "range": range, "options": options }),
    );
    assert_eq!(
        apply(text, &edits),
        "from alpine:3.20\nrun   apk add \\\n  curl \\\n      git   \nCMD [\"sh\", \"-c\"]\n"
    );
}

#[test]
fn on_type_formatting() {
    let (_, result) = Client::initialized(capabilities(&[], true));
    assert_eq!(
        result["capabilities"]["documentOnTypeFormattingProvider"]["firstTriggerCharacter"],
        "\n"
    );
    // Enter after a continuation: the new line is indented by one unit.
    let text = "FROM a\nRUN make \\\n\n";
    let mut client = open(text);
    let edits = client.request_ok(
        "textDocument/onTypeFormatting",
        json!({
            "textDocument": document(),
            "position": { "line": 2, "character": 0 },
            "ch": "\n",
            "options": { "tabSize": 2, "insertSpaces": true },
        }),
    );
    assert_eq!(apply(text, &edits), "FROM a\nRUN make \\\n  \n");
}

/// A panic in the core answers the request with an internal error; the document stays as the
/// client sent it and every other request is served.
#[test]
fn a_panic_answers_with_an_internal_error_and_keeps_the_document() {
    let mut client = Client::start_with_env(&[], &[("DOCKLS_PANIC_IN", "hover")]);
    client.request_ok(
        "initialize",
        json!({ "capabilities": capabilities(&["utf-16"], true) }),
    );
    client.notify("initialized", json!({}));
    client.open(URI, 1, "FROM alpine:3.20\nRUN true\n");
    let at = json!({ "textDocument": document(), "position": { "line": 1, "character": 1 } });
    let response = client.request("textDocument/hover", at.clone());
    assert_eq!(response["error"]["code"], -32603, "{response}");
    assert_eq!(
        response["error"]["message"],
        "internal error in hover: injected by DOCKLS_PANIC_IN"
    );
    let folds = client.request_ok(
        "textDocument/foldingRange",
        json!({ "textDocument": document() }),
    );
    assert_eq!(folds[0]["startLine"], 0);
    assert_eq!(client.document_text(URI), "FROM alpine:3.20\nRUN true\n");
}

fn at(line: u32, character: u32) -> Value {
    json!({ "textDocument": document(), "position": { "line": line, "character": character } })
}

fn show(range: &Value) -> String {
    format!(
        "{}:{}-{}:{}",
        range["start"]["line"],
        range["start"]["character"],
        range["end"]["line"],
        range["end"]["character"]
    )
}

const STAGES: &str = "ARG BASE=golang:1.22\nFROM $BASE AS build\nRUN go build\nFROM scratch\nCOPY --from=build /app /app\n";

#[test]
fn document_symbol() {
    let mut capabilities = capabilities(&["utf-16"], true);
    capabilities["textDocument"]["documentSymbol"] =
        json!({ "hierarchicalDocumentSymbolSupport": true });
    let (mut client, _) = Client::initialized(capabilities);
    client.open(URI, 1, STAGES);
    let symbols = client.request_ok(
        "textDocument/documentSymbol",
        json!({ "textDocument": document() }),
    );
    let outline: Vec<String> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let children: Vec<&str> = s["children"]
                .as_array()
                .map(|c| c.iter().map(|c| c["name"].as_str().unwrap()).collect())
                .unwrap_or_default();
            format!(
                "{} ({}) {} [{}]",
                s["name"],
                s["kind"],
                show(&s["range"]),
                children.join(", ")
            )
        })
        .collect();
    assert_eq!(
        outline,
        [
            "\"BASE\" (13) 0:4-0:20 []",
            "\"build\" (2) 1:0-2:12 [RUN]",
            "\"stage 1\" (2) 3:0-4:27 [COPY]",
        ]
    );
    // A client without hierarchical symbols gets a flat list with containers.
    let (mut client, _) = Client::initialized(json!({}));
    client.open(URI, 1, STAGES);
    let symbols = client.request_ok(
        "textDocument/documentSymbol",
        json!({ "textDocument": document() }),
    );
    let copy = symbols
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "COPY")
        .unwrap();
    assert_eq!(copy["containerName"], "stage 1");
    assert_eq!(show(&copy["location"]["range"]), "4:0-4:4");
}

#[test]
fn workspace_symbol() {
    let mut client = open(STAGES);
    client.open(
        "file:///work/other/Dockerfile",
        1,
        "FROM alpine AS builder-tools\n",
    );
    let found = client.request_ok("workspace/symbol", json!({ "query": "bld" }));
    let names: Vec<String> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|s| format!("{} {}", s["name"], s["location"]["uri"]))
        .collect();
    assert_eq!(
        names,
        [
            format!("\"build\" \"{URI}\"").as_str(),
            "\"builder-tools\" \"file:///work/other/Dockerfile\"",
        ]
    );
}

#[test]
fn definition_references_and_highlight() {
    let mut client = open(STAGES);
    // From `--from=build` to `AS build`.
    let found = client.request_ok("textDocument/definition", at(4, 14));
    assert_eq!(show(&found[0]["range"]), "1:14-1:19");
    assert_eq!(found[0]["uri"], URI);
    // The global ARG and its use in FROM.
    let found = client.request_ok(
        "textDocument/references",
        json!({ "textDocument": document(), "position": { "line": 1, "character": 7 }, "context": { "includeDeclaration": true } }),
    );
    let ranges: Vec<String> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|l| show(&l["range"]))
        .collect();
    assert_eq!(ranges, ["0:4-0:8", "1:6-1:10"]);
    let found = client.request_ok("textDocument/documentHighlight", at(1, 15));
    let highlights: Vec<String> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|h| format!("{} {}", show(&h["range"]), h["kind"]))
        .collect();
    assert_eq!(highlights, ["1:14-1:19 3", "4:12-4:17 2"]);
    // Nothing to go to from a keyword.
    assert_eq!(
        client.request_ok("textDocument/definition", at(2, 1)),
        Value::Null
    );
}

#[test]
fn rename_and_prepare_rename() {
    let mut client = open(STAGES);
    let range = client.request_ok("textDocument/prepareRename", at(4, 14));
    assert_eq!(show(&range), "4:12-4:17");
    let edit = client.request_ok(
        "textDocument/rename",
        json!({ "textDocument": document(), "position": { "line": 4, "character": 14 }, "newName": "compile" }),
    );
    let edits = &edit["changes"][URI];
    assert_eq!(
        apply(STAGES, edits),
        STAGES
            .replace("AS build", "AS compile")
            .replace("--from=build", "--from=compile")
    );
    // Refusals carry a message for the user.
    let refused = client.request(
        "textDocument/rename",
        json!({ "textDocument": document(), "position": { "line": 4, "character": 14 }, "newName": "Not Valid" }),
    );
    assert_eq!(refused["error"]["code"], -32803, "{refused}");
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Not Valid"),
        "{refused}"
    );
    let refused = client.request("textDocument/prepareRename", at(2, 1));
    assert_eq!(refused["error"]["code"], -32803, "{refused}");
}

#[test]
fn semantic_tokens_full_delta_and_range() {
    let (mut client, result) = Client::initialized(capabilities(&["utf-16"], true));
    let provider = &result["capabilities"]["semanticTokensProvider"];
    let types: Vec<&str> = provider["legend"]["tokenTypes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert_eq!(provider["full"]["delta"], true);
    assert_eq!(provider["range"], true);
    let text = "FROM alpine AS base\nRUN echo hi\n";
    client.open(URI, 1, text);
    let full = client.request_ok(
        "textDocument/semanticTokens/full",
        json!({ "textDocument": document() }),
    );
    let data: Vec<u64> = full["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    // FROM: line 0, column 0, 4 long, a keyword.
    assert_eq!(&data[..3], [0, 0, 4]);
    assert_eq!(types[data[3] as usize], "keyword");
    let keyword_tokens = data
        .chunks(5)
        .filter(|t| types[t[3] as usize] == "keyword")
        .count();
    assert_eq!(keyword_tokens, 3, "FROM, AS, RUN: {data:?}");
    // An edit, then a delta against the first result.
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": URI, "version": 2 },
            "contentChanges": [{ "range": { "start": { "line": 2, "character": 0 }, "end": { "line": 2, "character": 0 } }, "text": "USER app\n" }],
        }),
    );
    let delta = client.request_ok(
        "textDocument/semanticTokens/full/delta",
        json!({ "textDocument": document(), "previousResultId": full["resultId"] }),
    );
    let edits = delta["edits"].as_array().expect("a delta, not full tokens");
    let mut patched = data.clone();
    for edit in edits.iter().rev() {
        let start = edit["start"].as_u64().unwrap() as usize;
        let deleted = edit["deleteCount"].as_u64().unwrap() as usize;
        let inserted: Vec<u64> = edit["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap())
            .collect();
        patched.splice(start..start + deleted, inserted);
    }
    let fresh = client.request_ok(
        "textDocument/semanticTokens/full",
        json!({ "textDocument": document() }),
    );
    let fresh: Vec<u64> = fresh["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    assert_eq!(patched, fresh);
    // A stale result id gets full tokens.
    let full_again = client.request_ok(
        "textDocument/semanticTokens/full/delta",
        json!({ "textDocument": document(), "previousResultId": "no-such-id" }),
    );
    assert!(full_again["data"].is_array());
    // A range: only the second line's tokens, positioned absolutely.
    let range = client.request_ok(
        "textDocument/semanticTokens/range",
        json!({ "textDocument": document(), "range": { "start": { "line": 1, "character": 0 }, "end": { "line": 2, "character": 0 } } }),
    );
    let data: Vec<u64> = range["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    assert_eq!(&data[..3], [1, 0, 3], "RUN on line 1: {data:?}");
}

/// The outline, the folds and the tokens are kept between requests until the text changes:
/// after a change each answers for the new text, as a server that opened it fresh does.
#[test]
fn whole_document_answers_follow_the_text() {
    let before = "FROM alpine AS base\nRUN echo hi\n";
    let after = "FROM alpine AS base\nRUN echo hi\n\nFROM base AS two\nRUN a \\\n  b\n";
    let methods = [
        "textDocument/documentSymbol",
        "textDocument/foldingRange",
        "textDocument/semanticTokens/full",
    ];
    let answers = |client: &mut Client| -> Vec<Value> {
        methods
            .iter()
            .map(|method| {
                let mut answer = client.request_ok(method, json!({ "textDocument": document() }));
                if let Some(tokens) = answer.as_object_mut() {
                    tokens.remove("resultId");
                }
                answer
            })
            .collect()
    };
    let mut client = open(before);
    let first = answers(&mut client);
    assert_eq!(answers(&mut client), first, "asked twice, the same answers");
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": URI, "version": 2 },
            "contentChanges": [{ "text": after }],
        }),
    );
    let changed = answers(&mut client);
    assert_ne!(changed, first);
    assert_eq!(changed, answers(&mut open(after)));
}

/// Decodes the protocol's relative token encoding into (line, column, length, type name).
fn absolute_tokens(data: &serde_json::Value, types: &[String]) -> Vec<(u64, u64, u64, String)> {
    let numbers: Vec<u64> = data
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    let (mut line, mut column) = (0, 0);
    numbers
        .chunks(5)
        .map(|t| {
            if t[0] > 0 {
                column = 0;
            }
            line += t[0];
            column += t[1];
            (line, column, t[2], types[t[3] as usize].clone())
        })
        .collect()
}

#[test]
fn shell_semantic_tokens_through_full_delta_and_range() {
    let (mut client, result) = Client::initialized(capabilities(&["utf-16"], true));
    let types: Vec<String> = result["capabilities"]["semanticTokensProvider"]["legend"]
        ["tokenTypes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_owned())
        .collect();
    let text = "FROM a\nRUN apt-get install -y \\\n  \"é\" curl\n";
    client.open(URI, 1, text);
    let full = client.request_ok(
        "textDocument/semanticTokens/full",
        json!({ "textDocument": document() }),
    );
    let tokens = absolute_tokens(&full["data"], &types);
    let expected = |line, column, length, kind: &str| (line, column, length, kind.to_owned());
    for token in [
        expected(1, 4, 7, "function"),
        expected(1, 20, 2, "parameter"),
        expected(1, 23, 1, "operator"),
        // `"é"` is three UTF-16 code units.
        expected(2, 2, 3, "string"),
    ] {
        assert!(tokens.contains(&token), "{token:?} in {tokens:?}");
    }
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": URI, "version": 2 },
            "contentChanges": [{ "range": { "start": { "line": 1, "character": 20 }, "end": { "line": 1, "character": 20 } }, "text": "--no-install-recommends " }],
        }),
    );
    let delta = client.request_ok(
        "textDocument/semanticTokens/full/delta",
        json!({ "textDocument": document(), "previousResultId": full["resultId"] }),
    );
    let mut patched: Vec<serde_json::Value> = full["data"].as_array().unwrap().clone();
    for edit in delta["edits"].as_array().expect("a delta").iter().rev() {
        let start = edit["start"].as_u64().unwrap() as usize;
        let deleted = edit["deleteCount"].as_u64().unwrap() as usize;
        let inserted = edit["data"].as_array().unwrap().clone();
        patched.splice(start..start + deleted, inserted);
    }
    let fresh = client.request_ok(
        "textDocument/semanticTokens/full",
        json!({ "textDocument": document() }),
    );
    assert_eq!(serde_json::Value::Array(patched), fresh["data"]);
    let after = absolute_tokens(&fresh["data"], &types);
    assert!(
        after.contains(&expected(1, 20, 23, "parameter")),
        "{after:?}"
    );
    let range = client.request_ok(
        "textDocument/semanticTokens/range",
        json!({ "textDocument": document(), "range": { "start": { "line": 2, "character": 0 }, "end": { "line": 3, "character": 0 } } }),
    );
    let on_line_two: Vec<_> = after.iter().filter(|t| t.0 == 2).cloned().collect();
    assert_eq!(absolute_tokens(&range["data"], &types), on_line_two);
}
