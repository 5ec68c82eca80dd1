//! A comment right above a stage or ARG that does not describe it.

use super::super::{Category, Context, Fixes, Report, Rule, Scope};
use crate::diagnostic::Edit;
use crate::diagnostic::Severity;

pub static RULE: Rule = Rule {
    name: "invalid-definition-description",
    summary: "Comment above FROM or ARG does not start with its name",
    docs: "\
Reports the comment line directly above a named `FROM ... AS name` or an `ARG` when it does \
not start with the stage or argument name. Off by default, as in BuildKit, where the check \
is experimental.

**Why:** `docker build --call=outline` and `--call=targets` show the comment right above a \
stage or build argument as its description, and expect the form `# name description`. A \
comment that is not meant as a description should be separated by an empty line.

**Before**

```dockerfile
# Compiles the command-line tool
FROM golang:1.22 AS build-cli
```

**After**

```dockerfile
# build-cli compiles the command-line tool
FROM golang:1.22 AS build-cli
```

**Fix:** puts the name at the start of the comment; not applied automatically, since an empty \
line may be what was meant.",
    severity: Severity::Information,
    category: Category::Style,
    scope: Scope::File,
    hadolint: &[],
    buildkit: Some("InvalidDefinitionDescription"),
    off_by_default: true,
    fixes: Fixes::Unsafe,
    check,
};

fn check(context: &Context, report: &mut Report) {
    let model = context.model;
    for (index, instruction) in model.instructions.iter().enumerate() {
        let names: Vec<String> = match instruction.keyword.as_str() {
            "FROM" => match model
                .stages
                .iter()
                .find(|s| s.from == index)
                .and_then(|s| s.name.as_ref())
            {
                Some(name) => vec![name.to_ascii_lowercase()],
                None => continue,
            },
            "ARG" => model
                .declarations
                .iter()
                .filter(|d| d.instruction == index)
                .map(|d| d.name.clone())
                .collect(),
            _ => continue,
        };
        if names.is_empty() {
            continue;
        }
        let Some(comment) = comment_above(context, instruction.range.start) else {
            continue;
        };
        let line = context.slice(comment.clone());
        let body = line.trim_start().trim_start_matches('#').trim();
        let first = body.split(' ').next().unwrap_or_default();
        if names.iter().any(|n| n == first) {
            continue;
        }
        let shown = if names.len() == 1 {
            names[0].clone()
        } else {
            "<name>".to_owned()
        };
        let finding = report.add(
            comment.clone(),
            format!(
                "a comment right above `{}` should start with `{shown}` to describe it",
                instruction.keyword
            ),
        );
        if names.len() == 1 {
            let hash = comment.start + line.find('#').unwrap_or(0) + 1;
            let blanks = line[hash - comment.start..].len()
                - line[hash - comment.start..].trim_start().len();
            let at = hash + blanks;
            finding.with_unsafe_fix(
                format!("Start the comment with `{shown}`"),
                vec![Edit {
                    range: at..at,
                    new_text: if blanks == 0 {
                        format!(" {shown} ")
                    } else {
                        format!("{shown} ")
                    },
                }],
            );
        }
    }
}

/// The comment line directly above the line at `offset`, without its newline; not a parser
/// directive nor a suppression comment.
fn comment_above(context: &Context, offset: usize) -> Option<std::ops::Range<usize>> {
    let line = crate::text::line_start(context.text, offset);
    if line == 0 {
        return None;
    }
    let above = crate::text::line_start(context.text, line - 1);
    let text = context.slice(above..line);
    let content = text.trim();
    if !content.starts_with('#') {
        return None;
    }
    if context
        .model
        .directives
        .iter()
        .any(|d| d.range.start >= above && d.range.start < line)
    {
        return None;
    }
    let body = content.trim_start_matches('#').trim_start();
    if ["dockls ", "hadolint ", "check="]
        .iter()
        .any(|p| body.starts_with(p))
    {
        return None;
    }
    let end = above + text.trim_end_matches(['\n', '\r']).len();
    Some(above..end)
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::rules::testing::{fixed, render};

    #[test]
    fn reports_comments_that_do_not_start_with_the_name() {
        expect![[r##"
            0..19 "# Compiles the tool": a comment right above `FROM` should start with `build-cli` to describe it
            45..57 "#the version": a comment right above `ARG` should start with `VERSION` to describe it
            72..85 "# one of them": a comment right above `ARG` should start with `<name>` to describe it"##]].assert_eq(&render(
            &RULE,
            "# Compiles the tool\nFROM golang AS build-cli\n#the version\nARG VERSION=1\n# one of them\nARG A B\n",
        ));
    }

    #[test]
    fn descriptions_and_separated_comments_are_fine() {
        assert_eq!(
            render(
                &RULE,
                "# syntax=docker/dockerfile:1\n# base compiles\nFROM a AS base\n\
                 # unrelated\n\nFROM c AS x\n# VERSION to build\nARG VERSION\n# B second\nARG A B\n\
                 # hadolint ignore=DL3006\nFROM d AS y\n# build is described\nFROM e AS Build\n# no name\nFROM f\n"
            ),
            ""
        );
    }

    #[test]
    fn fix_puts_the_name_first() {
        assert_eq!(
            fixed(&RULE, "# Compiles the tool\nFROM golang AS build-cli\n"),
            "# build-cli Compiles the tool\nFROM golang AS build-cli\n"
        );
        assert_eq!(fixed(&RULE, "#version\nARG V\n"), "# V version\nARG V\n");
    }
}
