//! How a tender is worded on its pages: code labels, money, sizes,
//! paragraphs, criteria bars and change-log values, in the reader's language.

use chrono::NaiveDateTime;
use serde_json::{Value, json};
use socialbid_frontend::{Lang, format_decimal, format_money, format_money_in};

use crate::tenders::model::Criterion;
use crate::tenders::money::{Amount, in_kroner};
use crate::tenders::service::TenderView;
use socialbid_codes::{cpv, eforms, nuts, text_language};

fn code_label(list: &eforms::Codelist, code: &str, lang: Lang) -> String {
    list.find(code)
        .map(|c| c.label(lang).to_owned())
        .unwrap_or_else(|| code.to_owned())
}

/// A value as published, and where it is not in kroner, what it is in
/// kroner at which reference rate: "291.934,60 EUR (ca. 2.175.759 kr. ved
/// ECB's referencekurs 7,4529 af 2023-12-29)".
pub(crate) fn value_label(value: Amount, currency: &str, lang: Lang) -> String {
    let published = format_money_in(lang, value.hundredths(), currency);
    match in_kroner(value, currency) {
        Some(converted) if currency != "DKK" => socialbid_frontend::translate_with(
            lang,
            "tenders.value_in_kroner",
            &[
                ("value", &published),
                ("kroner", &format_money(lang, converted.dkk)),
                (
                    "rate",
                    &format_decimal(lang, converted.rate.unwrap_or_default()),
                ),
                ("date", converted.rate_date.as_deref().unwrap_or_default()),
            ],
        ),
        _ => published,
    }
}

/// The reservations worded, each on its own: "Article 20 ..., Article 77 ...".
fn reserved_labels(codes: &[String], lang: Lang) -> Vec<String> {
    codes
        .iter()
        .map(|c| code_label(eforms::reserved_procurement(), c, lang))
        .collect()
}

/// A Danish region by its name; a region abroad, whose name the code list
/// lacks, by its country and code: "Tyskland (DE300)".
fn nuts_label(code: &str, lang: Lang) -> String {
    match nuts::find(code) {
        Some(r) if code.starts_with("DK") => r.name(lang).to_owned(),
        Some(r) => format!("{} ({code})", r.name(lang)),
        None => code.to_owned(),
    }
}

/// A weight as one of 21 fixed widths (0, 5, ..., 100 %), for the bar
/// picture: the CSP forbids inline styles.
fn width_class(weight: i32) -> i32 {
    ((weight.clamp(0, 100) + 2) / 5) * 5
}

fn criteria_view(criteria: &[Criterion], lang: Lang) -> Vec<Value> {
    criteria
        .iter()
        .map(|c| {
            json!({
                "name": c.name,
                "kind": c.kind.as_str(),
                "weight": c.weight,
                "width": width_class(c.weight),
                "description": c.description,
                "objectives": c.social_objectives.iter().map(|o| code_label(eforms::social_objectives(), o, lang)).collect::<Vec<_>>(),
            })
        })
        .collect()
}

/// Paragraphs and lists from plain text: a blank line ends a paragraph,
/// and a run of lines starting with "- " is a list, right under a
/// paragraph's line too (people type it so). A paragraph keeps its line
/// breaks. The template escapes the text.
fn blocks(text: &str) -> Vec<Value> {
    let is_item = |l: &&str| l.starts_with("- ") || l.starts_with("* ");
    let mut blocks = Vec::new();
    for chunk in text.split("\n\n") {
        let lines: Vec<&str> = chunk
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        for run in lines.chunk_by(|a, b| is_item(a) == is_item(b)) {
            if is_item(&run[0]) {
                blocks.push(json!({"list": run.iter().map(|l| l[2..].trim()).collect::<Vec<_>>()}));
            } else {
                blocks.push(json!({"paragraph": run.join("\n")}));
            }
        }
    }
    blocks
}

