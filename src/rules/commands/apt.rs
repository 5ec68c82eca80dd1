//! apt-get: pinned packages, `-y`, `--no-install-recommends`, the lists removed in the same RUN,
//! and `apt` (the interactive front end) in scripts.

use super::{
    after, append_point, cache_mount, commands, has_option, operands, stage_is_shipped, subcommand,
};
use crate::diagnostic::{Edit, Severity};
use crate::rules::{Category, Context, Fixes, Report, Rule, Scope};

/// apt-get's options that take a value.
const SHORT_VALUES: &[char] = &['o', 't', 'c'];
const LONG_VALUES: &[&str] = &["option", "target-release", "default-release", "config-file"];

pub static UNPINNED: Rule = Rule {
    name: "apt-get-unpinned",
    summary: "Package installed with apt-get without a version",
    docs: "\
Reports each package of `apt-get install` given without a version (`curl` rather than \
`curl=7.88.1-10+deb12u5`). A package with a release (`curl/bookworm`) or a local `.deb` file \
counts as pinned, as in hadolint.

**Why:** the same Dockerfile installs whatever version the mirror has on the day of the \
build, so two builds of one commit can differ, and an upgrade arrives unannounced.

**Before**

```dockerfile
RUN apt-get update && apt-get install -y curl
```

**After**

```dockerfile
RUN apt-get update && apt-get install -y curl=7.88.1-10+deb12u5
```

**Fix:** none: the version to pin is the one you tested, which only you know. Many teams \
prefer pinning the base image by digest and leave this rule off.",
    severity: Severity::Warning,
    category: Category::Reproducibility,
    scope: Scope::InstructionInContext,
    hadolint: &["DL3008"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::None,
    check: check_unpinned,
};

fn check_unpinned(context: &Context, report: &mut Report) {
    for found in commands(context, &["apt-get"]) {
        let args = found.command.arguments();
        let Some(install) = subcommand(args, &["install"]) else {
            continue;
        };
        for package in operands(after(args, install), SHORT_VALUES, LONG_VALUES) {
            let text = package.text.as_str();
            if text.contains('=') || text.contains('/') || text.ends_with(".deb") {
                continue;
            }
            report.add(
                found.range(package),
                format!("`{text}` has no version: pin it with `{text}=<version>`"),
            );
        }
    }
}

pub static LISTS_KEPT: Rule = Rule {
    name: "apt-lists-not-removed",
    summary: "apt-get lists left in the image",
    docs: "\
Reports a RUN that runs `apt-get update` without removing `/var/lib/apt/lists/*` afterwards, \
in a stage that ends up in an image (the last stage, or one another stage is built `FROM`). \
`apt-get dist-clean` also counts as the cleanup (hadolint does not know it: reason \
`apt-get-dist-clean` in the corpus comparison with hadolint), and so does a \
cache mount over `/var/lib/apt` (`RUN --mount=type=cache,target=/var/lib/apt ...`), which keeps \
the lists out of the layer in the first place.

**Why:** the package lists weigh tens of megabytes and are useless once the packages are in; \
removing them in a later RUN does not shrink the image, since the earlier layer still holds \
them.

**Before**

```dockerfile
RUN apt-get update && apt-get install -y curl
```

**After**

```dockerfile
RUN apt-get update && apt-get install -y curl \\
    && rm -rf /var/lib/apt/lists/*
```

**Fix:** appends `&& rm -rf /var/lib/apt/lists/*` to the RUN. Offered as unsafe: a later RUN \
that installs without its own `apt-get update` would then fail.",
    severity: Severity::Information,
    category: Category::Efficiency,
    scope: Scope::File,
    hadolint: &["DL3009"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::Unsafe,
    check: check_lists,
};

fn check_lists(context: &Context, report: &mut Report) {
    for script in context.scripts() {
        let Some(run) = super::run_of(context, script) else {
            continue;
        };
        let update = script.commands.iter().find(|c| {
            c.program() == Some("apt-get") && subcommand(c.arguments(), &["update"]).is_some()
        });
        let Some(update) = update else {
            continue;
        };
        let cleaned = script.commands.iter().any(|c| match c.program() {
            Some("rm") => c
                .arguments()
                .iter()
                .any(|w| w.text.starts_with("/var/lib/apt/lists")),
            Some("apt-get") => subcommand(c.arguments(), &["dist-clean"]).is_some(),
            _ => false,
        });
        if cleaned
            || cache_mount(run, &["/var/lib/apt/lists"])
            || !stage_is_shipped(context, script.instruction)
        {
            continue;
        }
        let range = script.source_range(update.range.clone());
        let finding = report.add(
            range,
            "the apt lists stay in the image: remove /var/lib/apt/lists/* in this RUN",
        );
        if let Some(end) = append_point(script) {
            finding.with_unsafe_fix(
                "Remove the apt lists at the end of the RUN",
                vec![Edit {
                    range: end..end,
                    new_text: " \\\n    && rm -rf /var/lib/apt/lists/*".to_owned(),
                }],
            );
        }
    }
}

pub static NO_YES: Rule = Rule {
    name: "apt-get-without-yes",
    summary: "apt-get install without -y",
    docs: "\
Reports `apt-get install` without `-y` (`--yes`, `--assume-yes`, or `-qq`, which implies it).

**Why:** a build has no terminal to answer apt-get's question; without `-y` it stops at \
the first prompt and the RUN fails.

**Before**

```dockerfile
RUN apt-get install curl
```

**After**

```dockerfile
RUN apt-get install -y curl
```

**Fix:** adds `-y` after `install`. Safe: the only other outcome is a failed build.",
    severity: Severity::Warning,
    category: Category::Correctness,
    scope: Scope::InstructionInContext,
    hadolint: &["DL3014"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::Safe,
    check: check_yes,
};

fn check_yes(context: &Context, report: &mut Report) {
    for found in commands(context, &["apt-get"]) {
        let args = found.command.arguments();
        let Some(install) = subcommand(args, &["install"]) else {
            continue;
        };
        let quiet_twice = args.iter().any(|w| {
            w.text == "-q=2"
                || w.text == "--quiet=2"
                || (w.text.starts_with('-')
                    && !w.text.starts_with("--")
                    && w.text.matches('q').count() >= 2)
        });
        if quiet_twice || has_option(args, &['y'], &["yes", "assume-yes"]) {
            continue;
        }
        report
            .add(
                found.range(install),
                "`apt-get install` needs `-y` in a build",
            )
            .with_fix("Add `-y`", vec![found.insert_after(install, " -y")]);
    }
}

pub static RECOMMENDS: Rule = Rule {
    name: "apt-get-install-recommends",
    summary: "apt-get install without --no-install-recommends",
    docs: "\
Reports `apt-get install` without `--no-install-recommends` (or the equivalent \
`-o APT::Install-Recommends=false`).

**Why:** by default apt-get also installs every package the requested ones merely recommend, \
which often doubles the size of the layer with documentation, GUIs and tools the image never \
runs.

**Before**

```dockerfile
RUN apt-get install -y curl
```

**After**

```dockerfile
RUN apt-get install -y --no-install-recommends curl
```

**Fix:** adds `--no-install-recommends` after `install`. Offered as unsafe: a program may \
need one of the recommended packages, which then has to be named.",
    severity: Severity::Information,
    category: Category::Efficiency,
    scope: Scope::InstructionInContext,
    hadolint: &["DL3015"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::Unsafe,
    check: check_recommends,
};

fn check_recommends(context: &Context, report: &mut Report) {
    for found in commands(context, &["apt-get"]) {
        let args = found.command.arguments();
        let Some(install) = subcommand(args, &["install"]) else {
            continue;
        };
        let option = args.iter().any(|w| {
            let t = w.text.to_ascii_lowercase();
            t.contains("install-recommends=false")
                || t.contains("install-recommends=0")
                || t.contains("install-recommends=no")
        });
        if option || has_option(args, &[], &["no-install-recommends"]) {
            continue;
        }
        report
            .add(
                found.range(install),
                "`apt-get install` also installs recommended packages: add `--no-install-recommends`",
            )
            .with_unsafe_fix(
                "Add `--no-install-recommends`",
                vec![found.insert_after(install, " --no-install-recommends")],
            );
    }
}

pub static APT: Rule = Rule {
    name: "apt-instead-of-apt-get",
    summary: "apt used in a script",
    docs: "\
Reports `apt` in a RUN. `apt` is the interactive front end: its output and behaviour may \
change between releases and it warns that it has no stable command-line interface. Scripts \
use `apt-get` and `apt-cache`.

**Before**

```dockerfile
RUN apt update && apt install -y curl
```

**After**

```dockerfile
RUN apt-get update && apt-get install -y curl
```

**Fix:** replaces `apt` with `apt-get` for the subcommands both do the same way (`update`, \
`install`, `remove`, `purge`, `autoremove`, `clean`, `autoclean`). `apt upgrade` installs new \
dependencies where `apt-get upgrade` does not, and `apt search`/`show`/`list` have no \
`apt-get` counterpart, so those get no fix.",
    severity: Severity::Warning,
    category: Category::Style,
    scope: Scope::InstructionInContext,
    hadolint: &["DL3027"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::Safe,
    check: check_apt,
};

fn check_apt(context: &Context, report: &mut Report) {
    for found in commands(context, &["apt"]) {
        let Some(index) = found.command.program_index() else {
            continue;
        };
        let program = &found.command.words[index];
        let finding = report.add(
            found.range(program),
            "`apt` is meant for people; use `apt-get` in scripts",
        );
        let same = subcommand(
            found.command.arguments(),
            &[
                "update",
                "install",
                "remove",
                "purge",
                "autoremove",
                "clean",
                "autoclean",
            ],
        );
        if same.is_some() && program.text == "apt" && program.literal {
            finding.with_fix("Use `apt-get`", vec![found.insert_after(program, "-get")]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{fixed, render};
    use expect_test::expect;

    #[test]
    fn unpinned_packages() {
        expect![[r#"
            48..52 "curl": `curl` has no version: pin it with `curl=<version>`
            80..82 "jq": `jq` has no version: pin it with `jq=<version>`"#]]
        .assert_eq(&render(
            &UNPINNED,
            "FROM a\nRUN apt-get update && apt-get install -y curl git=1:2.39 \\\n  -t bookworm jq ./x.deb vim/bookworm\n",
        ));
        assert_eq!(
            render(
                &UNPINNED,
                "FROM a\nRUN apt-get update; apt-cache show curl\n"
            ),
            ""
        );
    }

    #[test]
    fn lists_left_behind() {
        expect![[r#"
            11..25 "apt-get update": the apt lists stay in the image: remove /var/lib/apt/lists/* in this RUN"#]]
        .assert_eq(&render(&LISTS_KEPT, "FROM a\nRUN apt-get update && apt-get install -y x\n"));
        assert_eq!(
            fixed(&LISTS_KEPT, "FROM a\nRUN apt-get update && apt-get install -y x\n"),
            "FROM a\nRUN apt-get update && apt-get install -y x \\\n    && rm -rf /var/lib/apt/lists/*\n"
        );
        for clean in [
            "FROM a\nRUN apt-get update && apt-get install -y x && rm -rf /var/lib/apt/lists/*\n",
            "FROM a\nRUN apt-get update && apt-get install -y x && apt-get dist-clean\n",
            "FROM a\nRUN --mount=type=cache,target=/var/lib/apt apt-get update && apt-get install -y x\n",
            "FROM a AS build\nRUN apt-get update && apt-get install -y x\nFROM b\nCOPY --from=build / /\n",
        ] {
            assert_eq!(render(&LISTS_KEPT, clean), "", "{clean}");
        }
    }

    #[test]
    fn install_without_yes() {
        expect![[r#"
            19..26 "install": `apt-get install` needs `-y` in a build"#]]
        .assert_eq(&render(&NO_YES, "FROM a\nRUN apt-get install x && apt-get -qq install y && apt-get install --yes z && apt-get -qy install w\n"));
        assert_eq!(
            fixed(&NO_YES, "FROM a\nRUN apt-get install x\n"),
            "FROM a\nRUN apt-get install -y x\n"
        );
    }

    #[test]
    fn install_with_recommends() {
        expect![[r#"
            22..29 "install": `apt-get install` also installs recommended packages: add `--no-install-recommends`"#]]
        .assert_eq(&render(&RECOMMENDS, "FROM a\nRUN apt-get -y install x && apt-get install -y --no-install-recommends y && apt-get -o APT::Install-Recommends=false install z\n"));
        assert_eq!(
            fixed(&RECOMMENDS, "FROM a\nRUN apt-get install -y x\n"),
            "FROM a\nRUN apt-get install --no-install-recommends -y x\n"
        );
    }

    #[test]
    fn apt_in_scripts() {
        expect![[r#"
            11..14 "apt": `apt` is meant for people; use `apt-get` in scripts
            25..28 "apt": `apt` is meant for people; use `apt-get` in scripts"#]]
        .assert_eq(&render(
            &APT,
            "FROM a\nRUN apt update && apt search x && apt-get install y\n",
        ));
        assert_eq!(
            fixed(&APT, "FROM a\nRUN apt install -y x\n"),
            "FROM a\nRUN apt-get install -y x\n"
        );
    }
}
