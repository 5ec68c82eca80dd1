//! What the ShellCheck-class rules share: walking a script's tree, where an expansion stands
//! (inside double quotes, in a word the shell splits), and what the script and the Dockerfile
//! assign to each variable.

use std::collections::{HashMap, HashSet};

use tree_sitter::Node;

use super::{run_of, Context};
use crate::shell::{Dialect, Script, SimpleCommand};

/// The nodes of the given kinds in a script's tree, in document order.
pub fn nodes_of<'a>(context: &Context<'a>, script: &'a Script, kinds: &[&str]) -> Vec<Node<'a>> {
    context.script_nodes(script).of_kinds(kinds)
}

/// Where an expansion (`$x`, `${x}`, `$(...)`) stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place<'t> {
    /// Inside double quotes, a heredoc body, an arithmetic expression or another expansion:
    /// nothing splits its value.
    Quoted,
    /// Unquoted, part of this word.
    Word(Node<'t>),
}

/// Where `node` stands: inside double quotes (of its own level of command substitution) or
/// unquoted in a word.
pub fn place(node: Node) -> Place {
    let mut current = node;
    while let Some(parent) = current.parent() {
        match parent.kind() {
            "string"
            | "heredoc_body"
            | "arithmetic_expansion"
            | "expansion"
            | "subscript"
            | "translated_string" => return Place::Quoted,
            "concatenation" => current = parent,
            _ => return Place::Word(current),
        }
    }
    Place::Word(current)
}

/// Whether the shell splits a word into fields and expands globs in it: an argument of a
/// command (not its name), the target of a redirection, the value of an assignment made by
/// `export`, `local`, `declare` or `readonly` (which dash splits), or an operand of `[ ... ]`.
/// Not the words of `for ... in`, `case`, `[[ ... ]]`, arrays or plain assignments.
pub fn is_split(word: Node) -> bool {
    let Some(parent) = word.parent() else {
        return false;
    };
    match parent.kind() {
        "command" => parent.child_by_field_name("name") != Some(word),
        "file_redirect" => parent.child_by_field_name("destination") == Some(word),
        "variable_assignment" => parent
            .parent()
            .is_some_and(|p| p.kind() == "declaration_command"),
        "binary_expression" | "unary_expression" | "parenthesized_expression" => {
            let mut node = parent;
            while matches!(
                node.kind(),
                "binary_expression" | "unary_expression" | "parenthesized_expression"
            ) {
                let Some(up) = node.parent() else {
                    return false;
                };
                node = up;
            }
            node.kind() == "test_command" && node.child(0).is_some_and(|c| c.kind() == "[")
        }
        "test_command" => parent.child(0).is_some_and(|c| c.kind() == "["),
        _ => false,
    }
}

/// The parts of a parameter expansion (`$x`, `${x:-y}`, `${#x}`).
#[derive(Debug, Clone, Copy)]
pub struct Parameter<'t> {
    /// The name: a variable, a digit, or a special parameter (`#`, `?`, `@`).
    pub name: &'t str,
    pub name_node: Node<'t>,
    /// `${#x}`: the length.
    pub length: bool,
    /// `${!x}`: indirection.
    pub indirect: bool,
    /// `${x[@]}` or `${x[*]}`: every element of an array.
    pub all_elements: bool,
    /// The first operator after the name (`:-`, `%%`, `//`, `:`).
    pub operator: Option<&'t str>,
    /// The word after the operator (`y` in `${x:-y}`).
    pub argument: Option<Node<'t>>,
}

/// The parameter a `simple_expansion` or `expansion` node expands.
pub fn parameter<'t>(node: Node<'t>, text: &'t str) -> Option<Parameter<'t>> {
    let slice = |n: Node| text.get(n.byte_range()).unwrap_or_default();
    let mut found = Parameter {
        name: "",
        name_node: node,
        length: false,
        indirect: false,
        all_elements: false,
        operator: None,
        argument: None,
    };
    let mut named = false;
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        match child.kind() {
            "variable_name" | "special_variable_name" if !named => {
                found.name = slice(child);
                found.name_node = child;
                named = true;
            }
            "subscript" if !named => {
                let name = child.child_by_field_name("name")?;
                found.name = slice(name);
                found.name_node = name;
                found.all_elements = child
                    .child_by_field_name("index")
                    .is_some_and(|i| matches!(slice(i), "@" | "*"));
                named = true;
            }
            "#" if !named => found.length = true,
            "!" if !named => found.indirect = true,
            "$" | "${" | "}" => {}
            _ if named && found.operator.is_none() && !child.is_named() => {
                found.operator = Some(slice(child));
            }
            _ if named && found.operator.is_some() && found.argument.is_none() => {
                found.argument = Some(child);
            }
            _ => {}
        }
    }
    // `$1`: the grammar gives positional parameters as a variable name of digits.
    named.then_some(found)
}

/// The special parameters whose value never holds spaces or glob characters.
fn special_is_safe(name: &str) -> bool {
    matches!(name, "#" | "?" | "$" | "!" | "-")
}

