//! The rules: each checks one thing, carries its own documentation, and fixes what it finds
//! where the fix is mechanical. One file per rule, its tests at the bottom.
//!
//! A rule reads a [`Context`] (the text, tree and model of one document, and the settings) and
//! adds [`Finding`]s to a [`Report`]. Ranges are the exact bytes at fault.

use std::collections::HashMap;
use std::ops::Range;

use std::cell::{OnceCell, RefCell};
use std::rc::Rc;

use tree_sitter::{Node, Tree};

use crate::diagnostic::{Edit, Fix, Severity};
use crate::model::{Instruction, Model, Stage};
use crate::shell::Script;
use crate::snapshot::Snapshot;
use commands::expansions::Variables;

mod incremental;
mod suppression;
#[cfg(test)]
pub mod testing;

// The mission rules, and what they share.
mod cleanup_layer;
pub mod shell;
mod split_run_layers;
mod unknown_instruction;
pub mod unpinned_base_image;

// Groups of rules, each in its own directory with a `RULES` list.
mod buildkit;
mod commands;
mod hadolint;
mod validity;

pub use incremental::{check_incremental, FindingsMemo};
pub use suppression::{suppress_edit, Suppressions};

/// The rules in this directory.
static CORE: &[&Rule] = &[
    &unknown_instruction::RULE,
    &unpinned_base_image::UNTAGGED,
    &unpinned_base_image::LATEST,
    &split_run_layers::RULE,
    &cleanup_layer::RULE,
];

/// Every group of rules.
static GROUPS: &[&[&Rule]] = &[
    CORE,
    validity::RULES,
    buildkit::RULES,
    hadolint::RULES,
    commands::RULES,
];

/// Every rule.
pub fn all() -> impl Iterator<Item = &'static Rule> {
    GROUPS.iter().flat_map(|group| group.iter().copied())
}

/// What a rule is about, for grouping in documentation and settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    /// BuildKit rejects the file, or the build does something else than written.
    Correctness,
    /// The build gives different results over time.
    Reproducibility,
    /// Images larger or builds slower than they need to be.
    Efficiency,
    /// Secrets or privileges exposed.
    Security,
    /// Practices that keep Dockerfiles easy to read and maintain.
    Style,
}

impl Category {
    pub fn name(self) -> &'static str {
        match self {
            Category::Correctness => "correctness",
            Category::Reproducibility => "reproducibility",
            Category::Efficiency => "efficiency",
            Category::Security => "security",
            Category::Style => "style",
        }
    }
}

/// What a rule reads to find what it reports: the contract that lets an analysis after an edit
/// reuse the findings of the parts the edit did not touch.
///
/// The parts are *units*: an instruction's unit runs from the start of its first line to the
/// end of the instruction (its continuation lines, heredoc bodies and ONBUILD trigger included);
/// a stage's unit runs from the start of its `FROM` line to the end of its last instruction.
/// Every unit also depends on two facts of the whole file: the escape character and whether
/// lines end in CRLF. The settings and the `.dockerignore` are the same for every unit of one
/// analysis.
///
/// A rule of one of the first three scopes promises that each of its findings (its range and
/// the edits of its fixes) lies inside one unit of that scope, and that the findings in a unit
/// stay the same, moved with it, as long as the unit's text and the text it declares it reads
/// stay the same. `tests/rule_scopes.rs` checks both on the corpus and on every rule's examples.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// One instruction alone: its own text, nothing before or after it.
    Instruction,
    /// One instruction with what is in scope where it stands: the text of every `FROM`, `ARG`,
    /// `ENV` and `SHELL` before it (which gives the ARG and ENV values visible to it, the stage
    /// names and base images declared so far, and the shell of its stage). An edit to such an
    /// instruction checks again the instructions after it; an edit elsewhere does not.
    InstructionInContext,
    /// One stage: the text of its `FROM` and of every instruction in it, read together (the order
    /// of its RUNs, its last USER), and the number of the line it starts on, since messages name
    /// the lines of other instructions in the stage.
    Stage,
    /// Anything in the file, such as later stages, comments between instructions or the parser
    /// directives: checked again after every edit.
    File,
}

impl Scope {
    pub fn name(self) -> &'static str {
        match self {
            Scope::Instruction => "instruction",
            Scope::InstructionInContext => "instruction in context",
            Scope::Stage => "stage",
            Scope::File => "file",
        }
    }
}

