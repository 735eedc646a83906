//! Why a file was not imported, as data: the CLI prints it in English, the
//! admin page words it in the reader's language from its code.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Not well-formed XML.
    NotXml(String),
    /// Well-formed, but neither eForms nor TED XML.
    UnknownSchema(String),
    /// A business-registration notice (eForms X01/X02), or another notice
    /// that announces no procurement: skipped, not failed.
    NotProcurement(String),
    /// A field every notice of this kind has is missing or empty.
    Missing { field: &'static str },
    /// A code that is not in its list.
    UnknownCode { field: &'static str, value: String },
    /// A value that cannot be read (a date, an amount).
    Unreadable { field: &'static str, value: String },
    /// A change notice whose procedure is not the one of the notice it
    /// changes.
    ProcedureMismatch {
        changed: String,
        expected: String,
        found: String,
    },
    /// The database refused the write.
    Storage(String),
}

impl Problem {
    /// Skipped on purpose, not a failure.
    pub fn is_skip(&self) -> bool {
        matches!(self, Problem::NotProcurement(_))
    }

    /// The translation key under `import.problem`.
    pub fn code(&self) -> &'static str {
        match self {
            Problem::NotXml(_) => "not_xml",
            Problem::UnknownSchema(_) => "unknown_schema",
            Problem::NotProcurement(_) => "not_procurement",
            Problem::Missing { .. } => "missing",
            Problem::UnknownCode { .. } => "unknown_code",
            Problem::Unreadable { .. } => "unreadable",
            Problem::ProcedureMismatch { .. } => "procedure_mismatch",
            Problem::Storage(_) => "storage",
        }
    }

    /// The placeholders of the translated message.
    pub fn args(&self) -> serde_json::Value {
        match self {
            Problem::NotXml(detail)
            | Problem::UnknownSchema(detail)
            | Problem::NotProcurement(detail)
            | Problem::Storage(detail) => serde_json::json!({ "detail": detail }),
            Problem::Missing { field } => serde_json::json!({ "field": field }),
            Problem::UnknownCode { field, value } | Problem::Unreadable { field, value } => {
                serde_json::json!({ "field": field, "value": value })
            }
            Problem::ProcedureMismatch {
                changed,
                expected,
                found,
            } => serde_json::json!({ "changed": changed, "expected": expected, "found": found }),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::NotXml(detail) => write!(f, "not well-formed XML: {detail}"),
            Problem::UnknownSchema(root) => {
                write!(
                    f,
                    "neither an eForms nor a TED XML notice (root element {root})"
                )
            }
            Problem::NotProcurement(kind) => {
                write!(f, "not a procurement notice ({kind}): nothing to import")
            }
            Problem::Missing { field } => write!(f, "{field} is missing or empty"),
            Problem::UnknownCode { field, value } => {
                write!(f, "{field}: \"{value}\" is not a code of its list")
            }
            Problem::Unreadable { field, value } => write!(f, "{field}: cannot read \"{value}\""),
            Problem::ProcedureMismatch {
                changed,
                expected,
                found,
            } => write!(
                f,
                "changes notice {changed} of procedure {expected}, but names procedure {found}"
            ),
            Problem::Storage(detail) => write!(f, "the database refused it: {detail}"),
        }
    }
}
