//! The owning officer's pages, working without JavaScript: opening the
//! bids after the deadline, scoring a bid with reasons, the ranking per
//! lot, the award and the contract's signing.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::Form;
use serde_json::json;

use crate::app::AppState;
use crate::auth::Officer;
use crate::bids::documents::pages::documents_json;
use crate::bids::{access, opening, reading};
use crate::db::ids::{BidId, TenderId};
use crate::error::{AppError, AppResult};
use crate::tenders::model::CriterionKind;
use crate::tenders::service::Viewer;
use crate::web::extract::Path;
use crate::web::page::{FormError, Page};

use super::award;
use super::scoring::{self, ScoreInput};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/tenders/{id}/evaluation", get(overview))
        .route("/tenders/{id}/evaluation/opening", post(open))
        .route(
            "/tenders/{id}/evaluation/bids/{bid}",
            get(score_form).post(score),
        )
        .route("/tenders/{id}/evaluation/lots/{lot}/award", post(award_lot))
        .route("/tenders/{id}/evaluation/lots/{lot}/contract", post(sign))
}

type FormPairs = Vec<(String, String)>;

fn first(form: &FormPairs, name: &str) -> String {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim().to_owned())
        .unwrap_or_default()
}

async fn overview(
    State(app): State<AppState>,
    page: Page,
    Officer(officer): Officer,
    Path(id): Path<TenderId>,
) -> AppResult<Html<String>> {
    render_overview(&app, &page, &officer, id, Vec::new()).await
}

async fn render_overview(
    app: &AppState,
    page: &Page,
    officer: &crate::auth::AuthUser,
    id: TenderId,
    errors: Vec<FormError>,
) -> AppResult<Html<String>> {
    match scoring::evaluation(app, officer, id).await {
        Ok(evaluation) => {
            let now = app.clock.now();
            page.render(
                "pages/evaluation/overview.html",
                json!({"tender_id": id, "evaluation": evaluation, "now": crate::web::utc::format(&now),
                       "errors": errors}),
            )
        }
        Err(AppError::Refused {
            code: "bids_not_opened",
            ..
        }) => {
            let (tender, passed) = {
                let now = app.clock.now();
                let officer = officer.clone();
                app.db
                    .run(move |conn| {
                        let tender = crate::tenders::model::find(conn, id)?;
                        let viewer = Viewer(Some(&officer));
                        if !viewer.can_see(&tender) {
                            return Err(AppError::not_found());
                        }
                        if !viewer.owns(&tender) {
                            return Err(AppError::forbidden("tender_not_yours"));
                        }
                        let passed = access::deadline_passed(&tender, now);
                        Ok((tender, passed))
                    })
                    .await?
            };
            page.render(
                "pages/evaluation/sealed.html",
                json!({"tender": {"id": tender.id, "title": tender.title,
                       "submission_deadline": tender.submission_deadline.map(|d| crate::web::utc::format(&d))},
                       "may_open": passed, "errors": errors}),
            )
        }
        Err(error) => Err(error),
    }
}

async fn open(
    State(app): State<AppState>,
    page: Page,
    Officer(officer): Officer,
    Path(id): Path<TenderId>,
) -> AppResult<Response> {
    match opening::open_bids(&app, &officer, id).await {
        Ok(_) => Ok(Redirect::to(&format!("/tenders/{id}/evaluation")).into_response()),
        Err(error) => {
            let errors = page.errors_of(error, "open")?;
            let html = render_overview(&app, &page, &officer, id, errors).await?;
            Ok((StatusCode::CONFLICT, html).into_response())
        }
    }
}

async fn score_form(
    State(app): State<AppState>,
    page: Page,
    Officer(officer): Officer,
    Path((id, bid_id)): Path<(TenderId, BidId)>,
) -> AppResult<Html<String>> {
    render_score_form(&app, &page, &officer, id, bid_id, None, Vec::new()).await
}

