//! Semantic tokens: what each piece of a Dockerfile is, for editors that colour by meaning.
//!
//! The tokens come from one walk over the syntax tree, with the model consulted for facts the
//! tree cannot give (which variable a use resolves to, which `FROM` names an earlier stage).
//! Each token lies on one line, and the tokens are sorted and never overlap, so the LSP layer
//! can encode them as they are. The shell of a RUN gets its tokens from its own parse (see
//! `shell`), laid over what the Dockerfile's tree gives: variables, quoted strings, the operators
//! `&&`, `||`, `|`, `;` and line continuations.

mod shell;

use std::collections::HashMap;
use std::num::NonZeroU16;
use std::ops::Range;

use tree_sitter::{Language, Node, TreeCursor};

use crate::knowledge;
use crate::model::{DeclarationKind, Model};
use crate::snapshot::Snapshot;

/// What a token is. The names are LSP's standard token types, so themes colour them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// An instruction keyword, `AS`, HEALTHCHECK's `CMD` and `NONE`, or a shell reserved word.
    Keyword,
    /// A flag name with its dashes, such as `--from`, or a shell command's option (`-y`).
    Parameter,
    /// A `--mount` option key or a LABEL key.
    Property,
    /// A flag or `--mount` value that is one of a fixed set of choices, an EXPOSE protocol or
    /// a STOPSIGNAL signal name.
    EnumMember,
    /// A quoted string, a JSON string, another flag value, a directive value, a heredoc
    /// delimiter, or the body of a COPY or ADD heredoc.
    String,
    /// A port in EXPOSE, a numeric signal, a number in a JSON array.
    Number,
    /// A variable declared by ARG or ENV, or used with `$`.
    Variable,
    /// A build stage's name, where it is declared or referred to.
    Namespace,
    /// An image reference.
    Type,
    Comment,
    /// A parser directive's `#` and name.
    Macro,
    /// `=`, shell operators, expansion operators, heredoc `<<`, the line continuation's escape
    /// character.
    Operator,
    /// The program a shell command runs (`apt-get`, `cd`).
    Function,
}

impl TokenKind {
    /// Every kind, in the order of the legend the server announces.
    pub const ALL: [TokenKind; 13] = [
        TokenKind::Keyword,
        TokenKind::Parameter,
        TokenKind::Property,
        TokenKind::EnumMember,
        TokenKind::String,
        TokenKind::Number,
        TokenKind::Variable,
        TokenKind::Namespace,
        TokenKind::Type,
        TokenKind::Comment,
        TokenKind::Macro,
        TokenKind::Operator,
        TokenKind::Function,
    ];

    /// The LSP token type name.
    pub fn name(self) -> &'static str {
        match self {
            TokenKind::Keyword => "keyword",
            TokenKind::Parameter => "parameter",
            TokenKind::Property => "property",
            TokenKind::EnumMember => "enumMember",
            TokenKind::String => "string",
            TokenKind::Number => "number",
            TokenKind::Variable => "variable",
            TokenKind::Namespace => "namespace",
            TokenKind::Type => "type",
            TokenKind::Comment => "comment",
            TokenKind::Macro => "macro",
            TokenKind::Operator => "operator",
            TokenKind::Function => "function",
        }
    }

    /// The position of the kind in [`TokenKind::ALL`], as the LSP encoding wants it.
    pub fn index(self) -> u32 {
        TokenKind::ALL
            .iter()
            .position(|&k| k == self)
            .map_or(0, |i| i as u32)
    }
}

/// A set of token modifiers; bit `i` is the modifier named `Modifiers::ALL[i]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Modifiers(pub u32);

impl Modifiers {
    /// The modifier names, in the order of the legend the server announces.
    pub const ALL: [&'static str; 2] = ["declaration", "defaultLibrary"];

    pub const NONE: Modifiers = Modifiers(0);
    /// The token declares the variable or stage it names.
    pub const DECLARATION: Modifiers = Modifiers(1 << 0);
    /// The variable is one BuildKit predefines (`TARGETPLATFORM`, `HTTP_PROXY`, ...).
    pub const DEFAULT_LIBRARY: Modifiers = Modifiers(1 << 1);

    /// Both sets together.
    pub fn union(self, other: Modifiers) -> Modifiers {
        Modifiers(self.0 | other.0)
    }

    /// Whether every modifier of `other` is in this set.
    pub fn contains(self, other: Modifiers) -> bool {
        self.0 & other.0 == other.0
    }

    /// The names of the modifiers in the set, in legend order.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        Modifiers::ALL
            .iter()
            .enumerate()
            .filter(move |(i, _)| self.0 & (1 << i) != 0)
            .map(|(_, name)| *name)
    }
}

/// One semantic token: a non-empty byte range on one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub range: Range<usize>,
    pub kind: TokenKind,
    pub modifiers: Modifiers,
}

/// The semantic tokens of the document, sorted, non-overlapping, each on one line; with
/// `Some(range)`, only those that intersect `range`, found by walking only the parts of the
/// tree that overlap it.
pub fn tokens(analysis: &Snapshot, range: Option<Range<usize>>) -> Vec<Token> {
    let text = analysis.text();
    let window = match range {
        Some(r) => {
            let start = r.start.min(text.len());
            start..r.end.clamp(start, text.len())
        }
        None => 0..text.len(),
    };
    if window.is_empty() {
        return Vec::new();
    }
    let mut collector = Collector {
        fields: Fields::new(&analysis.tree().language()),
        text,
        model: analysis.model(),
        window: window.clone(),
        stage_names: None,
        out: Vec::new(),
        cursors: Vec::new(),
    };
    collector.visit_children(analysis.tree().root_node(), "", 0);
    let mut out = collector.out;
    out.sort_by_key(|t| t.range.start);
    // The walk never emits overlapping tokens; this keeps the promise even if it did.
    let mut end = 0;
    out.retain(|t| {
        let keep = t.range.start >= end && intersects(&t.range, &window);
        if keep {
            end = t.range.end;
        }
        keep
    });
    shell::overlay(analysis, &window, out)
}

/// Nesting deeper than this (expansions inside expansions, in hostile input) is not walked, so
/// the recursion cannot exhaust the stack.
const MAX_DEPTH: usize = 200;

