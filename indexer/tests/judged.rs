//! Matching quality on the judged set may not fall: nDCG@10 stays above
//! the floor reached when it was written (minus 0.02), and no profile is
//! ever matched to a reserved tender it is not eligible for.

use std::path::Path;

use socialbid_indexer::quality::JudgedSet;

/// nDCG@10 reached on the judged set, minus 0.02.
const NDCG_FLOOR: f64 = 0.8737 - 0.02;

#[test]
fn matching_quality_holds_on_the_judged_set() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("judged/judged.json");
    let set = JudgedSet::load(&path).unwrap();
    assert!(set.tenders.len() >= 30 && set.profiles.len() >= 150);
    let quality = set.measure().unwrap();
    assert_eq!(quality.ineligible_matches, 0, "{quality:?}");
    assert!(quality.ndcg_at_10 >= NDCG_FLOOR, "{quality:?}");
}
