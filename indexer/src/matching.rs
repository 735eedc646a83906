//! Matching both ways: the profiles that could deliver a tender, and the
//! open tenders a profile could win, each with the reasons of its score.
//!
//! One tantivy query finds the candidates and scores what the index alone
//! can: CPV and text are the gate (a candidate shares at least one of
//! them), each scoring its contribution (see `ranking`), and the
//! reservation rule is a filter. The collector adds the parts read from
//! fast fields (region with its hard rule, objectives, capacity: see
//! `match_collector`) and keeps the best. These are then loaded, their
//! reasons worked out from both documents, and the text part capped at
//! its weight.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, OnceLock, PoisonError};

use serde::Serialize;
use tantivy::Searcher;
use tantivy::Term;
use tantivy::query::{BooleanQuery, BoostQuery, DisjunctionMaxQuery, Occur, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};

use crate::analysis::{self, Analyser};
use crate::docs::{ProfileDoc, Reservation, TenderDoc, TenderText};
use crate::index::{IndexError, ProfileIndex, TenderIndex};
use crate::match_collector::{Fits, MatchCollector, TreePart, TreeRelation};
use crate::query::{self, Q};
use crate::ranking::{
    self, Asking, REGION_WEIGHT, Reason, ReasonKind, SIBLING_FACTOR, TEXT_WEIGHT, cpv_level_factor,
    region_level_factor,
};
use crate::schema::{NONE, TreeFields, cpv_keys, nuts_keys};
use crate::tree::{facet, levels};

/// The most words of one text that take part in text similarity: the
/// rarest in the other index, weighted by how often the text uses them.
const SALIENT_TERMS: usize = 12;
/// A term in more than this share of the other side's documents (and in
/// more than [`COMMON_FROM`] of them) says little about any of them, and
/// would make most of them candidates.
const MAX_DOC_SHARE: f64 = 0.1;
const COMMON_FROM: u64 = 10;
/// The most matches one call returns.
pub const MAX_MATCHES: usize = 500;

