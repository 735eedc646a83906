//! Accounts as stored, and the queries on them.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use socialbid_frontend::Lang;

use crate::auth::{ApprovalState, Role};
use crate::db::DbConn;
use crate::db::ids::{AuthorityId, UserId};
use crate::db::schema::{authorities, users};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub role: Role,
    pub locale: String,
    pub email_verified_at: Option<NaiveDateTime>,
    pub authority_id: Option<AuthorityId>,
    pub approval_state: Option<ApprovalState>,
    pub approval_reason: Option<String>,
    pub approved_by: Option<UserId>,
    pub approval_decided_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl User {
    pub fn lang(&self) -> Lang {
        Lang::from_code(&self.locale).unwrap_or_default()
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = authorities)]
pub struct Authority {
    #[serde(skip)]
    #[schema(value_type = i64)]
    pub id: AuthorityId,
    pub name: String,
    pub cvr: String,
    pub nuts_code: String,
    #[serde(skip)]
    #[serde(with = "crate::web::utc")]
    pub created_at: NaiveDateTime,
}

/// Emails are compared and stored in lower case, trimmed.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

pub fn find_by_email(conn: &mut DbConn, email: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::email.eq(normalize_email(email)))
        .select(User::as_select())
        .first(conn)
        .optional()
}

pub fn find(conn: &mut DbConn, id: UserId) -> QueryResult<User> {
    users::table.find(id).select(User::as_select()).first(conn)
}

pub fn authority(conn: &mut DbConn, id: AuthorityId) -> QueryResult<Authority> {
    authorities::table
        .find(id)
        .select(Authority::as_select())
        .first(conn)
}
