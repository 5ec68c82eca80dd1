//! Hover in the shell of a RUN: what a package manager or download command does in an image,
//! and what the options the rules ask for mean.

use crate::context::{self, ShellPlace};
use crate::knowledge::{self, ShellCommand, ShellOption};
use crate::snapshot::Snapshot;

use super::Found;

/// The command or option under the cursor, when knowledge has it.
pub(super) fn shell_word(analysis: &Snapshot, offset: usize) -> Option<Found> {
    let place = context::shell_place(analysis, offset)?;
    let index = place.word?;
    let command = place.command;
    let program = command.program_index()?;
    if index < program {
        return None;
    }
    let subcommand = place.subcommand_index();
    let subcommand_text = subcommand.map(|i| command.words[i].text.as_str());
    let info = knowledge::shell_command(command.program()?, subcommand_text)?;
    let word = &command.words[index];
    let markdown = if index == program || (Some(index) == subcommand && info.subcommand.is_some()) {
        info.docs.to_owned()
    } else {
        option_docs(&place, info, index)?
    };
    Some(Found {
        range: place.script.source_range(word.range.clone()),
        markdown,
    })
}

/// The docs of the option at word `index`: an option by any of its names (`--progress=...`
/// by its name), `-o pipefail` from either word, or each letter of a short cluster (`-eux`).
fn option_docs(place: &ShellPlace, info: &'static ShellCommand, index: usize) -> Option<String> {
    let words = &place.command.words;
    let word = words.get(index)?;
    if !word.literal {
        return None;
    }
    let text = word.text.as_str();
    let next = words.get(index + 1).map(|w| w.text.as_str());
    let previous = index.checked_sub(1).and_then(|i| words.get(i));
    let with_value = |flag: &str, value: Option<&str>| {
        value.and_then(|v| knowledge::shell_option(info, &format!("{flag} {v}")))
    };
    let single = knowledge::shell_option(info, text)
        .or_else(|| with_value(text, next))
        .or_else(|| with_value(previous.map_or("", |w| w.text.as_str()), Some(text)))
        .or_else(|| {
            // The value of the last letter of a cluster: `pipefail` after `-euo`.
            let cluster = previous.filter(|w| w.text.starts_with('-') && w.text.len() > 2)?;
            let letter = cluster.text.chars().last()?;
            with_value(&format!("-{letter}"), Some(text))
        });
    if let Some(option) = single {
        return Some(render(info, option));
    }
    // A cluster of short options: `-euxo pipefail`.
    let letters = text.strip_prefix('-').filter(|l| {
        l.len() > 1 && !l.starts_with('-') && l.bytes().all(|b| b.is_ascii_alphabetic())
    })?;
    let mut parts = Vec::new();
    for (i, letter) in letters.char_indices() {
        let flag = format!("-{letter}");
        let last = i + letter.len_utf8() == letters.len();
        let option = knowledge::shell_option(info, &flag)
            .or_else(|| last.then(|| with_value(&flag, next)).flatten());
        if let Some(option) = option {
            parts.push(render(info, option));
        }
    }
    (!parts.is_empty()).then(|| parts.join("\n\n---\n\n"))
}

fn render(info: &ShellCommand, option: &ShellOption) -> String {
    let command = match info.subcommand {
        Some(sub) => format!("{} {sub}", info.program),
        None => info.program.to_owned(),
    };
    let names: Vec<String> = option.names.iter().map(|n| format!("`{n}`")).collect();
    format!("{} ({command})\n\n{}", names.join(", "), option.docs)
}

#[cfg(test)]
mod tests {
    use crate::hover::{hover, HoverConfig};
    use crate::snapshot::Snapshot;

