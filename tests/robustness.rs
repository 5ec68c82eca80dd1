//! No input makes the analysis panic: every diagnostic, and completion and hover at many
//! offsets (inside multi-byte characters too), of the hostile files and of real ones.

use std::path::Path;

use dockls::analysis::Analysis;
use dockls::completion::CompletionConfig;
use dockls::hover::HoverConfig;

fn exercise(name: &str, text: &str) {
    let analysis = Analysis::from_text(text);
    for diagnostic in analysis.diagnostics() {
        assert!(
            diagnostic.range.start <= diagnostic.range.end && diagnostic.range.end <= text.len(),
            "{name}: diagnostic {} out of bounds: {:?}",
            diagnostic.code,
            diagnostic.range
        );
        for fix in diagnostic.fixes.iter().filter(|_| text.len() < 64 * 1024) {
            let after = dockls::diagnostic::apply_edits(text, &fix.edits);
            // The fixed text analyses without a panic too.
            let _ = Analysis::from_text(&after).diagnostics();
        }
    }
    // About 300 offsets in a small file (every byte in a tiny one), 40 in a large one.
    let samples = if text.len() > 64 * 1024 { 40 } else { 300 };
    let step = (text.len() / samples).max(1);
    for offset in (0..=text.len()).step_by(step) {
        for snippets in [true, false] {
            for item in analysis.completion(offset, &CompletionConfig { snippets }) {
                assert!(
                    item.replace.start <= item.replace.end && item.replace.end <= text.len(),
                    "{name}@{offset}: {item:?}"
                );
            }
        }
        for markdown in [true, false] {
            if let Some(hover) = analysis.hover(offset, &HoverConfig { markdown }) {
                assert!(hover.range.end <= text.len(), "{name}@{offset}: {hover:?}");
            }
        }
    }
}

#[test]
fn hostile_and_real_files_never_panic() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut paths: Vec<_> = std::fs::read_dir(corpus.join("invalid"))
        .expect("tests/corpus/invalid exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    // A sample of real files: every tenth, in a stable order.
    let mut real: Vec<_> = std::fs::read_dir(&corpus)
        .expect("tests/corpus exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    real.sort();
    paths.extend(real.into_iter().step_by(10));
    paths.sort();
    for path in paths {
        let bytes = std::fs::read(&path).expect("readable");
        let text = String::from_utf8_lossy(&bytes);
        exercise(&path.display().to_string(), &text);
    }
}

#[test]
fn odd_snippets_never_panic() {
    for text in [
        "",
        "\u{feff}",
        "FROM",
        "FROM ${",
        "RUN <<",
        "RUN <<EOF\n",
        "COPY --from=",
        "RUN --mount=type=cache,",
        "# escape=`\nRUN a `",
        "ONBUILD ONBUILD ONBUILD",
        "ENV \"",
        "ARG A=${A:-${A:-${A}}}\nFROM $A",
        "FROM a AS b\nFROM b AS a\nCOPY --from=a x y",
        "HEALTHCHECK --interval=",
        "EXPOSE 99999999999999999999/tcp",
        "FROM é😀\nRUN é😀 \\\n😀",
        "\r\r\n\r",
        "RUN [\"a\", 1, [2], {\"k\": null}]",
    ] {
        exercise(&format!("{text:?}"), text);
    }
}
