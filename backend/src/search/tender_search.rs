//! Tender search: the parameters as a URL carries them, checked and turned
//! into an index query, and the page of results with facets, loaded from
//! the database in the order the index ranked them.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use socialbid_indexer::search::MAX_OFFSET;
use socialbid_indexer::{FacetCount, Snippet, StatusFilter, TenderQuery, TenderSort, TenderText};
use utoipa::{IntoParams, ToSchema};

use super::documents;
use super::filters;
use super::follower::indexes;
use crate::app::AppState;
use crate::db::ids::TenderId;
use crate::error::{AppError, AppResult, FieldError};
use crate::tenders::service::{TenderSummary, summaries_by_id};
use crate::web::openapi::{one_of_or_empty, social_objective_or_empty};
use socialbid_codes::eforms;

pub const PER_PAGE: usize = 20;

/// A search as its URL carries it; every parameter is optional.
#[derive(Debug, Clone, Default, Deserialize, Serialize, IntoParams, PartialEq)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Words in Danish, English or the tender's own language; stemmed, so
    /// "skolerne" finds "skole". At most 200 characters.
    pub q: String,
    /// A CPV code at any level (`85`, `853`, `85311000`): tenders with a code
    /// beneath it.
    pub cpv: String,
    /// A NUTS code at any level (`DK`, `DK01`, `DK011`): tenders performed
    /// there.
    pub nuts: String,
    /// A social objective (eForms BT-775), e.g. `opp`.
    #[param(schema_with = social_objective_or_empty)]
    pub objective: String,
    /// A procedure type (eForms BT-105), e.g. `open`.
    #[param(schema_with = procedure_filter)]
    pub procedure: String,
    /// `yes`: only tenders with reserved participation (Article 20 or 77).
    #[param(schema_with = reserved_filter)]
    pub reserved: String,
    /// Only this contracting authority's tenders.
    pub authority: Option<i64>,
    /// Deadline on or after this day (`YYYY-MM-DD`).
    #[param(pattern = r"^([0-9]{4}-[0-9]{2}-[0-9]{2})?$")]
    pub deadline_from: String,
    /// Deadline on or before this day (`YYYY-MM-DD`).
    #[param(pattern = r"^([0-9]{4}-[0-9]{2}-[0-9]{2})?$")]
    pub deadline_to: String,
    /// Estimated value at least this many DKK.
    #[param(maximum = 100_000_000_000_000_u64)]
    pub value_min: Option<u64>,
    /// Estimated value at most this many DKK.
    #[param(maximum = 100_000_000_000_000_u64)]
    pub value_max: Option<u64>,
    /// `open` (the default), `closed` or `all`.
    #[param(schema_with = status_filter)]
    pub status: String,
    /// `relevance` (the default when there are words), `deadline` or
    /// `newest` (the default without words).
    #[param(schema_with = sort_order)]
    pub sort: String,
    /// Page number, from 1; the first 10,000 results can be paged through.
    #[param(minimum = 1, maximum = 500)]
    pub page: Option<u64>,
}

fn procedure_filter() -> utoipa::openapi::Object {
    one_of_or_empty(
        eforms::procedure_types()
            .codes()
            .iter()
            .map(|c| c.code.clone()),
    )
}

fn reserved_filter() -> utoipa::openapi::Object {
    one_of_or_empty(["yes"])
}

fn status_filter() -> utoipa::openapi::Object {
    one_of_or_empty(["open", "closed", "all"])
}

fn sort_order() -> utoipa::openapi::Object {
    one_of_or_empty(["relevance", "deadline", "newest"])
}

/// The largest value filter taken, in DKK: as large as any amount a tender
/// may state (`tenders::money`).
const MAX_VALUE: u64 = 100_000_000_000_000;

/// One tender in the results.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchHit {
    #[serde(flatten)]
    pub tender: TenderSummary,
    /// The passage that matched the words, when there are words.
    pub snippet: Option<SnippetView>,
}

