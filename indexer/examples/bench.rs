//! Speed, measured on seeded synthetic data: matching one tender against
//! 100,000 profiles (top 50), searching 1,000,000 tenders with one to three
//! words plus filters (top 10, with facets and total), and building the
//! 1,000,000-tender index on disk (time and size).
//!
//! `cargo run --release -p socialbid-indexer --example bench`; smaller runs
//! with `BENCH_TENDERS=20000 BENCH_PROFILES=5000`.

use std::time::{Duration, Instant};

use socialbid_codes::{cpv, nuts};
use socialbid_indexer::{
    ProfileDoc, ProfileIndex, ProfileText, Reservation, TenderDoc, TenderIndex, TenderQuery,
    TenderStatus, TenderText,
};

const NOW: i64 = 1_796_083_200;
const DAY: i64 = 86_400;
const QUERIES: usize = 1_000;

const DANISH: &[&str] = &[
    "rengøring",
    "kontorer",
    "skoler",
    "kantine",
    "frokost",
    "måltider",
    "levering",
    "brød",
    "vask",
    "linned",
    "arbejdstøj",
    "parker",
    "græsslåning",
    "hække",
    "botilbud",
    "unge",
    "ældre",
    "hjemmepleje",
    "praktisk",
    "hjælp",
    "børn",
    "vuggestue",
    "dagtilbud",
    "trykning",
    "foldere",
    "plakater",
    "flytning",
    "møbler",
    "transport",
    "computere",
    "reparation",
    "genbrug",
    "jobtræning",
    "ledige",
    "opkvalificering",
    "kommunens",
    "borgere",
    "daglig",
    "drift",
    "service",
    "pleje",
    "bygninger",
    "rådhuset",
    "personale",
    "kurser",
    "sikker",
    "bæredygtig",
    "økologiske",
    "råvarer",
    "kørsel",
    "affald",
    "sortering",
    "istandsættelse",
    "maling",
    "vedligeholdelse",
    "inventar",
    "tøj",
    "syning",
    "cykler",
    "værksted",
    "catering",
    "arrangementer",
    "kultur",
    "bibliotek",
    "museum",
    "rådgivning",
    "vejledning",
    "socialt",
    "handicap",
    "beskæftigelse",
    "integration",
    "flygtninge",
    "misbrug",
    "psykiatri",
    "bolig",
    "natpleje",
    "madservice",
    "indkøb",
    "leverandør",
    "kvalitet",
    "miljø",
    "grønne",
    "områder",
];

const ENGLISH: &[&str] = &[
    "cleaning",
    "offices",
    "schools",
    "canteen",
    "lunch",
    "meals",
    "delivery",
    "bread",
    "laundry",
    "linen",
    "workwear",
    "parks",
    "mowing",
    "hedges",
    "housing",
    "young",
    "elderly",
    "care",
    "practical",
    "help",
    "children",
    "nursery",
    "daycare",
    "printing",
    "leaflets",
    "posters",
    "moving",
    "furniture",
    "transport",
    "computers",
    "repair",
    "reuse",
    "training",
    "unemployed",
    "upskilling",
    "municipal",
    "citizens",
    "daily",
    "operation",
    "service",
    "buildings",
    "staff",
    "courses",
    "secure",
    "sustainable",
    "organic",
    "ingredients",
    "driving",
    "waste",
    "sorting",
    "renovation",
    "painting",
    "maintenance",
    "furnishing",
    "clothing",
    "sewing",
    "bicycles",
    "workshop",
    "catering",
    "events",
    "culture",
    "library",
    "museum",
    "counselling",
    "guidance",
    "social",
    "disability",
    "employment",
    "integration",
    "refugees",
    "addiction",
    "psychiatry",
    "homes",
    "night",
    "food",
    "purchasing",
    "supplier",
    "quality",
    "environment",
    "green",
    "areas",
];

/// SplitMix64: small, seeded, and the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, p: f64) -> bool {
        (self.next() as f64 / u64::MAX as f64) < p
    }

    /// A Zipf-like pick: low indexes far more often than high ones.
    fn skewed(&mut self, n: usize) -> usize {
        let u = self.next() as f64 / u64::MAX as f64;
        ((n as f64).powf(u) as usize).saturating_sub(1).min(n - 1)
    }
}

