//! Lists of tenders: the public list and the officer's authority's own.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::AppState;
use crate::auth::AuthUser;
use crate::db::ids::TenderId;
use crate::db::schema::{authorities, tenders};
use crate::db::stored::JsonText;
use crate::error::{AppError, AppResult};
use crate::tenders::model::Status;
use crate::tenders::money::{Amount, InKroner, in_kroner};

/// One line of a list of tenders.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TenderSummary {
    #[schema(value_type = i64)]
    pub id: TenderId,
    pub status: Status,
    pub title: String,
    /// ISO 639-1 code of the title's language.
    pub language: String,
    pub authority_name: String,
    pub main_cpv: Option<String>,
    /// In `currency`, as published.
    pub estimated_value: Option<Amount>,
    pub currency: String,
    /// The value in kroner, as lists compare it.
    pub estimated_value_in_kroner: Option<InKroner>,
    /// UTC.
    #[serde(with = "crate::web::utc::option")]
    pub submission_deadline: Option<NaiveDateTime>,
    /// eForms BT-71 codes of the tender.
    pub reserved: Vec<String>,
    pub social_weight: i32,
    #[serde(with = "crate::web::utc::option")]
    pub published_at: Option<NaiveDateTime>,
    #[serde(with = "crate::web::utc")]
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TenderPage {
    pub items: Vec<TenderSummary>,
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
    pub pages: i64,
}

pub const PER_PAGE: i64 = 20;
pub const MAX_PER_PAGE: i64 = 100;

/// Published and closed tenders, newest first.
pub async fn list_public(app: &AppState, page: i64, per_page: i64) -> AppResult<TenderPage> {
    let per_page = per_page.clamp(1, MAX_PER_PAGE);
    let page = page.max(1);
    app.db
        .run(move |conn| {
            let visible = [Status::Published.as_str(), Status::Closed.as_str()];
            let total: i64 = tenders::table
                .filter(tenders::status.eq_any(visible))
                .count()
                .get_result(conn)?;
            let items = tenders::table
                .inner_join(authorities::table)
                .filter(tenders::status.eq_any(visible))
                .order((tenders::published_at.desc(), tenders::id.desc()))
                .limit(per_page)
                .offset((page - 1).saturating_mul(per_page))
                .select(summary_columns())
                .load::<SummaryRow>(conn)?
                .into_iter()
                .map(SummaryRow::summary)
                .collect();
            Ok(TenderPage {
                items,
                page,
                per_page,
                total,
                pages: ((total + per_page - 1) / per_page).max(1),
            })
        })
        .await
}

#[derive(Queryable)]
struct SummaryRow {
    id: TenderId,
    status: Status,
    title: String,
    language: String,
    authority_name: String,
    main_cpv: Option<String>,
    estimated_value_hundredths: Option<i64>,
    currency: String,
    submission_deadline: Option<NaiveDateTime>,
    reserved: JsonText<Vec<String>>,
    social_weight: i32,
    published_at: Option<NaiveDateTime>,
    updated_at: NaiveDateTime,
}

impl SummaryRow {
    fn summary(self) -> TenderSummary {
        let estimated_value = self.estimated_value_hundredths.map(Amount);
        TenderSummary {
            id: self.id,
            status: self.status,
            title: self.title,
            language: self.language,
            authority_name: self.authority_name,
            main_cpv: self.main_cpv,
            estimated_value,
            estimated_value_in_kroner: estimated_value.and_then(|v| in_kroner(v, &self.currency)),
            currency: self.currency,
            submission_deadline: self.submission_deadline,
            reserved: self.reserved.0,
            social_weight: self.social_weight,
            published_at: self.published_at,
            updated_at: self.updated_at,
        }
    }
}

/// The columns a summary is read from, in `SummaryRow`'s order.
type SummaryColumns = (
    tenders::id,
    tenders::status,
    tenders::title,
    tenders::language,
    authorities::name,
    tenders::main_cpv,
    tenders::estimated_value_hundredths,
    tenders::currency,
    tenders::submission_deadline,
    tenders::reserved,
    tenders::social_weight,
    tenders::published_at,
    tenders::updated_at,
);

fn summary_columns() -> SummaryColumns {
    (
        tenders::id,
        tenders::status,
        tenders::title,
        tenders::language,
        authorities::name,
        tenders::main_cpv,
        tenders::estimated_value_hundredths,
        tenders::currency,
        tenders::submission_deadline,
        tenders::reserved,
        tenders::social_weight,
        tenders::published_at,
        tenders::updated_at,
    )
}

/// The summaries of these tenders, in no particular order (a search page
/// orders them as its hits).
pub fn summaries_by_id(
    conn: &mut crate::db::DbConn,
    ids: &[TenderId],
) -> QueryResult<Vec<TenderSummary>> {
    tenders::table
        .inner_join(authorities::table)
        .filter(tenders::id.eq_any(ids))
        .select(summary_columns())
        .load::<SummaryRow>(conn)
        .map(|rows| rows.into_iter().map(SummaryRow::summary).collect())
}

/// The officer's authority's tenders in every state, latest change first.
pub async fn list_for_authority(
    app: &AppState,
    officer: &AuthUser,
    status: Option<Status>,
) -> AppResult<Vec<TenderSummary>> {
    let authority_id = officer
        .authority_id
        .ok_or_else(|| AppError::forbidden("wrong_role"))?;
    app.db
        .run(move |conn| {
            let mut query = tenders::table
                .inner_join(authorities::table)
                .filter(tenders::authority_id.eq(authority_id))
                .into_boxed();
            if let Some(status) = status {
                query = query.filter(tenders::status.eq(status.as_str()));
            }
            Ok(query
                .order((tenders::updated_at.desc(), tenders::id.desc()))
                .limit(1000)
                .select(summary_columns())
                .load::<SummaryRow>(conn)?
                .into_iter()
                .map(SummaryRow::summary)
                .collect())
        })
        .await
}
