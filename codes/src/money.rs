//! Money as published: an amount in hundredths of its currency's unit (a
//! notice's `291934.60 EUR` stays exactly that) and the currency's ISO 4217
//! code. Amounts in different currencies are compared in Danish kroner,
//! converted with the ECB euro reference rates of one date shipped in
//! `reference/ecb/`; the pages name that date.

use std::sync::OnceLock;

/// The currencies a value may be published in: the euro, the other
/// currencies of the EU and EEA states, and those a notice from a
/// neighbouring market commonly names. Each has an ECB reference rate.
pub const CURRENCIES: [&str; 14] = [
    "EUR", "DKK", "SEK", "NOK", "ISK", "PLN", "CZK", "HUF", "RON", "BGN", "CHF", "GBP", "USD",
    "JPY",
];

pub fn is_currency(code: &str) -> bool {
    CURRENCIES.contains(&code)
}

/// The reference rates of one day: units of each currency per euro.
#[derive(Debug, Clone, PartialEq)]
pub struct Rates {
    /// `2023-12-29`.
    pub date: &'static str,
    per_euro: Vec<(String, f64)>,
}

impl Rates {
    /// Units of `currency` per euro; the euro itself is 1.
    pub fn per_euro(&self, currency: &str) -> Option<f64> {
        if currency == "EUR" {
            return Some(1.0);
        }
        self.per_euro
            .iter()
            .find(|(code, _)| code == currency)
            .map(|(_, rate)| *rate)
    }

    /// `hundredths` of `currency` in whole Danish kroner (rounded), or
    /// `None` when the table has no rate for the currency.
    pub fn to_dkk(&self, hundredths: i64, currency: &str) -> Option<i64> {
        if currency == "DKK" {
            return Some((hundredths + 50).div_euclid(100));
        }
        let from = self.per_euro(currency)?;
        let dkk = self.per_euro("DKK")?;
        Some((hundredths as f64 / 100.0 / from * dkk).round() as i64)
    }

    /// Kroner per unit of `currency` (7.4529 for the euro on 2023-12-29).
    pub fn dkk_per_unit(&self, currency: &str) -> Option<f64> {
        Some(self.per_euro("DKK")? / self.per_euro(currency)?)
    }
}

const TABLE: &str = include_str!("../../reference/ecb/eurofxref-2023-12-29.csv");

/// The shipped reference rates (ECB, 29 December 2023). They were typed
/// in, not downloaded, and only two are checked: `reference/SOURCES.md`
/// says how to replace them with the ECB's own file.
pub fn rates() -> &'static Rates {
    static RATES: OnceLock<Rates> = OnceLock::new();
    RATES.get_or_init(|| {
        let mut lines = TABLE.lines();
        let header: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
        let values: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
        let per_euro = header
            .iter()
            .zip(&values)
            .skip(1)
            .filter_map(|(code, value)| Some((code.trim().to_owned(), value.trim().parse().ok()?)))
            .collect();
        Rates {
            date: "2023-12-29",
            per_euro,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_through_the_euro_to_kroner() {
        let rates = rates();
        assert_eq!(rates.per_euro("DKK"), Some(7.4529));
        // Amounts in hundredths: 100,000.00 EUR, 1,000,000.50 DKK, 1,000,000.00 SEK.
        assert_eq!(rates.to_dkk(10_000_000, "EUR"), Some(745_290));
        assert_eq!(rates.to_dkk(100_000_050, "DKK"), Some(1_000_001));
        // 1,000,000 SEK at 7.4529 / 11.0960 kroner per krona.
        assert_eq!(rates.to_dkk(100_000_000, "SEK"), Some(671_674));
        assert_eq!(rates.to_dkk(100, "BWP"), None);
        for currency in CURRENCIES {
            assert!(rates.per_euro(currency).is_some(), "{currency}");
        }
    }
}
