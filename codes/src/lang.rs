//! The languages Socialbid's interface speaks and its code lists carry
//! labels in (ISO 639-1 codes), with the choice from an `Accept-Language`
//! header (RFC 9110 language ranges with quality values).

use serde::{Deserialize, Serialize};

/// The languages the service speaks. Danish comes first: it is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Da,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Da, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Da => "da",
            Lang::En => "en",
        }
    }

    /// The language's name in itself, as a language switch shows it.
    pub fn endonym(self) -> &'static str {
        match self {
            Lang::Da => "Dansk",
            Lang::En => "English",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "da" => Some(Lang::Da),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// Picks the language from an `Accept-Language` header: the first
    /// supported language by quality, Danish when nothing matches.
    pub fn negotiate(accept_language: Option<&str>) -> Lang {
        let Some(header) = accept_language else {
            return Lang::default();
        };
        let mut offers: Vec<(f32, usize, Lang)> = header
            .split(',')
            .enumerate()
            .filter_map(|(position, part)| {
                let mut pieces = part.split(';');
                let tag = pieces.next()?.trim();
                let primary = tag.split('-').next()?;
                let lang = Lang::from_code(primary)?;
                let quality = pieces
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.parse::<f32>().ok())
                    .unwrap_or(1.0);
                (quality > 0.0).then_some((quality, position, lang))
            })
            .collect();
        offers.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        offers.first().map(|o| o.2).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_preferred_supported_language() {
        assert_eq!(Lang::negotiate(Some("en-GB,en;q=0.9,da;q=0.8")), Lang::En);
        assert_eq!(Lang::negotiate(Some("de-DE,da;q=0.5,en;q=0.9")), Lang::En);
        assert_eq!(Lang::negotiate(Some("da-DK")), Lang::Da);
        assert_eq!(Lang::negotiate(Some("fr, de")), Lang::Da);
        assert_eq!(Lang::negotiate(Some("en;q=0")), Lang::Da);
        assert_eq!(Lang::negotiate(None), Lang::Da);
    }
}
