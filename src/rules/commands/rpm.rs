//! The RPM package managers yum, dnf (and microdnf) and zypper: `-y`, the cache cleaned in the
//! same RUN, pinned packages, and zypper's `dist-upgrade`. One description per manager drives
//! the three checks they share.

use super::{after, append_point, cache_mount, commands, has_option, operands, subcommand};
use crate::diagnostic::{Edit, Severity};
use crate::rules::{Category, Context, Fixes, Report, Rule, Scope};

/// What the checks need to know about one package manager.
struct Manager {
    programs: &'static [&'static str],
    /// The subcommands that install.
    installs: &'static [&'static str],
    /// The options that answer yes (`-y`, `--assumeyes`).
    yes_short: &'static [char],
    yes_long: &'static [&'static str],
    /// The command that cleans the cache, for messages and fixes, and the words it may use.
    clean: &'static str,
    clean_words: &'static [&'static str],
    /// The cache directories (for cache mounts and `rm -rf`).
    cache: &'static [&'static str],
    /// How a pinned package looks, for the message.
    pin: &'static str,
    pinned: fn(&str) -> bool,
}

const YUM: Manager = Manager {
    programs: &["yum"],
    installs: &["install", "groupinstall", "localinstall"],
    yes_short: &['y'],
    yes_long: &["assumeyes"],
    clean: "yum clean all",
    clean_words: &["clean"],
    cache: &["/var/cache/yum"],
    pin: "<package>-<version>",
    pinned: dash_pinned,
};

const DNF: Manager = Manager {
    programs: &["dnf", "microdnf"],
    installs: &["install", "groupinstall", "localinstall"],
    yes_short: &['y'],
    yes_long: &["assumeyes"],
    clean: "dnf clean all",
    clean_words: &["clean"],
    cache: &["/var/cache/dnf", "/var/cache/yum"],
    pin: "<package>-<version>",
    pinned: dnf_pinned,
};

const ZYPPER: Manager = Manager {
    programs: &["zypper"],
    installs: &["install", "in"],
    yes_short: &['y', 'n'],
    yes_long: &["no-confirm", "non-interactive"],
    clean: "zypper clean",
    clean_words: &["clean", "cc"],
    cache: &["/var/cache/zypp"],
    pin: "<package>=<version>",
    pinned: |p| p.contains(['=', '<', '>']) || p.ends_with(".rpm"),
};

/// yum and dnf: `name-version` (any dash counts, as in hadolint), an `.rpm` file, or a module
/// stream `name:stream`.
fn dash_pinned(package: &str) -> bool {
    package.contains(['-', ':']) || package.ends_with(".rpm")
}

/// dnf: `name-version`, where what follows the name's first dash is a version (letters,
/// digits and `.~^_:+`, with a digit somewhere: `glibc-2.38`, not `shadow-utils`), an `.rpm`
/// file, or a module stream `name:stream`.
fn dnf_pinned(package: &str) -> bool {
    if package.ends_with(".rpm") || package.contains(':') {
        return true;
    }
    let mut parts = package.split('-');
    parts.next();
    let rest: Vec<&str> = parts.collect();
    !rest.is_empty()
        && rest.iter().all(|part| {
            part.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".~^_:+".contains(c))
        })
        && rest
            .iter()
            .any(|part| part.starts_with(|c: char| c.is_ascii_digit()))
}

macro_rules! yes_rule {
    ($name:ident, $manager:expr, $rule:literal, $code:literal, $program:literal) => {
        pub static $name: Rule = Rule {
            name: $rule,
            summary: concat!($program, " install without -y"),
            docs: concat!(
                "Reports `",
                $program,
                " install` without `-y` (or its long form).\n\n",
                "**Why:** a build has no terminal to answer the confirmation question; without ",
                "`-y` the install stops there and the RUN fails.\n\n",
                "**Before**\n\n```dockerfile\nRUN ",
                $program,
                " install httpd\n```\n\n",
                "**After**\n\n```dockerfile\nRUN ",
                $program,
                " install -y httpd\n```\n\n",
                "**Fix:** adds `-y` after the subcommand. Safe: the only other outcome is a ",
                "failed build."
            ),
            severity: Severity::Warning,
            category: Category::Correctness,
            scope: Scope::InstructionInContext,
            hadolint: &[$code],
            buildkit: None,
            off_by_default: false,
            fixes: Fixes::Safe,
            check: |context, report| check_yes(&$manager, $program, context, report),
        };
    };
}

