//! Mistakes in an expression or message template, as data: what went wrong, where (a byte
//! span into the source) and the values involved (names, types, tokens, suggestions). The
//! `Display` impl at the bottom is the one place they become text, in plain Chinese; the rule
//! loader puts that text into a `Problem` and `kaohe rules check` adds the code's help from
//! the registry (`crate::diag::ExprCode`).

use std::fmt;
use std::ops::Range;

use rust_decimal::Decimal;

use super::ast::BinOp;
use super::functions::Param;
use super::lexer::Tok;
use crate::diag::ExprCode;
use crate::value::Type;

/// A mistake in an expression, found when the rule set loads. `span` is a byte range into the
/// expression's source text; the rule loader turns it into file:line:column.
#[derive(Debug, Clone, PartialEq)]
pub struct ExprError {
    pub span: Range<usize>,
    /// Boxed: the parser recurses with `Result<Ast, ExprError>` in every frame.
    pub kind: Box<ErrorKind>,
}

impl ExprError {
    pub fn new(span: Range<usize>, kind: ErrorKind) -> ExprError {
        ExprError {
            span,
            kind: Box::new(kind),
        }
    }

    /// The registry code of this mistake.
    pub fn code(&self) -> ExprCode {
        use ErrorKind as K;
        match &*self.kind {
            K::Syntax(_) => ExprCode::Syntax,
            K::UnknownName { .. } => ExprCode::UnknownName,
            K::UnknownFunction { .. } => ExprCode::UnknownFunction,
            K::UnknownColumn { .. } => ExprCode::UnknownColumn,
            K::UnknownField { .. } => ExprCode::UnknownField,
            K::NoFields { .. } => ExprCode::NoFields,
            K::WrongArity { .. } => ExprCode::WrongArity,
            K::LambdaOutsideCall | K::LambdaNotTaken { .. } => ExprCode::MisplacedLambda,
            K::Mismatch(_) => ExprCode::TypeMismatch,
            K::StepNotPositive { .. } | K::UnknownRoundRule { .. } => ExprCode::BadArgument,
            K::BadDate { .. } => ExprCode::BadDate,
            K::DuplicateField { .. } => ExprCode::DuplicateField,
        }
    }
}

