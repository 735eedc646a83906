//! The public directory: approved, unsuspended profiles, searched in the
//! profile index by words (name, mission, capabilities, any language), CPV
//! and region (any level, both ways along the tree), social objective, RSV
//! status and reserved-contract eligibility, with facet counts.

use std::collections::HashMap;

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use socialbid_indexer::search::MAX_OFFSET;
use socialbid_indexer::{IndexError, ProfileQuery, ProfileSort, Reservation};
use utoipa::{IntoParams, ToSchema};

use crate::app::AppState;
use crate::db::DbConn;
use crate::db::ids::OrganisationId;
use crate::db::schema::organisations;
use crate::error::{AppError, AppResult, FieldError};
use crate::profiles::model::ProfileData;
use crate::profiles::service::{self, Organisation};
use crate::search::filters;
use crate::search::indexes;
use crate::search::tender_search::Facet;
use crate::web::openapi::{one_of_or_empty, social_objective_or_empty};

pub const PER_PAGE: i64 = 20;
/// The deepest page the directory shows: the index keeps every profile up to
/// the page it shows, so past ten thousand the filters must narrow it.
pub const MAX_PAGES: i64 = MAX_OFFSET as i64 / PER_PAGE + 1;

/// Directory filters; all optional, combined with AND.
#[derive(Debug, Clone, Default, Deserialize, IntoParams, Serialize)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct Filter {
    /// Words in the name, mission or capabilities, in any language (at
    /// most 200 characters).
    pub q: String,
    /// A CPV code at any level (`853`, `85311000`): profiles whose codes
    /// lie under it, or above it (a supplier of `853` can deliver `85311000`).
    pub cpv: String,
    /// A NUTS 2021 code of the EU or EEA at any level (`DK01`, `DE`,
    /// `SE224`): profiles serving a region inside it, or a region that
    /// contains it.
    pub nuts: String,
    /// A BT-775 social objective code.
    #[param(schema_with = social_objective_or_empty)]
    pub objective: String,
    /// `yes` for RSV-registered enterprises only.
    pub rsv: String,
    /// `res-ws` (Article 20), `res-pub-ser` (Article 77), or both as
    /// `res-ws,res-pub-ser`: profiles eligible for at least one, as for a
    /// tender reserved under both.
    #[param(schema_with = reserved_filter)]
    pub reserved: String,
    /// Page number, from 1; past the end (or past page 501) the last page.
    pub page: Option<i64>,
}

fn reserved_filter() -> utoipa::openapi::Object {
    one_of_or_empty([
        "res-ws",
        "res-pub-ser",
        "res-ws,res-pub-ser",
        "res-pub-ser,res-ws",
    ])
}

/// One profile in the directory.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileSummary {
    #[schema(value_type = i64)]
    pub id: OrganisationId,
    pub name: String,
    pub cvr: String,
    pub legal_form: String,
    pub mission: String,
    pub rsv_registered: bool,
    pub reserved_res_ws: bool,
    pub reserved_res_pub_ser: bool,
    pub cpv: Vec<String>,
    pub nuts: Vec<String>,
    pub social_objectives: Vec<String>,
    pub employees: i32,
    pub target_group_employees: i32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DirectoryPage {
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    pub pages: i64,
    pub items: Vec<ProfileSummary>,
    pub facets: DirectoryFacets,
}

/// How many of the profiles found each value of a filter would keep.
#[derive(Debug, Serialize, ToSchema)]
pub struct DirectoryFacets {
    /// CPV divisions (two digits), or the level beneath the one filtered on.
    pub cpv_divisions: Vec<Facet>,
    /// Countries, Danish regions and the parts of a region filtered on.
    pub regions: Vec<Facet>,
    pub objectives: Vec<Facet>,
    /// The reservations (`res-ws`, `res-pub-ser`) the profiles are eligible for.
    pub reserved: Vec<Facet>,
    /// `rsv` and `not-rsv`.
    pub rsv: Vec<Facet>,
}

/// A public profile: what the organisation chose to show, never its
/// members.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicProfile {
    #[schema(value_type = i64)]
    pub id: OrganisationId,
    #[serde(flatten)]
    pub profile: ProfileData,
}

