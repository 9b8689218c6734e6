//! Tree-walking evaluation of checked `Ir`. Never fails: a data problem is pushed into
//! `EvalCtx::problems` and the value is `Null`. Null semantics are those of docs/rules.md.
use crate::diag::CalendarCode;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::cmp::Ordering;
use std::sync::Arc;

use jiff::civil::Date;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use unicode_normalization::UnicodeNormalization;

use super::ast::{BinOp, Call, Ir};
use super::functions::Func;
use super::{EvalCtx, Vars};
use crate::calendar::MissingYear;
use crate::diag::Problem;
use crate::value::Table;
use crate::value::{Record, Value};

/// `range` refuses to build more elements than this (the rules never need as many).
pub(crate) const RANGE_LIMIT: i64 = 100_000;

pub(crate) struct Evaluator<'a, 'c> {
    ctx: &'a EvalCtx<'c>,
    vars: &'a Vars,
    /// Lambda parameters, outermost first (slots assigned by the checker).
    locals: Vec<Value>,
}

fn truthy(v: &Value) -> bool {
    matches!(v, Value::Bool(true))
}

fn num(n: Option<Decimal>) -> Value {
    n.map_or(Value::Null, Value::Num)
}

/// Equality of two non-null values (`==`, `in`, `contains`, `distinct`). Null equals nothing.
pub(crate) fn values_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Num(x), Value::Num(y)) => x == y,
        (Value::Text(x), Value::Text(y)) => x == y,
        (Value::Date(x), Value::Date(y)) => x == y,
        (Value::List(x), Value::List(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| values_eq(p, q))
        }
        (Value::Record(x), Value::Record(y)) => {
            x.fields.len() == y.fields.len()
                && x.fields
                    .iter()
                    .zip(y.fields.iter())
                    .all(|((k1, v1), (k2, v2))| k1 == k2 && values_eq(v1, v2))
        }
        (Value::Row(x), Value::Row(y)) => Arc::ptr_eq(&x.ledger, &y.ledger) && x.index == y.index,
        (Value::Doc(x), Value::Doc(y)) => Arc::ptr_eq(x, y),
        (Value::Table(x), Value::Table(y)) => x == y,
        _ => false,
    }
}

/// Order of two values of one orderable type; `None` for null or mixed types.
pub(crate) fn values_cmp(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Num(x), Value::Num(y)) => Some(x.cmp(y)),
        (Value::Text(x), Value::Text(y)) => Some(x.cmp(y)),
        (Value::Date(x), Value::Date(y)) => Some(x.cmp(y)),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

/// A total order for `sort` (which must never be handed an inconsistent comparison):
/// values of one orderable type by value, mixed types grouped by kind.
fn total_cmp(a: &Value, b: &Value) -> Ordering {
    fn rank(v: &Value) -> u8 {
        match v {
            Value::Null => 0,
            Value::Bool(_) => 1,
            Value::Num(_) => 2,
            Value::Text(_) => 3,
            Value::Date(_) => 4,
            Value::List(_) => 5,
            Value::Record(_) => 6,
            Value::Row(_) => 7,
            Value::Doc(_) => 8,
            Value::Table(_) => 9,
        }
    }
    rank(a)
        .cmp(&rank(b))
        .then_with(|| values_cmp(a, b).unwrap_or(Ordering::Equal))
}

/// A hashable key for the values `distinct` meets most (scalars, rows).
#[derive(Hash, PartialEq, Eq)]
enum Key {
    Bool(bool),
    Num(Decimal),
    Text(Arc<str>),
    Date(Date),
    Row(usize, usize),
}

/// The key `count_by` groups by: a scalar, or a list or record of scalars (several columns); `None` when
/// it is null or holds a null (an empty cell never makes two rows "the same"), or is not
/// hashable.
fn group_key(v: &Value) -> Option<Vec<Key>> {
    match v {
        Value::List(items) => items.iter().map(key).collect(),
        Value::Record(r) => r.fields.iter().map(|(_, v)| key(v)).collect(),
        Value::Text(t) if t.trim().is_empty() => None,
        v => key(v).map(|k| vec![k]),
    }
}

