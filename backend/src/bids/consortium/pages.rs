//! The consortium pages, working without JavaScript: the lead's "find
//! partners" page (the indexer's suggestions with what each partner
//! brings, a search by name, an invitation form beside each), taking a
//! partner off, and a partner's answer from the bids page.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::Form;
use serde::Deserialize;
use serde_json::{Value, json};
use socialbid_frontend::{Lang, format_money};

use crate::app::AppState;
use crate::auth::{AuthUser, Entrepreneur};
use crate::db::ids::{BidId, OrganisationId};
use crate::error::{AppError, AppResult};
use crate::matching::reasons::{Reader, word_all};
use crate::search::pages::{cpv_label, region_label};
use crate::web::extract::{Path, Query};
use crate::web::page::{FormError, Page};

use super::super::model::BidState;
use super::super::reading;
use super::inviting::{self, Answer, Invitation, MAX_ROLE};
use super::members;
use super::suggestions::{self, Coverable, PartnerQuery, PartnerSuggestionsView};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/bids/{id}/partners", get(find_partners).post(invite))
        .route("/bids/{id}/partners/{organisation_id}/remove", post(remove))
        .route("/bids/{id}/invitation/accept", post(accept))
        .route("/bids/{id}/invitation/decline", post(decline))
}

/// An invitation as the form sends it: numbers as typed, checked here.
#[derive(Deserialize, Default)]
#[serde(default)]
struct InviteForm {
    organisation_id: String,
    partner_role: String,
    share_percent: String,
    /// The words searched for, kept so the page shows the same results.
    q: String,
    /// Which of the page's invitation forms was sent (an organisation can
    /// be in several suggestions and in the search results).
    form_id: String,
}

impl InviteForm {
    /// The suffix of the sent form's field ids; anything but the short
    /// ids the page writes falls back to the organisation's.
    fn form_id(&self, organisation: i64) -> String {
        let id = self.form_id.trim();
        if !id.is_empty()
            && id.len() <= 24
            && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            id.to_owned()
        } else {
            organisation.to_string()
        }
    }
}

/// Codes with their labels in the page's language (and the label's own
/// language where the CPV list lacks a translation), a value as money.
fn worded(c: &Coverable, lang: Lang) -> Value {
    let cpv: Vec<Value> = c
        .cpv
        .iter()
        .map(|code| {
            let (label, label_lang) = cpv_label(code, lang);
            json!({"code": code, "label": label, "lang": label_lang.filter(|l| *l != lang.code())})
        })
        .collect();
    let regions: Vec<Value> = c
        .regions
        .iter()
        .map(|code| json!({"code": code, "label": region_label(code, lang)}))
        .collect();
    json!({
        "cpv": cpv,
        "regions": regions,
        "value": c.value_dkk.map(|v| format_money(lang, i64::try_from(v).unwrap_or(i64::MAX))),
        "empty": c.is_empty(),
    })
}

fn suggestions_json(view: &PartnerSuggestionsView, lang: Lang) -> Value {
    let suggestions: Vec<Value> = view
        .suggestions
        .iter()
        .map(|s| {
            let partners: Vec<Value> = s
                .partners
                .iter()
                .map(|p| {
                    json!({
                        "organisation_id": p.organisation_id,
                        "name": p.name,
                        "asked": p.asked,
                        "brings": worded(&p.brings, lang),
                        "reasons": word_all(&p.reasons, Reader::Officer, lang),
                    })
                })
                .collect();
            json!({"partners": partners, "covers": worded(&s.covers, lang),
                   "missing": worded(&s.missing, lang)})
        })
        .collect();
    json!({
        "needs": worded(&view.needs, lang),
        "lead_covers": worded(&view.lead_covers, lang),
        "lead_missing": worded(&view.lead_missing, lang),
        "suggestions": suggestions,
        "found": view.found,
    })
}

