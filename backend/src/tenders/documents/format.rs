//! Which format a document is, from its content: the magic bytes at the
//! start and, for the zipped Office formats, the entries listed in the ZIP
//! central directory. The name's extension must then agree with it.

use std::io::{Read, Seek};

use zip::{CompressionMethod, ZipArchive};

use super::name::extension;
use crate::error::{AppError, AppResult, FieldError};

#[derive(Debug, PartialEq, Eq)]
pub struct Format {
    pub extension: &'static str,
    pub mime: &'static str,
}

const fn format(extension: &'static str, mime: &'static str) -> Format {
    Format { extension, mime }
}

pub const PDF: Format = format("pdf", "application/pdf");
pub const DOC: Format = format("doc", "application/msword");
pub const XLS: Format = format("xls", "application/vnd.ms-excel");
pub const DOCX: Format = format(
    "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
);
pub const XLSX: Format = format(
    "xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
);
pub const PPTX: Format = format(
    "pptx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
);
pub const ODT: Format = format("odt", "application/vnd.oasis.opendocument.text");
pub const ODS: Format = format("ods", "application/vnd.oasis.opendocument.spreadsheet");

const PDF_MAGIC: &[u8] = b"%PDF-";
/// The Compound File container shared by the old binary Office formats.
const CFB_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
/// How many bytes of the start of a file `identify` needs.
pub const HEAD_BYTES: usize = 8;

/// The format of a file whose first bytes are `head`, checked against the
/// extension of `name`. `contents` opens the whole file, which is read for
/// zipped formats only (from disk for a tender's documents, from memory
/// for a bid's, which never touch the disk unsealed): call it off the
/// async threads.
///
/// A name whose extension disagrees with the content is refused rather than
/// stored under the right extension: renaming silently would show the
/// officer a different name than the one they chose, and a mismatch is most
/// often the wrong file picked, which they should hear about.
pub fn identify<R: Read + Seek>(
    head: &[u8],
    name: &str,
    contents: impl FnOnce() -> std::io::Result<R>,
) -> AppResult<&'static Format> {
    let ext = extension(name);
    let found = if head.starts_with(PDF_MAGIC) {
        &PDF
    } else if head.starts_with(CFB_MAGIC) {
        // Telling a .doc from a .xls needs the container's own directory;
        // either is accepted, served with the type its extension names.
        return match ext.as_str() {
            "doc" => Ok(&DOC),
            "xls" => Ok(&XLS),
            _ => Err(wrong_extension(".doc, .xls")),
        };
    } else if head.starts_with(ZIP_MAGIC) {
        zipped(contents().map_err(AppError::internal)?).ok_or_else(wrong_type)?
    } else {
        return Err(wrong_type());
    };
    if ext != found.extension {
        return Err(wrong_extension(&format!(".{}", found.extension)));
    }
    Ok(found)
}

/// The Office format a ZIP file is, by the entries its format requires.
fn zipped<R: Read + Seek>(contents: R) -> Option<&'static Format> {
    let Ok(mut archive) = ZipArchive::new(contents) else {
        return None;
    };
    if archive.index_for_name("mimetype").is_some() {
        return opendocument(&mut archive);
    }
    let has = |entry: &str| archive.index_for_name(entry).is_some();
    if !has("[Content_Types].xml") {
        return None;
    }
    if has("word/document.xml") {
        Some(&DOCX)
    } else if has("xl/workbook.xml") {
        Some(&XLSX)
    } else if has("ppt/presentation.xml") {
        Some(&PPTX)
    } else {
        None
    }
}

/// OpenDocument names its type in a `mimetype` entry stored uncompressed.
fn opendocument<R: Read + Seek>(archive: &mut ZipArchive<R>) -> Option<&'static Format> {
    let entry = archive.by_name("mimetype").ok()?;
    if entry.compression() != CompressionMethod::Stored {
        return None;
    }
    let mut mime = String::new();
    // A real one is under 50 bytes; a larger entry is not one.
    entry.take(128).read_to_string(&mut mime).ok()?;
    [&ODT, &ODS].into_iter().find(|f| f.mime == mime)
}

fn wrong_type() -> AppError {
    AppError::field("file", "wrong_type")
}

fn wrong_extension(expected: &str) -> AppError {
    AppError::invalid(vec![
        FieldError::new("file", "extension").with("expected", expected),
    ])
}
