//! The fix engine: applies the safe fixes of a document round after round until none is left.
//! `dockls check --fix` and the editor's `source.fixAll` both call [`fix_all`], so the same file
//! with the same settings is fixed to the same text wherever it is fixed.
//!
//! A round takes, from the diagnostics of the current text, first the file-wide fix of each
//! rule that declares one ([`Fixes::SafeWithFileFix`]) and reports, then the first safe fix of
//! every other diagnostic, skipping any fix whose edits touch the bytes of one already taken.
//! A skipped fix is not lost: its diagnostic is found again in the next round, against the new
//! text. A fix must never break the file: when a round's fixes together add syntax errors, only
//! those that add none on their own are applied (or the first of them, when even they break it
//! together). Rounds end when no safe fix is left, when every one left would break the file, or
//! after [`MAX_ROUNDS`].

use std::ops::Range;

use crate::diagnostic::{apply_edits, Diagnostic, Edit, SYNTAX_ERROR};
use crate::diagnostics::diagnostics;
use crate::rules::{self, Context, Fixes, RuleConfig};
use crate::snapshot::Snapshot;
use crate::syntax;

/// The most rounds run: a fix can uncover another (a merged RUN that is now followed by another
/// RUN), but two fixes that undo each other must not loop forever.
pub const MAX_ROUNDS: usize = 10;

/// Why the engine stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixEnd {
    /// No safe fix is left.
    Done,
    /// Safe fixes are left, but each would add syntax errors to the file, so none is applied.
    WouldBreak,
    /// [`MAX_ROUNDS`] rounds ran and safe fixes were still found.
    TooManyRounds,
}

/// The outcome of [`fix_all`].
#[derive(Debug, Clone)]
pub struct FixedText {
    pub text: String,
    /// How many fixes were applied, over all rounds.
    pub applied: usize,
    pub rounds: usize,
    pub end: FixEnd,
    /// The diagnostics of `text`.
    pub diagnostics: Vec<Diagnostic>,
}

/// Applies the safe fixes of `text` until none is left; see the module documentation.
pub fn fix_all(text: &str, config: &RuleConfig, dockerignore: Option<&str>) -> FixedText {
    let snapshot = Snapshot::from_text(text);
    let current = diagnostics(&snapshot, config, dockerignore);
    fix_all_from(snapshot, current, config, dockerignore)
}

/// [`fix_all`] from a snapshot and its diagnostics with the same settings, already computed.
pub fn fix_all_from(
    mut snapshot: Snapshot,
    mut current: Vec<Diagnostic>,
    config: &RuleConfig,
    dockerignore: Option<&str>,
) -> FixedText {
    let mut applied = 0;
    let mut rounds = 0;
    let end = loop {
        let context = Context::new(&snapshot, config, dockerignore);
        let fixes = one_round(&context, &current);
        if fixes.is_empty() {
            break FixEnd::Done;
        }
        if rounds == MAX_ROUNDS {
            break FixEnd::TooManyRounds;
        }
        let text = snapshot.text();
        let errors = syntax_errors(&current);
        let breaks = |new_text: &str| count_syntax_errors(new_text) > errors;
        let mut chosen = fixes;
        let mut new_text = apply_edits(text, &chosen.concat());
        if breaks(&new_text) {
            // Some fix breaks the file: keep those that do not, alone; the others stay undone.
            chosen.retain(|edits| !breaks(&apply_edits(text, edits)));
            chosen.truncate(if breaks(&apply_edits(text, &chosen.concat())) {
                1
            } else {
                chosen.len()
            });
            if chosen.is_empty() {
                break FixEnd::WouldBreak;
            }
            new_text = apply_edits(text, &chosen.concat());
        }
        if new_text == text {
            break FixEnd::Done;
        }
        snapshot = Snapshot::from_text(&new_text);
        current = diagnostics(&snapshot, config, dockerignore);
        applied += chosen.len();
        rounds += 1;
    };
    FixedText {
        text: snapshot.text().to_owned(),
        applied,
        rounds,
        end,
        diagnostics: current,
    }
}

impl FixedText {
    /// Edits that turn `original` (the text given to [`fix_all`]) into the fixed text, one per
    /// changed run of lines, trimmed to the bytes that differ: what an editor applies, so that
    /// the lines a fix does not touch keep their marks and folds.
    pub fn edits_from(&self, original: &str) -> Vec<Edit> {
        changes(original, &self.text)
    }
}

