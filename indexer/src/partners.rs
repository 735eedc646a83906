//! Partner discovery: for a tender too broad or too large for one social
//! enterprise, the combinations of profiles that, with the lead, cover
//! what it asks for. What a tender asks for is its CPV codes, its places
//! of performance and its estimated value; a profile covers a code when
//! the two lie on one branch of the tree (a profile offering `853`
//! covers `85311000`), and a consortium's capacity is the sum of its
//! members'.
//!
//! The candidates are the tender's matches (so the hard rules hold: a
//! partner is eligible for the tender's reservations and serves its
//! region); the combinations are built greedily, each starting from
//! another candidate that brings something the lead lacks, and adding the
//! one that brings most until nothing is missing or the consortium is
//! [`MAX_PARTNERS`] partners large.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::docs::{ProfileDoc, TenderDoc};
use crate::index::{IndexError, ProfileIndex};
use crate::ranking::Reason;
use crate::schema::{cpv_keys, nuts_keys};
use crate::tree::{Relation, relation};

/// The most partners a suggestion adds to the lead.
pub const MAX_PARTNERS: usize = 3;
/// The tender's matches the combinations are drawn from.
const CANDIDATES: usize = 60;
/// The candidates a combination may start from.
const STARTS: usize = 10;

/// What a tender asks for, as tree keys and a value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Needs {
    /// Significant CPV digits (`85311`).
    pub cpv: Vec<String>,
    /// NUTS codes, upper case.
    pub regions: Vec<String>,
    /// The estimated value in DKK, when known.
    pub value_dkk: Option<u64>,
}

impl Needs {
    pub fn of(tender: &TenderDoc) -> Needs {
        Needs {
            cpv: cpv_keys(&tender.cpv),
            regions: nuts_keys(&tender.nuts),
            value_dkk: tender.value_dkk,
        }
    }
}

/// The part of a tender's needs that one profile, or a whole consortium,
/// covers (the tender's own keys), and its capacity.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Coverage {
    pub cpv: Vec<String>,
    pub regions: Vec<String>,
    /// The summed capacity in DKK of the members that state one.
    pub capacity_dkk: u64,
}

impl Coverage {
    /// What `profile` covers of `needs`.
    pub fn of(needs: &Needs, profile: &ProfileDoc) -> Coverage {
        let offered = cpv_keys(&profile.cpv);
        let served = nuts_keys(&profile.nuts);
        Coverage {
            cpv: on_a_branch(&needs.cpv, &offered),
            regions: on_a_branch(&needs.regions, &served),
            capacity_dkk: profile.capacity_dkk.unwrap_or(0),
        }
    }

    fn join(&self, other: &Coverage) -> Coverage {
        Coverage {
            cpv: union(&self.cpv, &other.cpv),
            regions: union(&self.regions, &other.regions),
            capacity_dkk: self.capacity_dkk.saturating_add(other.capacity_dkk),
        }
    }

    /// What `other` adds to this coverage, towards `needs`: the codes and
    /// regions this lacks, and whether its capacity is still wanted.
    fn gain(&self, other: &Coverage, needs: &Needs) -> Gain {
        let cpv = difference(&other.cpv, &self.cpv);
        let regions = difference(&other.regions, &self.regions);
        let capacity_short = needs
            .value_dkk
            .is_some_and(|value| self.capacity_dkk < value);
        Gain {
            cpv,
            regions,
            capacity_dkk: if capacity_short && other.capacity_dkk > 0 {
                Some(other.capacity_dkk)
            } else {
                None
            },
        }
    }

    /// What of `needs` is still missing.
    pub fn missing(&self, needs: &Needs) -> Missing {
        Missing {
            cpv: difference(&needs.cpv, &self.cpv),
            regions: difference(&needs.regions, &self.regions),
            capacity_dkk: needs
                .value_dkk
                .and_then(|value| value.checked_sub(self.capacity_dkk))
                .filter(|short| *short > 0),
        }
    }
}

/// What a tender still asks for that a consortium lacks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Missing {
    pub cpv: Vec<String>,
    pub regions: Vec<String>,
    /// How much capacity in DKK is short of the tender's value.
    pub capacity_dkk: Option<u64>,
}

impl Missing {
    pub fn is_nothing(&self) -> bool {
        self.cpv.is_empty() && self.regions.is_empty() && self.capacity_dkk.is_none()
    }
}

