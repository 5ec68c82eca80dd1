//! Diagnostics: syntax errors, then what the rules find.

use crate::diagnostic::{Diagnostic, Severity, SYNTAX_ERROR};
use crate::rules::{self, Context, Finding, FindingsMemo, RuleConfig};
use crate::snapshot::Snapshot;
use crate::syntax::{self, SyntaxErrorKind};

/// Computes the diagnostics of `analysis` afresh; [`Analysis::diagnostics_with`] keeps the last
/// result for the same settings.
pub fn diagnostics(
    analysis: &Snapshot,
    config: &RuleConfig,
    dockerignore: Option<&str>,
) -> Vec<Diagnostic> {
    diagnostics_until(analysis, config, dockerignore, &|| false).unwrap_or_default()
}

/// [`diagnostics`], given up as soon as `cancelled` says they are no longer wanted; `None` then.
pub fn diagnostics_until(
    analysis: &Snapshot,
    config: &RuleConfig,
    dockerignore: Option<&str>,
    cancelled: &dyn Fn() -> bool,
) -> Option<Vec<Diagnostic>> {
    let context = Context::new(analysis, config, dockerignore);
    let findings = rules::check_until(&context, cancelled)?;
    Some(with_syntax_errors(analysis, findings))
}

/// [`diagnostics_until`], reusing the findings `memo` remembers of the units the edits since
/// its last use did not touch; the same diagnostics.
pub fn diagnostics_incremental(
    analysis: &Snapshot,
    config: &RuleConfig,
    dockerignore: Option<&str>,
    memo: &mut FindingsMemo,
    cancelled: &dyn Fn() -> bool,
) -> Option<Vec<Diagnostic>> {
    let findings = rules::check_incremental(analysis, config, dockerignore, memo, cancelled)?;
    Some(with_syntax_errors(analysis, findings))
}

/// The syntax errors of `analysis` and the rule findings, in order.
fn with_syntax_errors(analysis: &Snapshot, findings: Vec<(Finding, Severity)>) -> Vec<Diagnostic> {
    let text = analysis.text();
    let mut diagnostics: Vec<Diagnostic> = syntax::syntax_errors(analysis.tree(), text.as_bytes())
        .into_iter()
        .map(|error| Diagnostic {
            range: match error.kind {
                // A missing token has no width; show it on the character where it is expected.
                SyntaxErrorKind::Missing(_) if error.range.is_empty() => {
                    widen_to_character(text, error.range.start)
                }
                _ => error.range,
            },
            severity: Severity::Error,
            code: SYNTAX_ERROR,
            message: error.message,
            fixes: Vec::new(),
        })
        .collect();
    for (finding, severity) in findings {
        diagnostics.push(Diagnostic {
            range: finding.range,
            severity,
            code: finding.rule.name,
            message: finding.message,
            fixes: finding.fixes,
        });
    }
    diagnostics.sort_by_key(|d| (d.range.start, d.range.end));
    diagnostics
}

/// The range of the character at `offset`, or an empty range at the end of the text.
fn widen_to_character(text: &str, offset: usize) -> std::ops::Range<usize> {
    let offset = offset.min(text.len());
    match text[offset..].chars().next() {
        Some(c) if c != '\n' && c != '\r' => offset..offset + c.len_utf8(),
        _ => offset..offset,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> Vec<(std::ops::Range<usize>, &'static str, String)> {
        diagnostics(&Snapshot::from_text(text), &RuleConfig::default(), None)
            .into_iter()
            .map(|d| (d.range, d.code, d.message))
            .collect()
    }

    #[test]
    fn cancelled_diagnostics_are_given_up() {
        let analysis = Snapshot::from_text("FROM alpine\nRUM x\n");
        let config = RuleConfig::default();
        assert_eq!(diagnostics_until(&analysis, &config, None, &|| true), None);
        assert_eq!(
            diagnostics_until(&analysis, &config, None, &|| false).map(|d| d.len()),
            Some(2)
        );
    }

    #[test]
    fn rules_report_with_their_code_and_fixes() {
        let snapshot = Snapshot::from_text("FROM alpine:3\nRUM echo hi\n");
        let found = diagnostics(&snapshot, &RuleConfig::default(), None);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].code, "unknown-instruction");
        assert_eq!(found[0].range, 14..17);
        assert_eq!(found[0].fixes[0].edits[0].new_text, "RUN");
    }

    #[test]
    fn syntax_error_stays_on_its_line() {
        let found: Vec<_> = check("FROM a:1\nRUN a\nFROM \nRUN b\n")
            .into_iter()
            .filter(|d| d.1 == "syntax-error")
            .collect();
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0.start, 15);
    }
}
