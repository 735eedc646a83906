//! The moderation state machine and the audit log.
//!
//! ```text
//! pending ──approve──▶ approved        (public from now on)
//!    │ ──reject(reason)──▶ rejected     ─┐ a member's edit
//!    │ ──request changes(reason)──▶ changes_requested ─┴─▶ pending
//! approved once: suspend(reason) ⇄ unsuspend (hidden at once / again public)
//! ```
//! While a change waits, the last approved facts stay public.

use std::collections::HashMap;

use axum::http::StatusCode;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::accounts::model as accounts;
use crate::app::AppState;
use crate::audit;
use crate::auth::AuthUser;
use crate::db::ids::{FlagId, OrganisationId, UserId};
use crate::db::schema::{
    audit_log, organisation_members, organisations, profile_flags, tenders, users,
};
use crate::db::write_transaction;
use crate::error::{AppError, AppResult};
use crate::profiles::service::{self as profiles, Organisation, OrganisationView, ReviewState};
use crate::{matching, notify, search};

pub const MAX_REASON: usize = 1000;
pub const AUDIT_PER_PAGE: i64 = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Approve,
    Reject,
    RequestChanges,
    Suspend,
    Unsuspend,
}

impl Decision {
    pub fn action(self) -> &'static str {
        match self {
            Decision::Approve => "profile.approve",
            Decision::Reject => "profile.reject",
            Decision::RequestChanges => "profile.request_changes",
            Decision::Suspend => "profile.suspend",
            Decision::Unsuspend => "profile.unsuspend",
        }
    }

    /// The word for the decision in mails and URLs.
    pub fn code(self) -> &'static str {
        match self {
            Decision::Approve => "approved",
            Decision::Reject => "rejected",
            Decision::RequestChanges => "changes_requested",
            Decision::Suspend => "suspended",
            Decision::Unsuspend => "unsuspended",
        }
    }

    fn needs_reason(self) -> bool {
        matches!(
            self,
            Decision::Reject | Decision::RequestChanges | Decision::Suspend
        )
    }

    /// Whether the decision can be made in the organisation's state: 409
    /// otherwise.
    fn allowed(self, org: &Organisation) -> bool {
        match self {
            Decision::Approve | Decision::Reject | Decision::RequestChanges => {
                org.review_state == ReviewState::Pending
            }
            Decision::Suspend => org.approved_facts.is_some() && org.suspended_at.is_none(),
            Decision::Unsuspend => org.suspended_at.is_some(),
        }
    }
}

