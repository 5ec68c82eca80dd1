//! Code actions, in editor terms: which fixes answer a diagnostic, and the file-wide fix-all.
//!
//! Nothing is cached between the diagnostics and the code action request. A diagnostic carries
//! [`DiagnosticData`] (the version it was computed on, its rule and byte range); the code action
//! handler analyses the document as it is now and picks the finding with that rule and range.
//! If the document changed in between and that finding moved or went away, the diagnostic gets
//! no action: a fix is only ever computed from, and applied to, the current text.

use std::ops::Range;

use serde_json::{json, Value};

use crate::analysis::Analysis;
use crate::diagnostic::{Diagnostic, Fix};
use crate::rules::{self, Context, RuleConfig};
use crate::snapshot::Snapshot;

/// What a diagnostic's `data` holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiagnosticData {
    /// The client's version of the document the diagnostic was computed on.
    pub version: i32,
    pub rule: String,
    /// Bytes in that version.
    pub range: Range<usize>,
}

impl DiagnosticData {
    pub fn to_json(&self) -> Value {
        json!({
            "version": self.version,
            "rule": self.rule,
            "range": [self.range.start, self.range.end],
        })
    }

    /// Reads `data` back; `None` for anything we did not write.
    pub fn from_json(data: &Value) -> Option<DiagnosticData> {
        let number = |value: &Value| value.as_u64().and_then(|n| usize::try_from(n).ok());
        let range = data.get("range")?.as_array()?;
        let [start, end] = range.as_slice() else {
            return None;
        };
        let (start, end) = (number(start)?, number(end)?);
        Some(DiagnosticData {
            version: i32::try_from(data.get("version")?.as_i64()?).ok()?,
            rule: data.get("rule")?.as_str()?.to_owned(),
            range: start..end.max(start),
        })
    }
}

/// Which fix a code action left for `codeAction/resolve`, kept in the action's `data` with the
/// document and version it was offered on. Resolving finds it again the way the code action
/// request found it: the current finding its diagnostic names, then the fix by its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FixRef {
    /// The fix at `index` among the [`quick_fixes`] of a diagnostic.
    Quick {
        diagnostic: DiagnosticData,
        message: String,
        index: usize,
    },
    /// The [`rule_wide_fix`] of a diagnostic's rule.
    RuleWide {
        diagnostic: DiagnosticData,
        message: String,
    },
}

impl FixRef {
    pub fn to_json(&self, uri: &tower_lsp_server::ls_types::Uri, version: i32) -> Value {
        let (diagnostic, message, index) = match self {
            FixRef::Quick {
                diagnostic,
                message,
                index,
            } => (diagnostic, message, Some(*index)),
            FixRef::RuleWide {
                diagnostic,
                message,
            } => (diagnostic, message, None),
        };
        json!({
            "uri": uri.as_str(),
            "version": version,
            "diagnostic": diagnostic.to_json(),
            "message": message,
            "fix": index,
        })
    }

    /// Reads `data` back: the document's URI, the version and the fix; `None` for anything we
    /// did not write.
    pub fn from_json(data: &Value) -> Option<(String, i32, FixRef)> {
        let uri = data.get("uri")?.as_str()?.to_owned();
        let version = i32::try_from(data.get("version")?.as_i64()?).ok()?;
        let diagnostic = DiagnosticData::from_json(data.get("diagnostic")?)?;
        let message = data.get("message")?.as_str()?.to_owned();
        let which = match data.get("fix")? {
            Value::Null => FixRef::RuleWide {
                diagnostic,
                message,
            },
            index => FixRef::Quick {
                diagnostic,
                message,
                index: usize::try_from(index.as_u64()?).ok()?,
            },
        };
        Some((uri, version, which))
    }

    /// The diagnostic it names and that diagnostic's message.
    pub fn diagnostic(&self) -> (&DiagnosticData, &str) {
        match self {
            FixRef::Quick {
                diagnostic,
                message,
                ..
            }
            | FixRef::RuleWide {
                diagnostic,
                message,
            } => (diagnostic, message),
        }
    }
}

/// The current diagnostic a diagnostic's data names: the same rule at the same bytes,
/// preferring one with the same message when a rule reports twice at one place. `current` is
/// sorted by range, as [`Analysis::diagnostics_with`] returns it, so a whole-file request with
/// thousands of diagnostics does not compare each with all.
pub fn find<'a>(
    current: &'a [Diagnostic],
    data: &DiagnosticData,
    message: &str,
) -> Option<&'a Diagnostic> {
    let key = |range: &Range<usize>| (range.start, range.end);
    let from = current.partition_point(|diagnostic| key(&diagnostic.range) < key(&data.range));
    let mut candidates = current
        .get(from..)
        .unwrap_or_default()
        .iter()
        .take_while(|diagnostic| diagnostic.range == data.range)
        .filter(|diagnostic| diagnostic.code == data.rule);
    let first = candidates.next()?;
    Some(
        std::iter::once(first)
            .chain(candidates)
            .find(|diagnostic| diagnostic.message == message)
            .unwrap_or(first),
    )
}

