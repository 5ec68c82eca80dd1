//! A pipe in RUN without `pipefail`: the RUN succeeds when only the last command of the pipe
//! does.

use std::ops::Range;

use tree_sitter::Node;

use super::run_of;
use crate::diagnostic::{Edit, Severity};
use crate::rules::{Category, Context, Fixes, Report, Rule, Scope};
use crate::shell::{Origin, Script};

pub static RULE: Rule = Rule {
    name: "pipe-without-pipefail",
    summary: "Pipe in RUN without pipefail",
    docs: "\
Reports a pipe (`|`) in a RUN whose shell does not run with `pipefail`: the status of a pipe \
is its last command's, so `curl -fsSL $URL | tar -xz` succeeds when the download fails. \
`pipefail` counts when the SHELL instruction sets it (`SHELL [\"/bin/bash\", \"-o\", \
\"pipefail\", \"-c\"]`), when an exec-form RUN's shell gets it, and when the RUN runs \
`set -o pipefail` before the pipe (hadolint ignores the last one). PowerShell and cmd are not \
checked, nor RUNs of a stage built on a Windows image without SHELL, since those run in cmd.

**Before**

```dockerfile
RUN curl -fsSL https://example.com/x.tar.gz | tar -xz
```

**After**

```dockerfile
SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]
RUN curl -fsSL https://example.com/x.tar.gz | tar -xz
```

**Fix:** in a RUN whose shell is bash, ash, ksh or zsh, inserts `set -o pipefail &&` at its \
start; where the shell is `/bin/sh`, which may be a dash without `pipefail`, adds the SHELL \
line above instead. Both are unsafe: the RUN now fails where it used to succeed, which is the \
point, and the SHELL needs bash in the image.",
    severity: Severity::Warning,
    category: Category::Correctness,
    scope: Scope::InstructionInContext,
    hadolint: &["DL4006"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::Unsafe,
    check,
};

fn check(context: &Context, report: &mut Report) {
    for script in context.scripts() {
        if script.pipefail {
            continue;
        }
        let set_at = pipefail_set_at(script);
        let mut pipes = Vec::new();
        collect_pipes(script.tree.root_node(), &mut pipes);
        for pipe in pipes {
            if set_at.is_some_and(|at| at < pipe.start) {
                continue;
            }
            let finding = report.add(
                script.source_range(pipe),
                "the pipe hides failures of the commands before its last: set `-o pipefail`",
            );
            if let Some(edit) = fix(context, script) {
                finding.with_unsafe_fix(edit.0, vec![edit.1]);
            }
        }
    }
}

/// Where the script first runs `set -o pipefail` (or `set -euo pipefail`).
fn pipefail_set_at(script: &Script) -> Option<usize> {
    script
        .commands
        .iter()
        .find(|c| {
            c.program() == Some("set")
                && c.arguments().windows(2).any(|pair| {
                    pair[0].text.starts_with('-')
                        && pair[0].text.ends_with('o')
                        && pair[1].text == "pipefail"
                })
        })
        .map(|c| c.range.start)
}

/// The first `|` of every pipeline.
fn collect_pipes(node: Node, pipes: &mut Vec<Range<usize>>) {
    let mut cursor = node.walk();
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        if node.kind() == "pipeline" {
            if let Some(bar) = node
                .children(&mut cursor)
                .find(|c| matches!(c.kind(), "|" | "|&"))
            {
                pipes.push(bar.byte_range());
            }
        }
        let children: Vec<Node> = node.named_children(&mut cursor).collect();
        stack.extend(children.into_iter().rev());
    }
    pipes.sort_by_key(|r| r.start);
}

fn fix(context: &Context, script: &Script) -> Option<(String, Edit)> {
    let instruction = context.model.instructions.get(script.instruction)?;
    let run = run_of(context, script)?;
    if script.dialect.is_posix() || script.dialect == crate::shell::Dialect::Sh {
        if instruction.trigger.is_some() {
            return None;
        }
        let start = instruction.range.start;
        return Some((
            "Run RUN with bash and pipefail".to_owned(),
            Edit {
                range: start..start,
                new_text: "SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n".to_owned(),
            },
        ));
    }
    if script.origin != Origin::ShellForm {
        return None;
    }
    let start = run.command_range.as_ref()?.start;
    Some((
        "Set pipefail at the start of the RUN".to_owned(),
        Edit {
            range: start..start,
            new_text: "set -o pipefail && ".to_owned(),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{fixed, render};
    use expect_test::expect;

    #[test]
    fn pipes_without_pipefail() {
        expect![[r#"21..22 "|": the pipe hides failures of the commands before its last: set `-o pipefail`"#]]
        .assert_eq(&render(&RULE, "FROM a\nRUN curl -s x | tar -x && echo 'a | b' || true\n"));
        for fine in [
            "FROM a\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN a | b\n",
            "FROM a\nRUN set -o pipefail && a | b\n",
            "FROM a\nRUN [\"/bin/bash\", \"-euo\", \"pipefail\", \"-c\", \"a | b\"]\n",
            "FROM a\nSHELL [\"powershell\", \"-Command\"]\nRUN a | b\n",
            "FROM a\nRUN <<EOF\nset -eu -o pipefail\na | b\nEOF\n",
        ] {
            assert_eq!(render(&RULE, fine), "", "{fine}");
        }
    }

    #[test]
    fn fixes_by_shell() {
        assert_eq!(
            fixed(&RULE, "FROM a\nRUN a | b\n"),
            "FROM a\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN a | b\n"
        );
        assert_eq!(
            fixed(&RULE, "FROM a\nSHELL [\"/bin/bash\", \"-c\"]\nRUN a | b\n"),
            "FROM a\nSHELL [\"/bin/bash\", \"-c\"]\nRUN set -o pipefail && a | b\n"
        );
    }
}
