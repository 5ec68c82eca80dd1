//! An instruction other than ARG before the first FROM.

use crate::diagnostic::Severity;
use crate::rules::{Category, Context, Fixes, Report, Rule, Scope};

pub static RULE: Rule = Rule {
    name: "instruction-before-from",
    summary: "Instruction before the first FROM",
    docs: "\
Reports each instruction other than `ARG` that comes before the first `FROM` (parser \
directives and comments may come first too). Unknown instructions are left to \
`unknown-instruction`.

**Why:** before `FROM` there is no stage for an instruction to act on; BuildKit stops with \
`no build stage in current context`. Only `ARG` has a meaning there: it declares arguments \
that `FROM` lines can use.

**Before**

```dockerfile
ENV NODE_ENV=production
FROM node:22
```

**After**

```dockerfile
FROM node:22
ENV NODE_ENV=production
```

**Fix:** none; where the instruction belongs is yours to decide.",
    severity: Severity::Error,
    category: Category::Correctness,
    scope: Scope::File,
    hadolint: &["DL3061"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::None,
    check,
};

fn check(context: &Context, report: &mut Report) {
    // A file without any FROM is reported once, by `missing-from`.
    if context.model.stages.is_empty() {
        return;
    }
    for instruction in &context.model.instructions {
        if instruction.keyword == "FROM" {
            break;
        }
        if !instruction.known || instruction.keyword == "ARG" {
            continue;
        }
        report.add(
            instruction.keyword_range.clone(),
            format!(
                "`{}` before the first `FROM`; only `ARG` may come first",
                context.slice(instruction.keyword_range.clone())
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::rules::testing::render;

    #[test]
    fn reports_instructions_before_from() {
        expect![[r#"
            37..40 "env": `env` before the first `FROM`; only `ARG` may come first
            51..56 "LABEL": `LABEL` before the first `FROM`; only `ARG` may come first"#]]
        .assert_eq(&render(
            &RULE,
            "# syntax=docker/dockerfile:1\nARG A=1\nenv B=2\nRUM x\nLABEL a=b\nFROM a\nRUN x\n",
        ));
    }

    #[test]
    fn arg_and_comments_first_are_fine() {
        assert_eq!(
            render(
                &RULE,
                "# escape=`\n# comment\nARG BASE=alpine\nFROM $BASE\nRUN x\n"
            ),
            ""
        );
    }
}
