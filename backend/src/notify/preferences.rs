//! Each person's choices. No stored row means the defaults: matches in a
//! daily digest at 8 in the morning, everything about a followed tender at
//! once, administrators' decisions at once, every match however weak. The language is the account's own
//! (`users.locale`), so pages and mail always agree.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::kinds::{Cadence, Kind};
use crate::db::DbConn;
use crate::db::ids::UserId;
use crate::db::schema::notification_settings as settings;
use crate::error::{AppError, AppResult, FieldError};

/// A person's choices about mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Settings {
    /// New tenders that match the person's organisation.
    #[serde(rename = "match")]
    pub match_cadence: Cadence,
    /// New tenders that one of the person's saved searches finds.
    pub saved_search: Cadence,
    /// A followed or matched tender three working days before its
    /// deadline, while the organisation has not bid.
    pub last_chance: Cadence,
    /// For officers: the Monday summary of their authority's open tenders.
    pub weekly_summary: Cadence,
    /// Amendments of followed tenders.
    pub amendment: Cadence,
    /// Answers to questions on followed tenders.
    pub answer: Cadence,
    /// Cancellations of followed tenders.
    pub cancellation: Cadence,
    /// Administrators' decisions on the organisation's profile.
    pub profile_decision: Cadence,
    /// For officers: the administrators' decision on the buyer account.
    pub officer_decision: Cadence,
    /// Matches weaker than this (0 to 100, the match's score in percent)
    /// are not mailed.
    pub min_match_percent: i32,
    /// The local hour (Europe/Copenhagen, 0 to 23) digests are sent at.
    pub digest_hour: i32,
    /// The day weekly digests are sent on: 1 Monday to 7 Sunday.
    pub digest_weekday: i32,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            match_cadence: Cadence::Daily,
            saved_search: Cadence::Daily,
            last_chance: Cadence::Now,
            weekly_summary: Cadence::Now,
            amendment: Cadence::Now,
            answer: Cadence::Now,
            cancellation: Cadence::Now,
            profile_decision: Cadence::Now,
            officer_decision: Cadence::Now,
            min_match_percent: 0,
            digest_hour: 8,
            digest_weekday: 1,
        }
    }
}

impl Settings {
    pub fn cadence(&self, kind: Kind) -> Cadence {
        match kind {
            Kind::Match => self.match_cadence,
            Kind::SavedSearch => self.saved_search,
            Kind::LastChance => self.last_chance,
            Kind::WeeklySummary => self.weekly_summary,
            Kind::Amendment => self.amendment,
            Kind::Answer => self.answer,
            Kind::Cancellation => self.cancellation,
            Kind::ProfileDecision => self.profile_decision,
            Kind::OfficerDecision => self.officer_decision,
        }
    }

    pub fn set_cadence(&mut self, kind: Kind, cadence: Cadence) {
        match kind {
            Kind::Match => self.match_cadence = cadence,
            Kind::SavedSearch => self.saved_search = cadence,
            Kind::LastChance => self.last_chance = cadence,
            Kind::WeeklySummary => self.weekly_summary = cadence,
            Kind::Amendment => self.amendment = cadence,
            Kind::Answer => self.answer = cadence,
            Kind::Cancellation => self.cancellation = cadence,
            Kind::ProfileDecision => self.profile_decision = cadence,
            Kind::OfficerDecision => self.officer_decision = cadence,
        }
    }
}

type Row = (
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    i32,
    i32,
    i32,
);

