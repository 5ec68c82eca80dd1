//! The value syntax of a flag once the cursor is past its `=`: the keys of a `--mount` of the
//! type it names, the parts of `--chown` and `--device`, and the values other flags take.

use std::ops::Range;

use super::{first_paragraph, value_names, LabelBuilder, Signature, SignatureHelp};
use crate::context::Word;
use crate::knowledge;

/// A markdown list of the values a flag or key takes.
fn value_list(values: &[knowledge::Value]) -> Option<String> {
    if values.is_empty() {
        return None;
    }
    Some(
        values
            .iter()
            .map(|v| format!("- `{}`: {}", v.name, v.docs))
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

/// The value syntax of the flag `word` when the cursor is after its `=`.
pub(super) fn flag_value_help(
    text: &str,
    info: &knowledge::Instruction,
    word: &Word,
    offset: usize,
) -> Option<SignatureHelp> {
    let raw = text.get(word.range.clone())?;
    let equals = word.range.start + raw.find('=')?;
    if offset <= equals {
        return None;
    }
    let name = raw.get(2..equals - word.range.start)?;
    let flag = knowledge::flag(info, name)?;
    let value = text.get(equals + 1..word.range.end).unwrap_or_default();
    let cursor = offset - (equals + 1);
    let typed = value.get(..cursor).unwrap_or(value);
    let (signature, active) = match flag.name {
        "mount" => mount_signature(value, cursor),
        "chown" => split_signature(
            flag,
            &[
                ("<user>", "A user name or numeric UID."),
                (
                    "<group>",
                    "A group name or numeric GID; the user's UID when left out.",
                ),
            ],
            ("", "[:", "]"),
            usize::from(typed.contains(':')),
        ),
        "device" => split_signature(
            flag,
            &[
                (
                    "<name>",
                    "A CDI device: a kind (`vendor.com/device`), one device \
                     (`vendor.com/device=foo`), all of a kind (`=*`) or a class.",
                ),
                ("required", "Fails the build when the device is missing."),
            ],
            ("", "[,", "]"),
            usize::from(typed.contains(',')),
        ),
        _ => {
            let syntax = match flag.value {
                Some(value) => value.to_owned(),
                None => value_names(flag.values),
            };
            let mut builder = LabelBuilder::default();
            builder.text(&format!("--{}=", flag.name));
            builder.parameter(&syntax, value_list(flag.values));
            (builder.finish(Some(flag.docs.to_owned())), Some(0))
        }
    };
    Some(SignatureHelp {
        signatures: vec![signature],
        active_signature: 0,
        active_parameter: active,
    })
}

/// A flag value of two parts, such as `<user>[:<group>]`: the pieces around the second part
/// are `(before the first, between, after the second)`.
fn split_signature(
    flag: &knowledge::Flag,
    parts: &[(&str, &str); 2],
    around: (&str, &str, &str),
    active: usize,
) -> (Signature, Option<usize>) {
    let mut builder = LabelBuilder::default();
    builder.text(&format!("--{}={}", flag.name, around.0));
    builder.parameter(parts[0].0, Some(parts[0].1.to_owned()));
    builder.text(around.1);
    builder.parameter(parts[1].0, Some(parts[1].1.to_owned()));
    builder.text(around.2);
    (builder.finish(Some(flag.docs.to_owned())), Some(active))
}

/// The key a `--mount` alias stands for.
fn canonical_key(key: &str) -> &str {
    match key {
        "dst" | "destination" => "target",
        "src" => "source",
        "readwrite" => "rw",
        "readonly" => "ro",
        other => other,
    }
}

/// One `key=value` option of a `--mount` value.
struct MountOption<'a> {
    key: &'a str,
    value: Option<&'a str>,
    range: Range<usize>,
}

fn mount_options(value: &str) -> Vec<MountOption<'_>> {
    let mut options = Vec::new();
    let mut start = 0;
    for part in value.split(',') {
        let clean = part.trim_matches(|c| c == '"' || c == '\'');
        let (key, option_value) = match clean.split_once('=') {
            Some((key, option_value)) => (key, Some(option_value)),
            None => (clean, None),
        };
        options.push(MountOption {
            key,
            value: option_value,
            range: start..start + part.len(),
        });
        start += part.len() + 1;
    }
    options
}

