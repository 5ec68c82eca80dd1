//! Runs symbols and navigation over every Dockerfile of the corpus (the vendored `tests/corpus/` and,
//! when present, the shared corpus next to the repository, `stress/` and `invalid/` included):
//! nothing panics, every range lies inside the text on character boundaries, and renames give
//! files whose model agrees with the original.

use std::collections::HashSet;
use std::ops::Range;
use std::path::{Path, PathBuf};

mod common;

use common::{corpus_roots, dockerfiles_under};
use dockls::analysis::Analysis;
use dockls::navigation::{self, HighlightKind};
use dockls::symbols::{self, Symbol};

/// How many cursor positions are tried in each file.
const OFFSETS_PER_FILE: usize = 200;

/// How many stages and variables of a file are renamed: each rename parses the file again, so
/// the large stress files get an evenly spread sample and ordinary files (every real-world file
/// of the corpus has fewer stages than this) all of them.
fn renames_per_file(text: &str) -> usize {
    if text.len() > 100_000 {
        5
    } else {
        30
    }
}

fn corpus_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = corpus_roots()
        .iter()
        .flat_map(|root| dockerfiles_under(root))
        .collect();
    assert!(files.len() > 10, "the corpus is missing: {files:?}");
    // The vendored corpus copies part of the shared one; each text is checked once.
    let mut seen = HashSet::new();
    files.retain(|path| {
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        seen.insert(bytes)
    });
    files
}

fn read(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    String::from_utf8_lossy(&bytes).into_owned()
}

fn assert_range(text: &str, range: &Range<usize>, what: &str, path: &Path) {
    assert!(
        range.start <= range.end && text.get(range.clone()).is_some(),
        "{}: {what} range {range:?} is not a slice of the text",
        path.display()
    );
}

fn assert_name_range(text: &str, range: &Range<usize>, what: &str, path: &Path) {
    assert_range(text, range, what, path);
    assert!(
        !range.is_empty(),
        "{}: {what} range {range:?} is empty",
        path.display()
    );
}

fn assert_sorted_unique(ranges: &[Range<usize>], what: &str, path: &Path) {
    for pair in ranges.windows(2) {
        assert!(
            pair[0].end <= pair[1].start,
            "{}: {what} ranges {:?} and {:?} are out of order or overlap",
            path.display(),
            pair[0],
            pair[1]
        );
    }
}

fn check_symbols(text: &str, symbols: &[Symbol], parent: Option<&Range<usize>>, path: &Path) {
    for symbol in symbols {
        assert_range(text, &symbol.range, "symbol", path);
        assert_range(text, &symbol.selection_range, "selection", path);
        assert!(
            symbol.range.start <= symbol.selection_range.start
                && symbol.selection_range.end <= symbol.range.end,
            "{}: selection {:?} of {:?} is outside its range {:?}",
            path.display(),
            symbol.selection_range,
            symbol.name,
            symbol.range
        );
        if let Some(parent) = parent {
            assert!(
                parent.start <= symbol.range.start && symbol.range.end <= parent.end,
                "{}: child {:?} {:?} is outside its parent {parent:?}",
                path.display(),
                symbol.name,
                symbol.range
            );
        }
        assert!(!symbol.name.is_empty() || symbol.range.is_empty());
        if let Some(detail) = &symbol.detail {
            assert!(
                !detail.contains('\n'),
                "{}: detail {detail:?}",
                path.display()
            );
            assert!(
                detail.chars().count() <= 61,
                "{}: detail {detail:?}",
                path.display()
            );
        }
        check_symbols(text, &symbol.children, Some(&symbol.range), path);
    }
}

/// Up to [`OFFSETS_PER_FILE`] character boundaries spread over the text, its end included.
fn offsets(text: &str) -> Vec<usize> {
    let step = (text.len() / OFFSETS_PER_FILE).max(1);
    let mut offsets: Vec<usize> = (0..=text.len())
        .step_by(step)
        .map(|mut offset| {
            while !text.is_char_boundary(offset) {
                offset -= 1;
            }
            offset
        })
        .collect();
    offsets.push(text.len());
    offsets.dedup();
    offsets
}

#[test]
fn symbols_of_every_corpus_file_are_well_formed() {
    for path in corpus_files() {
        let text = read(&path);
        let analysis = Analysis::from_text(&text);
        let outline = symbols::document_symbols(&analysis);
        check_symbols(&text, &outline, None, &path);
        let stages = outline
            .iter()
            .filter(|s| s.kind == symbols::SymbolKind::Stage)
            .count();
        assert_eq!(stages, analysis.model().stages.len(), "{}", path.display());
        check_symbols(&text, &symbols::workspace_symbols(&analysis), None, &path);
    }
}

