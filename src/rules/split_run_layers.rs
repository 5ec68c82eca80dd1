//! Consecutive RUN instructions that could be one layer, and the fix that merges them.

use super::{shell, Category, Context, Fixes, Report, Rule, Scope};
use crate::diagnostic::Severity;
use crate::diagnostic::{Edit, Fix};
use crate::model::{Flag, Form, Instruction, Stage};

pub static RULE: Rule = Rule {
    name: "split-run-layers",
    summary: "Consecutive RUN instructions that could be one layer",
    docs: "\
Reports a `RUN` that follows another `RUN` in the same stage with the same flags, when each \
runs a single command, as hadolint's DL3059 does: a `RUN` that already chains commands was \
usually split from its neighbours on purpose, to keep the build cache useful.

**Why:** every `RUN` adds a layer to the image. Files that one `RUN` creates and a later one \
deletes still take space in the earlier layer, and many small layers make images larger and \
slower to pull. Joining the commands with `&&` makes one layer, and stops the build at the \
first command that fails.

**Before**

```dockerfile
RUN yum -y install httpd
RUN yum clean all
```

**After**

```dockerfile
RUN yum -y install httpd \\
    && yum clean all
```

**Fix:** merges the `RUN` into the one above with `&& \\` continuations, in the file's escape \
character, keeping comments and indentation. A command with a top-level `;`, `&` or `||` is \
grouped in `{ ...; }` so that `&&` does not change what runs. A second fix merges every such \
pair in the file. No fix is offered for exec form, heredocs, or a stage whose `SHELL` is not \
a POSIX shell.",
    severity: Severity::Information,
    category: Category::Efficiency,
    scope: Scope::Stage,
    hadolint: &["DL3059"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::SafeWithFileFix(merge_all),
    check,
};

/// Commands in one RUN beyond which splitting is taken as deliberate: as in hadolint, only
/// RUNs of a single simple command are reported.
const MAX_COMMANDS: usize = 1;

fn check(context: &Context, report: &mut Report) {
    let model = context.model;
    let mut shells = PosixShells::new();
    for (previous, current) in mergeable_pairs(context) {
        let (Some(p), Some(c)) = (
            model.instructions.get(previous),
            model.instructions.get(current),
        ) else {
            continue;
        };
        let finding = report.add(
            c.keyword_range.clone(),
            format!(
                "this RUN adds a layer right after the RUN on line {}; join them with `&&` into one layer",
                context.line_of(p.range.start)
            ),
        );
        if let Some(edits) = merge_edits(context, &[p, c], &mut shells) {
            finding.with_fix("Merge into the RUN above", edits);
        }
    }
}

/// Pairs of instruction indexes (previous RUN, RUN) that the rule reports.
fn mergeable_pairs(context: &Context) -> Vec<(usize, usize)> {
    let model = context.model;
    let mut pairs = Vec::new();
    for stage in context.stages() {
        let indexes = stage.instructions.clone();
        for current in indexes.clone().skip(1) {
            let previous = current - 1;
            let (Some(p), Some(c)) = (
                model.instructions.get(previous),
                model.instructions.get(current),
            ) else {
                continue;
            };
            if p.keyword != "RUN" || c.keyword != "RUN" || !same_flags(&p.flags, &c.flags) {
                continue;
            }
            if command_count(context, p) > MAX_COMMANDS || command_count(context, c) > MAX_COMMANDS
            {
                continue;
            }
            pairs.push((previous, current));
        }
    }
    pairs
}

fn same_flags(a: &[Flag], b: &[Flag]) -> bool {
    let key = |flags: &[Flag]| {
        let mut pairs: Vec<(String, Option<String>)> = flags
            .iter()
            .map(|f| (f.name.clone(), f.value.clone()))
            .collect();
        pairs.sort();
        pairs
    };
    key(a) == key(b)
}

fn command_text(context: &Context, instruction: &Instruction) -> String {
    match &instruction.command_range {
        Some(range) => {
            crate::model::collapse_continuations(context.slice(range.clone()), context.model.escape)
        }
        None => String::new(),
    }
}

fn command_count(context: &Context, instruction: &Instruction) -> usize {
    match instruction.form {
        Form::Exec => 1,
        _ => {
            let text = command_text(context, instruction);
            // A command substitution runs a command of its own.
            let substitutions = text.matches("$(").count() + text.matches('`').count() / 2;
            shell::split(&text).len().max(1) + substitutions
        }
    }
}

/// Whether a stage's commands run in a POSIX shell (the default, or a SHELL naming one).
fn posix_shell(context: &Context, stage: &Stage) -> bool {
    let model = context.model;
    let shell = model.instructions[stage.instructions.clone()]
        .iter()
        .rev()
        .find(|i| i.keyword == "SHELL")
        .and_then(|i| i.exec_args.as_ref())
        .and_then(|args| args.first());
    match shell {
        None => true,
        Some(program) => {
            let name = program.rsplit('/').next().unwrap_or(program);
            matches!(name, "sh" | "bash" | "ash" | "dash" | "zsh" | "ksh")
        }
    }
}

/// Whether each stage runs its commands in a POSIX shell, worked out once per stage: a file
/// with thousands of RUNs in one stage asks for every pair.
type PosixShells = std::collections::HashMap<usize, bool>;

/// The edits that merge a chain of consecutive RUNs into the first, or `None` when merging
/// could change what runs.
fn merge_edits(
    context: &Context,
    chain: &[&Instruction],
    shells: &mut PosixShells,
) -> Option<Vec<Edit>> {
    let model = context.model;
    let text = context.text;
    let first = chain.first()?;
    let stage = model.stages.get(first.stage?)?;
    let posix = *shells
        .entry(stage.index)
        .or_insert_with(|| posix_shell(context, stage));
    if !posix {
        return None;
    }
    if chain.iter().any(|i| {
        i.form != crate::model::Form::Shell || i.has_heredoc() || i.command_range.is_none()
    }) {
        return None;
    }
    let escape = model.escape;
    // A command with a quote left open or a syntax error has no end to join at.
    let broken = chain.iter().any(|i| {
        let command = i.command_range.clone().unwrap_or(i.range.clone());
        quote_left_open(context.slice(command), escape)
            || context
                .instruction_node(i)
                .is_some_and(|node| node.has_error())
    });
    if broken {
        return None;
    }
    let indent = continuation_indent(text, first);
    let mut edits = Vec::new();
    for (position, instruction) in chain.iter().enumerate() {
        let command = instruction.command_range.clone()?;
        let command_text = command_text(context, instruction);
        let trimmed = command_text.trim_end();
        let grouped = position > 0 && shell::needs_grouping_after_and(trimmed);
        let ends_with_semicolon = trimmed.ends_with(';') && !trimmed.ends_with(";;");
        let ends_in_background = trimmed.ends_with('&') && !trimmed.ends_with("&&");
        let last = position + 1 == chain.len();
        if position > 0 {
            // Replace the keyword and flags (and the indentation before them) with `&& `.
            let line_start = text[..instruction.range.start]
                .rfind('\n')
                .map_or(0, |i| i + 1);
            let opener = if grouped { "{ " } else { "" };
            edits.push(Edit {
                range: line_start..command.start,
                new_text: format!("{indent}&& {opener}"),
            });
        }
        let mut end_text = String::new();
        let mut end_range = command.end..command.end;
        if grouped {
            end_text.push_str(if ends_with_semicolon || ends_in_background {
                " }"
            } else {
                "; }"
            });
        } else if !last && ends_in_background {
            return None;
        } else if !last
            && ends_with_semicolon
            && text.get(command.end - 1..command.end) == Some(";")
        {
            // `a; && b` is not valid shell: drop the `;`.
            end_range = command.end - 1..command.end;
        }
        if !last {
            end_text.push(' ');
            end_text.push(escape);
            // Empty lines up to the next RUN would be empty continuation lines: drop them.
            let next = chain[position + 1];
            let between_start = crate::text::line_end_after_newline(text, instruction.range.end);
            let next_line_start = text[..next.range.start].rfind('\n').map_or(0, |i| i + 1);
            let mut line = between_start;
            while line < next_line_start {
                let end = crate::text::line_end_after_newline(text, line);
                if text[line..end].trim().is_empty() && end < next_line_start {
                    edits.push(Edit {
                        range: line..end,
                        new_text: String::new(),
                    });
                }
                line = end;
            }
        }
        if !end_text.is_empty() || !end_range.is_empty() {
            edits.push(Edit {
                range: end_range,
                new_text: end_text,
            });
        }
    }
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    Some(edits)
}

/// The offset just past the newline that ends the line containing `offset`.
/// Whether a shell command ends inside a `'` or `"` quote or a `${` (the escape character and, outside
/// single quotes, a backslash keep the next character).
fn quote_left_open(command: &str, escape: char) -> bool {
    let mut quote: Option<char> = None;
    // `${` not yet closed by `}`.
    let mut braces = 0usize;
    let mut chars = command.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some('\''), '\'') => quote = None,
            (Some('\''), _) => {}
            (_, c) if c == '\\' || c == escape => {
                chars.next();
            }
            (_, '$') if chars.peek() == Some(&'{') => {
                chars.next();
                braces += 1;
            }
            (_, '}') if braces > 0 => braces -= 1,
            (None, '"' | '\'') => quote = Some(c),
            (Some('"'), '"') => quote = None,
            _ => {}
        }
    }
    quote.is_some() || braces > 0
}