/// A rule and its one-source documentation.
#[derive(Debug)]
pub struct Rule {
    /// Stable kebab-case name, the diagnostic's code.
    pub name: &'static str,
    /// One line: what is wrong when it fires.
    pub summary: &'static str,
    /// Markdown: what it checks, why it matters, an example before and after, the fix.
    pub docs: &'static str,
    pub severity: Severity,
    pub category: Category,
    /// What its findings depend on, so that after an edit only the findings that may have
    /// changed are computed again.
    pub scope: Scope,
    /// The hadolint codes it corresponds to (`DL3006`).
    pub hadolint: &'static [&'static str],
    /// The BuildKit build check it corresponds to (`StageNameCasing`).
    pub buildkit: Option<&'static str>,
    /// Off unless the settings turn it on.
    pub off_by_default: bool,
    /// What its fixes are: the fix engine reads this instead of knowing rules by name.
    pub fixes: Fixes,
    pub check: fn(&Context, &mut Report),
}

/// What the fixes a rule attaches to its findings are.
#[derive(Debug, Clone, Copy)]
pub enum Fixes {
    /// It only reports.
    None,
    /// Its fixes change what the build does, or leave text for the user to fill in: offered in
    /// the editor, never applied by `dockls check --fix` or the editor's fix-all.
    Unsafe,
    /// It has fixes that keep the file's meaning (possibly beside unsafe ones); `--fix` and
    /// fix-all apply them.
    Safe,
    /// Safe fixes, and one safe fix that resolves every finding of the rule in the file at once
    /// (merging all consecutive RUNs), computed on request.
    SafeWithFileFix(fn(&Context) -> Option<Fix>),
}

impl Fixes {
    /// Whether the fix engine may apply some of the rule's fixes.
    pub fn has_safe(self) -> bool {
        matches!(self, Fixes::Safe | Fixes::SafeWithFileFix(_))
    }
}

impl PartialEq for Rule {
    fn eq(&self, other: &Rule) -> bool {
        self.name == other.name
    }
}

impl Eq for Rule {}

impl Rule {
    /// Whether `name` is this rule's name or one of its aliases (case-insensitive for aliases).
    pub fn answers_to(&self, name: &str) -> bool {
        self.name == name
            || self.hadolint.iter().any(|a| a.eq_ignore_ascii_case(name))
            || self.buildkit.is_some_and(|b| b.eq_ignore_ascii_case(name))
    }
}

/// The rule named `name` exactly (a diagnostic's code), without aliases.
pub fn named(name: &str) -> Option<&'static Rule> {
    all().find(|r| r.name == name)
}

/// The rule with this name or alias.
pub fn rule(name: &str) -> Option<&'static Rule> {
    all().find(|r| r.answers_to(name))
}

/// Settings of the rules.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleConfig {
    /// Severity per rule name or alias; `None` turns the rule off.
    pub severities: HashMap<String, Option<Severity>>,
    /// Registries base images may come from (DL3026); empty allows all.
    pub trusted_registries: Vec<String>,
}

impl RuleConfig {
    /// The severity `rule` reports with, or `None` when it is off.
    pub fn severity(&self, rule: &Rule) -> Option<Severity> {
        let configured = self
            .severities
            .iter()
            .find(|(name, _)| rule.answers_to(name))
            .map(|(_, severity)| *severity);
        match configured {
            Some(setting) => setting,
            None if rule.off_by_default => None,
            None => Some(rule.severity),
        }
    }
}

/// What a rule sees.
pub struct Context<'a> {
    pub text: &'a str,
    pub tree: &'a Tree,
    pub model: &'a Model,
    pub config: &'a RuleConfig,
    /// The build context's `.dockerignore`, when the shell found one.
    pub dockerignore: Option<&'a str>,
    /// The snapshot, for its RUN scripts (parsed on first use, so files and settings without
    /// shell rules pay nothing for them).
    snapshot: &'a Snapshot,
    /// The parts to check, when an incremental analysis knows the findings of the others;
    /// `None` checks everything. A rule that walks [`Context::instructions`] and
    /// [`Context::stages`] only does the work asked for; one that walks the model itself is
    /// still correct, its findings outside the focus are dropped.
    pub focus: Option<&'a Focus>,
    /// The children of the root node, listed once for all the rules that look for an
    /// instruction's node (walking the root's children costs as much as the file is long).
    top_level: Rc<OnceCell<Vec<Node<'a>>>>,
    /// The nodes of each RUN script's tree by kind, listed on first use for all the shell rules
    /// (a 1 MB RUN has hundreds of thousands of nodes), by the script's instruction index.
    script_nodes: Rc<RefCell<HashMap<usize, Rc<ScriptNodes<'a>>>>>,
    /// What each RUN script's variables hold, worked out on first use for all the shell rules
    /// that ask, by the script's instruction index.
    script_variables: Rc<RefCell<HashMap<usize, Rc<Variables<'a>>>>>,
}

