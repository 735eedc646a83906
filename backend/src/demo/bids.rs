//! Demo bids: two tenders of the first demo municipality whose deadline
//! has passed, with bids from the demo enterprises that are approved; one
//! opened, scored and awarded (its standstill period running), one waiting
//! to be opened. On the awarded one, Café Lyst bids in a consortium with
//! Kurerkompagniet, which delivers the meals. Each bid carries a page of
//! references as a document. Made through the bid and
//! evaluation services on a clock set back while the tenders were open,
//! so every rule holds; a tender whose title exists already is skipped.

use chrono::Duration;
use diesel::prelude::*;

use crate::app::AppState;
use crate::auth::AuthUser;
use crate::bids::consortium::inviting::{self, Invitation};
use crate::bids::model::{Answer, BidContent, Commitment, DECLARATIONS};
use crate::bids::{documents, opening, writing};
use crate::db::ids::{AuthorityId, BidId, TenderId};
use crate::db::schema::tenders;
use crate::demo::people::{ENTREPRENEURS, MUNICIPALITIES};
use crate::demo::tenders::{PRICE_QUALITY_SOCIAL, Spec, content_of, person, town};
use crate::error::AppError;
use crate::evaluation::{award, scoring};
use crate::profiles::service as profiles;
use crate::tenders::money::Amount;
use crate::tenders::service::{self, Deadline};

/// The member of the demo's consortium partner, and what it does.
const PARTNER: &str = "kontakt@kurerkompagniet.socialbid.demo";
const PARTNER_ROLE: &str = "Udbringning af maden til institutionerne";
const PARTNER_SHARE: i32 = 20;

const CLOSED: [Spec; 2] = [
    Spec {
        lang: "da",
        title: "Frokostordning i {town}s daginstitutioner",
        description: "Økologisk frokost til 14 daginstitutioner, lavet fra bunden.",
        nature: "services",
        procedure: "open",
        cpv: "55523100",
        additional: &[],
        value: 2_000_000,
        currency: "DKK",
        days: 30,
        reserved: &[],
        places: &[],
        only_in: None,
        criteria: PRICE_QUALITY_SOCIAL,
        lots: &[],
        question: None,
    },
    Spec {
        lang: "da",
        title: "Vedligehold af grønne arealer ved {town}s skoler",
        description: "Græsslåning, beskæring og renholdelse ved 9 skoler.",
        nature: "services",
        procedure: "open",
        cpv: "77310000",
        additional: &[],
        value: 1_400_000,
        currency: "DKK",
        days: 30,
        reserved: &[],
        places: &[],
        only_in: None,
        criteria: PRICE_QUALITY_SOCIAL,
        lots: &[],
        question: None,
    },
];

fn fail(e: AppError) -> anyhow::Error {
    anyhow::anyhow!("{e:?}")
}

/// The demo entrepreneurs whose organisations are approved.
async fn bidders(app: &AppState) -> anyhow::Result<Vec<AuthUser>> {
    let mut found = Vec::new();
    for (_, email) in ENTREPRENEURS {
        let user = person(app, email).await?;
        let id = user.id;
        let public = app
            .db
            .run(move |conn| {
                Ok::<_, AppError>(profiles::of_member(conn, id)?.is_some_and(|o| o.is_public()))
            })
            .await
            .map_err(fail)?;
        if public {
            found.push(user);
        }
    }
    Ok(found)
}

fn bid(n: usize) -> BidContent {
    BidContent {
        price: Some(Amount((1_600_000 + 150_000 * n as i64) * 100)),
        answers: vec![Answer {
            criterion: 1,
            text: "Faste teams med en fast kontaktperson pr. institution.".into(),
        }],
        commitments: vec![Commitment {
            criterion: 2,
            what: "Job".into(),
            how_many: 2 + n as i32,
            for_whom: "Personer, der har været ledige i over et år".into(),
            months: 12,
        }],
        declarations: DECLARATIONS.iter().map(|d| (*d).to_owned()).collect(),
    }
}

