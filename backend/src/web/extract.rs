//! Path and query parameters with our error shape. axum's own extractors
//! answer a bad parameter with English `text/plain`; these answer with an
//! `AppError`, which `web::errors` words in the caller's language, as JSON
//! under `/api` and as a page elsewhere. Every handler uses these, never
//! axum's.
//!
//! A path segment that does not parse (`/tenders/abc`, an id beyond i64)
//! names something that cannot exist: 404 `not_found`. A query parameter
//! that does not parse is 400 `invalid_parameter`, naming the parameter.

use axum::extract::FromRequestParts;
use axum::extract::path::ErrorKind;
use axum::extract::rejection::PathRejection;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde_path_to_error::Segment;

use crate::error::{AppError, FieldError};

/// Path parameters; see the module documentation for the rejections.
pub struct Path<T>(pub T);

impl<S, T> FromRequestParts<S> for Path<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Path(value)),
            Err(PathRejection::FailedToDeserializePathParams(error)) => match error.kind() {
                // The route and the handler disagree: our mistake, not the caller's.
                ErrorKind::WrongNumberOfParameters { .. } | ErrorKind::UnsupportedType { .. } => {
                    Err(AppError::internal(anyhow::anyhow!(error.body_text())))
                }
                _ => Err(AppError::not_found()),
            },
            Err(other) => Err(AppError::internal(anyhow::anyhow!(other.body_text()))),
        }
    }
}

/// Query parameters; see the module documentation for the rejections.
pub struct Query<T>(pub T);

impl<S, T> FromRequestParts<S> for Query<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, AppError> {
        let raw = parts.uri.query().unwrap_or_default();
        parse_query(raw).map(Query)
    }
}

/// Reads `raw` (the query string without `?`) into `T`.
pub fn parse_query<T: DeserializeOwned>(raw: &str) -> Result<T, AppError> {
    let deserializer =
        serde_urlencoded::Deserializer::new(url::form_urlencoded::parse(raw.as_bytes()));
    serde_path_to_error::deserialize(deserializer)
        .map_err(|error| AppError::bad_parameters(vec![parameter_error(raw, &error)]))
}

/// Names the parameter serde stumbled on and the rule it broke. serde knows
/// the parameter for a value that does not parse; for a missing or unknown
/// one it says so only in its message.
fn parameter_error(
    raw: &str,
    error: &serde_path_to_error::Error<serde_urlencoded::de::Error>,
) -> FieldError {
    let named = error.path().iter().find_map(|segment| match segment {
        Segment::Map { key } => Some(key.clone()),
        _ => None,
    });
    if let Some(name) = named {
        let value = url::form_urlencoded::parse(raw.as_bytes())
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.into_owned())
            .unwrap_or_default();
        return FieldError::at_path(name, "invalid").with("value", value);
    }
    let message = error.inner().to_string();
    if let Some(name) = quoted_name(&message, "missing field `") {
        return FieldError::at_path(name, "missing");
    }
    if let Some(name) = quoted_name(&message, "unknown field `") {
        return FieldError::at_path(name, "unknown");
    }
    FieldError::at_path(String::new(), "unreadable")
}

/// `to` from "missing field `to`" (serde's wording, stable for years).
fn quoted_name(message: &str, prefix: &str) -> Option<String> {
    let rest = message.strip_prefix(prefix)?;
    rest.split_once('`').map(|(name, _)| name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    struct Listing {
        #[expect(dead_code, reason = "only its parsing is tested")]
        page: Option<i64>,
        #[expect(dead_code, reason = "only its parsing is tested")]
        to: String,
    }

    fn field_of(raw: &str) -> FieldError {
        let error = parse_query::<Listing>(raw).expect_err("refused");
        assert_eq!(error.code(), "invalid_parameter");
        error.fields()[0].clone()
    }

    #[test]
    fn a_value_that_does_not_parse_is_named_with_the_value() {
        let field = field_of("to=en&page=abc");
        assert_eq!(field.field, "page");
        assert_eq!(field.rule, "invalid");
        assert!(field.params.contains(&("value", "abc".to_owned())));
    }

    #[test]
    fn a_missing_parameter_is_named() {
        let field = field_of("page=2");
        assert_eq!(field.field, "to");
        assert_eq!(field.rule, "missing");
    }

    #[test]
    fn good_parameters_pass() {
        assert!(parse_query::<Listing>("to=en&page=2").is_ok());
    }
}
