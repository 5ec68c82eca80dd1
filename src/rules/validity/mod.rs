//! What BuildKit would reject at build time and can be seen without building, one file per rule.

use super::Rule;

/// The rules of this group.
pub static RULES: &[&Rule] = &[];
