//! Incremental rule findings: after an edit, the rules check only the units the edit may have
//! changed, and the findings of the other units are taken from the last analysis, moved to
//! where their units are now.
//!
//! Each rule declares its [`Scope`]; the units of a scope are its instructions (or stages) in
//! order, each with the text its scope says its findings depend on. A [`FindingsMemo`] keeps,
//! for the last text analysed, every unit's findings relative to the unit's start. The next
//! analysis lines its units up with the remembered ones: the units at the start and at the end
//! whose text is the same (compared byte for byte, not by hash, so nothing is ever reused by a
//! collision) keep their findings, and only the units between them, where the edits are, are
//! checked again, through the rules' [`Focus`]. For an instruction in context, the units after
//! the edit are reused only if the edit left the `FROM`, `ARG`, `ENV` and `SHELL` text before
//! them as it was; for a stage, only if it still starts on the same line (messages name
//! lines). Rules scoped to the whole file run every time.
//!
//! Why a memo keyed by text and not a query database in the style of salsa: an edit in an editor
//! touches one place, so matching the unchanged units at both ends is a comparison of bytes
//! that are already in memory, with nothing to invalidate; a query database would add
//! bookkeeping per instruction and per rule on a path where it would have to cost less than the
//! rules it saves. Measured with `examples/keystroke_profile.rs` under callgrind (instructions
//! per keystroke, typing into a RUN, reparse and model included): the 10,000-line
//! `many_stages_10k` went from 529 M (every rule over the whole file) to 344 M with this memo and
//! rules that check only their focus, and to 137 M with the model reusing unchanged
//! instructions ([`crate::model::Model::build_reusing`]); the 512-line BuildKit Dockerfile costs
//! 5.7 M instead of 18 M. What remains is the reparse, the model's pass over every instruction,
//! and the rules scoped to the whole file.
//!
//! While the text has a syntax error, nothing is reused: tree-sitter's recovery can give an
//! instruction other nodes depending on the text around it.
//!
//! The findings equal those of a fresh analysis, always: `tests/properties.rs` and
//! `tests/torture.rs` compare the two after random edits. A rule that breaks its declaration
//! (a finding outside its units) is run on the whole file for that analysis, and its scope is
//! not remembered.

use std::ops::Range;
use std::sync::Arc;

use crate::diagnostic::Severity;
use crate::snapshot::Snapshot;
use crate::text::{newline, whole_lines};

use super::{all, Context, Finding, Focus, Report, RuleConfig, Scope, Suppressions};

/// The instructions whose text an instruction in context reads.
const CONTEXT_KEYWORDS: &[&str] = &["FROM", "ARG", "ENV", "SHELL"];

/// The scopes whose findings are remembered per unit, in the order of [`FindingsMemo::scopes`].
const UNIT_SCOPES: [Scope; 3] = [
    Scope::Instruction,
    Scope::InstructionInContext,
    Scope::Stage,
];

/// The findings of the last analysis of one document, by unit; what the next one reuses.
#[derive(Default)]
pub struct FindingsMemo {
    /// What every finding depends on besides its unit; a change of any of it forgets all.
    inputs: Option<Inputs>,
    /// The text the units are ranges of.
    text: Option<Arc<str>>,
    scopes: [Vec<Remembered>; 3],
}

#[derive(PartialEq)]
struct Inputs {
    config: RuleConfig,
    dockerignore: Option<String>,
    escape: char,
    newline: &'static str,
    /// The text before the first instruction: the parser directives.
    header: String,
    /// The tree has no syntax error. Where tree-sitter recovers from an error, the nodes of an
    /// instruction can depend on the text around it, so findings are reused only between two
    /// texts without errors.
    clean: bool,
}

/// One unit of the last analysis and its findings, their ranges relative to the unit's start.
struct Remembered {
    unit: Unit,
    findings: Vec<(usize, Finding)>,
}

/// A unit of one scope in one text.
#[derive(Clone)]
struct Unit {
    range: Range<usize>,
    /// The line it starts on (1-based), for a stage.
    line: usize,
    /// It is a `FROM`, `ARG`, `ENV` or `SHELL`, whose text later instructions in context read.
    declares: bool,
    /// The index in the model of its instruction, or its stage.
    index: usize,
}

impl FindingsMemo {
    pub fn new() -> FindingsMemo {
        FindingsMemo::default()
    }

    /// How many units the memo holds findings for, over all scopes.
    pub fn units(&self) -> usize {
        self.scopes.iter().map(Vec::len).sum()
    }
}

