//! A query narrowed to the documents whose i64 fast field holds at least
//! a value, read from the column for each document the query finds.
//!
//! Why not a `RangeQuery` on the fast field beside it: tantivy's range
//! scorer finds its first match when it is made, scanning the column from
//! the segment's first document. The open tenders are the newest, at the
//! end of each segment, so every search among them read nearly a whole
//! column of deadlines before its first candidate. Here the narrowed query
//! (the published tenders) leads, and a deadline is read only for the
//! documents it finds.

use tantivy::columnar::Column;
use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::Field;
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, TantivyError, Term};

#[derive(Debug)]
pub(crate) struct AtLeast {
    pub query: Box<dyn Query>,
    /// An i64 fast field.
    pub field: Field,
    pub min: i64,
}

impl Clone for AtLeast {
    fn clone(&self) -> AtLeast {
        AtLeast {
            query: self.query.box_clone(),
            field: self.field,
            min: self.min,
        }
    }
}

impl Query for AtLeast {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(AtLeastWeight {
            query: self.query.weight(enable_scoring)?,
            field: self.field,
            min: self.min,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.query.query_terms(visitor);
    }
}

struct AtLeastWeight {
    query: Box<dyn Weight>,
    field: Field,
    min: i64,
}

impl Weight for AtLeastWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let name = reader.schema().get_field_name(self.field);
        let mut scorer = AtLeastScorer {
            found: self.query.scorer(reader, boost)?,
            column: reader.fast_fields().i64(name)?,
            min: self.min,
        };
        scorer.settle();
        Ok(Box::new(scorer))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "document #{doc} is not found or holds less than {}",
                self.min
            )));
        }
        Ok(Explanation::new(
            "found, and holding at least the minimum",
            scorer.score(),
        ))
    }
}

struct AtLeastScorer {
    found: Box<dyn Scorer>,
    column: Column<i64>,
    min: i64,
}

impl AtLeastScorer {
    /// Moves on from the current document to the first one that holds
    /// enough.
    fn settle(&mut self) -> DocId {
        let mut doc = self.found.doc();
        while doc != TERMINATED && !self.column.values_for_doc(doc).any(|v| v >= self.min) {
            doc = self.found.advance();
        }
        doc
    }
}

impl DocSet for AtLeastScorer {
    fn advance(&mut self) -> DocId {
        self.found.advance();
        self.settle()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.found.seek(target);
        self.settle()
    }

    fn doc(&self) -> DocId {
        self.found.doc()
    }

    fn size_hint(&self) -> u32 {
        self.found.size_hint()
    }

    fn cost(&self) -> u64 {
        self.found.cost()
    }
}

impl Scorer for AtLeastScorer {
    fn score(&mut self) -> Score {
        self.found.score()
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::DocSetCollector;

    use super::*;
    use crate::docs::TenderStatus;
    use crate::index::TenderIndex;
    use crate::query;
    use crate::test_support::*;

    /// Only the documents the query finds that hold enough, whichever
    /// way the scorer is moved.
    #[test]
    fn finds_what_the_query_finds_holding_at_least_the_value() {
        let index = TenderIndex::in_ram().unwrap();
        for id in 1..=300u64 {
            let mut t = tender(id, "da", "rengøring", "");
            t.deadline = id as i64 * 10;
            if id % 3 == 0 {
                t.status = TenderStatus::Closed;
            }
            index.upsert(&t).unwrap();
        }
        index.commit_with_payload(None).unwrap();
        let f = &index.fields;
        let narrowed = AtLeast {
            query: query::term(f.status, TenderStatus::Published.code()),
            field: f.deadline,
            min: 2_005,
        };
        let searcher = index.searcher();
        let mut ids: Vec<i64> = searcher
            .search(&narrowed, &DocSetCollector)
            .unwrap()
            .into_iter()
            .map(|address| {
                let reader = searcher.segment_reader(address.segment_ord);
                let column = reader.fast_fields().i64("deadline").unwrap();
                column.first(address.doc_id).unwrap() / 10
            })
            .collect();
        ids.sort();
        let expected: Vec<i64> = (201..=300).filter(|id| id % 3 != 0).collect();
        assert_eq!(ids, expected);

        let weight = narrowed
            .weight(EnableScoring::disabled_from_searcher(&searcher))
            .unwrap();
        let reader = searcher.segment_reader(0);
        let mut scorer = weight.scorer(reader, 1.0).unwrap();
        let first = scorer.doc();
        assert_ne!(first, TERMINATED);
        let column = reader.fast_fields().i64("deadline").unwrap();
        let deadline = |doc| column.first(doc).unwrap();
        assert!(deadline(first) >= 2_005);
        // Seeking lands on a document that holds enough, at or after the
        // target; past the end, nothing.
        let landed = scorer.seek(first + 5);
        assert!(landed >= first + 5 && deadline(landed) >= 2_005);
        assert_eq!(scorer.seek(reader.max_doc()), TERMINATED);
    }
}
