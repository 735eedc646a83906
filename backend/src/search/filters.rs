//! The parameters tender search and the directory share, checked the same
//! way for both: control characters, the words' length, and a CPV code,
//! region or social objective as the index filters on it. Each check adds
//! the field and the rule it breaks to `errors`.

use socialbid_codes::{cpv, eforms, nuts};

use crate::error::FieldError;
use crate::web::control_chars;

/// Longer is not a search but a paste; the index would analyse it for
/// nothing.
pub const MAX_WORDS_CHARS: usize = 200;

/// A refusal for each parameter holding a control character.
pub fn control_characters(texts: &[(&str, &str)]) -> Vec<FieldError> {
    texts
        .iter()
        .filter(|(_, text)| text.chars().any(control_chars::is_refused))
        .map(|(field, _)| control_chars::field_at((*field).to_owned()))
        .collect()
}

/// The words of `q`, trimmed; nothing when they are too long.
pub fn words(q: &str, errors: &mut Vec<FieldError>) -> String {
    let words = q.trim();
    if words.chars().count() > MAX_WORDS_CHARS {
        errors.push(FieldError::new("q", "too_long").with("max", MAX_WORDS_CHARS.to_string()));
        return String::new();
    }
    words.to_owned()
}

/// A CPV code at any level (`853`, `85311000`) as its significant digits.
pub fn cpv_code(raw: &str, errors: &mut Vec<FieldError>) -> Option<String> {
    match raw.trim() {
        "" => None,
        raw => match cpv::parse(raw) {
            Ok(code) => Some(cpv::prefix(&code.code).to_owned()),
            Err(_) => {
                errors.push(FieldError::new("cpv", "unknown").with("code", raw));
                None
            }
        },
    }
}

/// A NUTS code of any level, in either case.
pub fn region(raw: &str, errors: &mut Vec<FieldError>) -> Option<String> {
    match raw.trim() {
        "" => None,
        raw => match nuts::find(&raw.to_uppercase()) {
            Some(region) => Some(region.code.clone()),
            None => {
                errors.push(FieldError::new("nuts", "unknown").with("code", raw));
                None
            }
        },
    }
}

/// A BT-775 social objective code.
pub fn objective(raw: &str, errors: &mut Vec<FieldError>) -> Option<String> {
    match raw.trim() {
        "" => None,
        raw if eforms::social_objectives().contains(raw) => Some(raw.to_owned()),
        raw => {
            errors.push(FieldError::new("objective", "unknown").with("code", raw));
            None
        }
    }
}
