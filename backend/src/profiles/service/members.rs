//! The members of an organisation and its open invitations, and leaving it.

use axum::http::StatusCode;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::as_member;
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::db::ids::{InvitationId, OrganisationId, UserId};
use crate::db::schema::{organisation_invitations, organisation_members, users};
use crate::db::write_transaction;
use crate::error::{AppError, AppResult};

/// The people who belong to any of `organisations`, each once: whom the
/// mail about an organisation's matches, bids and decisions reaches.
pub fn member_ids(
    conn: &mut crate::db::DbConn,
    organisations: &[OrganisationId],
) -> QueryResult<Vec<UserId>> {
    organisation_members::table
        .filter(organisation_members::organisation_id.eq_any(organisations))
        .select(organisation_members::user_id)
        .distinct()
        .order(organisation_members::user_id)
        .load(conn)
}

#[derive(Debug, Serialize, ToSchema, Queryable)]
pub struct MemberView {
    #[schema(value_type = i64)]
    pub user_id: UserId,
    pub name: String,
    pub email: String,
    #[serde(with = "crate::web::utc")]
    pub joined_at: NaiveDateTime,
}

#[derive(Debug, Serialize, ToSchema, Queryable)]
pub struct InvitationView {
    #[schema(value_type = i64)]
    pub id: InvitationId,
    pub email: String,
    #[serde(with = "crate::web::utc")]
    pub created_at: NaiveDateTime,
    #[serde(with = "crate::web::utc")]
    pub expires_at: NaiveDateTime,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Members {
    pub members: Vec<MemberView>,
    /// Invitations neither accepted nor expired.
    pub invitations: Vec<InvitationView>,
}

pub async fn members(
    app: &AppState,
    user: &AuthUser,
    organisation_id: OrganisationId,
) -> AppResult<Members> {
    let now = app.clock.now();
    let user = user.clone();
    app.db
        .run(move |conn| {
            as_member(conn, organisation_id, &user)?;
            let members = organisation_members::table
                .inner_join(users::table)
                .filter(organisation_members::organisation_id.eq(organisation_id))
                .order(organisation_members::id)
                .select((
                    users::id,
                    users::name,
                    users::email,
                    organisation_members::created_at,
                ))
                .load(conn)?;
            let invitations = organisation_invitations::table
                .filter(organisation_invitations::organisation_id.eq(organisation_id))
                .filter(organisation_invitations::accepted_at.is_null())
                .filter(organisation_invitations::expires_at.gt(now))
                .order(organisation_invitations::id)
                .select((
                    organisation_invitations::id,
                    organisation_invitations::email,
                    organisation_invitations::created_at,
                    organisation_invitations::expires_at,
                ))
                .load(conn)?;
            Ok(Members {
                members,
                invitations,
            })
        })
        .await
}

/// Leaves the organisation. The last member cannot: they delete it instead.
pub async fn leave(
    app: &AppState,
    user: &AuthUser,
    organisation_id: OrganisationId,
) -> AppResult<()> {
    let user = user.clone();
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let org = as_member(conn, organisation_id, &user)?;
                let members: i64 = organisation_members::table
                    .filter(organisation_members::organisation_id.eq(org.id))
                    .count()
                    .get_result(conn)?;
                if members <= 1 {
                    return Err(AppError::refused(StatusCode::CONFLICT, "last_member"));
                }
                diesel::delete(
                    organisation_members::table
                        .filter(organisation_members::organisation_id.eq(org.id))
                        .filter(organisation_members::user_id.eq(user.id)),
                )
                .execute(conn)?;
                Ok(())
            })
        })
        .await
}