/// Makes the decision, writes its audit entry and queues a mail to every
/// member in their language, in one transaction.
pub async fn decide(
    app: &AppState,
    admin: &AuthUser,
    organisation_id: OrganisationId,
    decision: Decision,
    reason: Option<String>,
) -> AppResult<()> {
    let reason = match (decision.needs_reason(), reason.as_deref().map(str::trim)) {
        (true, r) => Some(profiles::check_reason(
            "reason",
            r.unwrap_or(""),
            MAX_REASON,
        )?),
        (false, Some(r)) if !r.is_empty() => Some(profiles::check_reason("reason", r, MAX_REASON)?),
        _ => None,
    };
    let now = app.clock.now();
    let admin = admin.clone();
    let public_url = app.config.public_url.clone();
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let org = profiles::find(conn, organisation_id)?;
                if !decision.allowed(&org) {
                    return Err(AppError::refused(StatusCode::CONFLICT, "wrong_state")
                        .with("state", org.display_state()));
                }
                let target = diesel::update(organisations::table.find(org.id));
                match decision {
                    Decision::Approve => {
                        let draft = org.draft()?;
                        let facts = draft.facts();
                        target
                            .set((
                                organisations::review_state.eq(ReviewState::Approved.as_str()),
                                organisations::review_reason.eq(None::<String>),
                                organisations::approved_facts
                                    .eq(serde_json::to_string(&facts)
                                        .map_err(AppError::internal)?),
                                organisations::reviewed_by.eq(admin.id),
                                organisations::reviewed_at.eq(now),
                            ))
                            .execute(conn)?;
                        profiles::write_index(conn, org.id, &draft, Some(&facts))?;
                    }
                    Decision::Reject | Decision::RequestChanges => {
                        let new_state = if decision == Decision::Reject {
                            ReviewState::Rejected
                        } else {
                            ReviewState::ChangesRequested
                        };
                        target
                            .set((
                                organisations::review_state.eq(new_state.as_str()),
                                organisations::review_reason.eq(&reason),
                                organisations::reviewed_by.eq(admin.id),
                                organisations::reviewed_at.eq(now),
                            ))
                            .execute(conn)?;
                    }
                    Decision::Suspend => {
                        target
                            .set((
                                organisations::suspended_at.eq(now),
                                organisations::suspension_reason.eq(&reason),
                            ))
                            .execute(conn)?;
                    }
                    Decision::Unsuspend => {
                        target
                            .set((
                                organisations::suspended_at.eq(None::<NaiveDateTime>),
                                organisations::suspension_reason.eq(None::<String>),
                            ))
                            .execute(conn)?;
                    }
                }
                let audit_id = audit::record(
                    conn,
                    &admin,
                    decision.action(),
                    "organisation",
                    org.id.0,
                    reason.as_deref(),
                    now,
                )?;
                search::changes::record_organisation(conn, org.id, now)?;
                matching::organisation_changed(conn, org.id, now)?;
                let name = org.draft()?.organisation_name;
                let members: Vec<accounts::User> = organisation_members::table
                    .inner_join(users::table)
                    .filter(organisation_members::organisation_id.eq(org.id))
                    .select(accounts::User::as_select())
                    .load(conn)?;
                let decided = notify::Event {
                    kind: notify::Kind::ProfileDecision,
                    key: format!("profile_decision:{audit_id}"),
                    tender_id: None,
                    vars: serde_json::json!({
                        "organisation": name,
                        "decision": decision.code(),
                        "reason": reason,
                        "link": format!("{public_url}/organisation"),
                    }),
                    strength: None,
                };
                for member in members {
                    let mut event = decided.clone();
                    event.vars["name"] = member.name.into();
                    notify::notify(conn, member.id, &event, now)?;
                }
                Ok(())
            })
        })
        .await
}

/// A profile in the admin's queue, with what to check.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueueItem {
    #[schema(value_type = i64)]
    pub id: OrganisationId,
    pub name: String,
    pub cvr: String,
    /// True for a first submission; false for a change to an approved profile.
    pub first_submission: bool,
    /// The verified facts changed since the last approval.
    pub changed_facts: Vec<String>,
    #[serde(with = "crate::web::utc")]
    pub submitted_at: NaiveDateTime,
}

