//! Tenders as stored: the live row, its content (what an officer writes and
//! a version freezes), and the queries on them.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::DbConn;
use crate::db::ids::{AuthorityId, TenderId, UserId};
use crate::db::schema::{authorities, tender_versions, tenders};
use crate::db::stored::{JsonText, StoredState, read_from_text};
use crate::tenders::money::Amount;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, diesel::FromSqlRow,
)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Draft,
    Published,
    Closed,
    Cancelled,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Published => "published",
            Status::Closed => "closed",
            Status::Cancelled => "cancelled",
        }
    }

    pub fn parse(value: &str) -> Option<Status> {
        match value {
            "draft" => Some(Status::Draft),
            "published" => Some(Status::Published),
            "closed" => Some(Status::Closed),
            "cancelled" => Some(Status::Cancelled),
            _ => None,
        }
    }

    pub const ALL: [Status; 4] = [
        Status::Draft,
        Status::Published,
        Status::Closed,
        Status::Cancelled,
    ];
}

impl StoredState for Status {
    const WHAT: &'static str = "tender status";

    fn parse(value: &str) -> Option<Status> {
        Status::parse(value)
    }
}

read_from_text!(Status);

/// The kind of an award criterion. eForms knows price, cost (life-cycle
/// cost, BT-539 `cost`) and quality; a social-value criterion is a quality
/// criterion tagged with its social objectives (BT-775), kept apart here so
/// the platform can show how much weight social value carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum CriterionKind {
    Price,
    Cost,
    Quality,
    Social,
}

impl CriterionKind {
    pub const ALL: [CriterionKind; 4] = [
        CriterionKind::Price,
        CriterionKind::Cost,
        CriterionKind::Quality,
        CriterionKind::Social,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CriterionKind::Price => "price",
            CriterionKind::Cost => "cost",
            CriterionKind::Quality => "quality",
            CriterionKind::Social => "social",
        }
    }

    pub fn parse(value: &str) -> Option<CriterionKind> {
        CriterionKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == value)
    }
}

/// Reads BT-71 reservations as a list, or as the single code tenders held
/// before a tender could be reserved twice (the versions frozen then, and
/// clients that still send one code); `none` means no reservation.
pub fn one_or_many<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    let codes = match OneOrMany::deserialize(deserializer)? {
        OneOrMany::One(code) => vec![code],
        OneOrMany::Many(codes) => codes,
    };
    Ok(codes.into_iter().filter(|c| c.trim() != "none").collect())
}

/// One award criterion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    #[schema(example = "Beskæftigelse af ledige")]
    #[serde(default)]
    pub name: String,
    pub kind: CriterionKind,
    /// Percent; all weights sum to 100.
    #[schema(example = 30)]
    pub weight: i32,
    /// eForms BT-775 codes; required for social-value criteria.
    #[serde(default)]
    pub social_objectives: Vec<String>,
    #[serde(default)]
    pub description: String,
}

/// One lot: a part of the tender that can be bid on alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Lot {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// CPV codes (8 digits, optionally with the check digit).
    #[serde(default)]
    pub cpv_codes: Vec<String>,
    /// In the tender's currency. Lots stored before currencies came named
    /// it `estimated_value_dkk` (then always kroner, as the tender was).
    #[serde(default, alias = "estimated_value_dkk")]
    pub estimated_value: Option<Amount>,
    /// eForms BT-71 codes of this lot: `res-ws` (Article 20), `res-pub-ser`
    /// (Article 77); empty when the lot is not reserved.
    #[serde(default, deserialize_with = "one_or_many")]
    pub reserved: Vec<String>,
}

/// What an officer writes: a draft holds it with gaps, a version freezes it.
/// Versions frozen before currencies and several reservations hold
/// `estimated_value_dkk` and one `reserved` code; they read as kroner and a
/// list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Content {
    pub title: String,
    pub description: String,
    /// ISO 639-1 code of the language the text is written in: any official
    /// language of the EU or EEA (`socialbid_codes::text_language`).
    pub language: String,
    pub contract_nature: Option<String>,
    pub procedure_type: Option<String>,
    pub main_cpv: Option<String>,
    pub additional_cpv: Vec<String>,
    pub nuts_codes: Vec<String>,
    /// In `currency`, as published; optional (eForms BT-27 is).
    #[serde(default, alias = "estimated_value_dkk")]
    pub estimated_value: Option<Amount>,
    /// ISO 4217 code of the tender's values and its lots'.
    #[serde(default = "kroner")]
    pub currency: String,
    /// UTC.
    pub submission_deadline: Option<NaiveDateTime>,
    /// UTC.
    pub question_deadline: Option<NaiveDateTime>,
    /// eForms BT-71 codes; empty when the tender is not reserved.
    #[serde(deserialize_with = "one_or_many")]
    pub reserved: Vec<String>,
    pub strategic: Vec<String>,
    pub lots: Vec<Lot>,
    pub criteria: Vec<Criterion>,
}

