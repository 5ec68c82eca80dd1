//! Semantic tokens: the delta between two results of a document.

use tower_lsp_server::ls_types as lsp;

/// The single edit that turns `previous` into `current`: the tokens between their common prefix
/// and common suffix, counted in the protocol's integers (five per token).
pub fn delta(
    previous: &[lsp::SemanticToken],
    current: &[lsp::SemanticToken],
) -> Vec<lsp::SemanticTokensEdit> {
    let prefix = previous
        .iter()
        .zip(current)
        .take_while(|(a, b)| a == b)
        .count();
    let suffix = previous[prefix..]
        .iter()
        .rev()
        .zip(current[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let deleted = previous.len() - prefix - suffix;
    let inserted = &current[prefix..current.len() - suffix];
    if deleted == 0 && inserted.is_empty() {
        return Vec::new();
    }
    vec![lsp::SemanticTokensEdit {
        start: saturate(prefix * 5),
        delete_count: saturate(deleted * 5),
        data: Some(inserted.to_vec()),
    }]
}

fn saturate(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delta_replaces_the_middle() {
        let t = |n: u32| lsp::SemanticToken {
            delta_line: n,
            delta_start: 0,
            length: 1,
            token_type: 0,
            token_modifiers_bitset: 0,
        };
        let before = [t(0), t(1), t(2), t(3)];
        let after = [t(0), t(1), t(7), t(8), t(3)];
        let edits = delta(&before, &after);
        assert_eq!(edits.len(), 1);
        assert_eq!((edits[0].start, edits[0].delete_count), (10, 5));
        assert_eq!(edits[0].data.as_deref(), Some(&[t(7), t(8)][..]));
        assert!(delta(&before, &before).is_empty());
        let edits = delta(&before, &[]);
        assert_eq!((edits[0].start, edits[0].delete_count), (0, 20));
    }
}
