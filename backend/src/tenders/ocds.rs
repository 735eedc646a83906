//! Published tenders as OCDS 1.1 release packages. Each frozen version is
//! one release (publish → `tender`, amendment → `tenderAmendment`,
//! cancellation → `tenderCancellation`). Reserved participation and social
//! criteria go through the OCDS sustainability extension.
//!
//! The `ocid` is `{prefix}-{tender id}`. `ocds-socialbid` is this
//! project's own documented prefix; a public deployment registers its own
//! with the Open Contracting Partnership and sets `SOCIALBID_OCID_PREFIX`.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::app::AppState;
use crate::db::schema::{authorities, tender_documents, tender_versions, tenders};
use crate::db::stored::JsonText;
use crate::error::{AppError, AppResult};
use crate::tenders::model::{ChangeLog, Content, CriterionKind};
use socialbid_codes::{cpv, eforms};
use socialbid_frontend::Lang;

pub const SUSTAINABILITY_EXTENSION: &str = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_sustainability_extension/master/extension.json";
pub const RELEASES_PER_PAGE: i64 = 100;

fn time(at: NaiveDateTime) -> String {
    at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// BT-775 social objective → sustainability goal code.
fn goal_of(objective: &str) -> &'static str {
    match objective {
        "acc-all" => "social.accessibility",
        "et-eq" => "social.ethnicEquality",
        "gen-eq" => "social.genderEquality",
        "hum-right" => "social.humanRightsInSupplyChains",
        "opp" => "social.disadvantagedEmploymentOpportunities",
        "work-cond" => "social.laborRightsPromotion",
        _ => "social",
    }
}

/// eForms BT-105 → OCDS `procurementMethod` (closed codelist).
fn method_of(procedure: &str) -> &'static str {
    match procedure {
        "open" => "open",
        "neg-wo-call" => "limited",
        _ => "selective",
    }
}

fn category_of(nature: &str) -> &'static str {
    match nature {
        "supplies" => "goods",
        "works" => "works",
        _ => "services",
    }
}

struct VersionRecord {
    tender_id: i64,
    version: i32,
    kind: String,
    snapshot: Content,
    changes: ChangeLog,
    created_at: NaiveDateTime,
    published_at: Option<NaiveDateTime>,
    authority_name: String,
    authority_cvr: String,
    authority_nuts: String,
    /// The documents attached when this version was released.
    documents: Vec<DocumentRow>,
}

/// (id, file name, content type, attached at)
type DocumentRow = (i64, String, String, NaiveDateTime);

/// Attaches to each record the documents its tender had at its date.
fn with_documents(conn: &mut crate::db::DbConn, records: &mut [VersionRecord]) -> QueryResult<()> {
    let ids: Vec<i64> = records.iter().map(|r| r.tender_id).collect();
    let all: Vec<(i64, i64, String, String, NaiveDateTime)> = tender_documents::table
        .filter(tender_documents::tender_id.eq_any(ids))
        .filter(tender_documents::removed_at.is_null())
        .order(tender_documents::id)
        .select((
            tender_documents::tender_id,
            tender_documents::id,
            tender_documents::file_name,
            tender_documents::content_type,
            tender_documents::created_at,
        ))
        .load(conn)?;
    for record in records.iter_mut() {
        record.documents = all
            .iter()
            .filter(|d| d.0 == record.tender_id && d.4 <= record.created_at)
            .map(|d| (d.1, d.2.clone(), d.3.clone(), d.4))
            .collect();
    }
    Ok(())
}

