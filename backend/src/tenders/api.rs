//! Tenders as JSON under `/api/v1/tenders`, and the OCDS release packages
//! under `/api/v1/ocds`.

use crate::db::ids::{DocumentId, QuestionId, TenderId};
use crate::web::extract::{Path, Query};
use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::auth::{Entrepreneur, MaybeUser, Officer};
use crate::error::AppResult;
use crate::tenders::documents::{self, DocumentView, form};
use crate::tenders::model::{Content, Criterion, Lot, Status, one_or_many};
use crate::tenders::money::Amount;
use crate::tenders::ocds;
use crate::tenders::rules::Warning;
use crate::tenders::service::{self, QuestionView, TenderPage, TenderSummary, TenderView};
use crate::web::conditional;
use crate::web::errors::ErrorBody;
use crate::web::json::ApiJson;
use crate::web::lang::UserLang;
use socialbid_codes::cpv;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_tenders, create_tender))
        .routes(routes!(my_tenders))
        .routes(routes!(get_tender, update_tender, delete_tender))
        .routes(routes!(publish_tender))
        .routes(routes!(amend_tender))
        .routes(routes!(cancel_tender))
        .routes(routes!(list_questions, ask_question))
        .routes(routes!(answer_question))
        .routes(routes!(follow_tender, unfollow_tender))
        .routes(routes!(download_document))
        .routes(routes!(tender_ocds))
        .routes(routes!(ocds_releases))
        .routes(routes!(search_cpv))
        // The upload reads its body as a stream and counts it itself (see
        // `upload_document`), so axum's 2 MB limit, which governs buffering
        // extractors only, stays for every JSON route.
        .routes(routes!(upload_document))
}

/// A tender as an officer writes it. Every field may be left out of a
/// draft; publishing needs them all. Times are UTC (RFC 3339).
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields, default)]
pub struct TenderInput {
    #[schema(example = "Rengøring af daginstitutioner")]
    pub title: String,
    /// Plain paragraphs; lines starting with `- ` become a list.
    pub description: String,
    /// ISO 639-1 code of the language the tender is written in: any
    /// official language of the EU or EEA (`da`, `de`, `fr`, `sv`, ...).
    pub language: Option<String>,
    /// eForms BT-23: `services`, `supplies`, `works`.
    pub contract_nature: Option<String>,
    /// eForms BT-105: `open`, `restricted`, `neg-w-call`, ...
    pub procedure_type: Option<String>,
    #[schema(example = "90911200")]
    pub main_cpv: Option<String>,
    pub additional_cpv: Vec<String>,
    /// NUTS codes of the places of performance.
    #[schema(example = json!(["DK042"]))]
    pub nuts_codes: Vec<String>,
    /// In `currency`, exact to the hundredth; optional (publishing without
    /// it warns).
    #[schema(value_type = Option<f64>, example = 291934.6, exclusive_minimum = 0, maximum = 1e14, multiple_of = 0.01)]
    pub estimated_value: Option<Amount>,
    /// ISO 4217: `DKK` (when left out), `EUR`, `SEK`, `NOK`, `PLN`, ...
    pub currency: Option<String>,
    pub submission_deadline: Option<DateTime<Utc>>,
    pub question_deadline: Option<DateTime<Utc>>,
    /// eForms BT-71 codes: `res-ws` (Article 20), `res-pub-ser` (Article
    /// 77, light-regime social services only), both, or none (`[]`). One
    /// code as a string is read as a list of one.
    #[serde(deserialize_with = "one_or_many")]
    #[schema(value_type = Vec<String>)]
    pub reserved: Vec<String>,
    /// eForms BT-06: `soc-obj`, `env-imp`, `inn-pur`.
    pub strategic: Vec<String>,
    pub lots: Vec<Lot>,
    pub criteria: Vec<Criterion>,
}

impl TenderInput {
    pub fn into_content(self) -> Content {
        Content {
            title: self.title,
            description: self.description,
            language: self.language.unwrap_or_default(),
            contract_nature: self.contract_nature,
            procedure_type: self.procedure_type,
            main_cpv: self.main_cpv,
            additional_cpv: self.additional_cpv,
            nuts_codes: self.nuts_codes,
            estimated_value: self.estimated_value,
            currency: self.currency.unwrap_or_default(),
            submission_deadline: self.submission_deadline.map(|d| d.naive_utc()),
            question_deadline: self.question_deadline.map(|d| d.naive_utc()),
            reserved: self.reserved,
            strategic: self.strategic,
            lots: self.lots,
            criteria: self.criteria,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// From 1.
    page: Option<i64>,
    /// At most 100; 20 when left out.
    per_page: Option<i64>,
}

/// Published and closed tenders, newest first.
#[utoipa::path(get, path = "/api/v1/tenders", tag = "tenders", params(PageQuery), responses(
    (status = 200, body = TenderPage),
))]
async fn list_tenders(
    State(app): State<AppState>,
    Query(query): Query<PageQuery>,
) -> AppResult<Response> {
    let page = service::list_public(
        &app,
        query.page.unwrap_or(1),
        query.per_page.unwrap_or(service::PER_PAGE),
    )
    .await?;
    Ok(conditional::public(Json(page)))
}

