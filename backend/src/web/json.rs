//! JSON request bodies with our error shape: a syntax error is 400
//! `malformed_json`, a body of the wrong shape (not an object, unknown
//! field, wrong type, missing field) is 422 `invalid_body` naming the
//! problem, a missing content type is 415.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use crate::error::AppError;

pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, AppError> {
        let value = match axum::Json::<serde_json::Value>::from_request(request, state).await {
            Ok(axum::Json(value)) => value,
            Err(rejection) => {
                return Err(match rejection {
                    JsonRejection::JsonSyntaxError(_) => AppError::bad_request("malformed_json"),
                    JsonRejection::MissingJsonContentType(_) => AppError::refused(
                        StatusCode::UNSUPPORTED_MEDIA_TYPE,
                        "unsupported_media_type",
                    ),
                    JsonRejection::BytesRejection(_) => {
                        AppError::refused(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
                    }
                    // Any JSON is a `Value`: what is left is a syntax error.
                    _ => AppError::bad_request("malformed_json"),
                });
            }
        };
        // Every body this API takes is an object; serde's derive would
        // also read `[]` as a struct of defaults (an empty draft).
        if !value.is_object() {
            return Err(invalid_body(format!(
                "invalid type: {}, expected a JSON object",
                kind_of(&value)
            )));
        }
        serde_path_to_error::deserialize(value)
            .map(ApiJson)
            .map_err(|e| invalid_body(e.to_string()))
    }
}

fn invalid_body(detail: String) -> AppError {
    AppError::refused(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body").with("detail", detail)
}

fn kind_of(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "boolean",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "sequence",
        serde_json::Value::Object(_) => "map",
    }
}
