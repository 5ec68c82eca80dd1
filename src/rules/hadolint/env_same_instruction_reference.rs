//! A variable used in the ENV instruction that defines it, where it still has its old value.

use crate::diagnostic::Edit;
use crate::diagnostic::Severity;
use crate::model::DeclarationKind;
use crate::rules::{Category, Context, Fixes, Report, Rule, Scope};
use crate::text::newline;

pub static RULE: Rule = Rule {
    name: "env-same-instruction-reference",
    summary: "ENV value uses a variable the same ENV defines",
    docs: "\
Reports a `$VAR` in an `ENV` value when `VAR` is set by another pair of the same `ENV` \
instruction and was not defined before it. A pair extending its own variable \
(`ENV PATH=/opt/bin:$PATH`) is fine.

**Why:** all values of one `ENV` are expanded with the variables as they were before the \
instruction, so `ENV DIR=/opt/app CONF=$DIR/conf` sets `CONF` to `/conf`, not to \
`/opt/app/conf`.

**Before**

```dockerfile
ENV DIR=/opt/app CONF=$DIR/conf
```

**After**

```dockerfile
ENV DIR=/opt/app
ENV CONF=$DIR/conf
```

**Fix:** start a new `ENV` instruction at the pair that uses the variable (changes the value \
it gets, to the one that was meant).",
    severity: Severity::Warning,
    category: Category::Correctness,
    scope: Scope::Instruction,
    hadolint: &["DL3044"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::Unsafe,
    check,
};

fn check(context: &Context, report: &mut Report) {
    let model = context.model;
    for (index, instruction) in context.instructions() {
        if instruction.keyword != "ENV" {
            continue;
        }
        let pairs: Vec<_> = model
            .declarations
            .iter()
            .filter(|d| d.instruction == index && d.kind == DeclarationKind::Env)
            .collect();
        if pairs.len() < 2 {
            continue;
        }
        for variable in model.uses.iter().filter(|u| u.instruction == index) {
            if variable.declaration.is_some() {
                continue;
            }
            let Some(position) = pairs.iter().position(|p| {
                p.value_range
                    .as_ref()
                    .is_some_and(|r| r.start <= variable.range.start && variable.range.end <= r.end)
            }) else {
                continue;
            };
            let Some(pair) = pairs.get(position) else {
                continue;
            };
            // A pair may extend its own variable with the old value; others may not use it.
            let defined_elsewhere = pairs.iter().enumerate().any(|(i, p)| {
                p.name == variable.name
                    && (i < position || (i > position && pair.name != variable.name))
            });
            if !defined_elsewhere {
                continue;
            }
            let finding = report.add(
                variable.range.clone(),
                format!(
                    "`{}` is set by this same `ENV`, so here it still has its value from before",
                    variable.name
                ),
            );
            if position == 0 {
                continue;
            }
            // Replace the blanks and continuations before the pair with a new line and `ENV`.
            let start = pair.name_range.start;
            let before = context.text.get(..start).unwrap_or_default();
            let escape = model.escape;
            let trimmed = before.trim_end_matches(|c: char| c.is_whitespace() || c == escape);
            let gap = trimmed.len()..start;
            if context.slice(gap.clone()).contains('#') {
                continue;
            }
            let line_start = context
                .text
                .get(..instruction.range.start)
                .and_then(|t| t.rfind('\n'))
                .map_or(0, |i| i + 1);
            let indent: String = context
                .slice(line_start..instruction.range.start)
                .chars()
                .take_while(|c| *c == ' ' || *c == '\t')
                .collect();
            let keyword = context.slice(instruction.keyword_range.clone());
            finding.with_unsafe_fix(
                format!("Set `{}` in a new `ENV`", pair.name),
                vec![Edit {
                    range: gap,
                    new_text: format!("{}{indent}{keyword} ", newline(context.text)),
                }],
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::rules::testing::{fixed, render};

    #[test]
    fn reports_uses_of_variables_set_by_the_same_env() {
        expect![[r#"
            30..36 "${BLA}": `BLA` is set by this same `ENV`, so here it still has its value from before
            55..57 "$X": `X` is set by this same `ENV`, so here it still has its value from before
            99..106 "${PATH}": `PATH` is set by this same `ENV`, so here it still has its value from before
            113..115 "$C": `C` is set by this same `ENV`, so here it still has its value from before"#]].assert_eq(&render(
            &RULE,
            "FROM a\nENV BLA=\"blubb\" BLUBB=\"${BLA}/blubb\"\nENV X=1 Y=\"$X/$XFOO\"\n\
             ENV PATH=/bla:${PATH} PATH=/blubb:${PATH}\nENV B=$C C=1\n",
        ));
    }

    #[test]
    fn earlier_definitions_and_own_values_are_fine() {
        assert_eq!(
            render(
                &RULE,
                "FROM a\nARG BLA\nENV BLA=${BLA} X=$BLA\nENV Y=1\nENV Y=2 Z=$Y\n\
                 ENV PATH=/bla:${PATH}\nENV A=1 B=\"${AFOO}/$A_B\"\nENV C=1\nENV D=$C\n",
            ),
            ""
        );
    }

    #[test]
    fn fix_starts_a_new_env() {
        assert_eq!(
            fixed(&RULE, "FROM a\n  env DIR=/opt \\\n      CONF=$DIR/conf\n"),
            "FROM a\n  env DIR=/opt\n  env CONF=$DIR/conf\n"
        );
        assert_eq!(
            fixed(&RULE, "FROM a\nENV A=1 B=$A C=2\n"),
            "FROM a\nENV A=1\nENV B=$A C=2\n"
        );
    }
}
