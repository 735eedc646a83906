//! The admin's page for approving officer accounts, with the officers
//! already approved or rejected below the ones waiting.

use crate::db::ids::UserId;
use crate::web::extract::Path;
use axum::Form;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use crate::admin::officers::{self, ApprovalState, Decision};
use crate::app::AppState;
use crate::auth::Admin;
use crate::error::AppResult;
use crate::web::page::{FormError, Page};
use socialbid_codes::nuts;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/officers", get(pending_officers))
        .route("/admin/officers/{id}/approve", post(approve))
        .route("/admin/officers/{id}/reject", post(reject))
}

async fn officers_page(
    app: &AppState,
    page: &Page,
    errors: Vec<FormError>,
) -> AppResult<Html<String>> {
    let rows = |list: Vec<officers::OfficerView>| -> Vec<serde_json::Value> {
        list.into_iter()
            .map(|o| {
                serde_json::json!({
                    "id": o.id,
                    "name": o.name,
                    "email": o.email,
                    "state": o.state,
                    "authority_name": o.authority_name,
                    "authority_cvr": o.authority_cvr,
                    "authority_nuts": nuts::find(&o.authority_nuts).map(|r| r.name(page.lang).to_owned()).unwrap_or(o.authority_nuts),
                    "created_at": o.created_at,
                    "decided_at": o.decided_at,
                    "reason": o.reason,
                })
            })
            .collect()
    };
    let pending = rows(officers::list(app, ApprovalState::Pending).await?);
    let approved = rows(officers::list(app, ApprovalState::Approved).await?);
    let rejected = rows(officers::list(app, ApprovalState::Rejected).await?);
    page.render(
        "pages/admin_officers.html",
        serde_json::json!({
            "officers": pending, "approved": approved, "rejected": rejected,
            "errors": errors, "values": {},
        }),
    )
}

async fn pending_officers(
    State(app): State<AppState>,
    page: Page,
    _admin: Admin,
) -> AppResult<Html<String>> {
    officers_page(&app, &page, Vec::new()).await
}

async fn approve(
    State(app): State<AppState>,
    Admin(admin): Admin,
    Path(id): Path<UserId>,
) -> AppResult<Response> {
    officers::decide(&app, &admin, id, Decision::Approve).await?;
    Ok(Redirect::to("/admin/officers?notice=officer_approved").into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RejectForm {
    reason: String,
}

async fn reject(
    State(app): State<AppState>,
    page: Page,
    Admin(admin): Admin,
    Path(id): Path<UserId>,
    Form(form): Form<RejectForm>,
) -> AppResult<Response> {
    match officers::decide(
        &app,
        &admin,
        id,
        Decision::Reject {
            reason: form.reason,
        },
    )
    .await
    {
        Ok(()) => Ok(Redirect::to("/admin/officers?notice=officer_rejected").into_response()),
        Err(error) => {
            let field = format!("reason-{id}");
            let mut errors = page.errors_of(error, &field)?;
            // One textarea per officer: point the error at this officer's.
            for e in &mut errors {
                e.retarget(&field);
            }
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                officers_page(&app, &page, errors).await?,
            )
                .into_response())
        }
    }
}
