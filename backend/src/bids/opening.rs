//! Opening a tender's bids: the owning officer, once, after the deadline
//! on the server's clock, with an audit entry in the same transaction.
//! From then on the officer reads the submitted bids and their count.

use axum::http::StatusCode;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::AppState;
use crate::audit;
use crate::auth::AuthUser;
use crate::db::ids::TenderId;
use crate::db::schema::bid_openings;
use crate::db::write_transaction;
use crate::error::{AppError, AppResult};
use crate::tenders::model as tenders;
use crate::tenders::service::Viewer;

use super::access::{deadline_passed, opened_at};
use super::model::submitted_for_tender;

#[derive(Debug, Serialize, ToSchema)]
pub struct Opening {
    #[schema(value_type = i64)]
    pub tender_id: TenderId,
    #[serde(with = "crate::web::utc")]
    pub opened_at: NaiveDateTime,
    /// The submitted bids, all lots together.
    pub bids: usize,
}

pub async fn open_bids(
    app: &AppState,
    officer: &AuthUser,
    tender_id: TenderId,
) -> AppResult<Opening> {
    let now = app.clock.now();
    let officer = officer.clone();
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let tender = tenders::find(conn, tender_id)?;
                let viewer = Viewer(Some(&officer));
                if !viewer.can_see(&tender) {
                    return Err(AppError::not_found());
                }
                if !viewer.owns(&tender) {
                    return Err(AppError::forbidden("tender_not_yours"));
                }
                if tender.status == tenders::Status::Cancelled {
                    return Err(AppError::refused(StatusCode::CONFLICT, "tender_cancelled"));
                }
                if !deadline_passed(&tender, now) {
                    return Err(AppError::refused(
                        StatusCode::CONFLICT,
                        "bids_before_deadline",
                    ));
                }
                if opened_at(conn, tender_id)?.is_some() {
                    return Err(AppError::refused(
                        StatusCode::CONFLICT,
                        "bids_already_opened",
                    ));
                }
                diesel::insert_into(bid_openings::table)
                    .values((
                        bid_openings::tender_id.eq(tender_id),
                        bid_openings::opened_by.eq(officer.id),
                        bid_openings::opened_at.eq(now),
                    ))
                    .execute(conn)?;
                audit::record(
                    conn,
                    &officer,
                    "open_bids",
                    "tender",
                    tender_id.0,
                    None,
                    now,
                )?;
                Ok(Opening {
                    tender_id,
                    opened_at: now,
                    bids: submitted_for_tender(conn, tender_id)?.len(),
                })
            })
        })
        .await
}
