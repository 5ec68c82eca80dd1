//! The Dockerfile syntax tree: parsing, syntax errors and the S-expression dump.
//!
//! This is the only module that talks to tree-sitter. Parsing never fails: any input, including
//! invalid UTF-8 and NUL bytes, yields a tree, and syntax errors are reported as plain values.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::num::NonZeroU16;
use std::ops::Range;
use std::sync::OnceLock;

use tree_sitter::{InputEdit, Language, Node, Parser, Point, Tree, TreeCursor};

/// The tree-sitter language of the Dockerfile grammar.
pub fn language() -> Language {
    tree_sitter_dockls::LANGUAGE.into()
}

/// Parses a whole document.
///
/// Accepts `&str` as well as raw bytes, so files that are not valid UTF-8 still parse.
pub fn parse<T: AsRef<[u8]> + ?Sized>(text: &T) -> Tree {
    parse_with(text.as_ref(), None)
}

/// Parses `text` again, reusing the unchanged parts of `old_tree`.
///
/// Every change made to the text since `old_tree` was produced must already have been applied to
/// `old_tree` with [`Tree::edit`] (see [`edit_for_replacement`]).
pub fn reparse<T: AsRef<[u8]> + ?Sized>(text: &T, old_tree: &Tree) -> Tree {
    parse_with(text.as_ref(), Some(old_tree))
}

/// A parser set to the Dockerfile language.
pub fn parser() -> Parser {
    let mut parser = Parser::new();
    // This fails only on a build defect (an ABI mismatch between the generated parser and the
    // tree-sitter crate), not on any input; the tests catch it.
    parser
        .set_language(&language())
        .expect("the generated Dockerfile parser matches the tree-sitter ABI");
    parser
}

fn parse_with(text: &[u8], old_tree: Option<&Tree>) -> Tree {
    let mut parser = parser();
    // `parse` returns `None` only when no language is set or parsing was cancelled or timed
    // out; we set a language and never cancel.
    parser
        .parse(text, old_tree)
        .expect("a parser with a language and no cancellation always returns a tree")
}

/// Describes the replacement of `range` in `old_text` by `new_text`, for [`Tree::edit`].
///
/// Out-of-bounds ranges are clamped to the text, so a stale range cannot panic.
pub fn edit_for_replacement(old_text: &[u8], range: Range<usize>, new_text: &[u8]) -> InputEdit {
    let start = range.start.min(old_text.len());
    let old_end = range.end.clamp(start, old_text.len());
    let start_position = point_at(old_text, start);
    let old_end_position = point_at(old_text, old_end);
    let new_end_position = advance_point(start_position, new_text);
    InputEdit {
        start_byte: start,
        old_end_byte: old_end,
        new_end_byte: start + new_text.len(),
        start_position,
        old_end_position,
        new_end_position,
    }
}

/// The tree-sitter position (row, byte column) of `offset` in `text`.
fn point_at(text: &[u8], offset: usize) -> Point {
    let offset = offset.min(text.len());
    advance_point(Point::new(0, 0), &text[..offset])
}

fn advance_point(start: Point, text: &[u8]) -> Point {
    match text.iter().rposition(|&byte| byte == b'\n') {
        Some(last_newline) => {
            let newlines = text.iter().filter(|&&byte| byte == b'\n').count();
            Point::new(start.row + newlines, text.len() - last_newline - 1)
        }
        None => Point::new(start.row, start.column + text.len()),
    }
}

/// One syntax error found in a tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Byte range in the text; empty for a missing node.
    pub range: Range<usize>,
    /// 0-based line of the start of the range.
    pub line: usize,
    /// 0-based byte column of the start of the range.
    pub column: usize,
    pub kind: SyntaxErrorKind,
    /// A short, human-readable description.
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyntaxErrorKind {
    /// Text the grammar could not fit anywhere (a tree-sitter `ERROR` node).
    Error,
    /// A node the parser had to assume to finish a construct; holds the node kind, for
    /// example `"]"` or `"heredoc_end"`.
    Missing(String),
}

/// The ids of the language's named node kinds and of its fields, looked up once: the language's
/// own lookups search every name on each call, which shows in profiles of large files.
struct Ids {
    kinds: HashMap<String, u16>,
    fields: HashMap<String, NonZeroU16>,
}

