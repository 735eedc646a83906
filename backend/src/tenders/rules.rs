//! The rules a tender must keep. A draft is checked for what it says
//! (a code that does not exist, a deadline in the past); publishing and
//! amending check everything and list every problem at once.

use chrono::{Duration, NaiveDateTime};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::FieldError;
use crate::tenders::model::{Change, Content, CriterionKind};
use socialbid_codes::{cpv, eforms, money, nuts, text_language};

// Limits fit real notices. The longest measured in the shared notices
// (92 eForms SDK examples, 95 Danish TED notices, 2026-12-02): a title of
// 226 characters (eForms `CEI.xml`), a description of 5,987
// (`cn-social_25.xml`), a criterion name of 112 (TED 163001-2016), 12
// additional CPV codes (TED 464969-2016), 100 lots
// (`cn_24_maximal_100_lots.xml`), 17 places of performance
// (`can_24_maximal.xml`). A load of 173 TED notices from ten countries
// found descriptions over 20,000 characters and over 30 additional CPV
// codes. Each limit leaves head room above the longest seen.
pub const MAX_TITLE: usize = 500;
pub const MAX_DESCRIPTION: usize = 60_000;
pub const MAX_LOTS: usize = 200;
pub const MAX_CRITERIA: usize = 50;
pub const MAX_CODES: usize = 150;
pub const MAX_PLACES: usize = 100;
pub const MAX_REASON: usize = 2_000;
pub const MAX_QUESTION: usize = 4_000;

/// The eForms procedure types (BT-105) a Danish municipality or region can
/// use under Directive 2014/24/EU and the light regime for social services
/// (`oth-single`, `oth-mult`). `comp-tend` and `exp-int-rail` belong to
/// Regulation 1370/2007 on public passenger transport, which Danish
/// municipalities leave to the regional transport companies.
pub const MUNICIPAL_PROCEDURES: [&str; 8] = [
    "open",
    "restricted",
    "neg-w-call",
    "neg-wo-call",
    "comp-dial",
    "innovation",
    "oth-single",
    "oth-mult",
];

/// How strictly to check: a draft may have gaps, a published version not.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Strictness {
    Draft,
    Publish,
}

/// Reads CPV codes as typed (`85311000-2`, `85311000`) and keeps the 8
/// digits; codes that do not parse are kept as typed so the check names
/// them.
pub fn normalise(content: &mut Content) {
    fn norm(code: &str) -> String {
        cpv::parse(code)
            .map(|c| c.code.clone())
            .unwrap_or_else(|_| code.trim().to_owned())
    }
    content.title = content.title.trim().to_owned();
    content.description = content.description.trim().replace("\r\n", "\n");
    content.main_cpv = content
        .main_cpv
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(norm);
    for list in [&mut content.additional_cpv, &mut content.nuts_codes] {
        list.retain(|c| !c.trim().is_empty());
    }
    content.additional_cpv = content.additional_cpv.iter().map(|c| norm(c)).collect();
    content.additional_cpv.dedup();
    let mut places: Vec<String> = Vec::new();
    for code in content.nuts_codes.iter().map(|c| c.trim().to_uppercase()) {
        if !places.contains(&code) {
            places.push(code);
        }
    }
    content.nuts_codes = places;
    for opt in [&mut content.contract_nature, &mut content.procedure_type] {
        if opt.as_deref().is_some_and(|v| v.trim().is_empty()) {
            *opt = None;
        }
    }
    content.language = content.language.trim().to_lowercase();
    content.currency = content.currency.trim().to_uppercase();
    if content.currency.is_empty() {
        content.currency = "DKK".into();
    }
    normalise_reserved(&mut content.reserved);
    for lot in &mut content.lots {
        normalise_reserved(&mut lot.reserved);
        lot.title = lot.title.trim().to_owned();
        lot.description = lot.description.trim().to_owned();
        lot.cpv_codes.retain(|c| !c.trim().is_empty());
        lot.cpv_codes = lot.cpv_codes.iter().map(|c| norm(c)).collect();
    }
    for criterion in &mut content.criteria {
        criterion.name = criterion.name.trim().to_owned();
        criterion.description = criterion.description.trim().to_owned();
    }
}

