//! The checks the fuzz targets run, shared with `tests/fuzz_regressions.rs`, which replays saved
//! inputs through the same code on stable.
//!
//! Each check panics with a message naming the broken promise, which libFuzzer reports as a
//! crash. The checks test invariants that the modules document, not only the absence of panics:
//! ranges inside the text and on character boundaries, sorted output where it is promised, a
//! formatter whose output formats to itself, an incremental reparse that agrees with a fresh one,
//! and a framing filter whose every message tower-lsp-server can decode.
//!
//! This file depends only on crates that dockls itself depends on, so the regression test can
//! include it with `#[path]` without new dev-dependencies.

use std::ops::Range;

use dockls::analysis::Analysis;
use dockls::completion::CompletionConfig;
use dockls::diagnostic::Severity;
use dockls::format::{self, FormatOptions};
use dockls::hover::HoverConfig;
use dockls::inlay::{self, InlayConfig};
use dockls::{folding, links, selection, signature, syntax};

/// Inputs shorter than this are queried at every offset; longer ones at a sample.
const EVERY_OFFSET_BELOW: usize = 32;

/// How many evenly spread offsets a longer input is queried at.
const SPREAD_OFFSETS: usize = 24;

/// How many fixed texts get a full diagnostics run (every fixed text is parsed and modelled).
const FIXES_RECHECKED: usize = 4;

/// The offsets at which position-based features are queried: all of them for a short text;
/// otherwise evenly spread ones (which land inside multi-byte characters as often as the text
/// has them), the interiors of the first few multi-byte characters, and the end.
pub fn sample_offsets(text: &str) -> Vec<usize> {
    let len = text.len();
    if len < EVERY_OFFSET_BELOW {
        return (0..=len).collect();
    }
    let mut offsets: Vec<usize> = (0..=SPREAD_OFFSETS)
        .map(|i| i * len / SPREAD_OFFSETS)
        .collect();
    offsets.extend(
        text.char_indices()
            .filter(|(_, c)| c.len_utf8() > 1)
            .take(8)
            .map(|(at, _)| at + 1),
    );
    offsets.push(len);
    offsets.sort_unstable();
    offsets.dedup();
    offsets
}

/// The nearest character boundary at or before `offset`, within the text.
pub fn floor_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The nearest character boundary at or after `offset`, within the text.
pub fn ceil_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset += 1;
    }
    offset
}

/// A text for a failure message: quoted, and cut after 400 characters (the crashing input is
/// saved whole by libFuzzer).
fn preview(text: &str) -> String {
    match text.char_indices().nth(400) {
        Some((at, _)) => format!("{:?}…", text.get(..at).unwrap_or_default()),
        None => format!("{text:?}"),
    }
}

/// Asserts that `range` is a well-formed range of `text` on character boundaries.
fn assert_range(text: &str, range: &Range<usize>, what: impl FnOnce() -> String) {
    let ok = range.start <= range.end
        && range.end <= text.len()
        && text.is_char_boundary(range.start)
        && text.is_char_boundary(range.end);
    if !ok {
        panic!(
            "{}: range {range:?} is not a range of the {}-byte text on character boundaries",
            what(),
            text.len()
        );
    }
}

/// Asserts that `offset` is in `text` and on a character boundary.
fn assert_offset(text: &str, offset: usize, what: impl FnOnce() -> String) {
    if offset > text.len() || !text.is_char_boundary(offset) {
        panic!(
            "{}: offset {offset} is not a character boundary of the {}-byte text",
            what(),
            text.len()
        );
    }
}

/// Asserts that edits are sorted, do not overlap and lie on character boundaries.
fn assert_edits(text: &str, edits: &[dockls::diagnostic::Edit], what: &str) {
    for edit in edits {
        assert_range(text, &edit.range, || format!("{what} edit {edit:?}"));
    }
    for pair in edits.windows(2) {
        if let [first, second] = pair {
            assert!(
                first.range.end <= second.range.start,
                "{what}: edits out of order or overlapping: {first:?} then {second:?}"
            );
        }
    }
}

/// Whether the tree of `analysis` has a syntax error or a missing node anywhere.
fn has_syntax_errors(analysis: &Analysis) -> bool {
    analysis.tree().root_node().has_error()
}