#[derive(Debug, Clone, Serialize)]
pub struct ProfileMatch {
    pub profile: ProfileDoc,
    pub score: f32,
    pub reasons: Vec<Reason>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TenderMatch {
    pub tender: TenderDoc,
    pub score: f32,
    pub reasons: Vec<Reason>,
}

/// The clause that scores the best CPV relation between the asking side's
/// codes and the other side's: at or beneath one of ours scores our level;
/// exactly one of our ancestors scores its level; a neighbour (beneath an
/// ancestor of ours, on another branch) scores half the level shared.
fn cpv_clause(other: TreeFields, ours: &[String]) -> Option<Q> {
    let mut parts: Vec<Q> = Vec::new();
    for key in ours {
        let score = ranking::CPV_WEIGHT * cpv_level_factor(key.len());
        parts.push(query::scored(query::beneath(other, key), score));
        for level in levels(key).into_iter().filter(|l| l.len() < key.len()) {
            let factor = cpv_level_factor(level.len());
            let exact = query::term(other.exact, level);
            parts.push(query::scored(exact, ranking::CPV_WEIGHT * factor));
            if level.len() >= ranking::NEIGHBOUR_FROM {
                let neighbour = query::beneath(other, level);
                parts.push(query::scored(
                    neighbour,
                    ranking::CPV_WEIGHT * factor * SIBLING_FACTOR,
                ));
            }
        }
    }
    (!parts.is_empty()).then(|| Box::new(DisjunctionMaxQuery::new(parts)) as Q)
}

/// The region relations: at or beneath one of ours, or exactly above it.
fn region_relations(ours: &[String]) -> Vec<TreeRelation> {
    let mut relations = Vec::new();
    for key in ours {
        relations.push(TreeRelation {
            facet: facet(key),
            beneath: true,
            score: REGION_WEIGHT * region_level_factor(key.len()),
        });
        for level in levels(key).into_iter().filter(|l| l.len() < key.len()) {
            relations.push(TreeRelation {
                facet: facet(level),
                beneath: false,
                score: REGION_WEIGHT * region_level_factor(level.len()),
            });
        }
    }
    relations
}

/// A term of the asking text that takes part in text similarity.
struct Salient {
    analyser: Analyser,
    term: String,
}

/// The asking side's most telling terms, looked up in the other index, and
/// the query that scores the other side's text by them, scaled so that a
/// text holding each term once at average length scores [`TEXT_WEIGHT`].
fn text_clause<'t>(
    searcher: &Searcher,
    texts: impl Iterator<Item = (&'t str, String)>,
    fields_for: impl Fn(Analyser) -> Vec<Field>,
) -> Result<(Option<Q>, Vec<Salient>), IndexError> {
    let docs = searcher.num_docs().max(1);
    let mut candidates: HashMap<(Analyser, String), (u32, f32)> = HashMap::new();
    for (lang, text) in texts {
        let analyser = Analyser::for_language(lang);
        let Some(&field) = fields_for(analyser).last() else {
            continue;
        };
        for term in analyser.terms(&text) {
            if term.chars().count() < 3 || term.chars().all(|c| c.is_ascii_digit()) {
                continue;
            }
            let key = (analyser, term);
            if let Some((tf, _)) = candidates.get_mut(&key) {
                *tf += 1;
                continue;
            }
            let df = searcher.doc_freq(&Term::from_field_text(field, &key.1))?;
            let common = df > COMMON_FROM && df as f64 > MAX_DOC_SHARE * docs as f64;
            if df == 0 || common {
                continue;
            }
            let idf = ((docs.saturating_sub(df) as f32 + 0.5) / (df as f32 + 0.5)).ln_1p();
            candidates.insert(key, (1, idf));
        }
    }
    let mut ranked: Vec<((Analyser, String), (u32, f32))> = candidates.into_iter().collect();
    ranked.sort_by(|a, b| {
        let weight = |(tf, idf): (u32, f32)| (1.0 + (tf as f32).ln()) * idf;
        weight(b.1)
            .total_cmp(&weight(a.1))
            .then_with(|| a.0.1.cmp(&b.0.1))
    });
    ranked.truncate(SALIENT_TERMS);
    let idf_sum: f32 = ranked.iter().map(|(_, (_, idf))| idf).sum();
    if ranked.is_empty() || idf_sum <= 0.0 {
        return Ok((None, Vec::new()));
    }
    let mut parts: Vec<Q> = Vec::new();
    let mut salient = Vec::new();
    for ((analyser, term), _) in ranked {
        let per_field: Vec<Q> = fields_for(analyser)
            .into_iter()
            .map(|field| {
                Box::new(TermQuery::new(
                    Term::from_field_text(field, &term),
                    IndexRecordOption::WithFreqs,
                )) as Q
            })
            .collect();
        parts.push(Box::new(DisjunctionMaxQuery::new(per_field)));
        salient.push(Salient { analyser, term });
    }
    let text: Q = Box::new(BoostQuery::new(query::any_of(parts), TEXT_WEIGHT / idf_sum));
    Ok((Some(text), salient))
}

/// The salient terms of a side's texts, each with the word it came from
/// (lower case): what naming the shared words needs, and nothing more.
struct AnalysedText(Vec<(Analyser, String, String)>);

/// Each word's term, by analyser. The texts of matches share most of their
/// words, within one match and from one match to the next, and stemming
/// each word again was a good part of a match's time, so the terms are
/// kept for the whole process. They are forgotten all at once when they
/// reach [`MAX_WORD_TERMS`], so that new words cannot grow them without
/// bound.
#[derive(Default)]
struct WordTerms {
    by_analyser: HashMap<Analyser, HashMap<String, Option<String>>>,
    count: usize,
}

/// About 20 MB of words and terms.
const MAX_WORD_TERMS: usize = 200_000;

impl WordTerms {
    fn shared() -> MutexGuard<'static, WordTerms> {
        static SHARED: OnceLock<Mutex<WordTerms>> = OnceLock::new();
        SHARED
            .get_or_init(Mutex::default)
            .lock()
            // A panic while naming words leaves at worst some terms unsaved.
            .unwrap_or_else(PoisonError::into_inner)
    }
}

