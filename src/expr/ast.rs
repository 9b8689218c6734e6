//! The parsed expression, before names and types are resolved, and the checked form (`Ir`)
//! the evaluator runs.
use std::ops::Range;
use std::sync::Arc;

use super::functions::Func;
use crate::value::Value;

pub(crate) type Span = Range<usize>;

#[derive(Debug, Clone)]
pub(crate) struct Ast {
    pub kind: AstKind,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    Coalesce,
    Add,
    Sub,
    Mul,
    Div,
}

impl BinOp {
    pub(crate) fn symbol(self) -> &'static str {
        match self {
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::In => "in",
            BinOp::Coalesce => "??",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
        }
    }

    pub(crate) fn is_comparison(self) -> bool {
        matches!(
            self,
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge | BinOp::In
        )
    }
}

#[derive(Debug, Clone)]
pub(crate) enum AstKind {
    Lit(Value),
    Name(String),
    List(Vec<Ast>),
    /// `{a: 1, b: x}`: field name, its span, value.
    Record(Vec<(String, Span, Ast)>),
    /// `x.f`; the span of `f` is kept for "unknown column" errors.
    Field(Box<Ast>, String, Span),
    /// `f(a, b)` or `a.f(b)` (method-call sugar, the receiver first).
    Call {
        name: String,
        name_span: Span,
        args: Vec<Ast>,
    },
    /// `x => body`.
    Lambda {
        param: String,
        body: Box<Ast>,
    },
    /// `let name = value; body`: `name` is visible in `body` only.
    Let {
        name: String,
        value: Box<Ast>,
        body: Box<Ast>,
    },
    Neg(Box<Ast>),
    Not(Box<Ast>),
    Binary(BinOp, Box<Ast>, Box<Ast>),
    If(Box<Ast>, Box<Ast>, Box<Ast>),
}

/// The checked expression: names resolved (lambda parameters to stack slots), functions to
/// their registry entry. Evaluating it never looks anything up by text except globals,
/// columns and fields.
#[derive(Debug, Clone)]
pub(crate) enum Ir {
    Const(Value),
    /// A lambda parameter: the slot in the evaluator's local stack.
    Local(usize),
    /// A name bound in `Vars`.
    Global(Arc<str>),
    List(Vec<Ir>),
    Record(Vec<(Arc<str>, Ir)>),
    Field(Box<Ir>, Arc<str>),
    /// A column of a value statically known to be a ledger row, with the column's position
    /// in the declaration (which `Ledger::columns` follows), checked before use.
    Column(Box<Ir>, Arc<str>, usize),
    Call(Box<Call>),
    /// The parameter takes the next local slot while `body` runs. `cites_row`: the body may
    /// report a data problem (it calls the calendar), so a row argument must be pushed on
    /// `EvalCtx::row_stack` while it runs.
    Lambda {
        body: Box<Ir>,
        cites_row: bool,
    },
    /// `let`: `value` takes the next local slot while `body` runs.
    Let(Box<Ir>, Box<Ir>),
    Neg(Box<Ir>),
    Not(Box<Ir>),
    Binary(BinOp, Box<Ir>, Box<Ir>),
    If(Box<Ir>, Box<Ir>, Box<Ir>),
}

#[derive(Debug, Clone)]
pub(crate) struct Call {
    pub func: Func,
    pub args: Vec<Ir>,
    /// For each argument that reads a ledger column directly (`r.成文日期`), the column, so a
    /// data problem about the value can name it.
    pub columns: Vec<Option<Arc<str>>>,
}

impl Ir {
    /// Call `f` on each direct sub-expression, in source order: the one place that knows the
    /// shape of the tree, for every walk over it.
    pub(crate) fn for_each_child<'a>(&'a self, f: &mut impl FnMut(&'a Ir)) {
        match self {
            Ir::Const(_) | Ir::Local(_) | Ir::Global(_) => {}
            Ir::List(items) => items.iter().for_each(f),
            Ir::Record(fields) => fields.iter().for_each(|(_, i)| f(i)),
            Ir::Field(e, _) | Ir::Column(e, _, _) | Ir::Neg(e) | Ir::Not(e) => f(e),
            Ir::Lambda { body, .. } => f(body),
            Ir::Call(c) => c.args.iter().for_each(f),
            Ir::Binary(_, l, r) | Ir::Let(l, r) => {
                f(l);
                f(r);
            }
            Ir::If(c, t, e) => {
                f(c);
                f(t);
                f(e);
            }
        }
    }

    /// Whether evaluating this may push a data problem citing the innermost row.
    pub(crate) fn uses_calendar(&self) -> bool {
        use super::functions::Func;
        if let Ir::Call(c) = self
            && matches!(c.func, Func::Workdays | Func::AddWorkdays)
        {
            return true;
        }
        let mut any = false;
        self.for_each_child(&mut |i| any = any || i.uses_calendar());
        any
    }
}
