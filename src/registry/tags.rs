//! Tags sorted as versions: newest release first (`3.20` before `3.9`), then `latest`, then
//! date tags (newest first), then names such as `edge` or `bookworm` in alphabetical order.

use std::cmp::Ordering;

/// What kind of tag a tag is, in the order they are listed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Version,
    Latest,
    Date,
    Name,
}

/// A tag read for ordering: `v3.19.1-alpine` is the numbers `[3, 19, 1]` and the flavour
/// `-alpine`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct VersionKey<'a> {
    kind: Kind,
    numbers: Vec<u64>,
    flavour: &'a str,
}

fn key(tag: &str) -> VersionKey<'_> {
    if tag == "latest" {
        return VersionKey {
            kind: Kind::Latest,
            numbers: Vec::new(),
            flavour: "",
        };
    }
    let body = match tag.strip_prefix('v') {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => rest,
        _ => tag,
    };
    let mut numbers = Vec::new();
    let mut rest = body;
    loop {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            break;
        }
        // Numbers longer than u64 saturate; such tags are dates or hashes, ordered anyway.
        numbers.push(rest[..digits].parse().unwrap_or(u64::MAX));
        rest = &rest[digits..];
        match rest.strip_prefix('.') {
            Some(after) if after.starts_with(|c: char| c.is_ascii_digit()) => rest = after,
            _ => break,
        }
    }
    let kind = if numbers.is_empty() {
        Kind::Name
    } else if is_date(body) {
        Kind::Date
    } else {
        Kind::Version
    };
    VersionKey {
        kind,
        numbers,
        flavour: rest,
    }
}

/// `20240115`, `2024-01-15`, `2024.01.15` and what follows them.
fn is_date(body: &str) -> bool {
    let digits: String = body.chars().take_while(char::is_ascii_digit).collect();
    if digits.len() >= 8 && (digits.starts_with("19") || digits.starts_with("20")) {
        return true;
    }
    let bytes = body.as_bytes();
    bytes.len() >= 10
        && digits.len() == 4
        && (digits.starts_with("19") || digits.starts_with("20"))
        && (bytes[4] == b'-' || bytes[4] == b'.')
        && bytes[5..7].iter().all(u8::is_ascii_digit)
        && bytes[7] == bytes[4]
        && bytes[8..10].iter().all(u8::is_ascii_digit)
}

/// The order of two tags in a list: see the module's doc.
pub fn compare(a: &str, b: &str) -> Ordering {
    let (ka, kb) = (key(a), key(b));
    ka.kind
        .cmp(&kb.kind)
        .then_with(|| match ka.kind {
            Kind::Version | Kind::Date => compare_numbers(&ka.numbers, &kb.numbers)
                .then_with(|| ka.flavour.is_empty().cmp(&kb.flavour.is_empty()).reverse())
                .then_with(|| ka.flavour.cmp(kb.flavour)),
            Kind::Latest | Kind::Name => Ordering::Equal,
        })
        .then_with(|| a.cmp(b))
}

/// Newest first; a shorter version before the longer ones it is a prefix of (`3.19` tracks the
/// newest `3.19.x`, so it comes before `3.19.1`).
fn compare_numbers(a: &[u64], b: &[u64]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        match y.cmp(x) {
            Ordering::Equal => continue,
            other => return other,
        }
    }
    a.len().cmp(&b.len())
}

/// Sorts tags as versions, newest first.
pub fn sort(tags: &mut [String]) {
    tags.sort_by(|a, b| compare(a, b));
}

/// The flavour of a tag: what follows its version numbers (`-alpine` of `3.12-alpine`), empty
/// for a plain version and for tags that are not versions.
pub fn flavour(tag: &str) -> &str {
    let key = key(tag);
    match key.kind {
        Kind::Version => key.flavour,
        _ => "",
    }
}

/// Whether a tag is a version (`3`, `v1.2.3`, `3.12-slim`).
pub fn is_version(tag: &str) -> bool {
    key(tag).kind == Kind::Version
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_newest_first_then_latest_dates_and_names() {
        let mut tags: Vec<String> = [
            "edge",
            "3.9",
            "latest",
            "3.19.1",
            "20240101",
            "3.20",
            "3.19",
            "3.19-alpine",
            "v4",
            "2023-12-31",
            "bookworm",
            "3.19.0",
            "10",
        ]
        .map(str::to_owned)
        .to_vec();
        sort(&mut tags);
        assert_eq!(
            tags,
            [
                "10",
                "v4",
                "3.20",
                "3.19",
                "3.19-alpine",
                "3.19.1",
                "3.19.0",
                "3.9",
                "latest",
                "20240101",
                "2023-12-31",
                "bookworm",
                "edge"
            ]
        );
    }

    #[test]
    fn flavours_and_odd_tags() {
        assert_eq!(flavour("3.12-alpine"), "-alpine");
        assert_eq!(flavour("3.12"), "");
        assert_eq!(flavour("latest"), "");
        assert!(is_version("v1.2.3"));
        assert!(!is_version("vnext"));
        // Huge numbers and odd characters still order without panicking.
        let mut tags: Vec<String> = ["99999999999999999999999", "1.", "0", "_x", "1..2"]
            .map(str::to_owned)
            .to_vec();
        sort(&mut tags);
        assert_eq!(tags.len(), 5);
    }
}
