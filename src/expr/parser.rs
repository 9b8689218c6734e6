//! Tokens → `Ast`, a Pratt parser with the precedence of docs/rules.md (lowest first):
//! lambda/if, or, and, not, comparison (not chainable), ??, + -, * /, unary -, postfix.
use super::ast::{Ast, AstKind, BinOp, Span};
use super::error::{ErrorKind, ExprError, Syntax};
use super::lexer::{Tok, Token};
use crate::value::Value;

/// Binding powers.
const BP_OR: u8 = 1;
const BP_AND: u8 = 2;
const BP_NOT: u8 = 3;
const BP_CMP: u8 = 4;
const BP_COALESCE: u8 = 5;
const BP_ADD: u8 = 6;
const BP_MUL: u8 = 7;
const BP_UNARY: u8 = 8;

/// Nesting deeper than this is refused, so hostile input cannot overflow the stack.
const MAX_DEPTH: usize = 200;

pub(crate) fn parse(tokens: &[Token]) -> Result<Ast, ExprError> {
    let mut p = Parser {
        tokens,
        pos: 0,
        depth: 0,
    };
    let ast = p.expr()?;
    if p.peek() != &Tok::Eof {
        let t = p.token();
        return Err(err(t.span.clone(), Syntax::TrailingInput(t.tok.clone())));
    }
    Ok(ast)
}

fn err(span: Span, what: Syntax) -> ExprError {
    ExprError::new(span, ErrorKind::Syntax(what))
}

impl BinOp {
    fn from_tok(tok: &Tok) -> Option<BinOp> {
        Some(match tok {
            Tok::Or => BinOp::Or,
            Tok::And => BinOp::And,
            Tok::EqEq => BinOp::Eq,
            Tok::NotEq => BinOp::Ne,
            Tok::Lt => BinOp::Lt,
            Tok::Le => BinOp::Le,
            Tok::Gt => BinOp::Gt,
            Tok::Ge => BinOp::Ge,
            Tok::In => BinOp::In,
            Tok::Coalesce => BinOp::Coalesce,
            Tok::Plus => BinOp::Add,
            Tok::Minus => BinOp::Sub,
            Tok::Star => BinOp::Mul,
            Tok::Slash => BinOp::Div,
            _ => return None,
        })
    }

    fn bp(self) -> u8 {
        match self {
            BinOp::Or => BP_OR,
            BinOp::And => BP_AND,
            BinOp::Coalesce => BP_COALESCE,
            BinOp::Add | BinOp::Sub => BP_ADD,
            BinOp::Mul | BinOp::Div => BP_MUL,
            _ => BP_CMP,
        }
    }
}

struct Parser<'t> {
    tokens: &'t [Token],
    pos: usize,
    depth: usize,
}

