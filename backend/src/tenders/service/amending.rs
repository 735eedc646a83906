//! Amending a published tender: a new version with a change log, shown to
//! everyone, followers told.

use axum::http::StatusCode;
use diesel::prelude::*;
use socialbid_frontend::Lang;

use super::closing::schedule_close;
use super::{insert_version, mail_followers, owned, refuse_if_invalid, set_content};
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::db::schema::tenders;
use crate::db::write_transaction;
use crate::error::{AppError, AppResult, FieldError};
use crate::mail;
use crate::search;
use crate::tenders::model::{ChangeLog, Content, Status};
use crate::tenders::rules::{self, Strictness};

/// Amends a published tender: a new version with a change log shown to
/// everyone; followers are told. Extending a deadline is an amendment.
pub async fn amend(
    app: &AppState,
    officer: &AuthUser,
    id: i64,
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
                search::changes::record_tender(conn, id, now)?;
                if let Some(deadline) = content.submission_deadline
                    && before.submission_deadline != content.submission_deadline
                {
                    schedule_close(conn, id, deadline, now)?;
                }
                for (user_id, email, locale) in mail_followers(conn, id, None)? {
                    mail::queue(
                        conn,
                        &email,
                        Lang::from_code(&locale).unwrap_or_default(),
                        "tender_amended",
                        serde_json::json!({
                            "title": content.title,
                            "reason": reason,
                            "version": version,
                            "link": format!("{public_url}/tenders/{id}#changes"),
                        }),
                        format!("tender_amended:{id}:{version}:{user_id}"),
                        now,
                    )?;
                }
                Ok(version)
            })
        })
        .await
}
