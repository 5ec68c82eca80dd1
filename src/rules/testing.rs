//! Test helpers shared by the rules: run one rule on a fixture and render what it finds, apply
//! its fixes.

use super::{Finding, Report, Rule, RuleConfig};
use crate::diagnostic::apply_edits;
use crate::snapshot::Snapshot;

/// The findings of `rule` on `text`, with default settings and no suppressions.
pub fn findings(rule: &'static Rule, text: &str) -> Vec<Finding> {
    findings_with(rule, text, &RuleConfig::default(), None)
}

pub fn findings_with(
    rule: &'static Rule,
    text: &str,
    config: &RuleConfig,
    dockerignore: Option<&str>,
) -> Vec<Finding> {
    let analysis = Snapshot::from_text(text);
    let context = crate::rules::Context::new(&analysis, config, dockerignore);
    let mut report = Report::new(rule);
    (rule.check)(&context, &mut report);
    report.into_findings()
}

/// One line per finding: `start..end "text at fault": message`.
pub fn render(rule: &'static Rule, text: &str) -> String {
    findings(rule, text)
        .iter()
        .map(|f| format!("{:?} {:?}: {}", f.range, &text[f.range.clone()], f.message))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The text after applying the first fix of the first finding; asserts that the rule no longer
/// reports anything at that place afterwards.
pub fn fixed(rule: &'static Rule, text: &str) -> String {
    let found = findings(rule, text);
    let finding = found.first().expect("the rule finds something to fix");
    let fix = finding.fixes.first().expect("the finding has a fix");
    let after = apply_edits(text, &fix.edits);
    if !fix.is_snippet {
        let again = findings(rule, &after);
        assert!(
            again.len() < found.len(),
            "the fix did not resolve the finding:\n{after}\nstill: {again:?}"
        );
    }
    after
}
