//! The one place that converts between the analysis API (byte offsets, markdown, editor-term
//! items) and LSP types (line/column positions in the negotiated encoding, protocol items).
//!
//! Client positions are untrusted: a line past the end clamps to the end of the document, a
//! column past the end of its line clamps to the end of the line (before its line break), and a
//! column inside a character (a UTF-8 sequence or a UTF-16 surrogate pair) floors to the start
//! of that character. Each conversion says whether it had to clamp, so the server can log it.

use std::ops::Range;

use ropey::Rope;
use tower_lsp_server::ls_types::{self as lsp, Uri};

use super::actions::{snippet_text, DiagnosticData};
use crate::completion::{CompletionItem, CompletionKind};
use crate::config::ConfigProblem;
use crate::diagnostic::{Diagnostic, Edit, Fix, Severity};
use crate::folding::{Fold, FoldKind};
use crate::hover::Hover;
use crate::inlay::{InlayHint, InlayKind};
use crate::links::Link;
use crate::navigation::{Highlight, HighlightKind};
use crate::rules;
use crate::signature::SignatureHelp;
use crate::symbols::{Symbol, SymbolKind};
use crate::tokens::{Modifiers, Token as CoreToken, TokenKind};

/// How columns are counted, as negotiated at initialize.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PositionEncoding {
    /// Columns count UTF-8 bytes.
    Utf8,
    /// Columns count UTF-16 code units; LSP's default.
    #[default]
    Utf16,
    /// Columns count Unicode code points.
    Utf32,
}

impl PositionEncoding {
    /// UTF-8 when the client offers it (it costs no conversion), then UTF-32 (a code point
    /// count, still cheaper than UTF-16 in a rope), else the mandatory UTF-16.
    pub fn negotiate(offered: Option<&[lsp::PositionEncodingKind]>) -> PositionEncoding {
        let offered = offered.unwrap_or_default();
        if offered.contains(&lsp::PositionEncodingKind::UTF8) {
            PositionEncoding::Utf8
        } else if offered.contains(&lsp::PositionEncodingKind::UTF32) {
            PositionEncoding::Utf32
        } else {
            PositionEncoding::Utf16
        }
    }

    pub fn kind(self) -> lsp::PositionEncodingKind {
        match self {
            PositionEncoding::Utf8 => lsp::PositionEncodingKind::UTF8,
            PositionEncoding::Utf16 => lsp::PositionEncodingKind::UTF16,
            PositionEncoding::Utf32 => lsp::PositionEncodingKind::UTF32,
        }
    }
}

/// A converted client value and whether it pointed outside the text and had to be clamped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clamped<T> {
    pub value: T,
    pub clamped: bool,
}

/// The byte offset of a client position.
pub fn offset(rope: &Rope, position: lsp::Position, encoding: PositionEncoding) -> Clamped<usize> {
    let line = position.line as usize;
    if line >= rope.len_lines() {
        return Clamped {
            value: rope.len_bytes(),
            clamped: true,
        };
    }
    let start = rope.line_to_byte(line);
    let end = line_content_end(rope, line);
    let column = position.character as usize;
    match encoding {
        PositionEncoding::Utf8 => {
            if column > end - start {
                return Clamped {
                    value: end,
                    clamped: true,
                };
            }
            let char_index = rope.byte_to_char(start + column);
            Clamped {
                value: rope.char_to_byte(char_index),
                clamped: false,
            }
        }
        PositionEncoding::Utf16 => {
            let start_unit = rope.char_to_utf16_cu(rope.byte_to_char(start));
            let end_unit = rope.char_to_utf16_cu(rope.byte_to_char(end));
            if column > end_unit - start_unit {
                return Clamped {
                    value: end,
                    clamped: true,
                };
            }
            let char_index = rope.utf16_cu_to_char(start_unit + column);
            Clamped {
                value: rope.char_to_byte(char_index),
                clamped: false,
            }
        }
        PositionEncoding::Utf32 => {
            let start_char = rope.byte_to_char(start);
            let end_char = rope.byte_to_char(end);
            if column > end_char - start_char {
                return Clamped {
                    value: end,
                    clamped: true,
                };
            }
            Clamped {
                value: rope.char_to_byte(start_char + column),
                clamped: false,
            }
        }
    }
}

/// The byte range of a client range. A range whose end comes before its start is emptied at
/// its start.
pub fn byte_range(
    rope: &Rope,
    range: lsp::Range,
    encoding: PositionEncoding,
) -> Clamped<Range<usize>> {
    let start = offset(rope, range.start, encoding);
    let end = offset(rope, range.end, encoding);
    let reversed = end.value < start.value;
    Clamped {
        value: start.value..end.value.max(start.value),
        clamped: start.clamped || end.clamped || reversed,
    }
}

