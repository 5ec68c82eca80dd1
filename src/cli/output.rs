//! The output formats of `dockls check`: human, JSON, SARIF 2.1.0 and GitHub workflow commands.
//!
//! Positions: lines are 1-based; columns are 1-based and count Unicode code points (characters),
//! the same in every format (SARIF's `columnKind` is `unicodeCodePoints`). An end position is
//! exclusive: the column just after the last character of the range, as in SARIF.

use std::io::{self, Write};
use std::path::Path;

use serde_json::{json, Value};

use crate::config::severity_name;
use crate::diagnostic::{Diagnostic, Fix, Severity};
use crate::rules::{self, Rule};

use super::check::FileReport;
use super::docs;

/// Where the project lives; rule pages are under `docs/rules/` in it. The package's
/// `repository` field wins when it is set.
const DEFAULT_REPOSITORY: &str = "https://github.com/dockls/dockls";

/// The project's address, for SARIF's `informationUri`.
pub fn repository_url() -> &'static str {
    match env!("CARGO_PKG_REPOSITORY") {
        "" => DEFAULT_REPOSITORY,
        url => url,
    }
}

/// The address of a rule's documentation page.
pub fn rule_docs_url(name: &str) -> String {
    format!(
        "{}/blob/main/docs/rules/{name}.md",
        repository_url().trim_end_matches('/')
    )
}

/// A position in a text, for display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    /// The byte offset.
    pub offset: usize,
}

/// The 1-based line and character column of a byte offset (clamped to the text and to a
/// character boundary).
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let position = position(text, offset);
    (position.line, position.column)
}

pub fn position(text: &str, offset: usize) -> Position {
    Lines::new(text).position(offset)
}

/// A text with the offsets of its line starts, so that each position is found in time
/// proportional to its line's length: a file can have thousands of ranges to convert.
pub struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str) -> Lines<'a> {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines { text, starts }
    }

    pub fn position(&self, offset: usize) -> Position {
        let text = self.text;
        let offset = crate::text::floor_char_boundary(text, offset);
        let line = self.starts.partition_point(|&start| start <= offset);
        let line_start = self.starts[line - 1];
        Position {
            line,
            column: text[line_start..offset].chars().count() + 1,
            offset,
        }
    }

    /// The text of the line holding `offset`, without its line break.
    fn line_text(&self, offset: usize) -> &'a str {
        let position = self.position(offset);
        let start = self.starts[position.line - 1];
        let end = self
            .starts
            .get(position.line)
            .map_or(self.text.len(), |next| next - 1);
        self.text[start..end].trim_end_matches('\r')
    }
}

/// All diagnostics in output order: files sorted by path, then by position in the file.
fn sorted(reports: &[FileReport]) -> Vec<&FileReport> {
    let mut sorted: Vec<&FileReport> = reports.iter().collect();
    sorted.sort_by(|a, b| a.path.cmp(&b.path));
    sorted
}

/// Lines longer than this many characters are shown in part, around the range.
const MAX_LINE_WIDTH: usize = 160;

/// `path:line:col: severity[code]: message`, then the line and carets under the range.
pub fn human(reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    for report in sorted(reports) {
        let lines = Lines::new(&report.text);
        for diagnostic in &report.diagnostics {
            write_human(&report.path, &lines, diagnostic, out)?;
        }
    }
    Ok(())
}

