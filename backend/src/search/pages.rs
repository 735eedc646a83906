//! `/tenders`: the search page. The whole search lives in the URL (a GET
//! form), filters show as chips that remove themselves, facets beside the
//! results add theirs.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use serde_json::{Value, json};
use socialbid_frontend::{Lang, format_money, translate};

use super::tender_search::{self, Facet, SearchParams, SearchResults};
use crate::app::AppState;
use crate::error::AppResult;
use crate::profiles::pages::{objective_options, region_options};
use crate::tenders::pages::value_label;
use crate::web::conditional;
use crate::web::extract::Query;
use crate::web::page::{Page, pagination};
use socialbid_codes::{cpv, eforms, nuts};

pub fn routes() -> Router<AppState> {
    Router::new().route("/tenders", get(search_page))
}

fn href(params: &SearchParams) -> String {
    match params.query_string() {
        q if q.is_empty() => "/tenders".to_owned(),
        q => format!("/tenders?{q}"),
    }
}

async fn search_page(
    State(app): State<AppState>,
    page: Page,
    Query(params): Query<SearchParams>,
) -> AppResult<Response> {
    let lang = page.lang;
    let (results, errors) = match tender_search::search(&app, &params).await {
        Ok(results) => (Some(results), Vec::new()),
        Err(error) => (None, page.errors_of(error, "q")?),
    };
    let status = if results.is_some() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let view = json!({
        "errors": errors,
        "values": params,
        "query": params.query_string(),
        "region_options": region_options(lang),
        "objective_options": objective_options(lang, &[]),
        "procedure_options": procedure_options(lang),
        "chips": chips(&params, lang),
        "clear_href": "/tenders",
        "results": results.as_ref().map(|r| results_view(r, &params, lang)),
        "can_save": page.user.as_ref().is_some_and(|u| u.role == crate::auth::Role::Entrepreneur),
    });
    let html = page.render("pages/search/tenders.html", view)?;
    // Only a 200 gets an ETag (`web::conditional`); a refused filter keeps
    // its 422.
    let mut response = conditional::page(&page, html);
    *response.status_mut() = status;
    Ok(response)
}

fn procedure_options(lang: Lang) -> Vec<Value> {
    eforms::procedure_types()
        .codes()
        .iter()
        .map(|p| json!({ "value": p.code, "label": p.label(lang) }))
        .collect()
}

/// A CPV facet's label (`85 Health and social work services`) and its
/// language when that is not the page's.
pub(crate) fn cpv_label(code: &str, lang: Lang) -> (String, Option<&'static str>) {
    match cpv::parse(code) {
        Ok(c) => (
            format!("{} {}", cpv::prefix(&c.code), c.label(lang)),
            Some(c.label_lang(lang).code()),
        ),
        Err(_) => (code.to_owned(), None),
    }
}

pub(crate) fn region_label(code: &str, lang: Lang) -> String {
    nuts::find(code)
        .map(|r| r.name(lang).to_owned())
        .unwrap_or_else(|| code.to_owned())
}

fn objective_label(code: &str, lang: Lang) -> String {
    eforms::social_objectives()
        .find(code)
        .map(|o| o.label(lang).to_owned())
        .unwrap_or_else(|| code.to_owned())
}