/// The client position of a byte offset. Offsets past the end, inside a character or inside a
/// line break are moved to the nearest position before them.
pub fn position(rope: &Rope, offset: usize, encoding: PositionEncoding) -> lsp::Position {
    let offset = offset.min(rope.len_bytes());
    let line = rope.byte_to_line(offset);
    let start = rope.line_to_byte(line);
    if offset - start > SHORT_COLUMN {
        return position_far_in_line(rope, offset, encoding);
    }
    // Count the columns of the characters before the offset on its line: two lookups in the
    // rope and a short walk, where converting through character indexes takes nine lookups.
    let mut column = 0;
    let mut at = start;
    'line: for chunk in rope.line(line).chunks() {
        for c in chunk.chars() {
            let next = at + c.len_utf8();
            if c == '\n' || c == '\r' || next > offset {
                break 'line;
            }
            at = next;
            column += match encoding {
                PositionEncoding::Utf8 => c.len_utf8(),
                PositionEncoding::Utf16 => c.len_utf16(),
                PositionEncoding::Utf32 => 1,
            };
        }
    }
    lsp::Position::new(saturate(line), saturate(column))
}

/// How far into its line an offset may be for [`position`] to count its column character by
/// character; past it, a line a megabyte long would make every conversion on it slow.
const SHORT_COLUMN: usize = 4096;

/// [`position`] through the rope's character indexes, whose cost does not grow with the
/// column.
fn position_far_in_line(rope: &Rope, offset: usize, encoding: PositionEncoding) -> lsp::Position {
    let offset = offset.min(rope.len_bytes());
    let char_index = rope.byte_to_char(offset);
    let line = rope.char_to_line(char_index);
    let start = rope.line_to_byte(line);
    let offset = rope
        .char_to_byte(char_index)
        .min(line_content_end(rope, line));
    let column = match encoding {
        PositionEncoding::Utf8 => offset - start,
        PositionEncoding::Utf16 => {
            rope.char_to_utf16_cu(rope.byte_to_char(offset))
                - rope.char_to_utf16_cu(rope.byte_to_char(start))
        }
        PositionEncoding::Utf32 => rope.byte_to_char(offset) - rope.byte_to_char(start),
    };
    lsp::Position::new(saturate(line), saturate(column))
}

/// The client range of a byte range.
pub fn range(rope: &Rope, range: Range<usize>, encoding: PositionEncoding) -> lsp::Range {
    let start = position(rope, range.start, encoding);
    let end = position(rope, range.end.max(range.start), encoding);
    lsp::Range::new(start, end)
}

/// The byte offset where `line`'s text ends, before its `\n`, `\r\n` or lone `\r`.
fn line_content_end(rope: &Rope, line: usize) -> usize {
    let next = rope.line_to_byte(line + 1);
    let start = rope.line_to_byte(line);
    if next == start {
        return next;
    }
    let last = rope.byte(next - 1);
    if last == b'\n' && next - start >= 2 && rope.byte(next - 2) == b'\r' {
        next - 2
    } else if last == b'\n' || last == b'\r' {
        next - 1
    } else {
        next
    }
}

fn saturate(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// Where a rule's documentation page lives; the diagnostic's `codeDescription` links to it.
pub const RULE_DOCS_URL: &str = "https://github.com/dockls/dockls/blob/main/docs/rules/";

/// The code of a problem in a settings file.
pub const CONFIG_ERROR_CODE: &str = "config-error";

/// The protocol form of a diagnostic computed on the client's `version` of the document. A rule's
/// diagnostic links to the rule's page and carries what a code action needs to find it again
/// (see [`super::actions`]).
pub fn diagnostic(
    rope: &Rope,
    diagnostic: &Diagnostic,
    encoding: PositionEncoding,
    version: i32,
) -> lsp::Diagnostic {
    let rule = rules::named(diagnostic.code);
    lsp::Diagnostic {
        range: range(rope, diagnostic.range.clone(), encoding),
        severity: Some(severity(diagnostic.severity)),
        code: Some(lsp::NumberOrString::String(diagnostic.code.to_owned())),
        code_description: rule.and_then(|rule| {
            let href = format!("{RULE_DOCS_URL}{}.md", rule.name);
            Some(lsp::CodeDescription {
                href: href.parse().ok()?,
            })
        }),
        source: Some("dockls".to_owned()),
        message: diagnostic.message.clone(),
        data: rule.map(|rule| {
            DiagnosticData {
                version,
                rule: rule.name.to_owned(),
                range: diagnostic.range.clone(),
            }
            .to_json()
        }),
        ..lsp::Diagnostic::default()
    }
}

/// The protocol form of a problem in a settings file; `rope` holds the file's text.
pub fn config_problem(
    rope: &Rope,
    problem: &ConfigProblem,
    encoding: PositionEncoding,
) -> lsp::Diagnostic {
    lsp::Diagnostic {
        range: range(rope, problem.range.clone(), encoding),
        severity: Some(severity(problem.severity)),
        code: Some(lsp::NumberOrString::String(CONFIG_ERROR_CODE.to_owned())),
        source: Some("dockls".to_owned()),
        message: problem.message.clone(),
        ..lsp::Diagnostic::default()
    }
}

/// The document a code action edits, and how the client wants edits addressed.
pub struct EditTarget<'a> {
    pub uri: &'a lsp::Uri,
    pub rope: &'a Rope,
    pub version: i32,
    pub encoding: PositionEncoding,
    /// The client takes `documentChanges`, which carry the version, so it can refuse an edit
    /// of a text that changed since; otherwise `changes`.
    pub document_changes: bool,
}

