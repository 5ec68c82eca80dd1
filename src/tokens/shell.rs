//! Semantic tokens of the shell inside RUN, from the tree-sitter-bash tree of each script,
//! mapped back to the Dockerfile through the script's source map: the program a command runs,
//! its options, strings, variables and substitutions, operators, reserved words, comments and
//! heredoc bodies.
//!
//! The shell's tokens lie over the Dockerfile's own (which know ARG and ENV but not the
//! shell): where both have a token on the same characters of the same kind, the Dockerfile's
//! is kept for its modifiers; otherwise the shell's wins, and what is left of a Dockerfile
//! token around the shell's (a line continuation, a comment line inside a continuation, the
//! quotes of an exec-form string) stays. A script with a syntax error keeps the Dockerfile's
//! tokens only.

use std::collections::HashMap;
use std::ops::Range;

use tree_sitter::Node;

use super::{intersects, Modifiers, Token, TokenKind, MAX_DEPTH};
use crate::shell::Script;
use crate::snapshot::Snapshot;

/// Reserved words and the builtins tree-sitter-bash gives their own node.
const KEYWORDS: &[&str] = &[
    "if", "then", "else", "elif", "fi", "for", "select", "in", "do", "done", "while", "until",
    "case", "esac", "function", "export", "local", "declare", "readonly", "typeset", "unset",
    "unsetenv",
];

/// Anonymous nodes that are operators: control and redirection operators, the delimiters of
/// substitutions, subshells, groups and tests, and expansion operators.
const OPERATORS: &[&str] = &[
    "&&", "||", "|", "|&", ";", ";;", ";&", ";;&", "&", ">", ">>", "<", "<<", "<<-", "<<<", "&>",
    "&>>", ">&", "<&", ">&-", "<&-", ">|", "!", "$(", "`", "<(", ">(", "(", ")", "{", "}", "[[",
    "]]", "[", "]", "((", "))", "$((", "=", "==", "!=", "=~", "+=", ":-", ":=", ":+", ":?", "-",
    "+", "?", "#", "##", "%", "%%", "/", "//", "/#", "/%", ",", ",,", "^", "^^", ":",
];

/// The node kinds inside strings and heredoc bodies that get their own tokens.
const HOLES: &[&str] = &[
    "simple_expansion",
    "expansion",
    "command_substitution",
    "arithmetic_expansion",
    "process_substitution",
];

/// `core` (the Dockerfile's tokens intersecting `window`, sorted) with the shell's tokens of
/// every RUN that intersects the window laid over them.
pub(super) fn overlay(analysis: &Snapshot, window: &Range<usize>, core: Vec<Token>) -> Vec<Token> {
    let model = analysis.model();
    let is_run = |i: &crate::model::Instruction| {
        i.keyword == "RUN" || i.trigger.as_ref().is_some_and(|t| t.keyword == "RUN")
    };
    if !model
        .instructions
        .iter()
        .any(|i| is_run(i) && intersects(&i.range, window))
    {
        return core;
    }
    // The shell tokens needed are those over the window and over the Dockerfile tokens that
    // reach out of it, so that what is left of those is the same as in a full request.
    let reach = window
        .start
        .min(core.first().map_or(window.start, |t| t.range.start))
        ..window
            .end
            .max(core.last().map_or(window.end, |t| t.range.end));
    let text = analysis.text();
    let mut shell = Vec::new();
    // Instructions are in file order: those that meet the reach form one stretch.
    let first = model
        .instructions
        .partition_point(|i| i.range.end <= reach.start);
    for (index, instruction) in model.instructions.iter().enumerate().skip(first) {
        if instruction.range.start >= reach.end {
            break;
        }
        if !is_run(instruction) || !intersects(&instruction.range, &reach) {
            continue;
        }
        let Some(script) = analysis.script(index) else {
            continue;
        };
        // tree-sitter-bash recovers from an error by guessing, and its guesses (heredoc lines
        // read as commands) would colour the script wrongly: such a script keeps the
        // Dockerfile's tokens until it parses.
        if script.tree.root_node().has_error() {
            continue;
        }
        let source = reach.start.max(instruction.range.start)..reach.end.min(instruction.range.end);
        let script_window = script.script_range(source);
        if script_window.is_empty() {
            continue;
        }
        let mut walker = Walker {
            script,
            window: script_window,
            roles: HashMap::new(),
            out: Vec::new(),
        };
        walker.visit(script.tree.root_node(), 0);
        for (range, kind, modifiers) in walker.out {
            for piece in script.source_pieces(range) {
                push_lines(text, piece, kind, modifiers, &mut shell);
            }
        }
    }
    shell.sort_by_key(|t| t.range.start);
    let mut end = 0;
    shell.retain(|t| {
        let keep = t.range.start >= end;
        if keep {
            end = t.range.end;
        }
        keep
    });
    let mut out = subtract(text, core, &shell);
    out.retain(|t| intersects(&t.range, window));
    out
}

