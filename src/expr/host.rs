//! What the language needs of the program that hosts it, and nothing more: the checker asks a
//! `Schema` for a ledger's columns and the documents' fields, evaluation asks `Files` whether a
//! path is in the bundle. The host (`model`) implements both for its own types, so the language
//! never names them. Rows and documents themselves are values (`crate::value::{Rows, Doc}`).

use std::fmt;

use crate::value::Type;

/// The evidence a rule set declares, as the checker sees it (implemented by
/// `model::schema::EvidenceDecl`).
pub trait Schema: fmt::Debug {
    /// The declared columns of `ledger`, in the order of its cells, with their types; `None`
    /// when no ledger of that name is declared.
    fn columns(&self, ledger: &str) -> Option<Vec<(&str, Type)>>;
    /// The first declared ledger with a column `column` (for "did you mean 台账.X's column").
    fn ledger_with_column(&self, column: &str) -> Option<&str>;
    /// The manifest fields declared for documents beside `文件`: every document's, in
    /// declaration order (a field two documents declare appears twice; the first one counts).
    fn document_fields(&self) -> Vec<(&str, Type)>;
}

/// The bundle's files, as `exists(path)` sees them (implemented by `model::evidence::Evidence`).
pub trait Files {
    /// Whether `path` lies inside the bundle, is a regular file and was not refused.
    fn file_exists(&self, path: &str) -> bool;
}