fn intersects(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// The grammar's field ids, looked up once per request rather than by name for every node.
struct Fields {
    argument: Option<NonZeroU16>,
    content: Option<NonZeroU16>,
    end: Option<NonZeroU16>,
    key: Option<NonZeroU16>,
    name: Option<NonZeroU16>,
    operator: Option<NonZeroU16>,
    value: Option<NonZeroU16>,
}

impl Fields {
    fn new(language: &Language) -> Fields {
        Fields {
            argument: language.field_id_for_name("argument"),
            content: language.field_id_for_name("content"),
            end: language.field_id_for_name("end"),
            key: language.field_id_for_name("key"),
            name: language.field_id_for_name("name"),
            operator: language.field_id_for_name("operator"),
            value: language.field_id_for_name("value"),
        }
    }

    fn child<'t>(&self, node: Node<'t>, field: Option<NonZeroU16>) -> Option<Node<'t>> {
        field.and_then(|id| node.child_by_field_id(id.get()))
    }
}

struct Collector<'a> {
    fields: Fields,
    text: &'a str,
    model: &'a Model,
    window: Range<usize>,
    /// Stage names in lower case, built the first time a `--from` needs them.
    stage_names: Option<HashMap<String, usize>>,
    out: Vec<Token>,
    /// Cursors to reuse, since creating one allocates.
    cursors: Vec<TreeCursor<'a>>,
}

