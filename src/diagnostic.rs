//! The vocabulary every layer shares: a diagnostic, its severity, and the fixes and edits that
//! resolve it. It sits at the bottom of the core and imports nothing from it, so the rules that
//! produce these values and the shells that publish them both depend on it, not on each other.
//!
//! Ranges are byte ranges into the document's text.

use std::ops::Range;

/// How severe a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Information,
    Hint,
}

/// A problem in the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The exact bytes at fault.
    pub range: Range<usize>,
    pub severity: Severity,
    /// A stable kebab-case name: the name of the rule that found it (`unknown-instruction`), or
    /// [`SYNTAX_ERROR`].
    pub code: &'static str,
    pub message: String,
    /// Changes that resolve it.
    pub fixes: Vec<Fix>,
}

/// The code of a diagnostic that reports a syntax error rather than a rule's finding.
pub const SYNTAX_ERROR: &str = "syntax-error";

/// One replacement in the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub range: Range<usize>,
    pub new_text: String,
}

/// A change that resolves a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// Shown in the editor's quick-fix menu.
    pub title: String,
    pub edits: Vec<Edit>,
    /// The new text uses snippet placeholders (`${1:tag}`); not applied by `dockls check --fix`.
    pub is_snippet: bool,
    /// Keeps the meaning of the file; `dockls check --fix` applies only these.
    pub safe: bool,
}

/// Applies non-overlapping edits to `text`; later edits first so offsets stay valid. Edits that
/// overlap an earlier one are skipped.
pub fn apply_edits(text: &str, edits: &[Edit]) -> String {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.range.start, e.range.end));
    let mut kept: Vec<&Edit> = Vec::new();
    for edit in sorted {
        if kept
            .last()
            .is_none_or(|last| last.range.end <= edit.range.start)
        {
            kept.push(edit);
        }
    }
    let mut out = text.to_owned();
    for edit in kept.iter().rev() {
        if edit.range.end <= out.len()
            && out.is_char_boundary(edit.range.start)
            && out.is_char_boundary(edit.range.end)
        {
            out.replace_range(edit.range.clone(), &edit.new_text);
        }
    }
    out
}
