//! Published tenders as OCDS 1.1 release packages. Each frozen version is
//! one release (publish → `tender`, amendment → `tenderAmendment`,
//! cancellation → `tenderCancellation`), and each published answer to a
//! question is a `tenderUpdate` of the version then current, so
//! `hasEnquiries` turns true in a release of its own and no release changes
//! after its date. Reserved participation and social criteria go through
//! the OCDS sustainability extension.
//!
//! The `ocid` is `{prefix}-{tender id}`. `ocds-socialbid` is this
//! project's own documented prefix; a public deployment registers its own
//! with the Open Contracting Partnership and sets `SOCIALBID_OCID_PREFIX`.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::app::AppState;
use crate::db::ids::{DocumentId, TenderId};
use crate::db::schema::{
    authorities, awards, tender_documents, tender_questions, tender_versions, tenders,
};
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

#[derive(Clone)]
struct VersionRecord {
    tender_id: TenderId,
    version: i32,
    kind: String,
    snapshot: Content,
    changes: ChangeLog,
    created_at: NaiveDateTime,
    published_at: Option<NaiveDateTime>,
    authority_name: String,
    authority_cvr: String,
    authority_nuts: String,
    /// The release's date: the version's, or the answer's for an update.
    released_at: NaiveDateTime,
    /// The published answer a `tenderUpdate` release announces.
    answer: Option<i64>,
    /// Whether an answer to a question was public by `released_at`.
    has_enquiries: bool,
    /// The documents attached when this version was released.
    documents: Vec<DocumentRow>,
    /// For a tender imported from TED: its procedure identifier, publication
    /// number and the link to the original notice.
    imported: Option<(String, Option<String>, Option<String>)>,
}

/// A published answer: (question id, tender id, answered at).
type AnswerRow = (i64, TenderId, NaiveDateTime);

fn answers_of(
    conn: &mut crate::db::DbConn,
    tender_ids: Vec<TenderId>,
) -> QueryResult<Vec<AnswerRow>> {
    tender_questions::table
        .filter(tender_questions::tender_id.eq_any(tender_ids))
        .filter(tender_questions::answered_at.is_not_null())
        .order((tender_questions::answered_at, tender_questions::id))
        .select((
            tender_questions::id,
            tender_questions::tender_id,
            tender_questions::answered_at.assume_not_null(),
        ))
        .load(conn)
}

/// The update release for `answer`: the tender's version current when it
/// was published, dated then. `None` for an answer older than every
/// version in `versions` (none can be: questions come after publishing).
fn update_for(answer: &AnswerRow, versions: &[VersionRecord]) -> Option<VersionRecord> {
    let (question_id, tender_id, answered_at) = *answer;
    let current = versions
        .iter()
        .filter(|v| v.tender_id == tender_id && v.answer.is_none() && v.created_at <= answered_at)
        .max_by_key(|v| (v.created_at, v.version))?;
    Some(VersionRecord {
        released_at: answered_at,
        answer: Some(question_id),
        ..current.clone()
    })
}

/// Marks the releases by which an answer was public, and attaches the
/// documents each release's date had.
fn complete(conn: &mut crate::db::DbConn, records: &mut [VersionRecord]) -> QueryResult<()> {
    let ids: Vec<TenderId> = records.iter().map(|r| r.tender_id).collect();
    let answers = answers_of(conn, ids)?;
    for record in records.iter_mut() {
        record.has_enquiries = answers
            .iter()
            .any(|(_, tender, at)| *tender == record.tender_id && *at <= record.released_at);
    }
    with_documents(conn, records)?;
    with_imports(conn, records)
}

