//! Following and unfollowing a tender from its page.

use crate::db::ids::TenderId;
use crate::web::extract::Path;
use axum::extract::State;
use axum::response::Redirect;

use crate::app::AppState;
use crate::auth::Entrepreneur;
use crate::error::AppResult;
use crate::tenders::service;

pub(super) async fn follow(
    State(app): State<AppState>,
    Entrepreneur(user): Entrepreneur,
    Path(id): Path<TenderId>,
) -> AppResult<Redirect> {
    service::follow(&app, &user, id, true).await?;
    Ok(Redirect::to(&format!("/tenders/{id}?notice=following")))
}

pub(super) async fn unfollow(
    State(app): State<AppState>,
    Entrepreneur(user): Entrepreneur,
    Path(id): Path<TenderId>,
) -> AppResult<Redirect> {
    service::follow(&app, &user, id, false).await?;
    Ok(Redirect::to(&format!("/tenders/{id}?notice=not_following")))
}
