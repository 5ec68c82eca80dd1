//! A document edited many times keeps the text a plain string would have, and the tree a fresh
//! parse of that text gives, whatever the edits (multi-byte text, ranges inside characters or
//! past the end).

mod common;

use common::Lcg;
use dockls::document::Document;
use dockls::syntax;

const INSERTS: &[&str] = &[
    "RUN echo é\n",
    "中文",
    "😀",
    "\\\n",
    "`",
    "\r\n",
    "# escape=`\n",
    "<<EOF\n",
    "EOF\n",
    "\"",
    "${A:-",
    "}",
    " ",
    "FROM alpine AS x\n",
    "COPY --from=x /a /b\n",
    "ENV A=1 B=$A\n",
    "\n",
    "[\"a\", ",
];

/// Applies the same edit to a `String` the way the document should: the range clamped to the
/// text, an insertion inside a character moved to its start, a deletion widened to whole
/// characters.
fn apply_to_string(text: &mut String, start: usize, end: usize, insert: &str) {
    let insertion = end <= start;
    let mut start = start.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = end.max(start).min(text.len());
    if !insertion && end > start {
        while !text.is_char_boundary(end) {
            end += 1;
        }
    } else {
        end = start;
    }
    text.replace_range(start..end, insert);
}

#[test]
fn random_edits_keep_text_and_tree_in_step() {
    for seed in 1..=40u64 {
        let mut rng = Lcg(seed);
        let mut expected = String::from("FROM alpine:3.19\nRUN apk add curl \\\n  && echo ok\n");
        let mut document = Document::new(&expected);
        for step in 0..60 {
            let len = expected.len();
            let start = rng.below(len + 3);
            let end = start + if rng.below(3) == 0 { rng.below(12) } else { 0 };
            let insert = if rng.below(4) == 0 {
                ""
            } else {
                INSERTS[rng.below(INSERTS.len())]
            };
            apply_to_string(&mut expected, start, end, insert);
            document.edit(start..end, insert);
            // Several edits may come in one change; reparse only now and then.
            if rng.below(3) == 0 {
                document.reparse();
                let fresh = syntax::parse(&expected);
                assert_eq!(
                    document.tree().root_node().to_sexp(),
                    fresh.root_node().to_sexp(),
                    "seed {seed} step {step}: tree differs for {expected:?}\n{}\n{}",
                    document.tree().root_node().to_sexp(),
                    fresh.root_node().to_sexp()
                );
            }
            assert_eq!(document.text(), expected, "seed {seed} step {step}");
        }
    }
}
