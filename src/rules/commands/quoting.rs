//! Quoting in the shell of RUN: unquoted expansions the shell splits, `$` in single quotes,
//! escape sequences given to echo, globs that may become options.

use tree_sitter::Node;

use super::expansions::{is_split, nodes_of, parameter, place, wrap, Place};
use crate::diagnostic::Severity;
use crate::rules::{Category, Context, Fixes, Report, Rule, Scope};
use crate::shell::Script;

pub static UNQUOTED_VARIABLE: Rule = Rule {
    name: "unquoted-variable",
    summary: "Unquoted variable in RUN is split and globbed",
    docs: "\
Reports a `$name` or `${name...}` outside double quotes, in a word the shell splits at \
spaces and expands as a glob: a command's argument, a redirection's target, an operand of \
`[ ... ]`, a value given to `export` or `local`. Not reported: a variable whose every value \
in the RUN is free of spaces and glob characters (`v=1.2`, `for i in 1 2`, `$((...))`), \
an ARG or ENV in scope (the script only knows their names, as hadolint tells ShellCheck), \
`$#`, `$?`, `$$`, `$!`, `${#name}`, and the words of `for ... in`, `case`, `[[ ... ]]` and \
plain assignments, which are not split. The ShellCheck code is SC2086.

Where dockls and hadolint differ: hadolint forgets an ENV inherited from the stage a stage is \
built on (`FROM base`); dockls knows it. hadolint takes an ARG of the stage a stage is built \
on as known, but an ARG ends with its stage, so in `FROM base` the name is unset (reason \
`arg-not-inherited` in the corpus comparison with hadolint). And the ShellCheck in hadolint \
reports a variable assigned in the middle of an `&&` chain and used further along it, \
`a && v=1 && echo $v`, as if the assignment could have been skipped (reason \
`and-chain-assignment`); dockls does not.

**Why:** `rm -rf $dir/cache` with a `dir` that holds a space removes two other paths, and \
one that holds `*` removes whatever matches.

**Before**

```dockerfile
RUN dir=\"$(mktemp -d)\" && cp app.tar $dir
```

**After**

```dockerfile
RUN dir=\"$(mktemp -d)\" && cp app.tar \"$dir\"
```

**Fix:** puts the expansion in double quotes. Offered as unsafe: where the splitting is \
wanted (a list of packages in one variable), quoting passes the list as one argument.",
    severity: Severity::Information,
    category: Category::Correctness,
    scope: Scope::InstructionInContext,
    hadolint: &["SC2086"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::Unsafe,
    check: check_unquoted_variable,
};

fn check_unquoted_variable(context: &Context, report: &mut Report) {
    for script in context.scripts() {
        let expansions = nodes_of(context, script, &["simple_expansion", "expansion"]);
        if expansions.is_empty() {
            continue;
        }
        let variables = context.script_variables(script);
        let nodes = context.script_nodes(script);
        for node in expansions {
            let Place::Word(word, up) = place(node, nodes.ancestors(node)) else {
                continue;
            };
            if !is_split(word, up) {
                continue;
            }
            let Some(p) = parameter(node, &script.text) else {
                continue;
            };
            // `$@`, `$*` and whole arrays have codes of their own in ShellCheck.
            if matches!(p.name, "@" | "*") || p.all_elements {
                continue;
            }
            if variables.expansion_is_spaceless(node) {
                continue;
            }
            report
                .add(
                    script.node_range(node),
                    format!(
                        "`{}` is split at spaces and globbed: put it in double quotes",
                        script.node_text(node)
                    ),
                )
                .with_unsafe_fix(
                    "Put the expansion in double quotes",
                    wrap(script, node.byte_range(), "\"", "\""),
                );
        }
    }
}

pub static UNQUOTED_SUBSTITUTION: Rule = Rule {
    name: "unquoted-command-substitution",
    summary: "Unquoted command substitution in RUN is split and globbed",
    docs: "\
Reports a `$(...)` or backquoted command outside double quotes, in a word the shell splits \
at spaces and expands as a glob: a command's argument, a redirection's target, an operand \
of `[ ... ]`, a value given to `export` or `local`. The output of `seq` and `pgrep` is meant \
to be split and is not reported; nor are the words of `for ... in` or plain assignments. \
The ShellCheck code is SC2046.

**Why:** the output of a command is a string; unquoted, every space, tab and newline in it \
starts another argument, and every `*` in it is matched against the file names.

**Before**

```dockerfile
RUN mkdir -p $(dirname /opt/app/config.json)
```

**After**

```dockerfile
RUN mkdir -p \"$(dirname /opt/app/config.json)\"
```

**Fix:** puts the substitution in double quotes. Offered as unsafe: `apk add $(cat \
packages.txt)` means to split.",
    severity: Severity::Warning,
    category: Category::Correctness,
    scope: Scope::InstructionInContext,
    hadolint: &["SC2046"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::Unsafe,
    check: check_unquoted_substitution,
};

fn check_unquoted_substitution(context: &Context, report: &mut Report) {
    for script in context.scripts() {
        let nodes = context.script_nodes(script);
        for node in nodes_of(context, script, &["command_substitution"]) {
            let Place::Word(word, up) = place(node, nodes.ancestors(node)) else {
                continue;
            };
            if !is_split(word, up) {
                continue;
            }
            let mut cursor = node.walk();
            let inner: Vec<Node> = node.named_children(&mut cursor).collect();
            let splits_on_purpose = match inner.as_slice() {
                [] => true,
                [command] if command.kind() == "command" => command
                    .child_by_field_name("name")
                    .is_some_and(|name| matches!(script.node_text(name), "seq" | "pgrep")),
                _ => false,
            };
            if splits_on_purpose {
                continue;
            }
            report
                .add(
                    script.node_range(node),
                    "the output is split at spaces and globbed: put the substitution in double quotes",
                )
                .with_unsafe_fix(
                    "Put the substitution in double quotes",
                    wrap(script, node.byte_range(), "\"", "\""),
                );
        }
    }
}

pub static SINGLE_QUOTED_EXPANSION: Rule = Rule {
    name: "expansion-in-single-quotes",
    summary: "`$` in single quotes does not expand",
    docs: "\
Reports a single-quoted string holding what looks like an expansion (`'$HOME'`, \
`'${v}'`, `'$(date)'`, a backquoted command) that the shell passes on as written. Not \
reported where the string is meant for another program that expands it: the script of \
`sh -c`, `bash -c` and the like, `awk`, `perl`, `jq`, `trap`, `eval`, `ssh`, `sudo`, \
`docker`, `git filter-branch`, `find -exec sh -c`; nor `$` followed by something that \
cannot start a name, nor sed's `$` addresses (`sed '$d'`). The ShellCheck code is SC2016.

**Why:** when the expansion was meant, the command gets the text `$HOME`.

**Before**

```dockerfile
RUN echo 'export PATH=$PATH:/opt/bin' >> /etc/profile && echo 'home is $HOME'
```

**After**

```dockerfile
RUN echo 'export PATH=$PATH:/opt/bin' >> /etc/profile && echo \"home is $HOME\"
```

A string written for another shell, like the first one, is right as it is: suppress the \
finding on that RUN with `# hadolint ignore=SC2016`.

**Fix:** none: only you know whether the text is for this shell or another program.",
    severity: Severity::Information,
    category: Category::Correctness,
    scope: Scope::InstructionInContext,
    hadolint: &["SC2016"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::None,
    check: check_single_quoted,
};

/// Commands whose arguments are written for another program that expands `$` itself.
const EXPANDS_ITSELF: &[&str] = &[
    "trap",
    "sh",
    "bash",
    "ksh",
    "zsh",
    "ssh",
    "eval",
    "xprop",
    "alias",
    "sudo",
    "docker",
    "podman",
    "dpkg-query",
    "jq",
    "rename",
    "rg",
    "unset",
    "perl",
];

fn check_single_quoted(context: &Context, report: &mut Report) {
    for script in context.scripts() {
        let nodes = context.script_nodes(script);
        for node in nodes_of(context, script, &["raw_string"]) {
            let content = script.node_text(node).trim_matches('\'');
            let command = command_of(nodes.ancestors(node));
            let sed = command.is_some_and(|c| program_name(script, c) == Some("sed"));
            if !looks_expanded(content, sed) {
                continue;
            }
            if command.is_some_and(|c| expands_itself(script, c)) {
                continue;
            }
            report.add(
                script.node_range(node),
                "single quotes keep `$` as written: use double quotes to expand it",
            );
        }
    }
}

/// Whether single-quoted text holds `$name`, `${`, `$(`, `$1` or a backquoted command.
fn looks_expanded(content: &str, sed: bool) -> bool {
    let bytes = content.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'$' {
            let Some(&next) = bytes.get(i + 1) else {
                continue;
            };
            let starts =
                next == b'{' || next == b'(' || next == b'_' || next.is_ascii_alphanumeric();
            if !starts {
                continue;
            }
            // sed's `$` is the last line: `$d`, `$p`, `${...}` as a block.
            let after = bytes.get(i + 2).copied();
            if sed && b"{dpsaic".contains(&next) && after.is_none_or(|a| !a.is_ascii_alphabetic()) {
                continue;
            }
            return true;
        }
        if b == b'`' && content[i + 1..].find('`').is_some_and(|end| end > 0) {
            return true;
        }
    }
    false
}

/// The simple command a word is an argument of, given the word's ancestors.
fn command_of<'t>(up: &[Node<'t>]) -> Option<Node<'t>> {
    for parent in up {
        match parent.kind() {
            "concatenation" => {}
            "command" => return Some(*parent),
            _ => return None,
        }
    }
    None
}

