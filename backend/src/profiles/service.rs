//! The rules of profiles, shared by the JSON API and the pages: creating
//! and changing a profile (a change to a verified fact waits for review,
//! anything else goes live at once), members and invitations, flags,
//! deleting an organisation.

use axum::http::StatusCode;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::accounts::model as accounts;
use crate::accounts::validate::check_email;
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::auth::tokens::{hash_token, random_token};
use crate::db::DbConn;
use crate::db::schema::{
    audit_log, organisation_codes, organisation_invitations, organisation_members, organisations,
    profile_flags, users,
};
use crate::error::{AppError, AppResult, FieldError};
use crate::mail;
use crate::profiles::model::{ProfileData, ProfileInput, VerifiedFacts};

pub const INVITATION_DAYS: i64 = 7;
pub const MAX_FLAG_REASON: usize = 1000;

/// Where a profile's review stands.
pub mod state {
    pub const PENDING: &str = "pending";
    pub const APPROVED: &str = "approved";
    pub const REJECTED: &str = "rejected";
    pub const CHANGES_REQUESTED: &str = "changes_requested";
}

/// An organisation as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = organisations)]
pub struct Organisation {
    pub id: i64,
    pub cvr: String,
    pub draft: String,
    pub approved_facts: Option<String>,
    pub review_state: String,
    pub review_reason: Option<String>,
    pub reviewed_by: Option<i64>,
    pub reviewed_at: Option<NaiveDateTime>,
    pub suspended_at: Option<NaiveDateTime>,
    pub suspension_reason: Option<String>,
    pub public_name: Option<String>,
    pub public_rsv: bool,
    pub public_res_ws: bool,
    pub public_res_pub_ser: bool,
    pub submitted_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Organisation {
    pub fn draft(&self) -> AppResult<ProfileData> {
        serde_json::from_str(&self.draft).map_err(AppError::internal)
    }

    pub fn facts(&self) -> AppResult<Option<VerifiedFacts>> {
        self.approved_facts
            .as_deref()
            .map(serde_json::from_str)
            .transpose()
            .map_err(AppError::internal)
    }

    /// Public, matchable and (later) able to bid: approved once and not
    /// suspended.
    pub fn is_public(&self) -> bool {
        self.approved_facts.is_some() && self.suspended_at.is_none()
    }

    /// What the public sees: the draft with the last approved facts.
    pub fn public_profile(&self) -> AppResult<Option<ProfileData>> {
        if !self.is_public() {
            return Ok(None);
        }
        let draft = self.draft()?;
        Ok(self.facts()?.map(|f| draft.with_facts(&f)))
    }

    /// The state to show: suspended before anything else.
    pub fn display_state(&self) -> &str {
        if self.suspended_at.is_some() {
            "suspended"
        } else {
            &self.review_state
        }
    }
}

/// The organisation as its members (and admins) see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationView {
    pub id: i64,
    /// `pending`, `approved`, `rejected`, `changes_requested` or `suspended`.
    pub state: String,
    /// The admin's reason for a rejection, a request for changes or a suspension.
    pub reason: Option<String>,
    /// Whether an approved version is public now.
    pub public: bool,
    /// The profile as the members last saved it.
    pub profile: ProfileData,
    /// The verified facts an admin last approved, if any.
    pub approved_facts: Option<VerifiedFacts>,
    /// Verified facts that differ from the approved ones (waiting for review).
    pub changed_facts: Vec<String>,
    pub submitted_at: NaiveDateTime,
    pub reviewed_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl OrganisationView {
    pub fn new(org: &Organisation) -> AppResult<OrganisationView> {
        let profile = org.draft()?;
        let approved_facts = org.facts()?;
        let changed_facts = match &approved_facts {
            Some(approved) => approved
                .changed_fields(&profile.facts())
                .into_iter()
                .map(str::to_owned)
                .collect(),
            None => Vec::new(),
        };
        let reason = if org.suspended_at.is_some() {
            org.suspension_reason.clone()
        } else {
            org.review_reason.clone()
        };
        Ok(OrganisationView {
            id: org.id,
            state: org.display_state().to_owned(),
            reason,
            public: org.is_public(),
            profile,
            approved_facts,
            changed_facts,
            submitted_at: org.submitted_at,
            reviewed_at: org.reviewed_at,
            created_at: org.created_at,
            updated_at: org.updated_at,
        })
    }
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Organisation> {
    organisations::table
        .find(id)
        .select(Organisation::as_select())
        .first(conn)
}

/// The organisation `user_id` belongs to, if any.
pub fn of_member(conn: &mut DbConn, user_id: i64) -> QueryResult<Option<Organisation>> {
    organisation_members::table
        .inner_join(organisations::table)
        .filter(organisation_members::user_id.eq(user_id))
        .select(Organisation::as_select())
        .first(conn)
        .optional()
}

pub fn is_member(conn: &mut DbConn, organisation_id: i64, user_id: i64) -> QueryResult<bool> {
    let n: i64 = organisation_members::table
        .filter(organisation_members::organisation_id.eq(organisation_id))
        .filter(organisation_members::user_id.eq(user_id))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// The organisation, if `user` is one of its members: 404 when it does not
/// exist, 403 when it belongs to others.
pub fn as_member(
    conn: &mut DbConn,
    organisation_id: i64,
    user: &AuthUser,
) -> AppResult<Organisation> {
    let org = find(conn, organisation_id)?;
    if !is_member(conn, organisation_id, user.id)? {
        return Err(AppError::forbidden("not_member"));
    }
    Ok(org)
}

pub fn audit(
    conn: &mut DbConn,
    actor: &AuthUser,
    action: &str,
    subject_type: &str,
    subject_id: i64,
    reason: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::actor_id.eq(actor.id),
            audit_log::actor_email.eq(&actor.email),
            audit_log::action.eq(action),
            audit_log::subject_type.eq(subject_type),
            audit_log::subject_id.eq(subject_id),
            audit_log::reason.eq(reason),
            audit_log::created_at.eq(now),
        ))
        .returning(audit_log::id)
        .get_result(conn)
}

/// Rewrites what the directory filters on: the codes of the profile and the
/// verified facts last approved.
pub fn write_index(
    conn: &mut DbConn,
    org_id: i64,
    profile: &ProfileData,
    facts: Option<&VerifiedFacts>,
) -> QueryResult<()> {
    diesel::delete(
        organisation_codes::table.filter(organisation_codes::organisation_id.eq(org_id)),
    )
    .execute(conn)?;
    let rows = profile
        .cpv
        .iter()
        .map(|c| ("cpv", c))
        .chain(profile.nuts.iter().map(|c| ("nuts", c)))
        .chain(profile.social_objectives.iter().map(|c| ("objective", c)));
    for (kind, code) in rows {
        diesel::insert_into(organisation_codes::table)
            .values((
                organisation_codes::organisation_id.eq(org_id),
                organisation_codes::kind.eq(kind),
                organisation_codes::code.eq(code),
            ))
            .execute(conn)?;
    }
    diesel::update(organisations::table.find(org_id))
        .set((
            organisations::public_name.eq(facts.map(|f| f.organisation_name.clone())),
            organisations::public_rsv.eq(facts.is_some_and(|f| f.rsv_registered)),
            organisations::public_res_ws.eq(facts.is_some_and(|f| f.reserved_res_ws)),
            organisations::public_res_pub_ser.eq(facts.is_some_and(|f| f.reserved_res_pub_ser)),
        ))
        .execute(conn)?;
    Ok(())
}

fn to_json<T: Serialize>(value: &T) -> AppResult<String> {
    serde_json::to_string(value).map_err(AppError::internal)
}

/// Refuses a CVR number another organisation already uses (409).
fn check_cvr_free(conn: &mut DbConn, cvr: &str, except: Option<i64>) -> AppResult<()> {
    let mut query = organisations::table
        .filter(organisations::cvr.eq(cvr))
        .select(organisations::id)
        .into_boxed();
    if let Some(id) = except {
        query = query.filter(organisations::id.ne(id));
    }
    let taken: Option<i64> = query.first(conn).optional()?;
    if taken.is_some() {
        return Err(AppError::conflict("cvr", "taken"));
    }
    Ok(())
}

/// Creates the organisation with the caller as its first member; it waits
/// for an admin's review.
pub async fn create(
    app: &AppState,
    user: &AuthUser,
    input: ProfileInput,
) -> AppResult<Organisation> {
    let now = app.clock.now();
    let profile = input.validate(now.date()).map_err(AppError::invalid)?;
    let user = user.clone();
    app.db
        .run(move |conn| {
            conn.transaction(|conn| {
                if of_member(conn, user.id)?.is_some() {
                    return Err(AppError::refused(StatusCode::CONFLICT, "already_member"));
                }
                check_cvr_free(conn, &profile.cvr, None)?;
                let id: i64 = diesel::insert_into(organisations::table)
                    .values((
                        organisations::cvr.eq(&profile.cvr),
                        organisations::draft.eq(to_json(&profile)?),
                        organisations::review_state.eq(state::PENDING),
                        organisations::submitted_at.eq(now),
                        organisations::created_at.eq(now),
                        organisations::updated_at.eq(now),
                    ))
                    .returning(organisations::id)
                    .get_result(conn)
                    .map_err(cvr_conflict)?;
                diesel::insert_into(organisation_members::table)
                    .values((
                        organisation_members::organisation_id.eq(id),
                        organisation_members::user_id.eq(user.id),
                        organisation_members::created_at.eq(now),
                    ))
                    .execute(conn)?;
                write_index(conn, id, &profile, None)?;
                audit(conn, &user, "profile.submit", "organisation", id, None, now)?;
                Ok(find(conn, id)?)
            })
        })
        .await
}

fn cvr_conflict(error: diesel::result::Error) -> AppError {
    if crate::db::is_unique_violation(&error) {
        AppError::conflict("cvr", "taken")
    } else {
        error.into()
    }
}

/// Saves a member's change. A new verified fact (name, CVR, RSV, reserved
/// contract eligibility), or any change to a profile never approved or sent
/// back, goes to review; the rest is public at once.
pub async fn update(
    app: &AppState,
    user: &AuthUser,
    organisation_id: i64,
    input: ProfileInput,
) -> AppResult<Organisation> {
    let now = app.clock.now();
    let profile = input.validate(now.date()).map_err(AppError::invalid)?;
    let user = user.clone();
    app.db
        .run(move |conn| {
            conn.transaction(|conn| {
                let org = as_member(conn, organisation_id, &user)?;
                check_cvr_free(conn, &profile.cvr, Some(org.id))?;
                let approved = org.facts()?;
                let facts_differ = approved.as_ref() != Some(&profile.facts());
                let needs_review = facts_differ
                    || matches!(
                        org.review_state.as_str(),
                        state::REJECTED | state::CHANGES_REQUESTED
                    );
                let old_draft = org.draft()?;
                if needs_review {
                    diesel::update(organisations::table.find(org.id))
                        .set((
                            organisations::review_state.eq(state::PENDING),
                            organisations::review_reason.eq(None::<String>),
                            organisations::submitted_at.eq(now),
                        ))
                        .execute(conn)?;
                    let was_waiting =
                        org.review_state == state::PENDING && old_draft.facts() == profile.facts();
                    if !was_waiting {
                        audit(
                            conn,
                            &user,
                            "profile.submit",
                            "organisation",
                            org.id,
                            None,
                            now,
                        )?;
                    }
                } else if org.review_state == state::PENDING {
                    // The facts are back to those approved: nothing to review.
                    diesel::update(organisations::table.find(org.id))
                        .set(organisations::review_state.eq(state::APPROVED))
                        .execute(conn)?;
                }
                diesel::update(organisations::table.find(org.id))
                    .set((
                        organisations::cvr.eq(&profile.cvr),
                        organisations::draft.eq(to_json(&profile)?),
                        organisations::updated_at.eq(now),
                    ))
                    .execute(conn)
                    .map_err(cvr_conflict)?;
                write_index(conn, org.id, &profile, approved.as_ref())?;
                Ok(find(conn, org.id)?)
            })
        })
        .await
}

/// Deletes the organisation: gone from the directory at once, and from the
/// database but for the audit log's entries about it.
pub async fn delete(app: &AppState, user: &AuthUser, organisation_id: i64) -> AppResult<()> {
    let now = app.clock.now();
    let user = user.clone();
    app.db
        .run(move |conn| {
            conn.transaction(|conn| {
                let org = as_member(conn, organisation_id, &user)?;
                diesel::delete(organisations::table.find(org.id)).execute(conn)?;
                audit(
                    conn,
                    &user,
                    "profile.delete",
                    "organisation",
                    org.id,
                    None,
                    now,
                )?;
                Ok(())
            })
        })
        .await
}

/// An account being deleted takes with it the organisations it is the last
/// member of (called inside the deletion's transaction).
pub fn delete_orphaned_by(conn: &mut DbConn, user_id: i64, now: NaiveDateTime) -> QueryResult<()> {
    if let Some(org) = of_member(conn, user_id)? {
        let members: i64 = organisation_members::table
            .filter(organisation_members::organisation_id.eq(org.id))
            .count()
            .get_result(conn)?;
        if members <= 1 {
            diesel::delete(organisations::table.find(org.id)).execute(conn)?;
            let user = accounts::find(conn, user_id)?;
            diesel::insert_into(audit_log::table)
                .values((
                    audit_log::actor_id.eq(user.id),
                    audit_log::actor_email.eq(&user.email),
                    audit_log::action.eq("profile.delete"),
                    audit_log::subject_type.eq("organisation"),
                    audit_log::subject_id.eq(org.id),
                    audit_log::reason.eq("account_deleted"),
                    audit_log::created_at.eq(now),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

#[derive(Debug, Serialize, ToSchema, Queryable)]
pub struct MemberView {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub joined_at: NaiveDateTime,
}

#[derive(Debug, Serialize, ToSchema, Queryable)]
pub struct InvitationView {
    pub id: i64,
    pub email: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Members {
    pub members: Vec<MemberView>,
    /// Invitations neither accepted nor expired.
    pub invitations: Vec<InvitationView>,
}

pub async fn members(app: &AppState, user: &AuthUser, organisation_id: i64) -> AppResult<Members> {
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

/// Mails a colleague a single-use link to join, valid for a week.
pub async fn invite(
    app: &AppState,
    user: &AuthUser,
    organisation_id: i64,
    email: String,
) -> AppResult<()> {
    let email = check_email("email", &email).map_err(|e| AppError::invalid(vec![e]))?;
    let now = app.clock.now();
    let public_url = app.config.public_url.clone();
    let user = user.clone();
    app.db
        .run(move |conn| {
            conn.transaction(|conn| {
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
                let id: i64 = diesel::insert_into(organisation_invitations::table)
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
    organisation_id: i64,
    invitation_id: i64,
) -> AppResult<()> {
    let user = user.clone();
    app.db
        .run(move |conn| {
            conn.transaction(|conn| {
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
    pub id: i64,
    pub organisation_id: i64,
    pub email: String,
}

fn find_invitation(
    conn: &mut DbConn,
    token: &str,
    now: NaiveDateTime,
) -> AppResult<InvitationInfo> {
    let found: Option<(i64, i64, String, NaiveDateTime, Option<NaiveDateTime>)> =
        organisation_invitations::table
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
pub async fn accept_invitation(app: &AppState, user: &AuthUser, token: String) -> AppResult<i64> {
    let now = app.clock.now();
    let user = user.clone();
    app.db
        .run(move |conn| {
            conn.transaction(|conn| {
                let info = find_invitation(conn, &token, now)?;
                if accounts::normalize_email(&info.email) != user.email {
                    return Err(AppError::forbidden("invitation_other_email"));
                }
                if of_member(conn, user.id)?.is_some() {
                    return Err(AppError::refused(StatusCode::CONFLICT, "already_member"));
                }
                diesel::update(organisation_invitations::table.find(info.id))
                    .set(organisation_invitations::accepted_at.eq(now))
                    .execute(conn)?;
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

/// Leaves the organisation. The last member cannot: they delete it instead.
pub async fn leave(app: &AppState, user: &AuthUser, organisation_id: i64) -> AppResult<()> {
    let user = user.clone();
    app.db
        .run(move |conn| {
            conn.transaction(|conn| {
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
    organisation_id: i64,
    reason: String,
) -> AppResult<i64> {
    let now = app.clock.now();
    let user = user.clone();
    app.db
        .run(move |conn| {
            conn.transaction(|conn| {
                let org = find(conn, organisation_id)?;
                if !org.is_public() {
                    return Err(AppError::not_found());
                }
                let reason = check_reason("flag_reason", &reason, MAX_FLAG_REASON)?;
                let id: i64 = diesel::insert_into(profile_flags::table)
                    .values((
                        profile_flags::organisation_id.eq(org.id),
                        profile_flags::reporter_id.eq(user.id),
                        profile_flags::reason.eq(&reason),
                        profile_flags::created_at.eq(now),
                    ))
                    .returning(profile_flags::id)
                    .get_result(conn)?;
                audit(
                    conn,
                    &user,
                    "profile.flag",
                    "organisation",
                    org.id,
                    Some(&reason),
                    now,
                )?;
                Ok(id)
            })
        })
        .await
}

/// The organisation of `user_id`, for the personal-data export.
pub fn export_for(conn: &mut DbConn, user_id: i64) -> AppResult<Option<OrganisationView>> {
    of_member(conn, user_id)?
        .map(|org| OrganisationView::new(&org))
        .transpose()
}
