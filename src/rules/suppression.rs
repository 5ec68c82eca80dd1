//! Suppression comments: ours, hadolint's and BuildKit's, so a project moving over keeps its
//! suppressions.
//!
//! - `# dockls ignore=rule[,rule]` or `# hadolint ignore=DL3006` on the comment lines right above
//!   an instruction silence those rules in that instruction;
//! - `# dockls global ignore=...` and `# hadolint global ignore=...` silence them in the file;
//! - the `# check=skip=Name,...` parser directive (or `skip=all`) silences BuildKit's checks.

use std::ops::Range;

use super::{Context, Rule};
use crate::diagnostic::Edit;

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
        let mut pending: Vec<String> = Vec::new();
        for child in context.top_level() {
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

/// The edit that silences `rule` for the instruction at `offset`: adds the rule to a
/// `# dockls ignore=` comment right above the instruction, or inserts one with the
/// instruction's indentation. For a finding outside any instruction, silences the whole file.
pub fn suppress_edit(context: &Context, rule: &Rule, offset: usize) -> Edit {
    let text = context.text;
    let Some(index) = context.model.instruction_at(offset) else {
        return Edit {
            range: 0..0,
            new_text: format!("# dockls global ignore={}\n", rule.name),
        };
    };
    let start = context.model.instructions[index].range.start;
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let indent = &text[line_start..start];
    let indent: String = indent.chars().take_while(|c| c.is_whitespace()).collect();
    // An existing `# dockls ignore=` comment on the line above gets the rule appended.
    if line_start > 0 {
        let above_start = text[..line_start - 1].rfind('\n').map_or(0, |i| i + 1);
        let above = text[above_start..line_start - 1].trim_end_matches('\r');
        if let Some((false, _)) = parse_comment(above.trim_start()) {
            if above.trim_start().starts_with("# dockls") {
                let end = above_start + above.len();
                return Edit {
                    range: end..end,
                    new_text: format!(",{}", rule.name),
                };
            }
        }
    }
    Edit {
        range: line_start..line_start,
        new_text: format!("{indent}# dockls ignore={}\n", rule.name),
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
    fn suppress_edit_adds_or_extends_a_comment() {
        use crate::diagnostic::apply_edits;
        use crate::rules::{check, rule, RuleConfig};
        use crate::snapshot::Snapshot;

        let text = "FROM python\n  RUM x\n";
        let analysis = Snapshot::from_text(text);
        let config = RuleConfig::default();
        let context = crate::rules::Context::new(&analysis, &config, None);
        let unknown = rule("unknown-instruction").unwrap();
        let edit = suppress_edit(&context, unknown, 14);
        let after = apply_edits(text, &[edit]);
        assert_eq!(
            after,
            "FROM python\n  # dockls ignore=unknown-instruction\n  RUM x\n"
        );

        let analysis = Snapshot::from_text(&after);
        let context = crate::rules::Context::new(&analysis, &config, None);
        let found: Vec<&str> = check(&context).iter().map(|(f, _)| f.rule.name).collect();
        assert_eq!(found, ["untagged-base-image"]);
        let untagged = rule("DL3006").unwrap();
        let edit = suppress_edit(&context, untagged, 5);
        assert_eq!(apply_edits(&after, &[edit]), "# dockls ignore=untagged-base-image\nFROM python\n  # dockls ignore=unknown-instruction\n  RUM x\n");
        let edit = suppress_edit(&context, untagged, after.find("RUM").unwrap());
        assert!(apply_edits(&after, &[edit])
            .contains("# dockls ignore=unknown-instruction,untagged-base-image\n"));
    }

    #[test]
    fn hadolint_and_buildkit_suppressions_are_honoured() {
        use crate::rules::{check, RuleConfig};
        use crate::snapshot::Snapshot;

        let text = "# check=skip=StageNameCasing\n# hadolint ignore=DL3006\nFROM python AS Build\nFROM python\n";
        let analysis = Snapshot::from_text(text);
        let config = RuleConfig::default();
        let context = crate::rules::Context::new(&analysis, &config, None);
        let found: Vec<(&str, usize)> = check(&context)
            .iter()
            .map(|(f, _)| (f.rule.name, f.range.start))
            .collect();
        assert_eq!(found, [("untagged-base-image", 80)]);
    }

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
