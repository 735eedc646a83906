//! Rules over the catalogues that a translator can break without any page
//! failing: a count without plural forms, a number without the language's
//! separators, a key or placeholder that exists in one language only, and a
//! Danish quotation in English quotation marks.

use std::collections::{BTreeMap, BTreeSet};

use super::{COUNT_PLACEHOLDERS, Catalogue, Lang, Message, load};

/// Numbers written as digits on purpose, with the reason.
const DIGITS_ON_PURPOSE: &[(&str, &str, &str)] = &[
    (
        "tenders.cpv.search_hint",
        "9091",
        "the start of a CPV code, as a person types it into the search",
    ),
    (
        "form.national_id_hint",
        "12345",
        "a German register number (HRB 12345), as the register writes it",
    ),
    (
        "form.national_id_hint",
        "802456",
        "a Swedish organisation number (802456-1234), as the register writes it",
    ),
    (
        "form.national_id_hint",
        "1234",
        "a Swedish organisation number (802456-1234), as the register writes it",
    ),
    (
        "form.vat_hint",
        "123456789",
        "a VAT number (DE123456789), written without separators",
    ),
];

/// Numbers of four or more digits that are not amounts and are written
/// without separators in every language: codes and years.
fn is_code_or_year(key: &str, digits: &str, text: &str) -> bool {
    if DIGITS_ON_PURPOSE
        .iter()
        .any(|(k, d, _)| *k == key && *d == digits)
    {
        return true;
    }
    let year = digits.len() == 4 && (digits.starts_with("19") || digits.starts_with("20"));
    // CPV codes have eight digits ("85311000", "85311000-2"), NUTS codes
    // follow "DK", and CVR numbers have eight digits.
    let code = digits.len() == 8;
    let nuts = text.contains(&format!("DK{digits}"));
    year || code || nuts
}

fn catalogue(lang: Lang) -> Catalogue {
    load(lang).unwrap_or_else(|problems| panic!("{}: {problems:#?}", lang.code()))
}

fn texts(message: &Message) -> Vec<&str> {
    match message {
        Message::Text(text) => vec![text.as_str()],
        Message::Plural { forms, .. } => forms.values().map(String::as_str).collect(),
    }
}

/// Every `{name}` in a text.
fn placeholders(text: &str) -> BTreeSet<&str> {
    text.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .filter(|name| !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        .collect()
}

fn sorted(catalogue: &Catalogue) -> BTreeMap<&str, &Message> {
    catalogue.iter().map(|(k, m)| (k.as_str(), m)).collect()
}

/// What is wrong with the counts of one message.
fn count_problem(key: &str, message: &Message) -> Option<String> {
    let counts: BTreeSet<&str> = texts(message)
        .into_iter()
        .flat_map(placeholders)
        .filter(|name| COUNT_PLACEHOLDERS.contains(name))
        .collect();
    match message {
        Message::Text(_) if !counts.is_empty() => Some(format!(
            "{key} shows the count {counts:?} but has no plural forms"
        )),
        Message::Plural { .. } if counts.len() > 1 => Some(format!(
            "{key} has the counts {counts:?}; one plural message can follow only one count, so split it"
        )),
        _ => None,
    }
}

/// Runs of digits in a text, outside placeholders, with what stands
/// around them.
fn numbers(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut runs = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at].is_ascii_digit() {
            let start = at;
            while at < bytes.len() && bytes[at].is_ascii_digit() {
                at += 1;
            }
            runs.push((start, at));
        } else {
            at += 1;
        }
    }
    runs
}

/// What is wrong with the way a text writes its numbers: four or more
/// digits without separators ("20000" for "20.000"), or the other
/// language's thousands separator ("20,000" in Danish).
fn number_problems(lang: Lang, key: &str, text: &str) -> Vec<String> {
    let wrong_separator = match lang {
        Lang::Da => b',',
        Lang::En => b'.',
    };
    let bytes = text.as_bytes();
    let mut problems = Vec::new();
    for (start, end) in numbers(text) {
        let digits = &text[start..end];
        if digits.len() >= 4 && !is_code_or_year(key, digits, text) {
            problems.push(format!(
                "{key} ({}): \"{digits}\" needs thousands separators",
                lang.code()
            ));
        }
        let grouped_after_wrong_separator = start >= 2
            && bytes[start - 1] == wrong_separator
            && bytes[start - 2].is_ascii_digit()
            && digits.len() == 3;
        if grouped_after_wrong_separator {
            problems.push(format!(
                "{key} ({}): \"{}\" uses the other language's thousands separator",
                lang.code(),
                &text[start.saturating_sub(4)..end]
            ));
        }
    }
    problems
}

