//! Incremental reparsing must give the tree a fresh parse gives.
//!
//! The external scanner carries state between tokens (escape character, heredoc delimiters,
//! comments inside continuations); if it failed to serialize any of it, a reparse that reuses
//! old subtrees would disagree with a parse from scratch. Random edits made of the characters
//! that drive that state find such disagreements.

use std::fs;
use std::path::Path;

mod common;

use common::Lcg;
use dockls::syntax;

const FRAGMENTS: &[&str] = &[
    "\\",
    "`",
    "\\\n",
    "`\n",
    "\n",
    "\r\n",
    " ",
    "#",
    "# c\n",
    "<<EOF",
    "<<-EOF",
    "\nEOF\n",
    "\tEOF",
    "\"",
    "'",
    "$",
    "${",
    "}",
    "[",
    "]",
    "\"a\", ",
    "=",
    ",",
    ":",
    "@",
    "--",
    "RUN ",
    "FROM ",
    "COPY ",
    "# escape=`\n",
    "# syntax=x\n",
    "EOF",
    "x",
    "\u{e9}",
    "\u{1F600}",
];

fn random_edit(rng: &mut Lcg, text: &[u8]) -> (std::ops::Range<usize>, Vec<u8>) {
    let start = rng.below(text.len() + 1);
    let removed = if rng.below(3) == 0 { rng.below(8) } else { 0 };
    let end = (start + removed).min(text.len());
    let inserted = if removed > 0 && rng.below(2) == 0 {
        Vec::new()
    } else {
        FRAGMENTS[rng.below(FRAGMENTS.len())].as_bytes().to_vec()
    };
    (start..end, inserted)
}

fn check_file(path: &Path, seed: u64, edits: usize) -> Result<(), String> {
    let mut text = fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut tree = syntax::parse(&text);
    let mut rng = Lcg(seed);
    for step in 0..edits {
        let (range, inserted) = random_edit(&mut rng, &text);
        let edit = syntax::edit_for_replacement(&text, range.clone(), &inserted);
        text.splice(range.clone(), inserted.iter().copied());
        tree.edit(&edit);
        tree = syntax::reparse(&text, &tree);
        let fresh = syntax::parse(&text);
        let incremental = tree.root_node().to_sexp();
        if incremental != fresh.root_node().to_sexp() {
            return Err(format!(
                "{} (seed {seed}, step {step}): replacing {range:?} with {:?} gives a tree that \
                 differs from a fresh parse\ntext:\n{}",
                path.display(),
                String::from_utf8_lossy(&inserted),
                String::from_utf8_lossy(&text),
            ));
        }
        // Keep the document small enough for the test to stay fast.
        if text.len() > 64 * 1024 {
            break;
        }
    }
    Ok(())
}

#[test]
fn incremental_reparse_matches_fresh_parse() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut files: Vec<_> = fs::read_dir(&corpus)
        .expect("tests/corpus exists")
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "Dockerfile"))
        .collect();
    files.sort();
    assert!(
        files.len() > 100,
        "expected the vendored corpus, found {} files",
        files.len()
    );

    let mut failures = Vec::new();
    for (index, path) in files.iter().enumerate() {
        if let Err(message) = check_file(path, index as u64 + 1, 40) {
            failures.push(message);
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn escape_directive_edit_relexes_the_whole_file() {
    let before = "# escape=\\\nRUN dir c:\\\nRUN echo `\n  done\n";
    let after = "# escape=`\nRUN dir c:\\\nRUN echo `\n  done\n";
    let mut tree = syntax::parse(before);
    let edit = syntax::edit_for_replacement(before.as_bytes(), 9..10, b"`");
    tree.edit(&edit);
    let tree = syntax::reparse(after, &tree);
    assert_eq!(
        tree.root_node().to_sexp(),
        syntax::parse(after).root_node().to_sexp()
    );
    // With the backtick as escape character, `c:\` ends its line and the backtick continues.
    let runs = tree.root_node().named_child_count();
    assert_eq!(runs, 3, "{}", tree.root_node().to_sexp());
}
