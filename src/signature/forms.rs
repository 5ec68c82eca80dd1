//! The syntax of every form of every instruction: the pieces of each label, its parameters
//! with a line of documentation each, and how a form is turned into a [`Signature`].

use super::{first_paragraph, value_names, LabelBuilder, Signature};
use crate::knowledge;

/// A piece of a form's syntax.
pub(super) enum Piece {
    Text(&'static str),
    /// A parameter: its syntax and a line of documentation.
    Param(&'static str, &'static str),
    /// The instruction's flags, each an optional parameter, from the knowledge base.
    Flags,
}

/// One way of writing an instruction.
pub(super) struct FormSpec {
    pub(super) pieces: &'static [Piece],
    /// What sets this form apart, in markdown.
    pub(super) note: &'static str,
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
pub(super) fn forms(name: &str) -> &'static [FormSpec] {
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

/// The signature of one form of an instruction.
pub(super) fn build(info: &knowledge::Instruction, form: &FormSpec) -> Signature {
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

#[cfg(test)]
mod tests {
    use super::super::testing::{check, check_parameters};
    use expect_test::expect;

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
}
