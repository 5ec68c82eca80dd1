//! The shell inside RUN: the script each RUN hands to its shell, parsed with tree-sitter-bash,
//! with a source map from every byte of the script back to the Dockerfile and the dialect it
//! runs in.
//!
//! A RUN gives its script in one of three ways: shell form (lines joined at their
//! continuations, the comment and empty lines inside them dropped), heredocs (`RUN <<EOF`, whose
//! body is the script, or `RUN bash <<EOF` and the like, where the command line and the heredocs
//! together are the script) and exec form whose program is a shell run with `-c`. Shells that
//! are not POSIX-like (PowerShell, cmd) and heredocs with another interpreter (`#!/usr/bin/env
//! python3`) yield no script: nothing here checks them.

use std::cell::RefCell;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use tree_sitter::{Node, Parser, Tree};

use crate::model::{Form, Instruction, Model, StageCommands};
use crate::text;

/// The shell language a script is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// POSIX sh: `/bin/sh`, unless told otherwise.
    Sh,
    Bash,
    Dash,
    /// BusyBox ash, Alpine's `/bin/sh` when named as such.
    Ash,
    /// ksh, mksh, zsh: not POSIX-only, close enough to bash for the checks here.
    Ksh,
}

impl Dialect {
    /// The dialect of a shell program (a path or a name), `None` for one that is not a POSIX-like
    /// shell (`powershell`, `cmd`, `python3`).
    pub fn of_program(program: &str) -> Option<Dialect> {
        let name = program.rsplit(['/', '\\']).next().unwrap_or(program);
        let name = name.strip_suffix(".exe").unwrap_or(name);
        match name.to_ascii_lowercase().as_str() {
            "sh" => Some(Dialect::Sh),
            "bash" => Some(Dialect::Bash),
            "dash" => Some(Dialect::Dash),
            "ash" | "busybox" => Some(Dialect::Ash),
            "ksh" | "mksh" | "zsh" => Some(Dialect::Ksh),
            _ => None,
        }
    }

    /// Whether only POSIX syntax is available (bash-isms are errors).
    pub fn is_posix(self) -> bool {
        matches!(self, Dialect::Sh | Dialect::Dash)
    }

    pub fn name(self) -> &'static str {
        match self {
            Dialect::Sh => "sh",
            Dialect::Bash => "bash",
            Dialect::Dash => "dash",
            Dialect::Ash => "ash",
            Dialect::Ksh => "ksh",
        }
    }
}

/// A stretch of the script and where it comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Segment {
    /// Where it starts in the script.
    script: usize,
    /// Where it starts in the Dockerfile.
    source: usize,
    /// Its length in the script.
    len: usize,
    /// Its length in the Dockerfile: the same as `len` when copied verbatim, else a decoded
    /// JSON escape sequence (`\"`, `\u00e9`).
    source_len: usize,
}

impl Segment {
    fn verbatim(&self) -> bool {
        self.len == self.source_len
    }
}

/// The shell script of one RUN, parsed. It dereferences to its [`Parsed`] script, which an
/// analysis after an edit shares with the one before when the RUN and what it depends on are
/// the same (see [`ScriptCache`]).
#[derive(Debug, Clone)]
pub struct Script {
    /// The RUN's index in [`Model::instructions`].
    pub instruction: usize,
    /// Where the RUN instruction starts in the Dockerfile: what the map's offsets count from.
    base: usize,
    parsed: Arc<Parsed>,
}

/// What parsing a RUN's script gives, independent of where the RUN stands in the file.
#[derive(Debug)]
pub struct Parsed {
    pub text: String,
    pub tree: Tree,
    pub dialect: Dialect,
    /// The shell runs with `-o pipefail` (from SHELL or the exec form's arguments).
    pub pipefail: bool,
    /// How the script is given.
    pub origin: Origin,
    /// How many heredocs the RUN has.
    pub heredocs: usize,
    /// Every simple command of the script, in order, nested ones included.
    pub commands: Vec<SimpleCommand>,
    /// The map, with Dockerfile offsets counted from the start of the RUN instruction.
    segments: Vec<Segment>,
}

impl std::ops::Deref for Script {
    type Target = Parsed;

    fn deref(&self) -> &Parsed {
        &self.parsed
    }
}

/// A simple command: a program and its arguments (`apt-get install -y curl`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimpleCommand {
    /// The script range of the whole command, assignments and redirections included.
    pub range: Range<usize>,
    /// The command name and its arguments; environment assignments and redirections are not
    /// words.
    pub words: Vec<Word>,
    /// Inside `( ... )`, where a `cd` does not outlive the subshell.
    pub in_subshell: bool,
    /// Inside `$( ... )` or backquotes.
    pub in_substitution: bool,
}

/// A word of a command, with quotes and backslashes removed when it is a plain literal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The word's value when it is literal, else its text as written.
    pub text: String,
    /// No expansion (`$x`, `$(...)`, globs are allowed) decides its value.
    pub literal: bool,
    /// The script range.
    pub range: Range<usize>,
}

impl SimpleCommand {
    /// The index in [`SimpleCommand::words`] of the program run, past `sudo`, `env` and its
    /// assignments, `command`, `exec`, `nice`, `nohup` and `time`.
    pub fn program_index(&self) -> Option<usize> {
        let mut i = 0;
        while let Some(word) = self.words.get(i) {
            let name = word.text.rsplit('/').next().unwrap_or(&word.text);
            match name {
                "sudo" | "command" | "exec" | "nohup" | "time" | "nice" | "env" => {
                    i += 1;
                    // Options of the wrapper (`sudo -E`, `env -i`) and env's assignments.
                    while self.words.get(i).is_some_and(|w| {
                        w.text.starts_with('-') || (name == "env" && w.text.contains('='))
                    }) {
                        i += 1;
                    }
                }
                _ => return Some(i),
            }
        }
        None
    }

