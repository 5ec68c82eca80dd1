//! ADD used for local files and folders, where COPY does the same without surprises.

use super::util::{path_arguments, with_triggers};
use crate::diagnostic::Edit;
use crate::diagnostic::Severity;
use crate::knowledge;
use crate::rules::{Category, Context, Fixes, Report, Rule, Scope};

pub static RULE: Rule = Rule {
    name: "add-instead-of-copy",
    summary: "ADD used to copy local files",
    docs: "\
Reports an `ADD` whose sources are all local files or folders: none is a URL (`http://`, \
`https://`, `git@`, or any `scheme://`) and none has an archive extension (`.tar`, `.gz`, \
`.tgz`, `.xz`, `.bz2`, `.zst`, ...).

**Why:** `ADD` does more than copy: it unpacks local tar archives and downloads URLs. For plain \
files `COPY` gives the same result and tells the reader that nothing else happens; an `ADD` \
kept for files invites the surprise of a later source that happens to be an archive.

**Before**

```dockerfile
ADD requirements.txt app/ /srv/
```

**After**

```dockerfile
COPY requirements.txt app/ /srv/
```

**Fix:** change `ADD` to `COPY`, keeping the keyword's casing; not offered when a flag only \
`ADD` accepts (`--checksum`, `--keep-git-dir`, `--unpack`) is present.",
    severity: Severity::Information,
    category: Category::Style,
    scope: Scope::Instruction,
    hadolint: &["DL3020"],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::Safe,
    check,
};

/// Extensions of the archives ADD unpacks (hadolint's list, with zstd added).
const ARCHIVE_EXTENSIONS: &[&str] = &[
    ".tar", ".Z", ".bz2", ".gz", ".lz", ".lzma", ".tZ", ".tb2", ".tbz", ".tbz2", ".tgz", ".tlz",
    ".tpz", ".txz", ".xz", ".zst", ".tzst",
];

fn check(context: &Context, report: &mut Report) {
    let copy = knowledge::instruction("COPY");
    for (_, outer) in context.instructions() {
        for instruction in with_triggers(outer) {
            if instruction.keyword != "ADD" {
                continue;
            }
            let paths = path_arguments(context, instruction);
            let Some((_, sources)) = paths.split_last() else {
                continue;
            };
            if sources.is_empty()
                || sources
                    .iter()
                    .any(|s| is_url(&s.text) || is_archive(&s.text))
            {
                continue;
            }
            let finding = report.add(
                instruction.keyword_range.clone(),
                "`ADD` copies only local files here; use `COPY`",
            );
            let copy_accepts_flags = instruction
                .flags
                .iter()
                .all(|f| copy.is_some_and(|c| knowledge::flag(c, &f.name).is_some()));
            if copy_accepts_flags {
                let written = context.slice(instruction.keyword_range.clone());
                let replacement = if written.chars().any(|c| c.is_ascii_uppercase()) {
                    "COPY"
                } else {
                    "copy"
                };
                finding.with_fix(
                    format!("Change to `{replacement}`"),
                    vec![Edit {
                        range: instruction.keyword_range.clone(),
                        new_text: replacement.to_owned(),
                    }],
                );
            }
        }
    }
}

fn is_url(source: &str) -> bool {
    source.starts_with("git@")
        || source.split_once("://").is_some_and(|(scheme, _)| {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
        })
}

fn is_archive(source: &str) -> bool {
    ARCHIVE_EXTENSIONS.iter().any(|ext| source.ends_with(ext))
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::rules::testing::{fixed, render};

    #[test]
    fn reports_add_of_local_files() {
        expect![[r#"
            7..10 "ADD": `ADD` copies only local files here; use `COPY`
            24..27 "add": `ADD` copies only local files here; use `COPY`
            49..52 "ADD": `ADD` copies only local files here; use `COPY`
            75..78 "ADD": `ADD` copies only local files here; use `COPY`
            88..91 "ADD": `ADD` copies only local files here; use `COPY`"#]]
        .assert_eq(&render(
            &RULE,
            "FROM a\nADD app.py /srv/\nadd [\"a b\", \"c/\", \"/d/\"]\nADD --chown=1 x y\n\
             ONBUILD ADD src /src\nADD --checksum=sha256:0 x.bin /x\n",
        ));
    }

    #[test]
    fn urls_archives_and_copy_are_fine() {
        assert_eq!(
            render(
                &RULE,
                "FROM a\nADD https://example.com/x /x\nADD http://e/x.sh a.tar.gz /x/\n\
                 ADD \"rootfs.tar.xz\" /\nADD git@github.com:a/b.git /src\n\
                 ADD git://host/repo /src\nCOPY a b\nADD only-one\n",
            ),
            ""
        );
    }

    #[test]
    fn fix_changes_the_keyword() {
        assert_eq!(
            fixed(&RULE, "FROM a\nADD --chown=1:1 a b /x/\n"),
            "FROM a\nCOPY --chown=1:1 a b /x/\n"
        );
        assert_eq!(fixed(&RULE, "from a\nadd a /x\n"), "from a\ncopy a /x\n");
    }
}
