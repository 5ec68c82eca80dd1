//! Plain text: questions about a `&str` and byte offsets into it that every layer asks the same
//! way. It knows nothing of Dockerfiles or syntax trees.

/// `offset` clamped to `text` and moved back to the start of the character it is in: any offset
/// a client or a caller computes becomes one that slices `text` safely.
pub fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}