    /// The program's name without its directory (`apt-get` for `/usr/bin/apt-get`).
    pub fn program(&self) -> Option<&str> {
        let word = self.words.get(self.program_index()?)?;
        Some(word.text.rsplit('/').next().unwrap_or(&word.text))
    }

    /// The words after the program.
    pub fn arguments(&self) -> &[Word] {
        match self.program_index() {
            Some(i) => &self.words[i + 1..],
            None => &[],
        }
    }
}

/// How a RUN gives its script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Shell form, continuations joined.
    ShellForm,
    /// The body of a lone heredoc (`RUN <<EOF`).
    HeredocBody,
    /// A command line with heredocs (`RUN bash <<EOF`, `RUN <<A cat >f <<B`).
    HeredocCommand,
    /// The script argument of an exec-form shell (`["sh", "-c", "..."]`).
    ExecForm,
}

impl Script {
    /// The Dockerfile offset of a script offset (clamped to the script).
    pub fn source_offset(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        let index = self
            .segments
            .partition_point(|s| s.script <= offset)
            .saturating_sub(1);
        match self.segments.get(index) {
            Some(s) if s.verbatim() => self.base + s.source + (offset - s.script).min(s.len),
            Some(s) if offset > s.script => self.base + s.source + s.source_len,
            Some(s) => self.base + s.source,
            None => self.base,
        }
    }

    /// The Dockerfile range of a script range: the same characters, even across
    /// continuations, escapes and heredocs.
    pub fn source_range(&self, range: Range<usize>) -> Range<usize> {
        let start = self.source_offset(range.start);
        if range.end <= range.start {
            return start..start;
        }
        let last = range.end.min(self.text.len()).saturating_sub(1);
        let index = self
            .segments
            .partition_point(|s| s.script <= last)
            .saturating_sub(1);
        let end = match self.segments.get(index) {
            Some(s) if s.verbatim() => self.base + s.source + (last - s.script) + 1,
            Some(s) => self.base + s.source + s.source_len,
            None => start,
        };
        start..end.max(start)
    }

    /// The Dockerfile range of a node of [`Script::tree`].
    pub fn node_range(&self, node: Node) -> Range<usize> {
        self.source_range(node.byte_range())
    }

    /// The script text of a node.
    pub fn node_text(&self, node: Node) -> &str {
        self.text.get(node.byte_range()).unwrap_or_default()
    }

    /// The parts of the script copied verbatim from the Dockerfile, as (script range,
    /// Dockerfile range) pairs; the rest are decoded JSON escapes.
    pub fn verbatim_parts(&self) -> impl Iterator<Item = (Range<usize>, Range<usize>)> + '_ {
        self.segments.iter().filter(|s| s.verbatim()).map(|s| {
            let source = self.base + s.source;
            (s.script..s.script + s.len, source..source + s.len)
        })
    }

    /// Whether every byte of the script belongs to exactly one part of the map, in order.
    pub fn map_is_complete(&self) -> bool {
        let mut next = 0;
        for s in &self.segments {
            if s.script != next {
                return false;
            }
            next += s.len;
        }
        next == self.text.len()
    }
}

/// The script text being assembled with its map.
#[derive(Default)]
struct Builder {
    text: String,
    segments: Vec<Segment>,
}

impl Builder {
    /// Appends `source[range]` verbatim.
    fn copy(&mut self, source: &str, range: Range<usize>) {
        let Some(part) = source.get(range.clone()) else {
            return;
        };
        if part.is_empty() {
            return;
        }
        match self.segments.last_mut() {
            Some(last) if last.verbatim() && last.source + last.len == range.start => {
                last.len += part.len();
                last.source_len += part.len();
            }
            _ => self.segments.push(Segment {
                script: self.text.len(),
                source: range.start,
                len: part.len(),
                source_len: part.len(),
            }),
        }
        self.text.push_str(part);
    }

    /// Appends a character decoded from the escape sequence at `source`.
    fn decoded(&mut self, c: char, source: Range<usize>) {
        self.segments.push(Segment {
            script: self.text.len(),
            source: source.start,
            len: c.len_utf8(),
            source_len: source.len(),
        });
        self.text.push(c);
    }

    /// Appends shell-form text, its lines joined at continuations and the comment and empty
    /// lines inside a continuation left out, as BuildKit joins them.
    fn join_lines(&mut self, source: &str, range: Range<usize>, escape: char) {
        let mut position = range.start;
        let mut continued = false;
        while position < range.end {
            let line_end = source[position..range.end]
                .find('\n')
                .map_or(range.end, |i| position + i + 1);
            let line = &source[position..line_end];
            let body = line.trim_end_matches(['\n', '\r']);
            let trimmed = body.trim();
            if continued && (trimmed.is_empty() || trimmed.starts_with('#')) && line_end < range.end
            {
                position = line_end;
                continue;
            }
            if line_end < range.end && text::ends_with_continuation(body, escape) {
                let kept = body.trim_end_matches([' ', '\t', '\r']);
                let kept = kept.len() - escape.len_utf8();
                self.copy(source, position..position + kept);
                continued = true;
            } else {
                self.copy(source, position..line_end);
                continued = false;
            }
            position = line_end;
        }
    }

    fn finish(self) -> (String, Vec<Segment>) {
        (self.text, self.segments)
    }
}

/// The scripts of every RUN of the model (ONBUILD RUN triggers included), in file order.
pub fn scripts(model: &Model, text: &str) -> Vec<Script> {
    ScriptCache::new(model, text, None)
        .all(model, text)
        .to_vec()
}

