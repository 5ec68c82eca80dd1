//! Every rule declares what its findings depend on (`Rule::scope`); incremental analysis trusts
//! the declaration to reuse findings after an edit. This checks each declaration where it can be
//! checked, on the corpus and on the examples in every rule's documentation:
//!
//! - each finding of a rule scoped to an instruction or a stage, with the edits of its fixes,
//!   lies inside one unit of that scope;
//! - the rule finds the same in a unit (moved with it) when the unit is analysed with only what
//!   its scope says it reads: the text before the first instruction (the parser directives),
//!   the unit itself, and for an instruction in context the `FROM`, `ARG`, `ENV` and `SHELL`
//!   instructions before it.

mod common;

use std::ops::Range;

use common::{corpus_roots, dockerfiles_under};
use dockls::model::Model;
use dockls::rules::{self, Context, Finding, Report, Rule, RuleConfig, Scope};
use dockls::snapshot::Snapshot;
use dockls::text::{line_number, whole_lines};

/// What `copy-ignored-file` reads besides the Dockerfile.
const DOCKERIGNORE: &str = ".git\n*.log\n*.env\nnode_modules\nsecret*\n";

/// The keywords whose text an instruction in context may read.
const CONTEXT_KEYWORDS: &[&str] = &["FROM", "ARG", "ENV", "SHELL"];

/// The findings of `rule` alone on `text`.
fn run(rule: &'static Rule, text: &str) -> Vec<Finding> {
    run_on(rule, &Snapshot::from_text(text))
}

fn run_on(rule: &'static Rule, snapshot: &Snapshot) -> Vec<Finding> {
    let config = RuleConfig::default();
    let context = Context::new(snapshot, &config, Some(DOCKERIGNORE));
    let mut report = Report::new(rule);
    (rule.check)(&context, &mut report);
    report.into_findings()
}

/// The units of one scope in a document, each with the units its scope reads before it.
struct Unit {
    range: Range<usize>,
    /// The ranges of the earlier units it reads.
    reads: Vec<Range<usize>>,
}

fn units(model: &Model, text: &str, scope: Scope) -> Vec<Unit> {
    let lines = |range: &Range<usize>| whole_lines(text, range);
    match scope {
        Scope::Instruction => model
            .instructions
            .iter()
            .map(|i| Unit {
                range: lines(&i.range),
                reads: Vec::new(),
            })
            .collect(),
        Scope::InstructionInContext => {
            let mut context = Vec::new();
            let mut found = Vec::new();
            for instruction in &model.instructions {
                found.push(Unit {
                    range: lines(&instruction.range),
                    reads: context.clone(),
                });
                if CONTEXT_KEYWORDS.contains(&instruction.keyword.as_str()) {
                    context.push(lines(&instruction.range));
                }
            }
            found
        }
        Scope::Stage => model
            .stages
            .iter()
            .filter_map(|stage| {
                let first = model.instructions.get(stage.instructions.start)?;
                let last = model
                    .instructions
                    .get(stage.instructions.end.checked_sub(1)?)?;
                Some(Unit {
                    range: lines(&(first.range.start..last.range.end)),
                    reads: Vec::new(),
                })
            })
            .collect(),
        Scope::File => Vec::new(),
    }
}

fn inside(range: &Range<usize>, unit: &Range<usize>) -> bool {
    unit.start <= range.start && range.end <= unit.end
}

/// The ranges a finding touches: its own and its fixes' edits.
fn touched(finding: &Finding) -> impl Iterator<Item = &Range<usize>> {
    std::iter::once(&finding.range).chain(
        finding
            .fixes
            .iter()
            .flat_map(|fix| fix.edits.iter().map(|edit| &edit.range)),
    )
}

/// `finding` moved by `delta` bytes.
fn shifted(finding: &Finding, delta: isize) -> Finding {
    let shift = |range: &Range<usize>| {
        range.start.wrapping_add_signed(delta)..range.end.wrapping_add_signed(delta)
    };
    let mut moved = finding.clone();
    moved.range = shift(&finding.range);
    for fix in &mut moved.fixes {
        for edit in &mut fix.edits {
            edit.range = shift(&edit.range);
        }
    }
    moved
}

