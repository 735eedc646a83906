//! Between a tender's content and the edit forms: the values a form shows,
//! and reading typed dates, amounts, codes and lots back into the content.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike};
use chrono_tz::Europe::Copenhagen;
use serde_json::{Value, json};

use super::{FormPairs, all, codes_typed, first, has};
use crate::error::FieldError;
use crate::tenders::model::{Content, Criterion, CriterionKind, Lot};
use crate::tenders::money::Amount;
use crate::tenders::rules;

fn local_parts(at: Option<NaiveDateTime>) -> (String, String, String, String) {
    match at {
        None => Default::default(),
        Some(utc) => {
            let local = Copenhagen.from_utc_datetime(&utc);
            (
                local.day().to_string(),
                local.month().to_string(),
                local.year().to_string(),
                format!("{:02}.{:02}", local.hour(), local.minute()),
            )
        }
    }
}

/// The form's values for `content`, by field id.
pub(super) fn values_of(content: &Content) -> Value {
    let (sd, sm, sy, st) = local_parts(content.submission_deadline);
    let (qd, qm, qy, qt) = local_parts(content.question_deadline);
    let mut values = json!({
        "title": content.title,
        "description": content.description,
        "language": content.language,
        "contract_nature": content.contract_nature,
        "procedure_type": content.procedure_type,
        "estimated_value": content.estimated_value.map(|v| v.to_text()).unwrap_or_default(),
        "currency": content.currency,
        "main_cpv": content.main_cpv,
        "additional_cpv": content.additional_cpv,
        "nuts_codes": content.nuts_codes,
        "submission_deadline": sd, "submission_month": sm, "submission_year": sy, "submission_time": st,
        "question_deadline": qd, "question_month": qm, "question_year": qy, "question_time": qt,
        "reserved": content.reserved,
        "strategic": content.strategic,
    });
    let lots: Vec<Value> = content
        .lots
        .iter()
        .map(|l| {
            json!({
                "title": l.title,
                "description": l.description,
                "cpv": l.cpv_codes.join(" "),
                "value": l.estimated_value.map(|v| v.to_text()).unwrap_or_default(),
                "reserved": l.reserved,
            })
        })
        .collect();
    let criteria: Vec<Value> = content
        .criteria
        .iter()
        .map(|c| {
            json!({
                "name": c.name,
                "kind": c.kind.as_str(),
                "weight": c.weight.to_string(),
                "objectives": c.social_objectives,
                "description": c.description,
            })
        })
        .collect();
    values["lots"] = Value::Array(lots);
    values["criteria"] = Value::Array(criteria);
    values
}

/// Reads a day/month/year/time group in Copenhagen time. `Ok(None)` when
/// every part is empty.
fn read_date(
    form: &FormPairs,
    prefix: &str,
    field: &'static str,
) -> Result<Option<NaiveDateTime>, FieldError> {
    let day = first(form, field);
    let month = first(form, &format!("{prefix}_month"));
    let year = first(form, &format!("{prefix}_year"));
    let time = first(form, &format!("{prefix}_time"));
    if [&day, &month, &year, &time].iter().all(|p| p.is_empty()) {
        return Ok(None);
    }
    let invalid = || FieldError::new(field, "date_invalid");
    let date = NaiveDate::from_ymd_opt(
        year.parse().map_err(|_| invalid())?,
        month.parse().map_err(|_| invalid())?,
        day.parse().map_err(|_| invalid())?,
    )
    .ok_or_else(invalid)?;
    let time = if time.is_empty() {
        NaiveTime::from_hms_opt(12, 0, 0).ok_or_else(invalid)?
    } else {
        let cleaned = time.replace(['.', ','], ":");
        NaiveTime::parse_from_str(&cleaned, "%H:%M").map_err(|_| invalid())?
    };
    let local = Copenhagen
        .from_local_datetime(&date.and_time(time))
        .earliest()
        .ok_or_else(invalid)?;
    Ok(Some(local.naive_utc()))
}