/// Attaches to each imported tender's records its original identifiers.
fn with_imports(conn: &mut crate::db::DbConn, records: &mut [VersionRecord]) -> QueryResult<()> {
    use crate::db::schema::imported_tenders;
    let ids: Vec<TenderId> = records.iter().map(|r| r.tender_id).collect();
    let all: Vec<(TenderId, String, Option<String>, Option<String>)> = imported_tenders::table
        .filter(imported_tenders::tender_id.eq_any(ids))
        .select((
            imported_tenders::tender_id,
            imported_tenders::procedure_key,
            imported_tenders::publication_number,
            imported_tenders::link,
        ))
        .load(conn)?;
    for record in records.iter_mut() {
        record.imported = all
            .iter()
            .find(|i| i.0 == record.tender_id)
            .map(|i| (i.1.clone(), i.2.clone(), i.3.clone()));
    }
    Ok(())
}

/// (id, title or else file name, content type, attached at)
type DocumentRow = (DocumentId, String, String, NaiveDateTime);

/// Attaches to each record the documents its tender had at its date.
fn with_documents(conn: &mut crate::db::DbConn, records: &mut [VersionRecord]) -> QueryResult<()> {
    let ids: Vec<TenderId> = records.iter().map(|r| r.tender_id).collect();
    type Stored = (
        TenderId,
        DocumentId,
        String,
        Option<String>,
        String,
        NaiveDateTime,
        Option<NaiveDateTime>,
    );
    let all: Vec<Stored> = tender_documents::table
        .filter(tender_documents::tender_id.eq_any(ids))
        .order(tender_documents::id)
        .select((
            tender_documents::tender_id,
            tender_documents::id,
            tender_documents::file_name,
            tender_documents::title,
            tender_documents::content_type,
            tender_documents::created_at,
            tender_documents::removed_at,
        ))
        .load(conn)?;
    for record in records.iter_mut() {
        // A release lists the documents attached at its date and not yet
        // removed then: a later removal does not rewrite what was released.
        record.documents = all
            .iter()
            .filter(|d| d.0 == record.tender_id && d.5 <= record.released_at)
            .filter(|d| d.6.is_none_or(|removed| removed > record.released_at))
            .map(|d| {
                (
                    d.1,
                    d.3.clone().unwrap_or_else(|| d.2.clone()),
                    d.4.clone(),
                    d.5,
                )
            })
            .collect();
    }
    Ok(())
}

fn release(record: &VersionRecord, public_url: &str, ocid_prefix: &str) -> Value {
    let content = &record.snapshot;
    let ocid = format!("{ocid_prefix}-{}", record.tender_id);
    let party_id = party_id_of(record);
    // Code labels in the tender's language where the platform has them;
    // in English for a tender written in any other language.
    let lang = Lang::from_code(&content.language).unwrap_or(Lang::En);
    let (tag, status) = match (record.answer, record.kind.as_str()) {
        (Some(_), "cancel") => ("tenderUpdate", "cancelled"),
        (Some(_), _) => ("tenderUpdate", "active"),
        (None, "amend") => ("tenderAmendment", "active"),
        (None, "cancel") => ("tenderCancellation", "cancelled"),
        (None, _) => ("tender", "active"),
    };
    let release_id = match record.answer {
        Some(question) => format!("{ocid}-v{}-answer-{question}", record.version),
        None => format!("{ocid}-v{}", record.version),
    };
    let mut release = json!({
        "ocid": ocid,
        "id": release_id,
        "date": time(record.released_at),
        "tag": [tag],
        "initiationType": "tender",
        "language": content.language,
        "buyer": { "id": party_id, "name": record.authority_name },
        "links_hint": format!("{public_url}/tenders/{}", record.tender_id),
    });
    release["parties"] = Value::Array(vec![party_of(record, &party_id, lang)]);
    release["tender"] = tender_of(record, public_url, &party_id, status, lang);
    release
}

fn has_cvr(record: &VersionRecord) -> bool {
    record.authority_cvr.len() == 8 && record.authority_cvr.chars().all(|c| c.is_ascii_digit())
}

/// A buyer known only from a foreign notice has no CVR number: its party
/// is named by the key the import matched it by.
fn party_id_of(record: &VersionRecord) -> String {
    if has_cvr(record) {
        format!("DK-CVR-{}", record.authority_cvr)
    } else {
        format!("authority-{}", record.authority_cvr)
    }
}

