//! An exec-form JSON array with something other than strings in it.

use crate::diagnostic::Severity;
use crate::model::Form;
use crate::rules::{Category, Context, Fixes, Report, Rule, Scope};

use super::util;

pub static RULE: Rule = Rule {
    name: "exec-form-not-strings",
    summary: "Exec-form array with an element that is not a string",
    docs: "\
Reports a number, `true`/`false`/`null`, a nested array or an object inside the JSON array of \
`RUN`, `CMD`, `ENTRYPOINT`, `SHELL`, `HEALTHCHECK CMD`, `COPY`, `ADD` or `VOLUME`.

**Why:** the array is valid JSON, so BuildKit reads it as exec form, then stops the build: \
every element must be a string (`dockerfile parse error: ... not a string array`). Unlike \
invalid JSON, which silently becomes shell form, this one fails.

**Before**

```dockerfile
CMD [\"sleep\", 10]
```

**After**

```dockerfile
CMD [\"sleep\", \"10\"]
```

**Fix:** none; quote the value if a string was meant.",
    severity: Severity::Error,
    category: Category::Correctness,
    scope: Scope::Instruction,
    hadolint: &[],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::None,
    check,
};

const NOT_STRINGS: [&str; 4] = ["json_number", "json_literal", "json_array", "json_object"];

fn check(context: &Context, report: &mut Report) {
    let root = context.tree.root_node();
    for instruction in util::with_triggers(context) {
        if instruction.form != Form::Exec {
            continue;
        }
        let Some(range) = instruction.command_range.clone() else {
            continue;
        };
        let Some(array) = root.descendant_for_byte_range(range.start, range.end) else {
            continue;
        };
        let mut cursor = array.walk();
        for element in array.named_children(&mut cursor) {
            if NOT_STRINGS.contains(&element.kind()) {
                let text = context.slice(element.byte_range());
                report.add(
                    element.byte_range(),
                    format!("`{text}` is not a string; every element of the exec-form array must be a string"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::rules::testing::render;

    #[test]
    fn reports_each_element_that_is_not_a_string() {
        expect![[r#"
            23..25 "10": `10` is not a string; every element of the exec-form array must be a string
            40..55 "[\"nested json\"]": `["nested json"]` is not a string; every element of the exec-form array must be a string"#]]
        .assert_eq(&render(&RULE, "FROM a:1\nCMD [\"sleep\", 10]\nCMD [\"echo\", [\"nested json\"]]\n"));
    }

    #[test]
    fn strings_and_shell_form_are_fine() {
        assert_eq!(
            render(
                &RULE,
                "FROM a:1\nCMD [\"sleep\", \"10\"]\nRUN [ -f x ] && echo 1\nVOLUME [\"/data\"]\n"
            ),
            ""
        );
    }
}
