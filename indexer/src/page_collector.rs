//! One pass over a search's hits that keeps the page, counts the total and
//! counts the facets, in place of a `MultiCollector` of `TopDocs`, `Count`
//! and one `FacetCollector` per facet level.
//!
//! Why: the generic collectors cost most of a search over a large index.
//! Each `FacetCollector` walks its field's whole facet dictionary per
//! segment and query to learn which ordinals fall under its level, and
//! every collector is called through a box for every hit. Here the
//! children of a level are found by a range of the (sorted) dictionary,
//! every hit is counted by one call, and a page sorted by deadline or
//! publication reads one fast field and computes no score at all.
//!
//! Equal keys are ordered by the document's own `id` field, never by where
//! the document happens to lie: two replicas (or one index before and after
//! a merge) hold the same documents in different segments, and a page must
//! not depend on that.

use std::cmp::{Ordering, Reverse};
use std::collections::{BTreeMap, BinaryHeap};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::fastfield::FacetReader;
use tantivy::schema::Facet;
use tantivy::{DocAddress, DocId, Order, Score, SegmentOrdinal, SegmentReader};

/// How the page is ordered.
#[derive(Clone, Copy)]
pub(crate) enum PageOrder<'a> {
    Relevance,
    /// By an `i64` fast field; documents without a value come last.
    Field(&'a str, Order),
}

/// A facet level whose children are counted: the field's name and the
/// level (the root for a flat facet).
pub(crate) struct FacetLevel {
    pub field: String,
    pub parent: Facet,
}

pub(crate) struct PageCollector<'a> {
    pub order: PageOrder<'a>,
    /// How many of the best hits to keep: the page's offset plus its length.
    pub keep: usize,
    pub facets: Vec<FacetLevel>,
}

/// What one search collected: the best hits (best first, with their score
/// when ordered by relevance), the total, and for each facet level its
/// children's codes (the last part of their path) and counts, by code.
/// A hit of the page: its score (when ranked by relevance), where it is
/// and its `id` field.
pub(crate) struct PageHit {
    pub score: Option<Score>,
    pub address: DocAddress,
    pub id: u64,
}

pub(crate) struct Page {
    pub hits: Vec<PageHit>,
    pub total: u64,
    pub facets: Vec<BTreeMap<String, u64>>,
}

/// A hit with its sort key (higher is better) and its tie-break (higher is
/// better too: see `tie_break`).
#[derive(Clone, Copy)]
pub(crate) struct Ranked {
    pub key: f64,
    pub tie: i128,
    pub score: Option<Score>,
    pub address: DocAddress,
}

impl Ranked {
    fn cmp_rank(&self, other: &Ranked) -> Ordering {
        self.key
            .total_cmp(&other.key)
            .then_with(|| self.tie.cmp(&other.tie))
            .then_with(|| other.address.cmp(&self.address))
    }
}

impl PageOrder<'_> {
    /// Among equal keys: a descending order (newest first) puts the later
    /// record, the higher id, first; every other order the earlier one.
    fn ties_descending(self) -> bool {
        matches!(self, PageOrder::Field(_, Order::Desc))
    }
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Ranked) -> bool {
        self.cmp_rank(other) == Ordering::Equal
    }
}

impl Eq for Ranked {}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Ranked) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ranked {
    fn cmp(&self, other: &Ranked) -> Ordering {
        self.cmp_rank(other)
    }
}

/// The best `keep` hits seen so far: a min-heap, so the worst kept hit is
/// the one to compare with and to drop.
pub(crate) struct Best {
    keep: usize,
    heap: BinaryHeap<Reverse<Ranked>>,
}

impl Best {
    pub(crate) fn new(keep: usize) -> Best {
        Best {
            keep,
            heap: BinaryHeap::with_capacity(keep + 1),
        }
    }

