//! Translations. Each language has flat JSON catalogues of `key -> text`,
//! one file per feature (`locales/da/accounts.json`, ...), merged at first
//! use; `{name}` in a text is replaced by the argument of that name.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// The languages the service speaks. Danish comes first: it is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Da,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Da, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Da => "da",
            Lang::En => "en",
        }
    }

    /// The language's name in itself, as a language switch shows it.
    pub fn endonym(self) -> &'static str {
        match self {
            Lang::Da => "Dansk",
            Lang::En => "English",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "da" => Some(Lang::Da),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// Picks the language from an `Accept-Language` header: the first
    /// supported language by quality, Danish when nothing matches.
    pub fn negotiate(accept_language: Option<&str>) -> Lang {
        let Some(header) = accept_language else {
            return Lang::default();
        };
        let mut offers: Vec<(f32, usize, Lang)> = header
            .split(',')
            .enumerate()
            .filter_map(|(position, part)| {
                let mut pieces = part.split(';');
                let tag = pieces.next()?.trim();
                let primary = tag.split('-').next()?;
                let lang = Lang::from_code(primary)?;
                let quality = pieces
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.parse::<f32>().ok())
                    .unwrap_or(1.0);
                (quality > 0.0).then_some((quality, position, lang))
            })
            .collect();
        offers.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        offers.first().map(|o| o.2).unwrap_or_default()
    }
}

type Catalogue = HashMap<String, String>;

/// Every catalogue file, by language. A feature adds its file to both.
macro_rules! catalogue_files {
    ($lang:literal: $($area:literal),* $(,)?) => {
        &[$(($area, include_str!(concat!("../locales/", $lang, "/", $area, ".json")))),*]
    };
}

const DA_FILES: &[(&str, &str)] = catalogue_files!("da": "accounts", "tenders", "profiles");
const EN_FILES: &[(&str, &str)] = catalogue_files!("en": "accounts", "tenders", "profiles");

fn merge(files: &[(&str, &str)]) -> Catalogue {
    let mut all = Catalogue::new();
    for (area, source) in files {
        let part: Catalogue = serde_json::from_str(source)
            .unwrap_or_else(|e| panic!("locales/{area}.json is not a flat JSON object: {e}"));
        for (key, text) in part {
            if let Some(previous) = all.insert(key.clone(), text) {
                panic!("the key {key} is in two catalogues (the other says {previous:?})");
            }
        }
    }
    all
}

fn catalogue(lang: Lang) -> &'static Catalogue {
    static DA: OnceLock<Catalogue> = OnceLock::new();
    static EN: OnceLock<Catalogue> = OnceLock::new();
    match lang {
        Lang::Da => DA.get_or_init(|| merge(DA_FILES)),
        Lang::En => EN.get_or_init(|| merge(EN_FILES)),
    }
}

/// The text for `key` in `lang`. A missing key shows as the key itself, so a
/// gap is visible on the page instead of silently blank (a test keeps the
/// catalogues complete).
pub fn translate(lang: Lang, key: &str) -> String {
    catalogue(lang)
        .get(key)
        .cloned()
        .unwrap_or_else(|| key.to_owned())
}

/// The text for `key` with `{name}` placeholders filled in.
pub fn translate_with(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    let mut text = translate(lang, key);
    for (name, value) in args {
        text = text.replace(&format!("{{{name}}}"), value);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogues_have_the_same_keys() {
        let da: Vec<_> = {
            let mut k: Vec<_> = catalogue(Lang::Da).keys().collect();
            k.sort();
            k
        };
        let en: Vec<_> = {
            let mut k: Vec<_> = catalogue(Lang::En).keys().collect();
            k.sort();
            k
        };
        let only_da: Vec<_> = da.iter().filter(|k| !en.contains(k)).collect();
        let only_en: Vec<_> = en.iter().filter(|k| !da.contains(k)).collect();
        assert!(only_da.is_empty(), "keys only in da.json: {only_da:?}");
        assert!(only_en.is_empty(), "keys only in en.json: {only_en:?}");
    }

    #[test]
    fn accept_language_picks_the_preferred_supported_language() {
        assert_eq!(Lang::negotiate(Some("en-GB,en;q=0.9,da;q=0.8")), Lang::En);
        assert_eq!(Lang::negotiate(Some("de-DE,da;q=0.5,en;q=0.9")), Lang::En);
        assert_eq!(Lang::negotiate(Some("da-DK")), Lang::Da);
        assert_eq!(Lang::negotiate(Some("fr, de")), Lang::Da);
        assert_eq!(Lang::negotiate(Some("en;q=0")), Lang::Da);
        assert_eq!(Lang::negotiate(None), Lang::Da);
    }

    #[test]
    fn placeholders_are_filled() {
        let text = translate_with(Lang::En, "error.too_long", &[("max", "254")]);
        assert!(text.contains("254"), "{text}");
    }
}