fn program_name<'s>(script: &'s Script, command: Node) -> Option<&'s str> {
    let name = script.node_text(command.child_by_field_name("name")?);
    Some(name.rsplit('/').next().unwrap_or(name))
}

fn expands_itself(script: &Script, command: Node) -> bool {
    let Some(name) = program_name(script, command) else {
        return false;
    };
    if EXPANDS_ITSELF.contains(&name) || name.ends_with("awk") {
        return true;
    }
    let mut cursor = command.walk();
    let args: Vec<&str> = command
        .children_by_field_name("argument", &mut cursor)
        .map(|a| script.node_text(a))
        .collect();
    match name {
        "git" => args.first() == Some(&"filter-branch"),
        "find" => args.windows(2).any(|w| {
            matches!(w[0], "-exec" | "-execdir")
                && EXPANDS_ITSELF.contains(&w[1].rsplit('/').next().unwrap_or(w[1]))
        }),
        _ => false,
    }
}

pub static ECHO_ESCAPES: Rule = Rule {
    name: "echo-escape-sequences",
    summary: "echo given backslash escape sequences",
    docs: "\
Reports an argument of `echo` holding a backslash escape sequence (`\\n`, `\\t`, `\\\\`, \
`\\e`, `\\0`, `\\x41`) when echo runs without `-e`. Whether echo turns them into a newline \
or a tab depends on the shell: dash's echo does, bash's does not. The ShellCheck code is \
SC2028.

**Why:** the file a RUN writes with `echo 'a\\tb' > file` holds a tab under `/bin/sh` on \
Debian and the two characters `\\t` under bash or BusyBox.

**Before**

```dockerfile
RUN echo 'listen 80;\\nserver_name _;' > /etc/nginx/conf.d/site.conf
```

**After**

```dockerfile
RUN printf 'listen 80;\\nserver_name _;\\n' > /etc/nginx/conf.d/site.conf
```

**Fix:** none: printf needs a format string and a trailing newline, which is a rewrite of \
the arguments.",
    severity: Severity::Information,
    category: Category::Reproducibility,
    scope: Scope::InstructionInContext,
    hadolint: &["SC2028"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::None,
    check: check_echo_escapes,
};

fn check_echo_escapes(context: &Context, report: &mut Report) {
    for script in context.scripts() {
        for command in nodes_of(context, script, &["command"]) {
            if program_name(script, command) != Some("echo") {
                continue;
            }
            let mut cursor = command.walk();
            let args: Vec<Node> = command
                .children_by_field_name("argument", &mut cursor)
                .collect();
            let mut options = true;
            for arg in args {
                let raw = script.node_text(arg);
                if options {
                    if let Some(flags) = raw.strip_prefix('-') {
                        if !flags.is_empty() && flags.chars().all(|c| matches!(c, 'n' | 'e' | 'E'))
                        {
                            if flags.contains('e') {
                                break;
                            }
                            continue;
                        }
                    }
                    options = false;
                }
                if has_escape(arg, script) {
                    report.add(
                        script.node_range(arg),
                        "echo may or may not turn backslash sequences into characters: use printf",
                    );
                    break;
                }
            }
        }
    }
}

/// Whether a word holds a backslash sequence that some echo turns into another character.
fn has_escape(word: Node, script: &Script) -> bool {
    let escape_at = |s: &str, quoted: bool| {
        let bytes = s.as_bytes();
        (0..bytes.len()).any(|i| {
            bytes[i] == b'\\'
                && bytes.get(i + 1).is_some_and(|&c| {
                    if quoted {
                        b"abefnrtv0x\\$".contains(&c)
                    } else {
                        c == b'\\'
                            && bytes
                                .get(i + 2)
                                .is_some_and(|n| b"abefnrtv0x\\".contains(n))
                    }
                })
        })
    };
    nodes_in(word)
        .into_iter()
        .any(|(n, in_string)| match n.kind() {
            "raw_string" | "string_content" => escape_at(script.node_text(n), true),
            "word" if !in_string => escape_at(script.node_text(n), false),
            _ => false,
        })
}

/// A node and every named node below it, each with whether its parent is a double-quoted
/// string.
fn nodes_in(node: Node) -> Vec<(Node, bool)> {
    let mut all = Vec::new();
    let mut stack = vec![(node, false)];
    while let Some((n, in_string)) = stack.pop() {
        all.push((n, in_string));
        let string = n.kind() == "string";
        let mut cursor = n.walk();
        stack.extend(n.named_children(&mut cursor).map(|c| (c, string)));
    }
    all
}

pub static GLOB_AS_OPTION: Rule = Rule {
    name: "glob-as-option",
    summary: "Glob argument may expand to an option",
    docs: "\
Reports an argument that starts with a glob (`*.txt`, `?`, `*`) given to a command other \
than echo and printf, before any `--`. The ShellCheck code is SC2035.

**Why:** a file named `-rf` or `--force` matches `*` and reaches the command as an option.

**Before**

```dockerfile
RUN rm *.tmp
```

**After**

```dockerfile
RUN rm ./*.tmp
```

**Fix:** puts `./` before the glob; the glob matches the same files, now as paths.",
    severity: Severity::Information,
    category: Category::Correctness,
    scope: Scope::InstructionInContext,
    hadolint: &["SC2035"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::Safe,
    check: check_glob_as_option,
};

fn check_glob_as_option(context: &Context, report: &mut Report) {
    for script in context.scripts() {
        for command in nodes_of(context, script, &["command"]) {
            if matches!(
                program_name(script, command),
                None | Some("echo" | "printf")
            ) {
                continue;
            }
            let mut cursor = command.walk();
            let args: Vec<Node> = command
                .children_by_field_name("argument", &mut cursor)
                .collect();
            for arg in args {
                let raw = script.node_text(arg);
                if raw == "--" {
                    break;
                }
                let first = if arg.kind() == "concatenation" {
                    arg.named_child(0)
                } else {
                    Some(arg)
                };
                let unquoted_glob = first.is_some_and(|f| {
                    f.kind() == "word" && script.node_text(f).starts_with(['*', '?'])
                });
                if !unquoted_glob {
                    continue;
                }
                report
                    .add(
                        script.node_range(arg),
                        "a file name starting with `-` would be read as an option: write `./` before the glob",
                    )
                    .with_fix("Write `./` before the glob", {
                        let start = script.source_range(arg.byte_range()).start;
                        vec![crate::diagnostic::Edit {
                            range: start..start,
                            new_text: "./".to_owned(),
                        }]
                    });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{fixed, render};
    use expect_test::expect;

    #[test]
    fn unquoted_variables() {
        expect![[r#"
            42..46 "$dir": `$dir` is split at spaces and globbed: put it in double quotes
            72..77 "$HOME": `$HOME` is split at spaces and globbed: put it in double quotes"#]]
        .assert_eq(&render(
            &UNQUOTED_VARIABLE,
            "FROM a\nRUN dir=\"$(mktemp -d)\" && cp a.tar $dir \\\n  && echo \"$dir\" && ls $HOME/x\n",
        ));
        // ARG and ENV, spaceless values, special parameters and words that are not split.
        assert_eq!(
            render(
                &UNQUOTED_VARIABLE,
                "FROM a\nARG V\nENV E=1\nRUN n=3 && for i in 1 2; do echo $i $n $V $E $# ${#x}; done \
                 && [[ $X = y ]] && y=$X && case $X in a) ;; esac && echo \"$X\" $((X + 1))\n",
            ),
            ""
        );
        // An ENV of the stage this one is built on is known too.
        assert_eq!(
            render(
                &UNQUOTED_VARIABLE,
                "FROM a AS base\nENV DIR=/opt\nFROM base\nRUN ls $DIR\n"
            ),
            ""
        );
        expect![[r#"
            19..21 "$X": `$X` is split at spaces and globbed: put it in double quotes
            31..33 "$1": `$1` is split at spaces and globbed: put it in double quotes"#]]
        .assert_eq(&render(
            &UNQUOTED_VARIABLE,
            "FROM a\nRUN <<EOF\n[ $X = y ]\nrm $1\nEOF\n",
        ));
    }

    #[test]
    fn quoting_fix_in_shell_and_exec_form() {
        assert_eq!(
            fixed(&UNQUOTED_VARIABLE, "FROM a\nRUN cp a \\\n  $HOME\n"),
            "FROM a\nRUN cp a \\\n  \"$HOME\"\n"
        );
        assert_eq!(
            fixed(
                &UNQUOTED_VARIABLE,
                "FROM a\nRUN [\"sh\", \"-c\", \"cp a $HOME\"]\n"
            ),
            "FROM a\nRUN [\"sh\", \"-c\", \"cp a \\\"$HOME\\\"\"]\n"
        );
    }

    #[test]
    fn unquoted_substitutions() {
        expect![[r#"
            20..35 "$(dirname \"$f\")": the output is split at spaces and globbed: put the substitution in double quotes
            52..56 "`ls`": the output is split at spaces and globbed: put the substitution in double quotes"#]]
        .assert_eq(&render(
            &UNQUOTED_SUBSTITUTION,
            "FROM a\nRUN mkdir -p $(dirname \"$f\") \\\n  && export L=`ls` && x=$(ls) && echo \"$(ls)\" $(seq 3)\n",
        ));
        assert_eq!(
            fixed(&UNQUOTED_SUBSTITUTION, "FROM a\nRUN cd $(pwd)\n"),
            "FROM a\nRUN cd \"$(pwd)\"\n"
        );
    }

    #[test]
    fn single_quoted_expansions() {
        expect![[r#"
            20..31 "'$HOME/bin'": single quotes keep `$` as written: use double quotes to expand it
            58..65 "'s/$v/'": single quotes keep `$` as written: use double quotes to expand it"#]]
        .assert_eq(&render(
            &SINGLE_QUOTED_EXPANSION,
            "FROM a\nRUN echo 'x' '$HOME/bin' 'a$' && sed '$d' f && sed 's/$v/' f \\\n  && awk '{print $1}' \
             && sh -c 'echo $0' && find . -exec sh -c 'x $1' _ {} \\;\n",
        ));
    }

    #[test]
    fn echo_escapes() {
        expect![[r#"
            18..24 "'a\\tb'": echo may or may not turn backslash sequences into characters: use printf
            36..42 "\"a\\nb\"": echo may or may not turn backslash sequences into characters: use printf"#]]
        .assert_eq(&render(
            &ECHO_ESCAPES,
            "FROM a\nRUN echo x 'a\\tb' && echo -n \"a\\nb\" && echo -e 'a\\nb' && echo 'a\\.b' && printf 'a\\n'\n",
        ));
    }

    #[test]
    fn globs_as_options() {
        expect![[r#"
            14..19 "*.txt": a file name starting with `-` would be read as an option: write `./` before the glob
            32..33 "*": a file name starting with `-` would be read as an option: write `./` before the glob"#]]
        .assert_eq(&render(
            &GLOB_AS_OPTION,
            "FROM a\nRUN rm *.txt && tar cf x *\nRUN echo * && rm ./*.txt && rm -- *.txt && rm \"*\" a*\n",
        ));
        assert_eq!(
            fixed(
                &GLOB_AS_OPTION,
                "FROM a\nRUN [\"sh\", \"-c\", \"rm -f *.o\"]\n"
            ),
            "FROM a\nRUN [\"sh\", \"-c\", \"rm -f ./*.o\"]\n"
        );
    }
}