    pub(crate) fn offer(&mut self, hit: Ranked) {
        if self.heap.len() < self.keep {
            self.heap.push(Reverse(hit));
        } else if let Some(Reverse(worst)) = self.heap.peek()
            && hit > *worst
        {
            self.heap.pop();
            self.heap.push(Reverse(hit));
        }
    }

    /// The key a hit must beat to be kept, once `keep` hits are.
    pub(crate) fn worst_kept(&self) -> Option<f64> {
        if self.heap.len() < self.keep {
            return None;
        }
        self.heap.peek().map(|Reverse(worst)| worst.key)
    }

    /// What was kept, in no particular order.
    pub(crate) fn into_vec(self) -> Vec<Ranked> {
        self.heap.into_iter().map(|Reverse(hit)| hit).collect()
    }

    /// What was kept, the best first.
    pub(crate) fn into_best_first(self) -> Vec<Ranked> {
        self.heap
            .into_sorted_vec()
            .into_iter()
            .map(|Reverse(hit)| hit)
            .collect()
    }
}

/// One facet level in one segment: the dictionary ordinals beneath the
/// level form one range, and each maps to the child it lies under.
struct SegmentFacet {
    reader: FacetReader,
    first_ord: u64,
    child_of: Vec<u32>,
    children: Vec<String>,
    counts: Vec<u64>,
    /// The last document counted for each child, so a document with two
    /// codes under one child counts once.
    last_doc: Vec<DocId>,
}

impl SegmentFacet {
    fn new(reader: &SegmentReader, level: &FacetLevel) -> tantivy::Result<SegmentFacet> {
        let facets = reader.facet_reader(&level.field)?;
        let parent = level.parent.encoded_str().as_bytes().to_vec();
        // A facet's path is encoded with a 0 byte between levels, so
        // everything beneath `parent` starts with `parent` and a 0 byte,
        // and sorts before `parent` followed by a 1 byte.
        let (prefix, upper) = if parent.is_empty() {
            (Vec::new(), None)
        } else {
            let mut prefix = parent.clone();
            prefix.push(0);
            let mut upper = parent;
            upper.push(1);
            (prefix, Some(upper))
        };
        let mut range = facets.facet_dict().range().ge(&prefix);
        if let Some(upper) = &upper {
            range = range.lt(upper);
        }
        let mut stream = range.into_stream()?;
        let mut first_ord = None;
        let mut child_of = Vec::new();
        let mut children: Vec<String> = Vec::new();
        while stream.advance() {
            first_ord.get_or_insert(stream.term_ord());
            let below = &stream.key()[prefix.len()..];
            let child = below.split(|b| *b == 0).next().unwrap_or_default();
            let child = String::from_utf8_lossy(child);
            if children.last().map(String::as_str) != Some(child.as_ref()) {
                children.push(child.into_owned());
            }
            child_of.push(children.len() as u32 - 1);
        }
        Ok(SegmentFacet {
            reader: facets,
            first_ord: first_ord.unwrap_or(0),
            child_of,
            counts: vec![0; children.len()],
            last_doc: vec![DocId::MAX; children.len()],
            children,
        })
    }

    fn collect(&mut self, doc: DocId) {
        for ord in self.reader.facet_ords(doc) {
            let Some(index) = ord.checked_sub(self.first_ord) else {
                continue;
            };
            let Some(&child) = self.child_of.get(index as usize) else {
                continue;
            };
            let child = child as usize;
            if self.last_doc[child] != doc {
                self.last_doc[child] = doc;
                self.counts[child] += 1;
            }
        }
    }

    fn harvest(self) -> BTreeMap<String, u64> {
        self.children
            .into_iter()
            .zip(self.counts)
            .filter(|(_, count)| *count > 0)
            .collect()
    }
}

pub(crate) struct SegmentPage {
    segment: SegmentOrdinal,
    sort: Option<(Column<i64>, Order)>,
    ids: Column<u64>,
    ties_descending: bool,
    best: Best,
    total: u64,
    facets: Vec<SegmentFacet>,
}