/// A passage of text split where the searched words matched.
#[derive(Debug, Serialize, ToSchema)]
pub struct SnippetView {
    /// The language of the passage (ISO 639-1).
    pub lang: String,
    pub parts: Vec<SnippetPart>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SnippetPart {
    pub text: String,
    /// This part is one of the searched words.
    pub matched: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Facet {
    pub code: String,
    pub count: u64,
}

/// How many results each value of a filter would give.
#[derive(Debug, Serialize, ToSchema, Default)]
pub struct Facets {
    /// CPV divisions (two digits).
    pub cpv_divisions: Vec<Facet>,
    /// Countries, Danish regions and the parts of a region filtered on.
    pub regions: Vec<Facet>,
    pub objectives: Vec<Facet>,
    /// `res-ws`, `res-pub-ser`, or `none`.
    pub reserved: Vec<Facet>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResults {
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
    pub pages: u64,
    pub items: Vec<SearchHit>,
    pub facets: Facets,
}

impl SearchParams {
    /// The same search with one filter removed (for the chips).
    pub fn without(&self, field: &str) -> SearchParams {
        let mut other = self.clone();
        other.page = None;
        match field {
            "q" => other.q.clear(),
            "cpv" => other.cpv.clear(),
            "nuts" => other.nuts.clear(),
            "objective" => other.objective.clear(),
            "procedure" => other.procedure.clear(),
            "reserved" => other.reserved.clear(),
            "authority" => other.authority = None,
            "deadline_from" => other.deadline_from.clear(),
            "deadline_to" => other.deadline_to.clear(),
            "value_min" => other.value_min = None,
            "value_max" => other.value_max = None,
            "status" => other.status.clear(),
            _ => {}
        }
        other
    }

    fn texts(&self) -> [(&'static str, &str); 10] {
        [
            ("q", self.q.trim()),
            ("cpv", self.cpv.trim()),
            ("nuts", self.nuts.trim()),
            ("objective", self.objective.trim()),
            ("procedure", self.procedure.trim()),
            ("reserved", self.reserved.trim()),
            ("deadline_from", self.deadline_from.trim()),
            ("deadline_to", self.deadline_to.trim()),
            ("status", self.status.trim()),
            ("sort", self.sort.trim()),
        ]
    }

    /// The query string of this search, without empty parameters, so a
    /// search can be shared, bookmarked and saved.
    pub fn query_string(&self) -> String {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        for (key, value) in self.texts() {
            if !value.is_empty() {
                q.append_pair(key, value);
            }
        }
        let numbers = [
            ("authority", self.authority.map(|v| v.to_string())),
            ("value_min", self.value_min.map(|v| v.to_string())),
            ("value_max", self.value_max.map(|v| v.to_string())),
            ("page", self.page.filter(|p| *p > 1).map(|v| v.to_string())),
        ];
        for (key, value) in numbers {
            if let Some(value) = value {
                q.append_pair(key, &value);
            }
        }
        q.finish()
    }

    /// Checks every parameter at once and builds the index query; the
    /// errors name each parameter and the rule it breaks.
    pub fn to_query(&self, now: i64) -> AppResult<TenderQuery> {
        let mut errors = filters::control_characters(&self.texts());
        if !errors.is_empty() {
            return Err(AppError::invalid(errors));
        }
        let mut query = TenderQuery {
            now,
            limit: PER_PAGE,
            ..TenderQuery::default()
        };
        query.words = filters::words(&self.q, &mut errors);
        query.cpv.extend(filters::cpv_code(&self.cpv, &mut errors));
        query.nuts.extend(filters::region(&self.nuts, &mut errors));
        query
            .objectives
            .extend(filters::objective(&self.objective, &mut errors));
        match self.procedure.trim() {
            "" => {}
            raw if eforms::procedure_types().contains(raw) => query.procedures.push(raw.into()),
            raw => errors.push(FieldError::new("procedure", "unknown").with("code", raw)),
        }
        match self.reserved.trim() {
            "" => {}
            "yes" => query.reserved_only = true,
            _ => errors.push(FieldError::new("reserved", "yes_or_empty")),
        }
        query.authority = self.authority.and_then(|a| u64::try_from(a).ok());
        query.deadline_from = day(&self.deadline_from, "deadline_from", &mut errors).map(|d| {
            d.and_hms_opt(0, 0, 0)
                .expect("midnight")
                .and_utc()
                .timestamp()
        });
        query.deadline_to = day(&self.deadline_to, "deadline_to", &mut errors).map(|d| {
            d.and_hms_opt(23, 59, 59)
                .expect("end of day")
                .and_utc()
                .timestamp()
        });
        if let (Some(from), Some(to)) = (query.deadline_from, query.deadline_to)
            && from > to
        {
            errors.push(FieldError::new("deadline_to", "before_from"));
        }
        for (name, value) in [("value_min", self.value_min), ("value_max", self.value_max)] {
            if value.is_some_and(|v| v > MAX_VALUE) {
                errors.push(FieldError::new(name, "out_of_range"));
            }
        }
        query.value_min = self.value_min;
        query.value_max = self.value_max;
        if let (Some(min), Some(max)) = (self.value_min, self.value_max)
            && min > max
        {
            errors.push(FieldError::new("value_max", "below_min"));
        }
        query.status = match self.status.trim() {
            "" | "open" => StatusFilter::Open,
            "closed" => StatusFilter::Closed,
            "all" => StatusFilter::All,
            _ => {
                errors.push(FieldError::new("status", "not_a_filter"));
                StatusFilter::Open
            }
        };
        query.sort = match self.sort.trim() {
            "" if query.words.is_empty() => TenderSort::Newest,
            "" | "relevance" => TenderSort::Relevance,
            "deadline" => TenderSort::Deadline,
            "newest" => TenderSort::Newest,
            _ => {
                errors.push(FieldError::new("sort", "unknown"));
                TenderSort::Relevance
            }
        };
        let page = self.page.unwrap_or(1);
        let offset = page
            .checked_sub(1)
            .and_then(|p| usize::try_from(p).ok())
            .and_then(|p| p.checked_mul(PER_PAGE))
            .filter(|offset| *offset < MAX_OFFSET);
        match offset {
            Some(offset) => query.offset = offset,
            None => errors.push(
                FieldError::new("page", "out_of_range")
                    .with("max", (MAX_OFFSET / PER_PAGE).to_string()),
            ),
        }
        if errors.is_empty() {
            Ok(query)
        } else {
            Err(AppError::invalid(errors))
        }
    }
}

fn day(raw: &str, field: &'static str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        Ok(day) => Some(day),
        Err(_) => {
            errors.push(FieldError::new(field, "not_a_date"));
            None
        }
    }
}

/// Runs a search on this process's tender index and loads the page's
/// tenders as the database has them now.
pub async fn search(app: &AppState, params: &SearchParams) -> AppResult<SearchResults> {
    let now = app.clock.now().and_utc().timestamp();
    let query = params.to_query(now)?;
    let indexes = indexes(app).await?;
    let searching = indexes.clone();
    let results = tokio::task::spawn_blocking(move || searching.tenders.search(&query))
        .await
        .map_err(AppError::internal)??;
    let per_page = PER_PAGE as u64;
    let pages = results.total.div_ceil(per_page).max(1);
    let page = params.page.unwrap_or(1);
    if page > pages {
        return Err(AppError::invalid(vec![
            FieldError::new("page", "past_end").with("max", pages.to_string()),
        ]));
    }
    let hit_ids: Vec<u64> = results.hits.iter().map(|hit| hit.id).collect();
    let words = params.q.clone();
    let (mut summaries, mut snippets) = app
        .db
        .run(move |conn| {
            let ids: Vec<TenderId> = hit_ids
                .iter()
                .filter_map(|id| i64::try_from(*id).ok().map(TenderId))
                .collect();
            let summaries: HashMap<u64, TenderSummary> = summaries_by_id(conn, &ids)?
                .into_iter()
                .map(|s| (documents::unsigned(s.id.0), s))
                .collect();
            // The index keeps no texts: the snippets come from the texts
            // as the database has them, as the summaries do. Without words
            // there is nothing to highlight.
            let found = if words.trim().is_empty() {
                HashMap::new()
            } else {
                documents::tender_texts(conn, &hit_ids)?
            };
            let texts: Vec<&[TenderText]> = hit_ids
                .iter()
                .map(|id| found.get(id).map_or(&[][..], Vec::as_slice))
                .collect();
            let snippets: HashMap<u64, Snippet> = hit_ids
                .iter()
                .zip(indexes.tenders.snippets(&words, &texts)?)
                .filter_map(|(id, snippet)| Some((*id, snippet?)))
                .collect();
            Ok::<_, AppError>((summaries, snippets))
        })
        .await?;
    // A tender deleted since the index last heard of it is left out.
    let items = results
        .hits
        .into_iter()
        .filter_map(|hit| {
            let tender = summaries.remove(&hit.id)?;
            Some(SearchHit {
                tender,
                snippet: snippets.remove(&hit.id).map(snippet_view),
            })
        })
        .collect();
    let facets = results.facets;
    Ok(SearchResults {
        total: results.total,
        page,
        per_page,
        pages,
        items,
        facets: Facets {
            cpv_divisions: facet_list(facets.cpv_divisions),
            regions: facet_list(facets.regions),
            objectives: facet_list(facets.objectives),
            reserved: facet_list(facets.reserved),
        },
    })
}

fn facet_list(counts: Vec<FacetCount>) -> Vec<Facet> {
    counts
        .into_iter()
        .map(|c| Facet {
            code: c.code,
            count: c.count,
        })
        .collect()
}

/// Splits a snippet at its highlights, so a page can mark them without
/// building HTML by hand.
fn snippet_view(snippet: socialbid_indexer::Snippet) -> SnippetView {
    let text = &snippet.text;
    let mut parts = Vec::new();
    let mut at = 0;
    for range in &snippet.highlights {
        let (Some(before), Some(word)) = (text.get(at..range.start), text.get(range.clone()))
        else {
            continue;
        };
        if !before.is_empty() {
            parts.push(SnippetPart {
                text: before.to_owned(),
                matched: false,
            });
        }
        parts.push(SnippetPart {
            text: word.to_owned(),
            matched: true,
        });
        at = range.end;
    }
    if let Some(rest) = text.get(at..).filter(|r| !r.is_empty()) {
        parts.push(SnippetPart {
            text: rest.to_owned(),
            matched: false,
        });
    }
    SnippetView {
        lang: snippet.lang,
        parts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_round_trips_through_its_url() {
        let params = SearchParams {
            q: "rengøring skoler".into(),
            cpv: "909".into(),
            reserved: "yes".into(),
            value_max: Some(2_000_000),
            page: Some(3),
            ..SearchParams::default()
        };
        let parsed: SearchParams = serde_urlencoded::from_str(&params.query_string()).unwrap();
        assert_eq!(parsed, params);
        assert!(!params.without("cpv").query_string().contains("cpv"));
        assert!(!params.without("cpv").query_string().contains("page"));
    }

    #[test]
    fn every_broken_rule_is_named_at_once() {
        let params = SearchParams {
            q: "x".repeat(10_000),
            cpv: "12".into(),
            deadline_from: "2026-13-01".into(),
            value_min: Some(5),
            value_max: Some(1),
            status: "maybe".into(),
            page: Some(0),
            ..SearchParams::default()
        };
        let AppError::Invalid { fields, .. } = params.to_query(0).unwrap_err() else {
            panic!("not a validation error");
        };
        let named: Vec<&str> = fields.iter().map(|f| &*f.field).collect();
        assert_eq!(
            named,
            ["q", "cpv", "deadline_from", "value_max", "status", "page"]
        );
    }

    #[test]
    fn a_snippet_splits_at_its_highlights() {
        let view = snippet_view(socialbid_indexer::Snippet {
            lang: "da".into(),
            text: "Rengøring af skoler og børnehaver".into(),
            highlights: vec![std::ops::Range { start: 14, end: 20 }],
        });
        let parts: Vec<(&str, bool)> = view.parts.iter().map(|p| (&*p.text, p.matched)).collect();
        assert_eq!(
            parts,
            [
                ("Rengøring af ", false),
                ("skoler", true),
                (" og børnehaver", false)
            ]
        );
    }
}
