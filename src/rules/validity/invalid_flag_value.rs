//! A flag value BuildKit cannot read: durations, counts, booleans, modes and platforms.

use crate::diagnostic::Severity;
use crate::knowledge;
use crate::model::Flag;
use crate::rules::{Category, Context, Fixes, Report, Rule, Scope};

use super::util;

pub static RULE: Rule = Rule {
    name: "invalid-flag-value",
    summary: "Invalid flag value",
    docs: "\
Reports a flag whose value BuildKit rejects while reading the instruction:

- a flag that needs a value written without one (`--from`, `--chown`, `--mount`, ...), or a \
boolean flag with an empty `=`;
- a boolean flag (`--link`, `--parents`, `--keep-git-dir`, `--unpack`) with a value other than \
`true` or `false`;
- a HEALTHCHECK duration (`--interval`, `--timeout`, `--start-period`, `--start-interval`) that \
is not a Go duration such as `30s`, `1m30s` or `500ms`, or is negative or below `1ms` (`0` \
keeps the default and is fine);
- `--retries` that is not a whole number, or is negative;
- `--network` other than `default`, `none` or `host`, `--security` other than `sandbox` or \
`insecure`;
- `--chmod` that is neither an octal mode up to `7777` nor a symbolic mode such as `u+x` or \
`go=rX` (Dockerfile syntax 1.14 and later);
- `FROM --platform` that is not shaped like `os[/arch[/variant]]`.

Values with variables are left alone, since their value is only known at build time.

**Why:** BuildKit stops the build with an error naming the flag.

**Before**

```dockerfile
COPY --link=yes --chmod=0855 app /app
HEALTHCHECK --interval=30 --retries=-1 CMD curl -f http://localhost/
```

**After**

```dockerfile
COPY --link=true --chmod=0755 app /app
HEALTHCHECK --interval=30s --retries=3 CMD curl -f http://localhost/
```

**Fix:** none; the intended value is yours to choose.",
    severity: Severity::Error,
    category: Category::Correctness,
    scope: Scope::Instruction,
    hadolint: &[],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::None,
    check,
};

const BOOLEANS: &[&str] = &["link", "parents", "keep-git-dir", "unpack"];
const DURATIONS: &[&str] = &["interval", "timeout", "start-period", "start-interval"];

fn check(context: &Context, report: &mut Report) {
    for instruction in util::with_triggers(context) {
        let Some(info) = knowledge::instruction(&instruction.keyword) else {
            continue;
        };
        // BuildKit does not read the flags of `HEALTHCHECK NONE`.
        if instruction.keyword == "HEALTHCHECK"
            && util::healthcheck_type(context, instruction).is_some_and(|(t, _)| t == "NONE")
        {
            continue;
        }
        for flag in &instruction.flags {
            let Some(spec) = knowledge::flag(info, &flag.name) else {
                continue;
            };
            if let Some(message) = problem(context, flag, spec) {
                let range = match &flag.value_range {
                    Some(range) if !message.starts_with("missing") => range.clone(),
                    _ => flag.range.clone(),
                };
                report.add(range, message);
            }
        }
    }
}

fn problem(context: &Context, flag: &Flag, spec: &knowledge::Flag) -> Option<String> {
    let name = flag.name.as_str();
    let has_equals = context
        .slice(flag.range.clone())
        .get(flag.name_range.len()..)
        .is_some_and(|rest| rest.starts_with('='));
    let raw = flag.value.as_deref().unwrap_or_default();
    if BOOLEANS.contains(&name) {
        if has_equals && raw.is_empty() {
            return Some(format!("missing a value after `--{name}=`"));
        }
        if raw.is_empty() || util::has_variable(raw) {
            return None;
        }
        let value = util::unquote(raw);
        return (!value.eq_ignore_ascii_case("true") && !value.eq_ignore_ascii_case("false"))
            .then(|| format!("`--{name}` takes `true` or `false`, not `{value}`"));
    }
    if !has_equals {
        return Some(format!("missing a value: write `--{name}=<value>`"));
    }
    if util::has_variable(raw) {
        return None;
    }
    let value = util::unquote(raw);
    match name {
        _ if DURATIONS.contains(&name) && !value.is_empty() => {
            match util::parse_go_duration(&value) {
                Err(error) => Some(format!("`--{name}`: {error}")),
                Ok(nanos) if nanos != 0.0 && nanos < 1e6 => Some(format!(
                    "`--{name}` must be at least `1ms`, or `0` for the default"
                )),
                Ok(_) => None,
            }
        }
        "retries" if !value.is_empty() => match value.parse::<i64>() {
            Ok(n) if n < 0 => Some(format!("`--retries` cannot be negative (`{value}`)")),
            Ok(n) if n > i64::from(i32::MAX) => Some(format!("`--retries={value}` is too large")),
            Ok(_) => None,
            Err(_) => Some(format!("`--retries` takes a whole number, not `{value}`")),
        },
        "network" | "security" => {
            let known: Vec<&str> = spec.values.iter().map(|v| v.name).collect();
            (!known.contains(&value.as_str())).then(|| {
                format!(
                    "unknown `--{name}` value `{value}`; expected `{}`",
                    known.join("`, `")
                )
            })
        }
        "chmod" if !is_valid_chmod(&value) => Some(format!(
            "`{value}` is neither an octal mode like `755` nor a symbolic mode like `u+x`"
        )),
        "platform" => util::platform_error(&value),
        _ => None,
    }
}

