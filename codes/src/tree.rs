//! What the CPV and NUTS trees have in common: a code covers every code
//! that starts with its significant characters, so "everything under X" is
//! a range of strings, which a database index (and a term range in the
//! search index) can scan.

/// The codes that start with `prefix` as a range `[from, to)`: a range
/// uses an ordinary index on both databases, where `LIKE 'prefix%'` would
/// not (SQLite's LIKE ignores case; PostgreSQL's needs the C collation).
/// `853` → `853`..`854`, `859` → `859`..`86`, `DK` → `DK`..`DL`. Codes are
/// digits and capital letters; a prefix of nothing but `9`s and `Z`s (no
/// CPV or NUTS code is one) gets an upper bound past every code.
pub fn prefix_range(prefix: &str) -> (String, String) {
    let mut upper: Vec<char> = prefix.chars().collect();
    while let Some(last) = upper.pop() {
        let next = match last {
            '0'..='8' | 'A'..='Y' => char::from_u32(last as u32 + 1),
            _ => None,
        };
        if let Some(next) = next {
            upper.push(next);
            return (prefix.to_owned(), upper.into_iter().collect());
        }
    }
    (prefix.to_owned(), format!("{prefix}\u{10FFFF}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_become_ranges() {
        assert_eq!(prefix_range("853"), ("853".into(), "854".into()));
        assert_eq!(prefix_range("859"), ("859".into(), "86".into()));
        assert_eq!(prefix_range("DK01"), ("DK01".into(), "DK02".into()));
        assert_eq!(prefix_range("DK"), ("DK".into(), "DL".into()));
        assert_eq!(prefix_range("99").1, "99\u{10FFFF}");
    }
}
