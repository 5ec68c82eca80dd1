//! A COPY/ADD source that points outside the build context: an absolute path or one that
//! climbs out with `..`.

use super::util::{path_arguments, with_triggers};
use crate::diagnostic::Severity;
use crate::rules::{Category, Context, Fixes, Report, Rule, Scope};

pub static RULE: Rule = Rule {
    name: "copy-source-outside-context",
    summary: "COPY/ADD source outside the build context",
    docs: "\
Reports a source of `COPY` or `ADD` that is an absolute path (`/opt/app`) or climbs above the \
build context with `..` (`../shared`). Sources of `COPY --from`, which come from another stage \
or image, URLs, heredocs and paths with variables are not checked.

**Why:** the build runs in the builder, which sees only the build context the client sent \
(the directory given to `docker build`), never the client's file system. BuildKit resolves \
every source inside that context: `/opt/app` means `<context>/opt/app`, and `..` cannot leave \
it, so `../shared` means `<context>/shared`. Either the build fails with `not found`, or it \
copies something else than the file meant. To use files from elsewhere, move the context \
(`docker build -f app/Dockerfile .`) or add a named context (`--build-context`).

**Before**

```dockerfile
COPY /opt/app/config.yml ../shared/lib /app/
```

**After**

```dockerfile
COPY config.yml lib /app/
```

**Fix:** none; where the files should come from is yours to decide.",
    severity: Severity::Warning,
    category: Category::Correctness,
    scope: Scope::Instruction,
    hadolint: &[],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::None,
    check,
};

fn check(context: &Context, report: &mut Report) {
    for (_, outer) in context.instructions() {
        for instruction in with_triggers(outer) {
            let keyword = instruction.keyword.as_str();
            if !(keyword == "COPY" || keyword == "ADD") || instruction.flag("from").is_some() {
                continue;
            }
            let paths = path_arguments(context, instruction);
            let Some((_, sources)) = paths.split_last() else {
                continue;
            };
            for source in sources {
                let path = source.text.as_str();
                if source.heredoc || path.contains('$') || path.contains("://") {
                    continue;
                }
                if path.starts_with('/') {
                    let inside = path.trim_start_matches('/');
                    let inside = if inside.is_empty() { "." } else { inside };
                    report.add(
                        source.range.clone(),
                        format!(
                            "`{path}` is read from the build context (`{inside}` in it), \
                             not from the host"
                        ),
                    );
                } else if let Some(clamped) = leaves_context(path) {
                    report.add(
                        source.range.clone(),
                        format!(
                            "`{path}` cannot leave the build context; it reads `{clamped}` \
                             in the context"
                        ),
                    );
                }
            }
        }
    }
}

/// For a relative path that climbs above its start with `..`, the path BuildKit resolves it
/// to inside the context.
fn leaves_context(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    let mut escaped = false;
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    escaped = true;
                }
            }
            _ => parts.push(part),
        }
    }
    escaped.then(|| {
        if parts.is_empty() {
            ".".to_owned()
        } else {
            parts.join("/")
        }
    })
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::rules::testing::render;

    #[test]
    fn reports_absolute_and_climbing_sources() {
        expect![[r#"
            12..21 "/opt/xxxx": `/opt/xxxx` is read from the build context (`opt/xxxx` in it), not from the host
            31..44 "../shared/lib": `../shared/lib` cannot leave the build context; it reads `shared/lib` in the context
            45..54 "a/../../b": `a/../../b` cannot leave the build context; it reads `b` in the context
            63..71 "\"/etc/x\"": `/etc/x` is read from the build context (`etc/x` in it), not from the host
            84..86 "..": `..` cannot leave the build context; it reads `.` in the context
            103..104 "/": `/` is read from the build context (`.` in it), not from the host"#]].assert_eq(&render(
            &RULE,
            "FROM a\nCOPY /opt/xxxx /app\nADD ../shared/lib a/../../b /\nCOPY [\"/etc/x\", \"/y\"]\n\
             COPY .. /z\nONBUILD COPY / /app\n",
        ));
    }

    #[test]
    fn sources_inside_the_context_are_fine() {
        assert_eq!(
            render(
                &RULE,
                "FROM a AS b\nCOPY . /app\nCOPY a/../b ./c /d/\nCOPY --from=b /opt/x /x\n\
                 ADD https://e.com/a /a\nCOPY <<EOF /x\nhi\nEOF\nCOPY $HOME/x /y\nRUN cp /a /b\n",
            ),
            ""
        );
    }
}
