//! What the unit tests of several modules share (compiled only for tests).

use std::path::{Path, PathBuf};

/// Every file of the project's own corpus (`tests/corpus`) and of the shared one beside the
/// checkout (`../shared/corpus`: real files, stress files and hostile ones), sorted.
pub fn corpus_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut pending = vec![root.join("tests/corpus"), root.join("../shared/corpus")];
    let mut files = Vec::new();
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}