/// Trimmed, without `none` (no reservation is an empty list) and each
/// code once.
fn normalise_reserved(codes: &mut Vec<String>) {
    let mut kept: Vec<String> = Vec::new();
    for code in codes.iter().map(|c| c.trim()) {
        if !code.is_empty() && code != "none" && !kept.iter().any(|k| k == code) {
            kept.push(code.to_owned());
        }
    }
    *codes = kept;
}

fn cpv_problem(field: &'static str, code: &str, errors: &mut Vec<FieldError>) {
    if let Err(problem) = cpv::parse(code) {
        let rule = match problem {
            cpv::CpvProblem::Format => "cpv_format",
            cpv::CpvProblem::Unknown => "cpv_unknown",
            cpv::CpvProblem::CheckDigit => "cpv_check_digit",
        };
        errors.push(FieldError::new(field, rule).with("code", code));
    }
}

/// Every broken rule of `content` at `now`.
pub fn check(content: &Content, now: NaiveDateTime, strictness: Strictness) -> Vec<FieldError> {
    let strict = strictness == Strictness::Publish;
    let mut errors = Vec::new();
    check_texts(content, strict, &mut errors);
    check_procedure(content, strict, &mut errors);
    check_codes(content, strict, &mut errors);
    check_value(content, &mut errors);
    check_deadlines(content, now, strict, &mut errors);
    check_reserved(content, strict, &mut errors);
    check_strategic(content, &mut errors);
    check_lots(content, strict, &mut errors);
    check_lot_values(content, &mut errors);
    check_criteria(content, strict, &mut errors);
    errors
}

/// A draft may leave a field empty; publishing may not.
fn required(field: &'static str, missing: bool, strict: bool, errors: &mut Vec<FieldError>) {
    if strict && missing {
        errors.push(FieldError::new(field, "required"));
    }
}

fn check_texts(content: &Content, strict: bool, errors: &mut Vec<FieldError>) {
    required("title", content.title.is_empty(), strict, errors);
    if content.title.chars().count() > MAX_TITLE {
        errors.push(FieldError::new("title", "too_long").with("max", MAX_TITLE));
    }
    required(
        "description",
        content.description.is_empty(),
        strict,
        errors,
    );
    if content.description.chars().count() > MAX_DESCRIPTION {
        errors.push(FieldError::new("description", "too_long").with("max", MAX_DESCRIPTION));
    }
    if text_language::find(&content.language).is_none() {
        errors.push(FieldError::new("language", "unknown").with("code", &content.language));
    }
}

fn check_procedure(content: &Content, strict: bool, errors: &mut Vec<FieldError>) {
    match &content.contract_nature {
        None => required("contract_nature", true, strict, errors),
        Some(code) if !eforms::contract_natures().contains(code) => {
            errors.push(FieldError::new("contract_nature", "unknown"))
        }
        Some(_) => {}
    }
    match &content.procedure_type {
        None => required("procedure_type", true, strict, errors),
        Some(code) if !eforms::procedure_types().contains(code) => {
            errors.push(FieldError::new("procedure_type", "unknown"))
        }
        Some(code) if !MUNICIPAL_PROCEDURES.contains(&code.as_str()) => {
            errors.push(FieldError::new("procedure_type", "not_for_authorities"))
        }
        Some(_) => {}
    }
}

/// The CPV codes of the tender itself and its places of performance.
fn check_codes(content: &Content, strict: bool, errors: &mut Vec<FieldError>) {
    match &content.main_cpv {
        None => required("main_cpv", true, strict, errors),
        Some(code) => cpv_problem("main_cpv", code, errors),
    }
    if content.additional_cpv.len() > MAX_CODES {
        errors.push(FieldError::new("additional_cpv", "too_many").with("max", MAX_CODES));
    }
    for code in &content.additional_cpv {
        cpv_problem("additional_cpv", code, errors);
    }

    required("nuts_codes", content.nuts_codes.is_empty(), strict, errors);
    if content.nuts_codes.len() > MAX_PLACES {
        errors.push(FieldError::new("nuts_codes", "too_many").with("max", MAX_PLACES));
    }
    for code in &content.nuts_codes {
        if nuts::find(code).is_none() {
            errors.push(FieldError::new("nuts_codes", "unknown").with("code", code));
        }
    }
}

