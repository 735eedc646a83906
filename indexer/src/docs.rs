//! The plain documents the backend hands to the index: no database types,
//! only what search and matching need to know.

use serde::{Deserialize, Serialize};

/// Reserved participation (eForms BT-71). A tender may carry several; a
/// profile may be eligible for several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Reservation {
    /// Article 20: sheltered workshops and economic operators whose aim is
    /// the social and professional integration of disabled or disadvantaged
    /// persons (`res-ws`).
    #[serde(rename = "res-ws")]
    ShelteredWorkshops,
    /// Article 77: organisations with a public-service mission for certain
    /// health, social and cultural services (`res-pub-ser`).
    #[serde(rename = "res-pub-ser")]
    PublicServiceMission,
}

impl Reservation {
    pub const ALL: [Reservation; 2] = [
        Reservation::ShelteredWorkshops,
        Reservation::PublicServiceMission,
    ];

    /// The eForms code.
    pub fn code(self) -> &'static str {
        match self {
            Reservation::ShelteredWorkshops => "res-ws",
            Reservation::PublicServiceMission => "res-pub-ser",
        }
    }

    pub fn from_code(code: &str) -> Option<Reservation> {
        Reservation::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// Where a tender stands. Only `Published` tenders whose deadline has not
/// passed count as open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TenderStatus {
    Published,
    Closed,
    Cancelled,
    Awarded,
}

impl TenderStatus {
    pub fn code(self) -> &'static str {
        match self {
            TenderStatus::Published => "published",
            TenderStatus::Closed => "closed",
            TenderStatus::Cancelled => "cancelled",
            TenderStatus::Awarded => "awarded",
        }
    }
}

/// A tender's title and description in one language (ISO 639-1 code; a
/// notice may carry several languages).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TenderText {
    pub lang: String,
    pub title: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TenderDoc {
    pub id: u64,
    pub authority_id: u64,
    pub texts: Vec<TenderText>,
    /// CPV codes, 8 digits (`85311000`) or with their check digit.
    pub cpv: Vec<String>,
    /// Places of performance, NUTS codes at any level.
    pub nuts: Vec<String>,
    /// Social objectives (BT-775 codes).
    pub objectives: Vec<String>,
    /// Empty when participation is open to all.
    pub reserved: Vec<Reservation>,
    pub status: TenderStatus,
    /// Tender deadline, Unix seconds (UTC).
    pub deadline: i64,
    /// Publication time, Unix seconds (UTC).
    pub published: i64,
    /// Estimated value converted to DKK, when the notice gives one.
    pub value_dkk: Option<u64>,
    /// Procedure type (BT-105 code: `open`, `restricted`, …).
    pub procedure: String,
}

/// A profile's mission and capabilities in one language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfileText {
    pub lang: String,
    pub mission: String,
    pub capabilities: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfileDoc {
    pub id: u64,
    pub organisation_id: u64,
    pub name: String,
    pub texts: Vec<ProfileText>,
    /// The CPV codes it offers, at any level.
    pub cpv: Vec<String>,
    /// The regions it serves, NUTS codes at any level. Empty: not stated,
    /// so no region rule applies to it.
    pub nuts: Vec<String>,
    pub objectives: Vec<String>,
    /// The reservations it is eligible for.
    pub eligible: Vec<Reservation>,
    /// The largest contract value it can take, in DKK.
    pub capacity_dkk: Option<u64>,
    /// Registered social enterprise (Registrerede Socialøkonomiske
    /// Virksomheder).
    pub rsv: bool,
}

impl TenderDoc {
    pub fn is_open(&self, now: i64) -> bool {
        self.status == TenderStatus::Published && self.deadline >= now
    }

    /// Title and description of every language, for text similarity.
    pub(crate) fn text_by_language(&self) -> impl Iterator<Item = (&str, String)> {
        self.texts
            .iter()
            .map(|t| (t.lang.as_str(), format!("{}\n{}", t.title, t.description)))
    }
}

impl ProfileDoc {
    pub fn is_eligible_for_any(&self, reservations: &[Reservation]) -> bool {
        reservations.is_empty() || reservations.iter().any(|r| self.eligible.contains(r))
    }

    pub(crate) fn text_by_language(&self) -> impl Iterator<Item = (&str, String)> {
        self.texts.iter().map(|t| {
            (
                t.lang.as_str(),
                format!("{}\n{}", t.mission, t.capabilities),
            )
        })
    }
}
