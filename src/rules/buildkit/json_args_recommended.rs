//! CMD or ENTRYPOINT in shell form.

use std::ops::Range;

use super::super::{Category, Context, Fixes, Report, Rule, Scope};
use super::util;
use crate::diagnostic::Edit;
use crate::diagnostic::Severity;
use crate::model::{collapse_continuations, Form, Instruction, Model};

pub static RULE: Rule = Rule {
    name: "json-args-recommended",
    summary: "CMD or ENTRYPOINT in shell form",
    docs: "\
Reports `CMD` and `ENTRYPOINT` written in shell form (`CMD my-server --port 80`) in a stage \
that has not chosen its shell with `SHELL`.

**Why:** in shell form the container runs `/bin/sh -c \"...\"`: the shell is the main process \
and does not pass `docker stop`'s SIGTERM on to the program, which is killed without a chance \
to shut down after the stop timeout. In exec form the program receives the signal itself. An \
`ENTRYPOINT` in shell form also ignores `CMD` and the arguments of `docker run`.

**Before**

```dockerfile
FROM python:3.12-slim
CMD gunicorn --bind 0.0.0.0:8000 app:app
```

**After**

```dockerfile
FROM python:3.12-slim
CMD [\"gunicorn\", \"--bind\", \"0.0.0.0:8000\", \"app:app\"]
```

If the command needs the shell (pipes, `&&`, variables), keep it explicit with \
`[\"/bin/sh\", \"-c\", \"...\"]`, start a script that ends in `exec \"$@\"`, or set `SHELL` \
to say the shell form is intended.

**Fix:** when the command is plain words, rewrites it as a JSON array of those words (a leading \
`exec` is dropped); line continuations are kept. When it uses shell features, wraps it as \
`[\"/bin/sh\", \"-c\", \"...\"]`, which runs exactly as before. The plain-words fix changes what \
runs alongside an `ENTRYPOINT` (for `CMD`) or a `CMD` (for `ENTRYPOINT`) of the same stage, so \
it is not applied automatically there. No fix is offered for images that look like Windows ones, \
whose default shell is `cmd`.",
    severity: Severity::Warning,
    category: Category::Correctness,
    scope: Scope::File,
    hadolint: &["DL3025"],
    buildkit: Some("JSONArgsRecommended"),
    off_by_default: false,
    fixes: Fixes::Safe,
    check,
};

fn check(context: &Context, report: &mut Report) {
    let model = context.model;
    for (index, instruction) in model.instructions.iter().enumerate() {
        if !matches!(instruction.keyword.as_str(), "CMD" | "ENTRYPOINT")
            || !matches!(instruction.form, Form::Shell | Form::ShellFallback)
        {
            continue;
        }
        let (Some(stage), Some(command)) = (instruction.stage, &instruction.command_range) else {
            continue;
        };
        if has_shell_instruction(model, stage, index) {
            continue;
        }
        let keyword = &instruction.keyword;
        let finding = report.add(
            command.clone(),
            format!("`{keyword}` in shell form runs under `/bin/sh -c`, which does not pass stop signals on; use the JSON form"),
        );
        if instruction.form != Form::Shell || looks_like_windows(context, stage) {
            continue;
        }
        match exec_words(context, command.clone()) {
            Some(array) => {
                let edits = vec![Edit {
                    range: command.clone(),
                    new_text: array,
                }];
                let title = "Convert to the JSON form";
                if changes_pairing(model, stage, instruction) {
                    finding.with_unsafe_fix(title, edits);
                } else {
                    finding.with_fix(title, edits);
                }
            }
            None => {
                let text = collapse_continuations(context.slice(command.clone()), model.escape);
                let wrapped = format!("[\"/bin/sh\", \"-c\", {}]", util::json_string(text.trim()));
                finding.with_fix(
                    "Convert to the JSON form, keeping `/bin/sh -c`",
                    vec![Edit {
                        range: command.clone(),
                        new_text: wrapped,
                    }],
                );
            }
        }
    }
}

/// Whether a SHELL comes before instruction `index` in its stage or in a stage it is built on.
fn has_shell_instruction(model: &Model, stage: usize, index: usize) -> bool {
    let mut current = Some(stage);
    let mut seen = 0;
    while let Some(s) = current {
        let Some(st) = model.stages.get(s) else {
            return false;
        };
        let end = if s == stage {
            index
        } else {
            st.instructions.end
        };
        if model
            .instructions
            .get(st.instructions.start..end)
            .is_some_and(|all| all.iter().any(|i| i.keyword == "SHELL"))
        {
            return true;
        }
        seen += 1;
        if seen > model.stages.len() {
            return false;
        }
        current = st.base_stage;
    }
    false
}

