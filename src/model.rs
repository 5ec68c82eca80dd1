//! The semantic model of a Dockerfile: directives, stages, instructions, build arguments and
//! environment variables with their scopes, and every variable use with what it resolves to.
//!
//! A plain value built from the syntax tree and the text; it holds byte ranges, never tree
//! nodes, so it can be shared and kept across edits.

use std::collections::HashMap;
use std::ops::Range;

use crate::syntax::NodeExt;
use tree_sitter::{Node, Tree};

use crate::knowledge;

/// Everything the analysis knows about one Dockerfile.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Model {
    /// The escape character (`\` unless `# escape=` says otherwise).
    pub escape: char,
    pub directives: Vec<Directive>,
    pub instructions: Vec<Instruction>,
    pub stages: Vec<Stage>,
    /// ARG and ENV declarations, in file order.
    pub declarations: Vec<Declaration>,
    /// Variable uses, in file order.
    pub uses: Vec<VariableUse>,
    /// The byte offset where each line starts, for line numbers in messages.
    pub line_starts: Vec<usize>,
    /// For each instruction, whether its syntax node holds a syntax error. Such an instruction
    /// is never reused after an edit: tree-sitter's error recovery can read the same text
    /// another way depending on what comes after it.
    pub syntax_errors: Vec<bool>,
}

/// A parser directive such as `# syntax=docker/dockerfile:1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// Lower-case name.
    pub name: String,
    pub value: String,
    pub range: Range<usize>,
    pub name_range: Range<usize>,
    pub value_range: Range<usize>,
}

/// How an instruction gives its command or arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// No command or arguments of that kind (most instructions).
    None,
    /// Shell form: the text runs in the shell.
    Shell,
    /// Shell form because the `[` that starts it does not open valid JSON.
    ShellFallback,
    /// Exec form: a JSON array.
    Exec,
}

/// One instruction of the Dockerfile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    /// The keyword in upper case (`RUN`), or as written for an unknown instruction.
    pub keyword: String,
    /// The instruction is one of the 18 BuildKit knows.
    pub known: bool,
    pub range: Range<usize>,
    pub keyword_range: Range<usize>,
    pub flags: Vec<Flag>,
    pub form: Form,
    /// The command of RUN/CMD/ENTRYPOINT/SHELL/HEALTHCHECK, or the JSON array of COPY/ADD/VOLUME.
    pub command_range: Option<Range<usize>>,
    /// For exec form: the array's strings, decoded.
    pub exec_args: Option<Vec<String>>,
    /// The arguments after the flags, as written: paths, pairs, ports, the command, ...
    pub arguments: Vec<Range<usize>>,
    /// Heredocs attached to the instruction, in order.
    pub heredocs: Vec<Heredoc>,
    /// The stage the instruction belongs to; `None` before the first FROM.
    pub stage: Option<usize>,
    /// For ONBUILD, the instruction it registers.
    pub trigger: Option<Box<Instruction>>,
}

impl Instruction {
    /// Moves every range: subtracts `from`, then adds `to`.
    fn shift(&mut self, from: usize, to: usize) {
        let moved = |range: &mut Range<usize>| {
            *range = range.start - from + to..range.end - from + to;
        };
        moved(&mut self.range);
        moved(&mut self.keyword_range);
        for flag in &mut self.flags {
            moved(&mut flag.range);
            moved(&mut flag.name_range);
            if let Some(range) = &mut flag.value_range {
                moved(range);
            }
        }
        if let Some(range) = &mut self.command_range {
            moved(range);
        }
        self.arguments.iter_mut().for_each(moved);
        for heredoc in &mut self.heredocs {
            moved(&mut heredoc.marker_range);
            if let Some(range) = &mut heredoc.body_range {
                moved(range);
            }
            if let Some(range) = &mut heredoc.end_range {
                moved(range);
            }
        }
        if let Some(trigger) = &mut self.trigger {
            trigger.shift(from, to);
        }
    }

    /// Sets the stage, the trigger's included.
    fn set_stage(&mut self, stage: Option<usize>) {
        self.stage = stage;
        if let Some(trigger) = &mut self.trigger {
            trigger.set_stage(stage);
        }
    }

    /// Whether the command is given as heredocs (`RUN <<EOF`).
    pub fn has_heredoc(&self) -> bool {
        !self.heredocs.is_empty()
    }

    /// The flag named `name` (without `--`), the last one when repeated.
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().rev().find(|f| f.name == name)
    }
}

/// A `--name[=value]` flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    /// Without `--`.
    pub name: String,
    pub range: Range<usize>,
    pub name_range: Range<usize>,
    /// The value as written, quotes included.
    pub value: Option<String>,
    pub value_range: Option<Range<usize>>,
}

/// A heredoc: its marker on the instruction line and its body below.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc {
    pub marker_range: Range<usize>,
    /// The delimiter word, without quotes.
    pub delimiter: String,
    pub body_range: Option<Range<usize>>,
    pub end_range: Option<Range<usize>>,
}

/// A build stage, from its FROM to the next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    pub index: usize,
    /// The name after `AS`, as written.
    pub name: Option<String>,
    pub name_range: Option<Range<usize>>,
    /// The index of its FROM in [`Model::instructions`].
    pub from: usize,
    /// Instructions of the stage, FROM included, as indexes into [`Model::instructions`].
    pub instructions: Range<usize>,
    pub range: Range<usize>,
    pub image: Option<ImageReference>,
    /// The `--platform` value as written.
    pub platform: Option<String>,
    /// The earlier stage this one is built on, when its base names one.
    pub base_stage: Option<usize>,
}

impl Stage {
    /// Whether `name` refers to this stage (stage names compare without case).
    pub fn is_named(&self, name: &str) -> bool {
        self.name
            .as_deref()
            .is_some_and(|n| n.eq_ignore_ascii_case(name))
    }
}

/// The base image of a stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageReference {
    /// As written, variables included.
    pub text: String,
    pub range: Range<usize>,
    /// With the global ARGs' defaults substituted; `None` when a variable has no known value.
    pub resolved: Option<String>,
}

