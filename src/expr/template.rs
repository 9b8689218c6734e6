//! Message templates: literal text with `{expr}` holes; `{{` and `}}` are literal braces.
use super::error::{ErrorKind, ExprError, Syntax};

/// A piece of a template source: literal text, or a hole's expression source and its byte
/// offset in the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece<'s> {
    Lit(String),
    Hole(&'s str, usize),
}

fn syntax(span: std::ops::Range<usize>, what: Syntax) -> ExprError {
    ExprError::new(span, ErrorKind::Syntax(what))
}

/// Splits a template into pieces. A hole ends at the `}` that balances its `{`, skipping
/// braces inside quoted texts, so `{ {a: 1}.a }` and `{"}"}` work.
pub(crate) fn split(src: &str) -> Result<Vec<Piece<'_>>, Vec<ExprError>> {
    let mut pieces = Vec::new();
    let mut errors = Vec::new();
    let mut lit = String::new();
    let bytes = src.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' if bytes.get(i + 1) == Some(&b'{') => {
                lit.push('{');
                i += 2;
            }
            b'}' if bytes.get(i + 1) == Some(&b'}') => {
                lit.push('}');
                i += 2;
            }
            b'}' => {
                errors.push(syntax(i..i + 1, Syntax::UnmatchedClose));
                i += 1;
            }
            b'{' => {
                let start = i + 1;
                let mut depth = 1usize;
                let mut quote: Option<u8> = None;
                let mut j = start;
                while j < bytes.len() {
                    let b = bytes[j];
                    match quote {
                        Some(q) => {
                            if b == b'\\' {
                                j += 1;
                            } else if b == q {
                                quote = None;
                            }
                        }
                        None => match b {
                            b'"' | b'\'' => quote = Some(b),
                            b'{' => depth += 1,
                            b'}' => {
                                depth -= 1;
                                if depth == 0 {
                                    break;
                                }
                            }
                            _ => {}
                        },
                    }
                    j += 1;
                }
                if j >= bytes.len() {
                    errors.push(syntax(i..src.len(), Syntax::UnclosedHole));
                    break;
                }
                let hole = &src[start..j];
                if hole.trim().is_empty() {
                    errors.push(syntax(i..j + 1, Syntax::EmptyHole));
                } else {
                    if !lit.is_empty() {
                        pieces.push(Piece::Lit(std::mem::take(&mut lit)));
                    }
                    pieces.push(Piece::Hole(hole, start));
                }
                i = j + 1;
            }
            _ => {
                // Copy the whole UTF-8 character.
                let ch_len = src[i..].chars().next().map_or(1, char::len_utf8);
                lit.push_str(&src[i..i + ch_len]);
                i += ch_len;
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if !lit.is_empty() {
        pieces.push(Piece::Lit(lit));
    }
    Ok(pieces)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces() {
        assert_eq!(
            split("共{n}条{{注}}：{ {a: 1}.a }{\"}\"}").unwrap(),
            vec![
                Piece::Lit("共".into()),
                Piece::Hole("n", 4),
                Piece::Lit("条{注}：".into()),
                Piece::Hole(" {a: 1}.a ", 20),
                Piece::Hole("\"}\"", 32),
            ]
        );
        assert!(split("").unwrap().is_empty());
    }

    #[test]
    fn errors() {
        let e = split("共{n条").unwrap_err();
        assert_eq!(e[0].span, 3..8);
        let e = split("a}b").unwrap_err();
        assert_eq!(e[0].span, 1..2);
        let e = split("a{}b").unwrap_err();
        assert_eq!(e[0].span, 1..3);
    }
}
