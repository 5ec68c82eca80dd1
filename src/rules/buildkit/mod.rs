//! BuildKit's build checks (`docker build --check`), one file per check.

use super::Rule;

mod dockerignore;
mod util;

mod consistent_instruction_casing;
mod copy_ignored_file;
mod duplicate_stage_name;
mod expose_invalid_format;
mod expose_proto_casing;
mod from_as_casing;
mod from_platform_flag_const_disallowed;
mod invalid_default_arg_in_from;
mod invalid_definition_description;
mod json_args_recommended;
mod legacy_key_value_format;
mod maintainer_deprecated;
mod multiple_instructions_disallowed;
mod no_empty_continuation;
mod redundant_target_platform;
mod reserved_stage_name;
mod secrets_used_in_arg_or_env;
mod stage_name_casing;
mod undefined_arg_in_from;
mod undefined_var;
mod workdir_relative_path;

/// The rules of this group.
pub static RULES: &[&Rule] = &[
    &stage_name_casing::RULE,
    &from_as_casing::RULE,
    &no_empty_continuation::RULE,
    &consistent_instruction_casing::RULE,
    &duplicate_stage_name::RULE,
    &reserved_stage_name::RULE,
    &json_args_recommended::RULE,
    &maintainer_deprecated::RULE,
    &undefined_arg_in_from::RULE,
    &workdir_relative_path::RULE,
    &undefined_var::RULE,
    &multiple_instructions_disallowed::RULE,
    &legacy_key_value_format::RULE,
    &redundant_target_platform::RULE,
    &secrets_used_in_arg_or_env::RULE,
    &invalid_default_arg_in_from::RULE,
    &from_platform_flag_const_disallowed::RULE,
    &copy_ignored_file::RULE,
    &expose_proto_casing::RULE,
    &expose_invalid_format::RULE,
    &invalid_definition_description::RULE,
];

#[cfg(test)]
mod tests {
    use super::RULES;
    use crate::diagnostic::apply_edits;
    use crate::rules::testing::findings_with;
    use crate::rules::RuleConfig;

    #[test]
    fn odd_input_does_not_panic() {
        let inputs = [
            "",
            "FROM",
            "FROM a AS",
            "\u{feff}FROM é AS É\nCMD ñ \"\nEXPOSE 80:\"\n",
            "FROM a\nENV ${\nLABEL \"k\nWORKDIR $\nCOPY [\"a\"\n",
            "FROM --platform= a\nFROM --platform=/ b\nARG X=${\nFROM $X\n",
            "FROM a\nRUN a \\",
            "FROM a\nRUN a \\\n\n",
            "# escape=`\r\nFROM a\r\nCMD x `\r\n\r\n  y\r\nMAINTAINER\r\n",
            "FROM a\nEXPOSE 1:2:3:4/ \"[::1]:\" ${A:-1:2}/TCP\nHEALTHCHECK\nCMD\nENTRYPOINT\n",
            "ONBUILD ONBUILD CMD x\nFROM a AS scratch\nONBUILD COPY --from=A a b\n",
        ];
        for text in inputs {
            for rule in RULES {
                let found = findings_with(rule, text, &RuleConfig::default(), Some("[\n!\n**\n"));
                for finding in found {
                    assert!(
                        text.get(finding.range.clone()).is_some(),
                        "{}: {text:?}",
                        rule.name
                    );
                    for fix in &finding.fixes {
                        let _ = apply_edits(text, &fix.edits);
                    }
                }
            }
        }
    }
}