/// What is wrong, with the values the message quotes.
#[derive(Debug, Clone, PartialEq)]
pub enum ErrorKind {
    Syntax(Syntax),
    UnknownName {
        name: String,
        hint: NameHint,
    },
    UnknownFunction {
        name: String,
        /// `Some(None)`: the name is a value, not a function; `Some(Some(s))`: a similar
        /// function name.
        hint: FunctionHint,
    },
    UnknownColumn {
        ledger: String,
        name: String,
        /// A declared column spelled alike, else every declared column.
        similar: Option<String>,
        columns: Vec<String>,
    },
    UnknownField {
        /// Whose fields: a record's or the documents'.
        of: FieldsOf,
        name: String,
        similar: Option<String>,
        fields: Vec<String>,
    },
    NoFields {
        ty: Type,
        name: String,
    },
    WrongArity {
        name: String,
        takes: Arity,
        found: usize,
        signatures: Vec<&'static str>,
    },
    /// A lambda that is not a function's argument.
    LambdaOutsideCall,
    /// A lambda given where the function takes something else.
    LambdaNotTaken {
        func: &'static str,
        /// 0-based.
        arg: usize,
        signature: &'static str,
    },
    Mismatch(Mismatch),
    StepNotPositive {
        func: &'static str,
        step: Decimal,
    },
    UnknownRoundRule {
        rule: String,
    },
    BadDate {
        text: String,
    },
    DuplicateField {
        name: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum NameHint {
    None,
    /// The name is a built-in function.
    IsFunction,
    /// The name is a column of this ledger (read from a row).
    ColumnOf(String),
    /// A visible name spelled alike.
    Similar(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum FunctionHint {
    None,
    /// The name is a value (a `let`, a parameter, a manifest key), not a function.
    IsValue,
    Similar(String),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FieldsOf {
    Record,
    Documents,
}

/// How many arguments a function takes.
#[derive(Debug, Clone, PartialEq)]
pub enum Arity {
    Exactly(usize),
    Between(usize, usize),
    /// Overloads by arity (`min(a, b)`, `min(list)`).
    OneOf(Vec<usize>),
}

/// Where a value of the wrong type was used.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    Neg,
    Not,
    If,
    Op(BinOp),
    /// The body of a function's lambda (a condition).
    LambdaOf(&'static str),
}

/// A type mismatch, with the types found.
#[derive(Debug, Clone, PartialEq)]
pub enum Mismatch {
    ListElements(Type, Type),
    IfBranches(Type, Type),
    /// An operand of `-`, `*`, `/` … that must be a number (or the like).
    Operand {
        what: Operand,
        want: Param,
        found: Type,
    },
    /// A condition (bool) expected.
    Condition {
        what: Operand,
        found: Type,
    },
    Argument {
        func: &'static str,
        arg: usize,
        want: Param,
        /// `None`: a lambda was expected and something else was written.
        found: Option<Type>,
        signature: &'static str,
    },
    Compare(Type, Type),
    Order(Type),
    In {
        needle: Type,
        list: Type,
    },
    InNotList(Type),
    Coalesce(Type, Type),
    Add(Type, Type),
    Contains {
        needle: Type,
        haystack: Type,
    },
    /// sort, min_of, max_of on a list of what cannot be ordered.
    Orders {
        func: &'static str,
        element: Type,
    },
    Flatten(Type),
}

/// A syntax error: what was expected, what was found.
#[derive(Debug, Clone, PartialEq)]
pub enum Syntax {
    NumberTooLarge,
    UnknownEscape(char),
    UnterminatedText,
    UnexpectedChar(String),
    /// `expect`: one of these symbols (`then`, `)` …) was expected.
    Expected {
        symbols: &'static [&'static str],
        found: Tok,
    },
    /// Something after a complete expression.
    TrailingInput(Tok),
    TooDeep,
    LetName(Tok),
    LetAssign {
        name: String,
        found: Tok,
    },
    LetSemi {
        name: String,
        found: Tok,
    },
    ChainedComparison(Tok),
    NameAfterDot(Tok),
    KeyInBrackets(Tok),
    NotCallable,
    FieldName(Tok),
    Value(Tok),
    // Message templates.
    UnmatchedClose,
    UnclosedHole,
    EmptyHole,
}

// ---------------------------------------------------------------------------------------
// The one rendering, in plain Chinese.

impl fmt::Display for ExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ErrorKind as K;
        match &*self.kind {
            K::Syntax(s) => write!(f, "{s}"),
            K::UnknownName { name, hint } => {
                write!(f, "未知的名称「{name}」")?;
                match hint {
                    NameHint::None => Ok(()),
                    NameHint::IsFunction => {
                        write!(f, "：{name} 是函数，请这样调用：{name}(…)")
                    }
                    NameHint::ColumnOf(ledger) => write!(
                        f,
                        "：{name} 是台账「{ledger}」的列，要从一行中读取，如 r.{name}"
                    ),
                    NameHint::Similar(s) => write!(f, "：是否为「{s}」？"),
                }
            }
            K::UnknownFunction { name, hint } => {
                write!(f, "没有名为「{name}」的函数")?;
                match hint {
                    FunctionHint::None => Ok(()),
                    FunctionHint::IsValue => write!(f, "：{name} 是一个值，不是函数"),
                    FunctionHint::Similar(s) => write!(f, "：是否为「{s}」？"),
                }
            }
            K::UnknownColumn {
                ledger,
                name,
                similar,
                columns,
            } => {
                write!(f, "台账「{ledger}」没有声明列「{name}」")?;
                match similar {
                    Some(s) => write!(f, "：是否为「{s}」？"),
                    None => write!(f, "（已声明的列：{}）", columns.join("、")),
                }
            }
            K::UnknownField {
                of,
                name,
                similar,
                fields,
            } => {
                match of {
                    FieldsOf::Record => write!(f, "记录没有字段「{name}」")?,
                    FieldsOf::Documents => write!(f, "没有任何文档声明字段「{name}」")?,
                }
                match similar {
                    Some(s) => write!(f, "：是否为「{s}」？"),
                    None => write!(f, "（可用的字段：{}）", fields.join("、")),
                }
            }
            K::NoFields { ty, name } => {
                write!(f, "{}没有字段，不能读取 .{name}", type_name(ty))?;
                if matches!(ty, Type::List(_)) {
                    write!(
                        f,
                        "：要读取列表中每一项的字段，请写 map(列表, x => x.{name})"
                    )?;
                }
                Ok(())
            }
            K::WrongArity {
                name,
                takes,
                found,
                signatures,
            } => write!(
                f,
                "{name} 需要 {} 个参数，实际写了 {found} 个：写法为 {}",
                arity(takes),
                signatures.join(" 或 ")
            ),
            K::LambdaOutsideCall => write!(
                f,
                "lambda（x => …）只能作为函数的参数，如 filter(列表, x => …)"
            ),
            K::LambdaNotTaken {
                func,
                arg,
                signature,
            } => write!(
                f,
                "{func} 的第 {} 个参数不接受 lambda（x => …）：写法为 {signature}",
                arg + 1
            ),
            K::Mismatch(m) => write!(f, "{m}"),
            K::StepNotPositive { func, step } => write!(
                f,
                "{func} 的取整步长应大于 0，实为 {step}：写县里规定的步长，如 {func}(x, 0.01) 或 {func}(x, 0.5)"
            ),
            K::UnknownRoundRule { rule } => write!(
                f,
                "「{rule}」不是取整规则：写 \"half-up\"（四舍五入）或 \"half-even\"（银行家舍入）"
            ),
            K::BadDate { text } => write!(
                f,
                "「{text}」不是 YYYY-MM-DD 形式的日期：写成 date(\"2021-12-31\")"
            ),
            K::DuplicateField { name } => write!(f, "字段「{name}」写了两次"),
        }
    }
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Mismatch as M;
        match self {
            M::ListElements(a, b) => write!(
                f,
                "列表中各项的类型不同：{} 和 {}",
                type_name(a),
                type_name(b)
            ),
            M::IfBranches(a, b) => write!(
                f,
                "if 的两个分支类型不同：{} 和 {}",
                type_name(a),
                type_name(b)
            ),
            M::Operand { what, want, found } => write!(
                f,
                "{}需要{}，实为{}",
                operand(what),
                param_name(*want),
                type_name(found)
            ),
            M::Condition { what, found } => write!(
                f,
                "{}需要条件（真假值 bool），实为{}",
                operand(what),
                type_name(found)
            ),
            M::Argument {
                func,
                arg,
                want,
                found,
                signature,
            } => {
                write!(f, "{func} 的第 {} 个参数应为{}", arg + 1, param_name(*want))?;
                if let Some(t) = found {
                    write!(f, "，实为{}", type_name(t))?;
                }
                write!(f, "：写法为 {signature}")
            }
            M::Compare(a, b) => {
                write!(f, "不能比较{}和{}", type_name(a), type_name(b))?;
                if matches!((a, b), (Type::Date, Type::Text) | (Type::Text, Type::Date)) {
                    write!(f, "：日期要写成 date(\"2021-12-31\")")?;
                }
                Ok(())
            }
            M::Order(t) => write!(f, "{}不能比较大小", type_name(t)),
            M::In { needle, list } => {
                write!(f, "不能在{}中查找{}", type_name(list), type_name(needle))
            }
            M::InNotList(t) => write!(f, "in 的右边应为列表，实为{}", type_name(t)),
            M::Coalesce(a, b) => {
                write!(f, "?? 两边的类型不同：{} 和 {}", type_name(a), type_name(b))
            }
            M::Add(a, b) => write!(
                f,
                "+ 只能相加数字、连接文字或列表，实为{} + {}",
                type_name(a),
                type_name(b)
            ),
            M::Contains { needle, haystack } => write!(
                f,
                "contains 不能在{}中查找{}",
                type_name(haystack),
                type_name(needle)
            ),
            M::Orders { func, element } => write!(
                f,
                "{func} 只能排序数字、日期或文字，实为{}的列表",
                type_name(element)
            ),
            M::Flatten(t) => write!(f, "flatten 需要列表的列表，实为{}的列表", type_name(t)),
        }
    }
}

impl fmt::Display for Syntax {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Syntax as S;
        match self {
            S::NumberTooLarge => write!(f, "数字太大"),
            S::UnknownEscape(c) => write!(f, "未知的转义「\\{c}」：可用的转义有 \\\" \\' \\\\ \\n"),
            S::UnterminatedText => write!(f, "文字没有结束：用开头的引号把它括起来"),
            S::UnexpectedChar(text) => {
                write!(f, "不能使用字符「{text}」")?;
                match text.as_str() {
                    "!" => write!(f, "：取反请写 not"),
                    "&&" => write!(f, "：请写 and"),
                    "||" => write!(f, "：请写 or"),
                    "“" | "”" | "‘" | "’" => write!(f, "：文字请用半角引号 \" 或 ' 括起来"),
                    _ => Ok(()),
                }
            }
            S::Expected { symbols, found } => {
                write!(
                    f,
                    "这里应为 {}，实为{}",
                    symbols
                        .iter()
                        .map(|s| format!("`{s}`"))
                        .collect::<Vec<_>>()
                        .join(" 或 "),
                    token(found)
                )?;
                if *found == Tok::Assign {
                    write!(f, "：比较相等请写 ==")?;
                }
                Ok(())
            }
            S::TrailingInput(found) => {
                write!(f, "表达式应在这里结束，实为{}", token(found))?;
                match found {
                    Tok::Arrow => write!(f, "：lambda（x => …）只接受一个参数名"),
                    Tok::Assign => write!(f, "：比较相等请写 =="),
                    Tok::Semi => write!(f, "：`;` 只用于结束 let 名称 = 值; 中的值"),
                    Tok::EqEq | Tok::NotEq | Tok::Lt | Tok::Le | Tok::Gt | Tok::Ge | Tok::In => {
                        write!(f, "：比较不能连写，请用 and 连接")
                    }
                    _ => Ok(()),
                }
            }
            S::TooDeep => write!(f, "表达式嵌套太深"),
            S::LetName(found) => write!(
                f,
                "let 后面应为名称，实为{}：写法为 let 名称 = 值; 表达式",
                token(found)
            ),
            S::LetAssign { name, found } => write!(
                f,
                "let {name} 后面应为 `=`，实为{}：写法为 let 名称 = 值; 表达式",
                token(found)
            ),
            S::LetSemi { name, found } => write!(
                f,
                "let {name} 的值后面应为 `;`，实为{}：用 `;` 结束值，再写使用它的表达式",
                token(found)
            ),
            S::ChainedComparison(found) => write!(
                f,
                "比较不能连写：比较之后又出现{}：用 and 连接，或加括号",
                token(found)
            ),
            S::NameAfterDot(found) => write!(f, "`.` 后面应为名称，实为{}", token(found)),
            S::KeyInBrackets(found) => write!(
                f,
                "`[…]` 中应为带引号的名称，实为{}：把键写成文字，如 指标[\"1.6\"]",
                token(found)
            ),
            S::NotCallable => write!(f, "只有函数可以调用"),
            S::FieldName(found) => write!(f, "这里应为字段名，实为{}", token(found)),
            S::Value(found) => write!(f, "这里应为一个值，实为{}", token(found)),
            S::UnmatchedClose => write!(f, "消息中有多余的 `}}`：字面的括号请写 `}}}}`"),
            S::UnclosedHole => write!(
                f,
                "消息中的 `{{` 没有闭合：用 `}}` 结束表达式，字面的括号请写 `{{{{`"
            ),
            S::EmptyHole => write!(
                f,
                "消息中有空的 `{{}}`：在其中写表达式，字面的括号请写 `{{{{}}}}`"
            ),
        }
    }
}

