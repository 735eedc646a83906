//! Matching on the pages, all server-rendered: "Tenders for you" for an
//! entrepreneur (its own page, and a partial the start page can include),
//! "Who could bid" on the officer's tender page, and the reach estimate on
//! the draft pages.

use axum::Router;
use axum::extract::State;
use axum::response::{Html, Redirect};
use axum::routing::{get, post};
use serde_json::{Value, json};
use socialbid_codes::nuts;
use socialbid_frontend::Lang;

use super::reach::{self, ReachInput};
use super::reading::{self, DEFAULT_LIMIT, organisation_matches};
use super::reasons::{Reader, word_all};
use crate::app::AppState;
use crate::auth::{AuthUser, Entrepreneur};
use crate::db::ids::TenderId;
use crate::error::{AppError, AppResult};
use crate::profiles::service as profiles;
use crate::tenders::model::{Content, authority_name};
use crate::tenders::money::{Amount, in_kroner};
use crate::web::extract::Path;
use crate::web::page::Page;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/organisation/matches", get(tenders_for_you_page))
        .route("/tenders/{id}/dismiss", post(dismiss))
        .route("/tenders/{id}/restore", post(restore))
}

/// "Not for us" from the list: back to it, which no longer shows it.
async fn dismiss(
    State(app): State<AppState>,
    Entrepreneur(user): Entrepreneur,
    Path(id): Path<TenderId>,
) -> AppResult<Redirect> {
    super::dismissals::set(&app, &user, id, true).await?;
    Ok(Redirect::to(
        "/organisation/matches?notice=tender_dismissed",
    ))
}

async fn restore(
    State(app): State<AppState>,
    Entrepreneur(user): Entrepreneur,
    Path(id): Path<TenderId>,
) -> AppResult<Redirect> {
    super::dismissals::set(&app, &user, id, false).await?;
    Ok(Redirect::to("/organisation/matches?notice=tender_restored"))
}

/// A score as a whole percentage of the best possible.
fn percent(score: f64) -> u32 {
    (score.clamp(0.0, 1.0) * 100.0).round() as u32
}

/// What the "Tenders for you" partial shows for the organisation `user`
/// belongs to, the best `limit` with the total: `organisation` is null
/// when it has none, `public` false while its profile is not approved
/// (nothing is matched then).
pub async fn tenders_for_you(
    app: &AppState,
    user: &AuthUser,
    lang: Lang,
    limit: usize,
) -> AppResult<Value> {
    let user_id = user.id;
    let now = app.clock.now();
    app.db
        .run(move |conn| {
            let Some(org) = profiles::of_member(conn, user_id)? else {
                return Ok(json!({ "organisation": null, "items": [], "total": 0 }));
            };
            let public = org.public_profile()?.is_some();
            let found = organisation_matches(conn, &org, now, limit)?;
            let mut items = Vec::new();
            for m in &found.items {
                let (authority, _, _) = authority_name(conn, m.authority_id)?;
                items.push(json!({
                    "id": m.tender_id,
                    "title": m.title,
                    "language": m.language,
                    "authority": authority,
                    "deadline": m.submission_deadline,
                    "reserved": m.reserved,
                    "percent": percent(m.score),
                    "reasons": word_all(&m.reasons, Reader::Entrepreneur, lang),
                }));
            }
            let dismissed: Vec<Value> = found
                .dismissed
                .iter()
                .map(|m| json!({"id": m.tender_id, "title": m.title, "language": m.language}))
                .collect();
            Ok(json!({
                "organisation": org.id,
                "public": public,
                "items": items,
                "total": found.total,
                "dismissed": dismissed,
            }))
        })
        .await
}

async fn tenders_for_you_page(
    State(app): State<AppState>,
    page: Page,
    Entrepreneur(user): Entrepreneur,
) -> AppResult<Html<String>> {
    let view = tenders_for_you(&app, &user, page.lang, DEFAULT_LIMIT as usize).await?;
    page.render(
        "pages/matching/tenders_for_you.html",
        json!({ "tenders_for_you": view }),
    )
}

/// "Who could bid" for the tender page: the best profiles with their
/// reasons, for officers of the owning authority and admins; `None` for
/// everyone else, and for a draft.
pub async fn who_could_bid(
    app: &AppState,
    user: Option<&AuthUser>,
    tender_id: TenderId,
    lang: Lang,
) -> AppResult<Option<Value>> {
    let Some(user) = user else {
        return Ok(None);
    };
    let found = match reading::for_tender(app, user, tender_id, DEFAULT_LIMIT as usize).await {
        Ok(found) => found,
        Err(error) if error.status().is_client_error() => return Ok(None),
        Err(error) => return Err(error),
    };
    let items: Vec<Value> = found
        .items
        .iter()
        .map(|m| {
            json!({
                "id": m.organisation_id,
                "name": m.name,
                "percent": percent(m.score),
                "reasons": word_all(&m.reasons, Reader::Officer, lang),
            })
        })
        .collect();
    Ok(Some(json!({ "items": items, "total": found.total })))
}

/// A value in whole kroner at the reference rate, when positive.
fn kroner(value: Option<Amount>, currency: &str) -> Option<i64> {
    value
        .and_then(|v| in_kroner(v, currency))
        .map(|k| k.dkk)
        .filter(|dkk| *dkk > 0)
}

/// The reach estimate for a draft's choices so far, worded; `None` when the
/// index cannot answer (the draft page is shown without it).
pub async fn draft_reach(app: &AppState, content: &Content, lang: Lang) -> Option<Value> {
    let input = ReachInput {
        cpv: content.all_cpv(),
        nuts: content
            .nuts_codes
            .iter()
            .filter(|c| nuts::find(c).is_some())
            .cloned()
            .collect(),
        reserved: content.all_reserved(),
        estimated_value_dkk: kroner(content.estimated_value, &content.currency),
        lot_values_dkk: content
            .lots
            .iter()
            .filter_map(|l| kroner(l.estimated_value, &content.currency))
            .collect(),
    };
    let estimate = async {
        let criteria = input.criteria()?;
        reach::estimate(app, criteria, lang).await
    };
    match estimate.await {
        Ok(view) => Some(json!({
            "summary": view.summary,
            "fitting": view.fitting,
            "total": view.total,
            "changes": view.changes.iter().take(3).map(|c| c.text.clone()).collect::<Vec<_>>(),
        })),
        Err(AppError::Internal(error)) => {
            tracing::error!(?error, "cannot estimate the reach of a draft");
            None
        }
        // A draft may hold codes that are not valid yet; the page says
        // what is wrong with them elsewhere.
        Err(_) => None,
    }
}