fn key(v: &Value) -> Option<Key> {
    Some(match v {
        Value::Bool(b) => Key::Bool(*b),
        Value::Num(n) => Key::Num(n.normalize()),
        Value::Text(t) => Key::Text(t.clone()),
        Value::Date(d) => Key::Date(*d),
        Value::Row(r) => Key::Row(Arc::as_ptr(&r.ledger).cast::<()>() as usize, r.index),
        _ => return None,
    })
}

/// Days since 1970-01-01 (proleptic Gregorian), for 自然日 differences without fallible
/// span arithmetic.
pub(crate) fn day_number(d: Date) -> i64 {
    let (y, m, day) = (
        i64::from(d.year()),
        i64::from(d.month()),
        i64::from(d.day()),
    );
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn trim_text(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
}

/// Text of a Table-3 label as cells are stored: NFKC, no whitespace.
pub(crate) fn normalize_label(s: &str) -> String {
    s.nfkc().filter(|c| !c.is_whitespace()).collect()
}

fn row_matches(row: &[String], label: &str) -> bool {
    row.iter().any(|cell| cell.contains(label))
}

/// `table(doc, label)` over already extracted tables.
pub(crate) fn find_table<'t>(tables: &'t [Table], label: &str) -> Option<&'t Table> {
    let label = normalize_label(label);
    if label.is_empty() {
        return None;
    }
    tables
        .iter()
        .find(|t| t.rows.iter().any(|r| row_matches(r, &label)))
}

/// `row_value(table, label)`.
pub(crate) fn table_row_value(table: &Table, label: &str) -> Option<Decimal> {
    let label = normalize_label(label);
    if label.is_empty() {
        return None;
    }
    let row = table.rows.iter().find(|r| row_matches(r, &label))?;
    row.iter().rev().find_map(|cell| {
        if !cell.is_empty() && cell.bytes().all(|b| b.is_ascii_digit()) {
            cell.parse::<Decimal>().ok()
        } else {
            None
        }
    })
}

/// `strip_trailing_paren`: drops one trailing （…） or (…) group (either bracket may close
/// either kind, as townships mix them) and the whitespace before it.
pub(crate) fn strip_trailing_paren(s: &str) -> &str {
    let t = trim_text(s);
    if !(t.ends_with(')') || t.ends_with('）')) {
        return t;
    }
    let mut depth = 0usize;
    for (i, c) in t.char_indices().rev() {
        match c {
            ')' | '）' => depth += 1,
            '(' | '（' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return trim_text(&t[..i]);
                }
            }
            _ => {}
        }
    }
    t
}

/// `shape`: runs of digits → 9, runs of Latin letters → A, everything else kept
/// (`003287165/2021-00001` → `9/9-9`), so index numbers of one scheme share one shape whatever
/// their length.
pub(crate) fn shape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let class = if c.is_ascii_digit() || ('０'..='９').contains(&c) {
            '9'
        } else if c.is_ascii_alphabetic()
            || ('Ａ'..='Ｚ').contains(&c)
            || ('ａ'..='ｚ').contains(&c)
        {
            'A'
        } else {
            out.push(c);
            continue;
        };
        if !out.ends_with(class) {
            out.push(class);
        }
    }
    out
}

/// `last_number`: the last run of ASCII or full-width digits.
pub(crate) fn last_number(s: &str) -> Option<Decimal> {
    numbers(s).pop()
}

/// `numbers`: every run of ASCII or full-width digits, in order.
pub(crate) fn numbers(s: &str) -> Vec<Decimal> {
    let digit = |c: char| match c {
        '0'..='9' => Some(c),
        '０'..='９' => char::from_digit(c as u32 - '０' as u32, 10),
        _ => None,
    };
    let mut out = Vec::new();
    let mut run = String::new();
    for c in s.chars().chain(std::iter::once(' ')) {
        match digit(c) {
            Some(d) => run.push(d),
            None if !run.is_empty() => {
                // A run too long for a number (a 30-digit id) is no number.
                if let Ok(n) = run.parse::<Decimal>() {
                    out.push(n);
                }
                run.clear();
            }
            None => {}
        }
    }
    out
}

