//! The forms of one searched word (its term in each analyser, in the title
//! and in the body) as one clause: it matches a document holding any form
//! and scores it with the sum of theirs, as a `BooleanQuery` of `Should`
//! clauses would.
//!
//! Why not that `BooleanQuery`: tantivy makes it a buffered union, which on
//! every jump forward scores all the forms' documents in the next 4,096.
//! Within an intersection (the other words and every filter) it jumps for
//! nearly every candidate, and over a million tenders that was most of a
//! search. Here each form moves only as far as asked, and a document is
//! scored only when the search asks for its score.

use tantivy::query::{EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, TantivyError, Term};

#[derive(Debug)]
pub(crate) struct AnyForm {
    pub forms: Vec<Box<dyn Query>>,
}

impl Clone for AnyForm {
    fn clone(&self) -> AnyForm {
        AnyForm {
            forms: self.forms.iter().map(|form| form.box_clone()).collect(),
        }
    }
}

impl Query for AnyForm {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let forms = self
            .forms
            .iter()
            .map(|form| form.weight(enable_scoring))
            .collect::<tantivy::Result<_>>()?;
        Ok(Box::new(AnyFormWeight { forms }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for form in &self.forms {
            form.query_terms(visitor);
        }
    }
}

struct AnyFormWeight {
    forms: Vec<Box<dyn Weight>>,
}

impl Weight for AnyFormWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut scorers = Vec::with_capacity(self.forms.len());
        for form in &self.forms {
            let scorer = form.scorer(reader, boost)?;
            // Most forms are absent from a segment: a word's Danish stem in
            // the English fields, say.
            if scorer.doc() != TERMINATED {
                scorers.push(scorer);
            }
        }
        Ok(match scorers.len() {
            0 => Box::new(EmptyScorer),
            1 => scorers.pop().expect("one scorer"),
            _ => Box::new(Union::new(scorers)),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "document #{doc} holds no form of the word"
            )));
        }
        let mut explanation = Explanation::new("the sum of the forms found", scorer.score());
        for form in &self.forms {
            if let Ok(detail) = form.explain(reader, doc) {
                explanation.add_detail(detail);
            }
        }
        Ok(explanation)
    }
}

/// The union of a few scorers, each positioned on or after `doc`.
struct Union {
    scorers: Vec<Box<dyn Scorer>>,
    doc: DocId,
}

impl Union {
    fn new(scorers: Vec<Box<dyn Scorer>>) -> Union {
        let doc = first(&scorers);
        Union { scorers, doc }
    }
}

fn first(scorers: &[Box<dyn Scorer>]) -> DocId {
    scorers.iter().map(|s| s.doc()).min().unwrap_or(TERMINATED)
}

impl DocSet for Union {
    fn advance(&mut self) -> DocId {
        for scorer in &mut self.scorers {
            if scorer.doc() == self.doc {
                scorer.advance();
            }
        }
        self.doc = first(&self.scorers);
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        for scorer in &mut self.scorers {
            if scorer.doc() < target {
                scorer.seek(target);
            }
        }
        self.doc = first(&self.scorers);
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.scorers
            .iter()
            .map(|s| s.size_hint())
            .max()
            .unwrap_or(0)
    }

    fn cost(&self) -> u64 {
        self.scorers.iter().map(|s| s.cost()).sum()
    }
}

impl Scorer for Union {
    fn score(&mut self) -> Score {
        let doc = self.doc;
        self.scorers
            .iter_mut()
            .filter(|s| s.doc() == doc)
            .map(|s| s.score())
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::TopDocs;
    use tantivy::query::{BooleanQuery, Occur};

    use super::*;
    use crate::docs::TenderDoc;
    use crate::index::TenderIndex;
    use crate::query;
    use crate::test_support::*;

    const WORDS: [&str; 8] = [
        "rengøring",
        "skoler",
        "cleaning",
        "schools",
        "kantine",
        "canteen",
        "park",
        "parker",
    ];

    /// Tenders holding a few of the words each, in either language, in the
    /// title or the body: some a word's every form, most only some.
    fn tenders() -> Vec<TenderDoc> {
        (1..=400u64)
            .map(|id| {
                let pick = |salt: u64| WORDS[((id * 7 + salt * 13) % 8) as usize];
                let lang = if id % 3 == 0 { "en" } else { "da" };
                let title = format!("{} {}", pick(1), pick(id % 5));
                let body = if id % 4 == 0 {
                    String::new()
                } else {
                    pick(id % 7).to_owned()
                };
                tender(id, lang, &title, &body)
            })
            .collect()
    }

    /// The forms of `word`, as a search asks for them.
    fn forms(index: &TenderIndex, word: &str) -> Vec<Box<dyn Query>> {
        let f = &index.fields;
        query::forms(word, &[(&f.title, 2.0), (&f.body, 1.0)]).expect("no stop word")
    }

    #[test]
    fn finds_and_scores_what_a_boolean_union_does_inside_an_intersection() {
        let index = TenderIndex::in_ram().unwrap();
        for doc in tenders() {
            index.upsert(&doc).unwrap();
        }
        index.commit_with_payload(None).unwrap();
        let searcher = index.searcher();
        let all = TopDocs::with_limit(400).order_by_score();
        for (first, second) in [
            ("skole", "rengøring"),
            ("park", "cleaning"),
            ("kantine", ""),
        ] {
            let query = |union: &dyn Fn(Vec<Box<dyn Query>>) -> Box<dyn Query>| {
                let mut clauses = vec![(Occur::Must, union(forms(&index, first)))];
                if !second.is_empty() {
                    clauses.push((Occur::Must, union(forms(&index, second))));
                }
                BooleanQuery::new(clauses)
            };
            let ours = searcher
                .search(&query(&|forms| Box::new(AnyForm { forms })), &all)
                .unwrap();
            let boolean = searcher.search(&query(&query::any_of), &all).unwrap();
            assert!(!ours.is_empty(), "{first} {second} finds something");
            assert_eq!(ours.len(), boolean.len(), "{first} {second}");
            for ((score, address), (expected, at)) in ours.iter().zip(&boolean) {
                assert_eq!(address, at, "{first} {second}");
                assert!(
                    (score - expected).abs() < 1e-5,
                    "{score} against {expected}"
                );
            }
        }
    }
}
