//! "Check your answers" for a draft, and publishing it.

use crate::db::ids::TenderId;
use crate::web::extract::Path;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde_json::{Value, json};

use super::display::tender_display;
use super::{SECTIONS, load_owned, unprocessable};
use crate::app::AppState;
use crate::auth::Officer;
use crate::error::AppResult;
use crate::tenders::model::{self, Status};
use crate::tenders::service::{self, TenderView};
use crate::web::page::{FormError, Page};

/// Which check-page row (and edit section) a field belongs to.
fn section_of(field: &str) -> &'static str {
    match field {
        "title" | "description" | "language" | "contract_nature" | "procedure_type"
        | "estimated_value" | "currency" => "basics",
        "main_cpv" | "additional_cpv" => "cpv",
        "nuts_codes" => "place",
        "submission_deadline" | "question_deadline" => "dates",
        "lots" => "lots",
        "criteria" => "criteria",
        _ => "reserved",
    }
}

fn check_page(
    app: &AppState,
    page: &Page,
    row: &model::TenderRow,
    view: &TenderView,
    errors: Vec<FormError>,
) -> AppResult<Html<String>> {
    let problems: Vec<Value> = errors
        .iter()
        .map(|e| {
            let v = serde_json::to_value(e).unwrap_or_default();
            let field = v["field"].as_str().unwrap_or_default().to_owned();
            json!({"field": format!("row-{}", section_of(&field)), "message": v["message"]})
        })
        .collect();
    let _ = row;
    page.render(
        "pages/tenders/check.html",
        json!({
            "tender": tender_display(view, page.lang),
            "errors": problems,
            "sections": SECTIONS,
            "warnings_now": service::draft_warnings(app, row).len(),
        }),
    )
}

pub(super) async fn check(
    State(app): State<AppState>,
    page: Page,
    Officer(officer): Officer,
    Path(id): Path<TenderId>,
) -> AppResult<Response> {
    let row = load_owned(&app, &officer, id).await?;
    if row.status != Status::Draft {
        return Ok(Redirect::to(&format!("/tenders/{id}")).into_response());
    }
    let view = service::get(&app, Some(&officer), id).await?;
    Ok(check_page(&app, &page, &row, &view, Vec::new())?.into_response())
}

pub(super) async fn publish(
    State(app): State<AppState>,
    page: Page,
    Officer(officer): Officer,
    Path(id): Path<TenderId>,
) -> AppResult<Response> {
    match service::publish(&app, &officer, id).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/tenders/{id}?notice=tender_published")).into_response())
        }
        Err(error) => {
            let errors = page.errors_of(error, "title")?;
            let row = load_owned(&app, &officer, id).await?;
            let view = service::get(&app, Some(&officer), id).await?;
            Ok(unprocessable(check_page(&app, &page, &row, &view, errors)?))
        }
    }
}