/// Start a draft for the officer's authority (gaps allowed).
#[utoipa::path(post, path = "/api/v1/tenders", tag = "tenders", request_body = TenderInput, security(("bearer" = [])), responses(
    (status = 201, body = TenderView),
    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 422, body = ErrorBody, description = "Something the draft says is wrong (an unknown code, a deadline in the past)"),
))]
async fn create_tender(
    State(app): State<AppState>,
    Officer(officer): Officer,
    ApiJson(body): ApiJson<TenderInput>,
) -> AppResult<impl IntoResponse> {
    let id = service::create_draft(&app, &officer, body.into_content()).await?;
    let view = service::get(&app, Some(&officer), id).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatusQuery {
    /// Only the tenders in this state; every state when left out.
    status: Option<Status>,
}

/// The officer's authority's tenders in every state (the dashboard).
#[utoipa::path(get, path = "/api/v1/tenders/mine", tag = "tenders", params(StatusQuery), security(("bearer" = [])), responses(
    (status = 200, body = Vec<TenderSummary>),
    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
))]
async fn my_tenders(
    State(app): State<AppState>,
    Officer(officer): Officer,
    Query(query): Query<StatusQuery>,
) -> AppResult<Json<Vec<TenderSummary>>> {
    Ok(Json(
        service::list_for_authority(&app, &officer, query.status).await?,
    ))
}

/// One tender with its lots, criteria, documents, change log and answered
/// questions. A draft is found only by officers of its authority.
#[utoipa::path(get, path = "/api/v1/tenders/{id}", tag = "tenders", params(("id" = i64, Path)), responses(
    (status = 200, body = TenderView), (status = 404, body = ErrorBody),
))]
async fn get_tender(
    State(app): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(id): Path<TenderId>,
) -> AppResult<Json<TenderView>> {
    Ok(Json(service::get(&app, user.as_ref(), id).await?))
}

/// Save a draft (the whole content). A published tender is amended instead.
#[utoipa::path(put, path = "/api/v1/tenders/{id}", tag = "tenders", params(("id" = i64, Path)), request_body = TenderInput, security(("bearer" = [])), responses(
    (status = 200, body = TenderView),
    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody, description = "The tender is published: amend it"),
    (status = 422, body = ErrorBody),
))]
async fn update_tender(
    State(app): State<AppState>,
    Officer(officer): Officer,
    Path(id): Path<TenderId>,
    ApiJson(body): ApiJson<TenderInput>,
) -> AppResult<Json<TenderView>> {
    service::update_draft(&app, &officer, id, body.into_content()).await?;
    Ok(Json(service::get(&app, Some(&officer), id).await?))
}

/// Delete a draft that was never published.
#[utoipa::path(delete, path = "/api/v1/tenders/{id}", tag = "tenders", params(("id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 204),
    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody, description = "Published: cancel it instead"),
))]
async fn delete_tender(
    State(app): State<AppState>,
    Officer(officer): Officer,
    Path(id): Path<TenderId>,
) -> AppResult<StatusCode> {
    service::delete_draft(&app, &officer, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct PublishResult {
    tender: TenderView,
    /// What the officer should know (a period shorter than the directive's
    /// minimum); publishing went ahead.
    warnings: Vec<Warning>,
}

/// Publish a draft: every rule is checked and every problem listed.
#[utoipa::path(post, path = "/api/v1/tenders/{id}/publish", tag = "tenders", params(("id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 200, body = PublishResult),
    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody, description = "Not a draft"),
    (status = 422, body = ErrorBody, description = "Every problem, listed under `fields`"),
))]
async fn publish_tender(
    State(app): State<AppState>,
    Officer(officer): Officer,
    Path(id): Path<TenderId>,
) -> AppResult<Json<PublishResult>> {
    let warnings = service::publish(&app, &officer, id).await?;
    let tender = service::get(&app, Some(&officer), id).await?;
    Ok(Json(PublishResult { tender, warnings }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AmendRequest {
    /// Why it changes, shown in the change log.
    #[schema(pattern = r"\S")]
    reason: String,
    /// The whole new content.
    tender: TenderInput,
}

/// Amend a published tender: a new version with a change log for everyone.
#[utoipa::path(post, path = "/api/v1/tenders/{id}/amend", tag = "tenders", params(("id" = i64, Path)), request_body = AmendRequest, security(("bearer" = [])), responses(
    (status = 200, body = TenderView),
    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody, description = "Not published"),
    (status = 422, body = ErrorBody),
))]
async fn amend_tender(
    State(app): State<AppState>,
    Officer(officer): Officer,
    Path(id): Path<TenderId>,
    ApiJson(body): ApiJson<AmendRequest>,
) -> AppResult<Json<TenderView>> {
    service::amend(&app, &officer, id, body.tender.into_content(), body.reason).await?;
    Ok(Json(service::get(&app, Some(&officer), id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonRequest {
    #[schema(pattern = r"\S")]
    reason: String,
}

/// Cancel a published or closed tender, with a reason shown to everyone.
#[utoipa::path(post, path = "/api/v1/tenders/{id}/cancel", tag = "tenders", params(("id" = i64, Path)), request_body = ReasonRequest, security(("bearer" = [])), responses(
    (status = 200, body = TenderView),
    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody), (status = 422, body = ErrorBody),
))]
async fn cancel_tender(
    State(app): State<AppState>,
    Officer(officer): Officer,
    Path(id): Path<TenderId>,
    ApiJson(body): ApiJson<ReasonRequest>,
) -> AppResult<Json<TenderView>> {
    service::cancel(&app, &officer, id, body.reason).await?;
    Ok(Json(service::get(&app, Some(&officer), id).await?))
}

