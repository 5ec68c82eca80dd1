//! The core's layers point one way: every module of `src/` imports only from its own layer or
//! the layers below it (as listed in `src/lib.rs`), and no modules import each other in a circle.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The layers as `src/lib.rs` lists them, bottom first: lines `//! N. `a`, `b`: ...`, where
/// the module names are the backquoted words before the first colon.
fn layers(lib: &str) -> Vec<Vec<String>> {
    let mut layers: Vec<Vec<String>> = Vec::new();
    let mut in_item = false;
    for line in lib.lines() {
        let Some(doc) = line.strip_prefix("//!") else {
            break;
        };
        let doc = doc.trim();
        let numbered = doc
            .split_once(". ")
            .filter(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
        if let Some((_, rest)) = numbered {
            layers.push(Vec::new());
            in_item = true;
            collect_names(rest, layers.last_mut().unwrap(), &mut in_item);
        } else if in_item && !doc.is_empty() {
            collect_names(doc, layers.last_mut().unwrap(), &mut in_item);
        } else {
            in_item = false;
        }
    }
    layers
}

/// Adds the backquoted names of `text` up to the first colon outside backquotes; clears
/// `in_item` once that colon is seen.
fn collect_names(text: &str, names: &mut Vec<String>, in_item: &mut bool) {
    let mut quoted = false;
    let mut current = String::new();
    for c in text.chars() {
        match c {
            '`' if quoted => {
                names.push(std::mem::take(&mut current));
                quoted = false;
            }
            '`' => quoted = true,
            ':' if !quoted => {
                *in_item = false;
                return;
            }
            c if quoted => current.push(c),
            _ => {}
        }
    }
}

/// The top-level module a file of `src/` belongs to (`rules` for `src/rules/hadolint/x.rs`).
fn module_of(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).unwrap();
    let first = relative.components().next().unwrap();
    let first = first.as_os_str().to_string_lossy();
    first.strip_suffix(".rs").unwrap_or(&first).to_owned()
}

/// The top-level modules a file refers to through `crate::` paths, in `use` items and inline,
/// with comments left out.
fn imports(source: &str) -> BTreeSet<String> {
    let code: String = source
        .lines()
        .map(|line| match line.find("//") {
            Some(i) => &line[..i],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n");
    let ident = |s: &str| -> String {
        s.trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut found = BTreeSet::new();
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let group = &group[..group.find(';').unwrap_or(group.len())];
            // Top-level items of the group: split at commas outside nested braces.
            let mut depth = 0;
            let mut start = 0;
            for (j, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        found.insert(ident(&group[start..j]));
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        found.insert(ident(&group[start..j]));
                        start = j + 1;
                    }
                    _ => {}
                }
            }
        } else {
            found.insert(ident(rest));
        }
    }
    found.retain(|name| !name.is_empty());
    found
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Module → the modules it imports, over all of `src/` except `lib.rs` and `main.rs`.
fn graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let module = module_of(src, &file);
        if module == "lib" || module == "main" {
            continue;
        }
        let imported = imports(&fs::read_to_string(&file).unwrap());
        let entry = graph.entry(module.clone()).or_default();
        entry.extend(imported.into_iter().filter(|m| *m != module));
    }
    graph
}

#[test]
fn no_module_imports_from_a_layer_above_its_own() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let layers = layers(&fs::read_to_string(src.join("lib.rs")).unwrap());
    assert!(layers.len() >= 5, "src/lib.rs lists its layers: {layers:?}");
    let layer_of: BTreeMap<&str, usize> = layers
        .iter()
        .enumerate()
        .flat_map(|(i, names)| names.iter().map(move |n| (n.as_str(), i)))
        .collect();
    let graph = graph(&src);

    let unlisted: Vec<&String> = graph
        .keys()
        .filter(|m| !layer_of.contains_key(m.as_str()))
        .collect();
    assert!(
        unlisted.is_empty(),
        "modules missing from the layers in src/lib.rs: {unlisted:?}"
    );

    let mut upward = Vec::new();
    for (module, imported) in &graph {
        let own = layer_of[module.as_str()];
        for other in imported {
            match layer_of.get(other.as_str()) {
                Some(&layer) if layer > own => upward.push(format!(
                    "{module} (layer {}) imports {other} (layer {})",
                    own + 1,
                    layer + 1
                )),
                _ => {}
            }
        }
    }
    assert!(upward.is_empty(), "upward imports:\n{}", upward.join("\n"));
}

#[test]
fn modules_import_each_other_in_no_circle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let graph = graph(&src);
    // Depth-first search; a module met again while still on the path closes a circle.
    fn visit<'g>(
        module: &'g str,
        graph: &'g BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<&'g str>,
        done: &mut BTreeSet<&'g str>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|m| *m == module) {
            let mut circle: Vec<String> = path[i..].iter().map(|m| m.to_string()).collect();
            circle.push(module.to_owned());
            return Some(circle);
        }
        if !done.insert(module) {
            return None;
        }
        path.push(module);
        for next in graph.get(module).into_iter().flatten() {
            if let Some(circle) = visit(next, graph, path, done) {
                return Some(circle);
            }
        }
        path.pop();
        None
    }
    let mut done = BTreeSet::new();
    for module in graph.keys() {
        let circle = visit(module, &graph, &mut Vec::new(), &mut done);
        assert!(
            circle.is_none(),
            "an import circle: {}",
            circle.unwrap().join(" -> ")
        );
    }
}

#[test]
fn the_import_reader_sees_groups_and_inline_paths() {
    let source =
        "use crate::{a::{X, Y}, b, c::Z};\n// crate::commented\nfn f() { crate::d::g(); }\n";
    let found: Vec<String> = imports(source).into_iter().collect();
    assert_eq!(found, ["a", "b", "c", "d"]);
    let lib = "//! 1. `x`, `y`: bottom.\n//! 2. `z`,\n//!    `w`: top `v`.\n\npub mod x;\n";
    assert_eq!(layers(lib), [vec!["x", "y"], vec!["z", "w"]]);
}
