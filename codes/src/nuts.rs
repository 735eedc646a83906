//! NUTS 2021 regions of the EU and EEA at every level. Danish regions have
//! Danish and English names (level 3 from the eForms codelist, levels 0 to
//! 2 the official names). A region abroad is named as the NUTS list names
//! it, in its own language (`Schleswig-Holstein`, `Skåne län`), followed by
//! its country in the reader's language; a code of an older NUTS version,
//! which that list does not name, by its country alone (pages show the code
//! beside it).

use std::sync::OnceLock;

use crate::Lang;
use crate::country;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    pub code: String,
    pub name_da: String,
    pub name_en: String,
}

impl Region {
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::Da => &self.name_da,
            Lang::En => &self.name_en,
        }
    }

    /// 0 for the country (`DK`), 1 for `DK0`, 2 for `DK01`, 3 for `DK011`.
    pub fn level(&self) -> usize {
        self.code.len() - 2
    }
}

const UPPER_LEVELS: [(&str, &str, &str); 7] = [
    ("DK", "Danmark", "Denmark"),
    ("DK0", "Danmark", "Denmark"),
    ("DK01", "Region Hovedstaden", "Capital Region of Denmark"),
    ("DK02", "Region Sjælland", "Region Zealand"),
    ("DK03", "Region Syddanmark", "Region of Southern Denmark"),
    ("DK04", "Region Midtjylland", "Central Denmark Region"),
    ("DK05", "Region Nordjylland", "North Denmark Region"),
];

/// Every Danish region, ordered by code, so each region is followed by its
/// parts.
pub fn danish_regions() -> &'static [Region] {
    static REGIONS: OnceLock<Vec<Region>> = OnceLock::new();
    REGIONS.get_or_init(|| {
        let mut regions: Vec<Region> = UPPER_LEVELS
            .iter()
            .map(|(code, da, en)| Region {
                code: (*code).into(),
                name_da: (*da).into(),
                name_en: (*en).into(),
            })
            .collect();
        let csv = include_str!("../../reference/eforms/nuts_nuts-dnk-lvl3.csv");
        for line in csv.lines().skip(1) {
            let mut parts = line.split(',');
            let (Some(code), Some(en), Some(da)) = (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            // Extra-Regio is a statistical bucket, not a place anyone works in.
            if code.ends_with("ZZZ") {
                continue;
            }
            regions.push(Region {
                code: code.into(),
                name_da: da.into(),
                name_en: en.into(),
            });
        }
        regions.sort_by(|a, b| a.code.cmp(&b.code));
        regions
    })
}

/// Extra-Regio (`DKZ`, `DKZZ`, `DKZZZ`) is a statistical bucket, not a
/// place anyone works in.
fn is_extra_regio(code: &str) -> bool {
    code.len() > 2 && code[2..].chars().all(|c| c == 'Z')
}

#[derive(serde::Deserialize)]
struct Listing {
    results: Bindings,
}

#[derive(serde::Deserialize)]
struct Bindings {
    bindings: Vec<Binding>,
}

#[derive(serde::Deserialize)]
struct Binding {
    code: Literal,
}

#[derive(serde::Deserialize)]
struct Literal {
    value: String,
}

/// The NUTS 2021 names by code, as the eForms codelist gives them.
fn names() -> std::collections::HashMap<&'static str, String> {
    include_str!("../../reference/nuts/nuts-2021_names.eforms-sdk.csv")
        .lines()
        .skip(1)
        .filter_map(|line| {
            let (code, _) = line.split_once(',')?;
            let name = crate::csv::fields(line).into_iter().nth(1)?;
            Some((code, name))
        })
        .collect()
}

/// Every region of the EU and EEA member states at every level, Denmark's
/// first, each country's ordered by code.
pub fn all_regions() -> &'static [Region] {
    static REGIONS: OnceLock<Vec<Region>> = OnceLock::new();
    REGIONS.get_or_init(|| {
        let listing: Listing = serde_json::from_str(include_str!(
            "../../reference/nuts/nuts_codes_all_levels.ted-rdf-mapping-eforms.json"
        ))
        .unwrap_or(Listing {
            results: Bindings {
                bindings: Vec::new(),
            },
        });
        let names = names();
        let mut abroad: Vec<Region> = listing
            .results
            .bindings
            .into_iter()
            .map(|b| b.code.value)
            .filter(|code| !code.starts_with("DK") && !is_extra_regio(code))
            .filter_map(|code| {
                let country = country::of_nuts(&code)?;
                let name = names.get(code.as_str()).filter(|_| code.len() > 2);
                let (name_da, name_en) = match name {
                    Some(name) => (
                        format!("{name}, {}", country.name_da),
                        format!("{name}, {}", country.name_en),
                    ),
                    None => (country.name_da.to_owned(), country.name_en.to_owned()),
                };
                Some(Region {
                    code,
                    name_da,
                    name_en,
                })
            })
            .collect();
        abroad.sort_by(|a, b| a.code.cmp(&b.code));
        let mut regions = danish_regions().to_vec();
        regions.extend(abroad);
        regions
    })
}

