//! Completion in the shell of a RUN: after a known command (`apt-get install `, `apk add `,
//! `curl `), the options the rules ask for and the others worth knowing.

use crate::context;
use crate::knowledge;
use crate::snapshot::Snapshot;

use super::{CompletionItem, CompletionKind};

/// The options of the command the cursor is in, when it is a known one and the cursor is on a
/// blank after its subcommand or on a word being typed that starts with `-`; options already
/// given are left out.
pub(super) fn options(analysis: &Snapshot, offset: usize) -> Vec<CompletionItem> {
    let offset = crate::text::floor_char_boundary(analysis.text(), offset);
    let Some(place) = context::shell_place(analysis, offset) else {
        return Vec::new();
    };
    let command = place.command;
    let Some(program) = command.program_index() else {
        return Vec::new();
    };
    let subcommand = place.subcommand_index();
    let Some(info) = command.program().and_then(|p| {
        knowledge::shell_command(
            p,
            subcommand
                .and_then(|i| command.words.get(i))
                .map(|w| w.text.as_str()),
        )
    }) else {
        return Vec::new();
    };
    // The options come after the subcommand, or after the program when there is none.
    let after = match (info.subcommand, subcommand) {
        (Some(_), Some(i)) => i,
        (Some(_), None) => return Vec::new(),
        (None, _) => program,
    };
    let at_blank = analysis.text()[..offset].ends_with([' ', '\t']);
    let replace = match place.word {
        // At the start of a word: a new word goes in front of it.
        Some(i) if i > after && at_blank && command.words[i].range.start == place.cursor => {
            offset..offset
        }
        Some(i) if i > after && command.words[i].text.starts_with('-') => {
            place.script.source_range(command.words[i].range.clone())
        }
        None if at_blank && place.cursor >= command.words[after].range.end => offset..offset,
        _ => return Vec::new(),
    };
    let given = |name: &str| {
        command.words.iter().enumerate().any(|(i, w)| {
            Some(i) != place.word
                && knowledge::shell_option(info, &w.text).is_some_and(|o| o.names.contains(&name))
        })
    };
    let label = match info.subcommand {
        Some(sub) => format!("{} {sub}", info.program),
        None => info.program.to_owned(),
    };
    // The table lists first the options the rules ask for; the editor keeps that order.
    info.options
        .iter()
        .enumerate()
        .filter(|(_, o)| !o.names.iter().any(|n| given(n)))
        .filter_map(|(position, o)| {
            let name = *o.names.first()?;
            Some(CompletionItem {
                label: name.to_owned(),
                kind: CompletionKind::Flag,
                detail: Some(match o.names.get(1..) {
                    Some(others) if !others.is_empty() => {
                        format!("{label} option, also {}", others.join(", "))
                    }
                    _ => format!("{label} option"),
                }),
                documentation: Some(o.docs.to_owned()),
                replace: replace.clone(),
                insert_text: name.to_owned(),
                is_snippet: false,
                sort_text: Some(format!("{position:02}")),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::completion::{completion, CompletionConfig};
    use crate::snapshot::Snapshot;

    /// The labels offered at `$0` and the text each would replace.
    fn offered(fixture: &str) -> String {
        let offset = fixture.find("$0").expect("fixture has a $0 cursor");
        let text = fixture.replacen("$0", "", 1);
        let items = completion(
            &Snapshot::from_text(&text),
            offset,
            &CompletionConfig::default(),
        );
        items
            .iter()
            .map(|i| format!("{}[{}]", i.label, &text[i.replace.clone()]))
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn options_after_the_subcommand() {
        assert_eq!(
            offered("FROM a\nRUN apt-get update && apt-get install $0\n"),
            "--no-install-recommends[] -y[] -q[]"
        );
        assert_eq!(
            offered("FROM a\nRUN apt-get install -y $0 curl\n"),
            "--no-install-recommends[] -q[]"
        );
        assert_eq!(
            offered("FROM a\nRUN apk add $0"),
            "--no-cache[] --virtual[] --update[]"
        );
        assert_eq!(
            offered("FROM a\nRUN pip3 install --no-$0\n"),
            "--no-cache-dir[--no-] -r[--no-] --user[--no-] -U[--no-]"
        );
        assert_eq!(
            offered("FROM a\nRUN set -e && set $0"),
            "-o pipefail[] -e[] -u[] -x[]"
        );
    }

    #[test]
    fn the_options_the_rules_ask_for_sort_first() {
        let text = "FROM a\nRUN apt-get install ";
        let items = completion(
            &Snapshot::from_text(text),
            text.len(),
            &CompletionConfig::default(),
        );
        let mut sorted = items.clone();
        sorted.sort_by(|a, b| a.sort_text.cmp(&b.sort_text));
        assert_eq!(sorted, items);
        assert_eq!(
            items.first().map(|i| i.label.as_str()),
            Some("--no-install-recommends")
        );
    }

    #[test]
    fn through_continuations_heredocs_and_exec_form() {
        assert_eq!(
            offered("FROM a\nRUN apk add \\\n    --no-$0 \\\n    git\n"),
            "--no-cache[--no-] --virtual[--no-] --update[--no-]"
        );
        assert_eq!(
            offered("FROM a\nRUN <<EOF\napk add $0git\nEOF\n"),
            "--no-cache[] --virtual[] --update[]"
        );
        assert_eq!(
            offered("FROM a\nRUN [\"sh\", \"-c\", \"apk add $0\"]\n"),
            "--no-cache[] --virtual[] --update[]"
        );
    }

    #[test]
    fn nothing_outside_a_known_command_or_outside_run() {
        for fixture in [
            "FROM a\nRUN apt-get $0\n",
            "FROM a\nRUN apt-get install curl$0\n",
            "FROM a\nRUN apt-get remove $0\n",
            "FROM a\nRUN echo apt-get install $0\n",
            "FROM a\nCMD apt-get install $0\n",
            "FROM a\nRUN echo \"apk add $0\"\n",
            "FROM a\n# apk add $0\n",
        ] {
            assert_eq!(offered(fixture), "", "{fixture:?}");
        }
    }
}