/// The RUN scripts of one snapshot, each parsed when first asked for, or taken from the
/// snapshot before an edit when neither the RUN's text nor what its script depends on (the
/// escape character, the shell in effect, a shell pragma above it, a Windows base image)
/// changed: typing into one RUN parses that RUN's script again and no other.
///
/// The parsed scripts are shared through cells: a RUN the edit did not touch gets the cell of
/// the same RUN in the snapshot before, which holds the script parsed there or, when nobody
/// asked for it yet, is filled by whichever snapshot asks first. A cell remembers the inputs
/// it was parsed with, so a RUN whose context changed (a SHELL above it edited) is parsed anew.
#[derive(Default)]
pub struct ScriptCache {
    /// One per instruction, `None` for those that are not a RUN or `ONBUILD RUN`.
    slots: Vec<Option<Slot>>,
    context: OnceLock<ShellContext>,
    all: OnceLock<Vec<Script>>,
}

struct Slot {
    shared: Arc<OnceLock<Reusable>>,
    script: OnceLock<Option<Script>>,
}

impl Slot {
    fn new(shared: Arc<OnceLock<Reusable>>) -> Slot {
        Slot {
            shared,
            script: OnceLock::new(),
        }
    }
}

/// A parsed script with the inputs it came from.
struct Reusable {
    inputs: Inputs,
    parsed: Option<Arc<Parsed>>,
}

/// Everything a RUN's script depends on besides the RUN's text: the parts of its model the
/// extraction reads (relative to the RUN's start) and its context in the file.
#[derive(Clone, PartialEq)]
struct Inputs {
    escape: char,
    shell: Vec<String>,
    pragma: Option<Pragma>,
    /// The RUN runs in cmd on a Windows image and has no script.
    windows: bool,
    form: Form,
    command: Option<Range<usize>>,
    exec_args: Option<Vec<String>>,
    heredocs: Vec<HeredocRanges>,
}

/// A heredoc's marker, body and end, relative to the RUN's start.
type HeredocRanges = (Range<usize>, Option<Range<usize>>, Option<Range<usize>>);

/// What the scripts of one snapshot read of the whole file, computed once when the first
/// script is asked for.
struct ShellContext {
    pragmas: Vec<(usize, Pragma)>,
    commands: Vec<StageCommands>,
    /// For each instruction, the last SHELL before it in its own stage.
    own_shell: Vec<Option<usize>>,
}

impl ShellContext {
    fn new(model: &Model, text: &str) -> ShellContext {
        let mut own_shell = vec![None; model.instructions.len()];
        for stage in &model.stages {
            let mut last = None;
            for index in stage.instructions.clone() {
                let Some(instruction) = model.instructions.get(index) else {
                    break;
                };
                if let Some(slot) = own_shell.get_mut(index) {
                    *slot = last;
                }
                if instruction.keyword == "SHELL" {
                    last = Some(index);
                }
            }
        }
        ShellContext {
            pragmas: shell_pragmas(text),
            commands: model.stage_commands(),
            own_shell,
        }
    }

    /// The shell instruction `index` runs in: its stage's last SHELL before it, else the one
    /// its stage's base ends with, else `/bin/sh -c` (as [`Model::shell_at`]).
    fn shell(&self, model: &Model, index: usize) -> Vec<String> {
        let inherited = || {
            let stage = model.instructions.get(index)?.stage?;
            let base = model.stages.get(stage)?.base_stage?;
            self.commands.get(base)?.shell
        };
        self.own_shell
            .get(index)
            .copied()
            .flatten()
            .or_else(inherited)
            .and_then(|i| model.instructions.get(i))
            .and_then(|s| s.exec_args.clone())
            .filter(|args| !args.is_empty())
            .unwrap_or_else(|| vec!["/bin/sh".to_owned(), "-c".to_owned()])
    }

    /// What the script of RUN `index` depends on besides its text.
    fn inputs(&self, model: &Model, index: usize) -> Option<Inputs> {
        let instruction = model.instructions.get(index)?;
        let run = run_of(instruction)?;
        let start = instruction.range.start;
        // A pragma counts from where it is written, so a SHELL after it wins.
        let own_shell = self
            .own_shell
            .get(index)
            .copied()
            .flatten()
            .and_then(|i| model.instructions.get(i))
            .map(|i| i.range.start);
        let before = self.pragmas.partition_point(|(offset, _)| *offset < start);
        let pragma = before
            .checked_sub(1)
            .and_then(|i| self.pragmas.get(i))
            .filter(|(offset, _)| own_shell.is_none_or(|shell| shell < *offset))
            .map(|(_, dialect)| *dialect);
        let shell = self.shell(model, index);
        let default_shell = shell.len() == 2 && shell[0] == "/bin/sh" && shell[1] == "-c";
        let windows = default_shell && pragma.is_none() && on_windows(model, instruction.stage);
        let relative = |range: &Range<usize>| {
            range.start.saturating_sub(start)..range.end.saturating_sub(start)
        };
        Some(Inputs {
            escape: model.escape,
            shell,
            pragma,
            windows,
            form: run.form,
            command: run.command_range.as_ref().map(relative),
            exec_args: run.exec_args.clone(),
            heredocs: run
                .heredocs
                .iter()
                .map(|h| {
                    (
                        relative(&h.marker_range),
                        h.body_range.as_ref().map(relative),
                        h.end_range.as_ref().map(relative),
                    )
                })
                .collect(),
        })
    }
}

/// The RUN an instruction runs: itself, or the trigger of an `ONBUILD RUN`.
fn run_of(instruction: &Instruction) -> Option<&Instruction> {
    match &instruction.trigger {
        Some(trigger) if trigger.keyword == "RUN" => Some(trigger),
        _ if instruction.keyword == "RUN" => Some(instruction),
        _ => None,
    }
}

