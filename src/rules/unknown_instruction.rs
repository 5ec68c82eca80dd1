//! An instruction name BuildKit does not know, usually a typo.

use super::{Category, Context, Fixes, Report, Rule, Scope};
use crate::diagnostic::Edit;
use crate::diagnostic::Severity;
use crate::knowledge;

pub static RULE: Rule = Rule {
    name: "unknown-instruction",
    summary: "Unknown instruction",
    docs: "\
Reports a line whose first word is not one of the 18 Dockerfile instructions.

**Why:** BuildKit stops the build at an unknown instruction (`dockerfile parse error: unknown \
instruction`). It is nearly always a typo.

**Before**

```dockerfile
RUM apt-get update
```

**After**

```dockerfile
RUN apt-get update
```

**Fix:** replace the word with the nearest instruction name, when one is close enough.",
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
    for (_, outer) in context.instructions() {
        for instruction in std::iter::once(outer).chain(outer.trigger.as_deref()) {
            if instruction.known {
                continue;
            }
            let word = &instruction.keyword;
            match nearest_instruction(word) {
                Some(name) => {
                    // Keep the user's casing style: `rum` becomes `run`.
                    let replacement = if word.chars().all(|c| !c.is_ascii_uppercase()) {
                        name.to_ascii_lowercase()
                    } else {
                        name.to_owned()
                    };
                    report
                        .add(
                            instruction.keyword_range.clone(),
                            format!("unknown instruction `{word}`; did you mean `{name}`?"),
                        )
                        .with_fix(
                            format!("Change to `{replacement}`"),
                            vec![Edit {
                                range: instruction.keyword_range.clone(),
                                new_text: replacement,
                            }],
                        );
                }
                None => {
                    report.add(
                        instruction.keyword_range.clone(),
                        format!("unknown instruction `{word}`"),
                    );
                }
            }
        }
    }
}

/// The instruction closest to `word` by edit distance, when it is close enough to be a typo.
pub fn nearest_instruction(word: &str) -> Option<&'static str> {
    nearest(word, knowledge::INSTRUCTIONS.iter().map(|i| i.name))
}

use crate::similar::nearest;

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::rules::testing::{fixed, render};

    #[test]
    fn reports_the_word_with_a_suggestion() {
        expect![[r#"
            12..15 "RUM": unknown instruction `RUM`; did you mean `RUN`?
            24..28 "FORM": unknown instruction `FORM`; did you mean `FROM`?
            31..36 "XYZZY": unknown instruction `XYZZY`
            45..49 "CPOY": unknown instruction `CPOY`; did you mean `COPY`?"#]]
        .assert_eq(&render(
            &RULE,
            "FROM alpine\nRUM echo hi\nFORM x\nXYZZY\nONBUILD CPOY a b\n",
        ));
    }

    #[test]
    fn known_instructions_in_any_case_are_fine() {
        assert_eq!(
            render(&RULE, "from alpine\nRun echo\nonbuild copy a b\n"),
            ""
        );
    }

    #[test]
    fn fix_keeps_the_casing_style() {
        assert_eq!(fixed(&RULE, "FROM a\nRUM echo\n"), "FROM a\nRUN echo\n");
        assert_eq!(fixed(&RULE, "from a\nrum echo\n"), "from a\nrun echo\n");
    }
}