/// The parts of an image reference: `registry/repository:tag@digest`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImageParts {
    /// `None` for Docker Hub.
    pub registry: Option<String>,
    pub repository: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

impl ImageParts {
    /// Splits a reference the way Docker does: the first path component is a registry when it
    /// has a `.` or `:` or is `localhost`.
    pub fn parse(reference: &str) -> ImageParts {
        let (name, digest) = match reference.split_once('@') {
            Some((name, digest)) => (name, Some(digest.to_owned())),
            None => (reference, None),
        };
        let (registry, path) = match name.split_once('/') {
            Some((first, rest))
                if first.contains('.') || first.contains(':') || first == "localhost" =>
            {
                (Some(first.to_owned()), rest)
            }
            _ => (None, name),
        };
        let last_slash = path.rfind('/').map_or(0, |i| i + 1);
        let (repository, tag) = match path[last_slash..].rfind(':') {
            Some(colon) => {
                let colon = last_slash + colon;
                (path[..colon].to_owned(), Some(path[colon + 1..].to_owned()))
            }
            None => (path.to_owned(), None),
        };
        ImageParts {
            registry,
            repository,
            tag,
            digest,
        }
    }
}

/// Whether a variable comes from ARG or ENV.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeclarationKind {
    Arg,
    Env,
}

/// Where a declaration or use is: before the first FROM, or in a stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Global,
    Stage(usize),
}

/// An ARG or ENV declaration of one variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declaration {
    pub name: String,
    pub kind: DeclarationKind,
    pub scope: Scope,
    pub name_range: Range<usize>,
    /// The value or default as written.
    pub value: Option<String>,
    pub value_range: Option<Range<usize>>,
    /// The value with variables substituted, when known. For an ARG without a default that
    /// re-declares a global ARG, the global's value.
    pub resolved: Option<String>,
    /// The index of the instruction in [`Model::instructions`].
    pub instruction: usize,
}

/// Who expands a variable use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expander {
    /// BuildKit substitutes it while building (FROM, COPY, ENV, WORKDIR, ...).
    Builder,
    /// The shell expands it when the command runs (shell-form RUN, CMD, ENTRYPOINT).
    Shell,
}

/// A `$NAME` or `${NAME...}` in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariableUse {
    pub name: String,
    /// The whole expansion, `$` to `}`.
    pub range: Range<usize>,
    pub name_range: Range<usize>,
    pub scope: Scope,
    pub expander: Expander,
    /// The declaration in scope, if any.
    pub declaration: Option<usize>,
    /// The value the variable has here, when known.
    pub value: Option<String>,
    /// The instruction it is in.
    pub instruction: usize,
}

impl Model {
    /// Builds the model of `text`, whose syntax tree is `tree`.
    pub fn build(tree: &Tree, text: &str) -> Model {
        Model::build_with(tree, text, None)
    }

    /// [`Model::build`] after an edit: what an instruction's own text says (its flags, form,
    /// heredocs, declarations, variable uses, stage name and image) is taken from `previous`,
    /// the model of `previous_text`, for the instructions at the start and at the end whose text
    /// the edit left as it was, moved to where they are now; only the instructions between are
    /// read from the tree. What depends on the rest of the file (stages, scopes, resolved
    /// values) is worked out again for all. The result equals [`Model::build`].
    pub fn build_reusing(tree: &Tree, text: &str, previous: &Model, previous_text: &str) -> Model {
        Model::build_with(tree, text, Some((previous, previous_text)))
    }

    fn build_with(tree: &Tree, text: &str, previous: Option<(&Model, &str)>) -> Model {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let mut builder = Builder {
            text,
            model: Model {
                escape: '\\',
                line_starts,
                ..Model::default()
            },
        };
        builder.build(tree.root_node(), previous);
        builder.model
    }

    /// The ENTRYPOINT, CMD and SHELL in effect at the end of every stage, from its own
    /// instructions and its base stage's: an ENTRYPOINT clears the CMD it inherits unless its
    /// own stage sets one, as BuildKit does.
    pub fn stage_commands(&self) -> Vec<StageCommands> {
        let mut result: Vec<StageCommands> = Vec::with_capacity(self.stages.len());
        for stage in &self.stages {
            let mut own = StageCommands::default();
            let range = stage.instructions.clone();
            let instructions = self.instructions.get(range.clone()).unwrap_or_default();
            for (index, instruction) in range.zip(instructions) {
                match instruction.keyword.as_str() {
                    "ENTRYPOINT" => own.entrypoint = Some(index),
                    "CMD" => own.cmd = Some(index),
                    "SHELL" => own.shell = Some(index),
                    _ => {}
                }
            }
            // A base stage always comes earlier, so its entry is already there.
            let base = stage
                .base_stage
                .and_then(|b| result.get(b))
                .copied()
                .unwrap_or_default();
            let cmd = match (own.cmd, own.entrypoint) {
                (Some(cmd), _) => Some(cmd),
                (None, Some(_)) => None,
                (None, None) => base.cmd,
            };
            result.push(StageCommands {
                entrypoint: own.entrypoint.or(base.entrypoint),
                cmd,
                shell: own.shell.or(base.shell),
            });
        }
        result
    }

    /// The shell a shell-form instruction (by index) runs in: the last SHELL before it in its
    /// stage, else the one its stage's base ends with, else `/bin/sh -c`. `commands` is
    /// [`Model::stage_commands`].
    pub fn shell_at(&self, commands: &[StageCommands], index: usize) -> Vec<String> {
        let stage = self
            .instructions
            .get(index)
            .and_then(|i| i.stage)
            .and_then(|s| self.stages.get(s));
        let own = stage.and_then(|stage| {
            (stage.instructions.start..index.min(stage.instructions.end))
                .rev()
                .find(|&i| {
                    self.instructions
                        .get(i)
                        .is_some_and(|s| s.keyword == "SHELL")
                })
        });
        let inherited = || {
            stage
                .and_then(|stage| stage.base_stage)
                .and_then(|base| commands.get(base))
                .and_then(|base| base.shell)
        };
        own.or_else(inherited)
            .and_then(|i| self.instructions.get(i))
            .and_then(|s| s.exec_args.clone())
            .filter(|args| !args.is_empty())
            .unwrap_or_else(|| vec!["/bin/sh".to_owned(), "-c".to_owned()])
    }