/// The units of `scope` in the snapshot, or `None` when two of them overlap (text that
/// tree-sitter recovered from an error in a way that puts two instructions on one line).
fn units(snapshot: &Snapshot, scope: Scope) -> Option<Vec<Unit>> {
    let text = snapshot.text();
    let model = snapshot.model();
    let units: Vec<Unit> = match scope {
        Scope::Instruction | Scope::InstructionInContext => model
            .instructions
            .iter()
            .enumerate()
            .map(|(index, instruction)| Unit {
                range: whole_lines(text, &instruction.range),
                line: 0,
                declares: CONTEXT_KEYWORDS.contains(&instruction.keyword.as_str()),
                index,
            })
            .collect(),
        Scope::Stage => model
            .stages
            .iter()
            .enumerate()
            .filter_map(|(index, stage)| {
                let first = model.instructions.get(stage.instructions.start)?;
                let last = model
                    .instructions
                    .get(stage.instructions.end.checked_sub(1)?)?;
                let range = whole_lines(text, &(first.range.start..last.range.end));
                Some(Unit {
                    line: model.line_of(range.start),
                    range,
                    declares: false,
                    index,
                })
            })
            .collect(),
        Scope::File => Vec::new(),
    };
    let ordered = units
        .windows(2)
        .all(|pair| pair[0].range.end <= pair[1].range.start);
    ordered.then_some(units)
}

/// The units at the start and at the end that are the same in both lists: `(prefix, suffix)`,
/// never overlapping in either list.
fn unchanged(
    scope: Scope,
    old_text: &str,
    old: &[Remembered],
    text: &str,
    new: &[Unit],
) -> (usize, usize) {
    let same = |remembered: &Remembered, unit: &Unit| {
        old_text.get(remembered.unit.range.clone()) == text.get(unit.range.clone())
            && (scope != Scope::Stage || remembered.unit.line == unit.line)
    };
    let most = old.len().min(new.len());
    let prefix = old.iter().zip(new).take_while(|(o, n)| same(o, n)).count();
    let mut suffix = old
        .iter()
        .rev()
        .zip(new.iter().rev())
        .take(most - prefix)
        .take_while(|(o, n)| same(o, n))
        .count();
    if scope == Scope::InstructionInContext {
        // The units after the edit read the declarations in it: the same only if those are.
        let declared = |texts: &str, units: &mut dyn Iterator<Item = &Unit>| -> Vec<String> {
            units
                .filter(|u| u.declares)
                .map(|u| texts.get(u.range.clone()).unwrap_or_default().to_owned())
                .collect()
        };
        let old_middle = declared(
            old_text,
            &mut old[prefix..old.len() - suffix].iter().map(|r| &r.unit),
        );
        let new_middle = declared(text, &mut new[prefix..new.len() - suffix].iter());
        if old_middle != new_middle {
            suffix = 0;
        }
    }
    (prefix, suffix)
}

/// What one scope's analysis does: its units, which of them are checked again, and the
/// findings of those.
struct Plan {
    scope: Scope,
    units: Vec<Unit>,
    /// The units `prefix..units.len() - suffix` are checked again.
    prefix: usize,
    suffix: usize,
    /// The findings of the units checked again, by unit, relative to its start.
    found: Vec<Vec<(usize, Finding)>>,
    /// A rule of this scope reported outside its units: run the scope on the whole file.
    broken: bool,
}

impl Plan {
    fn checked(&self) -> Range<usize> {
        self.prefix..self.units.len() - self.suffix
    }

    /// Files a finding under the unit it lies in; false when it lies in none.
    fn file(&mut self, rule_index: usize, mut finding: Finding) -> bool {
        let after = self
            .units
            .partition_point(|u| u.range.end <= finding.range.start);
        // An empty range at the end of the last unit lies in the unit before `after`.
        let holds = |unit: &Unit| {
            let inside = |range: &Range<usize>| {
                unit.range.start <= range.start && range.end <= unit.range.end
            };
            inside(&finding.range)
                && finding
                    .fixes
                    .iter()
                    .all(|fix| fix.edits.iter().all(|edit| inside(&edit.range)))
        };
        let Some(position) = [Some(after), after.checked_sub(1)]
            .into_iter()
            .flatten()
            .find(|&p| self.units.get(p).is_some_and(holds))
        else {
            return false;
        };
        let start = self.units[position].range.start;
        let checked = self.checked();
        if checked.contains(&position) {
            shift(&mut finding, start, 0);
            self.found[position - checked.start].push((rule_index, finding));
        }
        true
    }
}

/// Moves a finding: subtracts `from` from every offset, then adds `to`.
fn shift(finding: &mut Finding, from: usize, to: usize) {
    let move_range = |range: &mut Range<usize>| {
        *range = range.start - from + to..range.end - from + to;
    };
    move_range(&mut finding.range);
    for fix in &mut finding.fixes {
        for edit in &mut fix.edits {
            move_range(&mut edit.range);
        }
    }
}