#[test]
fn every_count_has_plural_forms() {
    let mut problems = Vec::new();
    for lang in Lang::ALL {
        for (key, message) in sorted(&catalogue(lang)) {
            problems.extend(count_problem(key, message).map(|p| format!("{p} ({})", lang.code())));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn every_number_has_the_language_separators() {
    let mut problems = Vec::new();
    for lang in Lang::ALL {
        for (key, message) in sorted(&catalogue(lang)) {
            for text in texts(message) {
                problems.extend(number_problems(lang, key, text));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

/// Danish quotes »like this«; straight, curly and single quotation marks
/// around a word are English habits (an apostrophe inside a word, as in
/// "CPV'en", stays allowed).
fn quote_problem(key: &str, text: &str) -> Option<String> {
    let english_marks = text.contains(['"', '“', '”', '„']);
    let chars: Vec<char> = text.chars().collect();
    // A single quotation mark that opens a quotation: nothing of a word
    // before it, a word (or a placeholder) after it.
    let single_quote_opens = chars.windows(2).enumerate().any(|(i, pair)| {
        let before_is_word = i > 0 && chars[i - 1].is_alphanumeric();
        pair[0] == '\'' && !before_is_word && (pair[1].is_alphanumeric() || pair[1] == '{')
    });
    (english_marks || single_quote_opens)
        .then(|| format!("{key}: Danish quotes »like this«: {text}"))
}

#[test]
fn danish_quotes_like_this() {
    let problems: Vec<String> = sorted(&catalogue(Lang::Da))
        .into_iter()
        .flat_map(|(key, message)| {
            texts(message)
                .into_iter()
                .filter_map(move |t| quote_problem(key, t))
        })
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn both_languages_have_the_same_keys_and_placeholders() {
    let da = catalogue(Lang::Da);
    let en = catalogue(Lang::En);
    let mut problems = Vec::new();
    for key in da.keys().filter(|k| !en.contains_key(*k)) {
        problems.push(format!("{key} is only in Danish"));
    }
    for key in en.keys().filter(|k| !da.contains_key(*k)) {
        problems.push(format!("{key} is only in English"));
    }
    for (key, da_message) in sorted(&da) {
        let Some(en_message) = en.get(key) else {
            continue;
        };
        let da_names: BTreeSet<&str> = texts(da_message)
            .into_iter()
            .flat_map(placeholders)
            .collect();
        let en_names: BTreeSet<&str> = texts(en_message)
            .into_iter()
            .flat_map(placeholders)
            .collect();
        if da_names != en_names {
            problems.push(format!(
                "{key}: Danish has {da_names:?}, English {en_names:?}"
            ));
        }
    }
    problems.sort();
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn the_rules_catch_what_they_are_for() {
    let text = |t: &str| Message::Text(t.into());
    assert!(count_problem("k", &text("{count} virksomheder")).is_some());
    assert!(count_problem("k", &text("Højst {max} tegn")).is_some());
    assert!(count_problem("k", &text("Version {version}")).is_none());
    let two_counts = Message::Plural {
        count: "days",
        forms: BTreeMap::from([
            ("one", "{days} dag, mindst {min}".to_owned()),
            ("other", "{days} dage, mindst {min}".to_owned()),
        ]),
    };
    assert!(count_problem("k", &two_counts).is_some());

    assert_eq!(number_problems(Lang::Da, "k", "Højst 20000 tegn").len(), 1);
    assert!(number_problems(Lang::Da, "k", "Højst 20.000 tegn").is_empty());
    assert_eq!(number_problems(Lang::Da, "k", "Højst 20,000 tegn").len(), 1);
    assert!(number_problems(Lang::En, "k", "At most 20,000 characters").is_empty());
    assert_eq!(
        number_problems(Lang::En, "k", "At most 20.000 characters").len(),
        1
    );
    assert!(number_problems(Lang::Da, "k", "Stiftet 2019, CPV 85311000").is_empty());
    assert!(number_problems(Lang::Da, "k", "Beløbet er 1.234,5 kr.").is_empty());

    assert!(quote_problem("k", "Resultater for 'rengøring'").is_some());
    assert!(quote_problem("k", "Start med \"- \"").is_some());
    assert!(quote_problem("k", "Resultater for »{query}«").is_none());
    assert!(quote_problem("k", "Vælg CPV'en").is_none());
}