/// Lowercase names the environment of a build may set without an ARG: the proxy variables
/// BuildKit passes through.
const BUILD_ENVIRONMENT: &[&str] = &[
    "http_proxy",
    "https_proxy",
    "ftp_proxy",
    "no_proxy",
    "all_proxy",
];

/// What the Dockerfile and the script say about each variable of one RUN.
pub struct Variables<'s> {
    /// ARG and ENV names in scope at the RUN (their value comes from the build).
    from_build: HashSet<String>,
    /// Every value the script assigns to each name; `None` for a value that is not a node of
    /// the tree and may hold anything (`read x`, `mapfile x`).
    values: HashMap<&'s str, Vec<Option<Node<'s>>>>,
    text: &'s str,
}

impl<'s> Variables<'s> {
    pub fn of(context: &Context<'s>, script: &'s Script) -> Variables<'s> {
        let mut from_build: HashSet<String> = HashSet::new();
        let model = context.model;
        if let Some(instruction) = model.instructions.get(script.instruction) {
            let offset = instruction.range.start;
            for index in model.visible_declarations(offset) {
                if let Some(declaration) = model.declarations.get(index) {
                    from_build.insert(declaration.name.clone());
                }
            }
        }
        if let Some(run) = run_of(context, script) {
            // `RUN --mount=type=secret,env=TOKEN` sets TOKEN for the command.
            for flag in run.flags.iter().filter(|f| f.name == "mount") {
                let value = flag.value.as_deref().unwrap_or_default();
                for option in value.split(',') {
                    if let Some(("env", name)) = option.split_once('=') {
                        from_build.insert(name.to_owned());
                    }
                }
            }
        }
        let text = script.text.as_str();
        let mut values: HashMap<&str, Vec<Option<Node>>> = HashMap::new();
        let slice = |n: Node<'s>| -> &'s str { text.get(n.byte_range()).unwrap_or_default() };
        let kinds = [
            "variable_assignment",
            "declaration_command",
            "for_statement",
            "expansion",
        ];
        for node in nodes_of(context, script, &kinds) {
            match node.kind() {
                "variable_assignment" => {
                    let Some(name) = node.child_by_field_name("name") else {
                        continue;
                    };
                    let name = match name.kind() {
                        "subscript" => name.child_by_field_name("name").unwrap_or(name),
                        _ => name,
                    };
                    let value = node.child_by_field_name("value");
                    let entry = values.entry(slice(name)).or_default();
                    match value {
                        Some(v) if v.kind() == "array" => entry.push(None),
                        Some(v) => entry.push(Some(v)),
                        None => entry.push(Some(name)),
                    }
                }
                "declaration_command" => {
                    let mut cursor = node.walk();
                    for child in node.named_children(&mut cursor) {
                        if child.kind() == "variable_name" {
                            values.entry(slice(child)).or_default();
                        }
                    }
                }
                "for_statement" => {
                    let Some(variable) = node.child_by_field_name("variable") else {
                        continue;
                    };
                    let mut cursor = node.walk();
                    let words: Vec<Node> =
                        node.children_by_field_name("value", &mut cursor).collect();
                    let entry = values.entry(slice(variable)).or_default();
                    if words.is_empty() {
                        entry.push(None);
                    }
                    // A word with an unquoted expansion splits into values nobody knows.
                    entry.extend(
                        words
                            .into_iter()
                            .map(|w| (!has_unquoted_expansion(w)).then_some(w)),
                    );
                }
                "expansion" => {
                    if let Some(p) = parameter(node, text) {
                        if matches!(p.operator, Some(":=" | "=")) {
                            values.entry(p.name).or_default().push(p.argument);
                        }
                    }
                }
                _ => {}
            }
        }
        for command in &script.commands {
            for name in assigned_by_command(command) {
                if let Some(name) = text.get(name.clone()) {
                    values.entry(name).or_default().push(None);
                }
            }
        }
        Variables {
            from_build,
            values,
            text,
        }
    }

    /// Whether the Dockerfile or the script gives `name` a value (or declares it), or it is
    /// one of the proxy variables a build passes through.
    pub fn is_assigned(&self, name: &str) -> bool {
        self.from_build.contains(name)
            || self.values.contains_key(name)
            || BUILD_ENVIRONMENT.contains(&name)
    }

    fn spaceless_name<'a>(&'a self, name: &'a str, visiting: &mut Vec<&'a str>) -> bool {
        if special_is_safe(name) {
            return true;
        }
        let from_build = self.from_build.contains(name) || BUILD_ENVIRONMENT.contains(&name);
        if visiting.contains(&name) {
            return from_build;
        }
        let Some(values) = self.values.get(name).filter(|v| !v.is_empty()) else {
            return from_build;
        };
        visiting.push(name);
        let safe = values.iter().all(|value| match value {
            Some(node) => self.spaceless_value(*node, visiting),
            None => false,
        });
        visiting.pop();
        safe
    }

    fn spaceless_value<'a>(&'a self, node: Node<'a>, visiting: &mut Vec<&'a str>) -> bool {
        let raw = self.text.get(node.byte_range()).unwrap_or_default();
        let plain =
            |s: &str| !s.contains(|c: char| c.is_whitespace() || matches!(c, '*' | '?' | '['));
        match node.kind() {
            "variable_name" | "number" | "arithmetic_expansion" => true,
            "word" | "string_content" | "heredoc_content" => plain(raw),
            "raw_string" => plain(raw.trim_matches('\'')),
            "string" | "concatenation" => {
                let mut cursor = node.walk();
                let children: Vec<Node> = node.named_children(&mut cursor).collect();
                children
                    .into_iter()
                    .all(|child| self.spaceless_value(child, visiting))
            }
            "simple_expansion" | "expansion" => self.spaceless_expansion(node, visiting),
            _ => false,
        }
    }

    fn spaceless_expansion<'a>(&'a self, node: Node<'a>, visiting: &mut Vec<&'a str>) -> bool {
        let Some(p) = parameter(node, self.text) else {
            return false;
        };
        if p.length {
            return true;
        }
        if p.indirect || p.all_elements {
            return false;
        }
        let argument_safe = |visiting: &mut Vec<&'a str>| {
            p.argument
                .is_none_or(|argument| self.spaceless_value(argument, visiting))
        };
        match p.operator {
            Some(":-" | "-" | ":=" | "=") => {
                self.spaceless_name(p.name, visiting) && argument_safe(visiting)
            }
            Some(":+" | "+") => argument_safe(visiting),
            _ => self.spaceless_name(p.name, visiting),
        }
    }

    /// [`Variables::is_spaceless`] for the value of an expansion node.
    pub fn expansion_is_spaceless(&self, node: Node) -> bool {
        self.spaceless_expansion(node, &mut Vec::new())
    }
}