fn kroner() -> String {
    "DKK".into()
}

impl Content {
    /// Every reservation of the tender and of its lots, each once: an
    /// organisation eligible for any one of them may take part.
    pub fn all_reserved(&self) -> Vec<String> {
        let mut all = self.reserved.clone();
        for code in self.lots.iter().flat_map(|l| &l.reserved) {
            if !all.contains(code) {
                all.push(code.clone());
            }
        }
        all
    }

    /// The total weight of the social-value criteria, in percent.
    pub fn social_weight(&self) -> i32 {
        self.criteria
            .iter()
            .filter(|c| c.kind == CriterionKind::Social)
            .map(|c| c.weight.clamp(0, 100))
            .sum::<i32>()
            .min(100)
    }

    /// Every CPV code the tender names: main, additional and the lots'.
    pub fn all_cpv(&self) -> Vec<String> {
        let mut all: Vec<String> = self.main_cpv.iter().cloned().collect();
        all.extend(self.additional_cpv.iter().cloned());
        for lot in &self.lots {
            all.extend(lot.cpv_codes.iter().cloned());
        }
        all
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = tenders)]
pub struct TenderRow {
    pub id: TenderId,
    pub authority_id: AuthorityId,
    pub created_by: Option<UserId>,
    pub status: Status,
    pub title: String,
    pub description: String,
    pub contract_nature: Option<String>,
    pub procedure_type: Option<String>,
    pub main_cpv: Option<String>,
    pub additional_cpv: JsonText<Vec<String>>,
    pub nuts_codes: JsonText<Vec<String>>,
    pub estimated_value_hundredths: Option<i64>,
    pub submission_deadline: Option<NaiveDateTime>,
    pub question_deadline: Option<NaiveDateTime>,
    pub reserved: JsonText<Vec<String>>,
    pub strategic: JsonText<Vec<String>>,
    pub lots: JsonText<Vec<Lot>>,
    pub criteria: JsonText<Vec<Criterion>>,
    pub social_weight: i32,
    pub version: i32,
    pub cancel_reason: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub published_at: Option<NaiveDateTime>,
    pub closed_at: Option<NaiveDateTime>,
    pub cancelled_at: Option<NaiveDateTime>,
    pub language: String,
    pub currency: String,
}

pub fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "[]".into())
}

impl TenderRow {
    pub fn content(&self) -> Content {
        Content {
            title: self.title.clone(),
            description: self.description.clone(),
            language: self.language.clone(),
            contract_nature: self.contract_nature.clone(),
            procedure_type: self.procedure_type.clone(),
            main_cpv: self.main_cpv.clone(),
            additional_cpv: self.additional_cpv.0.clone(),
            nuts_codes: self.nuts_codes.0.clone(),
            estimated_value: self.estimated_value_hundredths.map(Amount),
            currency: self.currency.clone(),
            submission_deadline: self.submission_deadline,
            question_deadline: self.question_deadline,
            reserved: self.reserved.0.clone(),
            strategic: self.strategic.0.clone(),
            lots: self.lots.0.clone(),
            criteria: self.criteria.0.clone(),
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = tender_versions)]
pub struct VersionRow {
    pub id: i64,
    pub tender_id: TenderId,
    pub version: i32,
    pub kind: String,
    pub snapshot: JsonText<Content>,
    pub changes: JsonText<ChangeLog>,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
}

/// One line of a change log: which field changed, from what, to what, as
/// plain text already (codes with their labels are worded by the view).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Change {
    /// `title`, `submission_deadline`, `criteria`, `status`, ...
    pub field: String,
    pub before: String,
    pub after: String,
}

/// What the versions table stores beside the content: the reason the
/// officer gave for an amendment or cancellation.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct ChangeLog {
    pub reason: Option<String>,
    pub changes: Vec<Change>,
}

pub fn find(conn: &mut DbConn, id: TenderId) -> QueryResult<TenderRow> {
    tenders::table
        .find(id)
        .select(TenderRow::as_select())
        .first(conn)
}

pub fn authority_name(conn: &mut DbConn, id: AuthorityId) -> QueryResult<(String, String, String)> {
    authorities::table
        .find(id)
        .select((authorities::name, authorities::cvr, authorities::nuts_code))
        .first(conn)
}

pub fn versions(conn: &mut DbConn, tender_id: TenderId) -> QueryResult<Vec<VersionRow>> {
    tender_versions::table
        .filter(tender_versions::tender_id.eq(tender_id))
        .order(tender_versions::version)
        .select(VersionRow::as_select())
        .load(conn)
}
