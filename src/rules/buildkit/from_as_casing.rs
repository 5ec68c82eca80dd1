//! `AS` in a FROM line cased differently from `FROM`.

use super::super::{Category, Context, Fixes, Report, Rule, Scope};
use crate::diagnostic::Edit;
use crate::diagnostic::Severity;

pub static RULE: Rule = Rule {
    name: "from-as-casing",
    summary: "`AS` is not cased like `FROM`",
    docs: "\
Reports `FROM image as name` where the `AS` keyword's case does not follow the `FROM` \
keyword: `FROM ... AS ...` or `from ... as ...`. A `FROM` keyword in mixed case (`From`) is \
left to `consistent-instruction-casing`.

**Why:** the two keywords belong to one instruction; mixing their case reads as a mistake and \
makes the stage name harder to spot.

**Before**

```dockerfile
FROM debian:12 as build
```

**After**

```dockerfile
FROM debian:12 AS build
```

**Fix:** rewrites `AS` in the case of `FROM`.",
    severity: Severity::Information,
    category: Category::Style,
    scope: Scope::Instruction,
    hadolint: &[],
    buildkit: Some("FromAsCasing"),
    off_by_default: false,
    fixes: Fixes::Safe,
    check,
};

fn check(context: &Context, report: &mut Report) {
    for stage in context.stages() {
        let Some(from) = context.model.instructions.get(stage.from) else {
            continue;
        };
        let keyword = context.slice(from.keyword_range.clone());
        let lower = keyword == keyword.to_ascii_lowercase();
        let upper = keyword == keyword.to_ascii_uppercase();
        if !lower && !upper {
            continue;
        }
        let Some(node) = context.instruction_node(from) else {
            continue;
        };
        let mut cursor = node.walk();
        let Some(as_node) = node.children(&mut cursor).find(|c| c.kind() == "AS") else {
            continue;
        };
        let written = context.slice(as_node.byte_range());
        let wanted = if lower { "as" } else { "AS" };
        if written == wanted {
            continue;
        }
        report
            .add(
                as_node.byte_range(),
                format!("`{written}` should be cased like `{keyword}`"),
            )
            .with_fix(
                format!("Change to `{wanted}`"),
                vec![Edit {
                    range: as_node.byte_range(),
                    new_text: wanted.to_owned(),
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
    fn reports_the_as_keyword() {
        expect![[r#"
            7..9 "as": `as` should be cased like `FROM`
            21..23 "AS": `AS` should be cased like `from`
            35..37 "As": `As` should be cased like `FROM`"#]]
        .assert_eq(&render(
            &RULE,
            "FROM a as one\nfrom b AS two\nFROM c As three\nFrom d as four\n",
        ));
    }

    #[test]
    fn matching_case_is_fine() {
        assert_eq!(render(&RULE, "FROM a AS one\nfrom b as two\nFROM c\n"), "");
    }

    #[test]
    fn fix_follows_from() {
        assert_eq!(fixed(&RULE, "FROM a as one\n"), "FROM a AS one\n");
        assert_eq!(fixed(&RULE, "from a AS one\n"), "from a as one\n");
    }
}
