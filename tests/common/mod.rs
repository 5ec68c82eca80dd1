//! Helpers shared by the integration tests: a deterministic generator and the corpus.

use std::path::{Path, PathBuf};

/// A small deterministic generator, so a failure reproduces from its seed.
#[allow(dead_code)] // Not every test crate that includes this module generates.
pub struct Lcg(pub u64);

#[allow(dead_code)]
impl Lcg {
    pub fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// The corpus directories: the vendored `tests/corpus/`, and `../shared/corpus` when present.
#[allow(dead_code)] // Not every test crate that includes this module walks the corpus.
pub fn corpus_roots() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut roots = vec![root.join("tests/corpus")];
    let shared = root.join("../shared/corpus");
    if shared.is_dir() {
        roots.push(shared);
    }
    roots
}

/// Whether a file names itself a Dockerfile or Containerfile.
#[allow(dead_code)]
pub fn is_dockerfile(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    name.contains("dockerfile") || name.contains("containerfile")
}

/// Every Dockerfile under `dir`, subdirectories included, sorted.
#[allow(dead_code)]
pub fn dockerfiles_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = std::fs::read_dir(&dir)
            .unwrap_or_else(|error| panic!("cannot list {}: {error}", dir.display()));
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if is_dockerfile(&path) {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}