/// A quick fix for one diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuickFix {
    pub fix: Fix,
    /// The rule's first own fix: what the editor applies on "auto fix".
    pub preferred: bool,
}

/// The quick fixes of a diagnostic: the rule's fixes, then "suppress here".
pub fn quick_fixes(context: &Context, diagnostic: &Diagnostic) -> Vec<QuickFix> {
    let Some(rule) = rules::named(diagnostic.code) else {
        return Vec::new();
    };
    let mut fixes: Vec<QuickFix> = diagnostic
        .fixes
        .iter()
        .filter(|fix| !fix.edits.is_empty())
        .enumerate()
        .map(|(index, fix)| QuickFix {
            fix: fix.clone(),
            preferred: index == 0,
        })
        .collect();
    fixes.push(QuickFix {
        fix: Fix {
            title: format!("Suppress `{}` here", rule.name),
            edits: vec![rules::suppress_edit(context, rule, diagnostic.range.start)],
            is_snippet: false,
            safe: false,
        },
        preferred: false,
    });
    fixes
}

/// The rule-wide fix a diagnostic's rule offers besides its own fixes (merging all consecutive
/// RUNs for `split-run-layers`).
pub fn rule_wide_fix(context: &Context, diagnostic: &Diagnostic) -> Option<Fix> {
    rules::file_fix(rules::named(diagnostic.code)?, context).filter(|fix| !fix.edits.is_empty())
}

/// The document's fix-all: the safe fixes the fix engine applies round after round (the same
/// text `dockls check --fix` writes), as edits to the document. `None` when nothing changes.
pub fn fix_all(
    analysis: &Analysis,
    config: &RuleConfig,
    dockerignore: Option<&str>,
) -> Option<Fix> {
    let current = analysis.diagnostics_with(config, dockerignore);
    let snapshot: &Snapshot = analysis;
    let fixed = crate::fix_all::fix_all_from(snapshot.clone(), current, config, dockerignore);
    let edits = fixed.edits_from(analysis.text());
    (!edits.is_empty()).then(|| Fix {
        title: "Apply all safe dockls fixes".to_owned(),
        edits,
        is_snippet: false,
        safe: true,
    })
}

/// The text a snippet inserts when every placeholder keeps its default: `:${1:tag}` → `:tag`,
/// `$1` and `$0` → nothing, `${1|a,b|}` → `a`, `\$` → `$`. A `$` not followed by a tab stop
/// (a Dockerfile variable such as `$HOME` or `${IMAGE}`) is kept as written.
///
/// A `WorkspaceEdit` has no snippets (LSP 3.18's `SnippetTextEdit` is not in our protocol
/// types), so a snippet fix is applied as this text; the user edits the default afterwards.
pub fn snippet_text(snippet: &str) -> String {
    let chars: Vec<char> = snippet.chars().collect();
    let mut out = String::with_capacity(snippet.len());
    let mut at = 0;
    expand(&chars, &mut at, &mut out, false);
    out
}

/// Copies `chars` from `at` to `out`, expanding tab stops; when `nested`, stops after the
/// `}` that closes the placeholder being read.
fn expand(chars: &[char], at: &mut usize, out: &mut String, nested: bool) {
    while let Some(&c) = chars.get(*at) {
        match c {
            '\\' if matches!(chars.get(*at + 1), Some('$' | '}' | '\\')) => {
                out.push(chars[*at + 1]);
                *at += 2;
            }
            '}' if nested => {
                *at += 1;
                return;
            }
            '$' => {
                if !tab_stop(chars, at, out) {
                    out.push('$');
                    *at += 1;
                }
            }
            _ => {
                out.push(c);
                *at += 1;
            }
        }
    }
}