impl ScriptCache {
    /// The scripts of `model`, none parsed yet; with `previous` (the cache, model and text of
    /// the snapshot before an edit), the RUNs at the start and at the end whose text the edit
    /// left alone share their cells with the same RUNs there.
    pub fn new(
        model: &Model,
        text: &str,
        previous: Option<(&ScriptCache, &Model, &str)>,
    ) -> ScriptCache {
        let mut slots: Vec<Option<Slot>> = model
            .instructions
            .iter()
            .map(|i| run_of(i).map(|_| Slot::new(Arc::default())))
            .collect();
        if let Some((old, old_model, old_text)) = previous {
            let same = |new: usize, old: usize| {
                let (Some(a), Some(b)) =
                    (model.instructions.get(new), old_model.instructions.get(old))
                else {
                    return false;
                };
                text.get(a.range.clone()) == old_text.get(b.range.clone())
            };
            let (new_count, old_count) = (model.instructions.len(), old_model.instructions.len());
            let prefix = (0..new_count.min(old_count))
                .take_while(|&i| same(i, i))
                .count();
            let suffix = (1..=new_count.min(old_count) - prefix)
                .take_while(|&back| same(new_count - back, old_count - back))
                .count();
            let pairs = (0..prefix)
                .map(|i| (i, i))
                .chain((1..=suffix).map(|back| (new_count - back, old_count - back)));
            for (new, old_index) in pairs {
                let shared = old.slots.get(old_index).and_then(Option::as_ref);
                if let (Some(Some(slot)), Some(shared)) = (slots.get_mut(new), shared) {
                    slot.shared = shared.shared.clone();
                }
            }
        }
        ScriptCache {
            slots,
            context: OnceLock::new(),
            all: OnceLock::new(),
        }
    }

    /// The script of instruction `index` (a RUN or `ONBUILD RUN`), parsed on first use; `None`
    /// for another instruction or a RUN without a shell script.
    pub fn script(&self, model: &Model, text: &str, index: usize) -> Option<&Script> {
        let slot = self.slots.get(index)?.as_ref()?;
        slot.script
            .get_or_init(|| {
                let context = self.context.get_or_init(|| ShellContext::new(model, text));
                let inputs = context.inputs(model, index)?;
                let base = model.instructions.get(index)?.range.start;
                let parse = |inputs: &Inputs| parse_run(model, text, index, inputs).map(Arc::new);
                let shared = slot.shared.get_or_init(|| Reusable {
                    parsed: parse(&inputs),
                    inputs: inputs.clone(),
                });
                let parsed = if shared.inputs == inputs {
                    shared.parsed.clone()
                } else {
                    parse(&inputs)
                };
                Some(Script {
                    instruction: index,
                    base,
                    parsed: parsed?,
                })
            })
            .as_ref()
    }

    /// The scripts of every RUN, in file order.
    pub fn all(&self, model: &Model, text: &str) -> &[Script] {
        self.all.get_or_init(|| {
            (0..self.slots.len())
                .filter_map(|index| self.script(model, text, index).cloned())
                .collect()
        })
    }
}

/// Parses the script of RUN `index`, its map counted from the RUN's start.
fn parse_run(model: &Model, text: &str, index: usize, inputs: &Inputs) -> Option<Parsed> {
    if inputs.windows {
        // Windows images run RUN with `cmd /S /C` unless a SHELL says otherwise.
        return None;
    }
    let instruction = model.instructions.get(index)?;
    let run = run_of(instruction)?;
    let ((script_text, mut segments), origin, dialect, pipefail) =
        extract(run, text, model.escape, &inputs.shell, inputs.pragma)?;
    let base = instruction.range.start;
    for segment in &mut segments {
        segment.source = segment.source.saturating_sub(base);
    }
    let tree = PARSER.with(|parser| {
        let mut parser = parser.borrow_mut();
        let parser = match &mut *parser {
            Some(parser) => parser,
            empty => {
                let mut parser = Parser::new();
                parser
                    .set_language(&tree_sitter_bash::LANGUAGE.into())
                    .ok()?;
                empty.insert(parser)
            }
        };
        parser.parse(&script_text, None)
    })?;
    let commands = simple_commands(&tree, &script_text);
    Some(Parsed {
        text: script_text,
        tree,
        dialect,
        pipefail,
        origin,
        heredocs: run.heredocs.len(),
        commands,
        segments,
    })
}

thread_local! {
    /// A bash parser per thread, set up once.
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

/// Every simple command of a parsed script, in order.
fn simple_commands(tree: &Tree, text: &str) -> Vec<SimpleCommand> {
    let mut commands = Vec::new();
    let mut cursor = tree.walk();
    // Depth-first, with the number of enclosing subshells and substitutions.
    let mut subshells = 0usize;
    let mut substitutions = 0usize;
    let mut stack: Vec<&'static str> = Vec::new();
    loop {
        let node = cursor.node();
        let kind = node.kind();
        if kind == "command" {
            commands.push(simple_command(node, text, subshells > 0, substitutions > 0));
        }
        let entered = cursor.goto_first_child();
        if entered {
            let marker = match kind {
                "subshell" => {
                    subshells += 1;
                    "subshell"
                }
                "command_substitution" | "process_substitution" => {
                    substitutions += 1;
                    "substitution"
                }
                _ => "",
            };
            stack.push(marker);
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return commands;
            }
            match stack.pop() {
                Some("subshell") => subshells -= 1,
                Some("substitution") => substitutions -= 1,
                _ => {}
            }
        }
    }
}

fn simple_command(
    node: Node,
    text: &str,
    in_subshell: bool,
    in_substitution: bool,
) -> SimpleCommand {
    let mut words = Vec::new();
    let mut cursor = node.walk();
    if cursor.goto_first_child() {
        loop {
            let child = cursor.node();
            match cursor.field_name() {
                Some("name") | Some("argument") => words.push(word(child, text)),
                _ => {}
            }
            if !cursor.goto_next_sibling() {
                break;
            }
        }
    }
    SimpleCommand {
        range: node.byte_range(),
        words,
        in_subshell,
        in_substitution,
    }
}

