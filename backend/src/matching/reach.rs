//! The reach estimate for officers while drafting: how many approved
//! social enterprises fit the CPV codes, regions, reservations and lot
//! values chosen so far, and which single change moves that number most.
//! The counting is the indexer's (`ProfileIndex::reach`); this module
//! checks the choices, and words the answer in the officer's language.

use serde::{Deserialize, Serialize};
use socialbid_codes::{cpv, nuts};
use socialbid_frontend::{Lang, format_money, translate_with};
use socialbid_indexer::{DraftChange, DraftCriteria, Reach, ReachChange, Reservation};
use utoipa::ToSchema;

use crate::app::AppState;
use crate::error::{AppError, AppResult, FieldError};
use crate::search;

/// The choices of a draft so far; every list may be empty.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ReachInput {
    /// CPV codes at any level (`85311000`, `85311000-2`, `853`).
    pub cpv: Vec<String>,
    /// NUTS codes of the places of performance (`DK01`, `DK042`).
    pub nuts: Vec<String>,
    /// eForms BT-71 reservations: `res-ws` (Article 20), `res-pub-ser`
    /// (Article 77); `none` or nothing when open to all.
    #[schema(schema_with = reservations)]
    pub reserved: Vec<String>,
    /// The estimated value of the whole contract, whole DKK.
    pub estimated_value_dkk: Option<i64>,
    /// The estimated value of each lot, whole DKK.
    pub lot_values_dkk: Vec<i64>,
}

fn reservations() -> utoipa::openapi::Array {
    utoipa::openapi::ArrayBuilder::new()
        .items(
            utoipa::openapi::ObjectBuilder::new()
                .schema_type(utoipa::openapi::Type::String)
                .enum_values(Some(["res-ws", "res-pub-ser", "none"])),
        )
        .build()
}

/// The most codes one estimate may name.
const MAX_CODES: usize = 50;

impl ReachInput {
    /// The draft as the index reads it, or every broken rule, each naming
    /// its field (`cpv[1]`).
    pub fn criteria(&self) -> AppResult<DraftCriteria> {
        let mut errors = Vec::new();
        let mut criteria = DraftCriteria::default();
        for (field, list) in [("cpv", &self.cpv), ("nuts", &self.nuts)] {
            if list.len() > MAX_CODES {
                errors.push(FieldError::new(field, "too_many").with("max", MAX_CODES));
            }
        }
        for code in self.cpv.iter().take(MAX_CODES) {
            match cpv::parse(code) {
                Ok(found) => criteria.cpv.push(found.code.clone()),
                Err(_) => errors.push(FieldError::new("cpv", "unknown").with("code", shown(code))),
            }
        }
        for code in self.nuts.iter().take(MAX_CODES) {
            match nuts::find(code.trim()) {
                Some(region) => criteria.nuts.push(region.code.clone()),
                None => errors.push(FieldError::new("nuts", "unknown").with("code", shown(code))),
            }
        }
        for code in &self.reserved {
            match Reservation::from_code(code.trim()) {
                Some(r) if !criteria.reserved.contains(&r) => criteria.reserved.push(r),
                Some(_) => {}
                None if code.trim() == "none" => {}
                None => errors.push(FieldError::new("reserved", "invalid")),
            }
        }
        for value in self.estimated_value_dkk.iter().chain(&self.lot_values_dkk) {
            if *value < 1 {
                errors.push(FieldError::new("estimated_value_dkk", "not_positive"));
                break;
            }
        }
        // A profile must be able to take the largest single contract: the
        // largest lot when there are lots, the whole otherwise.
        criteria.value_dkk = if self.lot_values_dkk.is_empty() {
            self.estimated_value_dkk
        } else {
            self.lot_values_dkk.iter().copied().max()
        }
        .and_then(|v| u64::try_from(v).ok());
        if errors.is_empty() {
            Ok(criteria)
        } else {
            Err(AppError::invalid(errors))
        }
    }
}

/// A code as an error message repeats it: never more than a code's length.
fn shown(code: &str) -> String {
    code.chars().take(20).collect()
}