struct World {
    rng: Rng,
    /// Every word of the CPV labels (English, and Danish where known), in
    /// a seeded order: the vocabulary of procurement.
    english: Vec<String>,
    danish: Vec<String>,
    /// CPV codes, the popular ones first (a seeded shuffle of the
    /// vocabulary with the social services up front).
    cpv: Vec<&'static str>,
    regions: Vec<String>,
}

impl World {
    fn new(seed: u64) -> World {
        let mut rng = Rng(seed);
        let mut cpv: Vec<&'static str> = cpv::all().iter().map(|c| c.code.as_str()).collect();
        for i in (1..cpv.len()).rev() {
            cpv.swap(i, rng.below(i + 1));
        }
        cpv.sort_by_key(|c| !cpv::is_social_service(c));
        let mut regions: Vec<String> = nuts::danish_regions()
            .iter()
            .filter(|r| r.level() >= 2)
            .map(|r| r.code.clone())
            .collect();
        regions.extend(["DEF", "DEF0C", "SE22", "DE300"].map(String::from));
        let mut english = vocabulary(ENGLISH, cpv::all().iter().map(|c| c.label_en.as_str()));
        let mut danish = vocabulary(
            DANISH,
            cpv::all().iter().filter_map(|c| c.label_da.as_deref()),
        );
        for list in [&mut english, &mut danish] {
            for i in (1..list.len()).rev() {
                list.swap(i, rng.below(i + 1));
            }
        }
        World {
            rng,
            english,
            danish,
            cpv,
            regions,
        }
    }

