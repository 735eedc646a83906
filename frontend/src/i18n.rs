//! Translations. Each language has flat JSON catalogues, one file per
//! feature (`locales/da/accounts.json`, ...), merged at first use. A key
//! maps to a text, in which `{name}` is replaced by the argument of that
//! name, or, for a message that shows a count, to an object of plural forms:
//!
//! ```json
//! "directory.count": {"one": "{count} virksomhed", "other": "{count} virksomheder"}
//! ```
//!
//! The form is chosen by the Unicode CLDR plural rules of the language,
//! through `intl_pluralrules` (Project Fluent's implementation of them), and
//! the loader accepts exactly the categories CLDR defines for the language
//! (`one` and `other` for Danish and English), so a translation can neither
//! miss a form nor carry one that never shows. We kept our own JSON instead
//! of moving to Fluent files because the catalogues stay one flat JSON file
//! per feature that any translation tool reads, everyone keeps adding keys
//! in the format they already know, and the plural rules still come from
//! CLDR rather than from us.
//!
//! Numbers are written as the language writes them: "2.000.000" and
//! "1.234,5" in Danish, "2,000,000" and "1,234.5" in English.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::OnceLock;

use intl_pluralrules::{PluralCategory, PluralRuleType, PluralRules};
use serde::Deserialize;
pub use socialbid_codes::Lang;
use unic_langid::LanguageIdentifier;

use crate::format;

#[cfg(test)]
mod danish_terms;
#[cfg(test)]
mod locale_rules;

/// Placeholders whose value is a count of the thing the text names beside
/// it ("{count} virksomheder", "{days} dage", "højst {max} tegn"). A message
/// that uses one must have plural forms, and that placeholder chooses the
/// form; its value is always a number. Other numbers in a message ("version
/// {version}", "{weight} %") take no plural.
pub const COUNT_PLACEHOLDERS: &[&str] = &[
    "count", "n", "total", "days", "hours", "minutes", "max", "min",
];

/// Placeholders whose value is a number that takes no plural ("version
/// {version}", "{weight} %", "mindst {minimum} dage" where the legal minimum
/// is always many days): given as text, they are still written with the
/// language's separators.
pub const NUMBER_PLACEHOLDERS: &[&str] = &[
    "employees",
    "minimum",
    "part",
    "percent",
    "social",
    "sum",
    "weight",
    "version",
];

/// One value to put into a message.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Arg<'a> {
    /// Shown as it is.
    Text(&'a str),
    /// Shown with the language's thousands separator.
    Integer(i64),
    /// Shown with the language's separators and decimal comma or point.
    Decimal(f64),
}

/// A message as a catalogue file holds it.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Source {
    Text(String),
    Plural(BTreeMap<String, String>),
}

#[derive(Debug)]
enum Message {
    Text(String),
    Plural {
        /// The placeholder whose value chooses the form.
        count: &'static str,
        forms: BTreeMap<&'static str, String>,
    },
}

type Catalogue = HashMap<String, Message>;

/// Every catalogue file, by language. A feature adds its file to both.
macro_rules! catalogue_files {
    ($lang:literal: $($area:literal),* $(,)?) => {
        &[$(($area, include_str!(concat!("../locales/", $lang, "/", $area, ".json")))),*]
    };
}

const DA_FILES: &[(&str, &str)] = catalogue_files!("da": "accounts", "tenders", "profiles", "search", "imports", "matching", "start", "notify", "bids");
const EN_FILES: &[(&str, &str)] = catalogue_files!("en": "accounts", "tenders", "profiles", "search", "imports", "matching", "start", "notify", "bids");

fn files(lang: Lang) -> &'static [(&'static str, &'static str)] {
    match lang {
        Lang::Da => DA_FILES,
        Lang::En => EN_FILES,
    }
}

