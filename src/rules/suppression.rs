//! Suppression comments: ours, hadolint's and BuildKit's, so a project moving over keeps its
//! suppressions.
//!
//! - `# dockls ignore=rule[,rule]` or `# hadolint ignore=DL3006` on the comment lines right above
//!   an instruction silence those rules in that instruction;
//! - `# dockls global ignore=...` and `# hadolint global ignore=...` silence them in the file;
//! - the `# check=skip=Name,...` parser directive (or `skip=all`) silences BuildKit's checks.

use std::ops::Range;

use super::{Context, Rule};

/// The suppressions of one document.
#[derive(Debug, Default)]
pub struct Suppressions {
    /// Names or aliases silenced in the whole file.
    global: Vec<String>,
    /// BuildKit's `check=skip=all`.
    skip_all_checks: bool,
    /// Names or aliases silenced in a range (an instruction).
    local: Vec<(Range<usize>, Vec<String>)>,
}

impl Suppressions {
    pub fn read(context: &Context) -> Suppressions {
        let mut suppressions = Suppressions::default();
        for directive in &context.model.directives {
            if directive.name != "check" {
                continue;
            }
            for setting in directive.value.split(';') {
                let Some(list) = setting.trim().strip_prefix("skip=") else {
                    continue;
                };
                for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
                    if name.eq_ignore_ascii_case("all") {
                        suppressions.skip_all_checks = true;
                    } else {
                        suppressions.global.push(name.to_owned());
                    }
                }
            }
        }
        let root = context.tree.root_node();
        let mut cursor = root.walk();
        let mut pending: Vec<String> = Vec::new();
        for child in root.named_children(&mut cursor) {
            match child.kind() {
                "comment" => {
                    let text = context.slice(child.byte_range());
                    match parse_comment(text) {
                        Some((true, names)) => suppressions.global.extend(names),
                        Some((false, names)) => pending.extend(names),
                        None => {}
                    }
                }
                kind if kind.ends_with("_instruction") => {
                    if !pending.is_empty() {
                        suppressions
                            .local
                            .push((child.byte_range(), std::mem::take(&mut pending)));
                    }
                }
                _ => pending.clear(),
            }
        }
        suppressions
    }

    /// Whether `rule` is off for the whole file.
    pub fn whole_file(&self, rule: &Rule) -> bool {
        (self.skip_all_checks && rule.buildkit.is_some())
            || self.global.iter().any(|name| rule.answers_to(name))
    }

    /// Whether `rule` is silenced at `offset`.
    pub fn at(&self, rule: &Rule, offset: usize) -> bool {
        self.local.iter().any(|(range, names)| {
            range.contains(&offset) && names.iter().any(|n| rule.answers_to(n))
        })
    }
}

/// Reads `# dockls ignore=a,b`, `# hadolint ignore=DL1`, and their `global` variants; returns
/// whether it is global and the names.
fn parse_comment(text: &str) -> Option<(bool, Vec<String>)> {
    let body = text.strip_prefix('#')?.trim();
    let rest = body
        .strip_prefix("dockls")
        .or_else(|| body.strip_prefix("hadolint"))?
        .trim_start();
    let (global, rest) = match rest.strip_prefix("global") {
        Some(rest) => (true, rest.trim_start()),
        None => (false, rest),
    };
    let list = rest
        .strip_prefix("ignore")?
        .trim_start()
        .strip_prefix('=')?;
    let names = list
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
        .collect();
    Some((global, names))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_our_and_hadolint_comments() {
        assert_eq!(
            parse_comment("# dockls ignore=a, b"),
            Some((false, vec!["a".to_owned(), "b".to_owned()]))
        );
        assert_eq!(
            parse_comment("# hadolint global ignore=DL3006"),
            Some((true, vec!["DL3006".to_owned()]))
        );
        assert_eq!(parse_comment("# just a comment"), None);
        assert_eq!(parse_comment("# hadolint shell=bash"), None);
    }
}
