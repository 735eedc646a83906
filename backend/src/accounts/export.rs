//! Everything stored about a person, for the right of access (GDPR article
//! 15): the account, the authority, sessions, links mailed, failed logins,
//! audit entries, questions asked about tenders, tenders followed, searches
//! saved, the choice of e-mails and what the person was notified of, and the
//! organisation the person is a member of. Secrets (password and token
//! hashes) are left out.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::accounts::model::{self, Authority};
use crate::app::AppState;
use crate::auth::{ApprovalState, Role};
use crate::db::ids::{TenderId, UserId};
use crate::db::schema::{audit_log, email_tokens, login_attempts, notifications, sessions};
use crate::error::{AppError, AppResult};
use crate::notify::{PreferencesView, preferences_of};

#[derive(Serialize)]
pub struct Export {
    #[serde(with = "crate::web::utc")]
    exported_at: NaiveDateTime,
    account: Account,
    authority: Option<Authority>,
    sessions: Vec<Session>,
    email_links: Vec<EmailLink>,
    failed_logins: Vec<FailedLogin>,
    audit_log: Vec<AuditEntry>,
    questions: Vec<Question>,
    followed_tenders: Vec<TenderId>,
    saved_searches: Vec<crate::saved_searches::SavedSearch>,
    /// Which e-mails the person chose, and how often.
    notification_settings: PreferencesView,
    /// Each event the person was to be mailed about (a tender that fits, a
    /// change, an answer, a cancellation), and when it went out.
    notifications: Vec<Notification>,
    /// The organisation the person is a member of, as its members see it.
    organisation: Option<crate::profiles::service::OrganisationView>,
}

#[derive(Serialize, Queryable)]
struct Notification {
    kind: String,
    tender_id: Option<TenderId>,
    cadence: String,
    #[serde(with = "crate::web::utc")]
    created_at: NaiveDateTime,
    #[serde(with = "crate::web::utc::option")]
    sent_at: Option<NaiveDateTime>,
}

#[derive(Serialize)]
struct Question {
    tender_id: TenderId,
    question: String,
    answer: Option<String>,
    #[serde(with = "crate::web::utc")]
    asked_at: NaiveDateTime,
}

#[derive(Serialize)]
struct Account {
    id: UserId,
    email: String,
    name: String,
    role: Role,
    locale: String,
    #[serde(with = "crate::web::utc::option")]
    email_verified_at: Option<NaiveDateTime>,
    approval_state: Option<ApprovalState>,
    approval_reason: Option<String>,
    #[serde(with = "crate::web::utc::option")]
    approval_decided_at: Option<NaiveDateTime>,
    #[serde(with = "crate::web::utc")]
    created_at: NaiveDateTime,
    #[serde(with = "crate::web::utc")]
    updated_at: NaiveDateTime,
}

#[derive(Serialize, Queryable)]
struct Session {
    #[serde(with = "crate::web::utc")]
    created_at: NaiveDateTime,
    #[serde(with = "crate::web::utc")]
    last_used_at: NaiveDateTime,
    #[serde(with = "crate::web::utc")]
    expires_at: NaiveDateTime,
    #[serde(with = "crate::web::utc::option")]
    revoked_at: Option<NaiveDateTime>,
    user_agent: Option<String>,
}

#[derive(Serialize, Queryable)]
struct EmailLink {
    purpose: String,
    #[serde(with = "crate::web::utc")]
    created_at: NaiveDateTime,
    #[serde(with = "crate::web::utc")]
    expires_at: NaiveDateTime,
    #[serde(with = "crate::web::utc::option")]
    used_at: Option<NaiveDateTime>,
}

#[derive(Serialize, Queryable)]
struct FailedLogin {
    ip: String,
    #[serde(with = "crate::web::utc")]
    at: NaiveDateTime,
}

#[derive(Serialize, Queryable)]
struct AuditEntry {
    action: String,
    subject_type: String,
    subject_id: i64,
    reason: Option<String>,
    #[serde(with = "crate::web::utc")]
    at: NaiveDateTime,
}

pub async fn export(app: &AppState, user_id: UserId) -> AppResult<Export> {
    let now = app.clock.now();
    app.db
        .run(move |conn| {
            let user = model::find(conn, user_id)?;
            let authority = match user.authority_id {
                Some(id) => Some(model::authority(conn, id)?),
                None => None,
            };
            let sessions = sessions::table
                .filter(sessions::user_id.eq(user_id))
                .order(sessions::id)
                .select((
                    sessions::created_at,
                    sessions::last_used_at,
                    sessions::expires_at,
                    sessions::revoked_at,
                    sessions::user_agent,
                ))
                .load(conn)?;
            let email_links = email_tokens::table
                .filter(email_tokens::user_id.eq(user_id))
                .order(email_tokens::id)
                .select((
                    email_tokens::purpose,
                    email_tokens::created_at,
                    email_tokens::expires_at,
                    email_tokens::used_at,
                ))
                .load(conn)?;
            let failed_logins = login_attempts::table
                .filter(login_attempts::email.eq(&user.email))
                .order(login_attempts::id)
                .select((login_attempts::ip, login_attempts::attempted_at))
                .load(conn)?;
            let audit_log = audit_log::table
                .filter(
                    audit_log::actor_id.eq(user_id).or(audit_log::subject_type
                        .eq("user")
                        .and(audit_log::subject_id.eq(user_id))),
                )
                .order(audit_log::id)
                .select((
                    audit_log::action,
                    audit_log::subject_type,
                    audit_log::subject_id,
                    audit_log::reason,
                    audit_log::created_at,
                ))
                .load(conn)?;
            let questions = crate::tenders::service::questions_asked_by(conn, user_id)?
                .into_iter()
                .map(|(tender_id, question, answer, asked_at)| Question {
                    tender_id,
                    question,
                    answer,
                    asked_at,
                })
                .collect();
            let followed_tenders = crate::tenders::service::followed_by(conn, user_id)?;
            let saved_searches = crate::saved_searches::list_for(conn, user_id)?;
            let notification_settings = preferences_of(conn, user_id)?;
            let notifications = notifications::table
                .filter(notifications::user_id.eq(user_id))
                .order(notifications::id)
                .select((
                    notifications::kind,
                    notifications::tender_id,
                    notifications::cadence,
                    notifications::created_at,
                    notifications::sent_at,
                ))
                .load(conn)?;
            let organisation = crate::profiles::service::export_for(conn, user_id)?;
            Ok::<_, AppError>(Export {
                exported_at: now,
                account: Account {
                    id: user.id,
                    email: user.email,
                    name: user.name,
                    role: user.role,
                    locale: user.locale,
                    email_verified_at: user.email_verified_at,
                    approval_state: user.approval_state,
                    approval_reason: user.approval_reason,
                    approval_decided_at: user.approval_decided_at,
                    created_at: user.created_at,
                    updated_at: user.updated_at,
                },
                authority,
                sessions,
                email_links,
                failed_logins,
                audit_log,
                questions,
                followed_tenders,
                saved_searches,
                notification_settings,
                notifications,
                organisation,
            })
        })
        .await
}
