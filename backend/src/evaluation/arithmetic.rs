//! The weighted total and ranking of a lot's bids, as the tender states
//! them: price and cost by lowest price ÷ price × weight; quality and
//! social value scored on the scale 0–10, score ÷ 10 × weight. Equal
//! totals share a rank (1, 1, 3), as they would on paper.

use std::collections::BTreeMap;

use crate::db::ids::BidId;
use crate::tenders::model::{Criterion, CriterionKind};
use crate::tenders::money::Amount;

/// The top of the scale quality and social-value criteria are scored on.
pub const SCALE_MAX: i32 = 10;

/// Totals closer than this are equal: they come from the same few
/// divisions, so a real difference is far larger.
const TIE: f64 = 1e-9;

/// One bid as evaluated: its price and the officer's scores by criterion.
#[derive(Debug, Clone)]
pub struct BidScores {
    pub bid_id: BidId,
    pub price: Option<Amount>,
    /// Criterion index → score on the scale.
    pub scores: BTreeMap<usize, i32>,
}

/// One bid's points per criterion (`None` while unscored), total once
/// every criterion has points, and rank once every bid of the lot has a
/// total.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluated {
    pub bid_id: BidId,
    pub points: Vec<Option<f64>>,
    pub total: Option<f64>,
    pub rank: Option<usize>,
}

/// Whether a criterion is scored by the formula (price, cost) rather than
/// by the officer.
pub fn by_formula(kind: CriterionKind) -> bool {
    matches!(kind, CriterionKind::Price | CriterionKind::Cost)
}

pub fn evaluate(criteria: &[Criterion], bids: &[BidScores]) -> Vec<Evaluated> {
    let lowest = bids
        .iter()
        .filter_map(|b| b.price)
        .filter(|p| p.hundredths() > 0)
        .min();
    let mut evaluated: Vec<Evaluated> = bids
        .iter()
        .map(|bid| {
            let points: Vec<Option<f64>> = criteria
                .iter()
                .enumerate()
                .map(|(index, criterion)| {
                    let weight = f64::from(criterion.weight);
                    if by_formula(criterion.kind) {
                        match (lowest, bid.price) {
                            (Some(lowest), Some(price)) if price.hundredths() > 0 => Some(
                                lowest.hundredths() as f64 / price.hundredths() as f64 * weight,
                            ),
                            _ => None,
                        }
                    } else {
                        bid.scores
                            .get(&index)
                            .map(|&s| f64::from(s) / f64::from(SCALE_MAX) * weight)
                    }
                })
                .collect();
            let total = points.iter().copied().sum::<Option<f64>>();
            Evaluated {
                bid_id: bid.bid_id,
                points,
                total,
                rank: None,
            }
        })
        .collect();
    let totals: Option<Vec<f64>> = evaluated.iter().map(|e| e.total).collect();
    if let Some(totals) = totals {
        for (i, e) in evaluated.iter_mut().enumerate() {
            let better = totals.iter().filter(|&&t| t > totals[i] + TIE).count();
            e.rank = Some(better + 1);
        }
    }
    evaluated
}

#[cfg(test)]
mod tests {
    use super::*;

    fn criteria() -> Vec<Criterion> {
        let c = |kind, weight| Criterion {
            name: String::new(),
            kind,
            weight,
            social_objectives: Vec::new(),
            description: String::new(),
        };
        vec![
            c(CriterionKind::Price, 60),
            c(CriterionKind::Quality, 20),
            c(CriterionKind::Social, 20),
        ]
    }

    fn bid(bid_id: i64, kroner: i64, quality: i32, social: i32) -> BidScores {
        BidScores {
            bid_id: BidId(bid_id),
            price: Some(Amount(kroner * 100)),
            scores: BTreeMap::from([(1, quality), (2, social)]),
        }
    }

    /// By hand: A 1,000,000 kr. (lowest) 60 + 8/10×20 + 6/10×20 = 88;
    /// B 1,200,000 kr. 1.0/1.2×60 = 50, + 20 + 20 = 90; C 1,250,000 kr.
    /// 48 + 20 + 20 = 88, equal to A.
    #[test]
    fn weighs_and_ranks_as_worked_by_hand_with_a_tie() {
        let result = evaluate(
            &criteria(),
            &[
                bid(1, 1_000_000, 8, 6),
                bid(2, 1_200_000, 10, 10),
                bid(3, 1_250_000, 10, 10),
            ],
        );
        let totals: Vec<f64> = result.iter().map(|e| e.total.unwrap()).collect();
        for (got, want) in totals.iter().zip([88.0, 90.0, 88.0]) {
            assert!((got - want).abs() < 1e-9, "{got} ≠ {want}");
        }
        let ranks: Vec<usize> = result.iter().map(|e| e.rank.unwrap()).collect();
        assert_eq!(ranks, [2, 1, 2]);
        assert_eq!(result[1].points[0], Some(50.0));
    }

    #[test]
    fn no_rank_until_every_bid_is_scored() {
        let mut unscored = bid(2, 900_000, 5, 5);
        unscored.scores.remove(&2);
        let result = evaluate(&criteria(), &[bid(1, 1_000_000, 8, 6), unscored]);
        assert_eq!(result[1].total, None);
        assert_eq!(result[0].rank, None);
        // The lowest price gets the full weight even before scoring ends.
        assert_eq!(result[1].points[0], Some(60.0));
        assert!((result[0].points[0].unwrap() - 54.0).abs() < 1e-9);
    }
}