/// The line starts as an LSP client counts lines: after `\n`, `\r\n` and a lone `\r`.
fn lsp_line_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    for (i, &byte) in bytes.iter().enumerate() {
        if byte == b'\n' || (byte == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
            starts.push(i + 1);
        }
    }
    starts
}

/// Runs every analysis feature on `bytes` (read as UTF-8 with replacement characters) and checks
/// what each returns.
pub fn check_analysis(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let text: &str = &text;
    let analysis = Analysis::from_text(text);
    let offsets = sample_offsets(text);

    check_diagnostics(&analysis);
    check_formatting(&analysis, &offsets);
    check_folding(&analysis);
    check_links(&analysis);
    check_inlay_hints(&analysis, &offsets);
    for &offset in &offsets {
        check_completion(&analysis, offset);
        check_hover(&analysis, offset);
        check_selection(&analysis, offset);
        check_signature(&analysis, offset);
    }
    check_tokens(&analysis, &offsets);
    check_symbols(&analysis);
    let mut renamed = false;
    for &offset in &offsets {
        renamed |= check_navigation(&analysis, offset, !renamed);
    }
}

/// The Dockerfiles a shell text is tried in: shell form with its lines joined by
/// continuations, a lone heredoc, `bash` fed a heredoc, and the exec form of a shell with
/// pipefail.
pub fn shell_dockerfiles(script: &str) -> Vec<String> {
    let continued = script.replace('\n', " \\\n");
    let quoted = serde_json::to_string(script).unwrap_or_else(|_| "\"\"".to_owned());
    vec![
        format!("FROM debian\nRUN {continued}\n"),
        format!("FROM alpine\nRUN <<EOF\n{script}\nEOF\n"),
        format!("# escape=`\nFROM ubuntu\nARG V=1\nRUN bash <<'X' && echo $V\n{script}\nX\n"),
        format!("FROM debian\nRUN [\"/bin/bash\", \"-euo\", \"pipefail\", \"-c\", {quoted}]\n"),
    ]
}

/// Arbitrary bytes as the shell of a RUN, in each of [`shell_dockerfiles`]: the source map of
/// every script, then the shell rules (in the diagnostics), semantic tokens, hover, completion
/// and navigation at offsets inside the RUN.
pub fn check_shell(bytes: &[u8]) {
    let script = String::from_utf8_lossy(bytes);
    for dockerfile in shell_dockerfiles(&script) {
        let analysis = Analysis::from_text(&dockerfile);
        check_scripts(&analysis);
        check_diagnostics(&analysis);
        let text = analysis.text();
        let run = text.find("RUN").unwrap_or(0);
        let offsets: Vec<usize> = sample_offsets(&text[run..])
            .into_iter()
            .map(|o| run + o)
            .collect();
        check_tokens(&analysis, &offsets);
        for &offset in &offsets {
            check_hover(&analysis, offset);
            check_completion(&analysis, offset);
            check_navigation(&analysis, offset, false);
        }
    }
}

