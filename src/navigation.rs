//! Navigation: go to definition, find references, document highlight and rename, for the three
//! kinds of names a Dockerfile has: stage names, ARG/ENV variables and heredoc delimiters.
//!
//! Every request builds an index of the occurrences of every stage name and heredoc delimiter,
//! and of the variables named like the one under the cursor, and answers from it. A stage is named after `AS` and referred to by `FROM name`,
//! `COPY --from=name` and `RUN --mount=...,from=name`, in any case, or by its index in `--from`.
//! A variable is the set of declarations and uses that denote it: the model resolves each use to
//! a declaration; declarations of one name in one scope are one variable; a bare `ARG X` in a
//! stage re-declares the global `ARG X`, so both are one variable. Uses the model could not
//! resolve (shell variables, the base image's environment) are grouped by name and scope. In a
//! RUN, the shell's own parse decides: uses in heredoc bodies and exec-form scripts count, and a
//! name the script assigns before using it is the script's, not an ARG or ENV.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::rc::Rc;

use crate::diagnostic::Edit;
use crate::knowledge;
use crate::model::{self, DeclarationKind, Expander, Model, Scope, VariableUse};
use crate::snapshot::Snapshot;

/// How an occurrence uses the name, for document highlights.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HighlightKind {
    /// The name is read: a use of a variable, a reference to a stage.
    Read,
    /// The name is declared: `AS name`, `ARG X`, `ENV X=...`.
    Write,
    /// A textual occurrence: a heredoc delimiter and its terminator line.
    Text,
}

/// One occurrence of the name under the cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Highlight {
    pub range: Range<usize>,
    pub kind: HighlightKind,
}

/// Why a rename cannot be done; its [`Display`](fmt::Display) is a message for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenameError {
    message: String,
}

impl RenameError {
    fn new(message: String) -> RenameError {
        RenameError { message }
    }

    /// The message for the user.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for RenameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RenameError {}

/// The declarations of the name at `offset`: the `AS` name of a stage (or its base image when it
/// has no name), the declaration a variable use resolves to (for a bare `ARG X` in a stage, the
/// global ARG it takes its value from), or a heredoc's delimiter. Empty when there is none.
pub fn definition(analysis: &Snapshot, offset: usize) -> Vec<Range<usize>> {
    let index = Index::build(analysis, offset);
    let Some(found) = index.at(offset) else {
        return Vec::new();
    };
    let mut ranges = index.definition_of(found);
    ranges.sort_by_key(|r| (r.start, r.end));
    ranges.dedup();
    ranges
}

/// Every occurrence of the name at `offset`, sorted and without duplicates; declarations only
/// when `include_declaration`.
pub fn references(
    analysis: &Snapshot,
    offset: usize,
    include_declaration: bool,
) -> Vec<Range<usize>> {
    let index = Index::build(analysis, offset);
    let Some(found) = index.at(offset) else {
        return Vec::new();
    };
    let mut ranges: Vec<Range<usize>> = index
        .same_entity(found)
        .filter(|o| include_declaration || !o.role.is_declaration())
        .map(|o| o.range.clone())
        .collect();
    ranges.sort_by_key(|r| (r.start, r.end));
    ranges.dedup();
    ranges
}

/// Every occurrence of the name at `offset` with how it is used, sorted by range.
pub fn highlights(analysis: &Snapshot, offset: usize) -> Vec<Highlight> {
    let index = Index::build(analysis, offset);
    let Some(found) = index.at(offset) else {
        return Vec::new();
    };
    let mut highlights: Vec<Highlight> = index
        .same_entity(found)
        .map(|o| Highlight {
            range: o.range.clone(),
            kind: o.highlight,
        })
        .collect();
    highlights.sort_by_key(|h| (h.range.start, h.range.end));
    highlights.dedup_by(|a, b| a.range == b.range);
    highlights
}

/// The range of the name a rename at `offset` would change, or why nothing can be renamed there.
pub fn prepare_rename(analysis: &Snapshot, offset: usize) -> Result<Range<usize>, RenameError> {
    let index = Index::build(analysis, offset);
    let found = index.renamable_at(offset)?;
    Ok(found.range.clone())
}

/// The edits that rename the name at `offset` to `new_name` everywhere it occurs, sorted by range,
/// or why the rename would be wrong.
pub fn rename(
    analysis: &Snapshot,
    offset: usize,
    new_name: &str,
) -> Result<Vec<Edit>, RenameError> {
    let index = Index::build(analysis, offset);
    let found = index.renamable_at(offset)?;
    match found.entity {
        Entity::Stage(stage) => index.check_stage_name(stage, new_name)?,
        Entity::Variable(group) => index.check_variable_name(group, new_name)?,
        Entity::Heredoc(heredoc) => index.check_heredoc_name(heredoc, new_name)?,
    }
    let mut edits: Vec<Edit> = index
        .same_entity(found)
        .filter(|o| o.role != Role::IndexReference)
        .map(|o| Edit {
            range: o.range.clone(),
            new_text: new_name.to_owned(),
        })
        .collect();
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    edits.dedup_by(|a, b| a.range == b.range);
    Ok(edits)
}

/// What a name denotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Entity {
    /// A stage, by its index in [`Model::stages`].
    Stage(usize),
    /// A variable, by the representative of its group (see [`Index::variable_groups`]).
    Variable(usize),
    /// A heredoc, by its index in [`Index::heredocs`].
    Heredoc(usize),
}

/// What an occurrence is, for definitions and renames.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// `AS name`.
    StageName,
    /// `FROM name`, `--from=name`, `from=name`.
    StageReference,
    /// `--from=0`: refers to a stage by its index, which a rename does not change.
    IndexReference,
    /// A declaration, by its index in [`Model::declarations`].
    Declaration(usize),
    /// A use, by its index in [`Index::uses`].
    Use(usize),
    /// The delimiter after `<<`.
    HeredocMarker,
    /// The line that ends a heredoc.
    HeredocEnd,
}

impl Role {
    fn is_declaration(self) -> bool {
        matches!(
            self,
            Role::StageName | Role::Declaration(_) | Role::HeredocMarker
        )
    }
}

#[derive(Debug, Clone)]
struct Occurrence {
    /// The name itself: no `$`, braces, quotes or `<<`.
    range: Range<usize>,
    entity: Entity,
    role: Role,
    highlight: HighlightKind,
}

/// A heredoc's delimiter on the instruction line and where its body and terminator are.
#[derive(Debug, Clone)]
struct HeredocSite {
    marker: Range<usize>,
    body: Option<Range<usize>>,
}