/// Edits from `old` to `new`, from a diff of their lines.
fn changes(old: &str, new: &str) -> Vec<Edit> {
    let diff = similar::TextDiff::from_lines(old, new);
    let starts = |slices: Vec<&str>| -> Vec<usize> {
        let mut offsets = vec![0];
        for slice in slices {
            offsets.push(offsets.last().copied().unwrap_or(0) + slice.len());
        }
        offsets
    };
    let old_starts = starts(diff.iter_old_slices().collect());
    let new_starts = starts(diff.iter_new_slices().collect());
    let mut edits: Vec<Edit> = Vec::new();
    let mut pending: Option<(Range<usize>, Range<usize>)> = None;
    for op in diff.ops() {
        let (tag, old_lines, new_lines) = op.as_tag_tuple();
        let old_bytes = old_starts[old_lines.start]..old_starts[old_lines.end];
        let new_bytes = new_starts[new_lines.start]..new_starts[new_lines.end];
        if tag == similar::DiffTag::Equal {
            edits.extend(pending.take().map(|(o, n)| trimmed(old, new, o, n)));
            continue;
        }
        // Adjacent changes become one edit: LSP clients apply touching edits in no set order.
        pending = Some(match pending.take() {
            Some((o, n)) => (o.start..old_bytes.end, n.start..new_bytes.end),
            None => (old_bytes, new_bytes),
        });
    }
    edits.extend(pending.map(|(o, n)| trimmed(old, new, o, n)));
    edits
}

/// The edit replacing `old[old_range]` by `new[new_range]`, without the bytes both share at
/// their start and end (kept on character boundaries).
fn trimmed(old: &str, new: &str, old_range: Range<usize>, new_range: Range<usize>) -> Edit {
    let (a, b) = (&old[old_range.clone()], &new[new_range]);
    let mut prefix = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    while !a.is_char_boundary(prefix) || !b.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let (a_rest, b_rest) = (&a[prefix..], &b[prefix..]);
    let mut suffix = a_rest
        .bytes()
        .rev()
        .zip(b_rest.bytes().rev())
        .take_while(|(x, y)| x == y)
        .count();
    while !a_rest.is_char_boundary(a_rest.len() - suffix)
        || !b_rest.is_char_boundary(b_rest.len() - suffix)
    {
        suffix -= 1;
    }
    let start = old_range.start + prefix;
    Edit {
        range: start..old_range.end - suffix,
        new_text: b_rest[..b_rest.len() - suffix].to_owned(),
    }
}

/// The fixes of one round, each as its edits; no two touch the same bytes.
fn one_round(context: &Context, current: &[Diagnostic]) -> Vec<Vec<Edit>> {
    let mut fixes: Vec<Vec<Edit>> = Vec::new();
    let mut taken: Vec<Edit> = Vec::new();
    let mut fixed_file_wide: Vec<&str> = Vec::new();
    for diagnostic in current {
        let Some(rule) = rules::named(diagnostic.code) else {
            continue;
        };
        if !matches!(rule.fixes, Fixes::SafeWithFileFix(_)) || fixed_file_wide.contains(&rule.name)
        {
            continue;
        }
        let fix = rules::file_fix(rule, context)
            .filter(|fix| fix.safe && !fix.is_snippet && !fix.edits.is_empty());
        if let Some(fix) = fix {
            if !conflicts(&taken, &fix.edits) {
                taken.extend(fix.edits.iter().cloned());
                fixes.push(fix.edits);
                fixed_file_wide.push(rule.name);
            }
        }
    }
    for diagnostic in current {
        if fixed_file_wide.contains(&diagnostic.code)
            || !rules::named(diagnostic.code).is_some_and(|rule| rule.fixes.has_safe())
        {
            continue;
        }
        let Some(fix) = diagnostic
            .fixes
            .iter()
            .find(|fix| fix.safe && !fix.is_snippet && !fix.edits.is_empty())
        else {
            continue;
        };
        if !conflicts(&taken, &fix.edits) {
            taken.extend(fix.edits.iter().cloned());
            fixes.push(fix.edits.clone());
        }
    }
    fixes
}

fn count_syntax_errors(text: &str) -> usize {
    syntax::syntax_errors(&syntax::parse(text), text.as_bytes()).len()
}

fn syntax_errors(diagnostics: &[Diagnostic]) -> usize {
    diagnostics
        .iter()
        .filter(|d| d.code == SYNTAX_ERROR)
        .count()
}