fn write_human(
    path: &Path,
    lines: &Lines,
    diagnostic: &Diagnostic,
    out: &mut dyn Write,
) -> io::Result<()> {
    let start = lines.position(diagnostic.range.start);
    let end = lines.position(diagnostic.range.end.max(diagnostic.range.start));
    writeln!(
        out,
        "{}:{}:{}: {}[{}]: {}",
        path.display(),
        start.line,
        start.column,
        severity_name(diagnostic.severity),
        diagnostic.code,
        diagnostic.message
    )?;
    let line: Vec<char> = lines.line_text(start.offset).chars().collect();
    let number = start.line.to_string();
    let gutter = " ".repeat(number.len());
    // Columns as 0-based character indexes into the line. The carets end at the range's end on
    // the same line, else at the end of the line; an empty range gets one caret.
    let first = (start.column - 1).min(line.len());
    let last = if end.line == start.line {
        (end.column - 1).min(line.len())
    } else {
        line.len()
    };
    // A long line is shown as a window around the start of the range.
    let window = if line.len() > MAX_LINE_WIDTH {
        let from = first.saturating_sub(MAX_LINE_WIDTH / 4);
        from..(from + MAX_LINE_WIDTH).min(line.len())
    } else {
        0..line.len()
    };
    let (before, after) = (window.start > 0, window.end < line.len());
    let shown: String = line[window.clone()].iter().collect();
    let width = last.min(window.end).saturating_sub(first).max(1);
    // Tabs before the range are kept so the carets line up under them.
    let indent: String = line[window.start..first]
        .iter()
        .map(|&c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    let (ellipsis, pad) = if before { ("…", " ") } else { ("", "") };
    let tail = if after { "…" } else { "" };
    writeln!(out, "{gutter} |")?;
    writeln!(out, "{number} | {ellipsis}{shown}{tail}")?;
    writeln!(out, "{gutter} | {pad}{indent}{}", "^".repeat(width))?;
    if let Some(fix) = diagnostic.fixes.first() {
        let how = if fix.safe && !fix.is_snippet {
            " (`dockls check --fix` applies it)"
        } else {
            ""
        };
        writeln!(out, "{gutter} = help: {}{how}", fix.title)?;
    }
    writeln!(out)
}

/// The closing line of the human format, on stderr so stdout holds only diagnostics.
pub fn summary(reports: &[FileReport], fixed: bool, out: &mut dyn Write) -> io::Result<()> {
    let mut counts = [0usize; 4];
    let mut fixable = 0;
    for diagnostic in reports.iter().flat_map(|r| &r.diagnostics) {
        counts[severity_index(diagnostic.severity)] += 1;
        if diagnostic.fixes.iter().any(|f| f.safe && !f.is_snippet) {
            fixable += 1;
        }
    }
    let total: usize = counts.iter().sum();
    let files = reports.len();
    let applied: usize = reports.iter().map(|r| r.fixed).sum();
    if fixed && applied > 0 {
        writeln!(out, "fixed {}", plural(applied, "problem"))?;
    }
    if total == 0 {
        return writeln!(out, "no problems in {}", plural(files, "file"));
    }
    let parts: Vec<String> = [
        (counts[0], "error"),
        (counts[1], "warning"),
        (counts[2], "info"),
        (counts[3], "hint"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, word)| match *word {
        "info" => format!("{n} info"),
        _ => plural(*n, word),
    })
    .collect();
    write!(
        out,
        "{} ({}) in {}",
        plural(total, "problem"),
        parts.join(", "),
        plural(files, "file")
    )?;
    if fixable > 0 && !fixed {
        write!(out, "; {fixable} fixable with `dockls check --fix`")?;
    }
    writeln!(out)
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn severity_index(severity: Severity) -> usize {
    match severity {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Information => 2,
        Severity::Hint => 3,
    }
}

/// The hadolint codes and the BuildKit check name of a rule.
fn aliases(rule: Option<&Rule>) -> Vec<&'static str> {
    rule.map(|rule| rule.hadolint.iter().copied().chain(rule.buildkit).collect())
        .unwrap_or_default()
}

fn json_position(position: Position) -> Value {
    json!({ "line": position.line, "column": position.column, "offset": position.offset })
}

fn json_range(lines: &Lines, range: &std::ops::Range<usize>) -> Value {
    json!({
        "start": json_position(lines.position(range.start)),
        "end": json_position(lines.position(range.end.max(range.start))),
    })
}

/// An array of diagnostics, each with its file, range, severity, code, message, the rule's
/// aliases, and its fixes with their edits.
///
/// Each file's items are built and printed on worker threads; the array around them is written
/// here, byte for byte as serde_json's pretty printer writes a whole array.
pub fn json(reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    let files = sorted(reports);
    let printed = super::check::run_in_parallel(&files, |report| json_items(report));
    let mut empty = true;
    out.write_all(b"[")?;
    for items in printed.iter().filter(|items| !items.is_empty()) {
        out.write_all(if empty { b"\n" } else { b",\n" })?;
        out.write_all(items.as_bytes())?;
        empty = false;
    }
    out.write_all(if empty { b"]\n" } else { b"\n]\n" })
}

/// The JSON items of one file's diagnostics, pretty-printed as elements of the top-level array
/// (indented by two spaces) and separated by commas; empty when the file has none.
fn json_items(report: &FileReport) -> String {
    let lines = Lines::new(&report.text);
    let mut printed = String::new();
    for diagnostic in &report.diagnostics {
        let fixes: Vec<Value> = diagnostic
            .fixes
            .iter()
            .map(|fix| {
                json!({
                    "title": fix.title,
                    "safe": fix.safe,
                    "snippet": fix.is_snippet,
                    "edits": fix.edits.iter().map(|edit| json!({
                        "range": json_range(&lines, &edit.range),
                        "newText": edit.new_text,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        let rule = rules::named(diagnostic.code);
        let item = json!({
            "path": report.path.to_string_lossy(),
            "range": json_range(&lines, &diagnostic.range),
            "severity": severity_name(diagnostic.severity),
            "code": diagnostic.code,
            "message": diagnostic.message,
            "aliases": aliases(rule),
            "url": rule.map(|rule| rule_docs_url(rule.name)),
            "fixes": fixes,
        });
        // Strings escape their line breaks, so every line break here is the printer's.
        let text = serde_json::to_string_pretty(&item).unwrap_or_default();
        if !printed.is_empty() {
            printed.push_str(",\n");
        }
        for (index, line) in text.split('\n').enumerate() {
            if index > 0 {
                printed.push('\n');
            }
            printed.push_str("  ");
            printed.push_str(line);
        }
    }
    printed
}

/// GitHub Actions workflow commands: `::error file=…,line=…,col=…,endLine=…,endColumn=…,
/// title=code::message`, shown as annotations on the pull request.
pub fn github(reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    for report in sorted(reports) {
        let lines = Lines::new(&report.text);
        for diagnostic in &report.diagnostics {
            let start = lines.position(diagnostic.range.start);
            let end = lines.position(diagnostic.range.end.max(diagnostic.range.start));
            let command = match diagnostic.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Information | Severity::Hint => "notice",
            };
            writeln!(
                out,
                "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                escape_property(&report.path.to_string_lossy()),
                start.line,
                start.column,
                end.line,
                end.column,
                escape_property(diagnostic.code),
                escape_data(&diagnostic.message),
            )?;
        }
    }
    Ok(())
}

/// Escapes a workflow command's message.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// The pseudo-rule of syntax errors, which have no [`Rule`].
const SYNTAX_ERROR: &str = "syntax-error";

fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Information | Severity::Hint => "note",
    }
}

fn sarif_rule(rule: &Rule) -> Value {
    json!({
        "id": rule.name,
        "name": rule.name,
        "shortDescription": { "text": rule.summary },
        "fullDescription": { "text": rule.summary, "markdown": rule.summary },
        "help": { "text": rule.docs, "markdown": docs::rule_page(rule) },
        "helpUri": rule_docs_url(rule.name),
        "defaultConfiguration": {
            "enabled": !rule.off_by_default,
            "level": sarif_level(rule.severity),
        },
        "properties": {
            "category": rule.category.name(),
            "hadolint": rule.hadolint,
            "buildkit": rule.buildkit.map_or_else(Vec::new, |name| vec![name]),
            "aliases": aliases(Some(rule)),
            "tags": [rule.category.name()],
        },
    })
}

/// A relative path as a URI reference: `/` separators, unreserved characters as they are, the
/// rest percent-encoded. An absolute path becomes a `file://` URI.
fn path_uri(path: &Path) -> (String, bool) {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut encoded = String::new();
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                encoded.push(byte as char)
            }
            _ => encoded.push_str(&format!("%{byte:02X}")),
        }
    }
    if path.is_absolute() {
        (format!("file://{encoded}"), true)
    } else {
        (encoded, false)
    }
}

/// One SARIF 2.1.0 log with one run: every rule described in `tool.driver.rules`, every
/// diagnostic a result pointing at its rule and region.
pub fn sarif(reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    let all: Vec<&Rule> = rules::all().collect();
    let mut descriptors: Vec<Value> = all.iter().map(|rule| sarif_rule(rule)).collect();
    descriptors.push(json!({
        "id": SYNTAX_ERROR,
        "name": SYNTAX_ERROR,
        "shortDescription": { "text": "The Dockerfile does not parse." },
        "fullDescription": { "text": "The Dockerfile does not parse: BuildKit would reject it." },
        "defaultConfiguration": { "level": "error" },
        "properties": { "category": "correctness", "hadolint": [], "buildkit": [], "aliases": [] },
    }));
    let mut artifacts = Vec::new();
    let mut results = Vec::new();
    for report in sorted(reports) {
        let text = report.text.as_str();
        let lines = Lines::new(text);
        let (uri, absolute) = path_uri(&report.path);
        let mut location = json!({ "uri": uri });
        if !absolute {
            location["uriBaseId"] = json!("%SRCROOT%");
        }
        let artifact_index = artifacts.len();
        artifacts.push(json!({ "location": location.clone(), "sourceLanguage": "dockerfile" }));
        location["index"] = json!(artifact_index);
        for diagnostic in &report.diagnostics {
            let start = lines.position(diagnostic.range.start);
            let end = lines.position(diagnostic.range.end.max(diagnostic.range.start));
            let rule_index = match rules::named(diagnostic.code) {
                Some(rule) => all.iter().position(|r| r.name == rule.name),
                None => Some(all.len()),
            };
            let mut result = json!({
                "ruleId": diagnostic.code,
                "level": sarif_level(diagnostic.severity),
                "message": { "text": diagnostic.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": location.clone(),
                        "region": {
                            "startLine": start.line,
                            "startColumn": start.column,
                            "endLine": end.line,
                            "endColumn": end.column,
                            "byteOffset": start.offset,
                            "byteLength": end.offset - start.offset,
                            "snippet": { "text": &text[start.offset..end.offset] },
                        },
                    },
                }],
            });
            if let Some(index) = rule_index {
                result["ruleIndex"] = json!(index);
            }
            let fixes: Vec<Value> = diagnostic
                .fixes
                .iter()
                .filter(|fix| !fix.is_snippet)
                .map(|fix| sarif_fix(&lines, &location, fix))
                .collect();
            if !fixes.is_empty() {
                result["fixes"] = Value::Array(fixes);
            }
            results.push(result);
        }
    }
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "dockls",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": repository_url(),
                    "rules": descriptors,
                },
            },
            "columnKind": "unicodeCodePoints",
            "originalUriBaseIds": {
                "%SRCROOT%": { "description": { "text": "The directory dockls check ran in." } },
            },
            "artifacts": artifacts,
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

