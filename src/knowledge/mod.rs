//! What dockls knows about Dockerfiles: instructions, their flags, `--mount` types and keys,
//! parser directives, BuildKit's build checks, predefined build arguments, signals and
//! platforms. Plain data with documentation in markdown, written in our own words; completion
//! and hover read it, and nothing here depends on a document.

mod data;

pub use data::{
    AUTOMATIC_ARGS, CHECKS, DIRECTIVES, FORMS, INSTRUCTIONS, MOUNT_TYPES, PLATFORMS, PROXY_ARGS,
    SHELL_COMMANDS, SIGNALS,
};

/// A Dockerfile instruction.
#[derive(Debug)]
pub struct Instruction {
    /// Upper-case name, e.g. `RUN`.
    pub name: &'static str,
    /// One line, shown beside a completion item.
    pub summary: &'static str,
    /// Markdown: what it does, its forms, a short example.
    pub docs: &'static str,
    /// Snippet inserted by completion (LSP snippet syntax), starting with the name.
    pub snippet: &'static str,
    /// The flags BuildKit accepts on it.
    pub flags: &'static [Flag],
    /// Its section of Docker's Dockerfile reference.
    pub reference: &'static str,
}

/// A `--flag` of an instruction.
#[derive(Debug)]
pub struct Flag {
    /// Without the leading `--`, e.g. `platform`.
    pub name: &'static str,
    /// How the value is written, e.g. `<platform>`; `None` for a flag that takes no value.
    pub value: Option<&'static str>,
    /// Markdown.
    pub docs: &'static str,
    /// The values completion offers, when the set is known.
    pub values: &'static [Value],
    /// The flag may appear more than once (`--mount`, `--exclude`).
    pub repeatable: bool,
}

/// A value of a flag or key, with a line of documentation.
#[derive(Debug)]
pub struct Value {
    pub name: &'static str,
    pub docs: &'static str,
}

/// A `--mount` type (`type=cache`, ...).
#[derive(Debug)]
pub struct MountType {
    pub name: &'static str,
    pub docs: &'static str,
    /// The keys it accepts besides `type`.
    pub keys: &'static [MountKey],
}

/// A key of a `--mount` option, such as `target` or `sharing`.
#[derive(Debug)]
pub struct MountKey {
    pub name: &'static str,
    /// How the value is written, e.g. `<path>`; `None` for a key used alone (`ro`).
    pub value: Option<&'static str>,
    pub docs: &'static str,
    pub values: &'static [Value],
}

/// A parser directive (`# syntax=...`).
#[derive(Debug)]
pub struct Directive {
    /// Lower-case name.
    pub name: &'static str,
    pub docs: &'static str,
    pub values: &'static [Value],
}

/// One of BuildKit's build checks, named in `# check=skip=...`.
#[derive(Debug)]
pub struct Check {
    /// As BuildKit spells it, e.g. `JSONArgsRecommended`.
    pub name: &'static str,
    pub docs: &'static str,
}

/// A predefined build argument (`TARGETPLATFORM`, `HTTP_PROXY`, ...).
#[derive(Debug)]
pub struct PredefinedArg {
    pub name: &'static str,
    pub docs: &'static str,
}

/// Documentation of the forms of RUN, CMD and ENTRYPOINT, used by hover.
#[derive(Debug)]
pub struct Forms {
    /// Shell form: `/bin/sh -c` (or the SHELL), the shell is PID 1, signals.
    pub shell: &'static str,
    /// Exec form: the program runs directly, no shell expansion, JSON rules.
    pub exec: &'static str,
    /// A heredoc as the command.
    pub heredoc: &'static str,
    /// RUN: each RUN makes a layer, cache behaviour.
    pub run: &'static str,
    /// CMD and ENTRYPOINT: only the last of each in a stage counts; how they combine.
    pub cmd_entrypoint: &'static str,
}

/// A shell command of a RUN line (`apt-get install`, `curl`) with the options worth knowing.
#[derive(Debug)]
pub struct ShellCommand {
    /// The program's name without its directory, e.g. `apt-get`.
    pub program: &'static str,
    /// The subcommand, e.g. `install`; `None` for a program without subcommands.
    pub subcommand: Option<&'static str>,
    /// Markdown.
    pub docs: &'static str,
    pub options: &'static [ShellOption],
}

/// An option of a [`ShellCommand`].
#[derive(Debug)]
pub struct ShellOption {
    /// Its spellings, the one completion offers first (`--no-install-recommends`; `-o pipefail`
    /// for an option with its value).
    pub names: &'static [&'static str],
    /// Markdown.
    pub docs: &'static str,
}

/// The shell command run as `program` (a name, `pip3` counting as `pip`) with `subcommand`, the
/// first argument that is not an option.
pub fn shell_command(program: &str, subcommand: Option<&str>) -> Option<&'static ShellCommand> {
    let program = match program.strip_prefix("pip") {
        Some(version) if version.bytes().all(|b| b.is_ascii_digit() || b == b'.') => "pip",
        _ => program,
    };
    SHELL_COMMANDS
        .iter()
        .find(|c| c.program == program && (c.subcommand.is_none() || c.subcommand == subcommand))
}

/// The option of `command` spelled `name` (`--progress` for `--progress=dot`).
pub fn shell_option(command: &'static ShellCommand, name: &str) -> Option<&'static ShellOption> {
    let name = match name.split_once('=') {
        Some((before, _)) if before.starts_with("--") => before,
        _ => name,
    };
    command.options.iter().find(|o| o.names.contains(&name))
}

/// The instruction named `name`, in any case.
pub fn instruction(name: &str) -> Option<&'static Instruction> {
    INSTRUCTIONS
        .iter()
        .find(|i| i.name.eq_ignore_ascii_case(name))
}

/// The flag `name` (without `--`) of `instruction`.
pub fn flag(instruction: &Instruction, name: &str) -> Option<&'static Flag> {
    instruction.flags.iter().find(|f| f.name == name)
}

/// The `--mount` type named `name`.
pub fn mount_type(name: &str) -> Option<&'static MountType> {
    MOUNT_TYPES.iter().find(|t| t.name == name)
}

/// The parser directive named `name`, in any case.
pub fn directive(name: &str) -> Option<&'static Directive> {
    DIRECTIVES
        .iter()
        .find(|d| d.name.eq_ignore_ascii_case(name))
}

/// The predefined argument named `name`.
pub fn predefined_arg(name: &str) -> Option<&'static PredefinedArg> {
    AUTOMATIC_ARGS
        .iter()
        .chain(PROXY_ARGS)
        .find(|a| a.name == name)
}

/// Whether a file name is a Dockerfile's: `Dockerfile`, `Containerfile`, `*.dockerfile`,
/// `*.Dockerfile`, `Dockerfile.*` and `Containerfile.*` (any case of the word), but not the
/// per-Dockerfile ignore file `Dockerfile.dockerignore`.
pub fn is_dockerfile_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".dockerignore") {
        return false;
    }
    lower == "dockerfile"
        || lower == "containerfile"
        || lower.ends_with(".dockerfile") && lower.len() > ".dockerfile".len()
        || lower.starts_with("dockerfile.")
        || lower.starts_with("containerfile.")
}
