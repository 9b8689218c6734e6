//! Report formats. Each renders the same `Assessment`; none recomputes a score.
pub mod diff;
pub mod json;
pub mod precheck;
pub mod rules;
pub mod selfreport;
pub mod table;

use std::path::Path;

use crate::model::assessment::Assessment;

/// One registry of output formats: name, file extension, renderer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Per-indicator pass/gap table for a terminal or a printout.
    Table,
    /// The machine-readable assessment (`kaohe.assessment/1`).
    Json,
}

impl Format {
    /// The format `-o FILE` implies by its extension, when no `--format` is given.
    pub fn from_extension(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "json" => Some(Format::Json),
            "txt" => Some(Format::Table),
            _ => None,
        }
    }

    pub fn render(self, assessment: &Assessment, color: bool) -> String {
        match self {
            Format::Table => table::render(assessment, color),
            Format::Json => json::render(assessment),
        }
    }
}
