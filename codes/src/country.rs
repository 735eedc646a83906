//! The member states of the EU and the EEA: their ISO 3166 code, the
//! prefix their NUTS codes and VAT numbers start with (Greece is `GR` in
//! ISO 3166 but `EL` in NUTS and VAT), and their names in Danish and
//! English.

use crate::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Country {
    /// ISO 3166-1 alpha-2: `DK`, `DE`, `GR`.
    pub iso: &'static str,
    /// The NUTS and VAT prefix: `DK`, `DE`, `EL`.
    pub prefix: &'static str,
    pub name_da: &'static str,
    pub name_en: &'static str,
}

impl Country {
    pub fn name(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Da => self.name_da,
            Lang::En => self.name_en,
        }
    }
}

const fn c(
    iso: &'static str,
    prefix: &'static str,
    name_da: &'static str,
    name_en: &'static str,
) -> Country {
    Country {
        iso,
        prefix,
        name_da,
        name_en,
    }
}

/// Denmark first, as the pages offer it; then the other EU member states
/// and the EEA states Iceland, Liechtenstein and Norway, by ISO code.
pub const ALL: [Country; 30] = [
    c("DK", "DK", "Danmark", "Denmark"),
    c("AT", "AT", "Østrig", "Austria"),
    c("BE", "BE", "Belgien", "Belgium"),
    c("BG", "BG", "Bulgarien", "Bulgaria"),
    c("CY", "CY", "Cypern", "Cyprus"),
    c("CZ", "CZ", "Tjekkiet", "Czechia"),
    c("DE", "DE", "Tyskland", "Germany"),
    c("EE", "EE", "Estland", "Estonia"),
    c("ES", "ES", "Spanien", "Spain"),
    c("FI", "FI", "Finland", "Finland"),
    c("FR", "FR", "Frankrig", "France"),
    c("GR", "EL", "Grækenland", "Greece"),
    c("HR", "HR", "Kroatien", "Croatia"),
    c("HU", "HU", "Ungarn", "Hungary"),
    c("IE", "IE", "Irland", "Ireland"),
    c("IS", "IS", "Island", "Iceland"),
    c("IT", "IT", "Italien", "Italy"),
    c("LI", "LI", "Liechtenstein", "Liechtenstein"),
    c("LT", "LT", "Litauen", "Lithuania"),
    c("LU", "LU", "Luxembourg", "Luxembourg"),
    c("LV", "LV", "Letland", "Latvia"),
    c("MT", "MT", "Malta", "Malta"),
    c("NL", "NL", "Nederlandene", "Netherlands"),
    c("NO", "NO", "Norge", "Norway"),
    c("PL", "PL", "Polen", "Poland"),
    c("PT", "PT", "Portugal", "Portugal"),
    c("RO", "RO", "Rumænien", "Romania"),
    c("SE", "SE", "Sverige", "Sweden"),
    c("SI", "SI", "Slovenien", "Slovenia"),
    c("SK", "SK", "Slovakiet", "Slovakia"),
];

/// The country by its ISO code (`GR`, case-insensitive).
pub fn find(iso: &str) -> Option<&'static Country> {
    let iso = iso.trim();
    ALL.iter().find(|c| c.iso.eq_ignore_ascii_case(iso))
}

/// The country a NUTS code lies in (`EL30` → Greece).
pub fn of_nuts(code: &str) -> Option<&'static Country> {
    let prefix = code.get(..2)?;
    ALL.iter().find(|c| c.prefix == prefix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_countries_by_iso_code_and_nuts_prefix() {
        assert_eq!(find("de").unwrap().name_da, "Tyskland");
        assert_eq!(of_nuts("EL30").unwrap().iso, "GR");
        assert_eq!(of_nuts("DE300").unwrap().name_en, "Germany");
        assert!(of_nuts("UKI").is_none());
        assert!(find("UK").is_none());
        assert_eq!(ALL[0].iso, "DK");
    }
}