/// [`super::check_until`] with the findings of the units `memo` remembers, and `memo` updated to
/// this snapshot. The result equals a fresh [`super::check_until`]. When cancelled, `memo` is
/// left as it was.
pub fn check_incremental(
    snapshot: &Snapshot,
    config: &RuleConfig,
    dockerignore: Option<&str>,
    memo: &mut FindingsMemo,
    cancelled: &dyn Fn() -> bool,
) -> Option<Vec<(Finding, Severity)>> {
    let text = snapshot.text();
    let model = snapshot.model();
    let header_end = model
        .instructions
        .first()
        .map_or(text.len(), |i| whole_lines(text, &i.range).start);
    let inputs = Inputs {
        config: config.clone(),
        dockerignore: dockerignore.map(str::to_owned),
        escape: model.escape,
        newline: newline(text),
        header: text[..header_end].to_owned(),
        clean: !snapshot.tree().root_node().has_error(),
    };
    let same_inputs = inputs.clean && memo.inputs.as_ref() == Some(&inputs);
    let old_text = memo.text.clone().filter(|_| same_inputs);

    let mut plans: Vec<Plan> = Vec::with_capacity(UNIT_SCOPES.len());
    let mut focuses: Vec<Focus> = Vec::with_capacity(UNIT_SCOPES.len());
    for (slot, scope) in UNIT_SCOPES.into_iter().enumerate() {
        let (units, broken) = match units(snapshot, scope) {
            Some(units) => (units, false),
            None => (Vec::new(), true),
        };
        let (prefix, suffix) = match &old_text {
            Some(old_text) if !broken => {
                unchanged(scope, old_text, &memo.scopes[slot], text, &units)
            }
            _ => (0, 0),
        };
        let checked = prefix..units.len() - suffix;
        focuses.push(focus_of(snapshot, scope, &units[checked.clone()]));
        plans.push(Plan {
            scope,
            found: vec![Vec::new(); checked.len()],
            units,
            prefix,
            suffix,
            broken,
        });
    }

    let context = Context::new(snapshot, config, dockerignore);
    let suppressions = Suppressions::read(&context);
    let mut whole_file: Vec<(usize, Finding)> = Vec::new();
    for (rule_index, rule) in all().enumerate() {
        if cancelled() {
            return None;
        }
        if config.severity(rule).is_none() {
            continue;
        }
        let Some(slot) = plans.iter().position(|p| p.scope == rule.scope) else {
            if !suppressions.whole_file(rule) {
                let mut report = Report::new(rule);
                (rule.check)(&context, &mut report);
                whole_file.extend(report.into_findings().into_iter().map(|f| (rule_index, f)));
            }
            continue;
        };
        let plan = &mut plans[slot];
        if plan.broken || plan.checked().is_empty() {
            continue;
        }
        let focused = context.focused(&focuses[slot]);
        let mut report = Report::new(rule);
        (rule.check)(&focused, &mut report);
        for finding in report.into_findings() {
            if !plan.file(rule_index, finding) {
                plan.broken = true;
            }
        }
    }

    // A scope a rule broke: its rules run on the whole file, and it is not remembered.
    for plan in plans.iter_mut().filter(|p| p.broken) {
        for (rule_index, rule) in all().enumerate() {
            if rule.scope != plan.scope
                || config.severity(rule).is_none()
                || suppressions.whole_file(rule)
            {
                continue;
            }
            if cancelled() {
                return None;
            }
            let mut report = Report::new(rule);
            (rule.check)(&context, &mut report);
            whole_file.extend(report.into_findings().into_iter().map(|f| (rule_index, f)));
        }
    }

    // The new memo, and the findings in this text.
    let mut found: Vec<(usize, Finding)> = whole_file;
    let mut scopes: [Vec<Remembered>; 3] = Default::default();
    let mut previous = std::mem::take(&mut memo.scopes);
    for (slot, plan) in plans.into_iter().enumerate() {
        if plan.broken {
            continue;
        }
        let Plan {
            units,
            prefix,
            suffix,
            found: mut fresh,
            ..
        } = plan;
        let old = std::mem::take(&mut previous[slot]);
        let old_len = old.len();
        let mut old: Vec<Option<Remembered>> = if same_inputs {
            old.into_iter().map(Some).collect()
        } else {
            Vec::new()
        };
        let count = units.len();
        for (position, unit) in units.into_iter().enumerate() {
            let findings = if position < prefix {
                old[position].take().map(|r| r.findings).unwrap_or_default()
            } else if position >= count - suffix {
                old[old_len - (count - position)]
                    .take()
                    .map(|r| r.findings)
                    .unwrap_or_default()
            } else {
                std::mem::take(&mut fresh[position - prefix])
            };
            for (rule_index, finding) in &findings {
                let mut placed = finding.clone();
                shift(&mut placed, 0, unit.range.start);
                found.push((*rule_index, placed));
            }
            scopes[slot].push(Remembered { unit, findings });
        }
    }
    *memo = FindingsMemo {
        inputs: Some(inputs),
        text: Some(snapshot.shared_text()),
        scopes,
    };

    let rules: Vec<_> = all().collect();
    let mut kept: Vec<(usize, Finding, Severity)> = found
        .into_iter()
        .filter_map(|(rule_index, finding)| {
            let rule = rules[rule_index];
            let severity = config.severity(rule)?;
            let suppressed =
                suppressions.whole_file(rule) || suppressions.at(rule, finding.range.start);
            (!suppressed).then_some((rule_index, finding, severity))
        })
        .collect();
    kept.sort_by_key(|(rule_index, f, _)| (f.range.start, f.range.end, *rule_index));
    Some(kept.into_iter().map(|(_, f, s)| (f, s)).collect())
}

