//! Indexes a few tenders and profiles in memory, then prints a search and
//! a match with its reasons: `cargo run -p socialbid-indexer --example demo`.

use socialbid_indexer::{
    ProfileDoc, ProfileIndex, ProfileText, Reservation, TenderDoc, TenderIndex, TenderQuery,
    TenderStatus, TenderText,
};

const NOW: i64 = 1_796_083_200;
const DAY: i64 = 86_400;

fn tender(id: u64, lang: &str, title: &str, description: &str, cpv: &str, nuts: &str) -> TenderDoc {
    TenderDoc {
        id,
        authority_id: 1,
        texts: vec![TenderText {
            lang: lang.into(),
            title: title.into(),
            description: description.into(),
        }],
        cpv: vec![cpv.into()],
        nuts: vec![nuts.into()],
        objectives: vec!["employment".into()],
        reserved: vec![],
        status: TenderStatus::Published,
        deadline: NOW + 30 * DAY,
        published: NOW - id as i64 * DAY,
        value_dkk: Some(1_500_000),
        procedure: "open".into(),
    }
}

fn profile(
    id: u64,
    name: &str,
    lang: &str,
    mission: &str,
    capabilities: &str,
    cpv: &str,
    nuts: &str,
) -> ProfileDoc {
    ProfileDoc {
        id,
        organisation_id: id,
        name: name.into(),
        texts: vec![ProfileText {
            lang: lang.into(),
            mission: mission.into(),
            capabilities: capabilities.into(),
        }],
        cpv: vec![cpv.into()],
        nuts: vec![nuts.into()],
        objectives: vec!["employment".into()],
        eligible: vec![Reservation::ShelteredWorkshops],
        capacity_dkk: Some(2_000_000),
        rsv: true,
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let tenders = TenderIndex::in_ram()?;
    let profiles = ProfileIndex::in_ram()?;
    let kantine = tender(
        1,
        "da",
        "Kantinedrift på kommunens skoler",
        "Drift af kantinerne på skolerne i Københavns Kommune med sunde måltider hver dag.",
        "55520000",
        "DK011",
    );
    let all = [
        kantine.clone(),
        tender(
            2,
            "en",
            "Office cleaning",
            "Daily cleaning of municipal offices.",
            "90910000",
            "DK04",
        ),
        tender(
            3,
            "da",
            "Botilbud",
            "Socialt botilbud for unge.",
            "85311000",
            "DK01",
        ),
    ];
    for t in &all {
        tenders.upsert(t)?;
    }
    tenders.commit_with_payload(Some(3))?;
    for p in [
        profile(
            1,
            "Madværket",
            "da",
            "Vi skaber job til ledige",
            "Kantiner, catering og måltider til skoler",
            "55500000",
            "DK01",
        ),
        profile(
            2,
            "CleanStart",
            "en",
            "Jobs for refugees",
            "Cleaning of offices and schools",
            "90900000",
            "DK",
        ),
        profile(
            3,
            "Havefolk",
            "da",
            "Grønne job",
            "Pleje af parker",
            "77310000",
            "DK011",
        ),
    ] {
        profiles.upsert(&p)?;
    }
    profiles.commit_with_payload(Some(3))?;

    let results = tenders.search(&TenderQuery {
        words: "skole".into(),
        now: NOW,
        limit: 10,
        ..Default::default()
    })?;
    println!("Search \"skole\": {} hit(s)", results.total);
    // The index keeps no texts: a caller shows its hits from its own
    // records (here, the tenders above), snippets included.
    let found: Vec<&TenderDoc> = results
        .hits
        .iter()
        .filter_map(|hit| all.iter().find(|t| t.id == hit.id))
        .collect();
    let texts: Vec<&[TenderText]> = found.iter().map(|t| t.texts.as_slice()).collect();
    let snippets = tenders.snippets("skole", &texts)?;
    for (tender, snippet) in found.iter().zip(snippets) {
        let snippet = snippet.map(|s| {
            let mut text = s.text.clone();
            for range in s.highlights.iter().rev() {
                text.insert(range.end, ']');
                text.insert(range.start, '[');
            }
            text
        });
        println!(
            "  #{} {}: {}",
            tender.id,
            tender.texts[0].title,
            snippet.unwrap_or_default()
        );
    }
    println!("  CPV divisions: {:?}", results.facets.cpv_divisions);

    println!("\nWho could bid on \"{}\":", kantine.texts[0].title);
    for m in profiles.match_profiles_for_tender(&kantine, 5)? {
        println!("  {} (score {:.2})", m.profile.name, m.score);
        for r in &m.reasons {
            println!(
                "    {:<10} tender {:?} / profile {:?}: +{:.2}",
                format!("{:?}", r.kind),
                r.tender,
                r.profile,
                r.contribution
            );
        }
    }
    Ok(())
}
