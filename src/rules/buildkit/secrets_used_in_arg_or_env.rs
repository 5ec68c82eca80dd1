//! ARG or ENV names that look like credentials.

use super::super::{Category, Context, Fixes, Report, Rule, Scope};
use crate::diagnostic::Severity;
use crate::model::DeclarationKind;

/// Words that mark a name as a secret when they are one of its `_`-separated parts.
const SECRET_WORDS: &[&str] = &[
    "apikey",
    "auth",
    "credential",
    "credentials",
    "key",
    "password",
    "pword",
    "passwd",
    "secret",
    "token",
];

pub static RULE: Rule = Rule {
    name: "secrets-used-in-arg-or-env",
    summary: "Secret passed through ARG or ENV",
    docs: "\
Reports an `ARG` or `ENV` whose name has a part (between `_`s, in any case) such as `token`, \
`password`, `passwd`, `pword`, `secret`, `key`, `apikey`, `auth`, `credential` or \
`credentials`, unless another part is `public`: `GITHUB_TOKEN`, `db_password`, `API_KEY`, \
but not `PUBLIC_KEY` or `KEYBOARD`. Global `ARG`s before the first `FROM` are checked too.

**Why:** `ENV` values are stored in the image configuration, and build arguments are recorded \
in the image history and build provenance; anyone who can pull the image can read them. \
Secret mounts give a `RUN` the value without keeping it anywhere.

**Before**

```dockerfile
FROM alpine:3.20
ARG GITHUB_TOKEN
RUN git clone https://$GITHUB_TOKEN@github.com/acme/app.git
```

**After**

```dockerfile
FROM alpine:3.20
RUN --mount=type=secret,id=github_token,env=GITHUB_TOKEN \\
    git clone https://$GITHUB_TOKEN@github.com/acme/app.git
```

Build with `docker build --secret id=github_token,env=GITHUB_TOKEN .`.

**Fix:** none; moving to a secret mount also changes how the build is started.",
    severity: Severity::Warning,
    category: Category::Security,
    scope: Scope::Instruction,
    hadolint: &["DL3064"],
    buildkit: Some("SecretsUsedInArgOrEnv"),
    off_by_default: false,
    fixes: Fixes::None,
    check,
};

fn check(context: &Context, report: &mut Report) {
    for declaration in context
        .model
        .declarations
        .iter()
        .filter(|d| context.checks_instruction(d.instruction))
    {
        let name = &declaration.name;
        if !looks_secret(name) {
            continue;
        }
        let keyword = match declaration.kind {
            DeclarationKind::Arg => "ARG",
            DeclarationKind::Env => "ENV",
        };
        report.add(
            declaration.name_range.clone(),
            format!("`{name}` looks like a secret; `{keyword}` values are kept in the image and its history"),
        );
    }
}

fn looks_secret(name: &str) -> bool {
    let parts = || name.split('_');
    parts().any(|p| SECRET_WORDS.iter().any(|w| w.eq_ignore_ascii_case(p)))
        && !parts().any(|p| p.eq_ignore_ascii_case("public"))
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::rules::testing::render;

    #[test]
    fn reports_secret_names() {
        expect![[r#"
            4..16 "GITHUB_TOKEN": `GITHUB_TOKEN` looks like a secret; `ARG` values are kept in the image and its history
            28..39 "db_password": `db_password` looks like a secret; `ENV` values are kept in the image and its history
            42..49 "API_KEY": `API_KEY` looks like a secret; `ENV` values are kept in the image and its history
            56..60 "auth": `auth` looks like a secret; `ARG` values are kept in the image and its history"#]].assert_eq(&render(
            &RULE,
            "ARG GITHUB_TOKEN\nFROM a\nENV db_password=x API_KEY=y\nARG auth\n",
        ));
    }

    #[test]
    fn other_names_are_fine() {
        assert_eq!(
            render(
                &RULE,
                "FROM a\nARG PUBLIC_KEY\nENV KEYBOARD=us TOKENIZER=x MONKEY=1 SECRETARY=2\n"
            ),
            ""
        );
    }
}