fn plural_rules(lang: Lang) -> &'static PluralRules {
    static DA: OnceLock<PluralRules> = OnceLock::new();
    static EN: OnceLock<PluralRules> = OnceLock::new();
    let cell = match lang {
        Lang::Da => &DA,
        Lang::En => &EN,
    };
    cell.get_or_init(|| {
        let id: LanguageIdentifier = lang.code().parse().expect("a language code");
        PluralRules::create(id, PluralRuleType::CARDINAL)
            .unwrap_or_else(|e| panic!("no CLDR plural rules for {}: {e}", lang.code()))
    })
}

fn category_name(category: PluralCategory) -> &'static str {
    match category {
        PluralCategory::ZERO => "zero",
        PluralCategory::ONE => "one",
        PluralCategory::TWO => "two",
        PluralCategory::FEW => "few",
        PluralCategory::MANY => "many",
        PluralCategory::OTHER => "other",
    }
}

/// The plural categories CLDR defines for `lang`. `intl_pluralrules` has
/// the rules but no list of their categories, so we ask the rules about
/// numbers that reach every branch CLDR's rules test: whole numbers up to a
/// thousand, a million, and decimals with one and two digits.
pub fn plural_categories(lang: Lang) -> &'static BTreeSet<&'static str> {
    static DA: OnceLock<BTreeSet<&'static str>> = OnceLock::new();
    static EN: OnceLock<BTreeSet<&'static str>> = OnceLock::new();
    let cell = match lang {
        Lang::Da => &DA,
        Lang::En => &EN,
    };
    cell.get_or_init(|| {
        let rules = plural_rules(lang);
        let whole = (0..=1000).chain([1_000_000]).map(|n: i64| n.to_string());
        let decimals = (0..=20).flat_map(|n| {
            ["0", "1", "5", "00", "01", "50"].map(move |fraction| format!("{n}.{fraction}"))
        });
        whole
            .chain(decimals)
            .filter_map(|n| rules.select(n.as_str()).ok())
            .map(category_name)
            .collect()
    })
}

/// The count placeholders a text uses, in the order of `COUNT_PLACEHOLDERS`.
fn count_placeholders_in(text: &str) -> impl Iterator<Item = &'static str> + '_ {
    COUNT_PLACEHOLDERS
        .iter()
        .copied()
        .filter(move |name| text.contains(&format!("{{{name}}}")))
}

fn message(lang: Lang, key: &str, source: Source) -> Result<Message, String> {
    let forms = match source {
        Source::Text(text) => return Ok(Message::Text(text)),
        Source::Plural(forms) => forms,
    };
    let expected = plural_categories(lang);
    let given: BTreeSet<&str> = forms.keys().map(String::as_str).collect();
    if given != expected.iter().copied().collect() {
        return Err(format!(
            "{key}: {} plural forms must be exactly {expected:?}, not {given:?}",
            lang.code()
        ));
    }
    let count = forms
        .values()
        .find_map(|text| count_placeholders_in(text).next())
        .ok_or_else(|| {
            format!(
                "{key}: a plural message needs one of {COUNT_PLACEHOLDERS:?} to choose its form"
            )
        })?;
    let forms = forms
        .into_iter()
        .map(|(category, text)| {
            let known = expected
                .get(category.as_str())
                .expect("checked against the expected categories");
            (*known, text)
        })
        .collect();
    Ok(Message::Plural { count, forms })
}

/// Reads and merges the catalogue files of `lang`, or says everything that
/// is wrong with them.
fn load(lang: Lang) -> Result<Catalogue, Vec<String>> {
    let mut all = Catalogue::new();
    let mut problems = Vec::new();
    for (area, source) in files(lang) {
        let part: BTreeMap<String, Source> = match serde_json::from_str(source) {
            Ok(part) => part,
            Err(e) => {
                problems.push(format!(
                    "locales/{}/{area}.json is not a JSON object of texts and plural forms: {e}",
                    lang.code()
                ));
                continue;
            }
        };
        for (key, source) in part {
            match message(lang, &key, source) {
                Ok(message) => {
                    if all.insert(key.clone(), message).is_some() {
                        problems.push(format!(
                            "the key {key} is in two {} catalogues",
                            lang.code()
                        ));
                    }
                }
                Err(problem) => problems.push(problem),
            }
        }
    }
    if problems.is_empty() {
        Ok(all)
    } else {
        Err(problems)
    }
}

