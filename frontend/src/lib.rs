//! Everything a person reads: page templates, email templates, translations
//! (Danish and English) and the stylesheet, all embedded in the binary.
//!
//! This crate turns view structs into HTML and text. It knows nothing of the
//! database or of HTTP: the backend decides what to show, this crate decides
//! how it reads.

mod assets;
mod format;
mod i18n;
#[cfg(test)]
mod stylesheet_check;
mod templates;

pub use assets::{Asset, asset, asset_path};
pub use format::{
    date as format_date, datetime as format_datetime, decimal as format_decimal,
    integer as format_integer, money as format_money, money_in as format_money_in,
};
pub use i18n::{COUNT_PLACEHOLDERS, Lang, translate, translate_with};
pub use templates::{RenderError, RenderedEmail, render_email, render_page};
