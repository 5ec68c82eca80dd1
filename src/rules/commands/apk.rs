//! apk (Alpine): pinned packages and `--no-cache`.

use super::{after, cache_mount, commands, has_option, operands, subcommand};
use crate::diagnostic::Severity;
use crate::rules::{Category, Context, Fixes, Report, Rule, Scope};

pub static UNPINNED: Rule = Rule {
    name: "apk-unpinned",
    summary: "Package added with apk without a version",
    docs: "\
Reports each package of `apk add` given without a version constraint (`curl` rather than \
`curl=8.5.0-r0` or `curl~8.5`). Local `.apk` files count as pinned, and the name given to \
`--virtual`/`-t` is not a package.

**Why:** the build installs whatever the repository has that day; two builds of one commit \
can differ.

**Before**

```dockerfile
RUN apk add --no-cache curl
```

**After**

```dockerfile
RUN apk add --no-cache curl=8.5.0-r0
```

**Fix:** none: only you know the version you tested.",
    severity: Severity::Warning,
    category: Category::Reproducibility,
    scope: Scope::InstructionInContext,
    hadolint: &["DL3018"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::None,
    check: check_unpinned,
};

fn check_unpinned(context: &Context, report: &mut Report) {
    for found in commands(context, &["apk"]) {
        let args = found.command.arguments();
        let Some(add) = subcommand(args, &["add"]) else {
            continue;
        };
        let packages = operands(
            after(args, add),
            &['t', 'X', 'p'],
            &[
                "virtual",
                "repository",
                "root",
                "repositories-file",
                "keys-dir",
                "cache-dir",
                "arch",
            ],
        );
        for package in packages {
            let text = package.text.as_str();
            if text.contains(['=', '~']) || text.ends_with(".apk") {
                continue;
            }
            report.add(
                found.range(package),
                format!("`{text}` has no version: pin it with `{text}=<version>`"),
            );
        }
    }
}

pub static CACHE: Rule = Rule {
    name: "apk-add-without-no-cache",
    summary: "apk add without --no-cache",
    docs: "\
Reports `apk add` without `--no-cache`, unless the RUN mounts a cache over `/var/cache/apk` \
or `/etc/apk/cache`.

**Why:** without it apk keeps the package index in the layer (after an `apk update`) and may \
keep downloaded packages; `--no-cache` fetches a fresh index and leaves nothing behind, so no \
`apk update` and no `rm -rf /var/cache/apk/*` are needed.

**Before**

```dockerfile
RUN apk update && apk add curl
```

**After**

```dockerfile
RUN apk add --no-cache curl
```

**Fix:** adds `--no-cache` after `add`. Safe: the same packages are installed, from an \
index fetched for the purpose.",
    severity: Severity::Information,
    category: Category::Efficiency,
    scope: Scope::InstructionInContext,
    hadolint: &["DL3019"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::Safe,
    check: check_cache,
};

fn check_cache(context: &Context, report: &mut Report) {
    for found in commands(context, &["apk"]) {
        let args = found.command.arguments();
        let Some(add) = subcommand(args, &["add"]) else {
            continue;
        };
        if has_option(args, &[], &["no-cache"])
            || cache_mount(found.run, &["/var/cache/apk", "/etc/apk/cache"])
        {
            continue;
        }
        report
            .add(
                found.range(add),
                "`apk add` keeps its cache: add `--no-cache`",
            )
            .with_fix(
                "Add `--no-cache`",
                vec![found.insert_after(add, " --no-cache")],
            );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{fixed, render};
    use expect_test::expect;

    #[test]
    fn unpinned_packages() {
        expect![[r#"47..51 "curl": `curl` has no version: pin it with `curl=<version>`"#]]
            .assert_eq(&render(
                &UNPINNED,
                "FROM a\nRUN apk add --no-cache -t .deps git=2.4 curl bash~5 ./x.apk\n",
            ));
        assert_eq!(render(&UNPINNED, "FROM a\nRUN apk del curl\n"), "");
    }

    #[test]
    fn add_without_no_cache() {
        expect![[r#"
            15..18 "add": `apk add` keeps its cache: add `--no-cache`"#]]
        .assert_eq(&render(
            &CACHE,
            "FROM a\nRUN apk add x && apk add --no-cache y\n",
        ));
        assert_eq!(
            render(
                &CACHE,
                "FROM a\nRUN --mount=type=cache,target=/var/cache/apk apk add x\n"
            ),
            ""
        );
        assert_eq!(
            fixed(&CACHE, "FROM a\nRUN apk add x\n"),
            "FROM a\nRUN apk add --no-cache x\n"
        );
    }
}
