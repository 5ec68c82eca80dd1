//! SHELL written in shell form.

use crate::diagnostic::Edit;
use crate::diagnostic::Severity;
use crate::model::Form;
use crate::rules::{Category, Context, Fixes, Report, Rule, Scope};

pub static RULE: Rule = Rule {
    name: "shell-not-json",
    summary: "SHELL must be a JSON array",
    docs: "\
Reports a `SHELL` instruction that is not a JSON array of strings, or is an empty array.

**Why:** BuildKit accepts `SHELL` only in exec form (`SHELL requires the arguments to be in \
JSON form`); there is no shell yet to run a shell form with. A `[` that does not open valid \
JSON, such as an array with single quotes, is shell form too.

**Before**

```dockerfile
SHELL powershell -Command
```

**After**

```dockerfile
SHELL [\"powershell\", \"-Command\"]
```

**Fix:** write the words as a JSON array, when they are plain words on one line (no quotes, \
escapes or variables).",
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
    for (_, instruction) in context.instructions() {
        let instruction = instruction.trigger.as_deref().unwrap_or(instruction);
        if instruction.keyword != "SHELL" {
            continue;
        }
        let Some(range) = instruction.command_range.clone() else {
            continue;
        };
        match instruction.form {
            Form::Exec => {
                if instruction.exec_args.as_ref().is_some_and(Vec::is_empty) {
                    report.add(range, "`SHELL` needs at least the shell program");
                }
            }
            Form::Shell | Form::ShellFallback => {
                let text = context.slice(range.clone());
                let finding = report.add(range.clone(), "`SHELL` must be a JSON array of strings");
                let plain = instruction.form == Form::Shell
                    && !text.contains(['"', '\'', '\\', '`', '$', '\n', '[', ']']);
                if plain {
                    let words: Vec<String> = text
                        .split_whitespace()
                        .map(|word| format!("\"{word}\""))
                        .collect();
                    finding.with_fix(
                        "Write as a JSON array",
                        vec![Edit {
                            range,
                            new_text: format!("[{}]", words.join(", ")),
                        }],
                    );
                }
            }
            Form::None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::rules::testing::{fixed, render};

    #[test]
    fn reports_shell_form_and_empty_arrays() {
        expect![[r#"
            13..25 "/bin/bash -c": `SHELL` must be a JSON array of strings
            32..44 "['sh', '-c']": `SHELL` must be a JSON array of strings
            51..53 "[]": `SHELL` needs at least the shell program"#]]
        .assert_eq(&render(
            &RULE,
            "FROM a\nSHELL /bin/bash -c\nSHELL ['sh', '-c']\nSHELL []\n",
        ));
    }

    #[test]
    fn json_arrays_are_fine() {
        assert_eq!(
            render(
                &RULE,
                "FROM a\nSHELL [\"/bin/bash\", \"-eo\", \"pipefail\", \"-c\"]\n"
            ),
            ""
        );
    }

    #[test]
    fn fix_writes_the_array() {
        assert_eq!(
            fixed(&RULE, "FROM a\nSHELL cmd /S /C\n"),
            "FROM a\nSHELL [\"cmd\", \"/S\", \"/C\"]\n"
        );
    }
}
