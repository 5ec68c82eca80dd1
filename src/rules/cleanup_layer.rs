//! A RUN that only cleans package caches after the RUN that filled them: the files live on in
//! the earlier layer, so the image is no smaller.

use super::{shell, Category, Context, Fixes, Report, Rule, Scope};
use crate::diagnostic::Edit;
use crate::diagnostic::Severity;
use crate::model::{collapse_continuations, Form, Instruction};

pub static RULE: Rule = Rule {
    name: "cleanup-in-own-layer",
    summary: "Package cache cleaned in its own RUN",
    docs: "\
Reports a `RUN` whose commands only clean a package manager's cache (`apt-get clean`, \
`rm -rf /var/lib/apt/lists/*`, `yum clean all`, `dnf clean all`, `apk cache clean`, \
`pip cache purge`, `npm cache clean --force`, ...) when an earlier `RUN` of the same stage \
installed packages with that package manager.

**Why:** each `RUN` is a layer, and a layer only adds to the ones below it. Deleting the \
cache in a later layer hides the files but does not remove them from the image: it is exactly \
as large as before. The cleanup saves space only in the same `RUN` as the install.

**Before**

```dockerfile
RUN apt-get update && apt-get install -y curl
RUN rm -rf /var/lib/apt/lists/*
```

**After**

```dockerfile
RUN apt-get update && apt-get install -y curl \\
    && rm -rf /var/lib/apt/lists/*
```

**Fix:** moves the cleanup to the end of the install `RUN`. When other instructions stand \
between the two, the fix changes their order and is offered as unsafe.",
    severity: Severity::Warning,
    category: Category::Efficiency,
    scope: Scope::Stage,
    hadolint: &[],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::Safe,
    check,
};

/// Package managers whose installs leave a cache behind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Manager {
    Apt,
    Rpm,
    Zypper,
    Apk,
    Pip,
    Npm,
    Yarn,
    Conda,
}

impl Manager {
    fn name(self) -> &'static str {
        match self {
            Manager::Apt => "apt",
            Manager::Rpm => "yum/dnf",
            Manager::Zypper => "zypper",
            Manager::Apk => "apk",
            Manager::Pip => "pip",
            Manager::Npm => "npm",
            Manager::Yarn => "yarn",
            Manager::Conda => "conda",
        }
    }
}

/// The package manager a command installs with, if it installs packages.
fn installs(command: &str) -> Option<Manager> {
    let words: Vec<&str> = shell::words(command).collect();
    let program = shell::program(command)?;
    let program = program.rsplit('/').next().unwrap_or(program);
    let has = |w: &str| words.contains(&w);
    match program {
        "apt-get" | "apt" if has("install") => Some(Manager::Apt),
        "yum" | "dnf" | "microdnf" if has("install") || has("groupinstall") => Some(Manager::Rpm),
        "zypper" if has("install") || has("in") => Some(Manager::Zypper),
        "apk" if has("add") => Some(Manager::Apk),
        "pip" | "pip3" if has("install") => Some(Manager::Pip),
        "npm" if has("install") || has("ci") || has("i") => Some(Manager::Npm),
        "yarn" if has("install") || has("add") || words.len() == 1 => Some(Manager::Yarn),
        "conda" | "mamba" | "micromamba" if has("install") || has("create") => Some(Manager::Conda),
        _ => None,
    }
}

/// The package manager whose cache a command cleans, if that is all it does.
fn cleans(command: &str) -> Option<Manager> {
    let words: Vec<&str> = shell::words(command).collect();
    let program = shell::program(command)?;
    let program = program.rsplit('/').next().unwrap_or(program);
    let has = |w: &str| words.contains(&w);
    match program {
        "apt-get" | "apt" if has("clean") || has("autoclean") => Some(Manager::Apt),
        "yum" | "dnf" | "microdnf" if has("clean") => Some(Manager::Rpm),
        "zypper" if has("clean") || has("cc") => Some(Manager::Zypper),
        "apk" if has("cache") && has("clean") => Some(Manager::Apk),
        "pip" | "pip3" if has("cache") && (has("purge") || has("remove")) => Some(Manager::Pip),
        "npm" if has("cache") && has("clean") => Some(Manager::Npm),
        "yarn" if has("cache") && has("clean") => Some(Manager::Yarn),
        "conda" | "mamba" | "micromamba" if has("clean") => Some(Manager::Conda),
        "rm" => {
            let paths: Vec<&str> = words
                .iter()
                .copied()
                .filter(|w| !w.starts_with('-') && *w != "rm")
                .collect();
            let manager_of = |path: &str| {
                let path = path.trim_matches(['"', '\'']);
                if path.starts_with("/var/lib/apt/lists") || path.starts_with("/var/cache/apt") {
                    Some(Manager::Apt)
                } else if path.starts_with("/var/cache/yum") || path.starts_with("/var/cache/dnf") {
                    Some(Manager::Rpm)
                } else if path.starts_with("/var/cache/zypp") {
                    Some(Manager::Zypper)
                } else if path.starts_with("/var/cache/apk") {
                    Some(Manager::Apk)
                } else if path.starts_with("/root/.cache/pip") || path.starts_with("~/.cache/pip") {
                    Some(Manager::Pip)
                } else if path.starts_with("/root/.npm") || path.starts_with("~/.npm") {
                    Some(Manager::Npm)
                } else {
                    None
                }
            };
            let first = manager_of(paths.first()?)?;
            paths
                .iter()
                .all(|p| manager_of(p) == Some(first))
                .then_some(first)
        }
        _ => None,
    }
}

fn command_text(context: &Context, instruction: &Instruction) -> Option<String> {
    if instruction.form != Form::Shell || instruction.has_heredoc() {
        return None;
    }
    let range = instruction.command_range.clone()?;
    Some(collapse_continuations(
        context.slice(range),
        context.model.escape,
    ))
}

