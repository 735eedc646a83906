//! The public directory: approved, unsuspended profiles, filtered in the
//! database by CPV and region (any level, both ways along the tree), social
//! objective, RSV status and reserved-contract eligibility.

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::app::AppState;
use crate::db::ids::OrganisationId;
use crate::db::schema::{organisation_codes, organisations};
use crate::error::{AppError, AppResult, FieldError};
use crate::profiles::model::ProfileData;
use crate::profiles::service::{self, Organisation};
use crate::web::openapi::{one_of_or_empty, social_objective_or_empty};
use socialbid_codes::{cpv, eforms, nuts, tree};

pub const PER_PAGE: i64 = 20;

/// Directory filters; all optional, combined with AND.
#[derive(Debug, Clone, Default, Deserialize, IntoParams, Serialize)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct Filter {
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
    /// Page number, from 1.
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

/// A checked filter, or the field and rule it breaks.
struct Checked {
    cpv: Option<(String, Vec<String>)>,
    nuts: Option<(String, Vec<String>)>,
    objective: Option<String>,
    rsv: bool,
    /// The reservations a profile must be eligible for at least one of.
    reserved: Vec<String>,
    page: i64,
}

fn check(filter: &Filter) -> AppResult<Checked> {
    let mut errors = Vec::new();
    let cpv = match filter.cpv.trim() {
        "" => None,
        raw => match cpv::parse(raw) {
            Ok(c) => Some((cpv::prefix(&c.code).to_owned(), cpv::ancestors(&c.code))),
            Err(_) => {
                errors.push(FieldError::new("cpv", "unknown").with("code", raw));
                None
            }
        },
    };
    let nuts = match filter.nuts.trim() {
        "" => None,
        raw => match nuts::find(&raw.to_uppercase()) {
            Some(r) => Some((r.code.clone(), nuts::ancestors(&r.code))),
            None => {
                errors.push(FieldError::new("nuts", "unknown").with("code", raw));
                None
            }
        },
    };
    let objective = match filter.objective.trim() {
        "" => None,
        raw if eforms::social_objectives().contains(raw) => Some(raw.to_owned()),
        raw => {
            errors.push(FieldError::new("objective", "unknown").with("code", raw));
            None
        }
    };
    let reserved: Vec<String> = filter
        .reserved
        .split(',')
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned)
        .collect();
    if reserved
        .iter()
        .any(|r| !matches!(r.as_str(), "res-ws" | "res-pub-ser"))
    {
        errors.push(FieldError::new("reserved", "invalid"));
    }
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    Ok(Checked {
        cpv,
        nuts,
        objective,
        rsv: filter.rsv == "yes",
        reserved,
        page: filter.page.unwrap_or(1).max(1),
    })
}

/// Approved, unsuspended profiles matching `filter`, a page at a time,
/// ordered by name.
pub async fn search(app: &AppState, filter: &Filter) -> AppResult<DirectoryPage> {
    let checked = check(filter)?;
    app.db
        .run(move |conn| {
            let query = || {
                let mut q = organisations::table
                    .filter(organisations::approved_facts.is_not_null())
                    .filter(organisations::suspended_at.is_null())
                    .into_boxed();
                if let Some((prefix, ancestors)) = &checked.cpv {
                    q = q.filter(
                        organisations::id.eq_any(
                            organisation_codes::table
                                .filter(organisation_codes::kind.eq("cpv"))
                                .filter(
                                    organisation_codes::code
                                        .ge(tree::prefix_range(prefix).0)
                                        .and(
                                            organisation_codes::code
                                                .lt(tree::prefix_range(prefix).1),
                                        )
                                        .or(organisation_codes::code.eq_any(ancestors.clone())),
                                )
                                .select(organisation_codes::organisation_id),
                        ),
                    );
                }
                if let Some((code, ancestors)) = &checked.nuts {
                    q = q.filter(
                        organisations::id.eq_any(
                            organisation_codes::table
                                .filter(organisation_codes::kind.eq("nuts"))
                                .filter(
                                    organisation_codes::code
                                        .ge(tree::prefix_range(code).0)
                                        .and(
                                            organisation_codes::code.lt(tree::prefix_range(code).1),
                                        )
                                        .or(organisation_codes::code.eq_any(ancestors.clone())),
                                )
                                .select(organisation_codes::organisation_id),
                        ),
                    );
                }
                if let Some(objective) = &checked.objective {
                    q = q.filter(
                        organisations::id.eq_any(
                            organisation_codes::table
                                .filter(organisation_codes::kind.eq("objective"))
                                .filter(organisation_codes::code.eq(objective.clone()))
                                .select(organisation_codes::organisation_id),
                        ),
                    );
                }
                if checked.rsv {
                    q = q.filter(organisations::public_rsv.eq(true));
                }
                let ws = checked.reserved.iter().any(|r| r == "res-ws");
                let pub_ser = checked.reserved.iter().any(|r| r == "res-pub-ser");
                match (ws, pub_ser) {
                    (true, true) => {
                        q = q.filter(
                            organisations::public_res_ws
                                .eq(true)
                                .or(organisations::public_res_pub_ser.eq(true)),
                        )
                    }
                    (true, false) => q = q.filter(organisations::public_res_ws.eq(true)),
                    (false, true) => q = q.filter(organisations::public_res_pub_ser.eq(true)),
                    (false, false) => {}
                }
                q
            };
            let total: i64 = query().count().get_result(conn)?;
            let pages = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
            let page = checked.page.min(pages);
            let rows: Vec<Organisation> = query()
                .order((organisations::public_name, organisations::id))
                .limit(PER_PAGE)
                .offset((page - 1).saturating_mul(PER_PAGE))
                .select(Organisation::as_select())
                .load(conn)?;
            let mut items = Vec::with_capacity(rows.len());
            for org in &rows {
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
            Ok(DirectoryPage {
                total,
                page,
                per_page: PER_PAGE,
                pages,
                items,
            })
        })
        .await
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
