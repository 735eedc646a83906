//! Awards as OCDS releases, added to the tender's package: one `award`
//! release per awarded lot (the winner, and a consortium's partners, as
//! `supplier` parties, the price as
//! the award's value, `numberOfTenderers` on the tender), and a `contract`
//! release once its contract is signed. Nothing of a bid that did not win
//! is published, only how many bids there were.

use serde_json::{Value, json};

use crate::app::AppState;
use crate::bids::model::submitted_for_tender;
use crate::db::DbConn;
use crate::db::ids::{OrganisationId, TenderId};
use crate::error::AppResult;
use crate::profiles::service as profiles;
use crate::tenders::model as tenders;

use super::award::awards_of;

fn time(at: chrono::NaiveDateTime) -> String {
    at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The party id of an organisation: its CVR number where it has one.
fn supplier_party(
    conn: &mut DbConn,
    organisation_id: OrganisationId,
    name: &str,
) -> AppResult<Value> {
    let org = profiles::find(conn, organisation_id)?;
    let cvr = org.registry_key.clone();
    let danish = cvr.len() == 8 && cvr.chars().all(|c| c.is_ascii_digit());
    let mut party = json!({
        "id": if danish { format!("DK-CVR-{cvr}") } else { format!("organisation-{organisation_id}") },
        "name": name,
        "roles": ["supplier"],
    });
    if danish {
        party["identifier"] = json!({ "scheme": "DK-CVR", "id": cvr, "legalName": name });
    }
    Ok(party)
}

/// The award and contract releases of tender `tender_id` under `ocid`.
pub fn award_releases(
    app: &AppState,
    conn: &mut DbConn,
    tender_id: TenderId,
    ocid: &str,
) -> AppResult<Vec<Value>> {
    let awards = awards_of(app, conn, tender_id)?;
    if awards.is_empty() {
        return Ok(Vec::new());
    }
    let tender = tenders::find(conn, tender_id)?;
    let (buyer_name, buyer_cvr, _) = tenders::authority_name(conn, tender.authority_id)?;
    let buyer_id = if buyer_cvr.len() == 8 && buyer_cvr.chars().all(|c| c.is_ascii_digit()) {
        format!("DK-CVR-{buyer_cvr}")
    } else {
        format!("authority-{buyer_cvr}")
    };
    let mut tenderers: Vec<OrganisationId> = submitted_for_tender(conn, tender_id)?
        .iter()
        .map(|b| b.organisation_id)
        .collect();
    tenderers.sort_unstable();
    tenderers.dedup();
    let mut releases = Vec::new();
    for award in awards {
        // A consortium's members are all suppliers of the award.
        let mut suppliers = vec![supplier_party(
            conn,
            award.organisation_id,
            &award.organisation_name,
        )?];
        for partner in &award.partners {
            suppliers.push(supplier_party(
                conn,
                partner.organisation_id,
                &partner.name,
            )?);
        }
        let award_id = format!("award-{}", award.lot);
        let mut award_json = json!({
            "id": award_id,
            "status": "active",
            "date": time(award.awarded_at),
            "suppliers": suppliers.iter()
                .map(|s| json!({ "id": s["id"], "name": s["name"] }))
                .collect::<Vec<_>>(),
        });
        if let Some(price) = award.price {
            award_json["value"] = json!({ "amount": price, "currency": tender.currency });
        }
        if let Some(lot) = usize::try_from(award.lot - 1)
            .ok()
            .and_then(|i| tender.lots.0.get(i))
        {
            award_json["title"] = json!(lot.title);
        }
        let base = |id: String, date: String, tag: &str| {
            json!({
                "ocid": ocid,
                "id": id,
                "date": date,
                "tag": [tag],
                "initiationType": "tender",
                "language": tender.language,
                "parties": std::iter::once(
                    json!({ "id": buyer_id, "name": buyer_name, "roles": ["buyer", "procuringEntity"] }),
                )
                .chain(suppliers.iter().cloned())
                .collect::<Vec<_>>(),
                "buyer": { "id": buyer_id, "name": buyer_name },
                "tender": { "id": tender_id.to_string(), "numberOfTenderers": tenderers.len() },
            })
        };
        let mut release = base(
            format!("{ocid}-award-{}", award.lot),
            time(award.awarded_at),
            "award",
        );
        release["awards"] = json!([award_json]);
        releases.push(release);
        if let Some(signed) = award.signed_at {
            let mut release = base(
                format!("{ocid}-contract-{}", award.lot),
                time(signed),
                "contract",
            );
            release["contracts"] = json!([{
                "id": format!("contract-{}", award.lot),
                "awardID": award_id,
                "status": "active",
                "dateSigned": time(signed),
            }]);
            releases.push(release);
        }
    }
    Ok(releases)
}
