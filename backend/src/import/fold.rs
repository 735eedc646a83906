//! A procedure's notices folded into one tender, in publication order
//! whatever order they arrived in: the latest call for competition (or its
//! latest change) gives the content, the TED corrigenda published after it
//! correct it, every award notice adds its awards and closes the tender.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::notice::{
    Award, Buyer, Correction, Criterion as NoticeCriterion, Money, NewValue, Notice, Stage,
};
use crate::tenders::model::{Content, Criterion, CriterionKind, Lot};
use crate::tenders::money::Amount;

/// What the tender model cannot hold (yet), kept beside the tender rather
/// than dropped: amounts in their own currency, every reservation,
/// reserved execution, social objectives, criteria as the notice weighs
/// them, the buyer's contact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Details {
    pub notice_type: String,
    pub estimated_value: Option<Money>,
    pub reserved: Vec<String>,
    pub reserved_execution: bool,
    pub social_objectives: Vec<String>,
    pub buyer: Buyer,
    pub lots: Vec<LotDetails>,
    pub criteria: Vec<NoticeCriterion>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LotDetails {
    pub id: String,
    pub estimated_value: Option<Money>,
    pub nuts: Vec<String>,
    pub criteria: Vec<NoticeCriterion>,
}

pub struct Folded<'a> {
    /// The notice the content comes from.
    pub source: &'a Notice,
    /// The most recent notice of the procedure.
    pub latest: &'a Notice,
    /// The notice the content last changed by: the source, or the
    /// corrigendum applied last.
    pub changed_by: &'a Notice,
    pub content: Content,
    pub details: Details,
    pub awards: Vec<Award>,
    /// An award notice has been published, or the deadline has passed.
    pub closed: bool,
}

/// Publication order: by date, then by stage (a call before its change
/// before its award), then by identifier.
pub fn sort(notices: &mut [Notice]) {
    notices.sort_by(|a, b| (a.issued, a.stage, &a.id).cmp(&(b.issued, b.stage, &b.id)));
}

/// Folds notices already in publication order; `None` for none.
pub fn fold(notices: &[Notice], now: NaiveDateTime) -> Option<Folded<'_>> {
    let latest = notices.last()?;
    // A corrigendum states only its corrections, so the content comes from
    // the latest notice that states the whole call. Until that one has
    // arrived, the first corrigendum's summary of the call stands in.
    let whole = notices
        .iter()
        .rposition(|n| n.stage != Stage::Result && n.corrections.is_none())
        .or_else(|| notices.iter().position(|n| n.stage != Stage::Result));
    let (source, later) = match whole {
        Some(i) => (&notices[i], &notices[i..]),
        None => (latest, &notices[notices.len()..]),
    };
    let mut content = content(source);
    let mut changed_by = source;
    for notice in later {
        if let Some(corrections) = &notice.corrections {
            correct(&mut content, source, corrections);
            changed_by = notice;
        }
    }
    let mut awards: Vec<Award> = Vec::new();
    for notice in notices.iter().filter(|n| n.stage == Stage::Result) {
        for award in &notice.awards {
            awards.retain(|a| !(a.lot == award.lot && a.winner == award.winner));
            awards.push(award.clone());
        }
    }
    let awarded = notices.iter().any(|n| n.stage == Stage::Result);
    let closed = awarded || content.submission_deadline.is_some_and(|d| d <= now);
    Some(Folded {
        source,
        latest,
        changed_by,
        details: details(source),
        content,
        awards,
        closed,
    })
}

