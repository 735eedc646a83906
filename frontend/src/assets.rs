//! Static files served under `/static/`, embedded so the binary is the
//! whole deployment. Nothing is loaded from a CDN.

pub struct Asset {
    pub bytes: &'static [u8],
    pub content_type: &'static str,
}

pub fn asset(name: &str) -> Option<Asset> {
    let (bytes, content_type): (&'static [u8], _) = match name {
        "style.css" => (
            include_bytes!("../static/style.css"),
            "text/css; charset=utf-8",
        ),
        "favicon.svg" => (include_bytes!("../static/favicon.svg"), "image/svg+xml"),
        _ => return None,
    };
    Some(Asset {
        bytes,
        content_type,
    })
}