async fn render_score_form(
    app: &AppState,
    page: &Page,
    officer: &crate::auth::AuthUser,
    id: TenderId,
    bid_id: BidId,
    typed: Option<serde_json::Value>,
    errors: Vec<FormError>,
) -> AppResult<Html<String>> {
    let evaluation = scoring::evaluation(app, officer, id).await?;
    let bid = reading::get(app, officer, bid_id).await?;
    if bid.tender_id != id {
        return Err(AppError::not_found());
    }
    let scored = evaluation
        .lots
        .iter()
        .flat_map(|l| &l.bids)
        .find(|b| b.bid_id == bid_id)
        .cloned()
        .ok_or_else(AppError::not_found)?;
    let values = typed.unwrap_or_else(|| {
        let mut values = serde_json::Map::new();
        for c in &scored.criteria {
            if let Some(score) = c.score {
                values.insert(format!("score_{}", c.criterion), json!(score.to_string()));
            }
            if let Some(reason) = &c.reason {
                values.insert(format!("reason_{}", c.criterion), json!(reason));
            }
        }
        serde_json::Value::Object(values)
    });
    let documents = documents_json(&bid.documents, page.lang);
    page.render(
        "pages/evaluation/score.html",
        json!({"tender_id": id, "bid": bid, "scored": scored, "values": values,
               "documents": documents, "errors": errors,
               "scale_max": super::arithmetic::SCALE_MAX}),
    )
}

async fn score(
    State(app): State<AppState>,
    page: Page,
    Officer(officer): Officer,
    Path((id, bid_id)): Path<(TenderId, BidId)>,
    Form(form): Form<FormPairs>,
) -> AppResult<Response> {
    let tender = app
        .db
        .run(move |conn| Ok::<_, AppError>(crate::tenders::model::find(conn, id)?))
        .await?;
    let mut inputs = Vec::new();
    let mut typed = serde_json::Map::new();
    for (index, c) in tender.criteria.0.iter().enumerate() {
        if matches!(c.kind, CriterionKind::Price | CriterionKind::Cost) {
            continue;
        }
        let score_text = first(&form, &format!("score_{index}"));
        let reason = first(&form, &format!("reason_{index}"));
        typed.insert(format!("score_{index}"), json!(score_text));
        typed.insert(format!("reason_{index}"), json!(reason));
        inputs.push(ScoreInput {
            criterion: index,
            // A score that is no whole number breaks the range rule.
            score: score_text.parse().unwrap_or(-1),
            reason,
        });
    }
    match scoring::score(&app, &officer, id, bid_id, inputs).await {
        Ok(()) => Ok(Redirect::to(&format!("/tenders/{id}/evaluation")).into_response()),
        Err(error) => {
            let errors = page.errors_of(error, "scores")?;
            let html = render_score_form(
                &app,
                &page,
                &officer,
                id,
                bid_id,
                Some(serde_json::Value::Object(typed)),
                errors,
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
    }
}

async fn award_lot(
    State(app): State<AppState>,
    page: Page,
    Officer(officer): Officer,
    Path((id, lot)): Path<(TenderId, i32)>,
    Form(form): Form<FormPairs>,
) -> AppResult<Response> {
    let bid_id = BidId(first(&form, "bid_id").parse().unwrap_or_default());
    match award::award(&app, &officer, id, lot, bid_id).await {
        Ok(_) => Ok(Redirect::to(&format!("/tenders/{id}/evaluation")).into_response()),
        Err(error) => {
            let errors = page.errors_of(error, "award")?;
            let html = render_overview(&app, &page, &officer, id, errors).await?;
            Ok((StatusCode::CONFLICT, html).into_response())
        }
    }
}

async fn sign(
    State(app): State<AppState>,
    page: Page,
    Officer(officer): Officer,
    Path((id, lot)): Path<(TenderId, i32)>,
) -> AppResult<Response> {
    match award::sign_contract(&app, &officer, id, lot).await {
        Ok(_) => Ok(Redirect::to(&format!("/tenders/{id}/evaluation")).into_response()),
        Err(error) => {
            let errors = page.errors_of(error, "contract")?;
            let html = render_overview(&app, &page, &officer, id, errors).await?;
            Ok((StatusCode::CONFLICT, html).into_response())
        }
    }
}
