//! COPY or ADD of several files to a destination without a trailing `/`.

use crate::diagnostic::Edit;
use crate::diagnostic::Severity;
use crate::model::Form;
use crate::rules::{Category, Context, Fixes, Report, Rule, Scope};

use super::util;

pub static RULE: Rule = Rule {
    name: "copy-destination-not-directory",
    summary: "Several sources copied to a destination without a trailing `/`",
    docs: "\
Reports a `COPY` or `ADD` with more than one source, or with a wildcard source, whose \
destination does not end with `/`.

**Why:** with several files the destination can only be a directory, and the trailing `/` is \
what says so. The classic builder and other builders reject the instruction (`When using COPY \
with more than one source file, the destination must be a directory and end with a /`). \
BuildKit accepts it, but when the destination does not exist yet it copies every source onto \
the same path, so only the last file survives. A wildcard that matches a single file is fine \
either way, which is why this is a warning. A destination of `.` or `..` is always a directory \
and is not reported.

**Before**

```dockerfile
COPY package.json package-lock.json /app
COPY *.py /srv
```

**After**

```dockerfile
COPY package.json package-lock.json /app/
COPY *.py /srv/
```

**Fix:** adds the `/`.",
    severity: Severity::Warning,
    category: Category::Correctness,
    scope: Scope::Instruction,
    hadolint: &[],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::Safe,
    check,
};

fn check(context: &Context, report: &mut Report) {
    for instruction in util::with_triggers(context) {
        if instruction.keyword != "COPY" && instruction.keyword != "ADD" {
            continue;
        }
        // The words, as (text BuildKit reads, range as written).
        let words: Vec<(String, std::ops::Range<usize>)> = match instruction.form {
            Form::Exec => {
                let Some(range) = &instruction.command_range else {
                    continue;
                };
                let Some(array) = util::node_at(context, range, "exec_form") else {
                    continue;
                };
                let strings = util::descendants(array, "json_string");
                let args = instruction.exec_args.clone().unwrap_or_default();
                if strings.len() != args.len() {
                    continue;
                }
                args.into_iter()
                    .zip(strings.iter().map(|s| s.byte_range()))
                    .collect()
            }
            _ => instruction
                .arguments
                .iter()
                .map(|r| (util::unquote(context.slice(r.clone())), r.clone()))
                .collect(),
        };
        let Some(((destination, range), sources)) = words.split_last() else {
            continue;
        };
        let wildcard = sources.iter().any(|(s, _)| {
            !s.starts_with("<<") && !s.contains("://") && s.contains(['*', '?', '['])
        });
        if sources.is_empty() || (sources.len() == 1 && !wildcard) {
            continue;
        }
        // `.` and `..` can only be directories; BuildKit reads them so.
        let dot = destination == "."
            || destination == ".."
            || destination.ends_with("/.")
            || destination.ends_with("/..");
        if dot
            || destination.ends_with(['/', '\\'])
            || util::has_variable(destination)
            || destination.is_empty()
        {
            continue;
        }
        let written = context.slice(range.clone());
        let insert_at = if written.ends_with(['"', '\'']) && written.len() > 1 {
            range.end - 1
        } else {
            range.end
        };
        let why = if sources.len() > 1 {
            "several sources"
        } else {
            "a wildcard source"
        };
        report
            .add(
                range.clone(),
                format!("with {why}, the destination `{destination}` should end with `/`"),
            )
            .with_fix(
                "Add a trailing `/`",
                vec![Edit {
                    range: insert_at..insert_at,
                    new_text: "/".to_owned(),
                }],
            );
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::rules::testing::{fixed, render};

    #[test]
    fn reports_the_destination() {
        expect![[r#"
            16..20 "/app": with several sources, the destination `/app` should end with `/`
            30..34 "/srv": with a wildcard source, the destination `/srv` should end with `/`
            51..57 "\"/x y\"": with several sources, the destination `/x y` should end with `/`
            72..76 "\"/d\"": with several sources, the destination `/d` should end with `/`"#]].assert_eq(&render(
            &RULE,
            "FROM a\nCOPY a b /app\nADD *.py /srv\nCOPY [\"a\", \"b\", \"/x y\"]\nCOPY a \"b c\" \"/d\"\n",
        ));
    }

    #[test]
    fn directories_and_single_sources_are_fine() {
        assert_eq!(
            render(
                &RULE,
                "FROM a\nCOPY a b /app/\nCOPY a /app\nADD *.py ./\nCOPY [\"a\", \"b\", \"/x/\"]\n\
                 COPY a b $DEST\nCOPY <<EOF /x\nhi\nEOF\nCOPY *.csproj .\nCOPY a b ..\n\
                 ADD http://x/a.tgz?r=1 /tmp/a.tgz\n"
            ),
            ""
        );
    }

    #[test]
    fn fix_adds_the_slash() {
        assert_eq!(
            fixed(&RULE, "FROM a\nCOPY a b /app\n"),
            "FROM a\nCOPY a b /app/\n"
        );
        assert_eq!(
            fixed(&RULE, "FROM a\nCOPY [\"a\", \"b\", \"/x\"]\n"),
            "FROM a\nCOPY [\"a\", \"b\", \"/x/\"]\n"
        );
        assert_eq!(
            fixed(&RULE, "FROM a\nCOPY a b \"/d\"\n"),
            "FROM a\nCOPY a b \"/d/\"\n"
        );
    }
}
