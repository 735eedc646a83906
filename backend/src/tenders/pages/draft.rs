//! The draft journey: starting a draft, one short edit page per section,
//! saving it, and deleting a draft never published.

use crate::db::ids::TenderId;
use crate::web::extract::{Path, Query};
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use socialbid_frontend::Lang;

use super::draft_form::{apply_form, values_from_form, values_of};
use super::row_errors::edit_errors;
use super::{FormPairs, SECTIONS, first, load_owned, unprocessable};
use crate::app::AppState;
use crate::auth::Officer;
use crate::error::{AppError, AppResult};
use crate::tenders::model::{Content, Status};
use crate::tenders::service;
use crate::tenders::{documents, rules};
use crate::web::page::{FormError, Page};
use socialbid_codes::{cpv, eforms, money, nuts, text_language};

pub(super) async fn start_draft(
    State(app): State<AppState>,
    Officer(officer): Officer,
) -> AppResult<Redirect> {
    let id = service::create_draft(&app, &officer, Content::default()).await?;
    Ok(Redirect::to(&format!("/tenders/{id}/edit/basics")))
}

fn options(list: &eforms::Codelist, lang: Lang) -> Vec<Value> {
    list.codes()
        .iter()
        .map(|c| json!({"value": c.code, "label": c.label(lang)}))
        .collect()
}

/// The procedures an authority here can use, in the codelist's order.
fn procedure_options(lang: Lang) -> Vec<Value> {
    eforms::procedure_types()
        .codes()
        .iter()
        .filter(|c| rules::MUNICIPAL_PROCEDURES.contains(&c.code.as_str()))
        .map(|c| json!({"value": c.code, "label": c.label(lang)}))
        .collect()
}

/// The reserved-participation choices named by their article, as the
/// badges name them, with the eForms wording as the hint.
fn reserved_options(lang: Lang) -> Vec<Value> {
    eforms::reserved_procurement()
        .codes()
        .iter()
        .map(|c| match c.code.as_str() {
            "none" => json!({"value": c.code, "label": c.label(lang)}),
            code => json!({
                "value": code,
                "label": socialbid_frontend::translate(lang, &format!("tenders.reserved_tag.{code}")),
                "hint": c.label(lang),
            }),
        })
        .collect()
}

/// The sum of the weights typed so far (unreadable ones count as 0).
fn weights_total(rows: &[Value]) -> i64 {
    rows.iter()
        .filter_map(|r| match &r["weight"] {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().trim_end_matches('%').trim().parse().ok(),
            _ => None,
        })
        .sum()
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct EditQuery {
    pub(super) cpv_q: String,
    /// A search for places abroad: a country's name or a NUTS code's start.
    pub(super) nuts_q: String,
    #[serde(rename = "return")]
    back: String,
    pub(super) rows: Option<usize>,
}

pub(super) struct EditContext<'a> {
    pub(super) id: TenderId,
    pub(super) sections: Vec<&'a str>,
    pub(super) mode: &'a str,
    pub(super) cpv_q: &'a str,
    pub(super) nuts_q: &'a str,
    pub(super) extra_rows: usize,
    pub(super) back: &'a str,
    /// The reach estimate of the choices so far (drafts only).
    pub(super) reach: Option<Value>,
}