impl<'a> Collector<'a> {
    fn text(&self, node: Node<'a>) -> &'a str {
        self.text.get(node.byte_range()).unwrap_or_default()
    }

    /// A cursor on `node`, reused from an earlier visit when one was handed back.
    fn cursor(&mut self, node: Node<'a>) -> TreeCursor<'a> {
        match self.cursors.pop() {
            Some(mut cursor) => {
                cursor.reset(node);
                cursor
            }
            None => node.walk(),
        }
    }

    fn overlaps(&self, node: Node<'a>) -> bool {
        node.start_byte() < node.end_byte() && intersects(&node.byte_range(), &self.window)
    }

    /// Visits the children of `node` that overlap the window.
    fn visit_children(&mut self, node: Node<'a>, instruction: &'a str, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        if node.child_count() == 0 {
            return;
        }
        let mut cursor = self.cursor(node);
        if goto_first_child_ending_after(&mut cursor, node, self.window.start) {
            loop {
                let child = cursor.node();
                if child.start_byte() >= self.window.end {
                    break;
                }
                self.visit(child, instruction, depth + 1);
                if !cursor.goto_next_sibling() {
                    break;
                }
            }
        }
        self.cursors.push(cursor);
    }

    /// Emits the tokens of `node`; `instruction` is the kind of the instruction it is in.
    fn visit(&mut self, node: Node<'a>, instruction: &'a str, depth: usize) {
        if !self.overlaps(node) || node.is_missing() || depth > MAX_DEPTH {
            return;
        }
        if !node.is_named() {
            self.anonymous(node);
            return;
        }
        let kind = node.kind();
        match kind {
            "comment" => self.push(node.byte_range(), TokenKind::Comment, Modifiers::NONE),
            "parser_directive" => self.directive(node),
            "line_continuation" => self.continuation(node),
            "variable" | "expansion" => self.variable_use(node, None, depth),
            "arg_pair" | "env_pair" => self.declaration(node, kind, depth),
            "label_pair" => self.label_pair(node, instruction, depth),
            "flag" => self.flag(node, instruction, depth),
            "image_spec" => self.image(node, depth),
            "stage_name" => self.push(
                node.byte_range(),
                TokenKind::Namespace,
                Modifiers::DECLARATION,
            ),
            "shell_command" => self.shell_command(node, instruction, depth),
            "double_quoted_string" | "single_quoted_string" | "json_string" => {
                self.fill(node, TokenKind::String, Modifiers::NONE, instruction, depth)
            }
            "json_number" | "port_number" | "port_range" => {
                self.push(node.byte_range(), TokenKind::Number, Modifiers::NONE)
            }
            "protocol" => self.push(node.byte_range(), TokenKind::EnumMember, Modifiers::NONE),
            "heredoc_marker" => self.heredoc_marker(node),
            "heredoc" => self.heredoc(node, instruction),
            "word" if instruction == "stopsignal_instruction" => self.signal(node, depth),
            // Unknown words are a diagnostic's business; colouring them as keywords would hide
            // the typo.
            "unknown_keyword" | "healthcheck_type" => {}
            _ => {
                let instruction = if kind.ends_with("_instruction") {
                    kind
                } else {
                    instruction
                };
                self.visit_children(node, instruction, depth);
            }
        }
    }

    /// Keywords (always spelled in upper case in the grammar) and `=`.
    fn anonymous(&mut self, node: Node<'a>) {
        let kind = node.kind();
        if kind == "=" {
            self.push(node.byte_range(), TokenKind::Operator, Modifiers::NONE);
        } else if kind.len() > 1 && kind.bytes().all(|b| b.is_ascii_uppercase()) {
            self.push(node.byte_range(), TokenKind::Keyword, Modifiers::NONE);
        }
    }

    /// `# name=value`: the `#` and name as a macro, then `=` and the value.
    fn directive(&mut self, node: Node<'a>) {
        let name = self.fields.child(node, self.fields.name);
        let value = self.fields.child(node, self.fields.value);
        let Some(name) = name else {
            return;
        };
        self.push(
            node.start_byte()..name.end_byte(),
            TokenKind::Macro,
            Modifiers::NONE,
        );
        let after_name = value.map_or(node.end_byte(), |v| v.start_byte());
        if let Some(equals) = self
            .text
            .get(name.end_byte()..after_name)
            .and_then(|between| between.find('='))
        {
            let at = name.end_byte() + equals;
            self.push(at..at + 1, TokenKind::Operator, Modifiers::NONE);
        }
        if let Some(value) = value {
            self.push(value.byte_range(), TokenKind::String, Modifiers::NONE);
        }
    }

    /// The escape character that starts a line continuation. A continuation node that starts
    /// elsewhere (the line break after a comment inside a continuation) has none.
    fn continuation(&mut self, node: Node<'a>) {
        let escape = self.model.escape;
        let start = node.start_byte();
        if self
            .text
            .get(start..)
            .is_some_and(|rest| rest.starts_with(escape))
        {
            let end = start + escape.len_utf8();
            self.push(start..end, TokenKind::Operator, Modifiers::NONE);
        }
    }

    /// `$NAME` is one token; `${NAME}` too, and `${NAME:-word}` is `${NAME`, the operator, the
    /// word and `}`. The word's plain text takes `argument_kind` (the kind of the string or
    /// image the expansion is in), its variables and quotes their own kinds.
    fn variable_use(&mut self, node: Node<'a>, argument_kind: Option<TokenKind>, depth: usize) {
        let name = if node.kind() == "variable" {
            self.text(node).get(1..).unwrap_or_default()
        } else {
            self.fields
                .child(node, self.fields.name)
                .map_or("", |n| self.text(n))
        };
        let modifiers = self.use_modifiers(node, name);
        let operator = self.fields.child(node, self.fields.operator);
        let argument = self.fields.child(node, self.fields.argument);
        if operator.is_none() && argument.is_none() {
            self.push(node.byte_range(), TokenKind::Variable, modifiers);
            return;
        }
        let closing = node
            .child(node.child_count().saturating_sub(1))
            .filter(|c| c.kind() == "}" && !c.is_missing());
        let head_end = operator
            .or(argument)
            .map_or(node.end_byte(), |n| n.start_byte());
        self.push(node.start_byte()..head_end, TokenKind::Variable, modifiers);
        if let Some(operator) = operator {
            self.push(operator.byte_range(), TokenKind::Operator, Modifiers::NONE);
        }
        if let Some(argument) = argument {
            match argument_kind {
                Some(kind) => self.fill(argument, kind, Modifiers::NONE, "", depth + 1),
                None => self.visit_children(argument, "", depth),
            }
        }
        if let Some(closing) = closing {
            self.push(closing.byte_range(), TokenKind::Variable, modifiers);
        }
    }

    /// A use is of a predefined argument when it resolves to an ARG of that name, or to
    /// nothing declared in the file.
    fn use_modifiers(&self, node: Node<'a>, name: &str) -> Modifiers {
        let uses = &self.model.uses;
        let start = node.start_byte();
        let index = uses.partition_point(|u| u.range.start < start);
        let declaration = match uses.get(index).filter(|u| u.range == node.byte_range()) {
            Some(found) => found
                .declaration
                .and_then(|d| self.model.declarations.get(d))
                .map(|d| d.kind),
            None => None,
        };
        let predefined =
            knowledge::predefined_arg(name).is_some() && declaration != Some(DeclarationKind::Env);
        if predefined {
            Modifiers::DEFAULT_LIBRARY
        } else {
            Modifiers::NONE
        }
    }

    /// `ARG NAME=default` and `ENV NAME=value`: the name is a declaration.
    fn declaration(&mut self, node: Node<'a>, kind: &'a str, depth: usize) {
        let name = self.fields.child(node, self.fields.name);
        let mut cursor = self.cursor(node);
        for child in node.children(&mut cursor) {
            if !self.overlaps(child) {
                continue;
            }
            if Some(child) == name {
                let name = self.text(child);
                let mut modifiers = Modifiers::DECLARATION;
                if kind == "arg_pair" && knowledge::predefined_arg(name).is_some() {
                    modifiers = modifiers.union(Modifiers::DEFAULT_LIBRARY);
                }
                self.push(child.byte_range(), TokenKind::Variable, modifiers);
            } else {
                self.visit(child, "", depth + 1);
            }
        }
        self.cursors.push(cursor);
    }

    /// `LABEL key=value`: the key, quoted or not, is a property.
    fn label_pair(&mut self, node: Node<'a>, instruction: &'a str, depth: usize) {
        let key = self.fields.child(node, self.fields.key);
        let mut cursor = self.cursor(node);
        for child in node.children(&mut cursor) {
            if Some(child) == key {
                self.fill(
                    child,
                    TokenKind::Property,
                    Modifiers::NONE,
                    instruction,
                    depth,
                );
            } else {
                self.visit(child, instruction, depth + 1);
            }
        }
        self.cursors.push(cursor);
    }

    /// `--name=value`: the name is a parameter; the value depends on the flag.
    fn flag(&mut self, node: Node<'a>, instruction: &'a str, depth: usize) {
        let name = self.fields.child(node, self.fields.name);
        let flag_name = name.map_or("", |n| self.text(n).trim_start_matches('-'));
        let value = self.fields.child(node, self.fields.value);
        let mut cursor = self.cursor(node);
        for child in node.children(&mut cursor) {
            if Some(child) == name {
                self.push(child.byte_range(), TokenKind::Parameter, Modifiers::NONE);
            } else if Some(child) != value {
                self.visit(child, instruction, depth + 1);
            } else if child.kind() == "mount_options" {
                self.mount_options(child, depth);
            } else {
                self.flag_value(child, instruction, flag_name, depth);
            }
        }
        self.cursors.push(cursor);
    }

    fn flag_value(&mut self, node: Node<'a>, instruction: &'a str, flag: &str, depth: usize) {
        let value = self.text(node);
        let refers_to_stage =
            flag == "from" && matches!(instruction, "copy_instruction" | "add_instruction");
        let kind = if refers_to_stage {
            self.source_kind(value)
        } else if self.is_flag_choice(instruction, flag, value) {
            TokenKind::EnumMember
        } else {
            TokenKind::String
        };
        self.fill(node, kind, Modifiers::NONE, instruction, depth);
    }

    /// Whether `value` is one of the fixed values knowledge lists for the flag.
    fn is_flag_choice(&self, instruction: &str, flag: &str, value: &str) -> bool {
        let keyword = instruction.strip_suffix("_instruction").unwrap_or_default();
        knowledge::instruction(keyword)
            .and_then(|i| knowledge::flag(i, flag))
            .is_some_and(|f| f.values.iter().any(|v| v.name == value))
    }

    /// What `--from=value` or `from=value` names: a stage (by name or index), or an image.
    fn source_kind(&mut self, value: &str) -> TokenKind {
        let value = value.trim_matches(|c| c == '"' || c == '\'');
        if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
            return TokenKind::Namespace;
        }
        let stages = &self.model.stages;
        let names = self.stage_names.get_or_insert_with(|| {
            let mut names = HashMap::new();
            for (index, stage) in stages.iter().enumerate() {
                if let Some(name) = &stage.name {
                    names.entry(name.to_ascii_lowercase()).or_insert(index);
                }
            }
            names
        });
        if names.contains_key(&value.to_ascii_lowercase()) {
            TokenKind::Namespace
        } else {
            TokenKind::Type
        }
    }

    /// `type=cache,target=/x`: keys are properties; values are choices, stages, images or
    /// strings.
    fn mount_options(&mut self, node: Node<'a>, depth: usize) {
        let mut mount_type = "";
        let mut cursor = self.cursor(node);
        for option in node.named_children(&mut cursor) {
            let key_node = self.fields.child(option, self.fields.key);
            let key = key_node.map_or("", |k| self.text(k));
            let value = self.fields.child(option, self.fields.value);
            if key == "type" {
                mount_type = value.map_or("", |v| self.text(v));
            }
            if !self.overlaps(option) {
                continue;
            }
            let mut option_cursor = self.cursor(option);
            for child in option.children(&mut option_cursor) {
                if Some(child) == key_node {
                    self.push(child.byte_range(), TokenKind::Property, Modifiers::NONE);
                } else if Some(child) == value {
                    let text = self.text(child);
                    let kind = if key == "from" {
                        self.source_kind(text)
                    } else if is_mount_choice(mount_type, key, text) {
                        TokenKind::EnumMember
                    } else {
                        TokenKind::String
                    };
                    self.fill(child, kind, Modifiers::NONE, "", depth);
                } else {
                    self.visit(child, "", depth + 1);
                }
            }
            self.cursors.push(option_cursor);
        }
        self.cursors.push(cursor);
    }

    /// `FROM image` is a type, unless the image is an earlier stage.
    fn image(&mut self, node: Node<'a>, depth: usize) {
        let stages = &self.model.stages;
        let index = stages.partition_point(|s| s.range.start < node.start_byte());
        // The stage whose FROM holds this image starts before it.
        let is_stage = index
            .checked_sub(1)
            .and_then(|i| stages.get(i))
            .filter(|s| {
                s.image
                    .as_ref()
                    .is_some_and(|i| i.range == node.byte_range())
            })
            .is_some_and(|s| s.base_stage.is_some());
        let kind = if is_stage {
            TokenKind::Namespace
        } else {
            TokenKind::Type
        };
        self.fill(node, kind, Modifiers::NONE, "", depth);
    }

    /// STOPSIGNAL's signal: a known name or a number.
    fn signal(&mut self, node: Node<'a>, depth: usize) {
        let text = self.text(node);
        if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
            self.push(node.byte_range(), TokenKind::Number, Modifiers::NONE);
        } else if knowledge::SIGNALS.iter().any(|s| s.name == text) {
            self.push(node.byte_range(), TokenKind::EnumMember, Modifiers::NONE);
        } else {
            self.visit_children(node, "stopsignal_instruction", depth);
        }
    }