/// A word's value: quotes and backslashes removed when nothing in it expands.
fn word(node: Node, text: &str) -> Word {
    let raw = text.get(node.byte_range()).unwrap_or_default();
    let mut value = String::new();
    let literal = unquote(node, text, &mut value);
    Word {
        text: if literal { value } else { raw.to_owned() },
        literal,
        range: node.byte_range(),
    }
}

fn unquote(node: Node, text: &str, out: &mut String) -> bool {
    let raw = text.get(node.byte_range()).unwrap_or_default();
    match node.kind() {
        "command_name" => node.named_child(0).is_some_and(|c| unquote(c, text, out)),
        "word" | "number" => {
            let mut chars = raw.chars();
            while let Some(c) = chars.next() {
                if c == '\\' {
                    if let Some(next) = chars.next() {
                        out.push(next);
                    }
                } else {
                    out.push(c);
                }
            }
            true
        }
        "raw_string" => {
            out.push_str(raw.trim_start_matches('\'').trim_end_matches('\''));
            true
        }
        "string" => {
            let mut cursor = node.walk();
            let mut literal = true;
            for child in node.named_children(&mut cursor) {
                match child.kind() {
                    "string_content" => {
                        out.push_str(text.get(child.byte_range()).unwrap_or_default())
                    }
                    _ => literal = false,
                }
            }
            literal
        }
        "concatenation" => {
            let mut cursor = node.walk();
            let mut literal = true;
            for child in node.children(&mut cursor) {
                literal &= unquote(child, text, out);
            }
            literal
        }
        _ => false,
    }
}

/// Whether a stage is built on a Windows image (`.../windows/servercore`, `nanoserver`), whose
/// default shell is cmd.
fn on_windows(model: &Model, stage: Option<usize>) -> bool {
    let mut stage = stage;
    for _ in 0..=model.stages.len() {
        let Some(current) = stage.and_then(|s| model.stages.get(s)) else {
            return false;
        };
        if current.base_stage.is_none() {
            let image = current
                .image
                .as_ref()
                .map(|i| {
                    i.resolved
                        .as_deref()
                        .unwrap_or(&i.text)
                        .to_ascii_lowercase()
                })
                .unwrap_or_default();
            return ["windows", "nanoserver", "servercore"]
                .iter()
                .any(|w| image.contains(w));
        }
        stage = current.base_stage;
    }
    false
}

/// A dialect set by a comment (`# dockls shell=bash`, `# hadolint shell=powershell`), from its
/// offset on; `None` inside for a shell that is not checked.
type Pragma = Option<Dialect>;

fn shell_pragmas(text: &str) -> Vec<(usize, Pragma)> {
    let mut pragmas = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if let Some(comment) = trimmed.strip_prefix('#') {
            let mut words = comment.split_whitespace();
            if matches!(words.next(), Some("dockls" | "hadolint")) {
                if let Some(shell) = words.next().and_then(|w| w.strip_prefix("shell=")) {
                    pragmas.push((offset, Dialect::of_program(shell)));
                }
            }
        }
        offset += line.len();
    }
    pragmas
}

type Extracted = ((String, Vec<Segment>), Origin, Dialect, bool);

fn extract(
    run: &Instruction,
    text: &str,
    escape: char,
    shell: &[String],
    pragma: Option<Pragma>,
) -> Option<Extracted> {
    let command = run.command_range.clone()?;
    let shell_dialect = || {
        let program = shell.first().map_or("/bin/sh", String::as_str);
        match pragma {
            Some(p) => p,
            None => Dialect::of_program(program),
        }
    };
    let shell_pipefail = has_pipefail(shell);
    let mut builder = Builder::default();
    match run.form {
        Form::Exec => {
            let args = run.exec_args.as_ref()?;
            let program = args.first()?;
            let dialect = Dialect::of_program(program)?;
            let script_index = script_argument(args)?;
            let pipefail = has_pipefail(&args[..script_index]);
            let strings = json_strings(text, command);
            if strings.len() != args.len() {
                return None;
            }
            let literal = strings.get(script_index)?.clone();
            decode_json_into(&mut builder, text, literal);
            Some((builder.finish(), Origin::ExecForm, dialect, pipefail))
        }
        Form::Shell | Form::ShellFallback if run.has_heredoc() => {
            let first = run.heredocs.first()?;
            let last = run.heredocs.last()?;
            let command_text = text.get(command.clone())?.trim();
            let lone =
                run.heredocs.len() == 1 && command_text == text.get(first.marker_range.clone())?;
            if lone {
                let body = first.body_range.clone()?;
                let content = text.get(body.clone())?;
                let dialect = match content.strip_prefix("#!") {
                    Some(shebang) => {
                        let line = shebang.lines().next().unwrap_or_default();
                        let mut words = line.split_whitespace();
                        let mut program = words.next()?;
                        if program.ends_with("/env") || program == "env" {
                            program = words.find(|w| !w.starts_with('-'))?;
                        }
                        Dialect::of_program(program)?
                    }
                    None => shell_dialect()?,
                };
                builder.copy(text, body);
                Some((
                    builder.finish(),
                    Origin::HeredocBody,
                    dialect,
                    shell_pipefail,
                ))
            } else {
                let dialect = shell_dialect()?;
                let body_start = first.body_range.as_ref().map(|b| b.start)?;
                let end = last
                    .end_range
                    .as_ref()
                    .map(|e| e.end)
                    .or_else(|| last.body_range.as_ref().map(|b| b.end))?;
                builder.join_lines(text, command.start..body_start, escape);
                builder.copy(text, body_start..end.max(body_start));
                Some((
                    builder.finish(),
                    Origin::HeredocCommand,
                    dialect,
                    shell_pipefail,
                ))
            }
        }
        Form::Shell | Form::ShellFallback => {
            let dialect = shell_dialect()?;
            builder.join_lines(text, command, escape);
            Some((builder.finish(), Origin::ShellForm, dialect, shell_pipefail))
        }
        Form::None => None,
    }
}