fn ids() -> &'static Ids {
    static IDS: OnceLock<Ids> = OnceLock::new();
    IDS.get_or_init(|| {
        let language = language();
        let mut kinds = HashMap::new();
        for id in 0..u16::try_from(language.node_kind_count()).unwrap_or(u16::MAX) {
            if language.node_kind_is_named(id) && language.node_kind_is_visible(id) {
                if let Some(name) = language.node_kind_for_id(id) {
                    kinds.entry(name.to_owned()).or_insert(id);
                }
            }
        }
        let mut fields = HashMap::new();
        for id in 1..=u16::try_from(language.field_count()).unwrap_or(u16::MAX) {
            if let (Some(name), Some(id)) = (language.field_name_for_id(id), NonZeroU16::new(id)) {
                fields.insert(name.to_owned(), id);
            }
        }
        Ids { kinds, fields }
    })
}

/// The id of the named node kind `kind`; 0 (no node has it) for an unknown name.
pub fn kind_id(kind: &str) -> u16 {
    ids().kinds.get(kind).copied().unwrap_or(0)
}

/// Field access by name with the field's id cached.
pub trait NodeExt<'t> {
    /// The child in field `name`, like `Node::child_by_field_name`.
    fn field(&self, name: &str) -> Option<Node<'t>>;
}

impl<'t> NodeExt<'t> for Node<'t> {
    fn field(&self, name: &str) -> Option<Node<'t>> {
        let id = ids().fields.get(name)?;
        self.child_by_field_id(id.get())
    }
}

/// The descendants of `node` (itself included) whose kind is one of `kinds`, in document order,
/// found in one walk with a cursor (no allocation per node).
pub fn descendants_of_kinds<'t>(node: Node<'t>, kinds: &[&str]) -> Vec<Node<'t>> {
    let ids: Vec<u16> = kinds
        .iter()
        .map(|kind| kind_id(kind))
        .filter(|&id| id != 0)
        .collect();
    let mut out = Vec::new();
    let mut cursor = node.walk();
    loop {
        let current = cursor.node();
        if ids.contains(&current.kind_id()) {
            out.push(current);
        }
        if cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.node() == node {
                return out;
            }
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return out;
            }
        }
    }
}

/// Every `ERROR` and `MISSING` node of `tree`, in document order.
///
/// An `ERROR` node is reported once: nothing inside it is reported separately.
pub fn syntax_errors(tree: &Tree, text: &[u8]) -> Vec<SyntaxError> {
    let mut errors = Vec::new();
    let mut cursor = tree.walk();
    if !cursor.node().has_error() {
        return errors;
    }
    loop {
        let node = cursor.node();
        let mut descend = false;
        if node.is_error() {
            errors.push(error_at(
                node,
                SyntaxErrorKind::Error,
                error_message(node, text),
            ));
        } else if node.is_missing() {
            let kind = node.kind().to_owned();
            let message = missing_message(node);
            errors.push(error_at(node, SyntaxErrorKind::Missing(kind), message));
        } else {
            // Subtrees without errors are skipped whole, so this walk follows only the paths
            // that lead to errors.
            descend = node.has_error();
        }
        if descend && cursor.goto_first_child() {
            continue;
        }
        if !goto_next_in_preorder(&mut cursor) {
            break;
        }
    }
    errors
}

/// Moves to the next sibling, or to the next sibling of the nearest ancestor that has one.
fn goto_next_in_preorder(cursor: &mut TreeCursor) -> bool {
    loop {
        if cursor.goto_next_sibling() {
            return true;
        }
        if !cursor.goto_parent() {
            return false;
        }
    }
}

fn error_at(node: Node, kind: SyntaxErrorKind, message: String) -> SyntaxError {
    let start = node.start_position();
    SyntaxError {
        range: node.byte_range(),
        line: start.row,
        column: start.column,
        kind,
        message,
    }
}

/// Says what is missing in the user's terms: a missing token is named by the construct it would
/// have started or ended (a missing `$` inside a path means the path is missing).
fn missing_message(node: Node) -> String {
    let described = if node.is_named() {
        describe_kind(node.kind())
    } else {
        node.parent()
            .filter(|parent| parent.is_named() && !parent.is_error())
            .and_then(|parent| describe_kind(parent.kind()))
    };
    match described {
        Some(what) => format!("expected {what} here"),
        None => format!("expected `{}` here", node.kind()),
    }
}