impl AnalysedText {
    fn new<'t>(
        texts: impl Iterator<Item = (&'t str, String)>,
        salient: &[Salient],
        cache: &mut WordTerms,
    ) -> AnalysedText {
        let mut tokens = Vec::new();
        for (lang, text) in texts {
            let analyser = Analyser::for_language(lang);
            if cache.count >= MAX_WORD_TERMS {
                *cache = WordTerms::default();
            }
            let terms = cache.by_analyser.entry(analyser).or_default();
            for word in analysis::words(&text) {
                // A word's term, as the analyser makes it within a text:
                // its filters (length, case, stop words, stem) take one
                // word at a time.
                let term = if let Some(term) = terms.get(word) {
                    term.as_deref()
                } else {
                    cache.count += 1;
                    terms
                        .entry(word.to_owned())
                        .or_insert_with(|| analyser.terms(word).into_iter().next())
                        .as_deref()
                };
                let Some(term) = term else {
                    continue;
                };
                if salient
                    .iter()
                    .any(|s| s.analyser == analyser && s.term == term)
                {
                    tokens.push((analyser, term.to_owned(), word.to_lowercase()));
                }
            }
        }
        AnalysedText(tokens)
    }

    fn holds(&self, analyser: Analyser, term: &str) -> bool {
        self.0.iter().any(|(a, t, _)| *a == analyser && t == term)
    }

    /// The words (once each, in order) whose terms are among `terms`.
    fn words_with(&self, terms: &[&Salient]) -> Vec<String> {
        let mut words: Vec<String> = Vec::new();
        for (analyser, term, word) in &self.0 {
            let hit = terms
                .iter()
                .any(|s| s.analyser == *analyser && s.term == *term);
            if hit && !words.contains(word) {
                words.push(word.clone());
            }
        }
        words
    }
}

/// Scores one candidate: its structured reasons and the text part (what
/// the index scored beyond them, capped at the text weight). The words
/// behind the text part are filled in by [`name_shared_words`], once the
/// final list is known.
fn explain(
    tender: &TenderDoc,
    profile: &ProfileDoc,
    asking: Asking,
    index_score: f32,
) -> (f32, Vec<Reason>) {
    let mut reasons = ranking::structured_reasons(tender, profile, asking);
    let structured: f32 = reasons.iter().map(|r| r.contribution).sum();
    let text = (index_score - structured).clamp(0.0, TEXT_WEIGHT);
    if text > 1e-4 {
        reasons.push(Reason {
            kind: ReasonKind::Text,
            tender: Vec::new(),
            profile: Vec::new(),
            shared_level: None,
            contribution: text,
        });
    }
    reasons.sort_by(|a, b| b.contribution.total_cmp(&a.contribution));
    (structured + text, reasons)
}

/// Names, in the text reason, the words (as written on each side) behind
/// the salient terms of the asking side that both texts hold.
fn name_shared_words(
    reasons: &mut [Reason],
    asking_text: &AnalysedText,
    other_text: &AnalysedText,
    asking: Asking,
    salient: &[Salient],
) {
    let Some(reason) = reasons.iter_mut().find(|r| r.kind == ReasonKind::Text) else {
        return;
    };
    let shared: Vec<&Salient> = salient
        .iter()
        .filter(|s| other_text.holds(s.analyser, &s.term))
        .collect();
    let (tender, profile) = match asking {
        Asking::Tender => (asking_text, other_text),
        Asking::Profile => (other_text, asking_text),
    };
    reason.tender = tender.words_with(&shared);
    reason.profile = profile.words_with(&shared);
}

/// How many candidates to load and rank exactly: a few more than asked,
/// since capping the text part can reorder the tail. Each costs a read
/// from the document store.
fn candidates(limit: usize) -> usize {
    let limit = limit.clamp(1, MAX_MATCHES);
    (limit + limit / 4).max(20)
}

