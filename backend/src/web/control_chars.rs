//! Control characters in text input. PostgreSQL refuses U+0000 in text (a
//! NUL byte in a login e-mail or a tender title was a 500 there and stored
//! on SQLite), and no field of ours has a use for the others except tab,
//! line feed and carriage return. Every JSON body (`web::json`) and every
//! page form (the CSRF check, which reads the form anyway) is checked here,
//! before any handler sees it, and a hit is a 422 naming the field.

use serde_json::Value;

use crate::error::FieldError;

pub const RULE: &str = "control_character";

/// True for a character no text field may hold.
pub fn is_refused(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

fn has_refused(text: &str) -> bool {
    text.chars().any(is_refused)
}

/// Every string in `value` (object keys included) holding a refused
/// character, named by its path: `title`, `lots[0].title`.
pub fn in_json(value: &Value) -> Vec<FieldError> {
    let mut found = Vec::new();
    walk(value, String::new(), &mut found);
    found
}

fn walk(value: &Value, path: String, found: &mut Vec<FieldError>) {
    match value {
        Value::String(text) if has_refused(text) => found.push(field_at(path)),
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                walk(item, format!("{path}[{index}]"), found);
            }
        }
        Value::Object(members) => {
            for (key, member) in members {
                // A key is shown as written, its control characters escaped,
                // so the path stays readable.
                let name = if has_refused(key) {
                    key.escape_debug().to_string()
                } else {
                    key.clone()
                };
                let member_path = if path.is_empty() {
                    name
                } else {
                    format!("{path}.{name}")
                };
                if has_refused(key) {
                    found.push(field_at(member_path.clone()));
                }
                walk(member, member_path, found);
            }
        }
        _ => {}
    }
}

/// Every form field whose name or value holds a refused character.
pub fn in_form<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<FieldError> {
    let mut found: Vec<FieldError> = Vec::new();
    for (name, value) in pairs {
        if !(has_refused(name) || has_refused(value)) {
            continue;
        }
        let name = name.escape_debug().to_string();
        if !found.iter().any(|f| f.field == name) {
            found.push(field_at(name));
        }
    }
    found
}

/// The error for a field holding a refused character, worded the same for
/// every field ("must not contain control characters").
pub fn field_at(path: String) -> FieldError {
    let path = if path.is_empty() { "body".into() } else { path };
    FieldError::at_path(path, RULE)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// The fields named, sorted (object members come in no promised order).
    fn fields(errors: Vec<FieldError>) -> Vec<String> {
        let mut names: Vec<String> = errors.into_iter().map(|e| e.field.into_owned()).collect();
        names.sort();
        names
    }

    #[test]
    fn tab_newline_and_carriage_return_are_text() {
        assert!(in_json(&json!({ "description": "a\tb\r\nc", "n": 1, "ok": null })).is_empty());
        assert!(in_form([("description", "a\tb\r\nc")]).is_empty());
    }

    #[test]
    fn other_control_characters_are_named_by_their_path() {
        let body = json!({
            "title": "a\u{0}b",
            "lots": [{ "title": "ok" }, { "title": "bell\u{7}" }],
            "note": "delete\u{7f}",
            "c1": "\u{85}",
            "fine": "æøå",
        });
        assert_eq!(
            fields(in_json(&body)),
            ["c1", "lots[1].title", "note", "title"]
        );
        assert_eq!(fields(in_json(&json!("\u{0}"))), ["body"]);
        assert_eq!(fields(in_json(&json!(["x", "\u{1b}"]))), ["[1]"]);
        assert_eq!(fields(in_json(&json!({ "a\u{0}": 1 }))), ["a\\0"]);
    }

    #[test]
    fn a_form_field_is_named_once() {
        let form = [
            ("email", "x\u{0}@example.dk"),
            ("cpv", "\u{0}"),
            ("cpv", "\u{1}"),
        ];
        assert_eq!(fields(in_form(form)), ["cpv", "email"]);
    }
}
