//! Semantic tokens over the whole corpus: every file, including the stress files and the hostile
//! inputs under `invalid/`, gives sorted, non-overlapping, single-line tokens on char
//! boundaries, and a range request gives exactly the full tokens that intersect the range.

mod common;

use std::ops::Range;
use std::path::Path;

use common::{corpus_roots, dockerfiles_under, Lcg};
use dockls::analysis::Analysis;
use dockls::tokens::{tokens, Modifiers, Token, TokenKind};

fn check_invariants(path: &Path, text: &str, all: &[Token]) {
    let legend_bits = (1u32 << Modifiers::ALL.len()) - 1;
    let mut end = 0;
    for token in all {
        let range = &token.range;
        assert!(
            range.start < range.end && range.end <= text.len(),
            "{}: empty or out of bounds {range:?}",
            path.display()
        );
        assert!(
            range.start >= end,
            "{}: {range:?} overlaps or is out of order",
            path.display()
        );
        let covered = text
            .get(range.clone())
            .unwrap_or_else(|| panic!("{}: {range:?} not on char boundaries", path.display()));
        assert!(
            !covered.contains(['\n', '\r']),
            "{}: {range:?} spans a line break",
            path.display()
        );
        assert!(TokenKind::ALL.contains(&token.kind));
        assert_eq!(token.modifiers.0 & !legend_bits, 0);
        end = range.end;
    }
}

/// A few ranges per file: the start, the end, and some in the middle, one of them tiny.
fn sample_ranges(len: usize, random: &mut Lcg) -> Vec<Range<usize>> {
    let mut ranges = vec![0..len.min(200), len.saturating_sub(300)..len];
    for _ in 0..4 {
        let start = random.below(len + 1);
        let width = [1, 40, 2000][random.below(3)];
        ranges.push(start..(start + width).min(len));
    }
    ranges
}

#[test]
fn corpus_tokens_are_sane_and_ranges_agree() {
    let mut random = Lcg(7);
    let mut files = 0;
    for root in corpus_roots() {
        for path in dockerfiles_under(&root) {
            let bytes = std::fs::read(&path).expect("a readable corpus file");
            let text = String::from_utf8_lossy(&bytes);
            let analysis = Analysis::from_text(&text);
            let all = tokens(&analysis, None);
            check_invariants(&path, &text, &all);
            // At least the keyword of a known instruction is a token.
            if analysis.model().instructions.iter().any(|i| i.known) {
                assert!(!all.is_empty(), "{}: no tokens", path.display());
            }
            for range in sample_ranges(text.len(), &mut random) {
                let expected: Vec<Token> = all
                    .iter()
                    .filter(|t| t.range.start < range.end && range.start < t.range.end)
                    .cloned()
                    .collect();
                assert_eq!(
                    tokens(&analysis, Some(range.clone())),
                    expected,
                    "{}: range {range:?}",
                    path.display()
                );
            }
            files += 1;
        }
    }
    assert!(files > 0, "no corpus files found");
}
