//! The public directory: filters, an excerpt per profile and the links
//! that keep the filters from page to page.

use crate::web::extract::Query;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;
use serde_json::{Value, json};
use socialbid_frontend::{Lang, translate};

use super::{nuts_name, objective_label};
use crate::app::AppState;
use crate::error::AppResult;
use crate::profiles::directory::{self, DirectoryFacets, Filter};
use crate::search::pages::cpv_label;
use crate::search::tender_search::Facet;
use crate::web::conditional;
use crate::web::page::{Page, pagination};
use socialbid_codes::{cpv, eforms, nuts};

/// The first `max` characters, cut at a word, with an ellipsis.
fn excerpt(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map(|(a, _)| a).unwrap_or(&cut);
    format!("{}…", cut.trim_end_matches([',', '.', ';', ':']))
}

/// A filter in force, as a link that removes it. `lang` marks a label in
/// another language than the page (CPV labels exist only in English).
#[derive(Serialize)]
struct Chip {
    label: String,
    href: String,
    lang: Option<&'static str>,
}

fn query_string(filter: &Filter, page: Option<i64>) -> String {
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in [
        ("q", &filter.q),
        ("cpv", &filter.cpv),
        ("nuts", &filter.nuts),
        ("objective", &filter.objective),
        ("rsv", &filter.rsv),
        ("reserved", &filter.reserved),
    ] {
        if !v.trim().is_empty() {
            q.append_pair(k, v.trim());
        }
    }
    if let Some(page) = page.filter(|p| *p > 1) {
        q.append_pair("page", &page.to_string());
    }
    q.finish()
}

fn href(path: &str, query: &str) -> String {
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    }
}

