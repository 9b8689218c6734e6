//! The measure language: `lexer → parser → check → eval`, one table of built-in functions
//! (`functions`), and message templates (`template`). See docs/rules.md.
//!
//! Public contract used by the rule loader and the scorer (keep these signatures):
//! - `Expr::compile(src, &TypeEnv) -> Result<Expr, Vec<ExprError>>` parses and type-checks once;
//! - `Expr::eval(&self, &EvalCtx, &Vars) -> Value` never re-parses and never fails: a
//!   data problem (e.g. a year missing from the calendar) is pushed into `EvalCtx::problems`
//!   and the value is `Null`;
//! - `Template::compile` / `Template::render` for messages with `{expr}` holes.

pub mod value;

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::sync::Arc;

use crate::calendar::Calendar;
use crate::diag::Problem;
use crate::model::evidence::Evidence;
use crate::model::schema::EvidenceDecl;
use value::{RowRef, Type, Value};

/// A mistake in an expression, found when the rule set loads. `span` is a byte range into the
/// expression's source text; the rule loader turns it into file:line:column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExprError {
    pub span: Range<usize>,
    /// Stable kebab-case code, e.g. `unknown-function`, `unknown-column`, `wrong-arity`,
    /// `type-mismatch`, `syntax`.
    pub code: &'static str,
    pub message: String,
    pub help: Option<String>,
}

/// Names visible to an expression, with their static types, plus the evidence declaration
/// (for a row's columns: `Type::Row(ledger)` → `evidence.ledger(ledger).column(name)`).
#[derive(Debug, Clone)]
pub struct TypeEnv {
    pub names: BTreeMap<String, Type>,
    pub evidence: Arc<EvidenceDecl>,
}

/// Run-time bindings: global names (manifest, params), `let` names, `it`, `index`.
#[derive(Debug, Clone, Default)]
pub struct Vars {
    map: HashMap<Arc<str>, Value>,
}

impl Vars {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn set(&mut self, name: &str, value: Value) {
        self.map.insert(Arc::from(name), value);
    }
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.map.get(name)
    }
}

/// What evaluation may consult besides the bindings. Evaluation does no IO.
pub struct EvalCtx<'a> {
    /// The rule set's year Y (for `in_year`).
    pub year: i16,
    pub calendar: &'a Calendar,
    /// For `exists(path)`.
    pub evidence: &'a Evidence,
    /// Data problems found while evaluating (deduplicated by the caller).
    pub problems: RefCell<Vec<Problem>>,
    /// The innermost ledger row being evaluated (lambda parameter or `it` bound to a row), so
    /// that a problem such as a missing calendar year can name file and row.
    pub row_stack: RefCell<Vec<RowRef>>,
}

/// A parsed and type-checked expression.
#[derive(Debug, Clone)]
pub struct Expr {
    ty: Type,
}

impl Expr {
    pub fn compile(_src: &str, _env: &TypeEnv) -> Result<Expr, Vec<ExprError>> {
        todo!("expr helper")
    }
    pub fn ty(&self) -> &Type {
        &self.ty
    }
    pub fn eval(&self, _ctx: &EvalCtx, _vars: &Vars) -> Value {
        todo!("expr helper")
    }
}

/// A message with `{expr}` holes (`{{`/`}}` are literal braces).
#[derive(Debug, Clone)]
pub struct Template {}

impl Template {
    pub fn compile(_src: &str, _env: &TypeEnv) -> Result<Template, Vec<ExprError>> {
        todo!("expr helper")
    }
    pub fn render(&self, _ctx: &EvalCtx, _vars: &Vars) -> String {
        todo!("expr helper")
    }
}
