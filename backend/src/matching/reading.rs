//! Reading stored matches: who may, and what they see. Every list is
//! checked against the state as it is now, not as it was when the job ran:
//! a profile suspended since, a tender closed since, and above all a
//! profile not (or no longer) eligible for a reserved tender (Articles 20
//! and 77 are a hard rule) never appear in any list or count.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::reasons::ReasonView;
use super::store::{self, StoredMatch};
use crate::app::AppState;
use crate::auth::{AuthUser, Role};
use crate::db::DbConn;
use crate::db::ids::{AuthorityId, OrganisationId, TenderId};
use crate::db::schema::{organisations, tenders};
use crate::error::{AppError, AppResult, FieldError};
use crate::profiles::service::{self as profiles, Organisation};
use crate::search::documents;
use crate::tenders::model::{self as tender_model, TenderRow};
use crate::tenders::service::Viewer;

/// The most matches one request may ask for.
pub const MAX_LIMIT: i64 = 100;
/// How many a request gets when it does not say.
pub const DEFAULT_LIMIT: i64 = 20;

/// A profile that could deliver the tender.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileMatchView {
    #[schema(value_type = i64)]
    pub organisation_id: OrganisationId,
    pub name: String,
    /// 0 to 1: the sum of the reasons' contributions.
    pub score: f64,
    pub reasons: Vec<ReasonView>,
    #[serde(with = "crate::web::utc")]
    pub computed_at: NaiveDateTime,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TenderMatches {
    #[schema(value_type = i64)]
    pub tender_id: TenderId,
    /// Every profile that matches now, however many are shown.
    pub total: usize,
    pub items: Vec<ProfileMatchView>,
}

/// An open tender the organisation could win.
#[derive(Debug, Serialize, ToSchema)]
pub struct TenderMatchView {
    #[schema(value_type = i64)]
    pub tender_id: TenderId,
    pub title: String,
    /// ISO 639-1 code of the language the title is written in.
    pub language: String,
    #[schema(value_type = i64)]
    pub authority_id: AuthorityId,
    #[serde(with = "crate::web::utc::option")]
    pub submission_deadline: Option<NaiveDateTime>,
    /// eForms BT-71 codes (`res-ws`, `res-pub-ser`); empty when open to all.
    pub reserved: Vec<String>,
    pub score: f64,
    pub reasons: Vec<ReasonView>,
    #[serde(with = "crate::web::utc")]
    pub computed_at: NaiveDateTime,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationMatches {
    #[schema(value_type = i64)]
    pub organisation_id: OrganisationId,
    /// Every open tender that matches now, however many are shown.
    pub total: usize,
    pub items: Vec<TenderMatchView>,
    /// The open matches the organisation said are not for it, best first
    /// (not in `items` or `total`); a dismissal can be undone.
    pub dismissed: Vec<TenderMatchView>,
}

/// `limit` as asked: 1 to [`MAX_LIMIT`], [`DEFAULT_LIMIT`] when left out.
pub fn checked_limit(limit: Option<i64>) -> AppResult<usize> {
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(AppError::bad_parameters(vec![
            FieldError::new("limit", "out_of_range").with("max", MAX_LIMIT),
        ]));
    }
    Ok(limit as usize)
}

/// A tender's matches, for officers of its authority and admins: 404 when
/// the caller may not know it exists (another authority's draft), 403 when
/// it may see the tender but not who could bid.
pub async fn for_tender(
    app: &AppState,
    user: &AuthUser,
    tender_id: TenderId,
    limit: usize,
) -> AppResult<TenderMatches> {
    let user = user.clone();
    app.db
        .run(move |conn| {
            let row = tender_model::find(conn, tender_id)?;
            let viewer = Viewer(Some(&user));
            if !viewer.can_see(&row) {
                return Err(AppError::not_found());
            }
            if !(viewer.owns(&row) || viewer.is_admin()) {
                return Err(AppError::forbidden("tender_not_yours"));
            }
            tender_matches(conn, &row, limit)
        })
        .await
}

