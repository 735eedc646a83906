//! The officer's dashboard: the authority's tenders grouped by state.

use axum::extract::State;
use axum::response::Html;
use serde_json::{Value, json};

use crate::app::AppState;
use crate::auth::Officer;
use crate::error::AppResult;
use crate::tenders::model::Status;
use crate::tenders::service;
use crate::web::page::Page;

pub(super) async fn dashboard(
    State(app): State<AppState>,
    page: Page,
    Officer(officer): Officer,
) -> AppResult<Html<String>> {
    let all = service::list_for_authority(&app, &officer, None).await?;
    let lang = page.lang;
    let groups: Vec<Value> = Status::ALL
        .iter()
        .map(|status| {
            let items: Vec<Value> = all
                .iter()
                .filter(|t| t.status == status.as_str())
                .map(|t| {
                    json!({
                        "id": t.id,
                        "title": if t.title.is_empty() { socialbid_frontend::translate(lang, "tenders.untitled") } else { t.title.clone() },
                        "deadline": t.submission_deadline,
                        "updated_at": t.updated_at,
                        "social_weight": t.social_weight,
                    })
                })
                .collect();
            json!({"status": status.as_str(), "tenders": items})
        })
        .collect();
    page.render("pages/tenders/dashboard.html", json!({ "groups": groups }))
}