impl Parser<'_> {
    fn token(&self) -> &Token {
        // The lexer always ends with Eof, and `bump` never moves past it.
        &self.tokens[self.pos.min(self.tokens.len() - 1)]
    }

    fn peek(&self) -> &Tok {
        &self.token().tok
    }

    fn peek2(&self) -> &Tok {
        &self.tokens[(self.pos + 1).min(self.tokens.len() - 1)].tok
    }

    fn bump(&mut self) -> Token {
        let t = self.token().clone();
        if self.pos < self.tokens.len() - 1 {
            self.pos += 1;
        }
        t
    }

    /// The next token, which must be `tok` (`symbols`: how the message names what fits here).
    fn expect(&mut self, tok: Tok, symbols: &'static [&'static str]) -> Result<Token, ExprError> {
        if *self.peek() == tok {
            Ok(self.bump())
        } else {
            let t = self.token();
            Err(err(
                t.span.clone(),
                Syntax::Expected {
                    symbols,
                    found: t.tok.clone(),
                },
            ))
        }
    }

    fn enter(&mut self) -> Result<(), ExprError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(err(self.token().span.clone(), Syntax::TooDeep));
        }
        Ok(())
    }

    /// expr := lambda | let | cond
    fn expr(&mut self) -> Result<Ast, ExprError> {
        self.enter()?;
        let r = if *self.peek() == Tok::Let {
            self.let_expr()
        } else if let (Tok::Ident(name), Tok::Arrow) = (self.peek(), self.peek2()) {
            let param = name.clone();
            let start = self.bump().span.start;
            self.bump();
            let body = self.expr()?;
            Ok(Ast {
                span: start..body.span.end,
                kind: AstKind::Lambda {
                    param,
                    body: Box::new(body),
                },
            })
        } else {
            self.binary(0)
        };
        self.depth -= 1;
        r
    }

    /// let := "let" IDENT "=" expr ";" expr
    fn let_expr(&mut self) -> Result<Ast, ExprError> {
        let start = self.bump().span.start;
        let t = self.bump();
        let Tok::Ident(name) = t.tok else {
            return Err(err(t.span, Syntax::LetName(t.tok)));
        };
        if *self.peek() != Tok::Assign {
            let t = self.token();
            return Err(err(
                t.span.clone(),
                Syntax::LetAssign {
                    name,
                    found: t.tok.clone(),
                },
            ));
        }
        self.bump();
        let value = self.expr()?;
        if *self.peek() != Tok::Semi {
            let t = self.token();
            return Err(err(
                t.span.clone(),
                Syntax::LetSemi {
                    name,
                    found: t.tok.clone(),
                },
            ));
        }
        self.bump();
        let body = self.expr()?;
        Ok(Ast {
            span: start..body.span.end,
            kind: AstKind::Let {
                name,
                value: Box::new(value),
                body: Box::new(body),
            },
        })
    }

    fn binary(&mut self, min_bp: u8) -> Result<Ast, ExprError> {
        self.enter()?;
        let mut lhs = self.prefix()?;
        // A chain `a + b + c …` nests to the left without recursing: count its links too, so
        // that the tree's height (and the checker's and evaluator's recursion) stays bounded.
        let mut links = 0;
        while let Some(op) = BinOp::from_tok(self.peek()) {
            let bp = op.bp();
            if bp <= min_bp {
                break;
            }
            self.bump();
            self.enter()?;
            links += 1;
            let rhs = self.binary(bp)?;
            let span = lhs.span.start..rhs.span.end;
            lhs = Ast {
                kind: AstKind::Binary(op, Box::new(lhs), Box::new(rhs)),
                span,
            };
            if op.is_comparison() && BinOp::from_tok(self.peek()).is_some_and(BinOp::is_comparison)
            {
                return Err(err(
                    self.token().span.clone(),
                    Syntax::ChainedComparison(self.peek().clone()),
                ));
            }
        }
        self.depth -= 1 + links;
        Ok(lhs)
    }

    fn prefix(&mut self) -> Result<Ast, ExprError> {
        match self.peek() {
            Tok::Not => {
                let start = self.bump().span.start;
                let e = self.binary(BP_NOT - 1)?;
                Ok(Ast {
                    span: start..e.span.end,
                    kind: AstKind::Not(Box::new(e)),
                })
            }
            Tok::Minus => {
                let start = self.bump().span.start;
                let e = self.binary(BP_UNARY)?;
                Ok(Ast {
                    span: start..e.span.end,
                    kind: AstKind::Neg(Box::new(e)),
                })
            }
            Tok::If => {
                let start = self.bump().span.start;
                let c = self.expr()?;
                self.expect(Tok::Then, &["then"])?;
                let t = self.expr()?;
                self.expect(Tok::Else, &["else"])?;
                let e = self.expr()?;
                Ok(Ast {
                    span: start..e.span.end,
                    kind: AstKind::If(Box::new(c), Box::new(t), Box::new(e)),
                })
            }
            _ => self.postfix(),
        }
    }

    fn postfix(&mut self) -> Result<Ast, ExprError> {
        let mut e = self.primary()?;
        // Each `.f`, `.f(…)` or `(…)` nests the tree one level deeper.
        let mut links = 0;
        loop {
            if matches!(self.peek(), Tok::Dot | Tok::LParen | Tok::LBracket) {
                self.enter()?;
                links += 1;
            }
            match self.peek() {
                Tok::Dot => {
                    self.bump();
                    let t = self.bump();
                    let Tok::Ident(name) = t.tok else {
                        return Err(err(t.span, Syntax::NameAfterDot(t.tok)));
                    };
                    if *self.peek() == Tok::LParen {
                        let (mut args, end) = self.args()?;
                        args.insert(0, e);
                        let start = args[0].span.start;
                        e = Ast {
                            kind: AstKind::Call {
                                name,
                                name_span: t.span,
                                args,
                            },
                            span: start..end,
                        };
                    } else {
                        let span = e.span.start..t.span.end;
                        e = Ast {
                            kind: AstKind::Field(Box::new(e), name, t.span),
                            span,
                        };
                    }
                }
                // `x["1.6"]`: a field whose name is not an identifier (an indicator id).
                Tok::LBracket => {
                    self.bump();
                    let t = self.bump();
                    let Tok::Str(name) = t.tok else {
                        return Err(err(t.span, Syntax::KeyInBrackets(t.tok)));
                    };
                    let end = self.expect(Tok::RBracket, &["]"])?.span.end;
                    let span = e.span.start..end;
                    e = Ast {
                        kind: AstKind::Field(Box::new(e), name, t.span),
                        span,
                    };
                }
                Tok::LParen => {
                    let AstKind::Name(name) = &e.kind else {
                        return Err(err(self.token().span.clone(), Syntax::NotCallable));
                    };
                    let name = name.clone();
                    let name_span = e.span.clone();
                    let (args, end) = self.args()?;
                    e = Ast {
                        kind: AstKind::Call {
                            name,
                            name_span: name_span.clone(),
                            args,
                        },
                        span: name_span.start..end,
                    };
                }
                _ => {
                    self.depth -= links;
                    return Ok(e);
                }
            }
        }
    }

    /// `( expr, … )`; returns the arguments and the end of `)`.
    fn args(&mut self) -> Result<(Vec<Ast>, usize), ExprError> {
        self.expect(Tok::LParen, &["("])?;
        let mut args = Vec::new();
        loop {
            if *self.peek() == Tok::RParen {
                break;
            }
            args.push(self.expr()?);
            if *self.peek() == Tok::Comma {
                self.bump();
            } else {
                break;
            }
        }
        let close = self.expect(Tok::RParen, &[",", ")"])?;
        Ok((args, close.span.end))
    }

    fn primary(&mut self) -> Result<Ast, ExprError> {
        let t = self.bump();
        let lit = |v: Value| {
            Ok(Ast {
                kind: AstKind::Lit(v),
                span: t.span.clone(),
            })
        };
        match t.tok {
            Tok::Num(n) => lit(Value::Num(n)),
            Tok::Str(ref s) => lit(Value::text(s)),
            Tok::True => lit(Value::Bool(true)),
            Tok::False => lit(Value::Bool(false)),
            Tok::Null => lit(Value::Null),
            Tok::Ident(name) => Ok(Ast {
                kind: AstKind::Name(name),
                span: t.span,
            }),
            Tok::LParen => {
                let mut e = self.expr()?;
                let close = self.expect(Tok::RParen, &[")"])?;
                // Keep the parentheses in the span so carets cover what was written.
                e.span = t.span.start..close.span.end;
                Ok(e)
            }
            Tok::LBracket => {
                let mut items = Vec::new();
                loop {
                    if *self.peek() == Tok::RBracket {
                        break;
                    }
                    items.push(self.expr()?);
                    if *self.peek() == Tok::Comma {
                        self.bump();
                    } else {
                        break;
                    }
                }
                let close = self.expect(Tok::RBracket, &[",", "]"])?;
                Ok(Ast {
                    kind: AstKind::List(items),
                    span: t.span.start..close.span.end,
                })
            }
            Tok::LBrace => {
                let mut fields = Vec::new();
                loop {
                    if *self.peek() == Tok::RBrace {
                        break;
                    }
                    let key = self.bump();
                    let Tok::Ident(name) = key.tok else {
                        return Err(err(key.span, Syntax::FieldName(key.tok)));
                    };
                    self.expect(Tok::Colon, &[":"])?;
                    let value = self.expr()?;
                    fields.push((name, key.span, value));
                    if *self.peek() == Tok::Comma {
                        self.bump();
                    } else {
                        break;
                    }
                }
                let close = self.expect(Tok::RBrace, &[",", "}"])?;
                Ok(Ast {
                    kind: AstKind::Record(fields),
                    span: t.span.start..close.span.end,
                })
            }
            other => Err(err(t.span, Syntax::Value(other))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::lexer::lex;
    use super::*;

    fn p(src: &str) -> Result<Ast, ExprError> {
        parse(&lex(src, 0).unwrap())
    }

    /// A compact rendering of the tree, to test precedence.
    fn show(a: &Ast) -> String {
        match &a.kind {
            AstKind::Lit(v) => format!("{v}"),
            AstKind::Name(n) => n.clone(),
            AstKind::List(items) => {
                format!("[{}]", items.iter().map(show).collect::<Vec<_>>().join(","))
            }
            AstKind::Record(fs) => format!(
                "{{{}}}",
                fs.iter()
                    .map(|(k, _, v)| format!("{k}:{}", show(v)))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            AstKind::Field(e, f, _) => format!("{}.{f}", show(e)),
            AstKind::Call { name, args, .. } => format!(
                "{name}({})",
                args.iter().map(show).collect::<Vec<_>>().join(",")
            ),
            AstKind::Lambda { param, body } => format!("({param}=>{})", show(body)),
            AstKind::Neg(e) => format!("(-{})", show(e)),
            AstKind::Not(e) => format!("(not {})", show(e)),
            AstKind::Binary(op, l, r) => format!("({} {} {})", show(l), op.symbol(), show(r)),
            AstKind::If(c, t, e) => format!("(if {} then {} else {})", show(c), show(t), show(e)),
            AstKind::Let {
                name, value, body, ..
            } => format!("(let {name} = {}; {})", show(value), show(body)),
        }
    }

    #[test]
    fn precedence() {
        let cases = [
            ("a or b and c", "(a or (b and c))"),
            ("not a == b and c", "((not (a == b)) and c)"),
            ("a ?? b + c * -d", "(a ?? (b + (c * (-d))))"),
            ("a + b == c ?? d", "((a + b) == (c ?? d))"),
            ("1 - 2 - 3", "((1 - 2) - 3)"),
            ("x in [1, 2]", "(x in [1,2])"),
            ("if a then b else c or d", "(if a then b else (c or d))"),
            ("-r.x", "(-r.x)"),
            ("not not a", "(not (not a))"),
        ];
        for (src, want) in cases {
            assert_eq!(show(&p(src).unwrap()), want, "{src}");
        }
    }

    #[test]
    fn method_sugar_lambdas_records() {
        let a = p("台账.主动公开.filter(r => r.栏目 == \"x\").count()").unwrap();
        assert_eq!(show(&a), "count(filter(台账.主动公开,(r=>(r.栏目 == x))))");
        let a = p("{from: a, days: 1}").unwrap();
        assert_eq!(show(&a), "{from:a,days:1}");
        assert_eq!(a.span, 0..18);
        // A field, not a call, when no `(` follows.
        assert_eq!(show(&p("it.count").unwrap()), "it.count");
    }

    #[test]
    fn syntax_error_positions() {
        let e = p("count(rows").unwrap_err();
        assert_eq!(e.span, 10..10);
        assert_eq!(e.code(), crate::diag::ExprCode::Syntax);
        let e = p("a < b < c").unwrap_err();
        assert_eq!(e.span, 6..7);
        let e = p("1 + * 2").unwrap_err();
        assert_eq!(e.span, 4..5);
        assert_eq!(e.to_string(), "这里应为一个值，实为`*`");
        let e = p("a b").unwrap_err();
        assert_eq!(e.span, 2..3);
        let e = p("if a then b").unwrap_err();
        assert_eq!(e.to_string(), "这里应为 `else`，实为表达式结尾");
        let deep = "(".repeat(10_000) + &")".repeat(10_000);
        assert!(p(&deep).is_err());
        let long = vec!["1"; 10_000].join(" + ");
        assert!(p(&long).is_err());
        let chain = "x".to_string() + &".f()".repeat(10_000);
        assert!(p(&chain).is_err());
        let minus = "-".repeat(10_000) + "1";
        assert!(p(&minus).is_err());
        // Ordinary long expressions are fine.
        assert!(p(&vec!["1"; 100].join(" + ")).is_ok());
    }
}
