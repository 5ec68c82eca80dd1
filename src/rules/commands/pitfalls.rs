//! Commands in RUN whose failure goes unnoticed or whose output is misread: `cd` without a
//! check, `!` under `set -e`, `find | xargs` without NUL separators, egrep and fgrep.

use tree_sitter::Node;

use super::commands;
use super::expansions::{nodes_of, sets_errexit};
use crate::diagnostic::{Edit, Severity};
use crate::rules::{Category, Context, Fixes, Report, Rule, Scope};
use crate::shell::Script;

pub static CD_UNCHECKED: Rule = Rule {
    name: "cd-without-exit",
    summary: "cd whose failure is not checked",
    docs: "\
Reports a `cd` whose failure nothing notices: not followed by `&&` or `||`, not the \
condition of an `if` or `while`, in a RUN that does not `set -e`. The ShellCheck code is \
SC2164.

**Why:** when the directory is missing, `cd` fails, the commands after it run in the \
directory the RUN started in, and `rm -rf *` there removes the wrong files.

**Before**

```dockerfile
RUN cd /src/app; make install
```

**After**

```dockerfile
RUN cd /src/app || exit; make install
```

**Fix:** appends `|| exit` to the `cd`. Offered as unsafe: the RUN now fails where it used \
to go on, which is the point.",
    severity: Severity::Warning,
    category: Category::Correctness,
    scope: Scope::InstructionInContext,
    hadolint: &["SC2164"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::Unsafe,
    check: check_cd,
};

fn check_cd(context: &Context, report: &mut Report) {
    for script in context.scripts() {
        if sets_errexit(script) {
            continue;
        }
        for command in nodes_of(context, script, &["command"]) {
            let is_cd = command
                .child_by_field_name("name")
                .is_some_and(|n| script.node_text(n) == "cd");
            if !is_cd {
                continue;
            }
            let statement = match command.parent() {
                Some(p) if p.kind() == "redirected_statement" => p,
                _ => command,
            };
            if status_is_checked(statement) {
                continue;
            }
            let end = script.source_range(statement.byte_range()).end;
            report
                .add(
                    script.node_range(command),
                    "when cd fails the commands after it run in the wrong directory: add `|| exit`",
                )
                .with_unsafe_fix(
                    "Append `|| exit`",
                    vec![Edit {
                        range: end..end,
                        new_text: " || exit".to_owned(),
                    }],
                );
        }
    }
}

/// Whether the exit status of a statement decides something: it is followed by `&&` or
/// `||`, or it is (part of) the condition of an `if`, `elif`, `while` or `until`, or negated.
fn status_is_checked(statement: Node) -> bool {
    let mut current = statement;
    while let Some(parent) = current.parent() {
        match parent.kind() {
            "list" => {
                let last = parent.named_child(parent.named_child_count().saturating_sub(1) as u32);
                if last != Some(current) {
                    return true;
                }
                current = parent;
            }
            "redirected_statement" => current = parent,
            "negated_command" => return true,
            "if_statement" | "elif_clause" | "while_statement" => {
                let body_start = {
                    let mut cursor = parent.walk();
                    let found = parent
                        .children(&mut cursor)
                        .find(|c| matches!(c.kind(), "then" | "do_group" | "do"))
                        .map(|c| c.start_byte());
                    found
                };
                return body_start.is_some_and(|start| current.end_byte() <= start);
            }
            _ => return false,
        }
    }
    false
}

pub static NEGATION_ERREXIT: Rule = Rule {
    name: "negation-skips-errexit",
    summary: "`!` on a command does not stop a RUN under set -e",
    docs: "\
Reports a command negated with `!` on a line of its own in a RUN that runs `set -e`, when \
it is not the RUN's last command, a condition, or part of `&&` or `||`. The ShellCheck code \
is SC2251.

**Why:** `set -e` ignores the status of a negated command, so `! grep -q bad file; next` \
goes on to `next` whether or not `bad` was found: the check checks nothing.

**Before**

```dockerfile
RUN set -e; ! grep -q '^root::' /etc/shadow; echo checked
```

**After**

```dockerfile
RUN set -e; if grep -q '^root::' /etc/shadow; then exit 1; fi; echo checked
```

**Fix:** none: whether to exit or only to report is yours to decide.",
    severity: Severity::Information,
    category: Category::Correctness,
    scope: Scope::InstructionInContext,
    hadolint: &["SC2251"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::None,
    check: check_negation,
};

fn check_negation(context: &Context, report: &mut Report) {
    for script in context.scripts() {
        if !sets_errexit(script) {
            continue;
        }
        for negated in nodes_of(context, script, &["negated_command"]) {
            if status_is_checked_outside(negated) || is_last_statement(negated) {
                continue;
            }
            let Some(bang) = negated.child(0).filter(|b| b.kind() == "!") else {
                continue;
            };
            report.add(
                script.node_range(bang),
                "`set -e` ignores a negated command: use `if ...; then exit 1; fi`",
            );
        }
    }
}

/// Whether a negated command is a condition or part of a list, pipeline or substitution.
fn status_is_checked_outside(node: Node) -> bool {
    let mut current = node;
    while let Some(parent) = current.parent() {
        match parent.kind() {
            "redirected_statement" => current = parent,
            "list" | "pipeline" | "command_substitution" => return true,
            "if_statement" | "elif_clause" | "while_statement" => {
                return status_is_checked(current);
            }
            _ => return false,
        }
    }
    false
}

/// Whether a statement is the last one of the script, whose status is the RUN's.
fn is_last_statement(node: Node) -> bool {
    let mut current = node;
    while let Some(parent) = current.parent() {
        if parent.kind() == "program" {
            let mut next = current.next_named_sibling();
            while next.is_some_and(|n| n.kind() == "comment") {
                next = next.and_then(|n| n.next_named_sibling());
            }
            return next.is_none();
        }
        if parent.kind() != "redirected_statement" {
            return false;
        }
        current = parent;
    }
    false
}

pub static FIND_XARGS: Rule = Rule {
    name: "find-xargs-without-null",
    summary: "find piped to xargs without NUL separators",
    docs: "\
Reports `find ... | xargs ...` where neither find prints with `-print0` (or `-printf`) nor \
xargs reads with `-0`. The ShellCheck code is SC2038.

**Why:** xargs splits its input at spaces and newlines and reads quotes, so a file named \
`my file` or `it's` becomes two arguments or an error.

**Before**

```dockerfile
RUN find /app -name '*.pyc' | xargs rm -f
```

**After**

```dockerfile
RUN find /app -name '*.pyc' -print0 | xargs -0 rm -f
```

**Fix:** none: `-print0` has to go after find's expression, whose actions only you know.",
    severity: Severity::Warning,
    category: Category::Correctness,
    scope: Scope::InstructionInContext,
    hadolint: &["SC2038"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::None,
    check: check_find_xargs,
};

fn check_find_xargs(context: &Context, report: &mut Report) {
    for script in context.scripts() {
        for pipeline in nodes_of(context, script, &["pipeline"]) {
            let mut cursor = pipeline.walk();
            let stages: Vec<Node> = pipeline.named_children(&mut cursor).collect();
            for pair in stages.windows(2) {
                let (Some(find), Some(xargs)) = (as_command(pair[0]), as_command(pair[1])) else {
                    continue;
                };
                if program(script, find) != Some("find") || program(script, xargs) != Some("xargs")
                {
                    continue;
                }
                let find_nul = arguments(script, find)
                    .iter()
                    .any(|a| matches!(*a, "-print0" | "-printf" | "-fprint0"));
                let xargs_nul = arguments(script, xargs).iter().any(|a| {
                    *a == "--null"
                        || (a.starts_with('-')
                            && !a.starts_with("--")
                            && a[1..]
                                .chars()
                                .take_while(char::is_ascii_alphanumeric)
                                .any(|c| c == '0'))
                });
                if find_nul || xargs_nul {
                    continue;
                }
                report.add(
                    script.node_range(find),
                    "xargs splits file names at spaces and quotes: use `find ... -print0 | xargs -0`",
                );
            }
        }
    }
}

fn as_command(node: Node) -> Option<Node> {
    match node.kind() {
        "command" => Some(node),
        "redirected_statement" => node
            .child_by_field_name("body")
            .filter(|b| b.kind() == "command"),
        _ => None,
    }
}

fn program<'s>(script: &'s Script, command: Node) -> Option<&'s str> {
    let name = script.node_text(command.child_by_field_name("name")?);
    Some(name.rsplit('/').next().unwrap_or(name))
}

fn arguments<'s>(script: &'s Script, command: Node) -> Vec<&'s str> {
    let mut cursor = command.walk();
    command
        .children_by_field_name("argument", &mut cursor)
        .map(|a| script.node_text(a))
        .collect()
}