    /// `<<EOF`, `<<-"EOF"`, `3<<EOF`: the `<<` or `<<-` is an operator, the delimiter a string.
    fn heredoc_marker(&mut self, node: Node<'a>) {
        let text = self.text(node);
        let Some(at) = text.find("<<") else {
            return;
        };
        let mut operator_end = at + 2;
        if text.get(operator_end..).is_some_and(|r| r.starts_with('-')) {
            operator_end += 1;
        }
        let start = node.start_byte();
        self.push(
            start + at..start + operator_end,
            TokenKind::Operator,
            Modifiers::NONE,
        );
        let rest = text.get(operator_end..).unwrap_or_default();
        let blanks = rest.len() - rest.trim_start().len();
        self.push(
            start + operator_end + blanks..node.end_byte(),
            TokenKind::String,
            Modifiers::NONE,
        );
    }

    /// A heredoc's closing delimiter is a string, like its marker; the body of a COPY or ADD
    /// heredoc is the file's text, a string; a RUN heredoc's body is left to the editor's
    /// shell grammar.
    fn heredoc(&mut self, node: Node<'a>, instruction: &'a str) {
        if let Some(end) = self.fields.child(node, self.fields.end) {
            let text = self.text(end);
            let blanks = text.len() - text.trim_start().len();
            self.push(
                end.start_byte() + blanks..end.end_byte(),
                TokenKind::String,
                Modifiers::NONE,
            );
        }
        if matches!(instruction, "copy_instruction" | "add_instruction") {
            if let Some(content) = self.fields.child(node, self.fields.content) {
                self.push(content.byte_range(), TokenKind::String, Modifiers::NONE);
            }
        }
    }

    /// A shell-form command: its own nodes (strings, variables, heredoc markers, line
    /// continuations, comment lines) and the operators between them. A `#` at the start of a
    /// word starts a shell comment, which hides operators up to the end of its line; so that a
    /// range request agrees with the full tokens, the walk starts at the start of the line
    /// where the window begins.
    fn shell_command(&mut self, node: Node<'a>, instruction: &'a str, depth: usize) {
        let line_start = if self.window.start > node.start_byte() {
            self.text
                .as_bytes()
                .get(node.start_byte()..self.window.start)
                .and_then(|before| before.iter().rposition(|&b| b == b'\n' || b == b'\r'))
                .map_or(node.start_byte(), |i| node.start_byte() + i + 1)
        } else {
            node.start_byte()
        };
        let mut position = line_start;
        let mut comment_end = 0;
        let mut cursor = self.cursor(node);
        let mut has_child = goto_first_child_ending_after(&mut cursor, node, line_start);
        while position < self.window.end {
            let child = has_child.then(|| cursor.node());
            let gap_end = child.map_or(node.end_byte(), |c| c.start_byte());
            if position.max(comment_end) < gap_end {
                comment_end = self.shell_operators(position.max(comment_end)..gap_end);
            }
            let Some(child) = child else {
                break;
            };
            if child.is_named() {
                self.visit(child, instruction, depth + 1);
            }
            position = position.max(child.end_byte());
            has_child = cursor.goto_next_sibling();
        }
        self.cursors.push(cursor);
    }