/// The nodes of a script's tree, grouped by kind, each group in document order.
pub struct ScriptNodes<'a> {
    /// By kind name, sorted by it.
    by_kind: Vec<(&'static str, Vec<Node<'a>>)>,
    /// The nearest ancestors of the nodes the rules start from (expansions, substitutions,
    /// single-quoted strings, commands), nearest first, by node id: `Node::parent` searches
    /// down from the root, which costs as much as the script is deep (a RUN of 5,000 `&&` is
    /// 5,000 deep).
    ancestors: HashMap<usize, Vec<Node<'a>>>,
}

/// The kinds of node whose ancestors [`ScriptNodes`] keeps.
const WITH_ANCESTORS: &[&str] = &[
    "simple_expansion",
    "expansion",
    "command_substitution",
    "raw_string",
    "command",
    "negated_command",
];

/// How many ancestors [`ScriptNodes`] keeps of a node.
pub const ANCESTORS: usize = 16;

/// tree-sitter-bash, whose kind names live as long as the program.
fn bash() -> &'static tree_sitter::Language {
    static BASH: std::sync::OnceLock<tree_sitter::Language> = std::sync::OnceLock::new();
    BASH.get_or_init(|| tree_sitter_bash::LANGUAGE.into())
}

impl<'a> ScriptNodes<'a> {
    fn of(tree: &'a Tree) -> ScriptNodes<'a> {
        let mut by_id: HashMap<u16, Vec<Node<'a>>> = HashMap::new();
        let mut ancestors: HashMap<usize, Vec<Node<'a>>> = HashMap::new();
        let mut stack: Vec<Node<'a>> = Vec::new();
        let mut cursor = tree.walk();
        'walk: loop {
            let node = cursor.node();
            by_id.entry(node.kind_id()).or_default().push(node);
            if node.is_named() && WITH_ANCESTORS.contains(&node.kind()) {
                ancestors.insert(
                    node.id(),
                    stack.iter().rev().take(ANCESTORS).copied().collect(),
                );
            }
            if cursor.goto_first_child() {
                stack.push(node);
                continue;
            }
            loop {
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    break 'walk;
                }
                stack.pop();
            }
        }
        let mut by_kind: Vec<(&'static str, Vec<Node<'a>>)> = by_id
            .into_iter()
            .filter_map(|(id, nodes)| Some((bash().node_kind_for_id(id)?, nodes)))
            .collect();
        by_kind.sort_by_key(|(kind, nodes)| (*kind, nodes.first().map(|n| n.start_byte())));
        // Several symbols can share a name (aliases): their nodes go in one list.
        let mut merged: Vec<(&'static str, Vec<Node<'a>>)> = Vec::with_capacity(by_kind.len());
        for (kind, nodes) in by_kind {
            match merged.last_mut() {
                Some((last, list)) if *last == kind => {
                    list.extend(nodes);
                    list.sort_by_key(|n| (n.start_byte(), std::cmp::Reverse(n.end_byte())));
                }
                _ => merged.push((kind, nodes)),
            }
        }
        ScriptNodes {
            by_kind: merged,
            ancestors,
        }
    }

    /// The nearest ancestors of a node of one of the kinds in [`WITH_ANCESTORS`], nearest
    /// first (at most [`ANCESTORS`] of them); empty for other nodes.
    pub fn ancestors(&self, node: Node) -> &[Node<'a>] {
        self.ancestors.get(&node.id()).map_or(&[], Vec::as_slice)
    }

    /// The nodes of the given kinds, in document order.
    pub fn of_kinds(&self, kinds: &[&str]) -> Vec<Node<'a>> {
        let mut nodes: Vec<Node<'a>> = kinds
            .iter()
            .filter_map(|kind| {
                let index = self.by_kind.binary_search_by(|(k, _)| k.cmp(kind)).ok()?;
                Some(&self.by_kind[index].1)
            })
            .flatten()
            .copied()
            .collect();
        if kinds.len() > 1 {
            nodes.sort_by_key(|n| (n.start_byte(), std::cmp::Reverse(n.end_byte())));
        }
        nodes
    }
}

/// The instructions and stages an incremental analysis asks a rule to check, by index in the
/// model, in ascending order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Focus {
    pub instructions: Vec<usize>,
    pub stages: Vec<usize>,
}

