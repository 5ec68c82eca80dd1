//! The tables behind completion and hover. Facts come from Docker's Dockerfile reference, the
//! `RUN --mount` reference and BuildKit's build-check pages; the wording is our own.
//!
//! The tables live in submodules of `data/` by topic and are re-exported here.

/// How CMD and ENTRYPOINT combine, as a markdown table; shared by the CMD and ENTRYPOINT docs
/// and [`FORMS`]. A macro because `concat!` only accepts literals.
macro_rules! cmd_entrypoint_table {
    () => {
        r#"| | No ENTRYPOINT | ENTRYPOINT exec_entry p1_entry | ENTRYPOINT ["exec_entry", "p1_entry"] |
|---|---|---|---|
| **No CMD** | error, not allowed | `/bin/sh -c exec_entry p1_entry` | `exec_entry p1_entry` |
| **CMD ["exec_cmd", "p1_cmd"]** | `exec_cmd p1_cmd` | `/bin/sh -c exec_entry p1_entry` | `exec_entry p1_entry exec_cmd p1_cmd` |
| **CMD exec_cmd p1_cmd** | `/bin/sh -c exec_cmd p1_cmd` | `/bin/sh -c exec_entry p1_entry` | `exec_entry p1_entry /bin/sh -c exec_cmd p1_cmd` |"#
    };
}

mod args;
mod checks;
mod commands;
mod directives;
mod forms;
mod instructions;
mod mounts;
mod values;

use super::{Check, Directive, Forms, Instruction, MountType, PredefinedArg, ShellCommand, Value};

/// All 18 Dockerfile instructions, in alphabetical order.
pub static INSTRUCTIONS: &[Instruction] = instructions::INSTRUCTIONS;

/// Shell commands of RUN lines (package managers, downloaders, `set`) and their options.
pub static SHELL_COMMANDS: &[ShellCommand] = commands::COMMANDS;

/// The `RUN --mount` types with the keys each accepts.
pub static MOUNT_TYPES: &[MountType] = mounts::MOUNT_TYPES;

/// The parser directives `syntax`, `escape` and `check`.
pub static DIRECTIVES: &[Directive] = directives::DIRECTIVES;

/// BuildKit's build checks.
pub static CHECKS: &[Check] = checks::CHECKS;

/// Platform arguments (and `TARGETSTAGE`) that BuildKit sets in the global scope.
pub static AUTOMATIC_ARGS: &[PredefinedArg] = args::AUTOMATIC;

/// Proxy arguments usable without an `ARG`.
pub static PROXY_ARGS: &[PredefinedArg] = args::PROXY;

/// Signal names offered for `STOPSIGNAL`.
pub static SIGNALS: &[Value] = values::SIGNAL_VALUES;

/// Platforms offered for `--platform`.
pub static PLATFORMS: &[Value] = values::PLATFORM_VALUES;

