//! Importing notices published on TED (eForms and TED XML) as read-only
//! tenders. `notice` reads the XML and knows nothing of the database;
//! `store` keeps each notice and rebuilds its procedure's tender from all
//! of the procedure's notices (`fold`); `run` imports batches, `sources`
//! reads files, folders and packages; `cli`, `api` and `pages` are the
//! three ways in.

pub mod api;
pub mod authority;
pub mod cli;
pub mod fold;
pub mod notice;
pub mod pages;
pub mod run;
pub mod sources;
pub mod store;
pub mod upload;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::DbConn;
use crate::db::ids::TenderId;
use crate::db::schema::imported_tenders;

/// Whether a tender came from an imported notice (and is read-only here).
pub fn is_imported(conn: &mut DbConn, tender_id: TenderId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(imported_tenders::table.find(tender_id))).get_result(conn)
}

/// Where an imported tender comes from, shown with it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportedFrom {
    /// `eforms` or `ted` (TED XML R2.0.8/R2.0.9).
    pub source: String,
    /// The Official Journal publication number.
    pub publication_number: Option<String>,
    /// The original notice on TED.
    pub link: Option<String>,
    /// ISO 639-1 language the notice was written in.
    pub notice_language: String,
    /// The winners, once a contract award notice is imported.
    #[schema(value_type = Vec<Object>)]
    pub awards: Vec<notice::Award>,
    #[serde(with = "crate::web::utc")]
    pub imported_at: NaiveDateTime,
}

/// (source, publication number, link, language, awards JSON, imported at)
type ImportedRow = (
    String,
    Option<String>,
    Option<String>,
    String,
    String,
    NaiveDateTime,
);

pub fn imported_from(conn: &mut DbConn, tender_id: TenderId) -> QueryResult<Option<ImportedFrom>> {
    let row: Option<ImportedRow> = imported_tenders::table
        .find(tender_id)
        .select((
            imported_tenders::source,
            imported_tenders::publication_number,
            imported_tenders::link,
            imported_tenders::notice_language,
            imported_tenders::awards,
            imported_tenders::created_at,
        ))
        .first(conn)
        .optional()?;
    let Some((source, publication_number, link, notice_language, awards, imported_at)) = row else {
        return Ok(None);
    };
    let awards = serde_json::from_str(&awards)
        .map_err(|e| diesel::result::Error::DeserializationError(Box::new(e)))?;
    Ok(Some(ImportedFrom {
        source,
        publication_number,
        link,
        notice_language,
        awards,
        imported_at,
    }))
}