/// Questions: answered ones for everyone; never who asked, except to admins.
#[utoipa::path(get, path = "/api/v1/tenders/{id}/questions", tag = "tenders", params(("id" = i64, Path)), responses(
    (status = 200, body = Vec<QuestionView>), (status = 404, body = ErrorBody),
))]
async fn list_questions(
    State(app): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(id): Path<TenderId>,
) -> AppResult<Json<Vec<QuestionView>>> {
    Ok(Json(service::questions(&app, user.as_ref(), id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuestionRequest {
    #[schema(pattern = r"\S")]
    question: String,
}

#[derive(Serialize, ToSchema)]
pub struct Created {
    #[schema(value_type = i64)]
    id: QuestionId,
}

/// Ask a question (entrepreneurs, until the question deadline).
#[utoipa::path(post, path = "/api/v1/tenders/{id}/questions", tag = "tenders", params(("id" = i64, Path)), request_body = QuestionRequest, security(("bearer" = [])), responses(
    (status = 201, body = Created),
    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody, description = "Closed, cancelled, or past the question deadline"),
    (status = 422, body = ErrorBody),
))]
async fn ask_question(
    State(app): State<AppState>,
    Entrepreneur(user): Entrepreneur,
    Path(id): Path<TenderId>,
    ApiJson(body): ApiJson<QuestionRequest>,
) -> AppResult<impl IntoResponse> {
    let id = service::ask(&app, &user, id, body.question).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerRequest {
    #[schema(pattern = r"\S")]
    answer: String,
    /// The question reworded before it is published with the answer, to
    /// leave out what would tell others who asked; as asked when absent.
    #[serde(default)]
    #[schema(pattern = r"\S")]
    question: Option<String>,
}

/// Answer a question: published for everyone; the asker and followers are
/// mailed.
#[utoipa::path(post, path = "/api/v1/tenders/{id}/questions/{question_id}/answer", tag = "tenders", params(("id" = i64, Path), ("question_id" = i64, Path)), request_body = AnswerRequest, security(("bearer" = [])), responses(
    (status = 204),
    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody), (status = 422, body = ErrorBody),
))]
async fn answer_question(
    State(app): State<AppState>,
    Officer(officer): Officer,
    Path((id, question_id)): Path<(TenderId, QuestionId)>,
    ApiJson(body): ApiJson<AnswerRequest>,
) -> AppResult<StatusCode> {
    service::answer(&app, &officer, id, question_id, body.answer, body.question).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Follow a tender: mail on answers, amendments and cancellation.
#[utoipa::path(put, path = "/api/v1/tenders/{id}/follow", tag = "tenders", params(("id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
))]
async fn follow_tender(
    State(app): State<AppState>,
    Entrepreneur(user): Entrepreneur,
    Path(id): Path<TenderId>,
) -> AppResult<StatusCode> {
    service::follow(&app, &user, id, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Stop following a tender.
#[utoipa::path(delete, path = "/api/v1/tenders/{id}/follow", tag = "tenders", params(("id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
))]
async fn unfollow_tender(
    State(app): State<AppState>,
    Entrepreneur(user): Entrepreneur,
    Path(id): Path<TenderId>,
) -> AppResult<StatusCode> {
    service::follow(&app, &user, id, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// The file name to show, e.g. `udbudsbetingelser.pdf`.
    #[param(min_length = 1, max_length = 200)]
    pub name: String,
    /// What the document is, shown instead of the file name, e.g.
    /// `Udbudsbetingelser`; at most 500 characters (`documents::MAX_TITLE`,
    /// as the upload form says).
    #[serde(default)]
    #[param(max_length = 500)]
    pub title: Option<String>,
}

/// Attach a document: the raw file as the body (PDF, Word, Excel,
/// PowerPoint, OpenDocument; at most 20 MB), recognised by its content;
/// the name's extension must match it (`.pdf` for a PDF).
#[utoipa::path(post, path = "/api/v1/tenders/{id}/documents", tag = "tenders", params(("id" = i64, Path), UploadQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"), security(("bearer" = [])), responses(
    (status = 201, body = DocumentView),
    (status = 400, body = ErrorBody, description = "The body could not be read to its end"),
    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody, description = "The tender is closed or cancelled"),
    (status = 413, body = ErrorBody, description = "The body announces more than 20 MB"),
    (status = 422, body = ErrorBody, description = "Empty, over 20 MB, not an accepted type, an unsafe name, or an extension that does not match the content"),
))]
async fn upload_document(
    State(app): State<AppState>,
    Officer(officer): Officer,
    Path(id): Path<TenderId>,
    Query(query): Query<UploadQuery>,
    body: Body,
) -> AppResult<impl IntoResponse> {
    form::refuse_if_announced_too_large(&body)?;
    let name = documents::checked_name(&query.name)?;
    let title = documents::checked_title(query.title.as_deref())?;
    documents::check_can_upload(&app, &officer, id).await?;
    let mut receiving = documents::receive(&app).await?;
    form::raw_body(body, &mut receiving).await?;
    let received = receiving.finish().await?;
    let view = documents::store(&app, &officer, id, name, title, received).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// Download a document (always as an attachment).
#[utoipa::path(get, path = "/api/v1/tenders/{id}/documents/{document_id}", tag = "tenders", params(("id" = i64, Path), ("document_id" = i64, Path)), responses(
    (status = 200, description = "The file, with the type its content was recognised as", content(("application/pdf"), ("application/msword"), ("application/vnd.ms-excel"),
        ("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("application/vnd.openxmlformats-officedocument.presentationml.presentation"),
        ("application/vnd.oasis.opendocument.text"), ("application/vnd.oasis.opendocument.spreadsheet"))),
    (status = 404, body = ErrorBody),
))]
async fn download_document(
    State(app): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path((id, document_id)): Path<(TenderId, DocumentId)>,
) -> AppResult<documents::Download> {
    documents::download(&app, user.as_ref(), id, document_id).await
}

