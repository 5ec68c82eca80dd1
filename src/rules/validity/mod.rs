//! What BuildKit would reject at build time and can be seen without building, one file per rule.

use super::Rule;

mod copy_destination_not_directory;
mod duplicate_parser_directive;
mod exec_form_not_strings;
mod healthcheck_none_flags;
mod ignored_parser_directive;
mod invalid_escape_directive;
mod invalid_expose_port;
mod invalid_flag_value;
mod invalid_healthcheck;
mod invalid_image_reference;
mod invalid_mount_option;
mod invalid_onbuild_trigger;
mod invalid_stage_name;
mod invalid_stage_reference;
mod invalid_stopsignal;
mod missing_from;
mod shell_not_json;
mod unclosed_quote;
mod unclosed_quote_in_shell;
mod unknown_flag;
mod unsupported_variable_modifier;
pub(super) mod util;

/// The rules of this group.
pub static RULES: &[&Rule] = &[
    &missing_from::RULE,
    &invalid_stage_name::RULE,
    &unknown_flag::RULE,
    &invalid_flag_value::RULE,
    &invalid_mount_option::RULE,
    &invalid_stage_reference::RULE,
    &invalid_onbuild_trigger::RULE,
    &shell_not_json::RULE,
    &exec_form_not_strings::RULE,
    &invalid_stopsignal::RULE,
    &invalid_expose_port::RULE,
    &invalid_healthcheck::RULE,
    &healthcheck_none_flags::RULE,
    &invalid_image_reference::RULE,
    &copy_destination_not_directory::RULE,
    &unsupported_variable_modifier::RULE,
    &unclosed_quote::RULE,
    &unclosed_quote_in_shell::RULE,
    &invalid_escape_directive::RULE,
    &duplicate_parser_directive::RULE,
    &ignored_parser_directive::RULE,
];

#[cfg(test)]
mod tests {
    use super::RULES;
    use crate::rules::testing::findings;

    #[test]
    fn odd_input_does_not_panic() {
        for text in [
            "",
            "\u{feff}",
            "FROM",
            "FROM --",
            "FROM a AS",
            "COPY --from= a",
            "RUN --mount=",
            "RUN --mount=type=,=,,",
            "HEALTHCHECK --interval=é CMD",
            "ONBUILD ONBUILD ONBUILD",
            "ENV a=\"${",
            "CMD \\\n--é",
            "SHELL [\"é\"",
            "STOPSIGNAL ''",
            "EXPOSE 99999999999999999999999-1",
            "# escape=\n# escape=é\nFROM a@é:é",
            "FROM a\nCOPY --from=99999999999999999999999 a b\nCOPY --from=é a b c",
            "FROM a AS b\nRUN --mount=from=b,from=b\nCOPY --chmod=u+ a b",
        ] {
            for rule in RULES {
                let _ = findings(rule, text);
            }
        }
    }
}
