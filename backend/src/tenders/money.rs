//! A tender's money as published: an amount (exact to the hundredth) in
//! its currency, and the same amount in Danish kroner where values are
//! compared, with the date of the reference rate used.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use socialbid_codes::money;
use utoipa::ToSchema;

/// An amount in units of its currency, exact to the hundredth (`291934.6`).
/// JSON carries it as a number in units; stored, it is a whole number of
/// hundredths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ToSchema)]
#[schema(value_type = f64, example = 291934.6)]
pub struct Amount(pub i64);

/// The largest amount taken: a hundred trillion units fits in hundredths
/// in an i64 with room to spare, and no notice comes near it.
const MAX_UNITS: f64 = 1e14;

impl Amount {
    pub fn hundredths(self) -> i64 {
        self.0
    }

    /// Reads `291934.60`, `291934,60`, `1.500.000` or `1 500 000` (a
    /// form's text in Danish or English). `None` when it is no amount or
    /// has more than two decimals.
    pub fn parse_text(text: &str) -> Option<Amount> {
        let compact: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
            .collect();
        if compact.is_empty() {
            return None;
        }
        // The last `.` or `,` followed by one or two digits is the decimal
        // mark; every other one groups thousands.
        let decimal_at = compact
            .rfind(['.', ','])
            .filter(|&i| (1..=2).contains(&(compact.len() - i - 1)));
        let (whole, fraction) = match decimal_at {
            Some(i) => (&compact[..i], &compact[i + 1..]),
            None => (compact.as_str(), ""),
        };
        let whole: String = whole.chars().filter(|c| !matches!(c, '.' | ',')).collect();
        if whole.is_empty()
            || !whole.chars().all(|c| c.is_ascii_digit())
            || !fraction.chars().all(|c| c.is_ascii_digit())
            || whole.len() > 14
        {
            return None;
        }
        let units: i64 = whole.parse().ok()?;
        let cents: i64 = format!("{fraction:0<2}").parse().ok()?;
        Some(Amount(units * 100 + cents))
    }

    /// `291934.6`, `500000`: the amount as a form shows it back.
    pub fn to_text(self) -> String {
        if self.0 % 100 == 0 {
            (self.0 / 100).to_string()
        } else {
            format!("{}.{:02}", self.0 / 100, self.0 % 100)
        }
    }

    /// Whole units, rounded: what a page shows beside the currency.
    pub fn rounded_units(self) -> i64 {
        (self.0 + 50).div_euclid(100)
    }
}

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.0 % 100 == 0 {
            serializer.serialize_i64(self.0 / 100)
        } else {
            serializer.serialize_f64(self.0 as f64 / 100.0)
        }
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Amount, D::Error> {
        let units = f64::deserialize(deserializer)?;
        if !units.is_finite() || units.abs() > MAX_UNITS {
            return Err(serde::de::Error::custom("an amount out of range"));
        }
        let hundredths = (units * 100.0).round();
        if (units * 100.0 - hundredths).abs() > 1e-6 * hundredths.abs().max(1.0) {
            return Err(serde::de::Error::custom(
                "an amount with more than two decimals",
            ));
        }
        Ok(Amount(hundredths as i64))
    }
}

/// A value as compared with others: in whole Danish kroner, with the date
/// of the ECB reference rate used (none for a value published in kroner).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct InKroner {
    pub dkk: i64,
    /// Kroner per unit of the published currency, when converted.
    pub rate: Option<f64>,
    /// `2023-12-29`: the date of the ECB reference rate used, when converted.
    pub rate_date: Option<String>,
}

/// `amount` of `currency` in kroner, or `None` when no reference rate
/// exists for the currency.
pub fn in_kroner(amount: Amount, currency: &str) -> Option<InKroner> {
    let rates = money::rates();
    let dkk = rates.to_dkk(amount.hundredths(), currency)?;
    let converted = currency != "DKK";
    Some(InKroner {
        dkk,
        rate: converted.then(|| rates.dkk_per_unit(currency)).flatten(),
        rate_date: converted.then(|| rates.date.to_owned()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_amounts_as_forms_and_json_write_them() {
        assert_eq!(Amount::parse_text("291934.60"), Some(Amount(29_193_460)));
        assert_eq!(Amount::parse_text("291.934,6"), Some(Amount(29_193_460)));
        assert_eq!(Amount::parse_text("1.500.000"), Some(Amount(150_000_000)));
        assert_eq!(Amount::parse_text("1 500 000"), Some(Amount(150_000_000)));
        assert_eq!(Amount::parse_text("12.345"), Some(Amount(1_234_500)));
        assert_eq!(Amount::parse_text("-5"), None);
        assert_eq!(Amount::parse_text("abc"), None);
        let json: Amount = serde_json::from_str("291934.6").unwrap();
        assert_eq!(json, Amount(29_193_460));
        assert_eq!(serde_json::to_string(&json).unwrap(), "291934.6");
        assert_eq!(
            serde_json::to_string(&Amount(50_000_000)).unwrap(),
            "500000"
        );
        assert!(serde_json::from_str::<Amount>("1.234").is_err());
        assert_eq!(Amount(29_193_460).to_text(), "291934.60");
    }
}
