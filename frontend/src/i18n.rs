//! Translations. Each language has flat JSON catalogues of `key -> text`,
//! one file per feature (`locales/da/accounts.json`, ...), merged at first
//! use; `{name}` in a text is replaced by the argument of that name.

use std::collections::HashMap;
use std::sync::OnceLock;

pub use socialbid_codes::Lang;

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
    fn placeholders_are_filled() {
        let text = translate_with(Lang::En, "error.too_long", &[("max", "254")]);
        assert!(text.contains("254"), "{text}");
    }
}