/// The filters in force, each a link to the same search without it.
fn chips(params: &SearchParams, lang: Lang) -> Vec<Value> {
    let mut chips = Vec::new();
    // `lang` marks a label in another language than the page: CPV labels
    // exist only in English (WCAG 3.1.2).
    let mut chip = |field: &str, label: String, label_lang: Option<&str>| {
        let href = href(&params.without(field));
        chips.push(json!({ "label": label, "href": href, "lang": label_lang }));
    };
    let t = |key: &str| translate(lang, key);
    if !params.q.trim().is_empty() {
        chip("q", format!("»{}«", params.q.trim()), None);
    }
    if let Ok(c) = cpv::parse(params.cpv.trim()) {
        chip(
            "cpv",
            format!("{} {}", cpv::prefix(&c.code), c.label(lang)),
            Some(c.label_lang(lang).code()),
        );
    }
    if let Some(r) = nuts::find(&params.nuts.trim().to_uppercase()) {
        chip("nuts", r.name(lang).to_owned(), None);
    }
    if let Some(o) = eforms::social_objectives().find(params.objective.trim()) {
        chip("objective", o.label(lang).to_owned(), None);
    }
    if let Some(p) = eforms::procedure_types().find(params.procedure.trim()) {
        chip("procedure", p.label(lang).to_owned(), None);
    }
    if params.reserved == "yes" {
        chip("reserved", t("search.chip.reserved"), None);
    }
    if let Some(a) = params.authority {
        chip(
            "authority",
            format!("{} {a}", t("search.chip.authority")),
            None,
        );
    }
    if !params.deadline_from.trim().is_empty() {
        chip(
            "deadline_from",
            format!(
                "{} {}",
                t("search.chip.deadline_from"),
                params.deadline_from.trim()
            ),
            None,
        );
    }
    if !params.deadline_to.trim().is_empty() {
        chip(
            "deadline_to",
            format!(
                "{} {}",
                t("search.chip.deadline_to"),
                params.deadline_to.trim()
            ),
            None,
        );
    }
    if let Some(min) = params.value_min {
        chip(
            "value_min",
            format!(
                "{} {}",
                t("search.chip.value_min"),
                format_money(lang, i64::try_from(min).unwrap_or(i64::MAX))
            ),
            None,
        );
    }
    if let Some(max) = params.value_max {
        chip(
            "value_max",
            format!(
                "{} {}",
                t("search.chip.value_max"),
                format_money(lang, i64::try_from(max).unwrap_or(i64::MAX))
            ),
            None,
        );
    }
    match params.status.trim() {
        "closed" => chip("status", t("search.status.closed"), None),
        "all" => chip("status", t("search.status.all"), None),
        _ => {}
    }
    chips
}

fn results_view(results: &SearchResults, params: &SearchParams, lang: Lang) -> Value {
    let items: Vec<Value> = results
        .items
        .iter()
        .map(|hit| {
            let t = &hit.tender;
            json!({
                "id": t.id,
                "title": t.title,
                "status": t.status,
                "authority": t.authority_name,
                "cpv": t.main_cpv.as_deref().map(|c| cpv::view(c, lang)),
                "language": t.language,
                "value": t.estimated_value.map(|v| value_label(v, &t.currency, lang)),
                "deadline": t.submission_deadline,
                "reserved": t.reserved,
                "social_weight": t.social_weight,
                "snippet": hit.snippet,
            })
        })
        .collect();
    // A label comes with its language when that is not the page's: CPV
    // labels exist only in English (WCAG 3.1.2).
    type Label<'a> = &'a dyn Fn(&str) -> (String, Option<&'static str>);
    let facet = |facets: &[Facet], field: &str, label: Label| -> Vec<Value> {
        facets
            .iter()
            .map(|f| {
                let mut with = params.clone();
                with.page = None;
                match field {
                    "cpv" => with.cpv = f.code.clone(),
                    "nuts" => with.nuts = f.code.clone(),
                    "objective" => with.objective = f.code.clone(),
                    _ => with.reserved = "yes".into(),
                }
                let (label, label_lang) = label(&f.code);
                json!({ "label": label, "lang": label_lang, "count": f.count, "href": href(&with) })
            })
            .collect()
    };
    let reserved_label = |code: &str| {
        (
            translate(lang, &format!("search.facet.reserved.{code}")),
            None,
        )
    };
    let facets = &results.facets;
    json!({
        "total": results.total,
        "items": items,
        "facets": [
            { "heading": translate(lang, "search.facet.cpv"), "values": facet(&facets.cpv_divisions, "cpv", &|c| cpv_label(c, lang)) },
            { "heading": translate(lang, "search.facet.regions"), "values": facet(&facets.regions, "nuts", &|c| (region_label(c, lang), None)) },
            { "heading": translate(lang, "search.facet.objectives"), "values": facet(&facets.objectives, "objective", &|c| (objective_label(c, lang), None)) },
            { "heading": translate(lang, "search.facet.reserved"), "values": facet(&facets.reserved, "reserved", &reserved_label) },
        ],
        "pagination": pagination(results.page as i64, results.pages as i64, |n| {
            let mut with = params.clone();
            with.page = Some(n as u64);
            href(&with)
        }),
    })
}