/// The scripts of every RUN and their source maps: every byte of a script comes from one part
/// of the map, the parts copied verbatim hold the same text in the Dockerfile, every mapped
/// range and piece lies in the RUN on character boundaries, and a script offset maps back to
/// itself.
pub fn check_scripts(analysis: &Analysis) {
    let text = analysis.text();
    let model = analysis.model();
    for script in analysis.scripts() {
        let Some(instruction) = model.instructions.get(script.instruction) else {
            panic!(
                "a script of instruction {} that does not exist",
                script.instruction
            );
        };
        let run = instruction.range.clone();
        assert!(
            script.map_is_complete(),
            "the map of {:?} has a gap",
            script.text
        );
        for (inner, outer) in script.verbatim_parts() {
            assert!(
                script.text.get(inner.clone()) == text.get(outer.clone()),
                "script bytes {inner:?} and Dockerfile bytes {outer:?} differ"
            );
        }
        let len = script.text.len();
        let boundaries: Vec<usize> = sample_offsets(&script.text)
            .into_iter()
            .filter(|&o| script.text.is_char_boundary(o))
            .collect();
        for pair in boundaries.windows(2) {
            let range = pair[0]..pair[1];
            let mapped = script.source_range(range.clone());
            assert_range(text, &mapped, || format!("script range {range:?}"));
            assert!(
                run.start <= mapped.start && mapped.end <= run.end,
                "script range {range:?} maps to {mapped:?}, outside the RUN {run:?}"
            );
            let mut end = mapped.start;
            for piece in script.source_pieces(range.clone()) {
                assert_range(text, &piece, || format!("a piece of {range:?}"));
                assert!(
                    end <= piece.start && piece.end <= mapped.end,
                    "the pieces of {range:?} are out of order or outside {mapped:?}"
                );
                end = piece.end;
            }
        }
        for &offset in &boundaries {
            let source = script.source_offset(offset);
            assert_offset(text, source, || format!("script offset {offset}"));
            if let Some(back) = script.script_offset(source) {
                assert!(
                    back <= len,
                    "offset {source} maps to {back}, past the script"
                );
            }
        }
        for reference in script.references() {
            assert_range(&script.text, &reference.range, || {
                format!("reference to {}", reference.name)
            });
        }
        for command in &script.commands {
            for word in &command.words {
                assert_range(&script.text, &word.range, || {
                    format!("word {:?}", word.text)
                });
            }
        }
    }
}

/// Semantic tokens: in the text, on character boundaries, sorted, not overlapping, never across
/// a line break; a range request gives the full tokens that meet the range.
fn check_tokens(analysis: &Analysis, offsets: &[usize]) {
    let text = analysis.text();
    let all = dockls::tokens::tokens(analysis, None);
    for token in &all {
        assert_range(text, &token.range, || format!("token {token:?}"));
        assert!(!token.range.is_empty(), "empty token {token:?}");
        let piece = &text[token.range.clone()];
        assert!(
            !piece.contains(['\n', '\r']),
            "token {token:?} spans a line break"
        );
    }
    for pair in all.windows(2) {
        assert!(
            pair[0].range.end <= pair[1].range.start,
            "tokens {:?} and {:?} overlap or are out of order",
            pair[0],
            pair[1]
        );
    }
    if let (Some(&first), Some(&last)) = (offsets.first(), offsets.get(offsets.len() / 2)) {
        let range = floor_boundary(text, first.min(last))..floor_boundary(text, first.max(last));
        let ranged = dockls::tokens::tokens(analysis, Some(range.clone()));
        let expected: Vec<_> = all
            .iter()
            .filter(|t| t.range.start < range.end && range.start < t.range.end)
            .map(|t| t.range.clone())
            .collect();
        if !range.is_empty() {
            let got: Vec<_> = ranged.iter().map(|t| t.range.clone()).collect();
            assert_eq!(got, expected, "tokens of {range:?}");
        }
    }
}

/// Document symbols: selection inside range, children inside their parent.
fn check_symbols(analysis: &Analysis) {
    fn walk(text: &str, symbols: &[dockls::symbols::Symbol], parent: Option<&Range<usize>>) {
        for symbol in symbols {
            assert_range(text, &symbol.range, || format!("symbol {:?}", symbol.name));
            assert_range(text, &symbol.selection_range, || {
                format!("symbol {:?} selection", symbol.name)
            });
            assert!(
                symbol.range.start <= symbol.selection_range.start
                    && symbol.selection_range.end <= symbol.range.end,
                "symbol {:?}: selection {:?} outside {:?}",
                symbol.name,
                symbol.selection_range,
                symbol.range
            );
            if let Some(parent) = parent {
                assert!(
                    parent.start <= symbol.range.start && symbol.range.end <= parent.end,
                    "symbol {:?} outside its parent",
                    symbol.name
                );
            }
            walk(text, &symbol.children, Some(&symbol.range));
        }
    }
    let text = analysis.text();
    walk(text, &dockls::symbols::document_symbols(analysis), None);
    walk(text, &dockls::symbols::workspace_symbols(analysis), None);
}

