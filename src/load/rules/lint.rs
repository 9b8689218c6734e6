//! Lints over an expression's syntax tree: what compiles but is probably not what was meant
//! (`ambiguous-name`, `date-outside-year` of a `date("…")` literal).

use super::Checker;
use crate::dates::parse_date;
use crate::diag::Problem;
use crate::diag::RuleCode;
use crate::model::schema::TypeEnv;
use crate::value::{Type, Value};

/// Loop iterations an expression may take, as far as the bounds are visible, above which
/// `rules check` warns (`costly-expression`): a tenth of the evaluation budget.
const COSTLY: u128 = crate::budget::EVALUATION_STEPS as u128 / 10;

/// The list functions whose last argument is a lambda over the list's elements.
const LAMBDA_FUNCTIONS: [&str; 4] = ["filter", "map", "any", "all"];

impl Checker<'_> {
    /// `text-names-past-year`: a text that says `Y−1年` (or a date in Y−1) in a rule set for
    /// year Y was probably copied from last year's rule set and not moved.
    pub(super) fn past_year(&mut self, file: &str, path: &str, text: &str) {
        let Some(year) = self.year else { return };
        let past = year - 1;
        if text.contains(&format!("{past}年")) || text.contains(&format!("{past}-")) {
            self.warn(
                file,
                path,
                RuleCode::TextNamesPastYear,
                format!(
                    "文字提到 {past} 年，而考核年度为 {year}（是否沿用了上一年的文字？）：{text}"
                ),
            );
        }
    }

    /// `ambiguous-name` and `date-outside-year` inside one expression (or each hole of a
    /// message), with the position of the very token.
    pub(super) fn lint_source(
        &mut self,
        file: &str,
        path: &str,
        src: &str,
        env: &TypeEnv,
        template: bool,
    ) {
        use crate::expr::{lexer, parser, template as tpl};
        let holes: Vec<(&str, usize)> = if template {
            match tpl::split(src) {
                Ok(pieces) => pieces
                    .into_iter()
                    .filter_map(|p| match p {
                        tpl::Piece::Hole(h, base) => Some((h, base)),
                        tpl::Piece::Lit(_) => None,
                    })
                    .collect(),
                Err(_) => return,
            }
        } else {
            vec![(src, 0)]
        };
        let mut found = Vec::new();
        for (hole, base) in holes {
            let Ok(tokens) = lexer::lex(hole, base) else {
                continue;
            };
            let Ok(ast) = parser::parse(&tokens) else {
                continue;
            };
            let mut scope: Vec<(String, Option<String>)> = Vec::new();
            if let Some(Type::Row(ledger)) = env.names.get("it") {
                scope.push(("it".to_string(), Some(ledger.to_string())));
            }
            lint_ast(&ast, env, &mut scope, self.year, &mut found);
            let cost = loop_cost(&ast);
            if cost > COSTLY {
                found.push((
                    ast.span.clone(),
                    RuleCode::CostlyExpression,
                    format!(
                        "这条表达式的循环可见的次数约为 {cost} 次（嵌套的 range 相乘），超过 {COSTLY} 次；评分时运算超过 {} 步会停止并报错，请缩小范围或改写",
                        crate::budget::EVALUATION_STEPS
                    ),
                ));
            }
        }
        // An expression that reads the row's column too (`it.报送日期 > 报送日期`) shows its author
        // knows the two apart: no warning for the bare name there.
        found.retain(|(span, code, _)| {
            *code != RuleCode::AmbiguousName || {
                let name: String = src[span.start..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                !src.contains(&format!(".{name}"))
            }
        });
        let at = self.locate(file, path);
        for (span, code, message) in found {
            let p = Problem::warning(at.display.clone(), code, message).value(src);
            let p = self.in_value(p, &at, src, span);
            self.problems.push(p);
        }
    }
}

