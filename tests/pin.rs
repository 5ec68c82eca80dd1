//! `dockls pin` end to end against a real registry on loopback.

mod registry_support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use registry_support::Registry;
use serde_json::Value;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dockls-pin-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn pin(dir: &Path, registry: &Registry, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dockls"))
        .arg("pin")
        .args(["--insecure-registry", &registry.host, "--timeout", "5"])
        .args(args)
        .arg(dir)
        // No credentials from the machine's Docker configuration.
        .env("DOCKER_CONFIG", dir.join("no-docker-config"))
        .output()
        .unwrap()
}

fn json(output: &Output) -> Vec<Value> {
    serde_json::from_slice::<Value>(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stdout)))
        .as_array()
        .unwrap()
        .clone()
}

fn statuses(items: &[Value]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|i| {
            (
                i["image"].as_str().unwrap().to_owned(),
                i["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn check_fails_on_unpinned_images_and_passes_after_pin() {
    let registry = Registry::start();
    let seeded = registry.seed();
    let host = &registry.host;
    let dir = temp_dir("roundtrip");
    let file = dir.join("Dockerfile");
    let text = format!(
        "ARG BASE={host}/team/app:2.1\nFROM {host}/team/app:2.0 AS a\nFROM $BASE AS b\n\
         FROM {host}/team/app AS c\nFROM a\nFROM scratch\nCOPY --from=a /x /x\n\
         COPY --from={host}/team/app:1.1 /y /y\n"
    );
    std::fs::write(&file, &text).unwrap();

    let check = pin(&dir, &registry, &["--check", "--format", "json"]);
    assert_eq!(
        check.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let items = json(&check);
    assert_eq!(
        statuses(&items),
        [
            (format!("{host}/team/app:2.0"), "missing".to_owned()),
            (format!("{host}/team/app:2.1"), "missing".to_owned()),
            (format!("{host}/team/app"), "missing".to_owned()),
            (format!("{host}/team/app:1.1"), "missing".to_owned()),
        ]
    );
    assert_eq!(items[3]["digest"], seeded.docker_manifest.as_str());
    assert_eq!(items[0]["digest"], seeded.oci_index.as_str());
    assert_eq!(items[1]["digest"], seeded.docker_list.as_str());
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        text,
        "--check writes nothing"
    );

    let pinned = pin(&dir, &registry, &[]);
    assert_eq!(
        pinned.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&pinned.stderr)
    );
    let expected = format!(
        "ARG BASE={host}/team/app:2.1@{list}\nFROM {host}/team/app:2.0@{index} AS a\n\
         FROM $BASE AS b\nFROM {host}/team/app:latest@{index} AS c\nFROM a\nFROM scratch\n\
         COPY --from=a /x /x\nCOPY --from={host}/team/app:1.1@{single} /y /y\n",
        list = seeded.docker_list,
        index = seeded.oci_index,
        single = seeded.docker_manifest,
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), expected);
    let human = String::from_utf8_lossy(&pinned.stdout);
    assert!(
        human.contains(&format!(
            "Dockerfile:2:6: pinned {host}/team/app:2.0 to {}",
            seeded.oci_index
        )),
        "{human}"
    );

    let check = pin(&dir, &registry, &["--check"]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn stale_pins_are_reported_and_refreshed_with_update() {
    let registry = Registry::start();
    let seeded = registry.seed();
    let host = &registry.host;
    let dir = temp_dir("stale");
    let file = dir.join("Dockerfile");
    // Pinned to the digest of another tag: stale.
    let text = format!("FROM {host}/team/app:2.0@{}\n", seeded.oci_manifest);
    std::fs::write(&file, &text).unwrap();

    let check = pin(&dir, &registry, &["--check", "--format", "json"]);
    assert_eq!(check.status.code(), Some(1));
    let items = json(&check);
    assert_eq!(items[0]["status"], "stale");
    assert_eq!(items[0]["pinned"], seeded.oci_manifest.as_str());
    assert_eq!(items[0]["digest"], seeded.oci_index.as_str());

    let plain = pin(&dir, &registry, &[]);
    assert_eq!(plain.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        text,
        "only --update refreshes"
    );

    let update = pin(&dir, &registry, &["--update"]);
    assert_eq!(update.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        format!("FROM {host}/team/app:2.0@{}\n", seeded.oci_index)
    );
    assert_eq!(pin(&dir, &registry, &["--check"]).status.code(), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn unknown_tags_and_a_stopped_registry_are_errors_and_nothing_is_written() {
    let mut registry = Registry::start();
    registry.seed();
    let host = registry.host.clone();
    let dir = temp_dir("errors");
    let file = dir.join("Dockerfile");
    let text = format!("FROM {host}/team/app:9.9\nFROM Bad:Ref\n");
    std::fs::write(&file, &text).unwrap();
    let output = pin(&dir, &registry, &["--format", "json"]);
    assert_eq!(output.status.code(), Some(2));
    let items = json(&output);
    assert_eq!(items.len(), 2);
    assert!(items.iter().all(|i| i["status"] == "error"), "{items:?}");
    assert!(
        items[0]["message"].as_str().unwrap().contains("not found"),
        "{items:?}"
    );

    std::fs::write(&file, format!("FROM {host}/team/app:2.0\n")).unwrap();
    registry.stop();
    let output = pin(&dir, &registry, &["--check"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot reach the registry"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn usage_errors() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_dockls"))
            .arg("pin")
            .args(args)
            .output()
            .unwrap()
    };
    for args in [
        &["--check", "--update"][..],
        &["--format", "sarif"],
        &["--timeout", "0"],
        &["--timeout"],
        &["-"],
        &["--frobnicate"],
    ] {
        let output = run(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
    }
}

fn check(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dockls"))
        .arg("check")
        .args(args)
        .arg(dir.join("Dockerfile"))
        .env("DOCKER_CONFIG", dir.join("no-docker-config"))
        .output()
        .unwrap()
}

/// `(code, line)` of each hint from a registry in `check --format json` output.
fn registry_hints(output: &Output) -> Vec<(String, u64)> {
    json(output)
        .iter()
        .filter(|d| {
            matches!(
                d["code"].as_str(),
                Some("pinned-digest-stale" | "unknown-tag")
            )
        })
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["range"]["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn check_with_the_network_adds_stale_pin_and_unknown_tag_hints() {
    let mut registry = Registry::start();
    let seeded = registry.seed();
    let host = registry.host.clone();
    let dir = temp_dir("check-network");
    // 2.0 pinned to the digest of 2.1: stale. 9.9 does not exist. 1.0 pinned right: current.
    std::fs::write(
        dir.join("Dockerfile"),
        format!(
            "FROM {host}/team/app:2.0@{}\nFROM {host}/team/app:9.9\nFROM {host}/team/app:1.0@{}\n",
            seeded.docker_list, seeded.oci_manifest
        ),
    )
    .unwrap();
    let json_args = ["--format", "json", "--fail-level", "hint"];

    // Without --network nothing is asked.
    let offline = check(&dir, &json_args);
    assert!(registry_hints(&offline).is_empty(), "{offline:?}");

    let mut args = json_args.to_vec();
    args.extend(["--network", "--insecure-registry", &host, "--timeout", "5"]);
    let online = check(&dir, &args);
    assert_eq!(
        registry_hints(&online),
        [
            ("pinned-digest-stale".to_owned(), 1),
            ("unknown-tag".to_owned(), 2)
        ],
        "{}",
        String::from_utf8_lossy(&online.stderr)
    );
    // Hints are findings at the hint level.
    assert_eq!(online.status.code(), Some(1));
    let human = check(&dir, &["--network", "--insecure-registry", &host]);
    let shown = String::from_utf8_lossy(&human.stdout);
    assert!(shown.contains(&seeded.oci_index), "{shown}");

    // A registry that is gone: a warning per image, no hints, and the other findings as usual.
    registry.stop();
    let gone = check(&dir, &args);
    assert!(registry_hints(&gone).is_empty());
    let warnings = String::from_utf8_lossy(&gone.stderr);
    assert!(warnings.contains("cannot ask the registry"), "{warnings}");

    // The registry options alone are a usage error.
    let usage = check(&dir, &["--insecure-registry", &host]);
    assert_eq!(usage.status.code(), Some(2));
}
