//! hadolint's Dockerfile rules and the exec-form and build-context checks, one file per rule.

use super::Rule;

mod exec_array;
mod util;

mod add_instead_of_copy;
mod copy_entire_filesystem;
mod copy_from_undefined_stage;
mod copy_relative_without_workdir;
mod copy_source_outside_context;
mod env_same_instruction_reference;
mod exec_form_invalid_json;
mod exec_form_single_quotes;
mod from_platform_flag;
mod healthcheck_missing;
mod instruction_before_from;
mod last_user_root;
mod non_numeric_user;
mod proxy_in_env;
mod slash_continuation;
mod untrusted_registry;
mod user_missing;

/// The rules of this group.
pub static RULES: &[&Rule] = &[
    &last_user_root::RULE,
    &add_instead_of_copy::RULE,
    &copy_from_undefined_stage::RULE,
    &untrusted_registry::RULE,
    &from_platform_flag::RULE,
    &env_same_instruction_reference::RULE,
    &copy_relative_without_workdir::RULE,
    &healthcheck_missing::RULE,
    &instruction_before_from::RULE,
    &user_missing::RULE,
    &non_numeric_user::RULE,
    &copy_entire_filesystem::RULE,
    &exec_form_single_quotes::RULE,
    &exec_form_invalid_json::RULE,
    &copy_source_outside_context::RULE,
    &proxy_in_env::RULE,
    &slash_continuation::RULE,
];
