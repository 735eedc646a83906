//! A match's reasons as stored and served: the indexer's reasons as data
//! (kind, the codes or values on both sides, the contribution), and their
//! wording in the reader's language for the pages.

use serde::{Deserialize, Serialize};
use socialbid_codes::{cpv, eforms, nuts};
use socialbid_frontend::{Lang, format_money, translate_with};
use socialbid_indexer::{Reason, ReasonKind};
use utoipa::ToSchema;

/// Why a tender and a profile match.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReasonView {
    /// `cpv`, `region`, `objectives`, `capacity`, `text` or `reserved`.
    pub kind: String,
    /// The tender's side: CPV codes (8 digits), NUTS codes, objective codes
    /// (BT-775), the estimated value in DKK, or reservation codes (BT-71).
    pub tender: Vec<String>,
    /// The profile's side, of the same kind; for `text`, the shared words.
    pub profile: Vec<String>,
    /// For CPV and regions: how many characters both codes share along the
    /// tree (`853` and `85311000` share 3).
    pub shared_level: Option<usize>,
    /// What this reason added to the score (0 to 1; a reservation is a
    /// condition and adds 0).
    pub contribution: f32,
}

impl From<&Reason> for ReasonView {
    fn from(reason: &Reason) -> ReasonView {
        let kind = match reason.kind {
            ReasonKind::Cpv => "cpv",
            ReasonKind::Region => "region",
            ReasonKind::Objectives => "objectives",
            ReasonKind::Capacity => "capacity",
            ReasonKind::Text => "text",
            ReasonKind::Reserved => "reserved",
        };
        ReasonView {
            kind: kind.to_owned(),
            tender: reason.tender.clone(),
            profile: reason.profile.clone(),
            shared_level: reason.shared_level,
            contribution: reason.contribution,
        }
    }
}

/// Who reads the reason: the entrepreneur ("you offer …") or the officer
/// ("they offer …").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    Entrepreneur,
    Officer,
}

/// A reason as a page shows it: a sentence and a bar.
#[derive(Debug, Clone, Serialize)]
pub struct WordedReason {
    pub kind: String,
    pub text: String,
    /// The contribution in points of 100 (the whole score): the bar's
    /// width and the words beside it.
    pub percent: u32,
}

fn cpv_label(code: &str, lang: Lang) -> String {
    cpv::find(code)
        .map(|c| c.label(lang).to_owned())
        .unwrap_or_default()
}

fn region_label(code: &str, lang: Lang) -> String {
    nuts::find(code)
        .map(|r| r.name(lang).to_owned())
        .unwrap_or_else(|| code.to_owned())
}

fn objective_label(code: &str, lang: Lang) -> String {
    eforms::social_objectives()
        .find(code)
        .map(|c| c.label(lang).to_owned())
        .unwrap_or_else(|| code.to_owned())
}

/// The significant digits of a CPV code (`85300000` → `853`), as a level.
fn cpv_level(code: &str) -> String {
    cpv::prefix(code).to_owned()
}

fn money(value: &str, lang: Lang) -> String {
    value
        .parse::<i64>()
        .map(|v| format_money(lang, v))
        .unwrap_or_else(|_| value.to_owned())
}

pub fn word(reason: &ReasonView, reader: Reader, lang: Lang) -> WordedReason {
    let side = match reader {
        Reader::Entrepreneur => "you",
        Reader::Officer => "they",
    };
    let first = |codes: &[String]| codes.first().cloned().unwrap_or_default();
    let key = format!("matching.reason.{}.{side}", reason.kind);
    let text = match reason.kind.as_str() {
        "cpv" => {
            let tender = first(&reason.tender);
            let profile = first(&reason.profile);
            translate_with(
                lang,
                &key,
                &[
                    ("code", &tender),
                    ("label", &cpv_label(&tender, lang)),
                    ("offered", &cpv_level(&profile)),
                    ("offered_label", &cpv_label(&profile, lang)),
                ],
            )
        }
        "region" => {
            let tender = first(&reason.tender);
            translate_with(
                lang,
                &key,
                &[
                    ("region", &region_label(&tender, lang)),
                    ("served", &first(&reason.profile)),
                ],
            )
        }
        "objectives" => {
            let names: Vec<String> = reason
                .tender
                .iter()
                .map(|o| objective_label(o, lang))
                .collect();
            translate_with(lang, &key, &[("objectives", &names.join(", "))])
        }
        "capacity" => translate_with(
            lang,
            &key,
            &[
                ("value", &money(&first(&reason.tender), lang)),
                ("capacity", &money(&first(&reason.profile), lang)),
            ],
        ),
        "reserved" => {
            let article = if reason.tender.iter().any(|r| r == "res-ws") {
                "20"
            } else {
                "77"
            };
            translate_with(lang, &key, &[("article", article)])
        }
        _ => {
            // The words as the profile writes them, else as the tender does.
            let words = if reason.profile.is_empty() {
                &reason.tender
            } else {
                &reason.profile
            };
            if words.is_empty() {
                translate_with(lang, "matching.reason.text.similar", &[])
            } else {
                translate_with(lang, &key, &[("words", &words.join(", "))])
            }
        }
    };
    let percent = (reason.contribution.clamp(0.0, 1.0) * 100.0).round() as u32;
    WordedReason {
        kind: reason.kind.clone(),
        text,
        percent,
    }
}

pub fn word_all(reasons: &[ReasonView], reader: Reader, lang: Lang) -> Vec<WordedReason> {
    reasons.iter().map(|r| word(r, reader, lang)).collect()
}