async fn render(
    app: &AppState,
    page: &Page,
    user: &AuthUser,
    bid_id: BidId,
    q: &str,
    errors: Vec<FormError>,
    values: Value,
) -> AppResult<(bool, Html<String>)> {
    let bid = reading::get(app, user, bid_id).await?;
    if bid.read_as != reading::ReadAs::Lead {
        return Err(AppError::not_found());
    }
    let query = PartnerQuery { q: q.to_owned() };
    let (found, search_errors) = match suggestions::suggest(app, user, bid_id, &query).await {
        Ok(found) => (found, Vec::new()),
        Err(error @ AppError::Invalid { .. }) => {
            let errors = page.errors_of(error, "q")?;
            let found = suggestions::suggest(app, user, bid_id, &PartnerQuery::default()).await?;
            (found, errors)
        }
        Err(error) => return Err(error),
    };
    let errors: Vec<FormError> = search_errors.into_iter().chain(errors).collect();
    let any_errors = !errors.is_empty();
    // A submitted bid (withdraw it first) or one past its deadline takes
    // no more partners: the page says so instead of offering forms.
    let can_invite = bid.state != BidState::Submitted && bid.submission_deadline > app.clock.now();
    let html = page.render(
        "pages/bids/partners.html",
        json!({
            "bid": bid,
            "q": q,
            "searched": !q.trim().is_empty(),
            "partners": suggestions_json(&found, page.lang),
            "errors": errors,
            "values": values,
            "max_role": MAX_ROLE,
            "can_invite": can_invite,
        }),
    )?;
    Ok((any_errors, html))
}

async fn find_partners(
    State(app): State<AppState>,
    page: Page,
    Entrepreneur(user): Entrepreneur,
    Path(id): Path<BidId>,
    Query(query): Query<PartnerQuery>,
) -> AppResult<Response> {
    let (refused, html) = render(&app, &page, &user, id, &query.q, Vec::new(), json!({})).await?;
    let status = if refused {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, html).into_response())
}

async fn invite(
    State(app): State<AppState>,
    page: Page,
    Entrepreneur(user): Entrepreneur,
    Path(id): Path<BidId>,
    Form(form): Form<InviteForm>,
) -> AppResult<Response> {
    let organisation = form.organisation_id.trim().parse::<i64>().unwrap_or(0);
    let invitation = Invitation {
        organisation_id: OrganisationId(organisation),
        partner_role: form.partner_role.clone(),
        // A share that is no whole number is out of range, and said so.
        share_percent: form.share_percent.trim().parse::<i32>().unwrap_or(0),
    };
    match inviting::invite(&app, &user, id, invitation).await {
        Ok(()) => Ok(Redirect::to(&format!("/bids/{id}?notice=partner_invited")).into_response()),
        Err(error) => {
            let status = error.status();
            let form_id = form.form_id(organisation);
            let mut errors = page.errors_of(error, "partner_role")?;
            // The form is repeated on the page: the errors point at the
            // fields of the one that was sent.
            for e in &mut errors {
                let field = format!("{}-{form_id}", e.field());
                e.retarget(&field);
            }
            let values = json!({
                format!("partner_role-{form_id}"): form.partner_role,
                format!("share_percent-{form_id}"): form.share_percent,
            });
            let (_, html) = render(&app, &page, &user, id, &form.q, errors, values).await?;
            Ok((status, html).into_response())
        }
    }
}

async fn remove(
    State(app): State<AppState>,
    Entrepreneur(user): Entrepreneur,
    Path((id, partner)): Path<(BidId, OrganisationId)>,
) -> AppResult<Redirect> {
    inviting::remove(&app, &user, id, partner).await?;
    Ok(Redirect::to(&format!("/bids/{id}?notice=partner_removed")))
}

async fn answer(
    app: &AppState,
    page: &Page,
    user: &AuthUser,
    id: BidId,
    answer: Answer,
) -> AppResult<Response> {
    match inviting::answer(app, user, id, answer).await {
        Ok(()) => Ok(match answer {
            Answer::Accept => Redirect::to(&format!("/bids/{id}?notice=partner_joined")),
            Answer::Decline => Redirect::to("/bids?notice=invitation_declined"),
        }
        .into_response()),
        Err(error) => {
            let status = error.status();
            let errors = page.errors_of(error, "invitations")?;
            let bids = reading::mine(app, user).await?;
            let invitations = members::invitations(app, user).await?;
            let html = page.render(
                "pages/bids/mine.html",
                json!({"bids": bids, "partner_invitations": invitations, "errors": errors}),
            )?;
            Ok((status, html).into_response())
        }
    }
}

async fn accept(
    State(app): State<AppState>,
    page: Page,
    Entrepreneur(user): Entrepreneur,
    Path(id): Path<BidId>,
) -> AppResult<Response> {
    answer(&app, &page, &user, id, Answer::Accept).await
}

async fn decline(
    State(app): State<AppState>,
    page: Page,
    Entrepreneur(user): Entrepreneur,
    Path(id): Path<BidId>,
) -> AppResult<Response> {
    answer(&app, &page, &user, id, Answer::Decline).await
}
