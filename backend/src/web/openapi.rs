//! The responses every operation can give through the shared extractors
//! and middleware, added to the OpenAPI document so that it lists every
//! status the server sends, not only those a handler returns itself:
//!
//! - a path parameter that cannot be read names nothing: 404 (`web::extract`);
//! - a query parameter that cannot be read: 400 `invalid_parameter`;
//! - a JSON body: 400 `malformed_json`, 413, 415, 422 `invalid_body`
//!   (`web::json`).
//!
//! A response a handler already documents keeps its own description.

use utoipa::Modify;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{Content, OpenApi, Ref, RefOr, ResponseBuilder};

pub struct SharedRejections;

impl Modify for SharedRejections {
    fn modify(&self, openapi: &mut OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                add_rejections(operation);
            }
        }
    }
}

fn add_rejections(operation: &mut Operation) {
    let takes = |place: ParameterIn| {
        operation
            .parameters
            .iter()
            .flatten()
            .any(|p| matches!(p, RefOr::T(p) if p.parameter_in == place))
    };
    let (path, query) = (takes(ParameterIn::Path), takes(ParameterIn::Query));
    let json_body = matches!(
        &operation.request_body,
        Some(RefOr::T(body)) if body.content.contains_key("application/json")
    );
    if path {
        add(
            operation,
            "404",
            "Nothing has this id (nor can anything: an id that is not a number)",
        );
    }
    if query {
        add(
            operation,
            "400",
            "A query parameter cannot be read (`invalid_parameter`, named in `fields`)",
        );
    }
    if json_body {
        add(operation, "400", "The body is not JSON (`malformed_json`)");
        add(
            operation,
            "413",
            "The body is too large (`payload_too_large`)",
        );
        add(
            operation,
            "415",
            "The body is not sent as `application/json` (`unsupported_media_type`)",
        );
        add(
            operation,
            "422",
            "The body is not an object of the documented shape (`invalid_body`), or breaks a rule (`validation_failed`)",
        );
    }
}

fn add(operation: &mut Operation, status: &str, description: &str) {
    operation
        .responses
        .responses
        .entry(status.to_owned())
        .or_insert_with(|| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(description)
                    .content(
                        "application/json",
                        Content::new(Some(Ref::from_schema_name("ErrorBody"))),
                    )
                    .build(),
            )
        });
}
