//! The officer's dashboard: the authority's tenders grouped by state, each
//! with its open questions and followers.

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
    let activity = service::activity_for_authority(&app, &officer).await?;
    let open_questions: i64 = activity.values().map(|a| a.open_questions).sum();
    let lang = page.lang;
    let groups: Vec<Value> = Status::ALL
        .iter()
        .map(|status| {
            let items: Vec<Value> = all
                .iter()
                .filter(|t| t.status == *status)
                .map(|t| {
                    let activity = activity.get(&t.id).copied().unwrap_or_default();
                    json!({
                        "id": t.id,
                        "title": if t.title.is_empty() { socialbid_frontend::translate(lang, "tenders.untitled") } else { t.title.clone() },
                        "deadline": t.submission_deadline,
                        "updated_at": t.updated_at,
                        "social_weight": t.social_weight,
                        "open_questions": activity.open_questions,
                        "followers": activity.followers,
                    })
                })
                .collect();
            json!({"status": status.as_str(), "tenders": items})
        })
        .collect();
    page.render(
        "pages/tenders/dashboard.html",
        json!({ "groups": groups, "open_questions": open_questions }),
    )
}