fn check_value(content: &Content, errors: &mut Vec<FieldError>) {
    // The value is optional, as eForms BT-27 is; publishing without one
    // warns (see `warnings`).
    if content.estimated_value.is_some_and(|v| v.hundredths() <= 0) {
        errors.push(FieldError::new("estimated_value", "not_positive"));
    }
    if !money::is_currency(&content.currency) {
        errors.push(FieldError::new("currency", "unknown").with("code", &content.currency));
    }
}

fn check_deadlines(
    content: &Content,
    now: NaiveDateTime,
    strict: bool,
    errors: &mut Vec<FieldError>,
) {
    match content.submission_deadline {
        None => required("submission_deadline", true, strict, errors),
        Some(at) if at <= now => errors.push(FieldError::new("submission_deadline", "in_past")),
        Some(_) => {}
    }
    match content.question_deadline {
        None => required("question_deadline", true, strict, errors),
        Some(at) if at <= now => errors.push(FieldError::new("question_deadline", "in_past")),
        Some(at) => {
            if content.submission_deadline.is_some_and(|s| at >= s) {
                errors.push(FieldError::new("question_deadline", "after_submission"));
            }
        }
    }
}

/// The reservations of the tender and its lots.
fn check_reserved(content: &Content, strict: bool, errors: &mut Vec<FieldError>) {
    let reservations = content.all_reserved();
    let unknown: Vec<&String> = reservations
        .iter()
        .filter(|c| !eforms::reserved_procurement().contains(c))
        .collect();
    for code in &unknown {
        errors.push(FieldError::new("reserved", "unknown").with("code", code));
    }
    // A draft may choose the reservation before its codes; publishing
    // checks them together.
    if unknown.is_empty() && strict {
        check_article_77(content, errors);
    }
}

/// Article 77(1) of Directive 2014/24/EU: only the listed health, social
/// and cultural services, for every code of a tender reserved under
/// Article 77, or of a lot that is.
fn check_article_77(content: &Content, errors: &mut Vec<FieldError>) {
    let article_77 = |codes: &[String]| codes.iter().any(|c| c == "res-pub-ser");
    let reserved_codes: Vec<String> = if article_77(&content.reserved) {
        content.all_cpv()
    } else {
        content
            .lots
            .iter()
            .filter(|l| article_77(&l.reserved))
            .flat_map(|l| l.cpv_codes.iter().cloned())
            .collect()
    };
    let mut refused: Vec<String> = reserved_codes
        .into_iter()
        .filter(|c| cpv::find(c).is_some() && !cpv::allows_article_77(c))
        .collect();
    refused.dedup();
    if !refused.is_empty() {
        errors
            .push(FieldError::new("reserved", "article_77_cpv").with("codes", refused.join(", ")));
    }
}

fn check_strategic(content: &Content, errors: &mut Vec<FieldError>) {
    for code in &content.strategic {
        if !eforms::strategic_procurement().contains(code) {
            errors.push(FieldError::new("strategic", "unknown").with("code", code));
        }
    }
    // eForms BT-06 `none` says there is no strategic aim: it cannot stand
    // beside one.
    if content.strategic.iter().any(|c| c == "none") && content.strategic.len() > 1 {
        errors.push(FieldError::new("strategic", "none_with_others"));
    }
}

