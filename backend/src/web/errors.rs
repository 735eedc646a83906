//! Words for errors, in the caller's language: JSON under `/api`
//! (`{"error": {"code", "message", "fields"}}`), a page everywhere else.
//! Handlers return codes; this middleware is the one place that words them.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Serialize;
use socialbid_frontend::{Lang, translate, translate_with};

use crate::app::AppState;
use crate::error::{ErrorReport, FieldError};
use crate::web::lang::UserLang;

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
        .map(|f| {
            let label = if f.named_by_request {
                f.field.to_string()
            } else {
                translate(lang, &format!("field.{}", f.field))
            };
            format!("{label}: {}", field_message(lang, f).message)
        })
        .collect();
    format!("{general} {}", details.join("; "))
}

/// Errors that axum itself answers (no route, wrong method, oversized
/// body) get the same shape as ours.
fn report_for_bare(status: StatusCode) -> Option<ErrorReport> {
    let code = match status {
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        _ => return None,
    };
    Some(ErrorReport {
        code,
        params: Vec::new(),
        fields: Vec::new(),
    })
}

pub async fn render(State(app): State<AppState>, request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
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
        None if status.is_client_error() && !has_body_type(&response) => {
            match report_for_bare(status) {
                Some(report) => report,
                None => return response,
            }
        }
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
    let html = crate::web::page::render_bare_error(
        &app,
        lang,
        status.as_u16(),
        title_key,
        &message(lang, &report),
    );
    let mut page = (status, Html(html)).into_response();
    copy_headers(&response, &mut page);
    page
}

fn has_body_type(response: &Response<Body>) -> bool {
    response.headers().contains_key(header::CONTENT_TYPE)
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