/// The person's settings, or the defaults.
pub fn load(conn: &mut DbConn, user_id: UserId) -> QueryResult<Settings> {
    let row: Option<Row> = settings::table
        .find(user_id)
        .select((
            settings::match_cadence,
            settings::saved_search_cadence,
            settings::last_chance_cadence,
            settings::weekly_summary_cadence,
            settings::amendment_cadence,
            settings::answer_cadence,
            settings::cancellation_cadence,
            settings::profile_decision_cadence,
            settings::officer_decision_cadence,
            settings::min_match_percent,
            settings::digest_hour,
            settings::digest_weekday,
        ))
        .first(conn)
        .optional()?;
    let Some((m, saved, last, week, a, q, c, profile, officer, min, hour, weekday)) = row else {
        return Ok(Settings::default());
    };
    let defaults = Settings::default();
    // A value this version does not know falls back to the default rather
    // than silencing mail.
    let cadence = |s: &str, default: Cadence| Cadence::parse(s).unwrap_or(default);
    Ok(Settings {
        match_cadence: cadence(&m, defaults.match_cadence),
        saved_search: cadence(&saved, defaults.saved_search),
        last_chance: cadence(&last, defaults.last_chance),
        weekly_summary: cadence(&week, defaults.weekly_summary),
        amendment: cadence(&a, defaults.amendment),
        answer: cadence(&q, defaults.answer),
        cancellation: cadence(&c, defaults.cancellation),
        profile_decision: cadence(&profile, defaults.profile_decision),
        officer_decision: cadence(&officer, defaults.officer_decision),
        min_match_percent: min,
        digest_hour: hour,
        digest_weekday: weekday,
    })
}

/// Stores the person's settings (checked by the caller).
pub fn save(
    conn: &mut DbConn,
    user_id: UserId,
    s: &Settings,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let values = (
        settings::match_cadence.eq(s.match_cadence.as_str()),
        settings::saved_search_cadence.eq(s.saved_search.as_str()),
        settings::last_chance_cadence.eq(s.last_chance.as_str()),
        settings::weekly_summary_cadence.eq(s.weekly_summary.as_str()),
        settings::amendment_cadence.eq(s.amendment.as_str()),
        settings::answer_cadence.eq(s.answer.as_str()),
        settings::cancellation_cadence.eq(s.cancellation.as_str()),
        settings::profile_decision_cadence.eq(s.profile_decision.as_str()),
        settings::officer_decision_cadence.eq(s.officer_decision.as_str()),
        settings::min_match_percent.eq(s.min_match_percent),
        settings::digest_hour.eq(s.digest_hour),
        settings::digest_weekday.eq(s.digest_weekday),
        settings::updated_at.eq(now),
    );
    let updated = diesel::update(settings::table.find(user_id))
        .set(values)
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(settings::table)
            .values((settings::user_id.eq(user_id), values))
            .execute(conn)?;
    }
    Ok(())
}

/// The choices as a form or a JSON body sends them, before checking.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Input {
    /// `now`, `daily`, `weekly` or `never`.
    #[serde(rename = "match")]
    #[schema(schema_with = cadence)]
    pub match_cadence: String,
    /// New tenders a saved search finds; left out, the default (`daily`),
    /// so clients written before saved searches keep working.
    #[serde(default = "daily")]
    #[schema(schema_with = cadence)]
    pub saved_search: String,
    /// Three working days before the deadline of a followed or matched
    /// tender not yet bid on; left out, the default (`now`).
    #[serde(default = "at_once")]
    #[schema(schema_with = cadence)]
    pub last_chance: String,
    /// For officers, the Monday summary; left out, the default (`now`).
    #[serde(default = "at_once")]
    #[schema(schema_with = cadence)]
    pub weekly_summary: String,
    #[schema(schema_with = cadence)]
    pub amendment: String,
    #[schema(schema_with = cadence)]
    pub answer: String,
    #[schema(schema_with = cadence)]
    pub cancellation: String,
    /// Decisions on the organisation's profile; left out, the default
    /// (`now`).
    #[serde(default = "at_once")]
    #[schema(schema_with = cadence)]
    pub profile_decision: String,
    /// For officers, the decision on the buyer account; left out, the
    /// default (`now`).
    #[serde(default = "at_once")]
    #[schema(schema_with = cadence)]
    pub officer_decision: String,
    #[schema(minimum = 0, maximum = 100)]
    pub min_match_percent: i64,
    /// Copenhagen time.
    #[schema(minimum = 0, maximum = 23)]
    pub digest_hour: i64,
    /// 1 is Monday, 7 Sunday.
    #[schema(minimum = 1, maximum = 7)]
    pub digest_weekday: i64,
    /// `da` or `en`: mail and pages.
    #[schema(schema_with = language)]
    pub language: String,
}