fn release(record: &VersionRecord, public_url: &str, ocid_prefix: &str) -> Value {
    let content = &record.snapshot;
    let log = &record.changes;
    let ocid = format!("{ocid_prefix}-{}", record.tender_id);
    let party_id = format!("DK-CVR-{}", record.authority_cvr);
    let lang = Lang::from_code(&content.language).unwrap_or_default();
    let (tag, status) = match record.kind.as_str() {
        "amend" => ("tenderAmendment", "active"),
        "cancel" => ("tenderCancellation", "cancelled"),
        _ => ("tender", "active"),
    };
    let started = record.published_at.unwrap_or(record.created_at);

    let classification = |code: &str| {
        let found = cpv::find(code);
        json!({
            "scheme": "CPV",
            "id": code,
            "description": found.map(|c| c.label(lang).to_owned()).unwrap_or_default(),
        })
    };
    let mut items = Vec::new();
    if let Some(main) = &content.main_cpv {
        let mut item = json!({
            "id": "1",
            "description": content.title,
            "classification": classification(main),
        });
        if !content.additional_cpv.is_empty() {
            item["additionalClassifications"] = Value::Array(
                content
                    .additional_cpv
                    .iter()
                    .map(|c| classification(c))
                    .collect(),
            );
        }
        items.push(item);
    }
    for (i, lot) in content.lots.iter().enumerate() {
        if let Some((first, rest)) = lot.cpv_codes.split_first() {
            let mut item = json!({
                "id": format!("lot-{}", i + 1),
                "description": lot.title,
                "classification": classification(first),
            });
            if !rest.is_empty() {
                item["additionalClassifications"] =
                    Value::Array(rest.iter().map(|c| classification(c)).collect());
            }
            items.push(item);
        }
    }

    let mut sustainability = Vec::new();
    let reserved_label = eforms::reserved_procurement()
        .find(&content.reserved)
        .map(|c| c.label(lang).to_owned());
    match content.reserved.as_str() {
        "res-ws" => sustainability.push(json!({
            "goal": "social.disadvantagedEmploymentOpportunities",
            "strategies": ["reservedParticipation"],
            "description": reserved_label,
        })),
        "res-pub-ser" => sustainability.push(json!({
            "goal": "social",
            "strategies": ["reservedParticipation"],
            "description": reserved_label,
        })),
        _ => {}
    }
    let mut goals: Vec<&str> = Vec::new();
    for criterion in content
        .criteria
        .iter()
        .filter(|c| c.kind == CriterionKind::Social)
    {
        for objective in &criterion.social_objectives {
            let goal = goal_of(objective);
            if !goals.contains(&goal) {
                goals.push(goal);
            }
        }
    }
    for goal in goals {
        let described: Vec<String> = content
            .criteria
            .iter()
            .filter(|c| {
                c.kind == CriterionKind::Social
                    && c.social_objectives.iter().any(|o| goal_of(o) == goal)
            })
            .map(|c| format!("{} ({} %)", c.name, c.weight))
            .collect();
        sustainability.push(json!({
            "goal": goal,
            "strategies": ["awardCriteria"],
            "description": described.join("; "),
        }));
    }

    let criteria_text = content
        .criteria
        .iter()
        .map(|c| format!("{}: {} %", c.name, c.weight))
        .collect::<Vec<_>>()
        .join("; ");
    let mut tender = json!({
        "id": record.tender_id.to_string(),
        "title": content.title,
        "description": content.description,
        "status": status,
        "procuringEntity": { "id": party_id, "name": record.authority_name },
        "items": items,
        "hasEnquiries": false,
        "awardCriteria": if content.criteria.iter().all(|c| c.kind == CriterionKind::Price) { "priceOnly" } else { "ratedCriteria" },
        "awardCriteriaDetails": criteria_text,
        "submissionMethod": ["electronicSubmission"],
        "hasSustainability": !sustainability.is_empty(),
    });
    if !sustainability.is_empty() {
        tender["sustainability"] = Value::Array(sustainability);
    }
    if let Some(value) = content.estimated_value_dkk {
        tender["value"] = json!({ "amount": value, "currency": "DKK" });
    }
    if let Some(procedure) = &content.procedure_type {
        tender["procurementMethod"] = json!(method_of(procedure));
        if let Some(code) = eforms::procedure_types().find(procedure) {
            tender["procurementMethodDetails"] = json!(code.label(lang));
        }
    }
    if let Some(nature) = &content.contract_nature {
        tender["mainProcurementCategory"] = json!(category_of(nature));
    }
    if let Some(deadline) = content.submission_deadline {
        tender["tenderPeriod"] = json!({ "startDate": time(started), "endDate": time(deadline) });
    }
    if let Some(deadline) = content.question_deadline {
        tender["enquiryPeriod"] = json!({ "startDate": time(started), "endDate": time(deadline) });
    }
    if !record.documents.is_empty() {
        tender["documents"] = Value::Array(
            record
                .documents
                .iter()
                .map(|(id, name, content_type, at)| {
                    json!({
                        "id": id.to_string(),
                        "documentType": "biddingDocuments",
                        "title": name,
                        "url": format!("{public_url}/api/v1/tenders/{}/documents/{id}", record.tender_id),
                        "format": content_type,
                        "datePublished": time(*at),
                    })
                })
                .collect(),
        );
    }
    if record.kind != "publish" {
        tender["amendments"] = json!([{
            "id": format!("{}", record.version),
            "date": time(record.created_at),
            "rationale": log.reason.clone().unwrap_or_default(),
            "description": log.changes.iter().map(|c| c.field.clone()).collect::<Vec<_>>().join(", "),
        }]);
    }
    let mut region = json!({ "region": record.authority_nuts, "countryName": "Danmark" });
    if lang == Lang::En {
        region["countryName"] = json!("Denmark");
    }
    json!({
        "ocid": ocid,
        "id": format!("{ocid}-v{}", record.version),
        "date": time(record.created_at),
        "tag": [tag],
        "initiationType": "tender",
        "language": content.language,
        "parties": [{
            "id": party_id,
            "name": record.authority_name,
            "identifier": { "scheme": "DK-CVR", "id": record.authority_cvr, "legalName": record.authority_name },
            "address": region,
            "roles": ["buyer", "procuringEntity"],
        }],
        "buyer": { "id": party_id, "name": record.authority_name },
        "tender": tender,
        "links_hint": format!("{public_url}/tenders/{}", record.tender_id),
    })
}

