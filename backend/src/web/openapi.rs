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
//!
//! And one rule the shared JSON reader applies to every body: no control
//! characters in text (`NoControlCharacters`).

use utoipa::Modify;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::schema::{ArrayItems, Schema, SchemaType, Type};
use utoipa::openapi::{Content, OpenApi, Ref, RefOr, ResponseBuilder};

pub struct SharedRejections;

/// A text parameter that takes one of `values`, or nothing (the empty
/// string a form sends for "any").
pub fn one_of_or_empty<I, S>(values: I) -> utoipa::openapi::Object
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    let values: Vec<String> = std::iter::once(String::new())
        .chain(values.into_iter().map(Into::into))
        .collect();
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values))
        .build()
}

/// A filter on one social objective (eForms BT-775), or none.
pub fn social_objective_or_empty() -> utoipa::openapi::Object {
    one_of_or_empty(
        socialbid_codes::eforms::social_objectives()
            .codes()
            .iter()
            .map(|c| c.code.clone()),
    )
}

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

/// The server refuses control characters other than tab, line feed and
/// carriage return in every string of a JSON body (`web::control_chars`);
/// the document says so with a pattern on each string a request body
/// holds, found by following the bodies' schemas and the components they
/// name. A field that must hold more than blanks says so with the pattern
/// `\S` (`#[schema(pattern = r"\S")]`), which becomes the same rule
/// with at least one character that is not a space.
pub struct NoControlCharacters;

/// Every character but those `web::control_chars::is_refused` refuses:
/// Unicode's Cc category except U+0009, U+000A and U+000D.
const NO_CONTROL_CHARACTERS: &str =
    "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$";

/// How a field marks that blanks alone are refused (the server trims such
/// text and asks for it when nothing is left).
const NOT_BLANK_MARK: &str = "\\S";

/// `NO_CONTROL_CHARACTERS`, with at least one character that is neither a
/// control character nor white space.
const NOT_BLANK: &str = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*\
     [^\\s\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]\
     [^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$";

impl Modify for NoControlCharacters {
    fn modify(&self, openapi: &mut OpenApi) {
        let mut named = Vec::new();
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                if let Some(RefOr::T(body)) = &mut operation.request_body
                    && let Some(RefOr::T(json)) = body.content.get_mut("application/json")
                    && let Some(schema) = &mut json.schema
                {
                    add_pattern(schema, &mut named);
                }
            }
        }
        let Some(components) = openapi.components.as_mut() else {
            return;
        };
        let mut done = std::collections::BTreeSet::new();
        while let Some(name) = named.pop() {
            if !done.insert(name.clone()) {
                continue;
            }
            if let Some(schema) = components.schemas.get_mut(&name) {
                add_pattern(schema, &mut named);
            }
        }
    }
}

/// Puts the pattern on every free-text string in `schema` (not on one with
/// a list of values, nor on one that has a pattern of its own), and adds
/// the components it names to `named`.
fn add_pattern(schema: &mut RefOr<Schema>, named: &mut Vec<String>) {
    let schema = match schema {
        RefOr::Ref(reference) => {
            if let Some(name) = reference.ref_location.rsplit('/').next() {
                named.push(name.to_owned());
            }
            return;
        }
        RefOr::T(schema) => schema,
    };
    match schema {
        Schema::Object(object) => {
            let is_text = match &object.schema_type {
                SchemaType::Type(Type::String) => true,
                SchemaType::Array(types) => types.contains(&Type::String),
                _ => false,
            };
            if is_text && object.enum_values.is_none() {
                match object.pattern.as_deref() {
                    None => object.pattern = Some(NO_CONTROL_CHARACTERS.to_owned()),
                    Some(NOT_BLANK_MARK) => object.pattern = Some(NOT_BLANK.to_owned()),
                    Some(_) => {}
                }
            }
            for property in object.properties.values_mut() {
                add_pattern(property, named);
            }
        }
        Schema::Array(array) => {
            if let ArrayItems::RefOrSchema(items) = &mut array.items {
                add_pattern(items, named);
            }
        }
        Schema::OneOf(choice) => choice.items.iter_mut().for_each(|s| add_pattern(s, named)),
        Schema::AllOf(all) => all.items.iter_mut().for_each(|s| add_pattern(s, named)),
        Schema::AnyOf(any) => any.items.iter_mut().for_each(|s| add_pattern(s, named)),
        _ => {}
    }
}
