//! Parsing speed: the real corpus, each stress file, and the per-keystroke incremental reparse.
//!
//! Run with `cargo bench`; throughput is reported in bytes per second.

use std::path::{Path, PathBuf};

use divan::counter::BytesCount;
use divan::{black_box, Bencher};
use dockls::syntax;

fn main() {
    divan::main();
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()))
}

/// The files directly in `dir` whose names end in `.Dockerfile`, sorted.
fn dockerfiles_in(dir: &Path) -> Vec<PathBuf> {
    let entries = std::fs::read_dir(dir)
        .unwrap_or_else(|error| panic!("cannot list {}: {error}", dir.display()));
    let mut files: Vec<PathBuf> = entries
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.is_file() && path.extension().is_some_and(|ext| ext == "Dockerfile"))
        .collect();
    files.sort();
    files
}

/// Every real Dockerfile of the corpus, each parsed as its own document, in one iteration.
#[divan::bench]
fn real_corpus(bencher: Bencher) {
    let texts: Vec<Vec<u8>> = dockerfiles_in(&corpus_dir())
        .iter()
        .map(|path| read(path))
        .collect();
    let bytes: usize = texts.iter().map(Vec::len).sum();
    bencher.counter(BytesCount::new(bytes)).bench(|| {
        texts
            .iter()
            .map(|text| syntax::parse(black_box(text)))
            .collect::<Vec<_>>()
    });
}

const STRESS_FILES: &[&str] = &[
    "args_env_3000",
    "heredocs_1000",
    "many_stages_10k",
    "runs_5000",
    "single_run_1mb",
    "windows_escape_5k",
];

fn stress_file(name: &str) -> Vec<u8> {
    read(
        &corpus_dir()
            .join("stress")
            .join(format!("{name}.Dockerfile")),
    )
}

/// A full parse of one generated large file.
#[divan::bench(args = STRESS_FILES, sample_count = 30)]
fn stress(bencher: Bencher, name: &str) {
    let text = stress_file(name);
    bencher
        .counter(BytesCount::of_slice(&text))
        .bench(|| syntax::parse(black_box(&text)));
}

/// A one-byte edit in the middle of a stress file, then an incremental reparse: the cost of one
/// keystroke in a large document. The largest stress file is the case to watch.
///
/// Iterations alternate between inserting a space and deleting it again, so every iteration
/// applies a real edit to the tree of the previous one and the text stays bounded.
#[divan::bench(args = STRESS_FILES)]
fn incremental_reparse_after_one_byte_edit(bencher: Bencher, name: &str) {
    let without_space = stress_file(name);
    let middle = without_space.len() / 2;
    let mut with_space = without_space.clone();
    with_space.insert(middle, b' ');
    let insert = syntax::edit_for_replacement(&without_space, middle..middle, b" ");
    let delete = syntax::edit_for_replacement(&with_space, middle..middle + 1, b"");

    let mut tree = syntax::parse(&without_space);
    let mut space_present = false;
    bencher.bench_local(move || {
        let (edit, text) = if space_present {
            (&delete, &without_space)
        } else {
            (&insert, &with_space)
        };
        tree.edit(edit);
        tree = syntax::reparse(black_box(text), &tree);
        space_present = !space_present;
    });
}
