//! The bidder's pages, working without JavaScript: the bid form for a
//! tender (or one of its lots), the bid page that is also "check your
//! answers" with the submit and withdraw buttons, and the receipt.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::Form;
use serde::Deserialize;
use serde_json::{Value, json};
use socialbid_frontend::Lang;

use crate::app::AppState;
use crate::auth::Entrepreneur;
use crate::db::ids::{BidId, TenderId};
use crate::error::{AppError, AppResult, FieldError};
use crate::tenders::model::{CriterionKind, TenderRow};
use crate::tenders::money::Amount;
use crate::web::extract::{Path, Query};
use crate::web::page::{FormError, Page};

use super::documents::pages::documents_json;
use super::model::{Answer, BidContent, Commitment};
use super::reading::{self, BidView};
use super::{access, rules, writing};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/tenders/{id}/bid", get(bid_form).post(save_form))
        .route("/bids", get(my_bids))
        .route("/bids/{id}", get(show))
        .route("/bids/{id}/submit", post(submit))
        .route("/bids/{id}/withdraw", post(withdraw))
        .route("/bids/{id}/receipt", get(receipt))
        .merge(super::consortium::pages::routes())
        .merge(super::documents::pages::routes())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LotQuery {
    lot: i32,
}

type FormPairs = Vec<(String, String)>;

fn first(form: &FormPairs, name: &str) -> String {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim().to_owned())
        .unwrap_or_default()
}

/// What the form's fields say, as a bid's content, and the fields that do
/// not parse (a price that is no amount, a count that is no number).
fn content_of(tender: &TenderRow, form: &FormPairs) -> (BidContent, Vec<FieldError>) {
    let mut errors = Vec::new();
    let price_text = first(form, "price");
    let price = if price_text.is_empty() {
        None
    } else {
        let parsed = Amount::parse_text(&price_text);
        if parsed.is_none() {
            errors.push(FieldError::new("price", "not_positive"));
        }
        parsed
    };
    let mut content = BidContent {
        price,
        ..BidContent::default()
    };
    for (index, criterion) in tender.criteria.0.iter().enumerate() {
        match criterion.kind {
            CriterionKind::Quality => {
                let text = first(form, &format!("answer_{index}"));
                if !text.is_empty() {
                    content.answers.push(Answer {
                        criterion: index,
                        text,
                    });
                }
            }
            CriterionKind::Social => {
                let field = |part: &str| first(form, &format!("commitment_{index}_{part}"));
                let (what, how_many, for_whom, months) = (
                    field("what"),
                    field("how_many"),
                    field("for_whom"),
                    field("months"),
                );
                if [&what, &how_many, &for_whom, &months]
                    .iter()
                    .all(|v| v.is_empty())
                {
                    continue;
                }
                // A count or duration that is no whole number breaks the
                // same rule as one out of range, and says so.
                let whole = |text: &str| text.parse::<i32>().unwrap_or(0);
                content.commitments.push(Commitment {
                    criterion: index,
                    what,
                    how_many: whole(&how_many),
                    for_whom,
                    months: whole(&months),
                });
            }
            CriterionKind::Price | CriterionKind::Cost => {}
        }
    }
    content.declarations = form
        .iter()
        .filter(|(k, _)| k == "declarations")
        .map(|(_, v)| v.clone())
        .collect();
    (content, errors)
}

/// The form's values as typed, by field id.
fn values_of(content: &BidContent) -> Value {
    let mut values = serde_json::Map::new();
    if let Some(price) = content.price {
        values.insert("price".into(), json!(price.to_text()));
    }
    for answer in &content.answers {
        values.insert(format!("answer_{}", answer.criterion), json!(answer.text));
    }
    for c in &content.commitments {
        let i = c.criterion;
        values.insert(format!("commitment_{i}_what"), json!(c.what));
        values.insert(
            format!("commitment_{i}_how_many"),
            json!(c.how_many.to_string()),
        );
        values.insert(format!("commitment_{i}_for_whom"), json!(c.for_whom));
        values.insert(
            format!("commitment_{i}_months"),
            json!(c.months.to_string()),
        );
    }
    Value::Object(values)
}

