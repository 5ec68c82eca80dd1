//! STOPSIGNAL with something that is not a signal.

use crate::diagnostic::Severity;
use crate::rules::{Category, Context, Fixes, Report, Rule, Scope};

use super::util;

pub static RULE: Rule = Rule {
    name: "invalid-stopsignal",
    summary: "Invalid STOPSIGNAL",
    docs: "\
Reports a `STOPSIGNAL` that is neither a signal name (`SIGTERM`, `TERM`, `sigquit`, \
`SIGRTMIN+3`: any case, with or without `SIG`) nor a signal number from 1 to 64. Values with \
variables are left alone.

**Why:** BuildKit checks the signal while building the stage and stops with `Invalid signal` \
for an unknown name or `0`. Numbers above 64 pass that check but are no Linux signal, so the \
container cannot be stopped with them.

**Before**

```dockerfile
STOPSIGNAL SIGTERMINATE
```

**After**

```dockerfile
STOPSIGNAL SIGTERM
```

**Fix:** none.",
    severity: Severity::Error,
    category: Category::Correctness,
    scope: Scope::Instruction,
    hadolint: &[],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::None,
    check,
};

fn check(context: &Context, report: &mut Report) {
    for instruction in util::with_triggers(context) {
        if instruction.keyword != "STOPSIGNAL" {
            continue;
        }
        let Some(range) = instruction.arguments.first() else {
            continue;
        };
        let written = context.slice(range.clone());
        if util::has_variable(written) {
            continue;
        }
        let signal = util::unquote(written);
        let message = match signal.parse::<i64>() {
            Ok(number) if (1..=64).contains(&number) => continue,
            Ok(number) => format!("{number} is not a signal number (1 to 64)"),
            Err(_) if util::is_signal_name(&signal) => continue,
            Err(_) => format!("unknown signal `{signal}`"),
        };
        report.add(range.clone(), message);
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::rules::testing::render;

    #[test]
    fn reports_unknown_signals() {
        expect![[r#"
            18..30 "SIGTERMINATE": unknown signal `SIGTERMINATE`
            42..43 "0": 0 is not a signal number (1 to 64)
            55..57 "99": 99 is not a signal number (1 to 64)
            69..74 "\"KIL\"": unknown signal `KIL`"#]]
        .assert_eq(&render(
            &RULE,
            "FROM a\nSTOPSIGNAL SIGTERMINATE\nSTOPSIGNAL 0\nSTOPSIGNAL 99\nSTOPSIGNAL \"KIL\"\n",
        ));
    }

    #[test]
    fn names_numbers_and_variables_are_fine() {
        assert_eq!(
            render(
                &RULE,
                "FROM a\nSTOPSIGNAL SIGTERM\nSTOPSIGNAL quit\nSTOPSIGNAL 9\nSTOPSIGNAL SIGRTMIN+3\n\
                 STOPSIGNAL $SIGNAL\n"
            ),
            ""
        );
    }
}
