//! The standard codes both formats write differently: languages (ISO 639-3
//! in eForms, 639-1 in TED XML), countries (ISO 3166 alpha-3 and alpha-2),
//! CPV codes with or without their check digit, amounts, local times.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Tz;

use super::model::Money;
use super::problem::Problem;

/// The official languages of the EU and the EEA, ISO 639-3 to 639-1.
const LANGUAGES: [(&str, &str); 26] = [
    ("BUL", "bg"),
    ("CES", "cs"),
    ("DAN", "da"),
    ("DEU", "de"),
    ("ELL", "el"),
    ("ENG", "en"),
    ("EST", "et"),
    ("FIN", "fi"),
    ("FRA", "fr"),
    ("GLE", "ga"),
    ("HRV", "hr"),
    ("HUN", "hu"),
    ("ISL", "is"),
    ("ITA", "it"),
    ("LAV", "lv"),
    ("LIT", "lt"),
    ("MLT", "mt"),
    ("NLD", "nl"),
    ("NOR", "no"),
    ("POL", "pl"),
    ("POR", "pt"),
    ("RON", "ro"),
    ("SLK", "sk"),
    ("SLV", "sl"),
    ("SPA", "es"),
    ("SWE", "sv"),
];

/// An eForms language code (BT-97, BT-708, BT-737) as its codelist writes
/// it: ISO 639-3, three capital letters. Any language may be named, not
/// only the EU's official ones.
pub fn is_iso_639_3(code: &str) -> bool {
    code.len() == 3 && code.chars().all(|c| c.is_ascii_uppercase())
}

/// A notice language as ISO 639-1, from either form.
pub fn language(code: &str, field: &'static str) -> Result<String, Problem> {
    let code = code.trim();
    let found = if code.len() == 3 {
        LANGUAGES
            .iter()
            .find(|(three, _)| three.eq_ignore_ascii_case(code))
            .map(|(_, two)| (*two).to_owned())
    } else {
        LANGUAGES
            .iter()
            .find(|(_, two)| two.eq_ignore_ascii_case(code))
            .map(|(_, two)| (*two).to_owned())
    };
    found.ok_or_else(|| Problem::UnknownCode {
        field,
        value: code.to_owned(),
    })
}

/// Countries of the EU, the EEA and their neighbours that publish on TED:
/// alpha-3, alpha-2 and the time zone a notice's local times are in.
const COUNTRIES: [(&str, &str, Tz); 33] = [
    ("AUT", "AT", Tz::Europe__Vienna),
    ("BEL", "BE", Tz::Europe__Brussels),
    ("BGR", "BG", Tz::Europe__Sofia),
    ("CHE", "CH", Tz::Europe__Zurich),
    ("CYP", "CY", Tz::Asia__Nicosia),
    ("CZE", "CZ", Tz::Europe__Prague),
    ("DEU", "DE", Tz::Europe__Berlin),
    ("DNK", "DK", Tz::Europe__Copenhagen),
    ("EST", "EE", Tz::Europe__Tallinn),
    ("ESP", "ES", Tz::Europe__Madrid),
    ("FIN", "FI", Tz::Europe__Helsinki),
    ("FRA", "FR", Tz::Europe__Paris),
    ("GBR", "GB", Tz::Europe__London),
    ("GRC", "GR", Tz::Europe__Athens),
    ("HRV", "HR", Tz::Europe__Zagreb),
    ("HUN", "HU", Tz::Europe__Budapest),
    ("IRL", "IE", Tz::Europe__Dublin),
    ("ISL", "IS", Tz::Atlantic__Reykjavik),
    ("ITA", "IT", Tz::Europe__Rome),
    ("LIE", "LI", Tz::Europe__Vaduz),
    ("LTU", "LT", Tz::Europe__Vilnius),
    ("LUX", "LU", Tz::Europe__Luxembourg),
    ("LVA", "LV", Tz::Europe__Riga),
    ("MLT", "MT", Tz::Europe__Malta),
    ("NLD", "NL", Tz::Europe__Amsterdam),
    ("NOR", "NO", Tz::Europe__Oslo),
    ("POL", "PL", Tz::Europe__Warsaw),
    ("PRT", "PT", Tz::Europe__Lisbon),
    ("ROU", "RO", Tz::Europe__Bucharest),
    ("SWE", "SE", Tz::Europe__Stockholm),
    ("SVN", "SI", Tz::Europe__Ljubljana),
    ("SVK", "SK", Tz::Europe__Bratislava),
    ("MKD", "MK", Tz::Europe__Skopje),
];

