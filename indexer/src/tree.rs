//! CPV and NUTS codes as paths down their trees. The index stores each
//! code as a facet (`/85/853/8531/85311`), so a term at any level finds
//! every code beneath it, and as its exact significant digits, so a query
//! can also find the codes above a given one.

use socialbid_codes::cpv;
use tantivy::schema::Facet;

/// The significant characters of a CPV code (`85300000` → `853`), or of a
/// level typed as digits (`853`). At least the two digits of the division.
pub fn cpv_key(code: &str) -> String {
    let digits: String = code
        .split('-')
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_ascii_digit())
        .collect();
    cpv::prefix(&format!("{digits:0<8}")).to_owned()
}

/// A NUTS code as stored: upper-case ASCII letters and digits only
/// (`dk011` → `DK011`), so that its levels are plain prefixes.
pub fn nuts_key(code: &str) -> String {
    code.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The levels from the top down to `key` itself: `8531` → `85`, `853`,
/// `8531`; `DK011` → `DK`, `DK0`, `DK01`, `DK011`.
pub fn levels(key: &str) -> Vec<&str> {
    (2..=key.len()).map(|n| &key[..n]).collect()
}

/// The facet for a key: `/85/853/8531`.
pub fn facet(key: &str) -> Facet {
    Facet::from_path(levels(key))
}

/// How two keys of the same tree relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// One lies under (or is) the other; `shared` is the length of the
    /// shorter.
    Covers {
        shared: usize,
    },
    /// Neither covers the other, but they share the first `shared`
    /// characters (at least a CPV division or a country).
    Siblings {
        shared: usize,
    },
    Unrelated,
}

pub fn relation(a: &str, b: &str) -> Relation {
    let common = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    if common == a.len().min(b.len()) {
        Relation::Covers { shared: common }
    } else if common >= 2 {
        Relation::Siblings { shared: common }
    } else {
        Relation::Unrelated
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpv_codes_become_paths() {
        assert_eq!(cpv_key("85311000-2"), "85311");
        assert_eq!(cpv_key("85000000"), "85");
        assert_eq!(cpv_key("853"), "853");
        assert_eq!(levels("85311"), ["85", "853", "8531", "85311"]);
        assert_eq!(facet("8531").to_string(), "/85/853/8531");
        assert_eq!(nuts_key(" dk011"), "DK011");
        assert_eq!(
            nuts_key("DKø1"),
            "DK1",
            "never a character a level could split"
        );
        assert_eq!(levels("DK011"), ["DK", "DK0", "DK01", "DK011"]);
    }

    #[test]
    fn relations_along_the_tree() {
        assert_eq!(relation("853", "85311"), Relation::Covers { shared: 3 });
        assert_eq!(relation("85311", "853"), Relation::Covers { shared: 3 });
        assert_eq!(relation("8531", "8532"), Relation::Siblings { shared: 3 });
        assert_eq!(relation("DE", "DE300"), Relation::Covers { shared: 2 });
        assert_eq!(relation("DE300", "FR101"), Relation::Unrelated);
        assert_eq!(relation("DK011", "DK012"), Relation::Siblings { shared: 4 });
    }
}
