//! Accounts and sessions as JSON under `/api/v1`.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::accounts::model::{self, Authority};
use crate::accounts::service;
use crate::accounts::validate::Registration;
use crate::app::AppState;
use crate::auth::refresh::{self, TokenPair};
use crate::auth::{ApprovalState, AuthUser, Role};
use crate::db::ids::{AuthorityId, UserId};
use crate::error::{AppError, AppResult};
use crate::web::client::ClientInfo;
use crate::web::errors::ErrorBody;
use crate::web::json::ApiJson;
use crate::web::lang::UserLang;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(register))
        .routes(routes!(verify_email))
        .routes(routes!(resend_verification))
        .routes(routes!(login))
        .routes(routes!(refresh))
        .routes(routes!(logout))
        .routes(routes!(request_password_reset))
        .routes(routes!(reset_password))
        .routes(routes!(me, delete_me))
        .routes(routes!(change_password))
        .routes(routes!(export_me))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    #[schema(example = "anna@cafe-lyst.dk", format = Email, max_length = 254)]
    email: String,
    /// At least 12 characters, at most 128, not the email address.
    #[schema(min_length = 12, max_length = 128)]
    password: String,
    #[schema(example = "Anna Jensen", pattern = r"\S", max_length = 200)]
    name: String,
    /// `entrepreneur` or `officer`; admins are created with the CLI.
    #[schema(schema_with = registration_role)]
    role: String,
    /// Required for officers: the contracting authority they buy for.
    authority: Option<AuthorityRequest>,
}

/// The roles one may register with, as the schema lists them; the field
/// stays a string so that any other value is answered with the field's own
/// rule (422 naming `role`), not a generic body error.
fn registration_role() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::Type::String)
        .enum_values(Some(["entrepreneur", "officer"]))
        .build()
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuthorityRequest {
    #[schema(example = "Aarhus Kommune")]
    name: String,
    /// Danish CVR number, 8 digits with a valid modulus-11 check.
    #[schema(example = "55133018")]
    cvr: String,
    /// NUTS code of a Danish region (level 2 or 3).
    #[schema(example = "DK042")]
    nuts_code: String,
}

#[derive(Serialize, ToSchema)]
pub struct AccountView {
    #[schema(value_type = i64)]
    id: UserId,
    email: String,
    name: String,
    role: Role,
    locale: String,
    #[serde(with = "crate::web::utc::option")]
    email_verified_at: Option<NaiveDateTime>,
    /// Officers only.
    approval_state: Option<ApprovalState>,
    approval_reason: Option<String>,
    authority: Option<Authority>,
    #[serde(with = "crate::web::utc")]
    created_at: NaiveDateTime,
}

impl AccountView {
    fn new(user: model::User, authority: Option<Authority>) -> AccountView {
        AccountView {
            role: user.role,
            id: user.id,
            email: user.email,
            name: user.name,
            locale: user.locale,
            email_verified_at: user.email_verified_at,
            approval_state: user.approval_state,
            approval_reason: user.approval_reason,
            authority,
            created_at: user.created_at,
        }
    }
}

/// The answer to a registration: what was asked for, as checked. It is the
/// same whether the address was free or already had an account, so it
/// carries nothing the form did not.
#[derive(Serialize, ToSchema)]
pub struct RegistrationView {
    email: String,
    name: String,
    role: Role,
    locale: String,
    /// Officers only: always `pending` until an admin decides.
    approval_state: Option<ApprovalState>,
    authority: Option<AuthorityView>,
}

#[derive(Serialize, ToSchema)]
pub struct AuthorityView {
    name: String,
    cvr: String,
    nuts_code: String,
}

impl From<service::Registered> for RegistrationView {
    fn from(registered: service::Registered) -> RegistrationView {
        RegistrationView {
            email: registered.email,
            name: registered.name,
            role: registered.role,
            locale: registered.locale.to_owned(),
            approval_state: registered
                .authority
                .as_ref()
                .map(|_| ApprovalState::Pending),
            authority: registered.authority.map(|a| AuthorityView {
                name: a.name,
                cvr: a.cvr,
                nuts_code: a.nuts_code,
            }),
        }
    }
}

