//! The weights of matching and how each part of a match scores. Search
//! (the tantivy queries in `matching`) and explanation (the reasons) both
//! read them from here, so a reason's contribution is exactly what the
//! ranking counted.

use serde::Serialize;

use crate::docs::{ProfileDoc, Reservation, TenderDoc};
use crate::schema::{cpv_keys, nuts_keys};
use crate::tree::{Relation, relation};

/// The most each part can add to a match's score; together 1.
pub const CPV_WEIGHT: f32 = 0.40;
pub const TEXT_WEIGHT: f32 = 0.25;
pub const REGION_WEIGHT: f32 = 0.15;
pub const OBJECTIVE_WEIGHT: f32 = 0.12;
pub const CAPACITY_WEIGHT: f32 = 0.08;

/// A shared CPV level: a division says little, a class or deeper says much.
pub(crate) fn cpv_level_factor(shared: usize) -> f32 {
    match shared {
        0 | 1 => 0.0,
        2 => 0.35,
        3 => 0.6,
        4 => 0.8,
        _ => 1.0,
    }
}

/// Codes on neither's branch (`8531` and `8532`) count half their shared
/// level: neighbouring work, not the same work.
pub(crate) const SIBLING_FACTOR: f32 = 0.5;

/// Neighbours count from the group level (3 digits) down: a division alone
/// (`45`, all of construction) says nothing about the work, and would make
/// every code in it a candidate.
pub(crate) const NEIGHBOUR_FROM: usize = 3;

/// A shared region: the country says little, a NUTS-3 area much.
pub(crate) fn region_level_factor(shared: usize) -> f32 {
    match shared {
        0 | 1 => 0.0,
        2 => 0.5,
        3 => 0.6,
        4 => 0.8,
        _ => 1.0,
    }
}

pub(crate) fn cpv_score(relation: Relation) -> f32 {
    match relation {
        Relation::Covers { shared } => CPV_WEIGHT * cpv_level_factor(shared),
        Relation::Siblings { shared } if shared >= NEIGHBOUR_FROM => {
            CPV_WEIGHT * cpv_level_factor(shared) * SIBLING_FACTOR
        }
        Relation::Siblings { .. } => 0.0,
        Relation::Unrelated => 0.0,
    }
}

pub(crate) fn region_score(relation: Relation) -> f32 {
    match relation {
        Relation::Covers { shared } => REGION_WEIGHT * region_level_factor(shared),
        _ => 0.0,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonKind {
    /// CPV codes on the same branch (or neighbouring ones).
    Cpv,
    /// The profile serves the place of performance.
    Region,
    /// Social objectives both name.
    Objectives,
    /// The profile's capacity covers the tender's estimated value.
    Capacity,
    /// Words the tender's text and the profile's mission and capabilities
    /// share.
    Text,
    /// The tender is reserved and the profile qualifies (a condition, not
    /// a weight: contribution 0).
    Reserved,
}

/// Why a tender and a profile match: the codes or values on each side and
/// what this reason added to the score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    pub kind: ReasonKind,
    pub tender: Vec<String>,
    pub profile: Vec<String>,
    /// For CPV and regions: the number of characters both codes share
    /// along the tree (`853` and `85311000` share 3).
    pub shared_level: Option<usize>,
    pub contribution: f32,
}

/// Which side asked: objectives count as a share of the asking side's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Asking {
    Tender,
    Profile,
}

