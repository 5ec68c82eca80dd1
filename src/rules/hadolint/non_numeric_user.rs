//! USER names a user instead of a numeric id.

use crate::diagnostic::Severity;
use crate::rules::{Category, Context, Fixes, Report, Rule, Scope};

pub static RULE: Rule = Rule {
    name: "non-numeric-user",
    summary: "USER names a user instead of a numeric id",
    docs: "\
Reports a `USER` whose user part (before any `:group`) is a name rather than a number. \
Values with variables are not checked.

**Why:** a name is resolved through the image's `/etc/passwd` when the container starts; \
tools outside the container cannot resolve it. Kubernetes, for one, can enforce \
`runAsNonRoot` only for a numeric user and refuses to start a pod whose image names its user. \
A numeric id (created in the image with that id) works everywhere.

**Before**

```dockerfile
RUN adduser -D -u 10001 app
USER app
```

**After**

```dockerfile
RUN adduser -D -u 10001 app
USER 10001
```

**Fix:** none; the id the name stands for is in the image, not in the Dockerfile.",
    severity: Severity::Information,
    category: Category::Security,
    scope: Scope::Instruction,
    hadolint: &["DL3066"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::None,
    check,
};

fn check(context: &Context, report: &mut Report) {
    for (_, instruction) in context.instructions() {
        if instruction.keyword != "USER" {
            continue;
        }
        let Some(first) = instruction.arguments.first() else {
            continue;
        };
        let written = context.slice(first.clone());
        let user = written.split(':').next().unwrap_or_default();
        if user.is_empty() || user.contains('$') || user.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        report.add(
            first.start..first.start + user.len(),
            format!("`{user}` is a name; a numeric user id can be checked outside the image"),
        );
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::rules::testing::render;

    #[test]
    fn reports_user_names() {
        expect![[r#"
            12..15 "app": `app` is a name; a numeric user id can be checked outside the image
            21..25 "root": `root` is a name; a numeric user id can be checked outside the image
            36..44 "www-data": `www-data` is a name; a numeric user id can be checked outside the image"#]].assert_eq(&render(
            &RULE,
            "FROM a\nUSER app\nUSER root:root\nUSER www-data:1000\n",
        ));
    }

    #[test]
    fn numeric_ids_and_variables_are_fine() {
        assert_eq!(
            render(
                &RULE,
                "FROM a\nUSER 1000\nUSER 1000:app\nUSER $UID\nUSER ${U:-1}:0\n"
            ),
            ""
        );
    }
}