/// What the rules of `scope` check for the units `checked`.
fn focus_of(snapshot: &Snapshot, scope: Scope, checked: &[Unit]) -> Focus {
    let model = snapshot.model();
    match scope {
        Scope::Stage => Focus {
            instructions: checked
                .iter()
                .filter_map(|u| model.stages.get(u.index))
                .flat_map(|s| s.instructions.clone())
                .collect(),
            stages: checked.iter().map(|u| u.index).collect(),
        },
        _ => {
            let instructions: Vec<usize> = checked.iter().map(|u| u.index).collect();
            let stages = model
                .stages
                .iter()
                .filter(|s| instructions.binary_search(&s.from).is_ok())
                .map(|s| s.index)
                .collect();
            Focus {
                instructions,
                stages,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;
    use crate::rules::check;

    fn fresh(text: &str) -> Vec<(Finding, Severity)> {
        let snapshot = Snapshot::from_text(text);
        check(&Context::new(&snapshot, &RuleConfig::default(), None))
    }

    fn incremental(memo: &mut FindingsMemo, text: &str) -> Vec<(Finding, Severity)> {
        let snapshot = Snapshot::new(&Document::new(text));
        check_incremental(&snapshot, &RuleConfig::default(), None, memo, &|| false)
            .unwrap_or_default()
    }

    #[test]
    fn findings_of_units_after_an_edit_move_with_them() {
        let before = "FROM alpine\nRUN apt-get install -y curl\nMAINTAINER me\nRUM x\n";
        let after = "FROM alpine\n# a comment\nRUN apt-get install -y curl\nMAINTAINER me\nRUM x\n";
        let mut memo = FindingsMemo::new();
        assert_eq!(incremental(&mut memo, before), fresh(before));
        assert!(memo.units() > 0);
        assert_eq!(incremental(&mut memo, after), fresh(after));
        assert_eq!(incremental(&mut memo, before), fresh(before));
    }

    #[test]
    fn an_edit_to_an_arg_checks_the_instructions_after_it() {
        let before = "ARG BASE=alpine:3\nFROM $BASE\nARG V\nRUN echo $V $W\n";
        let after = "ARG BASE=alpine:3\nFROM $BASE\nARG W\nRUN echo $V $W\n";
        let mut memo = FindingsMemo::new();
        assert_eq!(incremental(&mut memo, before), fresh(before));
        assert_eq!(incremental(&mut memo, after), fresh(after));
    }

    #[test]
    fn a_stage_that_moves_to_another_line_is_checked_again() {
        let before = "FROM a:1\nRUN apt-get update\nRUN rm -rf /var/lib/apt/lists/*\n";
        let after = format!("\n\n{before}");
        assert_eq!(crate::text::line_number(&after, 2), 3);
        let mut memo = FindingsMemo::new();
        assert_eq!(incremental(&mut memo, before), fresh(before));
        assert_eq!(incremental(&mut memo, &after), fresh(&after));
    }

    #[test]
    fn a_cancelled_analysis_leaves_the_memo_as_it_was() {
        let text = "FROM alpine\nRUM x\n";
        let mut memo = FindingsMemo::new();
        incremental(&mut memo, text);
        let units = memo.units();
        let snapshot = Snapshot::from_text("FROM alpine\nRUM y\nRUN z\n");
        let answer =
            check_incremental(&snapshot, &RuleConfig::default(), None, &mut memo, &|| true);
        assert_eq!(answer, None);
        assert_eq!(memo.units(), units);
    }
}