/// The ledger whose rows a list expression holds, when it is plain to see: `台账.X`, a name of
/// type `list<row<X>>`, or `filter`/`sort`/`distinct` of those, or `a ?? b`.
fn rows_of(
    ast: &crate::expr::ast::Ast,
    env: &TypeEnv,
    scope: &[(String, Option<String>)],
) -> Option<String> {
    use crate::expr::ast::{AstKind, BinOp};
    match &ast.kind {
        AstKind::Name(n) if !scope.iter().any(|(p, _)| p == n) => match env.names.get(n) {
            Some(Type::List(t)) => match &**t {
                Type::Row(l) => Some(l.to_string()),
                _ => None,
            },
            _ => None,
        },
        AstKind::Field(base, ledger, _) => match &base.kind {
            AstKind::Name(n) if n == "台账" && !scope.iter().any(|(p, _)| p == n) => {
                Some(ledger.clone())
            }
            _ => None,
        },
        AstKind::Call { name, args, .. }
            if matches!(name.as_str(), "filter" | "sort" | "distinct") && !args.is_empty() =>
        {
            rows_of(&args[0], env, scope)
        }
        AstKind::Binary(BinOp::Coalesce, l, _) => rows_of(l, env, scope),
        _ => None,
    }
}

fn lint_ast(
    ast: &crate::expr::ast::Ast,
    env: &TypeEnv,
    scope: &mut Vec<(String, Option<String>)>,
    year: Option<i16>,
    out: &mut Vec<(std::ops::Range<usize>, RuleCode, String)>,
) {
    use crate::expr::ast::{AstKind, BinOp};
    match &ast.kind {
        AstKind::Lit(_) => {}
        AstKind::Name(n) => {
            if scope.iter().any(|(p, _)| p == n) {
                return;
            }
            for ledger in scope.iter().filter_map(|(_, l)| l.as_deref()) {
                let Some(decl) = env.evidence.ledger(ledger) else {
                    continue;
                };
                if decl.column(n).is_some() {
                    let param = scope
                        .iter()
                        .rev()
                        .find(|(_, l)| l.as_deref() == Some(ledger))
                        .map_or("r", |(p, _)| p.as_str());
                    out.push((
                        ast.span.clone(),
                        RuleCode::AmbiguousName,
                        format!(
                            "`{n}` 读的是清单字段或参数 {n}，而台账 {ledger} 也有“{n}”列：若指该行的列，请写 {param}.{n}"
                        ),
                    ));
                    return;
                }
            }
        }
        AstKind::List(items) => items
            .iter()
            .for_each(|i| lint_ast(i, env, scope, year, out)),
        AstKind::Record(fields) => fields
            .iter()
            .for_each(|(_, _, i)| lint_ast(i, env, scope, year, out)),
        AstKind::Field(base, _, _) => lint_ast(base, env, scope, year, out),
        AstKind::Call { name, args, .. } => {
            if name == "date"
                && let [arg] = args.as_slice()
                && let AstKind::Lit(Value::Text(t)) = &arg.kind
                && let (Some(d), Some(y)) = (parse_date(t), year)
                && d.year() != y
                && d.year() != y + 1
            {
                out.push((
                    arg.span.clone(),
                    RuleCode::DateOutsideYear,
                    format!("日期 {d} 不在考核年度 {y} 或次年内（是否沿用了上一年的日期？）"),
                ));
            }
            let lambda_fn = LAMBDA_FUNCTIONS.contains(&name.as_str());
            for (i, arg) in args.iter().enumerate() {
                match &arg.kind {
                    AstKind::Lambda { param, body } if lambda_fn && i > 0 => {
                        let ledger = rows_of(&args[0], env, scope);
                        scope.push((param.clone(), ledger));
                        lint_ast(body, env, scope, year, out);
                        scope.pop();
                    }
                    _ => lint_ast(arg, env, scope, year, out),
                }
            }
        }
        AstKind::Lambda { param, body } => {
            scope.push((param.clone(), None));
            lint_ast(body, env, scope, year, out);
            scope.pop();
        }
        AstKind::Neg(e) | AstKind::Not(e) => lint_ast(e, env, scope, year, out),
        AstKind::Let {
            name, value, body, ..
        } => {
            lint_ast(value, env, scope, year, out);
            scope.push((name.clone(), None));
            lint_ast(body, env, scope, year, out);
            scope.pop();
        }
        AstKind::Binary(op, l, r) => {
            if matches!(op, BinOp::Eq | BinOp::Ne) {
                let null = |a: &crate::expr::ast::Ast| matches!(a.kind, AstKind::Lit(Value::Null));
                if null(l) || null(r) {
                    let (always, fix) = if *op == BinOp::Eq {
                        ("假", "is_null(…)")
                    } else {
                        ("真", "not is_null(…)")
                    };
                    out.push((
                        ast.span.clone(),
                        RuleCode::CompareNull,
                        format!(
                            "`{} null` 总是{always}（与 null 的比较一律为假）：判断空值请写 {fix}，或用 present(…) 同时排除空文字和空列表",
                            op.symbol()
                        ),
                    ));
                }
            }
            lint_ast(l, env, scope, year, out);
            lint_ast(r, env, scope, year, out);
        }
        AstKind::If(c, t, e) => {
            lint_ast(c, env, scope, year, out);
            lint_ast(t, env, scope, year, out);
            lint_ast(e, env, scope, year, out);
        }
    }
}

