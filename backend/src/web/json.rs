//! JSON request bodies with our error shape: a syntax error is 400
//! `malformed_json`, a body of the wrong shape (unknown field, wrong type,
//! missing field) is 422 `invalid_body` naming the problem, a missing
//! content type is 415.

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
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(match rejection {
                JsonRejection::JsonDataError(e) => {
                    AppError::refused(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body")
                        .with("detail", serde_detail(&e.body_text()))
                }
                JsonRejection::JsonSyntaxError(_) => AppError::bad_request("malformed_json"),
                JsonRejection::MissingJsonContentType(_) => {
                    AppError::refused(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
                }
                JsonRejection::BytesRejection(_) => {
                    AppError::refused(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
                }
                _ => AppError::bad_request("malformed_json"),
            }),
        }
    }
}

/// serde's own sentence ("unknown field `x`, expected one of ...") without
/// axum's English preamble.
fn serde_detail(body_text: &str) -> String {
    body_text
        .split_once(": ")
        .map(|(_, rest)| rest)
        .unwrap_or(body_text)
        .to_owned()
}
