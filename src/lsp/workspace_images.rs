//! Completion of the images the workspace already uses, at the image of a FROM (`FROM |`,
//! `FROM --platform=$P alp|`): the base images of the open documents and of the Dockerfiles
//! under the workspace folders, the most used first.
//!
//! The files are found by a walk in the background (`spawn_blocking`), bounded in depth, in
//! entries visited, in files read and in the size of each file, honouring `.gitignore` and
//! `.ignore` as `dockls check` does; its result is kept and walked again when it is older than
//! [`RESCAN_AFTER`] and a completion asks. A completion never waits for it: the first one after
//! startup offers only the open documents' images. No network is involved.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use ropey::Rope;
use tower_lsp_server::ls_types as lsp;

use super::convert::{self, PositionEncoding};
use super::settings;
use crate::document::Document;
use crate::knowledge::is_dockerfile_name;
use crate::snapshot::Snapshot;

/// A walk older than this is done again when a completion asks.
const RESCAN_AFTER: Duration = Duration::from_secs(30);
/// Directory entries a walk looks at, at most (over all folders).
const MAX_ENTRIES: usize = 20_000;
/// Dockerfiles a walk reads, at most.
const MAX_FILES: usize = 500;
/// Larger files are skipped: a Dockerfile this big is a stress test, not a base image list.
const MAX_FILE_BYTES: u64 = 1 << 20;
/// Directory levels below a workspace folder a walk enters.
const MAX_DEPTH: usize = 10;
/// Items offered at most; the list is marked incomplete past this.
const MAX_ITEMS: usize = 100;

/// The base images written in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileImages {
    pub path: PathBuf,
    pub images: Vec<String>,
}

/// The workspace folders and what the last walk found under them.
#[derive(Debug, Default)]
pub struct WorkspaceImages {
    folders: Mutex<Vec<PathBuf>>,
    found: Mutex<Found>,
    walking: Arc<AtomicBool>,
}

#[derive(Debug, Default)]
struct Found {
    at: Option<Instant>,
    files: Arc<Vec<FileImages>>,
}

impl WorkspaceImages {
    /// Sets the folders to walk (from `initialize`); forgets what was found under others.
    pub fn set_folders(&self, folders: Vec<PathBuf>) {
        *self.folders.lock().unwrap_or_else(PoisonError::into_inner) = folders;
        *self.found.lock().unwrap_or_else(PoisonError::into_inner) = Found::default();
    }

    /// What the last walk found, at once; starts a walk in the background when none ran yet
    /// or the last is older than [`RESCAN_AFTER`] (never two at a time). Must be called on
    /// the tokio runtime.
    pub fn files(self: &Arc<Self>) -> Arc<Vec<FileImages>> {
        let (stale, files) = {
            let found = self.found.lock().unwrap_or_else(PoisonError::into_inner);
            let stale = found.at.is_none_or(|at| at.elapsed() >= RESCAN_AFTER);
            (stale, found.files.clone())
        };
        if stale && !self.walking.swap(true, Ordering::AcqRel) {
            let this = self.clone();
            let folders = self
                .folders
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone();
            tokio::task::spawn_blocking(move || {
                let files = walk(&folders);
                *this.found.lock().unwrap_or_else(PoisonError::into_inner) = Found {
                    at: Some(Instant::now()),
                    files: Arc::new(files),
                };
                this.walking.store(false, Ordering::Release);
            });
        }
        files
    }
}

/// The workspace folders of `initialize`: its `workspaceFolders`, else its `rootUri`.
#[allow(deprecated)] // rootUri: the only root of clients without workspace folders.
pub fn folders(params: &lsp::InitializeParams) -> Vec<PathBuf> {
    match &params.workspace_folders {
        Some(folders) if !folders.is_empty() => folders
            .iter()
            .filter_map(|folder| settings::file_path(&folder.uri))
            .collect(),
        _ => params
            .root_uri
            .as_ref()
            .and_then(settings::file_path)
            .into_iter()
            .collect(),
    }
}