/// A country as ISO 3166 alpha-2, from alpha-3 or alpha-2 (TED writes
/// Greece `EL` and the United Kingdom `UK`).
pub fn country(code: &str) -> Option<String> {
    let code = code.trim().to_ascii_uppercase();
    let code = match code.as_str() {
        "EL" => "GR".to_owned(),
        "UK" => "GB".to_owned(),
        _ => code,
    };
    COUNTRIES
        .iter()
        .find(|(three, two, _)| *three == code || *two == code)
        .map(|(_, two, _)| (*two).to_owned())
}

/// The time zone TED XML's local times are in for a buyer's country;
/// Central European Time when the country is not known.
pub fn time_zone(country: Option<&str>) -> Tz {
    country
        .and_then(|c| COUNTRIES.iter().find(|(_, two, _)| *two == c))
        .map(|(_, _, tz)| *tz)
        .unwrap_or(Tz::Europe__Brussels)
}

/// A local date and time in UTC.
pub fn local_to_utc(date: NaiveDate, time: NaiveTime, zone: Tz) -> NaiveDateTime {
    match zone.from_local_datetime(&date.and_time(time)) {
        chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => t.naive_utc(),
        // A time skipped by the spring clock change: an hour later exists.
        chrono::LocalResult::None => date.and_time(time) - chrono::Duration::hours(1),
    }
}

/// An 8-digit CPV code, check digit dropped, that is in the CPV 2008
/// vocabulary.
pub fn cpv(value: &str, field: &'static str) -> Result<String, Problem> {
    let digits = value.trim().split('-').next().unwrap_or_default();
    if digits.len() == 8
        && let Some(found) = socialbid_codes::cpv::find(digits)
    {
        return Ok(found.code.clone());
    }
    Err(Problem::UnknownCode {
        field,
        value: value.trim().to_owned(),
    })
}

/// A NUTS code as written (`DK011`, `FRD22`): two letters and up to three
/// letters or digits. eForms writes `anyw`-style region codes elsewhere,
/// never here.
pub fn nuts(value: &str, field: &'static str) -> Result<String, Problem> {
    let value = value.trim().to_ascii_uppercase();
    let ok = (2..=5).contains(&value.len())
        && value[..2].chars().all(|c| c.is_ascii_uppercase())
        && value[2..].chars().all(|c| c.is_ascii_alphanumeric());
    if ok {
        Ok(value)
    } else {
        Err(Problem::UnknownCode { field, value })
    }
}

/// An amount written `12000000.00`, `80 000 000` or `1.234,50`, rounded to
/// whole units.
pub fn amount(
    value: &str,
    currency: Option<String>,
    field: &'static str,
) -> Result<Money, Problem> {
    let unreadable = || Problem::Unreadable {
        field,
        value: value.trim().to_owned(),
    };
    let mut digits: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    // A comma followed by exactly two digits at the end is a decimal comma.
    if let Some((whole, cents)) = digits.rsplit_once(',')
        && cents.len() == 2
        && !whole.contains('.')
    {
        digits = format!("{whole}.{cents}");
    }
    digits.retain(|c| c != ',');
    let number: f64 = digits.parse().map_err(|_| unreadable())?;
    if !number.is_finite() || !(0.0..=1e15).contains(&number) {
        return Err(unreadable());
    }
    let currency = currency
        .map(|c| c.trim().to_ascii_uppercase())
        .filter(|c| c.len() == 3 && c.chars().all(|ch| ch.is_ascii_uppercase()))
        .ok_or(Problem::Missing { field: "currency" })?;
    Ok(Money {
        amount: number.round() as i64,
        currency,
    })
}

/// A national registration number without spaces; `n/a` and the like are
/// no number.
pub fn national_id(value: Option<String>) -> Option<String> {
    let compact: String = value?.chars().filter(|c| !c.is_whitespace()).collect();
    let meaningful = compact
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .count()
        >= 3;
    meaningful.then_some(compact)
}

/// Keeps the first of each code, in order.
pub fn dedup(codes: &mut Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    codes.retain(|c| seen.insert(c.clone()));
}