/// A token as a message quotes it: 数字 3、文字 "x"、名称 `x`、表达式结尾、`)`.
fn token(t: &Tok) -> String {
    match t {
        Tok::Num(n) => format!("数字 {n}"),
        Tok::Str(s) => format!("文字 \"{s}\""),
        Tok::Ident(s) => format!("名称 `{s}`"),
        Tok::Eof => "表达式结尾".to_string(),
        other => format!("`{}`", other.symbol()),
    }
}

/// A type in words, with its name in the language: 数字（number）.
pub(crate) fn type_name(t: &Type) -> String {
    fn words(t: &Type) -> String {
        match t {
            Type::Any => "任意值".into(),
            Type::Bool => "真假值".into(),
            Type::Num => "数字".into(),
            Type::Text => "文字".into(),
            Type::Date => "日期".into(),
            Type::List(e) => format!("{}列表", words(e)),
            Type::Record(_) => "记录".into(),
            Type::Map(e) => format!("{}映射", words(e)),
            Type::Row(l) => format!("台账「{l}」的行"),
            Type::Doc => "文档".into(),
            Type::Table => "表格".into(),
            Type::Lambda => "lambda".into(),
        }
    }
    format!("{}（{t}）", words(t))
}

fn param_name(p: Param) -> &'static str {
    match p {
        Param::Any => "一个值",
        Param::Num => "数字",
        Param::Text => "文字",
        Param::Date => "日期",
        Param::Doc => "文档",
        Param::Table => "表格",
        Param::List => "列表",
        Param::ListOfNum => "数字列表",
        Param::ListOfText => "文字列表",
        Param::ListOfDate => "日期列表",
        Param::TextOrList => "文字或列表",
        Param::MapOrRecord => "映射或记录",
        Param::Pred => "条件 x => …",
        Param::Lambda => "lambda x => …",
    }
}

fn operand(o: &Operand) -> String {
    match o {
        Operand::Neg => "负号 -".into(),
        Operand::Not => "not ".into(),
        Operand::If => "if ".into(),
        Operand::Op(op) => format!("{} ", op.symbol()),
        Operand::LambdaOf(func) => format!("{func} 的 lambda "),
    }
}

fn arity(a: &Arity) -> String {
    match a {
        Arity::Exactly(n) => n.to_string(),
        Arity::Between(lo, hi) => format!("{lo} 到 {hi}"),
        Arity::OneOf(ns) => ns
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(" 或 "),
    }
}
