//! Codes of the expression checker (reported by `kaohe rules check` for the rule set's
//! expressions and message templates).

use super::{Code, Fixture, Info};
use crate::diag::Severity;

area! {
    /// A mistake in an expression or message template, found when the rule set loads
    /// (`crate::expr::ExprError`). Every one has a fixture `fixtures/rules/<code>/`.
    ExprCode => Expr {
        Syntax = "syntax", Error, Rules,
            "表达式或消息无法解析。",
            "检查括号、引号和运算符；见 docs/rules.md#syntax";
        UnknownName = "unknown-name", Error, Rules,
            "名称既不是 lambda 参数、let 名称、参数，也不是清单键。",
            "检查拼写；读一行的列要写 r.列名";
        UnknownFunction = "unknown-function", Error, Rules,
            "没有这个名称的内置函数。",
            "见 docs/functions.md 或 kaohe rules functions";
        UnknownColumn = "unknown-column", Error, Rules,
            "台账的证据声明中没有这一列。",
            "在 evidence.ledgers 下声明该列，或改正拼写";
        UnknownField = "unknown-field", Error, Rules,
            "记录没有这个字段，或没有任何文档声明了它。",
            "在 evidence 下声明该字段，或改正拼写";
        NoFields = "no-fields", Error, Rules,
            "对没有字段的值用了 .名称。",
            "只能从台账的行、记录和文档读取字段";
        WrongArity = "wrong-arity", Error, Rules,
            "调用函数时参数个数不对。",
            "见 docs/functions.md 中该函数的写法";
        TypeMismatch = "type-mismatch", Error, Rules,
            "参数、运算对象或整个表达式的类型不对。",
            "见 docs/rules.md#types；日期写作 date(\"2021-12-31\")";
        MisplacedLambda = "misplaced-lambda", Error, Rules,
            "在不接受 lambda 的地方写了 x => …。",
            "lambda 只能作为 filter、map、any、all 等函数的最后一个参数";
        BadDate = "bad-date", Error, Rules,
            "date(\"…\") 中的文字不是有效的 YYYY-MM-DD 日期。",
            "把日期写成 YYYY-MM-DD";
        BadArgument = "bad-argument", Error, Rules,
            "函数用不了的字面参数：取整步长不大于 0，或未知的取整规则。",
            "按大于 0 的步长取整（round(x, 0.01)、floor(x, 0.5)），规则写 \"half-up\" 或 \"half-even\"";
        DuplicateField = "duplicate-field", Error, Rules,
            "记录字面量中同一字段写了两次。",
            "删除其中一个";
    }
}
