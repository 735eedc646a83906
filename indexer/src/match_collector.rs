//! The parts of a match's score that come from the candidate's region,
//! objectives and capacity, and the hard region rule, worked out from its
//! fast fields while the best are collected; the query finds the
//! candidates and scores their CPV relation and text.
//!
//! Why not query clauses: as optional clauses of the matching query, each
//! candidate the gate (CPV or text) finds was also sought in the union of
//! every region, objective and capacity clause, and that was most of a
//! match's time. Here a candidate's regions and objectives are a few
//! ordinals of the segment's facet dictionary, compared with ordinals
//! looked up once per segment, and its capacity or value one fast value;
//! a candidate that cannot reach the best kept even with all of them is
//! passed over before any is read. The scores are those of `ranking`, so
//! the reasons still add up to the score.
//!
//! (The CPV relation stays in the query: read from the candidates' facet
//! ordinals here, it cost more than the query's union did, since a busy
//! division makes most profiles candidates and each would be read.)

use std::collections::BTreeSet;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::fastfield::FacetReader;
use tantivy::schema::Facet;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use crate::page_collector::{Best, Ranked};
use crate::ranking::{self, OBJECTIVE_WEIGHT};

/// Whose capacity or value decides the capacity part.
#[derive(Clone, Copy)]
pub(crate) enum Fits {
    /// The candidate's value (a `u64` fast field) is at least this.
    AtLeast(u64),
    /// The candidate's value is at most this.
    AtMost(u64),
}

impl Fits {
    fn holds(self, value: u64) -> bool {
        match self {
            Fits::AtLeast(min) => value >= min,
            Fits::AtMost(max) => value <= max,
        }
    }
}

/// One relation to the asking side's regions, and what a candidate with a
/// code in it scores: a code at or beneath `facet`, or exactly `facet`.
#[derive(Clone, Debug)]
pub(crate) struct TreeRelation {
    pub facet: Facet,
    pub beneath: bool,
    pub score: Score,
}

/// The relations along the region tree, scored by the best a candidate
/// has.
pub(crate) struct TreePart {
    /// The candidates' facet field.
    pub field: String,
    pub relations: Vec<TreeRelation>,
}

impl TreePart {
    fn most(&self) -> Score {
        self.relations.iter().map(|r| r.score).fold(0.0, f32::max)
    }
}

/// What the collector adds to the query's score (CPV and text), and the
/// best it keeps.
pub(crate) struct MatchCollector {
    /// The region relations: a candidate naming places must have one of
    /// them (the hard rule), and scores the best.
    pub regions: Option<TreePart>,
    /// The asking side's objectives (each once) and the candidates' field.
    pub objectives: Option<(String, Vec<String>)>,
    /// The candidates' `u64` field and the rule that earns the capacity
    /// part.
    pub capacity: Option<(String, Fits)>,
    pub keep: usize,
}

/// A tree part in one segment: each relation as dictionary ordinals (the
/// codes at or beneath a level are one range of the sorted dictionary).
struct SegmentTree {
    reader: FacetReader,
    ranges: Vec<(std::ops::Range<u64>, Score)>,
}

/// The ordinal of the first term at or after `key` in the dictionary.
fn first_ord_from(reader: &FacetReader, key: &[u8]) -> tantivy::Result<u64> {
    let mut stream = reader.facet_dict().range().ge(key).into_stream()?;
    Ok(if stream.advance() {
        stream.term_ord()
    } else {
        reader.facet_dict().num_terms() as u64
    })
}

fn exact_ord(reader: &FacetReader, facet: &Facet) -> tantivy::Result<Option<u64>> {
    Ok(reader
        .facet_dict()
        .term_ord(facet.encoded_str().as_bytes())?)
}

impl SegmentTree {
    fn new(reader: FacetReader, part: &TreePart) -> tantivy::Result<SegmentTree> {
        let mut ranges = Vec::new();
        for relation in &part.relations {
            if relation.beneath {
                // A facet's levels are joined by a 0 byte: the codes at or
                // beneath a level sort from its own path up to its path
                // followed by a 1 byte.
                let path = relation.facet.encoded_str().as_bytes().to_vec();
                let mut upper = path.clone();
                upper.push(1);
                let range = first_ord_from(&reader, &path)?..first_ord_from(&reader, &upper)?;
                ranges.push((range, relation.score));
            } else if let Some(ord) = exact_ord(&reader, &relation.facet)? {
                ranges.push((ord..ord + 1, relation.score));
            }
        }
        Ok(SegmentTree { reader, ranges })
    }

    /// The best relation's score; `None` when the candidate has codes and
    /// none is in a relation, `Some(0.0)` when it has none.
    fn best(&self, doc: DocId) -> Option<Score> {
        let mut named = false;
        let mut best: Option<Score> = None;
        for ord in self.reader.facet_ords(doc) {
            named = true;
            for (range, score) in &self.ranges {
                if range.contains(&ord) {
                    best = Some(best.map_or(*score, |b| b.max(*score)));
                }
            }
        }
        if named { best } else { Some(0.0) }
    }
}

