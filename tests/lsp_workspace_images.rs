//! Completion of the images the workspace already uses, after `FROM `: from the Dockerfiles
//! under the workspace folder (found by a walk in the background) and from the open documents.

mod lsp_support;

use std::time::{Duration, Instant};

use lsp_support::{capabilities, Client, Encoding, TempDir, TIMEOUT};
use serde_json::{json, Value};

/// A server on the workspace folder `dir`, with no registry access.
fn server(dir: &TempDir) -> Client {
    let mut client = Client::start();
    let folder = format!("file://{}", dir.0.display());
    client.request_ok(
        "initialize",
        json!({
            "capabilities": capabilities(&[], false),
            "workspaceFolders": [{ "uri": folder, "name": "project" }],
        }),
    );
    client.notify("initialized", json!({}));
    client
}

/// The workspace images offered at the end of `text` in `uri`: (label, detail) in the order
/// the editor shows them.
fn workspace_items(client: &mut Client, uri: &str, text: &str) -> Vec<(String, String)> {
    let position = lsp_support::position(text, text.len(), Encoding::Utf16);
    let answer = client.request_ok(
        "textDocument/completion",
        json!({ "textDocument": { "uri": uri }, "position": position }),
    );
    let items = match &answer {
        Value::Array(items) => items.clone(),
        other => other["items"].as_array().cloned().unwrap_or_default(),
    };
    let mut found: Vec<(String, String, String)> = items
        .iter()
        // CompletionItemKind.Module: the workspace's images (stages are references).
        .filter(|item| item["kind"] == 9)
        .map(|item| {
            let text = |key: &str| item[key].as_str().unwrap_or_default().to_owned();
            (text("sortText"), text("label"), text("detail"))
        })
        .collect();
    found.sort();
    found.into_iter().map(|(_, l, d)| (l, d)).collect()
}

fn labels(items: &[(String, String)]) -> Vec<&str> {
    items.iter().map(|(label, _)| label.as_str()).collect()
}

/// Asks until the walk's images are there (it runs in the background), at most [`TIMEOUT`].
fn after_walk(client: &mut Client, uri: &str, text: &str, want: &str) -> Vec<(String, String)> {
    let started = Instant::now();
    loop {
        let items = workspace_items(client, uri, text);
        if labels(&items).contains(&want) || started.elapsed() > TIMEOUT {
            return items;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn images_of_the_workspace_and_the_open_documents_after_from() {
    let dir = TempDir::new("workspace-images");
    dir.write(
        "api/Dockerfile",
        "ARG NODE=20-alpine\nFROM node:${NODE} AS build\nFROM nginx:1.27\nCOPY --from=build /a /a\n",
    );
    dir.write(
        "web/Containerfile",
        "FROM nginx:1.27 AS build\nFROM build AS x\n",
    );
    dir.write(
        "tools/Dockerfile.ci",
        "FROM --platform=$BUILDPLATFORM golang:1.22\n",
    );
    dir.write("node_modules/pkg/Dockerfile", "FROM from-node-modules\n");
    dir.write("README.md", "FROM not-a-dockerfile\n");
    let mut client = server(&dir);

    // An unsaved document of the workspace, and the one being edited.
    let other = dir.uri("new/Dockerfile");
    client.open(&other, 1, "FROM redis:7\n");
    let uri = dir.uri("Dockerfile");
    let text = "FROM python:3.12 AS deps\nFROM ";
    client.open(&uri, 1, text);

    let items = after_walk(&mut client, &uri, text, "nginx:1.27");
    // nginx is used twice, so it comes first; then by name. Stages (build, deps), scratch,
    // node_modules and files that are not Dockerfiles bring nothing.
    assert_eq!(
        labels(&items),
        [
            "nginx:1.27",
            "golang:1.22",
            "node:20-alpine",
            "python:3.12",
            "redis:7"
        ]
    );
    assert_eq!(
        items[0].1,
        "used 2 times in the workspace: api/Dockerfile and 1 more"
    );

    // Filtered by what is typed; the image being typed is not offered to itself.
    let typed = "FROM python:3.12 AS deps\nFROM n";
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "text": typed }] }),
    );
    assert_eq!(
        labels(&workspace_items(&mut client, &uri, typed)),
        ["nginx:1.27", "node:20-alpine"]
    );

    // An open document replaces what the walk read from its file.
    let api = dir.uri("api/Dockerfile");
    client.open(&api, 1, "FROM nginx:1.27\n");
    client.diagnostics(&api, 1);
    assert_eq!(
        labels(&workspace_items(&mut client, &uri, typed)),
        ["nginx:1.27"]
    );

    // Not in a tag, not after the image, not on other instructions.
    for elsewhere in [
        "FROM nginx:",
        "FROM nginx AS b",
        "FROM nginx\nRUN n",
        "FROM nginx\nCOPY --from=n",
    ] {
        client.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": 3 }, "contentChanges": [{ "text": elsewhere }] }),
        );
        assert_eq!(
            workspace_items(&mut client, &uri, elsewhere),
            Vec::<(String, String)>::new(),
            "{elsewhere}"
        );
    }
}

#[test]
fn without_workspace_folders_the_open_documents_still_count() {
    let mut client = Client::start();
    client.request_ok(
        "initialize",
        json!({ "capabilities": capabilities(&[], false) }),
    );
    client.notify("initialized", json!({}));
    client.open("file:///a/Dockerfile", 1, "FROM alpine:3.20\n");
    let text = "FROM ";
    client.open("file:///b/Dockerfile", 1, text);
    client.diagnostics("file:///a/Dockerfile", 1);
    assert_eq!(
        labels(&workspace_items(&mut client, "file:///b/Dockerfile", text)),
        ["alpine:3.20"]
    );
}