/// What one partner brings that the lead and the partners before it lack:
/// the reasons it is suggested.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Gain {
    pub cpv: Vec<String>,
    pub regions: Vec<String>,
    /// Its capacity, when the consortium's was still short of the value.
    pub capacity_dkk: Option<u64>,
}

impl Gain {
    fn is_nothing(&self) -> bool {
        self.cpv.is_empty() && self.regions.is_empty() && self.capacity_dkk.is_none()
    }

    /// How much it brings: a code or a region counts one, capacity the
    /// share of the still missing value it fills.
    fn weight(&self, missing_value: Option<u64>) -> f64 {
        let capacity = match (self.capacity_dkk, missing_value) {
            (Some(capacity), Some(short)) if short > 0 => {
                (capacity.min(short) as f64) / (short as f64)
            }
            _ => 0.0,
        };
        (self.cpv.len() + self.regions.len()) as f64 + capacity
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SuggestedPartner {
    pub profile: ProfileDoc,
    /// Its match score for the tender on its own.
    pub score: f32,
    /// Why it matches the tender (as in matching).
    pub reasons: Vec<Reason>,
    /// What it brings to the consortium.
    pub brings: Gain,
}

/// One combination: partners for the lead, what they cover together and
/// what is still missing.
#[derive(Debug, Clone, Serialize)]
pub struct ConsortiumSuggestion {
    pub partners: Vec<SuggestedPartner>,
    /// The lead's and the partners' coverage together.
    pub covers: Coverage,
    pub missing: Missing,
}

/// What the lead covers alone, and the suggestions.
#[derive(Debug, Clone, Serialize)]
pub struct PartnerSuggestions {
    pub needs: Needs,
    pub lead_covers: Coverage,
    pub lead_missing: Missing,
    pub suggestions: Vec<ConsortiumSuggestion>,
}

struct Candidate {
    profile: ProfileDoc,
    score: f32,
    reasons: Vec<Reason>,
    coverage: Coverage,
}

impl ProfileIndex {
    /// Combinations of profiles that, with `lead`, cover what `tender`
    /// asks for, best first: those that cover everything, then those that
    /// cover most; fewer partners before more; better matches before
    /// worse. Empty when the lead covers everything alone.
    pub fn suggest_partners(
        &self,
        tender: &TenderDoc,
        lead: &ProfileDoc,
        limit: usize,
    ) -> Result<PartnerSuggestions, IndexError> {
        let needs = Needs::of(tender);
        let lead_covers = Coverage::of(&needs, lead);
        let lead_missing = lead_covers.missing(&needs);
        if lead_missing.is_nothing() {
            return Ok(PartnerSuggestions {
                needs,
                lead_covers,
                lead_missing,
                suggestions: Vec::new(),
            });
        }
        let candidates: Vec<Candidate> = self
            .match_profiles_for_tender(tender, CANDIDATES)?
            .into_iter()
            .filter(|m| m.profile.organisation_id != lead.organisation_id)
            .map(|m| Candidate {
                coverage: Coverage::of(&needs, &m.profile),
                profile: m.profile,
                score: m.score,
                reasons: m.reasons,
            })
            .collect();
        let suggestions = combine(&needs, &lead_covers, &candidates, limit);
        Ok(PartnerSuggestions {
            needs,
            lead_covers,
            lead_missing,
            suggestions,
        })
    }
}

fn combine(
    needs: &Needs,
    lead: &Coverage,
    candidates: &[Candidate],
    limit: usize,
) -> Vec<ConsortiumSuggestion> {
    let mut starts: Vec<usize> = (0..candidates.len())
        .filter(|&i| !lead.gain(&candidates[i].coverage, needs).is_nothing())
        .collect();
    starts.sort_by(|&a, &b| {
        let short = lead.missing(needs).capacity_dkk;
        let wa = lead.gain(&candidates[a].coverage, needs).weight(short);
        let wb = lead.gain(&candidates[b].coverage, needs).weight(short);
        wb.total_cmp(&wa)
            .then(candidates[b].score.total_cmp(&candidates[a].score))
    });
    starts.truncate(STARTS);

    let mut seen: BTreeSet<Vec<u64>> = BTreeSet::new();
    let mut suggestions = Vec::new();
    for start in starts {
        let chosen = grow(needs, lead, candidates, start);
        let mut ids: Vec<u64> = chosen.iter().map(|&i| candidates[i].profile.id).collect();
        ids.sort_unstable();
        if !seen.insert(ids) {
            continue;
        }
        suggestions.push(explain(needs, lead, candidates, &chosen));
    }
    suggestions.sort_by(|a, b| {
        let missing = |s: &ConsortiumSuggestion| {
            (s.missing.cpv.len() + s.missing.regions.len()) as u64
                + u64::from(s.missing.capacity_dkk.is_some())
        };
        let total = |s: &ConsortiumSuggestion| s.partners.iter().map(|p| p.score).sum::<f32>();
        missing(a)
            .cmp(&missing(b))
            .then(a.partners.len().cmp(&b.partners.len()))
            .then(total(b).total_cmp(&total(a)))
    });
    suggestions.truncate(limit);
    suggestions
}

/// The partners chosen from `start` on: each time the candidate that
/// brings most of what is still missing, until nothing is or no one adds
/// anything.
fn grow(needs: &Needs, lead: &Coverage, candidates: &[Candidate], start: usize) -> Vec<usize> {
    let mut chosen = vec![start];
    let mut covers = lead.join(&candidates[start].coverage);
    while chosen.len() < MAX_PARTNERS && !covers.missing(needs).is_nothing() {
        let short = covers.missing(needs).capacity_dkk;
        let best = (0..candidates.len())
            .filter(|i| !chosen.contains(i))
            .map(|i| (i, covers.gain(&candidates[i].coverage, needs).weight(short)))
            .filter(|(_, weight)| *weight > 0.0)
            .max_by(|(a, wa), (b, wb)| {
                wa.total_cmp(wb)
                    .then(candidates[*a].score.total_cmp(&candidates[*b].score))
                    .then(b.cmp(a))
            });
        let Some((next, _)) = best else { break };
        covers = covers.join(&candidates[next].coverage);
        chosen.push(next);
    }
    chosen
}

fn explain(
    needs: &Needs,
    lead: &Coverage,
    candidates: &[Candidate],
    chosen: &[usize],
) -> ConsortiumSuggestion {
    let mut covers = lead.clone();
    let mut partners = Vec::new();
    for &i in chosen {
        let candidate = &candidates[i];
        let brings = covers.gain(&candidate.coverage, needs);
        covers = covers.join(&candidate.coverage);
        partners.push(SuggestedPartner {
            profile: candidate.profile.clone(),
            score: candidate.score,
            reasons: candidate.reasons.clone(),
            brings,
        });
    }
    let missing = covers.missing(needs);
    ConsortiumSuggestion {
        partners,
        covers,
        missing,
    }
}

/// The keys of `wanted` that lie on a branch with one of `have`.
fn on_a_branch(wanted: &[String], have: &[String]) -> Vec<String> {
    wanted
        .iter()
        .filter(|w| {
            have.iter()
                .any(|h| matches!(relation(w, h), Relation::Covers { .. }))
        })
        .cloned()
        .collect()
}

fn union(a: &[String], b: &[String]) -> Vec<String> {
    let mut all: Vec<String> = a.iter().chain(b).cloned().collect();
    all.sort();
    all.dedup();
    all
}

fn difference(a: &[String], b: &[String]) -> Vec<String> {
    a.iter().filter(|x| !b.contains(x)).cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docs::Reservation;
    use crate::test_support::{codes, profile, tender};

    fn offering(id: u64, cpv: &[&str], nuts: &[&str], capacity: Option<u64>) -> ProfileDoc {
        let mut p = profile(id, "en", "Social enterprise", "Services");
        p.cpv = codes(cpv);
        p.nuts = codes(nuts);
        p.capacity_dkk = capacity;
        p
    }

    fn index(docs: &[ProfileDoc]) -> ProfileIndex {
        let index = ProfileIndex::in_ram().unwrap();
        for doc in docs {
            index.upsert(doc).unwrap();
        }
        index.commit_with_payload(None).unwrap();
        index
    }

    fn ids(s: &ConsortiumSuggestion) -> Vec<u64> {
        s.partners.iter().map(|p| p.profile.id).collect()
    }

    /// Canteen (55520000), cleaning (90910000) and gardening (77310000) in
    /// Aarhus, worth 3 million.
    fn broad_tender() -> TenderDoc {
        let mut t = tender(100, "en", "Canteen, cleaning and green areas", "Work");
        t.cpv = codes(&["55520000", "90910000", "77310000"]);
        t.nuts = codes(&["DK042"]);
        t.value_dkk = Some(3_000_000);
        t
    }

    #[test]
    fn partners_are_suggested_for_what_the_lead_lacks() {
        let lead = offering(1, &["55520000"], &["DK04"], Some(1_000_000));
        let cleaner = offering(2, &["90911000"], &["DK042"], Some(1_500_000));
        let gardener = offering(3, &["77300000"], &["DK"], Some(800_000));
        let both = offering(4, &["90910000", "77310000"], &["DK04"], Some(2_500_000));
        let elsewhere = offering(5, &["90910000"], &["DK011"], Some(9_000_000));
        let index = index(&[lead.clone(), cleaner, gardener, both, elsewhere]);

        let found = index.suggest_partners(&broad_tender(), &lead, 5).unwrap();
        assert_eq!(found.lead_covers.cpv, ["5552"]);
        assert_eq!(found.lead_missing.cpv, ["7731", "9091"]);
        assert_eq!(found.lead_missing.capacity_dkk, Some(2_000_000));

        let best = &found.suggestions[0];
        assert_eq!(ids(best), [4], "one partner covers both and the value");
        assert!(best.missing.is_nothing(), "{:?}", best.missing);
        assert_eq!(best.partners[0].brings.cpv, ["7731", "9091"]);
        assert_eq!(best.partners[0].brings.capacity_dkk, Some(2_500_000));
        assert_eq!(best.covers.capacity_dkk, 3_500_000);

        let pair = found
            .suggestions
            .iter()
            .find(|s| ids(s).contains(&2) && ids(s).contains(&3))
            .expect("the cleaner and the gardener together");
        assert!(pair.missing.is_nothing(), "{:?}", pair.missing);
        for s in &found.suggestions {
            assert!(
                !ids(s).contains(&5),
                "a profile serving another region is never suggested"
            );
            assert!(!ids(s).contains(&1), "the lead is never its own partner");
        }
        assert!(
            found
                .suggestions
                .windows(2)
                .all(|w| { w[0].missing.cpv.len() <= w[1].missing.cpv.len() })
        );
    }

    #[test]
    fn a_lead_that_covers_everything_gets_no_suggestions() {
        let lead = offering(
            1,
            &["55000000", "90000000", "77000000"],
            &["DK"],
            Some(5_000_000),
        );
        let other = offering(2, &["90910000"], &["DK042"], None);
        let index = index(&[lead.clone(), other]);
        let found = index.suggest_partners(&broad_tender(), &lead, 5).unwrap();
        assert!(found.lead_missing.is_nothing());
        assert!(found.suggestions.is_empty());
    }

    #[test]
    fn only_capacity_missing_brings_partners_with_capacity() {
        let lead = offering(
            1,
            &["55000000", "90000000", "77000000"],
            &["DK"],
            Some(1_000_000),
        );
        let big = offering(2, &["90910000"], &["DK042"], Some(2_000_000));
        let unstated = offering(3, &["90910000"], &["DK042"], None);
        let index = index(&[lead.clone(), big, unstated]);
        let found = index.suggest_partners(&broad_tender(), &lead, 5).unwrap();
        assert_eq!(found.lead_missing.capacity_dkk, Some(2_000_000));
        assert_eq!(found.suggestions.len(), 1, "{:?}", found.suggestions);
        assert_eq!(ids(&found.suggestions[0]), [2]);
        assert!(found.suggestions[0].missing.is_nothing());
    }

    #[test]
    fn a_reserved_tender_suggests_only_eligible_partners() {
        let mut tender = broad_tender();
        tender.reserved = vec![Reservation::ShelteredWorkshops];
        let mut lead = offering(1, &["55520000"], &["DK04"], None);
        lead.eligible = vec![Reservation::ShelteredWorkshops];
        let not_eligible = offering(2, &["90910000", "77310000"], &["DK04"], None);
        let mut eligible = offering(3, &["90910000"], &["DK04"], None);
        eligible.eligible = vec![Reservation::ShelteredWorkshops];
        let index = index(&[lead.clone(), not_eligible, eligible]);
        let found = index.suggest_partners(&tender, &lead, 5).unwrap();
        assert_eq!(found.suggestions.len(), 1);
        assert_eq!(ids(&found.suggestions[0]), [3]);
        assert_eq!(found.suggestions[0].missing.cpv, ["7731"]);
    }
}