yes_rule!(YUM_NO_YES, YUM, "yum-without-yes", "DL3030", "yum");
yes_rule!(DNF_NO_YES, DNF, "dnf-without-yes", "DL3038", "dnf");
yes_rule!(
    ZYPPER_NO_YES,
    ZYPPER,
    "zypper-without-yes",
    "DL3034",
    "zypper"
);

fn check_yes(manager: &Manager, name: &str, context: &Context, report: &mut Report) {
    for found in commands(context, manager.programs) {
        let args = found.command.arguments();
        let Some(install) = subcommand(args, manager.installs) else {
            continue;
        };
        if has_option(args, manager.yes_short, manager.yes_long) {
            continue;
        }
        report
            .add(
                found.range(install),
                format!("`{name} {}` needs `-y` in a build", install.text),
            )
            .with_fix("Add `-y`", vec![found.insert_after(install, " -y")]);
    }
}

macro_rules! clean_rule {
    ($name:ident, $manager:expr, $rule:literal, $code:literal, $program:literal, $clean:literal) => {
        pub static $name: Rule = Rule {
            name: $rule,
            summary: concat!("`", $clean, "` missing after ", $program, " install"),
            docs: concat!(
                "Reports `",
                $program,
                " install` in a RUN that does not also run `",
                $clean,
                "` (or remove the cache directory), unless the RUN mounts a cache over it.\n\n",
                "**Why:** the package metadata and downloaded packages stay in the layer; ",
                "cleaning them in a later RUN does not shrink the image.\n\n",
                "**Before**\n\n```dockerfile\nRUN ",
                $program,
                " install -y httpd\n```\n\n",
                "**After**\n\n```dockerfile\nRUN ",
                $program,
                " install -y httpd \\\\\n    && ",
                $clean,
                "\n```\n\n",
                "**Fix:** appends `&& ",
                $clean,
                "` to the RUN. Safe: the package manager ",
                "fetches its metadata again by itself when a later RUN installs more."
            ),
            severity: Severity::Information,
            category: Category::Efficiency,
            scope: Scope::InstructionInContext,
            hadolint: &[$code],
            buildkit: None,
            off_by_default: false,
            fixes: Fixes::Safe,
            check: |context, report| check_clean(&$manager, context, report),
        };
    };
}

clean_rule!(
    YUM_CLEAN,
    YUM,
    "yum-cache-not-cleaned",
    "DL3032",
    "yum",
    "yum clean all"
);
clean_rule!(
    DNF_CLEAN,
    DNF,
    "dnf-cache-not-cleaned",
    "DL3040",
    "dnf",
    "dnf clean all"
);
clean_rule!(
    ZYPPER_CLEAN,
    ZYPPER,
    "zypper-cache-not-cleaned",
    "DL3036",
    "zypper",
    "zypper clean"
);

