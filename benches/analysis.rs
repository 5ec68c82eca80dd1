//! Analysis speed: the model, all diagnostics (syntax errors and every rule), completion and
//! hover, on the real corpus and on each stress file. These are the per-keystroke costs of the
//! language server beyond reparsing.
//!
//! Run with `cargo bench --bench analysis`.

use std::path::{Path, PathBuf};

use divan::counter::BytesCount;
use divan::{black_box, Bencher};
use dockls::analysis::{Analysis, CompletionConfig, HoverConfig};

fn main() {
    divan::main();
}

const STRESS_FILES: &[&str] = &[
    "args_env_3000",
    "heredocs_1000",
    "many_stages_10k",
    "runs_5000",
    "single_run_1mb",
    "windows_escape_5k",
];

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

fn read(path: &Path) -> String {
    let bytes =
        std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    String::from_utf8_lossy(&bytes).into_owned()
}

fn stress(name: &str) -> String {
    read(
        &corpus_dir()
            .join("stress")
            .join(format!("{name}.Dockerfile")),
    )
}

fn real_corpus() -> Vec<String> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .expect("tests/corpus exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "Dockerfile"))
        .collect();
    paths.sort();
    paths.iter().map(|p| read(p)).collect()
}

/// Parse, model and every diagnostic of each real Dockerfile, in one iteration.
#[divan::bench]
fn corpus_diagnostics(bencher: Bencher) {
    let texts = real_corpus();
    let bytes: usize = texts.iter().map(String::len).sum();
    bencher.counter(BytesCount::new(bytes)).bench(|| {
        texts
            .iter()
            .map(|t| Analysis::from_text(black_box(t)).diagnostics().len())
            .sum::<usize>()
    });
}

/// The model of an already parsed stress file.
#[divan::bench(args = STRESS_FILES, sample_count = 20)]
fn model(bencher: Bencher, name: &str) {
    let text = stress(name);
    let document = dockls::text::Document::new(&text);
    bencher
        .counter(BytesCount::new(text.len()))
        .bench(|| Analysis::new(black_box(&document)));
}

/// Every diagnostic of an analysed stress file.
#[divan::bench(args = STRESS_FILES, sample_count = 20)]
fn diagnostics(bencher: Bencher, name: &str) {
    let analysis = Analysis::from_text(&stress(name));
    bencher.bench(|| black_box(&analysis).diagnostics().len());
}

/// Completion and hover in the middle of a stress file.
#[divan::bench(args = STRESS_FILES, sample_count = 50)]
fn completion_and_hover(bencher: Bencher, name: &str) {
    let text = stress(name);
    let analysis = Analysis::from_text(&text);
    let middle = text[..text.len() / 2].rfind('\n').map_or(0, |i| i + 1);
    let completion = CompletionConfig { snippets: true };
    let hover = HoverConfig { markdown: true };
    bencher.bench(|| {
        let items = analysis.completion(black_box(middle), &completion).len();
        let hovered = analysis.hover(black_box(middle), &hover).is_some();
        (items, hovered)
    });
}
