//! A `--flag` the instruction does not have.

use crate::diagnostic::Edit;
use crate::diagnostic::Severity;
use crate::knowledge;
use crate::rules::{Category, Context, Fixes, Report, Rule, Scope};
use crate::similar::nearest;

use super::util;

pub static RULE: Rule = Rule {
    name: "unknown-flag",
    summary: "Unknown flag",
    docs: "\
Reports a `--flag` that its instruction does not accept in any Dockerfile syntax version, and \
any `--word` at the start of the arguments of an instruction that takes no flags at all (`ENV`, \
`CMD`, `WORKDIR`, ...).

**Why:** BuildKit reads every word that starts with `--` right after the keyword as a flag and \
stops with `unknown flag`. This also catches `CMD --help`: write the command in exec form or \
put the program name first. The flags of `HEALTHCHECK NONE` are not read at all, so they are \
reported by `healthcheck-none-flags` instead.

**Before**

```dockerfile
COPY --form=build /out /app
CMD --port 8080
```

**After**

```dockerfile
COPY --from=build /out /app
CMD [\"server\", \"--port\", \"8080\"]
```

**Fix:** rename the flag to the closest flag of the instruction, when one is close enough.",
    severity: Severity::Error,
    category: Category::Correctness,
    scope: Scope::Instruction,
    hadolint: &[],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::Safe,
    check,
};

/// The instructions whose flags the grammar reads as `flag` nodes.
const WITH_FLAGS: &[&str] = &["FROM", "RUN", "COPY", "ADD", "HEALTHCHECK"];

fn check(context: &Context, report: &mut Report) {
    for instruction in util::with_triggers(context) {
        if !instruction.known {
            continue;
        }
        let keyword = instruction.keyword.as_str();
        let Some(info) = knowledge::instruction(keyword) else {
            continue;
        };
        if !WITH_FLAGS.contains(&keyword) {
            // After ONBUILD a `--word` reads as the trigger's keyword, an unknown instruction.
            if keyword == "ONBUILD" {
                continue;
            }
            for flag in util::leading_flags(context, instruction) {
                report.add(
                    flag.name_range,
                    format!(
                        "`{keyword}` takes no flags, and BuildKit reads `--{}` as one",
                        flag.name
                    ),
                );
            }
            continue;
        }
        if keyword == "HEALTHCHECK"
            && util::healthcheck_type(context, instruction).is_some_and(|(t, _)| t == "NONE")
        {
            continue;
        }
        for flag in &instruction.flags {
            if flag.name.is_empty() || knowledge::flag(info, &flag.name).is_some() {
                continue;
            }
            let name = &flag.name;
            let Some(suggestion) = nearest(name, info.flags.iter().map(|f| f.name)) else {
                report.add(
                    flag.name_range.clone(),
                    format!("unknown flag `--{name}` for `{keyword}`"),
                );
                continue;
            };
            report
                .add(
                    flag.name_range.clone(),
                    format!(
                        "unknown flag `--{name}` for `{keyword}`; did you mean `--{suggestion}`?"
                    ),
                )
                .with_fix(
                    format!("Change to `--{suggestion}`"),
                    vec![Edit {
                        range: flag.name_range.clone(),
                        new_text: format!("--{suggestion}"),
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
    fn reports_unknown_flags_with_a_suggestion() {
        expect![[r#"
            5..15 "--platfrom": unknown flag `--platfrom` for `FROM`; did you mean `--platform`?
            35..41 "--form": unknown flag `--form` for `COPY`; did you mean `--from`?
            44..51 "--xyzzy": unknown flag `--xyzzy` for `COPY`
            60..66 "--mout": unknown flag `--mout` for `RUN`; did you mean `--mount`?
            105..115 "--intreval": unknown flag `--intreval` for `HEALTHCHECK`; did you mean `--interval`?
            140..147 "--chwon": unknown flag `--chwon` for `ADD`; did you mean `--chown`?"#]].assert_eq(&render(
            &RULE,
            "FROM --platfrom=linux/amd64 a\nCOPY --form=b --xyzzy x y\n\
             RUN --mout=type=cache,target=/x make\nHEALTHCHECK --intreval=5s CMD true\n\
             ONBUILD ADD --chwon=1 a b\n",
        ));
    }

    #[test]
    fn reports_flags_on_instructions_without_flags() {
        expect![[r#"
            11..17 "--help": `CMD` takes no flags, and BuildKit reads `--help` as one
            22..25 "--x": `ENV` takes no flags, and BuildKit reads `--x` as one
            44..47 "--y": `WORKDIR` takes no flags, and BuildKit reads `--y` as one"#]]
        .assert_eq(&render(
            &RULE,
            "FROM a\nCMD --help\nENV --x=1 A=b\nWORKDIR \\\n  --y /a\n",
        ));
    }

    #[test]
    fn known_flags_and_plain_arguments_are_fine() {
        assert_eq!(
            render(
                &RULE,
                "FROM --platform=linux/amd64 a\nCOPY --from=b --chown=1 --chmod=644 --link \
                 --parents --exclude=x a b/\nADD --keep-git-dir --checksum=sha256:x --unpack a b\n\
                 RUN --mount=type=cache,target=/x --network=none --security=insecure --device=x \
                 make --jobs\nHEALTHCHECK --interval=5s --timeout=1s --start-period=1s \
                 --start-interval=1s --retries=3 CMD true\nHEALTHCHECK --bogus NONE\n\
                 CMD [\"--help\"]\nENV A=--b\nCMD echo --x\n"
            ),
            ""
        );
    }

    #[test]
    fn fix_renames_the_flag() {
        assert_eq!(
            fixed(&RULE, "FROM a\nCOPY --form=b x y\n"),
            "FROM a\nCOPY --from=b x y\n"
        );
    }
}
