//! VAT identification numbers of the EU and EEA: the format each country
//! publishes for VIES (prefix, then digits and letters in a fixed shape).
//! Only the shape is checked here; whether the number is registered is a
//! question for VIES, which this platform does not ask. The Danish number
//! is the CVR number and keeps its modulus-11 check.

use crate::country::Country;
use crate::cvr;

#[derive(Debug, PartialEq, Eq)]
pub enum VatProblem {
    /// The number does not have the country's shape.
    Format,
    /// A Danish number whose CVR part fails the modulus-11 check.
    Checksum,
}

/// How far a VAT number could be checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VatCheck {
    /// The shape (and for Denmark the CVR checksum) was checked.
    Format,
    /// The country publishes no format this platform knows: stored as typed.
    NotChecked,
}

/// Shapes after the prefix: `9` a digit, `A` a letter, `X` a letter or a
/// digit, `+` a letter, digit, `+` or `*` (old Irish numbers); any other
/// character stands for itself.
fn shapes(prefix: &str) -> Option<Vec<String>> {
    let digits = |n: usize| "9".repeat(n);
    let fixed = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect();
    Some(match prefix {
        "AT" => fixed(&["U99999999"]),
        "BE" => fixed(&["0999999999", "1999999999"]),
        "BG" => vec![digits(9), digits(10)],
        "CY" => fixed(&["99999999A"]),
        "CZ" => (8..=10).map(digits).collect(),
        "DE" | "EE" | "EL" | "PT" => vec![digits(9)],
        "DK" | "FI" | "HU" | "LU" | "MT" | "SI" => vec![digits(8)],
        "ES" => fixed(&["X9999999X"]),
        "FR" => fixed(&["XX999999999"]),
        "HR" | "IT" | "LV" => vec![digits(11)],
        "IE" => fixed(&["9999999A", "9999999AA", "9+99999A"]),
        "LT" => vec![digits(9), digits(12)],
        "NL" => fixed(&["999999999B99"]),
        "PL" | "SK" => vec![digits(10)],
        "RO" => (2..=10).map(digits).collect(),
        "SE" => fixed(&["999999999901"]),
        // Norway's MVA number: the organisation number and "MVA".
        "NO" => fixed(&["999999999MVA"]),
        _ => return None,
    })
}

fn fits(shape: &str, value: &str) -> bool {
    shape.chars().count() == value.chars().count()
        && shape.chars().zip(value.chars()).all(|(s, v)| match s {
            '9' => v.is_ascii_digit(),
            'A' => v.is_ascii_uppercase(),
            'X' => v.is_ascii_uppercase() || v.is_ascii_digit(),
            '+' => v.is_ascii_uppercase() || v.is_ascii_digit() || v == '+' || v == '*',
            other => v == other,
        })
}

/// Reads a VAT number of `country` as typed (`DE 123 456 789`,
/// `123456789`, `de123456789`): returns it with the country prefix, without
/// spaces, dots or dashes, and how far it could be checked.
pub fn parse(country: &Country, input: &str) -> Result<(String, VatCheck), VatProblem> {
    let compact: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '.' | '-'))
        .collect::<String>()
        .to_uppercase();
    let rest = compact
        .strip_prefix(country.prefix)
        .unwrap_or(&compact)
        .to_owned();
    if rest.is_empty() || rest.chars().count() > 14 {
        return Err(VatProblem::Format);
    }
    let number = format!("{}{rest}", country.prefix);
    let Some(shapes) = shapes(country.prefix) else {
        return Ok((number, VatCheck::NotChecked));
    };
    if !shapes.iter().any(|s| fits(s, &rest)) {
        return Err(VatProblem::Format);
    }
    if country.prefix == "DK" && cvr::parse(&rest).is_err() {
        return Err(VatProblem::Checksum);
    }
    Ok((number, VatCheck::Format))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::country;

    fn check(iso: &str, input: &str) -> Result<(String, VatCheck), VatProblem> {
        parse(country::find(iso).unwrap(), input)
    }

    #[test]
    fn reads_numbers_with_or_without_prefix_and_spacing() {
        assert_eq!(
            check("DE", "DE 123 456 789"),
            Ok(("DE123456789".into(), VatCheck::Format))
        );
        assert_eq!(
            check("SE", "556012345601"),
            Ok(("SE556012345601".into(), VatCheck::Format))
        );
        assert_eq!(
            check("GR", "el-123456789"),
            Ok(("EL123456789".into(), VatCheck::Format))
        );
        assert_eq!(
            check("NL", "NL123456789B01"),
            Ok(("NL123456789B01".into(), VatCheck::Format))
        );
        assert_eq!(
            check("AT", "ATU12345678"),
            Ok(("ATU12345678".into(), VatCheck::Format))
        );
    }

    #[test]
    fn refuses_the_wrong_shape_and_a_bad_danish_checksum() {
        assert_eq!(check("DE", "DE12345678"), Err(VatProblem::Format));
        assert_eq!(check("SE", "SE556012345602"), Err(VatProblem::Format));
        assert_eq!(check("FR", "FR12"), Err(VatProblem::Format));
        assert_eq!(check("DK", "DK64942213"), Err(VatProblem::Checksum));
        assert_eq!(
            check("DK", "DK 64942212"),
            Ok(("DK64942212".into(), VatCheck::Format))
        );
    }

    #[test]
    fn a_country_without_a_known_format_is_stored_unchecked() {
        assert_eq!(
            check("IS", "12345"),
            Ok(("IS12345".into(), VatCheck::NotChecked))
        );
        assert_eq!(check("IS", ""), Err(VatProblem::Format));
    }
}