impl<'a> Context<'a> {
    /// What a rule sees of `snapshot`, with `config` and the build context's `.dockerignore`
    /// (when there is one).
    pub fn new(
        snapshot: &'a Snapshot,
        config: &'a RuleConfig,
        dockerignore: Option<&'a str>,
    ) -> Context<'a> {
        Context {
            text: snapshot.text(),
            tree: snapshot.tree(),
            model: snapshot.model(),
            config,
            dockerignore,
            snapshot,
            focus: None,
            top_level: Rc::default(),
            script_nodes: Rc::default(),
            script_variables: Rc::default(),
        }
    }

    /// This context with `focus`, sharing what it has found of the tree.
    pub fn focused(&self, focus: &'a Focus) -> Context<'a> {
        Context {
            text: self.text,
            tree: self.tree,
            model: self.model,
            config: self.config,
            dockerignore: self.dockerignore,
            snapshot: self.snapshot,
            focus: Some(focus),
            top_level: self.top_level.clone(),
            script_nodes: self.script_nodes.clone(),
            script_variables: self.script_variables.clone(),
        }
    }

    /// The named children of the root node, in order: comments, directives, instructions.
    pub fn top_level(&self) -> &[Node<'a>] {
        self.top_level.get_or_init(|| {
            let root = self.tree.root_node();
            let mut cursor = root.walk();
            root.named_children(&mut cursor).collect()
        })
    }

    /// The syntax node of an instruction of the file (not of an ONBUILD trigger).
    pub fn instruction_node(&self, instruction: &Instruction) -> Option<Node<'a>> {
        let top = self.top_level();
        let position = top.partition_point(|n| n.start_byte() < instruction.range.start);
        top.get(position)
            .copied()
            .filter(|n| n.byte_range() == instruction.range && n.kind().ends_with("_instruction"))
    }

    /// The shell scripts of the RUN instructions to check (all, or those in focus), each parsed
    /// once per snapshot (or reused from the one before an edit) and shared by every rule.
    pub fn scripts(&self) -> impl Iterator<Item = &'a Script> + 'a {
        let snapshot = self.snapshot;
        every_or_focused(
            || snapshot.scripts().iter(),
            self.focus.map(|f| f.instructions.as_slice()),
            move |index| snapshot.script(index),
        )
    }

    /// The nodes of a script's tree by kind, listed once per analysis.
    pub fn script_nodes(&self, script: &'a Script) -> Rc<ScriptNodes<'a>> {
        if let Some(found) = self.script_nodes.borrow().get(&script.instruction) {
            return found.clone();
        }
        let nodes = Rc::new(ScriptNodes::of(&script.tree));
        self.script_nodes
            .borrow_mut()
            .insert(script.instruction, nodes.clone());
        nodes
    }

    /// The variables of `script`: names from the build and what the script assigns.
    pub(crate) fn script_variables(&self, script: &'a Script) -> Rc<Variables<'a>> {
        if let Some(found) = self.script_variables.borrow().get(&script.instruction) {
            return found.clone();
        }
        let variables = Rc::new(Variables::of(self, script));
        self.script_variables
            .borrow_mut()
            .insert(script.instruction, variables.clone());
        variables
    }

    /// The instructions to check with their index: all of them, or those in focus.
    pub fn instructions(&self) -> impl Iterator<Item = (usize, &'a Instruction)> + 'a {
        let all = &self.model.instructions;
        every_or_focused(
            || all.iter().enumerate(),
            self.focus.map(|f| f.instructions.as_slice()),
            move |index| Some((index, all.get(index)?)),
        )
    }

    /// The stages to check: all of them, or those in focus.
    pub fn stages(&self) -> impl Iterator<Item = &'a Stage> + 'a {
        let all = &self.model.stages;
        every_or_focused(
            || all.iter(),
            self.focus.map(|f| f.stages.as_slice()),
            move |index| all.get(index),
        )
    }

    /// Whether the instruction with this index is to be checked.
    pub fn checks_instruction(&self, index: usize) -> bool {
        self.focus
            .is_none_or(|focus| focus.instructions.binary_search(&index).is_ok())
    }

    /// The text of a byte range, empty when out of bounds.
    pub fn slice(&self, range: Range<usize>) -> &str {
        self.text.get(range).unwrap_or_default()
    }

    /// 1-based line number of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.model.line_of(offset)
    }
}

/// `every()` without a focus, else what `look_up` finds for each focused index; `every` is
/// called only when needed (listing every script parses them all).
fn every_or_focused<'a, T, I>(
    every: impl FnOnce() -> I,
    focused: Option<&'a [usize]>,
    look_up: impl Fn(usize) -> Option<T> + 'a,
) -> impl Iterator<Item = T> + 'a
where
    I: Iterator<Item = T> + 'a,
{
    let every = match focused {
        None => Some(every()),
        Some(_) => None,
    };
    let focused = focused
        .into_iter()
        .flatten()
        .filter_map(move |&index| look_up(index));
    every.into_iter().flatten().chain(focused)
}

