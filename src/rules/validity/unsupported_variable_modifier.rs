//! `${VAR...}` forms BuildKit's own expansion does not support.

use crate::diagnostic::Severity;
use crate::rules::{Category, Context, Fixes, Report, Rule, Scope};
use crate::syntax::NodeExt;

use super::util::{self, Reader};

pub static RULE: Rule = Rule {
    name: "unsupported-variable-modifier",
    summary: "Variable modifier BuildKit does not support",
    docs: "\
Reports a `${...}` form that BuildKit cannot expand, where BuildKit expands the variables \
itself: in `FROM`, `COPY`, `ADD`, `ENV`, `ARG`, `LABEL`, `WORKDIR`, `USER`, `EXPOSE`, `VOLUME`, \
`STOPSIGNAL` and in flag values. BuildKit supports `${VAR}`, `${VAR-word}`, `${VAR:-word}`, \
`${VAR+word}`, `${VAR:+word}`, `${VAR?message}`, `${VAR:?message}`, and in recent versions the \
pattern forms `${VAR#pattern}`, `${VAR##pattern}`, `${VAR%pattern}`, `${VAR%%pattern}`, \
`${VAR/pattern/replacement}` and `${VAR//pattern/replacement}`. Other shell forms, such as \
`${VAR:=word}`, `${VAR^^}`, `${VAR,,}`, `${VAR:1:3}`, `${#VAR}` or `${!VAR}`, are not.

The commands of `RUN`, `CMD` and `ENTRYPOINT` are left alone: the shell expands those.

**Why:** BuildKit stops with `unsupported modifier` or `bad substitution`.

**Before**

```dockerfile
ARG NAME=App
WORKDIR /srv/${NAME,,}
```

**After**

```dockerfile
ARG NAME=app
WORKDIR /srv/${NAME}
```

**Fix:** none.",
    severity: Severity::Error,
    category: Category::Correctness,
    scope: Scope::Instruction,
    hadolint: &[],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::None,
    check,
};

const SUPPORTED: &[&str] = &[
    "-", ":-", "+", ":+", "?", ":?", "#", "##", "%", "%%", "/", "//", "/#", "/%",
];

fn check(context: &Context, report: &mut Report) {
    // Only a `${` that BuildKit expands itself can be at fault: not in shell commands, which
    // leaves the flags of RUN and the arguments of the other instructions.
    let root = context.tree.root_node();
    let mut scopes = Vec::new();
    for instruction in util::with_triggers(context) {
        if !context.slice(instruction.range.clone()).contains("${") {
            continue;
        }
        if matches!(
            instruction.keyword.as_str(),
            "RUN" | "CMD" | "ENTRYPOINT" | "SHELL" | "HEALTHCHECK"
        ) {
            scopes.extend(instruction.flags.iter().map(|f| f.range.clone()));
        } else {
            scopes.push(instruction.range.clone());
        }
    }
    let expansions = scopes
        .into_iter()
        .filter_map(|r| root.descendant_for_byte_range(r.start, r.end))
        .flat_map(|node| util::descendants(node, "expansion"));
    for node in expansions {
        if util::reader_of(node) != Some(Reader::Builder) {
            continue;
        }
        let text = context.slice(node.byte_range());
        let name = node.field("name");
        let operator = node.field("operator");
        let argument = node
            .field("argument")
            .map(|a| context.slice(a.byte_range()))
            .unwrap_or_default();
        let Some(name) = name else {
            report.add(
                node.byte_range(),
                format!("BuildKit cannot expand `{text}`: it needs a variable name after `${{`"),
            );
            continue;
        };
        let Some(operator) = operator else {
            continue;
        };
        let op = context.slice(operator.byte_range());
        // `${VAR:#x}` and `${VAR:%x}` read like `#` and `%` in BuildKit.
        let supported = SUPPORTED.contains(&op) || (op == ":" && argument.starts_with(['#', '%']));
        if !supported {
            let name = context.slice(name.byte_range());
            report.add(
                operator.byte_range(),
                format!(
                    "BuildKit does not support the modifier `{op}` in `${{{name}{op}...}}`; it \
                     supports `-`, `+`, `?` (with or without `:`), `#`, `%` and `/`"
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::rules::testing::render;

    #[test]
    fn reports_unsupported_modifiers() {
        expect![[r#"
            26..28 ",,": BuildKit does not support the modifier `,,` in `${NAME,,...}`; it supports `-`, `+`, `?` (with or without `:`), `#`, `%` and `/`
            39..41 ":=": BuildKit does not support the modifier `:=` in `${B:=...}`; it supports `-`, `+`, `?` (with or without `:`), `#`, `%` and `/`
            49..50 ":": BuildKit does not support the modifier `:` in `${D:...}`; it supports `-`, `+`, `?` (with or without `:`), `#`, `%` and `/`
            60..65 "${#E}": BuildKit cannot expand `${#E}`: it needs a variable name after `${`
            92..94 "^^": BuildKit does not support the modifier `^^` in `${T^^...}`; it supports `-`, `+`, `?` (with or without `:`), `#`, `%` and `/`
            109..114 "${!F}": BuildKit cannot expand `${!F}`: it needs a variable name after `${`"#]].assert_eq(&render(
            &RULE,
            "FROM a\nWORKDIR /srv/${NAME,,}\nENV A=${B:=x} C=${D:1:2}\nCOPY ${#E} /x/\n\
             RUN --mount=target=${T^^} make\nLABEL x=${!F}\n",
        ));
    }

    #[test]
    fn supported_forms_and_shell_commands_are_fine() {
        assert_eq!(
            render(
                &RULE,
                "ARG V=1\nFROM a:${V:-2}\nENV A=${V-x} B=${V:+y} C=${V+z} D=${V:?no} E=${V?}\n\
                 ENV F=${V#x} G=${V##*/} H=${V%.*} I=${V%%-*} J=${V/a/b} K=${V//a/b}\n\
                 RUN echo ${V^^} ${#V} ${V:1:2}\nCMD echo ${V,,}\n"
            ),
            ""
        );
    }
}
