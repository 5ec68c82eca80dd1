//! Shell syntax errors in RUN, from tree-sitter-bash's error and missing nodes.

use tree_sitter::Node;

use crate::diagnostic::Severity;
use crate::rules::{Category, Context, Fixes, Report, Rule, Scope};
use crate::shell::Origin;

pub static RULE: Rule = Rule {
    name: "shell-syntax-error",
    summary: "Shell syntax error in RUN",
    docs: "\
Reports the characters of a RUN's shell script that do not parse as shell: an unclosed \
quote or parenthesis, a `then` without `fi`, a stray `;;`. Each error is reported once, on \
the characters at fault, and the rest of the file is still checked. A RUN with several \
heredocs on one line, or a heredoc before the command (`RUN <<EOF bash`), is not checked, \
since the parser does not read those forms; nor is a file with the backtick escape, written \
for Windows, whose RUNs are mostly cmd or PowerShell.

**Why:** the build reaches the RUN, starts the shell and fails there, often after minutes \
of earlier steps.

**Before**

```dockerfile
RUN if [ -f x ]; then echo yes
```

**After**

```dockerfile
RUN if [ -f x ]; then echo yes; fi
```

**Fix:** none: what was meant is yours to say.",
    severity: Severity::Warning,
    category: Category::Correctness,
    scope: Scope::InstructionInContext,
    hadolint: &[],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::None,
    check,
};

fn check(context: &Context, report: &mut Report) {
    for script in context.scripts() {
        let root = script.tree.root_node();
        // The parser reads one heredoc per line, and none before the command name
        // (`RUN <<EOF bash`); a file with the backtick escape is written for Windows, whose
        // RUNs are cmd or PowerShell far more often than sh.
        let unreadable = script.origin == Origin::HeredocCommand
            && (script.heredocs > 1 || script.text.starts_with("<<"));
        if !root.has_error() || unreadable || context.model.escape == '`' {
            continue;
        }
        let mut errors = Vec::new();
        collect(root, &mut errors);
        for node in errors {
            let range = script.node_range(node);
            if node.is_missing() {
                let missing = node.kind();
                report.add(
                    range,
                    format!("shell syntax error: `{missing}` expected here"),
                );
            } else {
                let text = script.node_text(node).trim();
                let shown: String = text.chars().take(20).collect();
                report.add(range, format!("shell syntax error at `{shown}`"));
            }
        }
    }
}

/// The outermost error nodes and every missing node, in order.
fn collect<'t>(node: Node<'t>, errors: &mut Vec<Node<'t>>) {
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        if node.is_error() || node.is_missing() {
            errors.push(node);
            continue;
        }
        if !node.has_error() {
            continue;
        }
        let mut cursor = node.walk();
        let children: Vec<Node> = node.children(&mut cursor).collect();
        stack.extend(children.into_iter().rev());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::render;

    #[test]
    fn reports_each_error_once() {
        let found = render(
            &RULE,
            "FROM a\nRUN if [ -f x ]; then echo yes\nRUN echo ok\n",
        );
        assert_eq!(found.lines().count(), 1, "{found}");
        assert!(found.contains("shell syntax error"), "{found}");
        assert_eq!(
            render(
                &RULE,
                "FROM a\nRUN if [ -f x ]; then echo yes; fi && case a in b) c;; esac\n"
            ),
            ""
        );
        assert_eq!(
            render(&RULE, "FROM a\nRUN <<A cat >a <<B\nx\nA\ny\nB\n"),
            ""
        );
    }
}