    /// Emits the operators in unquoted shell text; returns where a comment that starts in it
    /// ends (the next line break), or 0 when none does.
    fn shell_operators(&mut self, range: Range<usize>) -> usize {
        let bytes = self.text.as_bytes();
        let start = range.start;
        let Some(gap) = bytes.get(range) else {
            return 0;
        };
        let mut i = 0;
        while let Some(&byte) = gap.get(i) {
            let length = match byte {
                b'\\' => {
                    // An escaped character is never an operator.
                    i += 2;
                    continue;
                }
                b'#' => {
                    let previous = (start + i).checked_sub(1).and_then(|p| bytes.get(p));
                    if previous.is_none_or(|b| b.is_ascii_whitespace()) {
                        let rest = bytes.get(start + i..).unwrap_or_default();
                        return rest
                            .iter()
                            .position(|&b| b == b'\n' || b == b'\r')
                            .map_or(bytes.len(), |end| start + i + end);
                    }
                    0
                }
                b'&' if gap.get(i + 1) == Some(&b'&') => 2,
                b'|' if gap.get(i + 1) == Some(&b'|') => 2,
                b';' if gap.get(i + 1) == Some(&b';') => 2,
                b'|' | b';' => 1,
                _ => 0,
            };
            if length > 0 {
                let at = start + i;
                self.push(at..at + length, TokenKind::Operator, Modifiers::NONE);
                i += length;
            } else {
                i += 1;
            }
        }
        0
    }

    /// Emits `node` as one `kind` token, less the variables, line continuations and comment
    /// lines inside it, which get their own tokens.
    fn fill(
        &mut self,
        node: Node<'a>,
        kind: TokenKind,
        modifiers: Modifiers,
        instruction: &'a str,
        depth: usize,
    ) {
        if !self.overlaps(node) {
            return;
        }
        let mut position = node.start_byte();
        // Holes are named nodes, so a node without any has none.
        if node.named_child_count() > 0 {
            let mut cursor = self.cursor(node);
            let mut more = cursor.goto_first_child();
            while more {
                let child = cursor.node();
                let is_hole = child.is_named()
                    && matches!(
                        child.kind(),
                        "variable" | "expansion" | "line_continuation" | "comment"
                    );
                let mut descended = false;
                if is_hole {
                    self.push(position..child.start_byte(), kind, modifiers);
                    if matches!(child.kind(), "variable" | "expansion") {
                        if self.overlaps(child) && depth < MAX_DEPTH {
                            self.variable_use(child, Some(kind), depth + 1);
                        }
                    } else {
                        self.visit(child, instruction, depth + 1);
                    }
                    position = position.max(child.end_byte());
                } else if child.is_named() {
                    descended = cursor.goto_first_child();
                }
                more = descended || next_in_preorder(&mut cursor);
            }
            self.cursors.push(cursor);
        }
        self.push(position..node.end_byte(), kind, modifiers);
    }

    /// Adds a token, one per line when it spans lines, dropping the line breaks and any piece
    /// outside the window.
    fn push(&mut self, range: Range<usize>, kind: TokenKind, modifiers: Modifiers) {
        let start = range.start;
        let end = range.end.min(self.text.len());
        if start >= end || !intersects(&(start..end), &self.window) {
            return;
        }
        let Some(slice) = self.text.get(start..end) else {
            return;
        };
        if !slice.bytes().any(|b| b == b'\n' || b == b'\r') {
            self.out.push(Token {
                range: start..end,
                kind,
                modifiers,
            });
            return;
        }
        // Only the lines that touch the window are split out.
        let first = self
            .text
            .get(start..self.window.start.max(start))
            .and_then(|before| before.rfind(['\n', '\r']))
            .map_or(start, |i| start + i + 1);
        let mut piece_start = first;
        let bytes = self.text.as_bytes();
        let mut i = first;
        while i <= end && piece_start < self.window.end {
            let at_break = i == end || matches!(bytes.get(i), Some(b'\n' | b'\r'));
            if at_break {
                if piece_start < i && intersects(&(piece_start..i), &self.window) {
                    self.out.push(Token {
                        range: piece_start..i,
                        kind,
                        modifiers,
                    });
                }
                piece_start = i + 1;
            }
            i += 1;
        }
    }
}

/// Whether `value` of mount key `key` is one of its fixed values for a mount of `mount_type`
/// (`bind` when no type is given).
fn is_mount_choice(mount_type: &str, key: &str, value: &str) -> bool {
    if key == "type" {
        return knowledge::mount_type(value).is_some();
    }
    let mount_type = if mount_type.is_empty() {
        "bind"
    } else {
        mount_type
    };
    knowledge::mount_type(mount_type)
        .and_then(|t| t.keys.iter().find(|k| k.name == key))
        .is_some_and(|k| k.values.iter().any(|v| v.name == value))
}

/// Moves `cursor`, on `node`, to the first child that ends after `offset`.
///
/// tree-sitter's own search finds nothing when `offset` falls on a hidden token (blanks, a
/// word of a shell command) whose hidden parent holds only earlier visible children; so the
/// search backs off to earlier offsets, doubling the step, and walks forward from the child it
/// finds there.
fn goto_first_child_ending_after(cursor: &mut TreeCursor, node: Node, offset: usize) -> bool {
    let mut step = 0usize;
    loop {
        let probe = offset.saturating_sub(step);
        if probe <= node.start_byte() {
            if !cursor.goto_first_child() {
                return false;
            }
            break;
        }
        if cursor.goto_first_child_for_byte(probe).is_some() {
            break;
        }
        step = (step * 2).max(1);
    }
    while cursor.node().end_byte() <= offset {
        if !cursor.goto_next_sibling() {
            return false;
        }
    }
    true
}

/// Moves to the next node in preorder that is not a descendant of the current one, staying
/// inside the node the cursor was created on.
fn next_in_preorder(cursor: &mut TreeCursor) -> bool {
    loop {
        if cursor.goto_next_sibling() {
            return true;
        }
        if !cursor.goto_parent() {
            return false;
        }
    }
}

#[cfg(test)]
mod tests {
    use expect_test::{expect, Expect};

    use super::*;

    /// Renders the tokens of `fixture`, one a line; two `$0` markers, when present, delimit a
    /// range request.
    fn check(fixture: &str, expect: Expect) {
        let markers: Vec<usize> = fixture.match_indices("$0").map(|(i, _)| i).collect();
        let text = fixture.replace("$0", "");
        let range = match markers[..] {
            [start, end] => Some(start..end - 2),
            _ => None,
        };
        let analysis = Snapshot::from_text(&text);
        let mut rendered = String::new();
        for token in tokens(&analysis, range) {
            let modifiers: Vec<&str> = token.modifiers.names().collect();
            rendered.push_str(&format!(
                "{:?} {:?} {}",
                token.range,
                &text[token.range.clone()],
                token.kind.name()
            ));
            if !modifiers.is_empty() {
                rendered.push_str(&format!(" [{}]", modifiers.join(", ")));
            }
            rendered.push('\n');
        }
        expect.assert_eq(&rendered);
    }