pub(crate) fn split(s: &str, seps: &str) -> Vec<Value> {
    s.split(|c: char| seps.contains(c))
        .map(trim_text)
        .filter(|p| !p.is_empty())
        .map(Value::text)
        .collect()
}

pub(crate) fn present(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Text(t) => !trim_text(t).is_empty(),
        Value::List(l) => !l.is_empty(),
        _ => true,
    }
}

fn gap(from: Date, to: Date) -> Value {
    Value::Record(Arc::new(Record {
        fields: vec![
            (Arc::from("from"), Value::Date(from)),
            (Arc::from("to"), Value::Date(to)),
            (
                Arc::from("days"),
                Value::Num(Decimal::from(day_number(to) - day_number(from))),
            ),
        ],
    }))
}

/// Texts of a list argument, nulls and empty texts skipped (an empty pattern would match
/// everything, which no rule means).
fn patterns(v: &Value) -> impl Iterator<Item = &str> {
    v.as_list()
        .unwrap_or(&[])
        .iter()
        .filter_map(Value::as_text)
        .filter(|p| !p.is_empty())
}

impl<'a, 'c> Evaluator<'a, 'c> {
    pub(crate) fn new(ctx: &'a EvalCtx<'c>, vars: &'a Vars) -> Self {
        Evaluator {
            ctx,
            vars,
            locals: Vec::new(),
        }
    }

    pub(crate) fn eval(&mut self, ir: &Ir) -> Value {
        // Names, constants and the fields and columns reached from them (`r.栏目`, `e.count`,
        // `e.item.索引号`) are read in place: only the leaf value is cloned, never a row, a
        // record or a list on the way to it.
        if let Some(v) = self.peek(ir) {
            return v.clone();
        }
        match ir {
            Ir::Const(v) => v.clone(),
            Ir::Local(i) => self.locals.get(*i).cloned().unwrap_or_default(),
            Ir::Global(name) => self.vars.get(name).cloned().unwrap_or_default(),
            Ir::List(items) => Value::list(items.iter().map(|i| self.eval(i)).collect()),
            Ir::Record(fields) => Value::Record(Arc::new(Record {
                fields: fields
                    .iter()
                    .map(|(k, i)| (k.clone(), self.eval(i)))
                    .collect(),
            })),
            Ir::Field(recv, name) => field(&self.eval(recv), name),
            Ir::Column(recv, name, position) => match self.eval(recv) {
                Value::Row(r) => row_cell(&r, name, *position),
                other => field(&other, name),
            },
            Ir::Call(call) => self.call(call),
            // A lambda outside a call is refused by the checker.
            Ir::Lambda { .. } => Value::Null,
            Ir::Neg(e) => match self.eval(e) {
                Value::Num(n) => Value::Num(-n),
                _ => Value::Null,
            },
            Ir::Not(e) => Value::Bool(!truthy(&self.eval(e))),
            Ir::If(c, t, e) => {
                if truthy(&self.eval(c)) {
                    self.eval(t)
                } else {
                    self.eval(e)
                }
            }
            Ir::Binary(op, l, r) => self.binary(*op, l, r),
            Ir::Let(value, body) => {
                let v = self.eval(value);
                self.locals.push(v);
                let out = self.eval(body);
                self.locals.pop();
                out
            }
        }
    }