fn check_clean(manager: &Manager, context: &Context, report: &mut Report) {
    for script in context.scripts() {
        let Some(run) = super::run_of(context, script) else {
            continue;
        };
        let ours = |c: &&crate::shell::SimpleCommand| {
            c.program().is_some_and(|p| manager.programs.contains(&p))
        };
        let Some(install) = script
            .commands
            .iter()
            .filter(ours)
            .find_map(|c| subcommand(c.arguments(), manager.installs))
        else {
            continue;
        };
        let cleaned = script.commands.iter().any(|c| match c.program() {
            Some("rm") => c
                .arguments()
                .iter()
                .any(|w| manager.cache.iter().any(|dir| w.text.starts_with(dir))),
            Some(p) if manager.programs.contains(&p) => {
                subcommand(c.arguments(), manager.clean_words).is_some()
            }
            _ => false,
        });
        if cleaned || cache_mount(run, manager.cache) {
            continue;
        }
        let finding = report.add(
            script.source_range(install.range.clone()),
            format!(
                "the package cache stays in the image: run `{}` in this RUN",
                manager.clean
            ),
        );
        if let Some(end) = append_point(script) {
            finding.with_fix(
                format!("Run `{}` at the end of the RUN", manager.clean),
                vec![Edit {
                    range: end..end,
                    new_text: format!(" \\\n    && {}", manager.clean),
                }],
            );
        }
    }
}

macro_rules! pin_rule {
    ($name:ident, $manager:expr, $rule:literal, $code:literal, $program:literal, $after:literal) => {
        pub static $name: Rule = Rule {
            name: $rule,
            summary: concat!("Package installed with ", $program, " without a version"),
            docs: concat!(
                "Reports each package of `",
                $program,
                " install` given without a version.\n\n",
                "**Why:** the build installs whatever the repository has that day; two builds ",
                "of one commit can differ.\n\n",
                "**Before**\n\n```dockerfile\nRUN ",
                $program,
                " install -y httpd\n```\n\n",
                "**After**\n\n```dockerfile\nRUN ",
                $program,
                " install -y ",
                $after,
                "\n```\n\n",
                "**Fix:** none: only you know the version you tested."
            ),
            severity: Severity::Warning,
            category: Category::Reproducibility,
            scope: Scope::InstructionInContext,
            hadolint: &[$code],
            buildkit: None,
            off_by_default: false,
            fixes: Fixes::None,
            check: |context, report| check_pinned(&$manager, context, report),
        };
    };
}

pin_rule!(
    YUM_UNPINNED,
    YUM,
    "yum-unpinned",
    "DL3033",
    "yum",
    "httpd-2.4.57"
);
pin_rule!(
    DNF_UNPINNED,
    DNF,
    "dnf-unpinned",
    "DL3041",
    "dnf",
    "httpd-2.4.57"
);
pin_rule!(
    ZYPPER_UNPINNED,
    ZYPPER,
    "zypper-unpinned",
    "DL3037",
    "zypper",
    "httpd=2.4.57"
);

fn check_pinned(manager: &Manager, context: &Context, report: &mut Report) {
    for found in commands(context, manager.programs) {
        let args = found.command.arguments();
        let Some(install) = subcommand(args, manager.installs) else {
            continue;
        };
        let packages = operands(
            after(args, install),
            &['c', 'R', 'r', 'x'],
            &[
                "setopt",
                "repo",
                "enablerepo",
                "disablerepo",
                "installroot",
                "releasever",
                "exclude",
            ],
        );
        for package in packages {
            let text = package.text.as_str();
            if (manager.pinned)(text) {
                continue;
            }
            let pin = manager.pin.replace("<package>", text);
            report.add(
                found.range(package),
                format!("`{text}` has no version: use `{pin}`"),
            );
        }
    }
}

