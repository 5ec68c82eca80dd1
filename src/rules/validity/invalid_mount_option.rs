//! A `RUN --mount` option BuildKit rejects: unknown type or key, a key the type refuses, a bad
//! value, or a secret mount that names nothing.

use crate::syntax::NodeExt;
use std::ops::Range;

use crate::diagnostic::Edit;
use crate::diagnostic::Severity;
use crate::knowledge;
use crate::rules::{Category, Context, Fixes, Report, Rule, Scope};
use crate::similar::nearest;

use super::util;

pub static RULE: Rule = Rule {
    name: "invalid-mount-option",
    summary: "Invalid `RUN --mount` option",
    docs: "\
Reports a `RUN --mount` option that BuildKit rejects when it reads the instruction:

- an unknown `type` (the types are `bind`, `cache`, `tmpfs`, `secret` and `ssh`) or an unknown \
key;
- a key without a value, other than `ro`, `readonly`, `rw`, `readwrite` and `required`;
- `ro`/`rw`/`required` with a value that is not a boolean, `sharing` other than `shared`, \
`private` or `locked`, `mode` that is not octal, `uid`/`gid` that are not numbers;
- keys the type refuses: `mode`, `uid` and `gid` except on `cache`, `secret` and `ssh` mounts; \
`sharing` except on `cache`; `required` except on `secret` and `ssh`; `from` on `secret`;
- a `secret` mount with none of `id`, `source`, `target` or `env`.

A `bind`, `cache` or `tmpfs` mount without `target` is not reported: BuildKit then mounts it \
on the working directory, which works unless that is `/`.

Keys that a type accepts but ignores (such as `id` on a `bind` mount) are not reported here. \
Values with variables are left alone.

**Why:** BuildKit stops the build with an error naming the option.

**Before**

```dockerfile
RUN --mount=type=cahce,target=/root/.cache,sharing=exclusive pip install -r requirements.txt
RUN --mount=type=secret,idd=token cat /run/secrets/token
```

**After**

```dockerfile
RUN --mount=type=cache,target=/root/.cache,sharing=locked pip install -r requirements.txt
RUN --mount=type=secret,id=token cat /run/secrets/token
```

**Fix:** rename an unknown type or key to the closest known one, when one is close enough.",
    severity: Severity::Error,
    category: Category::Correctness,
    scope: Scope::Instruction,
    hadolint: &[],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::Safe,
    check,
};

/// Every key BuildKit's mount parser knows, for any type.
const KEYS: &[&str] = &[
    "type",
    "from",
    "source",
    "src",
    "target",
    "dst",
    "destination",
    "readonly",
    "ro",
    "readwrite",
    "rw",
    "id",
    "sharing",
    "required",
    "mode",
    "uid",
    "gid",
    "size",
    "env",
];

/// One `key[=value]` of a `--mount`.
pub struct MountOption {
    /// Lower-cased.
    pub key: String,
    pub key_range: Range<usize>,
    /// Unquoted; `None` when written without `=`.
    pub value: Option<String>,
    pub value_range: Option<Range<usize>>,
}

/// One `--mount` flag with its options.
pub struct Mount {
    pub range: Range<usize>,
    /// The mount type, lower-cased (`bind` when not given); `None` when it has a variable.
    pub kind: Option<String>,
    pub options: Vec<MountOption>,
}

