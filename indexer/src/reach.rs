//! Reach estimates for officers while drafting: how many profiles fit the
//! choices so far, and what each single change would do to that number.

use serde::Serialize;
use tantivy::collector::Count;
use tantivy::query::{AllQuery, BooleanQuery, ExistsQuery, Occur};

use crate::docs::Reservation;
use crate::index::{IndexError, ProfileIndex};
use crate::query::{self, Q};
use crate::schema::{NONE, cpv_keys, nuts_keys};
use crate::tree::levels;

/// What an officer has chosen so far; an empty list is no choice yet.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DraftCriteria {
    pub cpv: Vec<String>,
    pub nuts: Vec<String>,
    pub reserved: Vec<Reservation>,
    /// The estimated value (or the largest lot's) in DKK.
    pub value_dkk: Option<u64>,
}

/// One change to the draft, as the page words it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum DraftChange {
    /// Reserve under this article as well ("reserving under Article 20
    /// leaves 4 of 37").
    Reserve { reservation: Reservation },
    /// No longer reserve under this article.
    Unreserve { reservation: Reservation },
    /// Leave out this region ("without DK01: +12").
    DropRegion { code: String },
    /// The region one level up instead of this one.
    BroadenRegion { from: String, to: String },
    /// Leave out this CPV code (only while others remain).
    DropCpv { code: String },
    /// The CPV level one up instead of this code.
    BroadenCpv { from: String, to: String },
    /// Lots of half the value ("lots under 1 million DKK would add 12").
    SplitValue { to: u64 },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReachChange {
    #[serde(flatten)]
    pub change: DraftChange,
    /// Profiles that would fit after this change.
    pub fitting: u64,
    /// `fitting` minus the fitting profiles now.
    pub delta: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reach {
    pub fitting: u64,
    /// Every profile in the index.
    pub total: u64,
    /// Every single change that moves the number, the largest move first.
    pub changes: Vec<ReachChange>,
}

impl Reach {
    /// The change that moves the number most.
    pub fn strongest(&self) -> Option<&ReachChange> {
        self.changes.first()
    }
}

impl ProfileIndex {
    pub fn reach(&self, draft: &DraftCriteria) -> Result<Reach, IndexError> {
        let searcher = self.searcher();
        let count = |d: &DraftCriteria| -> Result<u64, IndexError> {
            Ok(searcher.search(&self.fitting(d), &Count)? as u64)
        };
        let fitting = count(draft)?;
        let mut changes = Vec::new();
        for (change, changed) in alternatives(draft) {
            let after = count(&changed)?;
            if after != fitting {
                changes.push(ReachChange {
                    change,
                    fitting: after,
                    delta: after as i64 - fitting as i64,
                });
            }
        }
        changes.sort_by_key(|c| std::cmp::Reverse(c.delta.unsigned_abs()));
        Ok(Reach {
            fitting,
            total: searcher.num_docs(),
            changes,
        })
    }

    /// The profiles that fit a draft: a CPV code on the branch of one of
    /// the draft's, serving one of its regions (or not saying), eligible
    /// for one of its reservations, and able to take its value (or not
    /// saying).
    fn fitting(&self, draft: &DraftCriteria) -> BooleanQuery {
        let f = &self.fields;
        let mut clauses: Vec<(Occur, Q)> = vec![(Occur::Must, Box::new(AllQuery))];
        let cpv = cpv_keys(&draft.cpv);
        if !cpv.is_empty() {
            let parts = cpv.iter().map(|k| query::along(f.cpv, k)).collect();
            clauses.push((Occur::Must, query::any_of(parts)));
        }
        let nuts = nuts_keys(&draft.nuts);
        if !nuts.is_empty() {
            let mut parts: Vec<Q> = nuts.iter().map(|k| query::along(f.nuts, k)).collect();
            parts.push(query::term(f.nuts.exact, NONE));
            clauses.push((Occur::Must, query::any_of(parts)));
        }
        if !draft.reserved.is_empty() {
            let parts = draft
                .reserved
                .iter()
                .map(|r| query::flat_facet(f.eligible, r.code()))
                .collect();
            clauses.push((Occur::Must, query::any_of(parts)));
        }
        if let Some(value) = draft.value_dkk {
            let unstated: Q = Box::new(BooleanQuery::new(vec![
                (Occur::Must, Box::new(AllQuery)),
                (
                    Occur::MustNot,
                    Box::new(ExistsQuery::new("capacity_dkk".into(), false)),
                ),
            ]));
            let fits = query::u64_range(f.capacity, Some(value), None);
            clauses.push((Occur::Must, query::any_of(vec![fits, unstated])));
        }
        BooleanQuery::new(clauses)
    }
}

/// Every single change worth weighing, with the draft it leads to.
fn alternatives(draft: &DraftCriteria) -> Vec<(DraftChange, DraftCriteria)> {
    let mut out = Vec::new();
    for reservation in Reservation::ALL {
        let mut changed = draft.clone();
        if draft.reserved.contains(&reservation) {
            changed.reserved.retain(|r| *r != reservation);
            out.push((DraftChange::Unreserve { reservation }, changed));
        } else {
            changed.reserved.push(reservation);
            out.push((DraftChange::Reserve { reservation }, changed));
        }
    }
    for code in nuts_keys(&draft.nuts) {
        let mut dropped = draft.clone();
        dropped.nuts = nuts_keys(&draft.nuts)
            .into_iter()
            .filter(|c| *c != code)
            .collect();
        out.push((DraftChange::DropRegion { code: code.clone() }, dropped));
        if let Some(parent) = parent(&code) {
            let mut broader = draft.clone();
            broader.nuts = replaced(&nuts_keys(&draft.nuts), &code, &parent);
            out.push((
                DraftChange::BroadenRegion {
                    from: code,
                    to: parent,
                },
                broader,
            ));
        }
    }
    let cpv = cpv_keys(&draft.cpv);
    for code in &cpv {
        if cpv.len() > 1 {
            let mut dropped = draft.clone();
            dropped.cpv = cpv.iter().filter(|c| *c != code).cloned().collect();
            out.push((DraftChange::DropCpv { code: code.clone() }, dropped));
        }
        if let Some(parent) = parent(code) {
            let mut broader = draft.clone();
            broader.cpv = replaced(&cpv, code, &parent);
            out.push((
                DraftChange::BroadenCpv {
                    from: code.clone(),
                    to: parent,
                },
                broader,
            ));
        }
    }
    if let Some(value) = draft.value_dkk.filter(|v| *v > 1) {
        let to = value / 2;
        let split = DraftCriteria {
            value_dkk: Some(to),
            ..draft.clone()
        };
        out.push((DraftChange::SplitValue { to }, split));
    }
    out
}

/// The key one level up (`8531` → `853`, `DK011` → `DK01`); none above a
/// division or a country.
fn parent(key: &str) -> Option<String> {
    let levels = levels(key);
    (levels.len() > 1).then(|| levels[levels.len() - 2].to_owned())
}

fn replaced(keys: &[String], from: &str, to: &str) -> Vec<String> {
    keys.iter()
        .map(|k| if k == from { to.to_owned() } else { k.clone() })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::*;

    fn enterprise(
        id: u64,
        cpv: &str,
        nuts: &str,
        eligible: &[Reservation],
        capacity: Option<u64>,
    ) -> crate::ProfileDoc {
        let mut p = profile(id, "da", "", "");
        p.cpv = codes(&[cpv]);
        p.nuts = codes(&[nuts]);
        p.eligible = eligible.to_vec();
        p.capacity_dkk = capacity;
        p
    }

    #[test]
    fn counts_the_fitting_profiles_and_the_change_that_moves_them_most() {
        let index = ProfileIndex::in_ram().unwrap();
        let ws = [Reservation::ShelteredWorkshops];
        let docs = [
            enterprise(1, "85311000", "DK011", &ws, None),
            enterprise(2, "85300000", "DK01", &[], Some(5_000_000)),
            enterprise(3, "85000000", "DK", &[], Some(500_000)),
            enterprise(4, "85311000", "DK012", &[], None),
            enterprise(5, "85311000", "DK04", &[], None),
            enterprise(6, "90910000", "DK011", &ws, None),
            enterprise(7, "85312000", "DK011", &[], None),
        ];
        for doc in &docs {
            index.upsert(doc).unwrap();
        }
        index.commit_with_payload(None).unwrap();

        let draft = DraftCriteria {
            cpv: codes(&["85311000"]),
            nuts: codes(&["DK011"]),
            reserved: vec![],
            value_dkk: Some(1_000_000),
        };
        let reach = index.reach(&draft).unwrap();
        assert_eq!((reach.fitting, reach.total), (2, 7), "profiles 1 and 2");
        let change = |c: DraftChange| {
            reach
                .changes
                .iter()
                .find(|r| r.change == c)
                .map(|r| r.fitting)
        };
        assert_eq!(
            change(DraftChange::Reserve {
                reservation: Reservation::ShelteredWorkshops
            }),
            Some(1)
        );
        assert_eq!(
            change(DraftChange::DropRegion {
                code: "DK011".into()
            }),
            Some(4),
            "adds 4 and 5"
        );
        assert_eq!(
            change(DraftChange::SplitValue { to: 500_000 }),
            Some(3),
            "adds 3"
        );
        assert_eq!(
            change(DraftChange::BroadenCpv {
                from: "85311".into(),
                to: "8531".into()
            }),
            Some(3),
            "adds 7, a neighbour code in DK011"
        );
        assert_eq!(
            change(DraftChange::BroadenRegion {
                from: "DK011".into(),
                to: "DK01".into()
            }),
            Some(3),
            "adds 4, in DK012"
        );
        assert_eq!(
            change(DraftChange::Reserve {
                reservation: Reservation::PublicServiceMission
            }),
            Some(0)
        );
        assert_eq!(reach.strongest().unwrap().delta.unsigned_abs(), 2);
        let moves: Vec<u64> = reach
            .changes
            .iter()
            .map(|c| c.delta.unsigned_abs())
            .collect();
        assert!(moves.windows(2).all(|w| w[0] >= w[1]), "{moves:?}");

        let reserved = DraftCriteria {
            reserved: vec![
                Reservation::ShelteredWorkshops,
                Reservation::PublicServiceMission,
            ],
            ..draft
        };
        assert_eq!(
            index.reach(&reserved).unwrap().fitting,
            1,
            "only the eligible one counts"
        );
    }
}
