//! Every route in one place, and the middleware around them.

use axum::Router;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::get;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, Predicate};
use tower_http::trace::TraceLayer;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use utoipa_swagger_ui::SwaggerUi;

use crate::app::AppState;
use crate::auth::{browser, csrf};
use crate::error::AppError;
use crate::web::openapi::{NoControlCharacters, SharedRejections};
use crate::web::upload_forms::{self, UploadForms};
use crate::web::{
    compression, conditional, errors, headers, health, lang, metrics, page_cache, static_files,
    trace,
};
use crate::{
    accounts, admin, bids, evaluation, import, matching, moderation, notify, profiles,
    saved_searches, search, start, tenders,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Socialbid API",
        description = "Public procurement that rewards social value. Errors always have the shape \
                       `{\"error\": {\"code\": \"...\", \"message\": \"...\", \"fields\": [...]}}`; \
                       messages follow `Accept-Language` (Danish or English).",
        license(name = "AGPL-3.0-or-later")
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "accounts", description = "Registration, verification, password, personal data"),
        (name = "auth", description = "Log in, refresh, log out"),
        (name = "admin", description = "Admins only"),
        (name = "tenders", description = "Tenders: drafting, publishing, amending, questions, documents"),
        (name = "bids", description = "Bids: drafts, submission, withdrawal, receipts; sealed until opened after the deadline"),
        (name = "ocds", description = "Open data: published tenders as OCDS 1.1 release packages"),
        (name = "profiles", description = "Social-enterprise profiles and the public directory"),
        (name = "search", description = "Tender search with filters and facets"),
        (name = "matching", description = "Matches between tenders and profiles, with reasons; reach estimates for drafts"),
        (name = "notifications", description = "Each person's choices about mail: how often per kind, the weakest match worth a mail, the digest hour, the language"),
        (name = "operations", description = "Health and metrics"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// Every form that sends a file; their handlers check the CSRF token
/// themselves (see `web::upload_forms`).
const UPLOAD_FORMS: &[&str] = &[
    tenders::pages::UPLOAD_FORMS[0],
    import::pages::UPLOAD_FORM,
    bids::documents::pages::UPLOAD_FORM,
];

pub fn openapi() -> utoipa::openapi::OpenApi {
    api_parts().1
}

/// The API's routes and their document, with the responses the shared
/// extractors give added (after the routes: they are what it reads).
fn api_parts() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (api, mut openapi) = api_routes().split_for_parts();
    SharedRejections.modify(&mut openapi);
    NoControlCharacters.modify(&mut openapi);
    (api, openapi)
}

fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(accounts::api::routes())
        .merge(admin::api::routes())
        .merge(import::api::routes())
        .merge(tenders::api::routes())
        .merge(bids::api::routes())
        .merge(bids::consortium::api::routes())
        .merge(bids::documents::api::routes())
        .merge(evaluation::api::routes())
        .merge(profiles::api::routes())
        .merge(moderation::api::routes())
        .merge(search::api::routes())
        .merge(saved_searches::api::routes())
        .merge(matching::api::routes())
        .merge(notify::api::routes())
        .routes(routes!(health::healthz))
        .routes(routes!(health::readyz))
        .routes(routes!(health::metrics))
}

pub fn router(app: AppState) -> Router {
    let (api, openapi) = api_parts();
    Router::new()
        .merge(api)
        .merge(SwaggerUi::new("/api/docs").url("/api/v1/openapi.json", openapi))
        .merge(accounts::pages::routes())
        .merge(admin::pages::routes())
        .merge(import::pages::routes())
        .merge(tenders::pages::routes())
        .merge(bids::pages::routes())
        .merge(evaluation::pages::routes())
        .merge(profiles::pages::routes())
        .merge(moderation::pages::routes())
        .merge(search::pages::routes())
        .merge(saved_searches::pages::routes())
        .merge(matching::pages::routes())
        .merge(notify::pages::routes())
        .merge(notify::failed::routes())
        .merge(start::routes())
        .route("/lang", get(lang::switch))
        .route("/static/{file}", get(static_files::serve))
        .fallback(|| async { AppError::not_found() })
        // Innermost first: a copy of the request as the router got it is
        // kept for the error page's header; multipart bodies are refused
        // except on the upload forms (the CSRF check leaves them to the
        // upload handler, which reads the token first); the session is
        // renewed before CSRF is checked (the form token is bound to the
        // session); unknown methods are refused before CSRF; errors are
        // worded after everything else has spoken.
        .layer(from_fn(errors::remember_request))
        .layer(from_fn_with_state(
            UploadForms(UPLOAD_FORMS),
            upload_forms::refuse_elsewhere,
        ))
        .layer(from_fn_with_state(app.clone(), csrf::protect))
        .layer(from_fn_with_state(app.clone(), browser::keep_alive))
        // Before the session and CSRF read anything: a flood of mail-sending
        // posts is refused without reading them.
        .layer(from_fn_with_state(
            (app.clone(), accounts::ip_limit::MailSendingLimit::default()),
            accounts::ip_limit::limit,
        ))
        .layer(from_fn(errors::refuse_unknown_methods))
        .layer(from_fn_with_state(app.clone(), errors::render))
        // ETags are a hash of the body as rendered, before compression.
        .layer(from_fn(conditional::respond))
        // Text is sent gzip- or brotli-compressed when the client takes it.
        .layer(
            CompressionLayer::new()
                .quality(compression::QUALITY)
                .compress_when(DefaultPredicate::new().and(compression::is_text)),
        )
        // Outside compression, so a kept page is kept compressed, and
        // inside `lang::choose`, whose language is part of the key.
        .layer(from_fn_with_state(app.clone(), page_cache::serve))
        .layer(from_fn(lang::choose))
        .layer(CatchPanicLayer::new())
        .layer(TraceLayer::new_for_http().make_span_with(trace::span))
        .layer(from_fn_with_state(app.clone(), metrics::count))
        // The cache headers `conditional` set are left alone here.
        .layer(from_fn_with_state(app.clone(), headers::secure))
        .with_state(app)
}
