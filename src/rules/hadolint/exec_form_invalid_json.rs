//! An exec-form array that is not valid JSON, which makes it shell form.

use super::exec_array::{broken_array, consequence, Mistake};
use super::util::with_triggers;
use crate::diagnostic::Severity;
use crate::rules::{Category, Context, Fixes, Report, Rule, Scope};

pub static RULE: Rule = Rule {
    name: "exec-form-invalid-json",
    summary: "Exec-form array is not valid JSON",
    docs: "\
Reports a `RUN`, `CMD`, `ENTRYPOINT`, `SHELL`, `HEALTHCHECK`, `COPY`, `ADD` or `VOLUME` \
argument that was meant as a JSON array but does not parse: a comma after the last item, a \
missing comma, a backslash that starts no JSON escape (`\"C:\\Program Files\"`), an item \
without quotes, no closing `]`, or text after it. Single quotes have their own rule, \
`exec-form-single-quotes`. A shell command that starts with `[`, such as \
`RUN [ -f x ] && make`, is not reported.

**Why:** BuildKit does not reject such a line: it reads it as shell form, so \
`CMD [\"nginx\",]` runs `/bin/sh -c '[\"nginx\",]'`, which fails when the container starts, \
and `COPY [\"a\" \"b\"]` looks for files named after the brackets.

**Before**

```dockerfile
ENTRYPOINT [\"/app/server\", \"--port\", \"8080\",]
```

**After**

```dockerfile
ENTRYPOINT [\"/app/server\", \"--port\", \"8080\"]
```

**Fix:** for the mechanical mistakes (a trailing, doubled or missing comma, a lone backslash \
that is doubled): repair the array. It changes what runs (to what was meant), so \
`dockls check --fix` leaves it to you.",
    severity: Severity::Warning,
    category: Category::Correctness,
    scope: Scope::Instruction,
    hadolint: &[],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::Unsafe,
    check,
};

fn check(context: &Context, report: &mut Report) {
    for (_, outer) in context.instructions() {
        for instruction in with_triggers(outer) {
            let Some(array) = broken_array(context, instruction) else {
                continue;
            };
            if array
                .mistakes
                .iter()
                .any(|m| m.mistake == Mistake::SingleQuotes)
            {
                continue;
            }
            let Some(first) = array.mistakes.first() else {
                continue;
            };
            let text = context.slice(first.range.clone());
            let what = match first.mistake {
                Mistake::TrailingComma => "comma after the last item".to_owned(),
                Mistake::ExtraComma => "comma without an item before it".to_owned(),
                Mistake::MissingComma => format!("missing comma in `{text}`"),
                Mistake::InvalidEscape => {
                    format!("`{text}` is no JSON escape (write `\\{text}` for a backslash)")
                }
                Mistake::BareItem => format!("`{text}` is not in double quotes"),
                Mistake::Unclosed => "no closing `]` on this line".to_owned(),
                Mistake::TextAfter => format!("`{text}` after the closing `]`"),
                Mistake::SingleQuotes => continue,
            };
            let finding = report.add(
                first.range.clone(),
                format!("{what}; {}", consequence(instruction)),
            );
            if let Some(edits) = array.repair() {
                finding.with_unsafe_fix("Repair the JSON array", edits);
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
    fn reports_what_keeps_the_array_from_parsing() {
        expect![[r#"
            20..21 ",": comma after the last item; the array runs as a shell command
            35..42 "\"a\" \"b\"": missing comma in `"a" "b"`; the array runs as a shell command
            52..54 "\\d": `\d` is no JSON escape (write `\\d` for a backslash); the array runs as a shell command
            63..64 "[": no closing `]` on this line; the array runs as a shell command
            87..88 ",": comma after the last item; the array is read as plain words
            100..104 "&& b": `&& b` after the closing `]`; the array runs as a shell command
            119..120 "b": `b` is not in double quotes; the array is read as plain words"#]].assert_eq(&render(
            &RULE,
            "FROM a\nRUN [\"a\", \"b\",]\nENTRYPOINT [\"a\" \"b\"]\nCMD [\"c:\\dir\"]\n\
             RUN [\"a\", \"b\"\nCOPY [\"a\", \"b\",]\nCMD [\"a\"] && b\nVOLUME [\"/a\", b]\n",
        ));
    }

    #[test]
    fn valid_arrays_and_shell_commands_are_fine() {
        assert_eq!(
            render(
                &RULE,
                "FROM a\nRUN [\"a\", \"b\"]\nRUN [ -f x ] && y\nRUN [ \"$a\" = \"b\" ]\n\
                 CMD ['x']\nVOLUME /a\nCOPY [\"a\", \"b\\\\c\"]\n",
            ),
            ""
        );
    }

    #[test]
    fn fix_repairs_mechanical_mistakes() {
        assert_eq!(
            fixed(&RULE, "FROM a\nRUN [\"a\", \\\n  \"b\",\\\n  ]\n"),
            "FROM a\nRUN [\"a\", \\\n  \"b\"\\\n  ]\n"
        );
        assert_eq!(
            fixed(&RULE, "FROM a\nCMD [\"a\" \"c:\\dir\"]\n"),
            "FROM a\nCMD [\"a\", \"c:\\\\dir\"]\n"
        );
    }
}