/// Edits of one document as a workspace edit, versioned when the client takes that.
pub fn workspace_edit(target: &EditTarget, edits: Vec<lsp::TextEdit>) -> lsp::WorkspaceEdit {
    if target.document_changes {
        lsp::WorkspaceEdit {
            document_changes: Some(lsp::DocumentChanges::Edits(vec![lsp::TextDocumentEdit {
                text_document: lsp::OptionalVersionedTextDocumentIdentifier {
                    uri: target.uri.clone(),
                    version: Some(target.version),
                },
                edits: edits.into_iter().map(lsp::OneOf::Left).collect(),
            }])),
            ..lsp::WorkspaceEdit::default()
        }
    } else {
        lsp::WorkspaceEdit {
            changes: Some(std::iter::once((target.uri.clone(), edits)).collect()),
            ..lsp::WorkspaceEdit::default()
        }
    }
}

/// The protocol form of a fix: a code action of `kind` resolving `diagnostics`. A snippet fix is
/// applied as its default text (see [`snippet_text`]).
pub fn code_action(
    target: &EditTarget,
    fix: &Fix,
    kind: lsp::CodeActionKind,
    diagnostics: Vec<lsp::Diagnostic>,
    preferred: bool,
) -> lsp::CodeAction {
    lsp::CodeAction {
        edit: Some(fix_edit(target, fix)),
        ..code_action_title(fix, kind, diagnostics, preferred)
    }
}

/// A code action without its edit, for a client that asks for it with `codeAction/resolve`.
pub fn code_action_title(
    fix: &Fix,
    kind: lsp::CodeActionKind,
    diagnostics: Vec<lsp::Diagnostic>,
    preferred: bool,
) -> lsp::CodeAction {
    lsp::CodeAction {
        title: fix.title.clone(),
        kind: Some(kind),
        diagnostics: (!diagnostics.is_empty()).then_some(diagnostics),
        is_preferred: preferred.then_some(true),
        ..lsp::CodeAction::default()
    }
}

/// The workspace edit that applies a fix to the target document.
pub fn fix_edit(target: &EditTarget, fix: &Fix) -> lsp::WorkspaceEdit {
    let edits: Vec<lsp::TextEdit> = fix
        .edits
        .iter()
        .map(|edit| lsp::TextEdit {
            range: range(target.rope, edit.range.clone(), target.encoding),
            new_text: if fix.is_snippet {
                snippet_text(&edit.new_text)
            } else {
                edit.new_text.clone()
            },
        })
        .collect();
    workspace_edit(target, edits)
}

fn severity(severity: Severity) -> lsp::DiagnosticSeverity {
    match severity {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Information => lsp::DiagnosticSeverity::INFORMATION,
        Severity::Hint => lsp::DiagnosticSeverity::HINT,
    }
}

/// How completion items are shaped for this client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CompletionShape {
    /// Documentation is sent as markdown rather than plain text.
    pub markdown: bool,
    /// Documentation is left out, for `completionItem/resolve` to fill in.
    pub defer_documentation: bool,
}

/// The protocol form of a completion item.
pub fn completion_item(
    rope: &Rope,
    item: &CompletionItem,
    encoding: PositionEncoding,
    shape: CompletionShape,
) -> lsp::CompletionItem {
    let documentation = if shape.defer_documentation {
        None
    } else {
        item.documentation
            .as_deref()
            .map(|docs| documentation(docs, shape.markdown))
    };
    lsp::CompletionItem {
        label: item.label.clone(),
        kind: Some(completion_kind(item.kind)),
        detail: item.detail.clone(),
        documentation,
        sort_text: item.sort_text.clone(),
        insert_text_format: Some(if item.is_snippet {
            lsp::InsertTextFormat::SNIPPET
        } else {
            lsp::InsertTextFormat::PLAIN_TEXT
        }),
        text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit {
            range: range(rope, item.replace.clone(), encoding),
            new_text: item.insert_text.clone(),
        })),
        ..lsp::CompletionItem::default()
    }
}

/// Markdown documentation, or its plain-text rendering for clients without markdown.
pub fn documentation(markdown: &str, as_markdown: bool) -> lsp::Documentation {
    lsp::Documentation::MarkupContent(markup(markdown, as_markdown))
}

fn markup(markdown: &str, as_markdown: bool) -> lsp::MarkupContent {
    if as_markdown {
        lsp::MarkupContent {
            kind: lsp::MarkupKind::Markdown,
            value: markdown.to_owned(),
        }
    } else {
        lsp::MarkupContent {
            kind: lsp::MarkupKind::PlainText,
            value: crate::hover::plain_text(markdown),
        }
    }
}