/// Definition, references, highlights and rename: ranges in the text; a rename's edits apply
/// and give text that still analyses (when `rename`, once per input: it analyses again).
/// Returns whether it renamed.
fn check_navigation(analysis: &Analysis, offset: usize, rename: bool) -> bool {
    use dockls::navigation;
    let text = analysis.text();
    for range in navigation::definition(analysis, offset) {
        assert_range(text, &range, || format!("definition at {offset}"));
    }
    let references = navigation::references(analysis, offset, true);
    for range in &references {
        assert_range(text, range, || format!("reference at {offset}"));
    }
    for pair in references.windows(2) {
        assert!(
            pair[0].end <= pair[1].start,
            "references overlap at {offset}"
        );
    }
    for highlight in navigation::highlights(analysis, offset) {
        assert_range(text, &highlight.range, || format!("highlight at {offset}"));
    }
    if let Ok(range) = navigation::prepare_rename(analysis, offset) {
        assert_range(text, &range, || format!("prepareRename at {offset}"));
        if rename {
            if let Ok(edits) = navigation::rename(analysis, offset, "renamed") {
                assert_edits(text, &edits, "rename");
                let renamed = dockls::diagnostic::apply_edits(text, &edits);
                let _ = Analysis::from_text(&renamed).diagnostics();
                return true;
            }
        }
    }
    false
}

/// Diagnostics, and every fix of every diagnostic applied and the result analysed again.
fn check_diagnostics(analysis: &Analysis) {
    let text = analysis.text();
    let diagnostics = analysis.diagnostics();
    // A fix on a file that BuildKit rejects (an unknown instruction, say) may well leave it
    // rejected; only fixes on files without errors must not make one.
    let clean = !has_syntax_errors(analysis)
        && diagnostics
            .iter()
            .all(|diagnostic| diagnostic.severity != Severity::Error);
    let mut rechecked = 0;
    for diagnostic in diagnostics {
        assert_range(text, &diagnostic.range, || {
            format!("diagnostic {} ({})", diagnostic.code, diagnostic.message)
        });
        for fix in &diagnostic.fixes {
            for edit in &fix.edits {
                assert_range(text, &edit.range, || {
                    format!("fix {:?} of {}: edit {edit:?}", fix.title, diagnostic.code)
                });
            }
            let fixed = dockls::diagnostic::apply_edits(text, &fix.edits);
            let after = Analysis::from_text(&fixed);
            if clean && fix.safe && !fix.is_snippet {
                assert!(
                    !has_syntax_errors(&after),
                    "the safe fix {:?} of {} made a syntax error in {}: {}",
                    fix.title,
                    diagnostic.code,
                    preview(text),
                    preview(&fixed)
                );
            }
            if rechecked < FIXES_RECHECKED {
                rechecked += 1;
                for later in after.diagnostics() {
                    assert_range(&fixed, &later.range, || {
                        format!("diagnostic {} after a fix", later.code)
                    });
                }
            }
        }
    }
}

/// Document, range and on-type formatting; formatting a text without syntax errors gives a text
/// without syntax errors that formats to itself.
fn check_formatting(analysis: &Analysis, offsets: &[usize]) {
    let text = analysis.text();
    let options = FormatOptions::default();
    let edits = format::format(analysis, &options);
    assert_edits(text, &edits, "format");
    for edit in &edits {
        assert!(
            text.get(edit.range.clone()) != Some(edit.new_text.as_str()),
            "format: the edit {edit:?} changes nothing"
        );
    }
    if !has_syntax_errors(analysis) {
        let formatted = format::apply(text, &edits);
        let again = Analysis::from_text(&formatted);
        assert!(
            !has_syntax_errors(&again),
            "formatting made a syntax error: {} became {}",
            preview(text),
            preview(&formatted)
        );
        let second = format::apply(&formatted, &format::format(&again, &options));
        assert!(
            second == formatted,
            "formatting is not idempotent: {} became {}, then {}",
            preview(text),
            preview(&formatted),
            preview(&second)
        );
    }

    let tabs = FormatOptions {
        tab_size: 2,
        insert_spaces: false,
    };
    assert_edits(text, &format::format(analysis, &tabs), "format with tabs");

    let ends = [
        offsets.first().copied().unwrap_or(0),
        offsets.get(offsets.len() / 3).copied().unwrap_or(0),
        offsets.get(offsets.len() * 2 / 3).copied().unwrap_or(0),
        text.len(),
    ];
    for (start, end) in [
        (ends[0], ends[3]),
        (ends[1], ends[2]),
        (ends[2], ends[2]),
        (ends[3], ends[0]),
    ] {
        let ranged = format::format_range(analysis, start..end, &options);
        assert_edits(text, &ranged, "format_range");
        for edit in &ranged {
            assert!(
                edits.contains(edit),
                "format_range {start}..{end}: {edit:?} is not an edit of the whole-document format"
            );
        }
    }

    for &offset in offsets {
        let after_newline = offset > 0 && text.as_bytes().get(offset - 1) == Some(&b'\n');
        if after_newline {
            let typed = format::on_type(analysis, offset, '\n', &options);
            assert_edits(text, &typed, "on_type");
        }
    }
    if let Some(&offset) = offsets.get(offsets.len() / 2) {
        let typed = format::on_type(analysis, offset, 'x', &options);
        assert!(
            typed.is_empty(),
            "on_type does something for a character other than a newline: {typed:?}"
        );
    }
}

