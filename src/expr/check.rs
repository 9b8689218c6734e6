//! `Ast` → `Ir` plus its static type. Resolves every name (lambda parameters, then
//! `TypeEnv::names`), every column and field, every function; checks arity and types.
//! Collects every error instead of stopping at the first.
use std::sync::Arc;

use super::ast::{Ast, AstKind, BinOp, Call, Ir, Span};
use super::functions::{self, FunctionDef, Param, Ret};
use super::value::{RecordType, Type, Value};
use super::{ExprError, TypeEnv};

pub(crate) fn check(ast: &Ast, env: &TypeEnv) -> Result<(Ir, Type), Vec<ExprError>> {
    let mut c = Checker {
        env,
        scopes: Vec::new(),
        errors: Vec::new(),
    };
    let (ir, ty) = c.expr(ast);
    if c.errors.is_empty() {
        Ok((ir, ty))
    } else {
        Err(c.errors)
    }
}

struct Checker<'e> {
    env: &'e TypeEnv,
    /// Lambda parameters, outermost first; the index is the evaluator's local slot.
    scopes: Vec<(String, Type)>,
    errors: Vec<ExprError>,
}

/// Edit distance in characters (Chinese names are short, so a plain DP is fine).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// "did you mean X?" for the closest candidate within a third of the name's length (at
/// least one edit).
pub(crate) fn suggest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let limit = name.chars().count().div_ceil(3).max(1);
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| (distance(name, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| format!("did you mean {c}?"))
}

/// The common type of two values that may meet (`==`, `??`, list elements, if branches).
pub(crate) fn unify(a: &Type, b: &Type) -> Option<Type> {
    match (a, b) {
        (Type::Any, t) | (t, Type::Any) => Some(t.clone()),
        (Type::List(x), Type::List(y)) => Some(Type::List(Box::new(unify(x, y)?))),
        (Type::Map(x), Type::Map(y)) => Some(Type::Map(Box::new(unify(x, y)?))),
        // Records of different shapes still compare field by field at run time.
        (Type::Record(x), Type::Record(y)) => Some(if x == y {
            a.clone()
        } else {
            Type::Record(Arc::default())
        }),
        _ if a == b => Some(a.clone()),
        _ => None,
    }
}

fn element(t: &Type) -> Type {
    match t {
        Type::List(e) => (**e).clone(),
        _ => Type::Any,
    }
}

fn fits(t: &Type, p: Param) -> bool {
    let list_of = |want: Type| match t {
        Type::List(e) => matches!(**e, Type::Any) || **e == want,
        _ => false,
    };
    match (t, p) {
        (Type::Any, _) | (_, Param::Any) => true,
        (_, Param::Num) => *t == Type::Num,
        (_, Param::Text) => *t == Type::Text,
        (_, Param::Date) => *t == Type::Date,
        (_, Param::Doc) => *t == Type::Doc,
        (_, Param::Table) => *t == Type::Table,
        (_, Param::List) => matches!(t, Type::List(_)),
        (_, Param::ListOfNum) => list_of(Type::Num),
        (_, Param::ListOfText) => list_of(Type::Text),
        (_, Param::ListOfDate) => list_of(Type::Date),
        (_, Param::TextOrList) => matches!(t, Type::Text | Type::List(_)),
        (_, Param::MapOrRecord) => matches!(t, Type::Map(_) | Type::Record(_)),
        (_, Param::Pred | Param::Lambda) => false,
    }
}

fn param_name(p: Param) -> &'static str {
    match p {
        Param::Any => "a value",
        Param::Num => "a number",
        Param::Text => "a text",
        Param::Date => "a date",
        Param::Doc => "a document",
        Param::Table => "a table",
        Param::List => "a list",
        Param::ListOfNum => "a list of numbers",
        Param::ListOfText => "a list of texts",
        Param::ListOfDate => "a list of dates",
        Param::TextOrList => "a text or a list",
        Param::MapOrRecord => "a map or a record",
        Param::Pred => "a condition `x => …`",
        Param::Lambda => "a lambda `x => …`",
    }
}

fn record_type(fields: &[(&str, Type)]) -> Type {
    Type::Record(Arc::new(RecordType {
        fields: fields
            .iter()
            .map(|(k, t)| (k.to_string(), t.clone()))
            .collect(),
    }))
}

fn ordinal(i: usize) -> String {
    format!("argument {}", i + 1)
}

