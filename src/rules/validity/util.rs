//! Helpers shared by the validity rules: walking instructions with their ONBUILD triggers,
//! finding tree nodes, and the small value grammars BuildKit checks (Go durations, signals,
//! image references, platforms).

use std::ops::Range;

use crate::syntax::NodeExt;
use tree_sitter::Node;

use crate::model::Instruction;
use crate::rules::Context;

/// Every instruction, each followed by the instructions its ONBUILD registers.
pub fn with_triggers<'a>(context: &Context<'a>) -> impl Iterator<Item = &'a Instruction> + 'a {
    context.instructions().flat_map(|(_, outer)| {
        std::iter::successors(Some(outer), |instruction| instruction.trigger.as_deref())
    })
}

/// The type word of a HEALTHCHECK (`CMD`, `NONE` or another word), upper-cased, with its range.
pub fn healthcheck_type(
    context: &Context,
    instruction: &Instruction,
) -> Option<(String, Range<usize>)> {
    let node = node_at(context, &instruction.range, "healthcheck_instruction")?;
    let kind = node.field("type")?;
    let text = context.slice(kind.byte_range()).to_ascii_uppercase();
    Some((text, kind.byte_range()))
}

/// Who reads the words of a syntax node: BuildKit, or the shell when the command runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    Builder,
    Shell,
}

/// Who reads `node`: flags and the arguments of most instructions are BuildKit's; the
/// commands of RUN, CMD, ENTRYPOINT, HEALTHCHECK and SHELL are the shell's. `None` where no
/// one parses the words (MAINTAINER, unknown instructions).
pub fn reader_of(node: Node) -> Option<Reader> {
    let mut current = node.parent();
    while let Some(parent) = current {
        match parent.kind() {
            "flag" => return Some(Reader::Builder),
            "run_instruction"
            | "cmd_instruction"
            | "entrypoint_instruction"
            | "healthcheck_instruction"
            | "shell_instruction" => return Some(Reader::Shell),
            "maintainer_instruction" | "unknown_instruction" | "onbuild_instruction" => {
                return None
            }
            kind if kind.ends_with("_instruction") => return Some(Reader::Builder),
            _ => current = parent.parent(),
        }
    }
    None
}

/// The nodes of `kind` under `node` (itself included), in document order.
pub fn descendants<'t>(node: Node<'t>, kind: &str) -> Vec<Node<'t>> {
    descendants_of_kinds(node, &[kind])
}

/// The descendants of `node` (itself included) of any of `kinds`, in document order, found in
/// one walk with a cursor.
pub fn descendants_of_kinds<'t>(node: Node<'t>, kinds: &[&str]) -> Vec<Node<'t>> {
    crate::syntax::descendants_of_kinds(node, kinds)
}

/// The node of `kind` that covers exactly `range`.
pub fn node_at<'t>(context: &Context<'t>, range: &Range<usize>, kind: &str) -> Option<Node<'t>> {
    let mut node = context
        .tree
        .root_node()
        .descendant_for_byte_range(range.start, range.end)?;
    loop {
        if node.kind() == kind && node.byte_range() == *range {
            return Some(node);
        }
        if node.start_byte() < range.start || node.end_byte() > range.end {
            return None;
        }
        node = node.parent()?;
    }
}

/// The node of `kind` spanning exactly `range` inside `within`, found by walking down from it
/// (climbing from a leaf with `parent` starts from the root each time, which costs as much as
/// the file is long).
pub fn node_within<'t>(within: Node<'t>, range: &Range<usize>, kind: &str) -> Option<Node<'t>> {
    let mut node = within;
    loop {
        if node.kind() == kind && node.byte_range() == *range {
            return Some(node);
        }
        let mut cursor = node.walk();
        let inner = node
            .children(&mut cursor)
            .find(|c| c.start_byte() <= range.start && range.end <= c.end_byte())?;
        node = inner;
    }
}