fn completion_kind(kind: CompletionKind) -> lsp::CompletionItemKind {
    match kind {
        CompletionKind::Keyword => lsp::CompletionItemKind::KEYWORD,
        CompletionKind::Directive => lsp::CompletionItemKind::PROPERTY,
        CompletionKind::Flag => lsp::CompletionItemKind::PROPERTY,
        CompletionKind::Value => lsp::CompletionItemKind::ENUM_MEMBER,
        CompletionKind::Variable => lsp::CompletionItemKind::VARIABLE,
        CompletionKind::Stage => lsp::CompletionItemKind::REFERENCE,
    }
}

/// The protocol form of a hover. The analysis already rendered plain text when the client
/// wants it, so `markdown` only labels the contents.
pub fn hover(rope: &Rope, hover: &Hover, encoding: PositionEncoding, markdown: bool) -> lsp::Hover {
    let kind = if markdown {
        lsp::MarkupKind::Markdown
    } else {
        lsp::MarkupKind::PlainText
    };
    lsp::Hover {
        contents: lsp::HoverContents::Markup(lsp::MarkupContent {
            kind,
            value: hover.contents.clone(),
        }),
        range: Some(range(rope, hover.range.clone(), encoding)),
    }
}

/// The protocol form of a fold: whole lines, which every client supports.
pub fn folding_range(rope: &Rope, fold: &Fold) -> lsp::FoldingRange {
    let start = byte_line(rope, fold.range.start);
    let end = byte_line(rope, fold.range.end);
    lsp::FoldingRange {
        start_line: saturate(start),
        end_line: saturate(end),
        kind: Some(match fold.kind {
            FoldKind::Comment => lsp::FoldingRangeKind::Comment,
            FoldKind::Region => lsp::FoldingRangeKind::Region,
        }),
        ..lsp::FoldingRange::default()
    }
}

/// The protocol form of nested selection ranges, given innermost first.
pub fn selection_range(
    rope: &Rope,
    ranges: &[Range<usize>],
    encoding: PositionEncoding,
    position: lsp::Position,
) -> lsp::SelectionRange {
    let mut selection: Option<lsp::SelectionRange> = None;
    for byte_range in ranges.iter().rev() {
        selection = Some(lsp::SelectionRange {
            range: range(rope, byte_range.clone(), encoding),
            parent: selection.map(Box::new),
        });
    }
    // A position with nothing around it (an empty file) selects itself.
    selection.unwrap_or(lsp::SelectionRange {
        range: lsp::Range::new(position, position),
        parent: None,
    })
}

/// The protocol form of a document link; `None` when the target is no valid URI.
pub fn document_link(
    rope: &Rope,
    link: &Link,
    encoding: PositionEncoding,
) -> Option<lsp::DocumentLink> {
    Some(lsp::DocumentLink {
        range: range(rope, link.range.clone(), encoding),
        target: Some(link.target.parse().ok()?),
        tooltip: Some(link.tooltip.clone()),
        data: None,
    })
}

/// The 0-based line of a byte offset.
fn byte_line(rope: &Rope, offset: usize) -> usize {
    rope.byte_to_line(offset.min(rope.len_bytes()))
}

/// One token from the core, with its type and modifiers already as legend indexes/bits.
pub struct Token {
    pub range: Range<usize>,
    pub kind: u32,
    pub modifiers: u32,
}

/// Encodes tokens (sorted, non-overlapping, none spanning a line break) relative to each other:
/// one pass over the text from the line of the first token, so a range request costs what its
/// range holds.
pub fn semantic_tokens(
    text: &str,
    rope: &Rope,
    tokens: &[Token],
    encoding: PositionEncoding,
) -> Vec<lsp::SemanticToken> {
    let Some(first) = tokens.first() else {
        return Vec::new();
    };
    let bytes = text.as_bytes();
    let start_line = rope.byte_to_line(first.range.start.min(rope.len_bytes()));
    let mut cursor = Cursor {
        line: start_line,
        line_start: rope.line_to_byte(start_line),
        at: rope.line_to_byte(start_line),
        column: 0,
    };
    let mut encoded = Vec::with_capacity(tokens.len());
    let (mut previous_line, mut previous_column) = (0, 0);
    for token in tokens {
        let start = token.range.start.min(text.len());
        let end = token.range.end.min(text.len());
        if start >= end || start < cursor.at || !text.is_char_boundary(start) {
            continue;
        }
        cursor.advance(text, bytes, start, encoding);
        let (line, column) = (cursor.line, cursor.column);
        let length = match text.get(start..end) {
            Some(piece) => width(piece, encoding),
            None => continue,
        };
        let delta_line = line - previous_line;
        let delta_start = if delta_line == 0 {
            column - previous_column
        } else {
            column
        };
        encoded.push(lsp::SemanticToken {
            delta_line: saturate(delta_line),
            delta_start: saturate(delta_start),
            length: saturate(length),
            token_type: token.kind,
            token_modifiers_bitset: token.modifiers,
        });
        (previous_line, previous_column) = (line, column);
    }
    encoded
}

/// A position moving forward through the text, counting columns in the client's encoding.
struct Cursor {
    line: usize,
    line_start: usize,
    at: usize,
    column: usize,
}