/// The base images of the Dockerfiles under `folders`, within the bounds above, sorted by path.
pub fn walk(folders: &[PathBuf]) -> Vec<FileImages> {
    let Some((first, rest)) = folders.split_first() else {
        return Vec::new();
    };
    let mut builder = ignore::WalkBuilder::new(first);
    for folder in rest {
        builder.add(folder);
    }
    let walk = builder
        .hidden(false)
        .require_git(false)
        .max_depth(Some(MAX_DEPTH))
        .max_filesize(Some(MAX_FILE_BYTES))
        .filter_entry(|entry| {
            !matches!(
                entry.file_name().to_str(),
                Some(".git" | "node_modules" | "target")
            )
        })
        .build();
    let mut found = Vec::new();
    for entry in walk.take(MAX_ENTRIES).flatten() {
        if found.len() == MAX_FILES {
            break;
        }
        let named = entry.file_name().to_str().is_some_and(is_dockerfile_name);
        // Only regular files: reading a FIFO could block the walk forever.
        if !named || !entry.file_type().is_some_and(|kind| kind.is_file()) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        let snapshot = Snapshot::new(&Document::new(&text));
        let images = base_images(&snapshot, None);
        if !images.is_empty() {
            found.push(FileImages {
                path: entry.into_path(),
                images,
            });
        }
    }
    found.sort_by(|a, b| a.path.cmp(&b.path));
    found
}

/// The base images of a document, as ARG defaults resolve them: not earlier stages, not
/// `scratch`, not references that still hold a variable, and not the one whose range holds
/// `except` (the image being typed).
pub fn base_images(snapshot: &Snapshot, except: Option<usize>) -> Vec<String> {
    snapshot
        .model()
        .stages
        .iter()
        .filter(|stage| stage.base_stage.is_none())
        .filter_map(|stage| stage.image.as_ref())
        .filter(|image| except.is_none_or(|at| !(image.range.start <= at && at <= image.range.end)))
        .filter_map(|image| image.resolved.clone())
        .filter(|image| !image.contains('$') && !image.eq_ignore_ascii_case("scratch"))
        .collect()
}

/// The range of the image being typed at `offset` when it is the image of a FROM: the first
/// word after `FROM` and its flags, up to `offset`, with no tag or digest begun (after `:` or
/// `@` the registry's tags and digests take over). On one line only: a FROM continued with a
/// backslash before its image gets nothing here.
pub fn image_at(text: &str, offset: usize) -> Option<Range<usize>> {
    let offset = crate::text::floor_char_boundary(text, offset);
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..offset];
    let word_start = before.rfind(|c: char| c.is_whitespace()).map_or(0, |i| {
        i + before[i..].chars().next().map_or(1, char::len_utf8)
    });
    let word = &before[word_start..];
    let mut words = before[..word_start].split_whitespace();
    let keyword = words.next()?;
    if !keyword.eq_ignore_ascii_case("FROM")
        || !words.all(|w| w.starts_with("--"))
        || word.starts_with('-')
        || word.contains([':', '@'])
    {
        return None;
    }
    Some(line_start + word_start..offset)
}

/// `items` (the analysis's completion) with the workspace's images added when `offset` is at
/// the image of a FROM. `open` holds the base images of the open documents by path (the one
/// being edited without the image being typed); they replace what the walk read from the same
/// files.
pub fn complete(
    walked: &[FileImages],
    open: &[(Option<PathBuf>, Vec<String>)],
    snapshot: &Snapshot,
    rope: &Rope,
    offset: usize,
    encoding: PositionEncoding,
    mut items: Vec<lsp::CompletionItem>,
) -> lsp::CompletionResponse {
    let Some(typed) = image_at(snapshot.text(), offset) else {
        return lsp::CompletionResponse::Array(items);
    };
    let replace = convert::range(rope, typed.clone(), encoding);
    let files: Vec<(Option<&Path>, &[String])> = walked
        .iter()
        .map(|file| (Some(file.path.as_path()), file.images.as_slice()))
        .chain(
            open.iter()
                .map(|(path, images)| (path.as_deref(), images.as_slice())),
        )
        .collect();
    let taken: Vec<String> = items.iter().map(|item| item.label.clone()).collect();
    let taken: Vec<&str> = taken.iter().map(String::as_str).collect();
    let (used, cut) = self::items(&files, &snapshot.text()[typed], &taken, replace);
    if used.is_empty() {
        return lsp::CompletionResponse::Array(items);
    }
    items.extend(used);
    lsp::CompletionResponse::List(lsp::CompletionList {
        is_incomplete: cut,
        items,
    })
}