    /// What a container of a stage runs, as an argument list: ENTRYPOINT and CMD combined as
    /// BuildKit does (an exec-form ENTRYPOINT takes the CMD as arguments; a shell-form one
    /// ignores it). `None` when the stage sets neither. `commands` is
    /// [`Model::stage_commands`] and `applied` its entry for the stage.
    pub fn container_command(
        &self,
        text: &str,
        commands: &[StageCommands],
        applied: &StageCommands,
    ) -> Option<Vec<String>> {
        let args = |index: usize| {
            let instruction = self.instructions.get(index)?;
            Some(self.command_args(text, instruction, &self.shell_at(commands, index)))
        };
        match (applied.entrypoint, applied.cmd) {
            (Some(entrypoint), Some(cmd))
                if self
                    .instructions
                    .get(entrypoint)
                    .is_some_and(|e| e.form == Form::Exec) =>
            {
                let mut all = args(entrypoint)?;
                all.extend(args(cmd)?);
                Some(all)
            }
            (Some(entrypoint), _) => args(entrypoint),
            (None, Some(cmd)) => args(cmd),
            (None, None) => None,
        }
    }

    /// What `instruction` (a RUN, CMD or ENTRYPOINT) runs, as an argument list: exec form as
    /// written, shell form (continuations joined) as the last argument of `shell`.
    pub fn command_args(
        &self,
        text: &str,
        instruction: &Instruction,
        shell: &[String],
    ) -> Vec<String> {
        match (&instruction.exec_args, &instruction.command_range) {
            (Some(args), _) => args.clone(),
            (None, Some(range)) => {
                let written = text.get(range.clone()).unwrap_or_default();
                let command = collapse_continuations(written, self.escape);
                let mut args = shell.to_vec();
                args.push(command.trim().to_owned());
                args
            }
            (None, None) => Vec::new(),
        }
    }

    /// The 1-based line number of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.line_starts
            .partition_point(|&start| start <= offset)
            .max(1)
    }

    /// The instruction whose range contains `offset` (its end included).
    pub fn instruction_at(&self, offset: usize) -> Option<usize> {
        let index = self.instructions.partition_point(|i| i.range.end < offset);
        self.instructions
            .get(index)
            .filter(|i| i.range.start <= offset)
            .map(|_| index)
    }

    /// Whether `offset` is inside a FROM instruction, where only global ARGs are visible.
    pub fn in_from_line(&self, offset: usize) -> bool {
        self.instruction_at(offset)
            .is_some_and(|i| self.instructions[i].keyword == "FROM")
    }

    /// The stage `offset` is in, if it is after the first FROM.
    pub fn stage_at(&self, offset: usize) -> Option<usize> {
        let index = self.stages.partition_point(|s| s.range.start <= offset);
        index.checked_sub(1)
    }

    /// The stage a `--from=` or `FROM` value names: a stage name, or an index for `--from`.
    pub fn stage_named(&self, name: &str) -> Option<usize> {
        self.stages.iter().position(|s| s.is_named(name))
    }

    /// The variables visible at `offset`, by name, with the declaration that gives each one;
    /// the latest declaration wins. In FROM lines only global ARGs are visible.
    pub fn visible_declarations(&self, offset: usize) -> Vec<usize> {
        self.declarations_in_scope(offset, self.scope_at(offset))
    }

    /// The scope of variables at `offset`: global in FROM lines and before the first FROM.
    pub fn scope_at(&self, offset: usize) -> Scope {
        match self.stage_at(offset) {
            Some(stage) if !self.in_from_line(offset) => Scope::Stage(stage),
            _ => Scope::Global,
        }
    }

    /// The declarations visible at `offset` in `scope` (see [`Model::visible_declarations`]).
    pub fn declarations_in_scope(&self, offset: usize, scope: Scope) -> Vec<usize> {
        let mut visible: HashMap<&str, usize> = HashMap::new();
        let mut chain = Vec::new();
        if let Scope::Stage(stage) = scope {
            // ENV is inherited from the stages this one is built on, oldest first.
            let mut base = self.stages[stage].base_stage;
            while let Some(b) = base {
                if chain.contains(&b) || chain.len() > self.stages.len() {
                    break;
                }
                chain.push(b);
                base = self.stages[b].base_stage;
            }
            chain.reverse();
        }
        for &base in &chain {
            for (index, decl) in self.declarations.iter().enumerate() {
                if decl.kind == DeclarationKind::Env && decl.scope == Scope::Stage(base) {
                    visible.insert(&decl.name, index);
                }
            }
        }
        let current = self.instruction_at(offset);
        for (index, decl) in self.declarations.iter().enumerate() {
            // A declaration is visible after its instruction, not inside it.
            let declared_before = self.instructions[decl.instruction].range.end <= offset
                && current != Some(decl.instruction);
            if decl.scope == scope && declared_before {
                visible.insert(&decl.name, index);
            }
        }
        let mut result: Vec<usize> = visible.into_values().collect();
        result.sort_unstable();
        result
    }
}

struct Builder<'a> {
    text: &'a str,
    model: Model,
}

/// What an instruction's node alone says; the rest of the model is worked out from these.
struct Local {
    instruction: Instruction,
    uses: Vec<UseSite>,
    declarations: Vec<DeclarationSite>,
    /// For a FROM: the stage name and the image, as written.
    stage: Option<StageSite>,
}

struct UseSite {
    name: String,
    range: Range<usize>,
    name_range: Range<usize>,
}

struct DeclarationSite {
    name: String,
    kind: DeclarationKind,
    name_range: Range<usize>,
    value: Option<String>,
    value_range: Option<Range<usize>>,
    /// `NAME=` with nothing after the `=`.
    has_equals: bool,
}

#[derive(Default)]
struct StageSite {
    name: Option<(String, Range<usize>)>,
    image: Option<(String, Range<usize>)>,
}