/// The indentation of a RUN's continuation lines, or four spaces when it has none.
fn continuation_indent(text: &str, instruction: &Instruction) -> String {
    let body = text.get(instruction.range.clone()).unwrap_or_default();
    body.lines()
        .skip(1)
        .filter(|line| !line.trim().is_empty() && !line.trim_start().starts_with('#'))
        .last()
        .map(|line| line[..line.len() - line.trim_start().len()].to_owned())
        .filter(|indent| !indent.is_empty())
        .unwrap_or_else(|| "    ".to_owned())
}

/// Merges every pair the rule reports, chain by chain, in one fix. Computed on request (a
/// code action, `dockls check --fix`) rather than attached to each finding, which would repeat
/// the whole file's edits on every finding.
pub fn merge_all(context: &Context) -> Option<Fix> {
    // Pairs silenced with `# dockls ignore=split-run-layers` stay apart.
    let suppressions = super::Suppressions::read(context);
    let model = context.model;
    let pairs: Vec<(usize, usize)> = mergeable_pairs(context)
        .into_iter()
        .filter(|&(_, current)| {
            model
                .instructions
                .get(current)
                .is_some_and(|i| !suppressions.at(&RULE, i.range.start))
        })
        .collect();
    let edits = merge_all_edits(context, &pairs)?;
    Some(Fix {
        title: "Merge all consecutive RUN instructions in this file".to_owned(),
        edits,
        is_snippet: false,
        safe: true,
    })
}