/// The tender as the bid form needs it.
fn tender_json(tender: &TenderRow, lot: i32) -> Value {
    let criteria: Vec<Value> = tender
        .criteria
        .0
        .iter()
        .enumerate()
        .map(|(index, c)| {
            json!({"index": index, "name": c.name, "kind": c.kind.as_str(),
                   "weight": c.weight, "description": c.description})
        })
        .collect();
    let content = tender.content();
    let declarations: Vec<Value> = super::model::declarations_asked(&content, lot)
        .into_iter()
        .map(|code| json!({"value": code, "label_key": format!("bids.declaration.{code}")}))
        .collect();
    json!({
        "id": tender.id,
        "title": tender.title,
        "currency": tender.currency,
        "lot": lot,
        "lot_title": usize::try_from(lot - 1).ok().and_then(|i| tender.lots.0.get(i)).map(|l| &l.title),
        "asks_price": rules::asks_price(&content),
        "criteria": criteria,
        "declarations": declarations,
        "submission_deadline": tender.submission_deadline.map(|d| crate::web::utc::format(&d)),
        "max_answer": rules::MAX_ANSWER,
    })
}

pub(super) async fn load_tender(app: &AppState, tender_id: TenderId) -> AppResult<TenderRow> {
    app.db
        .run(move |conn| {
            let tender = crate::tenders::model::find(conn, tender_id)?;
            if tender.status == crate::tenders::model::Status::Draft {
                return Err(AppError::not_found());
            }
            Ok(tender)
        })
        .await
}

/// The caller's organisation's bid on `lot` of the tender, if started.
async fn existing(
    app: &AppState,
    user: &crate::auth::AuthUser,
    tender_id: TenderId,
    lot: i32,
) -> AppResult<Option<BidView>> {
    let bids = match reading::for_tender(app, user, tender_id).await {
        Ok(bids) => bids,
        // No organisation yet: the form says so when it is sent.
        Err(AppError::Refused { status, .. }) if status == StatusCode::FORBIDDEN => Vec::new(),
        Err(error) => return Err(error),
    };
    Ok(bids.into_iter().find(|b| b.lot == lot))
}

fn render_form(
    page: &Page,
    tender: &TenderRow,
    lot: i32,
    values: Value,
    declared: &[String],
    errors: Vec<FormError>,
) -> AppResult<Html<String>> {
    page.render(
        "pages/bids/form.html",
        json!({"tender": tender_json(tender, lot), "values": values,
               "declared": declared, "errors": errors}),
    )
}

async fn bid_form(
    State(app): State<AppState>,
    page: Page,
    Entrepreneur(user): Entrepreneur,
    Path(tender_id): Path<TenderId>,
    Query(query): Query<LotQuery>,
) -> AppResult<Response> {
    let tender = load_tender(&app, tender_id).await?;
    let bid = existing(&app, &user, tender_id, query.lot).await?;
    // A submitted bid is changed only after a withdrawal: show it instead.
    if let Some(bid) = &bid
        && bid.state == super::model::BidState::Submitted
    {
        return Ok(Redirect::to(&format!("/bids/{}", bid.id)).into_response());
    }
    let content = bid.map(|b| b.content).unwrap_or_default();
    Ok(render_form(
        &page,
        &tender,
        query.lot,
        values_of(&content),
        &content.declarations,
        Vec::new(),
    )?
    .into_response())
}

