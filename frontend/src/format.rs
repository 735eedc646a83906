//! Dates and numbers in the page's language: "28. november 2026 kl. 17.30"
//! in Danish, "28 November 2026, 17:30" in English, always in
//! Europe/Copenhagen time (everything is stored in UTC).

use chrono::{Datelike, NaiveDateTime, TimeZone, Timelike};
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
}