/// The shell tokens, each replaced by a Dockerfile token on the same characters and of the same
/// kind when there is one, and the parts of the other Dockerfile tokens that no shell token
/// covers (blanks left out); sorted.
fn subtract(text: &str, core: Vec<Token>, shell: &[Token]) -> Vec<Token> {
    let mut out = Vec::with_capacity(core.len() + shell.len());
    let mut next_shell = 0;
    let mut replaced = vec![false; shell.len()];
    for token in core {
        while shell
            .get(next_shell)
            .is_some_and(|s| s.range.end <= token.range.start)
        {
            next_shell += 1;
        }
        let mut position = token.range.start;
        let mut i = next_shell;
        while let Some(s) = shell.get(i).filter(|s| s.range.start < token.range.end) {
            if s.range == token.range && s.kind == token.kind {
                replaced[i] = true;
                out.push(token.clone());
                position = token.range.end;
                break;
            }
            if is_visible(text, position..s.range.start) {
                out.push(Token {
                    range: position..s.range.start,
                    kind: token.kind,
                    modifiers: token.modifiers,
                });
            }
            position = position.max(s.range.end);
            i += 1;
        }
        if is_visible(text, position..token.range.end) {
            out.push(Token {
                range: position..token.range.end,
                kind: token.kind,
                modifiers: token.modifiers,
            });
        }
    }
    out.extend(
        shell
            .iter()
            .zip(&replaced)
            .filter(|(_, replaced)| !**replaced)
            .map(|(t, _)| t.clone()),
    );
    out.sort_by_key(|t| t.range.start);
    out
}

/// Whether a leftover piece of a Dockerfile token is worth a token: blanks between shell
/// tokens are not.
fn is_visible(text: &str, range: Range<usize>) -> bool {
    text.get(range)
        .is_some_and(|piece| !piece.trim_matches([' ', '\t']).is_empty())
}

/// Adds a token for each line of `range`, leaving out the line breaks.
fn push_lines(
    text: &str,
    range: Range<usize>,
    kind: TokenKind,
    modifiers: Modifiers,
    out: &mut Vec<Token>,
) {
    let Some(slice) = text.get(range.clone()) else {
        return;
    };
    let mut start = range.start;
    for line in slice.split_inclusive(['\n', '\r']) {
        let body = line.trim_end_matches(['\n', '\r']);
        if !body.is_empty() {
            out.push(Token {
                range: start..start + body.len(),
                kind,
                modifiers,
            });
        }
        start += line.len();
    }
}

/// Walks a script's tree, collecting tokens in script offsets.
struct Walker<'a> {
    script: &'a Script,
    /// The script range whose tokens are wanted.
    window: Range<usize>,
    /// What a command's words are: its program and its options, by script range.
    roles: HashMap<(usize, usize), TokenKind>,
    out: Vec<(Range<usize>, TokenKind, Modifiers)>,
}

impl<'a> Walker<'a> {
    fn push(&mut self, range: Range<usize>, kind: TokenKind, modifiers: Modifiers) {
        if range.start < range.end {
            self.out.push((range, kind, modifiers));
        }
    }

