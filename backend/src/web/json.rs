//! JSON request bodies with our error shape: a syntax error is 400
//! `malformed_json`, a body of the wrong shape (unknown field, wrong type,
//! missing field) is 422 `invalid_body` naming the problem, a missing
//! content type is 415, and text with a control character (other than tab,
//! line feed, carriage return) is 422 naming the field by its path.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::AppError;
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
        let refused = control_chars::in_json(&value);
        if !refused.is_empty() {
            return Err(AppError::invalid(refused));
        }
        serde_json::from_value(value).map(ApiJson).map_err(|e| {
            AppError::refused(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body")
                .with("detail", e.to_string())
        })
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
