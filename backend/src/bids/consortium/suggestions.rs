//! Partner discovery for a bid's lead: the indexer's combinations of
//! approved profiles that, with the lead, cover the tender's CPV codes,
//! places and value (each partner with what it brings and why it
//! matches), and a search of the directory by name.

use serde::{Deserialize, Serialize};
use socialbid_indexer::partners::{Coverage, Gain, Missing, Needs};
use utoipa::{IntoParams, ToSchema};

use crate::app::AppState;
use crate::auth::AuthUser;
use crate::db::ids::{BidId, OrganisationId};
use crate::error::{AppError, AppResult};
use crate::matching::reasons::ReasonView;
use crate::profiles::directory::{self, Filter};
use crate::profiles::service as profiles;
use crate::search::documents;
use crate::search::indexes;

use super::super::model::reservations;
use super::super::writing::own_bid;
use super::store::{self, PartnerState};

/// How many combinations are suggested.
pub const SUGGESTIONS: usize = 5;
/// How many organisations a search by name lists.
pub const FOUND: usize = 20;

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct PartnerQuery {
    /// Words of a partner's name, mission or capabilities: lists approved
    /// organisations eligible for the tender besides the suggestions.
    pub q: String,
}

/// CPV codes (8 digits), NUTS codes and a value in DKK.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Coverable {
    pub cpv: Vec<String>,
    pub regions: Vec<String>,
    /// For what a tender asks: its estimated value; for what is covered:
    /// the summed capacity; for what is missing or brought: the capacity
    /// short of the value, or a partner's capacity.
    pub value_dkk: Option<u64>,
}

impl Coverable {
    fn needs(n: &Needs) -> Coverable {
        Coverable::of(&n.cpv, &n.regions, n.value_dkk)
    }
    fn covers(c: &Coverage) -> Coverable {
        Coverable::of(&c.cpv, &c.regions, Some(c.capacity_dkk).filter(|v| *v > 0))
    }
    fn missing(m: &Missing) -> Coverable {
        Coverable::of(&m.cpv, &m.regions, m.capacity_dkk)
    }
    fn gain(g: &Gain) -> Coverable {
        Coverable::of(&g.cpv, &g.regions, g.capacity_dkk)
    }
    /// The indexer's CPV keys (significant digits) as 8-digit codes.
    fn of(cpv: &[String], regions: &[String], value_dkk: Option<u64>) -> Coverable {
        Coverable {
            cpv: cpv.iter().map(|key| format!("{key:0<8}")).collect(),
            regions: regions.to_vec(),
            value_dkk,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.cpv.is_empty() && self.regions.is_empty() && self.value_dkk.is_none()
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SuggestedPartnerView {
    #[schema(value_type = i64)]
    pub organisation_id: OrganisationId,
    pub name: String,
    /// Its match score for the tender on its own, 0 to 1.
    pub score: f32,
    /// What it adds to the lead and the partners before it.
    pub brings: Coverable,
    /// Why it matches the tender.
    pub reasons: Vec<ReasonView>,
    /// Already asked (invited or accepted).
    pub asked: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SuggestionView {
    pub partners: Vec<SuggestedPartnerView>,
    /// What the lead and these partners cover together.
    pub covers: Coverable,
    /// What they still lack.
    pub missing: Coverable,
}

/// An organisation found by name.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FoundPartner {
    #[schema(value_type = i64)]
    pub organisation_id: OrganisationId,
    pub name: String,
    pub mission: String,
    pub asked: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PartnerSuggestionsView {
    /// What the tender (or lot) asks for.
    pub needs: Coverable,
    /// What the lead covers alone.
    pub lead_covers: Coverable,
    /// What the lead lacks; when nothing, there are no suggestions.
    pub lead_missing: Coverable,
    pub suggestions: Vec<SuggestionView>,
    /// The organisations whose name, mission or capabilities hold `q`.
    pub found: Vec<FoundPartner>,
}

/// Suggestions for the lead of `bid_id` (404 for anyone else).
pub async fn suggest(
    app: &AppState,
    user: &AuthUser,
    bid_id: BidId,
    query: &PartnerQuery,
) -> AppResult<PartnerSuggestionsView> {
    let user = user.clone();
    let (bid, tender, lead, asked) = app
        .db
        .run(move |conn| {
            let (bid, tender) = own_bid(conn, &user, bid_id)?;
            let lead = profiles::find(conn, bid.organisation_id)?;
            let asked: Vec<OrganisationId> = store::of_bid(conn, bid.id)?
                .into_iter()
                .filter(|p| p.state != PartnerState::Declined)
                .map(|p| p.organisation_id)
                .collect();
            Ok::<_, AppError>((bid, tender, lead, asked))
        })
        .await?;
    let reserved = reservations(&tender.content(), bid.lot);
    let (Some(tender_doc), Some(lead_doc)) = (
        documents::tender_doc(&tender),
        documents::profile_doc(&lead)?,
    ) else {
        return Err(AppError::forbidden("organisation_not_approved"));
    };
    let mut tender_doc = tender_doc;
    // A lot's own reservations bind its partners as the tender's do.
    tender_doc.reserved = reserved
        .iter()
        .filter_map(|code| socialbid_indexer::Reservation::from_code(code))
        .collect();
    // The search by name first: a query it refuses is refused before the
    // suggestions are worked out.
    let mut by_name = Vec::new();
    if !query.q.trim().is_empty() {
        let filter = Filter {
            q: query.q.clone(),
            reserved: reserved.join(","),
            ..Filter::default()
        };
        let page = directory::search(app, &filter).await?;
        by_name = page
            .items
            .into_iter()
            .filter(|p| p.id != lead.id)
            .take(FOUND)
            .map(|p| FoundPartner {
                organisation_id: p.id,
                asked: asked.contains(&p.id),
                name: p.name,
                mission: p.mission,
            })
            .collect();
    }
    let indexes = indexes(app).await?;
    let found = tokio::task::spawn_blocking(move || {
        indexes
            .profiles
            .suggest_partners(&tender_doc, &lead_doc, SUGGESTIONS)
    })
    .await
    .map_err(AppError::internal)?
    .map_err(AppError::internal)?;

    let is_asked = |id: u64| asked.iter().any(|a| u64::try_from(a.0).ok() == Some(id));
    let suggestions = found
        .suggestions
        .iter()
        .map(|s| SuggestionView {
            partners: s
                .partners
                .iter()
                .map(|p| SuggestedPartnerView {
                    organisation_id: OrganisationId(
                        i64::try_from(p.profile.organisation_id).unwrap_or_default(),
                    ),
                    name: p.profile.name.clone(),
                    score: p.score,
                    brings: Coverable::gain(&p.brings),
                    reasons: p.reasons.iter().map(ReasonView::from).collect(),
                    asked: is_asked(p.profile.organisation_id),
                })
                .collect(),
            covers: Coverable::covers(&s.covers),
            missing: Coverable::missing(&s.missing),
        })
        .collect();

    Ok(PartnerSuggestionsView {
        needs: Coverable::needs(&found.needs),
        lead_covers: Coverable::covers(&found.lead_covers),
        lead_missing: Coverable::missing(&found.lead_missing),
        suggestions,
        found: by_name,
    })
}
