//! Source text → tokens with byte spans. Identifiers are Unicode letters, digits and `_`
//! (so `栏目` is one identifier); numbers are exact decimals.
use std::ops::Range;
use std::str::FromStr;

use rust_decimal::Decimal;

use super::error::{ErrorKind, ExprError, Syntax};

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    Num(Decimal),
    Str(String),
    Ident(String),
    And,
    Or,
    Not,
    In,
    If,
    Then,
    Else,
    Let,
    True,
    False,
    Null,
    LParen,
    RParen,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    Comma,
    Colon,
    Dot,
    Arrow,
    Assign,
    Semi,
    Coalesce,
    EqEq,
    NotEq,
    Lt,
    Le,
    Gt,
    Ge,
    Plus,
    Minus,
    Star,
    Slash,
    Eof,
}

impl Tok {
    /// The token as written (`error.rs` quotes it in messages).
    pub(crate) fn symbol(&self) -> &'static str {
        match self {
            Tok::And => "and",
            Tok::Or => "or",
            Tok::Not => "not",
            Tok::In => "in",
            Tok::If => "if",
            Tok::Then => "then",
            Tok::Else => "else",
            Tok::Let => "let",
            Tok::True => "true",
            Tok::False => "false",
            Tok::Null => "null",
            Tok::LParen => "(",
            Tok::RParen => ")",
            Tok::LBracket => "[",
            Tok::RBracket => "]",
            Tok::LBrace => "{",
            Tok::RBrace => "}",
            Tok::Comma => ",",
            Tok::Colon => ":",
            Tok::Dot => ".",
            Tok::Arrow => "=>",
            Tok::Assign => "=",
            Tok::Semi => ";",
            Tok::Coalesce => "??",
            Tok::EqEq => "==",
            Tok::NotEq => "!=",
            Tok::Lt => "<",
            Tok::Le => "<=",
            Tok::Gt => ">",
            Tok::Ge => ">=",
            Tok::Plus => "+",
            Tok::Minus => "-",
            Tok::Star => "*",
            Tok::Slash => "/",
            Tok::Num(_) | Tok::Str(_) | Tok::Ident(_) | Tok::Eof => "",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub tok: Tok,
    pub span: Range<usize>,
}

pub(crate) fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

pub(crate) fn is_ident_continue(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn syntax(span: Range<usize>, what: Syntax) -> ExprError {
    ExprError::new(span, ErrorKind::Syntax(what))
}

/// Tokenises `src`; spans are shifted by `base` (the position of `src` inside a template).
/// Every lexical error is collected. The last token is always `Eof`.
pub(crate) fn lex(src: &str, base: usize) -> Result<Vec<Token>, Vec<ExprError>> {
    let mut tokens = Vec::new();
    let mut errors = Vec::new();
    let bytes = src.as_bytes();
    let mut chars = src.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        let at = |end: usize| base + start..base + end;
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        if c.is_ascii_digit() {
            let mut end = start;
            while end < bytes.len() && bytes[end].is_ascii_digit() {
                end += 1;
            }
            if end + 1 < bytes.len() && bytes[end] == b'.' && bytes[end + 1].is_ascii_digit() {
                end += 1;
                while end < bytes.len() && bytes[end].is_ascii_digit() {
                    end += 1;
                }
            }
            while chars.peek().is_some_and(|&(i, _)| i < end) {
                chars.next();
            }
            match Decimal::from_str(&src[start..end]) {
                Ok(n) => tokens.push(Token {
                    tok: Tok::Num(n),
                    span: at(end),
                }),
                Err(_) => errors.push(syntax(at(end), Syntax::NumberTooLarge)),
            }
            continue;
        }
        if is_ident_start(c) {
            let mut end = start;
            while let Some(&(i, ch)) = chars.peek() {
                if is_ident_continue(ch) {
                    end = i + ch.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            let word = &src[start..end];
            let tok = match word {
                "and" => Tok::And,
                "or" => Tok::Or,
                "not" => Tok::Not,
                "in" => Tok::In,
                "if" => Tok::If,
                "then" => Tok::Then,
                "else" => Tok::Else,
                "let" => Tok::Let,
                "true" => Tok::True,
                "false" => Tok::False,
                "null" => Tok::Null,
                _ => Tok::Ident(word.to_string()),
            };
            tokens.push(Token { tok, span: at(end) });
            continue;
        }
        if c == '"' || c == '\'' {
            chars.next();
            let mut text = String::new();
            let mut closed = None;
            while let Some((i, ch)) = chars.next() {
                if ch == c {
                    closed = Some(i + 1);
                    break;
                }
                if ch == '\\' {
                    match chars.next() {
                        Some((_, '"')) => text.push('"'),
                        Some((_, '\'')) => text.push('\''),
                        Some((_, '\\')) => text.push('\\'),
                        Some((_, 'n')) => text.push('\n'),
                        Some((j, other)) => errors.push(syntax(
                            base + i..base + j + other.len_utf8(),
                            Syntax::UnknownEscape(other),
                        )),
                        None => {}
                    }
                    continue;
                }
                text.push(ch);
            }
            match closed {
                Some(end) => tokens.push(Token {
                    tok: Tok::Str(text),
                    span: at(end),
                }),
                None => errors.push(syntax(at(src.len()), Syntax::UnterminatedText)),
            }
            continue;
        }
        chars.next();
        let next = chars.peek().map(|&(_, n)| n);
        let two = |tok: Tok| (tok, 2);
        let (tok, len) = match (c, next) {
            ('=', Some('=')) => two(Tok::EqEq),
            ('=', Some('>')) => two(Tok::Arrow),
            ('!', Some('=')) => two(Tok::NotEq),
            ('<', Some('=')) => two(Tok::Le),
            ('>', Some('=')) => two(Tok::Ge),
            ('?', Some('?')) => two(Tok::Coalesce),
            ('=', _) => (Tok::Assign, 1),
            (';', _) => (Tok::Semi, 1),
            ('<', _) => (Tok::Lt, 1),
            ('>', _) => (Tok::Gt, 1),
            ('(', _) => (Tok::LParen, 1),
            (')', _) => (Tok::RParen, 1),
            ('[', _) => (Tok::LBracket, 1),
            (']', _) => (Tok::RBracket, 1),
            ('{', _) => (Tok::LBrace, 1),
            ('}', _) => (Tok::RBrace, 1),
            (',', _) => (Tok::Comma, 1),
            (':', _) => (Tok::Colon, 1),
            ('.', _) => (Tok::Dot, 1),
            ('+', _) => (Tok::Plus, 1),
            ('-', _) => (Tok::Minus, 1),
            ('*', _) => (Tok::Star, 1),
            ('/', _) => (Tok::Slash, 1),
            _ => {
                let len = match (c, next) {
                    ('&', Some('&')) | ('|', Some('|')) => 2,
                    _ => c.len_utf8(),
                };
                if len == 2 {
                    chars.next();
                }
                let end = start + len;
                errors.push(syntax(
                    at(end),
                    Syntax::UnexpectedChar(src[start..end].to_string()),
                ));
                continue;
            }
        };
        if len == 2 {
            chars.next();
        }
        tokens.push(Token {
            tok,
            span: at(start + len),
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    tokens.push(Token {
        tok: Tok::Eof,
        span: base + src.len()..base + src.len(),
    });
    Ok(tokens)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(src: &str) -> Vec<Tok> {
        lex(src, 0).unwrap().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn chinese_identifiers_and_spans() {
        let t = lex("r.栏目 == \"政府文件\"", 0).unwrap();
        assert_eq!(t[0].tok, Tok::Ident("r".into()));
        assert_eq!(t[1].tok, Tok::Dot);
        assert_eq!(t[2].tok, Tok::Ident("栏目".into()));
        assert_eq!(t[2].span, 2..8);
        assert_eq!(t[3].tok, Tok::EqEq);
        assert_eq!(t[4].tok, Tok::Str("政府文件".into()));
        assert_eq!(t[4].span, 12..26);
    }

    #[test]
    fn numbers_operators_keywords() {
        assert_eq!(
            toks("1.5 ?? x => -2 <= 3 != 4"),
            vec![
                Tok::Num(Decimal::new(15, 1)),
                Tok::Coalesce,
                Tok::Ident("x".into()),
                Tok::Arrow,
                Tok::Minus,
                Tok::Num(2.into()),
                Tok::Le,
                Tok::Num(3.into()),
                Tok::NotEq,
                Tok::Num(4.into()),
                Tok::Eof
            ]
        );
        assert_eq!(
            toks("not a in b"),
            vec![
                Tok::Not,
                Tok::Ident("a".into()),
                Tok::In,
                Tok::Ident("b".into()),
                Tok::Eof
            ]
        );
    }

    #[test]
    fn strings_and_escapes() {
        assert_eq!(
            toks(r#"'a\'b' "“引”\n\\""#),
            vec![
                Tok::Str("a'b".into()),
                Tok::Str("“引”\n\\".into()),
                Tok::Eof
            ]
        );
    }

    #[test]
    fn errors() {
        // `=` lexes (for `let x = …;`); a stray one is a syntax error with help in the parser.
        assert_eq!(toks("a = 1;")[1..3], [Tok::Assign, Tok::Num(1.into())]);
        let e = lex("\"abc", 10).unwrap_err();
        assert_eq!(e[0].span, 10..14);
        assert_eq!(*e[0].kind, ErrorKind::Syntax(Syntax::UnterminatedText));
        let e = lex("a && b # c", 0).unwrap_err();
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].span, 2..4);
        assert_eq!(e[1].span, 7..8);
        assert_eq!(e[0].to_string(), "不能使用字符「&&」：请写 and");
        assert!(lex("99999999999999999999999999999999999", 0).is_err());
    }
}