/// Checks `rule`'s scope on one document; returns what breaks it.
fn check_scope(rule: &'static Rule, name: &str, snapshot: &Snapshot) -> Vec<String> {
    let mut problems = Vec::new();
    let text = snapshot.text();
    let model = snapshot.model();
    let units = units(model, text, rule.scope);
    let header_end = model
        .instructions
        .first()
        .map_or(text.len(), |i| whole_lines(text, &i.range).start);
    let header = &text[..header_end];
    let findings = run_on(rule, snapshot);
    for finding in &findings {
        if !units
            .iter()
            .any(|u| touched(finding).all(|r| inside(r, &u.range)))
        {
            problems.push(format!(
                "{} ({}) in {name}: {:?} `{}` is not inside one unit",
                rule.name,
                rule.scope.name(),
                finding.range,
                finding.message
            ));
        }
    }
    // A unit with findings, and a few without, analysed on their own.
    let mut without = 0;
    for unit in &units {
        let expected: Vec<&Finding> = findings
            .iter()
            .filter(|f| inside(&f.range, &unit.range))
            .collect();
        if expected.is_empty() {
            without += 1;
            if without % 8 != 1 {
                continue;
            }
        }
        let mut alone = header.to_owned();
        for read in &unit.reads {
            alone.push_str(&text[read.clone()]);
        }
        if rule.scope == Scope::Stage {
            // A stage's messages may name its lines: it starts on the same line when alone.
            let lines = line_number(text, unit.range.start) - line_number(&alone, alone.len());
            alone.push_str(&"\n".repeat(lines));
        }
        let start = alone.len();
        alone.push_str(&text[unit.range.clone()]);
        let delta = unit.range.start as isize - start as isize;
        let found: Vec<Finding> = run(rule, &alone)
            .iter()
            .filter(|f| f.range.start >= start)
            .map(|f| shifted(f, delta))
            .collect();
        let expected: Vec<Finding> = expected.into_iter().cloned().collect();
        if found != expected {
            problems.push(format!(
                "{} ({}) in {name}, unit {:?} `{}`: alone it finds {:?}, in the file {:?}",
                rule.name,
                rule.scope.name(),
                unit.range,
                text[unit.range.clone()].trim_end(),
                found
                    .iter()
                    .map(|f| (&f.range, &f.message))
                    .collect::<Vec<_>>(),
                expected
                    .iter()
                    .map(|f| (&f.range, &f.message))
                    .collect::<Vec<_>>(),
            ));
        }
    }
    problems
}

/// The Dockerfile examples in a rule's documentation; an example without a `FROM` also in a
/// stage, for the rules that look only inside stages.
fn examples(rule: &Rule) -> Vec<String> {
    rule.docs
        .split("```dockerfile\n")
        .skip(1)
        .filter_map(|block| block.split("```").next())
        .flat_map(|example| {
            let in_stage = (!example.contains("FROM")).then(|| format!("FROM alpine:3\n{example}"));
            std::iter::once(example.to_owned()).chain(in_stage)
        })
        .collect()
}

/// The real files of the corpus (not the stress files, which are large, nor the hostile ones).
fn corpus() -> Vec<(String, String)> {
    let mut files = Vec::new();
    for root in corpus_roots() {
        for path in dockerfiles_under(&root) {
            let relative = path.strip_prefix(&root).unwrap_or(&path);
            if relative.starts_with("stress") || relative.starts_with("invalid") {
                continue;
            }
            if let Ok(text) = std::fs::read_to_string(&path) {
                files.push((relative.display().to_string(), text));
            }
        }
    }
    files
}

#[test]
fn every_rule_declares_a_scope_that_holds() {
    let corpus = corpus();
    let all_examples: Vec<(String, String)> = rules::all()
        .flat_map(|rule| {
            examples(rule)
                .into_iter()
                .enumerate()
                .map(|(i, text)| (format!("{} example {i}", rule.name), text))
        })
        .collect();
    let mut problems = Vec::new();
    let mut checked = 0;
    for (name, text) in all_examples.iter().chain(&corpus) {
        let snapshot = Snapshot::from_text(text);
        for rule in rules::all().filter(|r| r.scope != Scope::File) {
            problems.extend(check_scope(rule, name, &snapshot));
            checked += 1;
        }
    }
    assert!(checked > 0);
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn the_examples_exercise_most_scoped_rules() {
    // A scope check on documents where a rule finds nothing proves little: each rule scoped
    // narrower than the file must find something in its own examples.
    let silent: Vec<&str> = rules::all()
        .filter(|r| r.scope != Scope::File)
        .filter(|r| examples(r).iter().all(|text| run(r, text).is_empty()))
        .map(|r| r.name)
        .collect();
    assert!(
        silent.is_empty(),
        "find nothing in their examples: {silent:?}"
    );
}