pub static EGREP: Rule = Rule {
    name: "egrep-deprecated",
    summary: "egrep used instead of grep -E",
    docs: "\
Reports the `egrep` command. The ShellCheck code is SC2196.

**Why:** egrep was never in POSIX; GNU grep 3.8 prints a warning for every call, and \
minimal images may lack it.

**Before**

```dockerfile
RUN egrep -q '^(ID|VERSION)=' /etc/os-release
```

**After**

```dockerfile
RUN grep -E -q '^(ID|VERSION)=' /etc/os-release
```

**Fix:** replaces `egrep` with `grep -E`, which does the same.",
    severity: Severity::Information,
    category: Category::Reproducibility,
    scope: Scope::InstructionInContext,
    hadolint: &["SC2196"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::Safe,
    check: check_egrep,
};

fn check_egrep(context: &Context, report: &mut Report) {
    check_grep_alias(context, report, "egrep", "grep -E");
}

pub static FGREP: Rule = Rule {
    name: "fgrep-deprecated",
    summary: "fgrep used instead of grep -F",
    docs: "\
Reports the `fgrep` command. The ShellCheck code is SC2197.

**Why:** fgrep was never in POSIX; GNU grep 3.8 prints a warning for every call, and \
minimal images may lack it.

**Before**

```dockerfile
RUN fgrep -q 'debian' /etc/os-release
```

**After**

```dockerfile
RUN grep -F -q 'debian' /etc/os-release
```

**Fix:** replaces `fgrep` with `grep -F`, which does the same.",
    severity: Severity::Information,
    category: Category::Reproducibility,
    scope: Scope::InstructionInContext,
    hadolint: &["SC2197"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::Safe,
    check: check_fgrep,
};

fn check_fgrep(context: &Context, report: &mut Report) {
    check_grep_alias(context, report, "fgrep", "grep -F");
}

fn check_grep_alias(context: &Context, report: &mut Report, name: &str, replacement: &str) {
    for found in commands(context, &[name]) {
        let Some(index) = found.command.program_index() else {
            continue;
        };
        let word = &found.command.words[index];
        let range = found.range(word);
        report
            .add(
                range.clone(),
                format!("{name} is deprecated: use `{replacement}`"),
            )
            .with_fix(
                format!("Use `{replacement}`"),
                vec![Edit {
                    range,
                    new_text: replacement.to_owned(),
                }],
            );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{fixed, render};
    use expect_test::expect;

    #[test]
    fn cd_unchecked() {
        expect![[r#"
            11..16 "cd /x": when cd fails the commands after it run in the wrong directory: add `|| exit`
            39..44 "cd /z": when cd fails the commands after it run in the wrong directory: add `|| exit`"#]]
        .assert_eq(&render(
            &CD_UNCHECKED,
            "FROM a\nRUN cd /x; make && cd /y \\\n && (cd /z) && cd /w && make\n\
             RUN cd /x || exit 1; if cd /y; then make; fi\nRUN set -eux; cd /x; make\n",
        ));
        assert_eq!(
            fixed(&CD_UNCHECKED, "FROM a\nRUN cd /src\\\n;make\n"),
            "FROM a\nRUN cd /src || exit\\\n;make\n"
        );
    }

    #[test]
    fn negation_under_errexit() {
        expect![[
            r#"19..20 "!": `set -e` ignores a negated command: use `if ...; then exit 1; fi`"#
        ]]
        .assert_eq(&render(
            &NEGATION_ERREXIT,
            "FROM a\nRUN set -e; ! grep -q x f; echo ok\nRUN ! grep x f; echo\n\
             RUN set -e; if ! grep x f; then :; fi; ! grep y f && exit 1; ! grep z f\n",
        ));
    }

    #[test]
    fn find_piped_to_xargs() {
        expect![[r#"
            11..25 "find . -name x": xargs splits file names at spaces and quotes: use `find ... -print0 | xargs -0`"#]]
        .assert_eq(&render(
            &FIND_XARGS,
            "FROM a\nRUN find . -name x | xargs rm\nRUN find . -print0 | xargs -0 rm && find . | xargs -0r rm \
             && find . | sort | xargs rm\n",
        ));
    }

    #[test]
    fn egrep_and_fgrep() {
        expect![[r#"
            11..16 "egrep": egrep is deprecated: use `grep -E`"#]]
        .assert_eq(&render(
            &EGREP,
            "FROM a\nRUN egrep x f && echo egrep && grep -E x f\n",
        ));
        assert_eq!(
            fixed(
                &EGREP,
                "FROM a\nRUN [\"sh\", \"-c\", \"v=$(egrep -o x f)\"]\n"
            ),
            "FROM a\nRUN [\"sh\", \"-c\", \"v=$(grep -E -o x f)\"]\n"
        );
        assert_eq!(
            fixed(&FGREP, "FROM a\nRUN <<EOF\nfgrep -q x f\nEOF\n"),
            "FROM a\nRUN <<EOF\ngrep -F -q x f\nEOF\n"
        );
    }
}
