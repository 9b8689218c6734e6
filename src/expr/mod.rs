//! The measure language: `lexer → parser → check → eval`, one table of built-in functions
//! (`functions`), and message templates (`template`). See docs/rules.md.
//!
//! Public contract used by the rule loader and the scorer (keep these signatures):
//! - `Expr::compile(src, &TypeEnv) -> Result<Expr, Vec<ExprError>>` parses and type-checks once;
//! - `Expr::eval(&self, &EvalCtx, &Vars) -> Value` never re-parses and never fails: a
//!   data problem (e.g. a year missing from the calendar) is pushed into `EvalCtx::problems`
//!   and the value is `Null`;
//! - `Template::compile` / `Template::render` for messages with `{expr}` holes.

pub(crate) mod ast;
pub(crate) mod calc;
pub(crate) mod check;
pub(crate) mod doctext;
pub(crate) mod error;
pub(crate) mod eval;
pub(crate) mod functions;
pub(crate) mod host;
pub(crate) mod lexer;
pub(crate) mod parser;
pub(crate) mod template;

pub(crate) use error::ExprError;
pub(crate) use host::{Files, Schema};

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::Arc;

use crate::calendar::Calendar;
use crate::diag::Problem;
use crate::value::{RowRef, Type, Value};

/// Names visible to an expression, with their static types, plus the host's evidence
/// declaration `S` (for a row's columns: `Type::Row(ledger)` → `S::columns(ledger)`).
#[derive(Debug)]
pub struct TypeEnv<S> {
    pub names: BTreeMap<String, Type>,
    pub evidence: Arc<S>,
}

impl<S> Clone for TypeEnv<S> {
    fn clone(&self) -> Self {
        TypeEnv {
            names: self.names.clone(),
            evidence: Arc::clone(&self.evidence),
        }
    }
}

impl<S> TypeEnv<S> {
    /// An environment with no names yet.
    pub fn new(evidence: Arc<S>) -> Self {
        TypeEnv {
            names: BTreeMap::new(),
            evidence,
        }
    }
}

/// Run-time bindings: global names (manifest, params), `let` names, `it`, `index`.
#[derive(Debug, Clone, Default)]
pub struct Vars {
    map: rustc_hash::FxHashMap<Arc<str>, Value>,
}

impl Vars {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn set(&mut self, name: &str, value: Value) {
        // Rebinding (`it`, `index` once per item) reuses the key instead of allocating it.
        match self.map.get_mut(name) {
            Some(slot) => *slot = value,
            None => {
                self.map.insert(Arc::from(name), value);
            }
        }
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
    /// For `exists(path)`: the host's bundle.
    pub evidence: &'a dyn Files,
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
    ir: Arc<ast::Ir>,
    src: Arc<str>,
}

impl Expr {
    pub fn compile<S: Schema>(src: &str, env: &TypeEnv<S>) -> Result<Expr, Vec<ExprError>> {
        Self::compile_at(src, 0, env)
    }

    /// Compiles `part`, which sits at byte `base` of a template, so that error spans index
    /// the whole template.
    fn compile_at<S: Schema>(
        part: &str,
        base: usize,
        env: &TypeEnv<S>,
    ) -> Result<Expr, Vec<ExprError>> {
        let tokens = lexer::lex(part, base)?;
        let ast = parser::parse(&tokens).map_err(|e| vec![e])?;
        let (ir, ty) = check::check(&ast, env)?;
        Ok(Expr {
            ty,
            ir: Arc::new(ir),
            src: Arc::from(part),
        })
    }

    pub fn ty(&self) -> &Type {
        &self.ty
    }

    /// The source text the expression was compiled from.
    pub fn source(&self) -> &str {
        &self.src
    }

    pub fn eval(&self, ctx: &EvalCtx, vars: &Vars) -> Value {
        eval::Evaluator::new(ctx, vars).eval(&self.ir)
    }