impl Cursor {
    fn advance(&mut self, text: &str, bytes: &[u8], to: usize, encoding: PositionEncoding) {
        // Jump over whole lines first; a line ends at LF, CRLF or a lone CR, as in the rope.
        let mut index = self.at;
        while let Some(offset) = bytes[index..to]
            .iter()
            .position(|&b| b == b'\n' || b == b'\r')
        {
            let at = index + offset;
            let next = if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
                at + 2
            } else {
                at + 1
            };
            if next > to {
                // `to` points between a CR and its LF: not a token start in practice.
                break;
            }
            self.line += 1;
            self.line_start = next;
            self.column = 0;
            self.at = next;
            index = next;
        }
        self.column += width(&text[self.at..to], encoding);
        self.at = to;
        debug_assert!(self.line_start <= self.at);
    }
}

fn width(piece: &str, encoding: PositionEncoding) -> usize {
    match encoding {
        PositionEncoding::Utf8 => piece.len(),
        PositionEncoding::Utf16 => piece.chars().map(char::len_utf16).sum(),
        PositionEncoding::Utf32 => piece.chars().count(),
    }
}

/// The protocol form of signature help. Parameter labels are offsets into the signature label,
/// counted in the negotiated encoding like every other column.
pub fn signature_help(
    help: &SignatureHelp,
    encoding: PositionEncoding,
    markdown: bool,
) -> lsp::SignatureHelp {
    let signatures = help
        .signatures
        .iter()
        .map(|signature| {
            let parameters = signature
                .parameters
                .iter()
                .map(|parameter| {
                    let label = &signature.label;
                    let start = parameter.label.start.min(label.len());
                    let end = parameter.label.end.min(label.len()).max(start);
                    let width_to = |offset: usize| {
                        saturate(
                            label
                                .get(..offset)
                                .map_or(0, |piece| width(piece, encoding)),
                        )
                    };
                    lsp::ParameterInformation {
                        label: lsp::ParameterLabel::LabelOffsets([width_to(start), width_to(end)]),
                        documentation: parameter
                            .documentation
                            .as_deref()
                            .map(|docs| documentation(docs, markdown)),
                    }
                })
                .collect();
            lsp::SignatureInformation {
                label: signature.label.clone(),
                documentation: signature
                    .documentation
                    .as_deref()
                    .map(|docs| documentation(docs, markdown)),
                parameters: Some(parameters),
                active_parameter: None,
            }
        })
        .collect();
    lsp::SignatureHelp {
        signatures,
        active_signature: Some(saturate(help.active_signature)),
        active_parameter: help.active_parameter.map(saturate),
    }
}

/// The protocol form of an inlay hint.
pub fn inlay_hint(
    rope: &Rope,
    hint: &InlayHint,
    encoding: PositionEncoding,
    markdown: bool,
) -> lsp::InlayHint {
    lsp::InlayHint {
        position: position(rope, hint.offset, encoding),
        label: lsp::InlayHintLabel::String(hint.label.clone()),
        kind: match hint.kind {
            InlayKind::Value => Some(lsp::InlayHintKind::TYPE),
            InlayKind::Command => None,
        },
        text_edits: None,
        tooltip: hint
            .tooltip
            .as_deref()
            .map(|tooltip| lsp::InlayHintTooltip::MarkupContent(markup(tooltip, markdown))),
        padding_left: Some(hint.padding_left),
        padding_right: None,
        data: None,
    }
}

/// The protocol form of plain text edits (formatting, rename).
pub fn text_edits(rope: &Rope, edits: &[Edit], encoding: PositionEncoding) -> Vec<lsp::TextEdit> {
    edits
        .iter()
        .map(|edit| lsp::TextEdit {
            range: range(rope, edit.range.clone(), encoding),
            new_text: edit.new_text.clone(),
        })
        .collect()
}

/// The protocol form of an outline entry and its children.
#[allow(deprecated)] // `DocumentSymbol::deprecated` must still be spelled out.
pub fn document_symbol(
    rope: &Rope,
    symbol: &Symbol,
    encoding: PositionEncoding,
) -> lsp::DocumentSymbol {
    lsp::DocumentSymbol {
        name: symbol.name.clone(),
        detail: symbol.detail.clone(),
        kind: symbol_kind(symbol.kind),
        tags: None,
        deprecated: None,
        range: range(rope, symbol.range.clone(), encoding),
        selection_range: range(rope, symbol.selection_range.clone(), encoding),
        // A leaf has no children field: in an outline of thousands of instructions, empty
        // lists are a good part of the answer.
        children: (!symbol.children.is_empty()).then(|| {
            symbol
                .children
                .iter()
                .map(|child| document_symbol(rope, child, encoding))
                .collect()
        }),
    }
}