/// The `--mount` flags of every RUN (and RUN trigger) written as plain `key=value` lists.
pub fn mounts(context: &Context) -> Vec<Mount> {
    let mut mounts = Vec::new();
    let chains = context.instructions().flat_map(|(_, outer)| {
        std::iter::successors(Some(outer), |i| i.trigger.as_deref()).map(move |i| (i, outer))
    });
    for (instruction, outer) in chains {
        if instruction.keyword != "RUN" || instruction.flag("mount").is_none() {
            continue;
        }
        let Some(outer_node) = context.instruction_node(outer) else {
            continue;
        };
        for flag in instruction.flags.iter().filter(|f| f.name == "mount") {
            let Some(node) = util::node_within(outer_node, &flag.range, "flag") else {
                continue;
            };
            let Some(value) = node.field("value") else {
                continue;
            };
            if value.kind() != "mount_options" {
                continue;
            }
            let mut options = Vec::new();
            for option in util::descendants(value, "mount_option") {
                let Some(key) = option.field("key") else {
                    continue;
                };
                let has_equals = context
                    .slice(option.byte_range())
                    .get(key.byte_range().len()..)
                    .is_some_and(|rest| rest.starts_with('='));
                let value = option.field("value");
                options.push(MountOption {
                    key: context.slice(key.byte_range()).to_ascii_lowercase(),
                    key_range: key.byte_range(),
                    value: has_equals.then(|| {
                        value.map_or(String::new(), |v| {
                            util::unquote(context.slice(v.byte_range()))
                        })
                    }),
                    value_range: value.map(|v| v.byte_range()),
                });
            }
            let kind = match options.iter().find(|o| o.key == "type") {
                Some(option) => option
                    .value
                    .as_deref()
                    .filter(|v| !util::has_variable(v))
                    .map(str::to_ascii_lowercase),
                None => Some("bind".to_owned()),
            };
            mounts.push(Mount {
                range: value.byte_range(),
                kind,
                options,
            });
        }
    }
    mounts
}

fn check(context: &Context, report: &mut Report) {
    for mount in mounts(context) {
        let kind = mount.kind.as_deref();
        let known_kind = kind.and_then(knowledge::mount_type).map(|t| t.name);
        for option in &mount.options {
            let key = option.key.as_str();
            let value = option.value.as_deref();
            let value_range = option
                .value_range
                .clone()
                .unwrap_or(option.key_range.clone());
            if !KEYS.contains(&key) {
                unknown(
                    report,
                    "mount option",
                    key,
                    option.key_range.clone(),
                    KEYS.iter().copied(),
                );
                continue;
            }
            let Some(value) = value else {
                if !matches!(key, "ro" | "readonly" | "rw" | "readwrite" | "required") {
                    report.add(
                        option.key_range.clone(),
                        format!("mount option `{key}` needs a value: `{key}=<value>`"),
                    );
                } else if key == "required" {
                    refused(report, option, known_kind, &["secret", "ssh"]);
                }
                continue;
            };
            if util::has_variable(value) {
                continue;
            }
            match key {
                "type" if knowledge::mount_type(&value.to_ascii_lowercase()).is_none() => {
                    let names = knowledge::MOUNT_TYPES.iter().map(|t| t.name);
                    unknown(report, "mount type", value, value_range, names);
                }
                "ro" | "readonly" | "rw" | "readwrite" | "required" => {
                    if !is_go_bool(value) {
                        report.add(
                            value_range,
                            format!("mount option `{key}` takes `true` or `false`, not `{value}`"),
                        );
                    } else if key == "required" {
                        refused(report, option, known_kind, &["secret", "ssh"]);
                    }
                }
                "sharing" => {
                    if !matches!(
                        value.to_ascii_lowercase().as_str(),
                        "shared" | "private" | "locked"
                    ) {
                        report.add(
                            value_range,
                            format!(
                                "unknown `sharing` value `{value}`; expected `shared`, `private` \
                                 or `locked`"
                            ),
                        );
                    } else {
                        refused(report, option, known_kind, &["cache"]);
                    }
                }
                "mode" | "uid" | "gid" => {
                    let radix = if key == "mode" { 8 } else { 10 };
                    if u32::from_str_radix(value, radix).is_err() || value.starts_with('+') {
                        let expected = if key == "mode" {
                            "an octal mode like `0755`"
                        } else {
                            "a numeric ID"
                        };
                        report.add(
                            value_range,
                            format!("mount option `{key}` takes {expected}, not `{value}`"),
                        );
                    } else {
                        refused(report, option, known_kind, &["cache", "secret", "ssh"]);
                    }
                }
                "from" if known_kind == Some("secret") => {
                    report.add(
                        option.key_range.clone(),
                        "a `secret` mount cannot have `from`",
                    );
                }
                _ => {}
            }
        }
        let has = |keys: &[&str]| {
            mount
                .options
                .iter()
                .any(|o| keys.contains(&o.key.as_str()) && o.value.is_some())
        };
        match known_kind {
            Some("secret")
                if !has(&["id", "source", "src", "target", "dst", "destination", "env"]) =>
            {
                report.add(
                    mount.range.clone(),
                    "a `secret` mount needs an `id`, `target` or `env`",
                );
            }
            _ => {}
        }
    }
}