pub static ZYPPER_DIST_UPGRADE: Rule = Rule {
    name: "zypper-dist-upgrade",
    summary: "zypper dist-upgrade in a build",
    docs: "\
Reports `zypper dist-upgrade` (`zypper dup`) in a RUN.

**Why:** a distribution upgrade replaces the base image's packages with whatever the \
repositories offer that day, possibly a new release, so the image no longer matches its \
base and differs from build to build. Pick a newer base image instead.

**Before**

```dockerfile
RUN zypper dist-upgrade -y
```

**After**

```dockerfile
FROM opensuse/leap:15.6
```

**Fix:** none: the right base image is yours to choose.",
    severity: Severity::Warning,
    category: Category::Reproducibility,
    scope: Scope::InstructionInContext,
    hadolint: &["DL3035"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::None,
    check: check_dist_upgrade,
};

fn check_dist_upgrade(context: &Context, report: &mut Report) {
    for found in commands(context, &["zypper"]) {
        if let Some(verb) = subcommand(found.command.arguments(), &["dist-upgrade", "dup"]) {
            report.add(
                found.range(verb),
                "do not run `zypper dist-upgrade` in a build",
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
    fn installs_without_yes() {
        expect![[r#"
            15..22 "install": `yum install` needs `-y` in a build"#]]
        .assert_eq(&render(
            &YUM_NO_YES,
            "FROM a\nRUN yum install x && yum -y install y\n",
        ));
        expect![[r#"15..22 "install": `dnf install` needs `-y` in a build"#]].assert_eq(&render(
            &DNF_NO_YES,
            "FROM a\nRUN dnf install x && microdnf install --assumeyes y\n",
        ));
        expect![[r#"
            18..20 "in": `zypper in` needs `-y` in a build"#]]
        .assert_eq(&render(
            &ZYPPER_NO_YES,
            "FROM a\nRUN zypper in x && zypper -n install y\n",
        ));
        assert_eq!(
            fixed(&YUM_NO_YES, "FROM a\nRUN yum install x\n"),
            "FROM a\nRUN yum install -y x\n"
        );
    }

    #[test]
    fn caches_not_cleaned() {
        expect![[r#"
            18..25 "install": the package cache stays in the image: run `yum clean all` in this RUN"#]]
        .assert_eq(&render(&YUM_CLEAN, "FROM a\nRUN yum -y install x\n"));
        assert_eq!(
            render(
                &YUM_CLEAN,
                "FROM a\nRUN yum -y install x && yum clean all\n"
            ),
            ""
        );
        assert_eq!(
            render(
                &DNF_CLEAN,
                "FROM a\nRUN dnf -y install x && rm -rf /var/cache/dnf\n"
            ),
            ""
        );
        assert_eq!(
            render(
                &ZYPPER_CLEAN,
                "FROM a\nRUN --mount=type=cache,target=/var/cache/zypp zypper -n in x\n"
            ),
            ""
        );
        assert_eq!(
            fixed(&DNF_CLEAN, "FROM a\nRUN dnf install -y x\n"),
            "FROM a\nRUN dnf install -y x \\\n    && dnf clean all\n"
        );
    }

    #[test]
    fn unpinned_packages() {
        expect![[r#"26..31 "httpd": `httpd` has no version: use `httpd-<version>`"#]].assert_eq(
            &render(
                &YUM_UNPINNED,
                "FROM a\nRUN yum install -y httpd php-8.1 x.rpm\n",
            ),
        );
        expect![[r#"29..34 "httpd": `httpd` has no version: use `httpd=<version>`"#]].assert_eq(
            &render(
                &ZYPPER_UNPINNED,
                "FROM a\nRUN zypper install -y httpd php=8.1\n",
            ),
        );
        assert_eq!(
            render(
                &DNF_UNPINNED,
                "FROM a\nRUN dnf install -y nginx:1.24 glib-2.38 shadow-utils-4.14~rc1 x.rpm\n"
            ),
            ""
        );
        // A dash inside a name is not a version.
        expect![[
            r#"26..38 "shadow-utils": `shadow-utils` has no version: use `shadow-utils-<version>`"#
        ]]
        .assert_eq(&render(
            &DNF_UNPINNED,
            "FROM a\nRUN dnf install -y shadow-utils\n",
        ));
    }

    #[test]
    fn dist_upgrade() {
        expect![[r#"
            18..21 "dup": do not run `zypper dist-upgrade` in a build"#]]
        .assert_eq(&render(
            &ZYPPER_DIST_UPGRADE,
            "FROM a\nRUN zypper dup -y && zypper up\n",
        ));
    }
}