/// The instructions of an earlier model that an edit left as they were, by their new position.
struct Reuse<'a> {
    model: &'a Model,
    text: &'a str,
    /// The new instruction count, and the unchanged instructions at its start and end.
    count: usize,
    prefix: usize,
    suffix: usize,
    /// The uses and declarations of each old instruction, as ranges of the old lists.
    uses: Vec<Range<usize>>,
    declarations: Vec<Range<usize>>,
}

impl<'a> Reuse<'a> {
    fn new(model: &'a Model, text: &'a str, new_text: &str, nodes: &[Node]) -> Reuse<'a> {
        let old = &model.instructions;
        let same = |instruction: &Instruction, node: &Node| {
            text.get(instruction.range.clone()) == new_text.get(node.byte_range())
        };
        let prefix = old
            .iter()
            .zip(nodes)
            .take_while(|(o, n)| same(o, n))
            .count();
        let most = old.len().min(nodes.len()) - prefix;
        let suffix = old
            .iter()
            .rev()
            .zip(nodes.iter().rev())
            .take(most)
            .take_while(|(o, n)| same(o, n))
            .count();
        let spans = |owners: &mut dyn Iterator<Item = usize>| {
            let mut spans = vec![0..0; old.len()];
            for (position, owner) in owners.enumerate() {
                if let Some(span) = spans.get_mut(owner) {
                    if span.start == span.end {
                        *span = position..position;
                    }
                    span.end = position + 1;
                }
            }
            spans
        };
        Reuse {
            uses: spans(&mut model.uses.iter().map(|u| u.instruction)),
            declarations: spans(&mut model.declarations.iter().map(|d| d.instruction)),
            model,
            text,
            count: nodes.len(),
            prefix,
            suffix,
        }
    }

    /// The old instruction that instruction `index` of the new text is, if unchanged.
    fn old_index(&self, index: usize) -> Option<usize> {
        if index < self.prefix {
            Some(index)
        } else if index >= self.count - self.suffix {
            Some(self.model.instructions.len() - (self.count - index))
        } else {
            None
        }
    }

    /// What old instruction `old` says, moved to start at `start`.
    fn local(&self, old: usize, start: usize) -> Option<Local> {
        let model = self.model;
        let instruction = model.instructions.get(old)?;
        let from = instruction.range.start;
        let moved = |range: &Range<usize>| range.start - from + start..range.end - from + start;
        let mut instruction = instruction.clone();
        instruction.shift(from, start);
        let uses = model.uses[self.uses.get(old)?.clone()]
            .iter()
            .map(|u| UseSite {
                name: u.name.clone(),
                range: moved(&u.range),
                name_range: moved(&u.name_range),
            })
            .collect();
        let declarations = model.declarations[self.declarations.get(old)?.clone()]
            .iter()
            .map(|d| DeclarationSite {
                name: d.name.clone(),
                kind: d.kind,
                name_range: moved(&d.name_range),
                value: d.value.clone(),
                value_range: d.value_range.as_ref().map(moved),
                has_equals: self
                    .text
                    .get(d.name_range.end..)
                    .is_some_and(|rest| rest.starts_with('=')),
            })
            .collect();
        let stage = (instruction.keyword == "FROM" && instruction.known).then(|| {
            let stage = model.stages.iter().find(|s| s.from == old);
            StageSite {
                name: stage.and_then(|s| Some((s.name.clone()?, moved(s.name_range.as_ref()?)))),
                image: stage
                    .and_then(|s| s.image.as_ref())
                    .map(|image| (image.text.clone(), moved(&image.range))),
            }
        });
        Some(Local {
            instruction,
            uses,
            declarations,
            stage,
        })
    }
}

/// The values of variables while walking the file: name → (declaration, value).
type Environment = HashMap<String, (Option<usize>, Option<String>)>;

