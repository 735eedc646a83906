//! Reading procurement notices: eForms UBL and TED XML into one plain
//! [`Notice`]. Knows nothing of the database; the import maps a notice
//! into tenders afterwards.

mod codes;
mod eforms;
pub mod model;
mod problem;
mod ted;
mod xml;

pub use model::{
    Award, Buyer, Contact, Correction, Criterion, Format, Lot, Money, NewValue, Notice, Stage,
};
pub use problem::Problem;

/// Reads one notice from its XML text.
pub fn parse(xml: &str) -> Result<Notice, Problem> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        ..roxmltree::ParsingOptions::default()
    };
    let doc = roxmltree::Document::parse_with_options(xml, options)
        .map_err(|e| Problem::NotXml(e.to_string()))?;
    let root = doc.root_element().tag_name().name();
    if root == ted::ROOT {
        ted::parse(&doc)
    } else if eforms::ROOTS.contains(&root) {
        eforms::parse(&doc)
    } else if root == "BusinessRegistrationInformationNotice" {
        Err(Problem::NotProcurement(
            "eForms business registration notice".into(),
        ))
    } else {
        Err(Problem::UnknownSchema(root.to_owned()))
    }
}

/// Reads one notice from bytes, which must be UTF-8 (both schemas are).
pub fn parse_bytes(bytes: &[u8]) -> Result<Notice, Problem> {
    let text =
        std::str::from_utf8(bytes).map_err(|e| Problem::NotXml(format!("not UTF-8: {e}")))?;
    parse(text.strip_prefix('\u{feff}').unwrap_or(text))
}