/// Register an account; a verification link is mailed. An address that
/// already has an account gets the same answer, and its owner a mail
/// saying someone tried: registration reveals no accounts.
#[utoipa::path(post, path = "/api/v1/accounts", tag = "accounts", request_body = RegisterRequest, responses(
    (status = 201, body = RegistrationView, description = "Registered (or the address already had an account); verify the email before logging in"),
    (status = 422, body = ErrorBody, description = "A field breaks a rule"),
    (status = 429, body = ErrorBody, description = "Too many requests from this address"),
))]
async fn register(
    State(app): State<AppState>,
    UserLang(lang): UserLang,
    ApiJson(body): ApiJson<RegisterRequest>,
) -> AppResult<impl IntoResponse> {
    let authority = body.authority.unwrap_or(AuthorityRequest {
        name: String::new(),
        cvr: String::new(),
        nuts_code: String::new(),
    });
    let form = Registration {
        email: body.email,
        password: body.password,
        name: body.name,
        role: body.role,
        authority_name: authority.name,
        authority_cvr: authority.cvr,
        authority_nuts: authority.nuts_code,
    };
    let registered = service::register(&app, form, lang).await?;
    Ok((
        StatusCode::CREATED,
        Json(RegistrationView::from(registered)),
    ))
}

async fn load_authority(app: &AppState, id: Option<AuthorityId>) -> AppResult<Option<Authority>> {
    match id {
        None => Ok(None),
        Some(id) => {
            app.db
                .run(move |conn| Ok(Some(model::authority(conn, id)?)))
                .await
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// The token from the link in the mail.
    #[schema(min_length = 1)]
    token: String,
}

/// Confirm an email address with the token from the mailed link.
#[utoipa::path(post, path = "/api/v1/accounts/verify", tag = "accounts", request_body = TokenRequest, responses(
    (status = 204, description = "Verified"),
    (status = 400, body = ErrorBody, description = "The link has expired"),
    (status = 404, body = ErrorBody, description = "No such link"),
    (status = 409, body = ErrorBody, description = "The link was already used"),
))]
async fn verify_email(
    State(app): State<AppState>,
    ApiJson(body): ApiJson<TokenRequest>,
) -> AppResult<StatusCode> {
    service::verify_email(&app, body.token).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmailRequest {
    #[schema(format = Email, max_length = 254)]
    email: String,
}

/// Mail a new verification link (the same answer whether or not the
/// address has an account).
#[utoipa::path(post, path = "/api/v1/accounts/verify/resend", tag = "accounts", request_body = EmailRequest, responses(
    (status = 202, description = "If the address has an unverified account, a link is on its way"),
    (status = 422, body = ErrorBody),
    (status = 429, body = ErrorBody, description = "Too many requests from this address"),
))]
async fn resend_verification(
    State(app): State<AppState>,
    ApiJson(body): ApiJson<EmailRequest>,
) -> AppResult<StatusCode> {
    service::resend_verification(&app, body.email).await?;
    Ok(StatusCode::ACCEPTED)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[schema(pattern = r"\S")]
    email: String,
    #[schema(min_length = 1)]
    password: String,
}

/// Log in with email and password.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest, responses(
    (status = 200, body = TokenPair),
    (status = 401, body = ErrorBody, description = "Wrong email or password (the same answer for both)"),
    (status = 403, body = ErrorBody, description = "The email is not verified yet"),
    (status = 429, body = ErrorBody, description = "Too many failed attempts"),
))]
async fn login(
    State(app): State<AppState>,
    client: ClientInfo,
    ApiJson(body): ApiJson<LoginRequest>,
) -> AppResult<impl IntoResponse> {
    let tokens = service::login(
        &app,
        body.email,
        body.password,
        client.ip,
        client.user_agent,
    )
    .await?;
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(tokens)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    refresh_token: String,
}

/// Exchange a refresh token for a new pair; the old refresh token stops
/// working, and presenting it again ends the session.
#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "auth", request_body = RefreshRequest, responses(
    (status = 200, body = TokenPair),
    (status = 401, body = ErrorBody),
))]
async fn refresh(
    State(app): State<AppState>,
    ApiJson(body): ApiJson<RefreshRequest>,
) -> AppResult<Json<TokenPair>> {
    Ok(Json(refresh::refresh(&app, body.refresh_token).await?))
}

