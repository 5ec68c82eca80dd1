//! The words of a subcommand's command line: options with their values, and operands.
//!
//! `--name value` and `--name=value` mean the same, `--` ends the options, and `-` or a word
//! that is not valid UTF-8 is always an operand (a path).

use std::ffi::OsString;

/// One word of a subcommand's command line.
#[derive(Debug, PartialEq)]
pub enum Word {
    /// An option such as `--format`, without its `=value`.
    Option(String),
    /// A path, `-` for standard input, or anything after `--`.
    Operand(OsString),
}

/// Reads a subcommand's arguments one word at a time; an option's value is taken with
/// [`Words::value`] right after the option is read.
pub struct Words<I: Iterator<Item = OsString>> {
    args: I,
    inline_value: Option<String>,
    operands_only: bool,
}

impl<I: Iterator<Item = OsString>> Words<I> {
    pub fn new(args: I) -> Self {
        Words {
            args,
            inline_value: None,
            operands_only: false,
        }
    }

    /// The value of the option just read: its `=value`, else the next argument.
    pub fn value(&mut self, option: &str) -> Result<String, String> {
        if let Some(value) = self.inline_value.take() {
            return Ok(value);
        }
        match self.args.next() {
            Some(value) => value
                .into_string()
                .map_err(|value| format!("{option} takes text, not {value:?}")),
            None => Err(format!("{option} needs a value")),
        }
    }
}

impl<I: Iterator<Item = OsString>> Iterator for Words<I> {
    type Item = Word;

    fn next(&mut self) -> Option<Word> {
        self.inline_value = None;
        loop {
            let arg = self.args.next()?;
            if self.operands_only {
                return Some(Word::Operand(arg));
            }
            let Some(text) = arg.to_str() else {
                return Some(Word::Operand(arg));
            };
            if text == "--" {
                self.operands_only = true;
                continue;
            }
            if !text.starts_with('-') || text == "-" {
                return Some(Word::Operand(arg));
            }
            return Some(match text.split_once('=') {
                Some((name, value)) if name.starts_with("--") => {
                    self.inline_value = Some(value.to_owned());
                    Word::Option(name.to_owned())
                }
                _ => Word::Option(text.to_owned()),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(args: &[&str]) -> Words<std::vec::IntoIter<OsString>> {
        Words::new(
            args.iter()
                .map(OsString::from)
                .collect::<Vec<_>>()
                .into_iter(),
        )
    }

    #[test]
    fn options_values_and_operands() {
        let mut w = words(&[
            "--format=json",
            "a",
            "--fail-level",
            "hint",
            "-",
            "--",
            "--fix",
        ]);
        assert_eq!(w.next(), Some(Word::Option("--format".into())));
        assert_eq!(w.value("--format"), Ok("json".into()));
        assert_eq!(w.next(), Some(Word::Operand("a".into())));
        assert_eq!(w.next(), Some(Word::Option("--fail-level".into())));
        assert_eq!(w.value("--fail-level"), Ok("hint".into()));
        assert_eq!(w.next(), Some(Word::Operand("-".into())));
        assert_eq!(w.next(), Some(Word::Operand("--fix".into())));
        assert_eq!(w.next(), None);
    }

    #[test]
    fn a_missing_value_is_an_error_and_an_unused_inline_value_does_not_leak() {
        let mut w = words(&["--fix=yes", "--format"]);
        assert_eq!(w.next(), Some(Word::Option("--fix".into())));
        assert_eq!(w.next(), Some(Word::Option("--format".into())));
        assert_eq!(w.value("--format"), Err("--format needs a value".into()));
    }
}
