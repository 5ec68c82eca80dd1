//! An initial text and a sequence of edits, applied to a `dockls::document::Document` with
//! incremental reparses and compared with fresh parses. The checks live in
//! `dockls_fuzz::check_incremental`; this file only gives the bytes their structure.

#![no_main]

use arbitrary::Arbitrary;
use dockls_fuzz::SessionEdit;
use libfuzzer_sys::fuzz_target;

/// Longer sessions find nothing that shorter ones do not, and cost a parse per reparse.
const MAX_EDITS: usize = 32;

/// Text that drives the external scanner's state (escape character, heredocs, comments inside
/// continuations, line endings), so that edits reach it more often than random strings would.
const FRAGMENTS: &[&str] = &[
    "\\",
    "`",
    "\\\n",
    "`\n",
    "\n",
    "\r\n",
    "\r",
    " ",
    "\t",
    "#",
    "# c\n",
    "<<EOF",
    "<<-EOF",
    "<<'EOF'",
    "\nEOF\n",
    "\tEOF",
    "EOF",
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
    "ONBUILD ",
    "ARG ",
    "ENV ",
    "# escape=`\n",
    "# escape=\\\n",
    "# syntax=x\n",
    "x",
    "\u{e9}",
    "\u{1F600}",
    "\u{feff}",
];

#[derive(Debug, Arbitrary)]
enum Insert {
    Fragment(u8),
    Text(String),
}

#[derive(Debug, Arbitrary)]
struct Edit {
    start: u16,
    removed: u8,
    insert: Insert,
    reparse: bool,
}

/// The edits come first and the initial text takes the rest of the input, so a Dockerfile used
/// as a seed mostly decodes as that file with few or no edits.
#[derive(Debug, Arbitrary)]
struct Session {
    edits: Vec<Edit>,
    initial: String,
}

fuzz_target!(|session: Session| {
    // Starts are taken modulo the current length (plus a little, so that offsets past the end,
    // which the document clamps, still occur); a raw u16 would land past the end almost always.
    let mut scratch = session.initial.clone();
    let mut edits = Vec::new();
    for edit in session.edits.iter().take(MAX_EDITS) {
        let inserted = match &edit.insert {
            Insert::Fragment(index) => FRAGMENTS
                .get(usize::from(*index) % FRAGMENTS.len())
                .copied()
                .unwrap_or_default()
                .to_owned(),
            Insert::Text(text) => text.clone(),
        };
        let edit = SessionEdit {
            start: usize::from(edit.start) % (scratch.len() + 4),
            removed: usize::from(edit.removed % 16),
            inserted,
            reparse: edit.reparse,
        };
        dockls_fuzz::apply_to_string(&mut scratch, &edit);
        edits.push(edit);
    }
    dockls_fuzz::check_incremental(&session.initial, &edits);
});
