//! The Common Procurement Vocabulary (CPV 2008): 9,454 codes of 8 digits
//! and a check digit. The digits form a tree, and trailing zeros mark the
//! level: `85000000` health and social work, `85300000` social work,
//! `85311000` social work services with accommodation.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::Lang;

use crate::eforms;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cpv {
    /// The 8 digits, without the check digit: `85311000`.
    pub code: String,
    /// `85311000-2`, as notices print it.
    pub full: String,
    pub label_en: String,
    /// Only the light-regime social-service codes have an open Danish label.
    pub label_da: Option<String>,
}

impl Cpv {
    /// The Danish label where one exists, else the English one.
    pub fn label(&self, lang: Lang) -> &str {
        match (lang, &self.label_da) {
            (Lang::Da, Some(da)) => da,
            _ => &self.label_en,
        }
    }

    /// The language [`Cpv::label`] is written in for a page in `lang`: on a
    /// Danish page most labels are English, and the page must say so.
    pub fn label_lang(&self, lang: Lang) -> Lang {
        match (lang, &self.label_da) {
            (Lang::Da, Some(_)) => Lang::Da,
            _ => Lang::En,
        }
    }

    /// The significant digits (at least the two of the division):
    /// `85300000` → `853`. A code covers every code that starts with them.
    pub fn prefix(&self) -> &str {
        prefix(&self.code)
    }
}

/// A code as pages show it: digits, the form with its check digit, and
/// the label in the page's language where it has one (the code itself if
/// unknown), and the language the label is in.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CpvView {
    pub code: String,
    pub full: String,
    pub label: String,
    pub lang: &'static str,
}

pub fn view(code: &str, lang: Lang) -> CpvView {
    match find(code) {
        Some(c) => CpvView {
            code: c.code.clone(),
            full: c.full.clone(),
            label: c.label(lang).to_owned(),
            lang: c.label_lang(lang).code(),
        },
        None => CpvView {
            code: code.to_owned(),
            full: code.to_owned(),
            label: code.to_owned(),
            lang: lang.code(),
        },
    }
}

/// The significant digits of an 8-digit code, at least two.
pub fn prefix(code: &str) -> &str {
    let trimmed = code.trim_end_matches('0');
    if trimmed.len() < 2 {
        &code[..2.min(code.len())]
    } else {
        trimmed
    }
}

/// True when `broader` (any level) covers `code`: a supplier registered for
/// `85300000` matches a tender for `85311000`.
pub fn covers(broader: &str, code: &str) -> bool {
    code.starts_with(prefix(broader))
}

/// The codes that `code` lies under: `85311000` → `85000000`, `85300000`,
/// `85310000` (a filter for `code` then also finds suppliers of a broader
/// code).
pub fn ancestors(code: &str) -> Vec<String> {
    let prefix = prefix(code);
    (2..prefix.len())
        .map(|n| format!("{:0<8}", &prefix[..n]))
        .filter(|c| c != code)
        .collect()
}

struct Vocabulary {
    codes: Vec<Cpv>,
    by_code: HashMap<String, usize>,
}

fn vocabulary() -> &'static Vocabulary {
    static VOCABULARY: OnceLock<Vocabulary> = OnceLock::new();
    VOCABULARY.get_or_init(|| {
        let raw: HashMap<String, String> = serde_json::from_str(include_str!(
            "../../reference/cpv/cpv2008_en.openprocurement.json"
        ))
        .expect("the CPV list is valid JSON");
        let mut codes: Vec<Cpv> = raw
            .into_iter()
            .map(|(full, label_en)| {
                let code = full.split('-').next().unwrap_or_default().to_owned();
                let label_da = eforms::social_service_cpv()
                    .find(&code)
                    .map(|c| c.label_da.clone());
                Cpv {
                    code,
                    full,
                    label_en,
                    label_da,
                }
            })
            .collect();
        codes.sort_by(|a, b| a.code.cmp(&b.code));
        let by_code = codes
            .iter()
            .enumerate()
            .map(|(i, c)| (c.code.clone(), i))
            .collect();
        Vocabulary { codes, by_code }
    })
}

pub fn all() -> &'static [Cpv] {
    &vocabulary().codes
}

#[derive(Debug, PartialEq, Eq)]
pub enum CpvProblem {
    /// Not 2 to 8 digits, optionally followed by `-` and a check digit.
    Format,
    /// Well formed, but not in the vocabulary.
    Unknown,
    /// The check digit after `-` is not this code's.
    CheckDigit,
}

/// Reads a code as people type it: `85311000`, `85311000-2`, or the
/// significant digits of a level, `853` (padded with zeros: `85300000`).
pub fn parse(input: &str) -> Result<&'static Cpv, CpvProblem> {
    let input = input.trim();
    let (digits, check) = match input.split_once('-') {
        Some((digits, check)) => (digits, Some(check)),
        None => (input, None),
    };
    if !(2..=8).contains(&digits.len()) || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(CpvProblem::Format);
    }
    let code = format!("{digits:0<8}");
    let found = vocabulary()
        .by_code
        .get(&code)
        .map(|i| &vocabulary().codes[*i])
        .ok_or(CpvProblem::Unknown)?;
    match check {
        Some(check) if found.full != format!("{code}-{check}") => Err(CpvProblem::CheckDigit),
        _ => Ok(found),
    }
}

