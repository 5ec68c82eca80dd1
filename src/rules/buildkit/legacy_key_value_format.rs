//! `ENV key value` and `LABEL key value` instead of `key=value`.

use super::super::{Category, Context, Fixes, Report, Rule, Scope};
use crate::diagnostic::Edit;
use crate::diagnostic::Severity;
use crate::model::collapse_continuations;
use crate::syntax::NodeExt;

pub static RULE: Rule = Rule {
    name: "legacy-key-value-format",
    summary: "Legacy `key value` form in ENV or LABEL",
    docs: "\
Reports `ENV` and `LABEL` written in the legacy form with a blank between key and value \
(`ENV key value`) instead of `key=value`.

**Why:** the legacy form takes everything after the key as the value, blanks included, and \
sets one variable per instruction; `ENV A 1 B 2` sets `A` to `1 B 2`. The `key=value` form \
reads the same way as the rest of the file and can set several variables at once.

**Before**

```dockerfile
ENV APP_HOME /srv/app
LABEL description A small web server
```

**After**

```dockerfile
ENV APP_HOME=/srv/app
LABEL description=\"A small web server\"
```

**Fix:** rewrites the pair as `key=value`, quoting the value where it has blanks so it stays \
the same. A value that spans continuation lines is joined onto one line.",
    severity: Severity::Information,
    category: Category::Style,
    scope: Scope::Instruction,
    hadolint: &[],
    buildkit: Some("LegacyKeyValueFormat"),
    off_by_default: false,
    fixes: Fixes::Safe,
    check,
};

fn check(context: &Context, report: &mut Report) {
    let escape = context.model.escape;
    for (_, instruction) in context.instructions() {
        let (pair_kind, key_field) = match instruction.keyword.as_str() {
            "ENV" => ("env_pair", "name"),
            "LABEL" => ("label_pair", "key"),
            _ => continue,
        };
        let Some(node) = context.instruction_node(instruction) else {
            continue;
        };
        let keyword = context.slice(instruction.keyword_range.clone());
        let mut cursor = node.walk();
        for pair in node.named_children(&mut cursor) {
            if pair.kind() != pair_kind {
                continue;
            }
            let mut pair_cursor = pair.walk();
            if pair.children(&mut pair_cursor).any(|c| c.kind() == "=") {
                continue;
            }
            let Some(key) = pair.field(key_field) else {
                continue;
            };
            let mut value_cursor = pair.walk();
            let values: Vec<_> = pair
                .children_by_field_name("value", &mut value_cursor)
                .collect();
            let (Some(first), Some(last)) = (values.first(), values.last()) else {
                continue;
            };
            let raw =
                collapse_continuations(context.slice(first.start_byte()..last.end_byte()), escape);
            let key_text = context.slice(key.byte_range());
            let new_text = format!("{key_text}={}", single_word(raw.trim(), escape));
            let finding = report.add(
                key.start_byte()..last.end_byte(),
                format!("legacy `{keyword} key value` form; use `{keyword} key=value`"),
            );
            // A control character cannot be written inside the quotes the fix may add.
            if raw.contains(|c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r')) {
                continue;
            }
            finding.with_fix(
                format!("Change to `{new_text}`"),
                vec![Edit {
                    range: key.start_byte()..last.end_byte(),
                    new_text,
                }],
            );
        }
    }
}

/// `value` written as one word that BuildKit reads back as the same text: quoted as a whole
/// when that is simple, otherwise with only its blanks quoted.
fn single_word(value: &str, escape: char) -> String {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut needs_quotes = false;
    for c in value.chars() {
        if escaped {
            escaped = false;
        } else if let Some(q) = quote {
            if c == q {
                quote = None;
            } else if c == escape && q == '"' {
                escaped = true;
            }
        } else if c == '"' || c == '\'' {
            quote = Some(c);
        } else if c == escape {
            escaped = true;
        } else if c.is_whitespace() {
            needs_quotes = true;
        }
    }
    if !needs_quotes {
        return value.to_owned();
    }
    if !value.contains(['"', '\'', escape]) {
        return format!("\"{value}\"");
    }
    // Quote only the blanks: `a "b" c` becomes `a" ""b"" "c`, one word with the same text.
    let mut out = String::with_capacity(value.len() + 8);
    let mut quote: Option<char> = None;
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        if let Some(q) = quote {
            out.push(c);
            if c == q {
                quote = None;
            } else if c == escape && q == '"' {
                if let Some(next) = chars.next() {
                    out.push(next);
                }
            }
        } else if c == '"' || c == '\'' {
            quote = Some(c);
            out.push(c);
        } else if c == escape {
            out.push(c);
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else if c.is_whitespace() {
            out.push('"');
            out.push(c);
            while let Some(&next) = chars.peek() {
                if !next.is_whitespace() {
                    break;
                }
                out.push(next);
                chars.next();
            }
            out.push('"');
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::rules::testing::{fixed, render};

    #[test]
    fn reports_legacy_pairs() {
        expect![[r#"
            11..24 "APP_HOME /app": legacy `ENV key value` form; use `ENV key=value`
            31..57 "description A small server": legacy `LABEL key value` form; use `LABEL key=value`
            62..65 "b 1": legacy `env key value` form; use `env key=value`"#]].assert_eq(&render(
            &RULE,
            "FROM a\nENV APP_HOME /app\nLABEL description A small server\nenv b 1\n",
        ));
    }

    #[test]
    fn key_value_pairs_are_fine() {
        assert_eq!(
            render(
                &RULE,
                "FROM a\nENV A=1 B=\"x y\"\nLABEL a=b \"c\"=d\nARG X Y=1\n"
            ),
            ""
        );
    }

    #[test]
    fn fix_quotes_the_value() {
        assert_eq!(fixed(&RULE, "FROM a\nENV A /app\n"), "FROM a\nENV A=/app\n");
        assert_eq!(
            fixed(&RULE, "FROM a\nLABEL description A small  server\n"),
            "FROM a\nLABEL description=\"A small  server\"\n"
        );
        assert_eq!(
            fixed(&RULE, "FROM a\nENV A \"x y\" z $B\n"),
            "FROM a\nENV A=\"x y\"\" \"z\" \"$B\n"
        );
        assert_eq!(
            fixed(&RULE, "FROM a\nENV A x \\\n  y\n"),
            "FROM a\nENV A=\"x   y\"\n"
        );
    }

    #[test]
    fn words_keep_their_text() {
        assert_eq!(single_word("a\\ b c", '\\'), "a\\ b\" \"c");
        assert_eq!(single_word("'a b'", '\\'), "'a b'");
    }
}
