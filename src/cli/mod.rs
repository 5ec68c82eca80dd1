//! The command line: argument handling, the `check` and `parse` commands and starting the
//! server.
//!
//! This is a shell around the core: it reads files and writes to the terminal, and turns
//! failures into messages and exit codes.

use std::ffi::OsString;
use std::io::{self, Write};
use std::path::PathBuf;

use crate::syntax;

mod args;
pub mod check;
pub mod docs;
pub mod output;
pub mod pin;

pub use check::CheckConfig;

/// Exit code when everything parsed cleanly.
pub const EXIT_OK: u8 = 0;
/// Exit code when some file has a syntax error.
pub const EXIT_SYNTAX_ERRORS: u8 = 1;
/// Exit code for a usage error, an unreadable file or unwritable output.
pub const EXIT_FAILURE: u8 = 2;

const USAGE: &str = "\
dockls: a Dockerfile language server and linter

Usage:
  dockls check [OPTIONS] [PATH...]  lint Dockerfiles (the current directory by default)
  dockls check --explain RULE       print a rule's documentation
  dockls parse [--errors] FILE...   print the syntax tree of each FILE
  dockls pin [OPTIONS] [PATH...]    pin base images to the digest their tag has now
  dockls [--stdio]                  run the language server on stdin and stdout
  dockls docs rules DIR             write a documentation page per rule into DIR
  dockls --version                  print the version
  dockls --help                     print this help

`check` takes files, directories, and - for standard input. A directory is searched
recursively for Dockerfile, Containerfile, *.dockerfile, *.Dockerfile, Dockerfile.* and
Containerfile.*, skipping what .gitignore and .ignore files exclude; a file named on the
command line is always checked.
Each file is checked with the settings of the nearest .dockls.toml in its directory or above,
and the .dockerignore beside it (or <Dockerfile>.dockerignore) as its build context's.

Options of `check`:
  --format FORMAT     human (default): path:line:col: severity[code]: message, the line and
                        carets under the range, a summary on stderr;
                      json: an array of {path, range: {start, end: {line, column, offset}},
                        severity, code, message, aliases, url, fixes};
                      sarif: SARIF 2.1.0 for code scanning;
                      github: GitHub Actions annotations (::error file=...,line=...::message)
                      Lines and columns are 1-based, columns count characters, ends are
                      exclusive; offsets are bytes.
  --fix               apply the safe fixes in place, until none is left, then report the rest
  --fail-level LEVEL  error (default), warning, info or hint: exit 1 when a diagnostic at or
                      above LEVEL is found
  --explain RULE      print the documentation of RULE (a name, hadolint code or BuildKit check)
  --stdin-filename PATH
                      the path standard input stands for when PATH is -: shown in the output,
                      and where its .dockls.toml and .dockerignore are looked up
  --network           ask registries where each base image's tag points, and add the hints
                      pinned-digest-stale (a pin its tag has moved away from) and unknown-tag
                      (a tag the registry does not have); off unless given, whatever
                      .dockls.toml says. An image that cannot be asked about is a warning.
  --insecure-registry HOST, --timeout SECONDS
                      with --network: as for `pin`

.dockls.toml:
  trusted-registries = [\"docker.io\"]   # registries base images may come from
  [rules]
  DL3006 = \"warning\"        # a rule name, hadolint code or BuildKit check name set to
  StageNameCasing = \"off\"   # error, warning, info, hint or off

[registry] in .dockls.toml (how `pin` and the editor reach registries):
  network = true                  # the editor may ask registries (off unless set)
  timeout = 5                     # seconds per request
  insecure = [\"localhost:5000\"]   # registries reached over plain HTTP
  [registry.endpoints]
  \"docker.io\" = \"https://mirror.example.com\"

Options of `pin` (`pin` always uses the network; `check` only with --network):
  --check             write nothing; exit 1 when a base image is not pinned or its pin is
                      stale (the tag points at another digest now)
  --update            also refresh stale pins (without it, only missing pins are added)
  --format FORMAT     human (default) or json: [{path, line, column, image, status, digest,
                        pinned, message}], status one of current, pinned, missing, stale,
                        updated, error
  --insecure-registry HOST
                      reach HOST over plain HTTP (repeatable)
  --timeout SECONDS   the longest one request may take (default 5)
  The digest written is the one the registry reports for the tag: of the index when the
  image has several platforms. Images in `COPY --from=IMAGE` are pinned too. Credentials come from ~/.docker/config.json.

Options of `parse`:
  --errors   print only syntax errors, as FILE:LINE:COL: error: MESSAGE
  FILE may be - for standard input.

Exit status: 0 when all is well; 1 when `check` found a diagnostic at or above the fail level,
`parse` a syntax error, or `pin --check` a missing or stale pin; 2 on a usage error, an
unreadable file, a .dockls.toml with a problem, or an image `pin` could not resolve.
";

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Help,
    Version,
    Parse(ParseConfig),
    Check(CheckConfig),
    Pin(pin::PinConfig),
    /// Write the rule pages into a directory.
    RuleDocs(PathBuf),
    /// The language server over stdin and stdout.
    Server,
}

/// Options of `dockls parse`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParseConfig {
    /// Print only the syntax errors instead of the trees.
    pub errors_only: bool,
    pub files: Vec<PathBuf>,
}

