//! Instruction keywords cased differently from the rest of the file.

use super::super::{Category, Context, Fixes, Report, Rule, Scope};
use crate::diagnostic::Edit;
use crate::diagnostic::Severity;

pub static RULE: Rule = Rule {
    name: "consistent-instruction-casing",
    summary: "Instruction keyword cased differently from the others",
    docs: "\
Reports instruction keywords whose case differs from the majority of the file: in a file of \
upper-case instructions, `run` or `Run`; in a file of lower-case ones, `RUN`. Mixed-case \
keywords such as `Copy` are always reported. When upper and lower case are equally common, \
upper case wins.

**Why:** BuildKit accepts any case, but a file that mixes them is harder to scan, and upper \
case is the convention that makes instructions stand out from their arguments.

**Before**

```dockerfile
FROM alpine:3.20
Run apk add --no-cache curl
copy . /app
```

**After**

```dockerfile
FROM alpine:3.20
RUN apk add --no-cache curl
COPY . /app
```

**Fix:** rewrites the keyword in the majority's case.",
    severity: Severity::Information,
    category: Category::Style,
    scope: Scope::File,
    hadolint: &[],
    buildkit: Some("ConsistentInstructionCasing"),
    off_by_default: false,
    fixes: Fixes::Safe,
    check,
};

fn check(context: &Context, report: &mut Report) {
    let keywords: Vec<_> = context
        .model
        .instructions
        .iter()
        .filter(|i| i.known)
        .map(|i| {
            (
                i.keyword_range.clone(),
                context.slice(i.keyword_range.clone()),
            )
        })
        .collect();
    let lower = keywords
        .iter()
        .filter(|(_, k)| *k == k.to_ascii_lowercase())
        .count();
    let upper = keywords
        .iter()
        .filter(|(_, k)| *k == k.to_ascii_uppercase())
        .count();
    let majority_lower = lower > upper;
    for (range, keyword) in keywords {
        let wanted = if majority_lower {
            keyword.to_ascii_lowercase()
        } else {
            keyword.to_ascii_uppercase()
        };
        if keyword == wanted {
            continue;
        }
        let case = if majority_lower { "lower" } else { "upper" };
        report
            .add(
                range.clone(),
                format!("`{keyword}` should be {case}-case like most instructions in the file"),
            )
            .with_fix(
                format!("Change to `{wanted}`"),
                vec![Edit {
                    range,
                    new_text: wanted,
                }],
            );
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::rules::testing::{fixed, render};

    #[test]
    fn reports_keywords_against_the_majority() {
        expect![[r#"
            7..10 "Run": `Run` should be upper-case like most instructions in the file
            13..16 "run": `run` should be upper-case like most instructions in the file"#]]
        .assert_eq(&render(
            &RULE,
            "FROM a\nRun x\nrun y\nCOPY a b\nONBUILD run z\n",
        ));
        expect![[r#"
            13..16 "RUN": `RUN` should be lower-case like most instructions in the file
            19..23 "Copy": `Copy` should be lower-case like most instructions in the file"#]]
        .assert_eq(&render(&RULE, "from a\nrun x\nRUN y\nCopy a b\n"));
    }

    #[test]
    fn one_case_throughout_is_fine() {
        assert_eq!(render(&RULE, "FROM a\nRUN x\nONBUILD run y\n"), "");
        assert_eq!(render(&RULE, "from a\nrun x\nrum y\n"), "");
    }

    #[test]
    fn fix_uses_the_majority_case() {
        assert_eq!(
            fixed(&RULE, "FROM a\nRUN b\nrun x\n"),
            "FROM a\nRUN b\nRUN x\n"
        );
        assert_eq!(
            fixed(&RULE, "from a\nrun b\nRun x\n"),
            "from a\nrun b\nrun x\n"
        );
    }
}
