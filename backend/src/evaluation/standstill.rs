//! The standstill period after an award: 10 calendar days in Denmark
//! (udbudsloven § 4, stk. 1; klagenævnsloven § 3), counted in
//! Europe/Copenhagen from the day after the award was sent. It ends when
//! the tenth day ends, local time; the contract can be signed from then.

use chrono::{Days, NaiveDateTime, TimeZone};
use chrono_tz::Europe::Copenhagen;

pub const STANDSTILL_DAYS: u64 = 10;

/// The first moment (UTC) the contract may be signed after an award made
/// at `awarded_at` (UTC).
pub fn standstill_end(awarded_at: NaiveDateTime) -> NaiveDateTime {
    let award_day = Copenhagen.from_utc_datetime(&awarded_at).date_naive();
    let first_free_day = award_day + Days::new(STANDSTILL_DAYS + 1);
    let midnight = first_free_day.and_hms_opt(0, 0, 0).unwrap_or_default();
    // Midnight exists on every day in Copenhagen (clocks change at 2 and 3
    // o'clock), so `earliest` always finds it.
    Copenhagen
        .from_local_datetime(&midnight)
        .earliest()
        .map(|local| local.naive_utc())
        .unwrap_or(midnight)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn ends_when_the_tenth_local_day_ends_across_a_clock_change() {
        // Awarded Friday 20 March 2026 at 11.00 Danish time; the tenth day
        // is 30 March, after summer time began on 29 March: it ends at
        // midnight CEST, 22.00 UTC.
        assert_eq!(
            standstill_end(utc("2026-03-20 10:00")),
            utc("2026-03-30 22:00")
        );
        // Late in the evening UTC is already the next day in Copenhagen.
        assert_eq!(
            standstill_end(utc("2026-12-02 23:30")),
            utc("2026-12-13 23:00")
        );
    }
}