fn check_lots(content: &Content, strict: bool, errors: &mut Vec<FieldError>) {
    if content.lots.len() > MAX_LOTS {
        errors.push(FieldError::new("lots", "too_many").with("max", MAX_LOTS));
    }
    for (i, lot) in content.lots.iter().enumerate() {
        let n = i + 1;
        if strict && lot.title.is_empty() {
            errors.push(FieldError::new("lots", "title_required").with("lot", n));
        }
        if lot.title.chars().count() > MAX_TITLE {
            errors.push(
                FieldError::new("lots", "title_too_long")
                    .with("lot", n)
                    .with("max", MAX_TITLE),
            );
        }
        if lot.description.chars().count() > MAX_DESCRIPTION {
            errors.push(
                FieldError::new("lots", "description_too_long")
                    .with("lot", n)
                    .with("max", MAX_DESCRIPTION),
            );
        }
        for code in &lot.cpv_codes {
            if cpv::parse(code).is_err() {
                errors.push(
                    FieldError::new("lots", "cpv_unknown")
                        .with("lot", n)
                        .with("code", code),
                );
            }
        }
        if lot.estimated_value.is_some_and(|v| v.hundredths() <= 0) {
            errors.push(FieldError::new("lots", "value_not_positive").with("lot", n));
        }
    }
}

/// The lots' values together may not exceed the tender's estimate.
fn check_lot_values(content: &Content, errors: &mut Vec<FieldError>) {
    // Lots are valued in the tender's currency, so the sums compare as they
    // stand.
    let lot_values: i64 = content
        .lots
        .iter()
        .filter_map(|l| l.estimated_value.map(|v| v.hundredths()))
        .filter(|v| *v > 0)
        .fold(0, i64::saturating_add);
    if content
        .estimated_value
        .is_some_and(|estimate| estimate.hundredths() > 0 && lot_values > estimate.hundredths())
    {
        errors.push(FieldError::new("lots", "values_above_estimate"));
    }
}

fn check_criteria(content: &Content, strict: bool, errors: &mut Vec<FieldError>) {
    if strict && content.criteria.is_empty() {
        errors.push(FieldError::new("criteria", "none"));
    }
    if content.criteria.len() > MAX_CRITERIA {
        errors.push(FieldError::new("criteria", "too_many").with("max", MAX_CRITERIA));
    }
    for (i, criterion) in content.criteria.iter().enumerate() {
        let n = i + 1;
        if strict && criterion.name.is_empty() {
            errors.push(FieldError::new("criteria", "name_required").with("criterion", n));
        }
        if criterion.name.chars().count() > MAX_TITLE {
            errors.push(
                FieldError::new("criteria", "name_too_long")
                    .with("criterion", n)
                    .with("max", MAX_TITLE),
            );
        }
        if !(1..=100).contains(&criterion.weight) {
            errors.push(FieldError::new("criteria", "weight_range").with("criterion", n));
        }
        for code in &criterion.social_objectives {
            if !eforms::social_objectives().contains(code) {
                errors.push(
                    FieldError::new("criteria", "objective_unknown")
                        .with("criterion", n)
                        .with("code", code),
                );
            }
        }
        if strict
            && criterion.kind == CriterionKind::Social
            && criterion.social_objectives.is_empty()
        {
            errors.push(FieldError::new("criteria", "objectives_required").with("criterion", n));
        }
    }
    // In i64: the weights are checked one by one above, but summed as
    // sent, and two large ones would overflow an i32.
    let sum: i64 = content.criteria.iter().map(|c| i64::from(c.weight)).sum();
    if strict && !content.criteria.is_empty() && sum != 100 {
        errors.push(FieldError::new("criteria", "weights_sum").with("sum", sum));
    }
}

/// Something the officer should know but may go ahead with.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct Warning {
    /// `short_period` (days and minimum say how short) or
    /// `no_estimated_value` (both 0).
    pub code: String,
    pub days: i64,
    pub minimum: i64,
}

/// The minimum time from the notice to the submission deadline, in days,
/// under Directive 2014/24/EU, with submission by electronic means (this
/// platform is one):
/// - open procedure: 35 days (Art. 27(1)), minus 5 when tenders are
///   submitted electronically (Art. 27(4)) = 30;
/// - restricted procedure: 30 days for requests to participate (Art. 28(1));
/// - competitive procedure with negotiation: 30 days (Art. 29(1));
/// - competitive dialogue: 30 days (Art. 30(1));
/// - innovation partnership: 30 days (Art. 31(1)).
///
/// The light regime for social services (Art. 74–76) sets no minimum, and
/// urgency may shorten these (Art. 27(3), 28(6)); so this warns, never
/// refuses.
pub fn minimum_days(procedure_type: &str) -> Option<i64> {
    match procedure_type {
        "open" => Some(30),
        "restricted" | "neg-w-call" | "comp-dial" | "innovation" => Some(30),
        _ => None,
    }
}