pub(super) fn edit_page(
    page: &Page,
    ctx: EditContext,
    content: &Content,
    values: Value,
    errors: Vec<FormError>,
    status: Status,
) -> AppResult<Html<String>> {
    let lang = page.lang;
    let mut cpv_choices: Vec<Value> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    let mut push = |code: &str, seen: &mut Vec<String>| {
        if !seen.iter().any(|s| s == code) && cpv::find(code).is_some() {
            seen.push(code.to_owned());
            let cpv = cpv::view(code, lang);
            cpv_choices.push(json!({
                "value": code,
                "label": format!("{} {}", cpv.full, cpv.label),
                "lang": cpv.lang,
            }));
        }
    };
    for code in content.main_cpv.iter().chain(content.additional_cpv.iter()) {
        push(code, &mut seen);
    }
    let hits = cpv::search(ctx.cpv_q, lang, 30);
    for hit in &hits {
        push(&hit.code, &mut seen);
    }
    // Danish regions are offered as boxes; places abroad are the ones
    // chosen, then what the search found.
    let chosen_abroad = content
        .nuts_codes
        .iter()
        .filter(|c| !c.starts_with("DK"))
        .filter_map(|c| nuts::find(c));
    let found_abroad: Vec<_> = nuts::search(ctx.nuts_q, 60)
        .into_iter()
        .filter(|r| !r.code.starts_with("DK"))
        .collect();
    let nuts_hits = found_abroad.len();
    let mut abroad: Vec<Value> = Vec::new();
    for region in chosen_abroad.chain(found_abroad) {
        if !abroad.iter().any(|a| a["value"] == region.code.as_str()) {
            abroad.push(json!({
                "value": region.code,
                "label": format!("{} ({})", region.name(lang), region.code),
            }));
        }
    }
    let position = ctx
        .sections
        .first()
        .and_then(|s| SECTIONS.iter().position(|x| x == s))
        .unwrap_or(0);
    let lot_count = content.lots.len() + ctx.extra_rows.max(usize::from(content.lots.is_empty()));
    let criteria_count = content.criteria.len().max(3) + ctx.extra_rows;
    // Each row also carries its values by field id (`lot_title_0`), the
    // shape the form macros look values and errors up by.
    let row = |list: &str, i: usize, blank: Value, fields: &[(&str, &str)]| {
        let mut row = values[list].get(i).cloned().unwrap_or(blank);
        let by_id: serde_json::Map<String, Value> = fields
            .iter()
            .map(|(prefix, key)| (format!("{prefix}_{i}"), row[*key].clone()))
            .collect();
        row["values"] = Value::Object(by_id);
        row["index"] = json!(i);
        row["number"] = json!(i + 1);
        row
    };
    let lot_rows: Vec<Value> = (0..lot_count)
        .map(|i| {
            row(
                "lots",
                i,
                json!({"title": "", "description": "", "cpv": "", "value": ""}),
                &[
                    ("lot_title", "title"),
                    ("lot_description", "description"),
                    ("lot_cpv", "cpv"),
                    ("lot_value", "value"),
                ],
            )
        })
        .collect();
    let criteria_rows: Vec<Value> = (0..criteria_count)
        .map(|i| {
            row(
                "criteria",
                i,
                json!({"name": "", "kind": "", "weight": "", "objectives": [], "description": ""}),
                &[
                    ("crit_name", "name"),
                    ("crit_kind", "kind"),
                    ("crit_weight", "weight"),
                    ("crit_description", "description"),
                ],
            )
        })
        .collect();
    page.render(
        "pages/tenders/edit.html",
        json!({
            "id": ctx.id,
            "tender_title": content.title,
            "mode": ctx.mode,
            "sections": ctx.sections,
            "step": position + 1,
            "steps": SECTIONS.len(),
            "status": status,
            "back": ctx.back,
            "reach": ctx.reach,
            "errors": errors,
            "values": values,
            "cpv_q": ctx.cpv_q,
            "cpv_searched": !ctx.cpv_q.trim().is_empty(),
            "cpv_hits": hits.len(),
            "cpv_choices": cpv_choices,
            "nuts_q": ctx.nuts_q,
            "nuts_searched": !ctx.nuts_q.trim().is_empty(),
            "nuts_hits": nuts_hits,
            "abroad_regions": abroad,
            "lot_rows": lot_rows,
            "criteria_rows": criteria_rows,
            "natures": options(eforms::contract_natures(), lang),
            "procedures": procedure_options(lang),
            // No reservation is no box ticked: `none` is not offered.
            "reserved_options": reserved_options(lang).into_iter().filter(|o| o["value"] != "none").collect::<Vec<_>>(),
            "languages": text_language::ALL.iter().map(|l| json!({"value": l.code, "label": l.name(lang)})).collect::<Vec<_>>(),
            "currencies": money::CURRENCIES.iter().map(|c| json!({"value": c, "label": c})).collect::<Vec<_>>(),
            "criteria_total": weights_total(&criteria_rows),
            "strategic_options": options(eforms::strategic_procurement(), lang),
            "objectives": options(eforms::social_objectives(), lang),
            "regions": nuts::danish_regions().iter().filter(|r| r.level() >= 2).map(|r| json!({
                "value": r.code, "label": r.name(lang), "level": r.level(),
            })).collect::<Vec<_>>(),
            "max_title": rules::MAX_TITLE,
            "max_description": rules::MAX_DESCRIPTION,
            "max_mb": documents::MAX_BYTES / 1024 / 1024,
        }),
    )
}