/// How many times the loops of `ast` may run, as far as their bounds are visible: a call whose
/// last argument is a lambda runs it once per element of its first argument, and that count is
/// visible when the first argument is `range(a, b)` with number literals (1 otherwise: a
/// ledger's length is not known before a bundle is read). Nested loops multiply.
fn loop_cost(ast: &crate::expr::ast::Ast) -> u128 {
    use crate::expr::ast::AstKind;
    match &ast.kind {
        AstKind::Lit(_) | AstKind::Name(_) => 0,
        AstKind::List(items) => items.iter().map(loop_cost).fold(0, u128::saturating_add),
        AstKind::Record(fields) => fields
            .iter()
            .map(|(_, _, i)| loop_cost(i))
            .fold(0, u128::saturating_add),
        AstKind::Field(e, _, _) | AstKind::Neg(e) | AstKind::Not(e) => loop_cost(e),
        AstKind::Lambda { body, .. } => loop_cost(body),
        AstKind::Let { value, body, .. } => loop_cost(value).saturating_add(loop_cost(body)),
        AstKind::Binary(_, l, r) => loop_cost(l).saturating_add(loop_cost(r)),
        AstKind::If(c, t, e) => loop_cost(c)
            .saturating_add(loop_cost(t))
            .saturating_add(loop_cost(e)),
        AstKind::Call { args, .. } => match (args.first(), args.last().map(|a| &a.kind)) {
            (Some(list), Some(AstKind::Lambda { body, .. })) if args.len() > 1 => {
                let n = visible_len(list);
                loop_cost(list)
                    .saturating_add(n.saturating_mul(1u128.saturating_add(loop_cost(body))))
            }
            _ => args.iter().map(loop_cost).fold(0, u128::saturating_add),
        },
    }
}

/// The length of `range(a, b)` with number literals (b − a + 1, 0 when b < a); 1 otherwise.
fn visible_len(ast: &crate::expr::ast::Ast) -> u128 {
    use crate::expr::ast::AstKind;
    use rust_decimal::prelude::ToPrimitive;
    if let AstKind::Call { name, args, .. } = &ast.kind
        && name == "range"
        && let [a, b] = args.as_slice()
        && let (AstKind::Lit(Value::Num(a)), AstKind::Lit(Value::Num(b))) = (&a.kind, &b.kind)
        && let (Some(a), Some(b)) = (a.to_i128(), b.to_i128())
    {
        return u128::try_from(b - a + 1).unwrap_or(0);
    }
    1
}
