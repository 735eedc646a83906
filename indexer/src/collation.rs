//! The directory's alphabetical order as a number a fast field can hold.
//!
//! Tantivy sorts a page by a numeric fast field, and the page collector
//! compares its keys as `f64`, which holds integers exactly up to 2^53. So
//! a name becomes the ranks of its first [`SIGNIFICANT`] letters, six bits
//! each (48 bits), in Danish alphabetical order: digits before letters, `æ`,
//! `ø`, `å` after `z`, accents folded (`é` as `e`, `ä` as `æ`, `ö` as `ø`,
//! `ü` as `y`), case ignored. Names alike in those letters fall back to the
//! collector's tie-break, the lower id first.

/// The letters that decide the order.
pub(crate) const SIGNIFICANT: usize = 8;
const BITS: u32 = 6;

/// The sort key of `name`: a lower key sorts first.
pub(crate) fn name_order(name: &str) -> i64 {
    let mut ranks = name
        .trim()
        .chars()
        .flat_map(char::to_lowercase)
        .map(rank)
        // Runs of spaces and punctuation count once, as one gap.
        .fold(Vec::with_capacity(SIGNIFICANT), |mut ranks, r| {
            if !(r == GAP && ranks.last() == Some(&GAP)) && ranks.len() < SIGNIFICANT {
                ranks.push(r);
            }
            ranks
        })
        .into_iter();
    (0..SIGNIFICANT).fold(0_i64, |key, _| {
        (key << BITS) | i64::from(ranks.next().unwrap_or(END))
    })
}

/// The end of a name sorts before anything that goes on ("Lyst" before
/// "Lyst Café").
const END: u8 = 0;
const GAP: u8 = 1;
const DIGITS: u8 = 2;
const LETTERS: u8 = DIGITS + 10;
const AE: u8 = LETTERS + 26;
const OE: u8 = AE + 1;
const AA: u8 = AE + 2;
/// Letters outside the Danish alphabet with no fold: after `å`.
const OTHER: u8 = AE + 3;

fn rank(c: char) -> u8 {
    let folded = match c {
        'à' | 'á' | 'â' | 'ã' => 'a',
        'ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' => 'o',
        'ù' | 'ú' | 'û' => 'u',
        'ü' | 'ý' | 'ÿ' => 'y',
        'ä' => 'æ',
        'ö' => 'ø',
        other => other,
    };
    match folded {
        '0'..='9' => DIGITS + (folded as u8 - b'0'),
        'a'..='z' => LETTERS + (folded as u8 - b'a'),
        'æ' => AE,
        'ø' => OE,
        'å' => AA,
        c if c.is_alphabetic() => OTHER,
        _ => GAP,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(names: &[&str]) -> Vec<String> {
        let mut names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
        names.sort_by_key(|n| name_order(n));
        names
    }

    #[test]
    fn danish_letters_come_after_z_in_their_order() {
        assert_eq!(
            sorted(&["Åbyhøj Køkken", "Zoneterapi", "Ørestad Vask", "Æblehaven"]),
            ["Zoneterapi", "Æblehaven", "Ørestad Vask", "Åbyhøj Køkken"]
        );
    }

    #[test]
    fn case_accents_and_punctuation_do_not_reorder() {
        assert_eq!(
            sorted(&["café lyst", "Cafe Bogen", "CAFÉ-ANKER", "Café  Dalen"]),
            ["CAFÉ-ANKER", "Cafe Bogen", "Café  Dalen", "café lyst"]
        );
        assert_eq!(name_order("Café Lyst"), name_order("cafe-lyst"));
    }

    #[test]
    fn digits_first_and_a_shorter_name_before_its_continuations() {
        assert_eq!(
            sorted(&["Lyst Café", "Lyst", "3F Kantine", "Lysthuset"]),
            ["3F Kantine", "Lyst", "Lyst Café", "Lysthuset"]
        );
    }

    #[test]
    fn only_the_first_letters_count_and_the_key_stays_exact_as_a_float() {
        assert_eq!(
            name_order("Socialøkonomisk A"),
            name_order("Socialøkonomisk B")
        );
        let largest = name_order("åååååååå");
        assert!(largest < 1 << 53);
        assert_eq!(largest as f64 as i64, largest);
    }
}
