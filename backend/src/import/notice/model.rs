//! A procurement notice as read from its XML, in either format, before it
//! meets the database: plain data, standard codes (eForms, CPV, NUTS,
//! ISO 639-1 languages), amounts in the notice's own currency.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// Which schema the notice was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// eForms UBL (2023 on).
    Eforms,
    /// The TED XML schema R2.0.8/R2.0.9 (2014 to 2023).
    Ted,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Eforms => "eforms",
            Format::Ted => "ted",
        }
    }
}

/// Where in a procedure's life a notice stands. The order is the order in
/// which a procedure normally publishes them, used to break ties between
/// notices issued on the same day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// A prior information notice without a call for competition.
    Planning,
    /// A call for competition: contract notice, PIN used as a call,
    /// qualification system, design contest, concession notice.
    Competition,
    /// A change notice or corrigendum of an earlier notice.
    Change,
    /// A result: contract award, voluntary ex-ante transparency, design
    /// contest result, modification during the contract's term.
    Result,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Planning => "planning",
            Stage::Competition => "competition",
            Stage::Change => "change",
            Stage::Result => "result",
        }
    }
}

/// An amount in whole units of its currency (ISO 4217).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    pub amount: i64,
    pub currency: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub point: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub url: Option<String>,
}

/// The buyer (contracting authority or entity).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Buyer {
    pub name: String,
    /// The national registration number as written (a CVR number in
    /// Denmark), without spaces.
    pub national_id: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub country: Option<String>,
    pub nuts: Option<String>,
    pub town: Option<String>,
    pub contact: Contact,
}

/// One award criterion (BT-539 type, BT-734 name, BT-541 weight).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Criterion {
    /// `price`, `cost` or `quality` (eForms award-criterion-type).
    pub kind: String,
    pub name: String,
    pub description: String,
    /// Percent or points as the notice gives them; absent when the notice
    /// orders the criteria without weighting them.
    pub weight: Option<f64>,
}

/// One lot with its own codes, value and criteria.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lot {
    /// `LOT-0001` in eForms, the lot number in TED.
    pub id: String,
    pub title: String,
    pub description: String,
    pub cpv: Vec<String>,
    pub nuts: Vec<String>,
    pub estimated_value: Option<Money>,
    pub criteria: Vec<Criterion>,
}

/// What a TED corrigendum (F14) corrects: the section of the corrected
/// notice, as the form numbers it, and the value it is to read now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Correction {
    /// `II.1.1`, `IV.2.2`: the numbering of the standard forms.
    pub section: String,
    /// The lot the correction is about, when it is about one lot.
    pub lot: Option<String>,
    pub new_value: NewValue,
}

/// A corrigendum's new value, in the kinds the form allows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum NewValue {
    Text(String),
    /// A date, with its time when given, as UTC.
    Date(NaiveDateTime),
    MainCpv(String),
    AdditionalCpv(Vec<String>),
    /// The corrected text is removed and nothing replaces it.
    Nothing,
}

/// A contract awarded to a winner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Award {
    pub lot: Option<String>,
    pub winner: String,
    pub winner_national_id: Option<String>,
    pub value: Option<Money>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notice {
    pub format: Format,
    /// Unique per notice and version: `<uuid>-<version>` in eForms, the
    /// TED document id (`020052-2017`) in TED XML.
    pub id: String,
    /// The procedure every notice of one tender shares: the eForms
    /// procedure identifier (BT-04); in TED XML, the publication number of
    /// the earlier notice this one refers to, else its own.
    pub procedure: String,
    /// The notice this one changes or follows: eForms BT-758, TED's
    /// reference to an earlier publication.
    pub refers_to: Option<String>,
    pub stage: Stage,
    /// eForms notice type (BT-02, `cn-standard`) or TED form (`F03_2014`).
    pub notice_type: String,
    /// The Official Journal publication number, once published
    /// (`2017/S 013-020052`, or eForms `00123456-2024`).
    pub publication_number: Option<String>,
    /// The original on TED, when the notice is published there.
    pub link: Option<String>,
    /// Dispatch or issue date: orders the notices of a procedure.
    pub issued: NaiveDate,
    /// ISO 639-1, lower case.
    pub language: String,
    pub title: String,
    pub description: String,
    pub buyer: Buyer,
    /// eForms contract-nature: `works`, `supplies`, `services`.
    pub contract_nature: Option<String>,
    /// eForms procurement-procedure-type.
    pub procedure_type: Option<String>,
    pub main_cpv: Option<String>,
    pub additional_cpv: Vec<String>,
    /// NUTS codes of the place of performance.
    pub nuts: Vec<String>,
    /// UTC.
    pub submission_deadline: Option<NaiveDateTime>,
    pub estimated_value: Option<Money>,
    pub lots: Vec<Lot>,
    /// Criteria of the whole procedure (TED notices without lots); eForms
    /// keeps criteria per lot.
    pub criteria: Vec<Criterion>,
    /// BT-71 codes other than `none`: `res-ws` (Article 20), `res-pub-ser`
    /// (Article 77).
    pub reserved: Vec<String>,
    /// BT-736: the contract is to be performed in sheltered employment
    /// programmes.
    pub reserved_execution: bool,
    /// BT-06 strategic procurement codes.
    pub strategic: Vec<String>,
    /// BT-775 social objectives.
    pub social_objectives: Vec<String>,
    pub awards: Vec<Award>,
    /// Why a change notice changes its notice (BT-762).
    pub change_reason: Option<String>,
    /// A TED corrigendum lists only what it corrects, unlike an eForms
    /// change notice, which republishes the whole notice; `None` for every
    /// other notice. Left out of the stored JSON when `None`, so notices
    /// stored before corrigenda were read keep their checksum.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrections: Option<Vec<Correction>>,
}

impl Notice {
    /// The notice's reservations as eForms BT-71 codes (both articles may
    /// apply at once).
    pub fn reservations(&self) -> Vec<String> {
        ["res-ws", "res-pub-ser"]
            .into_iter()
            .filter(|code| self.reserved.iter().any(|r| r == code))
            .map(str::to_owned)
            .collect()
    }
}
