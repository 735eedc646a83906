//! Seeded synthetic tenders, profiles and search queries for benchmarks:
//! real CPV codes with a skew towards the social services, Danish regions
//! plus a few German and Swedish ones, texts in Danish and English drawn
//! from the CPV labels and common procurement words. The same seed gives
//! the same data on every machine, so the indexer's benchmark and the
//! comparison with PostgreSQL and SQLite full-text search measure the same
//! documents and queries.

use socialbid_codes::{cpv, nuts};

use crate::docs::{ProfileDoc, ProfileText, Reservation, TenderDoc, TenderStatus, TenderText};
use crate::search::TenderQuery;

/// "Now" in the generated data, Unix seconds: notices were published in
/// the 2,000 days before it.
pub const NOW: i64 = 1_796_083_200;
const DAY: i64 = 86_400;

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

/// The generator: build it once from a seed and draw documents and
/// queries from it in a fixed order.
pub struct World {
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
    pub fn new(seed: u64) -> World {
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

    pub fn tender(&mut self, id: u64) -> TenderDoc {
        let danish = self.rng.chance(0.7);
        let title_words = 3 + self.rng.below(4);
        let body_words = 20 + self.rng.below(30);
        let cpv: Vec<String> = (0..1 + self.rng.below(3))
            .map(|_| self.cpv_code())
            .collect();
        // An archive of notices published over five and a half years, each
        // open for 10 to 60 days after publication (the directive's
        // minimum for an open procedure is 30 days, 15 under a prior
        // information notice or in urgency; below the thresholds it may be
        // shorter): about 2 % of the tenders are open "now", as in a real
        // archive, and none has been open for years.
        let published = NOW - self.rng.below(2_000) as i64 * DAY;
        let deadline = published + (10 + self.rng.below(51)) as i64 * DAY;
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
            status: if deadline > NOW {
                TenderStatus::Published
            } else {
                TenderStatus::Closed
            },
            deadline,
            published,
            value_dkk: self
                .rng
                .chance(0.6)
                .then(|| 100_000 * (1 + self.rng.skewed(500) as u64)),
            procedure: ["open", "restricted", "neg-w-call"][self.rng.below(3)].into(),
        }
    }

    /// An archive of `n` tenders numbered as a database numbers them: in
    /// the order they were created, each a draft for up to a month before
    /// its publication. So the tenders open now are among the newest ids,
    /// as on a live site, and not spread evenly over the archive. The
    /// documents and what comes after them from this world are the same as
    /// from `n` calls of [`World::tender`]; only the ids differ.
    pub fn archive(&mut self, n: u64) -> Vec<TenderDoc> {
        let mut docs: Vec<TenderDoc> = (1..=n).map(|id| self.tender(id)).collect();
        // The drafting time comes from the drawn id, not from this world's
        // stream, which then goes on as it would without it.
        let created = |doc: &TenderDoc| doc.published - (Rng(doc.id).next() % 30) as i64 * DAY;
        docs.sort_by_cached_key(|doc| (created(doc), doc.id));
        for (position, doc) in docs.iter_mut().enumerate() {
            doc.id = position as u64 + 1;
        }
        docs
    }

    /// A search as a visitor types it: one to three words, Danish more
    /// often than English, and one filter (a region, a CPV division, a
    /// value ceiling or reserved tenders only), open tenders, top 10.
    pub fn search_query(&mut self) -> TenderQuery {
        let danish = self.rng.chance(0.7);
        let words = 1 + self.rng.below(3);
        let mut q = TenderQuery {
            words: self.words(words, danish, &[]),
            now: NOW,
            limit: 10,
            ..Default::default()
        };
        match self.rng.below(4) {
            0 => q.nuts = vec![self.region()],
            1 => q.cpv = vec![self.cpv_code()[..2].to_owned()],
            2 => q.value_max = Some(2_000_000),
            _ => q.reserved_only = true,
        }
        q
    }

    pub fn profile(&mut self, id: u64) -> ProfileDoc {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_archive_numbers_the_same_tenders_in_order_of_creation() {
        let drawn: Vec<TenderDoc> = {
            let mut world = World::new(7);
            (1..=500).map(|id| world.tender(id)).collect()
        };
        let mut world = World::new(7);
        let archive = world.archive(500);
        assert_eq!(
            archive.iter().map(|d| d.id).collect::<Vec<_>>(),
            (1..=500).collect::<Vec<_>>()
        );
        let key = |d: &TenderDoc| (d.published, d.texts[0].title.clone());
        let mut same: Vec<_> = drawn.iter().map(key).collect();
        let mut numbered: Vec<_> = archive.iter().map(key).collect();
        same.sort();
        numbered.sort();
        assert_eq!(same, numbered);
        // Published within a month of creation, so never more than a
        // month out of order.
        for pair in archive.windows(2) {
            assert!(pair[1].published > pair[0].published - 30 * DAY);
        }
        // The stream goes on as after drawing them one by one.
        let mut after_draws = World::new(7);
        for id in 1..=500 {
            after_draws.tender(id);
        }
        assert_eq!(world.search_query().words, after_draws.search_query().words);
    }
}
