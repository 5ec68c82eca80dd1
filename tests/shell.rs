//! The shell scripts of RUN instructions: the source map is exact (every byte of a script copied
//! from the Dockerfile maps back to the same byte, the map covers the whole script) on every
//! corpus file, the stress and invalid files included, and on generated RUNs with random
//! continuations, escape characters, comment lines, heredocs and exec forms.

mod common;

use dockls::shell::{self, Script};
use dockls::snapshot::Snapshot;
use proptest::prelude::*;

/// Checks the map of every script of `text`; returns how many scripts there were.
fn check_maps(text: &str) -> Result<usize, String> {
    let snapshot = Snapshot::from_text(text);
    let scripts = shell::scripts(snapshot.model(), text);
    for script in &scripts {
        let run = snapshot.model().instructions[script.instruction]
            .range
            .clone();
        check_map(text, script, run)?;
    }
    Ok(scripts.len())
}

fn check_map(text: &str, script: &Script, run: std::ops::Range<usize>) -> Result<(), String> {
    if !script.map_is_complete() {
        return Err(format!("the map leaves gaps in {:?}", script.text));
    }
    for (inner, outer) in script.verbatim_parts() {
        if script.text.get(inner.clone()) != text.get(outer.clone()) {
            return Err(format!("{inner:?} and {outer:?} differ"));
        }
        if outer.start < run.start || outer.end > run.end {
            return Err(format!("{outer:?} lies outside its RUN {run:?}"));
        }
        // Every range inside a verbatim part maps to the same characters.
        let whole = script.source_range(inner.clone());
        if whole != outer {
            return Err(format!("{inner:?} maps to {whole:?}, not {outer:?}"));
        }
    }
    let all = script.source_range(0..script.text.len());
    if all.end > text.len() || all.start > all.end {
        return Err(format!("the whole script maps to {all:?}"));
    }
    Ok(())
}

#[test]
fn source_maps_are_exact_on_the_corpus() {
    let mut files = 0;
    let mut scripts = 0;
    for root in common::corpus_roots() {
        for path in common::dockerfiles_under(&root) {
            let bytes = std::fs::read(&path).expect("a readable corpus file");
            let text = String::from_utf8_lossy(&bytes);
            match check_maps(&text) {
                Ok(n) => scripts += n,
                Err(error) => panic!("{}: {error}", path.display()),
            }
            files += 1;
        }
    }
    assert!(files > 0 && scripts > 0, "{files} files, {scripts} scripts");
}

/// Pieces of RUN instructions: continuations, comment and empty lines inside them, heredocs,
/// exec forms with JSON escapes.
const PIECES: &[&str] = &[
    "RUN apt-get update \\\n    && apt-get install -y curl\n",
    "RUN echo a \\\n# comment\n\n  b | cat\n",
    "RUN echo \"x \\\" y\" \\ \n  'z'\n",
    "RUN <<EOF\nset -e\necho $HOME | tr a b\nEOF\n",
    "RUN <<-EOF\n\techo tab\n\tEOF\n",
    "RUN bash <<EOF\necho in bash\nEOF\n",
    "RUN <<A cat >a <<B\nfirst\nA\nsecond\nB\n",
    "RUN [\"sh\", \"-c\", \"echo \\\"q\\\" \\u00e9 \\\\ done\"]\n",
    "RUN [\"/bin/bash\", \"-euo\", \"pipefail\", \"-c\", \"a | b\"]\n",
    "SHELL [\"/bin/bash\", \"-c\"]\n",
    "ONBUILD RUN cd x && make\n",
    "RUN é \\\n  ü\n",
    "RUN \\\n",
];

proptest! {
    #[test]
    fn source_maps_are_exact_on_generated_runs(
        pieces in prop::collection::vec(0..PIECES.len(), 1..12),
        backtick in any::<bool>(),
    ) {
        let mut text = String::new();
        if backtick {
            text.push_str("# escape=`\n");
        }
        text.push_str("FROM alpine\n");
        for piece in pieces {
            let piece = PIECES[piece];
            if backtick {
                text.push_str(&piece.replace(" \\\n", " `\n"));
            } else {
                text.push_str(piece);
            }
        }
        if let Err(error) = check_maps(&text) {
            return Err(TestCaseError::fail(format!("{error}\n{text}")));
        }
    }
}
