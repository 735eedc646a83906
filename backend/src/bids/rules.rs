//! What a bid must say, checked against its tender: a draft may have gaps
//! but nothing wrong; a submitted bid has a price (where the tender weighs
//! price or cost), an answer to every quality criterion, at least one
//! commitment for every social-value criterion, and every declaration.

use crate::error::FieldError;
use crate::tenders::model::{Content, CriterionKind};

use super::model::{BidContent, declarations_asked};

pub const MAX_ANSWER: usize = 10_000;
pub const MAX_COMMITMENT_TEXT: usize = 300;
pub const MAX_COMMITMENTS: usize = 50;
pub const MAX_HOW_MANY: i32 = 100_000;
pub const MAX_MONTHS: i32 = 120;

/// Every broken rule; `complete` asks for what submitting needs.
pub fn check(tender: &Content, lot: i32, bid: &BidContent, complete: bool) -> Vec<FieldError> {
    let mut errors = Vec::new();
    check_price(tender, bid, complete, &mut errors);
    check_answers(tender, bid, complete, &mut errors);
    check_commitments(tender, bid, complete, &mut errors);
    check_declarations(tender, lot, bid, complete, &mut errors);
    errors
}

/// A price is asked for when the tender weighs price or cost.
pub fn asks_price(tender: &Content) -> bool {
    tender
        .criteria
        .iter()
        .any(|c| matches!(c.kind, CriterionKind::Price | CriterionKind::Cost))
}

fn check_price(tender: &Content, bid: &BidContent, complete: bool, errors: &mut Vec<FieldError>) {
    match bid.price {
        Some(price) if price.hundredths() <= 0 => {
            errors.push(FieldError::new("price", "not_positive"));
        }
        None if complete && asks_price(tender) => errors.push(FieldError::new("price", "required")),
        _ => {}
    }
}

fn criterion_name(tender: &Content, index: usize) -> String {
    tender
        .criteria
        .get(index)
        .map(|c| c.name.clone())
        .unwrap_or_default()
}

fn is_kind(tender: &Content, index: usize, kind: CriterionKind) -> bool {
    tender.criteria.get(index).is_some_and(|c| c.kind == kind)
}

fn check_answers(tender: &Content, bid: &BidContent, complete: bool, errors: &mut Vec<FieldError>) {
    let mut seen = Vec::new();
    for (i, answer) in bid.answers.iter().enumerate() {
        if !is_kind(tender, answer.criterion, CriterionKind::Quality) {
            errors.push(FieldError::new("answers", "not_quality").with("number", i + 1));
            continue;
        }
        let name = criterion_name(tender, answer.criterion);
        if seen.contains(&answer.criterion) {
            errors.push(FieldError::new("answers", "twice").with("criterion", name));
            continue;
        }
        seen.push(answer.criterion);
        if answer.text.chars().count() > MAX_ANSWER {
            errors.push(
                FieldError::new("answers", "too_long")
                    .with("criterion", name)
                    .with("max", MAX_ANSWER),
            );
        }
    }
    if !complete {
        return;
    }
    for (index, criterion) in tender.criteria.iter().enumerate() {
        if criterion.kind != CriterionKind::Quality {
            continue;
        }
        let answered = bid
            .answers
            .iter()
            .any(|a| a.criterion == index && !a.text.trim().is_empty());
        if !answered {
            errors.push(FieldError::new("answers", "required").with("criterion", &criterion.name));
        }
    }
}