fn describe_kind(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "heredoc_end" => "the line that ends the heredoc",
        "heredoc" => "the heredoc's body",
        "path" => "a path",
        "image_spec" | "image_name" => "an image name",
        "image_tag" => "a tag",
        "image_digest" => "a digest",
        "stage_name" => "a stage name",
        "shell_command" | "exec_form" => "a command",
        "flag_value" | "mount_options" | "mount_value" => "a flag value",
        "word" => "an argument",
        "variable_name" => "a variable name",
        "expose_port" => "a port",
        "user_name" => "a user name",
        "group_name" => "a group name",
        "json_string" | "double_quoted_string" | "single_quoted_string" => "a closing quote",
        "expansion" => "`}`",
        _ => return None,
    })
}

/// Longest snippet of source text quoted in a message, in characters.
const SNIPPET_CHARS: usize = 40;

fn error_message(node: Node, text: &[u8]) -> String {
    let snippet = line_snippet(text, node.start_byte());
    if snippet.is_empty() {
        "syntax error".to_owned()
    } else {
        format!("syntax error in `{snippet}`")
    }
}

/// The line containing `offset`, trimmed and shortened for a message; lossy for invalid UTF-8.
pub fn line_snippet(text: &[u8], offset: usize) -> String {
    let offset = offset.min(text.len());
    let line_start = text[..offset]
        .iter()
        .rposition(|&byte| byte == b'\n')
        .map_or(0, |newline| newline + 1);
    let line_end = text[offset..]
        .iter()
        .position(|&byte| byte == b'\n')
        .map_or(text.len(), |newline| offset + newline);
    let line: String = String::from_utf8_lossy(&text[line_start..line_end])
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let line = line.trim();
    let mut snippet: String = line.chars().take(SNIPPET_CHARS).collect();
    if line.chars().nth(SNIPPET_CHARS).is_some() {
        snippet.push('…');
    }
    snippet
}

