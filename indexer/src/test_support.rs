//! Small documents for the unit tests.

use std::collections::HashMap;

use crate::docs::{ProfileDoc, ProfileText, TenderDoc, TenderStatus, TenderText};

/// 2026-12-01 00:00 UTC: "now" in the tests.
pub const NOW: i64 = 1_796_083_200;
pub const DAY: i64 = 86_400;

pub fn tender(id: u64, lang: &str, title: &str, description: &str) -> TenderDoc {
    TenderDoc {
        id,
        authority_id: 1,
        texts: vec![TenderText {
            lang: lang.into(),
            title: title.into(),
            description: description.into(),
        }],
        cpv: vec![],
        nuts: vec![],
        objectives: vec![],
        reserved: vec![],
        status: TenderStatus::Published,
        deadline: NOW + 30 * DAY,
        published: NOW - DAY,
        value_dkk: None,
        procedure: "open".into(),
    }
}

pub fn profile(id: u64, lang: &str, mission: &str, capabilities: &str) -> ProfileDoc {
    ProfileDoc {
        id,
        organisation_id: id,
        name: format!("Profile {id}"),
        texts: vec![ProfileText {
            lang: lang.into(),
            mission: mission.into(),
            capabilities: capabilities.into(),
        }],
        cpv: vec![],
        nuts: vec![],
        objectives: vec![],
        eligible: vec![],
        capacity_dkk: None,
        rsv: false,
    }
}

pub fn codes(list: &[&str]) -> Vec<String> {
    list.iter().map(|c| (*c).to_owned()).collect()
}

/// The texts of those of `docs` asked for, by id, as the backend reads them
/// from its database for the texts the index does not keep.
pub fn texts_of(docs: &[TenderDoc], ids: &[u64]) -> HashMap<u64, Vec<TenderText>> {
    docs.iter()
        .filter(|d| ids.contains(&d.id))
        .map(|d| (d.id, d.texts.clone()))
        .collect()
}