impl Builder<'_> {
    fn build(&mut self, root: Node, previous: Option<(&Model, &str)>) {
        let mut cursor = root.walk();
        let children: Vec<Node> = root.named_children(&mut cursor).collect();
        for child in &children {
            if child.kind() == "parser_directive" {
                self.directive(*child);
            }
        }
        if let Some(escape) = self.model.directives.iter().find(|d| d.name == "escape") {
            if escape.value == "`" {
                self.model.escape = '`';
            }
        }
        let instruction_nodes: Vec<Node> = children
            .iter()
            .copied()
            .filter(|c| is_instruction(c.kind()))
            .collect();
        // The escape character changes what the text of every instruction means.
        let reuse = previous
            .filter(|(model, _)| model.escape == self.model.escape)
            .map(|(model, text)| Reuse::new(model, text, self.text, &instruction_nodes));

        let mut global_env: Environment = HashMap::new();
        let mut stage_envs: Vec<Environment> = Vec::new();
        let mut env: Environment = HashMap::new();
        for (index, child) in instruction_nodes.into_iter().enumerate() {
            let stage = self.model.stages.len().checked_sub(1);
            let reused = reuse.as_ref().and_then(|reuse| {
                reuse
                    .old_index(index)
                    .filter(|&old| {
                        !child.has_error()
                            && !reuse.model.syntax_errors.get(old).is_some_and(|e| *e)
                    })
                    .and_then(|old| reuse.local(old, child.start_byte()))
            });
            self.model.syntax_errors.push(child.has_error());
            let Local {
                mut instruction,
                uses,
                declarations,
                stage: stage_site,
            } = reused.unwrap_or_else(|| self.local(child));
            instruction.set_stage(stage);
            if instruction.keyword == "FROM" {
                // Close the previous stage and open a new one.
                if let Some(last) = self.model.stages.last_mut() {
                    last.instructions.end = index;
                    last.range.end = child.start_byte();
                }
                if let Some(previous) = stage {
                    stage_envs.push(std::mem::take(&mut env));
                    debug_assert_eq!(stage_envs.len(), previous + 1);
                }
                let stage_index = self.model.stages.len();
                instruction.set_stage(Some(stage_index));
                self.model.instructions.push(instruction);
                self.add_uses(uses, index, Scope::Global, &global_env);
                let site = stage_site.unwrap_or_default();
                let new_stage =
                    self.stage(&site, child.start_byte(), stage_index, index, &global_env);
                env = match new_stage.base_stage {
                    Some(base) => inherited_env(&self.model.declarations, &stage_envs[base]),
                    None => HashMap::new(),
                };
                self.model.stages.push(new_stage);
                continue;
            }
            let scope = stage.map_or(Scope::Global, Scope::Stage);
            self.model.instructions.push(instruction);
            if stage.is_some() {
                self.add_uses(uses, index, scope, &env);
                self.add_declarations(declarations, index, scope, &mut env, Some(&global_env));
            } else {
                self.add_uses(uses, index, scope, &global_env);
                self.add_declarations(declarations, index, scope, &mut global_env, None);
            }
        }
        if let Some(last) = self.model.stages.last_mut() {
            last.instructions.end = self.model.instructions.len();
            last.range.end = self.text.len();
        }
    }

    fn directive(&mut self, node: Node) {
        let (Some(name), Some(value)) = (node.field("name"), node.field("value")) else {
            return;
        };
        self.model.directives.push(Directive {
            name: self.text(name).to_ascii_lowercase(),
            value: self.text(value).to_owned(),
            range: node.byte_range(),
            name_range: name.byte_range(),
            value_range: value.byte_range(),
        });
    }

    /// What `node`, an instruction, says on its own.
    fn local(&self, node: Node) -> Local {
        let instruction = self.instruction(node, None);
        let stage = (instruction.keyword == "FROM" && instruction.known).then(|| StageSite {
            name: node
                .field("name")
                .map(|n| (self.text(n).to_owned(), n.byte_range())),
            image: node
                .field("image")
                .map(|i| (self.text(i).to_owned(), i.byte_range())),
        });
        Local {
            uses: self.use_sites(node),
            declarations: self.declaration_sites(node),
            instruction,
            stage,
        }
    }

    fn instruction(&self, node: Node, stage: Option<usize>) -> Instruction {
        let keyword_node = node.field("keyword").or_else(|| node.child(0));
        let (keyword, keyword_range, known) = match keyword_node {
            Some(k) if node.kind() == "unknown_instruction" => {
                (self.text(k).to_owned(), k.byte_range(), false)
            }
            Some(k) => (k.kind().to_owned(), k.byte_range(), true),
            None => (String::new(), node.start_byte()..node.start_byte(), false),
        };
        let mut flags = Vec::new();
        let mut cursor = node.walk();
        for flag in node.children_by_field_name("flag", &mut cursor) {
            flags.push(self.flag(flag));
        }
        let command = node.field("command").or_else(|| node.field("paths"));
        let form = match command {
            Some(c) if c.kind() == "exec_form" => Form::Exec,
            Some(c) if c.kind() == "shell_command" => {
                if c.named_child(0)
                    .is_some_and(|f| f.kind() == "exec_form_fallback")
                {
                    Form::ShellFallback
                } else {
                    Form::Shell
                }
            }
            _ => Form::None,
        };
        let exec_args = command
            .filter(|c| c.kind() == "exec_form")
            .map(|c| self.exec_strings(c));
        let heredocs = self.heredocs(node);
        let mut cursor = node.walk();
        let arguments = node
            .named_children(&mut cursor)
            .filter(|c| {
                !matches!(
                    c.kind(),
                    "flag" | "heredoc" | "unknown_keyword" | "comment" | "line_continuation"
                ) && !c.kind().ends_with("_instruction")
            })
            .map(|c| c.byte_range())
            .collect();
        let trigger = node
            .field("instruction")
            .map(|inner| Box::new(self.instruction(inner, stage)));
        Instruction {
            keyword,
            known,
            range: node.byte_range(),
            keyword_range,
            flags,
            form,
            command_range: command.map(|c| c.byte_range()),
            exec_args,
            arguments,
            heredocs,
            stage,
            trigger,
        }
    }

    fn flag(&self, node: Node) -> Flag {
        let name = node.field("name");
        let value = node.field("value");
        let name_text = name.map(|n| self.text(n)).unwrap_or_default();
        Flag {
            name: name_text.trim_start_matches('-').to_owned(),
            range: node.byte_range(),
            name_range: name.map_or(node.byte_range(), |n| n.byte_range()),
            value: value.map(|v| self.text(v).to_owned()),
            value_range: value.map(|v| v.byte_range()),
        }
    }

    fn exec_strings(&self, node: Node) -> Vec<String> {
        let mut cursor = node.walk();
        node.named_children(&mut cursor)
            .filter(|c| c.kind() == "json_string")
            .map(|c| decode_json_string(&collapse_continuations(self.text(c), self.model.escape)))
            .collect()
    }

    fn heredocs(&self, node: Node) -> Vec<Heredoc> {
        let markers = crate::syntax::descendants_of_kinds(node, &["heredoc_marker"]);
        let mut cursor = node.walk();
        let bodies: Vec<Node> = node
            .named_children(&mut cursor)
            .filter(|c| c.kind() == "heredoc")
            .collect();
        markers
            .iter()
            .enumerate()
            .map(|(i, marker)| {
                let body = bodies.get(i);
                Heredoc {
                    marker_range: marker.byte_range(),
                    delimiter: heredoc_delimiter(self.text(*marker)),
                    body_range: body
                        .and_then(|b| b.field("content"))
                        .map(|c| c.byte_range()),
                    end_range: body
                        .and_then(|b| b.field("end"))
                        .filter(|e| !e.is_missing())
                        .map(|e| e.byte_range()),
                }
            })
            .collect()
    }

    fn stage(
        &mut self,
        site: &StageSite,
        start: usize,
        index: usize,
        from: usize,
        global_env: &Environment,
    ) -> Stage {
        let image = site.image.as_ref().map(|(text, range)| ImageReference {
            resolved: expand(text, global_env),
            text: text.clone(),
            range: range.clone(),
        });
        let platform = self.model.instructions[from]
            .flags
            .iter()
            .find(|f| f.name == "platform")
            .and_then(|f| f.value.clone());
        let base_stage = image.as_ref().and_then(|image| {
            let base = image.resolved.as_deref().unwrap_or(&image.text);
            self.model.stages.iter().position(|s| s.is_named(base))
        });
        Stage {
            index,
            name: site.name.as_ref().map(|(name, _)| name.clone()),
            name_range: site.name.as_ref().map(|(_, range)| range.clone()),
            from,
            instructions: from..from + 1,
            range: start..self.text.len(),
            image,
            platform,
            base_stage,
        }
    }

    /// The declarations an ARG or ENV instruction makes, as written.
    fn declaration_sites(&self, node: Node) -> Vec<DeclarationSite> {
        let kind = match node.kind() {
            "arg_instruction" => DeclarationKind::Arg,
            "env_instruction" => DeclarationKind::Env,
            _ => return Vec::new(),
        };
        let mut cursor = node.walk();
        let mut sites = Vec::new();
        for pair in node.named_children(&mut cursor) {
            let Some(name) = pair.field("name") else {
                continue;
            };
            let field = if kind == DeclarationKind::Arg {
                "default"
            } else {
                "value"
            };
            let mut value_cursor = pair.walk();
            let values: Vec<Node> = pair
                .children_by_field_name(field, &mut value_cursor)
                .collect();
            let value_range = match (values.first(), values.last()) {
                (Some(first), Some(last)) => Some(first.start_byte()..last.end_byte()),
                _ => None,
            };
            sites.push(DeclarationSite {
                name: self.text(name).to_owned(),
                kind,
                name_range: name.byte_range(),
                value: value_range.clone().map(|r| self.text[r].to_owned()),
                value_range,
                has_equals: pair.children(&mut pair.walk()).any(|c| c.kind() == "="),
            });
        }
        sites
    }

    /// Records the declarations of an ARG or ENV instruction, then makes them visible.
    fn add_declarations(
        &mut self,
        sites: Vec<DeclarationSite>,
        instruction: usize,
        scope: Scope,
        env: &mut Environment,
        global_env: Option<&Environment>,
    ) {
        let mut assignments = Vec::new();
        for site in sites {
            let DeclarationSite {
                name,
                kind,
                name_range,
                value,
                value_range,
                has_equals,
            } = site;
            let resolved = match &value {
                Some(v) => expand(v, env),
                // `ENV A=` and `ARG A=` set the empty string.
                None if has_equals => Some(String::new()),
                // `ARG A` in a stage takes the global ARG's value.
                None => global_env
                    .and_then(|g| g.get(&name))
                    .and_then(|(_, v)| v.clone()),
            };
            let index = self.model.declarations.len();
            assignments.push((name.clone(), (Some(index), resolved.clone())));
            self.model.declarations.push(Declaration {
                name,
                kind,
                scope,
                name_range,
                value,
                value_range,
                resolved,
                instruction,
            });
        }
        // Values in one instruction see the variables as they were before it.
        env.extend(assignments);
    }

    /// The variable uses inside an instruction, as written.
    fn use_sites(&self, node: Node) -> Vec<UseSite> {
        let mut sites = Vec::new();
        let found = crate::syntax::descendants_of_kinds(node, &["variable", "expansion"]);
        for use_node in found {
            // Shell-form commands keep heredoc bodies and exec-form strings out of reach: only
            // the nodes of the instruction itself are uses.
            let (name, name_range) = if use_node.kind() == "variable" {
                // The node starts with `$`, except where tree-sitter let an invisible character
                // such as a byte order mark into it.
                let text = self.text(use_node);
                let Some(dollar) = text.find('$') else {
                    continue;
                };
                let start = use_node.start_byte() + dollar + 1;
                (text[dollar + 1..].to_owned(), start..use_node.end_byte())
            } else {
                match use_node.field("name") {
                    Some(n) => (self.text(n).to_owned(), n.byte_range()),
                    None => continue,
                }
            };
            sites.push(UseSite {
                name,
                range: use_node.byte_range(),
                name_range,
            });
        }
        sites
    }

    /// Records the variable uses of an instruction, resolved in `env`.
    fn add_uses(
        &mut self,
        sites: Vec<UseSite>,
        instruction: usize,
        scope: Scope,
        env: &Environment,
    ) {
        let expander = match self.model.instructions[instruction].keyword.as_str() {
            "RUN" | "CMD" | "ENTRYPOINT" | "HEALTHCHECK" | "SHELL" => Expander::Shell,
            _ => Expander::Builder,
        };
        for UseSite {
            name,
            range,
            name_range,
        } in sites
        {
            let (declaration, value) = match env.get(&name) {
                Some((decl, value)) => (*decl, value.clone()),
                None => (None, None),
            };
            self.model.uses.push(VariableUse {
                name,
                range,
                name_range,
                scope,
                expander,
                declaration,
                value,
                instruction,
            });
        }
    }

    fn text(&self, node: Node) -> &str {
        self.text.get(node.byte_range()).unwrap_or_default()
    }
}