    fn binary(&mut self, op: BinOp, l: &Ir, r: &Ir) -> Value {
        match op {
            BinOp::And => {
                return Value::Bool(truthy(&self.eval(l)) && truthy(&self.eval(r)));
            }
            BinOp::Or => {
                return Value::Bool(truthy(&self.eval(l)) || truthy(&self.eval(r)));
            }
            BinOp::Coalesce => {
                let v = self.eval(l);
                return if v.is_null() { self.eval(r) } else { v };
            }
            _ => {}
        }
        // Names, constants and their fields and columns (`r.栏目 == "政府文件"`) are compared
        // in place, not cloned. Operands that need evaluating are evaluated first, left to right
        // (reading in place has no effects, so the order of effects is unchanged).
        let a_owned = self.peek(l).is_none().then(|| self.eval(l));
        let b_owned = self.peek(r).is_none().then(|| self.eval(r));
        let a = a_owned.as_ref().or_else(|| self.peek(l)).unwrap_or(&NULL);
        let b = b_owned.as_ref().or_else(|| self.peek(r)).unwrap_or(&NULL);
        let ord = |f: fn(Ordering) -> bool| Value::Bool(values_cmp(a, b).is_some_and(f));
        match op {
            BinOp::Eq => Value::Bool(values_eq(a, b)),
            BinOp::Ne => Value::Bool(!values_eq(a, b)),
            BinOp::Lt => ord(Ordering::is_lt),
            BinOp::Le => ord(Ordering::is_le),
            BinOp::Gt => ord(Ordering::is_gt),
            BinOp::Ge => ord(Ordering::is_ge),
            BinOp::In => Value::Bool(
                !a.is_null()
                    && b.as_list()
                        .is_some_and(|l| l.iter().any(|x| values_eq(a, x))),
            ),
            BinOp::Add => match (a, b) {
                (Value::Num(x), Value::Num(y)) => num(x.checked_add(*y)),
                // A `+` that would build a value past the cap stops the evaluation (a rule
                // doubling a text through its lets would otherwise take all memory).
                (Value::Text(x), Value::Text(y)) => {
                    if x.len() + y.len() > crate::budget::MAX_VALUE_LEN {
                        crate::budget::exceed(crate::budget::Cut::Size);
                        return Value::Null;
                    }
                    Value::text(format!("{x}{y}"))
                }
                (Value::List(x), Value::List(y)) => {
                    if x.len() + y.len() > crate::budget::MAX_VALUE_LEN {
                        crate::budget::exceed(crate::budget::Cut::Size);
                        return Value::Null;
                    }
                    Value::list(x.iter().chain(y.iter()).cloned().collect())
                }
                _ => Value::Null,
            },
            BinOp::Sub | BinOp::Mul | BinOp::Div => match (a, b) {
                (Value::Num(x), Value::Num(y)) => num(match op {
                    BinOp::Sub => x.checked_sub(*y),
                    BinOp::Mul => x.checked_mul(*y),
                    _ => x.checked_div(*y),
                }),
                _ => Value::Null,
            },
            BinOp::And | BinOp::Or | BinOp::Coalesce => Value::Null,
        }
    }

    /// A reference to the value of a name, a constant, or a field or column reached from one,
    /// without evaluating or cloning anything; `None` for any other expression.
    fn peek<'s>(&'s self, ir: &'s Ir) -> Option<&'s Value> {
        match ir {
            Ir::Const(v) => Some(v),
            Ir::Local(i) => Some(self.locals.get(*i).unwrap_or(&NULL)),
            Ir::Global(name) => Some(self.vars.get(name).unwrap_or(&NULL)),
            Ir::Field(recv, name) => field_ref(self.peek(recv)?, name, usize::MAX),
            Ir::Column(recv, name, position) => field_ref(self.peek(recv)?, name, *position),
            _ => None,
        }
    }

    /// Runs `lambda` (an `Ir::Lambda`) with its parameter bound to `arg`; a row argument is
    /// the innermost row while the body runs, so data problems can cite it.
    fn apply(&mut self, lambda: &Ir, arg: &Value) -> Value {
        let Ir::Lambda { body, cites_row } = lambda else {
            return Value::Null;
        };
        // A bundle past its time or memory limit (`kaohe batch`) stops here; it is failed.
        if crate::budget::cut() {
            return Value::Null;
        }
        let is_row = if let (Value::Row(r), true) = (arg, *cites_row) {
            self.ctx.row_stack.borrow_mut().push(r.clone());
            true
        } else {
            false
        };
        self.locals.push(arg.clone());
        let v = self.eval(body);
        self.locals.pop();
        if is_row {
            self.ctx.row_stack.borrow_mut().pop();
        }
        v
    }

