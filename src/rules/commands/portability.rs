//! Bash syntax in a RUN whose shell is POSIX sh, dash or ash: `/bin/sh` on Debian is dash,
//! which rejects it or reads it as something else.
//!
//! ShellCheck reads ash as dash, and so do these rules, except that BusyBox ash has
//! `pipefail`.

use tree_sitter::Node;

use super::expansions::{is_posix_like, nodes_of, parameter};
use crate::diagnostic::{Edit, Severity};
use crate::rules::{Category, Context, Fixes, Report, Rule, Scope};
use crate::shell::{Dialect, Script};

/// The scripts the bash-only checks apply to.
fn posix_scripts<'a>(context: &Context<'a>) -> Vec<&'a Script> {
    context
        .scripts()
        .filter(|s| is_posix_like(s.dialect))
        .collect()
}

fn shell_name(script: &Script) -> &'static str {
    match script.dialect {
        Dialect::Sh => "POSIX sh",
        other => other.name(),
    }
}

pub static DOUBLE_BRACKET: Rule = Rule {
    name: "posix-double-bracket",
    summary: "[[ ]] in a RUN whose shell is POSIX sh",
    docs: "\
Reports `[[ ... ]]` in a RUN run by POSIX sh, dash or ash (the default `/bin/sh`, unless a \
SHELL, a `#!` line or a `# dockls shell=` comment names bash). The ShellCheck code is \
SC3010.

**Why:** dash, Debian's and Ubuntu's `/bin/sh`, has no `[[`: the RUN fails with `[[: not \
found`, or, in a condition, quietly takes the other branch.

**Before**

```dockerfile
RUN if [[ -f /etc/debian_version ]]; then apt-get update; fi
```

**After**

```dockerfile
RUN if [ -f /etc/debian_version ]; then apt-get update; fi
```

**Fix:** none: `[[` also matches patterns and allows `&&` inside, which `[` does not.",
    severity: Severity::Warning,
    category: Category::Correctness,
    scope: Scope::InstructionInContext,
    hadolint: &["SC3010"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::None,
    check: check_double_bracket,
};

fn check_double_bracket(context: &Context, report: &mut Report) {
    for script in posix_scripts(context) {
        for test in nodes_of(context, script, &["test_command"]) {
            if test.child(0).is_some_and(|c| c.kind() == "[[") {
                report.add(
                    script.node_range(test),
                    format!(
                        "{} has no `[[ ]]`: use `[ ]` or a bash SHELL",
                        shell_name(script)
                    ),
                );
            }
        }
    }
}

pub static PIPEFAIL: Rule = Rule {
    name: "posix-pipefail",
    summary: "set -o pipefail in a RUN whose shell is POSIX sh or dash",
    docs: "\
Reports `set -o pipefail` (or `set -euo pipefail`) in a RUN run by POSIX sh or dash. BusyBox \
ash has the option and is not reported. The ShellCheck code is SC3040; ShellCheck does not \
report dash, but the dash of Debian 12 and Ubuntu 24.04 lacks the option.

**Why:** dash stops with `set: Illegal option -o pipefail`, and the RUN fails before it \
does anything.

**Before**

```dockerfile
RUN set -o pipefail && curl -fsSL https://example.com/install.sh | sh
```

**After**

```dockerfile
SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]
RUN curl -fsSL https://example.com/install.sh | sh
```

**Fix:** none: the SHELL needs bash in the image.",
    severity: Severity::Warning,
    category: Category::Correctness,
    scope: Scope::InstructionInContext,
    hadolint: &["SC3040"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::None,
    check: check_pipefail,
};

fn check_pipefail(context: &Context, report: &mut Report) {
    for script in posix_scripts(context)
        .into_iter()
        .filter(|s| s.dialect != Dialect::Ash)
    {
        for command in &script.commands {
            if command.program() != Some("set") {
                continue;
            }
            let args = command.arguments();
            for pair in args.windows(2) {
                let option = pair[0].text.strip_prefix('-').unwrap_or_default();
                if !option.starts_with('-') && option.ends_with('o') && pair[1].text == "pipefail" {
                    report.add(
                        script.source_range(pair[1].range.clone()),
                        format!(
                            "{} has no `pipefail` option: use a bash SHELL",
                            shell_name(script)
                        ),
                    );
                }
            }
        }
    }
}

pub static AMPERSAND_REDIRECT: Rule = Rule {
    name: "posix-ampersand-redirect",
    summary: "&> in a RUN whose shell is POSIX sh",
    docs: "\
Reports `&>` and `&>>` in a RUN run by POSIX sh, dash or ash. The ShellCheck code is SC3020.

**Why:** POSIX sh reads `cmd &> file` as `cmd &` followed by `> file`: the command runs in \
the background, the RUN does not wait for it, and the file is emptied.

**Before**

```dockerfile
RUN make &> /tmp/build.log
```

**After**

```dockerfile
RUN make > /tmp/build.log 2>&1
```

**Fix:** writes `> file 2>&1` (`>> file 2>&1` for `&>>`). Offered as unsafe: the command \
now runs in the foreground, as meant.",
    severity: Severity::Warning,
    category: Category::Correctness,
    scope: Scope::InstructionInContext,
    hadolint: &["SC3020"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::Unsafe,
    check: check_ampersand_redirect,
};

fn check_ampersand_redirect(context: &Context, report: &mut Report) {
    for script in posix_scripts(context) {
        for redirect in nodes_of(context, script, &["file_redirect"]) {
            let Some(operator) = redirect
                .child(0)
                .filter(|o| matches!(o.kind(), "&>" | "&>>"))
            else {
                continue;
            };
            let finding = report.add(
                script.node_range(operator),
                format!(
                    "{} runs `cmd &> file` as `cmd &` and `> file`: write `> file 2>&1`",
                    shell_name(script)
                ),
            );
            if let Some(destination) = redirect.child_by_field_name("destination") {
                let plain = if operator.kind() == "&>" { ">" } else { ">>" };
                let end = script.source_range(destination.byte_range()).end;
                finding.with_unsafe_fix(
                    format!("Write `{plain} file 2>&1`"),
                    vec![
                        Edit {
                            range: script.node_range(operator),
                            new_text: plain.to_owned(),
                        },
                        Edit {
                            range: end..end,
                            new_text: " 2>&1".to_owned(),
                        },
                    ],
                );
            }
        }
    }
}

pub static STRING_REPLACEMENT: Rule = Rule {
    name: "posix-string-replacement",
    summary: "${var/a/b} in a RUN whose shell is POSIX sh",
    docs: "\
Reports `${name/pattern/text}` and `${name//pattern/text}` in a RUN run by POSIX sh, dash or \
ash. The ShellCheck code is SC3060.

**Why:** dash stops with `Bad substitution` and the RUN fails.

**Before**

```dockerfile
RUN version=\"${VERSION//./-}\" && echo \"$version\"
```

**After**

```dockerfile
RUN version=\"$(echo \"$VERSION\" | tr . -)\" && echo \"$version\"
```

**Fix:** none: the replacement needs another command.",
    severity: Severity::Warning,
    category: Category::Correctness,
    scope: Scope::InstructionInContext,
    hadolint: &["SC3060"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::None,
    check: check_string_replacement,
};

fn check_string_replacement(context: &Context, report: &mut Report) {
    for script in posix_scripts(context) {
        for expansion in nodes_of(context, script, &["expansion"]) {
            let replaces = parameter(expansion, &script.text)
                .is_some_and(|p| matches!(p.operator, Some("/" | "//" | "/#" | "/%")));
            if replaces {
                report.add(
                    script.node_range(expansion),
                    format!(
                        "{} has no `${{name/a/b}}`: use sed or tr",
                        shell_name(script)
                    ),
                );
            }
        }
    }
}

pub static ECHO_FLAGS: Rule = Rule {
    name: "posix-echo-flags",
    summary: "echo -e or -n in a RUN whose shell is POSIX sh",
    docs: "\
Reports options given to `echo` (`-e`, `-n`, `-E`) in a RUN run by POSIX sh; under dash and \
ash, whose echo knows `-n`, only `-e` and `-E`. The ShellCheck code is SC3037.

**Why:** dash's echo prints `-e` as text and always expands backslash sequences, so `echo -e \
'a\\tb'` writes `-e a<tab>b`.

**Before**

```dockerfile
RUN echo -e 'line one\\nline two' > /etc/motd
```

**After**

```dockerfile
RUN printf 'line one\\nline two\\n' > /etc/motd
```

**Fix:** none: printf needs a format string, which is a rewrite of the arguments.",
    severity: Severity::Warning,
    category: Category::Correctness,
    scope: Scope::InstructionInContext,
    hadolint: &["SC3037"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::None,
    check: check_echo_flags,
};

fn check_echo_flags(context: &Context, report: &mut Report) {
    for script in posix_scripts(context) {
        for command in &script.commands {
            if command.program() != Some("echo") {
                continue;
            }
            let Some(first) = command.arguments().first() else {
                continue;
            };
            let Some(flags) = first.text.strip_prefix('-') else {
                continue;
            };
            let echo_flags =
                !flags.is_empty() && flags.chars().all(|c| matches!(c, 'n' | 'e' | 'E'));
            let undefined = match script.dialect {
                Dialect::Sh => echo_flags,
                _ => echo_flags && flags.contains(['e', 'E']),
            };
            if undefined {
                report.add(
                    script.source_range(first.range.clone()),
                    format!(
                        "{} echo takes no `{}`: use printf",
                        shell_name(script),
                        first.text
                    ),
                );
            }
        }
    }
}

pub static DOUBLE_EQUALS: Rule = Rule {
    name: "posix-double-equals",
    summary: "== in [ ] in a RUN whose shell is POSIX sh",
    docs: "\
Reports `==` in `[ ... ]` in a RUN run by POSIX sh, dash or ash. The ShellCheck code is \
SC3014.

**Why:** dash's `[` knows only `=`: `[ \"$a\" == b ]` fails with `unexpected operator`, \
which in a condition takes the other branch.

**Before**

```dockerfile
RUN if [ \"$TARGETARCH\" == arm64 ]; then echo arm; fi
```

**After**

```dockerfile
RUN if [ \"$TARGETARCH\" = arm64 ]; then echo arm; fi
```

**Fix:** replaces `==` with `=`, which means the same in every shell's `[`.",
    severity: Severity::Warning,
    category: Category::Correctness,
    scope: Scope::InstructionInContext,
    hadolint: &["SC3014"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::Safe,
    check: check_double_equals,
};

fn check_double_equals(context: &Context, report: &mut Report) {
    for script in posix_scripts(context) {
        for test in nodes_of(context, script, &["test_command"]) {
            if test.child(0).is_none_or(|c| c.kind() != "[") {
                continue;
            }
            for operator in operators_in(test) {
                if script.node_text(operator) != "==" {
                    continue;
                }
                let range = script.node_range(operator);
                report
                    .add(
                        range.clone(),
                        format!("{}'s `[` has no `==`: use `=`", shell_name(script)),
                    )
                    .with_fix(
                        "Use `=`",
                        vec![Edit {
                            range,
                            new_text: "=".to_owned(),
                        }],
                    );
            }
        }
    }
}

/// The operators of the binary expressions of a test.
fn operators_in(test: Node) -> Vec<Node> {
    let mut found = Vec::new();
    let mut stack = vec![test];
    while let Some(node) = stack.pop() {
        if node.kind() == "binary_expression" {
            if let Some(operator) = node.child_by_field_name("operator") {
                found.push(operator);
            }
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    found.sort_by_key(|n| n.start_byte());
    found
}

pub static SOURCE: Rule = Rule {
    name: "posix-source",
    summary: "source in a RUN whose shell is POSIX sh",
    docs: "\
Reports the `source` command in a RUN run by POSIX sh, dash or ash. The ShellCheck code is \
SC3046.

**Why:** dash has no `source`: the RUN fails with `source: not found`.

**Before**

```dockerfile
RUN source /opt/venv/bin/activate && pip install -r requirements.txt
```

**After**

```dockerfile
RUN . /opt/venv/bin/activate && pip install -r requirements.txt
```

**Fix:** replaces `source` with `.`. Offered as unsafe: `.` looks a name without a slash up \
in `PATH` only, where bash's `source` also tries the current directory.",
    severity: Severity::Warning,
    category: Category::Correctness,
    scope: Scope::InstructionInContext,
    hadolint: &["SC3046"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::Unsafe,
    check: check_source,
};

fn check_source(context: &Context, report: &mut Report) {
    for script in posix_scripts(context) {
        for command in &script.commands {
            let Some(index) = command.program_index() else {
                continue;
            };
            let word = &command.words[index];
            if word.text != "source" {
                continue;
            }
            let range = script.source_range(word.range.clone());
            report
                .add(
                    range.clone(),
                    format!("{} has no `source`: use `.`", shell_name(script)),
                )
                .with_unsafe_fix(
                    "Use `.`",
                    vec![Edit {
                        range,
                        new_text: ".".to_owned(),
                    }],
                );
        }
    }
}

pub static PROCESS_SUBSTITUTION: Rule = Rule {
    name: "posix-process-substitution",
    summary: "<(...) in a RUN whose shell is POSIX sh",
    docs: "\
Reports process substitution, `<(...)` and `>(...)`, in a RUN run by POSIX sh, dash or ash. \
The ShellCheck code is SC3001.

**Why:** dash reads `<(` as a syntax error and the RUN fails.

**Before**

```dockerfile
RUN diff <(sort a.txt) <(sort b.txt)
```

**After**

```dockerfile
RUN sort a.txt > /tmp/a && sort b.txt > /tmp/b && diff /tmp/a /tmp/b
```

**Fix:** none: the rewrite needs files or pipes you name.",
    severity: Severity::Warning,
    category: Category::Correctness,
    scope: Scope::InstructionInContext,
    hadolint: &["SC3001"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::None,
    check: check_process_substitution,
};

fn check_process_substitution(context: &Context, report: &mut Report) {
    for script in posix_scripts(context) {
        for node in nodes_of(context, script, &["process_substitution"]) {
            report.add(
                script.node_range(node),
                format!(
                    "{} has no process substitution: use a temporary file",
                    shell_name(script)
                ),
            );
        }
    }
}

pub static HERE_STRING: Rule = Rule {
    name: "posix-here-string",
    summary: "<<< in a RUN whose shell is POSIX sh",
    docs: "\
Reports a here-string, `<<< text`, in a RUN run by POSIX sh, dash or ash. The ShellCheck \
code is SC3011.

**Why:** dash reads `<<<` as a heredoc `<<` followed by `<`, a syntax error.

**Before**

```dockerfile
RUN base64 -d <<< \"$KEY\" > /etc/key
```

**After**

```dockerfile
RUN printf '%s\\n' \"$KEY\" | base64 -d > /etc/key
```

**Fix:** none: the rewrite moves the text before the command.",
    severity: Severity::Warning,
    category: Category::Correctness,
    scope: Scope::InstructionInContext,
    hadolint: &["SC3011"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::None,
    check: check_here_string,
};

fn check_here_string(context: &Context, report: &mut Report) {
    for script in posix_scripts(context) {
        for node in nodes_of(context, script, &["herestring_redirect"]) {
            let operator = node.child(0).filter(|c| c.kind() == "<<<").unwrap_or(node);
            report.add(
                script.node_range(operator),
                format!(
                    "{} has no here-strings: pipe the text with printf",
                    shell_name(script)
                ),
            );
        }
    }
}

pub static ANSI_C_QUOTES: Rule = Rule {
    name: "posix-ansi-c-quoting",
    summary: "$'...' in a RUN whose shell is POSIX sh",
    docs: "\
Reports `$'...'` strings in a RUN run by POSIX sh, dash or ash. The ShellCheck code is \
SC3003.

**Why:** dash reads `$'a\\tb'` as a `$` followed by the single-quoted `a\\tb`: the \
command gets `$a\\tb`, not a tab.

**Before**

```dockerfile
RUN echo $'[main]\\nenabled=1' > /etc/app.conf
```

**After**

```dockerfile
RUN printf '[main]\\nenabled=1\\n' > /etc/app.conf
```

**Fix:** none: the rewrite depends on the command.",
    severity: Severity::Warning,
    category: Category::Correctness,
    scope: Scope::InstructionInContext,
    hadolint: &["SC3003"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::None,
    check: check_ansi_c_quotes,
};

fn check_ansi_c_quotes(context: &Context, report: &mut Report) {
    for script in posix_scripts(context) {
        for node in nodes_of(context, script, &["ansi_c_string"]) {
            report.add(
                script.node_range(node),
                format!("{} has no `$'...'` strings: use printf", shell_name(script)),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{fixed, render};
    use expect_test::expect;

    const BASH: &str = "SHELL [\"/bin/bash\", \"-c\"]\n";

    #[test]
    fn double_brackets() {
        let text = "FROM a\nRUN [[ -f x ]] && [ -f y ]\n";
        expect![[r#"
            11..21 "[[ -f x ]]": POSIX sh has no `[[ ]]`: use `[ ]` or a bash SHELL"#]]
        .assert_eq(&render(&DOUBLE_BRACKET, text));
        assert_eq!(
            render(
                &DOUBLE_BRACKET,
                &text.replace("FROM a\n", &format!("FROM a\n{BASH}"))
            ),
            ""
        );
        // A heredoc with a bash `#!` line is bash's.
        assert_eq!(
            render(
                &DOUBLE_BRACKET,
                "FROM a\nRUN <<EOF\n#!/bin/bash\n[[ -f x ]]\nEOF\n"
            ),
            ""
        );
    }

    #[test]
    fn pipefail_in_sh_and_dash() {
        expect![[r#"
            18..26 "pipefail": POSIX sh has no `pipefail` option: use a bash SHELL
            108..116 "pipefail": dash has no `pipefail` option: use a bash SHELL"#]]
        .assert_eq(&render(
            &PIPEFAIL,
            "FROM a\nRUN set -o pipefail && a | b\nRUN [\"/bin/bash\", \"-c\", \"set -o pipefail\"]\n\
             RUN [\"dash\", \"-c\", \"set -euo pipefail\"]\nRUN [\"ash\", \"-c\", \"set -o pipefail\"]\n",
        ));
    }

    #[test]
    fn ampersand_redirects() {
        expect![[r#"
            16..18 "&>": POSIX sh runs `cmd &> file` as `cmd &` and `> file`: write `> file 2>&1`"#]]
        .assert_eq(&render(
            &AMPERSAND_REDIRECT,
            "FROM a\nRUN make &> log && make 2>&1 > log\n",
        ));
        assert_eq!(
            fixed(
                &AMPERSAND_REDIRECT,
                "FROM a\nRUN make \\\n  &>> /tmp/log; echo\n"
            ),
            "FROM a\nRUN make \\\n  >> /tmp/log 2>&1; echo\n"
        );
    }

    #[test]
    fn string_replacement() {
        expect![[r#"17..26 "${V//./-}": POSIX sh has no `${name/a/b}`: use sed or tr"#]].assert_eq(
            &render(
                &STRING_REPLACEMENT,
                "FROM a\nRUN echo \"${V//./-}\" ${V%.*} ${V:-x}\n",
            ),
        );
    }

    #[test]
    fn echo_flags() {
        expect![[r#"
            16..18 "-e": POSIX sh echo takes no `-e`: use printf
            34..36 "-n": POSIX sh echo takes no `-n`: use printf
            77..79 "-e": dash echo takes no `-e`: use printf"#]]
        .assert_eq(&render(
            &ECHO_FLAGS,
            "FROM a\nRUN echo -e 'a\\nb' && echo -n x && echo -- x\n\
             RUN [\"dash\", \"-c\", \"echo -e x; echo -n y\"]\n",
        ));
    }

    #[test]
    fn double_equals() {
        expect![[r#"18..20 "==": POSIX sh's `[` has no `==`: use `=`"#]].assert_eq(&render(
            &DOUBLE_EQUALS,
            "FROM a\nRUN [ \"$A\" == b ] && [ \"$A\" = b ] && [[ $A == b ]]\n",
        ));
        assert_eq!(
            fixed(
                &DOUBLE_EQUALS,
                "FROM a\nRUN if [ \"$A\" == b ]; then :; fi\n"
            ),
            "FROM a\nRUN if [ \"$A\" = b ]; then :; fi\n"
        );
    }

    #[test]
    fn other_bash_syntax() {
        let text = "FROM a\nRUN source /x && diff <(ls) y && base64 <<< x && echo $'a'\n";
        expect![[r#"
            11..17 "source": POSIX sh has no `source`: use `.`"#]]
        .assert_eq(&render(&SOURCE, text));
        expect![[r#"29..34 "<(ls)": POSIX sh has no process substitution: use a temporary file"#]]
            .assert_eq(&render(&PROCESS_SUBSTITUTION, text));
        expect![[r#"47..50 "<<<": POSIX sh has no here-strings: pipe the text with printf"#]]
            .assert_eq(&render(&HERE_STRING, text));
        expect![[r#"61..65 "$'a'": POSIX sh has no `$'...'` strings: use printf"#]]
            .assert_eq(&render(&ANSI_C_QUOTES, text));
        let bash = text.replace("FROM a\n", &format!("FROM a\n{BASH}"));
        for rule in [&SOURCE, &PROCESS_SUBSTITUTION, &HERE_STRING, &ANSI_C_QUOTES] {
            assert_eq!(render(rule, &bash), "", "{}", rule.name);
        }
        assert_eq!(
            fixed(&SOURCE, "FROM a\nRUN source /venv/bin/activate\n"),
            "FROM a\nRUN . /venv/bin/activate\n"
        );
    }
}
