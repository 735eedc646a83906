//! Small builders for the tantivy queries search and matching share.

use std::ops::Bound;

use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, Occur, Query, RangeQuery,
    TermQuery,
};
use tantivy::schema::{Facet, Field, IndexRecordOption};

use crate::analysis::Analyser;
use crate::schema::{LanguageFields, TreeFields};
use crate::tree::{facet, levels};
use crate::word_forms::AnyForm;

pub(crate) type Q = Box<dyn Query>;

/// A query as many words as a search box may carry; the rest is ignored.
pub const MAX_WORDS: usize = 32;

pub(crate) fn term(field: Field, text: &str) -> Q {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::Basic,
    ))
}

pub(crate) fn flat_facet(field: Field, code: &str) -> Q {
    Box::new(TermQuery::new(
        Term::from_facet(field, &Facet::from_path([code])),
        IndexRecordOption::Basic,
    ))
}

/// Documents with a code at or beneath `key`.
pub(crate) fn beneath(tree: TreeFields, key: &str) -> Q {
    Box::new(TermQuery::new(
        Term::from_facet(tree.facet, &facet(key)),
        IndexRecordOption::Basic,
    ))
}

/// Documents with a code at or above `key` (`DK` and `DK01` for `DK011`).
pub(crate) fn above(tree: TreeFields, key: &str) -> Q {
    any_of(
        levels(key)
            .into_iter()
            .map(|k| term(tree.exact, k))
            .collect(),
    )
}

/// Documents with a code anywhere on `key`'s branch, above or beneath.
pub(crate) fn along(tree: TreeFields, key: &str) -> Q {
    any_of(vec![beneath(tree, key), above(tree, key)])
}

/// Matches when any part matches; never matches when there is none.
pub(crate) fn any_of(parts: Vec<Q>) -> Q {
    if parts.is_empty() {
        return Box::new(EmptyQuery);
    }
    Box::new(BooleanQuery::new(
        parts.into_iter().map(|q| (Occur::Should, q)).collect(),
    ))
}

/// Restricts without changing the score.
pub(crate) fn filter(query: Q) -> (Occur, Q) {
    (Occur::Must, Box::new(ConstScoreQuery::new(query, 0.0)))
}

pub(crate) fn scored(query: Q, score: f32) -> Q {
    Box::new(ConstScoreQuery::new(query, score))
}

pub(crate) fn u64_range(field: Field, min: Option<u64>, max: Option<u64>) -> Q {
    let bound = |v: Option<u64>| match v {
        Some(v) => Bound::Included(Term::from_field_u64(field, v)),
        None => Bound::Unbounded,
    };
    if min.is_none() && max.is_none() {
        return Box::new(AllQuery);
    }
    Box::new(RangeQuery::new(bound(min), bound(max)))
}

pub(crate) fn i64_range(field: Field, min: Option<i64>, max: Option<i64>) -> Q {
    let bound = |v: Option<i64>| match v {
        Some(v) => Bound::Included(Term::from_field_i64(field, v)),
        None => Bound::Unbounded,
    };
    if min.is_none() && max.is_none() {
        return Box::new(AllQuery);
    }
    Box::new(RangeQuery::new(bound(min), bound(max)))
}

/// Every word must be found, in any language: each word is analysed by
/// every analyser and looked up in that analyser's fields (each with its
/// boost). A word that is a stop word in any language is left out: were
/// it kept, the fields of the languages that drop it could never match.
/// `None` when the words hold nothing to search for.
pub(crate) fn words(text: &str, fields: &[(&LanguageFields, f32)]) -> Option<Q> {
    let clauses: Vec<(Occur, Q)> = text
        .split_whitespace()
        .take(MAX_WORDS)
        .filter_map(|word| forms(word, fields))
        .filter(|forms| !forms.is_empty())
        .map(|forms| (Occur::Must, Box::new(AnyForm { forms }) as Q))
        .collect();
    (!clauses.is_empty()).then(|| Box::new(BooleanQuery::new(clauses)) as Q)
}

/// The forms of one word: its term in each analyser, looked up in that
/// analyser's field of each of `fields`, with the field's boost. `None`
/// when an analyser drops the word (a stop word).
pub(crate) fn forms(word: &str, fields: &[(&LanguageFields, f32)]) -> Option<Vec<Q>> {
    let analysed: Vec<(Analyser, Vec<String>)> =
        Analyser::all().map(|a| (a, a.terms(word))).collect();
    if analysed.iter().any(|(_, terms)| terms.is_empty()) {
        return None;
    }
    let mut forms: Vec<Q> = Vec::new();
    for (analyser, terms) in analysed {
        for term_text in terms {
            for (language_fields, boost) in fields {
                let field = language_fields.field(analyser);
                let query = TermQuery::new(
                    Term::from_field_text(field, &term_text),
                    IndexRecordOption::WithFreqs,
                );
                forms.push(Box::new(BoostQuery::new(Box::new(query), *boost)));
            }
        }
    }
    Some(forms)
}