/// The collector of one match: the asking side's places and objectives
/// against the candidates' region and objective fields, and the rule on a
/// candidate's `u64` field that earns the capacity part.
fn collector(
    searcher: &Searcher,
    (nuts, objective): (TreeFields, Field),
    (places, objectives): (&[String], &[String]),
    capacity: Option<(Field, Fits)>,
    limit: usize,
) -> MatchCollector {
    let name = |field| searcher.schema().get_field_name(field).to_owned();
    MatchCollector {
        regions: Some(TreePart {
            field: name(nuts.facet),
            relations: region_relations(&nuts_keys(places)),
        }),
        objectives: Some((name(objective), ranking::dedup(objectives))),
        capacity: capacity.map(|(field, fits)| (name(field), fits)),
        keep: candidates(limit),
    }
}

fn eligibility_filter(field: Field, reservations: &[Reservation]) -> Option<(Occur, Q)> {
    if reservations.is_empty() {
        return None;
    }
    let parts = reservations
        .iter()
        .map(|r| query::flat_facet(field, r.code()));
    Some(query::filter(query::any_of(parts.collect())))
}

impl ProfileIndex {
    /// The profiles that could deliver `tender`, best first. A profile not
    /// eligible for any of the tender's reservations is never returned.
    pub fn match_profiles_for_tender(
        &self,
        tender: &TenderDoc,
        limit: usize,
    ) -> Result<Vec<ProfileMatch>, IndexError> {
        let f = &self.fields;
        let searcher = self.searcher();
        let text_fields = |a: Analyser| vec![f.text.field(a)];
        let (text, salient) = text_clause(&searcher, tender.text_by_language(), text_fields)?;
        let Some(query) = self.profiles_for_tender_query(tender, text) else {
            return Ok(Vec::new());
        };
        let top = collector(
            &searcher,
            (f.nuts, f.objective),
            (&tender.nuts, &tender.objectives),
            tender
                .value_dkk
                .map(|value| (f.capacity, Fits::AtLeast(value))),
            limit,
        );
        let mut matches = Vec::new();
        for (index_score, address) in searcher.search(&query, &top)? {
            let profile = self.load(&searcher, address)?;
            // The filter already holds this; the check keeps the hard rule
            // true whatever a future query change does.
            if !profile.is_eligible_for_any(&tender.reserved) {
                continue;
            }
            let (score, reasons) = explain(tender, &profile, Asking::Tender, index_score);
            matches.push(ProfileMatch {
                profile,
                score,
                reasons,
            });
        }
        matches.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(a.profile.id.cmp(&b.profile.id))
        });
        matches.truncate(limit.min(MAX_MATCHES));
        let mut cache = WordTerms::shared();
        let tender_text = AnalysedText::new(tender.text_by_language(), &salient, &mut cache);
        for m in &mut matches {
            let profile_text =
                AnalysedText::new(m.profile.text_by_language(), &salient, &mut cache);
            name_shared_words(
                &mut m.reasons,
                &tender_text,
                &profile_text,
                Asking::Tender,
                &salient,
            );
        }
        Ok(matches)
    }

    /// The gate (CPV or text), scored, and the reservation rule; the
    /// region rule and the other parts of the score are the collector's.
    fn profiles_for_tender_query(&self, tender: &TenderDoc, text: Option<Q>) -> Option<Q> {
        let f = &self.fields;
        let gate: Vec<Q> = cpv_clause(f.cpv, &cpv_keys(&tender.cpv))
            .into_iter()
            .chain(text)
            .collect();
        if gate.is_empty() {
            return None;
        }
        let mut clauses: Vec<(Occur, Q)> = vec![(Occur::Must, query::any_of(gate))];
        clauses.extend(eligibility_filter(f.eligible, &tender.reserved));
        Some(Box::new(BooleanQuery::new(clauses)))
    }
}

