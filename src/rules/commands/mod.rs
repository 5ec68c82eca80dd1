//! Rules about the commands inside RUN: package managers, downloads, `cd`, `sudo`, pipes. They
//! read the parsed scripts of [`Context::scripts`], so every range is the exact word in the
//! Dockerfile, across continuations, heredocs and exec-form strings.

use std::ops::Range;

use super::{Context, Rule};
use crate::diagnostic::Edit;
use crate::model::Instruction;
use crate::shell::{Script, SimpleCommand, Word};

mod apk;
mod apt;
mod downloads;
pub(super) mod expansions;
mod languages;
mod pipefail;
mod pitfalls;
mod portability;
mod quoting;
mod rpm;
mod syntax;
mod usage;
mod variables;

/// The rules of this group.
pub static RULES: &[&Rule] = &[
    &usage::CD,
    &usage::SUDO,
    &apt::UNPINNED,
    &apt::LISTS_KEPT,
    &languages::PIP_UNPINNED,
    &apt::NO_YES,
    &apt::RECOMMENDS,
    &languages::NPM_UNPINNED,
    &apk::UNPINNED,
    &apk::CACHE,
    &apt::APT,
    &languages::GEM_UNPINNED,
    &rpm::YUM_NO_YES,
    &rpm::YUM_CLEAN,
    &rpm::YUM_UNPINNED,
    &rpm::ZYPPER_NO_YES,
    &rpm::ZYPPER_DIST_UPGRADE,
    &rpm::ZYPPER_CLEAN,
    &rpm::ZYPPER_UNPINNED,
    &rpm::DNF_NO_YES,
    &rpm::DNF_CLEAN,
    &rpm::DNF_UNPINNED,
    &languages::PIP_CACHE,
    &downloads::WGET_PROGRESS,
    &languages::YARN_CACHE,
    &languages::GO_UNPINNED,
    &downloads::WGET_AND_CURL,
    &usage::LINK_SH,
    &pipefail::RULE,
    &syntax::RULE,
    // ShellCheck-class checks.
    &quoting::UNQUOTED_VARIABLE,
    &quoting::UNQUOTED_SUBSTITUTION,
    &quoting::SINGLE_QUOTED_EXPANSION,
    &quoting::ECHO_ESCAPES,
    &quoting::GLOB_AS_OPTION,
    &variables::UNASSIGNED,
    &variables::DECLARE_AND_ASSIGN,
    &pitfalls::CD_UNCHECKED,
    &pitfalls::NEGATION_ERREXIT,
    &pitfalls::FIND_XARGS,
    &pitfalls::EGREP,
    &pitfalls::FGREP,
    &portability::DOUBLE_BRACKET,
    &portability::PIPEFAIL,
    &portability::AMPERSAND_REDIRECT,
    &portability::STRING_REPLACEMENT,
    &portability::ECHO_FLAGS,
    &portability::DOUBLE_EQUALS,
    &portability::SOURCE,
    &portability::PROCESS_SUBSTITUTION,
    &portability::HERE_STRING,
    &portability::ANSI_C_QUOTES,
];

/// One simple command of a RUN, with what the rules need around it.
pub struct Found<'c> {
    pub script: &'c Script,
    pub command: &'c SimpleCommand,
    /// The RUN (the ONBUILD's trigger for `ONBUILD RUN`).
    pub run: &'c Instruction,
    /// The index of the RUN (or its ONBUILD) in the model.
    pub index: usize,
}

impl Found<'_> {
    /// The Dockerfile range of a word of the command.
    pub fn range(&self, word: &Word) -> Range<usize> {
        self.script.source_range(word.range.clone())
    }

    /// An edit inserting `text` right after `word`.
    pub fn insert_after(&self, word: &Word, text: &str) -> Edit {
        let end = self.range(word).end;
        Edit {
            range: end..end,
            new_text: text.to_owned(),
        }
    }
}

/// The RUN instruction a script belongs to.
pub fn run_of<'c>(context: &'c Context, script: &Script) -> Option<&'c Instruction> {
    let instruction = context.model.instructions.get(script.instruction)?;
    Some(match &instruction.trigger {
        Some(trigger) => trigger,
        None => instruction,
    })
}

/// Every simple command of every RUN script whose program is one of `programs`.
pub fn commands<'c>(context: &'c Context, programs: &[&str]) -> Vec<Found<'c>> {
    commands_matching(context, |p| programs.contains(&p))
}

