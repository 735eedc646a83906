//! One error type for every handler. An error carries a machine-readable
//! code and, for bad input, the fields and rules it broke; the words are
//! chosen later, in the caller's language, by `web::errors`, which turns the
//! same error into JSON under `/api` and into a page elsewhere.

use std::borrow::Cow;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::db::DbError;

/// One broken rule on one field: shown beside the field on a page and listed
/// under `fields` in JSON. `error.{field}.{rule}` is its translation key; a
/// field named by the request (a path into a JSON body, any form field) has
/// the rule's own wording, `error.any_field.{rule}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: Cow<'static, str>,
    pub rule: &'static str,
    pub params: Vec<(&'static str, String)>,
    pub named_by_request: bool,
}

impl FieldError {
    pub fn new(field: &'static str, rule: &'static str) -> FieldError {
        FieldError {
            field: Cow::Borrowed(field),
            rule,
            params: Vec::new(),
            named_by_request: false,
        }
    }

    /// A rule checked on every field alike, for the field at `path` (`title`,
    /// `lots[0].title`).
    pub fn at_path(path: String, rule: &'static str) -> FieldError {
        FieldError {
            field: Cow::Owned(path.clone()),
            rule,
            params: vec![("field", path)],
            named_by_request: true,
        }
    }

    pub fn with(mut self, name: &'static str, value: impl ToString) -> FieldError {
        self.params.push((name, value.to_string()));
        self
    }

    pub fn key(&self) -> String {
        if self.named_by_request {
            format!("error.any_field.{}", self.rule)
        } else {
            format!("error.{}.{}", self.field, self.rule)
        }
    }
}

#[derive(Debug)]
pub enum AppError {
    /// A refusal with a status and a code (`error.{code}` is its message).
    /// A body that cannot be read also names the field it stumbled on.
    Refused {
        status: StatusCode,
        code: &'static str,
        params: Vec<(&'static str, String)>,
        fields: Vec<FieldError>,
    },
    /// Input that breaks rules, one entry per field.
    Invalid {
        status: StatusCode,
        fields: Vec<FieldError>,
    },
    /// Anything unexpected: logged with its cause, answered with a plain 500.
    Internal(anyhow::Error),
}

pub type AppResult<T> = Result<T, AppError>;

/// The parameter of a 429 that says how many seconds to wait; it becomes
/// the `Retry-After` header.
pub const RETRY_AFTER_SECONDS: &str = "seconds";

impl AppError {
    pub fn refused(status: StatusCode, code: &'static str) -> AppError {
        AppError::Refused {
            status,
            code,
            params: Vec::new(),
            fields: Vec::new(),
        }
    }

    /// Names the field a refusal is about (`invalid_body` at `lots[0].weight`).
    pub fn with_field(mut self, field: FieldError) -> AppError {
        if let AppError::Refused { fields, .. } = &mut self {
            fields.push(field);
        }
        self
    }

    pub fn with(mut self, name: &'static str, value: impl ToString) -> AppError {
        if let AppError::Refused { params, .. } = &mut self {
            params.push((name, value.to_string()));
        }
        self
    }

    pub fn bad_request(code: &'static str) -> AppError {
        AppError::refused(StatusCode::BAD_REQUEST, code)
    }

    pub fn unauthenticated(code: &'static str) -> AppError {
        AppError::refused(StatusCode::UNAUTHORIZED, code)
    }

    pub fn forbidden(code: &'static str) -> AppError {
        AppError::refused(StatusCode::FORBIDDEN, code)
    }

    pub fn not_found() -> AppError {
        AppError::refused(StatusCode::NOT_FOUND, "not_found")
    }

    /// Input that breaks rules: 422 with every broken rule listed.
    pub fn invalid(fields: Vec<FieldError>) -> AppError {
        AppError::Invalid {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            fields,
        }
    }

    pub fn field(field: &'static str, rule: &'static str) -> AppError {
        AppError::invalid(vec![FieldError::new(field, rule)])
    }

    /// Query parameters of the address that cannot be read: 400
    /// `invalid_parameter`, each named with its rule.
    pub fn bad_parameters(fields: Vec<FieldError>) -> AppError {
        AppError::Invalid {
            status: StatusCode::BAD_REQUEST,
            fields,
        }
    }

    /// A value that clashes with one already stored (a taken email): 409.
    pub fn conflict(field: &'static str, rule: &'static str) -> AppError {
        AppError::Invalid {
            status: StatusCode::CONFLICT,
            fields: vec![FieldError::new(field, rule)],
        }
    }

    pub fn internal(error: impl Into<anyhow::Error>) -> AppError {
        AppError::Internal(error.into())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Refused { status, .. } | AppError::Invalid { status, .. } => *status,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            AppError::Refused { code, .. } => code,
            AppError::Invalid { status, .. } if *status == StatusCode::CONFLICT => "conflict",
            AppError::Invalid { status, .. } if *status == StatusCode::BAD_REQUEST => {
                "invalid_parameter"
            }
            AppError::Invalid { .. } => "validation_failed",
            AppError::Internal(_) => "internal",
        }
    }

    pub fn fields(&self) -> &[FieldError] {
        match self {
            AppError::Invalid { fields, .. } | AppError::Refused { fields, .. } => fields,
            AppError::Internal(_) => &[],
        }
    }

    pub fn params(&self) -> &[(&'static str, String)] {
        match self {
            AppError::Refused { params, .. } => params,
            _ => &[],
        }
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(error: diesel::result::Error) -> Self {
        match crate::db::unique_violation_column(&error) {
            Some(column) => return AppError::conflict(conflict_field(&column), "taken"),
            None if crate::db::is_unique_violation(&error) => {
                return AppError::conflict("value", "taken");
            }
            None => {}
        }
        match error {
            diesel::result::Error::NotFound => AppError::not_found(),
            other => AppError::Internal(other.into()),
        }
    }
}

/// The form field a unique column is typed in; a column no form shows
/// (a token, a key) is reported as `value`. A clash there is a race (two
/// parallel requests), and 409 says "it changed meanwhile".
fn conflict_field(column: &str) -> &'static str {
    match column {
        "email" => "email",
        "cvr" => "cvr",
        _ => "value",
    }
}

impl From<DbError> for AppError {
    fn from(error: DbError) -> Self {
        match error {
            DbError::Query(e) => e.into(),
            other => AppError::Internal(other.into()),
        }
    }
}

impl From<anyhow::Error> for AppError {
    fn from(error: anyhow::Error) -> Self {
        AppError::Internal(error)
    }
}

/// What `web::errors` needs to word the error in the caller's language; it
/// travels in the response's extensions.
#[derive(Debug, Clone)]
pub struct ErrorReport {
    pub code: &'static str,
    pub params: Vec<(&'static str, String)>,
    pub fields: Vec<FieldError>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(cause) = &self {
            tracing::error!(error = format!("{cause:#}"), "request failed");
        }
        let report = ErrorReport {
            code: self.code(),
            params: self.params().to_vec(),
            fields: self.fields().to_vec(),
        };
        let mut response = self.status().into_response();
        if self.status() == StatusCode::TOO_MANY_REQUESTS
            && let Some((_, seconds)) = report
                .params
                .iter()
                .find(|(name, _)| *name == RETRY_AFTER_SECONDS)
            && let Ok(value) = axum::http::HeaderValue::from_str(seconds)
        {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, value);
        }
        response.extensions_mut().insert(report);
        response
    }
}
