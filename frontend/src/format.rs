//! Dates and numbers in the page's language: "28. november 2026 kl. 17.30"
//! and "1.250.000 kr." in Danish, "28 November 2026, 17:30" and
//! "DKK 1,250,000" in English, plain numbers "2.000.000" and "1.234,5" or
//! "2,000,000" and "1,234.5"; times always in Europe/Copenhagen (everything
//! is stored in UTC).

use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeZone, Timelike};
use chrono_tz::Europe::Copenhagen;

use crate::Lang;

const MONTHS_DA: [&str; 12] = [
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

pub fn datetime(lang: Lang, utc: NaiveDateTime) -> String {
    let local = Copenhagen.from_utc_datetime(&utc);
    let month = local.month0() as usize;
    match lang {
        Lang::Da => format!(
            "{}. {} {} kl. {:02}.{:02}",
            local.day(),
            MONTHS_DA[month],
            local.year(),
            local.hour(),
            local.minute()
        ),
        Lang::En => format!(
            "{} {} {}, {:02}:{:02}",
            local.day(),
            MONTHS_EN[month],
            local.year(),
            local.hour(),
            local.minute()
        ),
    }
}

/// A calendar date: "28. november 2026" or "28 November 2026".
pub fn date(lang: Lang, date: NaiveDate) -> String {
    let month = date.month0() as usize;
    match lang {
        Lang::Da => format!("{}. {} {}", date.day(), MONTHS_DA[month], date.year()),
        Lang::En => format!("{} {} {}", date.day(), MONTHS_EN[month], date.year()),
    }
}

/// A whole number with the language's thousands separator: "2.000.000" in
/// Danish, "2,000,000" in English.
pub fn integer(lang: Lang, n: i64) -> String {
    let sign = if n < 0 { "-" } else { "" };
    format!(
        "{sign}{}",
        group_thousands(lang, &n.unsigned_abs().to_string())
    )
}

/// A number with decimals as the language writes it: "1.234,5" in Danish,
/// "1,234.5" in English. Only the decimals the number needs are shown.
pub fn decimal(lang: Lang, n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < i64::MAX as f64 {
        return integer(lang, n as i64);
    }
    let plain = n.abs().to_string();
    let (whole, fraction) = plain.split_once('.').unwrap_or((&plain, ""));
    let sign = if n < 0.0 { "-" } else { "" };
    let point = match lang {
        Lang::Da => ',',
        Lang::En => '.',
    };
    format!("{sign}{}{point}{fraction}", group_thousands(lang, whole))
}

fn group_thousands(lang: Lang, digits: &str) -> String {
    let separator = match lang {
        Lang::Da => '.',
        Lang::En => ',',
    };
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(separator);
        }
        grouped.push(c);
    }
    grouped
}

/// An amount in whole kroner: "2.400.000 kr." or "DKK 2,400,000".
pub fn money(lang: Lang, amount: i64) -> String {
    let sign = if amount < 0 { "-" } else { "" };
    let grouped = group_thousands(lang, &amount.unsigned_abs().to_string());
    match lang {
        Lang::Da => format!("{sign}{grouped} kr."),
        Lang::En => format!("{sign}DKK {grouped}"),
    }
}

/// An amount in hundredths of `currency`, as published: "291.934,60 EUR"
/// in Danish, "EUR 291,934.60" in English; kroner as `money` writes them.
/// Decimals only when the amount has them.
pub fn money_in(lang: Lang, hundredths: i64, currency: &str) -> String {
    let sign = if hundredths < 0 { "-" } else { "" };
    let abs = hundredths.unsigned_abs();
    let mut number = group_thousands(lang, &(abs / 100).to_string());
    if !abs.is_multiple_of(100) {
        let point = match lang {
            Lang::Da => ',',
            Lang::En => '.',
        };
        number = format!("{number}{point}{:02}", abs % 100);
    }
    match (lang, currency) {
        (Lang::Da, "DKK") => format!("{sign}{number} kr."),
        (Lang::Da, _) => format!("{sign}{number} {currency}"),
        (Lang::En, _) => format!("{sign}{currency} {number}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_copenhagen_time_in_each_language() {
        let utc = chrono::NaiveDate::from_ymd_opt(2026, 11, 28)
            .unwrap()
            .and_hms_opt(16, 30, 0)
            .unwrap();
        assert_eq!(datetime(Lang::Da, utc), "28. november 2026 kl. 17.30");
        assert_eq!(datetime(Lang::En, utc), "28 November 2026, 17:30");
    }

    #[test]
    fn dates_and_money_in_each_language() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 5).unwrap();
        assert_eq!(date(Lang::Da, day), "5. marts 2026");
        assert_eq!(date(Lang::En, day), "5 March 2026");
        assert_eq!(money(Lang::Da, 2_400_000), "2.400.000 kr.");
        assert_eq!(money(Lang::En, 2_400_000), "DKK 2,400,000");
        assert_eq!(money(Lang::Da, 950), "950 kr.");
        assert_eq!(money(Lang::En, -1_000), "-DKK 1,000");
        assert_eq!(money_in(Lang::Da, 29_193_460, "EUR"), "291.934,60 EUR");
        assert_eq!(money_in(Lang::En, 29_193_460, "EUR"), "EUR 291,934.60");
        assert_eq!(money_in(Lang::Da, 240_000_000, "DKK"), "2.400.000 kr.");
        assert_eq!(money_in(Lang::En, 50_000_000, "SEK"), "SEK 500,000");
    }

    #[test]
    fn numbers_carry_the_language_separators() {
        assert_eq!(integer(Lang::Da, 2_000_000), "2.000.000");
        assert_eq!(integer(Lang::En, 2_000_000), "2,000,000");
        assert_eq!(integer(Lang::Da, 999), "999");
        assert_eq!(integer(Lang::Da, -20_000), "-20.000");
        assert_eq!(decimal(Lang::Da, 1234.5), "1.234,5");
        assert_eq!(decimal(Lang::En, 1234.5), "1,234.5");
        assert_eq!(decimal(Lang::Da, 20_000.0), "20.000");
        assert_eq!(decimal(Lang::Da, -0.25), "-0,25");
    }
}