    /// The names bound in `Vars` that the expression reads (params, manifest keys, `let`
    /// names, `it`), for lints such as an unused parameter.
    pub fn globals(&self) -> std::collections::BTreeSet<Arc<str>> {
        fn walk(ir: &ast::Ir, out: &mut std::collections::BTreeSet<Arc<str>>) {
            if let ast::Ir::Global(name) = ir {
                out.insert(Arc::clone(name));
            }
            ir.for_each_child(&mut |i| walk(i, out));
        }
        let mut out = std::collections::BTreeSet::new();
        walk(&self.ir, &mut out);
        out
    }

    /// The ledger columns the expression reads from rows (`r.领域` → 领域), by name.
    pub fn columns(&self) -> std::collections::BTreeSet<Arc<str>> {
        fn walk(ir: &ast::Ir, out: &mut std::collections::BTreeSet<Arc<str>>) {
            if let ast::Ir::Column(_, name, _) = ir {
                out.insert(Arc::clone(name));
            }
            ir.for_each_child(&mut |i| walk(i, out));
        }
        let mut out = std::collections::BTreeSet::new();
        walk(&self.ir, &mut out);
        out
    }

    /// The field paths rooted at one of `roots` that the expression reads, outermost first
    /// met, without repeats: `部分.网站.得分 < 21` → `[["部分", "网站", "得分"]]`. A grading
    /// rule reports these with their values.
    pub fn field_paths(&self, roots: &[&str]) -> Vec<Vec<String>> {
        use ast::Ir;
        fn chain(ir: &Ir, roots: &[&str]) -> Option<Vec<String>> {
            match ir {
                Ir::Global(name) if roots.contains(&name.as_ref()) => Some(vec![name.to_string()]),
                Ir::Field(inner, name) => {
                    let mut path = chain(inner, roots)?;
                    path.push(name.to_string());
                    Some(path)
                }
                _ => None,
            }
        }
        fn walk(ir: &Ir, roots: &[&str], out: &mut Vec<Vec<String>>) {
            if let Some(path) = chain(ir, roots) {
                if !out.contains(&path) {
                    out.push(path);
                }
                return;
            }
            ir.for_each_child(&mut |i| walk(i, roots, out));
        }
        let mut out = Vec::new();
        walk(&self.ir, roots, &mut out);
        out
    }

    /// `eval` read as a condition: only `true` is true (null and false are not).
    pub fn eval_bool(&self, ctx: &EvalCtx, vars: &Vars) -> bool {
        matches!(self.eval(ctx, vars), Value::Bool(true))
    }
}

#[derive(Debug, Clone)]
enum Part {
    Lit(String),
    Hole(Expr),
}

/// A message with `{expr}` holes (`{{`/`}}` are literal braces).
#[derive(Debug, Clone)]
pub struct Template {
    parts: Vec<Part>,
}

impl Template {
    /// Compiles every hole; error spans are byte offsets into `src` (the whole template).
    pub fn compile<S: Schema>(src: &str, env: &TypeEnv<S>) -> Result<Template, Vec<ExprError>> {
        let pieces = template::split(src)?;
        let mut parts = Vec::with_capacity(pieces.len());
        let mut errors = Vec::new();
        for piece in pieces {
            match piece {
                template::Piece::Lit(s) => parts.push(Part::Lit(s)),
                template::Piece::Hole(hole, base) => match Expr::compile_at(hole, base, env) {
                    Ok(e) => parts.push(Part::Hole(e)),
                    Err(es) => errors.extend(es),
                },
            }
        }
        if errors.is_empty() {
            Ok(Template { parts })
        } else {
            Err(errors)
        }
    }

    /// The message with each hole's value as people write it (null → 空).
    pub fn render(&self, ctx: &EvalCtx, vars: &Vars) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Lit(s) => out.push_str(s),
                Part::Hole(e) => {
                    let _ = write!(out, "{}", e.eval(ctx, vars));
                }
            }
        }
        out
    }

    /// The holes' expressions, in order (e.g. to list the names a message uses).
    pub fn holes(&self) -> impl Iterator<Item = &Expr> {
        self.parts.iter().filter_map(|p| match p {
            Part::Hole(e) => Some(e),
            Part::Lit(_) => None,
        })
    }
}

#[cfg(test)]
pub(crate) mod tests;
