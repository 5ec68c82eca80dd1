//! BuildKit's build checks (`docker build --check`), one file per check.

use super::Rule;

/// The rules of this group.
pub static RULES: &[&Rule] = &[];
