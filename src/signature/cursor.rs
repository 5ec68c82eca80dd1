//! Where the cursor is: which form of its instruction a line is written in (shell, exec,
//! heredoc, legacy ENV, ...) and which argument of that form the cursor is in, read from the
//! words of the logical line and, for complete instructions, the model.

use crate::context::Word;
use crate::model::{Form, Instruction, Model};

/// Which argument the cursor is in, or between.
#[derive(Debug, Clone, Copy)]
pub(super) struct Cursor {
    /// The argument's index; between arguments, the index a word typed there would get.
    pub(super) index: usize,
    /// The cursor touches an argument (inside it or right after it).
    pub(super) in_word: bool,
}

impl Cursor {
    pub(super) fn new(arguments: &[Word], offset: usize) -> Cursor {
        match arguments
            .iter()
            .position(|w| w.range.start <= offset && offset <= w.range.end)
        {
            Some(index) => Cursor {
                index,
                in_word: true,
            },
            None => Cursor {
                index: arguments.iter().filter(|w| w.range.end < offset).count(),
                in_word: false,
            },
        }
    }
}

/// What the active signature and parameter are decided from.
pub(super) struct Shape<'a> {
    pub(super) text: &'a str,
    pub(super) arguments: &'a [Word],
    pub(super) positional: &'a [Word],
    pub(super) cursor: Cursor,
    pub(super) flag_count: usize,
    pub(super) offset: usize,
    pub(super) line_end: usize,
    pub(super) instruction: Option<&'a Instruction>,
    pub(super) model: &'a Model,
}

/// The parameter the cursor is in: a flag by name, or the n-th positional parameter.
pub(super) enum Active {
    None,
    Flag(String),
    Positional(usize),
}

impl Shape<'_> {
    /// The cursor's index among the positional arguments, `None` when it is among the flags.
    fn position(&self) -> Option<usize> {
        self.cursor.index.checked_sub(self.flag_count)
    }

    /// How many positional arguments the line has, counting one typed at the cursor.
    fn total(&self) -> usize {
        self.positional.len() + usize::from(!self.cursor.in_word)
    }

    /// The positional argument the cursor is in.
    fn current(&self) -> Option<&Word> {
        if !self.cursor.in_word {
            return None;
        }
        self.positional.get(self.position()?)
    }

    /// The text of the cursor's argument up to the cursor.
    fn typed(&self) -> &str {
        self.current()
            .and_then(|w| self.text.get(w.range.start..self.offset))
            .unwrap_or_default()
    }

    /// The parameter of a flag the cursor is on, by name.
    fn flag(&self) -> Active {
        if !self.cursor.in_word {
            return Active::None;
        }
        match self.arguments.get(self.cursor.index) {
            Some(word) => {
                let name = word.text.trim_start_matches('-');
                let name = name.split('=').next().unwrap_or(name);
                Active::Flag(name.to_owned())
            }
            None => Active::None,
        }
    }

    /// Whether the command starting at positional argument `at` is a JSON array: exec form per
    /// the model, or a `[` that is still open while it is being typed.
    fn is_exec(&self, at: usize) -> bool {
        match self.instruction.map(|i| i.form) {
            Some(Form::Exec) => true,
            Some(Form::Shell) if self.instruction.is_some_and(|i| !i.has_heredoc()) => false,
            _ => self.json(at).is_some_and(|json| !json.closed),
        }
    }

    /// The JSON array starting at positional argument `at`, read up to the end of the line.
    fn json(&self, at: usize) -> Option<JsonArray> {
        let start = self.positional.get(at)?;
        if !start.text.starts_with('[') {
            return None;
        }
        Some(json_array(
            self.text,
            start.range.start,
            self.line_end,
            self.offset,
        ))
    }

    /// The element of the JSON array at `at` the cursor is in, and how many there are.
    fn element(&self, at: usize) -> (usize, usize) {
        match self.json(at) {
            Some(json) => (json.index, json.count),
            None => (0, 1),
        }
    }
}