/// Every simple command of every RUN script whose program satisfies `matches`.
pub fn commands_matching<'c>(
    context: &'c Context,
    matches: impl Fn(&str) -> bool,
) -> Vec<Found<'c>> {
    let mut found = Vec::new();
    for script in context.scripts() {
        let Some(run) = run_of(context, script) else {
            continue;
        };
        for command in &script.commands {
            if command.program().is_some_and(&matches) {
                found.push(Found {
                    script,
                    command,
                    run,
                    index: script.instruction,
                });
            }
        }
    }
    found
}

/// Whether the arguments hold an option: a long one (`--yes`, `--yes=...`) or a short letter,
/// alone or in a cluster (`-y`, `-qy`).
pub fn has_option(args: &[Word], shorts: &[char], longs: &[&str]) -> bool {
    args.iter().any(|w| {
        let text = w.text.as_str();
        if let Some(long) = text.strip_prefix("--") {
            let name = long.split('=').next().unwrap_or(long);
            longs.contains(&name)
        } else if let Some(cluster) = text.strip_prefix('-') {
            // The letters before a value (`-qO-` is `-q -O -`).
            cluster
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .any(|c| shorts.contains(&c))
        } else {
            false
        }
    })
}

/// The operands among the arguments: the words that are not options, skipping the values of
/// the options that take one (`-t release`, `--index-url URL`; `--opt=value` carries its own).
pub fn operands<'a>(
    args: &'a [Word],
    short_values: &[char],
    long_values: &[&str],
) -> Vec<&'a Word> {
    let mut operands = Vec::new();
    let mut i = 0;
    let mut options_done = false;
    while let Some(word) = args.get(i) {
        i += 1;
        let text = word.text.as_str();
        if options_done || !text.starts_with('-') || text == "-" {
            operands.push(word);
            continue;
        }
        if text == "--" {
            options_done = true;
        } else if let Some(long) = text.strip_prefix("--") {
            if !long.contains('=') && long_values.contains(&long) {
                i += 1;
            }
        } else if let Some(last) = text.chars().last() {
            // `-t release`: a value-taking letter at the end of a cluster takes the next word.
            if text.len() > 1 && short_values.contains(&last) {
                i += 1;
            }
        }
    }
    operands
}

/// The first argument that is not an option, when it is `name` (`install` of `apt-get -y
/// install`).
pub fn subcommand<'a>(args: &'a [Word], names: &[&str]) -> Option<&'a Word> {
    args.iter()
        .find(|w| !w.text.starts_with('-'))
        .filter(|w| names.contains(&w.text.as_str()))
}

/// The words after the subcommand.
pub fn after<'a>(args: &'a [Word], word: &Word) -> &'a [Word] {
    match args.iter().position(|w| w.range == word.range) {
        Some(i) => &args[i + 1..],
        None => &[],
    }
}

/// Whether the RUN mounts a cache over one of `targets` (or a directory below one), which
/// keeps the cache out of the image.
pub fn cache_mount(run: &Instruction, targets: &[&str]) -> bool {
    run.flags.iter().filter(|f| f.name == "mount").any(|f| {
        let value = f
            .value
            .as_deref()
            .unwrap_or_default()
            .trim_matches(['"', '\'']);
        let mut cache = false;
        let mut target = "";
        for option in value.split(',') {
            match option.split_once('=') {
                Some(("type", "cache")) => cache = true,
                Some(("target" | "dst" | "destination", t)) => target = t,
                _ => {}
            }
        }
        let target = target.trim_end_matches('/');
        cache
            && !target.is_empty()
            && targets.iter().any(|t| {
                target == *t || t.starts_with(&format!("{target}/")) || target.starts_with(t)
            })
    })
}

/// The end of a shell-form RUN's script where a command can be appended with ` && ...`: the
/// Dockerfile offset after its last character, `None` when appending is not plain (heredocs,
/// exec form, a trailing comment, `;` or `&`).
pub fn append_point(script: &Script) -> Option<usize> {
    if script.origin != crate::shell::Origin::ShellForm || script.text.contains('#') {
        return None;
    }
    let trimmed = script.text.trim_end();
    if trimmed.is_empty() || trimmed.ends_with([';', '&', '|', '\\']) {
        return None;
    }
    Some(script.source_range(0..trimmed.len()).end)
}

/// Whether the stage of a RUN ends up in an image someone uses: the last stage, or one another
/// stage is built FROM.
pub fn stage_is_shipped(context: &Context, index: usize) -> bool {
    let model = context.model;
    let Some(stage) = model.instructions.get(index).and_then(|i| i.stage) else {
        return true;
    };
    stage + 1 == model.stages.len() || model.stages.iter().any(|s| s.base_stage == Some(stage))
}
