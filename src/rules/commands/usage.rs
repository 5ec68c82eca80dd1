//! How a RUN uses the shell: `cd` instead of WORKDIR, `sudo`, and `/bin/sh` replaced by a link.

use super::{commands, commands_matching};
use crate::diagnostic::{Edit, Severity};
use crate::rules::{Category, Context, Fixes, Report, Rule, Scope};
use crate::shell::Origin;

pub static CD: Rule = Rule {
    name: "cd-instead-of-workdir",
    summary: "cd used instead of WORKDIR",
    docs: "\
Reports `cd` in a RUN. A `cd` inside a subshell, `(cd src && make)`, or inside `$(...)` \
changes nothing outside it, so it is not reported (hadolint reports it: reason \
`cd-in-subshell` in the corpus comparison with hadolint).

**Why:** the directory a `cd` moves to lasts only until the end of the RUN; `WORKDIR` says \
where the following instructions run and shows it at the top level of the Dockerfile.

**Before**

```dockerfile
RUN cd /app && make
```

**After**

```dockerfile
WORKDIR /app
RUN make
```

**Fix:** for a RUN that starts with `cd dir &&`, moves the directory to a `WORKDIR` line \
above it. Offered as unsafe: the WORKDIR also applies to the instructions that follow, and \
creates the directory when it is missing.",
    severity: Severity::Warning,
    category: Category::Style,
    scope: Scope::InstructionInContext,
    hadolint: &["DL3003"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::Unsafe,
    check: check_cd,
};

fn check_cd(context: &Context, report: &mut Report) {
    for found in commands(context, &["cd"]) {
        if found.command.in_subshell || found.command.in_substitution {
            continue;
        }
        let Some(index) = found.command.program_index() else {
            continue;
        };
        let cd = &found.command.words[index];
        let finding = report.add(found.range(cd), "use WORKDIR to change directory");
        let script = found.script;
        let args = found.command.arguments();
        let leading = found.command.range.start == 0
            && index == 0
            && script.origin == Origin::ShellForm
            && found.index < context.model.instructions.len()
            && context.model.instructions[found.index].trigger.is_none();
        let (true, [dir]) = (leading, args) else {
            continue;
        };
        let rest = &script.text[found.command.range.end..];
        let Some(after_and) = rest.trim_start().strip_prefix("&&") else {
            continue;
        };
        if !dir.literal || dir.text.is_empty() {
            continue;
        }
        let removed_to = script.text.len() - after_and.trim_start().len();
        let removed = script.source_range(0..removed_to);
        let run_start = context.model.instructions[found.index].range.start;
        finding.with_unsafe_fix(
            format!("Use `WORKDIR {}`", dir.text),
            vec![
                Edit {
                    range: run_start..run_start,
                    new_text: format!("WORKDIR {}\n", dir.text),
                },
                Edit {
                    range: removed,
                    new_text: String::new(),
                },
            ],
        );
    }
}

pub static SUDO: Rule = Rule {
    name: "sudo-in-run",
    summary: "sudo used in RUN",
    docs: "\
Reports `sudo` in a RUN.

**Why:** RUN already runs as the current `USER`; sudo adds a TTY and a password prompt that a \
build cannot answer, and keeps the image's privileges hard to follow. Switch with `USER root` \
and back, or use `gosu`/`su-exec` in an entrypoint.

**Before**

```dockerfile
USER app
RUN sudo apt-get install -y curl
```

**After**

```dockerfile
USER root
RUN apt-get install -y curl
USER app
```

**Fix:** none: which user the command should run as is yours to decide.",
    severity: Severity::Warning,
    category: Category::Security,
    scope: Scope::InstructionInContext,
    hadolint: &["DL3004"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::None,
    check: check_sudo,
};

fn check_sudo(context: &Context, report: &mut Report) {
    for found in commands_matching(context, |_| true) {
        let end = found
            .command
            .program_index()
            .unwrap_or(found.command.words.len());
        for word in &found.command.words[..end] {
            if word.text == "sudo" || word.text.ends_with("/sudo") {
                report.add(
                    found.range(word),
                    "do not use sudo in a build: switch with USER",
                );
            }
        }
    }
}

pub static LINK_SH: Rule = Rule {
    name: "shell-replaced-by-link",
    summary: "/bin/sh replaced with ln",
    docs: "\
Reports `ln` with `/bin/sh` as an argument, the usual way to make every later RUN use \
another shell.

**Why:** replacing `/bin/sh` changes the shell of every program in the image that runs \
`system()` or `sh -c`, not only the Dockerfile's; the SHELL instruction changes the shell of \
the RUNs alone and says so.

**Before**

```dockerfile
RUN ln -sf /bin/bash /bin/sh
```

**After**

```dockerfile
SHELL [\"/bin/bash\", \"-c\"]
```

**Fix:** none: whether the image's programs rely on the link is yours to check.",
    severity: Severity::Warning,
    category: Category::Correctness,
    scope: Scope::InstructionInContext,
    hadolint: &["DL4005"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::None,
    check: check_link,
};

fn check_link(context: &Context, report: &mut Report) {
    for found in commands(context, &["ln"]) {
        let target = found
            .command
            .arguments()
            .iter()
            .rev()
            .find(|w| !w.text.starts_with('-'));
        if let Some(target) = target.filter(|w| w.text == "/bin/sh") {
            report.add(
                found.range(target),
                "use SHELL to change the shell of RUN, not a link",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{fixed, render};
    use expect_test::expect;

    #[test]
    fn cd_outside_subshells() {
        expect![[r#"
            11..13 "cd": use WORKDIR to change directory
            45..47 "cd": use WORKDIR to change directory"#]]
        .assert_eq(&render(
            &CD,
            "FROM a\nRUN cd /app && make && (cd x && y) && cd z && echo $(cd w && pwd)\n",
        ));
        assert_eq!(
            fixed(&CD, "FROM a\nRUN cd /app \\\n    && make install\n"),
            "FROM a\nWORKDIR /app\nRUN make install\n"
        );
    }

    #[test]
    fn sudo() {
        expect![[r#"
            11..15 "sudo": do not use sudo in a build: switch with USER"#]]
        .assert_eq(&render(
            &SUDO,
            "FROM a\nRUN sudo -E make install && echo sudo\n",
        ));
    }

    #[test]
    fn link_over_bin_sh() {
        expect![[r#"
            28..35 "/bin/sh": use SHELL to change the shell of RUN, not a link"#]]
        .assert_eq(&render(
            &LINK_SH,
            "FROM a\nRUN ln -sf /bin/bash /bin/sh && ln -s a b\n",
        ));
    }
}
