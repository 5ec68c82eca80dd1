//! A HEALTHCHECK BuildKit cannot read.

use crate::diagnostic::Edit;
use crate::diagnostic::Severity;
use crate::rules::{Category, Context, Fixes, Report, Rule, Scope};
use crate::similar::nearest;

use super::util;

pub static RULE: Rule = Rule {
    name: "invalid-healthcheck",
    summary: "Invalid HEALTHCHECK",
    docs: "\
Reports a `HEALTHCHECK` that BuildKit rejects: nothing after the keyword (or only flags), \
`NONE` followed by more words, `CMD` without a command, and a type other than `CMD` or `NONE`.

**Why:** BuildKit stops with `HEALTHCHECK requires at least one argument`, `HEALTHCHECK NONE \
takes no arguments`, `Missing command after HEALTHCHECK CMD` or `Unknown type in HEALTHCHECK`.

**Before**

```dockerfile
HEALTHCHECK --interval=30s curl -f http://localhost/
HEALTHCHECK NONE CMD true
```

**After**

```dockerfile
HEALTHCHECK --interval=30s CMD curl -f http://localhost/
HEALTHCHECK NONE
```

**Fix:** removes the words after `NONE`; renames a mistyped type (`CDM`) to `CMD` or `NONE`.",
    severity: Severity::Error,
    category: Category::Correctness,
    scope: Scope::Instruction,
    hadolint: &[],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::Safe,
    check,
};

fn check(context: &Context, report: &mut Report) {
    for instruction in util::with_triggers(context) {
        if instruction.keyword != "HEALTHCHECK" {
            continue;
        }
        let Some((kind, kind_range)) = util::healthcheck_type(context, instruction) else {
            report.add(
                instruction.keyword_range.clone(),
                "`HEALTHCHECK` needs `CMD <command>` or `NONE`",
            );
            continue;
        };
        let command = instruction.command_range.clone();
        match kind.as_str() {
            "NONE" => {
                if let Some(command) = command {
                    report
                        .add(command.clone(), "`HEALTHCHECK NONE` takes no arguments")
                        .with_fix(
                            "Remove the arguments",
                            vec![Edit {
                                range: kind_range.end..command.end,
                                new_text: String::new(),
                            }],
                        );
                }
            }
            "CMD" => {
                let empty = match &command {
                    None => true,
                    Some(_) => instruction.exec_args.as_ref().is_some_and(Vec::is_empty),
                };
                if empty {
                    report.add(kind_range, "missing command after `HEALTHCHECK CMD`");
                }
            }
            _ => {
                let word = context.slice(kind_range.clone());
                match nearest(word, ["CMD", "NONE"]) {
                    Some(suggestion) => {
                        report
                            .add(
                                kind_range.clone(),
                                format!(
                                    "unknown HEALTHCHECK type `{word}`; did you mean \
                                     `{suggestion}`?"
                                ),
                            )
                            .with_fix(
                                format!("Change to `{suggestion}`"),
                                vec![Edit {
                                    range: kind_range,
                                    new_text: suggestion.to_owned(),
                                }],
                            );
                    }
                    None => {
                        report.add(
                            kind_range,
                            format!(
                                "unknown HEALTHCHECK type `{word}`; expected `CMD <command>` or \
                                 `NONE`"
                            ),
                        );
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::rules::testing::{fixed, render};

    #[test]
    fn reports_the_shape() {
        expect![[r#"
            7..18 "HEALTHCHECK": `HEALTHCHECK` needs `CMD <command>` or `NONE`
            19..30 "HEALTHCHECK": `HEALTHCHECK` needs `CMD <command>` or `NONE`
            62..70 "CMD true": `HEALTHCHECK NONE` takes no arguments
            83..86 "CMD": missing command after `HEALTHCHECK CMD`
            99..102 "CMD": missing command after `HEALTHCHECK CMD`
            118..121 "CDM": unknown HEALTHCHECK type `CDM`; did you mean `CMD`?
            139..143 "curl": unknown HEALTHCHECK type `curl`; expected `CMD <command>` or `NONE`"#]]
        .assert_eq(&render(
            &RULE,
            "FROM a\nHEALTHCHECK\nHEALTHCHECK --interval=5s\nHEALTHCHECK NONE CMD true\n\
             HEALTHCHECK CMD\nHEALTHCHECK CMD []\nHEALTHCHECK CDM true\n\
             HEALTHCHECK curl -f http://localhost/\n",
        ));
    }

    #[test]
    fn valid_healthchecks_are_fine() {
        assert_eq!(
            render(
                &RULE,
                "FROM a\nHEALTHCHECK NONE\nHEALTHCHECK --interval=5s CMD curl -f http://x/\n\
                 healthcheck cmd [\"true\"]\nONBUILD HEALTHCHECK NONE\n"
            ),
            ""
        );
    }

    #[test]
    fn fixes() {
        assert_eq!(
            fixed(&RULE, "FROM a\nHEALTHCHECK NONE CMD true\n"),
            "FROM a\nHEALTHCHECK NONE\n"
        );
        assert_eq!(
            fixed(&RULE, "FROM a\nHEALTHCHECK CDM true\n"),
            "FROM a\nHEALTHCHECK CMD true\n"
        );
    }
}
