//! Amending a published tender: a new version with a change log, shown to
//! everyone, followers told.

use axum::http::StatusCode;
use diesel::prelude::*;

use super::closing::schedule_deadline;
use super::{followers_and_bidders, insert_version, owned, refuse_if_invalid, set_content};
use crate::app::AppState;
use crate::audit;
use crate::auth::AuthUser;
use crate::db::ids::TenderId;
use crate::db::schema::tenders;
use crate::db::write_transaction;
use crate::error::{AppError, AppResult, FieldError};
use crate::notify;
use crate::tenders::model::{ChangeLog, Content, Status};
use crate::tenders::rules::{self, Strictness};
use crate::{matching, search};

/// Amends a published tender: a new version with a change log shown to
/// everyone; followers are told. Extending a deadline is an amendment.
pub async fn amend(
    app: &AppState,
    officer: &AuthUser,
    id: TenderId,
    mut content: Content,
    reason: String,
) -> AppResult<i32> {
    rules::normalise(&mut content);
    let reason = reason.trim().to_owned();
    let now = app.clock.now();
    let public_url = app.config.public_url.clone();
    let officer = officer.clone();
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let row = owned(conn, &officer, id)?;
                if row.status != Status::Published {
                    return Err(AppError::refused(
                        StatusCode::CONFLICT,
                        "tender_not_published",
                    ));
                }
                if content.language.is_empty() {
                    content.language = row.language.clone();
                }
                let mut errors = rules::check(&content, now, Strictness::Publish);
                if reason.is_empty() {
                    errors.push(FieldError::new("amend_reason", "required"));
                } else if reason.chars().count() > rules::MAX_REASON {
                    errors.push(
                        FieldError::new("amend_reason", "too_long").with("max", rules::MAX_REASON),
                    );
                }
                refuse_if_invalid(errors)?;
                let before = row.content();
                let changes = rules::diff(&before, &content);
                if changes.is_empty() {
                    return Err(AppError::field("tender", "no_changes"));
                }
                let version = row.version + 1;
                set_content(conn, id, &content, now)?;
                diesel::update(tenders::table.find(id))
                    .set(tenders::version.eq(version))
                    .execute(conn)?;
                let log = ChangeLog {
                    reason: Some(reason.clone()),
                    changes,
                };
                insert_version(conn, id, version, "amend", &content, &log, officer.id, now)?;
                audit::record(
                    conn,
                    &officer,
                    "tender.amend",
                    "tender",
                    id.0,
                    Some(&reason),
                    now,
                )?;
                search::changes::record_tender(conn, id, now)?;
                matching::tender_changed(conn, id, now)?;
                if let Some(deadline) = content.submission_deadline
                    && before.submission_deadline != content.submission_deadline
                {
                    schedule_deadline(conn, id, deadline, now)?;
                }
                let event = notify::Event {
                    kind: notify::Kind::Amendment,
                    key: format!("amendment:tender:{id}:v{version}"),
                    tender_id: Some(id),
                    vars: serde_json::json!({
                        "title": content.title,
                        "reason": reason,
                        "version": version,
                        "link": format!("{public_url}/tenders/{id}#changes"),
                    }),
                    strength: None,
                };
                let told = followers_and_bidders(conn, id, None)?;
                notify::notify_all(conn, told, &event, now)?;
                Ok(version)
            })
        })
        .await
}
