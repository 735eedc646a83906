//! Text analysis per language: every EU official language tantivy has a
//! stemmer for gets its own analyser (lower case, stop words, stemming);
//! any other language falls back to a plain lower-casing analyser, so its
//! words are still found in their exact form.

use std::ops::Range;
use std::sync::OnceLock;

use tantivy::tokenizer::{
    Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, StopWordFilter, TextAnalyzer,
    TokenStream, Tokenizer, TokenizerManager,
};

/// A language the index analyses text in: one of the stemmed EU languages,
/// or `Plain` for every other language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Analyser {
    code: &'static str,
    language: Option<Language>,
}

/// The EU official languages tantivy stems, by ISO 639-1 code. Danish and
/// English first: they are the platform's own languages.
const STEMMED: [(&str, Language); 13] = [
    ("da", Language::Danish),
    ("en", Language::English),
    ("de", Language::German),
    ("el", Language::Greek),
    ("es", Language::Spanish),
    ("fi", Language::Finnish),
    ("fr", Language::French),
    ("hu", Language::Hungarian),
    ("it", Language::Italian),
    ("nl", Language::Dutch),
    ("pt", Language::Portuguese),
    ("ro", Language::Romanian),
    ("sv", Language::Swedish),
];

const PLAIN: Analyser = Analyser {
    code: "plain",
    language: None,
};

/// Words longer than this are not words (base64, URLs) and only bloat the
/// index.
const LONGEST_WORD: usize = 40;

impl Analyser {
    /// Every analyser, stemmed ones first: the index has one text field per
    /// analyser.
    pub fn all() -> impl Iterator<Item = Analyser> {
        STEMMED
            .iter()
            .map(|(code, language)| Analyser {
                code,
                language: Some(*language),
            })
            .chain(std::iter::once(PLAIN))
    }

    /// The analyser for a text written in `lang` (ISO 639-1, any case).
    pub fn for_language(lang: &str) -> Analyser {
        let lang = lang.trim().to_ascii_lowercase();
        Analyser::all()
            .find(|a| a.language.is_some() && a.code == lang)
            .unwrap_or(PLAIN)
    }

    /// `da`, `en`, …, or `plain`.
    pub fn code(self) -> &'static str {
        self.code
    }

    pub(crate) fn tokenizer_name(self) -> String {
        format!("socialbid_{}", self.code)
    }

    /// The analyser, built once (stop-word sets and stemmers are costly
    /// to build) and cloned for each use.
    pub(crate) fn text_analyzer(self) -> TextAnalyzer {
        static BUILT: OnceLock<Vec<(Analyser, TextAnalyzer)>> = OnceLock::new();
        BUILT
            .get_or_init(|| Analyser::all().map(|a| (a, a.build())).collect())
            .iter()
            .find(|(a, _)| *a == self)
            .map(|(_, analyzer)| analyzer.clone())
            .expect("every analyser is built")
    }

    fn build(self) -> TextAnalyzer {
        let base = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(LONGEST_WORD))
            .filter(LowerCaser);
        match self.language {
            Some(language) => {
                let stop_words = StopWordFilter::new(language)
                    .unwrap_or_else(|| StopWordFilter::remove(Vec::new()));
                base.filter(stop_words)
                    .filter(Stemmer::new(language))
                    .build()
            }
            None => base.build(),
        }
    }

    /// The terms this analyser makes of `text`, in order.
    pub fn terms(self, text: &str) -> Vec<String> {
        self.terms_with_offsets(text)
            .into_iter()
            .map(|(term, _)| term)
            .collect()
    }

    /// The terms of `text` in order, each with the byte range of the word
    /// it was made from.
    pub(crate) fn terms_with_offsets(self, text: &str) -> Vec<(String, Range<usize>)> {
        let mut analyzer = self.text_analyzer();
        let mut stream = analyzer.token_stream(text);
        let mut terms = Vec::new();
        while stream.advance() {
            let token = stream.token();
            terms.push((token.text.clone(), token.offset_from..token.offset_to));
        }
        terms
    }
}

/// The words of `text` as every analyser's tokenizer splits it, before its
/// filters; each filter takes one word at a time, so a word's terms are
/// those of `terms` on the word alone.
pub(crate) fn words(text: &str) -> Vec<&str> {
    let mut tokenizer = SimpleTokenizer::default();
    let mut stream = tokenizer.token_stream(text);
    let mut words = Vec::new();
    while stream.advance() {
        let token = stream.token();
        words.push(&text[token.offset_from..token.offset_to]);
    }
    words
}

pub(crate) fn register(tokenizers: &TokenizerManager) {
    for analyser in Analyser::all() {
        tokenizers.register(&analyser.tokenizer_name(), analyser.text_analyzer());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn danish_word_forms_share_a_stem() {
        let da = Analyser::for_language("da");
        assert_eq!(da.terms("skolerne"), da.terms("skole"));
        assert_eq!(da.terms("Kommunernes"), da.terms("kommune"));
        assert!(da.terms("og i til").is_empty(), "stop words are dropped");
    }

    #[test]
    fn english_word_forms_share_a_stem() {
        let en = Analyser::for_language("EN");
        assert_eq!(en.terms("employment"), en.terms("employ"));
        assert_eq!(en.terms("the"), Vec::<String>::new());
    }

    #[test]
    fn terms_point_back_at_the_words_they_came_from() {
        let text = "Rengøring af Skolerne, daglig";
        let da = Analyser::for_language("da");
        let words: Vec<&str> = da
            .terms_with_offsets(text)
            .into_iter()
            .map(|(_, word)| &text[word])
            .collect();
        assert_eq!(
            words,
            ["Rengøring", "Skolerne", "daglig"],
            "af is a stop word"
        );
    }

    #[test]
    fn other_eu_languages_are_stemmed_or_kept_plain() {
        let fr = Analyser::for_language("fr");
        assert_eq!(fr.code(), "fr");
        assert_eq!(fr.terms("nettoyages"), fr.terms("nettoyage"));
        let pl = Analyser::for_language("pl");
        assert_eq!(pl.code(), "plain");
        assert_eq!(pl.terms("Sprzątanie Biur"), ["sprzątanie", "biur"]);
    }
}