struct Index<'a> {
    text: &'a str,
    model: &'a Model,
    /// The variable uses as the shell sees them (see [`shell_uses`]); [`Role::Use`] indexes
    /// them.
    uses: Rc<Cow<'a, [VariableUse]>>,
    occurrences: Vec<Occurrence>,
    heredocs: Vec<HeredocSite>,
    /// Image names (FROM bases, `--from` and `from=` values) that are not stages, with their
    /// ranges: a stage renamed to one of them would capture it.
    foreign_names: Vec<(String, Range<usize>)>,
    /// The first stage of each name, lower-cased.
    stage_names: HashMap<String, usize>,
}

impl<'a> Index<'a> {
    /// The index of the names that matter at `offset`: every stage and heredoc, and the
    /// variables named like the one under the cursor (only a name shared with it can belong to
    /// the same variable).
    fn build(analysis: &'a Snapshot, offset: usize) -> Index<'a> {
        let mut index = Index {
            text: analysis.text(),
            model: analysis.model(),
            uses: Rc::new(shell_uses(analysis, offset)),
            occurrences: Vec::new(),
            heredocs: Vec::new(),
            foreign_names: Vec::new(),
            stage_names: HashMap::new(),
        };
        for (position, stage) in index.model.stages.iter().enumerate() {
            if let Some(name) = &stage.name {
                index
                    .stage_names
                    .entry(name.to_ascii_lowercase())
                    .or_insert(position);
            }
        }
        index.stages();
        index.variables(offset.min(index.text.len()));
        index.collect_heredocs();
        index
            .occurrences
            .retain(|o| o.range.start < o.range.end && index.text.get(o.range.clone()).is_some());
        index
            .occurrences
            .sort_by_key(|o| (o.range.start, o.range.end));
        index
    }

    fn push(&mut self, range: Range<usize>, entity: Entity, role: Role, highlight: HighlightKind) {
        self.occurrences.push(Occurrence {
            range,
            entity,
            role,
            highlight,
        });
    }

    fn stages(&mut self) {
        let model = self.model;
        for (index, stage) in model.stages.iter().enumerate() {
            if let Some(name_range) = &stage.name_range {
                self.push(
                    name_range.clone(),
                    Entity::Stage(index),
                    Role::StageName,
                    HighlightKind::Write,
                );
            }
            let Some(image) = &stage.image else {
                continue;
            };
            let base = stage
                .base_stage
                .and_then(|b| model.stages.get(b).map(|s| (b, s)));
            match base {
                Some((base, base_stage)) if base_stage.is_named(image.text.trim()) => {
                    self.push(
                        image.range.clone(),
                        Entity::Stage(base),
                        Role::StageReference,
                        HighlightKind::Read,
                    );
                }
                _ => self
                    .foreign_names
                    .push((image.text.clone(), image.range.clone())),
            }
        }
        // Triggers registered by ONBUILD run in another build, whose stages these are not, so
        // only the instructions themselves are looked at.
        for instruction in &model.instructions {
            for flag in &instruction.flags {
                let Some(value_range) = &flag.value_range else {
                    continue;
                };
                match (instruction.keyword.as_str(), flag.name.as_str()) {
                    ("COPY", "from") => self.stage_value(value_range.clone()),
                    ("RUN", "mount") => {
                        for from in mount_from_values(self.text, value_range.clone()) {
                            self.stage_value(from);
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    /// A `--from=` or `from=` value: a stage name, a stage index, or an image.
    fn stage_value(&mut self, range: Range<usize>) {
        let range = unquoted(self.text, range);
        let Some(value) = self.text.get(range.clone()) else {
            return;
        };
        if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
            if let Some(stage) = value
                .parse::<usize>()
                .ok()
                .filter(|&i| i < self.model.stages.len())
            {
                self.push(
                    range,
                    Entity::Stage(stage),
                    Role::IndexReference,
                    HighlightKind::Read,
                );
            }
            return;
        }
        match self.stage_names.get(&value.to_ascii_lowercase()).copied() {
            Some(stage) => self.push(
                range,
                Entity::Stage(stage),
                Role::StageReference,
                HighlightKind::Read,
            ),
            None => self.foreign_names.push((value.to_owned(), range)),
        }
    }

    /// The declarations and uses of the variables whose name is at `offset`, grouped into
    /// variables.
    fn variables(&mut self, offset: usize) {
        let model = self.model;
        let uses = Rc::clone(&self.uses);
        let touches = |range: &Range<usize>| range.start <= offset && offset <= range.end;
        let mut names: Vec<&str> = model
            .declarations
            .iter()
            .filter(|d| touches(&d.name_range))
            .map(|d| d.name.as_str())
            .chain(
                uses.iter()
                    .filter(|u| touches(&u.name_range))
                    .map(|u| u.name.as_str()),
            )
            .collect();
        names.sort_unstable();
        names.dedup();
        if names.is_empty() {
            return;
        }
        let declarations = model.declarations.len();
        // Declarations are numbered first, then uses after them.
        let nodes: Vec<usize> = model
            .declarations
            .iter()
            .enumerate()
            .filter(|(_, d)| names.contains(&d.name.as_str()))
            .map(|(index, _)| index)
            .chain(
                uses.iter()
                    .enumerate()
                    .filter(|(_, u)| names.contains(&u.name.as_str()))
                    .map(|(index, _)| declarations + index),
            )
            .collect();
        let groups = self.variable_groups(&nodes);
        for (&node, &group) in nodes.iter().zip(&groups) {
            if let Some(declaration) = model.declarations.get(node) {
                self.push(
                    declaration.name_range.clone(),
                    Entity::Variable(group),
                    Role::Declaration(node),
                    HighlightKind::Write,
                );
            } else if let Some(use_) = uses.get(node - declarations) {
                self.push(
                    use_.name_range.clone(),
                    Entity::Variable(group),
                    Role::Use(node - declarations),
                    HighlightKind::Read,
                );
            }
        }
    }

    /// Groups `nodes` (declaration indexes, then [`Model::declarations`]`.len()` plus use
    /// indexes, in increasing order) into variables; returns, for each, the first node of its
    /// group.
    fn variable_groups(&self, nodes: &[usize]) -> Vec<usize> {
        let model = self.model;
        let declarations = model.declarations.len();
        let position_of = |node: usize| nodes.binary_search(&node).ok();
        let mut sets = DisjointSets::new(nodes.len());
        let scope_key = |scope: Scope| match scope {
            Scope::Global => None,
            Scope::Stage(stage) => Some(stage),
        };
        let mut first_declaration: HashMap<(&str, Option<usize>), usize> = HashMap::new();
        let mut first_unresolved: HashMap<(&str, Option<usize>), usize> = HashMap::new();
        for (position, &node) in nodes.iter().enumerate() {
            if let Some(declaration) = model.declarations.get(node) {
                let key = (declaration.name.as_str(), scope_key(declaration.scope));
                let first = *first_declaration.entry(key).or_insert(position);
                sets.union(position, first);
            }
        }
        for (position, &node) in nodes.iter().enumerate() {
            if let Some(declaration) = model.declarations.get(node) {
                if self.is_bare_stage_arg(node) {
                    let global = first_declaration.get(&(declaration.name.as_str(), None));
                    if let Some(&global) = global {
                        sets.union(position, global);
                    }
                }
                continue;
            }
            let Some(use_) = self.uses.get(node - declarations) else {
                continue;
            };
            match use_.declaration.and_then(position_of) {
                Some(declaration) => sets.union(position, declaration),
                None => {
                    let key = (use_.name.as_str(), scope_key(use_.scope));
                    let first = *first_unresolved.entry(key).or_insert(position);
                    sets.union(position, first);
                }
            }
        }
        (0..nodes.len())
            .map(|position| {
                let root = sets.find(position);
                nodes.get(root).copied().unwrap_or(root)
            })
            .collect()
    }

    /// Whether the declaration is an `ARG X` in a stage without a default, which takes the value
    /// of the global `ARG X`.
    fn is_bare_stage_arg(&self, declaration: usize) -> bool {
        self.model.declarations.get(declaration).is_some_and(|d| {
            d.kind == DeclarationKind::Arg
                && matches!(d.scope, Scope::Stage(_))
                && !self
                    .text
                    .get(d.name_range.end..)
                    .is_some_and(|rest| rest.starts_with('='))
        })
    }

    fn collect_heredocs(&mut self) {
        let model = self.model;
        // An ONBUILD instruction lists the heredocs of its trigger too, so those without any
        // are skipped.
        for instruction in model.instructions.iter().filter(|i| !i.heredocs.is_empty()) {
            // An ONBUILD trigger holds its heredocs itself.
            let mut instruction = instruction;
            while let Some(trigger) = &instruction.trigger {
                instruction = trigger;
            }
            // The model gives the bodies in file order but not always the markers, so the
            // markers are put in file order before the n-th is paired with the n-th body.
            let mut markers: Vec<Range<usize>> = instruction
                .heredocs
                .iter()
                .map(|h| h.marker_range.clone())
                .collect();
            markers.sort_by_key(|m| m.start);
            for (position, marker) in markers.into_iter().enumerate() {
                let Some(delimiter) = marker_delimiter(self.text, marker) else {
                    continue;
                };
                let body = instruction.heredocs.get(position);
                let end = body
                    .and_then(|b| b.end_range.clone())
                    .and_then(|e| terminator_name(self.text, e, &delimiter));
                let content = body.and_then(|b| b.body_range.clone());
                let heredoc = self.heredocs.len();
                self.push(
                    delimiter.clone(),
                    Entity::Heredoc(heredoc),
                    Role::HeredocMarker,
                    HighlightKind::Text,
                );
                if let Some(end) = &end {
                    self.push(
                        end.clone(),
                        Entity::Heredoc(heredoc),
                        Role::HeredocEnd,
                        HighlightKind::Text,
                    );
                }
                self.heredocs.push(HeredocSite {
                    marker: delimiter,
                    body: content,
                });
            }
        }
    }

    /// The occurrence under the cursor: one that contains `offset`, or else one that ends there.
    fn at(&self, offset: usize) -> Option<&Occurrence> {
        let offset = offset.min(self.text.len());
        self.occurrences
            .iter()
            .find(|o| o.range.start <= offset && offset < o.range.end)
            .or_else(|| self.occurrences.iter().find(|o| o.range.end == offset))
    }

    fn same_entity<'s>(&'s self, found: &'s Occurrence) -> impl Iterator<Item = &'s Occurrence> {
        self.occurrences
            .iter()
            .filter(move |o| o.entity == found.entity)
    }

    fn definition_of(&self, found: &Occurrence) -> Vec<Range<usize>> {
        let model = self.model;
        match (found.entity, found.role) {
            (Entity::Stage(stage), _) => {
                let Some(stage) = model.stages.get(stage) else {
                    return Vec::new();
                };
                let range = stage
                    .name_range
                    .clone()
                    .or_else(|| stage.image.as_ref().map(|i| i.range.clone()))
                    .or_else(|| {
                        model
                            .instructions
                            .get(stage.from)
                            .map(|f| f.keyword_range.clone())
                    });
                range.into_iter().collect()
            }
            (Entity::Variable(_), Role::Use(index)) => self
                .uses
                .get(index)
                .and_then(|u| u.declaration)
                .and_then(|d| model.declarations.get(d))
                .map(|d| d.name_range.clone())
                .into_iter()
                .collect(),
            (Entity::Variable(_), Role::Declaration(index)) => {
                let Some(declaration) = model.declarations.get(index) else {
                    return Vec::new();
                };
                let global = self
                    .is_bare_stage_arg(index)
                    .then(|| {
                        model.declarations.iter().rev().find(|d| {
                            d.scope == Scope::Global
                                && d.kind == DeclarationKind::Arg
                                && d.name == declaration.name
                        })
                    })
                    .flatten();
                vec![global.unwrap_or(declaration).name_range.clone()]
            }
            (Entity::Heredoc(heredoc), _) => self
                .heredocs
                .get(heredoc)
                .map(|h| h.marker.clone())
                .into_iter()
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The occurrence at `offset` when a rename can start there.
    fn renamable_at(&self, offset: usize) -> Result<&Occurrence, RenameError> {
        let Some(found) = self.at(offset) else {
            return Err(RenameError::new(
                "There is nothing to rename here: put the cursor on a stage name, a variable or \
                 a heredoc delimiter."
                    .to_owned(),
            ));
        };
        match found.entity {
            Entity::Stage(stage) => {
                let stage = self.model.stages.get(stage);
                let name = stage.and_then(|s| s.name.as_deref());
                let index = stage.map_or(0, |s| s.index);
                match (name, found.role) {
                    (None, _) => Err(RenameError::new(format!(
                        "Stage {index} has no name to rename; name it with `AS name` first."
                    ))),
                    (Some(name), Role::IndexReference) => Err(RenameError::new(format!(
                        "This refers to stage `{name}` by its index {index}, which a rename does \
                         not change; rename the stage at its name instead."
                    ))),
                    _ => Ok(found),
                }
            }
            Entity::Variable(group) => {
                let name = self.text.get(found.range.clone()).unwrap_or_default();
                if knowledge::predefined_arg(name).is_some() {
                    return Err(RenameError::new(format!(
                        "`{name}` is predefined by BuildKit, so its name cannot change."
                    )));
                }
                let declared = self
                    .occurrences
                    .iter()
                    .any(|o| o.entity == Entity::Variable(group) && o.role.is_declaration());
                if !declared {
                    return Err(RenameError::new(format!(
                        "`{name}` is not declared in this Dockerfile (it comes from the base \
                         image or the shell), so there is nothing here to rename."
                    )));
                }
                Ok(found)
            }
            Entity::Heredoc(_) => Ok(found),
        }
    }

    fn check_stage_name(&self, stage: usize, new_name: &str) -> Result<(), RenameError> {
        if !is_valid_stage_name(new_name) {
            return Err(RenameError::new(format!(
                "`{new_name}` is not a valid stage name: BuildKit wants a letter first, then \
                 letters, digits, `-`, `_` or `.`."
            )));
        }
        let lower = new_name.to_ascii_lowercase();
        if lower == "scratch" || lower == "context" {
            return Err(RenameError::new(format!(
                "`{new_name}` is a name BuildKit reserves; a stage should not take it."
            )));
        }
        let model = self.model;
        if let Some(other) = model
            .stages
            .iter()
            .find(|s| s.index != stage && s.is_named(new_name))
        {
            let line = model.line_of(other.range.start);
            return Err(RenameError::new(format!(
                "A stage named `{}` already exists on line {line}.",
                other.name.as_deref().unwrap_or(new_name)
            )));
        }
        if let Some((_, range)) = self
            .foreign_names
            .iter()
            .find(|(name, _)| name.trim().eq_ignore_ascii_case(new_name))
        {
            let line = model.line_of(range.start);
            return Err(RenameError::new(format!(
                "`{new_name}` names an image on line {line}; a stage of that name would take its \
                 place there."
            )));
        }
        Ok(())
    }

    fn check_variable_name(&self, group: usize, new_name: &str) -> Result<(), RenameError> {
        if !model::is_valid_variable_name(new_name) {
            return Err(RenameError::new(format!(
                "`{new_name}` is not a valid variable name: use letters, digits and `_`, not \
                 starting with a digit."
            )));
        }
        if knowledge::predefined_arg(new_name).is_some() {
            return Err(RenameError::new(format!(
                "`{new_name}` is a build argument BuildKit predefines; choose another name."
            )));
        }
        let model = self.model;
        let members: Vec<&Occurrence> = self
            .occurrences
            .iter()
            .filter(|o| o.entity == Entity::Variable(group))
            .collect();
        let mut scopes: Vec<Scope> = Vec::new();
        for member in &members {
            let scope = match member.role {
                Role::Declaration(d) => {
                    if self.is_bare_stage_arg(d) {
                        // The renamed `ARG` would take a global ARG of the new name's value.
                        scopes.push(Scope::Global);
                    }
                    model.declarations.get(d).map(|d| d.scope)
                }
                Role::Use(u) => self.uses.get(u).map(|u| u.scope),
                _ => None,
            };
            scopes.extend(scope);
        }
        let is_member = |range: &Range<usize>| members.iter().any(|m| &m.range == range);
        for &scope in &scopes {
            let mut stages = vec![];
            if let Scope::Stage(stage) = scope {
                stages = self.base_chain(stage);
            }
            let declared = model.declarations.iter().find(|d| {
                d.name == new_name
                    && !is_member(&d.name_range)
                    && (d.scope == scope
                        || (d.kind == DeclarationKind::Env
                            && matches!(d.scope, Scope::Stage(s) if stages.contains(&s))))
            });
            if let Some(declaration) = declared {
                let line = model.line_of(declaration.name_range.start);
                return Err(RenameError::new(format!(
                    "`{new_name}` is already declared on line {line}, where the renamed variable \
                     is visible."
                )));
            }
            let used = self
                .uses
                .iter()
                .find(|u| u.name == new_name && u.scope == scope && !is_member(&u.name_range));
            if let Some(use_) = used {
                let line = model.line_of(use_.name_range.start);
                return Err(RenameError::new(format!(
                    "`{new_name}` is already used on line {line}; the renamed variable would \
                     change what it means."
                )));
            }
        }
        Ok(())
    }

    /// The stages `stage` is built on, nearest first.
    fn base_chain(&self, stage: usize) -> Vec<usize> {
        let mut chain = Vec::new();
        let mut current = self.model.stages.get(stage).and_then(|s| s.base_stage);
        while let Some(base) = current {
            if chain.contains(&base) || chain.len() > self.model.stages.len() {
                break;
            }
            chain.push(base);
            current = self.model.stages.get(base).and_then(|s| s.base_stage);
        }
        chain
    }

    fn check_heredoc_name(&self, heredoc: usize, new_name: &str) -> Result<(), RenameError> {
        if !is_valid_heredoc_delimiter(new_name) {
            return Err(RenameError::new(format!(
                "`{new_name}` is not a usable heredoc delimiter: use letters, digits, `_`, `-` or \
                 `.`, starting with a letter or `_`."
            )));
        }
        let Some(site) = self.heredocs.get(heredoc) else {
            return Ok(());
        };
        let Some(body) = site.body.clone() else {
            return Ok(());
        };
        let mut line_start = body.start;
        let content = self.text.get(body.clone()).unwrap_or_default();
        for line in content.split_inclusive('\n') {
            let bare = line.trim_end_matches(['\n', '\r']).trim_start_matches('\t');
            if bare == new_name {
                let line_number = self.model.line_of(line_start);
                return Err(RenameError::new(format!(
                    "Line {line_number} of the heredoc's body is `{new_name}`, so the heredoc \
                     would end there."
                )));
            }
            line_start += line.len();
        }
        Ok(())
    }
}

/// Union–find over `0..len`.
struct DisjointSets {
    parent: Vec<usize>,
}

impl DisjointSets {
    fn new(len: usize) -> DisjointSets {
        DisjointSets {
            parent: (0..len).collect(),
        }
    }

    fn find(&mut self, node: usize) -> usize {
        let mut root = node;
        while let Some(&parent) = self.parent.get(root) {
            if parent == root {
                break;
            }
            root = parent;
        }
        let mut current = node;
        while let Some(&parent) = self.parent.get(current) {
            if parent == root {
                break;
            }
            if let Some(slot) = self.parent.get_mut(current) {
                *slot = root;
            }
            current = parent;
        }
        root
    }

    fn union(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        if a == b {
            return;
        }
        // The smaller index represents the group, so groups are numbered by first occurrence.
        let (keep, join) = if a < b { (a, b) } else { (b, a) };
        if let Some(slot) = self.parent.get_mut(join) {
            *slot = keep;
        }
    }
}

/// The model's variable uses with the shell of each RUN taken into account: a name the script
/// assigns before using it is the script's own variable, not an ARG or ENV; and the uses in a
/// RUN's heredoc bodies and exec-form scripts, which the Dockerfile's tree does not look into,
/// are added, resolved like the others. Only the uses of the names at `offset` are adjusted.
fn shell_uses(analysis: &Snapshot, offset: usize) -> Cow<'_, [VariableUse]> {
    let model = analysis.model();
    let touches = |range: &Range<usize>| range.start <= offset && offset <= range.end;
    let text = analysis.text();
    // Only the names under the cursor matter to the index; the RUNs whose text never mentions
    // them are not parsed or walked.
    let mut names: Vec<String> = model
        .uses
        .iter()
        .filter(|u| touches(&u.name_range))
        .map(|u| u.name.clone())
        .chain(
            model
                .declarations
                .iter()
                .filter(|d| touches(&d.name_range))
                .map(|d| d.name.clone()),
        )
        .collect();
    let cursor_run = model
        .instructions
        .iter()
        .position(|i| touches(&i.range))
        .and_then(|i| analysis.script(i));
    if let Some(script) = cursor_run {
        names.extend(
            script
                .references()
                .into_iter()
                .filter(|r| touches(&script.source_range(r.range.clone())))
                .map(|r| r.name),
        );
    }
    if names.is_empty() {
        return Cow::Borrowed(&model.uses);
    }
    let by_range: HashMap<(usize, usize), usize> = model
        .uses
        .iter()
        .enumerate()
        .map(|(i, u)| ((u.name_range.start, u.name_range.end), i))
        .collect();
    let mut dropped = vec![false; model.uses.len()];
    let mut added = Vec::new();
    let mentioning = model.instructions.iter().enumerate().filter(|(_, i)| {
        text.get(i.range.clone())
            .is_some_and(|t| names.iter().any(|n| t.contains(n.as_str())))
    });
    for (index, instruction) in mentioning {
        let Some(script) = analysis.script(index) else {
            continue;
        };
        let scope = match instruction.stage {
            Some(stage) => Scope::Stage(stage),
            None => Scope::Global,
        };
        for reference in script.references() {
            if !names.contains(&reference.name) {
                continue;
            }
            let range = script.source_range(reference.range);
            match by_range.get(&(range.start, range.end)) {
                Some(&known) if reference.assigned => dropped[known] = true,
                Some(_) => {}
                None if reference.assigned => {}
                None => {
                    let declaration = model
                        .declarations_in_scope(range.start, scope)
                        .into_iter()
                        .find(|&d| model.declarations[d].name == reference.name);
                    added.push(VariableUse {
                        name: reference.name,
                        range: range.clone(),
                        name_range: range,
                        scope,
                        expander: Expander::Shell,
                        declaration,
                        value: None,
                        instruction: script.instruction,
                    });
                }
            }
        }
    }
    if added.is_empty() && !dropped.contains(&true) {
        return Cow::Borrowed(&model.uses);
    }
    let mut uses: Vec<VariableUse> = model
        .uses
        .iter()
        .zip(&dropped)
        .filter(|(_, dropped)| !**dropped)
        .map(|(u, _)| u.clone())
        .collect();
    uses.extend(added);
    uses.sort_by_key(|u| u.range.start);
    Cow::Owned(uses)
}

/// The ranges of the `from=` values of a `--mount` flag's value: its comma-separated
/// `key=value` fields, keys in any case, with commas inside quotes kept in their field.
fn mount_from_values(text: &str, value: Range<usize>) -> Vec<Range<usize>> {
    let Some(written) = text.get(value.clone()) else {
        return Vec::new();
    };
    let mut fields = Vec::new();
    let mut field_start = 0;
    let mut quote: Option<char> = None;
    for (position, c) in written.char_indices() {
        match c {
            '"' | '\'' if quote.is_none() => quote = Some(c),
            _ if quote == Some(c) => quote = None,
            ',' if quote.is_none() => {
                fields.push(field_start..position);
                field_start = position + 1;
            }
            _ => {}
        }
    }
    fields.push(field_start..written.len());
    fields
        .into_iter()
        .filter_map(|field| {
            let field_text = written.get(field.clone())?;
            let (key, _) = field_text.split_once('=')?;
            let value_start = value.start + field.start + key.len() + 1;
            key.trim()
                .eq_ignore_ascii_case("from")
                .then_some(value_start..value.start + field.end)
        })
        .collect()
}

/// `range` without the quotes around it, when it is quoted.
fn unquoted(text: &str, range: Range<usize>) -> Range<usize> {
    let value = text.get(range.clone()).unwrap_or_default();
    for quote in ['"', '\''] {
        if value.len() >= 2 && value.starts_with(quote) && value.ends_with(quote) {
            return range.start + 1..range.end - 1;
        }
    }
    range
}

/// The range of the delimiter word in a heredoc marker such as `<<-"EOF"`.
fn marker_delimiter(text: &str, marker: Range<usize>) -> Option<Range<usize>> {
    let written = text.get(marker.clone())?;
    let after_digits = written.trim_start_matches(|c: char| c.is_ascii_digit());
    let after_arrows = after_digits.strip_prefix("<<")?;
    let after_dash = after_arrows.strip_prefix('-').unwrap_or(after_arrows);
    let word = after_dash.trim_start_matches([' ', '\t']);
    let mut start = marker.start + (written.len() - word.len());
    let mut end = marker.end;
    if let Some(quote) = word.chars().next().filter(|&c| c == '"' || c == '\'') {
        let inner = &word[1..];
        start += 1;
        end = start + inner.find(quote).unwrap_or(inner.len());
    }
    (start < end).then_some(start..end)
}

/// The range of `delimiter` in the heredoc's terminator line, after any leading tabs.
fn terminator_name(
    text: &str,
    end: Range<usize>,
    delimiter: &Range<usize>,
) -> Option<Range<usize>> {
    let name = text.get(delimiter.clone())?;
    let line = text.get(end.clone())?;
    let trimmed = line.trim_start_matches([' ', '\t']);
    let start = end.start + (line.len() - trimmed.len());
    trimmed
        .starts_with(name)
        .then_some(start..start + name.len())
}

/// BuildKit's rule for stage names (`^[a-z][a-z0-9-_.]*$`), applied after lowering the case
/// as BuildKit does.
pub fn is_valid_stage_name(name: &str) -> bool {
    let mut chars = name.chars().map(|c| c.to_ascii_lowercase());
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c))
}

/// Whether `name` is a heredoc delimiter that needs no quoting and cannot be mistaken for
/// anything else: a letter or `_`, then letters, digits, `_`, `-` or `.`.
fn is_valid_heredoc_delimiter(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use expect_test::{expect, Expect};

    use super::*;

    fn fixture(fixture: &str) -> (Snapshot, usize) {
        let offset = fixture.find("$0").expect("fixture has a $0 cursor");
        let text = fixture.replacen("$0", "", 1);
        (Snapshot::from_text(&text), offset)
    }

    fn show(analysis: &Snapshot, ranges: &[Range<usize>]) -> String {
        let mut out = String::new();
        for range in ranges {
            let covered = analysis.text().get(range.clone()).unwrap_or("<invalid>");
            let _ = writeln!(out, "{range:?} {covered:?}");
        }
        out
    }

    fn check_definition(text: &str, expect: Expect) {
        let (analysis, offset) = fixture(text);
        expect.assert_eq(&show(&analysis, &definition(&analysis, offset)));
    }

    fn check_references(text: &str, expect: Expect) {
        let (analysis, offset) = fixture(text);
        let with = references(&analysis, offset, true);
        let without = references(&analysis, offset, false);
        let mut out = show(&analysis, &with);
        out.push_str("without declarations:\n");
        out.push_str(&show(&analysis, &without));
        expect.assert_eq(&out);
    }

    fn check_highlights(text: &str, expect: Expect) {
        let (analysis, offset) = fixture(text);
        let mut out = String::new();
        for highlight in highlights(&analysis, offset) {
            let covered = analysis.text().get(highlight.range.clone()).unwrap_or("?");
            let _ = writeln!(
                out,
                "{:?} {:?} {covered:?}",
                highlight.kind, highlight.range
            );
        }
        expect.assert_eq(&out);
    }

    fn check_prepare(text: &str, expect: Expect) {
        let (analysis, offset) = fixture(text);
        let out = match prepare_rename(&analysis, offset) {
            Ok(range) => show(&analysis, &[range]),
            Err(error) => format!("error: {error}\n"),
        };
        expect.assert_eq(&out);
    }

    fn check_rename(text: &str, new_name: &str, expect: Expect) {
        let (analysis, offset) = fixture(text);
        let out = match rename(&analysis, offset, new_name) {
            Ok(edits) => {
                let mut renamed = analysis.text().to_owned();
                for edit in edits.iter().rev() {
                    renamed.replace_range(edit.range.clone(), &edit.new_text);
                }
                let ranges: Vec<Range<usize>> = edits.iter().map(|e| e.range.clone()).collect();
                format!("{}---\n{renamed}", show(&analysis, &ranges))
            }
            Err(error) => format!("error: {error}\n"),
        };
        expect.assert_eq(&out);
    }

    const STAGES: &str = "FROM golang:1.22 AS Build\nRUN go build\n\
                          FROM build AS test\nRUN go test\n\
                          FROM alpine\nCOPY --from=BUILD /app /app\n\
                          RUN --mount=from=build,target=/src --mount=type=bind,from=\"test\" ls\n\
                          COPY --from=0 /x /x\nONBUILD COPY --from=build /y /y\n";

    fn at(text: &str, needle: &str, nth: usize) -> String {
        let mut start = 0;
        for _ in 0..nth {
            start += text[start..].find(needle).expect("needle in text") + 1;
        }
        let offset = start + text[start..].find(needle).expect("needle in text");
        format!("{}$0{}", &text[..offset], &text[offset..])
    }

    #[test]
    fn stage_definition_from_each_kind_of_reference() {
        check_definition(
            &at(STAGES, "build AS", 0),
            expect![[r#"
                20..25 "Build"
            "#]],
        );
        check_definition(
            &at(STAGES, "BUILD", 0),
            expect![[r#"
                20..25 "Build"
            "#]],
        );
        check_definition(
            &at(STAGES, "\"test\"", 0).replace("$0\"", "\"$0"),
            expect![[r#"
                53..57 "test"
            "#]],
        );
        check_definition(
            &at(STAGES, "0 /x", 0),
            expect![[r#"
                20..25 "Build"
            "#]],
        );
        check_definition(
            "FROM alpine\nCOPY --from=$00 /a /b\n",
            expect![[r#"
            5..11 "alpine"
        "#]],
        );
    }

    #[test]
    fn stage_references_ignore_onbuild_triggers() {
        check_references(
            &at(STAGES, "Build", 0),
            expect![[r#"
                20..25 "Build"
                44..49 "build"
                94..99 "BUILD"
                127..132 "build"
                190..191 "0"
                without declarations:
                44..49 "build"
                94..99 "BUILD"
                127..132 "build"
                190..191 "0"
            "#]],
        );
    }

    #[test]
    fn stage_highlights() {
        check_highlights(
            &at(STAGES, "build,", 0),
            expect![[r#"
                Write 20..25 "Build"
                Read 44..49 "build"
                Read 94..99 "BUILD"
                Read 127..132 "build"
                Read 190..191 "0"
            "#]],
        );
    }

    #[test]
    fn stage_rename_rewrites_every_name_reference() {
        check_rename(
            &at(STAGES, "BUILD", 0),
            "Compile",
            expect![[r#"
            20..25 "Build"
            44..49 "build"
            94..99 "BUILD"
            127..132 "build"
            ---
            FROM golang:1.22 AS Compile
            RUN go build
            FROM Compile AS test
            RUN go test
            FROM alpine
            COPY --from=Compile /app /app
            RUN --mount=from=Compile,target=/src --mount=type=bind,from="test" ls
            COPY --from=0 /x /x
            ONBUILD COPY --from=build /y /y
        "#]],
        );
    }

    #[test]
    fn stage_rename_refusals() {
        check_rename(
            &at(STAGES, "Build", 0),
            "1st",
            expect![[r#"
            error: `1st` is not a valid stage name: BuildKit wants a letter first, then letters, digits, `-`, `_` or `.`.
        "#]],
        );
        check_rename(
            &at(STAGES, "Build", 0),
            "has space",
            expect![[r#"
            error: `has space` is not a valid stage name: BuildKit wants a letter first, then letters, digits, `-`, `_` or `.`.
        "#]],
        );
        check_rename(
            &at(STAGES, "Build", 0),
            "TEST",
            expect![[r#"
            error: A stage named `test` already exists on line 3.
        "#]],
        );
        check_rename(
            &at(STAGES, "Build", 0),
            "alpine",
            expect![[r#"
            error: `alpine` names an image on line 5; a stage of that name would take its place there.
        "#]],
        );
        check_rename(
            &at(STAGES, "Build", 0),
            "scratch",
            expect![[r#"
            error: `scratch` is a name BuildKit reserves; a stage should not take it.
        "#]],
        );
        check_prepare(
            &at(STAGES, "0 /x", 0),
            expect![[r#"
            error: This refers to stage `Build` by its index 0, which a rename does not change; rename the stage at its name instead.
        "#]],
        );
        check_prepare(
            "FROM alpine\nFROM ubuntu\nCOPY --from=$00 /a /b\n",
            expect![[r#"
            error: Stage 0 has no name to rename; name it with `AS name` first.
        "#]],
        );
        check_prepare(
            "FROM alp$0ine\nRUN true\n",
            expect![[r#"
            error: There is nothing to rename here: put the cursor on a stage name, a variable or a heredoc delimiter.
        "#]],
        );
    }

    const VARIABLES: &str = "ARG VERSION=1.0 OTHER\n\
                             FROM base:${VERSION} AS one\n\
                             RUN echo $VERSION\n\
                             ARG VERSION\n\
                             ENV FULL=v${VERSION:-none}\n\
                             RUN echo \"$VERSION\" $FULL $HOME\n\
                             FROM one\n\
                             RUN echo $FULL $VERSION $HOME\n";

    #[test]
    fn variable_definitions() {
        // A use in a FROM line is the global ARG; in a stage, the stage's re-declaration, which
        // itself points at the global ARG.
        check_definition(
            &at(VARIABLES, "VERSION}", 0),
            expect![[r#"
                4..11 "VERSION"
            "#]],
        );
        check_definition(
            &at(VARIABLES, "VERSION:-", 0),
            expect![[r#"
                72..79 "VERSION"
            "#]],
        );
        check_definition(
            &at(VARIABLES, "VERSION\nENV", 0),
            expect![[r#"
                4..11 "VERSION"
            "#]],
        );
        // ENV is inherited by the stage built on this one.
        check_definition(
            &at(VARIABLES, "FULL $VERSION", 0),
            expect![[r#"
                84..88 "FULL"
            "#]],
        );
        // Before the stage re-declares it, the global ARG is not visible.
        check_definition(&at(VARIABLES, "VERSION\nARG", 0), expect![[r#""#]]);
    }

    #[test]
    fn variable_references_follow_the_global_arg_into_stages() {
        check_references(
            &at(VARIABLES, "VERSION=", 0),
            expect![[r#"
            4..11 "VERSION"
            34..41 "VERSION"
            72..79 "VERSION"
            92..99 "VERSION"
            118..125 "VERSION"
            without declarations:
            34..41 "VERSION"
            92..99 "VERSION"
            118..125 "VERSION"
        "#]],
        );
        // The use before `ARG VERSION` in the stage is empty there: another variable.
        check_references(
            &at(VARIABLES, "VERSION\nARG", 0),
            expect![[r#"
            60..67 "VERSION"
            without declarations:
            60..67 "VERSION"
        "#]],
        );
        check_references(
            &at(VARIABLES, "HOME", 0),
            expect![[r#"
            134..138 "HOME"
            without declarations:
            134..138 "HOME"
        "#]],
        );
    }

    #[test]
    fn variable_highlights() {
        check_highlights(
            &at(VARIABLES, "FULL", 0),
            expect![[r#"
            Write 84..88 "FULL"
            Read 128..132 "FULL"
            Read 158..162 "FULL"
        "#]],
        );
    }

    #[test]
    fn variable_rename_keeps_the_expansion_syntax() {
        check_rename(
            &at(VARIABLES, "VERSION:-", 0),
            "GO_VERSION",
            expect![[r#"
            4..11 "VERSION"
            34..41 "VERSION"
            72..79 "VERSION"
            92..99 "VERSION"
            118..125 "VERSION"
            ---
            ARG GO_VERSION=1.0 OTHER
            FROM base:${GO_VERSION} AS one
            RUN echo $VERSION
            ARG GO_VERSION
            ENV FULL=v${GO_VERSION:-none}
            RUN echo "$GO_VERSION" $FULL $HOME
            FROM one
            RUN echo $FULL $VERSION $HOME
        "#]],
        );
        check_rename(
            &at(VARIABLES, "FULL", 1),
            "TAG",
            expect![[r#"
            84..88 "FULL"
            128..132 "FULL"
            158..162 "FULL"
            ---
            ARG VERSION=1.0 OTHER
            FROM base:${VERSION} AS one
            RUN echo $VERSION
            ARG VERSION
            ENV TAG=v${VERSION:-none}
            RUN echo "$VERSION" $TAG $HOME
            FROM one
            RUN echo $TAG $VERSION $HOME
        "#]],
        );
    }

    #[test]
    fn variable_rename_refusals() {
        check_rename(
            &at(VARIABLES, "VERSION=", 0),
            "2X",
            expect![[r#"
            error: `2X` is not a valid variable name: use letters, digits and `_`, not starting with a digit.
        "#]],
        );
        check_rename(
            &at(VARIABLES, "VERSION=", 0),
            "OTHER",
            expect![[r#"
            error: `OTHER` is already declared on line 1, where the renamed variable is visible.
        "#]],
        );
        check_rename(
            &at(VARIABLES, "VERSION=", 0),
            "HOME",
            expect![[r#"
            error: `HOME` is already used on line 6; the renamed variable would change what it means.
        "#]],
        );
        check_rename(
            &at(VARIABLES, "VERSION=", 0),
            "HTTP_PROXY",
            expect![[r#"
            error: `HTTP_PROXY` is a build argument BuildKit predefines; choose another name.
        "#]],
        );
        check_rename(
            &at(VARIABLES, "FULL", 0),
            "VERSION",
            expect![[r#"
            error: `VERSION` is already declared on line 4, where the renamed variable is visible.
        "#]],
        );
        check_prepare(
            &at(VARIABLES, "HOME", 0),
            expect![[r#"
            error: `HOME` is not declared in this Dockerfile (it comes from the base image or the shell), so there is nothing here to rename.
        "#]],
        );
        check_prepare(
            "FROM a\nARG TARGETPLATFORM\nRUN echo $TARGET$0PLATFORM\n",
            expect![[r#"
                error: `TARGETPLATFORM` is predefined by BuildKit, so its name cannot change.
            "#]],
        );
        check_prepare(
            "FROM a\nRUN ec$0ho hi\n",
            expect![[r#"
            error: There is nothing to rename here: put the cursor on a stage name, a variable or a heredoc delimiter.
        "#]],
        );
        // A bare ARG in a stage would pick up the value of a global ARG of the new name.
        check_rename(
            "ARG G=1\nFROM a\nARG L$0\nRUN echo $L\n",
            "G",
            expect![[r#"
            error: `G` is already declared on line 1, where the renamed variable is visible.
        "#]],
        );
    }

    const HEREDOCS: &str = "FROM a\nRUN <<-\"EOF\" cat <<TWO\n\tline\n\tEOF\nsecond\nTWO\n\
                            COPY <<'CFG' /etc/cfg\nkey=1\nEND\nCFG\n";

    #[test]
    fn heredoc_navigation() {
        check_definition(
            &at(HEREDOCS, "EOF\nsecond", 0),
            expect![[r#"
            15..18 "EOF"
        "#]],
        );
        check_references(
            &at(HEREDOCS, "EOF\"", 0),
            expect![[r#"
            15..18 "EOF"
            37..40 "EOF"
            without declarations:
            37..40 "EOF"
        "#]],
        );
        check_highlights(
            &at(HEREDOCS, "TWO", 1),
            expect![[r#"
            Text 26..29 "TWO"
            Text 48..51 "TWO"
        "#]],
        );
    }

    #[test]
    fn heredoc_rename_keeps_quotes_and_dash() {
        check_rename(
            &at(HEREDOCS, "EOF\"", 0),
            "SCRIPT",
            expect![[r#"
            15..18 "EOF"
            37..40 "EOF"
            ---
            FROM a
            RUN <<-"SCRIPT" cat <<TWO
            	line
            	SCRIPT
            second
            TWO
            COPY <<'CFG' /etc/cfg
            key=1
            END
            CFG
        "#]],
        );
        check_rename(
            &at(HEREDOCS, "CFG\n", 0),
            "CONFIG",
            expect![[r#"
            60..63 "CFG"
            84..87 "CFG"
            ---
            FROM a
            RUN <<-"EOF" cat <<TWO
            	line
            	EOF
            second
            TWO
            COPY <<'CONFIG' /etc/cfg
            key=1
            END
            CONFIG
        "#]],
        );
        check_rename(
            &at(HEREDOCS, "CFG'", 0),
            "END",
            expect![[r#"
            error: Line 9 of the heredoc's body is `END`, so the heredoc would end there.
        "#]],
        );
        check_rename(
            &at(HEREDOCS, "CFG'", 0),
            "a b",
            expect![[r#"
            error: `a b` is not a usable heredoc delimiter: use letters, digits, `_`, `-` or `.`, starting with a letter or `_`.
        "#]],
        );
    }

    #[test]
    fn several_heredocs_on_one_line_and_in_onbuild() {
        // The second body holds a line `A`, which does not end it.
        let text = "FROM a\nRUN <<A cat - <<B\nA\nA\nB\nONBUILD RUN <<C\nC\n";
        check_highlights(
            &at(text, "B\n", 0),
            expect![[r#"
            Text 23..24 "B"
            Text 29..30 "B"
        "#]],
        );
        check_definition(
            &at(text, "C\n", 1),
            expect![[r#"
            45..46 "C"
        "#]],
        );
    }

    #[test]
    fn cursor_at_the_end_of_a_name_and_out_of_range() {
        check_definition(
            "FROM a AS b\nFROM b$0\n",
            expect![[r#"
            10..11 "b"
        "#]],
        );
        let analysis = Snapshot::from_text("FROM a AS b\n");
        assert!(definition(&analysis, 10_000).is_empty());
        assert!(prepare_rename(&analysis, usize::MAX).is_err());
    }

    #[test]
    fn stage_name_rules_match_buildkit() {
        for valid in ["a", "build", "Build", "a-b_c.d", "x1"] {
            assert!(is_valid_stage_name(valid), "{valid}");
        }
        for invalid in ["", "1a", "-a", "a b", "a:b", "é", "a/b"] {
            assert!(!is_valid_stage_name(invalid), "{invalid}");
        }
    }

    #[test]
    fn shell_variables_in_heredocs_and_exec_form_go_to_their_arg_or_env() {
        let text = "ARG V=0\nFROM a\nARG V\nENV HOME=/h\nRUN <<EOF\necho $V ${HOME}\nEOF\n\
                    RUN [\"sh\", \"-c\", \"echo $V\"]\nRUN bash <<EOF\necho $V\nEOF\nFROM b\nRUN echo $V\n";
        check_definition(
            &at(text, "V ${HOME}", 0),
            expect![[r#"
                19..20 "V"
            "#]],
        );
        check_definition(
            &at(text, "HOME}", 0),
            expect![[r#"
                25..29 "HOME"
            "#]],
        );
        check_definition(
            &at(text, "V\"]", 0),
            expect![[r#"
                19..20 "V"
            "#]],
        );
        check_definition(
            &at(text, "V\nEOF\nFROM", 0),
            expect![[r#"
                19..20 "V"
            "#]],
        );
        // The stage `b` has no ARG V: its $V is not the first stage's.
        check_definition(&at(text, "V\n", 2), expect![""]);
        check_references(
            &at(text, "V=0", 0),
            expect![[r#"
                4..5 "V"
                19..20 "V"
                49..50 "V"
                87..88 "V"
                112..113 "V"
                without declarations:
                49..50 "V"
                87..88 "V"
                112..113 "V"
            "#]],
        );
    }

    #[test]
    fn names_the_script_assigns_are_its_own() {
        let text = "FROM a\nARG V\nRUN echo $V && V=2 && echo $V && for V in 1; do echo $V; done\n";
        check_definition(
            &at(text, "V &&", 0),
            expect![[r#"
            11..12 "V"
        "#]],
        );
        check_definition(&at(text, "V &&", 1), expect![""]);
        check_definition(&at(text, "V;", 0), expect![""]);
        check_references(
            &at(text, "V\nRUN", 0),
            expect![[r#"
                11..12 "V"
                23..24 "V"
                without declarations:
                23..24 "V"
            "#]],
        );
    }
}
