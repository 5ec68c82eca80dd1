//! Signature help: the syntax of the instruction the cursor is in, with the argument under the
//! cursor highlighted, or the value syntax of the flag the cursor is in.
//!
//! The cursor's place comes from [`crate::context`], which reads the text of the logical line, so
//! half-typed lines work; the model only decides which form (shell, exec, heredoc) a complete
//! instruction is written in. Flag, `--mount` key and instruction documentation come from
//! [`crate::knowledge`]; this module adds the syntax of each form and a line on each argument.

use std::ops::Range;

use crate::context::{self, Place, Word};
use crate::knowledge;
use crate::model::{Form, Instruction, Model};
use crate::snapshot::Snapshot;

/// The answer to a signature help request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureHelp {
    pub signatures: Vec<Signature>,
    /// The index in `signatures` of the form the instruction is written in.
    pub active_signature: usize,
    /// The index in the active signature's parameters of the one under the cursor.
    pub active_parameter: Option<usize>,
}

/// One way of writing an instruction or a flag value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// The syntax, e.g. `COPY [--from=<stage|image|context>] ... <src>... <dest>`.
    pub label: String,
    /// Markdown.
    pub documentation: Option<String>,
    pub parameters: Vec<Parameter>,
}

/// A part of a signature's label that the cursor can be in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parameter {
    /// The bytes of the signature's label this parameter covers.
    pub label: Range<usize>,
    /// Markdown.
    pub documentation: Option<String>,
}

/// Signature help at byte offset `offset`: `None` outside an instruction's arguments, in a
/// comment or a heredoc body, and for unknown instructions.
pub fn signature_help(analysis: &Snapshot, offset: usize) -> Option<SignatureHelp> {
    let text = analysis.text();
    let offset = crate::text::floor_char_boundary(text, offset);
    let Place::Line(line) = context::place(analysis, offset) else {
        return None;
    };
    let first = line.words.first()?;
    if line.at_keyword() {
        // `ONBUILD R|`: the trigger's keyword is being typed.
        return first
            .text
            .eq_ignore_ascii_case("ONBUILD")
            .then(onbuild_help)
            .flatten();
    }
    let keyword_index = line.keyword_index()?;
    let words = whole_line(analysis, offset, &line.words, &line.current);
    if words.first().map(|w| w.range.start) != Some(first.range.start) {
        return None;
    }
    let keyword = words.get(keyword_index)?;
    let info = knowledge::instruction(&keyword.text)?;
    let arguments = words.get(keyword_index + 1..).unwrap_or_default();
    let instruction = model_instruction(analysis.model(), first.range.start, info.name);
    let cursor = Cursor::new(arguments, offset);
    let flag_count = arguments
        .iter()
        .take_while(|w| w.text.starts_with("--"))
        .count();
    if cursor.in_word && cursor.index < flag_count {
        let word = arguments.get(cursor.index)?;
        if let Some(help) = flag_value_help(text, info, word, offset) {
            return Some(help);
        }
    }
    let shape = Shape {
        text,
        arguments,
        positional: arguments.get(flag_count..).unwrap_or_default(),
        cursor,
        flag_count,
        offset,
        line_end: logical_line_end(text, offset, analysis.model().escape),
        instruction,
        model: analysis.model(),
    };
    let forms = forms(info.name);
    let (active_signature, active) = choose(info.name, &shape);
    let signatures: Vec<Signature> = forms.iter().map(|f| build(info, f)).collect();
    let form = forms.get(active_signature)?;
    let has_flags = form.pieces.iter().any(|p| matches!(p, Piece::Flags));
    let parameter_count = signatures
        .get(active_signature)
        .map_or(0, |s| s.parameters.len());
    let active_parameter = match active {
        Active::Flag(name) if has_flags => info.flags.iter().position(|f| f.name == name),
        Active::Positional(p) => {
            let base = if has_flags { info.flags.len() } else { 0 };
            parameter_count
                .checked_sub(1)
                .map(|last| (base + p).min(last))
        }
        _ => None,
    };
    Some(SignatureHelp {
        signatures,
        active_signature,
        active_parameter,
    })
}

