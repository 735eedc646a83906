//! An organisation as stored and as its members see it, and finding one:
//! by id, by member, or only for one of its members.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::AuthUser;
use crate::db::DbConn;
use crate::db::ids::{OrganisationId, UserId};
use crate::db::schema::{organisation_members, organisations};
use crate::error::{AppError, AppResult};
use crate::profiles::model::{IdentityCheck, ProfileData, VerifiedFacts};
use crate::profiles::service::ReviewState;

/// An organisation as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = organisations)]
pub struct Organisation {
    pub id: OrganisationId,
    /// The CVR number, or `country:national identifier` abroad.
    pub registry_key: String,
    pub draft: String,
    pub approved_facts: Option<String>,
    pub review_state: ReviewState,
    pub review_reason: Option<String>,
    pub reviewed_by: Option<UserId>,
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
    pub fn display_state(&self) -> &'static str {
        if self.suspended_at.is_some() {
            "suspended"
        } else {
            self.review_state.as_str()
        }
    }
}

/// Every state `display_state` can answer, in the order filters offer them:
/// suspension is shown as a state of its own though it is stored apart.
pub fn display_states() -> impl Iterator<Item = &'static str> {
    ReviewState::ALL
        .into_iter()
        .map(ReviewState::as_str)
        .chain(["suspended"])
}

/// `display_states` as the OpenAPI document lists them.
pub fn display_state_schema() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::Type::String)
        .enum_values(Some(display_states()))
        .build()
}

/// The organisation as its members (and admins) see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationView {
    #[schema(value_type = i64)]
    pub id: OrganisationId,
    /// `pending`, `approved`, `rejected`, `changes_requested` or `suspended`.
    #[schema(schema_with = display_state_schema)]
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
    /// What the platform checked about who the organisation is (a CVR
    /// number's checksum, a VAT number's format) and what the reviewer
    /// must check in a register.
    pub identity_checks: Vec<IdentityCheck>,
    #[serde(with = "crate::web::utc")]
    pub submitted_at: NaiveDateTime,
    #[serde(with = "crate::web::utc::option")]
    pub reviewed_at: Option<NaiveDateTime>,
    #[serde(with = "crate::web::utc")]
    pub created_at: NaiveDateTime,
    #[serde(with = "crate::web::utc")]
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
        let identity_checks = profile.facts().identity_checks();
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
            identity_checks,
            submitted_at: org.submitted_at,
            reviewed_at: org.reviewed_at,
            created_at: org.created_at,
            updated_at: org.updated_at,
        })
    }
}

/// Why a transaction holds an organisation's row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hold {
    /// To delete it, after checking that it has not bid.
    ToDelete,
    /// To submit a bid for it, relying on it staying.
    ToBid,
    /// To start a bid for it or join one as a partner: one at a time, so
    /// that it takes part in one bid per lot.
    ToTakePart,
}

/// Holds the organisation's row until the transaction ends, so that a
/// deletion and a bid submission cannot pass each other on PostgreSQL: a
/// deletion waits for a submission in progress and then sees its bid (and
/// refuses), a submission waits for a deletion and then finds no
/// organisation. Submissions hold it shared and do not wait for each
/// other. Starting a bid and joining one wait for each other (and for a
/// deletion), but not for submissions. SQLite runs one write transaction
/// at a time, so it needs nothing.
pub fn hold(conn: &mut DbConn, id: OrganisationId, why: Hold) -> QueryResult<()> {
    if let DbConn::Postgres(c) = conn {
        let row = organisations::table.find(id.0).select(organisations::id);
        match why {
            Hold::ToDelete => row.for_update().load::<i64>(c)?,
            Hold::ToBid => row.for_key_share().load::<i64>(c)?,
            Hold::ToTakePart => row.for_no_key_update().load::<i64>(c)?,
        };
    }
    Ok(())
}

pub fn find(conn: &mut DbConn, id: OrganisationId) -> QueryResult<Organisation> {
    organisations::table
        .find(id)
        .select(Organisation::as_select())
        .first(conn)
}

/// The organisation `user_id` belongs to, if any.
pub fn of_member(conn: &mut DbConn, user_id: UserId) -> QueryResult<Option<Organisation>> {
    organisation_members::table
        .inner_join(organisations::table)
        .filter(organisation_members::user_id.eq(user_id))
        .select(Organisation::as_select())
        .first(conn)
        .optional()
}

pub fn is_member(
    conn: &mut DbConn,
    organisation_id: OrganisationId,
    user_id: UserId,
) -> QueryResult<bool> {
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
    organisation_id: OrganisationId,
    user: &AuthUser,
) -> AppResult<Organisation> {
    let org = find(conn, organisation_id)?;
    if !is_member(conn, organisation_id, user.id)? {
        return Err(AppError::forbidden("not_member"));
    }
    Ok(org)
}
