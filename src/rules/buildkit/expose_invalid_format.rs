//! EXPOSE with an address or a host port.

use super::super::{Category, Context, Fixes, Report, Rule, Scope};
use super::util;
use crate::diagnostic::Edit;
use crate::diagnostic::Severity;

pub static RULE: Rule = Rule {
    name: "expose-invalid-format",
    summary: "EXPOSE with an IP address or host port",
    docs: "\
Reports an `EXPOSE` port written with an IP address or a host port, `[ip:]host:container`, \
such as `8080:80` or `127.0.0.1:8080:80`.

**Why:** `EXPOSE` only records which ports the container listens on; publishing them on the \
host is `docker run -p`'s job. BuildKit keeps just the container port and ignores the rest, \
and a future release will reject the form.

**Before**

```dockerfile
EXPOSE 127.0.0.1:8080:80/tcp
```

**After**

```dockerfile
EXPOSE 80/tcp
```

**Fix:** keeps only the container port (and its protocol), which is all the image records.",
    severity: Severity::Warning,
    category: Category::Correctness,
    scope: Scope::Instruction,
    hadolint: &[],
    buildkit: Some("ExposeInvalidFormat"),
    off_by_default: false,
    fixes: Fixes::Safe,
    check,
};

fn check(context: &Context, report: &mut Report) {
    for (_, instruction) in context.instructions() {
        if instruction.keyword != "EXPOSE" {
            continue;
        }
        for word in util::expose_words(context, instruction) {
            let Some(&colon) = util::positions_outside_expansions(&word.text, b':').last() else {
                continue;
            };
            let quote = word.text.chars().next().filter(|c| *c == '"' || *c == '\'');
            let container = &word.text[colon + 1..];
            let new_text = match quote {
                Some(q) if !container.ends_with(q) => format!("{q}{container}{q}"),
                Some(q) => format!("{q}{container}"),
                None => container.to_owned(),
            };
            let shown = word.text.trim_matches(|c| c == '"' || c == '\'');
            report
                .add(
                    word.range.clone(),
                    format!("`{shown}` maps a host address or port; EXPOSE takes the container port only"),
                )
                .with_fix(
                    format!("Keep only `{}`", new_text.trim_matches(|c| c == '"' || c == '\'')),
                    vec![Edit {
                        range: word.range.clone(),
                        new_text,
                    }],
                );
        }
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::rules::testing::{fixed, render};

    #[test]
    fn reports_mappings() {
        expect![[r#"
            17..24 "8080:80": `8080:80` maps a host address or port; EXPOSE takes the container port only
            25..46 "127.0.0.1:8080:80/tcp": `127.0.0.1:8080:80/tcp` maps a host address or port; EXPOSE takes the container port only
            47..64 "\"[::1]:53:53/udp\"": `[::1]:53:53/udp` maps a host address or port; EXPOSE takes the container port only"#]].assert_eq(&render(
            &RULE,
            "FROM a\nEXPOSE 80 8080:80 127.0.0.1:8080:80/tcp \"[::1]:53:53/udp\"\n",
        ));
    }

    #[test]
    fn container_ports_are_fine() {
        assert_eq!(
            render(&RULE, "FROM a\nEXPOSE 80 443/tcp ${PORT:-80} 1000-1010\n"),
            ""
        );
    }

    #[test]
    fn fix_keeps_the_container_port() {
        assert_eq!(
            fixed(&RULE, "FROM a\nEXPOSE 127.0.0.1:8080:80/tcp\n"),
            "FROM a\nEXPOSE 80/tcp\n"
        );
        assert_eq!(
            fixed(&RULE, "FROM a\nEXPOSE \"8080:80\"\n"),
            "FROM a\nEXPOSE \"80\"\n"
        );
    }
}