    fn call(&mut self, call: &Call) -> Value {
        let args = &call.args;
        match call.func {
            // Higher-order functions evaluate their lambda per element, not up front.
            Func::Filter | Func::Map | Func::Any | Func::All => {
                return self.higher_order(call.func, &args[0], &args[1]);
            }
            Func::CountBy => return self.count_by(&args[0], &args[1]),
            _ => {}
        }
        // At most three arguments: evaluate into an array, no allocation per call.
        let mut vals: [Value; 3] = Default::default();
        for (slot, a) in vals.iter_mut().zip(args) {
            *slot = self.eval(a);
        }
        let v0 = &vals[0];
        let text0 = v0.as_text();
        match call.func {
            Func::Count => Value::Num(Decimal::from(v0.as_list().map_or(0, <[Value]>::len))),
            Func::Sum => {
                let mut total = Decimal::ZERO;
                for n in v0.as_list().unwrap_or(&[]).iter().filter_map(Value::as_num) {
                    match total.checked_add(n) {
                        Some(t) => total = t,
                        None => return Value::Null,
                    }
                }
                Value::Num(total)
            }
            Func::Min | Func::Max => match (v0.as_num(), vals[1].as_num()) {
                (Some(a), Some(b)) => Value::Num(if call.func == Func::Min {
                    a.min(b)
                } else {
                    a.max(b)
                }),
                (Some(a), None) | (None, Some(a)) => Value::Num(a),
                (None, None) => Value::Null,
            },
            Func::Floor
            | Func::Ceil
            | Func::Round
            | Func::MinOf
            | Func::MaxOf
            | Func::First
            | Func::Last
            | Func::IsNull
            | Func::DateParts
            | Func::MonthEnd
            | Func::AddDays
            | Func::AddMonths => super::calc::call(call.func, &vals, args.len()),
            Func::Distinct => {
                let items = v0.as_list().unwrap_or(&[]);
                let mut out: Vec<Value> = Vec::new();
                let mut seen: HashSet<Key> = HashSet::default();
                for v in items.iter().filter(|v| !v.is_null()) {
                    let fresh = match key(v) {
                        Some(k) => seen.insert(k),
                        // Lists and records: compared in full (rare, and small).
                        None => !out.iter().any(|o| values_eq(o, v)),
                    };
                    if fresh {
                        out.push(v.clone());
                    }
                }
                Value::list(out)
            }
            Func::Sort => {
                let mut items: Vec<Value> = v0
                    .as_list()
                    .unwrap_or(&[])
                    .iter()
                    .filter(|v| !v.is_null())
                    .cloned()
                    .collect();
                items.sort_by(total_cmp);
                Value::list(items)
            }
            Func::Flatten => {
                let mut out = Vec::new();
                for v in v0.as_list().unwrap_or(&[]) {
                    match v {
                        Value::List(inner) => out.extend(inner.iter().cloned()),
                        Value::Null => {}
                        other => out.push(other.clone()),
                    }
                }
                Value::list(out)
            }
            Func::Range => {
                let (Some(a), Some(b)) = (v0.as_num(), vals[1].as_num()) else {
                    return Value::Null;
                };
                if !a.fract().is_zero() || !b.fract().is_zero() {
                    return Value::Null;
                }
                let (Some(a), Some(b)) = (a.to_i64(), b.to_i64()) else {
                    return Value::Null;
                };
                if b < a {
                    return Value::list(Vec::new());
                }
                if b.saturating_sub(a) >= RANGE_LIMIT {
                    return Value::Null;
                }
                Value::list((a..=b).map(|i| Value::Num(Decimal::from(i))).collect())
            }
            Func::Entries => match v0 {
                Value::Record(r) => Value::list(
                    r.fields
                        .iter()
                        .map(|(k, v)| {
                            Value::Record(Arc::new(Record {
                                fields: vec![
                                    (Arc::from("key"), Value::Text(k.clone())),
                                    (Arc::from("value"), v.clone()),
                                ],
                            }))
                        })
                        .collect(),
                ),
                _ => Value::list(Vec::new()),
            },
            Func::Contains => Value::Bool(match (v0, &vals[1]) {
                (_, Value::Null) => false,
                (Value::Text(x), Value::Text(y)) => x.contains(y.as_ref()),
                (Value::List(l), y) => l.iter().any(|x| values_eq(x, y)),
                _ => false,
            }),
            Func::ContainsAny => {
                Value::Bool(text0.is_some_and(|t| patterns(&vals[1]).any(|p| t.contains(p))))
            }
            Func::StartsWith | Func::EndsWith => Value::Bool(match (text0, vals[1].as_text()) {
                (Some(t), Some(p)) if call.func == Func::StartsWith => t.starts_with(p),
                (Some(t), Some(p)) => t.ends_with(p),
                _ => false,
            }),
            Func::StartsWithAny => {
                Value::Bool(text0.is_some_and(|t| patterns(&vals[1]).any(|p| t.starts_with(p))))
            }
            Func::EndsWithAny => {
                Value::Bool(text0.is_some_and(|t| patterns(&vals[1]).any(|p| t.ends_with(p))))
            }
            Func::Split => match (text0, vals[1].as_text()) {
                (Some(t), Some(seps)) => Value::list(split(t, seps)),
                (Some(t), None) => Value::list(split(t, "")),
                _ => Value::list(Vec::new()),
            },
            Func::Join => {
                let sep = vals[1].as_text().unwrap_or("");
                let parts: Vec<String> = v0
                    .as_list()
                    .unwrap_or_default()
                    .iter()
                    .filter(|v| !v.is_null())
                    .map(ToString::to_string)
                    .collect();
                Value::text(parts.join(sep))
            }
            Func::Str => Value::text(if v0.is_null() {
                String::new()
            } else {
                v0.to_string()
            }),
            Func::StripTrailingParen => {
                text0.map_or(Value::Null, |t| Value::text(strip_trailing_paren(t)))
            }
            Func::LastNumber => num(text0.and_then(last_number)),
            Func::Numbers => Value::list(
                text0
                    .map(numbers)
                    .unwrap_or_default()
                    .into_iter()
                    .map(Value::Num)
                    .collect(),
            ),
            Func::Shape => text0.map_or(Value::Null, |t| Value::text(shape(t))),
            Func::Present => Value::Bool(present(v0)),
            Func::InYear => Value::Bool(v0.as_date().is_some_and(|d| d.year() == self.ctx.year)),
            Func::Date => text0
                .and_then(crate::calendar::parse_iso_date)
                .map_or(Value::Null, Value::Date),
            Func::Year | Func::Month | Func::Quarter | Func::Day => {
                let Some(d) = v0.as_date() else {
                    return Value::Null;
                };
                let n = match call.func {
                    Func::Year => i64::from(d.year()),
                    Func::Month => i64::from(d.month()),
                    Func::Quarter => (i64::from(d.month()) - 1) / 3 + 1,
                    _ => i64::from(d.day()),
                };
                Value::Num(Decimal::from(n))
            }
            Func::Days => match (v0.as_date(), vals[1].as_date()) {
                (Some(a), Some(b)) => Value::Num(Decimal::from(day_number(b) - day_number(a))),
                _ => Value::Null,
            },
            Func::Workdays => {
                let (Some(a), Some(b)) = (v0.as_date(), vals[1].as_date()) else {
                    return Value::Null;
                };
                match self.ctx.calendar.workdays_between(a, b) {
                    Ok(n) => Value::Num(Decimal::from(n)),
                    Err(missing) => {
                        // Name the argument lying in the missing year (else the later one).
                        let i = if a.year() == missing.0 { 0 } else { 1 };
                        let d = if i == 0 { a } else { b };
                        self.missing_year(missing, d, call.columns[i].as_deref());
                        Value::Null
                    }
                }
            }
            Func::AddWorkdays => {
                let (Some(a), Some(n)) = (v0.as_date(), vals[1].as_num()) else {
                    return Value::Null;
                };
                let Some(n) = n.fract().is_zero().then(|| n.to_i64()).flatten() else {
                    return Value::Null;
                };
                match self.ctx.calendar.add_workdays(a, n) {
                    Ok(d) => Value::Date(d),
                    Err(missing) => {
                        self.missing_year(missing, a, call.columns[0].as_deref());
                        Value::Null
                    }
                }
            }
            Func::DateGaps => {
                let (Some(start), Some(end)) = (vals[1].as_date(), vals[2].as_date()) else {
                    return Value::Null;
                };
                let mut dates: Vec<Date> = v0
                    .as_list()
                    .unwrap_or(&[])
                    .iter()
                    .filter_map(Value::as_date)
                    .collect();
                dates.sort_unstable();
                dates.dedup();
                let mut out = Vec::with_capacity(dates.len() + 1);
                let mut prev = start;
                for d in dates {
                    out.push(gap(prev, d));
                    prev = d;
                }
                out.push(gap(prev, end));
                Value::list(out)
            }
            Func::Text => match v0 {
                Value::Doc(d) => d.text().map_or(Value::Null, Value::text),
                _ => Value::Null,
            },
            Func::Table => match (v0, vals[1].as_text()) {
                (Value::Doc(d), Some(label)) => find_table(d.tables(), label)
                    .map_or(Value::Null, |t| Value::Table(Arc::new(t.clone()))),
                _ => Value::Null,
            },
            Func::RowValue => match (v0, vals[1].as_text()) {
                (Value::Table(t), Some(label)) => num(table_row_value(t, label)),
                _ => Value::Null,
            },
            Func::Lines
            | Func::Normalize
            | Func::StripMarkdown
            | Func::StripNumbering
            | Func::TableRows
            | Func::CellNumber
            | Func::RowNumbers
            | Func::ColumnSums
            | Func::StrictSum
            | Func::At
            | Func::Take
            | Func::LastN => super::doctext::call(call.func, &vals, &self.ctx.problems),
            Func::Exists => Value::Bool(text0.is_some_and(|p| self.ctx.evidence.file_exists(p))),
            Func::Filter | Func::Map | Func::Any | Func::All | Func::CountBy => Value::Null,
        }
    }