/// Whether any of `edits` touches the bytes of an edit in `taken` or of another in `edits`.
/// Two insertions at one offset conflict too: their order would be arbitrary.
fn conflicts(taken: &[Edit], edits: &[Edit]) -> bool {
    let overlaps = |a: &Range<usize>, b: &Range<usize>| {
        a.start < b.end && b.start < a.end || a.start == b.start
    };
    edits.iter().enumerate().any(|(index, edit)| {
        taken
            .iter()
            .chain(&edits[..index])
            .any(|other| overlaps(&other.range, &edit.range))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(text: &str) -> FixedText {
        fix_all(text, &RuleConfig::default(), None)
    }

    /// The example of issue 18: the editor's fix-all once left `from-as-casing` behind.
    #[test]
    fn every_safe_fix_is_applied_over_rounds() {
        let text = "FROM alpine:3.20\nRUN apk add curl\nRUN apk add git\nADD app.py /srv/\nfrom alpine:3.20 AS b\n";
        let result = fixed(text);
        assert_eq!(result.end, FixEnd::Done);
        assert_eq!(
            result.text,
            "FROM alpine:3.20\nRUN apk add --no-cache curl \\\n    && apk add --no-cache git\nCOPY app.py /srv/\nFROM alpine:3.20 AS b\n"
        );
        let left: Vec<&str> = result.diagnostics.iter().map(|d| d.code).collect();
        assert!(!left.contains(&"from-as-casing"), "{left:?}");
        let again = fixed(&result.text);
        assert_eq!(
            (again.text.as_str(), again.applied),
            (result.text.as_str(), 0)
        );
    }

    #[test]
    fn edits_from_the_original_give_the_fixed_text() {
        let text = "FROM alpine:3.20\nRUN apk add curl\nRUN apk add git\nADD app.py /srv/\nfrom alpine:3.20 AS b\n";
        let result = fixed(text);
        let edits = result.edits_from(text);
        assert_eq!(apply_edits(text, &edits), result.text);
        let texts: Vec<(&str, &str)> = edits
            .iter()
            .map(|e| (&text[e.range.clone()], e.new_text.as_str()))
            .collect();
        // Lines 2 to 5 all change (apk gets `--no-cache` too): one edit, trimmed to where they
        // differ.
        assert_eq!(
            texts,
            [(
                "curl\nRUN apk add git\nADD app.py /srv/\nfrom",
                "--no-cache curl \\\n    && apk add --no-cache git\nCOPY app.py /srv/\nFROM"
            )]
        );
        // Changes apart from each other stay apart.
        let text = "ADD app.py /srv/\nFROM alpine:3.20\nfrom alpine:3.20 AS b\n";
        let result = fixed(text);
        let edits = result.edits_from(text);
        let texts: Vec<(&str, &str)> = edits
            .iter()
            .map(|e| (&text[e.range.clone()], e.new_text.as_str()))
            .collect();
        assert_eq!(texts, [("ADD", "COPY"), ("from", "FROM")]);
    }

    #[test]
    fn changes_keep_to_characters_and_lines() {
        for (old, new) in [
            ("a\néb\n", "a\nèb\n"),
            ("", "x"),
            ("x", ""),
            ("same\n", "same\n"),
            ("a\r\nb", "a\nb\r\n"),
            ("ab\nab\nab\n", "ab\nab\n"),
        ] {
            let edits = changes(old, new);
            assert_eq!(
                apply_edits(old, &edits),
                new,
                "{old:?} -> {new:?}: {edits:?}"
            );
            for pair in edits.windows(2) {
                assert!(pair[0].range.end < pair[1].range.start, "{edits:?}");
            }
        }
        assert!(changes("same\n", "same\n").is_empty());
    }

    #[test]
    fn nothing_to_fix_is_done_at_once() {
        let result = fixed("FROM alpine:3.20\nRUN echo hi\n");
        assert_eq!(
            (result.applied, result.rounds, result.end),
            (0, 0, FixEnd::Done)
        );
    }

    #[test]
    fn overlapping_fixes_wait_for_the_next_round() {
        let edit = |range: Range<usize>| Edit {
            range,
            new_text: "x".to_owned(),
        };
        assert!(conflicts(&[edit(0..2)], &[edit(1..3)]));
        assert!(conflicts(&[edit(2..2)], &[edit(2..2)]));
        assert!(conflicts(&[], &[edit(0..2), edit(1..2)]));
        assert!(!conflicts(&[edit(0..1)], &[edit(1..2)]));
    }

    #[test]
    fn unsafe_and_snippet_fixes_are_left_alone() {
        // `untagged-base-image` offers only a snippet; `undefined-var` only unsafe fixes.
        let text = "FROM ubuntu\nRUN echo $UNDEFINED\n";
        let result = fixed(text);
        assert_eq!(result.text, text);
        assert_eq!(result.end, FixEnd::Done);
    }
}