/// An amount as typed, with or without a currency or `kr.` around it.
fn read_amount(text: &str) -> Result<Option<Amount>, ()> {
    let cleaned = text
        .trim()
        .trim_end_matches("kr.")
        .trim_end_matches("kr")
        .trim_matches(|c: char| c.is_ascii_uppercase() || c.is_whitespace());
    if cleaned.is_empty() {
        return Ok(None);
    }
    Amount::parse_text(cleaned).map(Some).ok_or(())
}

/// Applies the fields of `sections` from the form to `content`; problems
/// the form itself has (a date that is not a date) are returned.
pub(super) fn apply_form(
    content: &mut Content,
    sections: &[&str],
    form: &FormPairs,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for section in sections {
        match *section {
            "basics" => apply_basics(content, form, &mut errors),
            "cpv" => apply_cpv(content, form),
            "place" => apply_place(content, form),
            "dates" => apply_dates(content, form, &mut errors),
            "lots" => apply_lots(content, form, &mut errors),
            "criteria" => apply_criteria(content, form),
            "reserved" => {
                content.reserved = all(form, "reserved");
                content.strategic = all(form, "strategic");
            }
            _ => {}
        }
    }
    errors
}

fn apply_basics(content: &mut Content, form: &FormPairs, errors: &mut Vec<FieldError>) {
    content.title = first(form, "title");
    content.description = first(form, "description");
    let language = first(form, "language");
    if !language.is_empty() {
        content.language = language;
    }
    content.contract_nature = Some(first(form, "contract_nature")).filter(|v| !v.is_empty());
    content.procedure_type = Some(first(form, "procedure_type")).filter(|v| !v.is_empty());
    match read_amount(&first(form, "estimated_value")) {
        Ok(v) => content.estimated_value = v,
        Err(()) => errors.push(FieldError::new("estimated_value", "invalid")),
    }
    let currency = first(form, "currency");
    if !currency.is_empty() {
        content.currency = currency;
    }
}

fn apply_cpv(content: &mut Content, form: &FormPairs) {
    let typed = first(form, "main_cpv_typed");
    let chosen = first(form, "main_cpv");
    content.main_cpv =
        Some(if typed.is_empty() { chosen } else { typed }).filter(|v| !v.is_empty());
    let mut additional = all(form, "additional_cpv");
    additional.extend(codes_typed(&first(form, "additional_cpv_typed")));
    if let Some(main) = &content.main_cpv {
        additional.retain(|c| c != main);
    }
    content.additional_cpv = additional;
}

fn apply_place(content: &mut Content, form: &FormPairs) {
    let mut codes = all(form, "nuts_codes");
    codes.extend(
        codes_typed(&first(form, "nuts_codes_typed"))
            .into_iter()
            .map(|c| c.to_uppercase()),
    );
    content.nuts_codes = codes;
}

fn apply_dates(content: &mut Content, form: &FormPairs, errors: &mut Vec<FieldError>) {
    match read_date(form, "submission", "submission_deadline") {
        Ok(v) => content.submission_deadline = keep_seconds(v, content.submission_deadline),
        Err(e) => errors.push(e),
    }
    match read_date(form, "question", "question_deadline") {
        Ok(v) => content.question_deadline = keep_seconds(v, content.question_deadline),
        Err(e) => errors.push(e),
    }
}

/// The form shows minutes: a time sent back unchanged keeps its seconds,
/// so it is not logged as a change.
fn keep_seconds(typed: Option<NaiveDateTime>, old: Option<NaiveDateTime>) -> Option<NaiveDateTime> {
    match (typed, old) {
        (Some(t), Some(o)) if o.with_second(0).and_then(|o| o.with_nanosecond(0)) == Some(t) => {
            Some(o)
        }
        _ => typed,
    }
}

