//! Inviting a colleague by mail: the single-use link, withdrawing it, and
//! joining the organisation through it.

use axum::http::StatusCode;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::{as_member, find, of_member};
use crate::accounts::model as accounts;
use crate::accounts::validate::check_email;
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::auth::tokens::{hash_token, random_token};
use crate::db::DbConn;
use crate::db::ids::{InvitationId, OrganisationId};
use crate::db::schema::{organisation_invitations, organisation_members, users};
use crate::db::write_transaction;
use crate::error::{AppError, AppResult};
use crate::mail;

pub const INVITATION_DAYS: i64 = 7;

/// Mails a colleague a single-use link to join, valid for a week.
pub async fn invite(
    app: &AppState,
    user: &AuthUser,
    organisation_id: OrganisationId,
    email: String,
) -> AppResult<()> {
    let email = check_email("email", &email).map_err(|e| AppError::invalid(vec![e]))?;
    let now = app.clock.now();
    let public_url = app.config.public_url.clone();
    let user = user.clone();
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let org = as_member(conn, organisation_id, &user)?;
                let already: i64 = organisation_members::table
                    .inner_join(users::table)
                    .filter(organisation_members::organisation_id.eq(org.id))
                    .filter(users::email.eq(&email))
                    .count()
                    .get_result(conn)?;
                if already > 0 {
                    return Err(AppError::conflict("email", "already_member"));
                }
                let (raw, hashed) = random_token();
                let id: InvitationId = diesel::insert_into(organisation_invitations::table)
                    .values((
                        organisation_invitations::organisation_id.eq(org.id),
                        organisation_invitations::email.eq(&email),
                        organisation_invitations::token_hash.eq(hashed),
                        organisation_invitations::invited_by.eq(user.id),
                        organisation_invitations::created_at.eq(now),
                        organisation_invitations::expires_at
                            .eq(now + Duration::days(INVITATION_DAYS)),
                    ))
                    .returning(organisation_invitations::id)
                    .get_result(conn)?;
                let name = org.draft()?.organisation_name;
                mail::queue(
                    conn,
                    &email,
                    user.lang,
                    "organisation_invitation",
                    serde_json::json!({
                        "inviter": user.name,
                        "organisation": name,
                        "link": format!("{public_url}/invitations/accept?token={raw}"),
                        "expires_days": INVITATION_DAYS,
                    }),
                    format!("organisation_invitation:{id}"),
                    now,
                )?;
                Ok(())
            })
        })
        .await
}

/// Withdraws an invitation not yet used: its link stops working.
pub async fn revoke_invitation(
    app: &AppState,
    user: &AuthUser,
    organisation_id: OrganisationId,
    invitation_id: InvitationId,
) -> AppResult<()> {
    let user = user.clone();
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let org = as_member(conn, organisation_id, &user)?;
                let accepted: Option<NaiveDateTime> = organisation_invitations::table
                    .filter(organisation_invitations::id.eq(invitation_id))
                    .filter(organisation_invitations::organisation_id.eq(org.id))
                    .select(organisation_invitations::accepted_at)
                    .first(conn)?;
                if accepted.is_some() {
                    return Err(link_error("link_used"));
                }
                diesel::delete(organisation_invitations::table.find(invitation_id))
                    .execute(conn)?;
                Ok(())
            })
        })
        .await
}

fn link_error(code: &'static str) -> AppError {
    let status = match code {
        "link_invalid" => StatusCode::NOT_FOUND,
        "link_used" => StatusCode::CONFLICT,
        _ => StatusCode::BAD_REQUEST,
    };
    AppError::refused(status, code)
}

/// What an invitation link leads to, checked but not used.
pub struct InvitationInfo {
    pub id: InvitationId,
    pub organisation_id: OrganisationId,
    pub email: String,
}

fn find_invitation(
    conn: &mut DbConn,
    token: &str,
    now: NaiveDateTime,
) -> AppResult<InvitationInfo> {
    let found: Option<(
        InvitationId,
        OrganisationId,
        String,
        NaiveDateTime,
        Option<NaiveDateTime>,
    )> = organisation_invitations::table
        .filter(organisation_invitations::token_hash.eq(hash_token(token.trim())))
        .select((
            organisation_invitations::id,
            organisation_invitations::organisation_id,
            organisation_invitations::email,
            organisation_invitations::expires_at,
            organisation_invitations::accepted_at,
        ))
        .first(conn)
        .optional()?;
    let Some((id, organisation_id, email, expires_at, accepted_at)) = found else {
        return Err(link_error("link_invalid"));
    };
    if accepted_at.is_some() {
        return Err(link_error("link_used"));
    }
    if expires_at <= now {
        return Err(link_error("link_expired"));
    }
    Ok(InvitationInfo {
        id,
        organisation_id,
        email,
    })
}

/// The organisation's name for an invitation link still usable.
pub async fn invitation_organisation(
    app: &AppState,
    token: String,
) -> AppResult<(InvitationInfo, String)> {
    let now = app.clock.now();
    app.db
        .run(move |conn| {
            let info = find_invitation(conn, &token, now)?;
            let name = find(conn, info.organisation_id)?.draft()?.organisation_name;
            Ok((info, name))
        })
        .await
}

/// Joins the organisation of the invitation. The caller must be logged in
/// as an entrepreneur with the invited address and belong to no
/// organisation yet.
pub async fn accept_invitation(
    app: &AppState,
    user: &AuthUser,
    token: String,
) -> AppResult<OrganisationId> {
    let now = app.clock.now();
    let user = user.clone();
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let info = find_invitation(conn, &token, now)?;
                if accounts::normalize_email(&info.email) != user.email {
                    return Err(AppError::forbidden("invitation_other_email"));
                }
                if of_member(conn, user.id)?.is_some() {
                    return Err(AppError::refused(StatusCode::CONFLICT, "already_member"));
                }
                // Conditional, so that of two parallel accepts only one finds
                // the invitation still open under READ COMMITTED.
                let claimed = diesel::update(
                    organisation_invitations::table
                        .find(info.id)
                        .filter(organisation_invitations::accepted_at.is_null()),
                )
                .set(organisation_invitations::accepted_at.eq(now))
                .execute(conn)?;
                if claimed == 0 {
                    return Err(link_error("link_used"));
                }
                diesel::insert_into(organisation_members::table)
                    .values((
                        organisation_members::organisation_id.eq(info.organisation_id),
                        organisation_members::user_id.eq(user.id),
                        organisation_members::created_at.eq(now),
                    ))
                    .execute(conn)?;
                Ok(info.organisation_id)
            })
        })
        .await
}