/// One single change and what it would do, worded.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReachChangeView {
    /// `reserve`, `unreserve`, `drop_region`, `broaden_region`, `drop_cpv`,
    /// `broaden_cpv` or `split_value`.
    pub change: String,
    /// The reservation, region or CPV code the change is about; for
    /// `split_value`, the lot value in DKK.
    pub subject: String,
    /// For a broadening: the code one level up.
    pub to: Option<String>,
    /// Profiles that would fit after the change.
    pub fitting: u64,
    /// `fitting` minus the profiles that fit now.
    pub delta: i64,
    /// The change in the caller's language.
    pub text: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReachView {
    /// Approved social enterprises that fit the choices so far.
    pub fitting: u64,
    /// Every approved social enterprise.
    pub total: u64,
    /// The answer in the caller's language.
    pub summary: String,
    /// Every single change that moves the number, the largest move first.
    pub changes: Vec<ReachChangeView>,
}

/// Counts in this process's profile index, once it holds every change.
pub async fn estimate(app: &AppState, criteria: DraftCriteria, lang: Lang) -> AppResult<ReachView> {
    let indexes = search::indexes(app).await?;
    let reach = app
        .db
        .run(move |conn| {
            indexes.catch_up(conn)?;
            Ok::<_, AppError>(indexes.profiles.reach(&criteria)?)
        })
        .await?;
    Ok(view(&reach, lang))
}

fn view(reach: &Reach, lang: Lang) -> ReachView {
    let total = reach.total.to_string();
    let fitting = reach.fitting.to_string();
    ReachView {
        fitting: reach.fitting,
        total: reach.total,
        summary: translate_with(
            lang,
            "matching.reach.summary",
            &[("fitting", &fitting), ("total", &total)],
        ),
        changes: reach
            .changes
            .iter()
            .map(|c| change_view(c, reach.total, lang))
            .collect(),
    }
}

fn article(reservation: Reservation) -> &'static str {
    match reservation {
        Reservation::ShelteredWorkshops => "20",
        Reservation::PublicServiceMission => "77",
    }
}

fn region(code: &str, lang: Lang) -> String {
    nuts::find(code)
        .map(|r| format!("{} ({code})", r.name(lang)))
        .unwrap_or_else(|| code.to_owned())
}

fn cpv_level(key: &str) -> String {
    format!("{key:0<8}")
}

fn change_view(c: &ReachChange, total: u64, lang: Lang) -> ReachChangeView {
    let (change, subject, to) = match &c.change {
        DraftChange::Reserve { reservation } => ("reserve", reservation.code().to_owned(), None),
        DraftChange::Unreserve { reservation } => {
            ("unreserve", reservation.code().to_owned(), None)
        }
        DraftChange::DropRegion { code } => ("drop_region", code.clone(), None),
        DraftChange::BroadenRegion { from, to } => {
            ("broaden_region", from.clone(), Some(to.clone()))
        }
        DraftChange::DropCpv { code } => ("drop_cpv", cpv_level(code), None),
        DraftChange::BroadenCpv { from, to } => {
            ("broaden_cpv", cpv_level(from), Some(cpv_level(to)))
        }
        DraftChange::SplitValue { to } => ("split_value", to.to_string(), None),
    };
    let shown = match &c.change {
        DraftChange::Reserve { reservation } | DraftChange::Unreserve { reservation } => {
            article(*reservation).to_owned()
        }
        DraftChange::DropRegion { code } | DraftChange::BroadenRegion { from: code, .. } => {
            region(code, lang)
        }
        DraftChange::SplitValue { to } => {
            format_money(lang, i64::try_from(*to).unwrap_or(i64::MAX))
        }
        _ => subject.clone(),
    };
    let to_shown = match &c.change {
        DraftChange::BroadenRegion { to, .. } => region(to, lang),
        _ => to.clone().unwrap_or_default(),
    };
    let direction = if c.delta >= 0 { "add" } else { "leave" };
    let fitting = c.fitting.to_string();
    let delta = c.delta.unsigned_abs().to_string();
    let total = total.to_string();
    let text = translate_with(
        lang,
        &format!("matching.reach.{change}.{direction}"),
        &[
            ("subject", &shown),
            ("to", &to_shown),
            ("fitting", &fitting),
            ("n", &delta),
            ("total", &total),
        ],
    );
    ReachChangeView {
        change: change.to_owned(),
        subject,
        to,
        fitting: c.fitting,
        delta: c.delta,
        text,
    }
}
