//! Account pages: register, verify, log in and out, forgotten password,
//! and my account. Forms post back to the same address; a refused form
//! comes back with everything typed (but passwords) and the errors beside
//! their fields.

use crate::web::extract::Query;
use axum::Form;
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use socialbid_frontend::Lang;

use crate::accounts::model;
use crate::accounts::service;
use crate::accounts::validate::Registration;
use crate::app::AppState;
use crate::auth::browser::{clear_session_cookies, session_cookies};
use crate::auth::{AuthUser, MaybeUser};
use crate::error::{AppError, AppResult};
use crate::web::client::ClientInfo;
use crate::web::conditional;
use crate::web::lang::is_local_path;
use crate::web::page::{FormError, Page};
use socialbid_codes::nuts;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/register", get(register_form).post(register))
        .route("/verify", get(verify))
        .route("/verify/resend", post(resend_verification))
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
        .route("/forgot-password", get(forgot_form).post(forgot))
        .route("/reset-password", get(reset_form).post(reset))
        .route("/account", get(account))
        .route("/account/password", post(change_password))
        .route("/account/export", get(export))
        .route("/account/delete", post(delete_account))
        .route("/accessibility", get(accessibility))
}

fn unprocessable(html: Html<String>) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, html).into_response()
}

async fn home(page: Page) -> AppResult<Response> {
    let html = page.render("pages/home.html", serde_json::json!({}))?;
    Ok(conditional::page(&page, html))
}

/// Where Digitaliseringsstyrelsen, the supervisory authority under the web
/// accessibility act, tells people how to take a complaint further.
const ACCESSIBILITY_COMPLAINT_URL: &str =
    "https://digst.dk/digital-inklusion/webtilgaengelighed/oplever-du-ikke-tilgaengeligt-indhold/";

async fn accessibility(State(app): State<AppState>, page: Page) -> AppResult<Html<String>> {
    let date = |d| socialbid_frontend::format_date(page.lang, d);
    page.render(
        "pages/accessibility.html",
        serde_json::json!({
            "prepared_on": date(app.config.accessibility_prepared_on),
            "reviewed_on": date(app.config.accessibility_reviewed_on),
            "complaint_url": ACCESSIBILITY_COMPLAINT_URL,
        }),
    )
}

#[derive(Serialize)]
struct Option_ {
    value: String,
    label: String,
}

