//! Danish working days, for "three working days before the deadline":
//! Monday to Friday except the public holidays (helligdage) and the days
//! public offices close (Grundlovsdag, Christmas Eve). Easter is computed
//! (the Gregorian computus), and the holidays that follow it with it.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Weekday};
use chrono_tz::Europe::Copenhagen;

use super::schedule::local_hour_in_utc;

/// The local hour the last-chance mail goes out, Copenhagen time.
const MORNING: u32 = 8;

/// Easter Sunday of `year` (anonymous Gregorian algorithm).
fn easter(year: i32) -> NaiveDate {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32).expect("Easter is a date")
}

fn is_holiday(day: NaiveDate) -> bool {
    if matches!(
        (day.month(), day.day()),
        (1, 1) | (6, 5) | (12, 24) | (12, 25) | (12, 26)
    ) {
        return true;
    }
    // Maundy Thursday, Good Friday, Easter Monday, Ascension Day, Whit
    // Monday. Great Prayer Day was abolished from 2024.
    let from_easter = (day - easter(day.year())).num_days();
    matches!(from_easter, -3 | -2 | 1 | 39 | 50)
}

pub fn is_working_day(day: NaiveDate) -> bool {
    !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !is_holiday(day)
}

/// When the last chance before `deadline` (UTC) is mailed: 8 o'clock in
/// Copenhagen on the third working day before the deadline's own day, in
/// UTC.
pub fn last_chance_at(deadline: NaiveDateTime) -> NaiveDateTime {
    let mut day = Copenhagen.from_utc_datetime(&deadline).date_naive();
    let mut counted = 0;
    while counted < 3 {
        day -= Duration::days(1);
        if is_working_day(day) {
            counted += 1;
        }
    }
    local_hour_in_utc(day, MORNING)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn utc(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn easter_falls_where_the_almanac_says() {
        assert_eq!(easter(2026), day("2026-04-05"));
        assert_eq!(easter(2027), day("2027-03-28"));
        assert_eq!(easter(2028), day("2028-04-16"));
    }

    #[test]
    fn weekends_and_holidays_are_not_working_days() {
        for holiday in [
            "2027-01-01",
            "2027-03-25",
            "2027-03-26",
            "2027-03-29",
            "2027-05-06",
            "2027-05-17",
            "2026-06-05",
            "2026-12-24",
            "2026-12-25",
        ] {
            assert!(!is_working_day(day(holiday)), "{holiday}");
        }
        assert!(!is_working_day(day("2026-12-05")), "a Saturday");
        assert!(is_working_day(day("2026-12-04")), "a Friday");
        assert!(
            is_working_day(day("2027-03-24")),
            "the Wednesday before Easter"
        );
    }

    #[test]
    fn the_last_chance_is_the_morning_three_working_days_before() {
        // A Friday deadline: Tuesday morning (UTC+1 in winter).
        assert_eq!(
            last_chance_at(utc("2026-12-11 11:00")),
            utc("2026-12-08 07:00")
        );
        // A Monday deadline: the Wednesday before.
        assert_eq!(
            last_chance_at(utc("2026-12-14 11:00")),
            utc("2026-12-09 07:00")
        );
        // Over Easter 2027 (Thursday to Monday off): from Wednesday 31
        // March back to Tuesday 23 March.
        assert_eq!(
            last_chance_at(utc("2027-03-31 10:00")),
            utc("2027-03-23 07:00")
        );
        // In summer time, 8 o'clock is 6 UTC.
        assert_eq!(
            last_chance_at(utc("2027-06-18 10:00")),
            utc("2027-06-15 06:00")
        );
        // Just after local midnight, the deadline's day is the local one.
        assert_eq!(
            last_chance_at(utc("2026-12-10 23:30")),
            utc("2026-12-08 07:00")
        );
    }
}