/// Whether converting changes what runs: a CMD next to an ENTRYPOINT becomes its arguments
/// as words instead of `/bin/sh -c ...`, and an ENTRYPOINT in exec form takes the stage's CMD.
fn changes_pairing(model: &Model, stage: usize, instruction: &Instruction) -> bool {
    let other = if instruction.keyword == "CMD" {
        "ENTRYPOINT"
    } else {
        "CMD"
    };
    let mut current = Some(stage);
    let mut seen = 0;
    while let Some(s) = current {
        let Some(st) = model.stages.get(s) else {
            return false;
        };
        if model
            .instructions
            .get(st.instructions.clone())
            .is_some_and(|all| all.iter().any(|i| i.keyword == other))
        {
            return true;
        }
        // A shell-form ENTRYPOINT drops the CMD of the image it is built on.
        if other == "CMD" {
            return false;
        }
        seen += 1;
        if seen > model.stages.len() {
            return false;
        }
        current = st.base_stage;
    }
    false
}

fn looks_like_windows(context: &Context, stage: usize) -> bool {
    if context.model.escape == '`' {
        return true;
    }
    let mut current = Some(stage);
    let mut seen = 0;
    while let Some(s) = current {
        let Some(st) = context.model.stages.get(s) else {
            return false;
        };
        if let Some(image) = &st.image {
            let text = image.text.to_ascii_lowercase();
            if ["windows", "nanoserver", "servercore"]
                .iter()
                .any(|w| text.contains(w))
            {
                return true;
            }
        }
        seen += 1;
        if seen > context.model.stages.len() {
            return false;
        }
        current = st.base_stage;
    }
    false
}

/// Words the shell would not treat specially, outside quotes.
fn is_plain(c: char) -> bool {
    !matches!(
        c,
        '|' | '&'
            | ';'
            | '<'
            | '>'
            | '('
            | ')'
            | '$'
            | '`'
            | '\\'
            | '*'
            | '?'
            | '['
            | '~'
            | '#'
            | '!'
            | '{'
            | '}'
    ) && !c.is_whitespace()
}

/// Shell words a command would run as a program and its arguments.
const SHELL_BUILTINS: &[&str] = &[
    ".", ":", "alias", "break", "case", "cd", "continue", "eval", "exit", "export", "for", "if",
    "read", "return", "set", "shift", "source", "trap", "ulimit", "umask", "unset", "until",
    "wait", "while",
];

/// The command as a JSON array of its words, when it is plain words the shell would pass on
/// unchanged; `None` when it relies on the shell.
fn exec_words(context: &Context, command: Range<usize>) -> Option<String> {
    let text = context.slice(command.clone());
    let escape = context.model.escape;
    // Each word's value and where it ends; each gap's text.
    let mut words: Vec<String> = Vec::new();
    let mut gaps: Vec<String> = Vec::new();
    let mut current: Option<String> = None;
    let mut gap = String::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == escape {
            let rest = &text[i + c.len_utf8()..];
            let blanks = rest.len() - rest.trim_start_matches([' ', '\t', '\r']).len();
            if !rest[blanks..].starts_with('\n') || current.is_some() {
                return None;
            }
            // Keep the continuation, and any comment or empty lines after it, as written.
            let mut end = i + c.len_utf8() + blanks + 1;
            while let Some(line) = text.get(end..) {
                let line_end = line.find('\n').map_or(text.len(), |e| end + e);
                let content = text[end..line_end].trim();
                if (content.is_empty() || content.starts_with('#')) && line_end < text.len() {
                    end = line_end + 1;
                } else {
                    break;
                }
            }
            gap.push_str(&text[i..end]);
            while chars.peek().is_some_and(|&(j, _)| j < end) {
                chars.next();
            }
            continue;
        }
        if c.is_whitespace() {
            if let Some(word) = current.take() {
                words.push(word);
            }
            gap.push(c);
            continue;
        }
        if c != '\'' && c != '"' && !is_plain(c) {
            return None;
        }
        if current.is_none() {
            if !words.is_empty() {
                gaps.push(std::mem::take(&mut gap));
            }
            gap.clear();
            current = Some(String::new());
        }
        let word = current.get_or_insert_with(String::new);
        if c == '\'' || c == '"' {
            let mut closed = false;
            for (_, inner) in chars.by_ref() {
                if inner == c {
                    closed = true;
                    break;
                }
                if c == '"' && matches!(inner, '$' | '`' | '\\') || inner == escape {
                    return None;
                }
                word.push(inner);
            }
            if !closed {
                return None;
            }
        } else {
            word.push(c);
        }
    }
    if let Some(word) = current.take() {
        words.push(word);
    }
    if words.first().is_some_and(|w| w == "exec") {
        words.remove(0);
        if !gaps.is_empty() {
            gaps.remove(0);
        }
    }
    let first = words.first()?;
    if SHELL_BUILTINS.contains(&first.as_str()) || is_assignment(first) {
        return None;
    }
    let mut out = String::from("[");
    for (i, word) in words.iter().enumerate() {
        if i > 0 {
            match gaps.get(i - 1) {
                Some(gap) if gap.contains('\n') => {
                    out.push(',');
                    out.push_str(gap);
                }
                _ => out.push_str(", "),
            }
        }
        out.push_str(&util::json_string(word));
    }
    out.push(']');
    Some(out)
}

