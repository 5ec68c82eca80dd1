//! The server's registry features against a real registry on loopback: tag completion, hover
//! facts and the pin command; and that nothing waits on a registry that is gone or turned off.

mod lsp_support;
mod registry_support;

use std::path::PathBuf;
use std::time::Duration;

use lsp_support::{apply_text_edits, capabilities, Client, Encoding, URI};
use registry_support::fake::FakeServer;
use registry_support::{Registry, SEEDED_TAGS};
use serde_json::{json, Value};

/// A temporary directory for the server's disk cache and an empty Docker configuration.
struct Home(PathBuf);

impl Home {
    fn new(name: &str) -> Home {
        let dir =
            std::env::temp_dir().join(format!("dockls-lsp-registry-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Home(dir)
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A server whose settings turn the network on, with `host` reached over plain HTTP.
fn server(home: &Home, host: Option<&str>) -> Client {
    server_with_timeout(home, host, 2)
}

/// [`server`] with registry requests bounded by `timeout` seconds.
fn server_with_timeout(home: &Home, host: Option<&str>, timeout: u64) -> Client {
    let cache = home.0.join("cache");
    let docker = home.0.join("docker");
    let mut client = Client::start_with_env(
        &[],
        &[
            ("XDG_CACHE_HOME", cache.to_str().unwrap()),
            ("DOCKER_CONFIG", docker.to_str().unwrap()),
        ],
    );
    let options = match host {
        Some(host) => {
            json!({ "registry": { "network": true, "insecure": [host], "timeout": timeout } })
        }
        None => Value::Null,
    };
    let mut caps = capabilities(&[], false);
    caps["workspace"] = json!({ "applyEdit": true });
    client.request_ok(
        "initialize",
        json!({ "capabilities": caps, "initializationOptions": options }),
    );
    client.notify("initialized", json!({}));
    client
}

fn end_of(text: &str, needle: &str) -> Value {
    let offset = text.find(needle).unwrap() + needle.len();
    lsp_support::position(text, offset, Encoding::Utf16)
}

fn complete(client: &mut Client, position: &Value) -> Value {
    client.request_ok(
        "textDocument/completion",
        json!({ "textDocument": { "uri": URI }, "position": position }),
    )
}

fn hover(client: &mut Client, position: &Value) -> String {
    let result = client.request_ok(
        "textDocument/hover",
        json!({ "textDocument": { "uri": URI }, "position": position }),
    );
    result["contents"]["value"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Asks again until `done` accepts the answer: the first answers come from an empty cache
/// while the server asks the registry in the background. Bounded by a number of tries.
fn until(mut ask: impl FnMut() -> Value, done: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..200 {
        let answer = ask();
        if done(&answer) {
            return answer;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("the server never had the registry's answer");
}

fn labels_in_order(list: &Value) -> Vec<String> {
    let mut items: Vec<&Value> = list["items"].as_array().unwrap().iter().collect();
    items.sort_by_key(|item| item["sortText"].as_str().unwrap_or_default().to_owned());
    items
        .iter()
        .map(|item| item["label"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn tag_completion_lists_the_seeded_tags_in_version_order() {
    let registry = Registry::start();
    registry.seed();
    let home = Home::new("tags");
    let mut client = server(&home, Some(&registry.host));
    let text = format!("FROM {}/team/app:\n", registry.host);
    client.open(URI, 1, &text);
    let position = end_of(&text, "app:");

    let first = complete(&mut client, &position);
    assert_eq!(first["isIncomplete"], true, "{first}");
    let list = until(
        || complete(&mut client, &position),
        |l| l["isIncomplete"] == false,
    );
    assert_eq!(labels_in_order(&list), SEEDED_TAGS.map(str::to_owned));
    let edit = &list["items"][0]["textEdit"];
    assert_eq!(edit["range"]["start"], position);

    // Filtered by what is typed.
    let text = format!("FROM {}/team/app:1.\n", registry.host);
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": URI, "version": 2 }, "contentChanges": [{ "text": text }] }),
    );
    let list = complete(&mut client, &end_of(&text, "app:1."));
    assert_eq!(labels_in_order(&list), ["1.10", "1.1", "1.0"]);
}

#[test]
fn hover_shows_the_index_and_both_platforms() {
    let registry = Registry::start();
    let seeded = registry.seed();
    let home = Home::new("hover");
    let mut client = server(&home, Some(&registry.host));
    let text = format!("FROM {}/team/app:2.0\n", registry.host);
    client.open(URI, 1, &text);
    let position = end_of(&text, "team/");
    let first = hover(&mut client, &position);
    assert!(first.contains("**Image**"), "{first}");
    let shown = until(
        || Value::String(hover(&mut client, &position)),
        |h| h.as_str().unwrap().contains("Platforms"),
    );
    let shown = shown.as_str().unwrap();
    assert!(
        shown.contains(&format!(
            "Tag `2.0` points at `{}`, an OCI index",
            seeded.oci_index
        )),
        "{shown}"
    );
    assert!(
        shown.contains("Platforms: `linux/amd64`, `linux/arm64/v8`"),
        "{shown}"
    );
    assert!(
        shown.contains("`org.opencontainers.image.version`: 2.0"),
        "{shown}"
    );
    assert!(
        shown.contains("created 2024-01-02T03:04:05Z")
            || shown.contains("Created 2024-01-02T03:04:05Z"),
        "{shown}"
    );
}

#[test]
fn the_pin_fix_writes_the_index_digest() {
    let registry = Registry::start();
    let seeded = registry.seed();
    let home = Home::new("pin");
    let mut client = server(&home, Some(&registry.host));
    let text = format!("FROM {}/team/app\n", registry.host);
    client.open(URI, 1, &text);
    let diagnostics = client.diagnostics(URI, 1);
    let actions = client.request_ok(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": URI },
            "range": diagnostics[0]["range"],
            "context": { "diagnostics": diagnostics, "triggerKind": 1 },
        }),
    );
    let pin = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["command"]["command"] == "dockls.pinImage")
        .unwrap_or_else(|| panic!("a pin action in {actions}"))
        .clone();
    assert!(
        pin.get("edit").is_none(),
        "the digest is fetched only when picked"
    );
    let id = client.send_request(
        "workspace/executeCommand",
        json!({ "command": "dockls.pinImage", "arguments": pin["command"]["arguments"] }),
    );
    let apply = client.server_request("workspace/applyEdit");
    client.respond(&apply, json!({ "applied": true }));
    let response = client.response(id);
    assert_eq!(
        response["result"]["digest"],
        seeded.oci_index.as_str(),
        "{response}"
    );
    let edits = apply["params"]["edit"]["changes"][URI]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(
        apply_text_edits(&text, &edits, Encoding::Utf16),
        format!(
            "FROM {}/team/app:latest@{}\n",
            registry.host, seeded.oci_index
        )
    );
}

#[test]
fn a_stopped_registry_or_the_network_off_never_hangs_a_request() {
    let mut registry = Registry::start();
    let host = registry.host.clone();
    registry.stop();
    let home = Home::new("stopped");
    let mut client = server(&home, Some(&host));
    client.set_timeout(Duration::from_secs(10));
    let text = format!("FROM {host}/team/app:\nFROM {host}/team/app\n");
    client.open(URI, 1, &text);
    let position = end_of(&text, "app:");
    let list = complete(&mut client, &position);
    assert_eq!(list["isIncomplete"], true);
    // The refresh fails; the failure is cached and completion answers without tags.
    let list = until(
        || complete(&mut client, &position),
        |l| l["isIncomplete"] == false,
    );
    assert_eq!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["detail"]
                .as_str()
                .is_some_and(|d| d.starts_with("tag of")))
            .count(),
        0
    );
    let shown = until(
        || Value::String(hover(&mut client, &end_of(&text, "team/"))),
        |h| h.as_str().unwrap().contains("cannot reach the registry"),
    );
    assert!(shown.as_str().unwrap().contains("**Registry**"));
    let line = json!({ "line": 1, "character": 6 });
    let response = client.request(
        "workspace/executeCommand",
        json!({ "command": "dockls.pinImage", "arguments": [{ "uri": URI, "position": line }] }),
    );
    assert!(
        response["error"]["message"]
            .as_str()
            .unwrap()
            .contains("cannot reach the registry"),
        "{response}"
    );

    // Without the setting, nothing is offered and no tags are asked for.
    let mut off = server(&home, None);
    off.open(URI, 1, &text);
    let plain = complete(&mut off, &position);
    assert!(
        plain.is_array() || plain["isIncomplete"] == false,
        "{plain}"
    );
    let diagnostics = off.diagnostics(URI, 1);
    let actions = off.request_ok(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": URI },
            "range": diagnostics[0]["range"],
            "context": { "diagnostics": diagnostics, "triggerKind": 1 },
        }),
    );
    assert!(
        !actions
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["command"]["command"] == "dockls.pinImage"),
        "{actions}"
    );
}

#[test]
fn a_stalling_registry_never_holds_up_completion_or_hover() {
    // Accepts connections and never answers: every fetch runs until its timeout, 60 s here,
    // longer than this test waits for any answer, so an answer that waited for the registry
    // could not arrive.
    let stalling = FakeServer::start(|_, _| None);
    let host = stalling.address.clone();
    let home = Home::new("stalling");
    let mut client = server_with_timeout(&home, Some(&host), 60);
    client.set_timeout(Duration::from_secs(10));
    let text = format!("FROM {host}/team/app:\nFROM {host}/team/app:1.0\n");
    client.open(URI, 1, &text);
    client.diagnostics(URI, 1);
    let tag = end_of(&text, "app:");
    let image = end_of(&text, "app:1");
    for _ in 0..5 {
        let list = complete(&mut client, &tag);
        assert_eq!(list["isIncomplete"], true, "{list}");
        assert_eq!(list["items"], json!([]), "{list}");
        let shown = hover(&mut client, &image);
        assert!(shown.contains("asking") && shown.contains(&host), "{shown}");
        // The rest of the server is not held up either.
        let keywords = complete(&mut client, &json!({ "line": 2, "character": 0 }));
        assert!(keywords.to_string().contains("\"RUN\""), "{keywords}");
    }
    // The pin command waits, but only for its own bound (5 s), and then says why.
    let response = client.request(
        "workspace/executeCommand",
        json!({ "command": "dockls.pinImage", "arguments": [{ "uri": URI, "position": tag }] }),
    );
    let message = response["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("did not answer"), "{response}");
}

#[test]
fn hints_for_a_stale_pin_and_an_unknown_tag_come_from_what_was_asked() {
    let registry = Registry::start();
    let seeded = registry.seed();
    let home = Home::new("hints");
    let mut client = server(&home, Some(&registry.host));
    let host = &registry.host;
    // 2.0 pinned to the digest of 1.0: stale; 9.9 does not exist.
    let text = format!(
        "FROM {host}/team/app:2.0@{}\nFROM {host}/team/app:9.9\n",
        seeded.oci_manifest
    );
    client.open(URI, 1, &text);
    let first = client.diagnostics(URI, 1);
    assert!(
        !first
            .iter()
            .any(|d| d["code"] == "pinned-digest-stale" || d["code"] == "unknown-tag"),
        "opening asks no registry: {first:?}"
    );
    // Hovering asks; the hints follow in a later publication.
    hover(&mut client, &end_of(&text, "app:2"));
    hover(&mut client, &end_of(&text, "app:9"));
    let published = client.notification("textDocument/publishDiagnostics", |params| {
        let codes: Vec<&str> = params["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|d| d["code"].as_str())
            .collect();
        codes.contains(&"pinned-digest-stale") && codes.contains(&"unknown-tag")
    });
    let diagnostics = published["diagnostics"].as_array().unwrap().clone();
    let stale = diagnostics
        .iter()
        .find(|d| d["code"] == "pinned-digest-stale")
        .unwrap()
        .clone();
    assert!(
        stale["message"]
            .as_str()
            .unwrap()
            .contains(&seeded.oci_index),
        "{stale}"
    );
    assert_eq!(stale["severity"], 4);
    let unknown = diagnostics
        .iter()
        .find(|d| d["code"] == "unknown-tag")
        .unwrap();
    assert_eq!(unknown["range"]["start"]["line"], 1);

    // The stale hint's fix updates the pin.
    let actions = client.request_ok(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": URI },
            "range": stale["range"],
            "context": { "diagnostics": [stale], "triggerKind": 1 },
        }),
    );
    let pin = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["command"]["command"] == "dockls.pinImage")
        .unwrap_or_else(|| panic!("a pin action in {actions}"))
        .clone();
    let id = client.send_request(
        "workspace/executeCommand",
        json!({ "command": "dockls.pinImage", "arguments": pin["command"]["arguments"] }),
    );
    let apply = client.server_request("workspace/applyEdit");
    client.respond(&apply, json!({ "applied": true }));
    client.response(id);
    let edits = apply["params"]["edit"]["changes"][URI]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(
        apply_text_edits(&text, &edits, Encoding::Utf16),
        format!(
            "FROM {host}/team/app:2.0@{}\nFROM {host}/team/app:9.9\n",
            seeded.oci_index
        )
    );
}

#[test]
fn use_tag_fixes_and_digest_completion_come_from_the_cache() {
    let registry = Registry::start();
    let seeded = registry.seed();
    let home = Home::new("use-tag");
    let mut client = server(&home, Some(&registry.host));
    let host = &registry.host;
    let text = format!("FROM {host}/team/app:latest\n");
    client.open(URI, 1, &text);
    let diagnostics = client.diagnostics(URI, 1);
    let latest = diagnostics
        .iter()
        .find(|d| d["code"] == "latest-base-image")
        .unwrap()
        .clone();
    let actions = |client: &mut Client| {
        client.request_ok(
            "textDocument/codeAction",
            json!({
                "textDocument": { "uri": URI },
                "range": latest["range"],
                "context": { "diagnostics": [latest], "triggerKind": 1 },
            }),
        )
    };
    // The first request starts fetching the tags; the fixes follow once they are cached.
    let found = until(
        || actions(&mut client),
        |a| {
            a.as_array()
                .unwrap()
                .iter()
                .any(|a| a["title"] == "Use tag `2.1`")
        },
    );
    let titles: Vec<&str> = found
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["title"].as_str())
        .filter(|t| t.starts_with("Use tag"))
        .collect();
    assert_eq!(titles, ["Use tag `2.1`", "Use tag `2.0`", "Use tag `1.10`"]);
    let first = found
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Use tag `2.1`")
        .unwrap();
    let edits = first["edit"]["changes"][URI].as_array().unwrap().clone();
    assert_eq!(
        apply_text_edits(&text, &edits, Encoding::Utf16),
        format!("FROM {host}/team/app:2.1\n")
    );

    let text = format!("FROM {host}/team/app:2.0@\n");
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": URI, "version": 2 }, "contentChanges": [{ "text": text }] }),
    );
    let position = end_of(&text, "@");
    let list = until(
        || complete(&mut client, &position),
        |l| l["isIncomplete"] == false,
    );
    assert_eq!(labels_in_order(&list), [seeded.oci_index.as_str()]);
}
