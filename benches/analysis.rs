//! Analysis speed: the model, all diagnostics (syntax errors and every rule), completion and
//! hover, on the real corpus and on each stress file. These are the per-keystroke costs of the
//! language server beyond reparsing.
//!
//! Run with `cargo bench --bench analysis`.

use std::path::{Path, PathBuf};

use divan::counter::BytesCount;
use divan::{black_box, Bencher};
use dockls::analysis::Analysis;
use dockls::completion::CompletionConfig;
use dockls::hover::HoverConfig;

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
    let document = dockls::document::Document::new(&text);
    bencher
        .counter(BytesCount::new(text.len()))
        .bench(|| Analysis::new(black_box(&document)));
}

/// Every diagnostic of an analysed stress file (computed each time: `Analysis::diagnostics`
/// would answer from its memo after the first).
#[divan::bench(args = STRESS_FILES, sample_count = 20)]
fn diagnostics(bencher: Bencher, name: &str) {
    let analysis = Analysis::from_text(&stress(name));
    let config = dockls::rules::RuleConfig::default();
    bencher.bench(|| dockls::diagnostics::diagnostics(black_box(&analysis), &config, None).len());
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

/// Semantic tokens of a whole stress file (the analysis already built, as in the server).
#[divan::bench(args = STRESS_FILES, sample_count = 20)]
fn semantic_tokens(bencher: Bencher, name: &str) {
    let analysis = Analysis::from_text(&stress(name));
    bencher.bench(|| dockls::tokens::tokens(black_box(&analysis), None).len());
}

/// Semantic tokens of the real corpus, file by file.
#[divan::bench]
fn corpus_semantic_tokens(bencher: Bencher) {
    let analyses: Vec<Analysis> = real_corpus()
        .iter()
        .map(|t| Analysis::from_text(t))
        .collect();
    bencher.bench(|| {
        analyses
            .iter()
            .map(|a| dockls::tokens::tokens(black_box(a), None).len())
            .sum::<usize>()
    });
}

/// Formatting edits of a whole stress file.
#[divan::bench(args = STRESS_FILES, sample_count = 20)]
fn formatting(bencher: Bencher, name: &str) {
    let analysis = Analysis::from_text(&stress(name));
    let options = dockls::format::FormatOptions::default();
    bencher.bench(|| dockls::format::format(black_box(&analysis), &options).len());
}

/// The outline, folding ranges and inlay hints of the real corpus, file by file: what an editor
/// asks for when it shows a file.
#[divan::bench]
fn corpus_outline_folds_hints(bencher: Bencher) {
    let analyses: Vec<Analysis> = real_corpus()
        .iter()
        .map(|t| Analysis::from_text(t))
        .collect();
    let hints = dockls::inlay::InlayConfig::default();
    bencher.bench(|| {
        analyses
            .iter()
            .map(|a| {
                dockls::symbols::document_symbols(a).len()
                    + dockls::folding::folding_ranges(a).len()
                    + dockls::inlay::inlay_hints(a, 0..a.text().len(), &hints).len()
            })
            .sum::<usize>()
    });
}

/// Completion and hover at every instruction keyword of the real corpus (the positions an
/// editor asks about most), per request.
#[divan::bench]
fn corpus_completion_and_hover(bencher: Bencher) {
    let analyses: Vec<Analysis> = real_corpus()
        .iter()
        .map(|t| Analysis::from_text(t))
        .collect();
    let positions: Vec<(usize, usize)> = analyses
        .iter()
        .enumerate()
        .flat_map(|(i, a)| {
            a.model()
                .instructions
                .iter()
                .map(move |instruction| (i, instruction.keyword_range.end))
        })
        .collect();
    let completion = CompletionConfig { snippets: true };
    let hover = HoverConfig { markdown: true };
    let mut next = 0;
    bencher.bench_local(|| {
        let (file, offset) = positions[next % positions.len()];
        next += 1;
        let analysis = &analyses[file];
        let items = analysis.completion(black_box(offset), &completion).len();
        let hovered = analysis
            .hover(black_box(offset.saturating_sub(1)), &hover)
            .is_some();
        (items, hovered)
    });
}

/// The server's keystroke path on the 10,000-line stress file: a one-byte edit in the middle,
/// the incremental reparse, the analysis (model) and every diagnostic.
#[divan::bench(sample_count = 20)]
fn keystroke_to_diagnostics_many_stages_10k(bencher: Bencher) {
    let text = stress("many_stages_10k");
    // The end of a line in the middle of the file, where a user types.
    let at = text[text.len() / 2..]
        .find('\n')
        .map_or(text.len(), |i| text.len() / 2 + i);
    let mut document = dockls::document::Document::new(&text);
    let mut typed = false;
    bencher.bench_local(|| {
        // Type a character and delete it again, alternately, so the text stays the same size.
        if typed {
            document.edit(at..at + 1, "");
        } else {
            document.edit(at..at, "x");
        }
        typed = !typed;
        document.reparse();
        Analysis::new(&document).diagnostics().len()
    });
}

/// The keystroke path as the server takes it: the same edits, analysed incrementally (the model
/// reusing the unchanged instructions, the rule findings of untouched units from the memo), on
/// the 10,000-line file, the file of 5,000 RUNs in one stage and the 1 MB RUN.
#[divan::bench(args = ["many_stages_10k", "runs_5000", "single_run_1mb"], sample_count = 20)]
fn keystroke_incremental(bencher: Bencher, name: &str) {
    let text = stress(name);
    let at = text[text.len() / 2..]
        .find('\n')
        .map_or(text.len(), |i| text.len() / 2 + i);
    let mut document = dockls::document::Document::new(&text);
    let memo = std::sync::Arc::new(std::sync::Mutex::new(dockls::analysis::Memo::default()));
    Analysis::incremental(&document, memo.clone()).diagnostics();
    let mut typed = false;
    bencher.bench_local(|| {
        if typed {
            document.edit(at..at + 1, "");
        } else {
            document.edit(at..at, "x");
        }
        typed = !typed;
        document.reparse();
        Analysis::incremental(&document, memo.clone())
            .diagnostics()
            .len()
    });
}