/// An octal mode up to `7777`, or a `chmod(1)` symbolic mode such as `u+x,go=rX`.
fn is_valid_chmod(mode: &str) -> bool {
    if !mode.is_empty() && mode.bytes().all(|b| b.is_ascii_digit()) {
        return u32::from_str_radix(mode, 8).is_ok_and(|m| m <= 0o7777);
    }
    !mode.is_empty() && mode.split(',').all(is_symbolic_clause)
}

/// `[ugoa]*([-+=]([rwxXst]*|[ugo]))+`
fn is_symbolic_clause(clause: &str) -> bool {
    let rest = clause.trim_start_matches(['u', 'g', 'o', 'a']);
    if rest.is_empty() {
        return false;
    }
    let mut chars = rest.chars().peekable();
    while let Some(op) = chars.next() {
        if !matches!(op, '-' | '+' | '=') {
            return false;
        }
        if matches!(chars.peek(), Some('u' | 'g' | 'o')) {
            chars.next();
            continue;
        }
        while chars
            .peek()
            .is_some_and(|c| matches!(c, 'r' | 'w' | 'x' | 'X' | 's' | 't'))
        {
            chars.next();
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::rules::testing::render;

    #[test]
    fn reports_bad_values() {
        expect![[r#"
            16..32 "linux/amd64/v8/x": `linux/amd64/v8/x` has more than three parts (os/arch/variant)
            47..50 "yes": `--link` takes `true` or `false`, not `yes`
            59..63 "0855": `0855` is neither an octal mode like `755` nor a symbolic mode like `u+x`
            64..70 "--from": missing a value: write `--from=<value>`
            79..88 "--unpack=": missing a value after `--unpack=`
            97..100 "u+q": `u+q` is neither an octal mode like `755` nor a symbolic mode like `u+x`
            128..130 "30": `--interval`: `30` lacks a unit such as `s` or `ms`
            141..143 "1d": `--timeout`: unknown unit `d` in `1d`
            159..162 "-5s": `--start-period` must be at least `1ms`, or `0` for the default
            180..184 "10us": `--start-interval` must be at least `1ms`, or `0` for the default
            195..197 "-1": `--retries` cannot be negative (`-1`)
            229..234 "three": `--retries` takes a whole number, not `three`
            258..264 "bridge": unknown `--network` value `bridge`; expected `default`, `none`, `host`
            276..286 "privileged": unknown `--security` value `privileged`; expected `sandbox`, `insecure`"#]].assert_eq(&render(
            &RULE,
            "FROM --platform=linux/amd64/v8/x a\n\
             COPY --link=yes --chmod=0855 --from a b\n\
             ADD --unpack= --chmod=u+q a b\n\
             HEALTHCHECK --interval=30 --timeout=1d --start-period=-5s --start-interval=10us \
             --retries=-1 CMD true\n\
             HEALTHCHECK --retries=three CMD true\n\
             RUN --network=bridge --security=privileged make\n",
        ));
    }

    #[test]
    fn valid_values_and_variables_are_fine() {
        assert_eq!(
            render(
                &RULE,
                "FROM --platform=$BUILDPLATFORM a\nFROM --platform=linux/arm/v7 b\n\
                 COPY --link --link=FALSE --parents=true --chmod=755 --chown=1:1 a b\n\
                 COPY --chmod=u=rwX,go=rX --chmod=+x --chmod=$MODE a b\n\
                 ADD --keep-git-dir=true --unpack=\"false\" a b\n\
                 HEALTHCHECK --interval=1m30s --timeout=500ms --start-period=0 \
                 --start-interval=\"5s\" --retries=3 CMD true\n\
                 HEALTHCHECK --interval=nonsense NONE\n\
                 RUN --network=none --security=insecure make\n\
                 COPY --from= a b\n"
            ),
            ""
        );
    }
}