fn is_instruction(kind: &str) -> bool {
    kind.ends_with("_instruction")
}

/// The ENV variables of a base stage, as its child stages inherit them.
fn inherited_env(declarations: &[Declaration], base_env: &Environment) -> Environment {
    base_env
        .iter()
        .filter(|(_, (decl, _))| {
            decl.and_then(|d| declarations.get(d))
                .is_some_and(|d| d.kind == DeclarationKind::Env)
        })
        .map(|(name, binding)| (name.clone(), binding.clone()))
        .collect()
}

/// The delimiter of a heredoc marker such as `<<-"EOF"`.
fn heredoc_delimiter(marker: &str) -> String {
    let rest = marker.trim_start_matches(|c: char| c.is_ascii_digit());
    let rest = rest.strip_prefix("<<").unwrap_or(rest);
    let rest = rest.strip_prefix('-').unwrap_or(rest).trim_start();
    rest.chars().filter(|&c| c != '"' && c != '\'').collect()
}

/// The ENTRYPOINT, CMD and SHELL in effect at the end of a stage, as indexes into
/// [`Model::instructions`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StageCommands {
    pub entrypoint: Option<usize>,
    pub cmd: Option<usize>,
    pub shell: Option<usize>,
}

/// An argument list the way a shell would read it back: arguments with blanks or quotes (and
/// empty ones) in double quotes.
pub fn render_command(args: &[String]) -> String {
    args.iter()
        .map(|a| {
            if a.is_empty() || a.contains(|c: char| c.is_whitespace() || c == '"') {
                format!("\"{}\"", a.replace('\\', "\\\\").replace('"', "\\\""))
            } else {
                a.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Removes line continuations (escape character, blanks, newline) from text that spans lines,
/// with the comment and empty lines inside them, as BuildKit joins a logical line.
pub fn collapse_continuations(text: &str, escape: char) -> String {
    let mut out = String::with_capacity(text.len());
    let mut lines = text.split_inclusive('\n').peekable();
    while let Some(line) = lines.next() {
        let body = line.trim_end_matches(['\n', '\r']);
        let trimmed = body.trim_end_matches([' ', '\t']);
        if lines.peek().is_some() && trimmed.ends_with(escape) {
            out.push_str(&trimmed[..trimmed.len() - escape.len_utf8()]);
            // Comment lines and empty lines inside a continuation are dropped.
            while let Some(next) = lines.peek() {
                let t = next.trim_start();
                if t.starts_with('#') || t.trim().is_empty() {
                    lines.next();
                } else {
                    break;
                }
            }
        } else {
            out.push_str(line);
        }
    }
    out
}

/// Decodes a JSON string literal, quotes included; invalid escapes are kept as written.
pub fn decode_json_string(literal: &str) -> String {
    let inner = literal.strip_prefix('"').unwrap_or(literal);
    let inner = inner.strip_suffix('"').unwrap_or(inner);
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(decoded) => out.push(decoded),
                    None => {
                        out.push_str("\\u");
                        out.push_str(&hex);
                    }
                }
            }
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// Whether `name` can name an ARG or ENV variable: `[A-Za-z_][A-Za-z0-9_]*`.
pub fn is_valid_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Whether `name` is one of BuildKit's automatic platform arguments (`TARGETPLATFORM`, ...).
pub fn is_automatic(name: &str) -> bool {
    knowledge::AUTOMATIC_ARGS.iter().any(|a| a.name == name)
}

/// The value a variable has at some point of the build.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Value {
    /// Not declared: BuildKit substitutes the empty string.
    Unset,
    /// Declared, but the value comes from outside (`--build-arg`, the platform).
    Unknown,
    Set(String),
}

/// Substitutes variables in a word the way BuildKit does for ENV, ARG and FROM: quotes are
/// removed, `$NAME`, `${NAME}` and `${NAME:-word}`-style forms are replaced. Returns `None`
/// when a variable without a known value decides the result.
fn expand(word: &str, env: &Environment) -> Option<String> {
    let lookup = |name: &str| match env.get(name) {
        Some((_, Some(value))) => Value::Set(value.clone()),
        Some((_, None)) => Value::Unknown,
        None if knowledge::predefined_arg(name).is_some() => Value::Unknown,
        None => Value::Unset,
    };
    expand_with(word, &lookup, 0)
}

/// Substitutes variables in `word` as BuildKit does (see [`expand`]); `lookup` gives a
/// variable's value, `None` when it is unset. Returns `None` for forms it does not evaluate.
pub fn substitute(word: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let lookup = |name: &str| lookup(name).map_or(Value::Unset, Value::Set);
    expand_with(word, &lookup, 0)
}

type Lookup<'a> = dyn Fn(&str) -> Value + 'a;

fn expand_with(word: &str, lookup: &Lookup, depth: usize) -> Option<String> {
    if depth > 16 {
        return None;
    }
    let mut out = String::with_capacity(word.len());
    let mut quote: Option<char> = None;
    let mut rest = word;
    while let Some(c) = rest.chars().next() {
        rest = &rest[c.len_utf8()..];
        match c {
            '\'' | '"' if quote.is_none() => quote = Some(c),
            '\'' | '"' if quote == Some(c) => quote = None,
            '\\' if quote != Some('\'') => {
                if let Some(next) = rest.chars().next() {
                    out.push(next);
                    rest = &rest[next.len_utf8()..];
                }
            }
            '$' if quote != Some('\'') => {
                let (value, consumed) = expand_dollar(rest, lookup, depth)?;
                out.push_str(&value);
                rest = &rest[consumed..];
            }
            _ => out.push(c),
        }
    }
    Some(out)
}

/// Expands what follows a `$`; returns the value and how many bytes of `rest` it used.
fn expand_dollar(rest: &str, lookup: &Lookup, depth: usize) -> Option<(String, usize)> {
    let Some(inner) = rest.strip_prefix('{') else {
        let name_len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if name_len == 0 {
            return Some(("$".to_owned(), 0));
        }
        let value = match lookup(&rest[..name_len]) {
            Value::Unset => String::new(),
            Value::Unknown => return None,
            Value::Set(value) => value,
        };
        return Some((value, name_len));
    };
    let close = matching_brace(inner)?;
    let body = &inner[..close];
    let name_len = body
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(body.len());
    let value = lookup(&body[..name_len]);
    let (operator, word) = split_operator(&body[name_len..]);
    let word = || expand_with(word, lookup, depth + 1);
    let result = match (operator, value) {
        (_, Value::Unknown) => return None,
        ("", Value::Set(v)) => v,
        ("", Value::Unset) => String::new(),
        (":-", Value::Set(v)) if !v.is_empty() => v,
        (":-", _) => word()?,
        ("-", Value::Set(v)) => v,
        ("-", Value::Unset) => word()?,
        (":+", Value::Set(v)) if !v.is_empty() => word()?,
        (":+", _) => String::new(),
        ("+", Value::Set(_)) => word()?,
        ("+", Value::Unset) => String::new(),
        // `?` fails the build when unset; pattern forms are not evaluated.
        _ => return None,
    };
    Some((result, 1 + close + 1))
}

fn split_operator(text: &str) -> (&str, &str) {
    if text.is_empty() {
        return ("", "");
    }
    for operator in [":-", ":+", ":?", "-", "+", "?"] {
        if let Some(word) = text.strip_prefix(operator) {
            return (operator, word);
        }
    }
    (text, "")
}

/// The byte index of the `}` that closes a `${` whose body starts `text`.
fn matching_brace(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                depth += 1;
                i += 1;
            }
            b'}' if depth == 0 => return Some(i),
            b'}' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax;

    fn model(text: &str) -> Model {
        Model::build(&syntax::parse(text), text)
    }

    #[test]
    fn stages_and_bases() {
        let m = model(
            "ARG BASE=golang\nFROM ${BASE}:1.22 AS build\nRUN go build\n\
             FROM --platform=$BUILDPLATFORM alpine\nCOPY --from=build /a /b\nFROM build AS test\n",
        );
        assert_eq!(m.stages.len(), 3);
        assert_eq!(m.stages[0].name.as_deref(), Some("build"));
        assert_eq!(
            m.stages[0].image.as_ref().unwrap().resolved.as_deref(),
            Some("golang:1.22")
        );
        assert_eq!(m.stages[0].instructions, 1..3);
        assert_eq!(m.stages[1].platform.as_deref(), Some("$BUILDPLATFORM"));
        assert_eq!(m.stages[2].base_stage, Some(0));
        assert_eq!(m.instructions[0].stage, None);
        assert_eq!(m.instructions[2].stage, Some(0));
        assert_eq!(m.stage_named("BUILD"), Some(0));
    }

    #[test]
    fn scopes_of_arg_and_env() {
        let m = model(
            "ARG V=1\nFROM a:$V AS one\nRUN echo $V\nARG V\nENV E=$V-x\nRUN echo $E\n\
             FROM one\nRUN echo $E $V\n",
        );
        let uses: Vec<(&str, Option<&str>)> = m
            .uses
            .iter()
            .map(|u| (u.name.as_str(), u.value.as_deref()))
            .collect();
        assert_eq!(
            uses,
            [
                ("V", Some("1")),   // FROM sees the global ARG
                ("V", None),        // before `ARG V` the stage does not
                ("V", Some("1")),   // ENV E=$V after re-declaring takes the global value
                ("E", Some("1-x")), // RUN sees ENV
                ("E", Some("1-x")), // a child stage inherits ENV
                ("V", None),        // but not ARG
            ]
        );
        assert_eq!(m.uses[1].declaration, None);
        assert_eq!(m.uses[5].declaration, None);
        assert_eq!(m.uses[0].expander, Expander::Builder);
        assert_eq!(m.uses[1].expander, Expander::Shell);
    }

    #[test]
    fn env_in_one_instruction_sees_the_old_values() {
        let m = model("FROM a\nENV A=1\nENV A=2 B=$A\n");
        let b = m.declarations.iter().find(|d| d.name == "B").unwrap();
        assert_eq!(b.resolved.as_deref(), Some("1"));
    }

    #[test]
    fn forms_and_exec_arguments() {
        let m = model(
            "FROM a\nCMD [\"a\", \"b\\n\\u00e9\"]\nRUN [ -f x ]\nRUN echo\nRUN <<EOF\nx\nEOF\n",
        );
        assert_eq!(m.instructions[1].form, Form::Exec);
        assert_eq!(
            m.instructions[1].exec_args.as_deref(),
            Some(&["a".to_owned(), "b\né".to_owned()][..])
        );
        assert_eq!(m.instructions[2].form, Form::ShellFallback);
        assert_eq!(m.instructions[3].form, Form::Shell);
        assert_eq!(m.instructions[4].heredocs.len(), 1);
        assert_eq!(m.instructions[4].heredocs[0].delimiter, "EOF");
        assert!(m.instructions[4].has_heredoc());
        let m = model("FROM a\nCOPY --link a b/\nENV A=1 B=2\n");
        let arguments = |i: usize| -> Vec<&str> {
            m.instructions[i]
                .arguments
                .iter()
                .map(|r| &"FROM a\nCOPY --link a b/\nENV A=1 B=2\n"[r.clone()])
                .collect()
        };
        assert_eq!(arguments(0), ["a"]);
        assert_eq!(arguments(1), ["a", "b/"]);
        assert_eq!(arguments(2), ["A=1", "B=2"]);
    }

    #[test]
    fn flags_and_directives() {
        let m = model("# Escape=`\nFROM a\nCOPY --link --chown=1:1 a b\n");
        assert_eq!(m.escape, '`');
        assert_eq!(m.directives[0].name, "escape");
        let flags: Vec<(&str, Option<&str>)> = m.instructions[1]
            .flags
            .iter()
            .map(|f| (f.name.as_str(), f.value.as_deref()))
            .collect();
        assert_eq!(flags, [("link", None), ("chown", Some("1:1"))]);
    }

    #[test]
    fn expansion_forms() {
        let m = model(
            "ARG SET=x\nARG EMPTY=\nARG UNKNOWN\n\
             FROM a:${SET:-d}${EMPTY:-d}${NONE:-d}${SET:+y}${EMPTY+z}${NONE-w}\n",
        );
        let image = m.stages[0].image.as_ref().unwrap();
        assert_eq!(image.resolved.as_deref(), Some("a:xddyzw"));
        let m = model("ARG UNKNOWN\nFROM a:${UNKNOWN}\n");
        assert_eq!(m.stages[0].image.as_ref().unwrap().resolved, None);
    }

    #[test]
    fn image_parts() {
        let parts = ImageParts::parse("localhost:5000/team/app:1.0@sha256:abc");
        assert_eq!(parts.registry.as_deref(), Some("localhost:5000"));
        assert_eq!(parts.repository, "team/app");
        assert_eq!(parts.tag.as_deref(), Some("1.0"));
        assert_eq!(parts.digest.as_deref(), Some("sha256:abc"));
        let parts = ImageParts::parse("library/alpine");
        assert_eq!((parts.registry, parts.tag), (None, None));
    }

    #[test]
    fn continuations_collapse_like_buildkit() {
        assert_eq!(collapse_continuations("a \\\n  # c\n\n  b", '\\'), "a   b");
        assert_eq!(
            collapse_continuations("dir c:\\ `\r\n x", '`'),
            "dir c:\\  x"
        );
    }

    #[test]
    fn any_input_builds_a_model() {
        for text in [
            "",
            "FROM",
            "\u{0}\u{feff}RUN \"",
            "ONBUILD ONBUILD RUN $",
            "FROM a\nENV ${",
        ] {
            let _ = model(text);
        }
    }
}
