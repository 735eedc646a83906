//! The kinds of mail a person chooses about, and how often.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Role;

/// What a mail is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A new or amended tender that matches the person's organisation.
    Match,
    /// A followed tender was amended.
    Amendment,
    /// A question on a followed tender was answered.
    Answer,
    /// A followed tender was cancelled.
    Cancellation,
    /// A new tender that a saved search finds.
    SavedSearch,
    /// A followed or matched tender three working days before its
    /// deadline, not yet bid on.
    LastChance,
    /// For officers: each Monday, how far their authority's open tenders
    /// reached.
    WeeklySummary,
    /// An administrator's decision on the person's organisation profile
    /// (approved, rejected, changes asked for, suspended, reinstated).
    ProfileDecision,
    /// For officers: an administrator's decision on their buyer account.
    OfficerDecision,
}

impl Kind {
    pub const ALL: [Kind; 9] = [
        Kind::Match,
        Kind::SavedSearch,
        Kind::LastChance,
        Kind::Amendment,
        Kind::Answer,
        Kind::Cancellation,
        Kind::WeeklySummary,
        Kind::ProfileDecision,
        Kind::OfficerDecision,
    ];

    /// The kinds a person of `role` can be sent, as their preferences page
    /// offers them: an entrepreneur follows, is matched and hears the
    /// decisions on the organisation's profile; an officer gets the weekly
    /// summary and the decision on the account; an admin none of these.
    pub fn for_role(role: Role) -> &'static [Kind] {
        match role {
            Role::Entrepreneur => &[
                Kind::Match,
                Kind::SavedSearch,
                Kind::LastChance,
                Kind::Amendment,
                Kind::Answer,
                Kind::Cancellation,
                Kind::ProfileDecision,
            ],
            Role::Officer => &[Kind::WeeklySummary, Kind::OfficerDecision],
            Role::Admin => &[],
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Match => "match",
            Kind::Amendment => "amendment",
            Kind::Answer => "answer",
            Kind::Cancellation => "cancellation",
            Kind::SavedSearch => "saved_search",
            Kind::LastChance => "last_chance",
            Kind::WeeklySummary => "weekly_summary",
            Kind::ProfileDecision => "profile_decision",
            Kind::OfficerDecision => "officer_decision",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The template of a mail about one event of this kind.
    pub fn template(self) -> &'static str {
        match self {
            Kind::Match => "notify_match",
            Kind::Amendment => "tender_amended",
            Kind::Answer => "question_answered",
            Kind::Cancellation => "tender_cancelled",
            Kind::SavedSearch => "notify_saved_search",
            Kind::LastChance => "notify_last_chance",
            Kind::WeeklySummary => "notify_weekly_summary",
            Kind::ProfileDecision => "profile_decision",
            Kind::OfficerDecision => "officer_decision",
        }
    }
}

/// How often a person wants a kind of mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Cadence {
    /// A mail per event, as soon as it happens.
    Now,
    /// One mail a day gathering everything since the last one.
    Daily,
    /// One mail a week.
    Weekly,
    Never,
}

impl Cadence {
    pub const ALL: [Cadence; 4] = [
        Cadence::Now,
        Cadence::Daily,
        Cadence::Weekly,
        Cadence::Never,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Cadence::Now => "now",
            Cadence::Daily => "daily",
            Cadence::Weekly => "weekly",
            Cadence::Never => "never",
        }
    }

    pub fn parse(s: &str) -> Option<Cadence> {
        Cadence::ALL.into_iter().find(|c| c.as_str() == s)
    }
}
