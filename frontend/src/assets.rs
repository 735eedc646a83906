//! Static files served under `/static/`, embedded so the binary is the
//! whole deployment. Nothing is loaded from a CDN.
//!
//! Pages link each file under a name that carries a hash of its content
//! (`style.3f9a0c1d2b4e.css`), so a browser may keep it for a year without
//! asking again: a changed file gets a new name, and the pages of the new
//! release link that. The plain name (`style.css`) still answers, for pages
//! rendered before a release, with a short cache.

use std::sync::OnceLock;

use sha2::{Digest, Sha256};

pub struct Asset {
    pub bytes: &'static [u8],
    pub content_type: &'static str,
    /// Whether the name asked for carried the content's hash, so the file
    /// behind it can never change.
    pub immutable: bool,
}

/// The embedded files: plain name, content, type.
const FILES: &[(&str, &[u8], &str)] = &[
    (
        "style.css",
        include_bytes!("../static/style.css"),
        "text/css; charset=utf-8",
    ),
    (
        "favicon.svg",
        include_bytes!("../static/favicon.svg"),
        "image/svg+xml",
    ),
];

/// Hex digits of the content hash in a name: 48 bits, plenty to tell one
/// release's file from the next.
const HASH_DIGITS: usize = 12;

/// The content-hashed name of each file, in the order of `FILES`.
fn hashed_names() -> &'static [String] {
    static NAMES: OnceLock<Vec<String>> = OnceLock::new();
    NAMES.get_or_init(|| {
        FILES
            .iter()
            .map(|(name, bytes, _)| {
                let digest = hex::encode(Sha256::digest(bytes));
                let (stem, extension) = name.rsplit_once('.').expect("a file name with a type");
                format!("{stem}.{}.{extension}", &digest[..HASH_DIGITS])
            })
            .collect()
    })
}

/// The path pages link for the embedded file `name` (`style.css` →
/// `/static/style.<hash>.css`); `None` for a file that is not embedded.
pub fn asset_path(name: &str) -> Option<String> {
    let index = FILES.iter().position(|(plain, _, _)| *plain == name)?;
    Some(format!("/static/{}", hashed_names()[index]))
}

/// The file asked for as `/static/{name}`, by its hashed or its plain name.
/// A hashed name with another hash (an older or made-up release) is not
/// found.
pub fn asset(name: &str) -> Option<Asset> {
    FILES
        .iter()
        .zip(hashed_names())
        .find_map(|((plain, bytes, content_type), hashed)| {
            let immutable = name == hashed;
            (immutable || name == *plain).then_some(Asset {
                bytes,
                content_type,
                immutable,
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hashed_name_changes_with_the_content_and_only_the_current_one_is_found() {
        let path = asset_path("style.css").unwrap();
        let name = path.strip_prefix("/static/").unwrap();
        let hash = name
            .strip_prefix("style.")
            .and_then(|rest| rest.strip_suffix(".css"))
            .unwrap();
        assert_eq!(hash.len(), HASH_DIGITS);
        assert!(hash.chars().all(|c| c.is_ascii_hexdigit()), "{hash}");
        assert!(asset(name).unwrap().immutable);
        assert!(!asset("style.css").unwrap().immutable);
        assert!(asset("style.000000000000.css").is_none());
        assert!(asset("favicon.css").is_none());
        assert_eq!(asset_path("nothing.css"), None);
        assert_ne!(asset_path("favicon.svg"), Some(path));
    }
}