#[derive(Debug, Serialize, ToSchema, Queryable)]
pub struct FlagView {
    #[schema(value_type = i64)]
    pub id: FlagId,
    #[schema(value_type = i64)]
    pub organisation_id: OrganisationId,
    pub organisation_name: Option<String>,
    pub reason: String,
    pub reporter_email: Option<String>,
    #[serde(with = "crate::web::utc")]
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Queue {
    /// Profiles waiting for review, oldest first.
    pub pending: Vec<QueueItem>,
    /// Open flags, oldest first.
    pub flags: Vec<FlagView>,
}

pub async fn queue(app: &AppState) -> AppResult<Queue> {
    app.db
        .run(move |conn| {
            let rows: Vec<Organisation> = organisations::table
                .filter(organisations::review_state.eq(ReviewState::Pending.as_str()))
                .order((organisations::submitted_at, organisations::id))
                .select(Organisation::as_select())
                .load(conn)?;
            let mut pending = Vec::with_capacity(rows.len());
            for org in rows {
                let view = OrganisationView::new(&org)?;
                pending.push(QueueItem {
                    id: org.id,
                    name: view.profile.organisation_name,
                    cvr: view.profile.cvr,
                    first_submission: view.approved_facts.is_none(),
                    changed_facts: view.changed_facts,
                    submitted_at: org.submitted_at,
                });
            }
            let flags = open_flags(conn, None)?;
            Ok(Queue { pending, flags })
        })
        .await
}

fn open_flags(
    conn: &mut crate::db::DbConn,
    organisation_id: Option<OrganisationId>,
) -> QueryResult<Vec<FlagView>> {
    let mut query = profile_flags::table
        .inner_join(organisations::table)
        .left_join(users::table.on(users::id.nullable().eq(profile_flags::reporter_id)))
        .filter(profile_flags::resolved_at.is_null())
        .order(profile_flags::id)
        .select((
            profile_flags::id,
            profile_flags::organisation_id,
            organisations::public_name,
            profile_flags::reason,
            users::email.nullable(),
            profile_flags::created_at,
        ))
        .into_boxed();
    if let Some(id) = organisation_id {
        query = query.filter(profile_flags::organisation_id.eq(id));
    }
    query.load(conn)
}

/// Everything an admin needs to decide on one organisation.
#[derive(Debug, Serialize, ToSchema)]
pub struct Review {
    pub organisation: OrganisationView,
    pub members: i64,
    pub flags: Vec<FlagView>,
}

pub async fn review(app: &AppState, organisation_id: OrganisationId) -> AppResult<Review> {
    app.db
        .run(move |conn| {
            let org = profiles::find(conn, organisation_id)?;
            let members: i64 = organisation_members::table
                .filter(organisation_members::organisation_id.eq(org.id))
                .count()
                .get_result(conn)?;
            Ok(Review {
                organisation: OrganisationView::new(&org)?,
                members,
                flags: open_flags(conn, Some(org.id))?,
            })
        })
        .await
}

/// Closes a flag, with an optional note, in the audit log.
pub async fn resolve_flag(
    app: &AppState,
    admin: &AuthUser,
    flag_id: FlagId,
    note: Option<String>,
) -> AppResult<OrganisationId> {
    let note = match note.as_deref().map(str::trim) {
        Some(n) if !n.is_empty() => Some(profiles::check_reason("resolution", n, MAX_REASON)?),
        _ => None,
    };
    let now = app.clock.now();
    let admin = admin.clone();
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let (organisation_id, resolved_at): (OrganisationId, Option<NaiveDateTime>) =
                    profile_flags::table
                        .find(flag_id)
                        .select((profile_flags::organisation_id, profile_flags::resolved_at))
                        .first(conn)?;
                if resolved_at.is_some() {
                    return Err(AppError::refused(StatusCode::CONFLICT, "already_decided"));
                }
                diesel::update(profile_flags::table.find(flag_id))
                    .set((
                        profile_flags::resolved_at.eq(now),
                        profile_flags::resolved_by.eq(admin.id),
                        profile_flags::resolution.eq(&note),
                    ))
                    .execute(conn)?;
                audit::record(
                    conn,
                    &admin,
                    "flag.resolve",
                    "flag",
                    flag_id.0,
                    note.as_deref(),
                    now,
                )?;
                Ok(organisation_id)
            })
        })
        .await
}

/// Audit-log filters, all optional.
#[derive(Debug, Clone, Default, Deserialize, Serialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct AuditFilter {
    /// Exact action, e.g. `profile.reject`.
    pub action: String,
    /// `organisation`, `user`, `flag` or `tender`.
    pub subject_type: String,
    pub subject_id: Option<i64>,
    /// Part of the actor's email address.
    pub actor: String,
    /// First day, `YYYY-MM-DD` (UTC).
    pub from: String,
    /// Last day, `YYYY-MM-DD` (UTC).
    pub to: String,
    pub page: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema, Queryable)]
pub struct AuditEntry {
    pub id: i64,
    #[schema(value_type = Option<i64>)]
    pub actor_id: Option<UserId>,
    pub actor_email: Option<String>,
    pub action: String,
    pub subject_type: String,
    pub subject_id: i64,
    pub reason: Option<String>,
    #[serde(with = "crate::web::utc")]
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    pub per_page: i64,
    /// Newest first.
    pub entries: Vec<AuditEntry>,
}

fn day(field: &'static str, value: &str) -> AppResult<Option<NaiveDate>> {
    match value.trim() {
        "" => Ok(None),
        v => NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| AppError::field(field, "invalid")),
    }
}