/// One tender's OCDS releases (one per published version) as a release
/// package.
#[utoipa::path(get, path = "/api/v1/tenders/{id}/ocds", tag = "ocds", params(("id" = i64, Path)), responses(
    (status = 200, description = "An OCDS 1.1 release package", content_type = "application/json"),
    (status = 404, body = ErrorBody),
))]
async fn tender_ocds(State(app): State<AppState>, Path(id): Path<TenderId>) -> AppResult<Response> {
    Ok(conditional::public(Json(
        ocds::tender_package(&app, id).await?,
    )))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReleasesQuery {
    /// Only releases dated at or after this time (RFC 3339).
    since: Option<DateTime<Utc>>,
    /// From 1; 100 releases a page, oldest first.
    page: Option<i64>,
}

/// Every published release, oldest first, paginated by date; the package's
/// `links.next` names the next page.
#[utoipa::path(get, path = "/api/v1/ocds/releases", tag = "ocds", params(ReleasesQuery), responses(
    (status = 200, description = "An OCDS 1.1 release package", content_type = "application/json"),
))]
async fn ocds_releases(
    State(app): State<AppState>,
    Query(query): Query<ReleasesQuery>,
) -> AppResult<Response> {
    let package = ocds::releases_package(
        &app,
        query.since.map(|s| s.naive_utc()),
        query.page.unwrap_or(1),
    )
    .await?;
    Ok(conditional::public(Json(package)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CpvQuery {
    /// Words or the first digits of a code.
    q: String,
}

#[derive(Serialize, ToSchema)]
pub struct CpvView {
    code: String,
    full: String,
    label: String,
    /// Article 77 (`res-pub-ser`) may be used with this code.
    article_77: bool,
}

/// Search the CPV 2008 vocabulary by words (in the caller's language) or
/// digits.
#[utoipa::path(get, path = "/api/v1/cpv", tag = "tenders", params(CpvQuery), responses(
    (status = 200, body = Vec<CpvView>),
))]
async fn search_cpv(UserLang(lang): UserLang, Query(query): Query<CpvQuery>) -> Json<Vec<CpvView>> {
    Json(
        cpv::search(&query.q, lang, 50)
            .into_iter()
            .map(|c| CpvView {
                code: c.code.clone(),
                full: c.full.clone(),
                label: c.label(lang).to_owned(),
                article_77: cpv::allows_article_77(&c.code),
            })
            .collect(),
    )
}