/// The tender model's content. Until the model holds every EU language,
/// a notice in neither Danish nor English is stored as English, and its
/// language is kept with the import.
fn content(notice: &Notice) -> Content {
    let criteria_source = if notice.criteria.is_empty() {
        notice
            .lots
            .first()
            .map(|l| l.criteria.as_slice())
            .unwrap_or_default()
    } else {
        notice.criteria.as_slice()
    };
    let description = if notice.description.is_empty() {
        notice
            .lots
            .iter()
            .map(|l| l.description.as_str())
            .find(|d| !d.is_empty())
            .unwrap_or(notice.title.as_str())
            .to_owned()
    } else {
        notice.description.clone()
    };
    Content {
        title: notice.title.clone(),
        description,
        language: socialbid_codes::text_language::find(&notice.language)
            .map_or("en", |_| notice.language.as_str())
            .to_owned(),
        contract_nature: notice.contract_nature.clone(),
        procedure_type: notice.procedure_type.clone(),
        main_cpv: notice.main_cpv.clone(),
        additional_cpv: notice.additional_cpv.clone(),
        nuts_codes: notice.nuts.clone(),
        estimated_value: amount(&notice.estimated_value),
        currency: notice
            .estimated_value
            .as_ref()
            .map_or_else(|| "DKK".to_owned(), |m| m.currency.clone()),
        submission_deadline: notice.submission_deadline,
        question_deadline: None,
        reserved: notice.reservations(),
        strategic: notice.strategic.clone(),
        lots: notice
            .lots
            .iter()
            .map(|l| Lot {
                title: if l.title.is_empty() {
                    l.id.clone()
                } else {
                    l.title.clone()
                },
                description: l.description.clone(),
                cpv_codes: l.cpv.clone(),
                // A lot's value is in the notice's currency: kept only when
                // it is the tender's.
                estimated_value: l
                    .estimated_value
                    .as_ref()
                    .filter(|m| {
                        Some(&m.currency) == notice.estimated_value.as_ref().map(|t| &t.currency)
                            || notice.estimated_value.is_none() && m.currency == "DKK"
                    })
                    .map(|m| Amount(m.amount.saturating_mul(100))),
                reserved: Vec::new(),
            })
            .collect(),
        criteria: criteria_source.iter().map(criterion).collect(),
    }
}

/// Applies a corrigendum's corrections to the content of the call it
/// corrects, by the standard forms' section numbers. Corrections of what
/// the tender model does not hold (a value written as text, a place
/// described in words) stay with the stored notice only.
fn correct(content: &mut Content, call: &Notice, corrections: &[Correction]) {
    for correction in corrections {
        let main_cpv = content.main_cpv.clone();
        let lot = correction
            .lot
            .as_ref()
            .and_then(|id| call.lots.iter().position(|l| &l.id == id));
        match (correction.section.as_str(), &correction.new_value, lot) {
            ("II.1.1", NewValue::Text(title), _) => content.title = title.clone(),
            ("II.1.2", NewValue::MainCpv(code), _) => {
                content.additional_cpv.retain(|c| c != code);
                content.main_cpv = Some(code.clone());
            }
            ("II.1.4", NewValue::Text(text), _) => content.description = text.clone(),
            ("II.2.1", NewValue::Text(title), Some(i)) => {
                if let Some(lot) = content.lots.get_mut(i) {
                    lot.title = title.clone();
                }
            }
            ("II.2.2", NewValue::AdditionalCpv(codes), Some(i)) => {
                if let Some(lot) = content.lots.get_mut(i) {
                    lot.cpv_codes = main_cpv.iter().chain(codes).cloned().collect();
                    lot.cpv_codes.dedup();
                }
            }
            ("II.2.2", NewValue::AdditionalCpv(codes), None) => {
                content.additional_cpv = codes
                    .iter()
                    .filter(|c| Some(*c) != main_cpv.as_ref())
                    .cloned()
                    .collect();
            }
            ("II.2.4", NewValue::Text(text), Some(i)) => {
                if let Some(lot) = content.lots.get_mut(i) {
                    lot.description = text.clone();
                }
            }
            ("IV.2.2", NewValue::Date(deadline), _) => {
                content.submission_deadline = Some(*deadline);
            }
            _ => {}
        }
    }
}

/// Whole units of the notice's currency, as the model's hundredths.
fn amount(value: &Option<Money>) -> Option<Amount> {
    value.as_ref().map(|m| Amount(m.amount.saturating_mul(100)))
}

/// A notice's criterion as the model's (price, cost or quality); a weight
/// the notice leaves out is 0.
fn criterion(c: &NoticeCriterion) -> Criterion {
    Criterion {
        name: if c.name.is_empty() {
            c.description.chars().take(200).collect()
        } else {
            c.name.clone()
        },
        kind: match c.kind.as_str() {
            "quality" => CriterionKind::Quality,
            "cost" => CriterionKind::Cost,
            _ => CriterionKind::Price,
        },
        weight: c.weight.map(|w| w.round() as i32).unwrap_or(0),
        social_objectives: Vec::new(),
        description: c.description.clone(),
    }
}

fn details(notice: &Notice) -> Details {
    Details {
        notice_type: notice.notice_type.clone(),
        estimated_value: notice.estimated_value.clone(),
        reserved: notice.reserved.clone(),
        reserved_execution: notice.reserved_execution,
        social_objectives: notice.social_objectives.clone(),
        buyer: notice.buyer.clone(),
        lots: notice
            .lots
            .iter()
            .map(|l| LotDetails {
                id: l.id.clone(),
                estimated_value: l.estimated_value.clone(),
                nuts: l.nuts.clone(),
                criteria: l.criteria.clone(),
            })
            .collect(),
        criteria: notice.criteria.clone(),
    }
}
