//! Words for errors, in the caller's language: JSON under `/api`
//! (`{"error": {"code", "message", "fields"}}`), a page everywhere else.
//! Handlers return codes; this middleware is the one place that words them.

use std::sync::{Arc, Mutex, PoisonError};

use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Serialize;
use socialbid_frontend::{Lang, translate, translate_with};

use crate::app::AppState;
use crate::error::{AppError, ErrorReport, FieldError};
use crate::web::lang::UserLang;
use crate::web::page::Page;

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Machine-readable, stable: `validation_failed`, `unauthenticated`, ...
    pub code: String,
    /// For people, in the language of `Accept-Language`.
    pub message: String,
    /// For bad input: every field and the rule it broke.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldMessage>,
}

#[derive(Serialize, utoipa::ToSchema, Clone)]
pub struct FieldMessage {
    pub field: String,
    /// The rule, e.g. `too_short`.
    pub code: String,
    pub message: String,
}

pub fn field_message(lang: Lang, error: &FieldError) -> FieldMessage {
    let args: Vec<(&str, &str)> = error.params.iter().map(|(k, v)| (*k, v.as_str())).collect();
    FieldMessage {
        field: error.field.to_string(),
        code: error.rule.to_owned(),
        message: translate_with(lang, &error.key(), &args),
    }
}

pub fn message(lang: Lang, report: &ErrorReport) -> String {
    let args: Vec<(&str, &str)> = report
        .params
        .iter()
        .map(|(k, v)| (*k, v.as_str()))
        .collect();
    let general = translate_with(lang, &format!("error.{}", report.code), &args);
    if report.fields.is_empty() {
        return general;
    }
    let details: Vec<String> = report
        .fields
        .iter()
        .map(|f| format!("{}: {}", label(lang, f), field_message(lang, f).message))
        .collect();
    format!("{general} {}", details.join("; "))
}

/// A form or body field by its translated label; a query parameter by its
/// name, as it stands in the address.
fn label(lang: Lang, error: &FieldError) -> String {
    if error.parameter {
        error.field.to_string()
    } else {
        translate(lang, &format!("field.{}", error.field))
    }
}

/// Errors that axum itself answers (no route, wrong method, a body too
/// large or unreadable for its extractor, a response that cannot be built)
/// get the same shape as ours. axum sends them with no body or as English
/// `text/plain`, which no handler of ours does.
fn report_for_bare(status: StatusCode) -> Option<ErrorReport> {
    let code = match status {
        StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY => "unreadable_request",
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::INTERNAL_SERVER_ERROR => "internal",
        _ => return None,
    };
    Some(ErrorReport {
        code,
        params: Vec::new(),
        fields: Vec::new(),
    })
}

/// The methods some route answers; any other (`TRACE`, `CONNECT`, made-up
/// ones) is refused before CSRF or a handler sees it.
const KNOWN_METHODS: [Method; 6] = [
    Method::GET,
    Method::HEAD,
    Method::POST,
    Method::PUT,
    Method::DELETE,
    Method::OPTIONS,
];

pub async fn refuse_unknown_methods(request: Request, next: Next) -> Response {
    if KNOWN_METHODS.contains(request.method()) {
        next.run(request).await
    } else {
        AppError::refused(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").into_response()
    }
}

/// The request as the router received it (address, headers, and the
/// extensions inner middleware added: a renewed access token, the CSRF
/// token), so an error page can show who is logged in, as every other page
/// does. `render` puts an empty one in; `remember_request`, the innermost
/// layer, fills it.
#[derive(Clone, Default)]
struct RequestCopy(Arc<Mutex<Option<Parts>>>);

impl RequestCopy {
    fn slot(&self) -> std::sync::MutexGuard<'_, Option<Parts>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

pub async fn remember_request(request: Request, next: Next) -> Response {
    if let Some(copy) = request.extensions().get::<RequestCopy>() {
        let mut extensions = request.extensions().clone();
        // The copy must not hold itself: that would be a reference cycle.
        extensions.remove::<RequestCopy>();
        let (mut parts, ()) = Request::new(()).into_parts();
        parts.method = request.method().clone();
        parts.uri = request.uri().clone();
        parts.headers = request.headers().clone();
        parts.extensions = extensions;
        *copy.slot() = Some(parts);
    }
    next.run(request).await
}

pub async fn render(State(app): State<AppState>, mut request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let copy = RequestCopy::default();
    if !api {
        request.extensions_mut().insert(copy.clone());
    }
    let path_and_query = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "/".into());
    let is_get = request.method() == Method::GET;
    let lang = request
        .extensions()
        .get::<UserLang>()
        .map(|l| l.0)
        .unwrap_or_default();
    let response = next.run(request).await;
    let status = response.status();
    let report = match response.extensions().get::<ErrorReport>() {
        Some(report) => report.clone(),
        None if is_bare(&response) => match report_for_bare(status) {
            Some(report) => report,
            None => return response,
        },
        None => return response,
    };
    if api {
        let body = ErrorBody {
            error: ErrorDetail {
                code: report.code.to_owned(),
                message: message(lang, &report),
                fields: report
                    .fields
                    .iter()
                    .map(|f| field_message(lang, f))
                    .collect(),
            },
        };
        let mut json = (status, axum::Json(body)).into_response();
        copy_headers(&response, &mut json);
        return json;
    }
    if status == StatusCode::UNAUTHORIZED && is_get {
        let next =
            url::form_urlencoded::byte_serialize(path_and_query.as_bytes()).collect::<String>();
        return Redirect::to(&format!("/login?next={next}")).into_response();
    }
    let title_key = match status {
        StatusCode::NOT_FOUND => "error_page.not_found.title",
        StatusCode::FORBIDDEN => "error_page.forbidden.title",
        StatusCode::UNAUTHORIZED => "error_page.unauthenticated.title",
        StatusCode::CONFLICT => "error_page.conflict.title",
        StatusCode::TOO_MANY_REQUESTS => "error_page.too_many.title",
        s if s.is_server_error() => "error_page.server.title",
        _ => "error_page.bad_request.title",
    };
    let message = message(lang, &report);
    let copied = copy.slot().take();
    let html = match copied {
        Some(parts) => error_page(&app, parts, status, title_key, &message).await,
        None => None,
    }
    .unwrap_or_else(|| {
        crate::web::page::render_bare_error(&app, lang, status.as_u16(), title_key, &message)
    });
    let mut page = (status, Html(html)).into_response();
    copy_headers(&response, &mut page);
    page
}

/// The error page with the header of every other page: who is logged in,
/// the language switch back to this address. `None` when the request is not
/// fit for a page of its own (a bad token), and the bare page serves.
async fn error_page(
    app: &AppState,
    mut parts: Parts,
    status: StatusCode,
    title_key: &str,
    message: &str,
) -> Option<String> {
    let page = Page::from_request_parts(&mut parts, app).await.ok()?;
    let view = serde_json::json!({
        "status": status.as_u16(),
        "title_key": title_key,
        "message": message,
    });
    page.render("pages/error.html", view)
        .ok()
        .map(|html| html.0)
}

fn is_bare(response: &Response<Body>) -> bool {
    match response.headers().get(header::CONTENT_TYPE) {
        None => true,
        Some(value) => value.as_bytes().starts_with(b"text/plain"),
    }
}

/// Keeps headers a handler set on its error (cookies, `Retry-After`), but
/// not the old body's type and length.
fn copy_headers(from: &Response, to: &mut Response) {
    for (name, value) in from.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            to.headers_mut().append(name.clone(), value.clone());
        }
    }
}