/// The edits of every merge in the file, chain by chain; `None` when there is nothing to merge.
fn merge_all_edits(context: &Context, pairs: &[(usize, usize)]) -> Option<Vec<Edit>> {
    let model = context.model;
    let mut chains: Vec<Vec<usize>> = Vec::new();
    for &(previous, current) in pairs {
        match chains.last_mut() {
            Some(chain) if chain.last() == Some(&previous) => chain.push(current),
            _ => chains.push(vec![previous, current]),
        }
    }
    let mut edits = Vec::new();
    let mut shells = PosixShells::new();
    for chain in chains {
        let instructions: Vec<&Instruction> = chain
            .iter()
            .filter_map(|&i| model.instructions.get(i))
            .collect();
        // A chain that cannot merge as a whole is merged in the parts that can.
        match merge_edits(context, &instructions, &mut shells) {
            Some(chain_edits) => edits.extend(chain_edits),
            None => {
                for pair in instructions.windows(2) {
                    if let Some(pair_edits) = merge_edits(context, pair, &mut shells) {
                        if edits
                            .last()
                            .is_none_or(|last: &Edit| last.range.end <= pair[0].range.start)
                        {
                            edits.extend(pair_edits);
                        }
                    }
                }
            }
        }
    }
    (!edits.is_empty()).then_some(edits)
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::diagnostic::apply_edits;
    use crate::rules::testing::{findings, fixed, render};

    #[test]
    fn reports_the_second_run() {
        expect![[r#"39..42 "RUN": this RUN adds a layer right after the RUN on line 2; join them with `&&` into one layer"#]]
            .assert_eq(&render(&RULE, "FROM centos:7\nRUN yum -y install httpd\nRUN yum clean all;\n"));
    }

    #[test]
    fn not_across_other_instructions_flags_or_long_chains() {
        let text = "FROM a:1\nRUN a\nCOPY x y\nRUN b\nRUN --network=none c\n\
                    RUN a && b\nRUN d\nRUN echo $(date)\nFROM b:1\nRUN e\n";
        assert_eq!(render(&RULE, text), "");
        // Comments between the two do not separate them.
        let text = "FROM a:1\nRUN a\n# note\nRUN b\n";
        assert_eq!(findings(&RULE, text).len(), 1);
    }

    #[test]
    fn merges_the_seed_example_into_valid_shell() {
        let after = fixed(
            &RULE,
            "FROM centos:7\nRUN yum -y install httpd\nRUN yum clean all;\n",
        );
        assert_eq!(
            after,
            "FROM centos:7\nRUN yum -y install httpd \\\n    && yum clean all;\n"
        );
        assert_sh_accepts("yum -y install httpd && yum clean all;");
    }

    #[test]
    fn groups_commands_that_and_would_change() {
        let after = fixed(&RULE, "FROM a:1\nRUN apt-get update\nRUN sleep 1 &\n");
        assert_eq!(
            after,
            "FROM a:1\nRUN apt-get update \\\n    && { sleep 1 & }\n"
        );
        assert_sh_accepts("apt-get update && { sleep 1 & }");
        let after = fixed(&RULE, "FROM a:1\nRUN cd /x;\nRUN make\n");
        assert_eq!(after, "FROM a:1\nRUN cd /x \\\n    && make\n");
    }

    #[test]
    fn keeps_indentation_comments_and_the_escape_character() {
        let text = "# escape=`\nFROM a:1\nRUN apt-get `\n  update\n\n# install\nRUN apt-get install -y x\n";
        assert_eq!(
            fixed(&RULE, text),
            "# escape=`\nFROM a:1\nRUN apt-get `\n  update `\n# install\n  && apt-get install -y x\n"
        );
    }

    #[test]
    fn merge_all_joins_whole_chains() {
        let text = "FROM a:1\nRUN a\nRUN b\nRUN c\nCOPY x y\nRUN d\nRUN e\n";
        let found = findings(&RULE, text);
        assert_eq!(found.len(), 3);
        let analysis = crate::snapshot::Snapshot::from_text(text);
        let config = crate::rules::RuleConfig::default();
        let context = crate::rules::Context::new(&analysis, &config, None);
        let all = merge_all(&context).expect("something to merge");
        let after = apply_edits(text, &all.edits);
        assert_eq!(
            after,
            "FROM a:1\nRUN a \\\n    && b \\\n    && c\nCOPY x y\nRUN d \\\n    && e\n"
        );
        assert_eq!(findings(&RULE, &after).len(), 0);
    }

    #[test]
    fn merge_all_leaves_suppressed_pairs_apart() {
        let text = "FROM a:1\nRUN a\n# dockls ignore=split-run-layers\nRUN b\nRUN c\n";
        let analysis = crate::snapshot::Snapshot::from_text(text);
        let config = crate::rules::RuleConfig::default();
        let context = crate::rules::Context::new(&analysis, &config, None);
        let all = merge_all(&context).expect("the unsuppressed pair merges");
        assert_eq!(
            apply_edits(text, &all.edits),
            "FROM a:1\nRUN a\n# dockls ignore=split-run-layers\nRUN b \\\n    && c\n"
        );
    }

    /// Found by the `analysis` fuzz target: merging after a command whose quote is left open
    /// put the continuation inside the quote.
    #[test]
    fn no_fix_when_a_quote_is_left_open() {
        let context_text = "FROM alpine:3.20\nRUN echo [\"\nRUN echo world\n";
        let found = crate::rules::testing::findings(&RULE, context_text)
            .into_iter()
            .next()
            .expect("the split is reported");
        assert!(found.fixes.is_empty(), "{:?}", found.fixes);
        assert!(quote_left_open("echo 'it''s", '\\'));
        assert!(!quote_left_open("echo \"a \\\" b\" 'c'", '\\'));
        assert!(quote_left_open("echo ${A", '\\'));
        assert!(!quote_left_open("echo ${A:-x} \"${B}\"", '\\'));
    }

    #[test]
    fn no_fix_for_exec_form_heredocs_or_other_shells() {
        for text in [
            "FROM a:1\nRUN [\"a\"]\nRUN b\n",
            "FROM a:1\nRUN a\nRUN <<EOF\nb\nEOF\n",
            "FROM a:1\nSHELL [\"powershell\", \"-Command\"]\nRUN a\nRUN b\n",
        ] {
            let found = findings(&RULE, text);
            assert_eq!(found.len(), 1, "{text}");
            assert!(found[0].fixes.is_empty(), "{text}");
        }
    }

    /// Checks a command's syntax with `sh -n`.
    fn assert_sh_accepts(command: &str) {
        let output = std::process::Command::new("sh")
            .args(["-n", "-c", command])
            .output()
            .expect("sh runs");
        assert!(
            output.status.success(),
            "sh -n rejects {command:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}