pub(crate) fn tender_matches(
    conn: &mut DbConn,
    row: &TenderRow,
    limit: usize,
) -> AppResult<TenderMatches> {
    let Some(tender) = documents::tender_doc(row) else {
        return Ok(TenderMatches {
            tender_id: row.id,
            total: 0,
            items: Vec::new(),
        });
    };
    let stored = store::of_tender(conn, row.id)?;
    let ids: Vec<OrganisationId> = stored.iter().map(|m| m.organisation_id).collect();
    let orgs: HashMap<OrganisationId, Organisation> = organisations::table
        .filter(organisations::id.eq_any(&ids))
        .select(Organisation::as_select())
        .load::<Organisation>(conn)?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let mut items = Vec::new();
    for m in stored {
        let Some(org) = orgs.get(&m.organisation_id) else {
            continue;
        };
        let Some(profile) = documents::profile_doc(org)? else {
            continue;
        };
        if !profile.is_eligible_for_any(&tender.reserved) {
            continue;
        }
        items.push(ProfileMatchView {
            organisation_id: m.organisation_id,
            name: profile.name.clone(),
            score: m.score,
            reasons: m.reasons()?,
            computed_at: m.computed_at,
        });
    }
    let total = items.len();
    items.truncate(limit);
    Ok(TenderMatches {
        tender_id: row.id,
        total,
        items,
    })
}

/// An organisation's matches, for its members and admins: 403 for anyone
/// else.
pub async fn for_organisation(
    app: &AppState,
    user: &AuthUser,
    organisation_id: OrganisationId,
    limit: usize,
) -> AppResult<OrganisationMatches> {
    let user = user.clone();
    let now = app.clock.now();
    app.db
        .run(move |conn| {
            let org = profiles::find(conn, organisation_id)?;
            if user.role != Role::Admin && !profiles::is_member(conn, org.id, user.id)? {
                return Err(AppError::forbidden("not_member"));
            }
            organisation_matches(conn, &org, now, limit)
        })
        .await
}

pub(super) fn organisation_matches(
    conn: &mut DbConn,
    org: &Organisation,
    now: NaiveDateTime,
    limit: usize,
) -> AppResult<OrganisationMatches> {
    let mut result = OrganisationMatches {
        organisation_id: org.id,
        total: 0,
        items: Vec::new(),
        dismissed: Vec::new(),
    };
    let Some(profile) = documents::profile_doc(org)? else {
        return Ok(result);
    };
    let stored: Vec<StoredMatch> = store::of_organisation(conn, org.id)?;
    let dismissed = super::dismissals::of_organisation(conn, org.id)?;
    let ids: Vec<TenderId> = stored.iter().map(|m| m.tender_id).collect();
    let rows: HashMap<TenderId, TenderRow> = tenders::table
        .filter(tenders::id.eq_any(&ids))
        .select(TenderRow::as_select())
        .load::<TenderRow>(conn)?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let now_ts = now.and_utc().timestamp();
    for m in stored {
        let Some(row) = rows.get(&m.tender_id) else {
            continue;
        };
        let Some(tender) = documents::tender_doc(row) else {
            continue;
        };
        if !tender.is_open(now_ts) || !profile.is_eligible_for_any(&tender.reserved) {
            continue;
        }
        let content = row.content();
        let list = if dismissed.contains(&row.id) {
            &mut result.dismissed
        } else {
            &mut result.items
        };
        list.push(TenderMatchView {
            tender_id: row.id,
            title: content.title.clone(),
            language: content.language.clone(),
            authority_id: row.authority_id,
            submission_deadline: content.submission_deadline,
            reserved: content.all_reserved(),
            score: m.score,
            reasons: m.reasons()?,
            computed_at: m.computed_at,
        });
    }
    result.total = result.items.len();
    result.items.truncate(limit);
    Ok(result)
}