/// Reads the command line (without the program name).
pub fn parse_args<I>(args: I) -> Result<Command, String>
where
    I: IntoIterator<Item = OsString>,
{
    let mut args = args.into_iter();
    let Some(first) = args.next() else {
        return Ok(Command::Server);
    };
    match first.to_str() {
        Some("-h" | "--help" | "help") => Ok(Command::Help),
        Some("-V" | "--version") => Ok(Command::Version),
        // Language clients add their own flags: vscode-languageclient passes `--stdio` (again,
        // when the extension already did) and sometimes `--clientProcessId=PID`.
        Some(flag) if flag == "--stdio" || flag.starts_with("--clientProcessId") => {
            let mut rest = args;
            let mut current = Some(first.clone());
            while let Some(arg) = current {
                match arg.to_str() {
                    Some("--stdio") => {}
                    Some("--clientProcessId") => {
                        if rest.next().is_none() {
                            return Err("--clientProcessId needs a process id".to_owned());
                        }
                    }
                    Some(other) if other.starts_with("--clientProcessId=") => {}
                    _ => {
                        return Err(format!(
                            "unexpected argument {arg:?} for the language server"
                        ))
                    }
                }
                current = rest.next();
            }
            Ok(Command::Server)
        }
        Some("parse") => parse_command_args(args),
        Some("check") => {
            let rest: Vec<OsString> = args.collect();
            let mut options = rest.iter().take_while(|arg| *arg != "--");
            if options.any(|arg| arg == "-h" || arg == "--help") {
                return Ok(Command::Help);
            }
            check::parse_args(rest.into_iter()).map(Command::Check)
        }
        Some("pin") => {
            let rest: Vec<OsString> = args.collect();
            let mut options = rest.iter().take_while(|arg| *arg != "--");
            if options.any(|arg| arg == "-h" || arg == "--help") {
                return Ok(Command::Help);
            }
            pin::parse_args(rest.into_iter()).map(Command::Pin)
        }
        Some("docs") => {
            let rest: Vec<OsString> = args.collect();
            match rest.as_slice() {
                [what, dir] if what == "rules" => Ok(Command::RuleDocs(dir.into())),
                _ => Err("usage: dockls docs rules DIR".to_owned()),
            }
        }
        _ => Err(format!("unknown command {first:?}")),
    }
}

fn parse_command_args(args: impl Iterator<Item = OsString>) -> Result<Command, String> {
    let mut config = ParseConfig::default();
    let mut only_files = false;
    for arg in args {
        if only_files {
            config.files.push(arg.into());
            continue;
        }
        match arg.to_str() {
            Some("--errors") => config.errors_only = true,
            Some("-h" | "--help") => return Ok(Command::Help),
            Some("--") => only_files = true,
            Some(option) if option.starts_with('-') && option != "-" => {
                return Err(format!("unknown option {option:?} for `dockls parse`"));
            }
            _ => config.files.push(arg.into()),
        }
    }
    if config.files.is_empty() {
        return Err("`dockls parse` needs at least one FILE".to_owned());
    }
    Ok(Command::Parse(config))
}

