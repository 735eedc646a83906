//! Flagging a public profile with a reason, for the admins' queue.

use diesel::prelude::*;

use super::find;
use crate::app::AppState;
use crate::audit;
use crate::auth::AuthUser;
use crate::db::ids::{FlagId, OrganisationId};
use crate::db::schema::profile_flags;
use crate::db::write_transaction;
use crate::error::{AppError, AppResult, FieldError};

pub const MAX_FLAG_REASON: usize = 1000;

/// Checks a reason an admin or a person gives: required, limited.
pub fn check_reason(field: &'static str, reason: &str, max: usize) -> AppResult<String> {
    let reason = reason.trim().to_owned();
    if reason.is_empty() {
        return Err(AppError::invalid(vec![FieldError::new(field, "required")]));
    }
    if reason.chars().count() > max {
        return Err(AppError::invalid(vec![
            FieldError::new(field, "too_long").with("max", max),
        ]));
    }
    Ok(reason)
}

/// Any logged-in person can flag a public profile, with a reason; the flag
/// joins the admins' queue.
pub async fn flag(
    app: &AppState,
    user: &AuthUser,
    organisation_id: OrganisationId,
    reason: String,
) -> AppResult<FlagId> {
    let now = app.clock.now();
    let user = user.clone();
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let org = find(conn, organisation_id)?;
                if !org.is_public() {
                    return Err(AppError::not_found());
                }
                let reason = check_reason("flag_reason", &reason, MAX_FLAG_REASON)?;
                let id: FlagId = diesel::insert_into(profile_flags::table)
                    .values((
                        profile_flags::organisation_id.eq(org.id),
                        profile_flags::reporter_id.eq(user.id),
                        profile_flags::reason.eq(&reason),
                        profile_flags::created_at.eq(now),
                    ))
                    .returning(profile_flags::id)
                    .get_result(conn)?;
                audit::record(
                    conn,
                    &user,
                    "profile.flag",
                    "organisation",
                    org.id.0,
                    Some(&reason),
                    now,
                )?;
                Ok(id)
            })
        })
        .await
}