/// Reports `option` when the mount type is known and not one of `allowed`.
fn refused(report: &mut Report, option: &MountOption, kind: Option<&str>, allowed: &[&str]) {
    let Some(kind) = kind else {
        return;
    };
    if !allowed.contains(&kind) {
        report.add(
            option.key_range.clone(),
            format!(
                "mount option `{}` is not allowed on a `{kind}` mount (only `{}`)",
                option.key,
                allowed.join("`, `")
            ),
        );
    }
}

fn unknown<'a>(
    report: &mut Report,
    what: &str,
    word: &str,
    range: Range<usize>,
    candidates: impl IntoIterator<Item = &'a str>,
) {
    match nearest(word, candidates) {
        Some(suggestion) => {
            report
                .add(
                    range.clone(),
                    format!("unknown {what} `{word}`; did you mean `{suggestion}`?"),
                )
                .with_fix(
                    format!("Change to `{suggestion}`"),
                    vec![Edit {
                        range,
                        new_text: suggestion.to_owned(),
                    }],
                );
        }
        None => {
            report.add(range, format!("unknown {what} `{word}`"));
        }
    }
}

/// The values Go's `strconv.ParseBool` accepts.
fn is_go_bool(value: &str) -> bool {
    matches!(
        value,
        "1" | "t" | "T" | "TRUE" | "true" | "True" | "0" | "f" | "F" | "FALSE" | "false" | "False"
    )
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::rules::testing::{fixed, render};

    #[test]
    fn reports_bad_options() {
        expect![[r#"
            24..29 "cahce": unknown mount type `cahce`; did you mean `cache`?
            53..59 "volume": unknown mount type `volume`
            116..125 "exclusive": unknown `sharing` value `exclusive`; expected `shared`, `private` or `locked`
            131..134 "999": mount option `mode` takes an octal mode like `0755`, not `999`
            139..143 "root": mount option `uid` takes a numeric ID, not `root`
            147..152 "maybe": mount option `ro` takes `true` or `false`, not `maybe`
            190..197 "sharing": mount option `sharing` is not allowed on a `bind` mount (only `cache`)
            205..209 "mode": mount option `mode` is not allowed on a `bind` mount (only `cache`, `secret`, `ssh`)
            215..223 "required": mount option `required` is not allowed on a `bind` mount (only `secret`, `ssh`)
            224..230 "tagret": unknown mount option `tagret`; did you mean `target`?
            263..267 "from": a `secret` mount cannot have `from`
            274..276 "id": mount option `id` needs a value: `id=<value>`
            251..276 "type=secret,from=build,id": a `secret` mount needs an `id`, `target` or `env`
            336..347 "type=secret": a `secret` mount needs an `id`, `target` or `env`"#]].assert_eq(&render(
            &RULE,
            "FROM a\n\
             RUN --mount=type=cahce,target=/x --mount=type=volume,target=/y make\n\
             RUN --mount=type=cache,target=/x,sharing=exclusive,mode=999,uid=root,ro=maybe make\n\
             RUN --mount=type=bind,target=/x,sharing=locked,mode=0755,required,tagret=/y make\n\
             RUN --mount=type=secret,from=build,id make\n\
             RUN --mount=source=go.sum go mod download\n\
             RUN --mount=type=secret make\n",
        ));
    }

    #[test]
    fn valid_mounts_are_fine() {
        assert_eq!(
            render(
                &RULE,
                "FROM a\n\
                 RUN --mount=type=cache,target=/root/.cache,sharing=locked,id=pip,mode=0755,uid=1000 \
                 --mount=type=bind,source=x,target=/x,rw \
                 --mount=type=secret,id=npmrc,required=true \
                 --mount=type=secret,id=TOKEN,env=TOKEN \
                 --mount=type=ssh \
                 --mount=type=tmpfs,target=/tmp,size=64m \
                 --mount=type=$TYPE,target=/z,sharing=$S \
                 --mount=from=build,src=/out,dst=/dist,readonly --mount=from=ctx make\n"
            ),
            ""
        );
    }

    #[test]
    fn fix_renames_a_mistyped_type() {
        assert_eq!(
            fixed(&RULE, "FROM a\nRUN --mount=type=cahce,target=/x make\n"),
            "FROM a\nRUN --mount=type=cache,target=/x make\n"
        );
    }
}
