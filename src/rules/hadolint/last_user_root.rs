//! The last USER of a stage switches to root, so its containers run as root.

use super::util::arguments_text;
use crate::diagnostic::Severity;
use crate::rules::{Category, Context, Fixes, Report, Rule, Scope};

pub static RULE: Rule = Rule {
    name: "last-user-root",
    summary: "Last USER of a stage is root",
    docs: "\
Reports the last `USER` instruction of a stage when it names the root user: `root` or user id \
`0`, with or without a group (`root:root`, `0:0`). Every stage is checked, as hadolint does.

**Why:** a container starts as the last user its image set. Running as root gives a process \
that escapes the application (or the container) the most power; switching to root for an \
installation step is fine, but the stage should switch back to an unprivileged user afterwards.

**Before**

```dockerfile
FROM alpine:3.20
USER root
RUN apk add --no-cache curl
```

**After**

```dockerfile
FROM alpine:3.20
USER root
RUN apk add --no-cache curl
USER nobody
```

**Fix:** none; which user the stage should run as is yours to choose.",
    severity: Severity::Warning,
    category: Category::Security,
    scope: Scope::Stage,
    hadolint: &["DL3002"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::None,
    check,
};

fn check(context: &Context, report: &mut Report) {
    for stage in context.stages() {
        let last_user = context
            .model
            .instructions
            .get(stage.instructions.clone())
            .unwrap_or_default()
            .iter()
            .rev()
            .find(|i| i.keyword == "USER");
        let Some((range, user)) = last_user.and_then(|i| arguments_text(context, i)) else {
            continue;
        };
        if is_root(user) {
            report.add(
                range,
                format!("the last USER of this stage is `{user}`, so it runs as root"),
            );
        }
    }
}

/// Whether a USER value names root, as hadolint tells: `root` or `0`, alone or before a group.
fn is_root(user: &str) -> bool {
    user == "root" || user == "0" || user.starts_with("root:") || user.starts_with("0:")
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::rules::testing::render;

    #[test]
    fn reports_root_as_the_last_user_of_each_stage() {
        expect![[r#"
            25..29 "root": the last USER of this stage is `root`, so it runs as root
            51..54 "0:0": the last USER of this stage is `0:0`, so it runs as root
            73..82 "root:root": the last USER of this stage is `root:root`, so it runs as root
            101..102 "0": the last USER of this stage is `0`, so it runs as root"#]]
        .assert_eq(&render(
            &RULE,
            "FROM debian AS base\nUSER root\nRUN x\nFROM base\nUSER 0:0\n\
             FROM scratch\nUSER root:root\nFROM scratch\nUSER 0\n",
        ));
    }

    #[test]
    fn switching_back_or_other_users_are_fine() {
        assert_eq!(
            render(
                &RULE,
                "FROM debian AS base\nUSER root\nRUN x\nUSER app\nFROM base\nRUN y\n\
                 FROM scratch\nUSER rooty\nUSER 1000:0\nONBUILD USER root\n",
            ),
            ""
        );
        assert_eq!(render(&RULE, "USER root\nFROM a\n"), "");
    }
}
