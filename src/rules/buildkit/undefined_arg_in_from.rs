//! A variable in a FROM line that no global ARG declares.

use super::super::{Category, Context, Fixes, Report, Rule, Scope};
use super::util;
use crate::diagnostic::Edit;
use crate::diagnostic::Severity;
use crate::knowledge;
use crate::model::is_automatic;

pub static RULE: Rule = Rule {
    name: "undefined-arg-in-from",
    summary: "FROM uses an undeclared build argument",
    docs: "\
Reports a variable in a `FROM` line (image or `--platform`) that is neither declared by an \
`ARG` before the first `FROM` nor one of BuildKit's automatic platform arguments \
(`TARGETPLATFORM`, `BUILDARCH`, ...). Forms with a fallback, such as `${TAG:-3.20}`, are \
not reported (BuildKit reports them too).

**Why:** `FROM` sees only the global `ARG`s. An undeclared variable expands to the empty \
string even when `--build-arg` sets it, which gives a wrong or invalid image name; often it \
is a typo of a declared one.

**Before**

```dockerfile
FROM node:${NODE_VERSION}-alpine
```

**After**

```dockerfile
ARG NODE_VERSION=20
FROM node:${NODE_VERSION}-alpine
```

**Fix:** when a declared argument has a close name, renames the variable to it; otherwise \
declares `ARG NAME` before the first `FROM` (add a default value yourself).",
    severity: Severity::Warning,
    category: Category::Correctness,
    scope: Scope::File,
    hadolint: &[],
    buildkit: Some("UndefinedArgInFrom"),
    off_by_default: false,
    fixes: Fixes::Safe,
    check,
};

fn check(context: &Context, report: &mut Report) {
    let model = context.model;
    let globals = util::global_arg_names(model);
    let Some(first_from) = model
        .stages
        .first()
        .and_then(|s| model.instructions.get(s.from))
    else {
        return;
    };
    let candidates: Vec<&str> = globals
        .iter()
        .copied()
        .chain(knowledge::AUTOMATIC_ARGS.iter().map(|a| a.name))
        .collect();
    let mut declared_by_fix: Vec<&str> = Vec::new();
    let mut reported: Vec<(usize, &str)> = Vec::new();
    for variable in &model.uses {
        let Some(instruction) = model.instructions.get(variable.instruction) else {
            continue;
        };
        if instruction.keyword != "FROM" {
            continue;
        }
        let name = variable.name.as_str();
        if globals.contains(&name)
            || is_automatic(name)
            || util::has_fallback(context.slice(variable.range.clone()))
            || reported.contains(&(variable.instruction, name))
        {
            continue;
        }
        reported.push((variable.instruction, name));
        let suggestion = crate::similar::nearest(name, candidates.iter().copied());
        let mut message = format!("`${name}` is not declared by an ARG before the first FROM");
        if let Some(s) = suggestion {
            message.push_str(&format!("; did you mean `${s}`?"));
        }
        let finding = report.add(variable.range.clone(), message);
        if let Some(s) = suggestion {
            finding.with_unsafe_fix(
                format!("Change to `${s}`"),
                vec![Edit {
                    range: variable.name_range.clone(),
                    new_text: s.to_owned(),
                }],
            );
        }
        // Only a valid name can be declared (`$$` reads as a variable named `$`).
        if declared_by_fix.contains(&name) || !crate::model::is_valid_variable_name(name) {
            continue;
        }
        declared_by_fix.push(name);
        let keyword = util::cased_like(context.slice(first_from.keyword_range.clone()), "ARG");
        let at = crate::text::line_start(context.text, first_from.range.start);
        let edits = vec![Edit {
            range: at..at,
            new_text: format!("{keyword} {name}{}", crate::text::newline(context.text)),
        }];
        let title = format!("Declare `ARG {name}` before the first FROM");
        if suggestion.is_some() {
            finding.with_unsafe_fix(title, edits);
        } else {
            finding.with_fix(title, edits);
        }
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::rules::testing::{findings, fixed, render};

    #[test]
    fn reports_undeclared_variables() {
        expect![[r#"
            30..44 "${NODE_VERSON}": `$NODE_VERSON` is not declared by an ARG before the first FROM; did you mean `$NODE_VERSION`?
            90..93 "$GO": `$GO` is not declared by an ARG before the first FROM
            115..118 "$GO": `$GO` is not declared by an ARG before the first FROM"#]].assert_eq(&render(
            &RULE,
            "ARG NODE_VERSION=20\nFROM node:${NODE_VERSON}-alpine\n\
             FROM --platform=$BUILDPLATFORM golang:$GO AS build\nFROM alpine:$GO$GO\n",
        ));
    }

    #[test]
    fn declared_automatic_and_fallback_variables_are_fine() {
        assert_eq!(
            render(
                &RULE,
                "ARG TAG\nFROM alpine:$TAG\nFROM --platform=$TARGETPLATFORM alpine:${V:-3}\n\
                 FROM alpine\nARG LATER\nRUN echo $LATER $NOPE\n"
            ),
            ""
        );
    }

    #[test]
    fn fix_declares_the_argument() {
        assert_eq!(
            fixed(&RULE, "# syntax=docker/dockerfile:1\nFROM alpine:$TAG\n"),
            "# syntax=docker/dockerfile:1\nARG TAG\nFROM alpine:$TAG\n"
        );
        assert_eq!(
            fixed(&RULE, "from alpine:$TAG\n"),
            "arg TAG\nfrom alpine:$TAG\n"
        );
    }

    #[test]
    fn fix_suggests_a_close_name() {
        assert_eq!(
            fixed(&RULE, "ARG NODE_VERSION=20\nFROM node:${NODE_VERSON}\n"),
            "ARG NODE_VERSION=20\nFROM node:${NODE_VERSION}\n"
        );
        let found = findings(&RULE, "ARG NODE_VERSION=20\nFROM node:${NODE_VERSON}\n");
        assert!(found[0].fixes.iter().all(|f| !f.safe));
    }
}