/// The region with this code anywhere in the EU and EEA.
pub fn find(code: &str) -> Option<&'static Region> {
    if code.starts_with("DK") {
        danish_regions().iter().find(|r| r.code == code)
    } else {
        let abroad = &all_regions()[danish_regions().len()..];
        abroad
            .binary_search_by(|r| r.code.as_str().cmp(code))
            .ok()
            .map(|i| &abroad[i])
    }
}

/// Regions abroad whose code starts with `words`, or whose name or whose
/// country's name contains them (case-insensitive), at most `limit`: the
/// search the pages offer beside the Danish regions.
pub fn search(words: &str, limit: usize) -> Vec<&'static Region> {
    let query = words.trim().to_uppercase();
    if query.is_empty() {
        return Vec::new();
    }
    let lower = words.trim().to_lowercase();
    let countries: Vec<&str> = country::ALL
        .iter()
        .filter(|c| {
            c.name_da.to_lowercase().contains(&lower) || c.name_en.to_lowercase().contains(&lower)
        })
        .map(|c| c.prefix)
        .collect();
    all_regions()
        .iter()
        .filter(|r| {
            r.code.starts_with(&query)
                || countries.iter().any(|p| r.code.starts_with(p))
                || !r.code.starts_with("DK") && r.name_en.to_lowercase().contains(&lower)
        })
        .take(limit)
        .collect()
}

/// The regions `code` lies in: `DK011` → `DK`, `DK0`, `DK01`.
pub fn ancestors(code: &str) -> Vec<String> {
    (2..code.len()).map(|n| code[..n].to_owned()).collect()
}

/// The regions an authority can be placed in: the five regions and their
/// NUTS-3 parts.
pub fn authority_regions() -> impl Iterator<Item = &'static Region> {
    danish_regions().iter().filter(|r| r.level() >= 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_every_level_of_denmark() {
        assert_eq!(find("DK01").unwrap().name_da, "Region Hovedstaden");
        assert_eq!(find("DK011").unwrap().name_da, "Byen København");
        assert_eq!(find("DK050").unwrap().level(), 3);
        assert!(find("DKZZZ").is_none());
        assert!(find("SE1").is_some());
        assert_eq!(authority_regions().count(), 5 + 11);
        assert_eq!(ancestors("DK011"), ["DK", "DK0", "DK01"]);
    }

    #[test]
    fn knows_every_level_abroad_by_name_country_and_code() {
        assert_eq!(find("DE300").unwrap().name_en, "Berlin, Germany");
        assert_eq!(find("DEF").unwrap().name_da, "Schleswig-Holstein, Tyskland");
        assert_eq!(find("SE224").unwrap().name_da, "Skåne län, Sverige");
        assert_eq!(find("FR101").unwrap().name_en, "Paris, France");
        assert_eq!(find("DE").unwrap().name_da, "Tyskland");
        // A code of NUTS 2016, which the 2021 names leave out.
        assert_eq!(find("DE80A").unwrap().name_en, "Germany");
        assert!(find("ITI18").is_some());
        assert!(find("FR101").is_some());
        assert!(find("PL2").is_some());
        assert!(find("EL30").is_some());
        assert!(find("DEZZZ").is_none());
        // Outside the EU and EEA.
        assert!(find("UKI").is_none());
        assert!(find("CH01").is_none());
        assert!(find("XX1").is_none());
        assert_eq!(all_regions()[0].code, "DK");
        assert!(search("DEF", 50).iter().all(|r| r.code.starts_with("DEF")));
        assert!(search("sverige", 500).iter().any(|r| r.code == "SE224"));
        // The town and the district named after it.
        let flensburg: Vec<&str> = search("flensburg", 10)
            .iter()
            .map(|r| r.code.as_str())
            .collect();
        assert_eq!(flensburg, ["DEF01", "DEF0C"]);
        assert!(search("skåne", 10).iter().any(|r| r.code == "SE224"));
    }
}
