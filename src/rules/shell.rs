//! Just enough of the shell's syntax for rules about RUN commands: where one command ends and
//! the next begins. Quotes, escapes and `$(...)` are respected; nothing is executed or expanded.

/// How two commands are joined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Separator {
    /// `&&`
    And,
    /// `||`
    Or,
    /// `;` or a newline
    Sequence,
    /// `&`
    Background,
    /// `|`
    Pipe,
}

/// A command of a command line and the separator that follows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command<'a> {
    /// The command's text, trimmed.
    pub text: &'a str,
    pub separator: Option<Separator>,
}

/// Splits a shell command line into its commands at the top level (outside quotes, `$(...)`,
/// backticks, parentheses and braces).
pub fn split(line: &str) -> Vec<Command<'_>> {
    let bytes = line.as_bytes();
    let mut commands = Vec::new();
    let mut start = 0;
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let mut i = 0;
    let mut push = |start: usize, end: usize, separator: Option<Separator>| {
        let text = line.get(start..end).unwrap_or_default().trim();
        if !text.is_empty() {
            commands.push(Command { text, separator });
        }
    };
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) => {
                if b == b'\\' && q != b'\'' {
                    i += 1;
                } else if b == q {
                    quote = None;
                }
            }
            None => match b {
                b'\\' => i += 1,
                b'\'' | b'"' | b'`' => quote = Some(b),
                b'(' | b'{' => depth += 1,
                b')' | b'}' => depth = depth.saturating_sub(1),
                b'#' if i == 0 || bytes[i - 1].is_ascii_whitespace() => {
                    // A shell comment runs to the end of the line, which ends the command.
                    push(start, i, Some(Separator::Sequence));
                    while i < bytes.len() && bytes[i] != b'\n' {
                        i += 1;
                    }
                    i += 1;
                    start = i;
                    continue;
                }
                _ if depth > 0 => {}
                b'&' | b'|' | b';' | b'\n' => {
                    let double = bytes.get(i + 1) == Some(&b);
                    let separator = match (b, double) {
                        (b'&', true) => Separator::And,
                        (b'|', true) => Separator::Or,
                        (b'&', false) => Separator::Background,
                        (b'|', false) => Separator::Pipe,
                        _ => Separator::Sequence,
                    };
                    // `;;` ends a case branch, `|&` and `>&` are redirections: leave them inside.
                    let redirection =
                        b == b'&' && !double && i > 0 && matches!(bytes[i - 1], b'>' | b'<');
                    let case_branch_end = b == b';' && double;
                    if !case_branch_end && !redirection {
                        push(start, i, Some(separator));
                        i += if double { 2 } else { 1 };
                        start = i;
                        continue;
                    }
                    if double {
                        i += 1;
                    }
                }
                _ => {}
            },
        }
        i += 1;
    }
    push(start.min(line.len()), line.len(), None);
    commands
}

/// Whether joining `command` after `&&` could change what runs: it has a top-level `;`, `&`,
/// `||` or newline, so `a && b; c` would run `c` even when `a` fails.
pub fn needs_grouping_after_and(command: &str) -> bool {
    let commands = split(command);
    let last = commands.len().saturating_sub(1);
    commands.iter().enumerate().any(|(i, c)| match c.separator {
        // `a && b &` would send `a` to the background too.
        Some(Separator::Or | Separator::Background) => true,
        // A `;` that ends the whole line separates nothing.
        Some(Separator::Sequence) => i < last,
        _ => false,
    })
}

/// The program a simple command runs, skipping `sudo`, environment assignments and `env`.
pub fn program(command: &str) -> Option<&str> {
    words(command).find(|w| !w.contains('=') && !matches!(*w, "sudo" | "env" | "-E" | "command"))
}

/// The whitespace-separated words of a simple command (quotes are not removed).
pub fn words(command: &str) -> impl Iterator<Item = &str> {
    command.split_whitespace()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(line: &str) -> Vec<(&str, Option<Separator>)> {
        split(line)
            .into_iter()
            .map(|c| (c.text, c.separator))
            .collect()
    }

    #[test]
    fn splits_at_top_level_separators() {
        assert_eq!(
            texts("apt-get update && apt-get install -y x; rm -rf /var/lib/apt/lists/* | cat"),
            [
                ("apt-get update", Some(Separator::And)),
                ("apt-get install -y x", Some(Separator::Sequence)),
                ("rm -rf /var/lib/apt/lists/*", Some(Separator::Pipe)),
                ("cat", None),
            ]
        );
        assert_eq!(
            texts("echo \"a && b\" 'c;d' $(x; y) `p | q` 2>&1 || true"),
            [
                (
                    "echo \"a && b\" 'c;d' $(x; y) `p | q` 2>&1",
                    Some(Separator::Or)
                ),
                ("true", None)
            ]
        );
        assert_eq!(
            texts("a # b && c\nd"),
            [("a", Some(Separator::Sequence)), ("d", None)]
        );
        assert_eq!(
            texts("case x in a) b;; esac"),
            [("case x in a) b;; esac", None)]
        );
    }

    #[test]
    fn grouping_is_needed_for_sequences_and_or() {
        assert!(needs_grouping_after_and("a; b"));
        assert!(needs_grouping_after_and("a || b"));
        assert!(needs_grouping_after_and("sleep 1 & wait"));
        assert!(needs_grouping_after_and("sleep 1 &"));
        assert!(!needs_grouping_after_and("yum clean all;"));
        assert!(!needs_grouping_after_and("a && b | c"));
        assert!(!needs_grouping_after_and("echo 'a; b'"));
    }

    #[test]
    fn program_skips_sudo_and_assignments() {
        assert_eq!(
            program("DEBIAN_FRONTEND=noninteractive sudo apt-get install x"),
            Some("apt-get")
        );
        assert_eq!(program(""), None);
    }
}
