//! The public tender page (the list is the search page, `search::pages`).

use crate::db::ids::TenderId;
use crate::web::extract::Path;
use axum::extract::State;
use axum::response::{Html, Response};
use chrono::NaiveDateTime;
use serde_json::{Value, json};

use super::display::tender_display;
use super::is_owner;
use crate::app::AppState;
use crate::error::AppResult;
use crate::evaluation::award::AwardView;
use crate::tenders::model::Status;
use crate::tenders::rules;
use crate::tenders::service::{self, TenderView};
use crate::web::conditional;
use crate::web::page::{FormError, Page};

pub(super) fn show_page(
    page: &Page,
    view: &TenderView,
    errors: Vec<FormError>,
    values: Value,
    now: NaiveDateTime,
    who_could_bid: Option<Value>,
    awards: &[AwardView],
) -> AppResult<Html<String>> {
    // An imported tender is the buyer's on TED: nobody amends it here.
    let owner = is_owner(page, view) && view.imported.is_none();
    let role = page.user.as_ref().map(|u| u.role.as_str());
    let can_ask = role == Some("entrepreneur")
        && view.status == Status::Published
        && view.question_deadline.is_some_and(|d| d > now)
        && view.submission_deadline.is_some_and(|d| d > now);
    // A bid is started from the tender; whether the organisation may bid
    // is checked when it is saved, with a message that says why not.
    let can_bid = role == Some("entrepreneur")
        && view.status == Status::Published
        && view.imported.is_none()
        && view.submission_deadline.is_some_and(|d| d > now);
    page.render(
        "pages/tenders/show.html",
        json!({
            "tender": tender_display(view, page.lang),
            "imported": view.imported,
            "owner": owner,
            "role": role,
            "can_ask": can_ask,
            "can_bid": can_bid,
            "can_follow": role == Some("entrepreneur") && view.status != Status::Draft,
            "errors": errors,
            "values": values,
            "max_question": rules::MAX_QUESTION,
            "who_could_bid": who_could_bid,
            "awards": awards,
        }),
    )
}

pub(super) async fn show(
    State(app): State<AppState>,
    page: Page,
    Path(id): Path<TenderId>,
) -> AppResult<Response> {
    let view = service::get(&app, page.user.as_ref(), id).await?;
    let who_could_bid =
        crate::matching::pages::who_could_bid(&app, page.user.as_ref(), id, page.lang).await?;
    let awards = match view.status {
        Status::Draft => Vec::new(),
        _ => crate::evaluation::award::public_awards(&app, id).await?,
    };
    let html = show_page(
        &page,
        &view,
        Vec::new(),
        json!({}),
        app.clock.now(),
        who_could_bid,
        &awards,
    )?;
    Ok(conditional::page(&page, html))
}