/// The buyer, the release's one party.
fn party_of(record: &VersionRecord, party_id: &str, lang: Lang) -> Value {
    let mut region = json!({ "region": record.authority_nuts, "countryName": "Danmark" });
    if lang == Lang::En {
        region["countryName"] = json!("Denmark");
    }
    let mut party = json!({
        "id": party_id,
        "name": record.authority_name,
        "address": region,
        "roles": ["buyer", "procuringEntity"],
    });
    if has_cvr(record) {
        party["identifier"] = json!({ "scheme": "DK-CVR", "id": record.authority_cvr, "legalName": record.authority_name });
    }
    party
}

fn tender_of(
    record: &VersionRecord,
    public_url: &str,
    party_id: &str,
    status: &str,
    lang: Lang,
) -> Value {
    let content = &record.snapshot;
    let started = record.published_at.unwrap_or(record.created_at);
    let sustainability = sustainability_of(content, lang);
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
        "hasEnquiries": record.has_enquiries,
        "awardCriteria": if content.criteria.iter().all(|c| c.kind == CriterionKind::Price) { "priceOnly" } else { "ratedCriteria" },
        "awardCriteriaDetails": criteria_text,
        "submissionMethod": ["electronicSubmission"],
        "hasSustainability": !sustainability.is_empty(),
    });
    // Moved in, not through `json!`, which would copy them: a page of
    // releases is built a hundred times a request.
    tender["items"] = Value::Array(items_of(content, lang));
    if !sustainability.is_empty() {
        tender["sustainability"] = Value::Array(sustainability);
    }
    if let Some(value) = content.estimated_value {
        tender["value"] = json!({ "amount": value, "currency": content.currency });
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
    add_documents(&mut tender, record, public_url);
    add_ted_identifiers(&mut tender, record);
    if record.kind != "publish" {
        let log = &record.changes;
        tender["amendments"] = json!([{
            "id": format!("{}", record.version),
            "date": time(record.created_at),
            "rationale": log.reason.clone().unwrap_or_default(),
            "description": log.changes.iter().map(|c| c.field.clone()).collect::<Vec<_>>().join(", "),
        }]);
    }
    tender
}

fn classification(code: &str, lang: Lang) -> Value {
    let found = cpv::find(code);
    json!({
        "scheme": "CPV",
        "id": code,
        "description": found.map(|c| c.label(lang).to_owned()).unwrap_or_default(),
    })
}

/// One item for the tender's main CPV code, and one for each lot that has
/// codes.
fn items_of(content: &Content, lang: Lang) -> Vec<Value> {
    let mut items = Vec::new();
    if let Some(main) = &content.main_cpv {
        let mut item = json!({
            "id": "1",
            "description": content.title,
            "classification": classification(main, lang),
        });
        if !content.additional_cpv.is_empty() {
            item["additionalClassifications"] = Value::Array(
                content
                    .additional_cpv
                    .iter()
                    .map(|c| classification(c, lang))
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
                "classification": classification(first, lang),
            });
            if !rest.is_empty() {
                item["additionalClassifications"] =
                    Value::Array(rest.iter().map(|c| classification(c, lang)).collect());
            }
            items.push(item);
        }
    }
    items
}