/// A flag value as BuildKit reads it: quotes removed, a backslash keeps the next character.
pub fn unquote(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut quote: Option<char> = None;
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' | '\'' if quote.is_none() => quote = Some(c),
            c if Some(c) == quote => quote = None,
            '\\' => {
                if let Some(next) = chars.next() {
                    out.push(next);
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// Whether the text holds a variable that BuildKit would substitute first.
pub fn has_variable(text: &str) -> bool {
    text.contains('$')
}

/// A `--word` that BuildKit's line parser takes for a flag, at the start of an instruction's
/// arguments; for the instructions whose flags the grammar does not model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadingFlag {
    /// Without `--` and without the value.
    pub name: String,
    pub name_range: Range<usize>,
}

/// The `--flag` words at the start of the text after an instruction's keyword.
pub fn leading_flags(context: &Context, instruction: &Instruction) -> Vec<LeadingFlag> {
    let escape = context.model.escape;
    let start = instruction.keyword_range.end;
    let end = instruction.range.end.max(start);
    let text = context.slice(start..end);
    let bytes = text.as_bytes();
    let mut flags = Vec::new();
    let mut i = 0;
    loop {
        // Blanks and line continuations between the words.
        loop {
            match text.get(i..).and_then(|rest| rest.chars().next()) {
                Some(' ' | '\t') => i += 1,
                Some(c) if c == escape => {
                    let rest = &text[i + c.len_utf8()..];
                    let blanks = rest.len() - rest.trim_start_matches([' ', '\t', '\r']).len();
                    if rest[blanks..].starts_with('\n') {
                        i += c.len_utf8() + blanks + 1;
                    } else {
                        break;
                    }
                }
                _ => break,
            }
        }
        if !(bytes.get(i) == Some(&b'-') && bytes.get(i + 1) == Some(&b'-')) {
            break;
        }
        let word_end = text[i..]
            .find(|c: char| c.is_whitespace())
            .map_or(text.len(), |n| i + n);
        let word = &text[i..word_end];
        if word == "--" {
            break;
        }
        let name_end = word.find('=').map_or(word_end, |n| i + n);
        flags.push(LeadingFlag {
            name: text[i + 2..name_end].to_owned(),
            name_range: start + i..start + name_end,
        });
        i = word_end;
    }
    flags
}

/// Parses a Go duration (`1m30s`, `500ms`, `-2h`) into nanoseconds, as `time.ParseDuration`.
pub fn parse_go_duration(text: &str) -> Result<f64, String> {
    let (negative, mut rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if rest == "0" {
        return Ok(0.0);
    }
    if rest.is_empty() {
        return Err(format!("`{text}` is not a duration"));
    }
    let mut total = 0.0;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let whole = &rest[..digits];
        rest = &rest[digits..];
        let mut fraction = "";
        if let Some(after_dot) = rest.strip_prefix('.') {
            let n = after_dot.bytes().take_while(u8::is_ascii_digit).count();
            fraction = &after_dot[..n];
            rest = &after_dot[n..];
        }
        if whole.is_empty() && fraction.is_empty() {
            return Err(format!("`{text}` is not a duration"));
        }
        let unit_len = rest
            .find(|c: char| c == '.' || c.is_ascii_digit())
            .unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let scale = match unit {
            "" => return Err(format!("`{text}` lacks a unit such as `s` or `ms`")),
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            other => return Err(format!("unknown unit `{other}` in `{text}`")),
        };
        let number: f64 = format!("0{whole}.{fraction}0").parse().unwrap_or(0.0);
        total += number * scale;
    }
    Ok(if negative { -total } else { total })
}

/// Signal names of Linux as Docker reads them (without `SIG`), besides `RTMIN+n`/`RTMAX-n`.
const SIGNAL_NAMES: &[&str] = &[
    "ABRT", "ALRM", "BUS", "CHLD", "CLD", "CONT", "FPE", "HUP", "ILL", "INT", "IO", "IOT", "KILL",
    "PIPE", "POLL", "PROF", "PWR", "QUIT", "SEGV", "STKFLT", "STOP", "SYS", "TERM", "TRAP", "TSTP",
    "TTIN", "TTOU", "UNUSED", "URG", "USR1", "USR2", "VTALRM", "WINCH", "XCPU", "XFSZ", "RTMIN",
    "RTMAX",
];

/// Whether `name` (any case, with or without `SIG`) names a Linux signal.
pub fn is_signal_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    let bare = upper.strip_prefix("SIG").unwrap_or(&upper);
    if SIGNAL_NAMES.contains(&bare) {
        return true;
    }
    let offset = |rest: &str| rest.parse::<u32>().is_ok_and(|n| (1..=15).contains(&n));
    bare.strip_prefix("RTMIN+").is_some_and(offset)
        || bare.strip_prefix("RTMAX-").is_some_and(offset)
}

/// Checks a platform such as `linux/arm64/v8`: one to three parts of letters, digits, `_`,
/// `.` and `-`, the first optionally with a Windows OS version in parentheses.
pub fn platform_error(platform: &str) -> Option<String> {
    if platform.is_empty() {
        return Some("the platform is empty".to_owned());
    }
    let parts: Vec<&str> = platform.split('/').collect();
    if parts.len() > 3 {
        return Some(format!(
            "`{platform}` has more than three parts (os/arch/variant)"
        ));
    }
    for (index, part) in parts.iter().enumerate() {
        let part = match part.split_once('(') {
            Some((os, version)) if index == 0 && version.ends_with(')') => os,
            _ => part,
        };
        let valid = !part.is_empty()
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
        if !valid {
            return Some(format!("`{platform}` is not a platform like `linux/amd64`"));
        }
    }
    None
}

/// Checks an image reference against Docker's reference grammar; the message says what is
/// wrong.
pub fn image_reference_error(reference: &str) -> Option<String> {
    if reference.is_empty() {
        return Some("the image reference is empty".to_owned());
    }
    if reference.len() == 64 && reference.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Some("an image name cannot be a 64-character hexadecimal string".to_owned());
    }
    let (name_and_tag, digest) = match reference.split_once('@') {
        Some((name, digest)) => (name, Some(digest)),
        None => (reference, None),
    };
    let last_slash = name_and_tag.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match name_and_tag[last_slash..].find(':') {
        Some(colon) => (
            &name_and_tag[..last_slash + colon],
            Some(&name_and_tag[last_slash + colon + 1..]),
        ),
        None => (name_and_tag, None),
    };
    if name.len() > 255 {
        return Some("the repository name is longer than 255 characters".to_owned());
    }
    let (domain, path) = match name.split_once('/') {
        Some((first, rest))
            if first.contains(['.', ':'])
                || first == "localhost"
                || first.chars().any(|c| c.is_ascii_uppercase()) =>
        {
            (Some(first), rest)
        }
        _ => (None, name),
    };
    if let Some(error) = domain.and_then(domain_error) {
        return Some(error);
    }
    if path.chars().any(|c| c.is_ascii_uppercase()) {
        return Some(format!("repository name `{path}` must be lower-case"));
    }
    for component in path.split('/') {
        if component.is_empty() {
            return Some(format!("`{name}` has an empty path component"));
        }
        if !is_path_component(component) {
            return Some(format!(
                "`{component}` is not a valid repository path component"
            ));
        }
    }
    if let Some(tag) = tag {
        let mut chars = tag.chars();
        let first_ok = chars
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
        if !first_ok || !rest_ok || tag.len() > 128 {
            return Some(format!("`{tag}` is not a valid tag"));
        }
    }
    digest.and_then(digest_error)
}

