//! A tender's matches become mail to the members of the matched
//! organisations: once per person and tender, whether the tender matched
//! when published or only after an amendment, and never to an organisation
//! the hard rules exclude now (a reserved tender reaches only eligible
//! organisations; a suspended profile reaches nobody).

use chrono::NaiveDateTime;

use super::kinds::Kind;
use super::record::{Event, notify_all};
use crate::db::DbConn;
use crate::db::ids::TenderId;
use crate::error::AppResult;
use crate::matching;
use crate::profiles::service::member_ids;
use crate::tenders::model::{self as tender_model, Status};

/// Call in the transaction that stores the tender's matches.
pub fn tender_matched(
    conn: &mut DbConn,
    tender_id: TenderId,
    public_url: &str,
    now: NaiveDateTime,
) -> AppResult<usize> {
    let row = tender_model::find(conn, tender_id)?;
    if row.status != Status::Published {
        return Ok(0);
    }
    let matches = matching::tender_matches(conn, &row, matching::MAX_LIMIT as usize * 2)?;
    let mut recorded = 0;
    for m in matches.items {
        let members = member_ids(conn, &[m.organisation_id])?;
        let percent = (m.score.clamp(0.0, 1.0) * 100.0).round() as i32;
        let event = Event {
            kind: Kind::Match,
            key: format!("match:tender:{tender_id}"),
            tender_id: Some(tender_id),
            vars: serde_json::json!({
                "title": row.title,
                "organisation": m.name,
                "percent": percent,
                "reasons": m.reasons,
                "deadline": row.submission_deadline,
                "link": format!("{public_url}/tenders/{tender_id}"),
            }),
            strength: Some(percent),
        };
        recorded += notify_all(conn, members, &event, now)?;
    }
    Ok(recorded)
}
