//! An exec-form array written with single quotes, which makes it shell form.

use super::exec_array::{broken_array, consequence, Mistake};
use super::util::with_triggers;
use crate::diagnostic::Severity;
use crate::rules::{Category, Context, Fixes, Report, Rule, Scope};

pub static RULE: Rule = Rule {
    name: "exec-form-single-quotes",
    summary: "Exec-form array written with single quotes",
    docs: "\
Reports a `RUN`, `CMD`, `ENTRYPOINT`, `SHELL`, `HEALTHCHECK`, `COPY`, `ADD` or `VOLUME` \
array whose items are in single quotes, such as `CMD ['nginx', '-g', 'daemon off;']`.

**Why:** the exec form is JSON, and JSON strings take double quotes only. BuildKit does not \
reject the line: it silently reads it as shell form, so `CMD ['nginx']` runs \
`/bin/sh -c \"['nginx']\"`, which fails when the container starts, and `COPY ['a', 'b']` \
looks for a file named `['a',`.

**Before**

```dockerfile
CMD ['nginx', '-g', 'daemon off;']
```

**After**

```dockerfile
CMD [\"nginx\", \"-g\", \"daemon off;\"]
```

**Fix:** put every item in double quotes, escaping `\"` and `\\` inside them, and repair the \
other mechanical mistakes of the array (a trailing or missing comma, a lone backslash). It \
changes what runs (to what was meant), so `dockls check --fix` leaves it to you.",
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
            let Some(first) = array
                .mistakes
                .iter()
                .find(|m| m.mistake == Mistake::SingleQuotes)
            else {
                continue;
            };
            let finding = report.add(
                first.range.clone(),
                format!(
                    "`{}` is in single quotes, which JSON does not accept; {}",
                    context.slice(first.range.clone()),
                    consequence(instruction)
                ),
            );
            if let Some(edits) = array.repair() {
                finding.with_unsafe_fix("Use double quotes", edits);
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
    fn reports_single_quoted_arrays() {
        expect![[r#"
            12..19 "'nginx'": `'nginx'` is in single quotes, which JSON does not accept; the array runs as a shell command
            48..51 "'a'": `'a'` is in single quotes, which JSON does not accept; the array is read as plain words
            67..74 "'/data'": `'/data'` is in single quotes, which JSON does not accept; the array is read as plain words
            83..92 "'/bin/sh'": `'/bin/sh'` is in single quotes, which JSON does not accept; the array runs as a shell command
            117..123 "'true'": `'true'` is in single quotes, which JSON does not accept; the array runs as a shell command
            138..141 "'x'": `'x'` is in single quotes, which JSON does not accept; the array runs as a shell command
            160..163 "'b'": `'b'` is in single quotes, which JSON does not accept; the array runs as a shell command"#]].assert_eq(&render(
            &RULE,
            "FROM a\nCMD ['nginx', '-g', 'daemon off;']\nCOPY ['a', 'b/']\nVOLUME ['/data']\n\
             SHELL ['/bin/sh', '-c']\nHEALTHCHECK CMD ['true']\nONBUILD RUN ['x']\n\
             ENTRYPOINT [\"a\", 'b']\n",
        ));
    }

    #[test]
    fn double_quotes_and_shell_commands_are_fine() {
        assert_eq!(
            render(
                &RULE,
                "FROM a\nCMD [\"nginx\"]\nRUN [ -f 'x' ] && echo 'y'\nRUN echo ['a', 'b']\n\
                 COPY [\"a\", \"b/\"]\nRUN [ \"$a\" = 'b' ]\n",
            ),
            ""
        );
    }

    #[test]
    fn fix_uses_double_quotes() {
        assert_eq!(
            fixed(&RULE, "FROM a\nCMD ['say', 'a \"b\" \\\\ c',]\n"),
            "FROM a\nCMD [\"say\", \"a \\\"b\\\" \\\\\\\\ c\"]\n"
        );
        assert_eq!(
            fixed(&RULE, "FROM a\nRUN ['a', \\\n     'b']\n"),
            "FROM a\nRUN [\"a\", \\\n     \"b\"]\n"
        );
    }
}