/// The index of the script in a shell's argument list: the argument after the one holding
/// `-c` (`-c`, `-ec`, `-euxc`), `None` when there is no `-c`.
fn script_argument(args: &[String]) -> Option<usize> {
    let flag = args
        .iter()
        .skip(1)
        .position(|a| a.starts_with('-') && !a.starts_with("--") && a.contains('c'))?;
    let index = flag + 2;
    (index < args.len()).then_some(index)
}

/// Whether a shell's arguments turn on pipefail (`-o pipefail`, `-euo pipefail`).
pub fn has_pipefail(args: &[String]) -> bool {
    args.windows(2).any(|pair| {
        pair[0].starts_with('-')
            && !pair[0].starts_with("--")
            && pair[0].ends_with('o')
            && pair[1] == "pipefail"
    })
}

/// The byte ranges of the JSON string literals of an exec form (quotes included).
fn json_strings(text: &str, range: Range<usize>) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let end = range.end.min(bytes.len());
    let mut strings = Vec::new();
    let mut i = range.start;
    while i < end {
        if bytes[i] == b'"' {
            let start = i;
            i += 1;
            while i < end && bytes[i] != b'"' {
                if bytes[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            strings.push(start..(i + 1).min(end));
        }
        i += 1;
    }
    strings
}

/// Appends the decoded content of a JSON string literal, mapping each escape sequence to its
/// place in the Dockerfile.
fn decode_json_into(builder: &mut Builder, text: &str, literal: Range<usize>) {
    let Some(raw) = text.get(literal.clone()) else {
        return;
    };
    let inner_start = literal.start + usize::from(raw.starts_with('"'));
    let inner_end = if raw.len() > 1 && raw.ends_with('"') {
        literal.end - 1
    } else {
        literal.end
    };
    let mut i = inner_start;
    while i < inner_end {
        let rest = &text[i..inner_end];
        let Some(c) = rest.chars().next() else {
            break;
        };
        if c != '\\' {
            builder.copy(text, i..i + c.len_utf8());
            i += c.len_utf8();
            continue;
        }
        let Some(next) = rest[1..].chars().next() else {
            builder.copy(text, i..i + 1);
            break;
        };
        let (decoded, len) = match next {
            'n' => (Some('\n'), 2),
            't' => (Some('\t'), 2),
            'r' => (Some('\r'), 2),
            'b' => (Some('\u{8}'), 2),
            'f' => (Some('\u{c}'), 2),
            'u' => {
                let hex = rest.get(2..6).unwrap_or_default();
                match u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
                    Some(c) => (Some(c), 6),
                    None => (None, 1),
                }
            }
            other => (Some(other), 1 + other.len_utf8()),
        };
        match decoded {
            Some(c) => builder.decoded(c, i..i + len),
            None => builder.copy(text, i..i + len),
        }
        i += len;
    }
}

impl Script {
    /// The Dockerfile ranges holding the characters of a script range, in order: one range per
    /// stretch that is contiguous in the Dockerfile, so the continuations, escapes and comment
    /// lines left out of the script fall between them.
    pub fn source_pieces(&self, range: Range<usize>) -> Vec<Range<usize>> {
        let end = range.end.min(self.text.len());
        let mut pieces: Vec<Range<usize>> = Vec::new();
        if range.start >= end {
            return pieces;
        }
        let first = self
            .segments
            .partition_point(|s| s.script + s.len <= range.start);
        for s in self.segments.get(first..).unwrap_or_default() {
            if s.script >= end {
                break;
            }
            let source = self.base + s.source;
            let piece = if s.verbatim() {
                let from = range.start.max(s.script) - s.script;
                let to = end.min(s.script + s.len) - s.script;
                source + from..source + to
            } else {
                source..source + s.source_len
            };
            match pieces.last_mut() {
                Some(last) if last.end == piece.start => last.end = piece.end,
                _ => pieces.push(piece),
            }
        }
        pieces
    }

    /// The smallest script range holding every script byte that comes from `source` (a range
    /// of the Dockerfile); empty when none does.
    pub fn script_range(&self, source: Range<usize>) -> Range<usize> {
        // Segments hold offsets from the script's base, the RUN's start.
        let source = source.start.saturating_sub(self.base)..source.end.saturating_sub(self.base);
        let first = self
            .segments
            .partition_point(|s| s.source + s.source_len <= source.start);
        let mut found: Option<Range<usize>> = None;
        for s in self.segments.get(first..).unwrap_or_default() {
            if s.source >= source.end {
                break;
            }
            let piece = if s.verbatim() {
                let from = source.start.max(s.source) - s.source;
                let to = source.end.min(s.source + s.len) - s.source;
                s.script + from..s.script + to
            } else {
                s.script..s.script + s.len
            };
            found = Some(match found {
                Some(f) => f.start..piece.end,
                None => piece,
            });
        }
        found.unwrap_or(0..0)
    }