/// Where the cursor is in a JSON array.
struct JsonArray {
    /// The element the cursor is in.
    index: usize,
    /// How many elements the array has.
    count: usize,
    /// The array's `]` was found.
    closed: bool,
}

/// Reads the JSON array whose `[` is at `start`, up to `end`: counts the elements before
/// `cursor` and in all. Strings may hold commas and brackets; comment lines inside a
/// continuation are skipped.
fn json_array(text: &str, start: usize, end: usize, cursor: usize) -> JsonArray {
    let body = text.get(start..end.max(start)).unwrap_or_default();
    let mut array = JsonArray {
        index: 0,
        count: 1,
        closed: false,
    };
    let mut in_string = false;
    let mut escaped = false;
    let mut line_start = false;
    let mut in_comment = false;
    for (i, c) in body.char_indices().skip(1) {
        let at = start + i;
        if in_comment {
            in_comment = c != '\n';
            line_start = c == '\n';
            continue;
        }
        if line_start && !in_string {
            if c == '#' {
                in_comment = true;
                continue;
            }
            line_start = c.is_whitespace();
        }
        if c == '\n' {
            line_start = true;
        }
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            ',' => {
                array.count += 1;
                if at < cursor {
                    array.index += 1;
                }
            }
            ']' => {
                array.closed = true;
                break;
            }
            _ => {}
        }
    }
    array
}

/// The active signature and parameter of `keyword` for the line's shape.
pub(super) fn choose(keyword: &str, shape: &Shape) -> (usize, Active) {
    let Some(position) = shape.position() else {
        // The cursor is among the flags; the form still follows the command.
        let signature = match keyword {
            "RUN" if is_heredoc(shape) => 2,
            "ADD" | "COPY" | "RUN" | "VOLUME" if shape.is_exec(0) => 1,
            "HEALTHCHECK" if shape.is_exec(1) => 1,
            _ => 0,
        };
        return (signature, shape.flag());
    };
    let total = shape.total();
    let last_of = |count: usize, index: usize| count >= 2 && index + 1 == count;
    let positional =
        |signature: usize, parameter: usize| (signature, Active::Positional(parameter));
    match keyword {
        "ADD" | "COPY" => {
            if shape.is_exec(0) {
                let (index, count) = shape.element(0);
                positional(1, usize::from(last_of(count, index)))
            } else {
                positional(0, usize::from(last_of(total, position)))
            }
        }
        "ARG" | "EXPOSE" | "LABEL" => positional(0, position.min(1)),
        "ENV" => {
            let legacy = total >= 2
                && shape
                    .positional
                    .first()
                    .is_some_and(|w| !w.text.contains('='));
            positional(usize::from(legacy), position.min(1))
        }
        "CMD" => {
            if shape.is_exec(0) {
                let (index, _) = shape.element(0);
                if stage_has_exec_entrypoint(shape) {
                    positional(1, index.min(1))
                } else {
                    positional(0, index.min(2))
                }
            } else {
                positional(2, position.min(2))
            }
        }
        "ENTRYPOINT" => {
            if shape.is_exec(0) {
                positional(0, shape.element(0).0.min(2))
            } else {
                positional(1, position.min(2))
            }
        }
        "FROM" => positional(0, position.min(1)),
        "HEALTHCHECK" => {
            let none = shape
                .positional
                .first()
                .is_some_and(|w| w.text.eq_ignore_ascii_case("NONE"));
            if none {
                positional(2, 0)
            } else if position == 0 {
                let signature = usize::from(shape.is_exec(1));
                positional(signature, 0)
            } else if shape.is_exec(1) {
                positional(1, 1 + shape.element(1).0.min(2))
            } else {
                positional(0, 1)
            }
        }
        "RUN" => {
            if is_heredoc(shape) {
                let marker = shape
                    .positional
                    .iter()
                    .position(|w| w.text.starts_with("<<"))
                    .unwrap_or(0);
                positional(2, usize::from(position > marker))
            } else if shape.is_exec(0) {
                positional(1, shape.element(0).0.min(2))
            } else {
                positional(0, 0)
            }
        }
        "SHELL" => positional(0, shape.element(0).0.min(1)),
        "USER" => positional(0, usize::from(shape.typed().contains(':'))),
        "VOLUME" => positional(usize::from(shape.is_exec(0)), 0),
        _ => positional(0, 0),
    }
}

