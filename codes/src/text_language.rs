//! The languages a tender may be written in: the 24 official languages of
//! the EU and the languages of the EEA states Iceland and Norway (eForms
//! BT-702 allows any of them). Stored by their ISO 639-1 code, as the
//! page's `lang` attribute wants it; eForms notices name them by the
//! three-letter code, kept here so an import can map them.

use crate::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextLanguage {
    /// ISO 639-1: `da`, `de`, `fr`.
    pub code: &'static str,
    /// The three-letter code eForms uses: `DAN`, `DEU`, `FRA`.
    pub eforms: &'static str,
    pub name_da: &'static str,
    pub name_en: &'static str,
}

impl TextLanguage {
    pub fn name(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Da => self.name_da,
            Lang::En => self.name_en,
        }
    }
}

const fn l(
    code: &'static str,
    eforms: &'static str,
    name_da: &'static str,
    name_en: &'static str,
) -> TextLanguage {
    TextLanguage {
        code,
        eforms,
        name_da,
        name_en,
    }
}

/// Danish and English first (the interface's languages), then by code.
pub const ALL: [TextLanguage; 26] = [
    l("da", "DAN", "dansk", "Danish"),
    l("en", "ENG", "engelsk", "English"),
    l("bg", "BUL", "bulgarsk", "Bulgarian"),
    l("cs", "CES", "tjekkisk", "Czech"),
    l("de", "DEU", "tysk", "German"),
    l("el", "ELL", "græsk", "Greek"),
    l("es", "SPA", "spansk", "Spanish"),
    l("et", "EST", "estisk", "Estonian"),
    l("fi", "FIN", "finsk", "Finnish"),
    l("fr", "FRA", "fransk", "French"),
    l("ga", "GLE", "irsk", "Irish"),
    l("hr", "HRV", "kroatisk", "Croatian"),
    l("hu", "HUN", "ungarsk", "Hungarian"),
    l("is", "ISL", "islandsk", "Icelandic"),
    l("it", "ITA", "italiensk", "Italian"),
    l("lt", "LIT", "litauisk", "Lithuanian"),
    l("lv", "LAV", "lettisk", "Latvian"),
    l("mt", "MLT", "maltesisk", "Maltese"),
    l("nl", "NLD", "nederlandsk", "Dutch"),
    l("no", "NOR", "norsk", "Norwegian"),
    l("pl", "POL", "polsk", "Polish"),
    l("pt", "POR", "portugisisk", "Portuguese"),
    l("ro", "RON", "rumænsk", "Romanian"),
    l("sk", "SLK", "slovakisk", "Slovak"),
    l("sl", "SLV", "slovensk", "Slovenian"),
    l("sv", "SWE", "svensk", "Swedish"),
];

/// The language by its ISO 639-1 code.
pub fn find(code: &str) -> Option<&'static TextLanguage> {
    ALL.iter().find(|l| l.code == code)
}

/// The language by the three-letter code of an eForms notice (`DEU`).
pub fn from_eforms(code: &str) -> Option<&'static TextLanguage> {
    ALL.iter()
        .find(|l| l.eforms.eq_ignore_ascii_case(code.trim()))
}

/// Text that carries no language of its own (a profile, a question, an
/// answer) is written by members in Danish or English. The analyser and the
/// page's `lang` marks must still be right ("skolerne" must find "skole"),
/// so the language is told by its commonest words.
pub fn guess_da_or_en(text: &str) -> &'static str {
    const DANISH: [&str; 16] = [
        "og", "at", "til", "med", "af", "det", "en", "vi", "på", "ikke", "som", "er", "de", "for",
        "i", "unge",
    ];
    const ENGLISH: [&str; 16] = [
        "the", "and", "to", "of", "with", "we", "for", "in", "is", "our", "a", "on", "as", "are",
        "people", "young",
    ];
    let mut danish = 0;
    let mut english = 0;
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let word = word.to_lowercase();
        danish += usize::from(DANISH.contains(&word.as_str()));
        english += usize::from(ENGLISH.contains(&word.as_str()));
        if "æøå".chars().any(|c| word.contains(c)) {
            danish += 1;
        }
    }
    if english > danish { "en" } else { "da" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_danish_from_english() {
        assert_eq!(
            guess_da_or_en("Vi driver en café, hvor unge ledige lærer at lave mad"),
            "da"
        );
        assert_eq!(
            guess_da_or_en("We run a café where young people out of work learn to cook"),
            "en"
        );
    }

    #[test]
    fn knows_every_official_language_by_both_codes() {
        assert_eq!(find("fr").unwrap().name_da, "fransk");
        assert_eq!(from_eforms("DEU").unwrap().code, "de");
        assert_eq!(from_eforms("ell").unwrap().code, "el");
        assert!(find("xx").is_none());
        assert!(find("DE").is_none());
    }
}
