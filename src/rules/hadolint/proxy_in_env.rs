//! Proxy settings baked into the image with ENV.

use crate::diagnostic::Edit;
use crate::diagnostic::Severity;
use crate::knowledge;
use crate::model::{Declaration, DeclarationKind};
use crate::rules::{Category, Context, Fixes, Report, Rule, Scope};
use crate::text::newline;

pub static RULE: Rule = Rule {
    name: "proxy-in-env",
    summary: "Proxy setting stored in the image with ENV",
    docs: "\
Reports an `ENV` that sets a proxy variable (`HTTP_PROXY`, `HTTPS_PROXY`, `FTP_PROXY`, \
`NO_PROXY`, `ALL_PROXY`, in any case) to a value that is not empty.

**Why:** `ENV` writes the value into the image: every container started from it inherits the \
proxy, which rarely exists where the image runs, and the value (with any credentials in the \
URL) stays in the image config and in `docker history`, even when a later `ENV` clears it. \
The proxy variables are predefined build arguments: `docker build --build-arg \
HTTP_PROXY=http://proxy:3128 .` makes them visible to every `RUN` without an `ARG` line and \
keeps them out of the image and its history.

**Before**

```dockerfile
ENV HTTP_PROXY=http://proxy.example.com:3128
RUN pip install -r requirements.txt
```

**After**

```dockerfile
# docker build --build-arg HTTP_PROXY=http://proxy.example.com:3128 .
RUN pip install -r requirements.txt
```

**Fix:** remove the setting (the whole `ENV` when it sets nothing else); the build then needs \
the `--build-arg`, so `dockls check --fix` leaves it to you.",
    severity: Severity::Warning,
    category: Category::Security,
    scope: Scope::Instruction,
    hadolint: &[],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::Unsafe,
    check,
};

fn check(context: &Context, report: &mut Report) {
    let model = context.model;
    for (index, instruction) in context.instructions() {
        if instruction.keyword != "ENV" {
            continue;
        }
        let pairs: Vec<&Declaration> = model
            .declarations
            .iter()
            .filter(|d| d.instruction == index && d.kind == DeclarationKind::Env)
            .collect();
        let reported: Vec<bool> = pairs.iter().map(|d| is_proxy_setting(d)).collect();
        let all = reported.iter().all(|r| *r);
        for (position, pair) in pairs.iter().enumerate() {
            if !reported.get(position).copied().unwrap_or(false) {
                continue;
            }
            let finding = report.add(
                pair.name_range.clone(),
                format!(
                    "`{}` set with `ENV` stays in the image and its history; pass it with \
                     `--build-arg` instead",
                    pair.name
                ),
            );
            let edit = if all {
                remove_instruction(context, instruction.range.clone())
            } else {
                remove_pair(context, &pairs, position)
            };
            if let Some(edit) = edit {
                finding.with_unsafe_fix(format!("Remove `{}`", pair.name), vec![edit]);
            }
        }
    }
}

fn is_proxy_setting(declaration: &Declaration) -> bool {
    knowledge::PROXY_ARGS
        .iter()
        .any(|a| a.name.eq_ignore_ascii_case(&declaration.name))
        && declaration.resolved.as_deref() != Some("")
        && declaration.value.as_deref().is_some_and(|v| !v.is_empty())
}

/// The end of a pair: its value, or the name and `=` of an empty assignment.
fn pair_end(context: &Context, pair: &Declaration) -> usize {
    match &pair.value_range {
        Some(value) => value.end,
        None if context.slice(pair.name_range.end..pair.name_range.end + 1) == "=" => {
            pair.name_range.end + 1
        }
        None => pair.name_range.end,
    }
}

fn remove_pair(context: &Context, pairs: &[&Declaration], position: usize) -> Option<Edit> {
    let pair = pairs.get(position)?;
    let range = match position.checked_sub(1).and_then(|p| pairs.get(p)) {
        // From the end of the pair before, so its blanks and continuation go too.
        Some(previous) => pair_end(context, previous)..pair_end(context, pair),
        None => pair.name_range.start..pairs.get(position + 1)?.name_range.start,
    };
    Some(Edit {
        range,
        new_text: String::new(),
    })
}

fn remove_instruction(context: &Context, range: std::ops::Range<usize>) -> Option<Edit> {
    let line_start = context
        .text
        .get(..range.start)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1);
    if !context.slice(line_start..range.start).trim().is_empty() {
        return None;
    }
    let rest = context.text.get(range.end..).unwrap_or_default();
    let newline = newline(context.text);
    let end = if rest.starts_with(newline) {
        range.end + newline.len()
    } else {
        range.end
    };
    Some(Edit {
        range: line_start..end,
        new_text: String::new(),
    })
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::rules::testing::{fixed, render};

    #[test]
    fn reports_proxy_settings() {
        expect![[r#"
            66..76 "HTTP_PROXY": `HTTP_PROXY` set with `ENV` stays in the image and its history; pass it with `--build-arg` instead
            97..108 "https_proxy": `https_proxy` set with `ENV` stays in the image and its history; pass it with `--build-arg` instead
            127..135 "No_Proxy": `No_Proxy` set with `ENV` stays in the image and its history; pass it with `--build-arg` instead
            154..163 "ALL_PROXY": `ALL_PROXY` set with `ENV` stays in the image and its history; pass it with `--build-arg` instead"#]].assert_eq(&render(
            &RULE,
            "FROM python:3.6.8\nENV MY_PROXY_URL=\"http://173.60.115.117:80\"\n\
             ENV HTTP_PROXY=$MY_PROXY_URL \\\n    https_proxy=$MY_PROXY_URL\n\
             ENV No_Proxy localhost\nENV A=1 ALL_PROXY=socks5://p:1080\n",
        ));
    }

    #[test]
    fn build_args_and_cleared_values_are_fine() {
        assert_eq!(
            render(
                &RULE,
                "ARG HTTP_PROXY\nFROM a\nARG https_proxy=http://p\nENV MY_PROXY_URL=\n\
                 ENV HTTP_PROXY=$MY_PROXY_URL http_proxy=\nENV PROXY=x HTTP_PROXY_HOST=y\n",
            ),
            ""
        );
    }

    #[test]
    fn fix_removes_the_setting() {
        assert_eq!(
            fixed(
                &RULE,
                "FROM a\nENV HTTP_PROXY=http://p \\\n    http_proxy=http://p\nRUN x\n"
            ),
            "FROM a\nRUN x\n"
        );
        assert_eq!(
            fixed(
                &RULE,
                "FROM a\nENV A=1 \\\n    HTTP_PROXY=http://p \\\n    B=2\n"
            ),
            "FROM a\nENV A=1 \\\n    B=2\n"
        );
        assert_eq!(
            fixed(&RULE, "FROM a\nENV HTTP_PROXY=http://p B=2\n"),
            "FROM a\nENV B=2\n"
        );
    }
}