pub(crate) struct SegmentFruit {
    best: Vec<Ranked>,
    total: u64,
    facets: Vec<BTreeMap<String, u64>>,
}

impl SegmentCollector for SegmentPage {
    type Fruit = SegmentFruit;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.total += 1;
        let (key, score) = match &self.sort {
            None => (f64::from(score), Some(score)),
            Some((column, order)) => {
                let key = match (column.first(doc), order) {
                    (Some(value), Order::Asc) => -(value as f64),
                    (Some(value), Order::Desc) => value as f64,
                    (None, _) => f64::NEG_INFINITY,
                };
                (key, None)
            }
        };
        let id = i128::from(self.ids.first(doc).unwrap_or(u64::MAX));
        self.best.offer(Ranked {
            key,
            tie: if self.ties_descending { id } else { -id },
            score,
            address: DocAddress::new(self.segment, doc),
        });
        for facet in &mut self.facets {
            facet.collect(doc);
        }
    }

    fn harvest(self) -> SegmentFruit {
        SegmentFruit {
            best: self.best.into_vec(),
            total: self.total,
            facets: self.facets.into_iter().map(SegmentFacet::harvest).collect(),
        }
    }
}

impl Collector for PageCollector<'_> {
    type Fruit = Page;
    type Child = SegmentPage;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentPage> {
        let sort = match self.order {
            PageOrder::Relevance => None,
            PageOrder::Field(field, order) => Some((reader.fast_fields().i64(field)?, order)),
        };
        Ok(SegmentPage {
            segment,
            sort,
            ids: reader.fast_fields().u64("id")?,
            ties_descending: self.order.ties_descending(),
            best: Best::new(self.keep),
            total: 0,
            facets: self
                .facets
                .iter()
                .map(|level| SegmentFacet::new(reader, level))
                .collect::<tantivy::Result<_>>()?,
        })
    }

    fn requires_scoring(&self) -> bool {
        matches!(self.order, PageOrder::Relevance)
    }

    fn merge_fruits(&self, fruits: Vec<SegmentFruit>) -> tantivy::Result<Page> {
        let mut best = Best::new(self.keep);
        let mut total = 0;
        let mut facets: Vec<BTreeMap<String, u64>> = vec![BTreeMap::new(); self.facets.len()];
        for fruit in fruits {
            total += fruit.total;
            fruit.best.into_iter().for_each(|hit| best.offer(hit));
            for (merged, counts) in facets.iter_mut().zip(fruit.facets) {
                for (code, count) in counts {
                    *merged.entry(code).or_default() += count;
                }
            }
        }
        let hits = best
            .into_best_first()
            .into_iter()
            .map(|hit| PageHit {
                score: hit.score,
                address: hit.address,
                // The tie is the id, its sign the order's.
                id: u64::try_from(hit.tie.unsigned_abs()).unwrap_or(u64::MAX),
            })
            .collect();
        Ok(Page {
            hits,
            total,
            facets,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranked(key: f64, doc: DocId) -> Ranked {
        Ranked {
            key,
            tie: 0,
            score: None,
            address: DocAddress::new(0, doc),
        }
    }

    #[test]
    fn keeps_the_best_and_prefers_the_earlier_document_among_equals() {
        let mut best = Best::new(3);
        for (key, doc) in [(1.0, 0), (5.0, 1), (3.0, 2), (5.0, 3), (0.5, 4), (3.0, 1)] {
            best.offer(ranked(key, doc));
        }
        let kept: Vec<(f64, DocId)> = best
            .heap
            .into_sorted_vec()
            .into_iter()
            .map(|Reverse(hit)| (hit.key, hit.address.doc_id))
            .collect();
        assert_eq!(kept, [(5.0, 1), (5.0, 3), (3.0, 1)]);
    }
}