/// Expands the tab stop at `at` (`$1`, `${1}`, `${1:default}`, `${1|a,b|}`); `false`, with
/// nothing consumed, when there is none.
fn tab_stop(chars: &[char], at: &mut usize, out: &mut String) -> bool {
    let digits = |from: usize| {
        chars[from.min(chars.len())..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count()
    };
    let start = *at;
    let plain = digits(start + 1);
    if plain > 0 {
        *at = start + 1 + plain;
        return true;
    }
    if chars.get(start + 1) != Some(&'{') {
        return false;
    }
    let count = digits(start + 2);
    if count == 0 {
        return false;
    }
    let after = start + 2 + count;
    match chars.get(after) {
        Some('}') => {
            *at = after + 1;
            true
        }
        Some(':') => {
            *at = after + 1;
            expand(chars, at, out, true);
            true
        }
        Some('|') => {
            let Some(close) = (after + 1..chars.len().saturating_sub(1))
                .find(|&i| chars[i] == '|' && chars[i + 1] == '}')
            else {
                return false;
            };
            let first: String = chars[after + 1..close]
                .iter()
                .take_while(|&&c| c != ',')
                .collect();
            out.push_str(&first);
            *at = close + 2;
            true
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{apply_edits, SYNTAX_ERROR};

    fn context<'a>(analysis: &'a Analysis, config: &'a RuleConfig) -> Context<'a> {
        rules::Context::new(analysis, config, None)
    }

    #[test]
    fn snippets_become_their_default_text() {
        assert_eq!(snippet_text(":${1:tag}"), ":tag");
        assert_eq!(snippet_text("CMD ${1:command}$0"), "CMD command");
        assert_eq!(snippet_text("${1:a ${2:b}} c"), "a b c");
        assert_eq!(snippet_text("${1|bash,sh|}"), "bash");
        assert_eq!(snippet_text("\\$HOME \\} ${2}"), "$HOME } ");
        // Dockerfile variables are not tab stops.
        assert_eq!(snippet_text("FROM ${IMAGE}:$TAG"), "FROM ${IMAGE}:$TAG");
        assert_eq!(snippet_text("$"), "$");
        assert_eq!(snippet_text("${1:unclosed"), "unclosed");
    }

    #[test]
    fn data_round_trips_and_rejects_foreign_data() {
        let data = DiagnosticData {
            version: 3,
            rule: "unknown-instruction".to_owned(),
            range: 4..7,
        };
        assert_eq!(DiagnosticData::from_json(&data.to_json()), Some(data));
        assert_eq!(DiagnosticData::from_json(&json!({ "fix": 1 })), None);
        assert_eq!(DiagnosticData::from_json(&json!(null)), None);
        assert_eq!(
            DiagnosticData::from_json(&json!({ "version": 1, "rule": "x", "range": [1] })),
            None
        );
    }

    #[test]
    fn quick_fixes_are_the_rule_fixes_then_suppression() {
        let analysis = Analysis::from_text("FROM alpine:3\nRUM echo\n");
        let config = RuleConfig::default();
        let context = context(&analysis, &config);
        let current = analysis.diagnostics_with(&config, None);
        let data = DiagnosticData {
            version: 1,
            rule: "unknown-instruction".to_owned(),
            range: 14..17,
        };
        let found = find(&current, &data, "").expect("the finding");
        let fixes = quick_fixes(&context, found);
        let titles: Vec<(&str, bool)> = fixes
            .iter()
            .map(|f| (f.fix.title.as_str(), f.preferred))
            .collect();
        assert_eq!(
            titles,
            [
                ("Change to `RUN`", true),
                ("Suppress `unknown-instruction` here", false)
            ]
        );
        let moved = DiagnosticData {
            range: 15..18,
            ..data
        };
        assert_eq!(find(&current, &moved, ""), None);
    }

    #[test]
    fn every_diagnostic_is_found_by_its_own_data_and_message() {
        // Findings of one rule on several lines, and of several rules.
        let text = "FROM ubuntu:latest\nRUN apt-get update\nRUN apt-get install -y curl\n\
                    RUM x\nFROM ubuntu:latest AS b\nRUN cd /x && make\nEXPOSE 99999\n";
        let analysis = Analysis::from_text(text);
        let current = analysis.diagnostics_with(&RuleConfig::default(), None);
        let codes: Vec<&str> = current.iter().map(|d| d.code).collect();
        assert!(codes.len() >= 5, "{codes:?}");
        for diagnostic in current.iter().filter(|d| d.code != SYNTAX_ERROR) {
            let data = DiagnosticData {
                version: 1,
                rule: diagnostic.code.to_owned(),
                range: diagnostic.range.clone(),
            };
            let found = find(&current, &data, &diagnostic.message).expect("found");
            assert!(
                std::ptr::eq(found, diagnostic),
                "{diagnostic:?} gave {found:?}"
            );
        }
    }

    #[test]
    fn fix_all_merges_runs_and_applies_safe_fixes() {
        let text = "FROM alpine:3\nRUN a\nRUN b\nRUM c\n";
        let analysis = Analysis::from_text(text);
        let config = RuleConfig::default();
        let fix = fix_all(&analysis, &config, None).expect("a fix");
        let fixed = apply_edits(text, &fix.edits);
        assert_eq!(fixed, "FROM alpine:3\nRUN a \\\n    && b\nRUN c\n");
        let clean = Analysis::from_text("FROM alpine:3\nRUN a\n");
        assert_eq!(fix_all(&clean, &config, None), None);
    }
}
