//! Cancelling a published or closed tender, with a reason shown to everyone.

use axum::http::StatusCode;
use diesel::prelude::*;

use super::{followers_and_bidders, insert_version, owned};
use crate::app::AppState;
use crate::audit;
use crate::auth::AuthUser;
use crate::db::ids::TenderId;
use crate::db::schema::tenders;
use crate::db::write_transaction;
use crate::error::{AppError, AppResult, FieldError};
use crate::notify;
use crate::tenders::model::{Change, ChangeLog, Status};
use crate::tenders::rules;
use crate::{matching, search};

/// Cancels a published or closed tender, with a reason shown to everyone.
pub async fn cancel(
    app: &AppState,
    officer: &AuthUser,
    id: TenderId,
    reason: String,
) -> AppResult<()> {
    let reason = reason.trim().to_owned();
    if reason.is_empty() {
        return Err(AppError::field("cancel_reason", "required"));
    }
    if reason.chars().count() > rules::MAX_REASON {
        return Err(AppError::invalid(vec![
            FieldError::new("cancel_reason", "too_long").with("max", rules::MAX_REASON),
        ]));
    }
    let now = app.clock.now();
    let public_url = app.config.public_url.clone();
    let officer = officer.clone();
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let row = owned(conn, &officer, id)?;
                match row.status {
                    Status::Published | Status::Closed => {}
                    Status::Draft => {
                        return Err(AppError::refused(
                            StatusCode::CONFLICT,
                            "tender_draft_delete_instead",
                        ));
                    }
                    Status::Cancelled => {
                        return Err(AppError::refused(StatusCode::CONFLICT, "tender_cancelled"));
                    }
                }
                let version = row.version + 1;
                diesel::update(tenders::table.find(id))
                    .set((
                        tenders::status.eq(Status::Cancelled.as_str()),
                        tenders::cancel_reason.eq(&reason),
                        tenders::cancelled_at.eq(now),
                        tenders::version.eq(version),
                        tenders::updated_at.eq(now),
                    ))
                    .execute(conn)?;
                search::changes::record_tender(conn, id, now)?;
                matching::tender_withdrawn(conn, id)?;
                let log = ChangeLog {
                    reason: Some(reason.clone()),
                    changes: vec![Change {
                        field: "status".into(),
                        before: row.status.as_str().to_owned(),
                        after: Status::Cancelled.as_str().into(),
                    }],
                };
                insert_version(
                    conn,
                    id,
                    version,
                    "cancel",
                    &row.content(),
                    &log,
                    officer.id,
                    now,
                )?;
                audit::record(
                    conn,
                    &officer,
                    "tender.cancel",
                    "tender",
                    id.0,
                    Some(&reason),
                    now,
                )?;
                let event = notify::Event {
                    kind: notify::Kind::Cancellation,
                    key: format!("cancellation:tender:{id}"),
                    tender_id: Some(id),
                    vars: serde_json::json!({
                        "title": row.title,
                        "reason": reason,
                        "link": format!("{public_url}/tenders/{id}"),
                    }),
                    strength: None,
                };
                let told = followers_and_bidders(conn, id, None)?;
                notify::notify_all(conn, told, &event, now)?;
                Ok(())
            })
        })
        .await
}