fn nuts_options(lang: Lang) -> Vec<Option_> {
    nuts::authority_regions()
        .map(|r| Option_ {
            value: r.code.clone(),
            label: if r.level() == 2 {
                r.name(lang).to_owned()
            } else {
                format!("– {}", r.name(lang))
            },
        })
        .collect()
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RegisterForm {
    email: String,
    password: String,
    name: String,
    role: String,
    authority_name: String,
    authority_cvr: String,
    authority_nuts: String,
}

fn register_page(
    page: &Page,
    form: &RegisterForm,
    errors: Vec<FormError>,
) -> AppResult<Html<String>> {
    page.render(
        "pages/register.html",
        serde_json::json!({
            "errors": errors,
            "values": {
                "email": form.email, "name": form.name, "role": form.role,
                "authority_name": form.authority_name, "authority_cvr": form.authority_cvr,
                "authority_nuts": form.authority_nuts,
            },
            "nuts_options": nuts_options(page.lang),
        }),
    )
}

async fn register_form(page: Page) -> AppResult<Html<String>> {
    register_page(&page, &RegisterForm::default(), Vec::new())
}

async fn register(
    State(app): State<AppState>,
    page: Page,
    Form(form): Form<RegisterForm>,
) -> AppResult<Response> {
    let registration = Registration {
        email: form.email.clone(),
        password: form.password.clone(),
        name: form.name.clone(),
        role: form.role.clone(),
        authority_name: form.authority_name.clone(),
        authority_cvr: form.authority_cvr.clone(),
        authority_nuts: form.authority_nuts.clone(),
    };
    match service::register(&app, registration, page.lang).await {
        Ok(user) => Ok(page
            .render(
                "pages/register_done.html",
                serde_json::json!({ "email": user.email }),
            )?
            .into_response()),
        Err(error) => {
            let errors = page.errors_of(error, "email")?;
            Ok(unprocessable(register_page(&page, &form, errors)?))
        }
    }
}

#[derive(Deserialize)]
struct TokenQuery {
    #[serde(default)]
    token: String,
}

/// The link in the verification mail. Following it confirms the address.
async fn verify(
    State(app): State<AppState>,
    page: Page,
    Query(query): Query<TokenQuery>,
) -> AppResult<Response> {
    let (status, ok, reason) = match service::verify_email(&app, query.token).await {
        Ok(()) => (StatusCode::OK, true, None),
        Err(AppError::Refused { status, code, .. }) if code.starts_with("link_") => {
            (status, false, Some(code.trim_start_matches("link_")))
        }
        Err(other) => return Err(other),
    };
    let html = page.render(
        "pages/verify.html",
        serde_json::json!({ "ok": ok, "reason": reason, "errors": [], "values": {} }),
    )?;
    Ok((status, html).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct EmailForm {
    email: String,
}

async fn resend_verification(
    State(app): State<AppState>,
    page: Page,
    Form(form): Form<EmailForm>,
) -> AppResult<Response> {
    match service::resend_verification(&app, form.email.clone()).await {
        Ok(()) => Ok(page
            .render(
                "pages/register_done.html",
                serde_json::json!({ "email": form.email.trim() }),
            )?
            .into_response()),
        Err(error) => {
            let errors = page.errors_of(error, "email")?;
            let html = page.render(
                "pages/verify.html",
                serde_json::json!({ "ok": false, "reason": "invalid", "errors": errors, "values": { "email": form.email } }),
            )?;
            Ok(unprocessable(html))
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LoginQuery {
    next: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LoginForm {
    email: String,
    password: String,
    next: String,
}

fn login_page(
    page: &Page,
    email: &str,
    next: &str,
    errors: Vec<FormError>,
) -> AppResult<Html<String>> {
    page.render(
        "pages/login.html",
        serde_json::json!({ "errors": errors, "values": { "email": email }, "next": next }),
    )
}

async fn login_form(page: Page, Query(query): Query<LoginQuery>) -> AppResult<Html<String>> {
    login_page(&page, "", &query.next, Vec::new())
}

async fn login(
    State(app): State<AppState>,
    page: Page,
    client: ClientInfo,
    Form(form): Form<LoginForm>,
) -> AppResult<Response> {
    match service::login(
        &app,
        form.email.clone(),
        form.password,
        client.ip,
        client.user_agent,
    )
    .await
    {
        Ok(tokens) => {
            let target = if is_local_path(&form.next) && !form.next.starts_with("/login") {
                form.next.clone()
            } else {
                // Each role has its own place to start; `/start` knows it.
                "/start?notice=logged_in".to_owned()
            };
            Ok((session_cookies(&app, &tokens), Redirect::to(&target)).into_response())
        }
        Err(error) => {
            let status = error.status();
            let errors = page.errors_of(error, "email")?;
            Ok((status, login_page(&page, &form.email, &form.next, errors)?).into_response())
        }
    }
}

async fn logout(State(app): State<AppState>, MaybeUser(user): MaybeUser) -> AppResult<Response> {
    if let Some(user) = user {
        service::logout(&app, user.session_id).await?;
    }
    Ok((
        clear_session_cookies(&app),
        Redirect::to("/login?notice=logged_out"),
    )
        .into_response())
}

async fn forgot_form(page: Page) -> AppResult<Html<String>> {
    page.render(
        "pages/forgot_password.html",
        serde_json::json!({ "errors": [], "values": {} }),
    )
}

async fn forgot(
    State(app): State<AppState>,
    page: Page,
    Form(form): Form<EmailForm>,
) -> AppResult<Response> {
    match service::request_password_reset(&app, form.email.clone()).await {
        Ok(()) => Ok(page
            .render(
                "pages/forgot_password_sent.html",
                serde_json::json!({ "email": form.email.trim() }),
            )?
            .into_response()),
        Err(error) => {
            let errors = page.errors_of(error, "email")?;
            Ok(unprocessable(page.render(
                "pages/forgot_password.html",
                serde_json::json!({ "errors": errors, "values": { "email": form.email } }),
            )?))
        }
    }
}

async fn reset_form(
    State(app): State<AppState>,
    page: Page,
    Query(query): Query<TokenQuery>,
) -> AppResult<Response> {
    let checked = service::check_reset_link(&app, query.token.clone()).await;
    let status = checked
        .as_ref()
        .err()
        .map(|e| e.status())
        .unwrap_or(StatusCode::OK);
    let errors = match checked {
        Ok(()) => Vec::new(),
        Err(error) => page.errors_of(error, "password")?,
    };
    let html = page.render(
        "pages/reset_password.html",
        serde_json::json!({ "errors": errors, "token": query.token, "token_ok": status == StatusCode::OK }),
    )?;
    Ok((status, html).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ResetForm {
    token: String,
    password: String,
}

async fn reset(
    State(app): State<AppState>,
    page: Page,
    Form(form): Form<ResetForm>,
) -> AppResult<Response> {
    match service::reset_password(&app, form.token.clone(), form.password).await {
        Ok(()) => Ok(Redirect::to("/login?notice=password_reset").into_response()),
        Err(error) => {
            let status = error.status();
            let token_ok = matches!(error, AppError::Invalid { .. });
            let errors = page.errors_of(error, "password")?;
            let html = page.render(
                "pages/reset_password.html",
                serde_json::json!({ "errors": errors, "token": form.token, "token_ok": token_ok }),
            )?;
            Ok((status, html).into_response())
        }
    }
}

async fn account_page(
    app: &AppState,
    page: &Page,
    user: &AuthUser,
    errors: Vec<FormError>,
) -> AppResult<Html<String>> {
    let user_id = user.id;
    let (account, authority) = app
        .db
        .run(move |conn| {
            let account = model::find(conn, user_id)?;
            let authority = match account.authority_id {
                Some(id) => Some(model::authority(conn, id)?),
                None => None,
            };
            Ok::<_, AppError>((account, authority))
        })
        .await?;
    page.render(
        "pages/account.html",
        serde_json::json!({
            "errors": errors,
            "values": {},
            "user": {
                "email": account.email,
                "name": account.name,
                "role": account.role,
                "locale": account.locale,
                "created_at": account.created_at,
                "email_verified_at": account.email_verified_at,
                "approval_state": account.approval_state,
                "approval_reason": account.approval_reason,
                "authority": authority.map(|a| serde_json::json!({
                    "name": a.name,
                    "cvr": a.cvr,
                    "nuts": nuts::find(&a.nuts_code).map(|r| r.name(page.lang).to_owned()).unwrap_or(a.nuts_code),
                })),
            },
        }),
    )
}

async fn account(
    State(app): State<AppState>,
    page: Page,
    user: AuthUser,
) -> AppResult<Html<String>> {
    account_page(&app, &page, &user, Vec::new()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ChangePasswordForm {
    current_password: String,
    new_password: String,
}

async fn change_password(
    State(app): State<AppState>,
    page: Page,
    user: AuthUser,
    Form(form): Form<ChangePasswordForm>,
) -> AppResult<Response> {
    match service::change_password(&app, &user, form.current_password, form.new_password).await {
        Ok(()) => Ok(Redirect::to("/account?notice=password_changed").into_response()),
        Err(error) => {
            let errors = page.errors_of(error, "current_password")?;
            Ok(unprocessable(
                account_page(&app, &page, &user, errors).await?,
            ))
        }
    }
}

async fn export(State(app): State<AppState>, user: AuthUser) -> AppResult<Response> {
    let data = crate::accounts::export::export(&app, user.id).await?;
    let body = serde_json::to_string_pretty(&data).map_err(AppError::internal)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"socialbid-data.json\"",
            ),
        ],
        body,
    )
        .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DeleteForm {
    password: String,
}

async fn delete_account(
    State(app): State<AppState>,
    mut page: Page,
    user: AuthUser,
    Form(form): Form<DeleteForm>,
) -> AppResult<Response> {
    match service::delete_account(&app, &user, form.password).await {
        Ok(()) => {
            page.meta.user = None;
            let html = page.render("pages/account_deleted.html", serde_json::json!({}))?;
            Ok((clear_session_cookies(&app), html).into_response())
        }
        Err(error) => {
            let errors = page.errors_of(error, "password")?;
            Ok(unprocessable(
                account_page(&app, &page, &user, errors).await?,
            ))
        }
    }
}