/// End this session: its access and refresh tokens stop working at once.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", security(("bearer" = [])), responses(
    (status = 204), (status = 401, body = ErrorBody),
))]
async fn logout(State(app): State<AppState>, user: AuthUser) -> AppResult<StatusCode> {
    service::logout(&app, user.session_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Mail a password reset link (the same answer whether or not the address
/// has an account).
#[utoipa::path(post, path = "/api/v1/accounts/password-reset", tag = "accounts", request_body = EmailRequest, responses(
    (status = 202), (status = 422, body = ErrorBody),
    (status = 429, body = ErrorBody, description = "Too many requests from this address"),
))]
async fn request_password_reset(
    State(app): State<AppState>,
    ApiJson(body): ApiJson<EmailRequest>,
) -> AppResult<StatusCode> {
    service::request_password_reset(&app, body.email).await?;
    Ok(StatusCode::ACCEPTED)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetRequest {
    #[schema(min_length = 1)]
    token: String,
    /// At least 12 characters, at most 128, not the email address.
    #[schema(min_length = 12, max_length = 128)]
    password: String,
}

/// Set a new password with the token from a reset link; every session ends.
#[utoipa::path(post, path = "/api/v1/accounts/password-reset/confirm", tag = "accounts", request_body = ResetRequest, responses(
    (status = 204), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody), (status = 422, body = ErrorBody),
))]
async fn reset_password(
    State(app): State<AppState>,
    ApiJson(body): ApiJson<ResetRequest>,
) -> AppResult<StatusCode> {
    service::reset_password(&app, body.token, body.password).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The logged-in account.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", security(("bearer" = [])), responses(
    (status = 200, body = AccountView), (status = 401, body = ErrorBody),
))]
async fn me(State(app): State<AppState>, user: AuthUser) -> AppResult<Json<AccountView>> {
    let user_id = user.id;
    let user = app
        .db
        .run(move |conn| Ok::<_, AppError>(model::find(conn, user_id)?))
        .await?;
    let authority = load_authority(&app, user.authority_id).await?;
    Ok(Json(AccountView::new(user, authority)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordConfirmation {
    #[schema(min_length = 1)]
    password: String,
}

/// Delete the logged-in account, confirmed with its password.
#[utoipa::path(delete, path = "/api/v1/me", tag = "accounts", security(("bearer" = [])), request_body = PasswordConfirmation, responses(
    (status = 204), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody, description = "Wrong password"),
))]
async fn delete_me(
    State(app): State<AppState>,
    user: AuthUser,
    ApiJson(body): ApiJson<PasswordConfirmation>,
) -> AppResult<StatusCode> {
    service::delete_account(&app, &user, body.password).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    #[schema(min_length = 1)]
    current_password: String,
    /// At least 12 characters, at most 128, not the email address.
    #[schema(min_length = 12, max_length = 128)]
    new_password: String,
}

/// Change the password; the other sessions of the account end.
#[utoipa::path(put, path = "/api/v1/me/password", tag = "accounts", security(("bearer" = [])), request_body = ChangePasswordRequest, responses(
    (status = 204), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody),
))]
async fn change_password(
    State(app): State<AppState>,
    user: AuthUser,
    ApiJson(body): ApiJson<ChangePasswordRequest>,
) -> AppResult<StatusCode> {
    service::change_password(&app, &user, body.current_password, body.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// All personal data stored about the logged-in account, as JSON.
#[utoipa::path(get, path = "/api/v1/me/export", tag = "accounts", security(("bearer" = [])), responses(
    (status = 200, description = "The export", content_type = "application/json"), (status = 401, body = ErrorBody),
))]
async fn export_me(State(app): State<AppState>, user: AuthUser) -> AppResult<impl IntoResponse> {
    let data = crate::accounts::export::export(&app, user.id).await?;
    Ok((
        [(
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"socialbid-data.json\"",
        )],
        Json(data),
    ))
}
