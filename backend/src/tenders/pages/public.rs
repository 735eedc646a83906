//! The public tender pages: the list of tenders and one tender's page.

use crate::web::extract::{Path, Query};
use axum::extract::State;
use axum::response::Html;
use chrono::NaiveDateTime;
use serde::Deserialize;
use serde_json::{Value, json};
use socialbid_frontend::format_money;

use super::display::tender_display;
use super::is_owner;
use crate::app::AppState;
use crate::error::AppResult;
use crate::tenders::model::Status;
use crate::tenders::rules;
use crate::tenders::service::{self, TenderView};
use crate::web::page::{FormError, Page, pagination};
use socialbid_codes::cpv;

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ListQuery {
    page: Option<i64>,
}

pub(super) async fn list(
    State(app): State<AppState>,
    page: Page,
    Query(query): Query<ListQuery>,
) -> AppResult<Html<String>> {
    let number = query.page.unwrap_or(1).max(1);
    let result = service::list_public(&app, number, service::PER_PAGE).await?;
    let lang = page.lang;
    let items: Vec<Value> = result
        .items
        .iter()
        .map(|t| {
            json!({
                "id": t.id,
                "title": t.title,
                "status": t.status,
                "authority": t.authority_name,
                "cpv": t.main_cpv.as_deref().map(|c| cpv::view(c, lang)),
                "value": t.estimated_value_dkk.map(|v| format_money(lang, v)),
                "deadline": t.submission_deadline,
                "reserved": t.reserved,
                "social_weight": t.social_weight,
                "published_at": t.published_at,
            })
        })
        .collect();
    page.render(
        "pages/tenders/list.html",
        json!({
            "tenders": items,
            "total": result.total,
            "page_number": result.page,
            "pages": result.pages,
            "pagination": pagination(result.page, result.pages, |n| format!("/tenders?page={n}")),
        }),
    )
}

pub(super) fn show_page(
    page: &Page,
    view: &TenderView,
    errors: Vec<FormError>,
    values: Value,
    now: NaiveDateTime,
    who_could_bid: Option<Value>,
) -> AppResult<Html<String>> {
    let owner = is_owner(page, view);
    let role = page.user.as_ref().map(|u| u.role.as_str());
    let can_ask = role == Some("entrepreneur")
        && view.status == Status::Published
        && view.question_deadline.is_some_and(|d| d > now)
        && view.submission_deadline.is_some_and(|d| d > now);
    page.render(
        "pages/tenders/show.html",
        json!({
            "tender": tender_display(view, page.lang),
            "owner": owner,
            "role": role,
            "can_ask": can_ask,
            "can_follow": role == Some("entrepreneur") && view.status != Status::Draft,
            "errors": errors,
            "values": values,
            "max_question": rules::MAX_QUESTION,
            "who_could_bid": who_could_bid,
        }),
    )
}

pub(super) async fn show(
    State(app): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> AppResult<Html<String>> {
    let view = service::get(&app, page.user.as_ref(), id).await?;
    let who_could_bid =
        crate::matching::pages::who_could_bid(&app, page.user.as_ref(), id, page.lang).await?;
    show_page(
        &page,
        &view,
        Vec::new(),
        json!({}),
        app.clock.now(),
        who_could_bid,
    )
}
