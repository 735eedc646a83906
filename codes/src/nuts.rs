//! Danish NUTS regions at every level, with Danish and English names. Level
//! 3 comes from the eForms codelist; levels 0 to 2 are the official names.

use std::sync::OnceLock;

use crate::Lang;

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

pub fn find(code: &str) -> Option<&'static Region> {
    danish_regions().iter().find(|r| r.code == code)
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
        assert!(find("SE11").is_none());
        assert_eq!(authority_regions().count(), 5 + 11);
        assert_eq!(ancestors("DK011"), ["DK", "DK0", "DK01"]);
    }
}