/// The reasons that do not depend on the index (everything but text), in
/// the order pages show them.
pub(crate) fn structured_reasons(
    tender: &TenderDoc,
    profile: &ProfileDoc,
    asking: Asking,
) -> Vec<Reason> {
    let mut reasons = Vec::new();
    if let Some(reason) = best_pair(
        &cpv_keys(&tender.cpv),
        &cpv_keys(&profile.cpv),
        ReasonKind::Cpv,
        cpv_score,
        |key| format!("{key:0<8}"),
    ) {
        reasons.push(reason);
    }
    if let Some(reason) = best_pair(
        &nuts_keys(&tender.nuts),
        &nuts_keys(&profile.nuts),
        ReasonKind::Region,
        region_score,
        str::to_owned,
    ) {
        reasons.push(reason);
    }
    let tender_objectives = dedup(&tender.objectives);
    let profile_objectives = dedup(&profile.objectives);
    let shared: Vec<String> = tender_objectives
        .iter()
        .filter(|o| profile_objectives.contains(o))
        .cloned()
        .collect();
    if !shared.is_empty() {
        let asked = match asking {
            Asking::Tender => tender_objectives.len(),
            Asking::Profile => profile_objectives.len(),
        };
        reasons.push(Reason {
            kind: ReasonKind::Objectives,
            tender: shared.clone(),
            profile: shared.clone(),
            shared_level: None,
            contribution: OBJECTIVE_WEIGHT * shared.len() as f32 / asked as f32,
        });
    }
    if let (Some(value), Some(capacity)) = (tender.value_dkk, profile.capacity_dkk)
        && capacity >= value
    {
        reasons.push(Reason {
            kind: ReasonKind::Capacity,
            tender: vec![value.to_string()],
            profile: vec![capacity.to_string()],
            shared_level: None,
            contribution: CAPACITY_WEIGHT,
        });
    }
    let qualifies: Vec<Reservation> = tender
        .reserved
        .iter()
        .copied()
        .filter(|r| profile.eligible.contains(r))
        .collect();
    if !qualifies.is_empty() {
        reasons.push(Reason {
            kind: ReasonKind::Reserved,
            tender: tender
                .reserved
                .iter()
                .map(|r| r.code().to_owned())
                .collect(),
            profile: qualifies.iter().map(|r| r.code().to_owned()).collect(),
            shared_level: None,
            contribution: 0.0,
        });
    }
    reasons
}

pub(crate) fn dedup(codes: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for code in codes {
        if !out.contains(code) {
            out.push(code.clone());
        }
    }
    out
}

/// The best-scoring pair of a tender code and a profile code, shown as
/// `show` writes a key (CPV as 8 digits: `853` → `85300000`).
fn best_pair(
    tender: &[String],
    profile: &[String],
    kind: ReasonKind,
    score: fn(Relation) -> f32,
    show: fn(&str) -> String,
) -> Option<Reason> {
    let mut best: Option<(f32, &String, &String, Relation)> = None;
    for t in tender {
        for p in profile {
            let rel = relation(t, p);
            let s = score(rel);
            if s > 0.0 && best.is_none_or(|(b, ..)| s > b) {
                best = Some((s, t, p, rel));
            }
        }
    }
    best.map(|(contribution, t, p, rel)| Reason {
        kind,
        tender: vec![show(t)],
        profile: vec![show(p)],
        shared_level: match rel {
            Relation::Covers { shared } | Relation::Siblings { shared } => Some(shared),
            Relation::Unrelated => None,
        },
        contribution,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_weights_add_up_to_one() {
        let sum = CPV_WEIGHT + TEXT_WEIGHT + REGION_WEIGHT + OBJECTIVE_WEIGHT + CAPACITY_WEIGHT;
        assert!((sum - 1.0).abs() < 1e-6);
    }

    #[test]
    fn a_deeper_shared_cpv_level_counts_more() {
        let scores: Vec<f32> = ["85", "853", "8531", "85311"]
            .iter()
            .map(|p| cpv_score(relation(p, "85311")))
            .collect();
        assert!(scores.windows(2).all(|w| w[0] < w[1]), "{scores:?}");
        assert!(cpv_score(relation("8532", "85311")) < cpv_score(relation("853", "85311")));
        assert_eq!(cpv_score(relation("90", "85311")), 0.0);
        assert_eq!(
            cpv_score(relation("8411", "85311")),
            0.0,
            "a division alone is no neighbour"
        );
    }
}