/// The `--mount` syntax for the mount type the value names (`bind` when it names none), with
/// the option under `cursor` (a byte offset into `value`) active.
fn mount_signature(value: &str, cursor: usize) -> (Signature, Option<usize>) {
    let options = mount_options(value);
    let under_cursor = options
        .iter()
        .find(|o| o.range.start <= cursor && cursor <= o.range.end);
    let typed_key = under_cursor.map(|o| o.key.to_ascii_lowercase());
    // A mount without `type=` is a bind mount; a type still being typed has no keys yet.
    let type_name = match options.iter().find(|o| o.key.eq_ignore_ascii_case("type")) {
        Some(option) => option.value,
        None => Some("bind"),
    };
    let on_type = typed_key.as_deref() == Some("type");
    let Some(kind) = type_name.and_then(knowledge::mount_type) else {
        return generic_mount_signature(on_type);
    };
    let mut builder = LabelBuilder::default();
    builder.text("--mount=");
    builder.parameter(
        &format!("type={}", kind.name),
        Some(first_paragraph(kind.docs)),
    );
    let target_required = matches!(kind.name, "bind" | "cache" | "tmpfs");
    let mut names = vec!["type"];
    let target = kind.keys.iter().find(|k| k.name == "target");
    let others = kind
        .keys
        .iter()
        .filter(|k| k.name != "target" && canonical_key(k.name) == k.name);
    for key in target.into_iter().chain(others) {
        let syntax = match key.value {
            Some(value) => format!("{}={value}", key.name),
            None => key.name.to_owned(),
        };
        let mut docs = key.docs.to_owned();
        if let Some(list) = value_list(key.values) {
            docs.push_str("\n\n");
            docs.push_str(&list);
        }
        if key.name == "target" && target_required {
            builder.text(",");
            builder.parameter(&syntax, Some(docs));
        } else {
            builder.text("[,");
            builder.parameter(&syntax, Some(docs));
            builder.text("]");
        }
        names.push(key.name);
    }
    let active = typed_key.and_then(|typed| {
        let typed = canonical_key(&typed);
        names.iter().position(|n| *n == typed).or_else(|| {
            // A key still being typed: the first one it can become.
            (!typed.is_empty())
                .then(|| names.iter().position(|n| n.starts_with(typed)))
                .flatten()
        })
    });
    let documentation = format!(
        "{}\n\n[RUN --mount](https://docs.docker.com/reference/dockerfile/#run---mount)",
        first_paragraph(kind.docs)
    );
    (builder.finish(Some(documentation)), active)
}

/// The `--mount` syntax before a known type is chosen: the types, then any keys.
fn generic_mount_signature(on_type: bool) -> (Signature, Option<usize>) {
    let types = knowledge::MOUNT_TYPES
        .iter()
        .map(|t| t.name)
        .collect::<Vec<_>>()
        .join("|");
    let type_docs = knowledge::MOUNT_TYPES
        .iter()
        .map(|t| format!("- `{}`: {}", t.name, first_line(t.docs)))
        .collect::<Vec<_>>()
        .join("\n");
    let mut builder = LabelBuilder::default();
    builder.text("--mount=");
    builder.parameter(
        &format!("type={types}"),
        Some(format!(
            "The kind of mount; `bind` when left out.\n\n{type_docs}"
        )),
    );
    builder.text("[,");
    builder.parameter(
        "<key>=<value>",
        Some("Options of the chosen type, separated by commas.".to_owned()),
    );
    builder.text("]...");
    let documentation = "A filesystem mount for this `RUN` only; choose its type first.";
    let active = if on_type { 0 } else { 1 };
    (builder.finish(Some(documentation.to_owned())), Some(active))
}

/// The first sentence of some documentation.
fn first_line(docs: &str) -> &str {
    let paragraph = docs.split("\n\n").next().unwrap_or(docs);
    match paragraph.find(". ") {
        Some(end) => paragraph.get(..=end).unwrap_or(paragraph),
        None => paragraph,
    }
}

#[cfg(test)]
mod tests {
    use super::super::signature_help;
    use super::super::testing::{at_cursor, check, check_parameters};
    use expect_test::{expect, Expect};