fn catalogue(lang: Lang) -> &'static Catalogue {
    static DA: OnceLock<Catalogue> = OnceLock::new();
    static EN: OnceLock<Catalogue> = OnceLock::new();
    let cell = match lang {
        Lang::Da => &DA,
        Lang::En => &EN,
    };
    cell.get_or_init(|| {
        load(lang).unwrap_or_else(|problems| {
            panic!("the {} catalogues are broken: {problems:#?}", lang.code())
        })
    })
}

/// A plural message was asked for without the count that chooses its form:
/// a bug in the caller, which the page tests catch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingCount {
    pub key: String,
    pub placeholder: &'static str,
}

impl std::fmt::Display for MissingCount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} has plural forms and needs the number {}=",
            self.key, self.placeholder
        )
    }
}

impl std::error::Error for MissingCount {}

fn shown(lang: Lang, arg: Arg) -> String {
    match arg {
        Arg::Text(text) => text.to_owned(),
        Arg::Integer(n) => format::integer(lang, n),
        Arg::Decimal(n) => format::decimal(lang, n),
    }
}

fn plural_form<'m>(
    lang: Lang,
    key: &str,
    count: &'static str,
    forms: &'m BTreeMap<&'static str, String>,
    args: &[(&str, Arg)],
) -> Result<&'m String, MissingCount> {
    let missing = || MissingCount {
        key: key.to_owned(),
        placeholder: count,
    };
    let value = args
        .iter()
        .find(|(name, _)| *name == count)
        .map(|(_, value)| *value)
        .ok_or_else(missing)?;
    let category = match value {
        Arg::Integer(n) => plural_rules(lang).select(n),
        Arg::Decimal(n) => plural_rules(lang).select(n.to_string().as_str()),
        Arg::Text(text) => plural_rules(lang).select(text),
    }
    .map_err(|_| missing())?;
    Ok(&forms[category_name(category)])
}

/// The message `key` in `lang` with its placeholders filled from `args`;
/// for a message with plural forms the count placeholder chooses the form.
/// A missing key shows as the key itself, so a gap is visible on the page
/// instead of silently blank (a test keeps the catalogues complete).
pub fn translate_args(lang: Lang, key: &str, args: &[(&str, Arg)]) -> Result<String, MissingCount> {
    let text = match catalogue(lang).get(key) {
        None => return Ok(key.to_owned()),
        Some(Message::Text(text)) => text,
        Some(Message::Plural { count, forms }) => plural_form(lang, key, count, forms, args)?,
    };
    let mut text = text.clone();
    for (name, value) in args {
        text = text.replace(&format!("{{{name}}}"), &shown(lang, *value));
    }
    Ok(text)
}

/// What the catalogue of `lang` knows of `key`: nothing (`None`), a text
/// (`Some(None)`), or plural forms chosen by the named count placeholder.
#[cfg(test)]
pub(crate) fn count_of(lang: Lang, key: &str) -> Option<Option<&'static str>> {
    catalogue(lang).get(key).map(|message| match message {
        Message::Text(_) => None,
        Message::Plural { count, .. } => Some(*count),
    })
}

/// The text for `key` in `lang`, for a message without placeholders. A
/// plural message asked for without its count shows as its key.
pub fn translate(lang: Lang, key: &str) -> String {
    translate_args(lang, key, &[]).unwrap_or_else(|_| key.to_owned())
}

