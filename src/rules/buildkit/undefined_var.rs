//! A variable BuildKit expands that nothing defines.

use std::collections::HashSet;

use super::super::{Category, Context, Fixes, Report, Rule};
use super::util;
use crate::diagnostic::Edit;
use crate::diagnostic::Severity;
use crate::knowledge;
use crate::model::{Expander, Model, Scope};

/// Variables that base images commonly set (and `PATH`, which BuildKit always sets), taken
/// as defined in stages built on an image we cannot look into.
const IMAGE_ENV: &[&str] = &[
    "PATH",
    "HOME",
    "HOSTNAME",
    "TERM",
    "LANG",
    "LANGUAGE",
    "LC_ALL",
    "TZ",
    "USER",
    "SHELL",
    "PWD",
    "JAVA_HOME",
    "JAVA_VERSION",
    "GOPATH",
    "GOLANG_VERSION",
    "GOTOOLCHAIN",
    "NODE_VERSION",
    "YARN_VERSION",
    "PYTHON_VERSION",
    "PYTHON_SHA256",
    "RUBY_VERSION",
    "GEM_HOME",
    "BUNDLE_APP_CONFIG",
    "BUNDLE_SILENCE_ROOT_WARNING",
    "PHP_VERSION",
    "PHP_INI_DIR",
    "CARGO_HOME",
    "RUSTUP_HOME",
    "RUST_VERSION",
    "NGINX_VERSION",
    "DOTNET_VERSION",
    "ASPNET_VERSION",
    "MAVEN_HOME",
    "GRADLE_HOME",
    "APP_UID",
    "NB_USER",
    "NB_UID",
    "NB_GID",
    "CONDA_DIR",
];

pub static RULE: Rule = Rule {
    name: "undefined-var",
    summary: "Variable used but not defined",
    docs: "\
Reports a variable that BuildKit itself expands (in `ENV`, `ARG` defaults, `LABEL`, `COPY`, \
`ADD`, `WORKDIR`, `USER`, `VOLUME`, `EXPOSE`, `STOPSIGNAL`, and `RUN --mount` flags) when no \
`ARG` or `ENV` of the stage, or of a stage it is built on, defines it before. Variables in \
shell-form `RUN`, `CMD` and `ENTRYPOINT` commands are left alone: the shell expands those at \
run time, from an environment this file does not fully know. Forms with a fallback such as \
`${VAR:-default}` and the proxy arguments (`HTTP_PROXY`, ...) are not reported; BuildKit \
reports the former too.

**Limitation:** BuildKit also knows the environment of the base image (its `ENV`), which \
dockls does not read. In a stage built on an external image, common variables such as `PATH`, \
`HOME`, `LANG`, `JAVA_HOME`, `GOPATH` or `NODE_VERSION` are taken as defined; other variables \
the image sets are reported here although BuildKit would not.

**Why:** an undefined variable expands to the empty string: `COPY app $DEST/` copies to `/`. \
Usually it is a typo, or an `ARG` declared before `FROM` but not again inside the stage.

**Before**

```dockerfile
FROM alpine:3.20
ENV APP_HOME=/app
WORKDIR $APP_HOEM
```

**After**

```dockerfile
FROM alpine:3.20
ENV APP_HOME=/app
WORKDIR $APP_HOME
```

**Fix:** renames the variable to a close defined one when there is one, or declares \
`ARG NAME` just before the instruction; neither is applied automatically.",
    severity: Severity::Warning,
    category: Category::Correctness,
    scope: crate::rules::Scope::InstructionInContext,
    hadolint: &[],
    buildkit: Some("UndefinedVar"),
    off_by_default: false,
    fixes: Fixes::Unsafe,
    check,
};

fn check(context: &Context, report: &mut Report) {
    let model = context.model;
    let mut reported: Vec<(usize, &str)> = Vec::new();
    let declared: HashSet<(usize, &str)> = model
        .declarations
        .iter()
        .filter_map(|d| match d.scope {
            Scope::Stage(s) => Some((s, d.name.as_str())),
            Scope::Global => None,
        })
        .collect();
    for variable in model
        .uses
        .iter()
        .filter(|u| context.checks_instruction(u.instruction))
    {
        let Scope::Stage(stage) = variable.scope else {
            continue;
        };
        if variable.declaration.is_some() {
            continue;
        }
        let Some(instruction) = model.instructions.get(variable.instruction) else {
            continue;
        };
        let expanded_by_builder = match instruction.keyword.as_str() {
            "ONBUILD" | "FROM" => false,
            // BuildKit expands the --mount and other flags of RUN, the shell the command.
            "RUN" => instruction.flags.iter().any(|f| {
                f.range.start <= variable.range.start && variable.range.end <= f.range.end
            }),
            _ => variable.expander == Expander::Builder,
        };
        let name = variable.name.as_str();
        if !expanded_by_builder
            || util::has_fallback(context.slice(variable.range.clone()))
            || knowledge::PROXY_ARGS.iter().any(|a| a.name == name)
            || name == "PATH"
            || (IMAGE_ENV.contains(&name) && built_on_image(model, stage))
            || declared_in_base(model, &declared, stage, name)
            || reported.contains(&(variable.instruction, name))
        {
            continue;
        }
        reported.push((variable.instruction, name));
        let visible = model.declarations_in_scope(variable.range.start, variable.scope);
        let mut names: Vec<&str> = visible
            .iter()
            .filter_map(|&d| model.declarations.get(d))
            .map(|d| d.name.as_str())
            .collect();
        names.push("PATH");
        let suggestion = crate::similar::nearest(name, names);
        let mut message = format!("`${name}` is not defined by an ARG or ENV before it");
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
        let line = crate::text::line_start(context.text, instruction.range.start);
        let indent: String = context
            .text
            .get(line..instruction.range.start)
            .unwrap_or_default()
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect();
        let keyword = util::cased_like(context.slice(instruction.keyword_range.clone()), "ARG");
        finding.with_unsafe_fix(
            format!("Declare `ARG {name}` before this instruction"),
            vec![Edit {
                range: line..line,
                new_text: format!(
                    "{indent}{keyword} {name}{}",
                    crate::text::newline(context.text)
                ),
            }],
        );
    }
}