/// The reserved participation first, then one entry per goal of the
/// social award criteria.
fn sustainability_of(content: &Content, lang: Lang) -> Vec<Value> {
    let mut sustainability = Vec::new();
    for code in content.all_reserved() {
        let goal = match code.as_str() {
            "res-ws" => "social.disadvantagedEmploymentOpportunities",
            "res-pub-ser" => "social",
            _ => continue,
        };
        let reserved_label = eforms::reserved_procurement()
            .find(&code)
            .map(|c| c.label(lang).to_owned());
        sustainability.push(json!({
            "goal": goal,
            "strategies": ["reservedParticipation"],
            "description": reserved_label,
        }));
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
    sustainability
}

fn add_documents(tender: &mut Value, record: &VersionRecord, public_url: &str) {
    if record.documents.is_empty() {
        return;
    }
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

/// An imported tender keeps the identifiers it has on TED: the
/// procedure's as the tender's id, the original notice as a document.
fn add_ted_identifiers(tender: &mut Value, record: &VersionRecord) {
    let Some((procedure, number, link)) = &record.imported else {
        return;
    };
    let original = procedure
        .split_once(':')
        .map_or(procedure.as_str(), |(_, id)| id);
    tender["id"] = json!(original);
    if let Some(link) = link {
        let notice = json!({
            "id": number.clone().unwrap_or_else(|| original.to_owned()),
            "documentType": "tenderNotice",
            "title": number.clone().unwrap_or_else(|| original.to_owned()),
            "url": link,
        });
        match tender["documents"].as_array_mut() {
            Some(documents) => documents.push(notice),
            None => tender["documents"] = json!([notice]),
        }
    }
}

/// A release package. It is made on demand, so its `publishedDate` is, as
/// OCDS asks, the date of the last change to what it holds (the newest
/// release), and the same content reads the same whenever it is fetched;
/// `empty_at` dates a package without releases.
fn package(
    releases: Vec<Value>,
    uri: String,
    empty_at: NaiveDateTime,
    next: Option<String>,
) -> Value {
    let published = releases
        .iter()
        .filter_map(|r| r["date"].as_str())
        .max()
        .map(str::to_owned)
        .unwrap_or_else(|| time(empty_at));
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
        "publishedDate": published,
        "publisher": { "name": "Socialbid" },
        "license": "https://opendatacommons.org/licenses/pddl/1.0/",
        "extensions": [SUSTAINABILITY_EXTENSION],
    });
    package["releases"] = Value::Array(releases);
    if let Some(next) = next {
        package["links"] = json!({ "next": next });
    }
    package
}

type Row = (
    TenderId,
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
        released_at: row.5,
        answer: None,
        has_enquiries: false,
        documents: Vec::new(),
        imported: None,
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
pub async fn tender_package(app: &AppState, id: TenderId) -> AppResult<Value> {
    let state = app.clone();
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
            let versions: Vec<VersionRecord> = rows.into_iter().map(record_of).collect();
            let updates: Vec<VersionRecord> = answers_of(conn, vec![id])?
                .iter()
                .filter_map(|answer| update_for(answer, &versions))
                .collect();
            let mut records = versions;
            records.extend(updates);
            records.sort_by_key(|r| (r.released_at, r.answer.is_some(), r.version));
            complete(conn, &mut records)?;
            let mut releases: Vec<Value> = records
                .iter()
                .map(|r| release(r, &public_url, &ocid_prefix))
                .collect();
            // Awards and signed contracts come after every tender release.
            let ocid = format!("{ocid_prefix}-{id}");
            releases.extend(crate::evaluation::ocds::award_releases(
                &state, conn, id, &ocid,
            )?);
            Ok(package(
                releases,
                format!("{public_url}/api/v1/tenders/{id}/ocds"),
                now,
                None,
            ))
        })
        .await
}

/// What a release is made from, in the feed's order: by date, a version
/// before an answer, an award and a contract of the same instant, then by
/// row id.
#[derive(Clone, Copy)]
enum ReleaseKey {
    Version(NaiveDateTime, i64),
    Answer(NaiveDateTime, i64),
    /// An award, by the award's row id.
    Award(NaiveDateTime, i64),
    /// The contract signed under an award, by the award's row id.
    Contract(NaiveDateTime, i64),
}

impl ReleaseKey {
    fn order(&self) -> (NaiveDateTime, u8, i64) {
        match *self {
            ReleaseKey::Version(at, id) => (at, 0, id),
            ReleaseKey::Answer(at, id) => (at, 1, id),
            ReleaseKey::Award(at, id) => (at, 2, id),
            ReleaseKey::Contract(at, id) => (at, 3, id),
        }
    }
}

