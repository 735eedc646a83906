//! Prints matching quality on the judged set:
//! `cargo run -p socialbid-indexer --example judge`.

use std::path::Path;

use socialbid_indexer::quality::JudgedSet;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("judged/judged.json");
    let set = JudgedSet::load(&path)?;
    let quality = set.measure()?;
    println!(
        "judged set: {} tenders, {} profiles, {} judgements",
        set.tenders.len(),
        set.profiles.len(),
        set.judgements.len()
    );
    println!("tenders measured:   {}", quality.tenders);
    println!("nDCG@10:            {:.4}", quality.ndcg_at_10);
    println!("recall@10:          {:.4}", quality.recall_at_10);
    println!("ineligible matches: {}", quality.ineligible_matches);
    Ok(())
}