pub fn find(code: &str) -> Option<&'static Cpv> {
    parse(code).ok()
}

/// Codes whose digits start with the query, or whose label (in `lang`, and
/// in English) holds every word of it; broader codes first.
pub fn search(query: &str, lang: Lang, limit: usize) -> Vec<&'static Cpv> {
    let query = query.trim().to_lowercase();
    if query.is_empty() {
        return Vec::new();
    }
    let digits: String = query.chars().filter(|c| c.is_ascii_digit()).collect();
    let mut hits: Vec<&Cpv> = if !digits.is_empty() && digits.len() == query.replace('-', "").len()
    {
        all()
            .iter()
            .filter(|c| c.code.starts_with(&digits))
            .collect()
    } else {
        let words: Vec<&str> = query.split_whitespace().collect();
        all()
            .iter()
            .filter(|c| {
                let label = format!("{} {}", c.label(lang), c.label_en).to_lowercase();
                words.iter().all(|w| label.contains(w))
            })
            .collect()
    };
    hits.sort_by_key(|c| (c.prefix().len(), c.code.clone()));
    hits.truncate(limit);
    hits
}

/// Light-regime social, health and cultural services (Annex XIV).
pub fn is_social_service(code: &str) -> bool {
    eforms::social_service_cpv().contains(code)
}

/// The codes Article 77(1) of Directive 2014/24 allows a reserved contract
/// for (`res-pub-ser`): a subset of the light-regime social services.
pub fn allows_article_77(code: &str) -> bool {
    const LISTED: [&str; 17] = [
        "75121000", "75122000", "75123000", "79622000", "79624000", "79625000", "80110000",
        "80300000", "80420000", "80430000", "80511000", "80520000", "80590000", "92500000",
        "92600000", "98133000", "98133110",
    ];
    LISTED.contains(&code) || (is_social_service(code) && ("85000000"..="85323000").contains(&code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_codes_as_people_type_them() {
        assert_eq!(parse("85311000").unwrap().full, "85311000-2");
        assert_eq!(parse("85311000-2").unwrap().code, "85311000");
        assert_eq!(parse("853").unwrap().code, "85300000");
        assert_eq!(parse("85311000-3"), Err(CpvProblem::CheckDigit));
        assert_eq!(parse("85399999"), Err(CpvProblem::Unknown));
        assert_eq!(parse("8"), Err(CpvProblem::Format));
        assert_eq!(parse("social"), Err(CpvProblem::Format));
        assert_eq!(all().len(), 9454);
    }

    #[test]
    fn the_tree_is_respected() {
        assert_eq!(prefix("85300000"), "853");
        assert_eq!(prefix("85000000"), "85");
        assert_eq!(prefix("03000000"), "03");
        assert!(covers("85300000", "85311000"));
        assert!(!covers("85300000", "85111000"));
        assert!(covers("85311000", "85311000"));
        assert_eq!(ancestors("85311000"), ["85000000", "85300000", "85310000"]);
        assert!(ancestors("85000000").is_empty());
    }

    #[test]
    fn labels_in_danish_where_known() {
        let social = parse("85311000").unwrap();
        assert!(social.label_da.is_some());
        assert_ne!(social.label(Lang::Da), social.label(Lang::En));
        assert_eq!(social.label_lang(Lang::Da), Lang::Da);
        let bread = parse("15811000").unwrap();
        assert_eq!(bread.label(Lang::Da), bread.label_en);
        assert_eq!(bread.label_lang(Lang::Da), Lang::En);
        assert_eq!(view("15811000", Lang::Da).lang, "en");
    }

    #[test]
    fn search_by_words_or_digits() {
        let by_words = search("social work accommodation", Lang::En, 10);
        assert!(
            by_words.iter().any(|c| c.code == "85311000"),
            "{by_words:?}"
        );
        let by_digits = search("8531", Lang::En, 50);
        assert!(by_digits.iter().all(|c| c.code.starts_with("8531")));
        assert_eq!(by_digits[0].code, "85310000", "the broadest first");
        assert!(search("", Lang::Da, 10).is_empty());
    }

    #[test]
    fn article_77_only_for_the_listed_social_services() {
        assert!(allows_article_77("85311000"));
        assert!(allows_article_77("80110000"));
        assert!(allows_article_77("92500000"));
        assert!(!allows_article_77("85312400") || is_social_service("85312400"));
        assert!(
            !allows_article_77("90910000"),
            "cleaning services are not light-regime"
        );
        assert!(!allows_article_77("85324000"));
    }
}
