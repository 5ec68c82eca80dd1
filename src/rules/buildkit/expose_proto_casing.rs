//! An EXPOSE protocol not in lower case.

use super::super::{Category, Context, Fixes, Report, Rule, Scope};
use super::util;
use crate::diagnostic::Edit;
use crate::diagnostic::Severity;

pub static RULE: Rule = Rule {
    name: "expose-proto-casing",
    summary: "EXPOSE protocol not in lower case",
    docs: "\
Reports the protocol of an `EXPOSE` port written with upper-case letters (`80/TCP`).

**Why:** BuildKit accepts it, but the image records the protocol as written, while `docker \
run -p` and other tools expect `tcp`, `udp` or `sctp`; lower case is the only spelling that \
reliably matches.

**Before**

```dockerfile
EXPOSE 53/UDP
```

**After**

```dockerfile
EXPOSE 53/udp
```

**Fix:** lower-cases the protocol.",
    severity: Severity::Information,
    category: Category::Style,
    scope: Scope::Instruction,
    hadolint: &[],
    buildkit: Some("ExposeProtoCasing"),
    off_by_default: false,
    fixes: Fixes::Safe,
    check,
};

fn check(context: &Context, report: &mut Report) {
    for (_, instruction) in context.instructions() {
        if instruction.keyword != "EXPOSE" {
            continue;
        }
        for word in util::expose_words(context, instruction) {
            let Some(&slash) = util::positions_outside_expansions(&word.text, b'/').last() else {
                continue;
            };
            let protocol: String = word.text[slash + 1..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            if protocol.is_empty() || protocol == protocol.to_ascii_lowercase() {
                continue;
            }
            let start = word.range.start + slash + 1;
            let range = start..start + protocol.len();
            let lower = protocol.to_ascii_lowercase();
            report
                .add(
                    range.clone(),
                    format!("protocol `{protocol}` should be lower-case"),
                )
                .with_fix(
                    format!("Change to `{lower}`"),
                    vec![Edit {
                        range,
                        new_text: lower,
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
    fn reports_the_protocol() {
        expect![[r#"
            17..20 "TCP": protocol `TCP` should be lower-case
            25..28 "Udp": protocol `Udp` should be lower-case
            42..46 "SCTP": protocol `SCTP` should be lower-case"#]]
        .assert_eq(&render(
            &RULE,
            "FROM a\nEXPOSE 80/TCP \"53/Udp\" \\\n  8080:80/SCTP\n",
        ));
    }

    #[test]
    fn lower_case_protocols_are_fine() {
        assert_eq!(
            render(
                &RULE,
                "FROM a\nEXPOSE 80 80/tcp 53/udp ${P:-80/tcp} 1000-1010/udp\n"
            ),
            ""
        );
    }

    #[test]
    fn fix_lower_cases() {
        assert_eq!(
            fixed(&RULE, "FROM a\nEXPOSE 80/TCP\n"),
            "FROM a\nEXPOSE 80/tcp\n"
        );
    }
}