fn daily() -> String {
    Cadence::Daily.as_str().to_owned()
}

fn at_once() -> String {
    Cadence::Now.as_str().to_owned()
}

/// The cadences as the document lists them; the field stays text so that
/// another value is answered with the field's own rule (422 naming it).
fn cadence() -> utoipa::openapi::Object {
    text_enum(["now", "daily", "weekly", "never"])
}

fn language() -> utoipa::openapi::Object {
    text_enum(["da", "en"])
}

fn text_enum<const N: usize>(values: [&str; N]) -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::Type::String)
        .enum_values(Some(values))
        .build()
}

/// Checks every field at once, naming each broken one.
pub fn check(input: &Input) -> Result<(Settings, socialbid_frontend::Lang), Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut cadence = |field: &'static str, value: &str| {
        Cadence::parse(value).unwrap_or_else(|| {
            errors.push(FieldError::new(field, "unknown_cadence"));
            Cadence::Never
        })
    };
    let settings = Settings {
        match_cadence: cadence("match", &input.match_cadence),
        saved_search: cadence("saved_search", &input.saved_search),
        last_chance: cadence("last_chance", &input.last_chance),
        weekly_summary: cadence("weekly_summary", &input.weekly_summary),
        amendment: cadence("amendment", &input.amendment),
        answer: cadence("answer", &input.answer),
        cancellation: cadence("cancellation", &input.cancellation),
        profile_decision: cadence("profile_decision", &input.profile_decision),
        officer_decision: cadence("officer_decision", &input.officer_decision),
        min_match_percent: in_range(
            &mut errors,
            "min_match_percent",
            input.min_match_percent,
            0,
            100,
        ),
        digest_hour: in_range(&mut errors, "digest_hour", input.digest_hour, 0, 23),
        digest_weekday: in_range(&mut errors, "digest_weekday", input.digest_weekday, 1, 7),
    };
    let lang = socialbid_frontend::Lang::from_code(&input.language);
    if lang.is_none() {
        errors.push(FieldError::new("language", "not_offered"));
    }
    match lang {
        Some(lang) if errors.is_empty() => Ok((settings, lang)),
        _ => Err(errors),
    }
}

fn in_range(
    errors: &mut Vec<FieldError>,
    field: &'static str,
    value: i64,
    low: i64,
    high: i64,
) -> i32 {
    if (low..=high).contains(&value) {
        value as i32
    } else {
        errors.push(FieldError::new(field, "out_of_range"));
        low as i32
    }
}

/// The person's choices with their language, as the API and the page
/// show them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct View {
    #[serde(flatten)]
    pub settings: Settings,
    /// `da` or `en`.
    pub language: String,
}

pub fn view(conn: &mut DbConn, user_id: UserId) -> QueryResult<View> {
    use crate::db::schema::users;
    let language: String = users::table
        .find(user_id)
        .select(users::locale)
        .first(conn)?;
    Ok(View {
        settings: load(conn, user_id)?,
        language,
    })
}

/// Checks and stores the person's choices and language in one transaction.
pub async fn update(app: &crate::app::AppState, user_id: UserId, input: Input) -> AppResult<View> {
    let (settings, lang) = check(&input).map_err(AppError::invalid)?;
    let now = app.clock.now();
    app.db
        .run(move |conn| {
            crate::db::write_transaction(conn, |conn| {
                use crate::db::schema::users;
                diesel::update(users::table.find(user_id))
                    .set(users::locale.eq(lang.code()))
                    .execute(conn)?;
                save(conn, user_id, &settings, now)?;
                Ok::<_, AppError>(view(conn, user_id)?)
            })
        })
        .await
}

pub async fn get(app: &crate::app::AppState, user_id: UserId) -> AppResult<View> {
    app.db
        .run(move |conn| view(conn, user_id).map_err(AppError::from))
        .await
}