/// Documentation of the shell, exec and heredoc forms.
pub static FORMS: Forms = forms::FORMS;

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    const NAMES: [&str; 18] = [
        "ADD",
        "ARG",
        "CMD",
        "COPY",
        "ENTRYPOINT",
        "ENV",
        "EXPOSE",
        "FROM",
        "HEALTHCHECK",
        "LABEL",
        "MAINTAINER",
        "ONBUILD",
        "RUN",
        "SHELL",
        "STOPSIGNAL",
        "USER",
        "VOLUME",
        "WORKDIR",
    ];

    fn instruction(name: &str) -> &'static Instruction {
        INSTRUCTIONS
            .iter()
            .find(|i| i.name == name)
            .unwrap_or_else(|| panic!("{name} is missing"))
    }

    fn flag_names(name: &str) -> Vec<&'static str> {
        instruction(name).flags.iter().map(|f| f.name).collect()
    }

    /// Every documentation string of every table, labelled for failure messages.
    fn all_docs() -> Vec<(String, &'static str)> {
        let mut docs = Vec::new();
        for i in INSTRUCTIONS {
            docs.push((format!("{} summary", i.name), i.summary));
            docs.push((i.name.to_string(), i.docs));
            for f in i.flags {
                docs.push((format!("{} --{}", i.name, f.name), f.docs));
                for v in f.values {
                    docs.push((format!("{} --{}={}", i.name, f.name, v.name), v.docs));
                }
            }
        }
        for t in MOUNT_TYPES {
            docs.push((format!("mount {}", t.name), t.docs));
            for k in t.keys {
                docs.push((format!("mount {} {}", t.name, k.name), k.docs));
                for v in k.values {
                    docs.push((format!("mount {} {}={}", t.name, k.name, v.name), v.docs));
                }
            }
        }
        for d in DIRECTIVES {
            docs.push((format!("directive {}", d.name), d.docs));
            for v in d.values {
                docs.push((format!("directive {}={}", d.name, v.name), v.docs));
            }
        }
        for c in CHECKS {
            docs.push((format!("check {}", c.name), c.docs));
        }
        for a in AUTOMATIC_ARGS.iter().chain(PROXY_ARGS) {
            docs.push((format!("arg {}", a.name), a.docs));
        }
        for v in SIGNALS.iter().chain(PLATFORMS) {
            docs.push((format!("value {}", v.name), v.docs));
        }
        for c in SHELL_COMMANDS {
            let name = format!("{} {}", c.program, c.subcommand.unwrap_or_default());
            docs.push((format!("command {name}"), c.docs));
            for o in c.options {
                docs.push((format!("command {name} {}", o.names.join("/")), o.docs));
            }
        }
        docs.push(("FORMS.shell".into(), FORMS.shell));
        docs.push(("FORMS.exec".into(), FORMS.exec));
        docs.push(("FORMS.heredoc".into(), FORMS.heredoc));
        docs.push(("FORMS.run".into(), FORMS.run));
        docs.push(("FORMS.cmd_entrypoint".into(), FORMS.cmd_entrypoint));
        docs
    }

    /// A markdown table: a header row followed by a delimiter row of dashes.
    fn has_markdown_table(markdown: &str) -> bool {
        let lines: Vec<&str> = markdown.lines().map(str::trim).collect();
        lines.windows(2).any(|pair| {
            pair[0].starts_with('|')
                && pair[1].starts_with('|')
                && pair[1].contains("--")
                && pair[1].chars().all(|c| matches!(c, '|' | '-' | ':' | ' '))
        })
    }

    #[test]
    fn every_instruction_is_present_exactly_once() {
        let mut names: Vec<&str> = INSTRUCTIONS.iter().map(|i| i.name).collect();
        names.sort_unstable();
        assert_eq!(names, NAMES);
    }

    #[test]
    fn snippets_start_with_the_instruction_name() {
        for i in INSTRUCTIONS {
            let rest = i.snippet.strip_prefix(i.name);
            assert!(
                rest.is_some_and(|rest| rest.is_empty() || rest.starts_with(' ')),
                "snippet of {} is {:?}",
                i.name,
                i.snippet
            );
        }
    }

    #[test]
    fn references_point_at_the_dockerfile_reference() {
        for i in INSTRUCTIONS {
            assert!(
                i.reference
                    .starts_with("https://docs.docker.com/reference/dockerfile/#"),
                "{}: {}",
                i.name,
                i.reference
            );
            assert!(i.docs.contains(i.reference), "{} docs do not link", i.name);
        }
    }

    #[test]
    fn flag_names_are_unique_and_bare() {
        for i in INSTRUCTIONS {
            let mut seen = HashSet::new();
            for f in i.flags {
                assert!(!f.name.is_empty(), "{} has an unnamed flag", i.name);
                assert!(!f.name.contains("--"), "{} --{}", i.name, f.name);
                assert!(!f.name.starts_with('-'), "{} --{}", i.name, f.name);
                assert!(seen.insert(f.name), "{} repeats --{}", i.name, f.name);
            }
        }
    }

    #[test]
    fn flags_match_buildkit() {
        assert_eq!(flag_names("FROM"), ["platform"]);
        assert_eq!(
            flag_names("RUN"),
            ["mount", "network", "security", "device"]
        );
        assert_eq!(
            flag_names("COPY"),
            ["from", "chown", "chmod", "link", "parents", "exclude"]
        );
        assert_eq!(
            flag_names("ADD"),
            [
                "keep-git-dir",
                "checksum",
                "chown",
                "chmod",
                "link",
                "unpack",
                "exclude"
            ]
        );
        assert_eq!(
            flag_names("HEALTHCHECK"),
            [
                "interval",
                "timeout",
                "start-period",
                "start-interval",
                "retries"
            ]
        );
        for name in NAMES {
            if !["FROM", "RUN", "COPY", "ADD", "HEALTHCHECK"].contains(&name) {
                assert!(instruction(name).flags.is_empty(), "{name} has flags");
            }
        }
    }

    #[test]
    fn only_mount_device_and_exclude_repeat() {
        for i in INSTRUCTIONS {
            for f in i.flags {
                let expected = matches!(f.name, "mount" | "device" | "exclude");
                assert_eq!(f.repeatable, expected, "{} --{}", i.name, f.name);
            }
        }
    }

    #[test]
    fn run_network_and_security_values() {
        let run = instruction("RUN");
        let values = |flag: &str| -> Vec<&str> {
            run.flags
                .iter()
                .find(|f| f.name == flag)
                .unwrap()
                .values
                .iter()
                .map(|v| v.name)
                .collect()
        };
        assert_eq!(values("network"), ["default", "none", "host"]);
        assert_eq!(values("security"), ["sandbox", "insecure"]);
    }

    #[test]
    fn every_mount_type_has_a_target() {
        let names: Vec<&str> = MOUNT_TYPES.iter().map(|t| t.name).collect();
        assert_eq!(names, ["bind", "cache", "tmpfs", "secret", "ssh"]);
        for t in MOUNT_TYPES {
            for key in ["target", "dst", "destination"] {
                assert!(
                    t.keys.iter().any(|k| k.name == key),
                    "{} has no {key}",
                    t.name
                );
            }
            let mut seen = HashSet::new();
            for k in t.keys {
                assert!(k.name != "type", "{}: type is not a key", t.name);
                assert!(seen.insert(k.name), "{} repeats {}", t.name, k.name);
            }
        }
    }

    #[test]
    fn mount_keys_belong_to_their_types() {
        let has = |t: &str, key: &str| {
            MOUNT_TYPES
                .iter()
                .find(|m| m.name == t)
                .unwrap()
                .keys
                .iter()
                .any(|k| k.name == key)
        };
        assert!(has("cache", "sharing") && !has("bind", "sharing"));
        assert!(has("tmpfs", "size") && !has("cache", "size"));
        assert!(has("secret", "env") && !has("ssh", "env"));
        assert!(has("secret", "required") && has("ssh", "required"));
        assert!(!has("bind", "required") && !has("cache", "required"));
        assert!(has("bind", "rw") && has("cache", "ro"));
        assert!(!has("bind", "mode") && !has("tmpfs", "uid"));
    }

    #[test]
    fn directives_are_syntax_escape_and_check() {
        let names: Vec<&str> = DIRECTIVES.iter().map(|d| d.name).collect();
        assert_eq!(names, ["syntax", "escape", "check"]);
        for d in DIRECTIVES {
            assert!(!d.values.is_empty(), "{} has no values", d.name);
        }
    }

    #[test]
    fn checks_are_unique_and_include_the_documented_list() {
        let mut seen = HashSet::new();
        for c in CHECKS {
            assert!(seen.insert(c.name), "{} twice", c.name);
            assert!(
                c.name.chars().all(|ch| ch.is_ascii_alphanumeric()),
                "{}",
                c.name
            );
        }
        for name in [
            "StageNameCasing",
            "FromAsCasing",
            "NoEmptyContinuation",
            "ConsistentInstructionCasing",
            "DuplicateStageName",
            "ReservedStageName",
            "JSONArgsRecommended",
            "MaintainerDeprecated",
            "UndefinedArgInFrom",
            "WorkdirRelativePath",
            "UndefinedVar",
            "MultipleInstructionsDisallowed",
            "LegacyKeyValueFormat",
            "RedundantTargetPlatform",
            "SecretsUsedInArgOrEnv",
            "InvalidDefaultArgInFrom",
            "FromPlatformFlagConstDisallowed",
            "CopyIgnoredFile",
            "InvalidDefinitionDescription",
            "ExposeProtoCasing",
            "ExposeInvalidFormat",
        ] {
            assert!(seen.contains(name), "{name} is missing");
        }
    }

    #[test]
    fn predefined_args() {
        let automatic: Vec<&str> = AUTOMATIC_ARGS.iter().map(|a| a.name).collect();
        for name in [
            "TARGETPLATFORM",
            "TARGETOS",
            "TARGETARCH",
            "TARGETVARIANT",
            "BUILDPLATFORM",
            "BUILDOS",
            "BUILDARCH",
            "BUILDVARIANT",
        ] {
            assert!(automatic.contains(&name), "{name} is missing");
        }
        let proxy: Vec<&str> = PROXY_ARGS.iter().map(|a| a.name).collect();
        for name in ["HTTP", "HTTPS", "FTP", "NO", "ALL"] {
            let upper = format!("{name}_PROXY");
            assert!(proxy.contains(&upper.as_str()), "{upper} is missing");
            let lower = upper.to_lowercase();
            assert!(proxy.contains(&lower.as_str()), "{lower} is missing");
        }
        assert_eq!(proxy.len(), 10);
    }

    #[test]
    fn signals_and_platforms() {
        for v in SIGNALS {
            assert!(v.name.starts_with("SIG"), "{}", v.name);
        }
        for name in [
            "SIGTERM", "SIGKILL", "SIGINT", "SIGQUIT", "SIGHUP", "SIGUSR1", "SIGUSR2",
        ] {
            assert!(SIGNALS.iter().any(|v| v.name == name), "{name} is missing");
        }
        for name in [
            "linux/amd64",
            "linux/arm64",
            "linux/arm/v7",
            "linux/arm/v6",
            "linux/386",
            "linux/ppc64le",
            "linux/s390x",
            "linux/riscv64",
            "windows/amd64",
            "$BUILDPLATFORM",
            "$TARGETPLATFORM",
        ] {
            assert!(
                PLATFORMS.iter().any(|v| v.name == name),
                "{name} is missing"
            );
        }
    }

    #[test]
    fn shell_commands_are_unique_and_their_options_found_by_every_name() {
        let mut seen = std::collections::HashSet::new();
        for c in SHELL_COMMANDS {
            assert!(
                seen.insert((c.program, c.subcommand)),
                "{} twice",
                c.program
            );
            for o in c.options {
                assert!(!o.names.is_empty(), "{}", c.program);
                for name in o.names {
                    assert!(name.starts_with('-'), "{name}");
                    let found = crate::knowledge::shell_option(c, name).map(|f| f.names);
                    assert_eq!(found, Some(o.names), "{} {name}", c.program);
                }
            }
        }
        let install = crate::knowledge::shell_command("pip3", Some("install"));
        assert_eq!(install.map(|c| c.program), Some("pip"));
        assert!(crate::knowledge::shell_command("apt-get", Some("remove")).is_none());
        assert!(crate::knowledge::shell_command("curl", Some("https://x")).is_some());
        let progress = crate::knowledge::shell_command("wget", None)
            .and_then(|c| crate::knowledge::shell_option(c, "--progress=dot:giga"));
        assert!(progress.is_some());
    }

    #[test]
    fn docs_are_written() {
        for (what, docs) in all_docs() {
            assert!(!docs.trim().is_empty(), "{what} has no docs");
            for marker in ["TODO", "TBD", "FIXME", "XXX"] {
                assert!(!docs.contains(marker), "{what} contains {marker}");
            }
        }
    }

    #[test]
    fn code_fences_are_balanced() {
        for (what, docs) in all_docs() {
            let fences = docs
                .lines()
                .filter(|l| l.trim_start().starts_with("```"))
                .count();
            assert_eq!(fences % 2, 0, "{what} has an unclosed code block");
        }
    }

    #[test]
    fn cmd_and_entrypoint_docs_have_the_combination_table() {
        for docs in [
            FORMS.cmd_entrypoint,
            instruction("CMD").docs,
            instruction("ENTRYPOINT").docs,
        ] {
            assert!(has_markdown_table(docs), "no table in:\n{docs}");
            assert!(docs.contains("exec_entry p1_entry exec_cmd p1_cmd"));
            assert!(docs.contains("/bin/sh -c exec_cmd p1_cmd"));
        }
        assert!(!has_markdown_table("| just a line |\nand text"));
    }

    #[test]
    fn forms_cover_the_essentials() {
        assert!(FORMS.shell.contains("/bin/sh -c") && FORMS.shell.contains("PID 1"));
        assert!(FORMS.shell.contains("cmd /S /C") && FORMS.shell.contains("SIGTERM"));
        assert!(FORMS.exec.contains("$HOME") && FORMS.exec.contains("JSON"));
        assert!(FORMS.run.contains("&&") && FORMS.run.contains("layer"));
    }
}