/// Whether a stage this one is built on declares `name` with ARG or ENV: BuildKit starts a
/// stage from the state its base stage ended in, build arguments included.
fn declared_in_base(
    model: &Model,
    declared: &HashSet<(usize, &str)>,
    stage: usize,
    name: &str,
) -> bool {
    let mut current = model.stages.get(stage).and_then(|s| s.base_stage);
    let mut seen = 0;
    while let Some(base) = current {
        if declared.contains(&(base, name)) {
            return true;
        }
        seen += 1;
        if seen > model.stages.len() {
            return false;
        }
        current = model.stages.get(base).and_then(|s| s.base_stage);
    }
    false
}

/// Whether the stage's chain of bases ends in an image from a registry (not `scratch`).
fn built_on_image(model: &Model, stage: usize) -> bool {
    let mut current = stage;
    for _ in 0..=model.stages.len() {
        let Some(st) = model.stages.get(current) else {
            return false;
        };
        match st.base_stage {
            Some(base) => current = base,
            None => {
                return st
                    .image
                    .as_ref()
                    .is_none_or(|i| !i.text.eq_ignore_ascii_case("scratch"));
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::rules::testing::{findings, fixed, render};

    #[test]
    fn reports_undefined_variables_buildkit_expands() {
        expect![[r#"
            51..60 "$APP_HOEM": `$APP_HOEM` is not defined by an ARG or ENV before it; did you mean `$APP_HOME`?
            68..77 "${GLOBAL}": `$GLOBAL` is not defined by an ARG or ENV before it
            109..115 "$CACHE": `$CACHE` is not defined by an ARG or ENV before it
            127..135 "$A_LATER": `$A_LATER` is not defined by an ARG or ENV before it
            178..183 "$HOME": `$HOME` is not defined by an ARG or ENV before it"#]].assert_eq(&render(
            &RULE,
            "ARG GLOBAL=1\nFROM alpine\nENV APP_HOME=/app\nWORKDIR $APP_HOEM\n\
             COPY a ${GLOBAL}/\nRUN --mount=type=cache,target=$CACHE make\n\
             ENV A=$A_LATER A_LATER=1\nLABEL v=$HOME\nFROM scratch\nUSER $HOME\n",
        ));
    }

    #[test]
    fn shell_commands_and_defined_variables_are_fine() {
        assert_eq!(
            render(
                &RULE,
                "ARG GLOBAL=1\nFROM alpine AS base\nARG GLOBAL\nENV APP=/app\n\
                 RUN echo $UNDEFINED\nCMD echo $NOPE\nENTRYPOINT exec $X\n\
                 COPY a $APP/${GLOBAL}/\nWORKDIR ${DIR:-/srv}\nENV P=$PATH:/x H=$HOME\n\
                 ONBUILD COPY a $LATER\nCOPY $HTTP_PROXY /x\nFROM base\nWORKDIR $APP\n\
                 FROM scratch\nENV P=$PATH\nFROM alpine AS args\nARG TARGETPLATFORM\n\
                 FROM args\nRUN --mount=type=cache,id=c-$TARGETPLATFORM,target=/c true\n"
            ),
            ""
        );
    }

    #[test]
    fn fix_renames_to_a_close_name() {
        assert_eq!(
            fixed(&RULE, "FROM a\nENV APP_HOME=/app\nWORKDIR $APP_HOEM\n"),
            "FROM a\nENV APP_HOME=/app\nWORKDIR $APP_HOME\n"
        );
        let found = findings(&RULE, "FROM a\nENV APP_HOME=/app\nWORKDIR $APP_HOEM\n");
        assert!(found[0].fixes.iter().all(|f| !f.safe));
    }

    #[test]
    fn fix_declares_an_arg() {
        assert_eq!(
            fixed(&RULE, "FROM a\n  COPY x $DEST/\n"),
            "FROM a\n  ARG DEST\n  COPY x $DEST/\n"
        );
    }
}
