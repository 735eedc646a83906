//! The name a document is shown and downloaded under. It is checked, never
//! silently rewritten: what the officer sees in the list is what they chose,
//! and a name that could walk out of a folder or break a header is refused.

use crate::error::{AppError, AppResult, FieldError};

pub const MAX_NAME: usize = 200;

/// The name as given, trimmed, or a field error saying which rule it broke.
pub fn checked(name: &str) -> AppResult<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME {
        return Err(AppError::invalid(vec![
            FieldError::new("file", "name").with("max", MAX_NAME),
        ]));
    }
    let only_dots = name.chars().all(|c| c == '.');
    let unsafe_char = name
        .chars()
        .any(|c| c.is_control() || matches!(c, '/' | '\\'));
    if only_dots || unsafe_char {
        return Err(AppError::field("file", "name_characters"));
    }
    Ok(name.to_owned())
}

/// The extension after the last dot, lower case; empty when there is none.
pub fn extension(name: &str) -> String {
    name.rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default()
}

/// `Content-Disposition: attachment` (RFC 6266) with a plain ASCII fallback
/// for old clients and the exact name in RFC 5987 form for the rest.
pub fn disposition(name: &str) -> String {
    let fallback: String = name
        .chars()
        .map(|c| {
            // Quotes and backslashes would end or escape the quoted string;
            // `%` is replaced because some clients decode it in `filename`.
            let plain = (c.is_ascii_graphic() || c == ' ') && !matches!(c, '"' | '\\' | '%');
            if plain { c } else { '_' }
        })
        .collect();
    format!(
        "attachment; filename=\"{fallback}\"; filename*=UTF-8''{}",
        percent_encoded(name)
    )
}

/// RFC 5987 `value-chars`: `attr-char` as it is, every other byte as `%XX`.
fn percent_encoded(name: &str) -> String {
    let mut out = String::with_capacity(name.len() * 3);
    for byte in name.bytes() {
        let attr_char = byte.is_ascii_alphanumeric()
            || matches!(
                byte,
                b'!' | b'#' | b'$' | b'&' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~'
            );
        if attr_char {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(name: &str) -> Option<&'static str> {
        checked(name).err().map(|e| e.fields()[0].rule)
    }

    #[test]
    fn unsafe_names_are_refused_with_their_rule() {
        assert_eq!(rule(""), Some("name"));
        assert_eq!(rule("   "), Some("name"));
        assert_eq!(rule(&"a".repeat(MAX_NAME + 1)), Some("name"));
        for bad in [
            ".",
            "..",
            "...",
            "../a.pdf",
            "a/b.pdf",
            "a\\b.pdf",
            "a\u{0}.pdf",
            "a\nb.pdf",
            "a\u{7f}.pdf",
        ] {
            assert_eq!(rule(bad), Some("name_characters"), "{bad:?}");
        }
        assert_eq!(
            checked(" Udbud \"2026\"; æøå.pdf ").unwrap(),
            "Udbud \"2026\"; æøå.pdf"
        );
        assert_eq!(
            checked(&"å".repeat(MAX_NAME)).unwrap().chars().count(),
            MAX_NAME
        );
    }

    #[test]
    fn the_header_quotes_nothing_it_should_not() {
        assert_eq!(
            disposition("Tilbud \"endelig\"; æøå 100%.pdf"),
            "attachment; filename=\"Tilbud _endelig_; ___ 100_.pdf\"; \
             filename*=UTF-8''Tilbud%20%22endelig%22%3B%20%C3%A6%C3%B8%C3%A5%20100%25.pdf"
        );
    }
}
