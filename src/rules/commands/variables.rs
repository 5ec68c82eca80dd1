//! Variables in the shell of RUN: names used but never given a value, and declarations whose
//! command substitution hides a failure.

use super::expansions::{nodes_of, parameter};
use crate::diagnostic::Severity;
use crate::rules::{Category, Context, Fixes, Report, Rule, Scope};

pub static UNASSIGNED: Rule = Rule {
    name: "unassigned-variable",
    summary: "Variable used in RUN but never assigned",
    docs: "\
Reports a `$name` in a RUN whose name has a lowercase letter and that nothing gives a value: \
no ARG or ENV in scope (an ENV of the stage this one is built on counts), no assignment in \
the same RUN (before or after the use: `name=...`, `for name in`, `read name`, `export`, \
`local`, `declare`, `readonly`, `getopts`, `mapfile`, `printf -v`, `${name:=...}`), no \
`--mount=type=secret,env=name`, and not one of the proxy variables a build passes through \
(`http_proxy`, `no_proxy`...). Names in capitals are taken as the environment's (`PATH`, \
`HOME`, BuildKit's `TARGETARCH`) and not reported. Nor are `${name:-default}` and the other \
forms that give a value for an unset name, or `[ -z \"$name\" ]`, which asks whether it is \
set. hadolint forgets an ENV inherited from the stage a stage is built on, and checks RUNs \
that PowerShell or cmd runs: a stage built on a Windows image without a SHELL runs its RUNs in \
cmd, where `$name` means nothing (reason `windows-image` in the corpus comparison with \
hadolint); dockls does neither. The ShellCheck code is SC2154.

**Why:** usually a typo (`$verison`) or an ARG declared in another stage, which is not in \
scope here: the shell substitutes an empty string and the command runs with a missing \
argument.

**Before**

```dockerfile
ARG version=1.2
FROM alpine
RUN wget https://example.com/tool-$version.tar.gz
```

**After**

```dockerfile
FROM alpine
ARG version=1.2
RUN wget https://example.com/tool-$version.tar.gz
```

**Fix:** none: whether an ARG is missing or the name is misspelt is yours to say.",
    severity: Severity::Warning,
    category: Category::Correctness,
    scope: Scope::InstructionInContext,
    hadolint: &["SC2154"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::None,
    check: check_unassigned,
};

fn check_unassigned(context: &Context, report: &mut Report) {
    for script in context.scripts() {
        let expansions = nodes_of(context, script, &["simple_expansion", "expansion"]);
        if expansions.is_empty() {
            continue;
        }
        let variables = context.script_variables(script);
        let nodes = context.script_nodes(script);
        for node in expansions {
            let Some(p) = parameter(node, &script.text) else {
                continue;
            };
            let name = p.name;
            let is_name = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_');
            if !is_name || !name.contains(|c: char| c.is_ascii_lowercase()) || p.indirect {
                continue;
            }
            if matches!(
                p.operator,
                Some(":-" | "-" | ":=" | "=" | ":?" | "?" | ":+" | "+")
            ) {
                continue;
            }
            if asks_if_set(nodes.ancestors(node), script) || variables.is_assigned(name) {
                continue;
            }
            report.add(
                script.node_range(p.name_node),
                format!(
                    "`{name}` is used but nothing assigns it: an ARG, ENV or assignment is missing"
                ),
            );
        }
    }
}

/// Whether an expansion is the operand of `-z` or `-n` in a test, given its ancestors.
fn asks_if_set(up: &[tree_sitter::Node], script: &crate::shell::Script) -> bool {
    for parent in up {
        match parent.kind() {
            "string" | "concatenation" => {}
            "unary_expression" => {
                return parent
                    .child_by_field_name("operator")
                    .is_some_and(|o| matches!(script.node_text(o), "-z" | "-n"));
            }
            _ => return false,
        }
    }
    false
}

pub static DECLARE_AND_ASSIGN: Rule = Rule {
    name: "declare-and-assign-separately",
    summary: "export or local hides the failure of a command substitution",
    docs: "\
Reports `export`, `local`, `declare`, `typeset` or `readonly` whose assignment runs a \
command substitution: `export v=\"$(cmd)\"`. The ShellCheck code is SC2155.

**Why:** the status of the line is the status of `export`, which succeeds, so a failing \
`cmd` goes unnoticed even under `set -e` or `&&`, and the RUN goes on with an empty value.

**Before**

```dockerfile
RUN export GNUPGHOME=\"$(mktemp -d)\" && gpg --batch --import key.asc
```

**After**

```dockerfile
RUN GNUPGHOME=\"$(mktemp -d)\" && export GNUPGHOME && gpg --batch --import key.asc
```

**Fix:** none: where the assignment and the export go depends on the commands around them.",
    severity: Severity::Warning,
    category: Category::Correctness,
    scope: Scope::InstructionInContext,
    hadolint: &["SC2155"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::None,
    check: check_declare_and_assign,
};

fn check_declare_and_assign(context: &Context, report: &mut Report) {
    for script in context.scripts() {
        for declaration in nodes_of(context, script, &["declaration_command"]) {
            let keyword = declaration
                .child(0)
                .map(|k| script.node_text(k))
                .unwrap_or_default();
            let mut cursor = declaration.walk();
            for assignment in declaration.named_children(&mut cursor) {
                if assignment.kind() != "variable_assignment" {
                    continue;
                }
                let Some(value) = assignment.child_by_field_name("value") else {
                    continue;
                };
                let substitutes = value.kind() == "command_substitution"
                    || value.kind() == "string" && has_substitution(value)
                    || value.kind() == "concatenation" && has_substitution(value);
                if !substitutes {
                    continue;
                }
                let name = assignment
                    .child_by_field_name("name")
                    .map(|n| script.node_text(n))
                    .unwrap_or_default();
                report.add(
                    script.node_range(assignment),
                    format!(
                        "`{keyword}` succeeds even when the command fails: assign `{name}` first, then `{keyword} {name}`"
                    ),
                );
            }
        }
    }
}

/// Whether a string or concatenation holds a command substitution at its own level.
fn has_substitution(node: tree_sitter::Node) -> bool {
    let mut cursor = node.walk();
    let children: Vec<tree_sitter::Node> = node.named_children(&mut cursor).collect();
    children.into_iter().any(|c| match c.kind() {
        "command_substitution" => true,
        "string" | "concatenation" => has_substitution(c),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::render;
    use expect_test::expect;

    #[test]
    fn unassigned() {
        expect![[r#"38..45 "verison": `verison` is used but nothing assigns it: an ARG, ENV or assignment is missing"#]]
        .assert_eq(&render(
            &UNASSIGNED,
            "FROM a\nARG version\nRUN echo $version $verison ${opt:-x} $HOME && read line && echo \"$line\"\n",
        ));
    }

    #[test]
    fn declare_and_assign() {
        expect![[r#"
            18..34 "G=\"$(mktemp -d)\"": `export` succeeds even when the command fails: assign `G` first, then `export G`
            59..66 "x=a$(b)": `local` succeeds even when the command fails: assign `x` first, then `local x`"#]]
        .assert_eq(&render(
            &DECLARE_AND_ASSIGN,
            "FROM a\nRUN export G=\"$(mktemp -d)\" && export H=$V && local x=a$(b)\n",
        ));
    }
}