impl TenderIndex {
    /// The open tenders (at `now`, Unix seconds) that `profile` could win,
    /// best first. A reserved tender appears only when the profile is
    /// eligible for one of its reservations.
    ///
    /// The index keeps no texts ([`crate::docs::KeptTender`]), so `texts` reads the
    /// texts of the best tenders, by id, from wherever the caller keeps
    /// them: each match carries them, and the words shared with the
    /// profile are named from them. A tender `texts` does not know (one
    /// deleted since the index heard of it) is left out.
    pub fn match_tenders_for_profile<E: From<IndexError>>(
        &self,
        profile: &ProfileDoc,
        now: i64,
        limit: usize,
        texts: impl FnOnce(&[u64]) -> Result<HashMap<u64, Vec<TenderText>>, E>,
    ) -> Result<Vec<TenderMatch>, E> {
        let f = &self.fields;
        let searcher = self.searcher();
        let text_fields = |a: Analyser| vec![f.title.field(a), f.body.field(a)];
        let (text, salient) = text_clause(&searcher, profile.text_by_language(), text_fields)?;
        let gate: Vec<Q> = cpv_clause(f.cpv, &cpv_keys(&profile.cpv))
            .into_iter()
            .chain(text)
            .collect();
        if gate.is_empty() {
            return Ok(Vec::new());
        }
        let mut allowed: Vec<Q> = vec![query::flat_facet(f.reserved, NONE)];
        allowed.extend(
            profile
                .eligible
                .iter()
                .map(|r| query::flat_facet(f.reserved, r.code())),
        );
        let clauses: Vec<(Occur, Q)> = vec![
            (Occur::Must, query::any_of(gate)),
            query::filter(self.open_at(now)),
            query::filter(query::any_of(allowed)),
        ];
        let query = BooleanQuery::new(clauses);
        let top = collector(
            &searcher,
            (f.nuts, f.objective),
            (&profile.nuts, &profile.objectives),
            profile
                .capacity_dkk
                .map(|capacity| (f.value, Fits::AtMost(capacity))),
            limit,
        );
        let mut matches = Vec::new();
        for (index_score, address) in searcher.search(&query, &top).map_err(IndexError::from)? {
            let tender = self.load(&searcher, address)?.tender;
            if !profile.is_eligible_for_any(&tender.reserved) {
                continue;
            }
            let (score, reasons) = explain(&tender, profile, Asking::Profile, index_score);
            matches.push(TenderMatch {
                tender,
                score,
                reasons,
            });
        }
        matches.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(a.tender.id.cmp(&b.tender.id))
        });
        matches.truncate(limit.min(MAX_MATCHES));
        let ids: Vec<u64> = matches.iter().map(|m| m.tender.id).collect();
        let mut texts = texts(&ids)?;
        matches.retain_mut(|m| match texts.remove(&m.tender.id) {
            Some(texts) => {
                m.tender.texts = texts;
                true
            }
            None => false,
        });
        let mut cache = WordTerms::shared();
        let profile_text = AnalysedText::new(profile.text_by_language(), &salient, &mut cache);
        for m in &mut matches {
            let tender_text = AnalysedText::new(m.tender.text_by_language(), &salient, &mut cache);
            name_shared_words(
                &mut m.reasons,
                &profile_text,
                &tender_text,
                Asking::Profile,
                &salient,
            );
        }
        Ok(matches)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docs::TenderStatus;
    use crate::test_support::*;

    fn profiles(docs: &[ProfileDoc]) -> ProfileIndex {
        let index = ProfileIndex::in_ram().unwrap();
        for doc in docs {
            index.upsert(doc).unwrap();
        }
        index.commit_with_payload(None).unwrap();
        index
    }

    /// A tender index and the documents it was given, which hold the
    /// texts the index does not keep.
    struct Tenders {
        index: TenderIndex,
        docs: Vec<TenderDoc>,
    }

    impl Tenders {
        fn for_profile(&self, profile: &ProfileDoc) -> Vec<TenderMatch> {
            self.index
                .match_tenders_for_profile(profile, NOW, 10, |ids| {
                    Ok::<_, IndexError>(texts_of(&self.docs, ids))
                })
                .unwrap()
        }
    }

    fn tenders(docs: &[TenderDoc]) -> Tenders {
        let index = TenderIndex::in_ram().unwrap();
        for doc in docs {
            index.upsert(doc).unwrap();
        }
        index.commit_with_payload(None).unwrap();
        Tenders {
            index,
            docs: docs.to_vec(),
        }
    }

    fn offering(id: u64, cpv: &[&str], nuts: &[&str]) -> ProfileDoc {
        let mut p = profile(id, "en", "Social enterprise", "Services");
        p.cpv = codes(cpv);
        p.nuts = codes(nuts);
        p
    }

    fn coded(id: u64, cpv: &[&str], nuts: &[&str]) -> TenderDoc {
        let mut t = tender(id, "en", "Tender", "Work");
        t.cpv = codes(cpv);
        t.nuts = codes(nuts);
        t
    }

    fn ranked_profiles(index: &ProfileIndex, tender: &TenderDoc) -> Vec<u64> {
        index
            .match_profiles_for_tender(tender, 50)
            .unwrap()
            .iter()
            .map(|m| m.profile.id)
            .collect()
    }

    #[test]
    fn cpv_overlap_counts_along_the_tree_both_ways() {
        let index = profiles(&[
            offering(1, &["85311000"], &[]),
            offering(2, &["85300000"], &[]),
            offering(3, &["85000000"], &[]),
            offering(4, &["85320000"], &[]),
            offering(5, &["90910000"], &[]),
        ]);
        let tender = coded(1, &["85311000"], &[]);
        assert_eq!(ranked_profiles(&index, &tender), [1, 2, 3, 4]);

        let broad = coded(2, &["85300000"], &[]);
        let ranked = index.match_profiles_for_tender(&broad, 50).unwrap();
        let ids: Vec<u64> = ranked.iter().map(|m| m.profile.id).collect();
        assert!(
            ids.contains(&1),
            "a profile offering 85311000 is relevant to 853: {ids:?}"
        );
        assert_eq!(
            ranked[0].score, ranked[1].score,
            "both share the tender's whole level"
        );
        assert!(!ids.contains(&5));
    }

    #[test]
    fn regions_match_along_the_tree_and_never_across_it() {
        let index = profiles(&[
            offering(1, &["90910000"], &["DE"]),
            offering(2, &["90910000"], &["FR"]),
            offering(3, &["90910000"], &["DK01"]),
            offering(4, &["90910000"], &[]),
        ]);
        assert_eq!(
            ranked_profiles(&index, &coded(1, &["90910000"], &["DE300"])),
            [1, 4]
        );
        assert_eq!(
            ranked_profiles(&index, &coded(2, &["90910000"], &["DK011"])),
            [3, 4]
        );
        assert_eq!(
            ranked_profiles(&index, &coded(3, &["90910000"], &["FR101"])),
            [2, 4]
        );

        let tenders = tenders(&[
            coded(1, &["90910000"], &["DE300"]),
            coded(2, &["90910000"], &["FR101"]),
            coded(3, &["90910000"], &[]),
        ]);
        let found: Vec<u64> = tenders
            .for_profile(&offering(9, &["90910000"], &["DE"]))
            .iter()
            .map(|m| m.tender.id)
            .collect();
        assert_eq!(found, [1, 3]);
    }

    #[test]
    fn a_profile_not_eligible_for_a_reservation_never_appears() {
        let mut perfect = offering(1, &["85311000"], &["DK011"]);
        perfect.objectives = codes(&["employment"]);
        perfect.capacity_dkk = Some(10_000_000);
        let mut sheltered = offering(2, &["85300000"], &["DK"]);
        sheltered.eligible = vec![Reservation::ShelteredWorkshops];
        let mut mission = offering(3, &["85000000"], &[]);
        mission.eligible = vec![Reservation::PublicServiceMission];
        let index = profiles(&[perfect.clone(), sheltered.clone(), mission.clone()]);

        let mut tender = coded(1, &["85311000"], &["DK011"]);
        tender.objectives = codes(&["employment"]);
        tender.value_dkk = Some(1_000_000);
        assert_eq!(ranked_profiles(&index, &tender), [1, 2, 3]);

        tender.reserved = vec![Reservation::ShelteredWorkshops];
        assert_eq!(ranked_profiles(&index, &tender), [2]);
        tender.reserved = vec![Reservation::PublicServiceMission];
        assert_eq!(ranked_profiles(&index, &tender), [3]);
        tender.reserved = vec![
            Reservation::ShelteredWorkshops,
            Reservation::PublicServiceMission,
        ];
        assert_eq!(ranked_profiles(&index, &tender), [2, 3]);

        let reserved = tenders(&[tender.clone()]);
        let for_perfect = reserved.for_profile(&perfect);
        assert!(
            for_perfect.is_empty(),
            "the reserved tender is never offered to it"
        );
        let for_mission = reserved.for_profile(&mission);
        assert_eq!(for_mission.len(), 1);
        let reason = for_mission[0]
            .reasons
            .iter()
            .find(|r| r.kind == ReasonKind::Reserved)
            .unwrap();
        assert_eq!(reason.profile, ["res-pub-ser"]);
    }

    #[test]
    fn reasons_carry_both_sides_and_add_up_to_the_score() {
        let mut p = profile(
            1,
            "en",
            "We create jobs for people far from the labour market",
            "Catering, canteen operation and meals for schools",
        );
        p.cpv = codes(&["55500000"]);
        p.nuts = codes(&["DK01"]);
        p.objectives = codes(&["employment", "inclusion"]);
        p.capacity_dkk = Some(3_000_000);
        let index = profiles(&[p, offering(2, &["90910000"], &[])]);
        let mut t = tender(
            1,
            "en",
            "Canteen operation for schools",
            "Operation of the school canteen with daily meals",
        );
        t.cpv = codes(&["55520000"]);
        t.nuts = codes(&["DK011"]);
        t.objectives = codes(&["employment"]);
        t.value_dkk = Some(2_000_000);
        let matches = index.match_profiles_for_tender(&t, 10).unwrap();
        assert_eq!(matches.len(), 1);
        let m = &matches[0];
        let sum: f32 = m.reasons.iter().map(|r| r.contribution).sum();
        assert!((sum - m.score).abs() < 1e-4, "{sum} vs {}", m.score);
        let find = |kind| m.reasons.iter().find(|r| r.kind == kind).unwrap();
        let cpv = find(ReasonKind::Cpv);
        assert_eq!(cpv.tender, ["55520000"]);
        assert_eq!(cpv.profile, ["55500000"]);
        assert_eq!(cpv.shared_level, Some(3));
        let region = find(ReasonKind::Region);
        assert_eq!(
            (region.tender[0].as_str(), region.profile[0].as_str()),
            ("DK011", "DK01")
        );
        assert_eq!(find(ReasonKind::Objectives).tender, ["employment"]);
        assert_eq!(find(ReasonKind::Capacity).profile, ["3000000"]);
        let text = find(ReasonKind::Text);
        assert!(text.profile.contains(&"canteen".to_owned()), "{text:?}");
        assert!(text.contribution > 0.0 && text.contribution <= TEXT_WEIGHT);
    }

    #[test]
    fn text_decides_between_profiles_of_the_same_division() {
        let mut cleaning = profile(
            2,
            "da",
            "Vi skaber arbejdspladser",
            "Rengøring af kontorer og skoler",
        );
        cleaning.cpv = codes(&["90000000"]);
        let mut gardens = profile(1, "da", "Grønne job", "Pleje af parker og grønne områder");
        gardens.cpv = codes(&["90000000"]);
        let index = profiles(&[gardens, cleaning]);
        let mut t = tender(1, "da", "Rengøring", "Daglig rengøring af kommunens skoler");
        t.cpv = codes(&["90000000"]);
        assert_eq!(
            ranked_profiles(&index, &t),
            [2, 1],
            "cleaning first, whatever the ids"
        );
    }

    #[test]
    fn words_most_profiles_use_neither_make_candidates_nor_reasons() {
        let mut docs: Vec<ProfileDoc> = (1..=30)
            .map(|id| profile(id, "en", "We create jobs", "Gardening"))
            .collect();
        docs[6].texts[0].capabilities = "Canteen and catering".into();
        let index = profiles(&docs);
        let t = tender(1, "en", "Canteen", "Canteen jobs");
        let matches = index.match_profiles_for_tender(&t, 50).unwrap();
        assert_eq!(
            matches.len(),
            1,
            "only the canteen, not every profile with jobs"
        );
        let text = matches[0]
            .reasons
            .iter()
            .find(|r| r.kind == ReasonKind::Text)
            .unwrap();
        assert_eq!(text.tender, ["canteen"]);
    }

    /// The collector passes over candidates that cannot reach the best it
    /// keeps; the few best must be those of ranking every candidate.
    #[test]
    fn the_best_few_are_the_first_of_all_candidates_ranked() {
        let cpv = ["85311000", "85312000", "85320000", "85300000", "85000000"];
        let nuts = ["DK011", "DK01", "DK", "DE300", "DK032"];
        let docs: Vec<ProfileDoc> = (1..=400u64)
            .map(|id| {
                let i = id as usize;
                let mut p = offering(
                    id,
                    &[cpv[i % cpv.len()]],
                    &nuts[..(i / 5) % (nuts.len() + 1)],
                );
                if i.is_multiple_of(3) {
                    p.objectives = codes(&["employment"]);
                }
                if !i.is_multiple_of(7) {
                    p.capacity_dkk = Some(500_000 * (i as u64 % 6));
                }
                p
            })
            .collect();
        let index = profiles(&docs);
        let mut t = coded(1, &["85311000"], &["DK011"]);
        t.objectives = codes(&["employment", "inclusion"]);
        t.value_dkk = Some(1_000_000);
        let all = index.match_profiles_for_tender(&t, 400).unwrap();
        assert!(all.len() > 200, "{}", all.len());
        for limit in [1, 5, 20, 50] {
            let few = index.match_profiles_for_tender(&t, limit).unwrap();
            let ranked = |ms: &[ProfileMatch]| -> Vec<(u64, f32)> {
                ms.iter().map(|m| (m.profile.id, m.score)).collect()
            };
            assert_eq!(ranked(&few), ranked(&all[..limit]), "top {limit}");
        }
    }

    #[test]
    fn only_open_tenders_are_offered_to_a_profile() {
        let open = coded(1, &["90910000"], &[]);
        let mut passed = coded(2, &["90910000"], &[]);
        passed.deadline = NOW - DAY;
        let mut awarded = coded(3, &["90910000"], &[]);
        awarded.status = TenderStatus::Awarded;
        let index = tenders(&[open, passed, awarded]);
        let found = index.for_profile(&offering(1, &["90"], &[]));
        assert_eq!(found.iter().map(|m| m.tender.id).collect::<Vec<_>>(), [1]);
    }

    #[test]
    fn the_word_terms_are_forgotten_when_full_and_words_still_named() {
        let english = Analyser::for_language("en");
        let salient = [Salient {
            analyser: english,
            term: english.terms("canteens").remove(0),
        }];
        let mut cache = WordTerms {
            count: MAX_WORD_TERMS,
            ..WordTerms::default()
        };
        let text = AnalysedText::new(
            [("en", "Canteen and catering".to_owned())].into_iter(),
            &salient,
            &mut cache,
        );
        assert_eq!(cache.count, 3, "the full cache was emptied first");
        assert!(text.holds(english, &salient[0].term));
        assert_eq!(text.words_with(&[&salient[0]]), ["canteen"]);
    }

    #[test]
    fn a_tender_match_carries_the_texts_read_and_names_the_words_shared_in_them() {
        let mut canteen = tender(
            1,
            "en",
            "Canteen operation",
            "Running the town hall canteen with trainees",
        );
        canteen.cpv = codes(&["55500000"]);
        let mut deleted = tender(2, "en", "Canteen at the library", "Running a canteen");
        deleted.cpv = codes(&["55500000"]);
        let mut index = tenders(&[canteen.clone(), deleted]);
        // Tender 2 was deleted from the database after the index heard of
        // it: the texts read do not have it.
        index.docs.retain(|d| d.id == 1);
        let mut cook = profile(
            7,
            "en",
            "Jobs in kitchens",
            "Canteen operation and catering",
        );
        cook.cpv = codes(&["55500000"]);

        let found = index.for_profile(&cook);
        assert_eq!(found.len(), 1, "the deleted tender is left out");
        assert_eq!(found[0].tender, canteen, "the match carries the texts read");
        let text = found[0]
            .reasons
            .iter()
            .find(|r| r.kind == ReasonKind::Text)
            .expect("a text reason");
        assert!(
            text.tender.iter().any(|w| w.starts_with("canteen")),
            "{text:?}"
        );
    }
}