pub(super) async fn edit_form(
    State(app): State<AppState>,
    page: Page,
    Officer(officer): Officer,
    Path((id, section)): Path<(TenderId, String)>,
    Query(query): Query<EditQuery>,
) -> AppResult<Response> {
    if !SECTIONS.contains(&section.as_str()) {
        return Err(AppError::not_found());
    }
    let row = load_owned(&app, &officer, id).await?;
    if row.status != Status::Draft {
        return Ok(Redirect::to(&format!("/tenders/{id}/amend")).into_response());
    }
    let content = row.content();
    let values = values_of(&content);
    let reach = crate::matching::pages::draft_reach(&app, &content, page.lang).await;
    Ok(edit_page(
        &page,
        EditContext {
            id,
            sections: vec![section.as_str()],
            mode: "draft",
            cpv_q: &query.cpv_q,
            nuts_q: &query.nuts_q,
            extra_rows: query.rows.unwrap_or(0).min(10),
            back: &query.back,
            reach,
        },
        &content,
        values,
        Vec::new(),
        Status::Draft,
    )?
    .into_response())
}

pub(super) async fn edit_save(
    State(app): State<AppState>,
    page: Page,
    Officer(officer): Officer,
    Path((id, section)): Path<(TenderId, String)>,
    Query(query): Query<EditQuery>,
    Form(form): Form<FormPairs>,
) -> AppResult<Response> {
    let Some(position) = SECTIONS.iter().position(|s| *s == section) else {
        return Err(AppError::not_found());
    };
    let row = load_owned(&app, &officer, id).await?;
    if row.status != Status::Draft {
        return Err(AppError::refused(StatusCode::CONFLICT, "tender_not_draft"));
    }
    let mut content = row.content();
    let form_errors = apply_form(&mut content, &[section.as_str()], &form);
    let more_rows = first(&form, "action") == "add_row";
    let result = if form_errors.is_empty() {
        service::update_draft(&app, &officer, id, content.clone()).await
    } else {
        Err(AppError::invalid(form_errors))
    };
    match result {
        Ok(()) if more_rows => {
            let back = if query.back.is_empty() {
                String::new()
            } else {
                format!("&return={}", query.back)
            };
            let rows = query.rows.unwrap_or(0) + 1;
            Ok(Redirect::to(&format!(
                "/tenders/{id}/edit/{section}?rows={rows}{back}#{section}-last"
            ))
            .into_response())
        }
        Ok(()) => {
            let next = if query.back == "check" || position + 1 == SECTIONS.len() {
                format!("/tenders/{id}/check")
            } else {
                format!("/tenders/{id}/edit/{}", SECTIONS[position + 1])
            };
            Ok(Redirect::to(&next).into_response())
        }
        Err(error) => {
            let errors = edit_errors(&page, error, "title")?;
            let values = values_from_form(&content, &form);
            Ok(unprocessable(edit_page(
                &page,
                EditContext {
                    id,
                    sections: vec![section.as_str()],
                    mode: "draft",
                    cpv_q: "",
                    nuts_q: "",
                    extra_rows: query.rows.unwrap_or(0),
                    back: &query.back,
                    reach: None,
                },
                &content,
                values,
                errors,
                Status::Draft,
            )?))
        }
    }
}

pub(super) async fn delete(
    State(app): State<AppState>,
    Officer(officer): Officer,
    Path(id): Path<TenderId>,
) -> AppResult<Redirect> {
    service::delete_draft(&app, &officer, id).await?;
    Ok(Redirect::to("/officer/tenders?notice=draft_deleted"))
}
