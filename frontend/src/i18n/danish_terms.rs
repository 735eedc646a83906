//! The Danish of the procurement act (udbudsloven) and of plain Danish
//! (klarsprog), checked over every Danish message and every Danish eForms
//! label a page shows: words a Danish buyer would not use, each with the
//! word to use instead.

use socialbid_codes::eforms;

use super::{Lang, Message, load};

/// How a banned word is found in a text.
#[derive(Clone, Copy)]
enum Match {
    /// The words exactly, not inside a longer word ("give tilbud" but not
    /// "afgive tilbud").
    Words,
    /// Any word that starts with it ("reserv" finds "reserverede").
    Prefix,
}

/// Words the Danish pages never use: (what, how it is found, what to write
/// instead and why).
const BANNED: &[(&str, Match, &str)] = &[
    (
        "reserv",
        Match::Prefix,
        "forbeholdt deltagelse, forbeholdte kontrakter (udbudsloven § 20)",
    ),
    (
        "forbehold",
        Match::Words,
        "forbeholdt deltagelse; et forbehold er en tilbudsgivers forbehold over for udbudsbetingelserne",
    ),
    ("offentlig køber", Match::Words, "ordregiver"),
    ("offentlige købere", Match::Words, "ordregivere"),
    (
        "social virksomhed",
        Match::Words,
        "socialøkonomisk virksomhed",
    ),
    (
        "sociale virksomheder",
        Match::Words,
        "socialøkonomiske virksomheder",
    ),
    ("myndighedsbruger", Match::Prefix, "indkøber"),
    ("revisionslog", Match::Prefix, "log over afgørelser"),
    ("strategiske udbud", Match::Words, "strategisk indkøb"),
    ("frist for tilbud", Match::Words, "tilbudsfrist"),
    ("fristen for tilbud", Match::Words, "tilbudsfristen"),
    ("give tilbud", Match::Words, "afgive tilbud"),
    ("giv tilbud", Match::Words, "afgiv tilbud"),
    ("ugyldig", Match::Prefix, "sig, hvad der er galt (UI.md)"),
    (
        "venligst",
        Match::Words,
        "en opfordring uden høflighedsord (UI.md)",
    ),
    (
        "påkrævet",
        Match::Words,
        "»Indtast ...« eller »Vælg ...« (UI.md)",
    ),
];

/// Where `word` stands in `text` as `how` finds it (both in lower case).
fn finds(text: &str, word: &str, how: Match) -> bool {
    let is_letter = |c: Option<char>| c.is_some_and(char::is_alphabetic);
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !is_letter(before)
            && match how {
                Match::Words => !is_letter(after),
                Match::Prefix => true,
            }
    })
}

/// What is wrong with the words of one Danish text.
fn word_problems(key: &str, text: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    BANNED
        .iter()
        .filter(|(word, how, _)| finds(&lower, word, *how))
        .map(|(word, _, instead)| format!("{key}: »{word}« in »{text}«; write {instead}"))
        .collect()
}

#[test]
fn danish_messages_use_the_words_of_the_procurement_act() {
    let catalogue = load(Lang::Da).unwrap_or_else(|problems| panic!("{problems:#?}"));
    let mut problems = Vec::new();
    for (key, message) in &catalogue {
        let texts: Vec<&str> = match message {
            Message::Text(text) => vec![text.as_str()],
            Message::Plural { forms, .. } => forms.values().map(String::as_str).collect(),
        };
        for text in texts {
            problems.extend(word_problems(key, text));
        }
    }
    problems.sort();
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn danish_eforms_labels_use_the_words_of_the_procurement_act() {
    let lists = [
        ("procedure", eforms::procedure_types()),
        ("contract nature", eforms::contract_natures()),
        ("strategic procurement", eforms::strategic_procurement()),
        ("reserved procurement", eforms::reserved_procurement()),
        ("social objective", eforms::social_objectives()),
    ];
    let mut problems = Vec::new();
    for (list, codes) in lists {
        for code in codes.codes() {
            let key = format!("{list} {}", code.code);
            problems.extend(word_problems(&key, code.label(Lang::Da)));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn the_word_rules_catch_what_they_are_for() {
    assert_eq!(
        word_problems("k", "Kan byde på reserverede kontrakter").len(),
        1
    );
    assert_eq!(word_problems("k", "Uanset reservation").len(), 1);
    assert_eq!(word_problems("k", "Deltagelse uden forbehold.").len(), 1);
    assert!(word_problems("k", "Forbeholdt beskyttede værksteder m.fl.").is_empty());
    assert_eq!(
        word_problems("k", "Jeg repræsenterer en social virksomhed").len(),
        1
    );
    assert!(word_problems("k", "Jeg repræsenterer en socialøkonomisk virksomhed").is_empty());
    assert_eq!(word_problems("k", "Giv tilbud alene").len(), 1);
    assert!(word_problems("k", "Afgiv tilbud alene").is_empty());
    assert!(word_problems("k", "for at afgive tilbud").is_empty());
    assert_eq!(word_problems("k", "Godkend myndighedsbrugere").len(), 1);
    assert_eq!(word_problems("k", "En offentlig køber kan").len(), 1);
    assert_eq!(word_problems("k", "Frist for tilbud").len(), 1);
    assert!(word_problems("k", "Tilbudsfrist").is_empty());
}
