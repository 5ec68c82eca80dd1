//! Language package managers: pip, npm, gem, yarn, go.

use super::{after, append_point, cache_mount, commands, has_option, operands, subcommand, Found};
use crate::diagnostic::{Edit, Severity};
use crate::rules::{Category, Context, Fixes, Report, Rule, Scope};
use crate::shell::Word;

/// The arguments of pip in `pip install ...`, `pip3 ...` or `python -m pip ...`.
fn pip_arguments<'c>(found: &Found<'c>) -> Option<&'c [Word]> {
    let program = found.command.program()?;
    let args = found.command.arguments();
    if program.starts_with("pip") {
        return Some(args);
    }
    if program.starts_with("python") {
        let m = args.iter().position(|w| w.text == "-m")?;
        if args.get(m + 1)?.text == "pip" {
            return Some(&args[m + 2..]);
        }
    }
    None
}

fn pip_installs<'c>(context: &'c Context) -> Vec<Found<'c>> {
    super::commands_matching(context, |p| p.starts_with("pip") || p.starts_with("python"))
        .into_iter()
        .filter(|f| pip_arguments(f).is_some_and(|args| subcommand(args, &["install"]).is_some()))
        .collect()
}

pub static PIP_UNPINNED: Rule = Rule {
    name: "pip-unpinned",
    summary: "Package installed with pip without a version",
    docs: "\
Reports each package of `pip install` given without a version specifier (`requests` rather \
than `requests==2.32.3`). Requirements and constraints files (`-r`, `-c`), the current \
directory, paths, wheels and archives, and VCS URLs with a `@` revision are not reported.

**Why:** the build installs the newest release of the day; two builds of one commit can \
differ, and a new major version can break the image.

**Before**

```dockerfile
RUN pip install requests
```

**After**

```dockerfile
RUN pip install requests==2.32.3
```

**Fix:** none: only you know the version you tested.",
    severity: Severity::Warning,
    category: Category::Reproducibility,
    scope: Scope::InstructionInContext,
    hadolint: &["DL3013"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::None,
    check: check_pip_unpinned,
};

fn check_pip_unpinned(context: &Context, report: &mut Report) {
    const LONG_VALUES: &[&str] = &[
        "abi",
        "build",
        "editable",
        "extra-index-url",
        "find-links",
        "index-url",
        "implementation",
        "no-binary",
        "only-binary",
        "platform",
        "prefix",
        "progress-bar",
        "proxy",
        "python-version",
        "root",
        "src",
        "target",
        "trusted-host",
        "upgrade-strategy",
        "requirement",
        "constraint",
    ];
    for found in pip_installs(context) {
        let Some(args) = pip_arguments(&found) else {
            continue;
        };
        let Some(install) = subcommand(args, &["install"]) else {
            continue;
        };
        let rest = after(args, install);
        if has_option(rest, &['r', 'c'], &["requirement", "constraint"])
            || rest.iter().any(|w| w.text == ".")
        {
            continue;
        }
        for package in operands(rest, &['b', 'e', 'f', 'i', 't'], LONG_VALUES) {
            let text = package.text.as_str();
            let vcs = ["git+", "hg+", "svn+", "bzr+", "git:"]
                .iter()
                .any(|s| text.starts_with(s));
            let pinned = ["==", ">=", "<=", ">", "<", "!=", "~=", "==="]
                .iter()
                .any(|s| text.contains(s))
                || (vcs && text.contains('@'))
                || (!vcs && text.contains('/'))
                || text.ends_with(".whl")
                || text.ends_with(".tar.gz");
            if !pinned {
                report.add(
                    found.range(package),
                    format!("`{text}` has no version: pin it with `{text}==<version>`"),
                );
            }
        }
    }
}

pub static PIP_CACHE: Rule = Rule {
    name: "pip-install-without-no-cache-dir",
    summary: "pip install without --no-cache-dir",
    docs: "\
Reports `pip install` without `--no-cache-dir`, unless `PIP_NO_CACHE_DIR` is set with ENV or \
ARG, or the RUN mounts a cache over pip's cache directory \
(`RUN --mount=type=cache,target=/root/.cache/pip ...`).

**Why:** pip keeps every downloaded wheel in `~/.cache/pip`, which then stays in the layer \
and makes the image larger for nothing.

**Before**

```dockerfile
RUN pip install requests==2.32.3
```

**After**

```dockerfile
RUN pip install --no-cache-dir requests==2.32.3
```

**Fix:** adds `--no-cache-dir` after `install`. Safe: the same packages are installed.",
    severity: Severity::Information,
    category: Category::Efficiency,
    scope: Scope::InstructionInContext,
    hadolint: &["DL3042"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::Safe,
    check: check_pip_cache,
};

fn check_pip_cache(context: &Context, report: &mut Report) {
    for found in pip_installs(context) {
        let start = context.model.instructions[found.index].range.start;
        let declared = context
            .model
            .visible_declarations(start)
            .into_iter()
            .any(|d| context.model.declarations[d].name == "PIP_NO_CACHE_DIR");
        if declared {
            continue;
        }
        let Some(args) = pip_arguments(&found) else {
            continue;
        };
        let Some(install) = subcommand(args, &["install"]) else {
            continue;
        };
        if has_option(args, &[], &["no-cache-dir"])
            || cache_mount(found.run, &["/root/.cache/pip", "/root/.cache"])
            || found.run.flags.iter().any(|f| {
                f.name == "mount"
                    && f.value
                        .as_deref()
                        .is_some_and(|v| v.contains("type=cache") && v.contains("pip"))
            })
        {
            continue;
        }
        report
            .add(
                found.range(install),
                "`pip install` keeps its cache: add `--no-cache-dir`",
            )
            .with_fix(
                "Add `--no-cache-dir`",
                vec![found.insert_after(install, " --no-cache-dir")],
            );
    }
}

pub static NPM_UNPINNED: Rule = Rule {
    name: "npm-unpinned",
    summary: "Package installed with npm without a version",
    docs: "\
Reports each package of `npm install` (`npm i`, `npm add`) given without a version \
(`typescript` rather than `typescript@5.6.3`). `npm install` with no package (the project's \
lock file), paths, tarballs and git or URL sources are not reported.

**Why:** the build installs the newest release of the day; two builds of one commit can \
differ.

**Before**

```dockerfile
RUN npm install -g typescript
```

**After**

```dockerfile
RUN npm install -g typescript@5.6.3
```

**Fix:** none: only you know the version you tested.",
    severity: Severity::Warning,
    category: Category::Reproducibility,
    scope: Scope::InstructionInContext,
    hadolint: &["DL3016"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::None,
    check: check_npm,
};

fn check_npm(context: &Context, report: &mut Report) {
    for found in commands(context, &["npm"]) {
        let args = found.command.arguments();
        let Some(install) = subcommand(args, &["install", "i", "add"]) else {
            continue;
        };
        let packages = operands(
            after(args, install),
            &['w'],
            &[
                "prefix",
                "registry",
                "workspace",
                "tag",
                "cache",
                "omit",
                "include",
            ],
        );
        for package in packages {
            let text = package.text.as_str();
            let name = text.strip_prefix('@').unwrap_or(text);
            let source = text.starts_with(['.', '/', '~'])
                || text.contains("://")
                || text.contains(':')
                || text.ends_with(".tgz")
                || text.ends_with(".tar.gz");
            if name.contains('@') || source {
                continue;
            }
            report.add(
                found.range(package),
                format!("`{text}` has no version: pin it with `{text}@<version>`"),
            );
        }
    }
}

pub static GEM_UNPINNED: Rule = Rule {
    name: "gem-unpinned",
    summary: "Gem installed without a version",
    docs: "\
Reports each gem of `gem install` given without a version (`rails` rather than `rails:7.2.1`), \
unless the command has `-v`/`--version`.

**Why:** the build installs the newest release of the day; two builds of one commit can \
differ.

**Before**

```dockerfile
RUN gem install bundler
```

**After**

```dockerfile
RUN gem install bundler:2.5.22
```

**Fix:** none: only you know the version you tested.",
    severity: Severity::Warning,
    category: Category::Reproducibility,
    scope: Scope::InstructionInContext,
    hadolint: &["DL3028"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::None,
    check: check_gem,
};

fn check_gem(context: &Context, report: &mut Report) {
    for found in commands(context, &["gem"]) {
        let args = found.command.arguments();
        let Some(install) = subcommand(args, &["install", "i"]) else {
            continue;
        };
        if has_option(args, &['v'], &["version"]) {
            continue;
        }
        let packages = operands(
            after(args, install),
            &['i', 'n', 's', 'P', 'g'],
            &[
                "install-dir",
                "bindir",
                "source",
                "trust-policy",
                "platform",
                "file",
            ],
        );
        for package in packages {
            let text = package.text.as_str();
            if text.contains(':') || text.ends_with(".gem") {
                continue;
            }
            report.add(
                found.range(package),
                format!("`{text}` has no version: pin it with `{text}:<version>`"),
            );
        }
    }
}

pub static YARN_CACHE: Rule = Rule {
    name: "yarn-cache-not-cleaned",
    summary: "yarn install without yarn cache clean",
    docs: "\
Reports `yarn install` in a RUN that does not also run `yarn cache clean`, unless the RUN \
mounts a cache for yarn (`RUN --mount=type=cache,target=/usr/local/share/.cache/yarn ...`). \
Only in a stage whose files end up in an image: the last stage, or one another stage is \
built `FROM`; a builder stage whose results are copied out with `COPY --from` leaves its \
cache behind, as hadolint also judges.

**Why:** yarn keeps a copy of every package in its cache, which then stays in the layer.

**Before**

```dockerfile
RUN yarn install --frozen-lockfile
```

**After**

```dockerfile
RUN yarn install --frozen-lockfile \\
    && yarn cache clean
```

**Fix:** appends `&& yarn cache clean` to the RUN. Offered as unsafe: a later RUN that \
installs offline from the cache would fail.",
    severity: Severity::Information,
    category: Category::Efficiency,
    scope: Scope::InstructionInContext,
    hadolint: &["DL3060"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::Unsafe,
    check: check_yarn,
};

fn check_yarn(context: &Context, report: &mut Report) {
    for script in context.scripts() {
        let Some(run) = super::run_of(context, script) else {
            continue;
        };
        let yarn = |c: &&crate::shell::SimpleCommand| c.program() == Some("yarn");
        let install = script
            .commands
            .iter()
            .filter(yarn)
            .find_map(|c| subcommand(c.arguments(), &["install"]));
        let Some(install) = install else {
            continue;
        };
        let cleaned = script.commands.iter().filter(yarn).any(|c| {
            let args = c.arguments();
            subcommand(args, &["cache"]).is_some() && args.iter().any(|w| w.text == "clean")
        });
        let mounted = run.flags.iter().any(|f| {
            f.name == "mount"
                && f.value
                    .as_deref()
                    .is_some_and(|v| v.contains("type=cache") && v.contains("yarn"))
        });
        if cleaned || mounted || !super::stage_is_shipped(context, script.instruction) {
            continue;
        }
        let finding = report.add(
            script.source_range(install.range.clone()),
            "yarn's cache stays in the image: run `yarn cache clean` in this RUN",
        );
        if let Some(end) = append_point(script) {
            finding.with_unsafe_fix(
                "Clean yarn's cache at the end of the RUN",
                vec![Edit {
                    range: end..end,
                    new_text: " \\\n    && yarn cache clean".to_owned(),
                }],
            );
        }
    }
}

pub static GO_UNPINNED: Rule = Rule {
    name: "go-install-unpinned",
    summary: "go install without a version",
    docs: "\
Reports each package of `go install`, `go get` or `go run` given without an `@version` \
(`golang.org/x/tools/gopls` rather than `golang.org/x/tools/gopls@v0.16.2`). Local packages \
(`.`, `./cmd/x`) belong to the module being built and are not reported.

**Why:** without a version Go resolves the newest one on the day of the build.

**Before**

```dockerfile
RUN go install golang.org/x/tools/gopls
```

**After**

```dockerfile
RUN go install golang.org/x/tools/gopls@v0.16.2
```

**Fix:** none: only you know the version you tested.",
    severity: Severity::Warning,
    category: Category::Reproducibility,
    scope: Scope::InstructionInContext,
    hadolint: &["DL3062"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::None,
    check: check_go,
};

fn check_go(context: &Context, report: &mut Report) {
    for found in commands(context, &["go"]) {
        let args = found.command.arguments();
        let Some(verb) = subcommand(args, &["install", "get", "run"]) else {
            continue;
        };
        let packages = operands(
            after(args, verb),
            &['o', 'C'],
            &["ldflags", "tags", "gcflags", "mod", "modfile"],
        );
        for package in packages {
            let text = package.text.as_str();
            if text.contains('@')
                || text.starts_with(['.', '/', '$'])
                || !text.contains('.')
                || text.ends_with(".go")
                || text.contains('=')
            {
                continue;
            }
            report.add(
                found.range(package),
                format!("`{text}` has no version: use `{text}@<version>`"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{fixed, render};
    use expect_test::expect;

    #[test]
    fn pip_packages_without_versions() {
        expect![[r#"
            23..31 "requests": `requests` has no version: pin it with `requests==<version>`
            90..95 "flask": `flask` has no version: pin it with `flask==<version>`"#]]
        .assert_eq(&render(
            &PIP_UNPINNED,
            "FROM a\nRUN pip install requests numpy==2.1 'six>=1' ./pkg x.whl && python3 -m pip install flask\n",
        ));
        assert_eq!(
            render(&PIP_UNPINNED, "FROM a\nRUN pip install -r requirements.txt x && pip install . && pip install git+https://h/r@v1\n"),
            ""
        );
    }

    #[test]
    fn pip_cache() {
        expect![[r#"
            15..22 "install": `pip install` keeps its cache: add `--no-cache-dir`"#]]
        .assert_eq(&render(
            &PIP_CACHE,
            "FROM a\nRUN pip install x && pip install --no-cache-dir y\n",
        ));
        assert_eq!(
            render(
                &PIP_CACHE,
                "FROM a\nENV PIP_NO_CACHE_DIR=1\nRUN pip install x\n"
            ),
            ""
        );
        assert_eq!(
            render(
                &PIP_CACHE,
                "FROM a\nRUN --mount=type=cache,target=/root/.cache/pip pip install x\n"
            ),
            ""
        );
        assert_eq!(
            fixed(&PIP_CACHE, "FROM a\nRUN pip3 install x\n"),
            "FROM a\nRUN pip3 install --no-cache-dir x\n"
        );
    }

    #[test]
    fn npm_packages_without_versions() {
        expect![[r#"
            26..36 "typescript": `typescript` has no version: pin it with `typescript@<version>`
            46..56 "@scope/pkg": `@scope/pkg` has no version: pin it with `@scope/pkg@<version>`"#]]
        .assert_eq(&render(
            &NPM_UNPINNED,
            "FROM a\nRUN npm install -g typescript eslint@9 @scope/pkg @scope/x@1 ./local git+https://h/r\n",
        ));
        assert_eq!(
            render(&NPM_UNPINNED, "FROM a\nRUN npm install && npm ci\n"),
            ""
        );
    }

    #[test]
    fn gems_without_versions() {
        expect![[r#"
            23..30 "bundler": `bundler` has no version: pin it with `bundler:<version>`"#]]
        .assert_eq(&render(
            &GEM_UNPINNED,
            "FROM a\nRUN gem install bundler rails:7\n",
        ));
        assert_eq!(
            render(&GEM_UNPINNED, "FROM a\nRUN gem install bundler -v 2.5\n"),
            ""
        );
    }

    #[test]
    fn yarn_cache() {
        expect![[r#"
            16..23 "install": yarn's cache stays in the image: run `yarn cache clean` in this RUN"#]]
        .assert_eq(&render(&YARN_CACHE, "FROM a\nRUN yarn install\n"));
        assert_eq!(
            render(
                &YARN_CACHE,
                "FROM a\nRUN yarn install && yarn cache clean\n"
            ),
            ""
        );
        assert_eq!(
            fixed(&YARN_CACHE, "FROM a\nRUN yarn install\n"),
            "FROM a\nRUN yarn install \\\n    && yarn cache clean\n"
        );
        // A builder stage whose files are copied out leaves its cache behind.
        assert_eq!(
            render(
                &YARN_CACHE,
                "FROM node AS build\nRUN yarn install\nFROM nginx\nCOPY --from=build /app /app\n"
            ),
            ""
        );
    }

    #[test]
    fn go_without_versions() {
        expect![[r#"22..46 "golang.org/x/tools/gopls": `golang.org/x/tools/gopls` has no version: use `golang.org/x/tools/gopls@<version>`"#]]
        .assert_eq(&render(
            &GO_UNPINNED,
            "FROM a\nRUN go install golang.org/x/tools/gopls github.com/a/b@v1 ./cmd/x && go build ./...\n",
        ));
    }
}
