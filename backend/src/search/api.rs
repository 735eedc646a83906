//! Search as JSON: `GET /api/v1/search/tenders`.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::tender_search::{self, SearchParams, SearchResults};
use crate::app::AppState;
use crate::error::AppResult;
use crate::web::conditional;
use crate::web::errors::ErrorBody;
use crate::web::extract::Query;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(search_tenders))
}

/// Search tenders (public): words in any language, stemmed; filters along
/// the CPV and NUTS trees; facet counts; open tenders unless asked.
#[utoipa::path(get, path = "/api/v1/search/tenders", tag = "search", params(SearchParams), responses(
    (status = 200, body = SearchResults),
    (status = 400, body = ErrorBody, description = "A parameter of the wrong type"),
    (status = 422, body = ErrorBody, description = "Unknown codes, a query too long, a page past the end: every parameter named"),
))]
async fn search_tenders(
    State(app): State<AppState>,
    Query(params): Query<SearchParams>,
) -> AppResult<Response> {
    // The same for every caller: open data, revalidated and kept for a
    // moment like the tender list.
    Ok(conditional::public(Json(
        tender_search::search(&app, &params).await?,
    )))
}
