//! The preferences page (`/account/notifications`) and the page a mail's
//! unsubscribe link opens; the same address takes the mail client's
//! one-click POST (RFC 8058), which needs no session: the signed token is
//! the authority, and the CSRF check leaves that one address alone.

use axum::Form;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;
use socialbid_frontend::{Lang, translate};

use super::kinds::{Cadence, Kind};
use super::preferences::{self, Input, View};
use super::unsubscribe;
use crate::app::AppState;
use crate::auth::{AuthUser, Role};
use crate::error::{AppError, AppResult};
use crate::web::extract::Query;
use crate::web::page::{FormError, Page};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/account/notifications", get(show).post(save))
        .route(unsubscribe::PATH, get(unsubscribe_page).post(one_click))
}

/// The form's fields as strings, so a wrong value comes back as typed.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
struct PreferencesForm {
    #[serde(rename = "match")]
    match_cadence: String,
    saved_search: String,
    last_chance: String,
    weekly_summary: String,
    amendment: String,
    answer: String,
    cancellation: String,
    profile_decision: String,
    officer_decision: String,
    min_match_percent: String,
    digest_hour: String,
    digest_weekday: String,
    language: String,
}

impl PreferencesForm {
    fn of(view: &View) -> PreferencesForm {
        let s = &view.settings;
        PreferencesForm {
            match_cadence: s.match_cadence.as_str().into(),
            saved_search: s.saved_search.as_str().into(),
            last_chance: s.last_chance.as_str().into(),
            weekly_summary: s.weekly_summary.as_str().into(),
            amendment: s.amendment.as_str().into(),
            answer: s.answer.as_str().into(),
            cancellation: s.cancellation.as_str().into(),
            profile_decision: s.profile_decision.as_str().into(),
            officer_decision: s.officer_decision.as_str().into(),
            min_match_percent: s.min_match_percent.to_string(),
            digest_hour: s.digest_hour.to_string(),
            digest_weekday: s.digest_weekday.to_string(),
            language: view.language.clone(),
        }
    }

    /// The field that holds the choice for `kind`.
    fn cadence_mut(&mut self, kind: Kind) -> &mut String {
        match kind {
            Kind::Match => &mut self.match_cadence,
            Kind::SavedSearch => &mut self.saved_search,
            Kind::LastChance => &mut self.last_chance,
            Kind::WeeklySummary => &mut self.weekly_summary,
            Kind::Amendment => &mut self.amendment,
            Kind::Answer => &mut self.answer,
            Kind::Cancellation => &mut self.cancellation,
            Kind::ProfileDecision => &mut self.profile_decision,
            Kind::OfficerDecision => &mut self.officer_decision,
        }
    }

    /// What the page does not offer a person of `role` stays as `stored`:
    /// the kinds of mail another role gets, the weakest match for anyone
    /// but an entrepreneur, the digests' time for someone offered no kind.
    fn keep_unoffered(&mut self, mut stored: PreferencesForm, role: Role) {
        let offered = Kind::for_role(role);
        for kind in Kind::ALL {
            if !offered.contains(&kind) {
                *self.cadence_mut(kind) = std::mem::take(stored.cadence_mut(kind));
            }
        }
        if role != Role::Entrepreneur {
            self.min_match_percent = stored.min_match_percent;
        }
        if offered.is_empty() {
            self.digest_hour = stored.digest_hour;
            self.digest_weekday = stored.digest_weekday;
        }
    }

    /// A number that does not parse is kept out of range, so the check
    /// names the field.
    fn input(&self) -> Input {
        let number = |s: &str| s.trim().parse::<i64>().unwrap_or(i64::MIN);
        Input {
            match_cadence: self.match_cadence.clone(),
            saved_search: self.saved_search.clone(),
            last_chance: self.last_chance.clone(),
            weekly_summary: self.weekly_summary.clone(),
            amendment: self.amendment.clone(),
            answer: self.answer.clone(),
            cancellation: self.cancellation.clone(),
            profile_decision: self.profile_decision.clone(),
            officer_decision: self.officer_decision.clone(),
            min_match_percent: number(&self.min_match_percent),
            digest_hour: number(&self.digest_hour),
            digest_weekday: number(&self.digest_weekday),
            language: self.language.clone(),
        }
    }

    fn values(&self) -> serde_json::Value {
        serde_json::json!({
            "match": self.match_cadence,
            "saved_search": self.saved_search,
            "last_chance": self.last_chance,
            "weekly_summary": self.weekly_summary,
            "amendment": self.amendment,
            "answer": self.answer,
            "cancellation": self.cancellation,
            "profile_decision": self.profile_decision,
            "officer_decision": self.officer_decision,
            "min_match_percent": self.min_match_percent,
            "digest_hour": self.digest_hour,
            "digest_weekday": self.digest_weekday,
            "language": self.language,
        })
    }
}