/// Seeds what is missing; returns how many tenders were added.
pub async fn seed(app: &AppState) -> anyhow::Result<usize> {
    let (name, _, nuts, _, email) = MUNICIPALITIES[0];
    let officer = person(app, email).await?;
    let authority = officer.authority_id.unwrap_or(AuthorityId(0));
    let bidders = bidders(app).await?;
    let mut added = 0;
    for (i, spec) in CLOSED.iter().enumerate() {
        let title = spec.title.replace("{town}", town(name));
        let exists: i64 = app
            .db
            .run(move |conn| {
                Ok::<_, AppError>(
                    tenders::table
                        .filter(tenders::authority_id.eq(authority))
                        .filter(tenders::title.eq(title))
                        .count()
                        .get_result(conn)?,
                )
            })
            .await
            .map_err(fail)?;
        if exists > 0 {
            continue;
        }
        // Back to when the tender was open: published 40 days ago, its
        // deadline 10 days ago.
        let back = Duration::days(40);
        app.clock.advance(-back);
        let opened = open_period(app, &officer, spec, name, nuts, &bidders, i == 0).await;
        app.clock.advance(back);
        let (id, bids) = opened?;
        added += 1;
        if i == 0 && !bids.is_empty() {
            opening::open_bids(app, &officer, id).await.map_err(fail)?;
            for (n, bid_id) in bids.iter().enumerate() {
                let scores = vec![
                    scoring::ScoreInput {
                        criterion: 1,
                        score: 8 - n as i32,
                        reason: "Klar plan for bemanding og kvalitetskontrol.".into(),
                    },
                    scoring::ScoreInput {
                        criterion: 2,
                        score: 6 + n as i32,
                        reason: "Konkrete tilsagn om job til ledige.".into(),
                    },
                ];
                scoring::score(app, &officer, id, *bid_id, scores)
                    .await
                    .map_err(fail)?;
            }
            let evaluation = scoring::evaluation(app, &officer, id).await.map_err(fail)?;
            if let Some(first) = evaluation.lots[0].bids.iter().find(|b| b.rank == Some(1)) {
                award::award(app, &officer, id, 0, first.bid_id)
                    .await
                    .map_err(fail)?;
            }
        }
    }
    Ok(added)
}

/// Publishes `spec` and submits a bid from each of `bidders`, on the
/// clock as it was then; with `consortium`, the first bidder's bid has the
/// demo partner, invited and accepted before it is submitted. The close at
/// the deadline is queued only once the bids are in: the deadline has
/// passed by the real clock, so a running server's worker would otherwise
/// close the tender before them.
async fn open_period(
    app: &AppState,
    officer: &AuthUser,
    spec: &Spec,
    name: &str,
    nuts: &str,
    bidders: &[AuthUser],
    consortium: bool,
) -> anyhow::Result<(TenderId, Vec<BidId>)> {
    let content = content_of(spec, town(name), nuts, app.clock.now());
    let deadline = content.submission_deadline;
    let id = service::create_draft(app, officer, content)
        .await
        .map_err(fail)?;
    service::publish_with(app, officer, id, Deadline::HeldBack)
        .await
        .map_err(fail)?;
    let bids = submit_bids(app, id, bidders, consortium).await;
    if let Some(deadline) = deadline {
        let now = app.clock.now();
        app.db
            .run(move |conn| {
                service::schedule_deadline(conn, id, deadline, now).map_err(AppError::from)
            })
            .await
            .map_err(fail)?;
    }
    Ok((id, bids?))
}

async fn submit_bids(
    app: &AppState,
    id: TenderId,
    bidders: &[AuthUser],
    consortium: bool,
) -> anyhow::Result<Vec<BidId>> {
    let mut bids = Vec::new();
    for (n, bidder) in bidders.iter().enumerate() {
        let bid_id = writing::create(app, bidder, id, 0, bid(n))
            .await
            .map_err(fail)?;
        if consortium && n == 0 {
            with_partner(app, bidder, bid_id).await?;
        }
        with_references(app, bidder, bid_id).await?;
        writing::submit(app, bidder, bid_id).await.map_err(fail)?;
        bids.push(bid_id);
    }
    Ok(bids)
}

/// Attaches a page of references to `bid_id`, sealed like any bid's
/// documents, for the officer to read once the bids are opened.
async fn with_references(app: &AppState, bidder: &AuthUser, bid_id: BidId) -> anyhow::Result<()> {
    let pdf = super::pdf::one_page(&[
        "Referencer",
        "",
        "Frokostordning for 6 daginstitutioner, 2023-2025 (ca. 420 børn om dagen).",
        "Kantinedrift i et kommunalt jobcenter, 2022-2024.",
        "Fire af køkkenets ansatte kom fra mere end et års ledighed.",
    ]);
    let bid = documents::check_can_add(app, bidder, bid_id)
        .await
        .map_err(fail)?;
    let mut receiving = documents::Receiving::default();
    receiving.push(&pdf).map_err(fail)?;
    let name = "referencer.pdf";
    let received = receiving.finish(name).await.map_err(fail)?;
    documents::add(
        app,
        bidder,
        &bid,
        name.into(),
        Some("Referencer".into()),
        received,
    )
    .await
    .map_err(fail)?;
    Ok(())
}

/// Invites the demo partner to `bid_id` and accepts as its member.
async fn with_partner(app: &AppState, lead: &AuthUser, bid_id: BidId) -> anyhow::Result<()> {
    let partner = person(app, PARTNER).await?;
    let member = partner.id;
    let organisation = app
        .db
        .run(move |conn| profiles::of_member(conn, member).map_err(AppError::from))
        .await
        .map_err(fail)?
        .ok_or_else(|| anyhow::anyhow!("the demo partner has no organisation"))?;
    let invitation = Invitation {
        organisation_id: organisation.id,
        partner_role: PARTNER_ROLE.into(),
        share_percent: PARTNER_SHARE,
    };
    inviting::invite(app, lead, bid_id, invitation)
        .await
        .map_err(fail)?;
    inviting::answer(app, &partner, bid_id, inviting::Answer::Accept)
        .await
        .map_err(fail)
}