    /// The hovered text and the first line of the hover at `$0`, or `-` when there is none.
    fn at(fixture: &str) -> String {
        let offset = fixture.find("$0").expect("fixture has a $0 cursor");
        let text = fixture.replacen("$0", "", 1);
        let found = hover(
            &Snapshot::from_text(&text),
            offset,
            &HoverConfig { markdown: true },
        );
        match found {
            Some(h) => format!(
                "{:?}: {}",
                &text[h.range],
                h.contents.lines().next().unwrap_or_default()
            ),
            None => "-".to_owned(),
        }
    }

    #[test]
    fn package_manager_commands() {
        assert_eq!(
            at("FROM a\nRUN apt-g$0et install -y curl\n"),
            "\"apt-get\": **apt-get install** installs Debian and Ubuntu packages with what they depend on."
        );
        assert_eq!(
            at("FROM a\nRUN sudo apt-get -q ins$0tall curl\n"),
            "\"install\": **apt-get install** installs Debian and Ubuntu packages with what they depend on."
        );
        assert_eq!(
            at("FROM a\nRUN apk $0add --no-cache git\n"),
            "\"add\": **apk add** installs Alpine packages."
        );
        assert_eq!(
            at("FROM a\nRUN pip3 install$0 flask\n"),
            "\"install\": **pip install** installs Python packages."
        );
        assert_eq!(at("FROM a\nRUN apt-get re$0move curl\n"), "-");
        assert_eq!(at("FROM a\nRUN ech$0o apt-get\n"), "-");
    }

    #[test]
    fn options_by_any_name_and_across_continuations() {
        assert_eq!(
            at("FROM a\nRUN apt-get update && apt-get install \\\n    --no-install-$0recommends curl\n"),
            "\"--no-install-recommends\": `--no-install-recommends` (apt-get install)"
        );
        assert_eq!(
            at("FROM a\nRUN apt-get install --ye$0s curl\n"),
            "\"--yes\": `-y`, `--yes`, `--assume-yes` (apt-get install)"
        );
        assert_eq!(
            at("FROM a\nRUN apk add --no-c$0ache git\n"),
            "\"--no-cache\": `--no-cache` (apk add)"
        );
        assert_eq!(
            at("FROM a\nRUN pip install --no-cache-dir$0 x\n"),
            "\"--no-cache-dir\": `--no-cache-dir` (pip install)"
        );
        assert_eq!(
            at("FROM a\nRUN wget --progre$0ss=dot:giga https://x\n"),
            "\"--progress=dot:giga\": `--progress` (wget)"
        );
        assert_eq!(
            at("FROM a\nRUN curl -$0f https://x | tar x\n"),
            "\"-f\": `-f`, `--fail` (curl)"
        );
        assert_eq!(at("FROM a\nRUN curl -$0k https://x\n"), "-");
    }

    #[test]
    fn pipefail_in_its_spellings() {
        for fixture in [
            "FROM a\nRUN set -$0o pipefail && x | y\n",
            "FROM a\nRUN set -o pipe$0fail && x | y\n",
            "FROM a\nRUN set -euo pipe$0fail && x | y\n",
        ] {
            let found = at(fixture);
            assert!(found.contains("`-o pipefail` (set)"), "{fixture}: {found}");
        }
        assert_eq!(at("FROM a\nRUN set -e$0ux\n"), "\"-eux\": `-e` (set)");
    }

    #[test]
    fn heredoc_and_exec_form_scripts_but_not_other_instructions() {
        assert_eq!(
            at("FROM a\nRUN <<EOF\napk add --no-cach$0e x\nEOF\n"),
            "\"--no-cache\": `--no-cache` (apk add)"
        );
        assert_eq!(
            at("FROM a\nRUN [\"sh\", \"-c\", \"apk add --no-cach$0e x\"]\n"),
            "\"--no-cache\": `--no-cache` (apk add)"
        );
        assert_eq!(at("FROM a\nCMD apk add --no-cach$0e x\n"), "-");
        assert_eq!(at("FROM a\nRUN echo \"apk add --no-cach$0e\"\n"), "-");
    }
}