/// The tree as an S-expression, in the format of `tree-sitter parse`: named nodes only,
/// `field: ` prefixes, `[row, column] - [row, column]` ranges, two spaces of indentation per
/// level, and missing nodes as `(MISSING kind ...)` or `(MISSING "token" ...)`.
pub fn to_sexp(tree: &Tree) -> String {
    let mut out = String::new();
    let mut cursor = tree.walk();
    let mut depth = 0usize;
    let mut visited_children = false;
    loop {
        let node = cursor.node();
        // Anonymous tokens are printed only when missing, since then they explain the error.
        let printed = node.is_named() || node.is_missing();
        if visited_children {
            if printed {
                out.push(')');
            }
            if cursor.goto_next_sibling() {
                visited_children = false;
            } else if cursor.goto_parent() {
                depth -= 1;
            } else {
                break;
            }
        } else {
            if printed {
                if !out.is_empty() {
                    out.push('\n');
                }
                for _ in 0..depth {
                    out.push_str("  ");
                }
                if let Some(field) = cursor.field_name() {
                    out.push_str(field);
                    out.push_str(": ");
                }
                out.push('(');
                if node.is_missing() {
                    if node.is_named() {
                        out.push_str("MISSING ");
                        out.push_str(node.kind());
                    } else {
                        let _ = write!(out, "MISSING {:?}", node.kind());
                    }
                } else {
                    out.push_str(node.kind());
                }
                let (start, end) = (node.start_position(), node.end_position());
                let _ = write!(
                    out,
                    " [{}, {}] - [{}, {}]",
                    start.row, start.column, end.row, end.column
                );
            }
            if cursor.goto_first_child() {
                depth += 1;
            } else {
                visited_children = true;
            }
        }
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_file_has_no_errors() {
        let text = "FROM alpine:3 AS build\nRUN echo hi\n";
        let tree = parse(text);
        assert_eq!(syntax_errors(&tree, text.as_bytes()), vec![]);
        assert!(to_sexp(&tree).starts_with("(source_file [0, 0] - [2, 0]\n  (from_instruction"));
    }

    #[test]
    fn broken_line_is_an_error_on_that_line_only() {
        let text = "RUN echo a\nFROM \nRUN echo b\n";
        let tree = parse(text);
        let errors = syntax_errors(&tree, text.as_bytes());
        assert!(!errors.is_empty());
        assert!(errors.iter().all(|error| error.line == 1), "{errors:?}");
        assert_eq!(errors[0].kind, SyntaxErrorKind::Error);
        assert_eq!(errors[0].message, "syntax error in `FROM`");
    }

    #[test]
    fn sexp_has_fields_ranges_and_indentation() {
        let tree = parse("FROM alpine AS b\n");
        let expected = "\
(source_file [0, 0] - [1, 0]
  (from_instruction [0, 0] - [0, 16]
    image: (image_spec [0, 5] - [0, 11]
      name: (image_name [0, 5] - [0, 11]))
    name: (stage_name [0, 15] - [0, 16])))
";
        assert_eq!(to_sexp(&tree), expected);
    }

    #[test]
    fn half_typed_copy_names_the_missing_path() {
        let text = "COPY --fr\n";
        let errors = syntax_errors(&parse(text), text.as_bytes());
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].message, "expected a path here");
        assert_eq!((errors[0].line, errors[0].column), (0, 9));
    }

    #[test]
    fn unterminated_heredoc_is_a_missing_end() {
        let text = "RUN <<EOF\nx\n";
        let tree = parse(text);
        assert!(to_sexp(&tree).contains("end: (MISSING heredoc_end [2, 0] - [2, 0])"));
        let errors = syntax_errors(&tree, text.as_bytes());
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(
            errors[0].kind,
            SyntaxErrorKind::Missing("heredoc_end".to_owned())
        );
        assert_eq!((errors[0].line, errors[0].column), (2, 0));
        assert_eq!(errors[0].range, 12..12);
        assert_eq!(
            errors[0].message,
            "expected the line that ends the heredoc here"
        );
    }

    #[test]
    fn bytes_that_are_not_utf8_parse() {
        let text = b"FROM alpine\nRUN echo \xff\xfe\x00 done\n";
        let tree = parse(&text[..]);
        assert_eq!(tree.root_node().kind(), "source_file");
        assert_eq!(tree.root_node().end_byte(), text.len());
    }

    #[test]
    fn empty_input_parses() {
        let tree = parse("");
        assert_eq!(to_sexp(&tree), "(source_file [0, 0] - [0, 0])\n");
        assert!(syntax_errors(&tree, b"").is_empty());
    }

    #[test]
    fn reparse_after_edit_matches_full_parse() {
        let old_text = b"FROM alpine\nRUN echo a\n".to_vec();
        let mut tree = parse(&old_text);
        let edit = edit_for_replacement(&old_text, 16..20, b"make\n  && echo b");
        tree.edit(&edit);
        let new_text = b"FROM alpine\nRUN make\n  && echo b\n".to_vec();
        let incremental = reparse(&new_text, &tree);
        assert_eq!(to_sexp(&incremental), to_sexp(&parse(&new_text)));
    }

    #[test]
    fn edit_positions_count_lines_and_byte_columns() {
        let edit = edit_for_replacement(b"ab\ncd\nef", 4..7, b"x\nyz");
        assert_eq!(edit.start_position, Point::new(1, 1));
        assert_eq!(edit.old_end_position, Point::new(2, 1));
        assert_eq!(edit.new_end_position, Point::new(2, 2));
        assert_eq!(edit.new_end_byte, 8);
    }

    #[test]
    fn out_of_bounds_edit_is_clamped() {
        let edit = edit_for_replacement(b"abc", 10..20, b"");
        assert_eq!((edit.start_byte, edit.old_end_byte), (3, 3));
    }

    #[test]
    fn snippet_is_shortened_and_lossy() {
        let long = format!("RUN {}\n", "x".repeat(100));
        let snippet = line_snippet(long.as_bytes(), 10);
        assert_eq!(snippet.chars().count(), SNIPPET_CHARS + 1);
        assert!(snippet.ends_with('…'));
        assert_eq!(line_snippet(b"a\n\xffb\x00\nc", 3), "\u{fffd}b");
    }
}