/// Completion items for the images in `files` (later entries for the same path replace earlier
/// ones, so open documents can override what the walk read) that start with `typed`, the most
/// used first, leaving out `taken` labels; and whether the list was cut.
pub fn items(
    files: &[(Option<&Path>, &[String])],
    typed: &str,
    taken: &[&str],
    replace: lsp::Range,
) -> (Vec<lsp::CompletionItem>, bool) {
    let mut by_path: HashMap<Option<&Path>, &[String]> = HashMap::new();
    let mut unnamed = Vec::new();
    for (path, images) in files {
        match path {
            Some(_) => {
                by_path.insert(*path, images);
            }
            None => unnamed.push(*images),
        }
    }
    // Image -> (uses, files that use it).
    let mut used: HashMap<&str, (usize, Vec<&Path>)> = HashMap::new();
    for (path, images) in by_path
        .iter()
        .map(|(p, i)| (*p, *i))
        .chain(unnamed.into_iter().map(|i| (None, i)))
    {
        for image in images {
            let entry = used.entry(image.as_str()).or_default();
            entry.0 += 1;
            if let Some(path) = path {
                if !entry.1.contains(&path) {
                    entry.1.push(path);
                }
            }
        }
    }
    let mut ranked: Vec<(&str, (usize, Vec<&Path>))> = used
        .into_iter()
        .filter(|(image, _)| image.starts_with(typed) && !taken.contains(image))
        .collect();
    ranked.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(b.0)));
    let cut = ranked.len() > MAX_ITEMS;
    let items = ranked
        .into_iter()
        .take(MAX_ITEMS)
        .enumerate()
        .map(|(rank, (image, (uses, mut paths)))| {
            paths.sort();
            (rank, image, uses, paths)
        })
        .map(|(rank, image, uses, paths)| lsp::CompletionItem {
            label: image.to_owned(),
            kind: Some(lsp::CompletionItemKind::MODULE),
            detail: Some(detail(uses, &paths)),
            sort_text: Some(format!("~{rank:04}")),
            text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit {
                range: replace,
                new_text: image.to_owned(),
            })),
            ..lsp::CompletionItem::default()
        })
        .collect();
    (items, cut)
}

fn detail(uses: usize, paths: &[&Path]) -> String {
    let times = if uses == 1 {
        "once".to_owned()
    } else {
        format!("{uses} times")
    };
    match paths {
        [] => format!("used {times} in the workspace"),
        [one] => format!("used {times} in the workspace: {}", short(one)),
        [first, rest @ ..] => format!(
            "used {times} in the workspace: {} and {} more",
            short(first),
            rest.len()
        ),
    }
}