pub async fn audit_log(app: &AppState, filter: AuditFilter) -> AppResult<AuditPage> {
    let from = day("from", &filter.from)?.and_then(|d| d.and_hms_opt(0, 0, 0));
    let to = day("to", &filter.to)?
        .and_then(|d| d.succ_opt())
        .and_then(|d| d.and_hms_opt(0, 0, 0));
    app.db
        .run(move |conn| {
            let query = || {
                let mut q = audit_log::table.into_boxed();
                if !filter.action.trim().is_empty() {
                    q = q.filter(audit_log::action.eq(filter.action.trim().to_owned()));
                }
                if !filter.subject_type.trim().is_empty() {
                    q = q.filter(audit_log::subject_type.eq(filter.subject_type.trim().to_owned()));
                }
                if let Some(id) = filter.subject_id {
                    q = q.filter(audit_log::subject_id.eq(id));
                }
                if !filter.actor.trim().is_empty() {
                    let needle = filter.actor.trim().to_lowercase().replace(['%', '_'], "");
                    q = q.filter(audit_log::actor_email.like(format!("%{needle}%")));
                }
                if let Some(from) = from {
                    q = q.filter(audit_log::created_at.ge(from));
                }
                if let Some(to) = to {
                    q = q.filter(audit_log::created_at.lt(to));
                }
                q
            };
            let total: i64 = query().count().get_result(conn)?;
            let pages = ((total + AUDIT_PER_PAGE - 1) / AUDIT_PER_PAGE).max(1);
            let page = filter.page.unwrap_or(1).clamp(1, pages);
            let entries = query()
                .order(audit_log::id.desc())
                .limit(AUDIT_PER_PAGE)
                .offset((page - 1).saturating_mul(AUDIT_PER_PAGE))
                .select((
                    audit_log::id,
                    audit_log::actor_id,
                    audit_log::actor_email,
                    audit_log::action,
                    audit_log::subject_type,
                    audit_log::subject_id,
                    audit_log::reason,
                    audit_log::created_at,
                ))
                .load(conn)?;
            Ok(AuditPage {
                total,
                page,
                pages,
                per_page: AUDIT_PER_PAGE,
                entries,
            })
        })
        .await
}

/// What the subjects of audit entries are called now, by (subject type,
/// id): an organisation's public name (before its first approval, the
/// name its members gave), the flagged organisation's name for a flag, a
/// tender's title, a person's name. A deleted subject has no name.
pub async fn subject_names(
    app: &AppState,
    entries: &[AuditEntry],
) -> AppResult<HashMap<(String, i64), String>> {
    let ids = |kind: &str| -> Vec<i64> {
        entries
            .iter()
            .filter(|e| e.subject_type == kind)
            .map(|e| e.subject_id)
            .collect()
    };
    let (organisation_ids, flag_ids, tender_ids, user_ids) =
        (ids("organisation"), ids("flag"), ids("tender"), ids("user"));
    app.db
        .run(move |conn| {
            let mut names = HashMap::new();
            let organisations: Vec<(i64, Option<String>, String)> = organisations::table
                .filter(organisations::id.eq_any(&organisation_ids))
                .select((
                    organisations::id,
                    organisations::public_name,
                    organisations::draft,
                ))
                .load(conn)?;
            let mut organisation_names = HashMap::new();
            for (id, public_name, draft) in organisations {
                let name = organisation_name(public_name, &draft);
                if let Some(name) = name {
                    organisation_names.insert(id, name);
                }
            }
            let flagged: Vec<(i64, Option<String>, String)> = profile_flags::table
                .inner_join(organisations::table)
                .filter(profile_flags::id.eq_any(&flag_ids))
                .select((
                    profile_flags::id,
                    organisations::public_name,
                    organisations::draft,
                ))
                .load(conn)?;
            for (id, public_name, draft) in flagged {
                let name = organisation_name(public_name, &draft);
                if let Some(name) = name {
                    names.insert(("flag".to_owned(), id), name);
                }
            }
            for (id, name) in organisation_names {
                names.insert(("organisation".to_owned(), id), name);
            }
            let tenders: Vec<(i64, String)> = tenders::table
                .filter(tenders::id.eq_any(&tender_ids))
                .select((tenders::id, tenders::title))
                .load(conn)?;
            for (id, title) in tenders {
                names.insert(("tender".to_owned(), id), title);
            }
            let people: Vec<(i64, String)> = users::table
                .filter(users::id.eq_any(&user_ids))
                .select((users::id, users::name))
                .load(conn)?;
            for (id, name) in people {
                names.insert(("user".to_owned(), id), name);
            }
            Ok(names)
        })
        .await
}

