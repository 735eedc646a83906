//! What the index is told about a tender or an organisation: the plain
//! documents of the `indexer` crate, built from the rows as they are now.
//! `None` means the thing must not be searchable (a draft, a profile never
//! approved or suspended, a row deleted): the follower deletes it.

use std::collections::HashMap;

use diesel::prelude::*;
use socialbid_codes::text_language;
use socialbid_indexer::{
    ProfileDoc, ProfileText, Reservation, TenderDoc, TenderStatus, TenderText,
};

use crate::db::DbConn;
use crate::db::ids::{OrganisationId, TenderId};
use crate::db::schema::{organisations, tenders};
use crate::db::stored::JsonText;
use crate::error::{AppError, AppResult};
use crate::profiles::service::Organisation;
use crate::tenders::model::{Lot, Status, TenderRow};
use crate::tenders::money::{Amount, in_kroner};

/// The documents for these tenders, by id; ids not in the map are deleted.
pub fn tenders(conn: &mut DbConn, ids: &[TenderId]) -> AppResult<HashMap<TenderId, TenderDoc>> {
    let rows: Vec<TenderRow> = tenders::table
        .filter(tenders::id.eq_any(ids))
        .select(TenderRow::as_select())
        .load(conn)?;
    Ok(rows
        .iter()
        .filter_map(|row| tender_doc(row).map(|doc| (row.id, doc)))
        .collect())
}

/// The texts of these tenders, by index id: the index does not keep them.
/// Tenders not searchable (deleted, or drafts) are not in the map. Only the
/// text columns are read: search pages ask for them on every request.
pub fn tender_texts(conn: &mut DbConn, ids: &[u64]) -> AppResult<HashMap<u64, Vec<TenderText>>> {
    let ids: Vec<TenderId> = ids
        .iter()
        .filter_map(|id| i64::try_from(*id).ok().map(TenderId))
        .collect();
    let rows: Vec<TextRow> = tenders::table
        .filter(tenders::id.eq_any(&ids))
        .filter(tenders::status.ne(Status::Draft.as_str()))
        .select((
            tenders::id,
            tenders::language,
            tenders::title,
            tenders::description,
            tenders::lots,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let text = tender_text(row.language, row.title, &row.description, &row.lots.0);
            (unsigned(row.id.0), vec![text])
        })
        .collect())
}

/// The columns a tender's searchable text is made from.
#[derive(Queryable)]
struct TextRow {
    id: TenderId,
    language: String,
    title: String,
    description: String,
    lots: JsonText<Vec<Lot>>,
}

/// A tender's searchable text: the lots' own titles and descriptions are
/// part of what the tender is about, so they are searched with it.
fn tender_text(language: String, title: String, description: &str, lots: &[Lot]) -> TenderText {
    let mut description = description.to_owned();
    for lot in lots {
        description.push_str("\n\n");
        description.push_str(&lot.title);
        description.push('\n');
        description.push_str(&lot.description);
    }
    TenderText {
        lang: language,
        title,
        description,
    }
}

/// The documents for these organisations, by id; ids not in the map are
/// deleted.
pub fn profiles(
    conn: &mut DbConn,
    ids: &[OrganisationId],
) -> AppResult<HashMap<OrganisationId, ProfileDoc>> {
    let rows: Vec<Organisation> = organisations::table
        .filter(organisations::id.eq_any(ids))
        .select(Organisation::as_select())
        .load(conn)?;
    let mut docs = HashMap::new();
    for row in &rows {
        if let Some(doc) = profile_doc(row)? {
            docs.insert(row.id, doc);
        }
    }
    Ok(docs)
}

/// The index's view of a tender; drafts are not searchable.
pub fn tender_doc(row: &TenderRow) -> Option<TenderDoc> {
    let status = match row.status {
        Status::Draft => return None,
        Status::Published => TenderStatus::Published,
        Status::Closed => TenderStatus::Closed,
        Status::Cancelled => TenderStatus::Cancelled,
    };
    let content = row.content();
    let mut objectives: Vec<String> = content
        .criteria
        .iter()
        .flat_map(|c| c.social_objectives.iter().cloned())
        .collect();
    objectives.sort();
    objectives.dedup();
    Some(TenderDoc {
        id: unsigned(row.id.0),
        authority_id: unsigned(row.authority_id.0),
        texts: vec![tender_text(
            content.language.clone(),
            content.title.clone(),
            &content.description,
            &content.lots,
        )],
        cpv: content.all_cpv(),
        nuts: content.nuts_codes.clone(),
        objectives,
        // Eligible for any reservation of the tender or of one of its lots.
        reserved: reservations(&content.all_reserved()),
        status,
        deadline: content
            .submission_deadline
            .map(|d| d.and_utc().timestamp())
            .unwrap_or_default(),
        published: row
            .published_at
            .map(|d| d.and_utc().timestamp())
            .unwrap_or_default(),
        // Compared in kroner at the shipped reference rate.
        value_dkk: content
            .estimated_value
            .and_then(|v| in_kroner(v, &content.currency))
            .and_then(|v| u64::try_from(v.dkk).ok()),
        procedure: content.procedure_type.clone().unwrap_or_default(),
    })
}

/// The index's view of an organisation: its public profile (the last
/// approved facts), or nothing while it is not public.
pub fn profile_doc(row: &Organisation) -> AppResult<Option<ProfileDoc>> {
    let Some(profile) = row.public_profile()? else {
        return Ok(None);
    };
    let mut eligible = Vec::new();
    if profile.reserved_res_ws {
        eligible.push(Reservation::ShelteredWorkshops);
    }
    if profile.reserved_res_pub_ser {
        eligible.push(Reservation::PublicServiceMission);
    }
    let lang =
        text_language::guess_da_or_en(&format!("{} {}", profile.mission, profile.capabilities));
    Ok(Some(ProfileDoc {
        id: unsigned(row.id.0),
        organisation_id: unsigned(row.id.0),
        name: profile.organisation_name.clone(),
        texts: vec![ProfileText {
            lang: lang.to_owned(),
            mission: profile.mission.clone(),
            capabilities: profile.capabilities.clone(),
        }],
        cpv: profile.cpv.clone(),
        nuts: profile.nuts.clone(),
        objectives: profile.social_objectives.clone(),
        eligible,
        // Compared with tender values in kroner, whatever it is given in.
        capacity_dkk: profile
            .max_contract_value
            .and_then(|v| {
                in_kroner(
                    Amount(v.saturating_mul(100)),
                    &profile.max_contract_currency,
                )
            })
            .and_then(|k| u64::try_from(k.dkk).ok()),
        rsv: profile.rsv_registered,
    }))
}

/// The reservations BT-71 codes name (`res-ws`, `res-pub-ser`).
fn reservations(codes: &[String]) -> Vec<Reservation> {
    codes
        .iter()
        .filter_map(|code| Reservation::from_code(code))
        .collect()
}

/// Ids are positive in both databases; the index keys documents by `u64`.
pub fn unsigned(id: i64) -> u64 {
    u64::try_from(id).unwrap_or_default()
}

impl From<socialbid_indexer::IndexError> for AppError {
    fn from(error: socialbid_indexer::IndexError) -> AppError {
        AppError::internal(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_one_or_several_reservations() {
        assert!(reservations(&[]).is_empty());
        assert_eq!(
            reservations(&["res-ws".into()]),
            vec![Reservation::ShelteredWorkshops]
        );
        assert_eq!(
            reservations(&["res-ws".into(), "res-pub-ser".into()]),
            vec![
                Reservation::ShelteredWorkshops,
                Reservation::PublicServiceMission
            ]
        );
    }
}
