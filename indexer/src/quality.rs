//! Matching quality measured on a judged set (`judged/judged.json`):
//! tenders, profiles and the graded relevance (0 to 3) of each pair,
//! decided by the rules of the domain (see `judged/generate.py`).

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::docs::{ProfileDoc, TenderDoc};
use crate::index::{IndexError, ProfileIndex};
use crate::matching::MAX_MATCHES;

/// The depth both measures look at: a first page of matches.
pub const DEPTH: usize = 10;
/// The grade from which a profile counts as relevant for recall.
pub const RELEVANT: u8 = 2;

#[derive(Debug, Deserialize)]
pub struct JudgedSet {
    pub tenders: Vec<TenderDoc>,
    pub profiles: Vec<ProfileDoc>,
    pub judgements: Vec<Judgement>,
}

#[derive(Debug, Deserialize)]
pub struct Judgement {
    pub tender: u64,
    pub profile: u64,
    pub grade: u8,
}

#[derive(Debug, Serialize)]
pub struct Quality {
    /// Mean nDCG@10 over the tenders with any relevant profile.
    pub ndcg_at_10: f64,
    /// Mean share of the relevant profiles (grade 2 or more) in the first
    /// 10, out of as many as fit in 10.
    pub recall_at_10: f64,
    /// Profiles matched to a reserved tender they are not eligible for, in
    /// the full lists: must be 0.
    pub ineligible_matches: usize,
    pub tenders: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum JudgedSetError {
    #[error("reading the judged set: {0}")]
    Read(#[from] std::io::Error),
    #[error("the judged set is not valid: {0}")]
    Parse(#[from] serde_json::Error),
    #[error(transparent)]
    Index(#[from] IndexError),
}

impl JudgedSet {
    pub fn load(path: &Path) -> Result<JudgedSet, JudgedSetError> {
        Ok(serde_json::from_str(&std::fs::read_to_string(path)?)?)
    }

    /// Indexes the profiles in memory and matches every tender.
    pub fn measure(&self) -> Result<Quality, JudgedSetError> {
        let index = ProfileIndex::in_ram()?;
        for profile in &self.profiles {
            index.upsert(profile)?;
        }
        index.commit_with_payload(None)?;
        let profiles: HashMap<u64, &ProfileDoc> = self.profiles.iter().map(|p| (p.id, p)).collect();
        let mut grades: HashMap<u64, HashMap<u64, u8>> = HashMap::new();
        for j in &self.judgements {
            grades
                .entry(j.tender)
                .or_default()
                .insert(j.profile, j.grade);
        }
        let (mut ndcg_sum, mut recall_sum, mut measured, mut ineligible) = (0.0, 0.0, 0, 0);
        for tender in &self.tenders {
            let matches = index.match_profiles_for_tender(tender, MAX_MATCHES)?;
            ineligible += matches
                .iter()
                .filter(|m| !profiles[&m.profile.id].is_eligible_for_any(&tender.reserved))
                .count();
            let judged = grades.remove(&tender.id).unwrap_or_default();
            let ranked: Vec<u8> = matches
                .iter()
                .take(DEPTH)
                .map(|m| judged.get(&m.profile.id).copied().unwrap_or(0))
                .collect();
            let mut ideal: Vec<u8> = judged.values().copied().collect();
            ideal.sort_unstable_by(|a, b| b.cmp(a));
            let best = dcg(&ideal);
            if best == 0.0 {
                continue;
            }
            measured += 1;
            ndcg_sum += dcg(&ranked) / best;
            let relevant = ideal.iter().filter(|g| **g >= RELEVANT).count();
            if relevant > 0 {
                let found = ranked.iter().filter(|g| **g >= RELEVANT).count();
                recall_sum += found as f64 / relevant.min(DEPTH) as f64;
            }
        }
        let mean = |sum: f64| {
            if measured == 0 {
                0.0
            } else {
                sum / measured as f64
            }
        };
        Ok(Quality {
            ndcg_at_10: mean(ndcg_sum),
            recall_at_10: mean(recall_sum),
            ineligible_matches: ineligible,
            tenders: measured,
        })
    }
}

/// Discounted cumulative gain of the first [`DEPTH`] grades.
fn dcg(grades: &[u8]) -> f64 {
    grades
        .iter()
        .take(DEPTH)
        .enumerate()
        .map(|(i, g)| (2f64.powi(i32::from(*g)) - 1.0) / (i as f64 + 2.0).log2())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dcg_rewards_the_best_grades_first() {
        assert!(dcg(&[3, 2, 0]) > dcg(&[2, 3, 0]));
        assert_eq!(dcg(&[0, 0]), 0.0);
        assert!((dcg(&[1]) - 1.0).abs() < 1e-9);
    }
}