/// The signature of ONBUILD itself, while its trigger's keyword is typed.
fn onbuild_help() -> Option<SignatureHelp> {
    let info = knowledge::instruction("ONBUILD")?;
    let form = forms("ONBUILD").first()?;
    Some(SignatureHelp {
        signatures: vec![build(info, form)],
        active_signature: 0,
        active_parameter: Some(0),
    })
}

/// Every word of the logical line around `offset`, after the cursor too: the words the context
/// finds from the line's end.
fn whole_line(analysis: &Snapshot, offset: usize, before: &[Word], current: &Word) -> Vec<Word> {
    let end = logical_line_end(analysis.text(), offset, analysis.model().escape);
    if let Place::Line(line) = context::place(analysis, end) {
        let mut words = line.words;
        if !line.current.text.is_empty() {
            words.push(line.current);
        }
        return words;
    }
    let mut words = before.to_vec();
    if !current.text.is_empty() {
        words.push(current.clone());
    }
    words
}

/// The end of the logical line containing `offset`: the end of the first physical line from
/// `offset` on that does not end with a continuation, skipping the comment and empty lines a
/// continuation may contain.
fn logical_line_end(text: &str, offset: usize, escape: char) -> usize {
    let mut position = offset.min(text.len());
    let mut after_continuation = false;
    loop {
        let rest = text.get(position..).unwrap_or_default();
        let line_end = rest.find('\n').map_or(text.len(), |i| position + i);
        let line_start = text
            .get(..position)
            .and_then(|t| t.rfind('\n'))
            .map_or(0, |i| i + 1);
        let line = text
            .get(line_start..line_end)
            .unwrap_or_default()
            .trim_end_matches('\r');
        let trimmed = line.trim();
        let skipped = after_continuation && (trimmed.is_empty() || trimmed.starts_with('#'));
        if line_end >= text.len() || !(skipped || ends_with_continuation(line, escape)) {
            return line_start + line.len();
        }
        after_continuation = true;
        position = line_end + 1;
    }
}

/// Whether a physical line ends with the escape character that continues it (the same test as
/// [`crate::context`], which keeps its own private).
fn ends_with_continuation(line: &str, escape: char) -> bool {
    let trimmed = line.trim_end_matches([' ', '\t']);
    match trimmed.strip_suffix(escape) {
        Some(before) => !before.ends_with(escape),
        None => false,
    }
}

/// The model's instruction starting at `start` (for ONBUILD, its trigger) when it is the one
/// named `keyword`.
fn model_instruction<'m>(model: &'m Model, start: usize, keyword: &str) -> Option<&'m Instruction> {
    let instruction = model.instructions.get(model.instruction_at(start)?)?;
    if instruction.range.start != start {
        return None;
    }
    if instruction.keyword == keyword {
        return Some(instruction);
    }
    instruction
        .trigger
        .as_deref()
        .filter(|t| t.keyword == keyword)
}

/// Which argument the cursor is in, or between.
#[derive(Debug, Clone, Copy)]
struct Cursor {
    /// The argument's index; between arguments, the index a word typed there would get.
    index: usize,
    /// The cursor touches an argument (inside it or right after it).
    in_word: bool,
}

