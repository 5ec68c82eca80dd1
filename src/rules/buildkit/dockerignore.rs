//! `.dockerignore` patterns and matching, as BuildKit reads them: one pattern a line, `#`
//! comments, `!` exceptions where the last matching pattern wins, `*` and `?` within one path
//! segment, `**` across any number of segments, `[...]` character classes, `\` escapes, and
//! a leading `/` ignored. A path is excluded when it or one of its parent directories matches.

/// The patterns of a `.dockerignore` file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dockerignore {
    patterns: Vec<Pattern>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Pattern {
    exception: bool,
    segments: Vec<String>,
}

impl Dockerignore {
    /// Reads the text of a `.dockerignore` file.
    pub fn parse(text: &str) -> Dockerignore {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut patterns = Vec::new();
        for line in text.lines() {
            if line.starts_with('#') {
                continue;
            }
            let mut pattern = line.trim();
            if pattern.is_empty() {
                continue;
            }
            let exception = pattern.starts_with('!');
            if exception {
                pattern = pattern[1..].trim();
            }
            let cleaned = clean(pattern);
            if cleaned.is_empty() {
                continue;
            }
            patterns.push(Pattern {
                exception,
                segments: cleaned.split('/').map(str::to_owned).collect(),
            });
        }
        Dockerignore { patterns }
    }

    /// Whether `path` (relative to the build context) is excluded from the context.
    pub fn excludes(&self, path: &str) -> bool {
        let path = clean(path);
        if path.is_empty() {
            return false;
        }
        let segments: Vec<&str> = path.split('/').collect();
        let mut excluded = false;
        for pattern in &self.patterns {
            // An exception only matters once something is excluded, and the reverse.
            if pattern.exception != excluded {
                continue;
            }
            let matches = (1..=segments.len())
                .rev()
                .any(|n| match_segments(&pattern.segments, &segments[..n]));
            if matches {
                excluded = !pattern.exception;
            }
        }
        excluded
    }
}

/// Cleans a path like Go's `filepath.Clean`, relative to the context: no `.` segments, no
/// empty segments, `..` resolved, no leading `/`.
fn clean(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            s => out.push(s),
        }
    }
    out.join("/")
}

fn match_segments(pattern: &[String], path: &[&str]) -> bool {
    match pattern.split_first() {
        None => path.is_empty(),
        Some((first, rest)) if first == "**" => {
            (0..=path.len()).any(|skip| match_segments(rest, &path[skip..]))
        }
        Some((first, rest)) => match path.split_first() {
            Some((segment, path_rest)) => {
                match_segment(first.as_bytes(), segment.as_bytes())
                    && match_segments(rest, path_rest)
            }
            None => false,
        },
    }
}

/// Matches one path segment against one pattern segment: `*`, `?`, `[...]`, `\` escapes.
fn match_segment(pattern: &[u8], name: &[u8]) -> bool {
    match pattern.split_first() {
        None => name.is_empty(),
        Some((b'*', rest)) => (0..=name.len()).any(|skip| match_segment(rest, &name[skip..])),
        Some((b'?', rest)) => !name.is_empty() && match_segment(rest, &name[char_len(name)..]),
        Some((b'[', rest)) => {
            let Some(close) = class_end(rest) else {
                return name.first() == Some(&b'[') && match_segment(rest, &name[1..]);
            };
            let Some(&c) = name.first() else {
                return false;
            };
            in_class(&rest[..close], c) && match_segment(&rest[close + 1..], &name[1..])
        }
        Some((b'\\', rest)) if !rest.is_empty() => {
            name.first() == rest.first() && match_segment(&rest[1..], &name[1..])
        }
        Some((&c, rest)) => name.first() == Some(&c) && match_segment(rest, &name[1..]),
    }
}

fn char_len(name: &[u8]) -> usize {
    match name.first() {
        Some(&b) if b >= 0xf0 => 4,
        Some(&b) if b >= 0xe0 => 3,
        Some(&b) if b >= 0xc0 => 2,
        _ => 1,
    }
    .min(name.len())
}

/// The index of the `]` that closes a class whose body starts `text`.
fn class_end(text: &[u8]) -> Option<usize> {
    let start = usize::from(text.first() == Some(&b'^') || text.first() == Some(&b'!'));
    // A `]` right after the opening is a literal.
    let first = start + usize::from(text.get(start) == Some(&b']'));
    text.get(first..)?
        .iter()
        .position(|&b| b == b']')
        .map(|i| first + i)
}

fn in_class(class: &[u8], c: u8) -> bool {
    let (negated, class) = match class.first() {
        Some(b'^') | Some(b'!') => (true, &class[1..]),
        _ => (false, class),
    };
    let mut found = false;
    let mut i = 0;
    while i < class.len() {
        let low = class[i];
        if class.get(i + 1) == Some(&b'-') && i + 2 < class.len() {
            let high = class[i + 2];
            found |= low <= c && c <= high;
            i += 3;
        } else {
            found |= low == c;
            i += 1;
        }
    }
    found != negated
}

#[cfg(test)]
mod tests {
    use super::*;

    fn excluded(ignore: &str, path: &str) -> bool {
        Dockerignore::parse(ignore).excludes(path)
    }

    #[test]
    fn plain_names_exclude_the_path_and_what_is_below() {
        assert!(excluded("node_modules\n", "node_modules"));
        assert!(excluded("node_modules\n", "node_modules/a/b.js"));
        assert!(!excluded("node_modules\n", "src/node_modules"));
        assert!(excluded("/build\n", "build/out"));
        assert!(excluded("./tmp/\n", "./tmp/x"));
    }

    #[test]
    fn wildcards() {
        assert!(excluded("*.log\n", "debug.log"));
        assert!(!excluded("*.log\n", "logs/debug.log"));
        assert!(excluded("*/tmp/*\n", "a/tmp/notes.txt"));
        assert!(excluded("**/*.log\n", "a/b/c.log"));
        assert!(excluded("**/*.log\n", "c.log"));
        assert!(excluded("docs/**\n", "docs/a/b"));
        assert!(excluded("file?.txt\n", "file1.txt"));
        assert!(!excluded("file?.txt\n", "file12.txt"));
        assert!(excluded("[a-c]x\n", "bx"));
        assert!(!excluded("[^a-c]x\n", "bx"));
        assert!(excluded("a\\*b\n", "a*b"));
        assert!(!excluded("a\\*b\n", "axb"));
    }

    #[test]
    fn exceptions_and_comments() {
        let ignore = "# comment\n*.md\n!README.md\n\n";
        assert!(excluded(ignore, "CHANGES.md"));
        assert!(!excluded(ignore, "README.md"));
        assert!(!excluded(ignore, "src/main.rs"));
        assert!(excluded("*\n!src\nsrc/secret\n", "src/secret"));
        assert!(!excluded("*\n!src\nsrc/secret\n", "src/lib.rs"));
        assert!(excluded("*\n!src\nsrc/secret\n", "Dockerfile"));
    }

    #[test]
    fn odd_input_does_not_panic() {
        for pattern in ["[", "[]", "\\", "!", "**", "é?", "[z-a]"] {
            let _ = excluded(pattern, "é/x");
        }
    }
}