    fn text(&self, node: Node) -> &'a str {
        self.script.text.get(node.byte_range()).unwrap_or_default()
    }

    fn visit(&mut self, node: Node<'a>, depth: usize) {
        if depth > MAX_DEPTH || node.is_missing() || !intersects(&node.byte_range(), &self.window) {
            return;
        }
        if !node.is_named() {
            let kind = node.kind();
            if KEYWORDS.contains(&kind) {
                self.push(node.byte_range(), TokenKind::Keyword, Modifiers::NONE);
            } else if OPERATORS.contains(&kind) {
                self.push(node.byte_range(), TokenKind::Operator, Modifiers::NONE);
            }
            return;
        }
        match node.kind() {
            "comment" => self.push(node.byte_range(), TokenKind::Comment, Modifiers::NONE),
            "command" => {
                self.command_roles(node);
                self.children(node, depth);
            }
            "word" => {
                let key = (node.start_byte(), node.end_byte());
                match self.roles.get(&key) {
                    Some(TokenKind::Parameter) => {
                        // `--name=value`: the option's name.
                        let name = self.text(node).find('=').unwrap_or(node.byte_range().len());
                        let start = node.start_byte();
                        self.push(start..start + name, TokenKind::Parameter, Modifiers::NONE);
                    }
                    Some(&kind) => self.push(node.byte_range(), kind, Modifiers::NONE),
                    None => {}
                }
            }
            "string" | "heredoc_body" => self.fill(node, depth),
            "raw_string" | "ansi_c_string" | "regex" => {
                self.push(node.byte_range(), TokenKind::String, Modifiers::NONE)
            }
            "heredoc_start" | "heredoc_end" => {
                let text = self.text(node);
                let blanks = text.len() - text.trim_start().len();
                self.push(
                    node.start_byte() + blanks..node.end_byte(),
                    TokenKind::String,
                    Modifiers::NONE,
                );
            }
            "simple_expansion" => {
                self.push(node.byte_range(), TokenKind::Variable, Modifiers::NONE)
            }
            "expansion" => self.expansion(node, depth),
            "variable_assignment" => {
                let name = node.child_by_field_name("name");
                let mut cursor = node.walk();
                for child in node.children(&mut cursor) {
                    if Some(child) == name && child.kind() == "variable_name" {
                        self.push(
                            child.byte_range(),
                            TokenKind::Variable,
                            Modifiers::DECLARATION,
                        );
                    } else {
                        self.visit(child, depth + 1);
                    }
                }
            }
            "variable_name" | "special_variable_name" => {
                self.push(node.byte_range(), TokenKind::Variable, Modifiers::NONE)
            }
            "number" | "file_descriptor" => {
                self.push(node.byte_range(), TokenKind::Number, Modifiers::NONE)
            }
            "test_operator" => self.push(node.byte_range(), TokenKind::Operator, Modifiers::NONE),
            _ => self.children(node, depth),
        }
    }

    fn children(&mut self, node: Node<'a>, depth: usize) {
        let mut cursor = node.walk();
        if !cursor.goto_first_child() {
            return;
        }
        loop {
            let child = cursor.node();
            if child.start_byte() >= self.window.end && child.start_byte() < child.end_byte() {
                break;
            }
            self.visit(child, depth + 1);
            if !cursor.goto_next_sibling() {
                break;
            }
        }
    }

    /// Marks the words of a command that name programs (its first word, and the program run by
    /// a `sudo`, `env` and the like) and the literal words that start with `-`.
    fn command_roles(&mut self, node: Node) {
        let commands = &self.script.commands;
        let index = commands.partition_point(|c| c.range.start < node.start_byte());
        let Some(command) = commands[index..]
            .iter()
            .take_while(|c| c.range.start == node.start_byte())
            .find(|c| c.range == node.byte_range())
        else {
            return;
        };
        let Some(program) = command.program_index() else {
            return;
        };
        for (i, word) in command.words.iter().enumerate() {
            let written = self.script.text.get(word.range.clone()).unwrap_or_default();
            let kind = if i == 0 || i == program {
                TokenKind::Function
            } else if word.literal && written.starts_with('-') && written.len() > 1 {
                TokenKind::Parameter
            } else {
                continue;
            };
            self.roles.insert((word.range.start, word.range.end), kind);
        }
    }

    /// A double-quoted string or a heredoc body: a string, less the expansions and
    /// substitutions inside it, which get their own tokens.
    fn fill(&mut self, node: Node<'a>, depth: usize) {
        let mut position = node.start_byte();
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            if HOLES.contains(&child.kind()) {
                self.push(
                    position..child.start_byte(),
                    TokenKind::String,
                    Modifiers::NONE,
                );
                self.visit(child, depth + 1);
                position = position.max(child.end_byte());
            }
        }
        self.push(
            position..node.end_byte(),
            TokenKind::String,
            Modifiers::NONE,
        );
    }

    /// `${NAME}` is one token; `${NAME:-word}` is `${NAME`, the operator, the word's own tokens
    /// and `}`, as the Dockerfile's tokens have it.
    fn expansion(&mut self, node: Node<'a>, depth: usize) {
        let mut cursor = node.walk();
        let children: Vec<Node> = node.children(&mut cursor).collect();
        let name = children
            .iter()
            .position(|c| matches!(c.kind(), "variable_name" | "special_variable_name"));
        let plain = name.is_some()
            && children.len() == 3
            && children.first().is_some_and(|c| c.kind() == "${")
            && children.last().is_some_and(|c| c.kind() == "}");
        if plain {
            self.push(node.byte_range(), TokenKind::Variable, Modifiers::NONE);
            return;
        }
        let head_end = name.map_or(0, |i| i + 1);
        if let Some(last) = head_end.checked_sub(1).and_then(|i| children.get(i)) {
            self.push(
                node.start_byte()..last.end_byte(),
                TokenKind::Variable,
                Modifiers::NONE,
            );
        }
        for (i, child) in children.iter().enumerate().skip(head_end) {
            let closing = i + 1 == children.len() && child.kind() == "}";
            if closing {
                self.push(child.byte_range(), TokenKind::Variable, Modifiers::NONE);
            } else {
                self.visit(*child, depth + 1);
            }
        }
    }
}