fn domain_error(domain: &str) -> Option<String> {
    let invalid = || Some(format!("`{domain}` is not a valid registry host"));
    let (host, port) = if let Some(rest) = domain.strip_prefix('[') {
        // An IPv6 address in brackets.
        let (address, after) = rest.split_once(']')?;
        if address.is_empty() || !address.chars().all(|c| c.is_ascii_hexdigit() || c == ':') {
            return invalid();
        }
        if !after.is_empty() && !after.starts_with(':') {
            return invalid();
        }
        (None, after.strip_prefix(':'))
    } else {
        match domain.split_once(':') {
            Some((host, port)) => (Some(host), Some(port)),
            None => (Some(domain), None),
        }
    };
    if let Some(host) = host {
        let valid = host.split('.').all(|part| {
            !part.is_empty()
                && !part.starts_with('-')
                && !part.ends_with('-')
                && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
        if !valid {
            return invalid();
        }
    }
    match port {
        Some(port) if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) => {
            Some(format!("`{domain}` has an invalid port"))
        }
        _ => None,
    }
}

/// `[a-z0-9]+` joined by `.`, `_`, `__` or runs of `-`.
fn is_path_component(component: &str) -> bool {
    let bytes = component.as_bytes();
    let mut i = 0;
    loop {
        let run = bytes
            .get(i..)
            .unwrap_or_default()
            .iter()
            .take_while(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            .count();
        if run == 0 {
            return false;
        }
        i += run;
        if i >= bytes.len() {
            return true;
        }
        let separator = &component[i..];
        let len = if separator.starts_with("__") {
            2
        } else if separator.starts_with(['.', '_']) {
            1
        } else {
            separator.bytes().take_while(|&b| b == b'-').count()
        };
        if len == 0 {
            return false;
        }
        i += len;
    }
}

fn digest_error(digest: &str) -> Option<String> {
    let malformed = || Some(format!("`{digest}` is not a digest like `sha256:<hex>`"));
    let Some((algorithm, hex)) = digest.split_once(':') else {
        return malformed();
    };
    let algorithm_ok = algorithm.split(['+', '.', '_', '-']).all(|part| {
        part.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && part.chars().all(|c| c.is_ascii_alphanumeric())
    });
    if !algorithm_ok || hex.len() < 32 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return malformed();
    }
    let expected = match algorithm {
        "sha256" => 64,
        "sha384" => 96,
        "sha512" => 128,
        other => return Some(format!("unsupported digest algorithm `{other}`")),
    };
    if hex.len() != expected || hex.bytes().any(|b| b.is_ascii_uppercase()) {
        return Some(format!(
            "a `{algorithm}` digest has {expected} lower-case hexadecimal digits"
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations() {
        assert_eq!(parse_go_duration("30s"), Ok(30e9));
        assert_eq!(parse_go_duration("1m30s"), Ok(90e9));
        assert_eq!(parse_go_duration("1.5h"), Ok(5400e9));
        assert_eq!(parse_go_duration(".5s"), Ok(0.5e9));
        assert_eq!(parse_go_duration("-2ms"), Ok(-2e6));
        assert_eq!(parse_go_duration("0"), Ok(0.0));
        for bad in ["30", "5 s", "1d", "", "s", "-"] {
            assert!(parse_go_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn signals() {
        for name in ["SIGTERM", "term", "SigKill", "RTMIN+3", "SIGRTMAX-1"] {
            assert!(is_signal_name(name), "{name}");
        }
        for name in ["SIGFOO", "TERMINATE", "RTMIN+16", ""] {
            assert!(!is_signal_name(name), "{name}");
        }
    }

    #[test]
    fn image_references() {
        for ok in [
            "alpine",
            "alpine:3.20",
            "library/alpine",
            "ghcr.io/org/app:1.0",
            "localhost:5000/a-b/c__d.e",
            "MyRegistry/app",
            "[::1]:5000/app",
            "a@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        ] {
            assert_eq!(image_reference_error(ok), None, "{ok}");
        }
        for bad in [
            "Alpine",
            "alpine:",
            "alpine:-x",
            "a//b",
            "a/",
            "a:1@sha256:abc",
            "a@md5:0123456789abcdef0123456789abcdef",
            "-a",
            "a..b",
            "registry.example.com:port/a",
        ] {
            assert!(image_reference_error(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn platforms() {
        for ok in [
            "linux/amd64",
            "linux/arm/v7",
            "arm64",
            "windows(10.0.17763)/amd64",
        ] {
            assert_eq!(platform_error(ok), None, "{ok}");
        }
        for bad in ["", "linux/", "linux amd64", "a/b/c/d", "linux//amd64"] {
            assert!(platform_error(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn unquoting() {
        assert_eq!(unquote("\"a b\""), "a b");
        assert_eq!(unquote("'x'y"), "xy");
        assert_eq!(unquote("a\\=b"), "a=b");
    }
}