/// "840 KB", "1.024 KB", "2,5 MB" in Danish; "2.5 MB" in English.
pub(crate) fn size_label(bytes: i64, lang: Lang) -> String {
    let kb = bytes as f64 / 1024.0;
    if kb < 1024.0 {
        format!(
            "{} KB",
            socialbid_frontend::format_integer(lang, kb.ceil() as i64)
        )
    } else {
        let mb = (kb / 1024.0 * 10.0).round() / 10.0;
        format!("{} MB", socialbid_frontend::format_decimal(lang, mb))
    }
}

pub(crate) fn doc_kind(content_type: &str) -> &'static str {
    match content_type {
        "application/pdf" => "pdf",
        t if t.contains("wordprocessing") => "docx",
        t if t.contains("spreadsheetml") => "xlsx",
        t if t.contains("presentation") => "pptx",
        t if t.contains("opendocument.text") => "odt",
        t if t.contains("opendocument.spreadsheet") => "ods",
        "application/msword" => "doc",
        "application/vnd.ms-excel" => "xls",
        _ => "fil",
    }
}

/// Everything the tender page shows, worded for `lang`.
pub(super) fn tender_display(view: &TenderView, lang: Lang) -> Value {
    let warnings: Vec<String> = view
        .warnings
        .iter()
        .map(|w| {
            socialbid_frontend::translate_with(
                lang,
                &format!("warning.{}", w.code),
                &[
                    ("days", &w.days.to_string()),
                    ("minimum", &w.minimum.to_string()),
                ],
            )
        })
        .collect();
    json!({
        "id": view.id,
        "status": view.status,
        "version": view.version,
        "authority": view.authority.name,
        "authority_nuts": nuts_label(&view.authority.nuts_code, lang),
        "title": view.title,
        "description": blocks(&view.description),
        "language": view.language,
        "language_name": text_language::find(&view.language).map(|l| l.name(lang)),
        "contract_nature": view.contract_nature.as_deref().map(|c| code_label(eforms::contract_natures(), c, lang)),
        "procedure_type": view.procedure_type.as_deref().map(|c| code_label(eforms::procedure_types(), c, lang)),
        "main_cpv": view.main_cpv.as_deref().map(|c| cpv::view(c, lang)),
        "additional_cpv": view.additional_cpv.iter().map(|c| cpv::view(c, lang)).collect::<Vec<_>>(),
        "nuts": view.nuts_codes.iter().map(|c| nuts_label(c, lang)).collect::<Vec<_>>(),
        "value": view.estimated_value.map(|v| value_label(v, &view.currency, lang)),
        "submission_deadline": view.submission_deadline,
        "question_deadline": view.question_deadline,
        "reserved": view.reserved,
        "reserved_labels": reserved_labels(&view.reserved, lang),
        "strategic": view.strategic.iter().map(|c| code_label(eforms::strategic_procurement(), c, lang)).collect::<Vec<_>>(),
        "lots": view.lots.iter().map(|l| json!({
            "title": l.title,
            "description": blocks(&l.description),
            "cpv": l.cpv_codes.iter().map(|c| cpv::view(c, lang)).collect::<Vec<_>>(),
            "value": l.estimated_value.map(|v| value_label(v, &view.currency, lang)),
            "reserved": l.reserved,
            "reserved_labels": reserved_labels(&l.reserved, lang),
        })).collect::<Vec<_>>(),
        "criteria": criteria_view(&view.criteria, lang),
        "weight_sum": view.criteria.iter().map(|c| i64::from(c.weight)).sum::<i64>(),
        "social_weight": view.social_weight,
        "cancel_reason": view.cancel_reason,
        "published_at": view.published_at,
        "closed_at": view.closed_at,
        "cancelled_at": view.cancelled_at,
        "versions": view.versions.iter().rev().map(|v| json!({
            "version": v.version,
            "kind": v.kind,
            "created_at": v.created_at,
            "reason": v.reason,
            "changes": v.changes.iter().map(|c| json!({
                "field": c.field,
                "before": change_text(&c.field, &c.before, lang),
                "after": change_text(&c.field, &c.after, lang),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        // Askers and officers write in Danish or English whatever the
        // tender's language; each text is marked with its own (WCAG 3.1.2).
        "questions": view.questions.iter().map(|q| {
            let mut shown = json!(q);
            shown["question_lang"] = json!(text_language::guess_da_or_en(&q.question));
            shown["answer_lang"] = json!(q.answer.as_deref().map(text_language::guess_da_or_en));
            shown
        }).collect::<Vec<_>>(),
        "documents": view.documents.iter().map(|d| json!({
            "id": d.id,
            "file_name": d.file_name,
            "label": d.label(),
            "kind": doc_kind(&d.content_type),
            "size": size_label(d.size_bytes, lang),
        })).collect::<Vec<_>>(),
        "warnings": warnings,
        "following": view.following,
    })
}

/// A change-log value worded for people: times in Copenhagen time, codes
/// with their labels, amounts as money.
fn change_text(field: &str, raw: &str, lang: Lang) -> String {
    if raw.is_empty() {
        return "–".into();
    }
    match field {
        "submission_deadline" | "question_deadline" => {
            NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S")
                .map(|t| socialbid_frontend::format_datetime(lang, t))
                .unwrap_or_else(|_| raw.to_owned())
        }
        "estimated_value" => Amount::parse_text(raw)
            .map(|v| format_money_in(lang, v.hundredths(), "").trim().to_owned())
            .unwrap_or_else(|| raw.to_owned()),
        "main_cpv" => {
            let cpv = cpv::view(raw, lang);
            format!("{} {}", cpv.full, cpv.label)
        }
        "reserved" => reserved_labels(
            &raw.split(", ").map(str::to_owned).collect::<Vec<_>>(),
            lang,
        )
        .join(", "),
        "contract_nature" => code_label(eforms::contract_natures(), raw, lang),
        "procedure_type" => code_label(eforms::procedure_types(), raw, lang),
        "status" => socialbid_frontend::translate(lang, &format!("tender_status.{raw}")),
        "language" => text_language::find(raw)
            .map(|l| l.name(lang).to_owned())
            .unwrap_or_else(|| raw.to_owned()),
        "nuts_codes" => raw
            .split(", ")
            .map(|c| nuts_label(c, lang))
            .collect::<Vec<_>>()
            .join(", "),
        _ => raw.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_become_paragraphs_and_lists() {
        let b = blocks("Første afsnit.\n\n- et\n- to\n\nSidste.");
        assert_eq!(b.len(), 3);
        assert_eq!(b[1]["list"][1], "to");
    }

    #[test]
    fn a_list_right_under_a_line_is_a_list_and_lines_stay_apart() {
        let b = blocks("Vi har brug for:\n- 200 kuverter\n- økologi\nTak.\nMed venlig hilsen");
        assert_eq!(
            b,
            [
                json!({"paragraph": "Vi har brug for:"}),
                json!({"list": ["200 kuverter", "økologi"]}),
                json!({"paragraph": "Tak.\nMed venlig hilsen"}),
            ]
        );
    }

    #[test]
    fn weights_snap_to_fixed_widths() {
        assert_eq!(width_class(62), 60);
        assert_eq!(width_class(63), 65);
        assert_eq!(width_class(100), 100);
    }

    #[test]
    fn sizes_carry_the_language_separators() {
        assert_eq!(size_label(840 * 1024, Lang::Da), "840 KB");
        assert_eq!(size_label(1024 * 1024 - 100, Lang::Da), "1.024 KB");
        assert_eq!(size_label(1024 * 1024 - 100, Lang::En), "1,024 KB");
        assert_eq!(size_label(5 * 1024 * 1024 / 2, Lang::Da), "2,5 MB");
        assert_eq!(size_label(5 * 1024 * 1024 / 2, Lang::En), "2.5 MB");
    }
}