fn is_assignment(word: &str) -> bool {
    match word.split_once('=') {
        Some((name, _)) => {
            !name.is_empty()
                && !name.starts_with(|c: char| c.is_ascii_digit())
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::rules::testing::{findings, fixed, render};

    #[test]
    fn reports_shell_form_commands() {
        expect![[r#"
            11..30 "my-server --port 80": `CMD` in shell form runs under `/bin/sh -c`, which does not pass stop signals on; use the JSON form
            42..52 "exec nginx": `ENTRYPOINT` in shell form runs under `/bin/sh -c`, which does not pass stop signals on; use the JSON form"#]].assert_eq(&render(
            &RULE,
            "FROM a\nCMD my-server --port 80\nENTRYPOINT exec nginx\nRUN x\n",
        ));
    }

    #[test]
    fn exec_form_and_declared_shells_are_fine() {
        assert_eq!(
            render(
                &RULE,
                "FROM a\nCMD [\"a\"]\nENTRYPOINT [\"b\", \"c\"]\nRUN echo hi\n\
                 FROM b AS shell\nSHELL [\"/bin/bash\", \"-c\"]\nCMD echo $HOME\n\
                 FROM shell\nCMD echo again\n"
            ),
            ""
        );
    }

    #[test]
    fn fix_splits_plain_words() {
        assert_eq!(
            fixed(
                &RULE,
                "FROM a\nCMD gunicorn --bind 0.0.0.0:8000 'app:create()' \"x y\"\n"
            ),
            "FROM a\nCMD [\"gunicorn\", \"--bind\", \"0.0.0.0:8000\", \"app:create()\", \"x y\"]\n"
        );
        assert_eq!(
            fixed(&RULE, "FROM a\nENTRYPOINT exec nginx -g 'daemon off;'\n"),
            "FROM a\nENTRYPOINT [\"nginx\", \"-g\", \"daemon off;\"]\n"
        );
    }

    #[test]
    fn fix_keeps_continuations() {
        assert_eq!(
            fixed(&RULE, "FROM a\nCMD server \\\n    --port 80 \\\n# comment\n    --debug\n"),
            "FROM a\nCMD [\"server\", \\\n    \"--port\", \"80\", \\\n# comment\n    \"--debug\"]\n"
        );
    }

    #[test]
    fn fix_wraps_shell_features() {
        assert_eq!(
            fixed(
                &RULE,
                "FROM a\nCMD echo \"$HOME\" | tee /x && run \\\n  --now\n"
            ),
            "FROM a\nCMD [\"/bin/sh\", \"-c\", \"echo \\\"$HOME\\\" | tee /x && run   --now\"]\n"
        );
        assert_eq!(
            fixed(&RULE, "FROM a\nCMD cd /app; ./run\n"),
            "FROM a\nCMD [\"/bin/sh\", \"-c\", \"cd /app; ./run\"]\n"
        );
        assert_eq!(
            fixed(&RULE, "FROM a\nCMD FOO=1 run\n"),
            "FROM a\nCMD [\"/bin/sh\", \"-c\", \"FOO=1 run\"]\n"
        );
    }

    #[test]
    fn fix_is_unsafe_next_to_an_entrypoint() {
        let found = findings(&RULE, "FROM a\nENTRYPOINT [\"tini\"]\nCMD run --fast\n");
        assert!(!found[0].fixes[0].safe);
        let found = findings(&RULE, "FROM a\nENTRYPOINT run\nCMD [\"--fast\"]\n");
        assert!(!found[0].fixes[0].safe);
        let found = findings(&RULE, "FROM a\nCMD run --fast\n");
        assert!(found[0].fixes[0].safe);
    }

    #[test]
    fn no_fix_for_windows_images() {
        let found = findings(
            &RULE,
            "FROM mcr.microsoft.com/windows/servercore\nCMD dir\n",
        );
        assert!(found[0].fixes.is_empty());
    }
}
