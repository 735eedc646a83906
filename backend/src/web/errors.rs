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
        .map(|f| {
            let label = if f.named_by_request {
                f.field.to_string()
            } else {
                translate(lang, &format!("field.{}", f.field))
            };
            format!("{label}: {}", field_message(lang, f).message)
        })
        .collect();
    // "Some of the information needs correcting. Email: …; Password: …"
    let stop = if general.ends_with(['.', '!', '?']) {
        ""
    } else {
        "."
    };
    format!("{general}{stop} {}", details.join("; "))
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A limit is a count: it chooses the plural form and is written as a
    /// number of the language.
    #[test]
    fn limits_in_field_messages_are_counts() {
        let limit = |max: i64, lang| {
            field_message(
                lang,
                &FieldError::new("description", "too_long").with("max", max),
            )
            .message
        };
        assert_eq!(
            limit(20_000, Lang::Da),
            "Beskrivelsen må højst være 20.000 tegn"
        );
        assert_eq!(
            limit(20_000, Lang::En),
            "Description must be 20,000 characters or fewer"
        );
        assert_eq!(
            limit(1, Lang::En),
            "Description must be 1 character or fewer"
        );
        let lots = field_message(
            Lang::Da,
            &FieldError::new("lots", "too_many").with("max", 1),
        );
        assert_eq!(lots.message, "Der må højst være 1 delaftale");
    }

    /// The count placeholder that chooses the plural form of `key`, if the
    /// message has plural forms: without its count the message shows as
    /// its key, with it as a text.
    fn count_of(key: &str) -> Option<&'static str> {
        if translate_with(Lang::Da, key, &[]) != key {
            return None;
        }
        socialbid_frontend::COUNT_PLACEHOLDERS
            .iter()
            .copied()
            .find(|count| translate_with(Lang::Da, key, &[(count, "2")]) != key)
    }

    /// The string literals among the arguments of the call that `call` opens.
    fn literal_args(call: &str) -> Vec<&str> {
        let inside = call
            .split_once('(')
            .map(|(_, rest)| rest)
            .unwrap_or_default();
        let args = inside.split(')').next().unwrap_or_default();
        args.split(',')
            .map(str::trim)
            .filter_map(|a| a.strip_prefix('"').and_then(|a| a.strip_suffix('"')))
            .collect()
    }

    /// Every refusal the backend words with a plural message passes the
    /// count that chooses the form (`.with("max", ..)`), so no error shows
    /// as its bare key.
    #[test]
    fn every_plural_error_gets_its_count() {
        let mut missing = Vec::new();
        let mut checked = 0;
        let mut files = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src"
        ))];
        while let Some(path) = files.pop() {
            if path.is_dir() {
                files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
                continue;
            }
            let source = std::fs::read_to_string(&path).unwrap_or_default();
            for pattern in ["FieldError::new(", "AppError::refused("] {
                for (at, _) in source.match_indices(pattern) {
                    let statement = source[at..].split(';').next().unwrap_or_default();
                    let key = match literal_args(statement).as_slice() {
                        [field, rule] => format!("error.{field}.{rule}"),
                        [code] => format!("error.{code}"),
                        _ => continue,
                    };
                    let Some(count) = count_of(&key) else {
                        continue;
                    };
                    checked += 1;
                    if !statement.contains(&format!(".with(\"{count}\"")) {
                        missing.push(format!(
                            "{}: {key} needs .with(\"{count}\", ..)",
                            path.display()
                        ));
                    }
                }
            }
        }
        assert!(checked > 10, "the scan found only {checked} plural errors");
        assert!(missing.is_empty(), "{missing:#?}");
    }
}