/// The approved name, or else the one in the members' draft.
fn organisation_name(public_name: Option<String>, draft: &str) -> Option<String> {
    public_name.or_else(|| {
        serde_json::from_str::<serde_json::Value>(draft)
            .ok()
            .and_then(|d| d["organisation_name"].as_str().map(str::to_owned))
    })
}

/// Which organisations an admin lists: by state, or one CVR number.
#[derive(Debug, Clone, Default, Deserialize, Serialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct OrganisationFilter {
    /// `pending`, `approved`, `rejected`, `changes_requested` or
    /// `suspended`; empty for all.
    #[param(schema_with = state_filter)]
    pub state: String,
    /// An exact CVR number (or, for an organisation registered abroad,
    /// `country:national identifier`, as `DE:HRB 12345`).
    pub cvr: String,
    pub page: Option<i64>,
}

fn state_filter() -> utoipa::openapi::Object {
    crate::web::openapi::one_of_or_empty(crate::profiles::service::display_states())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationRow {
    #[schema(value_type = i64)]
    pub id: OrganisationId,
    pub name: String,
    pub cvr: String,
    #[schema(schema_with = crate::profiles::service::display_state_schema)]
    pub state: String,
    pub public: bool,
    #[serde(with = "crate::web::utc")]
    pub submitted_at: NaiveDateTime,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationPage {
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    pub per_page: i64,
    pub items: Vec<OrganisationRow>,
}

/// Every organisation (any state), for an admin to find one to suspend or
/// to look at again; newest first.
pub async fn organisations(
    app: &AppState,
    filter: OrganisationFilter,
) -> AppResult<OrganisationPage> {
    let state_filter = filter.state.trim().to_owned();
    if !state_filter.is_empty() && !profiles::display_states().any(|s| s == state_filter) {
        return Err(AppError::field("state", "invalid"));
    }
    // A CVR number may be typed with spaces; a national identifier keeps
    // its own (`DE:HRB 12345`).
    let cvr_filter = if filter.cvr.contains(':') {
        filter.cvr.trim().to_owned()
    } else {
        filter.cvr.split_whitespace().collect::<String>()
    };
    app.db
        .run(move |conn| {
            let query = || {
                let mut q = organisations::table.into_boxed();
                match state_filter.as_str() {
                    "" => {}
                    "suspended" => q = q.filter(organisations::suspended_at.is_not_null()),
                    state => {
                        q = q
                            .filter(organisations::suspended_at.is_null())
                            .filter(organisations::review_state.eq(state.to_owned()))
                    }
                }
                if !cvr_filter.is_empty() {
                    q = q.filter(organisations::registry_key.eq(cvr_filter.clone()));
                }
                q
            };
            let total: i64 = query().count().get_result(conn)?;
            let pages = ((total + AUDIT_PER_PAGE - 1) / AUDIT_PER_PAGE).max(1);
            let page = filter.page.unwrap_or(1).clamp(1, pages);
            let rows: Vec<Organisation> = query()
                .order(organisations::id.desc())
                .limit(AUDIT_PER_PAGE)
                .offset((page - 1).saturating_mul(AUDIT_PER_PAGE))
                .select(Organisation::as_select())
                .load(conn)?;
            let mut items = Vec::with_capacity(rows.len());
            for org in rows {
                let draft = org.draft()?;
                items.push(OrganisationRow {
                    id: org.id,
                    name: draft.organisation_name,
                    cvr: draft.cvr,
                    state: org.display_state().to_owned(),
                    public: org.is_public(),
                    submitted_at: org.submitted_at,
                });
            }
            Ok(OrganisationPage {
                total,
                page,
                pages,
                per_page: AUDIT_PER_PAGE,
                items,
            })
        })
        .await
}

/// The actions the audit log holds, for the filter's choices.
pub const ACTIONS: [&str; 14] = [
    "profile.submit",
    "profile.approve",
    "profile.reject",
    "profile.request_changes",
    "profile.suspend",
    "profile.unsuspend",
    "profile.delete",
    "profile.flag",
    "flag.resolve",
    "officer.approve",
    "officer.reject",
    "tender.publish",
    "tender.amend",
    "tender.cancel",
];