async fn save_form(
    State(app): State<AppState>,
    page: Page,
    Entrepreneur(user): Entrepreneur,
    Path(tender_id): Path<TenderId>,
    Query(query): Query<LotQuery>,
    Form(form): Form<FormPairs>,
) -> AppResult<Response> {
    let tender = load_tender(&app, tender_id).await?;
    let (content, parse_errors) = content_of(&tender, &form);
    let outcome = if parse_errors.is_empty() {
        match existing(&app, &user, tender_id, query.lot).await? {
            Some(bid) => {
                let id = bid.id;
                writing::save(&app, &user, id, content.clone())
                    .await
                    .map(|()| id)
            }
            None => writing::create(&app, &user, tender_id, query.lot, content.clone()).await,
        }
    } else {
        Err(AppError::invalid(parse_errors))
    };
    match outcome {
        Ok(_) if first(&form, "action") == "save" => Ok(Redirect::to(&format!(
            "/tenders/{tender_id}/bid?lot={}&notice=bid_saved",
            query.lot
        ))
        .into_response()),
        Ok(bid_id) => Ok(Redirect::to(&format!("/bids/{bid_id}")).into_response()),
        Err(error) => {
            let errors = page.errors_of(error, "price")?;
            let html = render_form(
                &page,
                &tender,
                query.lot,
                values_of(&content),
                &content.declarations,
                errors,
            )?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
    }
}

/// The bid as its organisation sees it ("check your answers"), or as the
/// owning officer reads it once opened.
fn bid_json(bid: &BidView, tender: &TenderRow, open_for_changes: bool, lang: Lang) -> Value {
    json!({"bid": bid, "tender": tender_json(tender, bid.lot), "open": open_for_changes,
           "documents": documents_json(&bid.documents, lang)})
}

async fn show(
    State(app): State<AppState>,
    page: Page,
    Entrepreneur(user): Entrepreneur,
    Path(id): Path<BidId>,
) -> AppResult<Html<String>> {
    let bid = reading::get(&app, &user, id).await?;
    let tender = load_tender(&app, bid.tender_id).await?;
    let open = access::refuse_unless_open(&tender, app.clock.now()).is_ok();
    page.render(
        "pages/bids/show.html",
        json!({"errors": [], "view": bid_json(&bid, &tender, open, page.lang)}),
    )
}

async fn submit(
    State(app): State<AppState>,
    page: Page,
    Entrepreneur(user): Entrepreneur,
    Path(id): Path<BidId>,
) -> AppResult<Response> {
    match writing::submit(&app, &user, id).await {
        Ok(_) => Ok(Redirect::to(&format!("/bids/{id}/receipt")).into_response()),
        Err(error) => {
            let errors = page.errors_of(error, "submit")?;
            let bid = reading::get(&app, &user, id).await?;
            let tender = load_tender(&app, bid.tender_id).await?;
            let open = access::refuse_unless_open(&tender, app.clock.now()).is_ok();
            let html = page.render(
                "pages/bids/show.html",
                json!({"errors": errors, "view": bid_json(&bid, &tender, open, page.lang)}),
            )?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
    }
}

async fn withdraw(
    State(app): State<AppState>,
    page: Page,
    Entrepreneur(user): Entrepreneur,
    Path(id): Path<BidId>,
) -> AppResult<Response> {
    match writing::withdraw(&app, &user, id).await {
        Ok(()) => Ok(Redirect::to(&format!("/bids/{id}?notice=bid_withdrawn")).into_response()),
        Err(error) => {
            let errors = page.errors_of(error, "withdraw")?;
            let bid = reading::get(&app, &user, id).await?;
            let tender = load_tender(&app, bid.tender_id).await?;
            let open = access::refuse_unless_open(&tender, app.clock.now()).is_ok();
            let html = page.render(
                "pages/bids/show.html",
                json!({"errors": errors, "view": bid_json(&bid, &tender, open, page.lang)}),
            )?;
            Ok((StatusCode::CONFLICT, html).into_response())
        }
    }
}

async fn receipt(
    State(app): State<AppState>,
    page: Page,
    Entrepreneur(user): Entrepreneur,
    Path(id): Path<BidId>,
) -> AppResult<Html<String>> {
    let receipt = reading::receipt(&app, &user, id).await?;
    page.render("pages/bids/receipt.html", json!({"receipt": receipt}))
}

async fn my_bids(
    State(app): State<AppState>,
    page: Page,
    Entrepreneur(user): Entrepreneur,
) -> AppResult<Html<String>> {
    let bids = reading::mine(&app, &user).await?;
    let invitations = super::consortium::members::invitations(&app, &user).await?;
    page.render(
        "pages/bids/mine.html",
        json!({"bids": bids, "partner_invitations": invitations, "errors": []}),
    )
}