fn is_heredoc(shape: &Shape) -> bool {
    shape.instruction.is_some_and(Instruction::has_heredoc)
        || shape.positional.iter().any(|w| w.text.starts_with("<<"))
}

/// Whether the stage of the CMD under the cursor has an exec-form ENTRYPOINT, so that the
/// CMD's array gives the ENTRYPOINT's arguments.
fn stage_has_exec_entrypoint(shape: &Shape) -> bool {
    let Some(stage) = shape
        .instruction
        .and_then(|i| i.stage)
        .and_then(|s| shape.model.stages.get(s))
    else {
        return false;
    };
    shape
        .model
        .instructions
        .get(stage.instructions.clone())
        .unwrap_or_default()
        .iter()
        .any(|i| i.keyword == "ENTRYPOINT" && i.form == Form::Exec)
}

#[cfg(test)]
mod tests {
    use super::super::testing::check;
    use expect_test::expect;

    #[test]
    fn run_shell_form() {
        check(
            "FROM a\nRUN apt-get $0install -y curl\n",
            expect![[r#"
                * RUN [--mount=[type=<type>][,<key>=<value>...]]... [--network=default|none|host] [--security=sandbox|insecure] [--device=<name>[,required]]... <command>
                  RUN [--mount=[type=<type>][,<key>=<value>...]]... [--network=default|none|host] [--security=sandbox|insecure] [--device=<name>[,required]]... ["executable", "param1", "param2"]
                  RUN [--mount=[type=<type>][,<key>=<value>...]]... [--network=default|none|host] [--security=sandbox|insecure] [--device=<name>[,required]]... <<EOF [<command>]
                parameter 4: 142..151 `<command>`
            "#]],
        );
    }

    #[test]
    fn run_exec_form_element() {
        check(
            "FROM a\nRUN [\"make\", $0\n",
            expect![[r#"
              RUN [--mount=[type=<type>][,<key>=<value>...]]... [--network=default|none|host] [--security=sandbox|insecure] [--device=<name>[,required]]... <command>
            * RUN [--mount=[type=<type>][,<key>=<value>...]]... [--network=default|none|host] [--security=sandbox|insecure] [--device=<name>[,required]]... ["executable", "param1", "param2"]
              RUN [--mount=[type=<type>][,<key>=<value>...]]... [--network=default|none|host] [--security=sandbox|insecure] [--device=<name>[,required]]... <<EOF [<command>]
            parameter 5: 157..165 `"param1"`
        "#]],
        );
        check(
            "FROM a\nRUN [\"make\", \"a,b\", \"c$0\"]\n",
            expect![[r#"
              RUN [--mount=[type=<type>][,<key>=<value>...]]... [--network=default|none|host] [--security=sandbox|insecure] [--device=<name>[,required]]... <command>
            * RUN [--mount=[type=<type>][,<key>=<value>...]]... [--network=default|none|host] [--security=sandbox|insecure] [--device=<name>[,required]]... ["executable", "param1", "param2"]
              RUN [--mount=[type=<type>][,<key>=<value>...]]... [--network=default|none|host] [--security=sandbox|insecure] [--device=<name>[,required]]... <<EOF [<command>]
            parameter 6: 167..175 `"param2"`
        "#]],
        );
    }

    #[test]
    fn run_shell_form_with_brackets_stays_shell() {
        check(
            "FROM a\nRUN [ -f x ] && ech$0o\n",
            expect![[r#"
            * RUN [--mount=[type=<type>][,<key>=<value>...]]... [--network=default|none|host] [--security=sandbox|insecure] [--device=<name>[,required]]... <command>
              RUN [--mount=[type=<type>][,<key>=<value>...]]... [--network=default|none|host] [--security=sandbox|insecure] [--device=<name>[,required]]... ["executable", "param1", "param2"]
              RUN [--mount=[type=<type>][,<key>=<value>...]]... [--network=default|none|host] [--security=sandbox|insecure] [--device=<name>[,required]]... <<EOF [<command>]
            parameter 4: 142..151 `<command>`
        "#]],
        );
    }

    #[test]
    fn run_heredoc_form() {
        check(
            "FROM a\nRUN <<EOF python3$0\nprint(1)\nEOF\n",
            expect![[r#"
                  RUN [--mount=[type=<type>][,<key>=<value>...]]... [--network=default|none|host] [--security=sandbox|insecure] [--device=<name>[,required]]... <command>
                  RUN [--mount=[type=<type>][,<key>=<value>...]]... [--network=default|none|host] [--security=sandbox|insecure] [--device=<name>[,required]]... ["executable", "param1", "param2"]
                * RUN [--mount=[type=<type>][,<key>=<value>...]]... [--network=default|none|host] [--security=sandbox|insecure] [--device=<name>[,required]]... <<EOF [<command>]
                parameter 5: 149..158 `<command>`
            "#]],
        );
        check(
            "FROM a\nRUN <<EOF\nec$0ho\nEOF\n",
            expect![[r#"
            no signature help
        "#]],
        );
    }

    #[test]
    fn continuation_lines() {
        check(
            "FROM a\nRUN --mount=type=cache,target=/var/cache/apt \\\n    # refresh\n    apt-get $0update\n",
            expect![[r#"
                * RUN [--mount=[type=<type>][,<key>=<value>...]]... [--network=default|none|host] [--security=sandbox|insecure] [--device=<name>[,required]]... <command>
                  RUN [--mount=[type=<type>][,<key>=<value>...]]... [--network=default|none|host] [--security=sandbox|insecure] [--device=<name>[,required]]... ["executable", "param1", "param2"]
                  RUN [--mount=[type=<type>][,<key>=<value>...]]... [--network=default|none|host] [--security=sandbox|insecure] [--device=<name>[,required]]... <<EOF [<command>]
                parameter 4: 142..151 `<command>`
            "#]],
        );
        check(
            "# escape=`\nFROM a\nCOPY a `\n  b `\n  $0\n",
            expect![[r#"
                * COPY [--from=<stage|image|context>] [--chown=<user>[:<group>]] [--chmod=<perms>] [--link[=true|false]] [--parents[=true|false]] [--exclude=<pattern>]... <src>... <dest>
                  COPY [--from=<stage|image|context>] [--chown=<user>[:<group>]] [--chmod=<perms>] [--link[=true|false]] [--parents[=true|false]] [--exclude=<pattern>]... ["<src>", ... "<dest>"]
                parameter 7: 162..168 `<dest>`
            "#]],
        );
    }

    #[test]
    fn copy_sources_and_destination() {
        check(
            "FROM a\nCOPY $0\n",
            expect![[r#"
            * COPY [--from=<stage|image|context>] [--chown=<user>[:<group>]] [--chmod=<perms>] [--link[=true|false]] [--parents[=true|false]] [--exclude=<pattern>]... <src>... <dest>
              COPY [--from=<stage|image|context>] [--chown=<user>[:<group>]] [--chmod=<perms>] [--link[=true|false]] [--parents[=true|false]] [--exclude=<pattern>]... ["<src>", ... "<dest>"]
            parameter 6: 153..161 `<src>...`
        "#]],
        );
        check(
            "FROM a\nCOPY a$0 b c/\n",
            expect![[r#"
            * COPY [--from=<stage|image|context>] [--chown=<user>[:<group>]] [--chmod=<perms>] [--link[=true|false]] [--parents[=true|false]] [--exclude=<pattern>]... <src>... <dest>
              COPY [--from=<stage|image|context>] [--chown=<user>[:<group>]] [--chmod=<perms>] [--link[=true|false]] [--parents[=true|false]] [--exclude=<pattern>]... ["<src>", ... "<dest>"]
            parameter 6: 153..161 `<src>...`
        "#]],
        );
        check(
            "FROM a\nCOPY a b $0\n",
            expect![[r#"
            * COPY [--from=<stage|image|context>] [--chown=<user>[:<group>]] [--chmod=<perms>] [--link[=true|false]] [--parents[=true|false]] [--exclude=<pattern>]... <src>... <dest>
              COPY [--from=<stage|image|context>] [--chown=<user>[:<group>]] [--chmod=<perms>] [--link[=true|false]] [--parents[=true|false]] [--exclude=<pattern>]... ["<src>", ... "<dest>"]
            parameter 7: 162..168 `<dest>`
        "#]],
        );
        check(
            "FROM a\nCOPY --from=build a $0b\n",
            expect![[r#"
            * COPY [--from=<stage|image|context>] [--chown=<user>[:<group>]] [--chmod=<perms>] [--link[=true|false]] [--parents[=true|false]] [--exclude=<pattern>]... <src>... <dest>
              COPY [--from=<stage|image|context>] [--chown=<user>[:<group>]] [--chmod=<perms>] [--link[=true|false]] [--parents[=true|false]] [--exclude=<pattern>]... ["<src>", ... "<dest>"]
            parameter 7: 162..168 `<dest>`
        "#]],
        );
        check(
            "FROM a\nCOPY [\"a b\", \"c$0\"]\n",
            expect![[r#"
              COPY [--from=<stage|image|context>] [--chown=<user>[:<group>]] [--chmod=<perms>] [--link[=true|false]] [--parents[=true|false]] [--exclude=<pattern>]... <src>... <dest>
            * COPY [--from=<stage|image|context>] [--chown=<user>[:<group>]] [--chmod=<perms>] [--link[=true|false]] [--parents[=true|false]] [--exclude=<pattern>]... ["<src>", ... "<dest>"]
            parameter 7: 167..175 `"<dest>"`
        "#]],
        );
        check(
            "FROM a\nADD [\"a\", $0\"b\", \"c/\"]\n",
            expect![[r#"
              ADD [--keep-git-dir=<bool>] [--checksum=<hash>] [--chown=<user>[:<group>]] [--chmod=<perms>] [--link[=true|false]] [--unpack=<bool>] [--exclude=<pattern>]... <src>... <dest>
            * ADD [--keep-git-dir=<bool>] [--checksum=<hash>] [--chown=<user>[:<group>]] [--chmod=<perms>] [--link[=true|false]] [--unpack=<bool>] [--exclude=<pattern>]... ["<src>", ... "<dest>"]
            parameter 7: 159..166 `"<src>"`
        "#]],
        );
    }

    #[test]
    fn from_image_and_name() {
        check(
            "FROM alp$0ine\n",
            expect![[r#"
            * FROM [--platform=<platform>] <image>[:<tag>|@<digest>] [AS <name>]
            parameter 1: 29..54 `<image>[:<tag>|@<digest>]`
        "#]],
        );
        check(
            "FROM alpine AS $0\n",
            expect![[r#"
            * FROM [--platform=<platform>] <image>[:<tag>|@<digest>] [AS <name>]
            parameter 2: 56..65 `AS <name>`
        "#]],
        );
        check(
            "FROM --platform=$BUILDPLATFORM golang:1.22 AS bu$0ild\n",
            expect![[r#"
            * FROM [--platform=<platform>] <image>[:<tag>|@<digest>] [AS <name>]
            parameter 2: 56..65 `AS <name>`
        "#]],
        );
    }

    #[test]
    fn cmd_and_entrypoint_forms() {
        check(
            "FROM a\nCMD [\"node\", $0\n",
            expect![[r#"
            * CMD ["executable", "param1", "param2"]
              CMD ["param1", "param2"]
              CMD command param1 param2
            parameter 1: 19..27 `"param1"`
        "#]],
        );
        check(
            "FROM a\nENTRYPOINT [\"/app\"]\nCMD [\"--port\", \"80$0\"]\n",
            expect![[r#"
                  CMD ["executable", "param1", "param2"]
                * CMD ["param1", "param2"]
                  CMD command param1 param2
                parameter 1: 15..23 `"param2"`
            "#]],
        );
        check(
            "FROM a\nCMD node server.js $0\n",
            expect![[r#"
              CMD ["executable", "param1", "param2"]
              CMD ["param1", "param2"]
            * CMD command param1 param2
            parameter 2: 19..25 `param2`
        "#]],
        );
        check(
            "FROM a\nENTRYPOINT [\"/app$0\"]\n",
            expect![[r#"
            * ENTRYPOINT ["executable", "param1", "param2"]
              ENTRYPOINT command param1 param2
            parameter 0: 12..24 `"executable"`
        "#]],
        );
        check(
            "FROM a\nENTRYPOINT exec /app $0\n",
            expect![[r#"
              ENTRYPOINT ["executable", "param1", "param2"]
            * ENTRYPOINT command param1 param2
            parameter 2: 26..32 `param2`
        "#]],
        );
    }

    #[test]
    fn healthcheck_forms() {
        check(
            "FROM a\nHEALTHCHECK --interval=5s CMD curl$0 -f x\n",
            expect![[r#"
            * HEALTHCHECK [--interval=<duration>] [--timeout=<duration>] [--start-period=<duration>] [--start-interval=<duration>] [--retries=<n>] CMD <command>
              HEALTHCHECK [--interval=<duration>] [--timeout=<duration>] [--start-period=<duration>] [--start-interval=<duration>] [--retries=<n>] CMD ["executable", "param1", "param2"]
              HEALTHCHECK NONE
            parameter 6: 137..146 `<command>`
        "#]],
        );
        check(
            "FROM a\nHEALTHCHECK CM$0D true\n",
            expect![[r#"
            * HEALTHCHECK [--interval=<duration>] [--timeout=<duration>] [--start-period=<duration>] [--start-interval=<duration>] [--retries=<n>] CMD <command>
              HEALTHCHECK [--interval=<duration>] [--timeout=<duration>] [--start-period=<duration>] [--start-interval=<duration>] [--retries=<n>] CMD ["executable", "param1", "param2"]
              HEALTHCHECK NONE
            parameter 5: 133..136 `CMD`
        "#]],
        );
        check(
            "FROM a\nHEALTHCHECK CMD [\"curl\", $0\n",
            expect![[r#"
              HEALTHCHECK [--interval=<duration>] [--timeout=<duration>] [--start-period=<duration>] [--start-interval=<duration>] [--retries=<n>] CMD <command>
            * HEALTHCHECK [--interval=<duration>] [--timeout=<duration>] [--start-period=<duration>] [--start-interval=<duration>] [--retries=<n>] CMD ["executable", "param1", "param2"]
              HEALTHCHECK NONE
            parameter 7: 152..160 `"param1"`
        "#]],
        );
        check(
            "FROM a\nHEALTHCHECK NONE$0\n",
            expect![[r#"
              HEALTHCHECK [--interval=<duration>] [--timeout=<duration>] [--start-period=<duration>] [--start-interval=<duration>] [--retries=<n>] CMD <command>
              HEALTHCHECK [--interval=<duration>] [--timeout=<duration>] [--start-period=<duration>] [--start-interval=<duration>] [--retries=<n>] CMD ["executable", "param1", "param2"]
            * HEALTHCHECK NONE
            parameter 0: 12..16 `NONE`
        "#]],
        );
    }
}