/// Whether a word holds an expansion outside quotes (`$list`, `a$x`, `$(ls)`).
fn has_unquoted_expansion(word: Node) -> bool {
    match word.kind() {
        "simple_expansion" | "expansion" | "command_substitution" => true,
        "concatenation" => {
            let mut cursor = word.walk();
            let children: Vec<Node> = word.named_children(&mut cursor).collect();
            children.into_iter().any(has_unquoted_expansion)
        }
        _ => false,
    }
}

/// The script ranges of the names a command assigns: `read a b`, `mapfile lines`,
/// `printf -v out`, `getopts "ab" opt`.
fn assigned_by_command(command: &SimpleCommand) -> Vec<std::ops::Range<usize>> {
    let Some(program) = command.program() else {
        return Vec::new();
    };
    let args = command.arguments();
    let names = |skip_value: &[char]| {
        let mut names = Vec::new();
        let mut i = 0;
        while let Some(word) = args.get(i) {
            i += 1;
            if let Some(flags) = word.text.strip_prefix('-') {
                if flags
                    .chars()
                    .last()
                    .is_some_and(|c| skip_value.contains(&c))
                {
                    i += 1;
                }
                continue;
            }
            names.push(word.range.clone());
        }
        names
    };
    match program {
        "read" => names(&['p', 'd', 't', 'n', 'N', 'u', 'i']),
        "mapfile" | "readarray" => names(&['d', 'n', 'O', 's', 'u', 'C', 'c'])
            .into_iter()
            .take(1)
            .collect(),
        "getopts" => args.get(1).map(|w| w.range.clone()).into_iter().collect(),
        "printf" => args
            .windows(2)
            .find(|pair| pair[0].text == "-v")
            .map(|pair| pair[1].range.clone())
            .into_iter()
            .collect(),
        _ => Vec::new(),
    }
}

/// Whether the script turns on `errexit` (`set -e`, `set -eux`, `set -o errexit`) anywhere.
pub fn sets_errexit(script: &Script) -> bool {
    script.commands.iter().any(|c| {
        c.program() == Some("set")
            && c.arguments().iter().enumerate().any(|(i, w)| {
                let text = w.text.as_str();
                (text.starts_with('-')
                    && !text.starts_with("--")
                    && text[1..].chars().all(|c| c.is_ascii_alphabetic())
                    && text.contains('e'))
                    || (text == "-o"
                        && c.arguments()
                            .get(i + 1)
                            .is_some_and(|n| n.text == "errexit"))
            })
    })
}

/// Whether the bash-only checks apply: the script runs in POSIX sh, dash or ash.
pub fn is_posix_like(dialect: Dialect) -> bool {
    matches!(dialect, Dialect::Sh | Dialect::Dash | Dialect::Ash)
}

/// An edit that puts `open` before and `close` after a script range, written for the form the
/// script comes in: in an exec-form RUN a double quote is `\"`.
pub fn wrap(
    script: &Script,
    range: std::ops::Range<usize>,
    open: &str,
    close: &str,
) -> Vec<crate::diagnostic::Edit> {
    let escape = |s: &str| match script.origin {
        crate::shell::Origin::ExecForm => s.replace('\\', "\\\\").replace('"', "\\\""),
        _ => s.to_owned(),
    };
    let source = script.source_range(range);
    vec![
        crate::diagnostic::Edit {
            range: source.start..source.start,
            new_text: escape(open),
        },
        crate::diagnostic::Edit {
            range: source.end..source.end,
            new_text: escape(close),
        },
    ]
}
