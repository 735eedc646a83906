//! Tender pages, working without JavaScript: the public list and tender
//! page, the officer's dashboard, the draft journey (one short page per
//! part, then "check your answers" and publish), amending, cancelling,
//! questions, answers and following.

use axum::Form;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike};
use chrono_tz::Europe::Copenhagen;
use serde::Deserialize;
use serde_json::{Value, json};
use socialbid_frontend::{Lang, format_money};

use crate::app::AppState;
use crate::auth::{AuthUser, Entrepreneur, Officer, Role};
use crate::codes::{cpv, eforms, nuts};
use crate::error::{AppError, AppResult, FieldError};
use crate::tenders::model::{self, Content, Criterion, CriterionKind, Lot, Status};
use crate::tenders::service::{self, TenderView};
use crate::tenders::{documents, rules};
use crate::web::page::{FormError, Page, pagination};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/tenders", get(list))
        .route("/tenders/{id}", get(show))
        .route("/tenders/{id}/questions", post(ask))
        .route("/tenders/{id}/questions/{qid}/answer", post(answer))
        .route("/tenders/{id}/follow", post(follow))
        .route("/tenders/{id}/unfollow", post(unfollow))
        .route("/tenders/{id}/documents/{doc}", get(download))
        .route("/officer/tenders", get(dashboard).post(start_draft))
        .route(
            "/tenders/{id}/edit/{section}",
            get(edit_form).post(edit_save),
        )
        .route("/tenders/{id}/check", get(check))
        .route("/tenders/{id}/publish", post(publish))
        .route("/tenders/{id}/delete", post(delete))
        .route("/tenders/{id}/amend", get(amend_form).post(amend))
        .route("/tenders/{id}/cancel", get(cancel_form).post(cancel))
        .route(
            "/tenders/{id}/documents",
            get(documents_form)
                .post(upload_document)
                .layer(axum::extract::DefaultBodyLimit::max(
                    crate::auth::csrf::MAX_UPLOAD_BYTES,
                )),
        )
}

/// The draft journey, in order.
pub const SECTIONS: [&str; 7] = [
    "basics", "cpv", "place", "dates", "lots", "criteria", "reserved",
];

type FormPairs = Vec<(String, String)>;

fn first(form: &FormPairs, name: &str) -> String {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim().to_owned())
        .unwrap_or_default()
}

fn all(form: &FormPairs, name: &str) -> Vec<String> {
    form.iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .collect()
}

fn has(form: &FormPairs, name: &str) -> bool {
    form.iter().any(|(k, _)| k == name)
}

fn codes_typed(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn unprocessable(html: Html<String>) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, html).into_response()
}

// ------------------------------------------------------------ formatting

fn code_label(list: &eforms::Codelist, code: &str, lang: Lang) -> String {
    list.find(code)
        .map(|c| c.label(lang).to_owned())
        .unwrap_or_else(|| code.to_owned())
}