/// Folding ranges: in the text, sorted by start, no two on one line, no trailing line break.
fn check_folding(analysis: &Analysis) {
    let text = analysis.text();
    let folds = folding::folding_ranges(analysis);
    let starts = lsp_line_starts(text);
    let line_of = |offset: usize| starts.partition_point(|&start| start <= offset);
    for fold in &folds {
        assert_range(text, &fold.range, || format!("fold {fold:?}"));
        let covered = text.get(fold.range.clone()).unwrap_or_default();
        assert!(
            !covered.ends_with(['\n', '\r']),
            "fold {fold:?} ends with a line break"
        );
    }
    for pair in folds.windows(2) {
        if let [first, second] = pair {
            assert!(
                first.range.start <= second.range.start,
                "folds out of order: {first:?} then {second:?}"
            );
            assert!(
                line_of(first.range.start) != line_of(second.range.start),
                "two folds start on one line: {first:?} and {second:?}"
            );
        }
    }
}

/// Document links: in the text, in file order, each with a target.
fn check_links(analysis: &Analysis) {
    let text = analysis.text();
    let links = links::document_links(analysis);
    for link in &links {
        assert_range(text, &link.range, || format!("link {link:?}"));
        assert!(!link.target.is_empty(), "link without a target: {link:?}");
    }
    for pair in links.windows(2) {
        if let [first, second] = pair {
            assert!(
                first.range.start <= second.range.start,
                "links out of order: {first:?} then {second:?}"
            );
        }
    }
}

/// Inlay hints for the whole text and for a part of it: on boundaries, sorted, in the range.
fn check_inlay_hints(analysis: &Analysis, offsets: &[usize]) {
    let text = analysis.text();
    let middle = offsets.get(offsets.len() / 2).copied().unwrap_or(0);
    for range in [0..text.len(), middle..text.len(), 0..middle] {
        let hints = inlay::inlay_hints(analysis, range.clone(), &InlayConfig::default());
        for hint in &hints {
            assert_offset(text, hint.offset, || format!("inlay hint {hint:?}"));
            assert!(
                range.start <= hint.offset && hint.offset <= range.end,
                "inlay hint {hint:?} outside the requested range {range:?}"
            );
            assert!(
                !hint.label.is_empty(),
                "inlay hint without a label: {hint:?}"
            );
        }
        for pair in hints.windows(2) {
            if let [first, second] = pair {
                assert!(
                    first.offset <= second.offset,
                    "inlay hints out of order: {first:?} then {second:?}"
                );
            }
        }
    }
}

/// Completion, with and without snippets: each item replaces a range around the cursor.
fn check_completion(analysis: &Analysis, offset: usize) {
    let text = analysis.text();
    // An offset inside a character counts from its start (a finding of this target).
    let cursor = floor_boundary(text, offset);
    for snippets in [true, false] {
        for item in analysis.completion(offset, &CompletionConfig { snippets }) {
            assert_range(text, &item.replace, || {
                format!("completion at {offset}: {:?}", item.label)
            });
            assert!(
                item.replace.start <= cursor && cursor <= item.replace.end,
                "completion at {offset}: {:?} replaces {:?}, away from the cursor",
                item.label,
                item.replace
            );
            assert!(
                snippets || !item.is_snippet,
                "completion at {offset}: {:?} is a snippet though snippets are off",
                item.label
            );
        }
    }
}