fn check(context: &Context, report: &mut Report) {
    let model = context.model;
    for stage in context.stages() {
        // The last RUN of the stage that installed with each package manager.
        let mut installed: Vec<(Manager, usize)> = Vec::new();
        for index in stage.instructions.clone() {
            let Some(instruction) = model.instructions.get(index) else {
                continue;
            };
            if instruction.keyword != "RUN" {
                continue;
            }
            let Some(text) = command_text(context, instruction) else {
                continue;
            };
            let commands = shell::split(&text);
            let cleaned: Vec<Option<Manager>> = commands.iter().map(|c| cleans(c.text)).collect();
            let only_cleans = !cleaned.is_empty() && cleaned.iter().all(Option::is_some);
            let manager = cleaned.first().copied().flatten();
            if let (true, Some(manager)) = (only_cleans, manager) {
                if let Some(&(_, install)) = installed.iter().rev().find(|(m, _)| *m == manager) {
                    report_cleanup(context, report, install, index, manager, &text);
                }
                continue;
            }
            for command in &commands {
                if let Some(manager) = installs(command.text) {
                    installed.retain(|(m, _)| *m != manager);
                    installed.push((manager, index));
                }
            }
        }
    }
}

fn report_cleanup(
    context: &Context,
    report: &mut Report,
    install: usize,
    cleanup: usize,
    manager: Manager,
    cleanup_text: &str,
) {
    let model = context.model;
    let (Some(install_run), Some(cleanup_run)) = (
        model.instructions.get(install),
        model.instructions.get(cleanup),
    ) else {
        return;
    };
    let Some(range) = cleanup_run.command_range.clone() else {
        return;
    };
    let finding = report.add(
        range,
        format!(
            "this RUN only cleans the {} cache, which the RUN on line {} already stored in its layer; clean up in that RUN",
            manager.name(),
            context.line_of(install_run.range.start)
        ),
    );
    let (Some(install_command), Some(_)) = (
        install_run.command_range.clone(),
        command_text(context, install_run),
    ) else {
        return;
    };
    // Append the cleanup to the install RUN and remove the cleanup RUN with its line.
    let text = context.text;
    let body = text.get(install_run.range.clone()).unwrap_or_default();
    let indent = body
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .last()
        .map(|l| l[..l.len() - l.trim_start().len()].to_owned())
        .filter(|i| !i.is_empty())
        .unwrap_or_else(|| "    ".to_owned());
    let command = cleanup_text.trim();
    let command = if shell::needs_grouping_after_and(command) {
        format!("{{ {command}; }}")
    } else {
        command.to_owned()
    };
    let line_start = text[..cleanup_run.range.start]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let line_end = text[cleanup_run.range.end..]
        .find('\n')
        .map_or(text.len(), |i| cleanup_run.range.end + i + 1);
    let edits = vec![
        Edit {
            range: install_command.end..install_command.end,
            new_text: format!(" {}\n{indent}&& {command}", model.escape),
        },
        Edit {
            range: line_start..line_end,
            new_text: String::new(),
        },
    ];
    let adjacent = cleanup == install + 1;
    let title = format!(
        "Move the cleanup into the RUN on line {}",
        context.line_of(install_run.range.start)
    );
    if adjacent {
        finding.with_fix(title, edits);
    } else {
        finding.with_unsafe_fix(title, edits);
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::rules::testing::{findings, fixed, render};

    #[test]
    fn reports_a_cleanup_after_an_install() {
        expect![[r#"65..92 "rm -rf /var/lib/apt/lists/*": this RUN only cleans the apt cache, which the RUN on line 2 already stored in its layer; clean up in that RUN"#]]
            .assert_eq(&render(
                &RULE,
                "FROM debian:12\nRUN apt-get update && apt-get install -y curl\nRUN rm -rf /var/lib/apt/lists/*\n",
            ));
        let text = "FROM centos:7\nRUN yum -y install httpd\nRUN yum clean all;\n";
        assert_eq!(findings(&RULE, text).len(), 1);
        let text = "FROM alpine:3\nRUN apk add curl\nCOPY a b\nRUN apk cache clean\n";
        assert_eq!(findings(&RULE, text).len(), 1);
    }

    #[test]
    fn not_for_cleanup_in_the_same_run_other_managers_or_other_stages() {
        for text in [
            "FROM debian:12\nRUN apt-get install -y x && rm -rf /var/lib/apt/lists/*\n",
            "FROM debian:12\nRUN apk add x\nRUN apt-get clean\n",
            "FROM debian:12\nRUN apt-get install -y x\nFROM debian:12\nRUN apt-get clean\n",
            "FROM debian:12\nRUN apt-get install -y x\nRUN apt-get clean && make\n",
            "FROM debian:12\nRUN rm -rf /tmp/*\n",
        ] {
            assert_eq!(render(&RULE, text), "", "{text}");
        }
    }

    #[test]
    fn fix_moves_the_cleanup_into_the_install() {
        assert_eq!(
            fixed(&RULE, "FROM debian:12\nRUN apt-get update \\\n  && apt-get install -y curl\nRUN apt-get clean && rm -rf /var/lib/apt/lists/*\nCMD x\n"),
            "FROM debian:12\nRUN apt-get update \\\n  && apt-get install -y curl \\\n  && apt-get clean && rm -rf /var/lib/apt/lists/*\nCMD x\n"
        );
        let found = findings(
            &RULE,
            "FROM alpine:3\nRUN apk add curl\nCOPY a b\nRUN apk cache clean\n",
        );
        assert!(!found[0].fixes[0].safe, "moving across COPY is not safe");
    }
}
