//! Drafting: an officer starts, saves and deletes a tender that is not
//! published yet; a draft may have gaps but what it says must be true.

use axum::http::StatusCode;
use diesel::prelude::*;

use super::{owned, refuse_if_invalid, set_content};
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::db::ids::TenderId;
use crate::db::schema::tenders;
use crate::db::write_transaction;
use crate::error::{AppError, AppResult};
use crate::tenders::model::{Content, Status};
use crate::tenders::rules::{self, Strictness};

/// Starts a draft for the officer's authority. It may have gaps; what it
/// says must be true (known codes, deadlines in the future).
pub async fn create_draft(
    app: &AppState,
    officer: &AuthUser,
    mut content: Content,
) -> AppResult<TenderId> {
    let authority_id = officer
        .authority_id
        .ok_or_else(|| AppError::forbidden("wrong_role"))?;
    if content.language.is_empty() {
        content.language = officer.lang.code().into();
    }
    rules::normalise(&mut content);
    let now = app.clock.now();
    refuse_if_invalid(rules::check(&content, now, Strictness::Draft))?;
    let user_id = officer.id;
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let id: TenderId = diesel::insert_into(tenders::table)
                    .values((
                        (
                            tenders::authority_id.eq(authority_id),
                            tenders::created_by.eq(user_id),
                            tenders::status.eq(Status::Draft.as_str()),
                            tenders::language.eq(&content.language),
                            tenders::title.eq(&content.title),
                            tenders::description.eq(&content.description),
                            tenders::additional_cpv.eq("[]"),
                            tenders::nuts_codes.eq("[]"),
                        ),
                        (
                            tenders::reserved.eq("[]"),
                            tenders::strategic.eq("[]"),
                            tenders::lots.eq("[]"),
                            tenders::criteria.eq("[]"),
                            tenders::social_weight.eq(0),
                            tenders::version.eq(0),
                            tenders::created_at.eq(now),
                            tenders::updated_at.eq(now),
                        ),
                    ))
                    .returning(tenders::id)
                    .get_result(conn)?;
                set_content(conn, id, &content, now)?;
                Ok(id)
            })
        })
        .await
}

/// Saves a draft. A published tender is never edited in place: it is
/// amended, which keeps the old version visible.
pub async fn update_draft(
    app: &AppState,
    officer: &AuthUser,
    id: TenderId,
    mut content: Content,
) -> AppResult<()> {
    rules::normalise(&mut content);
    let now = app.clock.now();
    let officer = officer.clone();
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let row = owned(conn, &officer, id)?;
                if row.status != Status::Draft {
                    return Err(AppError::refused(StatusCode::CONFLICT, "tender_not_draft"));
                }
                if content.language.is_empty() {
                    content.language = row.language.clone();
                }
                refuse_if_invalid(rules::check(&content, now, Strictness::Draft))?;
                set_content(conn, id, &content, now)?;
                Ok(())
            })
        })
        .await
}

/// Deletes a draft that was never published.
pub async fn delete_draft(app: &AppState, officer: &AuthUser, id: TenderId) -> AppResult<()> {
    let officer = officer.clone();
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let row = owned(conn, &officer, id)?;
                if row.status != Status::Draft {
                    return Err(AppError::refused(StatusCode::CONFLICT, "tender_not_draft"));
                }
                diesel::delete(tenders::table.find(id)).execute(conn)?;
                Ok(())
            })
        })
        .await
}
