//! `Ast` → `Ir` plus its static type. Resolves every name (lambda parameters, then
//! `TypeEnv::names`), every column and field, every function; checks arity and types.
//! Collects every error instead of stopping at the first.
use std::collections::BTreeMap;
use std::sync::Arc;

use super::TypeEnv;
use super::ast::{Ast, AstKind, BinOp, Call, Ir, Span};
use super::error::{
    Arity, ErrorKind, ExprError, FieldsOf, FunctionHint, Mismatch, NameHint, Operand,
};
use super::functions::{self, FunctionDef, Param, Ret};
use super::host::Schema;
use crate::value::{RecordType, Type, Value};

pub(crate) fn check<S: Schema>(ast: &Ast, env: &TypeEnv<S>) -> Result<(Ir, Type), Vec<ExprError>> {
    let mut c = Checker {
        names: &env.names,
        schema: &*env.evidence,
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
    /// The names visible at the top (`TypeEnv::names`).
    names: &'e BTreeMap<String, Type>,
    /// The host's evidence declaration: ledgers' columns, documents' fields.
    schema: &'e dyn Schema,
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
        .map(|(_, c)| c.to_string())
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

fn record_type(fields: &[(&str, Type)]) -> Type {
    Type::Record(Arc::new(RecordType {
        fields: fields
            .iter()
            .map(|(k, t)| (k.to_string(), t.clone()))
            .collect(),
    }))
}

impl Checker<'_> {
    fn error(&mut self, span: Span, kind: ErrorKind) {
        self.errors.push(ExprError::new(span, kind));
    }

    fn mismatch(&mut self, span: Span, m: Mismatch) {
        self.error(span, ErrorKind::Mismatch(m));
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
                        None => self.mismatch(
                            item.span.clone(),
                            Mismatch::ListElements(ty.clone(), t.clone()),
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
                            ErrorKind::DuplicateField { name: name.clone() },
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
                        .schema
                        .columns(ledger)
                        .and_then(|columns| columns.iter().position(|(c, _)| **c == *name))
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
                self.error(ast.span.clone(), ErrorKind::LambdaOutsideCall);
                // Its body's own mistakes are still worth reporting.
                self.arg_unchecked(ast);
                (Ir::Const(Value::Null), Type::Any)
            }
            AstKind::Neg(e) => {
                let (ir, t) = self.expr(e);
                self.want(&t, Param::Num, &e.span, Operand::Neg);
                (Ir::Neg(Box::new(ir)), Type::Num)
            }
            AstKind::Not(e) => {
                let (ir, t) = self.expr(e);
                self.want_bool(&t, &e.span, Operand::Not);
                (Ir::Not(Box::new(ir)), Type::Bool)
            }
            AstKind::If(c, t, e) => {
                let (ci, ct) = self.expr(c);
                self.want_bool(&ct, &c.span, Operand::If);
                let (ti, tt) = self.expr(t);
                let (ei, et) = self.expr(e);
                let ty = match unify(&tt, &et) {
                    Some(u) => u,
                    None => {
                        self.mismatch(ast.span.clone(), Mismatch::IfBranches(tt, et));
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

    fn want(&mut self, t: &Type, p: Param, span: &Span, what: Operand) {
        if !fits(t, p) {
            self.mismatch(
                span.clone(),
                Mismatch::Operand {
                    what,
                    want: p,
                    found: t.clone(),
                },
            );
        }
    }

    fn want_bool(&mut self, t: &Type, span: &Span, what: Operand) {
        if !matches!(t, Type::Bool | Type::Any) {
            self.mismatch(
                span.clone(),
                Mismatch::Condition {
                    what,
                    found: t.clone(),
                },
            );
        }
    }

    fn name(&mut self, name: &str, span: &Span) -> (Ir, Type) {
        if let Some(slot) = self.scopes.iter().rposition(|(n, _)| n == name) {
            return (Ir::Local(slot), self.scopes[slot].1.clone());
        }
        if let Some(t) = self.names.get(name) {
            return (Ir::Global(Arc::from(name)), t.clone());
        }
        let column_of = self.schema.ledger_with_column(name);
        let hint = if functions::lookup(name).is_some() {
            NameHint::IsFunction
        } else if let Some(ledger) = column_of {
            NameHint::ColumnOf(ledger.to_string())
        } else {
            let candidates: Vec<&str> = self
                .scopes
                .iter()
                .map(|(n, _)| n.as_str())
                .chain(self.names.keys().map(String::as_str))
                .collect();
            suggest(name, candidates).map_or(NameHint::None, NameHint::Similar)
        };
        self.error(
            span.clone(),
            ErrorKind::UnknownName {
                name: name.to_string(),
                hint,
            },
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
                self.error(
                    span.clone(),
                    ErrorKind::UnknownField {
                        of: FieldsOf::Record,
                        name: name.to_string(),
                        similar: suggest(name, rt.fields.keys().map(String::as_str)),
                        fields: rt.fields.keys().cloned().collect(),
                    },
                );
                Type::Any
            }
            Type::Row(ledger) => {
                let Some(columns) = self.schema.columns(ledger) else {
                    return Type::Any;
                };
                if let Some((_, ty)) = columns.iter().find(|(c, _)| *c == name) {
                    return ty.clone();
                }
                self.error(
                    span.clone(),
                    ErrorKind::UnknownColumn {
                        ledger: ledger.to_string(),
                        name: name.to_string(),
                        similar: suggest(name, columns.iter().map(|(c, _)| *c)),
                        columns: columns.iter().map(|(c, _)| c.to_string()).collect(),
                    },
                );
                Type::Any
            }
            Type::Doc => {
                if name == "文件" {
                    return Type::Text;
                }
                let fields = self.schema.document_fields();
                if let Some((_, ty)) = fields.iter().find(|(n, _)| *n == name) {
                    return ty.clone();
                }
                let names: Vec<&str> = std::iter::once("文件")
                    .chain(fields.iter().map(|(n, _)| *n))
                    .collect();
                self.error(
                    span.clone(),
                    ErrorKind::UnknownField {
                        of: FieldsOf::Documents,
                        name: name.to_string(),
                        similar: suggest(name, names.iter().copied()),
                        fields: names.iter().map(|n| n.to_string()).collect(),
                    },
                );
                Type::Any
            }
            other => {
                self.error(
                    span.clone(),
                    ErrorKind::NoFields {
                        ty: other.clone(),
                        name: name.to_string(),
                    },
                );
                Type::Any
            }
        }
    }

    fn call(&mut self, name: &str, name_span: &Span, args: &[Ast], span: &Span) -> (Ir, Type) {
        let Some(def) = functions::lookup_call(name, args.len()) else {
            let hint =
                if self.names.contains_key(name) || self.scopes.iter().any(|(n, _)| n == name) {
                    FunctionHint::IsValue
                } else {
                    suggest(name, functions::functions().iter().map(|f| f.name))
                        .map_or(FunctionHint::None, FunctionHint::Similar)
                };
            self.error(
                name_span.clone(),
                ErrorKind::UnknownFunction {
                    name: name.to_string(),
                    hint,
                },
            );
            // Still check the arguments, for their own mistakes.
            for a in args {
                self.arg_unchecked(a);
            }
            return (Ir::Const(Value::Null), Type::Any);
        };
        if !def.takes(args.len()) {
            let n = def.params.len();
            let signatures: Vec<&'static str> =
                functions::overloads(name).map(|f| f.signature).collect();
            let takes = if signatures.len() > 1 {
                Arity::OneOf(functions::overloads(name).map(|f| f.params.len()).collect())
            } else {
                match def.optional {
                    0 => Arity::Exactly(n),
                    o => Arity::Between(n - o, n),
                }
            };
            self.error(
                span.clone(),
                ErrorKind::WrongArity {
                    name: name.to_string(),
                    takes,
                    found: args.len(),
                    signatures,
                },
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
                    self.want_bool(&bt, &a.span, Operand::LambdaOf(def.name));
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
                    ErrorKind::LambdaNotTaken {
                        func: def.name,
                        arg: i,
                        signature: def.signature,
                    },
                );
                irs.push(Ir::Const(Value::Null));
                types.push(Type::Any);
                columns.push(None);
                continue;
            }
            let (ir, t) = self.expr(a);
            if !fits(&t, p) {
                self.mismatch(
                    a.span.clone(),
                    Mismatch::Argument {
                        func: def.name,
                        arg: i,
                        want: p,
                        found: Some(t.clone()),
                        signature: def.signature,
                    },
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
                    self.mismatch(
                        args[1].span.clone(),
                        Mismatch::Contains {
                            needle: types[1].clone(),
                            haystack: types[0].clone(),
                        },
                    );
                }
            }
            Func::Sort | Func::MinOf | Func::MaxOf => {
                let e = element(&types[0]);
                if !matches!(e, Type::Any | Type::Num | Type::Text | Type::Date) {
                    self.mismatch(
                        args[0].span.clone(),
                        Mismatch::Orders {
                            func: def.name,
                            element: e,
                        },
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
                        ErrorKind::StepNotPositive {
                            func: def.name,
                            step: *n,
                        },
                    );
                }
                if let Some(rule) = args.get(2)
                    && let AstKind::Lit(Value::Text(t)) = &rule.kind
                    && super::calc::rounding(t).is_none()
                {
                    self.error(
                        rule.span.clone(),
                        ErrorKind::UnknownRoundRule {
                            rule: t.to_string(),
                        },
                    );
                }
            }
            Func::Flatten => {
                let e = element(&types[0]);
                if !matches!(e, Type::Any | Type::List(_)) {
                    self.mismatch(args[0].span.clone(), Mismatch::Flatten(e));
                }
            }
            Func::Date => {
                if let AstKind::Lit(Value::Text(t)) = &args[0].kind {
                    if crate::calendar::parse_iso_date(t).is_none() {
                        self.error(
                            args[0].span.clone(),
                            ErrorKind::BadDate {
                                text: t.to_string(),
                            },
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
            self.mismatch(
                a.span.clone(),
                Mismatch::Argument {
                    func: def.name,
                    arg: i,
                    want: def.params[i],
                    found: None,
                    signature: def.signature,
                },
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
        let mismatch = |c: &mut Self, m: Mismatch| c.mismatch(span.clone(), m);
        let ty = match op {
            BinOp::And | BinOp::Or => {
                self.want_bool(&lt, &l.span, Operand::Op(op));
                self.want_bool(&rt, &r.span, Operand::Op(op));
                Type::Bool
            }
            BinOp::Eq | BinOp::Ne => {
                if unify(&lt, &rt).is_none() {
                    mismatch(self, Mismatch::Compare(lt.clone(), rt.clone()));
                }
                Type::Bool
            }
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                match unify(&lt, &rt) {
                    Some(Type::Any | Type::Num | Type::Text | Type::Date) => {}
                    Some(t) => mismatch(self, Mismatch::Order(t)),
                    None => mismatch(self, Mismatch::Compare(lt.clone(), rt.clone())),
                }
                Type::Bool
            }
            BinOp::In => {
                match &rt {
                    Type::Any => {}
                    Type::List(e) => {
                        if unify(&lt, e).is_none() {
                            mismatch(
                                self,
                                Mismatch::In {
                                    needle: lt.clone(),
                                    list: rt.clone(),
                                },
                            );
                        }
                    }
                    _ => mismatch(self, Mismatch::InNotList(rt.clone())),
                }
                Type::Bool
            }
            BinOp::Coalesce => match unify(&lt, &rt) {
                Some(t) => t,
                None => {
                    mismatch(self, Mismatch::Coalesce(lt.clone(), rt.clone()));
                    Type::Any
                }
            },
            BinOp::Add => match unify(&lt, &rt) {
                Some(t @ (Type::Num | Type::Text | Type::List(_) | Type::Any)) => t,
                _ => {
                    mismatch(self, Mismatch::Add(lt.clone(), rt.clone()));
                    Type::Any
                }
            },
            BinOp::Sub | BinOp::Mul | BinOp::Div => {
                self.want(&lt, Param::Num, &l.span, Operand::Op(op));
                self.want(&rt, Param::Num, &r.span, Operand::Op(op));
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
        assert_eq!(suggest("栏木", ["栏目", "标题"]).as_deref(), Some("栏目"));
        assert_eq!(
            suggest("wrkdays", ["workdays", "days"]).as_deref(),
            Some("workdays")
        );
        assert_eq!(suggest("完全不同的名字", ["栏目"]), None);
        assert_eq!(distance("kitten", "sitting"), 3);
    }
}
