//! Tender search and the profile directory: words in any language, filters
//! along the CPV and NUTS trees, facet counts, sorting and pages, and
//! highlighted snippets.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use serde::Serialize;
use tantivy::collector::Count;
use tantivy::query::{AllQuery, BooleanQuery, Occur};
use tantivy::schema::{Facet, Field};
use tantivy::snippet::SnippetGenerator;
use tantivy::{Order, Searcher};

use crate::analysis::Analyser;
use crate::at_least::AtLeast;
use crate::docs::{ProfileDoc, Reservation, TenderDoc, TenderStatus, TenderText};
use crate::index::{IndexError, ProfileIndex, TenderIndex};
use crate::page_collector::{FacetLevel, PageCollector, PageHit, PageOrder};
use crate::query::{self, Q};
use crate::schema::{NAME_ORDER, NONE, TreeFields, rsv_code};
use crate::tree::{cpv_key, facet, nuts_key};

/// The most hits one page may ask for.
pub const MAX_PAGE: usize = 100;
/// The deepest a page may start: deeper pages are empty (tantivy keeps
/// every hit up to the page's end in memory).
pub const MAX_OFFSET: usize = 10_000;
/// The characters a snippet may hold.
const SNIPPET_CHARS: usize = 220;
/// Title words weigh more than description words.
const TITLE_BOOST: f32 = 2.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TenderSort {
    #[default]
    Relevance,
    /// Soonest deadline first.
    Deadline,
    /// Latest published first.
    Newest,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatusFilter {
    /// Published and the deadline not yet passed.
    #[default]
    Open,
    /// Everything that is not open.
    Closed,
    All,
}

#[derive(Debug, Clone, Default)]
pub struct TenderQuery {
    pub words: String,
    /// Any of these CPV codes or levels (`85`, `853`, `85311000`).
    pub cpv: Vec<String>,
    /// Any of these NUTS codes, at any level.
    pub nuts: Vec<String>,
    pub deadline_from: Option<i64>,
    pub deadline_to: Option<i64>,
    pub value_min: Option<u64>,
    pub value_max: Option<u64>,
    /// Any of these procedures.
    pub procedures: Vec<String>,
    /// Only tenders with reserved participation.
    pub reserved_only: bool,
    /// Any of these social objectives.
    pub objectives: Vec<String>,
    pub authority: Option<u64>,
    pub status: StatusFilter,
    /// Now, Unix seconds: what "open" means.
    pub now: i64,
    pub sort: TenderSort,
    pub offset: usize,
    /// Capped at [`MAX_PAGE`].
    pub limit: usize,
}

/// A piece of text with the ranges (byte offsets) of the words that
/// matched, to be escaped and highlighted by the page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Snippet {
    pub lang: String,
    pub text: String,
    pub highlights: Vec<Range<usize>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FacetCount {
    pub code: String,
    pub count: u64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct TenderFacets {
    pub cpv_divisions: Vec<FacetCount>,
    /// Countries, Danish regions, and the parts of each region filtered on.
    pub regions: Vec<FacetCount>,
    pub objectives: Vec<FacetCount>,
    pub reserved: Vec<FacetCount>,
}

/// A tender found. The index keeps no texts, so the caller shows the
/// tender from its own records, with snippets from
/// [`TenderIndex::snippets`].
#[derive(Debug, Clone, Serialize)]
pub struct TenderHit {
    pub id: u64,
    /// Relevance; present when sorted by relevance.
    pub score: Option<f32>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TenderResults {
    /// Every tender that matches, beyond this page.
    pub total: u64,
    pub hits: Vec<TenderHit>,
    pub facets: TenderFacets,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProfileSort {
    /// Best match of the words first.
    #[default]
    Relevance,
    /// Alphabetical, in Danish order (see `collation`).
    Name,
}

#[derive(Debug, Clone, Default)]
pub struct ProfileQuery {
    pub words: String,
    /// Profiles offering any of these codes, above or beneath.
    pub cpv: Vec<String>,
    /// Profiles serving any of these regions, above or beneath.
    pub nuts: Vec<String>,
    pub rsv: Option<bool>,
    /// Profiles eligible for any of these.
    pub eligible: Vec<Reservation>,
    pub objectives: Vec<String>,
    pub sort: ProfileSort,
    pub offset: usize,
    pub limit: usize,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ProfileFacets {
    pub cpv_divisions: Vec<FacetCount>,
    pub regions: Vec<FacetCount>,
    pub objectives: Vec<FacetCount>,
    pub eligible: Vec<FacetCount>,
    /// `rsv` and `not-rsv`.
    pub rsv: Vec<FacetCount>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProfileHit {
    pub profile: ProfileDoc,
    pub score: f32,
    pub snippet: Option<Snippet>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProfileResults {
    pub total: u64,
    pub hits: Vec<ProfileHit>,
    pub facets: ProfileFacets,
}

/// Where facet counts are asked for: a field and the levels whose children
/// are counted.
struct FacetRequest {
    /// Each field and level whose children are counted.
    parents: Vec<(Field, Facet)>,
}

impl FacetRequest {
    fn new(field: Field, parents: Vec<Facet>) -> FacetRequest {
        FacetRequest {
            parents: parents.into_iter().map(|p| (field, p)).collect(),
        }
    }

    /// The top level from the tree's small top-level field (counting the
    /// children of the root of the full tree would walk every code in the
    /// index, for every query), deeper levels from the full tree.
    fn tree(tree: TreeFields, deeper: Vec<Facet>) -> FacetRequest {
        let mut parents = vec![(tree.top, Facet::root())];
        parents.extend(deeper.into_iter().map(|p| (tree.facet, p)));
        FacetRequest { parents }
    }

    fn levels(&self, schema: &tantivy::schema::Schema) -> Vec<FacetLevel> {
        self.parents
            .iter()
            .map(|(field, parent)| FacetLevel {
                field: schema.get_field_name(*field).to_owned(),
                parent: parent.clone(),
            })
            .collect()
    }

    /// The children of every level, the levels in order and each level's
    /// children by code, each code once; "nothing here" is no facet.
    fn read(counts: impl Iterator<Item = BTreeMap<String, u64>>) -> Vec<FacetCount> {
        let mut out: Vec<FacetCount> = Vec::new();
        for counts in counts {
            for (code, count) in counts {
                if code != NONE && !out.iter().any(|c| c.code == code) {
                    out.push(FacetCount { code, count });
                }
            }
        }
        out
    }
}

/// Denmark's regions (the market comes first), and the level beneath each
/// filtered region; countries come from the top level.
fn region_parents(filtered: &[String]) -> Vec<Facet> {
    let mut parents = vec![facet("DK0")];
    parents.extend(filtered.iter().map(|code| facet(&nuts_key(code))));
    parents.dedup();
    parents
}

/// The level beneath each filtered code; divisions come from the top level.
fn cpv_parents(filtered: &[String]) -> Vec<Facet> {
    filtered.iter().map(|code| facet(&cpv_key(code))).collect()
}

fn flat_root() -> Vec<Facet> {
    vec![Facet::root()]
}

/// The hits of one page, counted and faceted in one pass over the index.
struct Collected {
    page: Vec<PageHit>,
    total: u64,
    facets: Vec<Vec<FacetCount>>,
}

fn collect(
    searcher: &Searcher,
    query: &dyn tantivy::query::Query,
    (offset, limit): (usize, usize),
    order: PageOrder,
    facets: &[FacetRequest],
) -> Result<Collected, IndexError> {
    let schema = searcher.schema();
    let collector = PageCollector {
        order,
        keep: offset + limit,
        facets: facets.iter().flat_map(|f| f.levels(schema)).collect(),
    };
    let page = searcher.search(query, &collector)?;
    let mut counts = page.facets.into_iter();
    let facets = facets
        .iter()
        .map(|request| FacetRequest::read(counts.by_ref().take(request.parents.len())))
        .collect();
    Ok(Collected {
        page: page.hits.into_iter().skip(offset).collect(),
        total: page.total,
        facets,
    })
}

/// The page's offset and length, within bounds (tantivy keeps every hit
/// up to the page's end in memory).
fn page(offset: usize, limit: usize) -> (usize, usize) {
    (offset.min(MAX_OFFSET), limit.clamp(1, MAX_PAGE))
}

/// Makes snippets from the texts of whichever language the words matched.
struct Snippets<'a> {
    searcher: &'a Searcher,
    query: Option<&'a dyn tantivy::query::Query>,
    generators: HashMap<Field, SnippetGenerator>,
}

impl<'a> Snippets<'a> {
    fn new(searcher: &'a Searcher, query: Option<&'a dyn tantivy::query::Query>) -> Self {
        Snippets {
            searcher,
            query,
            generators: HashMap::new(),
        }
    }

    /// The best snippet among `(lang, field, text)`, if any word matched.
    fn best<'t>(
        &mut self,
        texts: impl Iterator<Item = (&'t str, Field, &'t str)>,
    ) -> Result<Option<Snippet>, IndexError> {
        let Some(query) = self.query else {
            return Ok(None);
        };
        let mut best: Option<Snippet> = None;
        for (lang, field, text) in texts {
            let generator = match self.generators.entry(field) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => {
                    let mut generator = SnippetGenerator::create(self.searcher, query, field)?;
                    generator.set_max_num_chars(SNIPPET_CHARS);
                    e.insert(generator)
                }
            };
            let snippet = generator.snippet(text);
            let candidate = Snippet {
                lang: lang.to_owned(),
                text: snippet.fragment().to_owned(),
                highlights: snippet.highlighted().to_vec(),
            };
            if candidate.highlights.len() > best.as_ref().map_or(0, |b| b.highlights.len()) {
                best = Some(candidate);
            }
        }
        Ok(best)
    }
}

impl TenderIndex {
    pub fn search(&self, q: &TenderQuery) -> Result<TenderResults, IndexError> {
        let f = &self.fields;
        let full = self.query(q);
        let order = match q.sort {
            TenderSort::Relevance => PageOrder::Relevance,
            TenderSort::Deadline => PageOrder::Field("deadline", Order::Asc),
            TenderSort::Newest => PageOrder::Field("published", Order::Desc),
        };
        let facets = [
            FacetRequest::tree(f.cpv, cpv_parents(&q.cpv)),
            FacetRequest::tree(f.nuts, region_parents(&q.nuts)),
            FacetRequest::new(f.objective, flat_root()),
            FacetRequest::new(f.reserved, flat_root()),
        ];
        let searcher = self.searcher();
        let mut collected = collect(&searcher, &full, page(q.offset, q.limit), order, &facets)?;
        if q.offset > MAX_OFFSET {
            collected.page.clear();
        }
        let hits = collected
            .page
            .into_iter()
            .map(|hit| TenderHit {
                id: hit.id,
                score: hit.score,
            })
            .collect();
        let mut facet_lists = collected.facets.into_iter();
        let mut next = || facet_lists.next().unwrap_or_default();
        Ok(TenderResults {
            total: collected.total,
            hits,
            facets: TenderFacets {
                cpv_divisions: next(),
                regions: next(),
                objectives: next(),
                reserved: next(),
            },
        })
    }

    /// A snippet for each of some tenders' texts (as the caller keeps
    /// them, in the order given) where the searched `words` are found: a
    /// passage of the description in whichever language they matched, with
    /// the words highlighted. `None` where none is found, and for every
    /// tender when the words hold nothing to search for.
    pub fn snippets(
        &self,
        words: &str,
        tenders: &[&[TenderText]],
    ) -> Result<Vec<Option<Snippet>>, IndexError> {
        let f = &self.fields;
        let searcher = self.searcher();
        let query = query::words(words, &[(&f.title, TITLE_BOOST), (&f.body, 1.0)]);
        let mut snippets = Snippets::new(&searcher, query.as_deref());
        tenders
            .iter()
            .map(|texts| {
                snippets.best(texts.iter().map(|t| {
                    let analyser = Analyser::for_language(&t.lang);
                    (
                        t.lang.as_str(),
                        f.body.field(analyser),
                        t.description.as_str(),
                    )
                }))
            })
            .collect()
    }

    /// The query a search runs: its words and every filter.
    fn query(&self, q: &TenderQuery) -> BooleanQuery {
        let f = &self.fields;
        let words = query::words(&q.words, &[(&f.title, TITLE_BOOST), (&f.body, 1.0)]);
        let mut clauses: Vec<(Occur, Q)> = Vec::new();
        if let Some(words) = &words {
            clauses.push((Occur::Must, words.box_clone()));
        }
        if !q.cpv.is_empty() {
            let parts = q.cpv.iter().map(|c| query::beneath(f.cpv, &cpv_key(c)));
            clauses.push(query::filter(query::any_of(parts.collect())));
        }
        if !q.nuts.is_empty() {
            let parts = q.nuts.iter().map(|c| query::beneath(f.nuts, &nuts_key(c)));
            clauses.push(query::filter(query::any_of(parts.collect())));
        }
        if q.deadline_from.is_some() || q.deadline_to.is_some() {
            clauses.push(query::filter(query::i64_range(
                f.deadline,
                q.deadline_from,
                q.deadline_to,
            )));
        }
        if q.value_min.is_some() || q.value_max.is_some() {
            clauses.push(query::filter(query::u64_range(
                f.value,
                q.value_min,
                q.value_max,
            )));
        }
        if !q.procedures.is_empty() {
            let parts = q.procedures.iter().map(|p| query::term(f.procedure, p));
            clauses.push(query::filter(query::any_of(parts.collect())));
        }
        if q.reserved_only {
            let parts = Reservation::ALL
                .iter()
                .map(|r| query::flat_facet(f.reserved, r.code()));
            clauses.push(query::filter(query::any_of(parts.collect())));
        }
        if !q.objectives.is_empty() {
            let parts = q
                .objectives
                .iter()
                .map(|o| query::flat_facet(f.objective, o));
            clauses.push(query::filter(query::any_of(parts.collect())));
        }
        if let Some(authority) = q.authority {
            clauses.push(query::filter(query::u64_range(
                f.authority,
                Some(authority),
                Some(authority),
            )));
        }
        match q.status {
            StatusFilter::Open => clauses.push(query::filter(self.open_at(q.now))),
            StatusFilter::Closed => {
                clauses.push((Occur::Must, Box::new(AllQuery)));
                clauses.push((Occur::MustNot, self.open_at(q.now)));
            }
            StatusFilter::All => {}
        }
        if clauses.iter().all(|(occur, _)| *occur != Occur::Must) {
            clauses.push((Occur::Must, Box::new(AllQuery)));
        }
        BooleanQuery::new(clauses)
    }

    /// Which of `searches` find `tender`, by their positions: each runs as
    /// on the search page, against an index that holds only this tender,
    /// so a saved search finds a new tender exactly when searching again
    /// would.
    pub fn searches_finding(
        tender: &TenderDoc,
        searches: &[TenderQuery],
    ) -> Result<Vec<usize>, IndexError> {
        let index = TenderIndex::in_ram()?;
        index.upsert(tender)?;
        index.commit_with_payload(None)?;
        let searcher = index.searcher();
        let mut found = Vec::new();
        for (position, search) in searches.iter().enumerate() {
            let full = index.query(search);
            if searcher.search(&full, &Count)? > 0 {
                found.push(position);
            }
        }
        Ok(found)
    }

    /// Published tenders whose deadline is `now` or later: the published
    /// ones lead, and only their deadlines are read (see `at_least`).
    pub(crate) fn open_at(&self, now: i64) -> Q {
        let f = &self.fields;
        Box::new(AtLeast {
            query: query::term(f.status, TenderStatus::Published.code()),
            field: f.deadline,
            min: now,
        })
    }
}

impl ProfileIndex {
    /// The directory: approved profiles by words, codes, regions, RSV and
    /// eligibility, with facets.
    pub fn search(&self, q: &ProfileQuery) -> Result<ProfileResults, IndexError> {
        let f = &self.fields;
        let words = query::words(&q.words, &[(&f.text, 1.0)]);
        let name_words = q
            .words
            .split_whitespace()
            .take(query::MAX_WORDS)
            .flat_map(|w| Analyser::for_language("").terms(w))
            .map(|t| query::term(f.name, &t))
            .collect::<Vec<_>>();
        let mut clauses: Vec<(Occur, Q)> = Vec::new();
        match (&words, name_words.is_empty()) {
            (Some(words), true) => clauses.push((Occur::Must, words.box_clone())),
            (Some(words), false) => {
                let by_name = Box::new(BooleanQuery::new(
                    name_words.into_iter().map(|t| (Occur::Must, t)).collect(),
                ));
                clauses.push((Occur::Must, query::any_of(vec![words.box_clone(), by_name])));
            }
            (None, _) => clauses.push((Occur::Must, Box::new(AllQuery))),
        }
        if !q.cpv.is_empty() {
            let parts = q.cpv.iter().map(|c| query::along(f.cpv, &cpv_key(c)));
            clauses.push(query::filter(query::any_of(parts.collect())));
        }
        if !q.nuts.is_empty() {
            let parts = q.nuts.iter().map(|c| query::along(f.nuts, &nuts_key(c)));
            clauses.push(query::filter(query::any_of(parts.collect())));
        }
        if let Some(rsv) = q.rsv {
            clauses.push(query::filter(query::flat_facet(f.rsv, rsv_code(rsv))));
        }
        if !q.eligible.is_empty() {
            let parts = q
                .eligible
                .iter()
                .map(|r| query::flat_facet(f.eligible, r.code()));
            clauses.push(query::filter(query::any_of(parts.collect())));
        }
        if !q.objectives.is_empty() {
            let parts = q
                .objectives
                .iter()
                .map(|o| query::flat_facet(f.objective, o));
            clauses.push(query::filter(query::any_of(parts.collect())));
        }
        let full = BooleanQuery::new(clauses);
        let facets = [
            FacetRequest::tree(f.cpv, cpv_parents(&q.cpv)),
            FacetRequest::tree(f.nuts, region_parents(&q.nuts)),
            FacetRequest::new(f.objective, flat_root()),
            FacetRequest::new(f.eligible, flat_root()),
            FacetRequest::new(f.rsv, flat_root()),
        ];
        let searcher = self.searcher();
        let order = match q.sort {
            ProfileSort::Relevance => PageOrder::Relevance,
            ProfileSort::Name => PageOrder::Field(NAME_ORDER, Order::Asc),
        };
        let mut collected = collect(&searcher, &full, page(q.offset, q.limit), order, &facets)?;
        if q.offset > MAX_OFFSET {
            collected.page.clear();
        }
        let mut snippets = Snippets::new(&searcher, words.as_deref());
        let mut hits = Vec::with_capacity(collected.page.len());
        for hit in collected.page {
            let (score, profile) = (hit.score, self.load(&searcher, hit.address)?);
            let texts = profile.texts.iter().map(|t| {
                let analyser = Analyser::for_language(&t.lang);
                (
                    t.lang.as_str(),
                    f.text.field(analyser),
                    t.capabilities.as_str(),
                )
            });
            let snippet = snippets.best(texts)?;
            hits.push(ProfileHit {
                profile,
                score: score.unwrap_or_default(),
                snippet,
            });
        }
        let mut facet_lists = collected.facets.into_iter();
        let mut next = || facet_lists.next().unwrap_or_default();
        Ok(ProfileResults {
            total: collected.total,
            hits,
            facets: ProfileFacets {
                cpv_divisions: next(),
                regions: next(),
                objectives: next(),
                eligible: next(),
                rsv: next(),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::*;

    fn tenders(docs: Vec<TenderDoc>) -> TenderIndex {
        let index = TenderIndex::in_ram().unwrap();
        for doc in &docs {
            index.upsert(doc).unwrap();
        }
        index.commit_with_payload(Some(1)).unwrap();
        index
    }

    fn ids(results: &TenderResults) -> Vec<u64> {
        let mut ids: Vec<u64> = results.hits.iter().map(|h| h.id).collect();
        ids.sort();
        ids
    }

    fn search(index: &TenderIndex, q: TenderQuery) -> TenderResults {
        index
            .search(&TenderQuery {
                now: NOW,
                limit: 20,
                ..q
            })
            .unwrap()
    }

    fn words(w: &str) -> TenderQuery {
        TenderQuery {
            words: w.into(),
            ..Default::default()
        }
    }

    #[test]
    fn words_are_stemmed_in_either_language() {
        let index = tenders(vec![
            tender(
                1,
                "da",
                "Rengøring af skolerne",
                "Kommunens skoler skal gøres rene.",
            ),
            tender(
                2,
                "en",
                "Employment support",
                "Helping people into employment.",
            ),
            tender(3, "en", "Bread", "Daily bread deliveries."),
        ]);
        assert_eq!(ids(&search(&index, words("skole"))), [1]);
        assert_eq!(ids(&search(&index, words("kommunernes skole"))), [1]);
        assert_eq!(ids(&search(&index, words("employ"))), [2]);
        assert_eq!(ids(&search(&index, words("the employing"))), [2]);
        assert_eq!(
            ids(&search(&index, words("skole employ"))),
            Vec::<u64>::new()
        );
        assert_eq!(search(&index, words("")).total, 3);
    }

    #[test]
    fn a_saved_search_finds_a_new_tender_as_searching_again_would() {
        let mut tender = tender(
            9,
            "da",
            "Rengøring af skolerne",
            "Daglig rengøring af kommunens skoler.",
        );
        tender.cpv = codes(&["90911200"]);
        tender.nuts = codes(&["DK011"]);
        let at = |q: TenderQuery| TenderQuery { now: NOW, ..q };
        let searches = [
            at(words("skole")),
            at(words("employment")),
            at(TenderQuery {
                cpv: vec!["909".into()],
                nuts: vec!["DK01".into()],
                ..Default::default()
            }),
            at(TenderQuery {
                cpv: vec!["85".into()],
                ..Default::default()
            }),
            at(TenderQuery {
                reserved_only: true,
                ..Default::default()
            }),
            // Past its deadline the tender is not open any more.
            TenderQuery {
                now: NOW + 31 * DAY,
                ..words("skole")
            },
        ];
        assert_eq!(
            TenderIndex::searches_finding(&tender, &searches).unwrap(),
            [0, 2]
        );
    }

    #[test]
    fn a_french_tender_is_found_by_a_french_word_form() {
        let index = tenders(vec![tender(
            1,
            "fr",
            "Nettoyage des bureaux",
            "Services de nettoyages pour les bâtiments municipaux.",
        )]);
        assert_eq!(ids(&search(&index, words("nettoyages"))), [1]);
        assert_eq!(ids(&search(&index, words("bâtiment"))), [1]);
    }

    #[test]
    fn cpv_and_region_filters_find_codes_beneath_any_level() {
        let mut social = tender(1, "da", "Botilbud", "");
        social.cpv = codes(&["85311000"]);
        social.nuts = codes(&["DK011"]);
        let mut other = tender(2, "da", "Rengøring", "");
        other.cpv = codes(&["90910000"]);
        other.nuts = codes(&["DE300"]);
        let index = tenders(vec![social, other]);
        for level in ["85", "853", "8531", "85311000", "85311000-2"] {
            let q = TenderQuery {
                cpv: vec![level.into()],
                ..Default::default()
            };
            assert_eq!(ids(&search(&index, q)), [1], "CPV filter {level}");
        }
        let q = TenderQuery {
            cpv: vec!["85312000".into()],
            ..Default::default()
        };
        assert!(
            search(&index, q).hits.is_empty(),
            "a sibling code is not beneath"
        );
        for level in ["DK", "DK0", "DK01", "DK011"] {
            let q = TenderQuery {
                nuts: vec![level.into()],
                ..Default::default()
            };
            assert_eq!(ids(&search(&index, q)), [1], "region filter {level}");
        }
        let q = TenderQuery {
            nuts: vec!["DE".into(), "FR".into()],
            ..Default::default()
        };
        assert_eq!(ids(&search(&index, q)), [2]);
    }

    #[test]
    fn range_procedure_reserved_objective_and_authority_filters() {
        let mut a = tender(1, "da", "A", "");
        a.value_dkk = Some(500_000);
        a.deadline = NOW + 10 * DAY;
        a.reserved = vec![Reservation::ShelteredWorkshops];
        a.objectives = codes(&["employment"]);
        let mut b = tender(2, "da", "B", "");
        b.value_dkk = Some(5_000_000);
        b.deadline = NOW + 40 * DAY;
        b.procedure = "restricted".into();
        b.authority_id = 9;
        let c = tender(3, "da", "C", "");
        let index = tenders(vec![a, b, c]);
        let value = TenderQuery {
            value_min: Some(1_000_000),
            ..Default::default()
        };
        assert_eq!(ids(&search(&index, value)), [2]);
        let deadline = TenderQuery {
            deadline_to: Some(NOW + 20 * DAY),
            ..Default::default()
        };
        assert_eq!(ids(&search(&index, deadline)), [1]);
        let procedure = TenderQuery {
            procedures: vec!["restricted".into()],
            ..Default::default()
        };
        assert_eq!(ids(&search(&index, procedure)), [2]);
        let reserved = TenderQuery {
            reserved_only: true,
            ..Default::default()
        };
        assert_eq!(ids(&search(&index, reserved)), [1]);
        let objective = TenderQuery {
            objectives: vec!["employment".into()],
            ..Default::default()
        };
        assert_eq!(ids(&search(&index, objective)), [1]);
        let authority = TenderQuery {
            authority: Some(9),
            ..Default::default()
        };
        assert_eq!(ids(&search(&index, authority)), [2]);
    }

    #[test]
    fn open_by_default_closed_on_request() {
        let open = tender(1, "da", "Åben", "");
        let mut passed = tender(2, "da", "Fristen er gået", "");
        passed.deadline = NOW - DAY;
        let mut cancelled = tender(3, "da", "Aflyst", "");
        cancelled.status = TenderStatus::Cancelled;
        let index = tenders(vec![open, passed, cancelled]);
        assert_eq!(ids(&search(&index, TenderQuery::default())), [1]);
        let closed = TenderQuery {
            status: StatusFilter::Closed,
            ..Default::default()
        };
        assert_eq!(ids(&search(&index, closed)), [2, 3]);
        let all = TenderQuery {
            status: StatusFilter::All,
            ..Default::default()
        };
        assert_eq!(search(&index, all).total, 3);
    }

    #[test]
    fn sorts_by_deadline_newest_or_relevance() {
        let mut docs = Vec::new();
        for id in 1..=3u64 {
            let mut t = tender(id, "en", "Cleaning", "cleaning");
            t.deadline = NOW + (10 - id as i64) * DAY;
            t.published = NOW - (id as i64) * DAY;
            docs.push(t);
        }
        docs[1].texts[0].description = "cleaning cleaning cleaning of offices".into();
        let index = tenders(docs);
        let order = |sort| {
            let q = TenderQuery {
                words: "cleaning".into(),
                sort,
                ..Default::default()
            };
            search(&index, q)
                .hits
                .iter()
                .map(|h| h.id)
                .collect::<Vec<_>>()
        };
        assert_eq!(order(TenderSort::Deadline), [3, 2, 1]);
        assert_eq!(order(TenderSort::Newest), [1, 2, 3]);
        assert_eq!(order(TenderSort::Relevance)[0], 2);
    }

    #[test]
    fn equal_keys_page_by_id_whatever_the_segments() {
        // One index gets the tenders in one commit, the other one by one in
        // reverse, as two replicas following the same changes might.
        let docs: Vec<TenderDoc> = (1..=12)
            .map(|id| tender(id, "en", "Catering", ""))
            .collect();
        let together = tenders(docs.clone());
        let apart = TenderIndex::in_ram().unwrap();
        for (n, doc) in docs.iter().rev().enumerate() {
            apart.upsert(doc).unwrap();
            apart.commit_with_payload(Some(n as i64 + 1)).unwrap();
        }
        for sort in [
            TenderSort::Newest,
            TenderSort::Deadline,
            TenderSort::Relevance,
        ] {
            let page = |index: &TenderIndex| {
                let q = TenderQuery {
                    words: "catering".into(),
                    limit: 5,
                    sort,
                    now: NOW,
                    ..Default::default()
                };
                index
                    .search(&q)
                    .unwrap()
                    .hits
                    .iter()
                    .map(|h| h.id)
                    .collect::<Vec<_>>()
            };
            let expected: Vec<u64> = match sort {
                TenderSort::Newest => vec![12, 11, 10, 9, 8],
                _ => vec![1, 2, 3, 4, 5],
            };
            assert_eq!(page(&together), expected, "{sort:?} in one segment");
            assert_eq!(page(&apart), expected, "{sort:?} in twelve segments");
        }
    }

    #[test]
    fn pages_count_the_whole_result() {
        let index = tenders(
            (1..=25)
                .map(|id| tender(id, "en", "Catering", ""))
                .collect(),
        );
        let mut seen = Vec::new();
        for offset in [0, 10, 20] {
            let q = TenderQuery {
                words: "catering".into(),
                offset,
                limit: 10,
                sort: TenderSort::Deadline,
                ..Default::default()
            };
            let results = index.search(&TenderQuery { now: NOW, ..q }).unwrap();
            assert_eq!(results.total, 25);
            seen.extend(results.hits.iter().map(|h| h.id));
        }
        seen.sort();
        assert_eq!(seen, (1..=25).collect::<Vec<_>>());
        let past_the_end = TenderQuery {
            offset: 100,
            limit: 10,
            now: NOW,
            ..Default::default()
        };
        let results = index.search(&past_the_end).unwrap();
        assert_eq!((results.total, results.hits.len()), (25, 0));
        let far_past_the_end = TenderQuery {
            offset: usize::MAX,
            ..past_the_end
        };
        let results = index.search(&far_past_the_end).unwrap();
        assert_eq!((results.total, results.hits.len()), (25, 0));
    }

    #[test]
    fn facets_count_divisions_regions_objectives_and_reservations() {
        let mut a = tender(1, "da", "A", "");
        a.cpv = codes(&["85311000", "85312000"]);
        a.nuts = codes(&["DK011"]);
        a.objectives = codes(&["employment"]);
        a.reserved = vec![
            Reservation::ShelteredWorkshops,
            Reservation::PublicServiceMission,
        ];
        let mut b = tender(2, "da", "B", "");
        b.cpv = codes(&["90910000"]);
        b.nuts = codes(&["DK04", "DE300"]);
        b.objectives = codes(&["employment", "inclusion"]);
        let index = tenders(vec![a, b]);
        let facets = search(&index, TenderQuery::default()).facets;
        let count =
            |list: &[FacetCount], code: &str| list.iter().find(|c| c.code == code).map(|c| c.count);
        assert_eq!(count(&facets.cpv_divisions, "85"), Some(1));
        assert_eq!(count(&facets.cpv_divisions, "90"), Some(1));
        assert_eq!(count(&facets.regions, "DK"), Some(2));
        assert_eq!(count(&facets.regions, "DE"), Some(1));
        assert_eq!(count(&facets.regions, "DK01"), Some(1));
        assert_eq!(count(&facets.regions, "DK04"), Some(1));
        assert_eq!(count(&facets.objectives, "employment"), Some(2));
        assert_eq!(count(&facets.objectives, "inclusion"), Some(1));
        assert_eq!(count(&facets.reserved, "res-ws"), Some(1));
        assert_eq!(count(&facets.reserved, "res-pub-ser"), Some(1));
        assert_eq!(count(&facets.reserved, NONE), None, "absence is no facet");

        let filtered = TenderQuery {
            nuts: vec!["DK01".into()],
            ..Default::default()
        };
        let facets = search(&index, filtered).facets;
        assert_eq!(count(&facets.regions, "DK011"), Some(1));
        assert_eq!(count(&facets.cpv_divisions, "90"), None);
    }

    #[test]
    fn snippets_highlight_the_matched_words() {
        let doc = tender(
            1,
            "da",
            "Rengøring",
            "Daglig rengøring af kommunens skoler og børnehaver i hele byen.",
        );
        let index = tenders(vec![doc.clone()]);
        let texts = [doc.texts.as_slice()];
        let snippets = index.snippets("skole", &texts).unwrap();
        let snippet = snippets[0].clone().expect("a snippet");
        assert_eq!(snippet.lang, "da");
        let highlighted: Vec<&str> = snippet
            .highlights
            .iter()
            .map(|r| &snippet.text[r.clone()])
            .collect();
        assert_eq!(highlighted, ["skoler"]);
        assert_eq!(index.snippets("", &texts).unwrap(), [None]);
        assert_eq!(
            index.snippets("kantine", &texts).unwrap(),
            [None],
            "no word found, no snippet"
        );
    }

    #[test]
    fn the_directory_searches_words_codes_and_regions_both_ways() {
        let index = ProfileIndex::in_ram().unwrap();
        let mut a = profile(
            1,
            "da",
            "Vi skaber job",
            "Kantinedrift og madlavning til skolerne",
        );
        a.cpv = codes(&["55500000"]);
        a.nuts = codes(&["DK01"]);
        a.rsv = true;
        a.eligible = vec![Reservation::ShelteredWorkshops];
        let mut b = profile(2, "en", "Employment for all", "Cleaning of offices");
        b.cpv = codes(&["90911200"]);
        b.nuts = codes(&["DE"]);
        for doc in [&a, &b] {
            index.upsert(doc).unwrap();
        }
        index.commit_with_payload(None).unwrap();
        let run = |q: ProfileQuery| {
            let mut ids: Vec<u64> = index
                .search(&ProfileQuery { limit: 10, ..q })
                .unwrap()
                .hits
                .iter()
                .map(|h| h.profile.id)
                .collect();
            ids.sort();
            ids
        };
        let words = |w: &str| ProfileQuery {
            words: w.into(),
            ..Default::default()
        };
        assert_eq!(run(words("skole")), [1]);
        assert_eq!(run(words("employ")), [2]);
        assert_eq!(run(words("profile 2")), [2], "by name");
        let cpv = |c: &str| ProfileQuery {
            cpv: vec![c.into()],
            ..Default::default()
        };
        assert_eq!(run(cpv("55")), [1], "beneath the filter");
        assert_eq!(run(cpv("55512000")), [1], "above the filter");
        assert_eq!(run(cpv("90")), [2]);
        let region = |c: &str| ProfileQuery {
            nuts: vec![c.into()],
            ..Default::default()
        };
        assert_eq!(run(region("DK011")), [1], "serving DK01 serves DK011");
        assert_eq!(run(region("DK")), [1]);
        assert_eq!(run(region("DE300")), [2]);
        assert_eq!(run(region("FR")), Vec::<u64>::new());
        let rsv = ProfileQuery {
            rsv: Some(true),
            ..Default::default()
        };
        assert_eq!(run(rsv), [1]);
        let eligible = ProfileQuery {
            eligible: vec![Reservation::ShelteredWorkshops],
            ..Default::default()
        };
        assert_eq!(run(eligible), [1]);

        let results = index.search(&ProfileQuery::default()).unwrap();
        assert_eq!(results.total, 2);
        let rsv_counts: Vec<(String, u64)> = results
            .facets
            .rsv
            .iter()
            .map(|c| (c.code.clone(), c.count))
            .collect();
        assert_eq!(
            rsv_counts,
            [("not-rsv".to_owned(), 1), ("rsv".to_owned(), 1)]
        );
        assert_eq!(
            results.facets.eligible,
            [FacetCount {
                code: "res-ws".into(),
                count: 1
            }]
        );
    }

    #[test]
    fn the_directory_lists_by_name_in_danish_order_across_segments() {
        let index = ProfileIndex::in_ram().unwrap();
        let names = [
            "Øens Køkken",
            "Café Lyst",
            "Æbletræet",
            "3F Vask",
            "Ålborg Grønt",
        ];
        // One commit per profile: one segment each, so the order cannot come
        // from the order they were added in.
        for (id, name) in (1..).zip(names) {
            let mut doc = profile(id, "da", "Vi skaber job", "Kantine");
            doc.name = name.into();
            index.upsert(&doc).unwrap();
            index.commit_with_payload(None).unwrap();
        }
        let listed = |offset: usize| -> Vec<String> {
            index
                .search(&ProfileQuery {
                    sort: ProfileSort::Name,
                    offset,
                    limit: 3,
                    ..Default::default()
                })
                .unwrap()
                .hits
                .into_iter()
                .map(|h| h.profile.name)
                .collect()
        };
        assert_eq!(listed(0), ["3F Vask", "Café Lyst", "Æbletræet"]);
        assert_eq!(listed(3), ["Øens Køkken", "Ålborg Grønt"]);
    }
}
