//! JSON request bodies with our error shape: a syntax error is 400
//! `malformed_json`, a body of the wrong shape (not an object, unknown
//! field, wrong type, missing field) is 422 `invalid_body` naming the
//! problem and, under `fields`, the field it is in, a missing content type is 415, and text with a control
//! character (other than tab, line feed, carriage return) is 422 naming the
//! field by its path.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{AppError, FieldError};
use crate::web::control_chars;

pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, AppError> {
        // Parsed as a tree first, so every string can be checked wherever it
        // sits before the body takes its shape.
        let axum::Json(value) = axum::Json::<Value>::from_request(request, state)
            .await
            .map_err(rejected)?;
        // Every body this API takes is an object; serde's derive would
        // also read `[]` as a struct of defaults (an empty draft).
        if !value.is_object() {
            return Err(
                AppError::refused(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body").with(
                    "detail",
                    format!("invalid type: {}, expected a JSON object", kind_of(&value)),
                ),
            );
        }
        let mut value = value;
        whole_numbers_as_integers(&mut value);
        let refused = control_chars::in_json(&value);
        if !refused.is_empty() {
            return Err(AppError::invalid(refused));
        }
        serde_path_to_error::deserialize(value)
            .map(ApiJson)
            .map_err(|e| {
                let field = field_of(&e);
                let detail = e.inner().to_string();
                AppError::refused(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body")
                    .with("detail", &detail)
                    .with_field(
                        FieldError::at_path(field, "unreadable_value").with("detail", detail),
                    )
            })
    }
}

/// JSON has one kind of number: `3.0` is the integer 3 (JSON Schema says so
/// too), but serde reads it into an integer field only when written `3`.
/// A whole number written with a fraction becomes an integer, as long as a
/// double holds it exactly.
fn whole_numbers_as_integers(value: &mut Value) {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    match value {
        Value::Number(n) if !n.is_i64() && !n.is_u64() => {
            if let Some(f) = n.as_f64()
                && f.fract() == 0.0
                && f.abs() <= EXACT
            {
                *value = Value::from(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers_as_integers),
        Value::Object(fields) => fields.values_mut().for_each(whole_numbers_as_integers),
        _ => {}
    }
}

/// The path of the field the body stumbled on (`lots[0].weight`). serde
/// names an unknown or missing field only in its message; it is added to
/// the path of the object it belongs to.
fn field_of(error: &serde_path_to_error::Error<serde_json::Error>) -> String {
    let path = error.path().to_string();
    let path = if path == "." { String::new() } else { path };
    let message = error.inner().to_string();
    let named = ["unknown field `", "missing field `"]
        .iter()
        .find_map(|prefix| {
            let rest = message.strip_prefix(prefix)?;
            rest.split_once('`').map(|(name, _)| name.to_owned())
        });
    match named {
        Some(name) if path.is_empty() => name,
        Some(name) if !path.ends_with(&name) => format!("{path}.{name}"),
        _ => path,
    }
}

fn rejected(rejection: JsonRejection) -> AppError {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => {
            AppError::refused(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
        }
        JsonRejection::BytesRejection(_) => {
            AppError::refused(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
        }
        // Any JSON text is a `Value`: what is left is a syntax error.
        _ => AppError::bad_request("malformed_json"),
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "sequence",
        Value::Object(_) => "map",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::whole_numbers_as_integers;

    #[test]
    fn a_whole_number_written_with_a_fraction_reads_as_an_integer() {
        let mut body = json!({"criterion": 2.0, "scores": [{"score": 7.0}, 7.5], "huge": 1e300});
        whole_numbers_as_integers(&mut body);
        assert_eq!(
            body,
            json!({"criterion": 2, "scores": [{"score": 7}, 7.5], "huge": 1e300})
        );
        let criterion: usize = serde_json::from_value(body["criterion"].clone()).unwrap();
        assert_eq!(criterion, 2);
    }
}