    /// The script offset of a cursor at Dockerfile offset `source`, between two characters:
    /// `None` when the cursor is not on text copied into the script (on a line continuation, a
    /// comment line inside one, inside a JSON escape sequence, or outside the script).
    pub fn script_offset(&self, source: usize) -> Option<usize> {
        // Segments hold offsets from the script's base (the RUN's start), so that a script
        // reused after an edit above it moves with its RUN.
        let source = source.checked_sub(self.base)?;
        let index = self
            .segments
            .partition_point(|s| s.source + s.source_len < source);
        let s = self.segments.get(index)?;
        if source < s.source {
            return None;
        }
        if s.verbatim() {
            Some(s.script + (source - s.source))
        } else if source == s.source {
            Some(s.script)
        } else if source == s.source + s.source_len {
            Some(s.script + s.len)
        } else {
            None
        }
    }
}

/// A `$NAME` or `${NAME...}` in a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub name: String,
    /// The script range of the name.
    pub range: Range<usize>,
    /// The script assigns the name before this point (`X=1`, `export X=1`, `for X in ...`), so
    /// it is the script's own variable rather than an ARG or ENV.
    pub assigned: bool,
}

impl Script {
    /// The variables the script expands, in order; special parameters (`$1`, `$?`) are left
    /// out.
    pub fn references(&self) -> Vec<Reference> {
        let mut assignments: Vec<(&str, usize)> = Vec::new();
        let mut names: Vec<(&str, Range<usize>)> = Vec::new();
        let mut cursor = self.tree.walk();
        loop {
            let node = cursor.node();
            match node.kind() {
                // `X=1 cmd` sets X for cmd's environment only, not in the shell.
                "variable_assignment" if node.parent().is_none_or(|p| p.kind() != "command") => {
                    if let Some(name) = node
                        .child_by_field_name("name")
                        .filter(|n| n.kind() == "variable_name")
                    {
                        assignments.push((self.node_text(name), node.end_byte()));
                    }
                }
                "for_statement" => {
                    if let Some(name) = node.child_by_field_name("variable") {
                        assignments.push((self.node_text(name), name.end_byte()));
                    }
                }
                "simple_expansion" | "expansion" => {
                    let mut children = node.walk();
                    let name = node
                        .named_children(&mut children)
                        .find(|c| c.kind() == "variable_name");
                    let positional =
                        |n: &Node| self.node_text(*n).starts_with(|c: char| c.is_ascii_digit());
                    if let Some(name) = name.filter(|n| !positional(n)) {
                        names.push((self.node_text(name), name.byte_range()));
                    }
                }
                _ => {}
            }
            if cursor.goto_first_child() {
                continue;
            }
            while !cursor.goto_next_sibling() {
                if !cursor.goto_parent() {
                    return names
                        .into_iter()
                        .map(|(name, range)| Reference {
                            assigned: assignments
                                .iter()
                                .any(|(n, end)| *n == name && *end <= range.start),
                            name: name.to_owned(),
                            range,
                        })
                        .collect();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scripts_of(text: &str) -> Vec<Script> {
        let model = Model::build(&crate::syntax::parse(text), text);
        scripts(&model, text)
    }

    fn check_map(text: &str, script: &Script) {
        assert!(script.map_is_complete(), "{:?}", script.segments);
        for (inner, outer) in script.verbatim_parts() {
            assert_eq!(&script.text[inner], &text[outer]);
        }
    }

    #[test]
    fn shell_form_joins_continuations_and_drops_comment_lines() {
        let text = "FROM a\nRUN apt-get update \\\n# a comment\n\n    && apt-get install -y x\n";
        let scripts = scripts_of(text);
        assert_eq!(scripts.len(), 1);
        let s = &scripts[0];
        assert_eq!(s.text, "apt-get update     && apt-get install -y x");
        assert_eq!(s.origin, Origin::ShellForm);
        assert_eq!(s.dialect, Dialect::Sh);
        check_map(text, s);
        let x = s.text.rfind('x').unwrap();
        assert_eq!(&text[s.source_range(x..x + 1)], "x");
        let and = s.text.find("&&").unwrap();
        assert_eq!(
            &text[s.source_range(0..and + 2)],
            "apt-get update \\\n# a comment\n\n    &&"
        );
    }

    #[test]
    fn backtick_escape_continues_lines() {
        let text = "# escape=`\nFROM a\nRUN echo a `\n  b\n";
        let s = &scripts_of(text)[0];
        assert_eq!(s.text, "echo a   b");
        check_map(text, s);
    }

    #[test]
    fn heredocs() {
        let text = "FROM a\nRUN <<EOF\nset -e\necho hi | cat\nEOF\nRUN bash <<EOF\necho $X\nEOF\n\
RUN <<-A cat >x <<B\n\tx\n\tA\ny\nB\nRUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF\n\
RUN <<EOF\n#!/bin/bash\n[[ -f x ]]\nEOF\n";
        let scripts = scripts_of(text);
        let summary: Vec<(&str, Origin, Dialect)> = scripts
            .iter()
            .map(|s| (s.text.as_str(), s.origin, s.dialect))
            .collect();
        assert_eq!(
            summary,
            [
                ("set -e\necho hi | cat\n", Origin::HeredocBody, Dialect::Sh),
                (
                    "bash <<EOF\necho $X\nEOF",
                    Origin::HeredocCommand,
                    Dialect::Sh
                ),
                (
                    "<<-A cat >x <<B\n\tx\n\tA\ny\nB",
                    Origin::HeredocCommand,
                    Dialect::Sh
                ),
                (
                    "#!/bin/bash\n[[ -f x ]]\n",
                    Origin::HeredocBody,
                    Dialect::Bash
                ),
            ]
        );
        for s in &scripts {
            check_map(text, s);
        }
        // tree-sitter-bash reads one heredoc per line; the others parse cleanly.
        for s in [&scripts[0], &scripts[1], &scripts[3]] {
            assert!(!s.tree.root_node().has_error(), "{}", s.text);
        }
    }

    #[test]
    fn exec_form_shells_and_their_pipefail() {
        let text =
            "FROM a\nRUN [\"/bin/bash\", \"-euo\", \"pipefail\", \"-c\", \"echo \\\"a\\\" | x\"]\n\
RUN [\"sh\", \"-c\", \"echo \\u00e9\"]\nRUN [\"echo\", \"-c\", \"x\"]\n";
        let scripts = scripts_of(text);
        assert_eq!(scripts.len(), 2);
        assert_eq!(scripts[0].text, "echo \"a\" | x");
        assert_eq!(scripts[0].dialect, Dialect::Bash);
        assert!(scripts[0].pipefail);
        let quote = scripts[0].text.find('"').unwrap();
        assert_eq!(
            &text[scripts[0].source_range(quote..quote + 3)],
            "\\\"a\\\""
        );
        let pipe = scripts[0].text.find('|').unwrap();
        assert_eq!(&text[scripts[0].source_range(pipe..pipe + 1)], "|");
        assert_eq!(scripts[1].text, "echo é");
        assert_eq!(&text[scripts[1].source_range(5..7)], "\\u00e9");
        for s in &scripts {
            check_map(text, s);
        }
    }

    #[test]
    fn windows_images_run_cmd_by_default() {
        let text =
            "FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS base\nRUN dir | findstr x\n\
FROM base\nRUN a\nSHELL [\"/bin/bash\", \"-c\"]\nRUN b\nFROM debian\nRUN c\n";
        let texts: Vec<String> = scripts_of(text)
            .into_iter()
            .map(|s| s.text.clone())
            .collect();
        assert_eq!(texts, ["b", "c"]);
    }

    #[test]
    fn dialect_from_shell_and_pragmas() {
        let text = "FROM a\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN a\n\
SHELL [\"powershell\", \"-Command\"]\nRUN b\n# hadolint shell=bash\nRUN c\n\
FROM b\n# dockls shell=dash\nRUN d\nONBUILD RUN e\n";
        let scripts = scripts_of(text);
        let summary: Vec<(&str, Dialect, bool)> = scripts
            .iter()
            .map(|s| (s.text.as_str(), s.dialect, s.pipefail))
            .collect();
        assert_eq!(
            summary,
            [
                ("a", Dialect::Bash, true),
                ("c", Dialect::Bash, false),
                ("d", Dialect::Dash, false),
                ("e", Dialect::Dash, false),
            ]
        );
    }

    #[test]
    fn pieces_and_offsets_map_both_ways() {
        let text =
            "FROM a\nRUN echo \"a \\\n# c\n  b\" x\nRUN [\"sh\", \"-c\", \"echo \\\"q\\\"\"]\n";
        let scripts = scripts_of(text);
        let s = &scripts[0];
        assert_eq!(s.text, "echo \"a   b\" x");
        let string = 5..12;
        let pieces: Vec<&str> = s
            .source_pieces(string.clone())
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(pieces, ["\"a ", "  b\""]);
        let second_line = text.find("  b").unwrap();
        assert_eq!(s.script_range(second_line..text.len()), 8..14);
        assert_eq!(s.script_offset(second_line + 2), Some(10));
        assert_eq!(s.script_offset(text.find("# c").unwrap()), None);
        assert_eq!(s.script_offset(text.find('x').unwrap() + 1), Some(14));
        assert_eq!(s.script_offset(0), None);
        let exec = &scripts[1];
        assert_eq!(exec.text, "echo \"q\"");
        let escape = text.rfind("\\\"").unwrap();
        assert_eq!(exec.script_offset(escape), Some(7));
        assert_eq!(exec.script_offset(escape + 1), None);
        assert_eq!(exec.script_offset(escape + 2), Some(8));
        assert_eq!(
            exec.source_pieces(5..8)
                .into_iter()
                .map(|r| &text[r])
                .collect::<Vec<_>>(),
            ["\\\"q\\\""]
        );
    }

    #[test]
    fn references_know_what_the_script_assigns() {
        let text = "FROM a\nRUN echo $A ${B:-x} $1 && A=2 && B=3 env && echo $A $B && \\\n  for C in 1; do echo \"$C\" '$D'; done\n";
        let s = &scripts_of(text)[0];
        let summary: Vec<(String, &str, bool)> = s
            .references()
            .into_iter()
            .map(|r| (r.name, &text[s.source_range(r.range)], r.assigned))
            .collect();
        let expected = [
            ("A", "A", false),
            ("B", "B", false),
            ("A", "A", true),
            ("B", "B", false),
            ("C", "C", true),
        ];
        let expected: Vec<(String, &str, bool)> = expected
            .into_iter()
            .map(|(n, t, a)| (n.to_owned(), t, a))
            .collect();
        assert_eq!(summary, expected);
    }

    #[test]
    fn simple_commands_with_literal_words() {
        let text = "FROM a\nRUN sudo -E apt-get install -y \"curl\" 'git' a\\ b $V && (cd x && make) | echo $(cd y)\n";
        let s = &scripts_of(text)[0];
        let summary: Vec<(Option<&str>, Vec<&str>, bool, bool)> = s
            .commands
            .iter()
            .map(|c| {
                (
                    c.program(),
                    c.arguments().iter().map(|w| w.text.as_str()).collect(),
                    c.in_subshell,
                    c.in_substitution,
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                (
                    Some("apt-get"),
                    vec!["install", "-y", "curl", "git", "a b", "$V"],
                    false,
                    false
                ),
                (Some("cd"), vec!["x"], true, false),
                (Some("make"), vec![], true, false),
                (Some("echo"), vec!["$(cd y)"], false, false),
                (Some("cd"), vec!["y"], false, true),
            ]
        );
        let v = &s.commands[0].arguments()[5];
        assert!(!v.literal);
        assert_eq!(&text[s.source_range(v.range.clone())], "$V");
    }
}