/// Runs the command line and returns the process exit code.
pub fn run<I>(args: I, stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8
where
    I: IntoIterator<Item = OsString>,
{
    let command = match parse_args(args) {
        Ok(command) => command,
        Err(message) => {
            let _ = writeln!(stderr, "dockls: {message}\n\n{USAGE}");
            return EXIT_FAILURE;
        }
    };
    let result = match command {
        Command::Help => stdout.write_all(USAGE.as_bytes()).map(|()| EXIT_OK),
        Command::Version => {
            writeln!(stdout, "dockls {}", env!("CARGO_PKG_VERSION")).map(|()| EXIT_OK)
        }
        // The server writes to the process's stdout itself; the caller must not hold it locked.
        Command::Server => Ok(crate::lsp::run_stdio()),
        Command::Parse(config) => run_parse(&config, stdout, stderr),
        Command::Check(config) => check::run(&config, stdout, stderr),
        Command::Pin(config) => pin::run(&config, stdout, stderr),
        Command::RuleDocs(dir) => match docs::write_rule_docs(&dir) {
            Ok(count) => writeln!(
                stderr,
                "dockls: wrote {count} rule pages into {}",
                dir.display()
            )
            .map(|()| EXIT_OK),
            Err(error) => writeln!(stderr, "dockls: cannot write {}: {error}", dir.display())
                .map(|()| EXIT_FAILURE),
        },
    };
    let result = result.and_then(|code| stdout.flush().map(|()| code));
    match result {
        Ok(code) => code,
        Err(error) => {
            if error.kind() != io::ErrorKind::BrokenPipe {
                let _ = writeln!(stderr, "dockls: cannot write output: {error}");
            }
            EXIT_FAILURE
        }
    }
}

/// `dockls parse`: every file is parsed even when an earlier one fails.
fn run_parse(
    config: &ParseConfig,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> io::Result<u8> {
    let mut code = EXIT_OK;
    for path in &config.files {
        let text = if path.as_os_str() == "-" {
            let mut text = Vec::new();
            io::Read::read_to_end(&mut io::stdin().lock(), &mut text).map(|_| text)
        } else {
            std::fs::read(path)
        };
        let text = match text {
            Ok(text) => text,
            Err(error) => {
                writeln!(stderr, "dockls: cannot read {}: {error}", path.display())?;
                code = EXIT_FAILURE;
                continue;
            }
        };
        let tree = syntax::parse(&text);
        let errors = syntax::syntax_errors(&tree, &text);
        if config.errors_only {
            for error in &errors {
                writeln!(
                    stdout,
                    "{}:{}:{}: error: {}",
                    path.display(),
                    error.line + 1,
                    error.column + 1,
                    error.message
                )?;
            }
        } else {
            stdout.write_all(syntax::to_sexp(&tree).as_bytes())?;
        }
        if !errors.is_empty() && code == EXIT_OK {
            code = EXIT_SYNTAX_ERRORS;
        }
    }
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn no_arguments_means_the_server() {
        assert_eq!(parse_args(args(&[])), Ok(Command::Server));
        assert_eq!(parse_args(args(&["--stdio"])), Ok(Command::Server));
        assert_eq!(
            parse_args(args(&["--stdio", "--stdio"])),
            Ok(Command::Server)
        );
        assert_eq!(
            parse_args(args(&["--stdio", "--clientProcessId=42"])),
            Ok(Command::Server)
        );
        assert_eq!(
            parse_args(args(&["--clientProcessId", "42", "--stdio"])),
            Ok(Command::Server)
        );
    }

    #[test]
    fn parse_takes_options_anywhere_and_files_after_double_dash() {
        let expected = ParseConfig {
            errors_only: true,
            files: vec!["a".into(), "--errors".into()],
        };
        assert_eq!(
            parse_args(args(&["parse", "a", "--errors", "--", "--errors"])),
            Ok(Command::Parse(expected))
        );
    }

    #[test]
    fn check_help_is_the_help() {
        assert_eq!(
            parse_args(args(&["check", "a", "--help"])),
            Ok(Command::Help)
        );
        assert!(matches!(
            parse_args(args(&["check", "--", "--help"])),
            Ok(Command::Check(_))
        ));
    }

    #[test]
    fn usage_errors_are_reported() {
        assert!(parse_args(args(&["parse"])).is_err());
        assert!(parse_args(args(&["parse", "--tree", "a"])).is_err());
        assert!(parse_args(args(&["lint"])).is_err());
        assert!(parse_args(args(&["docs"])).is_err());
        assert!(parse_args(args(&["check", "--format", "xml"])).is_err());
        assert!(parse_args(args(&["--stdio", "x"])).is_err());
    }

    #[test]
    fn usage_error_exits_2_with_a_message() {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        assert_eq!(run(args(&["parse"]), &mut out, &mut err), EXIT_FAILURE);
        assert!(out.is_empty());
        assert!(String::from_utf8_lossy(&err).starts_with("dockls: `dockls parse` needs"));
    }
}
