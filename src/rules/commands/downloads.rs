//! Downloads: wget's progress output, and wget and curl in one stage.

use std::collections::HashSet;

use super::{commands, has_option};
use crate::diagnostic::Severity;
use crate::rules::{Category, Context, Fixes, Report, Rule, Scope};

pub static WGET_PROGRESS: Rule = Rule {
    name: "wget-without-progress",
    summary: "wget without a progress option",
    docs: "\
Reports `wget` without `--progress`, `-q`/`--quiet`, `-nv`/`--no-verbose` or a log file \
(`-o`, `-a`).

**Why:** without a terminal, wget prints a line of dots per few kilobytes: a large download \
fills the build log with thousands of lines and slows the log viewer down.

**Before**

```dockerfile
RUN wget https://example.com/tool.tar.gz
```

**After**

```dockerfile
RUN wget --progress=dot:giga https://example.com/tool.tar.gz
```

**Fix:** adds `--progress=dot:giga` after `wget`. Safe: only the log output changes. (BusyBox \
wget, Alpine's default, ignores the option's value but accepts it.)",
    severity: Severity::Information,
    category: Category::Style,
    scope: Scope::InstructionInContext,
    hadolint: &["DL3047"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::Safe,
    check: check_progress,
};

fn check_progress(context: &Context, report: &mut Report) {
    for found in commands(context, &["wget"]) {
        let args = found.command.arguments();
        let quiet = has_option(
            args,
            &['q', 'o', 'a'],
            &[
                "progress",
                "quiet",
                "no-verbose",
                "output-file",
                "append-output",
            ],
        ) || args.iter().any(|w| w.text == "-nv");
        if quiet {
            continue;
        }
        let Some(index) = found.command.program_index() else {
            continue;
        };
        let wget = &found.command.words[index];
        report
            .add(
                found.range(wget),
                "wget fills the build log with progress dots: add `--progress=dot:giga`",
            )
            .with_fix(
                "Add `--progress=dot:giga`",
                vec![found.insert_after(wget, " --progress=dot:giga")],
            );
    }
}

pub static WGET_AND_CURL: Rule = Rule {
    name: "wget-and-curl",
    summary: "Both wget and curl used in one stage",
    docs: "\
Reports a RUN that uses `wget` or `curl` when the stage has already used the other one \
(hadolint's rule, stage by stage).

**Why:** one download tool is enough; installing both makes the image larger and the \
Dockerfile harder to follow.

**Before**

```dockerfile
FROM debian:bookworm
RUN curl -fsSLO https://example.com/a.tar.gz
RUN wget https://example.com/b.tar.gz
```

**After**

```dockerfile
FROM debian:bookworm
RUN curl -fsSLO https://example.com/a.tar.gz
RUN curl -fsSLO https://example.com/b.tar.gz
```

**Fix:** none: the options of the two tools differ.",
    severity: Severity::Warning,
    category: Category::Style,
    scope: Scope::Stage,
    hadolint: &["DL4001"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::None,
    check: check_both,
};

fn check_both(context: &Context, report: &mut Report) {
    let mut seen: HashSet<&str> = HashSet::new();
    let mut stage = None;
    for script in context.scripts() {
        let this_stage = context
            .model
            .instructions
            .get(script.instruction)
            .and_then(|i| i.stage);
        if this_stage != stage {
            seen.clear();
            stage = this_stage;
        }
        let tools: Vec<_> = script
            .commands
            .iter()
            .filter_map(|c| {
                let index = c.program_index()?;
                let program = c.program()?;
                matches!(program, "wget" | "curl").then(|| (program, &c.words[index]))
            })
            .collect();
        for (program, _) in &tools {
            seen.insert(if *program == "wget" { "wget" } else { "curl" });
        }
        if seen.len() == 2 {
            if let Some((program, word)) = tools.first() {
                let other = if *program == "wget" { "curl" } else { "wget" };
                report.add(
                    script.source_range(word.range.clone()),
                    format!("this stage also uses {other}: keep to one of wget and curl"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{fixed, render};
    use expect_test::expect;

    #[test]
    fn wget_progress() {
        expect![[r#"11..15 "wget": wget fills the build log with progress dots: add `--progress=dot:giga`"#]]
        .assert_eq(&render(
            &WGET_PROGRESS,
            "FROM a\nRUN wget x && wget -q y && wget -nv z && wget --progress=dot:mega w && wget -qO- v\n",
        ));
        assert_eq!(
            fixed(&WGET_PROGRESS, "FROM a\nRUN wget -O x https://e/x\n"),
            "FROM a\nRUN wget --progress=dot:giga -O x https://e/x\n"
        );
    }

    #[test]
    fn wget_and_curl_in_one_stage() {
        expect![[r#"33..37 "wget": this stage also uses curl: keep to one of wget and curl"#]]
            .assert_eq(&render(
                &WGET_AND_CURL,
                "FROM a\nRUN curl -O x\nRUN echo && wget y\nFROM b\nRUN wget z\n",
            ));
    }
}
