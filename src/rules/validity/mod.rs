//! What BuildKit would reject at build time and can be seen without building, one file per rule.

use super::Rule;

mod invalid_flag_value;
mod invalid_mount_option;
mod invalid_stage_name;
mod invalid_stage_reference;
mod missing_from;
mod unknown_flag;
mod util;

/// The rules of this group.
pub static RULES: &[&Rule] = &[
    &missing_from::RULE,
    &invalid_stage_name::RULE,
    &unknown_flag::RULE,
    &invalid_flag_value::RULE,
    &invalid_mount_option::RULE,
    &invalid_stage_reference::RULE,
];