fn nuts_label(code: &str, lang: Lang) -> String {
    nuts::find(code)
        .map(|r| r.name(lang).to_owned())
        .unwrap_or_else(|| code.to_owned())
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

/// Paragraphs and lists from plain text: a line starting with "- " is a
/// list item; a blank line ends a paragraph. The template escapes the text.
fn blocks(text: &str) -> Vec<Value> {
    let mut blocks = Vec::new();
    for chunk in text.split("\n\n") {
        let lines: Vec<&str> = chunk
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        if lines.is_empty() {
            continue;
        }
        if lines
            .iter()
            .all(|l| l.starts_with("- ") || l.starts_with("* "))
        {
            blocks.push(json!({"list": lines.iter().map(|l| l[2..].trim()).collect::<Vec<_>>()}));
        } else {
            blocks.push(json!({"paragraph": lines.join("\n")}));
        }
    }
    blocks
}

fn size_label(bytes: i64, lang: Lang) -> String {
    let kb = bytes as f64 / 1024.0;
    let text = if kb < 1024.0 {
        format!("{} KB", kb.ceil() as i64)
    } else {
        format!("{:.1} MB", kb / 1024.0)
    };
    match lang {
        Lang::Da => text.replace('.', ","),
        Lang::En => text,
    }
}

fn doc_kind(content_type: &str) -> &'static str {
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
fn tender_display(view: &TenderView, lang: Lang) -> Value {
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
        "contract_nature": view.contract_nature.as_deref().map(|c| code_label(eforms::contract_natures(), c, lang)),
        "procedure_type": view.procedure_type.as_deref().map(|c| code_label(eforms::procedure_types(), c, lang)),
        "main_cpv": view.main_cpv.as_deref().map(|c| cpv::view(c, lang)),
        "additional_cpv": view.additional_cpv.iter().map(|c| cpv::view(c, lang)).collect::<Vec<_>>(),
        "nuts": view.nuts_codes.iter().map(|c| nuts_label(c, lang)).collect::<Vec<_>>(),
        "value": view.estimated_value_dkk.map(|v| format_money(lang, v)),
        "submission_deadline": view.submission_deadline,
        "question_deadline": view.question_deadline,
        "reserved": view.reserved,
        "reserved_label": code_label(eforms::reserved_procurement(), &view.reserved, lang),
        "strategic": view.strategic.iter().map(|c| code_label(eforms::strategic_procurement(), c, lang)).collect::<Vec<_>>(),
        "lots": view.lots.iter().map(|l| json!({
            "title": l.title,
            "description": blocks(&l.description),
            "cpv": l.cpv_codes.iter().map(|c| cpv::view(c, lang)).collect::<Vec<_>>(),
            "value": l.estimated_value_dkk.map(|v| format_money(lang, v)),
        })).collect::<Vec<_>>(),
        "criteria": criteria_view(&view.criteria, lang),
        "weight_sum": view.criteria.iter().map(|c| c.weight).sum::<i32>(),
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
        "questions": view.questions,
        "documents": view.documents.iter().map(|d| json!({
            "id": d.id,
            "file_name": d.file_name,
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
        "estimated_value_dkk" => raw
            .parse::<i64>()
            .map(|v| format_money(lang, v))
            .unwrap_or_else(|_| raw.to_owned()),
        "main_cpv" => {
            let cpv = cpv::view(raw, lang);
            format!("{} {}", cpv.full, cpv.label)
        }
        "reserved" => code_label(eforms::reserved_procurement(), raw, lang),
        "contract_nature" => code_label(eforms::contract_natures(), raw, lang),
        "procedure_type" => code_label(eforms::procedure_types(), raw, lang),
        "status" => socialbid_frontend::translate(lang, &format!("tender_status.{raw}")),
        "language" => socialbid_frontend::translate(lang, &format!("language.{raw}")),
        "nuts_codes" => raw
            .split(", ")
            .map(|c| nuts_label(c, lang))
            .collect::<Vec<_>>()
            .join(", "),
        _ => raw.to_owned(),
    }
}

fn is_owner(page: &Page, view: &TenderView) -> bool {
    page.user.as_ref().is_some_and(|u| {
        u.role == Role::Officer
            && u.approval_state.as_deref() == Some("approved")
            && u.authority_id == Some(view.authority.id)
    })
}

// ---------------------------------------------------------------- public

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    page: Option<String>,
}

async fn list(
    State(app): State<AppState>,
    page: Page,
    Query(query): Query<ListQuery>,
) -> AppResult<Html<String>> {
    let number = query
        .page
        .and_then(|p| p.parse::<i64>().ok())
        .unwrap_or(1)
        .max(1);
    let result = service::list_public(&app, number, service::PER_PAGE).await?;
    let lang = page.lang;
    let items: Vec<Value> = result
        .items
        .iter()
        .map(|t| {
            json!({
                "id": t.id,
                "title": t.title,
                "status": t.status,
                "authority": t.authority_name,
                "cpv": t.main_cpv.as_deref().map(|c| cpv::view(c, lang)),
                "value": t.estimated_value_dkk.map(|v| format_money(lang, v)),
                "deadline": t.submission_deadline,
                "reserved": t.reserved,
                "social_weight": t.social_weight,
                "published_at": t.published_at,
            })
        })
        .collect();
    page.render(
        "pages/tenders/list.html",
        json!({
            "tenders": items,
            "total": result.total,
            "page_number": result.page,
            "pages": result.pages,
            "pagination": pagination(result.page, result.pages, |n| format!("/tenders?page={n}")),
        }),
    )
}

fn show_page(
    page: &Page,
    view: &TenderView,
    errors: Vec<FormError>,
    values: Value,
    now: NaiveDateTime,
) -> AppResult<Html<String>> {
    let owner = is_owner(page, view);
    let role = page.user.as_ref().map(|u| u.role.as_str());
    let can_ask = role == Some("entrepreneur")
        && view.status == Status::Published
        && view.question_deadline.is_some_and(|d| d > now)
        && view.submission_deadline.is_some_and(|d| d > now);
    page.render(
        "pages/tenders/show.html",
        json!({
            "tender": tender_display(view, page.lang),
            "owner": owner,
            "role": role,
            "can_ask": can_ask,
            "can_follow": role == Some("entrepreneur") && view.status != Status::Draft,
            "errors": errors,
            "values": values,
            "max_question": rules::MAX_QUESTION,
        }),
    )
}

async fn show(
    State(app): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> AppResult<Html<String>> {
    let view = service::get(&app, page.user.as_ref(), id).await?;
    show_page(&page, &view, Vec::new(), json!({}), app.clock.now())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct QuestionForm {
    question: String,
}

async fn ask(
    State(app): State<AppState>,
    page: Page,
    Entrepreneur(user): Entrepreneur,
    Path(id): Path<i64>,
    Form(form): Form<QuestionForm>,
) -> AppResult<Response> {
    match service::ask(&app, &user, id, form.question.clone()).await {
        Ok(_) => Ok(
            Redirect::to(&format!("/tenders/{id}?notice=question_sent#questions")).into_response(),
        ),
        Err(error) => {
            let errors = page.errors_of(error, "question")?;
            let view = service::get(&app, Some(&user), id).await?;
            Ok(unprocessable(show_page(
                &page,
                &view,
                errors,
                json!({"question": form.question}),
                app.clock.now(),
            )?))
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct AnswerForm {
    answer: String,
}

async fn answer(
    State(app): State<AppState>,
    page: Page,
    Officer(officer): Officer,
    Path((id, qid)): Path<(i64, i64)>,
    Form(form): Form<AnswerForm>,
) -> AppResult<Response> {
    match service::answer(&app, &officer, id, qid, form.answer.clone()).await {
        Ok(()) => Ok(
            Redirect::to(&format!("/tenders/{id}?notice=answer_published#questions"))
                .into_response(),
        ),
        Err(error) => {
            let field = format!("answer-{qid}");
            let mut errors = page.errors_of(error, &field)?;
            for e in &mut errors {
                e.retarget(&field);
            }
            let view = service::get(&app, Some(&officer), id).await?;
            Ok(unprocessable(show_page(
                &page,
                &view,
                errors,
                json!({ field: form.answer }),
                app.clock.now(),
            )?))
        }
    }
}

async fn follow(
    State(app): State<AppState>,
    Entrepreneur(user): Entrepreneur,
    Path(id): Path<i64>,
) -> AppResult<Redirect> {
    service::follow(&app, &user, id, true).await?;
    Ok(Redirect::to(&format!("/tenders/{id}?notice=following")))
}

async fn unfollow(
    State(app): State<AppState>,
    Entrepreneur(user): Entrepreneur,
    Path(id): Path<i64>,
) -> AppResult<Redirect> {
    service::follow(&app, &user, id, false).await?;
    Ok(Redirect::to(&format!("/tenders/{id}?notice=not_following")))
}

async fn download(
    State(app): State<AppState>,
    page: Page,
    Path((id, doc)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let (name, content_type, bytes) =
        documents::download(&app, page.user.as_ref(), id, doc).await?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, content_type),
            (
                axum::http::header::CONTENT_DISPOSITION,
                documents::disposition(&name),
            ),
            (
                axum::http::header::X_CONTENT_TYPE_OPTIONS,
                "nosniff".to_owned(),
            ),
        ],
        bytes,
    )
        .into_response())
}

// --------------------------------------------------------------- officer

async fn dashboard(
    State(app): State<AppState>,
    page: Page,
    Officer(officer): Officer,
) -> AppResult<Html<String>> {
    let all = service::list_for_authority(&app, &officer, None).await?;
    let lang = page.lang;
    let groups: Vec<Value> = Status::ALL
        .iter()
        .map(|status| {
            let items: Vec<Value> = all
                .iter()
                .filter(|t| t.status == status.as_str())
                .map(|t| {
                    json!({
                        "id": t.id,
                        "title": if t.title.is_empty() { socialbid_frontend::translate(lang, "tenders.untitled") } else { t.title.clone() },
                        "deadline": t.submission_deadline,
                        "updated_at": t.updated_at,
                        "social_weight": t.social_weight,
                    })
                })
                .collect();
            json!({"status": status.as_str(), "tenders": items})
        })
        .collect();
    page.render("pages/tenders/dashboard.html", json!({ "groups": groups }))
}

async fn start_draft(
    State(app): State<AppState>,
    Officer(officer): Officer,
) -> AppResult<Redirect> {
    let id = service::create_draft(&app, &officer, Content::default()).await?;
    Ok(Redirect::to(&format!("/tenders/{id}/edit/basics")))
}

async fn load_owned(app: &AppState, officer: &AuthUser, id: i64) -> AppResult<model::TenderRow> {
    let officer = officer.clone();
    app.db
        .run(move |conn| {
            let row = model::find(conn, id)?;
            let viewer = service::Viewer(Some(&officer));
            if !viewer.can_see(&row) {
                return Err(AppError::not_found());
            }
            if !viewer.owns(&row) {
                return Err(AppError::forbidden("tender_not_yours"));
            }
            Ok(row)
        })
        .await
}

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
fn values_of(content: &Content) -> Value {
    let (sd, sm, sy, st) = local_parts(content.submission_deadline);
    let (qd, qm, qy, qt) = local_parts(content.question_deadline);
    let mut values = json!({
        "title": content.title,
        "description": content.description,
        "language": content.language,
        "contract_nature": content.contract_nature,
        "procedure_type": content.procedure_type,
        "estimated_value_dkk": content.estimated_value_dkk.map(|v| v.to_string()).unwrap_or_default(),
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
                "value": l.estimated_value_dkk.map(|v| v.to_string()).unwrap_or_default(),
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

fn options(list: &eforms::Codelist, lang: Lang) -> Vec<Value> {
    list.codes()
        .iter()
        .map(|c| json!({"value": c.code, "label": c.label(lang)}))
        .collect()
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct EditQuery {
    cpv_q: String,
    #[serde(rename = "return")]
    back: String,
    rows: Option<usize>,
}

struct EditContext<'a> {
    id: i64,
    sections: Vec<&'a str>,
    mode: &'a str,
    cpv_q: &'a str,
    extra_rows: usize,
    back: &'a str,
}

fn edit_page(
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
    let position = ctx
        .sections
        .first()
        .and_then(|s| SECTIONS.iter().position(|x| x == s))
        .unwrap_or(0);
    let lot_count = content.lots.len() + ctx.extra_rows.max(usize::from(content.lots.is_empty()));
    let criteria_count = content.criteria.len().max(3) + ctx.extra_rows;
    let row = |list: &str, i: usize, blank: Value| {
        let mut row = values[list].get(i).cloned().unwrap_or(blank);
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
            )
        })
        .collect();
    let criteria_rows: Vec<Value> = (0..criteria_count)
        .map(|i| {
            row(
                "criteria",
                i,
                json!({"name": "", "kind": "", "weight": "", "objectives": [], "description": ""}),
            )
        })
        .collect();
    page.render(
        "pages/tenders/edit.html",
        json!({
            "id": ctx.id,
            "mode": ctx.mode,
            "sections": ctx.sections,
            "step": position + 1,
            "steps": SECTIONS.len(),
            "status": status,
            "back": ctx.back,
            "errors": errors,
            "values": values,
            "cpv_q": ctx.cpv_q,
            "cpv_searched": !ctx.cpv_q.trim().is_empty(),
            "cpv_hits": hits.len(),
            "cpv_choices": cpv_choices,
            "lot_rows": lot_rows,
            "criteria_rows": criteria_rows,
            "natures": options(eforms::contract_natures(), lang),
            "procedures": options(eforms::procedure_types(), lang),
            "reserved_options": options(eforms::reserved_procurement(), lang),
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

async fn edit_form(
    State(app): State<AppState>,
    page: Page,
    Officer(officer): Officer,
    Path((id, section)): Path<(i64, String)>,
    Query(query): Query<EditQuery>,
) -> AppResult<Response> {
    if !SECTIONS.contains(&section.as_str()) {
        return Err(AppError::not_found());
    }
    let row = load_owned(&app, &officer, id).await?;
    if row.status() != Status::Draft {
        return Ok(Redirect::to(&format!("/tenders/{id}/amend")).into_response());
    }
    let content = row.content();
    let values = values_of(&content);
    Ok(edit_page(
        &page,
        EditContext {
            id,
            sections: vec![section.as_str()],
            mode: "draft",
            cpv_q: &query.cpv_q,
            extra_rows: query.rows.unwrap_or(0).min(10),
            back: &query.back,
        },
        &content,
        values,
        Vec::new(),
        Status::Draft,
    )?
    .into_response())
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

fn read_amount(text: &str) -> Result<Option<i64>, ()> {
    let cleaned: String = text
        .trim()
        .trim_end_matches("kr.")
        .trim_end_matches("kr")
        .trim_start_matches("DKK")
        .chars()
        .filter(|c| !matches!(c, '.' | ',' | ' ' | '\u{a0}'))
        .collect();
    if cleaned.is_empty() {
        return Ok(None);
    }
    cleaned.parse::<i64>().map(Some).map_err(|_| ())
}

/// Applies the fields of `sections` from the form to `content`; problems
/// the form itself has (a date that is not a date) are returned.
fn apply_form(content: &mut Content, sections: &[&str], form: &FormPairs) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for section in sections {
        match *section {
            "basics" => {
                content.title = first(form, "title");
                content.description = first(form, "description");
                let language = first(form, "language");
                if !language.is_empty() {
                    content.language = language;
                }
                content.contract_nature =
                    Some(first(form, "contract_nature")).filter(|v| !v.is_empty());
                content.procedure_type =
                    Some(first(form, "procedure_type")).filter(|v| !v.is_empty());
                match read_amount(&first(form, "estimated_value_dkk")) {
                    Ok(v) => content.estimated_value_dkk = v,
                    Err(()) => errors.push(FieldError::new("estimated_value_dkk", "invalid")),
                }
            }
            "cpv" => {
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
            "place" => content.nuts_codes = all(form, "nuts_codes"),
            "dates" => {
                // The form shows minutes: a time sent back unchanged keeps
                // its seconds, so it is not logged as a change.
                let keep =
                    |typed: Option<NaiveDateTime>, old: Option<NaiveDateTime>| match (typed, old) {
                        (Some(t), Some(o))
                            if o.with_second(0).and_then(|o| o.with_nanosecond(0)) == Some(t) =>
                        {
                            Some(o)
                        }
                        _ => typed,
                    };
                match read_date(form, "submission", "submission_deadline") {
                    Ok(v) => content.submission_deadline = keep(v, content.submission_deadline),
                    Err(e) => errors.push(e),
                }
                match read_date(form, "question", "question_deadline") {
                    Ok(v) => content.question_deadline = keep(v, content.question_deadline),
                    Err(e) => errors.push(e),
                }
            }
            "lots" => {
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
                    {
                        continue;
                    }
                    let value = match read_amount(&value_text) {
                        Ok(v) => v,
                        Err(()) => {
                            errors.push(
                                FieldError::new("lots", "value_not_positive")
                                    .with("lot", lots.len() + 1),
                            );
                            None
                        }
                    };
                    lots.push(Lot {
                        title,
                        description,
                        cpv_codes: cpv,
                        estimated_value_dkk: value,
                    });
                }
                content.lots = lots;
            }
            "criteria" => {
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
                    let kind = CriterionKind::parse(&first(form, &format!("crit_kind_{i}")))
                        .unwrap_or(if objectives.is_empty() {
                            CriterionKind::Quality
                        } else {
                            CriterionKind::Social
                        });
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
            "reserved" => {
                let reserved = first(form, "reserved");
                content.reserved = if reserved.is_empty() {
                    "none".into()
                } else {
                    reserved
                };
                content.strategic = all(form, "strategic");
            }
            _ => {}
        }
    }
    errors
}

/// The typed values to show again when a form is refused.
fn values_from_form(content: &Content, form: &FormPairs) -> Value {
    let mut values = values_of(content);
    for (key, value) in form {
        if key == "csrf_token" {
            continue;
        }
        if matches!(key.as_str(), "nuts_codes" | "additional_cpv" | "strategic") {
            continue;
        }
        if key.starts_with("lot_") || key.starts_with("crit_") {
            continue;
        }
        values[key.as_str()] = json!(value);
    }
    values
}

async fn edit_save(
    State(app): State<AppState>,
    page: Page,
    Officer(officer): Officer,
    Path((id, section)): Path<(i64, String)>,
    Query(query): Query<EditQuery>,
    Form(form): Form<FormPairs>,
) -> AppResult<Response> {
    let Some(position) = SECTIONS.iter().position(|s| *s == section) else {
        return Err(AppError::not_found());
    };
    let row = load_owned(&app, &officer, id).await?;
    if row.status() != Status::Draft {
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
            let errors = page.errors_of(error, "title")?;
            let values = values_from_form(&content, &form);
            Ok(unprocessable(edit_page(
                &page,
                EditContext {
                    id,
                    sections: vec![section.as_str()],
                    mode: "draft",
                    cpv_q: "",
                    extra_rows: query.rows.unwrap_or(0),
                    back: &query.back,
                },
                &content,
                values,
                errors,
                Status::Draft,
            )?))
        }
    }
}

/// Which check-page row (and edit section) a field belongs to.
fn section_of(field: &str) -> &'static str {
    match field {
        "title"
        | "description"
        | "language"
        | "contract_nature"
        | "procedure_type"
        | "estimated_value_dkk" => "basics",
        "main_cpv" | "additional_cpv" => "cpv",
        "nuts_codes" => "place",
        "submission_deadline" | "question_deadline" => "dates",
        "lots" => "lots",
        "criteria" => "criteria",
        _ => "reserved",
    }
}

fn check_page(
    app: &AppState,
    page: &Page,
    row: &model::TenderRow,
    view: &TenderView,
    errors: Vec<FormError>,
) -> AppResult<Html<String>> {
    let problems: Vec<Value> = errors
        .iter()
        .map(|e| {
            let v = serde_json::to_value(e).unwrap_or_default();
            let field = v["field"].as_str().unwrap_or_default().to_owned();
            json!({"field": format!("row-{}", section_of(&field)), "message": v["message"]})
        })
        .collect();
    let _ = row;
    page.render(
        "pages/tenders/check.html",
        json!({
            "tender": tender_display(view, page.lang),
            "errors": problems,
            "sections": SECTIONS,
            "warnings_now": service::draft_warnings(app, row).len(),
        }),
    )
}

async fn check(
    State(app): State<AppState>,
    page: Page,
    Officer(officer): Officer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let row = load_owned(&app, &officer, id).await?;
    if row.status() != Status::Draft {
        return Ok(Redirect::to(&format!("/tenders/{id}")).into_response());
    }
    let view = service::get(&app, Some(&officer), id).await?;
    Ok(check_page(&app, &page, &row, &view, Vec::new())?.into_response())
}

async fn publish(
    State(app): State<AppState>,
    page: Page,
    Officer(officer): Officer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    match service::publish(&app, &officer, id).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/tenders/{id}?notice=tender_published")).into_response())
        }
        Err(error) => {
            let errors = page.errors_of(error, "title")?;
            let row = load_owned(&app, &officer, id).await?;
            let view = service::get(&app, Some(&officer), id).await?;
            Ok(unprocessable(check_page(&app, &page, &row, &view, errors)?))
        }
    }
}

async fn delete(
    State(app): State<AppState>,
    Officer(officer): Officer,
    Path(id): Path<i64>,
) -> AppResult<Redirect> {
    service::delete_draft(&app, &officer, id).await?;
    Ok(Redirect::to("/officer/tenders?notice=draft_deleted"))
}

async fn amend_form(
    State(app): State<AppState>,
    page: Page,
    Officer(officer): Officer,
    Path(id): Path<i64>,
    Query(query): Query<EditQuery>,
) -> AppResult<Response> {
    let row = load_owned(&app, &officer, id).await?;
    if row.status() != Status::Published {
        return Err(AppError::refused(
            StatusCode::CONFLICT,
            "tender_not_published",
        ));
    }
    let content = row.content();
    Ok(edit_page(
        &page,
        EditContext {
            id,
            sections: SECTIONS.to_vec(),
            mode: "amend",
            cpv_q: &query.cpv_q,
            extra_rows: query.rows.unwrap_or(0).min(10),
            back: "",
        },
        &content,
        values_of(&content),
        Vec::new(),
        Status::Published,
    )?
    .into_response())
}

async fn amend(
    State(app): State<AppState>,
    page: Page,
    Officer(officer): Officer,
    Path(id): Path<i64>,
    Form(form): Form<FormPairs>,
) -> AppResult<Response> {
    let row = load_owned(&app, &officer, id).await?;
    let mut content = row.content();
    let form_errors = apply_form(&mut content, &SECTIONS, &form);
    let reason = first(&form, "amend_reason");
    let result = if form_errors.is_empty() {
        service::amend(&app, &officer, id, content.clone(), reason)
            .await
            .map(|_| ())
    } else {
        Err(AppError::invalid(form_errors))
    };
    match result {
        Ok(()) => Ok(
            Redirect::to(&format!("/tenders/{id}?notice=tender_amended#changes")).into_response(),
        ),
        Err(error) => {
            let errors = page.errors_of(error, "amend_reason")?;
            let values = values_from_form(&content, &form);
            Ok(unprocessable(edit_page(
                &page,
                EditContext {
                    id,
                    sections: SECTIONS.to_vec(),
                    mode: "amend",
                    cpv_q: "",
                    extra_rows: 0,
                    back: "",
                },
                &content,
                values,
                errors,
                Status::Published,
            )?))
        }
    }
}

async fn cancel_form(
    State(app): State<AppState>,
    page: Page,
    Officer(officer): Officer,
    Path(id): Path<i64>,
) -> AppResult<Html<String>> {
    let view = service::get(&app, Some(&officer), id).await?;
    if !is_owner(&page, &view) {
        return Err(AppError::forbidden("tender_not_yours"));
    }
    page.render(
        "pages/tenders/cancel.html",
        json!({"tender": {"id": view.id, "title": view.title}, "errors": [], "values": {}}),
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CancelForm {
    cancel_reason: String,
}

async fn cancel(
    State(app): State<AppState>,
    page: Page,
    Officer(officer): Officer,
    Path(id): Path<i64>,
    Form(form): Form<CancelForm>,
) -> AppResult<Response> {
    match service::cancel(&app, &officer, id, form.cancel_reason.clone()).await {
        Ok(()) => {
            Ok(Redirect::to(&format!("/tenders/{id}?notice=tender_cancelled")).into_response())
        }
        Err(error) => {
            let errors = page.errors_of(error, "cancel_reason")?;
            let view = service::get(&app, Some(&officer), id).await?;
            Ok(unprocessable(page.render(
                "pages/tenders/cancel.html",
                json!({"tender": {"id": view.id, "title": view.title}, "errors": errors,
                       "values": {"cancel_reason": form.cancel_reason}}),
            )?))
        }
    }
}

fn documents_page(
    page: &Page,
    view: &TenderView,
    errors: Vec<FormError>,
) -> AppResult<Html<String>> {
    page.render(
        "pages/tenders/documents.html",
        json!({
            "tender": tender_display(view, page.lang),
            "errors": errors,
            "values": {},
            "max_mb": documents::MAX_BYTES / 1024 / 1024,
        }),
    )
}

async fn documents_form(
    State(app): State<AppState>,
    page: Page,
    Officer(officer): Officer,
    Path(id): Path<i64>,
) -> AppResult<Html<String>> {
    load_owned(&app, &officer, id).await?;
    let view = service::get(&app, Some(&officer), id).await?;
    documents_page(&page, &view, Vec::new())
}

async fn upload_document(
    State(app): State<AppState>,
    page: Page,
    Officer(officer): Officer,
    Path(id): Path<i64>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let content_type = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let file = crate::web::multipart::parse(content_type, &body)
        .and_then(|parts| parts.into_iter().find(|p| p.name == "file"));
    let result = match file {
        Some(part) if part.file_name.as_deref().is_some_and(|n| !n.is_empty()) => {
            documents::upload(
                &app,
                &officer,
                id,
                part.file_name.as_deref().unwrap_or_default(),
                part.data,
            )
            .await
            .map(|_| ())
        }
        _ => Err(AppError::field("file", "required")),
    };
    match result {
        Ok(()) => Ok(
            Redirect::to(&format!("/tenders/{id}/documents?notice=document_added")).into_response(),
        ),
        Err(error) => {
            let errors = page.errors_of(error, "file")?;
            let view = service::get(&app, Some(&officer), id).await?;
            Ok(unprocessable(documents_page(&page, &view, errors)?))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_as_people_type_them() {
        assert_eq!(read_amount("2.400.000"), Ok(Some(2_400_000)));
        assert_eq!(read_amount("2,400,000 kr."), Ok(Some(2_400_000)));
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

    #[test]
    fn descriptions_become_paragraphs_and_lists() {
        let b = blocks("Første afsnit.\n\n- et\n- to\n\nSidste.");
        assert_eq!(b.len(), 3);
        assert_eq!(b[1]["list"][1], "to");
    }

    #[test]
    fn weights_snap_to_fixed_widths() {
        assert_eq!(width_class(62), 60);
        assert_eq!(width_class(63), 65);
        assert_eq!(width_class(100), 100);
    }
}
