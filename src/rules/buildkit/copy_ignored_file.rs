//! COPY or ADD of a path that `.dockerignore` leaves out of the build context.

use super::super::{Category, Context, Fixes, Report, Rule, Scope};
use super::dockerignore::Dockerignore;
use crate::diagnostic::Severity;
use crate::model::Form;

pub static RULE: Rule = Rule {
    name: "copy-ignored-file",
    summary: "COPY or ADD of a file excluded by .dockerignore",
    docs: "\
Reports a source of `COPY` or `ADD` (from the build context, not `--from` another stage) \
that the build context's `.dockerignore` excludes, itself or through a parent directory. \
Sources containing variables, URLs and heredocs are not checked. Only runs when a \
`.dockerignore` is found next to the Dockerfile (`dockls check`) or in the workspace.

**Why:** excluded files are never sent to the builder, so the instruction fails with \
\"not found\" or, with a wildcard, silently copies less than expected.

**Before**

```dockerfile
# .dockerignore contains: *.env
COPY production.env /app/
```

**After**

```dockerfile
# .dockerignore contains: *.env
#                         !production.env
COPY production.env /app/
```

**Fix:** none; either change `.dockerignore` or stop copying the file.",
    severity: Severity::Warning,
    category: Category::Correctness,
    scope: Scope::Instruction,
    hadolint: &[],
    buildkit: Some("CopyIgnoredFile"),
    off_by_default: false,
    fixes: Fixes::None,
    check,
};

fn check(context: &Context, report: &mut Report) {
    let Some(text) = context.dockerignore else {
        return;
    };
    let ignore = Dockerignore::parse(text);
    for (_, outer) in context.instructions() {
        for instruction in std::iter::once(outer).chain(outer.trigger.as_deref()) {
            let keyword = instruction.keyword.as_str();
            if !matches!(keyword, "COPY" | "ADD") || instruction.flag("from").is_some() {
                continue;
            }
            let sources: Vec<(String, std::ops::Range<usize>)> = if instruction.form == Form::Exec {
                let (Some(args), Some(range)) =
                    (&instruction.exec_args, &instruction.command_range)
                else {
                    continue;
                };
                let count = args.len().saturating_sub(1);
                args.iter()
                    .take(count)
                    .map(|a| (a.clone(), range.clone()))
                    .collect()
            } else {
                let count = instruction.arguments.len().saturating_sub(1);
                instruction
                    .arguments
                    .iter()
                    .take(count)
                    .map(|r| {
                        let text = context.slice(r.clone());
                        (
                            text.trim_matches(|c| c == '"' || c == '\'').to_owned(),
                            r.clone(),
                        )
                    })
                    .collect()
            };
            for (source, range) in sources {
                if source.contains('$')
                    || source.starts_with("<<")
                    || source.contains("://")
                    || source.starts_with("git@")
                {
                    continue;
                }
                if ignore.excludes(&source) {
                    report.add(
                        range,
                        format!("`{source}` is excluded by .dockerignore, so `{keyword}` cannot read it"),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::rules::testing::findings_with;
    use crate::rules::RuleConfig;

    fn render(text: &str, ignore: &str) -> String {
        findings_with(&RULE, text, &RuleConfig::default(), Some(ignore))
            .iter()
            .map(|f| format!("{:?} {:?}: {}", f.range, &text[f.range.clone()], f.message))
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn reports_ignored_sources() {
        expect![[r#"
            12..27 "./tmp/notes.txt": `./tmp/notes.txt` is excluded by .dockerignore, so `COPY` cannot read it
            28..35 "app.env": `app.env` is excluded by .dockerignore, so `COPY` cannot read it
            46..67 "[\"secrets/key\", \"/k\"]": `secrets/key` is excluded by .dockerignore, so `ADD` cannot read it"#]].assert_eq(&render(
            "FROM a\nCOPY ./tmp/notes.txt app.env /dst/\nADD [\"secrets/key\", \"/k\"]\n",
            "*/tmp/*\ntmp\n*.env\nsecrets\n",
        ));
    }

    #[test]
    fn included_sources_are_fine() {
        let text = "FROM a AS b\nCOPY src /src\nCOPY --from=b tmp /tmp\nCOPY $X /x\n\
                    ADD https://example.com/tmp /tmp\nCOPY README.md /\n";
        assert_eq!(render(text, "tmp\n*.md\n!README.md\n"), "");
        assert!(
            findings_with(&RULE, "FROM a\nCOPY tmp /x\n", &RuleConfig::default(), None).is_empty()
        );
    }
}