    #[test]
    fn directive_comment_and_from() {
        check(
            "# syntax=docker/dockerfile:1\n# a comment\nFROM --platform=$BUILDPLATFORM alpine:3.20@sha256:ab AS build\n",
            expect![[r##"
                0..8 "# syntax" macro
                8..9 "=" operator
                9..28 "docker/dockerfile:1" string
                29..40 "# a comment" comment
                41..45 "FROM" keyword
                46..56 "--platform" parameter
                56..57 "=" operator
                57..71 "$BUILDPLATFORM" variable [defaultLibrary]
                72..93 "alpine:3.20@sha256:ab" type
                94..96 "AS" keyword
                97..102 "build" namespace [declaration]
            "##]],
        );
    }

    #[test]
    fn variables_declared_used_and_predefined() {
        check(
            "ARG VERSION=1.0 TARGETPLATFORM\nFROM alpine:${VERSION}\nFROM ${IMAGE:-alpine}\nARG HTTP_PROXY\nENV HOME=/root PATH=\"$HOME/bin:${PATH:-/bin}\"\nRUN echo $VERSION $TARGETARCH $HTTP_PROXY\n",
            expect![[r#"
                0..3 "ARG" keyword
                4..11 "VERSION" variable [declaration]
                11..12 "=" operator
                16..30 "TARGETPLATFORM" variable [declaration, defaultLibrary]
                31..35 "FROM" keyword
                36..43 "alpine:" type
                43..53 "${VERSION}" variable
                54..58 "FROM" keyword
                59..66 "${IMAGE" variable
                66..68 ":-" operator
                68..74 "alpine" type
                74..75 "}" variable
                76..79 "ARG" keyword
                80..90 "HTTP_PROXY" variable [declaration, defaultLibrary]
                91..94 "ENV" keyword
                95..99 "HOME" variable [declaration]
                99..100 "=" operator
                106..110 "PATH" variable [declaration]
                110..111 "=" operator
                111..112 "\"" string
                112..117 "$HOME" variable
                117..122 "/bin:" string
                122..128 "${PATH" variable
                128..130 ":-" operator
                130..134 "/bin" string
                134..135 "}" variable
                135..136 "\"" string
                137..140 "RUN" keyword
                141..145 "echo" function
                146..154 "$VERSION" variable
                155..166 "$TARGETARCH" variable [defaultLibrary]
                167..178 "$HTTP_PROXY" variable [defaultLibrary]
            "#]],
        );
    }

    #[test]
    fn env_shadowing_a_predefined_name_is_not_predefined() {
        check(
            "FROM a\nENV HTTP_PROXY=x\nRUN echo $HTTP_PROXY\n",
            expect![[r#"
                0..4 "FROM" keyword
                5..6 "a" type
                7..10 "ENV" keyword
                11..21 "HTTP_PROXY" variable [declaration]
                21..22 "=" operator
                24..27 "RUN" keyword
                28..32 "echo" function
                33..44 "$HTTP_PROXY" variable
            "#]],
        );
    }

    #[test]
    fn stage_names_in_all_four_places() {
        check(
            "FROM golang AS build\nFROM build AS test\nCOPY --from=build /a /b\nCOPY --from=0 /a /b\nCOPY --from=nginx:1 /a /b\nRUN --mount=type=cache,target=/c,sharing=locked,from=BUILD make\n",
            expect![[r#"
                0..4 "FROM" keyword
                5..11 "golang" type
                12..14 "AS" keyword
                15..20 "build" namespace [declaration]
                21..25 "FROM" keyword
                26..31 "build" namespace
                32..34 "AS" keyword
                35..39 "test" namespace [declaration]
                40..44 "COPY" keyword
                45..51 "--from" parameter
                51..52 "=" operator
                52..57 "build" namespace
                64..68 "COPY" keyword
                69..75 "--from" parameter
                75..76 "=" operator
                76..77 "0" namespace
                84..88 "COPY" keyword
                89..95 "--from" parameter
                95..96 "=" operator
                96..103 "nginx:1" type
                110..113 "RUN" keyword
                114..121 "--mount" parameter
                121..122 "=" operator
                122..126 "type" property
                126..127 "=" operator
                127..132 "cache" enumMember
                133..139 "target" property
                139..140 "=" operator
                140..142 "/c" string
                143..150 "sharing" property
                150..151 "=" operator
                151..157 "locked" enumMember
                158..162 "from" property
                162..163 "=" operator
                163..168 "BUILD" namespace
                169..173 "make" function
            "#]],
        );
    }

    #[test]
    fn shell_form_operators_strings_and_continuations() {
        check(
            "FROM a\nRUN a && b || c | d; e \\\n  # note\n  && echo \"x $Y\" 'z' \\; # f && g\n",
            expect![[r##"
                0..4 "FROM" keyword
                5..6 "a" type
                7..10 "RUN" keyword
                11..12 "a" function
                13..15 "&&" operator
                16..17 "b" function
                18..20 "||" operator
                21..22 "c" function
                23..24 "|" operator
                25..26 "d" function
                26..27 ";" operator
                28..29 "e" function
                30..31 "\\" operator
                34..40 "# note" comment
                43..45 "&&" operator
                46..50 "echo" function
                51..54 "\"x " string
                54..56 "$Y" variable
                56..57 "\"" string
                58..61 "'z'" string
                65..73 "# f && g" comment
            "##]],
        );
    }

    #[test]
    fn string_split_at_continuation_lines() {
        check(
            "FROM a\nRUN echo \"a \\\n  b\"\r\n",
            expect![[r#"
                0..4 "FROM" keyword
                5..6 "a" type
                7..10 "RUN" keyword
                11..15 "echo" function
                16..19 "\"a " string
                19..20 "\\" operator
                21..25 "  b\"" string
            "#]],
        );
    }

    #[test]
    fn exec_form_and_json() {
        check(
            "FROM a\nCMD [\"echo\", \"a\\n\"]\nSHELL [\"sh\", 1, true]\nCOPY [\"a b\", \"/c/\"]\n",
            expect![[r#"
                0..4 "FROM" keyword
                5..6 "a" type
                7..10 "CMD" keyword
                12..18 "\"echo\"" string
                20..25 "\"a\\n\"" string
                27..32 "SHELL" keyword
                34..38 "\"sh\"" string
                40..41 "1" number
                49..53 "COPY" keyword
                55..60 "\"a b\"" string
                62..67 "\"/c/\"" string
            "#]],
        );
    }

    #[test]
    fn heredocs() {
        check(
            "FROM a\nRUN <<-EOF cat && 3<<\"X\" cat\n\techo $A\n\tEOF\nx\nX\nCOPY <<CONF /etc/c\nk=v\nCONF\n",
            expect![[r#"
                0..4 "FROM" keyword
                5..6 "a" type
                7..10 "RUN" keyword
                11..14 "<<-" operator
                14..17 "EOF" string
                22..24 "&&" operator
                26..28 "<<" operator
                28..31 "\"X\"" string
                46..49 "EOF" string
                52..53 "X" string
                54..58 "COPY" keyword
                59..61 "<<" operator
                61..65 "CONF" string
                73..76 "k=v" string
                77..81 "CONF" string
            "#]],
        );
    }

    #[test]
    fn backtick_escape() {
        check(
            "# escape=`\nFROM a\nRUN dir c:\\ `\n  && echo $env:X\n",
            expect![[r##"
                0..8 "# escape" macro
                8..9 "=" operator
                9..10 "`" string
                11..15 "FROM" keyword
                16..17 "a" type
                18..21 "RUN" keyword
                22..25 "dir" function
                30..31 "`" operator
                34..36 "&&" operator
                37..41 "echo" function
                42..46 "$env" variable
            "##]],
        );
    }

    #[test]
    fn onbuild_and_healthcheck() {
        check(
            "FROM a\nONBUILD RUN make\nONBUILD COPY --chown=1:1 a b\nHEALTHCHECK --interval=5s CMD curl x\nHEALTHCHECK NONE\n",
            expect![[r#"
                0..4 "FROM" keyword
                5..6 "a" type
                7..14 "ONBUILD" keyword
                15..18 "RUN" keyword
                19..23 "make" function
                24..31 "ONBUILD" keyword
                32..36 "COPY" keyword
                37..44 "--chown" parameter
                44..45 "=" operator
                45..48 "1:1" string
                53..64 "HEALTHCHECK" keyword
                65..75 "--interval" parameter
                75..76 "=" operator
                76..78 "5s" string
                79..82 "CMD" keyword
                90..101 "HEALTHCHECK" keyword
                102..106 "NONE" keyword
            "#]],
        );
    }

    #[test]
    fn label_expose_user_stopsignal_workdir() {
        check(
            "FROM a\nLABEL \"k\"=v x.y=\"$Z\"\nEXPOSE 80/tcp 1-3 8080:80\nUSER u:g\nSTOPSIGNAL SIGTERM\nSTOPSIGNAL 9\nWORKDIR /a/$B\n",
            expect![[r#"
                0..4 "FROM" keyword
                5..6 "a" type
                7..12 "LABEL" keyword
                13..16 "\"k\"" property
                16..17 "=" operator
                19..22 "x.y" property
                22..23 "=" operator
                23..24 "\"" string
                24..26 "$Z" variable
                26..27 "\"" string
                28..34 "EXPOSE" keyword
                35..37 "80" number
                38..41 "tcp" enumMember
                42..45 "1-3" number
                54..58 "USER" keyword
                63..73 "STOPSIGNAL" keyword
                74..81 "SIGTERM" enumMember
                82..92 "STOPSIGNAL" keyword
                93..94 "9" number
                95..102 "WORKDIR" keyword
                106..108 "$B" variable
            "#]],
        );
    }

    #[test]
    fn flag_choices_and_plain_values() {
        check(
            "FROM a\nRUN --network=none --mount=type=secret,id=x,required=true --security=weird x\nCOPY --link --chmod=755 a b\n",
            expect![[r#"
                0..4 "FROM" keyword
                5..6 "a" type
                7..10 "RUN" keyword
                11..20 "--network" parameter
                20..21 "=" operator
                21..25 "none" enumMember
                26..33 "--mount" parameter
                33..34 "=" operator
                34..38 "type" property
                38..39 "=" operator
                39..45 "secret" enumMember
                46..48 "id" property
                48..49 "=" operator
                49..50 "x" string
                51..59 "required" property
                59..60 "=" operator
                60..64 "true" enumMember
                65..75 "--security" parameter
                75..76 "=" operator
                76..81 "weird" string
                82..83 "x" function
                84..88 "COPY" keyword
                89..95 "--link" parameter
                96..103 "--chmod" parameter
                103..104 "=" operator
                104..107 "755" string
            "#]],
        );
    }

    #[test]
    fn expansion_with_operator_and_nested_word() {
        check(
            "FROM a\nENV A=${B:-\"x\"$C}\n",
            expect![[r#"
                0..4 "FROM" keyword
                5..6 "a" type
                7..10 "ENV" keyword
                11..12 "A" variable [declaration]
                12..13 "=" operator
                13..16 "${B" variable
                16..18 ":-" operator
                18..21 "\"x\"" string
                21..23 "$C" variable
                23..24 "}" variable
            "#]],
        );
    }

    #[test]
    fn unknown_instruction_and_broken_lines() {
        check(
            "RUM echo\nFROM \nCOPY --fr\nENV ${\nRUN \"open\n",
            expect![[r#"
                9..13 "FROM" keyword
                15..19 "COPY" keyword
                20..24 "--fr" parameter
                25..28 "ENV" keyword
                29..31 "${" variable
                32..35 "RUN" keyword
                36..41 "\"open" string
            "#]],
        );
    }

    #[test]
    fn range_request_returns_intersecting_tokens() {
        check(
            "FROM a\nRUN echo \"one\" && $0echo \"t$0wo\" && x\nCMD [\"z\"]\n",
            expect![[r#"
                25..29 "echo" function
                30..35 "\"two\"" string
            "#]],
        );
    }

    #[test]
    fn range_request_inside_a_long_string() {
        check(
            "FROM a\nCOPY <<EOF /x\nline one\nli$0ne two\nline thr$0ee\nline four\nEOF\n",
            expect![[r#"
                30..38 "line two" string
                39..49 "line three" string
            "#]],
        );
    }

    #[test]
    fn shell_comment_runs_to_the_end_of_the_joined_command() {
        check(
            "FROM a\nRUN a # b && c \\\n  && d \"e\" | f\n",
            expect![[r##"
                0..4 "FROM" keyword
                5..6 "a" type
                7..10 "RUN" keyword
                11..12 "a" function
                13..22 "# b && c " comment
                22..23 "\\" operator
                24..38 "  && d \"e\" | f" comment
            "##]],
        );
    }

    #[test]
    fn range_request_starting_inside_a_shell_comment() {
        check(
            "FROM a\nRUN x # y \\\n    &$0& echo \"one\" \\\n    && echo \"two\"$0\n",
            expect![[r#"
                19..37 "    && echo \"one\" " comment
                37..38 "\\" operator
                39..56 "    && echo \"two\"" comment
            "#]],
        );
    }

    #[test]
    fn shell_commands_options_strings_and_substitutions() {
        check(
            "FROM a\nRUN sudo apt-get install -y --no-install-recommends=1 \"x $V\" 'y' ${A:-b} \\\n    $(which c) `d` && X=1 y > /dev/null 2>&1 # done\n",
            expect![[r##"
                0..4 "FROM" keyword
                5..6 "a" type
                7..10 "RUN" keyword
                11..15 "sudo" function
                16..23 "apt-get" function
                32..34 "-y" parameter
                35..58 "--no-install-recommends" parameter
                61..64 "\"x " string
                64..66 "$V" variable
                66..67 "\"" string
                68..71 "'y'" string
                72..75 "${A" variable
                75..77 ":-" operator
                78..79 "}" variable
                80..81 "\\" operator
                86..88 "$(" operator
                88..93 "which" function
                95..96 ")" operator
                97..98 "`" operator
                98..99 "d" function
                99..100 "`" operator
                101..103 "&&" operator
                104..105 "X" variable [declaration]
                105..106 "=" operator
                106..107 "1" number
                108..109 "y" function
                110..111 ">" operator
                122..123 "2" number
                123..125 ">&" operator
                125..126 "1" number
                127..133 "# done" comment
            "##]],
        );
    }

    #[test]
    fn shell_heredoc_bodies_and_exec_form() {
        check(
            "FROM a\nRUN <<EOF\nif [ -f x ]; then echo \"$X\"; fi\nEOF\nRUN cat <<EOF > /f\nhome=$HOME\nEOF\nRUN [\"sh\", \"-c\", \"ls -l | wc\"]\n",
            expect![[r#"
                0..4 "FROM" keyword
                5..6 "a" type
                7..10 "RUN" keyword
                11..13 "<<" operator
                13..16 "EOF" string
                17..19 "if" keyword
                20..21 "[" operator
                22..24 "-f" operator
                27..28 "]" operator
                28..29 ";" operator
                30..34 "then" keyword
                35..39 "echo" function
                40..41 "\"" string
                41..43 "$X" variable
                43..44 "\"" string
                44..45 ";" operator
                46..48 "fi" keyword
                49..52 "EOF" string
                53..56 "RUN" keyword
                57..60 "cat" function
                61..63 "<<" operator
                63..66 "EOF" string
                67..68 ">" operator
                72..77 "home=" string
                77..82 "$HOME" variable
                83..86 "EOF" string
                87..90 "RUN" keyword
                92..96 "\"sh\"" string
                98..102 "\"-c\"" string
                104..105 "\"" string
                105..107 "ls" function
                108..110 "-l" parameter
                111..112 "|" operator
                113..115 "wc" function
                115..116 "\"" string
            "#]],
        );
    }

    #[test]
    fn shell_with_a_syntax_error_keeps_the_dockerfile_tokens() {
        check(
            "FROM a\nRUN echo \"$X\" && (ls\n",
            expect![[r#"
                0..4 "FROM" keyword
                5..6 "a" type
                7..10 "RUN" keyword
                16..17 "\"" string
                17..19 "$X" variable
                19..20 "\"" string
                21..23 "&&" operator
            "#]],
        );
    }

    #[test]
    fn range_requests_agree_with_the_full_shell_tokens() {
        let text = "FROM a\nRUN apt-get update \\\n  # note\n  && apt-get install -y \"a \\\n  b\" $(echo x) \\\n  && rm -rf /var/lib/apt/lists/*\nRUN <<EOF\nset -e\necho $HOME\nEOF\n";
        let analysis = Snapshot::from_text(text);
        let all = tokens(&analysis, None);
        for start in 0..text.len() {
            for end in [start + 1, start + 7, text.len()] {
                let window = start..end.min(text.len());
                let expected: Vec<Token> = all
                    .iter()
                    .filter(|t| intersects(&t.range, &window))
                    .cloned()
                    .collect();
                assert_eq!(
                    tokens(&analysis, Some(window.clone())),
                    expected,
                    "{window:?}"
                );
            }
        }
    }

    #[test]
    fn legend_names_are_standard_and_unique() {
        let names: Vec<&str> = TokenKind::ALL.iter().map(|k| k.name()).collect();
        let mut unique = names.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), names.len());
        for (i, kind) in TokenKind::ALL.iter().enumerate() {
            assert_eq!(kind.index() as usize, i);
        }
        let all = Modifiers::DECLARATION.union(Modifiers::DEFAULT_LIBRARY);
        assert_eq!(all.names().collect::<Vec<_>>(), Modifiers::ALL);
        assert!(all.contains(Modifiers::DECLARATION));
    }

    #[test]
    fn any_input_gives_sane_tokens() {
        for text in [
            "",
            "\n",
            "FROM",
            "\u{0}\u{feff}RUN \"",
            "ONBUILD ONBUILD RUN $",
            "FROM a\nENV ${",
            "RUN <<EOF\n",
            "# escape=é\nRUN a é\n",
            "RUN \"é\r\né\"\r",
        ] {
            let analysis = Snapshot::from_text(text);
            let all = tokens(&analysis, None);
            let mut end = 0;
            for token in &all {
                assert!(token.range.start >= end && token.range.start < token.range.end);
                let covered = text.get(token.range.clone()).expect("on char boundaries");
                assert!(!covered.contains(['\n', '\r']));
                end = token.range.end;
            }
            assert_eq!(tokens(&analysis, Some(0..usize::MAX)), all);
            #[allow(clippy::reversed_empty_ranges)]
            let reversed = 5..2;
            assert!(tokens(&analysis, Some(reversed)).is_empty());
        }
    }
}