/// The last two components of a path: enough to tell `api/Dockerfile` from `web/Dockerfile`.
fn short(path: &Path) -> String {
    let mut parts: Vec<_> = path.iter().rev().take(2).collect();
    parts.reverse();
    parts.iter().collect::<PathBuf>().display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range() -> lsp::Range {
        lsp::Range::default()
    }

    fn images(text: &str) -> Vec<String> {
        base_images(&Snapshot::new(&Document::new(text)), None)
    }

    #[test]
    fn the_image_position_of_a_from() {
        fn at(text: &str) -> Option<&str> {
            image_at(text, text.len()).map(|r| &text[r])
        }
        assert_eq!(at("FROM "), Some(""));
        assert_eq!(at("FROM alp"), Some("alp"));
        assert_eq!(at("from --platform=$BUILDPLATFORM gol"), Some("gol"));
        assert_eq!(at("FROM a\nRUN x\nFROM  reg.io/te"), Some("reg.io/te"));
        // A tag or digest is the registry's business; flags and later words are not images.
        assert_eq!(at("FROM alpine:"), None);
        assert_eq!(at("FROM alpine@sha"), None);
        assert_eq!(at("FROM --pla"), None);
        assert_eq!(at("FROM alpine AS b"), None);
        assert_eq!(at("RUN alp"), None);
        assert_eq!(at(""), None);
        // Any offset, any bytes: an answer or none, never a panic.
        let text = "FROM é\u{3000}x";
        for offset in 0..=text.len() + 2 {
            let _ = image_at(text, offset);
        }
    }

    #[test]
    fn base_images_resolve_args_and_skip_stages_scratch_and_variables() {
        let text = "ARG V=3.19\nARG UNSET\nFROM alpine:${V} AS a\nFROM a\nFROM scratch\n\
                    FROM debian:$UNSET\nFROM --platform=$BUILDPLATFORM golang:1.22\n";
        assert_eq!(images(text), ["alpine:3.19", "golang:1.22"]);
        let snapshot = Snapshot::new(&Document::new("FROM alp\nFROM node\n"));
        assert_eq!(base_images(&snapshot, Some(8)), ["node"]);
    }

    #[test]
    fn most_used_first_filtered_and_open_documents_override_the_walk() {
        let a = PathBuf::from("/w/api/Dockerfile");
        let b = PathBuf::from("/w/web/Dockerfile");
        let walked_a = vec!["node:20".to_owned(), "alpine:3.19".to_owned()];
        let walked_b = vec!["alpine:3.19".to_owned()];
        let open_a = vec!["python:3.12".to_owned()];
        let unsaved = vec!["alpine:3.19".to_owned()];
        let files = [
            (Some(a.as_path()), walked_a.as_slice()),
            (Some(b.as_path()), walked_b.as_slice()),
            (Some(a.as_path()), open_a.as_slice()),
            (None, unsaved.as_slice()),
        ];
        let (found, cut) = items(&files, "", &[], range());
        let labels: Vec<_> = found.iter().map(|i| i.label.as_str()).collect();
        // node:20 was only in the walked version of api/Dockerfile, which is open and changed.
        assert_eq!(labels, ["alpine:3.19", "python:3.12"]);
        assert!(!cut);
        assert_eq!(
            found[0].detail.as_deref(),
            Some("used 2 times in the workspace: web/Dockerfile")
        );
        let (found, _) = items(&files, "py", &["python:3.12"], range());
        assert!(found.is_empty());
        let (found, _) = items(&files, "py", &[], range());
        assert_eq!(found.len(), 1);
    }

    #[test]
    fn many_images_are_cut() {
        let many: Vec<String> = (0..MAX_ITEMS + 5).map(|i| format!("img{i}")).collect();
        let (found, cut) = items(&[(None, many.as_slice())], "", &[], range());
        assert_eq!(found.len(), MAX_ITEMS);
        assert!(cut);
    }

    #[test]
    fn the_walk_finds_dockerfiles_and_honours_its_bounds() {
        let root = std::env::temp_dir().join(format!("dockls-walk-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let write = |path: &str, text: &str| {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write("api/Dockerfile", "FROM node:20\nFROM alpine:3.19\n");
        write("web/Containerfile", "FROM nginx:1.27\n");
        write("web/build.Dockerfile", "FROM golang:1.22 AS b\nFROM b\n");
        write("docs/README.md", "FROM not-an-image\n");
        write("node_modules/x/Dockerfile", "FROM from-node-modules\n");
        write("ignored/Dockerfile", "FROM from-ignored\n");
        write(".ignore", "ignored/\n");
        let mut deep = String::new();
        for level in 0..MAX_DEPTH + 2 {
            deep.push_str(&format!("d{level}/"));
        }
        write(&format!("{deep}Dockerfile"), "FROM too-deep\n");
        let found = walk(std::slice::from_ref(&root));
        let mut all: Vec<&str> = found
            .iter()
            .flat_map(|f| f.images.iter().map(String::as_str))
            .collect();
        all.sort();
        assert_eq!(all, ["alpine:3.19", "golang:1.22", "nginx:1.27", "node:20"]);
        assert!(walk(&[]).is_empty());
        assert!(walk(&[root.join("missing")]).is_empty());
        std::fs::remove_dir_all(&root).unwrap();
    }
}