struct SegmentObjectives {
    reader: FacetReader,
    /// Our objectives' ordinals in this segment, sorted, each once.
    ords: Vec<u64>,
    /// Which of `ords` the candidate being scored names.
    shared: Vec<bool>,
    each: f32,
}

impl SegmentObjectives {
    /// Each shared objective once, however often the candidate names it.
    fn score(&mut self, doc: DocId) -> f32 {
        self.shared.fill(false);
        for ord in self.reader.facet_ords(doc) {
            if let Ok(at) = self.ords.binary_search(&ord) {
                self.shared[at] = true;
            }
        }
        self.each * self.shared.iter().filter(|s| **s).count() as f32
    }
}

pub(crate) struct SegmentMatches {
    segment: SegmentOrdinal,
    regions: Option<SegmentTree>,
    objectives: Option<SegmentObjectives>,
    capacity: Option<(Column<u64>, Fits)>,
    /// The most regions, objectives and capacity can add to a candidate's
    /// score.
    most_added: Score,
    best: Best,
}

impl SegmentCollector for SegmentMatches {
    type Fruit = Vec<Ranked>;

    fn collect(&mut self, doc: DocId, score: Score) {
        // Most candidates of a broad gate (a whole CPV group's neighbours)
        // cannot reach the kept ones even with every other part at its
        // most: they are passed over before any fast field is read.
        if self
            .best
            .worst_kept()
            .is_some_and(|worst| f64::from(score + self.most_added + ROUNDING) < worst)
        {
            return;
        }
        let mut score = score;
        if let Some(regions) = &self.regions {
            match regions.best(doc) {
                Some(region) => score += region,
                None => return,
            }
        }
        if let Some(objectives) = &mut self.objectives {
            score += objectives.score(doc);
        }
        if let Some((column, fits)) = &self.capacity
            && column.first(doc).is_some_and(|v| fits.holds(v))
        {
            score += ranking::CAPACITY_WEIGHT;
        }
        self.best.offer(Ranked {
            key: f64::from(score),
            tie: 0,
            score: Some(score),
            address: DocAddress::new(self.segment, doc),
        });
    }

    fn harvest(self) -> Vec<Ranked> {
        self.best.into_vec()
    }
}

/// A candidate within this of the kept ones is scored in full, whatever
/// the rounding of the sums.
const ROUNDING: Score = 1e-4;

impl MatchCollector {
    /// The most regions, objectives and capacity can add to a candidate's
    /// score.
    fn most_added(&self) -> Score {
        let mut most = 0.0;
        if let Some(regions) = &self.regions {
            most += regions.most();
        }
        if self
            .objectives
            .as_ref()
            .is_some_and(|(_, ours)| !ours.is_empty())
        {
            most += OBJECTIVE_WEIGHT;
        }
        if self.capacity.is_some() {
            most += ranking::CAPACITY_WEIGHT;
        }
        most
    }
}

impl Collector for MatchCollector {
    type Fruit = Vec<(Score, DocAddress)>;
    type Child = SegmentMatches;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentMatches> {
        let tree = |part: &Option<TreePart>| -> tantivy::Result<Option<SegmentTree>> {
            match part {
                Some(part) if !part.relations.is_empty() => Ok(Some(SegmentTree::new(
                    reader.facet_reader(&part.field)?,
                    part,
                )?)),
                _ => Ok(None),
            }
        };
        let objectives = match &self.objectives {
            Some((field, ours)) if !ours.is_empty() => {
                let facets = reader.facet_reader(field)?;
                let mut ords = Vec::new();
                for objective in ours {
                    ords.extend(exact_ord(&facets, &Facet::from_path([objective]))?);
                }
                ords.sort_unstable();
                ords.dedup();
                let distinct: BTreeSet<&String> = ours.iter().collect();
                Some(SegmentObjectives {
                    reader: facets,
                    shared: vec![false; ords.len()],
                    ords,
                    each: OBJECTIVE_WEIGHT / distinct.len() as f32,
                })
            }
            _ => None,
        };
        let capacity = match &self.capacity {
            Some((field, fits)) => Some((reader.fast_fields().u64(field)?, *fits)),
            None => None,
        };
        Ok(SegmentMatches {
            segment,
            regions: tree(&self.regions)?,
            objectives,
            capacity,
            most_added: self.most_added(),
            best: Best::new(self.keep),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Vec<Ranked>>) -> tantivy::Result<Self::Fruit> {
        let mut best = Best::new(self.keep);
        fruits.into_iter().flatten().for_each(|hit| best.offer(hit));
        Ok(best
            .into_best_first()
            .into_iter()
            .map(|hit| (hit.score.unwrap_or_default(), hit.address))
            .collect())
    }
}