    fn higher_order(&mut self, func: Func, list: &Ir, lambda: &Ir) -> Value {
        let list = self.eval(list);
        let Some(items) = list.as_list() else {
            return match func {
                Func::Any | Func::All => Value::Bool(false),
                _ => Value::Null,
            };
        };
        match func {
            Func::Filter => Value::list(
                items
                    .iter()
                    .filter(|x| truthy(&self.apply(lambda, x)))
                    .cloned()
                    .collect(),
            ),
            Func::Map => Value::list(items.iter().map(|x| self.apply(lambda, x)).collect()),
            Func::Any => Value::Bool(items.iter().any(|x| truthy(&self.apply(lambda, x)))),
            _ => Value::Bool(items.iter().all(|x| truthy(&self.apply(lambda, x)))),
        }
    }

    /// `count_by`: one pass to key every element (hashing), one to build the records: O(n).
    fn count_by(&mut self, list: &Ir, lambda: &Ir) -> Value {
        let list = self.eval(list);
        let Some(items) = list.as_list() else {
            return Value::Null;
        };
        let keys: Vec<Option<Vec<Key>>> = items
            .iter()
            .map(|x| group_key(&self.apply(lambda, x)))
            .collect();
        // key → (count, index of the first element)
        let mut groups: HashMap<&[Key], (usize, usize)> =
            HashMap::with_capacity_and_hasher(items.len(), Default::default());
        for (i, k) in keys.iter().enumerate() {
            if let Some(k) = k {
                groups.entry(k.as_slice()).or_insert((0, i)).0 += 1;
            }
        }
        let mut seen: HashMap<&[Key], usize> =
            HashMap::with_capacity_and_hasher(groups.len(), Default::default());
        // The field names, allocated once per call rather than once per element.
        let names: [Arc<str>; 4] = ["item", "count", "nth", "first"].map(Arc::from);
        let out = items
            .iter()
            .zip(&keys)
            .map(|(item, k)| {
                let (count, first, nth) = match k {
                    Some(k) => {
                        let (count, first) = groups[k.as_slice()];
                        let nth = seen.entry(k.as_slice()).or_insert(0);
                        *nth += 1;
                        (count, first, *nth)
                    }
                    None => (1, usize::MAX, 1),
                };
                let first = if first == usize::MAX {
                    item.clone()
                } else {
                    items[first].clone()
                };
                let [k_item, k_count, k_nth, k_first] = &names;
                Value::Record(Arc::new(Record {
                    fields: vec![
                        (k_item.clone(), item.clone()),
                        (k_count.clone(), Value::Num(Decimal::from(count))),
                        (k_nth.clone(), Value::Num(Decimal::from(nth))),
                        (k_first.clone(), first),
                    ],
                }))
            })
            .collect();
        Value::list(out)
    }