fn option(value: &str, label: String) -> serde_json::Value {
    serde_json::json!({ "value": value, "label": label })
}

fn form_page(
    page: &Page,
    role: Role,
    form: &PreferencesForm,
    errors: Vec<FormError>,
) -> AppResult<Html<String>> {
    let lang = page.lang;
    let cadences: Vec<_> = Cadence::ALL
        .iter()
        .map(|c| {
            option(
                c.as_str(),
                translate(lang, &format!("notify.cadence.{}", c.as_str())),
            )
        })
        .collect();
    let kinds: Vec<_> = Kind::for_role(role)
        .iter()
        .map(|k| {
            serde_json::json!({
                "name": k.as_str(),
                "legend": translate(lang, &format!("notify.kind.{}", k.as_str())),
            })
        })
        .collect();
    let hours: Vec<_> = (0..24)
        .map(|h| option(&h.to_string(), format!("{h:02}.00")))
        .collect();
    let weekdays: Vec<_> = (1..=7)
        .map(|d| {
            option(
                &d.to_string(),
                translate(lang, &format!("notify.weekday.{d}")),
            )
        })
        .collect();
    let languages: Vec<_> = Lang::ALL
        .iter()
        .map(|l| serde_json::json!({ "value": l.code(), "label": l.endonym(), "lang": l.code() }))
        .collect();
    page.render(
        "pages/notify/preferences.html",
        serde_json::json!({
            "errors": errors,
            "values": form.values(),
            "cadences": cadences,
            "kinds": kinds,
            "show_min_match": role == Role::Entrepreneur,
            "hours": hours,
            "weekdays": weekdays,
            "languages": languages,
        }),
    )
}

async fn show(State(app): State<AppState>, page: Page, user: AuthUser) -> AppResult<Html<String>> {
    let view = preferences::get(&app, user.id).await?;
    form_page(&page, user.role, &PreferencesForm::of(&view), Vec::new())
}

async fn save(
    State(app): State<AppState>,
    page: Page,
    user: AuthUser,
    Form(mut form): Form<PreferencesForm>,
) -> AppResult<Response> {
    let stored = preferences::get(&app, user.id).await?;
    form.keep_unoffered(PreferencesForm::of(&stored), user.role);
    match preferences::update(&app, user.id, form.input()).await {
        Ok(_) => {
            Ok(Redirect::to("/account/notifications?notice=notifications_saved").into_response())
        }
        Err(error) => {
            let errors = page.errors_of(error, "match")?;
            let html = form_page(&page, user.role, &form, errors)?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
    }
}

#[derive(Debug, Deserialize)]
struct TokenQuery {
    token: String,
}

/// Switches off what the token names; 404 for a token this server did not
/// sign or a person who no longer has an account.
async fn switch_off(app: &AppState, token: &str) -> AppResult<Vec<Kind>> {
    let (user_id, kinds) = unsubscribe::verify(app, token).ok_or_else(AppError::not_found)?;
    let now = app.clock.now();
    let switched = kinds.clone();
    let done = app
        .db
        .run(move |conn| {
            crate::db::write_transaction(conn, |conn| {
                unsubscribe::switch_off(conn, user_id, &switched, now).map_err(AppError::from)
            })
        })
        .await?;
    if !done {
        return Err(AppError::not_found());
    }
    Ok(kinds)
}

/// The link in a mail: switches that kind of mail off and says so, with
/// the way to the preferences.
async fn unsubscribe_page(
    State(app): State<AppState>,
    page: Page,
    Query(query): Query<TokenQuery>,
) -> AppResult<Html<String>> {
    let kinds = switch_off(&app, &query.token).await?;
    let names: Vec<String> = kinds
        .iter()
        .map(|k| translate(page.lang, &format!("notify.kind.{}", k.as_str())))
        .collect();
    page.render(
        "pages/notify/unsubscribed.html",
        serde_json::json!({ "kinds": names }),
    )
}

/// RFC 8058: the mail client posts `List-Unsubscribe=One-Click` to the
/// address in `List-Unsubscribe`, without cookies.
async fn one_click(
    State(app): State<AppState>,
    Query(query): Query<TokenQuery>,
) -> AppResult<StatusCode> {
    switch_off(&app, &query.token).await?;
    Ok(StatusCode::OK)
}
