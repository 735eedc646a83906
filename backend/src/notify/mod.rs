//! The notifier: who is told what, when, and how often they want it.
//!
//! A cause (a tender matched, amended, cancelled, a question answered)
//! records one [`notifications`](record) row per recipient in its own
//! transaction, under a unique key per (recipient, event), so however often
//! the cause is replayed nobody is told twice. Depending on the person's
//! choice for that kind of mail (`preferences`) the same transaction queues
//! a mail at once or the digest that will gather it at the person's local
//! hour (`schedule`, Europe/Copenhagen). The mail jobs (`deliver`) carry
//! only the notification or the person, render from the templates in the
//! person's language at send time with one-click unsubscribe headers
//! (`unsubscribe`), and record the send. `last_chance` reminds of a
//! followed or matched tender three Danish working days (`working_days`)
//! before its deadline; `summary` tells officers each Monday how far their
//! open tenders reached.

pub mod api;
mod deliver;
pub mod failed;
mod kinds;
mod last_chance;
mod matched;
pub mod pages;
mod preferences;
mod record;
mod schedule;
mod summary;
pub mod unsubscribe;
mod working_days;

pub use deliver::{NotifyMail, SendDigest};
pub use kinds::{Cadence, Kind};
pub use last_chance::LastChance;
pub use matched::tender_matched;
pub use preferences::{
    Settings, View as PreferencesView, load as settings_of, view as preferences_of,
};
pub use record::{Event, notify, notify_all};
pub use schedule::next_digest;
pub use summary::WeeklySummary;
pub use working_days::last_chance_at;
