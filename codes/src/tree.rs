//! What the CPV and NUTS trees have in common: a code covers every code
//! that starts with its significant characters, so "everything under X" is
//! a range of strings, which a database index (and a term range in the
//! search index) can scan.

/// The codes that start with `prefix` as a range `[from, to)`: a range
/// uses an ordinary index on both databases, where `LIKE 'prefix%'` would
/// not (SQLite's LIKE ignores case; PostgreSQL's needs the C collation).
/// Codes are digits and capital letters; the bound is the prefix with its
/// last character raised by one: `853` → `853`..`854`, `DK` → `DK`..`DL`.
/// A last `9` is raised to `:`, the character after it: NUTS codes go on
/// from `9` to `A` (`DE9` is Niedersachsen, `DEA` Nordrhein-Westfalen), so
/// `DE9`..`DF` would wrongly take in `DEA`. A last `Z` is raised to `[`.
pub fn prefix_range(prefix: &str) -> (String, String) {
    let mut upper: Vec<char> = prefix.chars().collect();
    match upper.pop().and_then(|last| char::from_u32(last as u32 + 1)) {
        Some(next) => {
            upper.push(next);
            (prefix.to_owned(), upper.into_iter().collect())
        }
        None => (prefix.to_owned(), "\u{10FFFF}".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_become_ranges() {
        assert_eq!(prefix_range("853"), ("853".into(), "854".into()));
        assert_eq!(prefix_range("859"), ("859".into(), "85:".into()));
        assert_eq!(prefix_range("DK01"), ("DK01".into(), "DK02".into()));
        assert_eq!(prefix_range("DK"), ("DK".into(), "DL".into()));
        assert_eq!(prefix_range("DEZ"), ("DEZ".into(), "DE[".into()));
    }

    #[test]
    fn a_range_holds_its_subtree_and_nothing_else() {
        let (from, to) = prefix_range("DE9");
        let inside = |code: &str| code >= from.as_str() && code < to.as_str();
        assert!(inside("DE9") && inside("DE94E") && inside("DE9Z"));
        assert!(!inside("DEA") && !inside("DEA22") && !inside("DE8"));
        let (from, to) = prefix_range("859");
        let inside = |code: &str| code >= from.as_str() && code < to.as_str();
        assert!(inside("85900000") && !inside("86000000"));
    }
}