/// Hover, as markdown and as plain text.
fn check_hover(analysis: &Analysis, offset: usize) {
    let text = analysis.text();
    for markdown in [true, false] {
        if let Some(hover) = analysis.hover(offset, &HoverConfig { markdown }) {
            assert_range(text, &hover.range, || format!("hover at {offset}"));
            assert!(
                !hover.contents.trim().is_empty(),
                "hover at {offset} without contents"
            );
        }
    }
}

/// Selection ranges: innermost first, each strictly containing the one before, around the cursor.
fn check_selection(analysis: &Analysis, offset: usize) {
    let text = analysis.text();
    let cursor = floor_boundary(text, offset);
    let ranges = selection::selection_ranges(analysis, offset);
    for range in &ranges {
        assert_range(text, range, || format!("selection range at {offset}"));
        assert!(
            range.start <= cursor && cursor <= range.end,
            "selection range {range:?} at {offset} does not contain the cursor"
        );
    }
    for pair in ranges.windows(2) {
        if let [inner, outer] = pair {
            assert!(
                outer.start <= inner.start && inner.end <= outer.end && outer != inner,
                "selection range {outer:?} does not strictly contain {inner:?} (at {offset})"
            );
        }
    }
}

/// Signature help: the active signature and parameter exist, and parameter labels are ranges of
/// their signature's label.
fn check_signature(analysis: &Analysis, offset: usize) {
    let Some(help) = signature::signature_help(analysis, offset) else {
        return;
    };
    let active = help.signatures.get(help.active_signature);
    assert!(
        active.is_some(),
        "signature help at {offset}: active signature {} of {}",
        help.active_signature,
        help.signatures.len()
    );
    if let (Some(active), Some(parameter)) = (active, help.active_parameter) {
        assert!(
            parameter < active.parameters.len(),
            "signature help at {offset}: active parameter {parameter} of {}",
            active.parameters.len()
        );
    }
    for signature in &help.signatures {
        for parameter in &signature.parameters {
            assert_range(&signature.label, &parameter.label, || {
                format!("signature {:?} parameter", signature.label)
            });
        }
    }
}

/// One edit of an incremental session: replace `removed` bytes at `start` by `inserted`, then
/// reparse when `reparse` is set (edits without a reparse are batched, as an editor's
/// didChange with several content changes does).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionEdit {
    pub start: usize,
    pub removed: usize,
    pub inserted: String,
    pub reparse: bool,
}

/// Applies `edit` to `text` as [`dockls::document::Document::edit`] documents it: the range is
/// clamped to the text, its start moves to the character boundary at or before it, a non-empty
/// range's end grows to the boundary at or after it, and an empty range stays empty.
pub fn apply_to_string(text: &mut String, edit: &SessionEdit) {
    let start = floor_boundary(text, edit.start);
    let raw_end = edit.start.saturating_add(edit.removed).min(text.len());
    let end = if edit.removed > 0 {
        ceil_boundary(text, raw_end)
    } else {
        floor_boundary(text, raw_end)
    };
    let end = end.max(start);
    text.replace_range(start..end, &edit.inserted);
}

/// Every node of a tree with its kind and byte range, so that trees whose S-expressions agree
/// but whose nodes cover different bytes are told apart.
fn byte_ranges(tree: &tree_sitter::Tree) -> Vec<(u16, usize, usize, bool)> {
    let mut nodes = Vec::new();
    let mut cursor = tree.walk();
    let mut visited_children = false;
    loop {
        let node = cursor.node();
        if !visited_children {
            nodes.push((
                node.kind_id(),
                node.start_byte(),
                node.end_byte(),
                node.is_missing(),
            ));
        }
        if !visited_children && cursor.goto_first_child() {
            continue;
        }
        if cursor.goto_next_sibling() {
            visited_children = false;
        } else if cursor.goto_parent() {
            visited_children = true;
        } else {
            break;
        }
    }
    nodes
}