/// The outline as a flat list, for clients without hierarchical symbols: each entry names the
/// one it sits in.
#[allow(deprecated)] // `SymbolInformation::deprecated` must still be spelled out.
pub fn symbol_information(
    rope: &Rope,
    uri: &Uri,
    symbols: &[Symbol],
    container: Option<&str>,
    encoding: PositionEncoding,
    out: &mut Vec<lsp::SymbolInformation>,
) {
    for symbol in symbols {
        out.push(lsp::SymbolInformation {
            name: symbol.name.clone(),
            kind: symbol_kind(symbol.kind),
            tags: None,
            deprecated: None,
            location: lsp::Location::new(
                uri.clone(),
                range(rope, symbol.selection_range.clone(), encoding),
            ),
            container_name: container.map(str::to_owned),
        });
        symbol_information(
            rope,
            uri,
            &symbol.children,
            Some(&symbol.name),
            encoding,
            out,
        );
    }
}

fn symbol_kind(kind: SymbolKind) -> lsp::SymbolKind {
    match kind {
        SymbolKind::Directive => lsp::SymbolKind::PROPERTY,
        SymbolKind::Stage => lsp::SymbolKind::MODULE,
        SymbolKind::Instruction => lsp::SymbolKind::FUNCTION,
        SymbolKind::Argument => lsp::SymbolKind::VARIABLE,
        SymbolKind::Environment => lsp::SymbolKind::CONSTANT,
    }
}

/// Locations in one document.
pub fn locations(
    rope: &Rope,
    uri: &Uri,
    ranges: &[Range<usize>],
    encoding: PositionEncoding,
) -> Vec<lsp::Location> {
    ranges
        .iter()
        .map(|byte_range| {
            lsp::Location::new(uri.clone(), range(rope, byte_range.clone(), encoding))
        })
        .collect()
}

/// The protocol form of a document highlight.
pub fn highlight(
    rope: &Rope,
    highlight: &Highlight,
    encoding: PositionEncoding,
) -> lsp::DocumentHighlight {
    lsp::DocumentHighlight {
        range: range(rope, highlight.range.clone(), encoding),
        kind: Some(match highlight.kind {
            HighlightKind::Read => lsp::DocumentHighlightKind::READ,
            HighlightKind::Write => lsp::DocumentHighlightKind::WRITE,
            HighlightKind::Text => lsp::DocumentHighlightKind::TEXT,
        }),
    }
}

/// The legend of the semantic tokens: the core's kinds and modifiers, in their order.
pub fn semantic_legend() -> lsp::SemanticTokensLegend {
    lsp::SemanticTokensLegend {
        token_types: TokenKind::ALL
            .iter()
            .map(|kind| lsp::SemanticTokenType::new(kind.name()))
            .collect(),
        token_modifiers: Modifiers::ALL
            .iter()
            .map(|name| lsp::SemanticTokenModifier::new(name))
            .collect(),
    }
}

