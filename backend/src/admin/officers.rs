//! Officer approval: an officer account works only once an admin approves
//! it; a rejection carries a reason the officer is told.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::accounts::model;
use crate::app::AppState;
use crate::audit;
pub use crate::auth::ApprovalState;
use crate::auth::{AuthUser, Role, sessions};
use crate::db::ids::UserId;
use crate::db::schema::{authorities, users};
use crate::db::write_transaction;
use crate::error::{AppError, AppResult, FieldError};
use crate::notify;

pub const MAX_REASON: usize = 1000;

#[derive(Debug, Serialize, ToSchema, Queryable)]
pub struct OfficerView {
    #[schema(value_type = i64)]
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub state: ApprovalState,
    pub authority_name: String,
    pub authority_cvr: String,
    pub authority_nuts: String,
    #[serde(with = "crate::web::utc")]
    pub created_at: NaiveDateTime,
    /// When an admin approved or rejected the account (UTC).
    #[serde(with = "crate::web::utc::option")]
    pub decided_at: Option<NaiveDateTime>,
    /// The admin's reason for a rejection.
    pub reason: Option<String>,
}

pub async fn list(app: &AppState, state: ApprovalState) -> AppResult<Vec<OfficerView>> {
    app.db
        .run(move |conn| {
            Ok(users::table
                .inner_join(authorities::table)
                .filter(users::role.eq("officer"))
                .filter(users::approval_state.eq(state.as_str()))
                .order((users::approval_decided_at.desc(), users::created_at))
                .select((
                    users::id,
                    users::name,
                    users::email,
                    users::approval_state.assume_not_null(),
                    authorities::name,
                    authorities::cvr,
                    authorities::nuts_code,
                    users::created_at,
                    users::approval_decided_at,
                    users::approval_reason,
                ))
                .load(conn)?)
        })
        .await
}

pub enum Decision {
    Approve,
    Reject { reason: String },
}

/// Records the decision, its audit entry and the officer's mail in one
/// transaction. A rejection needs a reason and ends the officer's sessions.
pub async fn decide(
    app: &AppState,
    admin: &AuthUser,
    officer_id: UserId,
    decision: Decision,
) -> AppResult<()> {
    let (new_state, reason, action) = match decision {
        Decision::Approve => (ApprovalState::Approved, None, "officer.approve"),
        Decision::Reject { reason } => {
            let reason = reason.trim().to_owned();
            if reason.is_empty() {
                return Err(AppError::invalid(vec![FieldError::new(
                    "reason", "required",
                )]));
            }
            if reason.chars().count() > MAX_REASON {
                return Err(AppError::invalid(vec![
                    FieldError::new("reason", "too_long").with("max", MAX_REASON),
                ]));
            }
            (ApprovalState::Rejected, Some(reason), "officer.reject")
        }
    };
    let (admin_id, admin_email) = (admin.id, admin.email.clone());
    let public_url = app.config.public_url.clone();
    let now = app.clock.now();
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let officer = model::find(conn, officer_id)?;
                if officer.role != Role::Officer {
                    return Err(AppError::not_found());
                }
                if officer.approval_state == Some(new_state) {
                    return Err(AppError::refused(
                        axum::http::StatusCode::CONFLICT,
                        "already_decided",
                    ));
                }
                diesel::update(users::table.find(officer_id))
                    .set((
                        users::approval_state.eq(new_state.as_str()),
                        users::approval_reason.eq(&reason),
                        users::approved_by.eq(admin_id),
                        users::approval_decided_at.eq(now),
                        users::updated_at.eq(now),
                    ))
                    .execute(conn)?;
                let audit_id = audit::record(
                    conn,
                    audit::Actor {
                        id: admin_id,
                        email: &admin_email,
                    },
                    action,
                    "user",
                    officer_id.0,
                    reason.as_deref(),
                    now,
                )?;
                if new_state == ApprovalState::Rejected {
                    sessions::revoke_all_for_user(conn, officer_id, None, now)?;
                }
                let decided = notify::Event {
                    kind: notify::Kind::OfficerDecision,
                    key: format!("officer_decision:{audit_id}"),
                    tender_id: None,
                    vars: serde_json::json!({
                        "name": officer.name,
                        "approved": new_state == ApprovalState::Approved,
                        "reason": reason,
                        "link": format!("{public_url}/login"),
                    }),
                    strength: None,
                };
                notify::notify(conn, officer_id, &decided, now)?;
                Ok(())
            })
        })
        .await
}