/// The keys of releases dated at or after `since`, from `offset` on, at
/// most `limit`. The first `offset + limit` of the merged order lie within
/// the first `offset + limit` of each source.
fn release_keys(
    conn: &mut crate::db::DbConn,
    since: Option<NaiveDateTime>,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<ReleaseKey>> {
    let reach = offset.saturating_add(limit);
    let mut versions = tender_versions::table
        .select((tender_versions::created_at, tender_versions::id))
        .order((tender_versions::created_at, tender_versions::id))
        .limit(reach)
        .into_boxed();
    let mut answers = tender_questions::table
        .filter(tender_questions::answered_at.is_not_null())
        .select((
            tender_questions::answered_at.assume_not_null(),
            tender_questions::id,
        ))
        .order((tender_questions::answered_at, tender_questions::id))
        .limit(reach)
        .into_boxed();
    let mut awarded = awards::table
        .select((awards::awarded_at, awards::id))
        .order((awards::awarded_at, awards::id))
        .limit(reach)
        .into_boxed();
    let mut signed = awards::table
        .filter(awards::signed_at.is_not_null())
        .select((awards::signed_at.assume_not_null(), awards::id))
        .order((awards::signed_at, awards::id))
        .limit(reach)
        .into_boxed();
    if let Some(since) = since {
        versions = versions.filter(tender_versions::created_at.ge(since));
        answers = answers.filter(tender_questions::answered_at.ge(since));
        awarded = awarded.filter(awards::awarded_at.ge(since));
        signed = signed.filter(awards::signed_at.ge(since));
    }
    let keyed = |rows: Vec<(NaiveDateTime, i64)>, key: fn(NaiveDateTime, i64) -> ReleaseKey| {
        rows.into_iter().map(move |(at, id)| key(at, id))
    };
    let mut keys: Vec<ReleaseKey> = keyed(versions.load(conn)?, ReleaseKey::Version)
        .chain(keyed(answers.load(conn)?, ReleaseKey::Answer))
        .chain(keyed(awarded.load(conn)?, ReleaseKey::Award))
        .chain(keyed(signed.load(conn)?, ReleaseKey::Contract))
        .collect();
    keys.sort_by_key(ReleaseKey::order);
    Ok(keys
        .into_iter()
        .skip(offset as usize)
        .take(limit as usize)
        .collect())
}

/// The version and answer releases among `keys`, each with its place in
/// `keys`.
fn releases_for(
    conn: &mut crate::db::DbConn,
    keys: &[ReleaseKey],
) -> QueryResult<Vec<(usize, VersionRecord)>> {
    let version_ids: Vec<i64> = keys
        .iter()
        .filter_map(|k| match k {
            ReleaseKey::Version(_, id) => Some(*id),
            _ => None,
        })
        .collect();
    let question_ids: Vec<i64> = keys
        .iter()
        .filter_map(|k| match k {
            ReleaseKey::Answer(_, id) => Some(*id),
            _ => None,
        })
        .collect();
    let answers: Vec<AnswerRow> = tender_questions::table
        .filter(tender_questions::id.eq_any(question_ids))
        .select((
            tender_questions::id,
            tender_questions::tender_id,
            tender_questions::answered_at.assume_not_null(),
        ))
        .load(conn)?;
    let answered_tenders: Vec<TenderId> = answers.iter().map(|a| a.1).collect();
    // Every version of an answered tender, to find the one current then.
    let rows: Vec<(i64, Row)> = version_query!()
        .select((
            tender_versions::id,
            (
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
            ),
        ))
        .filter(
            tender_versions::id
                .eq_any(version_ids)
                .or(tender_versions::tender_id.eq_any(answered_tenders)),
        )
        .load(conn)?;
    let versions: Vec<(i64, VersionRecord)> = rows
        .into_iter()
        .map(|(id, row)| (id, record_of(row)))
        .collect();
    let all_versions: Vec<VersionRecord> = versions.iter().map(|(_, r)| r.clone()).collect();
    Ok(keys
        .iter()
        .enumerate()
        .filter_map(|(place, key)| {
            let record = match key {
                ReleaseKey::Version(_, id) => versions
                    .iter()
                    .find(|(row_id, _)| row_id == id)
                    .map(|(_, record)| record.clone()),
                ReleaseKey::Answer(_, id) => answers
                    .iter()
                    .find(|a| a.0 == *id)
                    .and_then(|answer| update_for(answer, &all_versions)),
                ReleaseKey::Award(..) | ReleaseKey::Contract(..) => None,
            };
            record.map(|record| (place, record))
        })
        .collect())
}

/// The award and contract releases among `keys`, each with its place in
/// `keys`: built as the tender's own package builds them, once per tender.
fn award_releases_for(
    app: &AppState,
    conn: &mut crate::db::DbConn,
    keys: &[ReleaseKey],
    ocid_prefix: &str,
) -> AppResult<Vec<(usize, Value)>> {
    let award_ids: Vec<i64> = keys
        .iter()
        .filter_map(|k| match k {
            ReleaseKey::Award(_, id) | ReleaseKey::Contract(_, id) => Some(*id),
            _ => None,
        })
        .collect();
    if award_ids.is_empty() {
        return Ok(Vec::new());
    }
    let awarded: std::collections::HashMap<i64, (TenderId, i32)> = awards::table
        .filter(awards::id.eq_any(award_ids))
        .select((awards::id, (awards::tender_id, awards::lot)))
        .load::<(i64, (TenderId, i32))>(conn)?
        .into_iter()
        .collect();
    let mut by_tender: std::collections::HashMap<TenderId, Vec<Value>> =
        std::collections::HashMap::new();
    let mut found = Vec::new();
    for (place, key) in keys.iter().enumerate() {
        let (award_id, kind) = match *key {
            ReleaseKey::Award(_, id) => (id, "award"),
            ReleaseKey::Contract(_, id) => (id, "contract"),
            ReleaseKey::Version(..) | ReleaseKey::Answer(..) => continue,
        };
        let Some(&(tender_id, lot)) = awarded.get(&award_id) else {
            continue;
        };
        let ocid = format!("{ocid_prefix}-{tender_id}");
        let releases = match by_tender.entry(tender_id) {
            std::collections::hash_map::Entry::Occupied(entry) => entry.into_mut(),
            std::collections::hash_map::Entry::Vacant(entry) => entry.insert(
                crate::evaluation::ocds::award_releases(app, conn, tender_id, &ocid)?,
            ),
        };
        let id = format!("{ocid}-{kind}-{lot}");
        if let Some(release) = releases.iter().find(|r| r["id"] == id.as_str()) {
            found.push((place, release.clone()));
        }
    }
    Ok(found)
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
    let state = app.clone();
    app.db
        .run(move |conn| {
            let keys = release_keys(
                conn,
                since,
                (page - 1).saturating_mul(RELEASES_PER_PAGE),
                RELEASES_PER_PAGE + 1,
            )?;
            let more = keys.len() as i64 > RELEASES_PER_PAGE;
            let since_param = since
                .map(|s| format!("since={}&", time(s)))
                .unwrap_or_default();
            let keys = &keys[..keys.len().min(RELEASES_PER_PAGE as usize)];
            let (places, mut records): (Vec<usize>, Vec<VersionRecord>) =
                releases_for(conn, keys)?.into_iter().unzip();
            complete(conn, &mut records)?;
            let mut placed: Vec<(usize, Value)> = places
                .into_iter()
                .zip(
                    records
                        .iter()
                        .map(|r| release(r, &public_url, &ocid_prefix)),
                )
                .collect();
            placed.extend(award_releases_for(&state, conn, keys, &ocid_prefix)?);
            placed.sort_by_key(|(place, _)| *place);
            let releases = placed.into_iter().map(|(_, release)| release).collect();
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