/// The core's semantic tokens in the protocol's relative encoding.
pub fn core_semantic_tokens(
    text: &str,
    rope: &Rope,
    tokens: &[CoreToken],
    encoding: PositionEncoding,
) -> Vec<lsp::SemanticToken> {
    let tokens: Vec<Token> = tokens
        .iter()
        .map(|token| Token {
            range: token.range.clone(),
            kind: token.kind.index(),
            modifiers: token.modifiers.0,
        })
        .collect();
    semantic_tokens(text, rope, &tokens, encoding)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counting_a_column_agrees_with_converting_through_characters() {
        let texts = [
            "FROM a\r\nRUN \u{e9}\u{1f600}x\rCMD\n\n\u{1f600}\r\n",
            "\r\r\n\n\u{e9}",
            "",
            "RUN a \\\n  b\u{1f600}",
        ];
        let encodings = [
            PositionEncoding::Utf8,
            PositionEncoding::Utf16,
            PositionEncoding::Utf32,
        ];
        for text in texts {
            let rope = Rope::from_str(text);
            for offset in 0..=text.len() + 2 {
                for encoding in encodings {
                    assert_eq!(
                        position(&rope, offset, encoding),
                        position_far_in_line(&rope, offset, encoding),
                        "{text:?} at {offset} in {encoding:?}"
                    );
                }
            }
        }
    }
    use PositionEncoding::{Utf16, Utf32, Utf8};

    fn pos(line: u32, character: u32) -> lsp::Position {
        lsp::Position::new(line, character)
    }

    /// Converts a position, asserting whether it clamped.
    fn at(text: &str, line: u32, character: u32, encoding: PositionEncoding) -> (usize, bool) {
        let rope = Rope::from_str(text);
        let Clamped { value, clamped } = offset(&rope, pos(line, character), encoding);
        (value, clamped)
    }

    /// Every character boundary round-trips through a position in both encodings.
    fn round_trips(text: &str) {
        let rope = Rope::from_str(text);
        for (index, _) in text.char_indices().chain([(text.len(), ' ')]) {
            for encoding in [Utf8, Utf16] {
                let position = position(&rope, index, encoding);
                let back = offset(&rope, position, encoding);
                // A boundary between `\r` and `\n` is inside a line break: it maps to the line end.
                if text[..index].ends_with('\r') && text[index..].starts_with('\n') {
                    assert_eq!(back.value, index - 1, "{text:?} at {index} in {encoding:?}");
                } else {
                    assert_eq!(back.value, index, "{text:?} at {index} in {encoding:?}");
                }
                assert!(!back.clamped);
            }
        }
    }

    #[test]
    fn negotiation_prefers_utf8_when_offered() {
        use lsp::PositionEncodingKind as Kind;
        assert_eq!(PositionEncoding::negotiate(None), Utf16);
        assert_eq!(PositionEncoding::negotiate(Some(&[Kind::UTF16])), Utf16);
        assert_eq!(
            PositionEncoding::negotiate(Some(&[Kind::UTF16, Kind::UTF8])),
            Utf8
        );
        assert_eq!(PositionEncoding::negotiate(Some(&[Kind::UTF32])), Utf32);
        assert_eq!(
            PositionEncoding::negotiate(Some(&[Kind::UTF32, Kind::UTF8])),
            Utf8
        );
    }

    #[test]
    fn accents_count_two_bytes_and_one_unit() {
        let text = "RUN é x\n";
        assert_eq!(at(text, 0, 6, Utf16), (7, false));
        assert_eq!(at(text, 0, 7, Utf8), (7, false));
        // Byte 5 is inside `é`: it floors to the character's start.
        assert_eq!(at(text, 0, 5, Utf8), (4, false));
        round_trips(text);
    }

    #[test]
    fn cjk_counts_three_bytes_and_one_unit() {
        let text = "LABEL 中文=1\nRUN 中\n";
        assert_eq!(at(text, 0, 8, Utf16), (12, false));
        assert_eq!(at(text, 0, 12, Utf8), (12, false));
        assert_eq!(at(text, 0, 10, Utf8), (9, false));
        assert_eq!(at(text, 1, 5, Utf16), (22, false));
        round_trips(text);
    }

    #[test]
    fn emoji_are_surrogate_pairs_in_utf16() {
        let text = "RUN 😀x😀\n";
        assert_eq!(at(text, 0, 6, Utf16), (8, false));
        assert_eq!(at(text, 0, 9, Utf16), (13, false));
        // Unit 5 is between the two halves of the surrogate pair: floor to the emoji.
        assert_eq!(at(text, 0, 5, Utf16), (4, false));
        assert_eq!(at(text, 0, 6, Utf8), (4, false));
        let rope = Rope::from_str(text);
        assert_eq!(position(&rope, 8, Utf16), pos(0, 6));
        assert_eq!(position(&rope, 8, Utf8), pos(0, 8));
        // An offset inside the emoji floors too.
        assert_eq!(position(&rope, 6, Utf16), pos(0, 4));
        round_trips(text);
    }

    #[test]
    fn crlf_and_lone_cr_end_lines() {
        let text = "FROM a\r\nRUN b\rRUN ç\nX";
        assert_eq!(at(text, 1, 0, Utf16), (8, false));
        assert_eq!(at(text, 2, 0, Utf16), (14, false));
        assert_eq!(at(text, 3, 1, Utf8), (22, false));
        // A column past the line's text stops before its line break.
        assert_eq!(at(text, 0, 7, Utf16), (6, true));
        assert_eq!(at(text, 1, 9, Utf8), (13, true));
        let rope = Rope::from_str(text);
        assert_eq!(position(&rope, 7, Utf16), pos(0, 6), "between \\r and \\n");
        assert_eq!(position(&rope, 13, Utf16), pos(1, 5));
        round_trips(text);
    }

    #[test]
    fn positions_past_the_end_clamp() {
        let text = "FROM é\nRUN x";
        assert_eq!(at(text, 0, 100, Utf16), (7, true));
        assert_eq!(at(text, 1, u32::MAX, Utf8), (13, true));
        assert_eq!(at(text, 2, 0, Utf16), (13, true));
        assert_eq!(at(text, u32::MAX, u32::MAX, Utf16), (13, true));
        assert_eq!(at("", 0, 0, Utf16), (0, false));
        assert_eq!(at("", 0, 1, Utf8), (0, true));
        // After a final newline the empty last line exists.
        assert_eq!(at("A\n", 1, 0, Utf16), (2, false));
        let rope = Rope::from_str(text);
        assert_eq!(position(&rope, 1000, Utf16), pos(1, 5));
        round_trips("");
    }

    #[test]
    fn reversed_ranges_are_emptied_and_reported() {
        let rope = Rope::from_str("FROM a\n");
        let reversed = lsp::Range::new(pos(0, 4), pos(0, 1));
        assert_eq!(
            byte_range(&rope, reversed, Utf8),
            Clamped {
                value: 4..4,
                clamped: true
            }
        );
        let fine = lsp::Range::new(pos(0, 1), pos(0, 4));
        assert_eq!(
            byte_range(&rope, fine, Utf8),
            Clamped {
                value: 1..4,
                clamped: false
            }
        );
    }

    mod semantic {
        use super::*;

        fn token(range: Range<usize>, kind: u32) -> Token {
            Token {
                range,
                kind,
                modifiers: 0,
            }
        }

        fn flat(tokens: &[lsp::SemanticToken]) -> Vec<[u32; 5]> {
            tokens
                .iter()
                .map(|t| {
                    [
                        t.delta_line,
                        t.delta_start,
                        t.length,
                        t.token_type,
                        t.token_modifiers_bitset,
                    ]
                })
                .collect()
        }

        #[test]
        fn relative_positions_in_both_encodings() {
            let text = "FROM é\r\nRUN 😀 x\rENV a=b\n";
            let rope = Rope::from_str(text);
            let tokens = [
                token(0..4, 0),
                token(5..7, 1),
                token(9..12, 0),
                token(13..17, 2),
                token(18..19, 3),
                token(20..23, 0),
                token(24..25, 4),
            ];
            assert_eq!(
                flat(&semantic_tokens(
                    text,
                    &rope,
                    &tokens,
                    PositionEncoding::Utf16
                )),
                [
                    [0, 0, 4, 0, 0],
                    [0, 5, 1, 1, 0],
                    [1, 0, 3, 0, 0],
                    [0, 4, 2, 2, 0],
                    [0, 3, 1, 3, 0],
                    [1, 0, 3, 0, 0],
                    [0, 4, 1, 4, 0],
                ]
            );
            assert_eq!(
                flat(&semantic_tokens(
                    text,
                    &rope,
                    &tokens,
                    PositionEncoding::Utf8
                )),
                [
                    [0, 0, 4, 0, 0],
                    [0, 5, 2, 1, 0],
                    [1, 0, 3, 0, 0],
                    [0, 4, 4, 2, 0],
                    [0, 5, 1, 3, 0],
                    [1, 0, 3, 0, 0],
                    [0, 4, 1, 4, 0],
                ]
            );
        }

        #[test]
        fn a_range_starts_counting_at_its_first_line() {
            let text = "FROM a\nRUN b\nRUN c\n";
            let rope = Rope::from_str(text);
            let tokens = [token(11..12, 1), token(13..16, 0)];
            assert_eq!(
                flat(&semantic_tokens(
                    text,
                    &rope,
                    &tokens,
                    PositionEncoding::Utf16
                )),
                [[1, 4, 1, 1, 0], [1, 0, 3, 0, 0]]
            );
        }

        #[test]
        fn bad_tokens_are_skipped() {
            let text = "é";
            let rope = Rope::from_str(text);
            let tokens = [token(1..2, 0), token(0..9, 0), token(0..1, 0)];
            assert_eq!(
                flat(&semantic_tokens(
                    text,
                    &rope,
                    &tokens,
                    PositionEncoding::Utf16
                )),
                [[0, 0, 1, 0, 0]]
            );
        }
    }

    mod round_trips {
        use proptest::prelude::*;

        use super::*;

        const ENCODINGS: [PositionEncoding; 3] = [
            PositionEncoding::Utf8,
            PositionEncoding::Utf16,
            PositionEncoding::Utf32,
        ];

        /// Texts of ASCII, multi-byte characters, astral characters and every line ending.
        fn text() -> impl Strategy<Value = String> {
            proptest::collection::vec(
                prop_oneof![
                    Just("a"),
                    Just(" "),
                    Just("é"),
                    Just("中"),
                    Just("😀"),
                    Just("\n"),
                    Just("\r\n"),
                    Just("\r"),
                    Just("\\"),
                ],
                0..40,
            )
            .prop_map(|pieces| pieces.concat())
        }

        /// Whether `offset` is a place a cursor can be: a char boundary, not between CR and LF.
        fn is_cursor_place(text: &str, offset: usize) -> bool {
            text.is_char_boundary(offset)
                && !(offset > 0
                    && text.as_bytes()[offset - 1] == b'\r'
                    && text.as_bytes().get(offset) == Some(&b'\n'))
        }

        proptest! {
            #[test]
            fn offset_position_offset(text in text(), pick in 0usize..200) {
                let rope = Rope::from_str(&text);
                let offset = pick % (text.len() + 1);
                prop_assume!(is_cursor_place(&text, offset));
                for encoding in ENCODINGS {
                    let position = position(&rope, offset, encoding);
                    let back = super::super::offset(&rope, position, encoding);
                    prop_assert_eq!(back, Clamped { value: offset, clamped: false });
                }
            }

            #[test]
            fn any_position_lands_on_a_cursor_place(
                text in text(),
                line in 0u32..12,
                character in 0u32..12,
            ) {
                let rope = Rope::from_str(&text);
                for encoding in ENCODINGS {
                    let position = lsp::Position::new(line, character);
                    let offset = super::super::offset(&rope, position, encoding);
                    prop_assert!(is_cursor_place(&text, offset.value));
                    // An unclamped position survives the round trip unless it pointed inside a
                    // character (a UTF-8 or UTF-16 column in the middle of a code point).
                    let back = super::super::position(&rope, offset.value, encoding);
                    prop_assert!(back.line < line || (back.line == line && back.character <= character) || offset.clamped);
                }
            }
        }
    }
}