    #[test]
    fn run_flag_name_is_its_parameter() {
        check(
            "FROM a\nRUN --netw$0ork=none make\n",
            expect![[r#"
            * RUN [--mount=[type=<type>][,<key>=<value>...]]... [--network=default|none|host] [--security=sandbox|insecure] [--device=<name>[,required]]... <command>
              RUN [--mount=[type=<type>][,<key>=<value>...]]... [--network=default|none|host] [--security=sandbox|insecure] [--device=<name>[,required]]... ["executable", "param1", "param2"]
              RUN [--mount=[type=<type>][,<key>=<value>...]]... [--network=default|none|host] [--security=sandbox|insecure] [--device=<name>[,required]]... <<EOF [<command>]
            parameter 1: 51..78 `--network=default|none|host`
        "#]],
        );
        check(
            "FROM a\nRUN --mount=type=cache,target=/x $0make\n",
            expect![[r#"
            * RUN [--mount=[type=<type>][,<key>=<value>...]]... [--network=default|none|host] [--security=sandbox|insecure] [--device=<name>[,required]]... <command>
              RUN [--mount=[type=<type>][,<key>=<value>...]]... [--network=default|none|host] [--security=sandbox|insecure] [--device=<name>[,required]]... ["executable", "param1", "param2"]
              RUN [--mount=[type=<type>][,<key>=<value>...]]... [--network=default|none|host] [--security=sandbox|insecure] [--device=<name>[,required]]... <<EOF [<command>]
            parameter 4: 142..151 `<command>`
        "#]],
        );
    }

    #[test]
    fn mount_keys_of_the_current_type() {
        check(
            "FROM a\nRUN --mount=type=cache,tar$0 make\n",
            expect![[r#"
            * --mount=type=cache,target=<path>[,id=<id>][,ro][,sharing=shared|private|locked][,from=<stage|image|context>][,source=<path>][,mode=<octal>][,uid=<uid>][,gid=<gid>]
            parameter 1: 19..32 `target=<path>`
        "#]],
        );
        check(
            "FROM a\nRUN --mount=type=cache,target=/x,sharing=lo$0cked make\n",
            expect![[r#"
                * --mount=type=cache,target=<path>[,id=<id>][,ro][,sharing=shared|private|locked][,from=<stage|image|context>][,source=<path>][,mode=<octal>][,uid=<uid>][,gid=<gid>]
                parameter 4: 49..78 `sharing=shared|private|locked`
            "#]],
        );
        check(
            "FROM a\nRUN --mount=type=secret,id=npm,dst=/r$0 make\n",
            expect![[r#"
                * --mount=type=secret[,target=<path>][,id=<id>][,env=<name>][,required=<bool>][,mode=<octal>][,uid=<uid>][,gid=<gid>]
                parameter 1: 21..34 `target=<path>`
            "#]],
        );
        check(
            "FROM a\nRUN --mount=type=ssh,$0\n",
            expect![[r#"
            * --mount=type=ssh[,target=<path>][,id=<id>][,required=<bool>][,mode=<octal>][,uid=<uid>][,gid=<gid>]
            no active parameter
        "#]],
        );
    }

    #[test]
    fn mount_without_a_type_is_bind() {
        check(
            "FROM a\nRUN --mount=from=build,src=/o$0ut,target=/dist ls\n",
            expect![[r#"
                * --mount=type=bind,target=<path>[,source=<path>][,from=<stage|image|context>][,rw]
                parameter 2: 33..46 `source=<path>`
            "#]],
        );
    }

    #[test]
    fn mount_type_being_typed() {
        check(
            "FROM a\nRUN --mount=type=ca$0\n",
            expect![[r#"
            * --mount=type=bind|cache|tmpfs|secret|ssh[,<key>=<value>]...
            parameter 0: 8..40 `type=bind|cache|tmpfs|secret|ssh`
        "#]],
        );
        check(
            "FROM a\nRUN --mount=type=nfs,target=/x$0\n",
            expect![[r#"
            * --mount=type=bind|cache|tmpfs|secret|ssh[,<key>=<value>]...
            parameter 1: 42..55 `<key>=<value>`
        "#]],
        );
    }

    #[test]
    fn mount_parameters() {
        check_parameters(
            "FROM a\nRUN --mount=type=cache,$0\n",
            expect![[r#"
            --mount=type=cache,target=<path>[,id=<id>][,ro][,sharing=shared|private|locked][,from=<stage|image|context>][,source=<path>][,mode=<octal>][,uid=<uid>][,gid=<gid>]
            8..18 `type=cache`
            19..32 `target=<path>`
            34..41 `id=<id>`
            44..46 `ro`
            49..78 `sharing=shared|private|locked`
            81..107 `from=<stage|image|context>`
            110..123 `source=<path>`
            126..138 `mode=<octal>`
            141..150 `uid=<uid>`
            153..162 `gid=<gid>`
        "#]],
        );
    }

    #[test]
    fn flag_values() {
        check(
            "FROM a\nRUN --network=$0\n",
            expect![[r#"
            * --network=default|none|host
            parameter 0: 10..27 `default|none|host`
        "#]],
        );
        check(
            "FROM a\nRUN --security=ins$0\n",
            expect![[r#"
            * --security=sandbox|insecure
            parameter 0: 11..27 `sandbox|insecure`
        "#]],
        );
        check(
            "FROM a\nRUN --device=nvidia.com/gpu=all,$0\n",
            expect![[r#"
            * --device=<name>[,required]
            parameter 1: 17..25 `required`
        "#]],
        );
        check(
            "FROM a\nCOPY --from=$0\n",
            expect![[r#"
            * --from=<stage|image|context>
            parameter 0: 7..28 `<stage|image|context>`
        "#]],
        );
        check(
            "FROM a\nCOPY --chown=$0\n",
            expect![[r#"
            * --chown=<user>[:<group>]
            parameter 0: 8..14 `<user>`
        "#]],
        );
        check(
            "FROM a\nCOPY --chown=app:a$0pp a b\n",
            expect![[r#"
            * --chown=<user>[:<group>]
            parameter 1: 16..23 `<group>`
        "#]],
        );
        check(
            "FROM a\nCOPY --chmod=7$0 a b\n",
            expect![[r#"
            * --chmod=<perms>
            parameter 0: 8..15 `<perms>`
        "#]],
        );
        check(
            "FROM a\nCOPY --link=$0 a b\n",
            expect![[r#"
            * --link=true|false
            parameter 0: 7..17 `true|false`
        "#]],
        );
        check(
            "FROM a\nCOPY --exclude=*.md$0 a b\n",
            expect![[r#"
            * --exclude=<pattern>
            parameter 0: 10..19 `<pattern>`
        "#]],
        );
        check(
            "FROM a\nADD --checksum=sha256:$0 https://x/y /z\n",
            expect![[r#"
            * --checksum=<hash>
            parameter 0: 11..17 `<hash>`
        "#]],
        );
        check(
            "FROM a\nADD --keep-git-dir=$0 https://x/y.git /z\n",
            expect![[r#"
            * --keep-git-dir=<bool>
            parameter 0: 15..21 `<bool>`
        "#]],
        );
        check(
            "FROM a\nADD --unpack=tr$0ue a.tgz /z\n",
            expect![[r#"
            * --unpack=<bool>
            parameter 0: 9..15 `<bool>`
        "#]],
        );
        check(
            "FROM --platform=linux/$0 alpine\n",
            expect![[r#"
            * --platform=<platform>
            parameter 0: 11..21 `<platform>`
        "#]],
        );
        check(
            "FROM a\nHEALTHCHECK --interval=3$0 CMD true\n",
            expect![[r#"
            * --interval=<duration>
            parameter 0: 11..21 `<duration>`
        "#]],
        );
        check(
            "FROM a\nHEALTHCHECK --retries=$0 CMD true\n",
            expect![[r#"
            * --retries=<n>
            parameter 0: 10..13 `<n>`
        "#]],
        );
    }

    /// The documentation of the active signature and parameter.
    fn check_documentation(fixture: &str, expect: Expect) {
        let (analysis, offset) = at_cursor(fixture);
        let help = signature_help(&analysis, offset).expect("signature help");
        let signature = &help.signatures[help.active_signature];
        let parameter = help
            .active_parameter
            .and_then(|p| signature.parameters.get(p))
            .and_then(|p| p.documentation.as_deref());
        expect.assert_eq(&format!(
            "{}\n---\n{}\n",
            signature.documentation.as_deref().unwrap_or("(none)"),
            parameter.unwrap_or("(none)")
        ));
    }

    #[test]
    fn documentation_comes_from_the_knowledge_base() {
        check_documentation(
            "FROM a\nRUN --mount=type=cache,target=/x,sharing=$0\n",
            expect![[r#"
                Mounts a persistent cache directory for package managers and compilers. Its contents survive between builds without being part of the image or invalidating the build cache; treat it as a speed-up only, since it may be emptied at any time.

                [RUN --mount](https://docs.docker.com/reference/dockerfile/#run---mount)
                ---
                What happens when several builds use the same cache at once. Defaults to `shared`.

                - `shared`: Default: concurrent builds use the same cache directory at the same time.
                - `private`: A concurrent writer gets a fresh cache directory of its own instead of sharing.
                - `locked`: A second writer waits until the first releases the cache; needed by tools such as apt that require exclusive access.
            "#]],
        );
        check_documentation(
            "FROM a\nCOPY a $0\n",
            expect![[r#"
            Copy files from the build context, another stage or an image into the image.

            Sources and destination separated by blanks.

            [Dockerfile reference](https://docs.docker.com/reference/dockerfile/#copy)
            ---
            Where the files go in the image; relative to `WORKDIR`. With several sources, a directory ending in `/`.
        "#]],
        );
    }

    #[test]
    fn unknown_flag_keeps_the_instruction_signature() {
        check(
            "FROM a\nCOPY --frm=$0 a b\n",
            expect![[r#"
            * COPY [--from=<stage|image|context>] [--chown=<user>[:<group>]] [--chmod=<perms>] [--link[=true|false]] [--parents[=true|false]] [--exclude=<pattern>]... <src>... <dest>
              COPY [--from=<stage|image|context>] [--chown=<user>[:<group>]] [--chmod=<perms>] [--link[=true|false]] [--parents[=true|false]] [--exclude=<pattern>]... ["<src>", ... "<dest>"]
            no active parameter
        "#]],
        );
    }
}