pub fn warnings(content: &Content, from: NaiveDateTime) -> Vec<Warning> {
    let mut warnings = Vec::new();
    // Small enterprises judge by the value whether a tender is for them.
    if content.estimated_value.is_none() {
        warnings.push(Warning {
            code: "no_estimated_value".into(),
            days: 0,
            minimum: 0,
        });
    }
    if let (Some(procedure), Some(deadline)) =
        (&content.procedure_type, content.submission_deadline)
        && let Some(minimum) = minimum_days(procedure)
    {
        let period = deadline - from;
        if period < Duration::days(minimum) {
            warnings.push(Warning {
                code: "short_period".into(),
                days: period.num_days().max(0),
                minimum,
            });
        }
    }
    warnings
}

fn text_of_list(list: &[String]) -> String {
    list.join(", ")
}

fn text_of_time(at: Option<NaiveDateTime>) -> String {
    at.map(|t| t.format("%Y-%m-%dT%H:%M:%S").to_string())
        .unwrap_or_default()
}

/// The lots briefly, for the change log: title, codes, value and
/// reservations of each.
fn text_of_lots(content: &Content) -> String {
    content
        .lots
        .iter()
        .map(|l| {
            let reserved = if l.reserved.is_empty() {
                String::new()
            } else {
                format!(" [{}]", l.reserved.join(", "))
            };
            format!(
                "{} ({}; {}){reserved}",
                l.title,
                l.cpv_codes.join(", "),
                l.estimated_value
                    .map(|v| format!("{} {}", v.to_text(), content.currency))
                    .unwrap_or_default()
            )
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

/// The criteria briefly, for the change log: name, weight, kind and
/// objectives of each.
fn text_of_criteria(content: &Content) -> String {
    content
        .criteria
        .iter()
        .map(|k| {
            let objectives = if k.social_objectives.is_empty() {
                String::new()
            } else {
                format!(" [{}]", k.social_objectives.join(", "))
            };
            format!(
                "{} {} % ({}){objectives}",
                k.name,
                k.weight,
                k.kind.as_str()
            )
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

/// How a field of the content reads in the change log.
type TextOf = fn(&Content) -> String;

/// What changed from `before` to `after`, field by field, in the order the
/// tender page shows them. Lots and criteria are compared as wholes and
/// described briefly.
pub fn diff(before: &Content, after: &Content) -> Vec<Change> {
    let fields: [(&str, TextOf); 16] = [
        ("title", |c| c.title.clone()),
        ("description", |c| c.description.clone()),
        ("language", |c| c.language.clone()),
        ("currency", |c| c.currency.clone()),
        ("contract_nature", |c| {
            c.contract_nature.clone().unwrap_or_default()
        }),
        ("procedure_type", |c| {
            c.procedure_type.clone().unwrap_or_default()
        }),
        ("main_cpv", |c| c.main_cpv.clone().unwrap_or_default()),
        ("additional_cpv", |c| text_of_list(&c.additional_cpv)),
        ("nuts_codes", |c| text_of_list(&c.nuts_codes)),
        ("estimated_value", |c| {
            c.estimated_value.map(|v| v.to_text()).unwrap_or_default()
        }),
        ("submission_deadline", |c| {
            text_of_time(c.submission_deadline)
        }),
        ("question_deadline", |c| text_of_time(c.question_deadline)),
        ("reserved", |c| text_of_list(&c.reserved)),
        ("strategic", |c| text_of_list(&c.strategic)),
        ("lots", text_of_lots),
        ("criteria", text_of_criteria),
    ];
    fields
        .into_iter()
        .filter_map(|(field, text)| {
            let (before, after) = (text(before), text(after));
            (before != after).then(|| Change {
                field: field.into(),
                before,
                after,
            })
        })
        .collect()
}