#[test]
fn navigation_at_many_offsets_of_every_corpus_file() {
    let mut answered = 0usize;
    for path in corpus_files() {
        let text = read(&path);
        let analysis = Analysis::from_text(&text);
        for offset in offsets(&text) {
            let definitions = navigation::definition(&analysis, offset);
            for range in &definitions {
                assert_name_range(&text, range, "definition", &path);
            }
            let all = navigation::references(&analysis, offset, true);
            let uses = navigation::references(&analysis, offset, false);
            assert_sorted_unique(&all, "reference", &path);
            assert_sorted_unique(&uses, "reference", &path);
            for range in &all {
                assert_name_range(&text, range, "reference", &path);
            }
            assert!(uses.iter().all(|r| all.contains(r)), "{}", path.display());
            for range in &definitions {
                // A definition is one of the references, except for a variable whose use
                // resolves to a declaration of another variable (a global ARG seen from a stage).
                if !all.contains(range) {
                    let highlights = navigation::highlights(&analysis, range.start);
                    assert!(!highlights.is_empty(), "{}", path.display());
                }
            }
            let highlights = navigation::highlights(&analysis, offset);
            let highlighted: Vec<Range<usize>> =
                highlights.iter().map(|h| h.range.clone()).collect();
            assert_eq!(highlighted, all, "{} at {offset}", path.display());
            assert!(
                highlights
                    .iter()
                    .filter(|h| h.kind == HighlightKind::Read)
                    .all(|h| uses.contains(&h.range)),
                "{}",
                path.display()
            );
            if let Ok(range) = navigation::prepare_rename(&analysis, offset) {
                assert_name_range(&text, &range, "rename", &path);
                assert!(all.contains(&range), "{} at {offset}", path.display());
                answered += 1;
            }
        }
    }
    assert!(answered > 100, "only {answered} renamable positions found");
}

fn apply(text: &str, edits: &[dockls::diagnostic::Edit]) -> String {
    let mut out = text.to_owned();
    for edit in edits.iter().rev() {
        out.replace_range(edit.range.clone(), &edit.new_text);
    }
    out
}

/// Where `offset` of the old text is after `edits`, when no edit spans it.
fn shifted(edits: &[dockls::diagnostic::Edit], offset: usize) -> usize {
    let mut new = offset;
    for edit in edits.iter().filter(|e| e.range.end <= offset) {
        new = (new + edit.new_text.len()).saturating_sub(edit.range.len());
    }
    new
}

#[test]
fn renaming_each_corpus_stage_keeps_the_model() {
    let mut renamed = 0usize;
    for path in corpus_files() {
        let text = read(&path);
        let analysis = Analysis::from_text(&text);
        let named: Vec<Range<usize>> = analysis
            .model()
            .stages
            .iter()
            .filter_map(|s| s.name_range.clone())
            .collect();
        let step = named.len().div_ceil(renames_per_file(&text)).max(1);
        for (position, name_range) in named.iter().enumerate().step_by(step) {
            let offset = name_range.start;
            let new_name = format!("renamed-stage-{position}");
            let before = navigation::references(&analysis, offset, true);
            let edits = match navigation::rename(&analysis, offset, &new_name) {
                Ok(edits) => edits,
                Err(error) => panic!("{}: cannot rename at {offset}: {error}", path.display()),
            };
            assert_sorted_unique(
                &edits.iter().map(|e| e.range.clone()).collect::<Vec<_>>(),
                "edit",
                &path,
            );
            let new_text = apply(&text, &edits);
            let after = Analysis::from_text(&new_text);
            assert_eq!(
                after.model().stages.len(),
                analysis.model().stages.len(),
                "{}: renaming the stage at {offset} changed the number of stages",
                path.display()
            );
            let new_references = navigation::references(&after, shifted(&edits, offset), true);
            assert_eq!(
                new_references.len(),
                before.len(),
                "{}: renaming the stage at {offset} changed its references",
                path.display()
            );
            assert!(new_references
                .iter()
                .all(|r| new_text.get(r.clone()) == Some(new_name.as_str())
                    || new_text[r.clone()].bytes().all(|b| b.is_ascii_digit())));
            renamed += 1;
        }
    }
    assert!(renamed > 20, "only {renamed} stages renamed");
}

#[test]
fn renaming_each_corpus_variable_keeps_the_model() {
    let mut renamed = 0usize;
    for path in corpus_files() {
        let text = read(&path);
        let analysis = Analysis::from_text(&text);
        let model = analysis.model();
        let mut seen: Vec<Range<usize>> = Vec::new();
        let step = model
            .declarations
            .len()
            .div_ceil(renames_per_file(&text))
            .max(1);
        for declaration in model.declarations.iter().step_by(step) {
            let offset = declaration.name_range.start;
            if declaration.name_range.is_empty() || seen.contains(&declaration.name_range) {
                continue;
            }
            let before = navigation::references(&analysis, offset, true);
            seen.extend(before.iter().cloned());
            let Ok(edits) = navigation::rename(&analysis, offset, "ZZ_RENAMED_VARIABLE") else {
                continue;
            };
            let new_text = apply(&text, &edits);
            let after = Analysis::from_text(&new_text);
            let new_model = after.model();
            assert_eq!(new_model.declarations.len(), model.declarations.len());
            assert_eq!(new_model.uses.len(), model.uses.len(), "{}", path.display());
            // Each use still resolves to a declaration exactly when it did before.
            let shift = |old: usize| shifted(&edits, old);
            for (old, new) in model.uses.iter().zip(&new_model.uses) {
                assert_eq!(shift(old.name_range.start), new.name_range.start);
                assert_eq!(
                    old.declaration.is_some(),
                    new.declaration.is_some(),
                    "{}: the use at {:?} changed its resolution",
                    path.display(),
                    old.name_range
                );
            }
            let new_references = navigation::references(&after, shift(offset), true);
            assert_eq!(new_references.len(), before.len(), "{}", path.display());
            renamed += 1;
        }
    }
    assert!(renamed > 20, "only {renamed} variables renamed");
}
