//! A quote or `${` left open in a shell-form command.

use crate::diagnostic::Severity;
use crate::rules::{Category, Context, Fixes, Report, Rule, Scope};

use super::unclosed_quote::unclosed;
use super::util::Reader;

pub static RULE: Rule = Rule {
    name: "unclosed-quote-in-shell",
    summary: "Unclosed quote or `${` in a shell command",
    docs: "\
Reports a `\"`, `'` or `${` that is not closed before the end of a shell-form `RUN`, `CMD`, \
`ENTRYPOINT`, `HEALTHCHECK CMD` or `SHELL` command. Quotes after a shell comment (` #`) are \
ignored.

**Why:** BuildKit hands the command to the shell unchanged, so the build goes on, but `sh` fails \
with a syntax error such as `unterminated quoted string` when the step runs (or, for `CMD` and \
`ENTRYPOINT`, when the container starts). A quote cannot span lines except through a line \
continuation.

**Before**

```dockerfile
RUN echo \"installing && apt-get install -y curl
CMD echo don't stop
```

**After**

```dockerfile
RUN echo \"installing\" && apt-get install -y curl
CMD echo \"don't stop\"
```

**Fix:** none; where the quote should end is yours to say.",
    severity: Severity::Warning,
    category: Category::Correctness,
    scope: Scope::File,
    hadolint: &[],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::None,
    check,
};

fn check(context: &Context, report: &mut Report) {
    for (range, message) in unclosed(context, Reader::Shell) {
        report.add(range, message);
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::rules::testing::render;

    #[test]
    fn reports_unclosed_quotes_in_commands() {
        expect![[r#"
            16..26 "\"x && true": unclosed `"`
            39..41 "'t": unclosed `'`
            58..61 "${A": unclosed `${`
            83..85 "'x": unclosed `'`"#]]
        .assert_eq(&render(
            &RULE,
            "FROM a\nRUN echo \"x && true\nCMD echo don't\nENTRYPOINT echo ${A\n\
             HEALTHCHECK CMD curl 'x\nENV A=\"y\n",
        ));
    }

    #[test]
    fn closed_quotes_and_comments_are_fine() {
        assert_eq!(
            render(
                &RULE,
                "FROM a\nRUN echo \"x\" 'y' ${A} # it's fine\nRUN echo \"a \\\n  b\"\n\
                 CMD [\"echo\", \"it's\"]\n"
            ),
            ""
        );
    }
}
