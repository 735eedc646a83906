//! The plain documents the backend hands to the index: no database types,
//! only what search and matching need to know.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

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

/// What the tender index keeps of a tender: everything but its texts. The
/// texts would be most of the index on disk, and the database holds them;
/// whoever shows a hit or a match reads them from there. The digest tells
/// whether the index holds the texts the database has now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeptTender {
    /// The tender, its `texts` left empty.
    pub tender: TenderDoc,
    pub texts_digest: String,
}

impl KeptTender {
    pub fn of(tender: &TenderDoc) -> KeptTender {
        KeptTender {
            tender: TenderDoc {
                texts: Vec::new(),
                ..tender.clone()
            },
            texts_digest: tender.texts_digest(),
        }
    }
}

impl TenderDoc {
    /// The first 8 bytes of the SHA-256 of the texts, in hex.
    pub fn texts_digest(&self) -> String {
        let mut hasher = Sha256::new();
        for text in &self.texts {
            for part in [&text.lang, &text.title, &text.description] {
                // Each part's length first, so that moving a word from the
                // title to the description changes the digest.
                hasher.update((part.len() as u64).to_le_bytes());
                hasher.update(part.as_bytes());
            }
        }
        hasher.finalize()[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn with_texts(title: &str, description: &str) -> TenderDoc {
        TenderDoc {
            id: 1,
            authority_id: 1,
            texts: vec![TenderText {
                lang: "da".into(),
                title: title.into(),
                description: description.into(),
            }],
            cpv: vec!["90910000".into()],
            nuts: vec![],
            objectives: vec![],
            reserved: vec![],
            status: TenderStatus::Published,
            deadline: 0,
            published: 0,
            value_dkk: None,
            procedure: "open".into(),
        }
    }

    #[test]
    fn the_digest_changes_with_any_text_and_only_with_the_texts() {
        let tender = with_texts("Rengøring af skoler", "Daglig rengøring");
        let digest = tender.texts_digest();
        assert_eq!(digest.len(), 16);
        assert!(digest.chars().all(|c| c.is_ascii_hexdigit()));
        let recoded = TenderDoc {
            cpv: vec!["90911200".into()],
            ..tender.clone()
        };
        assert_eq!(recoded.texts_digest(), digest);
        let moved = with_texts("Rengøring af", "skoler Daglig rengøring");
        assert_ne!(moved.texts_digest(), digest);
        let mut english = tender.clone();
        english.texts[0].lang = "en".into();
        assert_ne!(english.texts_digest(), digest);
    }

    #[test]
    fn a_kept_tender_is_the_tender_without_its_texts() {
        let tender = with_texts("Kantinedrift", "Frokost til 300 medarbejdere");
        let kept = KeptTender::of(&tender);
        assert!(kept.tender.texts.is_empty());
        assert_eq!(kept.tender.cpv, tender.cpv);
        assert_eq!(kept.texts_digest, tender.texts_digest());
    }
}