/// Beside the results: each value of a filter with how many of the
/// profiles found it keeps, as a link adding it.
fn facets_view(facets: &DirectoryFacets, filter: &Filter, lang: Lang) -> Vec<Value> {
    // A label comes with its language when that is not the page's: CPV
    // labels exist only in English (WCAG 3.1.2).
    type Label<'a> = &'a dyn Fn(&str) -> (String, Option<&'static str>);
    let group = |heading: &str, values: &[Facet], field: &str, label: Label| {
        let values: Vec<Value> = values
            .iter()
            .map(|f| {
                let mut with = filter.clone();
                with.page = None;
                match field {
                    "cpv" => with.cpv = f.code.clone(),
                    "nuts" => with.nuts = f.code.clone(),
                    "objective" => with.objective = f.code.clone(),
                    "reserved" => with.reserved = f.code.clone(),
                    _ => with.rsv = "yes".into(),
                }
                let (label, label_lang) = label(&f.code);
                json!({
                    "label": label,
                    "lang": label_lang,
                    "count": f.count,
                    "href": href("/profiles", &query_string(&with, None)),
                })
            })
            .collect();
        json!({ "heading": translate(lang, heading), "values": values })
    };
    let rsv: Vec<Facet> = facets
        .rsv
        .iter()
        .filter(|f| f.code == "rsv")
        .map(|f| Facet {
            code: f.code.clone(),
            count: f.count,
        })
        .collect();
    vec![
        group("search.facet.cpv", &facets.cpv_divisions, "cpv", &|c| {
            cpv_label(c, lang)
        }),
        group("directory.regions", &facets.regions, "nuts", &|c| {
            (nuts_name(c, lang), None)
        }),
        group(
            "directory.objectives",
            &facets.objectives,
            "objective",
            &|c| (objective_label(c, lang), None),
        ),
        group(
            "directory.filter.reserved",
            &facets.reserved,
            "reserved",
            &|c| {
                (
                    translate(lang, &format!("directory.filter.reserved.{c}")),
                    None,
                )
            },
        ),
        group("directory.facet.rsv", &rsv, "rsv", &|_| {
            (translate(lang, "directory.filter.rsv_chip"), None)
        }),
    ]
}

pub(super) fn option(value: &str, label: String, selected: bool) -> Value {
    json!({ "value": value, "label": label, "checked": selected })
}

pub(crate) fn objective_options(lang: Lang, selected: &[String]) -> Vec<Value> {
    eforms::social_objectives()
        .codes()
        .iter()
        .map(|o| {
            option(
                &o.code,
                o.label(lang).to_owned(),
                selected.contains(&o.code),
            )
        })
        .collect()
}

pub(crate) fn region_options(lang: Lang) -> Vec<Value> {
    nuts::danish_regions()
        .iter()
        .filter(|r| r.code != "DK0")
        .map(|r| {
            let indent = match r.level() {
                0 | 1 => "",
                2 => "– ",
                _ => "– – ",
            };
            json!({ "value": r.code, "label": format!("{indent}{}", r.name(lang)) })
        })
        .collect()
}

pub(super) async fn directory_page(
    State(app): State<AppState>,
    page: Page,
    Query(filter): Query<Filter>,
) -> AppResult<Response> {
    let lang = page.lang;
    let (result, errors) = match directory::search(&app, &filter).await {
        Ok(result) => (Some(result), Vec::new()),
        Err(error) => (None, page.errors_of(error, "cpv")?),
    };
    let mut chips = Vec::new();
    let without = |field: &str| {
        let mut f = filter.clone();
        match field {
            "q" => f.q.clear(),
            "cpv" => f.cpv.clear(),
            "nuts" => f.nuts.clear(),
            "objective" => f.objective.clear(),
            "rsv" => f.rsv.clear(),
            _ => f.reserved.clear(),
        }
        href("/profiles", &query_string(&f, None))
    };
    if !filter.q.trim().is_empty() {
        chips.push(Chip {
            label: format!("»{}«", filter.q.trim()),
            href: without("q"),
            lang: None,
        });
    }
    if let Some(c) = cpv::parse(&filter.cpv)
        .ok()
        .filter(|_| !filter.cpv.trim().is_empty())
    {
        chips.push(Chip {
            label: format!("{} {}", c.code, c.label(lang)),
            href: without("cpv"),
            lang: Some(c.label_lang(lang).code()),
        });
    }
    if let Some(r) = nuts::find(&filter.nuts.trim().to_uppercase()) {
        chips.push(Chip {
            label: r.name(lang).to_owned(),
            href: without("nuts"),
            lang: None,
        });
    }
    if let Some(o) = eforms::social_objectives().find(filter.objective.trim()) {
        chips.push(Chip {
            label: o.label(lang).to_owned(),
            href: without("objective"),
            lang: None,
        });
    }
    if filter.rsv == "yes" {
        chips.push(Chip {
            label: socialbid_frontend::translate(lang, "directory.filter.rsv_chip"),
            href: without("rsv"),
            lang: None,
        });
    }
    let reservations: Vec<&str> = filter
        .reserved
        .split(',')
        .map(str::trim)
        .filter(|r| matches!(*r, "res-ws" | "res-pub-ser"))
        .collect();
    if !reservations.is_empty() {
        // Eligible for any one of them: "Article 20 / Article 77".
        chips.push(Chip {
            label: reservations
                .iter()
                .map(|r| {
                    socialbid_frontend::translate(lang, &format!("directory.filter.reserved.{r}"))
                })
                .collect::<Vec<_>>()
                .join(" / "),
            href: without("reserved"),
            lang: None,
        });
    }
    let facets = result
        .as_ref()
        .map(|r| facets_view(&r.facets, &filter, lang));
    let (items, total, pager) = match &result {
        Some(r) => {
            let items: Vec<Value> = r
                .items
                .iter()
                .map(|p| {
                    json!({
                        "id": p.id,
                        "name": p.name,
                        "excerpt": excerpt(&p.mission, 240),
                        "legal_form": p.legal_form,
                        "rsv_registered": p.rsv_registered,
                        "reserved_res_ws": p.reserved_res_ws,
                        "reserved_res_pub_ser": p.reserved_res_pub_ser,
                        "regions": p.nuts.iter().map(|c| nuts_name(c, lang)).collect::<Vec<_>>(),
                        "objectives": p.social_objectives.iter().map(|c| objective_label(c, lang)).collect::<Vec<_>>(),
                    })
                })
                .collect();
            let pager = pagination(r.page, r.pages, |n| {
                href("/profiles", &query_string(&filter, Some(n)))
            });
            (items, r.total, pager)
        }
        None => (Vec::new(), 0, pagination(1, 1, |_| "/profiles".into())),
    };
    let html = page.render(
        "pages/profiles/directory.html",
        json!({
            "errors": errors,
            "values": {
                "q": filter.q, "cpv": filter.cpv, "nuts": filter.nuts, "objective": filter.objective,
                "rsv": filter.rsv, "reserved": filter.reserved,
            },
            "objective_options": objective_options(lang, &[]),
            "region_options": region_options(lang),
            "chips": chips,
            "items": items,
            "total": total,
            "pagination": pager,
            "facets": facets,
        }),
    )?;
    let status = if result.is_some() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    // Only a 200 gets an ETag (`web::conditional`); a refused filter keeps
    // its 422.
    let mut response = conditional::page(&page, html);
    *response.status_mut() = status;
    Ok(response)
}