/// A problem a rule found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static Rule,
    pub range: Range<usize>,
    pub message: String,
    pub fixes: Vec<Fix>,
}

/// Collects the findings of one rule.
pub struct Report {
    rule: &'static Rule,
    findings: Vec<Finding>,
}

impl Report {
    pub fn new(rule: &'static Rule) -> Report {
        Report {
            rule,
            findings: Vec::new(),
        }
    }

    /// Adds a finding; chain [`Finding::with_fix`] to attach fixes.
    pub fn add(&mut self, range: Range<usize>, message: impl Into<String>) -> &mut Finding {
        self.findings.push(Finding {
            rule: self.rule,
            range,
            message: message.into(),
            fixes: Vec::new(),
        });
        let last = self.findings.len() - 1;
        &mut self.findings[last]
    }

    pub fn into_findings(self) -> Vec<Finding> {
        self.findings
    }
}

impl Finding {
    /// Attaches a fix that keeps the file's meaning.
    pub fn with_fix(&mut self, title: impl Into<String>, edits: Vec<Edit>) -> &mut Finding {
        self.fixes.push(Fix {
            title: title.into(),
            edits,
            is_snippet: false,
            safe: true,
        });
        self
    }

    /// Attaches a fix that changes what the build does, or needs the user's input.
    pub fn with_unsafe_fix(&mut self, title: impl Into<String>, edits: Vec<Edit>) -> &mut Finding {
        self.fixes.push(Fix {
            title: title.into(),
            edits,
            is_snippet: false,
            safe: false,
        });
        self
    }

    /// Attaches a fix whose text has snippet placeholders for the user to fill in.
    pub fn with_snippet_fix(&mut self, title: impl Into<String>, edits: Vec<Edit>) -> &mut Finding {
        self.fixes.push(Fix {
            title: title.into(),
            edits,
            is_snippet: true,
            safe: false,
        });
        self
    }
}

/// Runs every enabled rule on one document and drops suppressed findings. Returns each
/// finding with the severity it reports at.
pub fn check(context: &Context) -> Vec<(Finding, Severity)> {
    check_until(context, &|| false).unwrap_or_default()
}

/// [`check`], given up between two rules as soon as `cancelled` says the answer is no longer
/// wanted (the text changed meanwhile); `None` then.
pub fn check_until(
    context: &Context,
    cancelled: &dyn Fn() -> bool,
) -> Option<Vec<(Finding, Severity)>> {
    let suppressions = Suppressions::read(context);
    let mut found = Vec::new();
    for rule in all() {
        if cancelled() {
            return None;
        }
        let Some(severity) = context.config.severity(rule) else {
            continue;
        };
        if suppressions.whole_file(rule) {
            continue;
        }
        let mut report = Report::new(rule);
        (rule.check)(context, &mut report);
        for finding in report.into_findings() {
            if !suppressions.at(rule, finding.range.start) {
                found.push((finding, severity));
            }
        }
    }
    found.sort_by_key(|(f, _)| (f.range.start, f.range.end));
    Some(found)
}

/// The fix that resolves every finding of `rule` in the document at once, for a rule that
/// declares one (merging all consecutive RUNs); computed on request.
pub fn file_fix(rule: &Rule, context: &Context) -> Option<Fix> {
    match rule.fixes {
        Fixes::SafeWithFileFix(fix) => fix(context),
        Fixes::None | Fixes::Unsafe | Fixes::Safe => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_aliases_are_unique_and_documented() {
        let rules: Vec<&Rule> = all().collect();
        for (i, rule) in rules.iter().enumerate() {
            assert!(
                rule.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-'),
                "{} is not kebab-case",
                rule.name
            );
            assert!(
                !rule.summary.is_empty() && !rule.docs.is_empty(),
                "{} lacks docs",
                rule.name
            );
            assert!(
                rule.docs.contains("**Before**") && rule.docs.contains("**After**")
                    || rule.docs.contains("**Example**"),
                "{}: docs need a before/after example",
                rule.name
            );
            for other in &rules[i + 1..] {
                assert_ne!(rule.name, other.name, "duplicate rule name");
                for alias in rule.hadolint.iter().copied().chain(rule.buildkit) {
                    assert!(
                        !other.answers_to(alias),
                        "{alias} is an alias of {} and {}",
                        rule.name,
                        other.name
                    );
                }
            }
        }
    }
}