fn sarif_fix(lines: &Lines, location: &Value, fix: &Fix) -> Value {
    let replacements: Vec<Value> = fix
        .edits
        .iter()
        .map(|edit| {
            let start = lines.position(edit.range.start);
            let end = lines.position(edit.range.end.max(edit.range.start));
            json!({
                "deletedRegion": {
                    "startLine": start.line,
                    "startColumn": start.column,
                    "endLine": end.line,
                    "endColumn": end.column,
                },
                "insertedContent": { "text": edit.new_text },
            })
        })
        .collect();
    json!({
        "description": { "text": fix.title },
        "artifactChanges": [{ "artifactLocation": location, "replacements": replacements }],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_characters() {
        let text = "FROM a\r\nRUN é x\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 8), (2, 1));
        // "é" is two bytes and one column.
        assert_eq!(line_column(text, 14), (2, 6));
        // Inside a character: its start.
        assert_eq!(line_column(text, 13), (2, 5));
        assert_eq!(line_column(text, 1000), (3, 1));
        let lines = Lines::new(text);
        assert_eq!(lines.line_text(3), "FROM a");
        assert_eq!(lines.line_text(9), "RUN é x");
        assert_eq!(lines.line_text(17), "");
        assert_eq!(Lines::new("a\nb").line_text(3), "b");
    }

    fn human_text(text: &str, range: std::ops::Range<usize>) -> String {
        let diagnostic = Diagnostic {
            range,
            severity: Severity::Warning,
            code: "some-rule",
            message: "something".to_owned(),
            fixes: Vec::new(),
        };
        let mut out = Vec::new();
        write_human(
            Path::new("Dockerfile"),
            &Lines::new(text),
            &diagnostic,
            &mut out,
        )
        .unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn carets_sit_under_the_range_in_characters() {
        expect_test::expect![[r#"
            Dockerfile:2:8: warning[some-rule]: something
              |
            2 | RUN é  echo
              |        ^^^^

        "#]]
        .assert_eq(&human_text("FROM a\nRUN é  echo\n", 15..19));
    }

    #[test]
    fn carets_stop_at_the_end_of_the_line_and_an_empty_range_gets_one() {
        expect_test::expect![[r#"
            Dockerfile:1:5: warning[some-rule]: something
              |
            1 | RUN a \
              |     ^^^

        "#]]
        .assert_eq(&human_text("RUN a \\\n  b\n", 4..11));
        expect_test::expect![[r#"
            Dockerfile:1:5: warning[some-rule]: something
              |
            1 | FROM
              |     ^

        "#]]
        .assert_eq(&human_text("FROM", 4..4));
    }

    #[test]
    fn a_long_line_is_shown_around_the_range() {
        let text = format!("RUN {}x{}\n", "a".repeat(300), "b".repeat(300));
        let shown = human_text(&text, 304..305);
        let lines: Vec<&str> = shown.lines().collect();
        let source = lines[2].strip_prefix("1 | ").unwrap();
        assert!(source.starts_with('…') && source.ends_with('…'), "{source}");
        assert_eq!(source.chars().count(), MAX_LINE_WIDTH + 2);
        let carets = lines[3].strip_prefix("  | ").unwrap();
        let at = carets.chars().position(|c| c == '^').unwrap();
        assert_eq!(source.chars().nth(at), Some('x'), "{carets}");
        assert_eq!(carets.matches('^').count(), 1);
    }

    #[test]
    fn tabs_before_the_range_are_kept() {
        let shown = human_text("RUN\ta\n", 4..5);
        assert!(shown.contains("| RUN\ta\n  |    \t^\n"), "{shown:?}");
    }

    #[test]
    fn workflow_commands_are_escaped() {
        assert_eq!(escape_data("100%\nx"), "100%25%0Ax");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(
            path_uri(Path::new("a b/Dockerfile")),
            ("a%20b/Dockerfile".to_owned(), false)
        );
        assert_eq!(
            path_uri(Path::new("/x/Dockerfile")),
            ("file:///x/Dockerfile".to_owned(), true)
        );
    }
}