impl Cursor {
    fn new(arguments: &[Word], offset: usize) -> Cursor {
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
struct Shape<'a> {
    text: &'a str,
    arguments: &'a [Word],
    positional: &'a [Word],
    cursor: Cursor,
    flag_count: usize,
    offset: usize,
    line_end: usize,
    instruction: Option<&'a Instruction>,
    model: &'a Model,
}

/// The parameter the cursor is in: a flag by name, or the n-th positional parameter.
enum Active {
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
fn choose(keyword: &str, shape: &Shape) -> (usize, Active) {
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

/// A piece of a form's syntax.
enum Piece {
    Text(&'static str),
    /// A parameter: its syntax and a line of documentation.
    Param(&'static str, &'static str),
    /// The instruction's flags, each an optional parameter, from the knowledge base.
    Flags,
}

/// One way of writing an instruction.
struct FormSpec {
    pieces: &'static [Piece],
    /// What sets this form apart, in markdown.
    note: &'static str,
}

use Piece::{Flags, Param, Text};

const EXEC_NOTE: &str =
    "Exec form: a JSON array run directly, without a shell, so variables are not expanded. \
     Double quotes only.";
const EXECUTABLE: &str = "The program to run, as a path or a name looked up in `PATH`.";
const EXEC_ARGUMENT: &str = "An argument passed to the program as is.";
const MORE_PAIRS: &str = "More pairs may follow on the same line.";

const ADD_FORMS: &[FormSpec] = &[
    FormSpec {
        pieces: &[
            Flags,
            Param(
                "<src>...",
                "One or more sources: paths in the build context (wildcards allowed), URLs or \
                 Git repositories.",
            ),
            Text(" "),
            Param(
                "<dest>",
                "Where the files go in the image; relative to `WORKDIR`. With several sources, \
                 a directory ending in `/`.",
            ),
        ],
        note: "Sources and destination separated by blanks.",
    },
    FormSpec {
        pieces: &[
            Flags,
            Text("["),
            Param("\"<src>\"", "A source, as a JSON string."),
            Text(", ... "),
            Param(
                "\"<dest>\"",
                "The destination, the last string of the array.",
            ),
            Text("]"),
        ],
        note: "JSON form, for paths that contain blanks.",
    },
];

const COPY_FORMS: &[FormSpec] = &[
    FormSpec {
        pieces: &[
            Flags,
            Param(
                "<src>...",
                "One or more sources in the build context (or in the `--from` stage or image); \
                 wildcards allowed.",
            ),
            Text(" "),
            Param(
                "<dest>",
                "Where the files go in the image; relative to `WORKDIR`. With several sources, \
                 a directory ending in `/`.",
            ),
        ],
        note: "Sources and destination separated by blanks.",
    },
    FormSpec {
        pieces: &[
            Flags,
            Text("["),
            Param("\"<src>\"", "A source, as a JSON string."),
            Text(", ... "),
            Param(
                "\"<dest>\"",
                "The destination, the last string of the array.",
            ),
            Text("]"),
        ],
        note: "JSON form, for paths that contain blanks.",
    },
];

const CMD_FORMS: &[FormSpec] = &[
    FormSpec {
        pieces: &[
            Text("["),
            Param("\"executable\"", EXECUTABLE),
            Text(", "),
            Param("\"param1\"", EXEC_ARGUMENT),
            Text(", "),
            Param("\"param2\"", "Further arguments, one string each."),
            Text("]"),
        ],
        note: EXEC_NOTE,
    },
    FormSpec {
        pieces: &[
            Text("["),
            Param(
                "\"param1\"",
                "A default argument appended to the ENTRYPOINT's array.",
            ),
            Text(", "),
            Param("\"param2\"", "Further default arguments, one string each."),
            Text("]"),
        ],
        note: "Default arguments for an exec-form ENTRYPOINT; `docker run <image> ...` \
               replaces them.",
    },
    FormSpec {
        pieces: &[
            Param(
                "command",
                "The program, run by `/bin/sh -c` (or the SHELL).",
            ),
            Text(" "),
            Param("param1", "An argument, expanded by the shell."),
            Text(" "),
            Param("param2", "Further arguments."),
        ],
        note: "Shell form: the line runs in `/bin/sh -c`, which becomes PID 1 and does not pass \
               signals on.",
    },
];

const ENTRYPOINT_FORMS: &[FormSpec] = &[
    FormSpec {
        pieces: &[
            Text("["),
            Param("\"executable\"", EXECUTABLE),
            Text(", "),
            Param("\"param1\"", EXEC_ARGUMENT),
            Text(", "),
            Param(
                "\"param2\"",
                "Further arguments; CMD's arguments are appended after them.",
            ),
            Text("]"),
        ],
        note: EXEC_NOTE,
    },
    FormSpec {
        pieces: &[
            Param(
                "command",
                "The program, run by `/bin/sh -c` (or the SHELL).",
            ),
            Text(" "),
            Param("param1", "An argument, expanded by the shell."),
            Text(" "),
            Param("param2", "Further arguments."),
        ],
        note: "Shell form: runs in `/bin/sh -c` and ignores CMD and the arguments of \
               `docker run`.",
    },
];

const RUN_FORMS: &[FormSpec] = &[
    FormSpec {
        pieces: &[
            Flags,
            Param(
                "<command>",
                "A shell command line, run by `/bin/sh -c` (or the SHELL); `&&`, pipes and \
                 variables work.",
            ),
        ],
        note: "Shell form: the command runs in the default shell.",
    },
    FormSpec {
        pieces: &[
            Flags,
            Text("["),
            Param("\"executable\"", EXECUTABLE),
            Text(", "),
            Param("\"param1\"", EXEC_ARGUMENT),
            Text(", "),
            Param("\"param2\"", "Further arguments, one string each."),
            Text("]"),
        ],
        note: EXEC_NOTE,
    },
    FormSpec {
        pieces: &[
            Flags,
            Param(
                "<<EOF",
                "Starts a heredoc: the lines up to the delimiter (`EOF` here) form a script.",
            ),
            Text(" ["),
            Param(
                "<command>",
                "A program that gets the heredoc as its input, such as `python3` or \
                 `tee /etc/app.conf`. Without one the default shell runs the script.",
            ),
            Text("]"),
        ],
        note: "Heredoc form: a multi-line script, written up to the delimiter line.",
    },
];

const HEALTHCHECK_FORMS: &[FormSpec] = &[
    FormSpec {
        pieces: &[
            Flags,
            Param("CMD", "Introduces the check command."),
            Text(" "),
            Param(
                "<command>",
                "The check, run by `/bin/sh -c` inside the container: exit code 0 means \
                 healthy, 1 unhealthy.",
            ),
        ],
        note: "Runs the command in the container at each interval.",
    },
    FormSpec {
        pieces: &[
            Flags,
            Param("CMD", "Introduces the check command."),
            Text(" ["),
            Param("\"executable\"", EXECUTABLE),
            Text(", "),
            Param("\"param1\"", EXEC_ARGUMENT),
            Text(", "),
            Param("\"param2\"", "Further arguments, one string each."),
            Text("]"),
        ],
        note: "Runs the program directly, without a shell, at each interval.",
    },
    FormSpec {
        pieces: &[Param(
            "NONE",
            "Turns off any health check inherited from the base image.",
        )],
        note: "Disables the inherited health check.",
    },
];

/// The forms of the instruction named `name`, in the order signature help lists them.
fn forms(name: &str) -> &'static [FormSpec] {
    match name {
        "ADD" => ADD_FORMS,
        "ARG" => &[FormSpec {
            pieces: &[
                Param(
                    "<name>[=<default>]",
                    "The argument's name and an optional default, used when the build does not \
                     pass `--build-arg`.",
                ),
                Text(" ["),
                Param(
                    "<name>[=<default>]...",
                    "More arguments may follow on the same line.",
                ),
                Text("]"),
            ],
            note: "Declares build arguments.",
        }],
        "CMD" => CMD_FORMS,
        "COPY" => COPY_FORMS,
        "ENTRYPOINT" => ENTRYPOINT_FORMS,
        "ENV" => &[
            FormSpec {
                pieces: &[
                    Param(
                        "<key>=<value>",
                        "The variable and its value; quote or escape blanks in the value.",
                    ),
                    Text(" ["),
                    Param("<key>=<value>...", MORE_PAIRS),
                    Text("]"),
                ],
                note: "Sets environment variables for the rest of the stage and the container.",
            },
            FormSpec {
                pieces: &[
                    Param("<key>", "The variable."),
                    Text(" "),
                    Param("<value>", "The rest of the line, blanks included."),
                ],
                note: "Legacy form: one variable whose value is the rest of the line. Prefer \
                       `<key>=<value>`.",
            },
        ],
        "EXPOSE" => &[FormSpec {
            pieces: &[
                Param(
                    "<port>[/<protocol>]",
                    "A container port, optionally with `/tcp` (the default) or `/udp`.",
                ),
                Text(" ["),
                Param("<port>[/<protocol>]...", "More ports may follow."),
                Text("]"),
            ],
            note: "Documents the ports the container listens on; it publishes nothing.",
        }],
        "FROM" => &[FormSpec {
            pieces: &[
                Flags,
                Param(
                    "<image>[:<tag>|@<digest>]",
                    "The base image, an earlier stage's name, or `scratch`. Pin a tag or a \
                     digest.",
                ),
                Text(" ["),
                Param(
                    "AS <name>",
                    "Names the stage for `COPY --from`, `FROM` and `--target`.",
                ),
                Text("]"),
            ],
            note: "Starts a build stage from a base image.",
        }],
        "HEALTHCHECK" => HEALTHCHECK_FORMS,
        "LABEL" => &[FormSpec {
            pieces: &[
                Param(
                    "<key>=<value>",
                    "The label's key and value; quote values with blanks.",
                ),
                Text(" ["),
                Param("<key>=<value>...", MORE_PAIRS),
                Text("]"),
            ],
            note: "Adds metadata to the image.",
        }],
        "MAINTAINER" => &[FormSpec {
            pieces: &[Param("<name>", "The author, as free text.")],
            note: "Deprecated: use `LABEL org.opencontainers.image.authors=...`.",
        }],
        "ONBUILD" => &[FormSpec {
            pieces: &[Param(
                "<INSTRUCTION>",
                "Any instruction except `FROM`, `MAINTAINER` and `ONBUILD`; it runs when an \
                 image is built on this one.",
            )],
            note: "Registers a trigger for images built from this one.",
        }],
        "RUN" => RUN_FORMS,
        "SHELL" => &[FormSpec {
            pieces: &[
                Text("["),
                Param(
                    "\"executable\"",
                    "The shell program, such as `/bin/bash` or `powershell`.",
                ),
                Text(", "),
                Param(
                    "\"parameters\"",
                    "Its options, ending with the one that takes a command string (`-c`).",
                ),
                Text("]"),
            ],
            note: "Sets the shell for later shell-form instructions; JSON only.",
        }],
        "STOPSIGNAL" => &[FormSpec {
            pieces: &[Param(
                "<signal>",
                "A signal name such as `SIGTERM` or `SIGQUIT`, or its number.",
            )],
            note: "The signal `docker stop` sends to the container.",
        }],
        "USER" => &[FormSpec {
            pieces: &[
                Param("<user>", "A user name or numeric UID."),
                Text("[:"),
                Param("<group>", "A group name or numeric GID."),
                Text("]"),
            ],
            note: "Sets the user for later RUN, CMD and ENTRYPOINT instructions.",
        }],
        "VOLUME" => &[
            FormSpec {
                pieces: &[Param(
                    "<path>...",
                    "One or more mount points, separated by blanks.",
                )],
                note: "Marks directories as volumes.",
            },
            FormSpec {
                pieces: &[
                    Text("["),
                    Param("\"<path>\"", "A mount point, as a JSON string."),
                    Text(", ...]"),
                ],
                note: "JSON form of the mount points.",
            },
        ],
        "WORKDIR" => &[FormSpec {
            pieces: &[Param(
                "<path>",
                "The working directory; created when missing. Relative paths build on the \
                 previous WORKDIR.",
            )],
            note: "Sets the directory later instructions and the container start in.",
        }],
        _ => &[],
    }
}

/// Collects a label and the ranges of its parameters.
#[derive(Default)]
struct LabelBuilder {
    label: String,
    parameters: Vec<Parameter>,
}

impl LabelBuilder {
    fn text(&mut self, text: &str) {
        self.label.push_str(text);
    }

    fn parameter(&mut self, text: &str, documentation: Option<String>) {
        let start = self.label.len();
        self.label.push_str(text);
        self.parameters.push(Parameter {
            label: start..self.label.len(),
            documentation,
        });
    }

    fn finish(self, documentation: Option<String>) -> Signature {
        Signature {
            label: self.label,
            documentation,
            parameters: self.parameters,
        }
    }
}

/// The signature of one form of an instruction.
fn build(info: &knowledge::Instruction, form: &FormSpec) -> Signature {
    let mut builder = LabelBuilder::default();
    builder.text(info.name);
    builder.text(" ");
    for piece in form.pieces {
        match piece {
            Text(text) => builder.text(text),
            Param(text, docs) => builder.parameter(text, Some((*docs).to_owned())),
            Flags => {
                for flag in info.flags {
                    builder.text("[");
                    builder.parameter(&flag_syntax(flag), Some(first_paragraph(flag.docs)));
                    builder.text(if flag.repeatable { "]... " } else { "] " });
                }
            }
        }
    }
    let documentation = format!(
        "{}\n\n{}\n\n[Dockerfile reference]({})",
        info.summary, form.note, info.reference
    );
    builder.finish(Some(documentation))
}

/// How a flag is written: `--name=<value>`, `--name` for a switch, `--name[=true|false]` for a
/// switch that also takes a value.
fn flag_syntax(flag: &knowledge::Flag) -> String {
    match flag.value {
        Some(value) => format!("--{}={value}", flag.name),
        None if flag.values.is_empty() => format!("--{}", flag.name),
        None => format!("--{}[={}]", flag.name, value_names(flag.values)),
    }
}

fn value_names(values: &[knowledge::Value]) -> String {
    values.iter().map(|v| v.name).collect::<Vec<_>>().join("|")
}

/// The first paragraph of some markdown, for parameter documentation that stays short.
fn first_paragraph(markdown: &str) -> String {
    markdown
        .split("\n\n")
        .next()
        .unwrap_or(markdown)
        .trim()
        .to_owned()
}

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
fn flag_value_help(
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
    use expect_test::{expect, Expect};

    use super::*;

    /// Splits a fixture at its `$0` cursor marker.
    fn at_cursor(fixture: &str) -> (Snapshot, usize) {
        let offset = fixture.find("$0").expect("fixture has a $0 cursor");
        let text = fixture.replacen("$0", "", 1);
        (Snapshot::from_text(&text), offset)
    }

    /// The signatures' labels, the active one starred, then the active parameter's range and
    /// the label text it covers.
    fn render(help: &SignatureHelp) -> String {
        let mut out = String::new();
        for (index, signature) in help.signatures.iter().enumerate() {
            let marker = if index == help.active_signature {
                "*"
            } else {
                " "
            };
            out.push_str(&format!("{marker} {}\n", signature.label));
        }
        let active = help
            .signatures
            .get(help.active_signature)
            .zip(help.active_parameter)
            .and_then(|(s, p)| Some((s, p, s.parameters.get(p)?)));
        match active {
            Some((signature, index, parameter)) => out.push_str(&format!(
                "parameter {index}: {:?} `{}`\n",
                parameter.label,
                &signature.label[parameter.label.clone()]
            )),
            None => out.push_str("no active parameter\n"),
        }
        out
    }

    fn check(fixture: &str, expect: Expect) {
        let (analysis, offset) = at_cursor(fixture);
        let actual = match signature_help(&analysis, offset) {
            Some(help) => render(&help),
            None => "no signature help\n".to_owned(),
        };
        expect.assert_eq(&actual);
    }

    /// Every parameter of the active signature, with its range and text.
    fn check_parameters(fixture: &str, expect: Expect) {
        let (analysis, offset) = at_cursor(fixture);
        let help = signature_help(&analysis, offset).expect("signature help");
        let signature = &help.signatures[help.active_signature];
        let mut out = format!("{}\n", signature.label);
        for parameter in &signature.parameters {
            out.push_str(&format!(
                "{:?} `{}`\n",
                parameter.label,
                &signature.label[parameter.label.clone()]
            ));
        }
        expect.assert_eq(&out);
    }

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
    fn copy_parameters() {
        check_parameters(
            "FROM a\nCOPY a $0\n",
            expect![[r#"
            COPY [--from=<stage|image|context>] [--chown=<user>[:<group>]] [--chmod=<perms>] [--link[=true|false]] [--parents[=true|false]] [--exclude=<pattern>]... <src>... <dest>
            6..34 `--from=<stage|image|context>`
            37..61 `--chown=<user>[:<group>]`
            64..79 `--chmod=<perms>`
            82..101 `--link[=true|false]`
            104..126 `--parents[=true|false]`
            129..148 `--exclude=<pattern>`
            153..161 `<src>...`
            162..168 `<dest>`
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

    #[test]
    fn pairs_and_lists() {
        check(
            "ARG A=1 $0\n",
            expect![[r#"
            * ARG <name>[=<default>] [<name>[=<default>]...]
            parameter 1: 24..45 `<name>[=<default>]...`
        "#]],
        );
        check(
            "FROM a\nENV A=1 B$0\n",
            expect![[r#"
            * ENV <key>=<value> [<key>=<value>...]
              ENV <key> <value>
            parameter 1: 19..35 `<key>=<value>...`
        "#]],
        );
        check(
            "FROM a\nENV PATH /usr/bin$0\n",
            expect![[r#"
              ENV <key>=<value> [<key>=<value>...]
            * ENV <key> <value>
            parameter 1: 10..17 `<value>`
        "#]],
        );
        check(
            "FROM a\nLABEL a=b$0\n",
            expect![[r#"
            * LABEL <key>=<value> [<key>=<value>...]
            parameter 0: 6..19 `<key>=<value>`
        "#]],
        );
        check(
            "FROM a\nEXPOSE 80 443/u$0\n",
            expect![[r#"
            * EXPOSE <port>[/<protocol>] [<port>[/<protocol>]...]
            parameter 1: 28..50 `<port>[/<protocol>]...`
        "#]],
        );
    }

    #[test]
    fn single_argument_instructions() {
        check(
            "FROM a\nUSER app$0\n",
            expect![[r#"
            * USER <user>[:<group>]
            parameter 0: 5..11 `<user>`
        "#]],
        );
        check(
            "FROM a\nUSER app:$0\n",
            expect![[r#"
            * USER <user>[:<group>]
            parameter 1: 13..20 `<group>`
        "#]],
        );
        check(
            "FROM a\nSHELL [\"/bin/bash\", $0\n",
            expect![[r#"
            * SHELL ["executable", "parameters"]
            parameter 1: 21..33 `"parameters"`
        "#]],
        );
        check(
            "FROM a\nVOLUME /data $0\n",
            expect![[r#"
            * VOLUME <path>...
              VOLUME ["<path>", ...]
            parameter 0: 7..16 `<path>...`
        "#]],
        );
        check(
            "FROM a\nVOLUME [\"/data$0\"]\n",
            expect![[r#"
              VOLUME <path>...
            * VOLUME ["<path>", ...]
            parameter 0: 8..16 `"<path>"`
        "#]],
        );
        check(
            "FROM a\nWORKDIR /a$0pp\n",
            expect![[r#"
            * WORKDIR <path>
            parameter 0: 8..14 `<path>`
        "#]],
        );
        check(
            "FROM a\nSTOPSIGNAL $0\n",
            expect![[r#"
            * STOPSIGNAL <signal>
            parameter 0: 11..19 `<signal>`
        "#]],
        );
        check(
            "FROM a\nMAINTAINER me$0\n",
            expect![[r#"
            * MAINTAINER <name>
            parameter 0: 11..17 `<name>`
        "#]],
        );
    }

    #[test]
    fn onbuild_and_its_trigger() {
        check(
            "FROM a\nONBUILD $0\n",
            expect![[r#"
            * ONBUILD <INSTRUCTION>
            parameter 0: 8..21 `<INSTRUCTION>`
        "#]],
        );
        check(
            "FROM a\nONBUILD RU$0\n",
            expect![[r#"
            * ONBUILD <INSTRUCTION>
            parameter 0: 8..21 `<INSTRUCTION>`
        "#]],
        );
        check(
            "FROM a\nONBUILD COPY . $0\n",
            expect![[r#"
            * COPY [--from=<stage|image|context>] [--chown=<user>[:<group>]] [--chmod=<perms>] [--link[=true|false]] [--parents[=true|false]] [--exclude=<pattern>]... <src>... <dest>
              COPY [--from=<stage|image|context>] [--chown=<user>[:<group>]] [--chmod=<perms>] [--link[=true|false]] [--parents[=true|false]] [--exclude=<pattern>]... ["<src>", ... "<dest>"]
            parameter 7: 162..168 `<dest>`
        "#]],
        );
    }

    #[test]
    fn nothing_outside_arguments() {
        check(
            "FROM a\nRU$0N make\n",
            expect![[r#"
            no signature help
        "#]],
        );
        check(
            "FROM a\n# RUN $0make\n",
            expect![[r#"
            no signature help
        "#]],
        );
        check(
            "FROM a\nFOO $0bar\n",
            expect![[r#"
            no signature help
        "#]],
        );
        check(
            "$0",
            expect![[r#"
            no signature help
        "#]],
        );
    }

    #[test]
    fn any_offset_of_odd_text_is_safe() {
        let texts = [
            "RUN \u{e9}\u{1f600} --mount=type=cache,\u{e9}=\u{e9} [\"\u{e9}\", \\\n \"x",
            "COPY --chown=\u{e9}:",
            "HEALTHCHECK CMD [\"a\\\"\", ]",
            "ONBUILD ONBUILD RUN [",
            "FROM a\nRUN <<EOF\n\u{e9}\nEOF\nCMD [",
            "\u{feff}RUN --mount=\"type=cache,target=/x\" y",
        ];
        for text in texts {
            let analysis = Snapshot::from_text(text);
            for offset in 0..=text.len() + 2 {
                if let Some(help) = signature_help(&analysis, offset) {
                    assert_sane(&help);
                }
            }
        }
    }

    /// Parameter ranges lie inside their labels, on character boundaries, and the active
    /// indexes point at something.
    fn assert_sane(help: &SignatureHelp) {
        let signature = help
            .signatures
            .get(help.active_signature)
            .expect("the active signature exists");
        if let Some(parameter) = help.active_parameter {
            assert!(parameter < signature.parameters.len(), "{help:?}");
        }
        for signature in &help.signatures {
            for parameter in &signature.parameters {
                let range = parameter.label.clone();
                assert!(range.start < range.end, "{help:?}");
                assert!(signature.label.get(range).is_some(), "{help:?}");
            }
        }
    }

    fn corpus_files() -> Vec<std::path::PathBuf> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut pending = vec![root.join("tests/corpus"), root.join("../shared/corpus")];
        let mut files = Vec::new();
        while let Some(dir) = pending.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    pending.push(path);
                } else {
                    files.push(path);
                }
            }
        }
        files.sort();
        files
    }

    #[test]
    fn corpus_sweep() {
        let files = corpus_files();
        assert!(!files.is_empty(), "no corpus files found");
        let mut answered = 0;
        for path in files {
            let bytes = std::fs::read(&path).expect("readable corpus file");
            let text = String::from_utf8_lossy(&bytes);
            let analysis = Snapshot::from_text(&text);
            for instruction in &analysis.model().instructions {
                let range = &instruction.range;
                let keyword_end = instruction.keyword_range.end;
                for offset in [
                    keyword_end + 1,
                    range.start + (range.end - range.start) / 2,
                    range.end,
                ] {
                    if let Some(help) = signature_help(&analysis, offset) {
                        assert_sane(&help);
                        answered += 1;
                    }
                }
            }
        }
        assert!(answered > 1000, "only {answered} answers");
    }
}