/// The text for `key` with `{name}` placeholders filled with text. The
/// value of a count placeholder (`COUNT_PLACEHOLDERS`) is a number by
/// definition: it chooses the plural form and is shown as a number of the
/// language, as is the value of a `NUMBER_PLACEHOLDERS` one; every other
/// value (a CVR number, a code, a name) is shown as it is.
pub fn translate_with(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    let args: Vec<(&str, Arg)> = args
        .iter()
        .map(|(name, value)| (*name, text_arg(name, value)))
        .collect();
    translate_args(lang, key, &args).unwrap_or_else(|_| key.to_owned())
}

fn text_arg<'a>(name: &str, value: &'a str) -> Arg<'a> {
    if !COUNT_PLACEHOLDERS.contains(&name) && !NUMBER_PLACEHOLDERS.contains(&name) {
        return Arg::Text(value);
    }
    if let Ok(n) = value.parse::<i64>() {
        Arg::Integer(n)
    } else if let Ok(n) = value.parse::<f64>() {
        Arg::Decimal(n)
    } else {
        Arg::Text(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn danish_and_english_have_the_cldr_categories_one_and_other() {
        for lang in Lang::ALL {
            let categories: Vec<_> = plural_categories(lang).iter().copied().collect();
            assert_eq!(categories, ["one", "other"], "{}", lang.code());
        }
    }

    #[test]
    fn the_count_chooses_the_plural_form() {
        let da = |n| translate_args(Lang::Da, "directory.count", &[("count", Arg::Integer(n))]);
        let en = |n| translate_args(Lang::En, "directory.count", &[("count", Arg::Integer(n))]);
        assert_eq!(da(1).unwrap(), "1 virksomhed");
        assert_eq!(da(0).unwrap(), "0 virksomheder");
        assert_eq!(da(2_000_000).unwrap(), "2.000.000 virksomheder");
        assert_eq!(en(1).unwrap(), "1 enterprise");
        assert_eq!(en(2_000_000).unwrap(), "2,000,000 enterprises");
    }

    #[test]
    fn a_plural_message_without_its_count_is_an_error() {
        let error = translate_args(Lang::Da, "directory.count", &[]).unwrap_err();
        assert_eq!(error.placeholder, "count");
        assert_eq!(translate(Lang::Da, "directory.count"), "directory.count");
    }

    #[test]
    fn text_counts_are_numbers_and_other_text_stays_as_it_is() {
        let text = translate_with(Lang::Da, "error.too_long", &[("max", "20000")]);
        assert_eq!(text, "Må højst være 20.000 tegn");
        let text = translate_with(Lang::En, "error.too_long", &[("max", "1")]);
        assert_eq!(text, "Must be 1 character or fewer");
        let text = translate_with(
            Lang::Da,
            "error.target_group_employees.more_than_employees",
            &[("employees", "1200")],
        );
        assert!(text.ends_with("(1.200)"), "{text}");
        let text = translate_with(Lang::Da, "tenders.lot_number", &[("number", "12345674")]);
        assert_eq!(
            text, "Delaftale 12345674",
            "a value that is no number stays as it is"
        );
    }

    #[test]
    fn the_loader_refuses_missing_or_foreign_categories() {
        let missing = Source::Plural(BTreeMap::from([("other".into(), "{count} dage".into())]));
        assert!(
            message(Lang::Da, "k", missing)
                .unwrap_err()
                .contains("plural forms")
        );
        let foreign = Source::Plural(BTreeMap::from([
            ("one".into(), "{count} dag".into()),
            ("few".into(), "{count} dage".into()),
            ("other".into(), "{count} dage".into()),
        ]));
        assert!(
            message(Lang::En, "k", foreign)
                .unwrap_err()
                .contains("plural forms")
        );
        let no_count = Source::Plural(BTreeMap::from([
            ("one".into(), "en dag".into()),
            ("other".into(), "flere dage".into()),
        ]));
        assert!(
            message(Lang::Da, "k", no_count)
                .unwrap_err()
                .contains("choose its form")
        );
    }

    #[test]
    fn the_catalogues_load() {
        for lang in Lang::ALL {
            if let Err(problems) = load(lang) {
                panic!("{}: {problems:#?}", lang.code());
            }
        }
    }
}