/// Replays an editing session on a [`dockls::document::Document`] and checks it against a String
/// edited the same way and against fresh parses: same text after every edit; after every
/// reparse, the same tree (S-expression and byte ranges) and the same diagnostics.
pub fn check_incremental(initial: &str, edits: &[SessionEdit]) {
    let mut document = dockls::document::Document::new(initial);
    let mut expected = initial.to_owned();
    let last = edits.len().saturating_sub(1);
    for (step, edit) in edits.iter().enumerate() {
        document.edit(
            edit.start..edit.start.saturating_add(edit.removed),
            &edit.inserted,
        );
        apply_to_string(&mut expected, edit);
        let text = document.text();
        assert!(
            text == expected,
            "step {step}: {edit:?} gave the document {text:?}, but the string {expected:?}"
        );
        if edit.reparse || step == last {
            document.reparse();
            // Trees after every reparse; diagnostics (the costly part) after the last one.
            check_against_fresh_parse(&document, &expected, step, step == last);
        }
    }
}

fn check_against_fresh_parse(
    document: &dockls::document::Document,
    text: &str,
    step: usize,
    with_diagnostics: bool,
) {
    let fresh = syntax::parse(text);
    let incremental = document.tree();
    let (got, want) = (
        incremental.root_node().to_sexp(),
        fresh.root_node().to_sexp(),
    );
    assert!(
        got == want,
        "step {step}: the reparsed tree of {text:?} is\n{got}\nbut a fresh parse gives\n{want}"
    );
    let (got, want) = (byte_ranges(incremental), byte_ranges(&fresh));
    assert!(
        got == want,
        "step {step}: the reparsed tree of {text:?} covers other bytes than a fresh parse: \
         {got:?} against {want:?}"
    );
    if !with_diagnostics {
        return;
    }
    let got = Analysis::new(document).diagnostics();
    let want = Analysis::from_text(text).diagnostics();
    assert!(
        got == want,
        "step {step}: diagnostics of {text:?} after a reparse differ from a fresh analysis: \
         {got:?} against {want:?}"
    );
}

/// Runs the framing filter over `bytes` and checks that what comes out is a sequence of
/// well-framed messages, each of which tower-lsp-server decodes as a request or a response.
pub fn check_jsonrpc(bytes: &[u8]) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a current-thread runtime without drivers can always be built");
    let mut output = Vec::new();
    runtime.block_on(dockls::lsp::input::forward_messages(bytes, &mut output));
    let mut rest = output.as_slice();
    while !rest.is_empty() {
        let (body, after) = next_frame(rest);
        let body = std::str::from_utf8(body)
            .unwrap_or_else(|error| panic!("a forwarded body is not UTF-8: {error}"));
        let decodes = serde_json::from_str::<tower_lsp_server::jsonrpc::Request>(body).is_ok()
            || serde_json::from_str::<tower_lsp_server::jsonrpc::Response>(body).is_ok();
        assert!(
            decodes,
            "a forwarded body is neither a request nor a response: {body:?}"
        );
        rest = after;
    }
}

/// Splits one `Content-Length` frame off the filter's output; panics if it is malformed.
fn next_frame(output: &[u8]) -> (&[u8], &[u8]) {
    const PREFIX: &[u8] = b"Content-Length: ";
    let Some(after_prefix) = output.strip_prefix(PREFIX) else {
        panic!(
            "forwarded output does not start with a Content-Length header: {:?}",
            String::from_utf8_lossy(output)
        );
    };
    let digits = after_prefix
        .iter()
        .take_while(|byte| byte.is_ascii_digit())
        .count();
    let length: usize = std::str::from_utf8(after_prefix.get(..digits).unwrap_or_default())
        .ok()
        .and_then(|digits| digits.parse().ok())
        .unwrap_or_else(|| panic!("a forwarded header has no length"));
    let Some(body_and_rest) = after_prefix
        .get(digits..)
        .and_then(|rest| rest.strip_prefix(b"\r\n\r\n"))
    else {
        panic!("a forwarded header does not end with an empty line");
    };
    let Some(body) = body_and_rest.get(..length) else {
        panic!(
            "a forwarded header announces {length} bytes but {} follow",
            body_and_rest.len()
        );
    };
    (body, body_and_rest.get(length..).unwrap_or_default())
}
