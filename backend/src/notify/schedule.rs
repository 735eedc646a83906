//! When a digest is due: the person's local hour in Copenhagen, turned into
//! the UTC time the application clock and the job queue work in. Summer
//! time moves the UTC hour twice a year; the local hour stays.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Europe::Copenhagen;

use super::kinds::Cadence;

/// The first time strictly after `now` (UTC) at which a digest of
/// `cadence` is due: `hour` o'clock in Copenhagen, on `weekday` (1 Monday
/// to 7 Sunday) for a weekly one. `None` for mail that is not gathered.
pub fn next_digest(
    now: NaiveDateTime,
    cadence: Cadence,
    hour: u32,
    weekday: u32,
) -> Option<NaiveDateTime> {
    if !matches!(cadence, Cadence::Daily | Cadence::Weekly) {
        return None;
    }
    let today = Copenhagen.from_utc_datetime(&now).date_naive();
    // Eight days always hold the next occurrence of any weekday and hour.
    (0..=8)
        .map(|days| today + Duration::days(days))
        .filter(|day| cadence == Cadence::Daily || day.weekday().number_from_monday() == weekday)
        .map(|day| local_hour_in_utc(day, hour))
        .find(|at| *at > now)
}

/// `hour` o'clock on `day` in Copenhagen, in UTC. On the night summer time
/// begins, 2 o'clock does not exist and the digest comes at 3; on the night
/// it ends, 2 o'clock happens twice and the digest comes at the first.
pub(super) fn local_hour_in_utc(day: NaiveDate, hour: u32) -> NaiveDateTime {
    let hour = hour.min(23);
    (hour..=23)
        .chain(std::iter::once(23))
        .find_map(|h| {
            Copenhagen
                .from_local_datetime(&day.and_hms_opt(h, 0, 0)?)
                .earliest()
        })
        .map(|local| local.naive_utc())
        .unwrap_or_else(|| day.and_hms_opt(hour, 0, 0).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn eight_in_copenhagen_is_seven_utc_in_winter_and_six_in_summer() {
        assert_eq!(
            next_digest(utc("2026-12-03 06:00"), Cadence::Daily, 8, 1),
            Some(utc("2026-12-03 07:00"))
        );
        assert_eq!(
            next_digest(utc("2026-07-01 07:30"), Cadence::Daily, 8, 1),
            Some(utc("2026-07-02 06:00"))
        );
    }

    #[test]
    fn the_local_hour_holds_across_the_change_of_time() {
        // Summer time began on Sunday 29 March 2026 at 02:00 local.
        assert_eq!(
            next_digest(utc("2026-03-28 08:00"), Cadence::Daily, 8, 1),
            Some(utc("2026-03-29 06:00"))
        );
        // It ended on Sunday 25 October 2026 at 03:00 local.
        assert_eq!(
            next_digest(utc("2026-10-24 07:00"), Cadence::Daily, 8, 1),
            Some(utc("2026-10-25 07:00"))
        );
    }

    #[test]
    fn an_hour_that_does_not_exist_moves_to_the_next_and_a_doubled_one_comes_first() {
        assert_eq!(
            next_digest(utc("2026-03-28 12:00"), Cadence::Daily, 2, 1),
            Some(utc("2026-03-29 01:00"))
        );
        assert_eq!(
            next_digest(utc("2026-10-24 12:00"), Cadence::Daily, 2, 1),
            Some(utc("2026-10-25 00:00"))
        );
    }

    #[test]
    fn weekly_digests_wait_for_their_day() {
        // Thursday 3 December 2026; the next Monday is the 7th.
        assert_eq!(
            next_digest(utc("2026-12-03 12:00"), Cadence::Weekly, 8, 1),
            Some(utc("2026-12-07 07:00"))
        );
        // On the day itself, after the hour: a week later.
        assert_eq!(
            next_digest(utc("2026-12-07 07:00"), Cadence::Weekly, 8, 1),
            Some(utc("2026-12-14 07:00"))
        );
    }

    #[test]
    fn mail_sent_at_once_or_never_has_no_digest() {
        assert_eq!(
            next_digest(utc("2026-12-03 06:00"), Cadence::Now, 8, 1),
            None
        );
        assert_eq!(
            next_digest(utc("2026-12-03 06:00"), Cadence::Never, 8, 1),
            None
        );
    }
}