impl Checker<'_> {
    fn error(&mut self, span: Span, code: &'static str, message: String, help: Option<String>) {
        self.errors.push(ExprError {
            span,
            code,
            message,
            help,
        });
    }

    fn expr(&mut self, ast: &Ast) -> (Ir, Type) {
        match &ast.kind {
            AstKind::Lit(v) => {
                let ty = match v {
                    Value::Bool(_) => Type::Bool,
                    Value::Num(_) => Type::Num,
                    Value::Text(_) => Type::Text,
                    _ => Type::Any,
                };
                (Ir::Const(v.clone()), ty)
            }
            AstKind::Name(name) => self.name(name, &ast.span),
            AstKind::List(items) => {
                let mut irs = Vec::with_capacity(items.len());
                let mut ty = Type::Any;
                for item in items {
                    let (ir, t) = self.expr(item);
                    match unify(&ty, &t) {
                        Some(u) => ty = u,
                        None => self.error(
                            item.span.clone(),
                            "type-mismatch",
                            format!("list elements differ in type: {ty} and {t}"),
                            None,
                        ),
                    }
                    irs.push(ir);
                }
                // A literal of constants is built once, not at every evaluation.
                let ir = if irs.iter().all(|i| matches!(i, Ir::Const(_))) {
                    Ir::Const(Value::list(
                        irs.into_iter()
                            .map(|i| match i {
                                Ir::Const(v) => v,
                                _ => Value::Null,
                            })
                            .collect(),
                    ))
                } else {
                    Ir::List(irs)
                };
                (ir, Type::List(Box::new(ty)))
            }
            AstKind::Record(fields) => {
                let mut irs = Vec::new();
                let mut rt = RecordType::default();
                for (name, span, value) in fields {
                    let (ir, t) = self.expr(value);
                    if rt.fields.insert(name.clone(), t).is_some() {
                        self.error(
                            span.clone(),
                            "duplicate-field",
                            format!("field {name} is written twice"),
                            None,
                        );
                    }
                    irs.push((Arc::from(name.as_str()), ir));
                }
                (Ir::Record(irs), Type::Record(Arc::new(rt)))
            }
            AstKind::Field(recv, name, span) => {
                let (ir, t) = self.expr(recv);
                let ty = self.field(&t, name, span);
                let name: Arc<str> = Arc::from(name.as_str());
                if let Type::Row(ledger) = &t {
                    let position = self
                        .env
                        .evidence
                        .ledger(ledger)
                        .and_then(|l| l.columns().position(|c| c.name == *name))
                        .unwrap_or(usize::MAX);
                    (Ir::Column(Box::new(ir), name, position), ty)
                } else {
                    (Ir::Field(Box::new(ir), name), ty)
                }
            }
            AstKind::Call {
                name,
                name_span,
                args,
            } => self.call(name, name_span, args, &ast.span),
            AstKind::Lambda { .. } => {
                self.error(
                    ast.span.clone(),
                    "misplaced-lambda",
                    "a lambda `x => …` can only be a function's argument".to_string(),
                    Some("use it as in filter(list, x => …)".to_string()),
                );
                // Its body's own mistakes are still worth reporting.
                self.arg_unchecked(ast);
                (Ir::Const(Value::Null), Type::Any)
            }
            AstKind::Neg(e) => {
                let (ir, t) = self.expr(e);
                self.want(&t, Param::Num, &e.span, "`-`");
                (Ir::Neg(Box::new(ir)), Type::Num)
            }
            AstKind::Not(e) => {
                let (ir, t) = self.expr(e);
                self.want_bool(&t, &e.span, "`not`");
                (Ir::Not(Box::new(ir)), Type::Bool)
            }
            AstKind::If(c, t, e) => {
                let (ci, ct) = self.expr(c);
                self.want_bool(&ct, &c.span, "`if`");
                let (ti, tt) = self.expr(t);
                let (ei, et) = self.expr(e);
                let ty = match unify(&tt, &et) {
                    Some(u) => u,
                    None => {
                        self.error(
                            ast.span.clone(),
                            "type-mismatch",
                            format!("the branches of `if` differ in type: {tt} and {et}"),
                            None,
                        );
                        Type::Any
                    }
                };
                (Ir::If(Box::new(ci), Box::new(ti), Box::new(ei)), ty)
            }
            AstKind::Binary(op, l, r) => self.binary(*op, l, r, &ast.span),
            AstKind::Let {
                name, value, body, ..
            } => {
                let (vi, vt) = self.expr(value);
                self.scopes.push((name.clone(), vt));
                let (bi, bt) = self.expr(body);
                self.scopes.pop();
                (Ir::Let(Box::new(vi), Box::new(bi)), bt)
            }
        }
    }

    fn want(&mut self, t: &Type, p: Param, span: &Span, what: &str) {
        if !fits(t, p) {
            self.error(
                span.clone(),
                "type-mismatch",
                format!("{what} expects {}, found {t}", param_name(p)),
                None,
            );
        }
    }

    fn want_bool(&mut self, t: &Type, span: &Span, what: &str) {
        if !matches!(t, Type::Bool | Type::Any) {
            self.error(
                span.clone(),
                "type-mismatch",
                format!("{what} needs a condition (bool), found {t}"),
                None,
            );
        }
    }

    fn name(&mut self, name: &str, span: &Span) -> (Ir, Type) {
        if let Some(slot) = self.scopes.iter().rposition(|(n, _)| n == name) {
            return (Ir::Local(slot), self.scopes[slot].1.clone());
        }
        if let Some(t) = self.env.names.get(name) {
            return (Ir::Global(Arc::from(name)), t.clone());
        }
        let column_of = self
            .env
            .evidence
            .ledgers
            .iter()
            .find(|l| l.column(name).is_some());
        let help = if functions::lookup(name).is_some() {
            Some(format!("{name} is a function: call it as {name}(…)"))
        } else if let Some(ledger) = column_of {
            Some(format!(
                "{name} is a column of ledger {}: read it from a row, as in r.{name}",
                ledger.name
            ))
        } else {
            let candidates: Vec<&str> = self
                .scopes
                .iter()
                .map(|(n, _)| n.as_str())
                .chain(self.env.names.keys().map(String::as_str))
                .collect();
            suggest(name, candidates)
        };
        self.error(
            span.clone(),
            "unknown-name",
            format!("unknown name {name}"),
            help,
        );
        (Ir::Const(Value::Null), Type::Any)
    }

    fn field(&mut self, t: &Type, name: &str, span: &Span) -> Type {
        match t {
            Type::Any => Type::Any,
            Type::Map(e) => (**e).clone(),
            Type::Record(rt) => {
                if let Some(ft) = rt.fields.get(name) {
                    return ft.clone();
                }
                // A record literal of unknown shape (after unification) has no declared fields.
                if rt.fields.is_empty() {
                    return Type::Any;
                }
                let help = suggest(name, rt.fields.keys().map(String::as_str)).or_else(|| {
                    Some(format!(
                        "the fields are {}",
                        rt.fields.keys().cloned().collect::<Vec<_>>().join(", ")
                    ))
                });
                self.error(
                    span.clone(),
                    "unknown-field",
                    format!("the record has no field {name}"),
                    help,
                );
                Type::Any
            }
            Type::Row(ledger) => {
                let Some(decl) = self.env.evidence.ledger(ledger) else {
                    return Type::Any;
                };
                if let Some(col) = decl.column(name) {
                    return col.ty.to_type();
                }
                let help = suggest(name, decl.columns().map(|c| c.name.as_str())).or_else(|| {
                    Some(format!(
                        "the declared columns are {}",
                        decl.columns()
                            .map(|c| c.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                });
                self.error(
                    span.clone(),
                    "unknown-column",
                    format!("ledger {ledger} declares no column {name}"),
                    help,
                );
                Type::Any
            }
            Type::Doc => {
                if name == "文件" {
                    return Type::Text;
                }
                let docs = &self.env.evidence.documents;
                if let Some((_, ft)) = docs
                    .iter()
                    .flat_map(|d| d.fields.iter())
                    .find(|(n, _)| n == name)
                {
                    return ft.to_type();
                }
                let names: Vec<&str> = std::iter::once("文件")
                    .chain(
                        docs.iter()
                            .flat_map(|d| d.fields.iter().map(|(n, _)| n.as_str())),
                    )
                    .collect();
                let help = suggest(name, names.iter().copied())
                    .or_else(|| Some(format!("the document fields are {}", names.join(", "))));
                self.error(
                    span.clone(),
                    "unknown-field",
                    format!("no document declares a field {name}"),
                    help,
                );
                Type::Any
            }
            other => {
                let help = match other {
                    Type::List(_) => Some(format!("use map(list, x => x.{name})")),
                    _ => None,
                };
                self.error(
                    span.clone(),
                    "no-fields",
                    format!("a value of type {other} has no fields"),
                    help,
                );
                Type::Any
            }
        }
    }

    fn call(&mut self, name: &str, name_span: &Span, args: &[Ast], span: &Span) -> (Ir, Type) {
        let Some(def) = functions::lookup_call(name, args.len()) else {
            let help = if self.env.names.contains_key(name)
                || self.scopes.iter().any(|(n, _)| n == name)
            {
                Some(format!("{name} is a value, not a function"))
            } else {
                suggest(name, functions::functions().iter().map(|f| f.name))
            };
            self.error(
                name_span.clone(),
                "unknown-function",
                format!("unknown function {name}"),
                help,
            );
            // Still check the arguments, for their own mistakes.
            for a in args {
                self.arg_unchecked(a);
            }
            return (Ir::Const(Value::Null), Type::Any);
        };
        if !def.takes(args.len()) {
            let n = def.params.len();
            let takes = match def.optional {
                0 => format!("{n} argument{}", if n == 1 { "" } else { "s" }),
                o => format!("{} to {n} arguments", n - o),
            };
            let signatures: Vec<&str> = functions::overloads(name).map(|f| f.signature).collect();
            let takes = if signatures.len() > 1 {
                let counts: Vec<String> = functions::overloads(name)
                    .map(|f| f.params.len().to_string())
                    .collect();
                format!("{} arguments", counts.join(" or "))
            } else {
                takes
            };
            self.error(
                span.clone(),
                "wrong-arity",
                format!("{name} takes {takes}, found {}", args.len()),
                Some(format!("call it as {}", signatures.join(" or "))),
            );
            for a in args {
                self.arg_unchecked(a);
            }
            return (Ir::Const(Value::Null), ret_type(def, &[], None));
        }
        let mut irs = Vec::with_capacity(args.len());
        let mut types = Vec::with_capacity(args.len());
        let mut columns = Vec::with_capacity(args.len());
        let mut body_ty = None;
        for (i, (a, &p)) in args.iter().zip(def.params).enumerate() {
            if matches!(p, Param::Pred | Param::Lambda) {
                let elem = types.first().map(element).unwrap_or(Type::Any);
                let (ir, bt) = self.lambda(a, elem, def, i);
                if p == Param::Pred {
                    self.want_bool(&bt, &a.span, &format!("the lambda of {name}"));
                }
                body_ty = Some(bt);
                irs.push(ir);
                types.push(Type::Lambda);
                columns.push(None);
                continue;
            }
            if matches!(a.kind, AstKind::Lambda { .. }) {
                self.error(
                    a.span.clone(),
                    "misplaced-lambda",
                    format!("{name} does not take a lambda as {}", ordinal(i)),
                    Some(format!("call it as {}", def.signature)),
                );
                irs.push(Ir::Const(Value::Null));
                types.push(Type::Any);
                columns.push(None);
                continue;
            }
            let (ir, t) = self.expr(a);
            if !fits(&t, p) {
                self.error(
                    a.span.clone(),
                    "type-mismatch",
                    format!(
                        "{name} expects {} as {}, found {t}",
                        param_name(p),
                        ordinal(i)
                    ),
                    Some(format!("call it as {}", def.signature)),
                );
            }
            columns.push(Self::column_of(&ir));
            irs.push(ir);
            types.push(t);
        }
        self.special(def, args, &types);
        let ty = ret_type(def, &types, body_ty);
        let call = Call {
            func: def.func,
            args: irs,
            columns,
        };
        (Ir::Call(Box::new(call)), ty)
    }

    /// The column name when the argument reads a ledger row's column directly (`r.成文日期`).
    fn column_of(ir: &Ir) -> Option<Arc<str>> {
        match ir {
            Ir::Column(_, name, _) => Some(name.clone()),
            _ => None,
        }
    }

    /// Extra checks that the parameter table cannot express.
    fn special(&mut self, def: &FunctionDef, args: &[Ast], types: &[Type]) {
        use super::functions::Func;
        match def.func {
            Func::Contains => {
                let ok = match &types[0] {
                    Type::Text => fits(&types[1], Param::Text),
                    Type::List(e) => unify(e, &types[1]).is_some(),
                    _ => true,
                };
                if !ok {
                    self.error(
                        args[1].span.clone(),
                        "type-mismatch",
                        format!("contains cannot look for {} in {}", types[1], types[0]),
                        None,
                    );
                }
            }
            Func::Sort | Func::MinOf | Func::MaxOf => {
                let e = element(&types[0]);
                if !matches!(e, Type::Any | Type::Num | Type::Text | Type::Date) {
                    self.error(
                        args[0].span.clone(),
                        "type-mismatch",
                        format!(
                            "{} orders numbers, dates or texts, found a list of {e}",
                            def.name
                        ),
                        None,
                    );
                }
            }
            Func::Floor | Func::Ceil | Func::Round => {
                if let Some(step) = args.get(1)
                    && let AstKind::Lit(Value::Num(n)) = &step.kind
                    && *n <= rust_decimal::Decimal::ZERO
                {
                    self.error(
                        step.span.clone(),
                        "bad-argument",
                        format!("the step of {} must be above 0, found {n}", def.name),
                        Some(format!(
                            "write the step the county rounds to, as in {}(x, 0.01) or {}(x, 0.5)",
                            def.name, def.name
                        )),
                    );
                }
                if let Some(rule) = args.get(2)
                    && let AstKind::Lit(Value::Text(t)) = &rule.kind
                    && super::calc::rounding(t).is_none()
                {
                    self.error(
                        rule.span.clone(),
                        "bad-argument",
                        format!("\"{t}\" is not a rounding rule"),
                        Some(
                            "write \"half-up\" (四舍五入) or \"half-even\" (银行家舍入)"
                                .to_string(),
                        ),
                    );
                }
            }
            Func::Flatten => {
                let e = element(&types[0]);
                if !matches!(e, Type::Any | Type::List(_)) {
                    self.error(
                        args[0].span.clone(),
                        "type-mismatch",
                        format!("flatten expects a list of lists, found a list of {e}"),
                        None,
                    );
                }
            }
            Func::Date => {
                if let AstKind::Lit(Value::Text(t)) = &args[0].kind {
                    if crate::calendar::parse_iso_date(t).is_none() {
                        self.error(
                            args[0].span.clone(),
                            "bad-date",
                            format!("\"{t}\" is not a date written YYYY-MM-DD"),
                            Some("write it as date(\"2021-12-31\")".to_string()),
                        );
                    }
                }
            }
            _ => {}
        }
    }

    fn lambda(&mut self, a: &Ast, param_ty: Type, def: &FunctionDef, i: usize) -> (Ir, Type) {
        let AstKind::Lambda { param, body } = &a.kind else {
            let _ = self.expr(a);
            self.error(
                a.span.clone(),
                "type-mismatch",
                format!(
                    "{} expects {} as {}",
                    def.name,
                    param_name(def.params[i]),
                    ordinal(i)
                ),
                Some(format!("call it as {}", def.signature)),
            );
            return (Ir::Const(Value::Null), Type::Any);
        };
        self.scopes.push((param.clone(), param_ty));
        let (ir, t) = self.expr(body);
        self.scopes.pop();
        let cites_row = ir.uses_calendar();
        (
            Ir::Lambda {
                body: Box::new(ir),
                cites_row,
            },
            t,
        )
    }

    /// Checks an argument of a call that is already wrong, binding lambda parameters as
    /// `any` so their bodies' own mistakes are still found.
    fn arg_unchecked(&mut self, a: &Ast) {
        if let AstKind::Lambda { param, body } = &a.kind {
            self.scopes.push((param.clone(), Type::Any));
            let _ = self.expr(body);
            self.scopes.pop();
        } else {
            let _ = self.expr(a);
        }
    }

    fn binary(&mut self, op: BinOp, l: &Ast, r: &Ast, span: &Span) -> (Ir, Type) {
        let (li, lt) = self.expr(l);
        let (ri, rt) = self.expr(r);
        let mismatch = |c: &mut Self, what: String, help: Option<String>| {
            c.error(span.clone(), "type-mismatch", what, help);
        };
        let date_help = |a: &Type, b: &Type| {
            matches!((a, b), (Type::Date, Type::Text) | (Type::Text, Type::Date))
                .then(|| "write a date as date(\"2021-12-31\")".to_string())
        };
        let ty = match op {
            BinOp::And | BinOp::Or => {
                self.want_bool(&lt, &l.span, &format!("`{}`", op.symbol()));
                self.want_bool(&rt, &r.span, &format!("`{}`", op.symbol()));
                Type::Bool
            }
            BinOp::Eq | BinOp::Ne => {
                if unify(&lt, &rt).is_none() {
                    mismatch(
                        self,
                        format!("cannot compare {lt} with {rt}"),
                        date_help(&lt, &rt),
                    );
                }
                Type::Bool
            }
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                match unify(&lt, &rt) {
                    Some(Type::Any | Type::Num | Type::Text | Type::Date) => {}
                    Some(t) => mismatch(self, format!("cannot order values of type {t}"), None),
                    None => mismatch(
                        self,
                        format!("cannot compare {lt} with {rt}"),
                        date_help(&lt, &rt),
                    ),
                }
                Type::Bool
            }
            BinOp::In => {
                match &rt {
                    Type::Any => {}
                    Type::List(e) => {
                        if unify(&lt, e).is_none() {
                            mismatch(self, format!("cannot look for {lt} in {rt}"), None);
                        }
                    }
                    _ => mismatch(
                        self,
                        format!("`in` expects a list on its right, found {rt}"),
                        None,
                    ),
                }
                Type::Bool
            }
            BinOp::Coalesce => match unify(&lt, &rt) {
                Some(t) => t,
                None => {
                    mismatch(self, format!("`??` joins {lt} with {rt}"), None);
                    Type::Any
                }
            },
            BinOp::Add => match unify(&lt, &rt) {
                Some(t @ (Type::Num | Type::Text | Type::List(_) | Type::Any)) => t,
                _ => {
                    mismatch(
                        self,
                        format!("`+` adds numbers, joins texts or lists; found {lt} + {rt}"),
                        None,
                    );
                    Type::Any
                }
            },
            BinOp::Sub | BinOp::Mul | BinOp::Div => {
                let what = format!("`{}`", op.symbol());
                self.want(&lt, Param::Num, &l.span, &what);
                self.want(&rt, Param::Num, &r.span, &what);
                Type::Num
            }
        };
        (Ir::Binary(op, Box::new(li), Box::new(ri)), ty)
    }
}

fn ret_type(def: &FunctionDef, types: &[Type], body: Option<Type>) -> Type {
    let first = || types.first().cloned().unwrap_or(Type::Any);
    match def.ret {
        Ret::Num => Type::Num,
        Ret::Bool => Type::Bool,
        Ret::Text => Type::Text,
        Ret::Date => Type::Date,
        Ret::Table => Type::Table,
        Ret::ListOfNum => Type::List(Box::new(Type::Num)),
        Ret::ListOfText => Type::List(Box::new(Type::Text)),
        Ret::Element => element(&first()),
        Ret::First => match first() {
            Type::Any => Type::List(Box::new(Type::Any)),
            t => t,
        },
        Ret::ListOfBody => Type::List(Box::new(body.unwrap_or(Type::Any))),
        Ret::Flattened => match element(&first()) {
            Type::List(e) => Type::List(e),
            _ => Type::List(Box::new(Type::Any)),
        },
        Ret::Entries => {
            let value = match first() {
                Type::Map(e) => *e,
                _ => Type::Any,
            };
            Type::List(Box::new(record_type(&[
                ("key", Type::Text),
                ("value", value),
            ])))
        }
        Ret::CountBy => {
            let item = element(&first());
            Type::List(Box::new(record_type(&[
                ("item", item.clone()),
                ("count", Type::Num),
                ("nth", Type::Num),
                ("first", item),
            ])))
        }
        Ret::Gaps => Type::List(Box::new(record_type(&[
            ("from", Type::Date),
            ("to", Type::Date),
            ("days", Type::Num),
        ]))),
        Ret::TableRows => Type::List(Box::new(record_type(&[
            ("row", Type::Num),
            ("cells", Type::List(Box::new(Type::Text))),
        ]))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(
            suggest("栏木", ["栏目", "标题"]).as_deref(),
            Some("did you mean 栏目?")
        );
        assert_eq!(
            suggest("wrkdays", ["workdays", "days"]).as_deref(),
            Some("did you mean workdays?")
        );
        assert_eq!(suggest("完全不同的名字", ["栏目"]), None);
        assert_eq!(distance("kitten", "sitting"), 3);
    }
}