    /// `n` words: about half from the labels of `codes` (what the notice is
    /// about), the rest from the whole vocabulary, common words most often.
    fn words(&mut self, n: usize, danish: bool, codes: &[String]) -> String {
        let topical: Vec<String> = codes
            .iter()
            .filter_map(|c| cpv::find(c))
            .flat_map(|c| {
                let label = if danish {
                    c.label_da.clone().unwrap_or_default()
                } else {
                    c.label_en.clone()
                };
                words_of(&label)
            })
            .collect();
        (0..n)
            .map(|_| {
                if !topical.is_empty() && self.rng.chance(0.5) {
                    topical[self.rng.below(topical.len())].clone()
                } else {
                    let list = if danish { &self.danish } else { &self.english };
                    list[self.rng.skewed(list.len())].clone()
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn cpv_code(&mut self) -> String {
        let code = self.cpv[self.rng.skewed(self.cpv.len())];
        if self.rng.chance(0.1) {
            format!("{:0<8}", &code[..2])
        } else {
            code.to_owned()
        }
    }

    fn region(&mut self) -> String {
        self.regions[self.rng.skewed(self.regions.len())].clone()
    }

    fn reservations(&mut self, p: f64) -> Vec<Reservation> {
        Reservation::ALL
            .into_iter()
            .filter(|_| self.rng.chance(p))
            .collect()
    }

    fn tender(&mut self, id: u64) -> TenderDoc {
        let danish = self.rng.chance(0.7);
        let title_words = 3 + self.rng.below(4);
        let body_words = 20 + self.rng.below(30);
        let cpv: Vec<String> = (0..1 + self.rng.below(3))
            .map(|_| self.cpv_code())
            .collect();
        TenderDoc {
            id,
            authority_id: 1 + self.rng.below(98) as u64,
            texts: vec![TenderText {
                lang: if danish { "da" } else { "en" }.into(),
                title: self.words(title_words, danish, &cpv),
                description: self.words(body_words, danish, &cpv),
            }],
            cpv,
            nuts: vec![self.region()],
            objectives: if self.rng.chance(0.5) {
                vec!["opp".into()]
            } else {
                vec![]
            },
            reserved: self.reservations(0.1),
            status: if self.rng.chance(0.3) {
                TenderStatus::Published
            } else {
                TenderStatus::Closed
            },
            deadline: NOW + (self.rng.below(120) as i64 - 30) * DAY,
            published: NOW - self.rng.below(2_000) as i64 * DAY,
            value_dkk: self
                .rng
                .chance(0.6)
                .then(|| 100_000 * (1 + self.rng.skewed(500) as u64)),
            procedure: ["open", "restricted", "neg-w-call"][self.rng.below(3)].into(),
        }
    }

    fn profile(&mut self, id: u64) -> ProfileDoc {
        let danish = self.rng.chance(0.7);
        let mission_words = 8 + self.rng.below(8);
        let capability_words = 10 + self.rng.below(20);
        let cpv: Vec<String> = (0..1 + self.rng.below(4))
            .map(|_| self.cpv_code())
            .collect();
        ProfileDoc {
            id,
            organisation_id: id,
            name: format!("Enterprise {id}"),
            texts: vec![ProfileText {
                lang: if danish { "da" } else { "en" }.into(),
                mission: self.words(mission_words, danish, &[]),
                capabilities: self.words(capability_words, danish, &cpv),
            }],
            cpv,
            nuts: (0..self.rng.below(3)).map(|_| self.region()).collect(),
            objectives: if self.rng.chance(0.7) {
                vec!["opp".into()]
            } else {
                vec![]
            },
            eligible: self.reservations(0.3),
            capacity_dkk: self
                .rng
                .chance(0.5)
                .then(|| 500_000 * (1 + self.rng.skewed(100) as u64)),
            rsv: self.rng.chance(0.4),
        }
    }
}

fn words_of(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphabetic())
        .filter(|w| w.chars().count() >= 4)
        .map(str::to_lowercase)
        .collect()
}

fn vocabulary<'a>(common: &[&str], labels: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut words: Vec<String> = common.iter().map(|w| (*w).to_owned()).collect();
    for label in labels {
        for word in words_of(label) {
            if !words.contains(&word) {
                words.push(word);
            }
        }
    }
    words
}

fn count(var: &str, default: u64) -> u64 {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn percentiles(mut times: Vec<Duration>) -> String {
    times.sort();
    let at = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
    format!(
        "p50 {:.2} ms, p99 {:.2} ms",
        at(0.50).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3
    )
}

fn dir_size(path: &std::path::Path) -> std::io::Result<u64> {
    let mut total = 0;
    for entry in std::fs::read_dir(path)? {
        let meta = entry?.metadata()?;
        total += meta.len();
    }
    Ok(total)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let tenders_n = count("BENCH_TENDERS", 1_000_000);
    let profiles_n = count("BENCH_PROFILES", 100_000);
    let mut world = World::new(2026);

    // Matching: one tender against the profiles, top 50.
    let profiles = ProfileIndex::in_ram()?;
    for id in 1..=profiles_n {
        profiles.upsert(&world.profile(id))?;
    }
    profiles.commit_with_payload(Some(profiles_n as i64))?;
    let mut times = Vec::with_capacity(QUERIES);
    let mut found = 0;
    for i in 0..QUERIES {
        let tender = world.tender(10_000_000 + i as u64);
        let start = Instant::now();
        found += profiles.match_profiles_for_tender(&tender, 50)?.len();
        times.push(start.elapsed());
    }
    println!(
        "match one tender against {profiles_n} profiles, top 50 ({QUERIES} tenders, {:.1} matches on average): {}",
        found as f64 / QUERIES as f64,
        percentiles(times)
    );
    drop(profiles);

    // Building the tender index on disk.
    let dir = tempfile::tempdir()?;
    let start = Instant::now();
    let tenders = TenderIndex::recreate(dir.path())?;
    for id in 1..=tenders_n {
        tenders.upsert(&world.tender(id))?;
    }
    tenders.commit_with_payload(Some(tenders_n as i64))?;
    let built = start.elapsed();
    println!(
        "build {tenders_n} tenders on disk (generation included): {:.1} s, {:.0} MB",
        built.as_secs_f64(),
        dir_size(dir.path())? as f64 / 1e6
    );

    // Searching: one to three words plus filters, top 10 with facets.
    let mut times = Vec::with_capacity(QUERIES);
    let mut hits = 0;
    for _ in 0..QUERIES {
        let danish = world.rng.chance(0.7);
        let words = 1 + world.rng.below(3);
        let mut q = TenderQuery {
            words: world.words(words, danish, &[]),
            now: NOW,
            limit: 10,
            ..Default::default()
        };
        match world.rng.below(4) {
            0 => q.nuts = vec![world.region()],
            1 => q.cpv = vec![world.cpv_code()[..2].to_owned()],
            2 => q.value_max = Some(2_000_000),
            _ => q.reserved_only = true,
        }
        let start = Instant::now();
        hits += tenders.search(&q)?.total;
        times.push(start.elapsed());
    }
    println!(
        "search {tenders_n} tenders, 1-3 words + a filter, top 10 with total and facets ({QUERIES} queries, {:.0} hits on average): {}",
        hits as f64 / QUERIES as f64,
        percentiles(times)
    );
    Ok(())
}
