//! A RUN line that ends in ` /` where the escape character was meant, so the next lines become
//! instructions of their own.

use crate::analysis::Severity;
use crate::model::Instruction;
use crate::rules::{Category, Context, Edit, Report, Rule};

pub static RULE: Rule = Rule {
    name: "slash-continuation",
    summary: "RUN line ends in `/` where `\\` was meant",
    docs: "\
Reports the `/` at the end of a `RUN` line when the next line is indented and is no \
instruction (it starts with a command such as `yum` or `apt-get`): the `/` was meant as the \
line continuation, which is `\\` (or the character `# escape=` chose). Lines that continue \
such a broken line are checked the same way.

**Why:** a `/` continues nothing: the `RUN` ends on that line with a stray `/` argument, and \
BuildKit stops at the next line with `unknown instruction`.

**Before**

```dockerfile
RUN yum -y install httpd /
    yum clean all
```

**After**

```dockerfile
RUN yum -y install httpd \\
    yum clean all
```

**Fix:** replace the `/` with the escape character.",
    severity: Severity::Warning,
    category: Category::Correctness,
    hadolint: &[],
    buildkit: None,
    off_by_default: false,
    check,
};

fn check(context: &Context, report: &mut Report) {
    let instructions = &context.model.instructions;
    let mut in_chain = false;
    for (index, instruction) in instructions.iter().enumerate() {
        let continues = instruction.keyword == "RUN" || (in_chain && !instruction.known);
        in_chain = false;
        if !continues || instruction.has_heredoc() {
            continue;
        }
        let Some(slash) = trailing_slash(context, instruction) else {
            continue;
        };
        let Some(next) = instructions.get(index + 1) else {
            continue;
        };
        if next.known || !starts_indented_on_next_line(context, instruction, next) {
            continue;
        }
        in_chain = true;
        let escape = context.model.escape.to_string();
        report
            .add(
                slash..slash + 1,
                format!(
                    "`/` does not continue the line, so the next line is read as an instruction; \
                     use `{escape}`"
                ),
            )
            .with_fix(
                format!("Replace `/` with `{escape}`"),
                vec![Edit {
                    range: slash..slash + 1,
                    new_text: escape,
                }],
            );
    }
}

/// The offset of a `/` that ends the instruction's last line after a blank.
fn trailing_slash(context: &Context, instruction: &Instruction) -> Option<usize> {
    let text = context.slice(instruction.range.clone());
    let trimmed = text.trim_end_matches([' ', '\t', '\r']);
    let before = trimmed.strip_suffix('/')?;
    if !before.ends_with([' ', '\t']) {
        return None;
    }
    Some(instruction.range.start + before.len())
}

/// Whether `next` starts, after blanks, on the line right after `instruction` ends.
fn starts_indented_on_next_line(
    context: &Context,
    instruction: &Instruction,
    next: &Instruction,
) -> bool {
    let between = context.slice(instruction.range.end..next.range.start);
    let between = between.strip_prefix('\r').unwrap_or(between);
    let Some(indent) = between
        .trim_start_matches([' ', '\t'])
        .strip_prefix('\n')
        .or_else(|| between.strip_prefix('\n'))
    else {
        return false;
    };
    !indent.is_empty() && indent.chars().all(|c| c == ' ' || c == '\t')
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::rules::testing::{fixed, render};

    #[test]
    fn reports_slashes_meant_as_continuations() {
        expect![[r#"
            39..40 "/": `/` does not continue the line, so the next line is read as an instruction; use `\`
            59..60 "/": `/` does not continue the line, so the next line is read as an instruction; use `\`
            110..111 "/": `/` does not continue the line, so the next line is read as an instruction; use `\`"#]].assert_eq(&render(
            &RULE,
            "FROM centos:7\nRUN yum -y install httpd /\n    yum clean all /\n    \
             systemctl enable httpd.service\nRUN a \\\n    b /\n  c\n",
        ));
    }

    #[test]
    fn slashes_that_end_commands_are_fine() {
        assert_eq!(
            render(
                &RULE,
                "FROM a\nRUN ls /\nCOPY a /\nRUN cd /\n    RUN x\nRUN ls /\nyum x\n\
                 RUN a/\n  b\nRUN a \\\n  b /\n",
            ),
            ""
        );
    }

    #[test]
    fn fix_uses_the_escape_character() {
        assert_eq!(
            fixed(&RULE, "FROM a\nRUN yum install x /\n    yum clean all\n"),
            "FROM a\nRUN yum install x \\\n    yum clean all\n"
        );
        assert_eq!(
            fixed(&RULE, "# escape=`\nFROM a\nRUN a /\n  b\n"),
            "# escape=`\nFROM a\nRUN a `\n  b\n"
        );
    }
}