fn package(
    releases: Vec<Value>,
    uri: String,
    published: NaiveDateTime,
    next: Option<String>,
) -> Value {
    let releases: Vec<Value> = releases
        .into_iter()
        .map(|mut r| {
            if let Some(object) = r.as_object_mut() {
                object.remove("links_hint");
            }
            r
        })
        .collect();
    let mut package = json!({
        "uri": uri,
        "version": "1.1",
        "publishedDate": time(published),
        "publisher": { "name": "Socialbid" },
        "license": "https://opendatacommons.org/licenses/pddl/1.0/",
        "extensions": [SUSTAINABILITY_EXTENSION],
        "releases": releases,
    });
    if let Some(next) = next {
        package["links"] = json!({ "next": next });
    }
    package
}

type Row = (
    i64,
    i32,
    String,
    JsonText<Content>,
    JsonText<ChangeLog>,
    NaiveDateTime,
    Option<NaiveDateTime>,
    String,
    String,
    String,
);

fn record_of(row: Row) -> VersionRecord {
    VersionRecord {
        tender_id: row.0,
        version: row.1,
        kind: row.2,
        snapshot: row.3.0,
        changes: row.4.0,
        created_at: row.5,
        published_at: row.6,
        authority_name: row.7,
        authority_cvr: row.8,
        authority_nuts: row.9,
        documents: Vec::new(),
    }
}

macro_rules! version_query {
    () => {
        tender_versions::table
            .inner_join(tenders::table.inner_join(authorities::table))
            .select((
                tender_versions::tender_id,
                tender_versions::version,
                tender_versions::kind,
                tender_versions::snapshot,
                tender_versions::changes,
                tender_versions::created_at,
                tenders::published_at,
                authorities::name,
                authorities::cvr,
                authorities::nuts_code,
            ))
    };
}

/// Every release of one tender; 404 for a tender never published.
pub async fn tender_package(app: &AppState, id: i64) -> AppResult<Value> {
    let public_url = app.config.public_url.clone();
    let ocid_prefix = app.config.ocid_prefix.clone();
    let now = app.clock.now();
    app.db
        .run(move |conn| {
            let rows: Vec<Row> = version_query!()
                .filter(tender_versions::tender_id.eq(id))
                .order(tender_versions::version)
                .load(conn)?;
            if rows.is_empty() {
                return Err(AppError::not_found());
            }
            let mut records: Vec<VersionRecord> = rows.into_iter().map(record_of).collect();
            with_documents(conn, &mut records)?;
            let releases = records
                .iter()
                .map(|r| release(r, &public_url, &ocid_prefix))
                .collect();
            Ok(package(
                releases,
                format!("{public_url}/api/v1/tenders/{id}/ocds"),
                now,
                None,
            ))
        })
        .await
}

/// All releases dated at or after `since`, oldest first, a page at a time.
pub async fn releases_package(
    app: &AppState,
    since: Option<NaiveDateTime>,
    page: i64,
) -> AppResult<Value> {
    let public_url = app.config.public_url.clone();
    let ocid_prefix = app.config.ocid_prefix.clone();
    let now = app.clock.now();
    let page = page.max(1);
    app.db
        .run(move |conn| {
            let mut query = version_query!().into_boxed();
            if let Some(since) = since {
                query = query.filter(tender_versions::created_at.ge(since));
            }
            let rows: Vec<Row> = query
                .order((tender_versions::created_at, tender_versions::id))
                .limit(RELEASES_PER_PAGE + 1)
                .offset((page - 1) * RELEASES_PER_PAGE)
                .load(conn)?;
            let more = rows.len() as i64 > RELEASES_PER_PAGE;
            let since_param = since
                .map(|s| format!("since={}&", time(s)))
                .unwrap_or_default();
            let mut records: Vec<VersionRecord> = rows
                .into_iter()
                .take(RELEASES_PER_PAGE as usize)
                .map(record_of)
                .collect();
            with_documents(conn, &mut records)?;
            let releases = records
                .iter()
                .map(|r| release(r, &public_url, &ocid_prefix))
                .collect();
            let base = format!("{public_url}/api/v1/ocds/releases");
            Ok(package(
                releases,
                format!("{base}?{since_param}page={page}"),
                now,
                more.then(|| format!("{base}?{since_param}page={}", page + 1)),
            ))
        })
        .await
}
