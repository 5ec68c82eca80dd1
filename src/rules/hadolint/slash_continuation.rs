//! A RUN line that ends in ` /` where the escape character was meant, so the next lines become
//! instructions of their own.

use crate::diagnostic::Edit;
use crate::diagnostic::Severity;
use crate::model::Instruction;
use crate::rules::{Category, Context, Fixes, Report, Rule, Scope};

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
    scope: Scope::File,
    hadolint: &[],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::Safe,
    check,
};

fn check(context: &Context, report: &mut Report) {
    let instructions = &context.model.instructions;
    let mut in_chain = false;
    for (index, instruction) in instructions.iter().enumerate() {
        // An unknown instruction may be a misspelt RUN (`RUM`) or the line after a broken one.
        let continues = instruction.keyword == "RUN" || !instruction.known;
        let after_broken_line = in_chain;
        in_chain = false;
        if !continues || instruction.has_heredoc() {
            continue;
        }
        let Some((slash, end)) = trailing_slash(context, instruction) else {
            continue;
        };
        let Some(next) = instructions.get(index + 1) else {
            continue;
        };
        if next.known || !starts_indented_on_next_line(context, instruction, next) {
            continue;
        }
        // An unknown instruction starts a chain only when it stands at the start of its line.
        if !instruction.known && !after_broken_line && !at_line_start(context, instruction) {
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
                    range: slash..end,
                    new_text: escape,
                }],
            );
    }
}

/// The offset of a `/` that ends the instruction's last line after a blank, and the end of
/// what the fix replaces: the `/`, or the `/` and a `# ...` remark after it, which would
/// otherwise comment out the lines the continuation joins.
fn trailing_slash(context: &Context, instruction: &Instruction) -> Option<(usize, usize)> {
    let text = context.slice(instruction.range.clone());
    let trimmed = text.trim_end_matches([' ', '\t', '\r']);
    let line_start = trimmed.rfind('\n').map_or(0, |i| i + 1);
    let line = trimmed.get(line_start..)?;
    let command = match line.rfind(" #") {
        Some(hash) if !line.ends_with('/') => line.get(..hash)?.trim_end_matches([' ', '\t']),
        _ => line,
    };
    let before = command.strip_suffix('/')?;
    if !before.ends_with([' ', '\t']) {
        return None;
    }
    let start = instruction.range.start + line_start;
    let end = if command.len() == line.len() {
        command.len()
    } else {
        line.len()
    };
    Some((start + before.len(), start + end))
}

/// Whether nothing but blanks comes before the instruction on its line.
fn at_line_start(context: &Context, instruction: &Instruction) -> bool {
    let before = context
        .text
        .get(..instruction.range.start)
        .unwrap_or_default();
    let line = &before[before.rfind('\n').map_or(0, |i| i + 1)..];
    line.is_empty()
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
    fn the_seed_example_with_a_remark_and_a_misspelt_run() {
        let text = "FROM centos:7\nRUM yum -y install httpd / # Another perfect solution!\n    \
                    yum clean all /\n    systemctl enable httpd.service \n";
        expect![[r#"
            39..40 "/": `/` does not continue the line, so the next line is read as an instruction; use `\`
            87..88 "/": `/` does not continue the line, so the next line is read as an instruction; use `\`"#]].assert_eq(&render(&RULE, text));
        assert_eq!(
            fixed(&RULE, text),
            "FROM centos:7\nRUM yum -y install httpd \\\n    yum clean all /\n    \
             systemctl enable httpd.service \n"
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