/// The filter as an index query, or the fields and rules it breaks.
fn to_query(filter: &Filter) -> AppResult<ProfileQuery> {
    let mut errors = filters::control_characters(&[
        ("q", &filter.q),
        ("cpv", &filter.cpv),
        ("nuts", &filter.nuts),
        ("objective", &filter.objective),
        ("rsv", &filter.rsv),
        ("reserved", &filter.reserved),
    ]);
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    let mut query = ProfileQuery {
        limit: PER_PAGE as usize,
        ..ProfileQuery::default()
    };
    query.words = filters::words(&filter.q, &mut errors);
    // Without words nothing is more relevant than anything else: a
    // directory reads alphabetically.
    query.sort = if query.words.is_empty() {
        ProfileSort::Name
    } else {
        ProfileSort::Relevance
    };
    query
        .cpv
        .extend(filters::cpv_code(&filter.cpv, &mut errors));
    query
        .nuts
        .extend(filters::region(&filter.nuts, &mut errors));
    query
        .objectives
        .extend(filters::objective(&filter.objective, &mut errors));
    for code in filter
        .reserved
        .split(',')
        .map(str::trim)
        .filter(|r| !r.is_empty())
    {
        match Reservation::from_code(code) {
            Some(reservation) if !query.eligible.contains(&reservation) => {
                query.eligible.push(reservation)
            }
            Some(_) => {}
            None => {
                errors.push(FieldError::new("reserved", "invalid"));
                break;
            }
        }
    }
    if filter.rsv == "yes" {
        query.rsv = Some(true);
    }
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    Ok(query)
}

/// Approved, unsuspended profiles matching `filter`, a page at a time, from
/// this process's profile index (alphabetical without words, best match
/// first with them); the page's profiles are then read as the database has
/// them now. A page past the end shows the last one.
pub async fn search(app: &AppState, filter: &Filter) -> AppResult<DirectoryPage> {
    let mut query = to_query(filter)?;
    let wanted = filter.page.unwrap_or(1).clamp(1, MAX_PAGES);
    query.offset = offset_of(wanted);
    let indexes = indexes(app).await?;
    let results = tokio::task::spawn_blocking(move || {
        let first = indexes.profiles.search(&query)?;
        let pages = pages_of(first.total);
        if wanted <= pages {
            return Ok((first, wanted));
        }
        query.offset = offset_of(pages);
        Ok::<_, IndexError>((indexes.profiles.search(&query)?, pages))
    })
    .await
    .map_err(AppError::internal)?;
    let (results, page) = results.map_err(AppError::internal)?;
    let ids: Vec<OrganisationId> = results
        .hits
        .iter()
        .filter_map(|hit| i64::try_from(hit.profile.organisation_id).ok())
        .map(OrganisationId)
        .collect();
    let items = app
        .db
        .run(move |conn| summaries_in_order(conn, &ids))
        .await?;
    let facets = results.facets;
    Ok(DirectoryPage {
        total: i64::try_from(results.total).unwrap_or(i64::MAX),
        page,
        per_page: PER_PAGE,
        pages: pages_of(results.total),
        items,
        facets: DirectoryFacets {
            cpv_divisions: facet_list(facets.cpv_divisions),
            regions: facet_list(facets.regions),
            objectives: facet_list(facets.objectives),
            reserved: facet_list(facets.eligible),
            rsv: facet_list(facets.rsv),
        },
    })
}

fn offset_of(page: i64) -> usize {
    usize::try_from((page - 1) * PER_PAGE).unwrap_or(0)
}

/// The pages a total fills, at least one, at most [`MAX_PAGES`].
fn pages_of(total: u64) -> i64 {
    let pages = i64::try_from(total.div_ceil(PER_PAGE as u64)).unwrap_or(i64::MAX);
    pages.clamp(1, MAX_PAGES)
}

fn facet_list(counts: Vec<socialbid_indexer::FacetCount>) -> Vec<Facet> {
    counts
        .into_iter()
        .map(|c| Facet {
            code: c.code,
            count: c.count,
        })
        .collect()
}

/// The public profiles of `ids`, in that order; one suspended or deleted
/// since the index last heard of it is left out.
fn summaries_in_order(conn: &mut DbConn, ids: &[OrganisationId]) -> AppResult<Vec<ProfileSummary>> {
    let mut rows: HashMap<OrganisationId, Organisation> = organisations::table
        .filter(organisations::id.eq_any(ids))
        .select(Organisation::as_select())
        .load(conn)?
        .into_iter()
        .map(|org: Organisation| (org.id, org))
        .collect();
    let mut items = Vec::with_capacity(ids.len());
    for id in ids {
        let Some(org) = rows.remove(id) else { continue };
        if let Some(p) = org.public_profile()? {
            items.push(ProfileSummary {
                id: org.id,
                name: p.organisation_name,
                cvr: p.cvr,
                legal_form: p.legal_form,
                mission: p.mission,
                rsv_registered: p.rsv_registered,
                reserved_res_ws: p.reserved_res_ws,
                reserved_res_pub_ser: p.reserved_res_pub_ser,
                cpv: p.cpv,
                nuts: p.nuts,
                social_objectives: p.social_objectives,
                employees: p.employees,
                target_group_employees: p.target_group_employees,
            });
        }
    }
    Ok(items)
}

/// A public profile; 404 for an unknown, unapproved or suspended one.
pub async fn public(app: &AppState, id: OrganisationId) -> AppResult<PublicProfile> {
    app.db
        .run(move |conn| {
            let org = service::find(conn, id)?;
            match org.public_profile()? {
                Some(profile) => Ok(PublicProfile { id, profile }),
                None => Err(AppError::not_found()),
            }
        })
        .await
}
