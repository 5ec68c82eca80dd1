//! How alike two words are, for "did you mean" suggestions: one answer to that question for
//! instructions, flags, keys, variables and settings alike.

/// The candidate closest to `word` when it is close enough to be a typo of it, the first of
/// equally close ones. Case is ignored, but a candidate equal to `word` is no suggestion. Close
/// enough: at most two edits (more for long words: a quarter of the longer), and fewer than
/// half the longer word's characters, so that short words do not match anything.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = word.to_lowercase();
    candidates
        .into_iter()
        .filter(|candidate| *candidate != word)
        .filter_map(|candidate| {
            let distance = edit_distance(&lower, &candidate.to_lowercase());
            let longer = word.chars().count().max(candidate.chars().count());
            (distance <= 2.max(longer / 4) && distance * 2 < longer)
                .then_some((distance, candidate))
        })
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, candidate)| candidate)
}

/// Levenshtein distance over characters, with adjacent transpositions counting as one edit.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut previous2: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut current = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            current[j] = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                current[j] = current[j].min(previous2[j - 2] + 1);
            }
        }
        previous2 = std::mem::replace(&mut previous, current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("RNU", "RUN"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("COPY", "COPY"), 0);
        assert_eq!(edit_distance("naem", "name"), 1);
    }

    #[test]
    fn suggestions() {
        assert_eq!(nearest("RNU", ["ADD", "RUN"]), Some("RUN"));
        assert_eq!(nearest("AD", ["ADD", "ARG"]), Some("ADD"));
        assert_eq!(nearest("path", ["PATH"]), Some("PATH"));
        assert_eq!(nearest("PATH", ["PATH", "PATHS"]), Some("PATHS"));
        assert_eq!(nearest("NAEM", ["NAME", "OTHER"]), Some("NAME"));
        assert_eq!(
            nearest("trusted-registry", ["rules", "trusted-registries"]),
            Some("trusted-registries")
        );
        // Too far to be a typo: `set` is not a misspelt `USER`, nor `for` a misspelt `FROM`.
        assert_eq!(nearest("set", ["USER"]), None);
        assert_eq!(nearest("for", ["FROM"]), None);
        assert_eq!(nearest("ZZ", ["ADD", "ARG"]), None);
        assert_eq!(nearest("X", ["Y"]), None);
    }
}