    fn missing_year(&self, missing: MissingYear, date: Date, column: Option<&str>) {
        let message = format!("工作日历未包含{}年，无法计算工作日", missing.0);
        let row = self.ctx.row_stack.borrow().last().cloned();
        let problem = match row {
            Some(row) => {
                let mut p = Problem::error(row.ledger.file(), CalendarCode::YearMissing, message)
                    .row(row.number());
                if let Some(sheet) = row.ledger.sheet() {
                    p = p.sheet(sheet);
                }
                if let Some(c) = column {
                    p = p.column(c);
                }
                p
            }
            None => Problem::error("bundle.yaml", CalendarCode::YearMissing, message),
        };
        self.ctx
            .problems
            .borrow_mut()
            .push(problem.value(date.to_string()));
    }
}

static NULL: Value = Value::Null;

fn row_cell_ref<'r>(r: &'r crate::value::RowRef, name: &str, position: usize) -> &'r Value {
    let ledger = &r.ledger;
    let i = if ledger.column_at(position) == Some(name) {
        Some(position)
    } else {
        ledger.column_index(name)
    };
    i.and_then(|i| ledger.cell_at(r.index, i)).unwrap_or(&NULL)
}

/// A row's cell by its declared position (verified against the name), else by name.
fn row_cell(r: &crate::value::RowRef, name: &str, position: usize) -> Value {
    row_cell_ref(r, name, position).clone()
}

/// `v.name` read in place: a row's column (by its declared `position` when that still holds the
/// column, else by name), a record's field, null for a value without fields; `None` where the
/// value must be built (a document's `文件`), so `field` computes it.
fn field_ref<'v>(v: &'v Value, name: &str, position: usize) -> Option<&'v Value> {
    match v {
        Value::Row(r) => Some(row_cell_ref(r, name, position)),
        Value::Record(r) => Some(r.get(name).unwrap_or(&NULL)),
        Value::Doc(d) if name != "文件" => Some(d.field(name).unwrap_or(&NULL)),
        Value::Doc(_) => None,
        _ => Some(&NULL),
    }
}

/// `v.name`: a row's column, a record's or map's field, a document's manifest field or
/// `文件`; null for anything else.
pub(crate) fn field(v: &Value, name: &str) -> Value {
    match v {
        Value::Row(r) => r.get(name),
        Value::Record(r) => r.get(name).cloned().unwrap_or_default(),
        Value::Doc(d) => {
            if name == "文件" {
                Value::text(d.file())
            } else {
                d.field(name).cloned().unwrap_or_default()
            }
        }
        _ => Value::Null,
    }
}
