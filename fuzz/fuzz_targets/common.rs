// Shared by the fuzz targets: the built-in rule set, compiled once.
use kaohe::load::rules::{RuleFiles, compile};
use kaohe::model::schema::EvidenceDecl;
use std::sync::Arc;

thread_local! {
    static DECL: Arc<EvidenceDecl> = compile(&RuleFiles::builtin("county-zwgk-2021").unwrap())
        .unwrap()
        .evidence
        .clone();
}

pub fn decl() -> Arc<EvidenceDecl> {
    DECL.with(Arc::clone)
}
