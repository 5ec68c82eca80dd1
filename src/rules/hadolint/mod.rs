//! hadolint's Dockerfile rules and the exec-form and build-context checks, one file per rule.

use super::Rule;

/// The rules of this group.
pub static RULES: &[&Rule] = &[];