/// The lots as numbered in the form; rows left wholly empty are dropped.
fn apply_lots(content: &mut Content, form: &FormPairs, errors: &mut Vec<FieldError>) {
    let mut lots = Vec::new();
    for i in 0..rules::MAX_LOTS + 10 {
        if !has(form, &format!("lot_title_{i}")) {
            break;
        }
        let title = first(form, &format!("lot_title_{i}"));
        let description = first(form, &format!("lot_description_{i}"));
        let cpv = codes_typed(&first(form, &format!("lot_cpv_{i}")));
        let value_text = first(form, &format!("lot_value_{i}"));
        if title.is_empty()
            && description.is_empty()
            && cpv.is_empty()
            && value_text.is_empty()
            && !has(form, &format!("lot_reserved_{i}"))
        {
            continue;
        }
        let value = match read_amount(&value_text) {
            Ok(v) => v,
            Err(()) => {
                errors.push(
                    FieldError::new("lots", "value_not_positive").with("lot", lots.len() + 1),
                );
                None
            }
        };
        lots.push(Lot {
            title,
            description,
            cpv_codes: cpv,
            estimated_value: value,
            reserved: all(form, &format!("lot_reserved_{i}")),
        });
    }
    content.lots = lots;
}

/// The criteria as numbered in the form; rows left wholly empty are
/// dropped.
fn apply_criteria(content: &mut Content, form: &FormPairs) {
    let mut criteria = Vec::new();
    for i in 0..rules::MAX_CRITERIA + 10 {
        if !has(form, &format!("crit_name_{i}")) {
            break;
        }
        let name = first(form, &format!("crit_name_{i}"));
        let weight_text = first(form, &format!("crit_weight_{i}"));
        let objectives = all(form, &format!("crit_obj_{i}"));
        if name.is_empty() && weight_text.is_empty() && objectives.is_empty() {
            continue;
        }
        let kind = CriterionKind::parse(&first(form, &format!("crit_kind_{i}"))).unwrap_or(
            if objectives.is_empty() {
                CriterionKind::Quality
            } else {
                CriterionKind::Social
            },
        );
        let weight = weight_text
            .trim_end_matches('%')
            .trim()
            .parse::<i32>()
            .unwrap_or(0);
        criteria.push(Criterion {
            name,
            kind,
            weight,
            social_objectives: objectives,
            description: first(form, &format!("crit_description_{i}")),
        });
    }
    content.criteria = criteria;
}

/// The typed values to show again when a form is refused.
pub(super) fn values_from_form(content: &Content, form: &FormPairs) -> Value {
    let mut values = values_of(content);
    for (key, value) in form {
        if key == "csrf_token" {
            continue;
        }
        if matches!(
            key.as_str(),
            "nuts_codes" | "additional_cpv" | "strategic" | "reserved"
        ) {
            continue;
        }
        if key.starts_with("lot_") || key.starts_with("crit_") {
            continue;
        }
        values[key.as_str()] = json!(value);
    }
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_as_people_type_them() {
        assert_eq!(read_amount("2.400.000"), Ok(Some(Amount(240_000_000))));
        assert_eq!(read_amount("2,400,000 kr."), Ok(Some(Amount(240_000_000))));
        assert_eq!(read_amount("EUR 291.934,60"), Ok(Some(Amount(29_193_460))));
        assert_eq!(read_amount(""), Ok(None));
        assert!(read_amount("to millioner").is_err());
    }

    #[test]
    fn dates_are_read_in_copenhagen_time() {
        let form: FormPairs = vec![
            ("submission_deadline".into(), "15".into()),
            ("submission_month".into(), "1".into()),
            ("submission_year".into(), "2027".into()),
            ("submission_time".into(), "12.00".into()),
        ];
        let utc = read_date(&form, "submission", "submission_deadline")
            .unwrap()
            .unwrap();
        assert_eq!(utc.to_string(), "2027-01-15 11:00:00");
        let wrong: FormPairs = vec![
            ("submission_deadline".into(), "31".into()),
            ("submission_month".into(), "2".into()),
            ("submission_year".into(), "2027".into()),
        ];
        assert!(read_date(&wrong, "submission", "submission_deadline").is_err());
    }
}