fn check_commitments(
    tender: &Content,
    bid: &BidContent,
    complete: bool,
    errors: &mut Vec<FieldError>,
) {
    if bid.commitments.len() > MAX_COMMITMENTS {
        errors.push(FieldError::new("commitments", "too_many").with("max", MAX_COMMITMENTS));
    }
    for (i, commitment) in bid.commitments.iter().enumerate() {
        let number = i + 1;
        if !is_kind(tender, commitment.criterion, CriterionKind::Social) {
            errors.push(FieldError::new("commitments", "not_social").with("number", number));
            continue;
        }
        for (text, empty_rule) in [
            (&commitment.what, "what_required"),
            (&commitment.for_whom, "for_whom_required"),
        ] {
            if complete && text.trim().is_empty() {
                errors.push(FieldError::new("commitments", empty_rule).with("number", number));
            } else if text.chars().count() > MAX_COMMITMENT_TEXT {
                errors.push(
                    FieldError::new("commitments", "text_too_long")
                        .with("number", number)
                        .with("max", MAX_COMMITMENT_TEXT),
                );
            }
        }
        if !(1..=MAX_HOW_MANY).contains(&commitment.how_many) {
            errors.push(
                FieldError::new("commitments", "how_many_range")
                    .with("number", number)
                    .with("max", MAX_HOW_MANY),
            );
        }
        if !(1..=MAX_MONTHS).contains(&commitment.months) {
            errors.push(
                FieldError::new("commitments", "months_range")
                    .with("number", number)
                    .with("max", MAX_MONTHS),
            );
        }
    }
    if !complete {
        return;
    }
    for (index, criterion) in tender.criteria.iter().enumerate() {
        if criterion.kind == CriterionKind::Social
            && !bid.commitments.iter().any(|c| c.criterion == index)
        {
            errors.push(
                FieldError::new("commitments", "required").with("criterion", &criterion.name),
            );
        }
    }
}

fn check_declarations(
    tender: &Content,
    lot: i32,
    bid: &BidContent,
    complete: bool,
    errors: &mut Vec<FieldError>,
) {
    let asked = declarations_asked(tender, lot);
    for code in &bid.declarations {
        if !asked.contains(&code.as_str()) {
            errors.push(FieldError::new("declarations", "unknown").with("code", code));
        }
    }
    if complete
        && asked
            .iter()
            .any(|a| !bid.declarations.iter().any(|d| d == a))
    {
        errors.push(FieldError::new("declarations", "required"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bids::model::{Answer, Commitment};
    use crate::tenders::model::Criterion;
    use crate::tenders::money::Amount;

    fn tender() -> Content {
        let criterion = |name: &str, kind, weight| Criterion {
            name: name.into(),
            kind,
            weight,
            social_objectives: Vec::new(),
            description: String::new(),
        };
        Content {
            criteria: vec![
                criterion("Pris", CriterionKind::Price, 60),
                criterion("Kvalitet", CriterionKind::Quality, 20),
                criterion("Ledige", CriterionKind::Social, 20),
            ],
            ..Content::default()
        }
    }

    fn complete() -> BidContent {
        BidContent {
            price: Some(Amount(10_000_000)),
            answers: vec![Answer {
                criterion: 1,
                text: "Faste hold".into(),
            }],
            commitments: vec![Commitment {
                criterion: 2,
                what: "Job".into(),
                how_many: 4,
                for_whom: "Langtidsledige".into(),
                months: 12,
            }],
            declarations: DECLARATIONS_FOR_TEST
                .iter()
                .map(|d| d.to_string())
                .collect(),
        }
    }

    const DECLARATIONS_FOR_TEST: [&str; 3] = crate::bids::model::DECLARATIONS;

    fn rules(errors: &[FieldError]) -> Vec<String> {
        errors
            .iter()
            .map(|e| format!("{}.{}", e.field, e.rule))
            .collect()
    }

    #[test]
    fn a_complete_bid_passes_and_an_empty_draft_too() {
        assert!(check(&tender(), 0, &complete(), true).is_empty());
        assert!(check(&tender(), 0, &BidContent::default(), false).is_empty());
    }

    #[test]
    fn submitting_names_every_gap() {
        assert_eq!(
            rules(&check(&tender(), 0, &BidContent::default(), true)),
            [
                "price.required",
                "answers.required",
                "commitments.required",
                "declarations.required"
            ]
        );
    }

    #[test]
    fn answers_and_commitments_must_fit_their_criteria() {
        let mut bid = complete();
        bid.answers[0].criterion = 2;
        bid.commitments[0].criterion = 1;
        bid.commitments.push(Commitment {
            criterion: 2,
            what: "Praktik".into(),
            how_many: 0,
            for_whom: "Unge".into(),
            months: 121,
        });
        bid.declarations.push("invented".into());
        assert_eq!(
            rules(&check(&tender(), 0, &bid, false)),
            [
                "answers.not_quality",
                "commitments.not_social",
                "commitments.how_many_range",
                "commitments.months_range",
                "declarations.unknown"
            ]
        );
    }
}
