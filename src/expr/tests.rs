use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::civil::Date;
use rust_decimal::Decimal;

use super::error::{ErrorKind, NameHint};
use super::*;
use crate::diag::ExprCode;
// The language is tested with its real host: the model's ledgers, documents and declaration.
use crate::model::evidence::{Document, Evidence, FileStatus, Ledger, LedgerRow, ManifestHeader};
use crate::model::schema::{
    ColumnDecl, DocumentDecl, EvidenceDecl, FieldType, LedgerDecl, TypeEnv,
};
use crate::value::{self, RecordType, Table, Type, Value};

fn col(name: &str, ty: FieldType) -> ColumnDecl {
    ColumnDecl {
        name: name.to_string(),
        ty,
    }
}

fn rec(fields: &[(&str, Type)]) -> Type {
    Type::Record(Arc::new(RecordType {
        fields: fields
            .iter()
            .map(|(k, t)| (k.to_string(), t.clone()))
            .collect(),
    }))
}

fn list(t: Type) -> Type {
    Type::List(Box::new(t))
}

pub(crate) fn env() -> TypeEnv {
    let decl = EvidenceDecl {
        ledgers: vec![
            LedgerDecl {
                name: "主动公开".into(),
                title: "政府信息主动公开台账".into(),
                required: vec![
                    col("标题", FieldType::Text),
                    col("栏目", FieldType::Text),
                    col("索引号", FieldType::Text),
                    col("成文日期", FieldType::Date),
                    col("发布日期", FieldType::Date),
                ],
                optional: vec![col("领域", FieldType::Text)],
                ..Default::default()
            },
            LedgerDecl {
                name: "依申请".into(),
                title: "依申请公开登记簿".into(),
                required: vec![
                    col("收件日期", FieldType::Date),
                    col("答复日期", FieldType::Date),
                    col("是否延期", FieldType::Flag),
                    col("办理结果", FieldType::Text),
                ],
                optional: vec![col("征求意见工作日", FieldType::Count { max: Some(60) })],
                ..Default::default()
            },
        ],
        documents: vec![
            DocumentDecl {
                name: "年度报告".into(),
                title: "政府信息公开工作年度报告".into(),
                fields: vec![
                    ("发布日期".into(), FieldType::Date),
                    ("链接".into(), FieldType::Text),
                ],
            },
            DocumentDecl {
                name: "公开指南".into(),
                title: "政府信息公开指南".into(),
                fields: vec![],
            },
        ],
        manifest: vec![],
    };
    let mut names = BTreeMap::new();
    names.insert(
        "台账".to_string(),
        rec(&[
            ("主动公开", list(Type::Row("主动公开".into()))),
            ("依申请", list(Type::Row("依申请".into()))),
        ]),
    );
    names.insert(
        "文档".to_string(),
        rec(&[("年度报告", Type::Doc), ("公开指南", Type::Doc)]),
    );
    names.insert("单位".to_string(), Type::Text);
    names.insert("考核年度".to_string(), Type::Num);
    names.insert("报送日期".to_string(), Type::Date);
    names.insert("重点领域".to_string(), list(Type::Text));
    names.insert("分类数量".to_string(), Type::Map(Box::new(Type::Num)));
    names.insert(
        "组织保障".to_string(),
        rec(&[
            (
                "领导小组",
                rec(&[("组长职务", Type::Text), ("文件", Type::Text)]),
            ),
            (
                "制度",
                list(rec(&[("名称", Type::Text), ("文件", Type::Text)])),
            ),
        ]),
    );
    names.insert("it".to_string(), Type::Row("依申请".into()));
    names.insert("index".to_string(), Type::Num);
    TypeEnv {
        names,
        evidence: Arc::new(decl),
    }
}

fn d(s: &str) -> Value {
    Value::Date(s.parse::<Date>().unwrap())
}

fn t(s: &str) -> Value {
    Value::text(s)
}

fn n(s: &str) -> Value {
    Value::Num(s.parse::<Decimal>().unwrap())
}

fn record(fields: Vec<(&str, Value)>) -> Value {
    Value::Record(Arc::new(value::Record {
        fields: fields.into_iter().map(|(k, v)| (Arc::from(k), v)).collect(),
    }))
}

struct Fixture {
    evidence: Evidence,
    calendar: Calendar,
    vars: Vars,
    proactive: Arc<Ledger>,
}

fn fixture() -> Fixture {
    let proactive = Arc::new(Ledger::new(
        "主动公开".into(),
        "台账/主动公开台账.xlsx".into(),
        Some("Sheet1".into()),
        ["标题", "栏目", "索引号", "成文日期", "发布日期", "领域"]
            .map(String::from)
            .to_vec(),
        vec![],
        vec![
            LedgerRow {
                number: 2,
                cells: vec![
                    t("通知A"),
                    t("政府文件"),
                    t("001"),
                    d("2021-09-30"),
                    d("2021-10-15"),
                    t("农田水利、社会救助"),
                ],
            },
            LedgerRow {
                number: 3,
                cells: vec![
                    t("动态B"),
                    t("工作动态"),
                    t("002"),
                    Value::Null,
                    d("2021-03-01"),
                    Value::Null,
                ],
            },
            LedgerRow {
                number: 4,
                cells: vec![
                    t("文件C"),
                    t("政府文件"),
                    Value::Null,
                    d("2026-12-01"),
                    d("2027-01-10"),
                    t("土地征收"),
                ],
            },
        ],
    ));
    let on_request = Arc::new(Ledger::new(
        "依申请".into(),
        "台账/依申请.csv".into(),
        None,
        [
            "收件日期",
            "答复日期",
            "是否延期",
            "办理结果",
            "征求意见工作日",
        ]
        .map(String::from)
        .to_vec(),
        vec!["征求意见工作日".into()],
        vec![LedgerRow {
            number: 2,
            cells: vec![
                d("2021-05-06"),
                Value::Null,
                Value::Bool(false),
                t("予以公开"),
                Value::Null,
            ],
        }],
    ));
    let rows = |l: &Arc<Ledger>| {
        Value::list(
            (0..l.rows.len())
                .map(|index| {
                    Value::Row(RowRef {
                        ledger: l.clone(),
                        index,
                    })
                })
                .collect(),
        )
    };
    let report = Arc::new(Document {
        name: "年度报告".into(),
        file: "文档/年报.html".into(),
        text: Some("一、总体情况二、主动公开政府信息情况".into()),
        lines: vec!["一、总体情况".into(), "二、主动公开政府信息情况".into()],
        tables: vec![
            Table {
                rows: vec![vec!["其他".into(), "1".into()]],
                file: "文档/年报.html".into(),
                number: 1,
            },
            Table {
                rows: vec![
                    vec![
                        "一、本年新收政府信息公开申请数量".into(),
                        "".into(),
                        "3".into(),
                        "x".into(),
                    ],
                    vec!["二、上年结转政府信息公开申请数量".into(), "0".into()],
                    vec!["(七)总计".into(), "2".into(), "-1".into()],
                    vec!["四、结转下年度继续办理".into(), "无".into()],
                ],
                file: "文档/年报.html".into(),
                number: 2,
            },
        ],
        fields: vec![(Arc::from("发布日期"), d("2022-01-20"))],
    });
    let guide = Arc::new(Document {
        name: "公开指南".into(),
        file: "文档/指南.pdf".into(),
        text: None,
        tables: vec![],
        lines: vec![],
        fields: vec![],
    });
    let mut vars = Vars::new();
    vars.set(
        "台账",
        record(vec![
            ("主动公开", rows(&proactive)),
            ("依申请", rows(&on_request)),
        ]),
    );
    vars.set(
        "文档",
        record(vec![
            ("年度报告", Value::Doc(report)),
            ("公开指南", Value::Doc(guide)),
        ]),
    );
    vars.set("单位", t("xx镇"));
    vars.set("考核年度", n("2021"));
    vars.set("报送日期", d("2022-01-10"));
    vars.set(
        "重点领域",
        Value::list(vec![t("农业农村政策"), t("农田水利"), t("社会救助")]),
    );
    vars.set(
        "分类数量",
        record(vec![("工作动态", n("1")), ("政府文件", n("3"))]),
    );
    vars.set(
        "组织保障",
        record(vec![(
            "领导小组",
            record(vec![
                ("组长职务", t("镇长（代）")),
                ("文件", t("材料/a.pdf")),
            ]),
        )]),
    );
    vars.set("index", n("1"));
    let mut files = BTreeMap::new();
    files.insert(
        "材料/a.pdf".to_string(),
        FileStatus::Ok {
            sha256: "00".into(),
        },
    );
    files.insert("材料/b.pdf".to_string(), FileStatus::Missing);
    files.insert("../x.pdf".to_string(), FileStatus::Refused);
    let evidence = Evidence {
        bundle: "xx镇-2021".into(),
        header: ManifestHeader {
            unit: "xx镇".into(),
            parent: None,
            year: 2021,
            ruleset: "county-zwgk-2021".into(),
            submitted: "2022-01-10".parse().unwrap(),
        },
        manifest: Value::Null,
        ledgers: BTreeMap::new(),
        documents: BTreeMap::new(),
        files,
        problems: vec![],
        key_lines: BTreeMap::new(),
        named_paths: BTreeMap::new(),
        list_items: BTreeMap::new(),
    };
    Fixture {
        evidence,
        calendar: Calendar::builtin(),
        vars,
        proactive,
    }
}

fn ctx(f: &Fixture) -> EvalCtx<'_> {
    EvalCtx {
        year: 2021,
        calendar: &f.calendar,
        evidence: &f.evidence,
        problems: RefCell::new(vec![]),
        row_stack: RefCell::new(vec![]),
    }
}

fn compile(src: &str) -> Expr {
    match Expr::compile(src, &env()) {
        Ok(e) => e,
        Err(errs) => panic!("{src}: {errs:?}"),
    }
}

/// Evaluates `src` against the fixture and renders the value as a message would.
fn run(src: &str) -> String {
    let f = fixture();
    let c = ctx(&f);
    let v = compile(src).eval(&c, &f.vars);
    assert!(c.row_stack.borrow().is_empty());
    match v {
        Value::Null => "null".to_string(),
        Value::Text(s) => format!("\"{s}\""),
        Value::List(_) => format!("[{v}]"),
        other => other.to_string(),
    }
}

fn errors(src: &str) -> Vec<ExprError> {
    match Expr::compile(src, &env()) {
        Ok(_) => panic!("{src} compiled"),
        Err(e) => e,
    }
}

#[test]
fn unknown_column_with_suggestion_and_span() {
    let src = "台账.主动公开.filter(r => r.栏木 == \"政府文件\")";
    let e = errors(src);
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].code(), ExprCode::UnknownColumn);
    assert_eq!(&src[e[0].span.clone()], "栏木");
    assert!(matches!(
        &*e[0].kind,
        ErrorKind::UnknownColumn { ledger, name, similar: Some(s), .. }
            if ledger == "主动公开" && name == "栏木" && s == "栏目"
    ));
    assert_eq!(
        e[0].to_string(),
        "台账「主动公开」没有声明列「栏木」：是否为「栏目」？"
    );
}

#[test]
fn error_codes_and_spans() {
    let cases: &[(&str, &str, &str)] = &[
        ("count(1, 2)", "wrong-arity", "count(1, 2)"),
        ("count()", "wrong-arity", "count()"),
        ("[1].count(2)", "wrong-arity", "[1].count(2)"),
        ("starts_with(1, \"a\")", "type-mismatch", "1"),
        ("1 == \"a\"", "type-mismatch", "1 == \"a\""),
        (
            "报送日期 < \"2021-01-01\"",
            "type-mismatch",
            "报送日期 < \"2021-01-01\"",
        ),
        ("cuont(台账.主动公开)", "unknown-function", "cuont"),
        ("单位x == 单位", "unknown-name", "单位x"),
        ("x => x", "misplaced-lambda", "x => x"),
        ("x => x.栏木", "misplaced-lambda", "x => x.栏木"),
        ("[1].any(x => x + 1)", "type-mismatch", "x => x + 1"),
        ("count(x => x)", "misplaced-lambda", "x => x"),
        ("台账.主动公开.filter(1)", "type-mismatch", "1"),
        ("date(\"2021-02-30\")", "bad-date", "\"2021-02-30\""),
        ("文档.年度报告.发布时间", "unknown-field", "发布时间"),
        ("组织保障.领导小组.组长", "unknown-field", "组长"),
        ("单位.长度", "no-fields", "长度"),
        ("1 + * 2", "syntax", "*"),
        ("a = 1", "syntax", "="),
        (
            "台账.主动公开.map(r => r.标题) + [1]",
            "type-mismatch",
            "台账.主动公开.map(r => r.标题) + [1]",
        ),
        ("1 in 2", "type-mismatch", "1 in 2"),
        ("not 1", "type-mismatch", "1"),
        ("sort([{a: 1}])", "type-mismatch", "[{a: 1}]"),
        ("contains([1], \"a\")", "type-mismatch", "\"a\""),
        ("{a: 1, a: 2}", "duplicate-field", "a"),
    ];
    for (src, code, at) in cases {
        let e = errors(src);
        assert_eq!(e[0].code().as_str(), *code, "{src}: {e:?}");
        assert_eq!(&src[e[0].span.clone()], *at, "{src}: {e:?}");
    }
    // Rendered once, in Chinese, with the values the error holds.
    assert_eq!(
        errors("cuont(台账.主动公开)")[0].to_string(),
        "没有名为「cuont」的函数：是否为「count」？"
    );
    assert_eq!(
        errors("count(1, 2)")[0].to_string(),
        "count 需要 1 个参数，实际写了 2 个：写法为 count(list) -> number"
    );
    assert_eq!(
        errors("报送日期 < \"2021-01-01\"")[0].to_string(),
        "不能比较日期（date）和文字（text）：日期要写成 date(\"2021-12-31\")"
    );
}

#[test]
fn helps() {
    assert_eq!(
        *errors("栏目 == \"x\"")[0].kind,
        ErrorKind::UnknownName {
            name: "栏目".into(),
            hint: NameHint::ColumnOf("主动公开".into())
        }
    );
    assert_eq!(
        errors("栏目 == \"x\"")[0].to_string(),
        "未知的名称「栏目」：栏目 是台账「主动公开」的列，要从一行中读取，如 r.栏目"
    );
    assert_eq!(
        errors("count")[0].to_string(),
        "未知的名称「count」：count 是函数，请这样调用：count(…)"
    );
    assert_eq!(
        errors("单位(1)")[0].to_string(),
        "没有名为「单位」的函数：单位 是一个值，不是函数"
    );
    assert_eq!(
        errors("台账.主动公开.filter(r => r.栏目 == 1)")[0].to_string(),
        "不能比较文字（text）和数字（number）"
    );
}

#[test]
fn shared_across_threads() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Expr>();
    send_sync::<Template>();
    send_sync::<Calendar>();
    send_sync::<ExprError>();
}

#[test]
fn sort_of_mixed_values_does_not_panic() {
    let f = fixture();
    let c = ctx(&f);
    let mut vars = f.vars.clone();
    let mixed: Vec<Value> = (0..200)
        .map(|i| match i % 4 {
            0 => n(&i.to_string()),
            1 => t("x"),
            2 => d("2021-01-01"),
            _ => Value::Bool(true),
        })
        .collect();
    vars.set("index", Value::list(mixed));
    let mut e = env();
    e.names.insert("index".into(), Type::Any);
    let x = Expr::compile("count(sort(index))", &e).unwrap();
    assert_eq!(x.eval(&c, &vars).to_string(), "200");
}

#[test]
fn all_errors_are_collected() {
    let src = "count(台账.主动公开.filter(r => r.栏木 == 1)) + foo(r.x) + 单位";
    let e = errors(src);
    let codes: Vec<&str> = e.iter().map(|e| e.code().as_str()).collect();
    // 栏木 unknown; foo unknown; r outside its lambda unknown; number + text.
    assert_eq!(
        codes,
        vec![
            "unknown-column",
            "unknown-function",
            "unknown-name",
            "type-mismatch"
        ],
        "{e:?}"
    );
}

#[test]
fn types() {
    let e = env();
    let ty = |s: &str| Expr::compile(s, &e).unwrap().ty().clone();
    assert_eq!(ty("count(台账.主动公开)"), Type::Num);
    assert_eq!(
        ty("台账.主动公开.filter(r => in_year(r.发布日期))"),
        list(Type::Row("主动公开".into()))
    );
    assert_eq!(ty("台账.主动公开.map(r => r.发布日期)"), list(Type::Date));
    assert_eq!(ty("文档.年度报告.发布日期"), Type::Date);
    assert_eq!(ty("文档.公开指南.文件"), Type::Text);
    assert_eq!(ty("分类数量.工作动态"), Type::Num);
    assert_eq!(ty("it.是否延期"), Type::Bool);
    assert_eq!(ty("entries(分类数量).map(e => e.value)"), list(Type::Num));
    assert_eq!(ty("flatten([[1], [2]])"), list(Type::Num));
    assert_eq!(ty("null ?? 1"), Type::Num);
}

#[test]
fn decimal_exactness_and_arithmetic() {
    assert_eq!(run("1 - 0.1 - 0.1 - 0.1 == 0.7"), "是");
    assert_eq!(run("1 - 0.1 - 0.1 - 0.1"), "0.7");
    assert_eq!(run("2 * 1.50"), "3");
    assert_eq!(run("1 / 3 * 3 == 1"), "否");
    assert_eq!(run("7 / 2"), "3.5");
    assert_eq!(run("1 / 0"), "null");
    assert_eq!(run("-(2 - 5)"), "3");
    assert_eq!(run("\"a\" + \"b\""), "\"ab\"");
    assert_eq!(run("[1] + [2, 3]"), "[1、2、3]");
    assert_eq!(run("79228162514264337593543950335 + 1"), "null");
}

#[test]
fn null_semantics() {
    // Comparisons with null are false; != is not ==.
    assert_eq!(run("null == null"), "否");
    assert_eq!(run("null != 1"), "是");
    assert_eq!(run("null < 1"), "否");
    assert_eq!(run("null >= 1"), "否");
    assert_eq!(run("null in [null]"), "否");
    assert_eq!(run("1 in null"), "否");
    // Arithmetic with null is null.
    assert_eq!(run("null + 1"), "null");
    assert_eq!(run("-null"), "null");
    // and/or/not/if treat null as false.
    assert_eq!(run("null or true"), "是");
    assert_eq!(run("null and true"), "否");
    assert_eq!(run("not null"), "是");
    assert_eq!(run("if null then 1 else 2"), "2");
    assert_eq!(run("null ?? 5"), "5");
    assert_eq!(run("3 ?? 5"), "3");
    // An empty cell behaves as null; the negated success condition catches it.
    assert_eq!(
        run(
            "台账.主动公开.filter(r => not (workdays(r.成文日期, r.发布日期) <= 20)).map(r => r.标题)"
        ),
        "[动态B、文件C]"
    );
    // Absent globals and fields are null.
    assert_eq!(run("组织保障.制度"), "null");
    assert_eq!(run("分类数量.会议通知 ?? 0"), "0");
}

#[test]
fn comparisons() {
    assert_eq!(run("\"政府文件\" == \"政府文件\""), "是");
    assert_eq!(run("\"政府文件\" == \"政府文件 \""), "否");
    assert_eq!(run("1.0 == 1"), "是");
    assert_eq!(run("2 > 1 and 1 <= 1 and 1 != 2"), "是");
    assert_eq!(run("报送日期 > date(\"2021-12-31\")"), "是");
    assert_eq!(run("\"b\" > \"a\""), "是");
    assert_eq!(run("2 in [1, 2]"), "是");
    assert_eq!(run("3 in [1, 2]"), "否");
    assert_eq!(run("true == false"), "否");
    assert_eq!(run("{a: 1} == {a: 1}"), "是");
    assert_eq!(run("[1, 2] == [1, 2]"), "是");
}

#[test]
fn list_functions() {
    assert_eq!(run("count(台账.主动公开)"), "3");
    assert_eq!(run("count(null)"), "0");
    assert_eq!(run("count([])"), "0");
    assert_eq!(run("sum([1, 2.5, null])"), "3.5");
    assert_eq!(run("sum([])"), "0");
    assert_eq!(run("sum(null)"), "0");
    assert_eq!(run("min(3, 2)"), "2");
    assert_eq!(run("max(3, 2)"), "3");
    assert_eq!(run("min(null, 2)"), "2");
    assert_eq!(run("max(3, null)"), "3");
    assert_eq!(run("min(null, null)"), "null");
    assert_eq!(run("floor(2.7)"), "2");
    assert_eq!(run("floor(-0.5)"), "-1");
    assert_eq!(run("floor((15 - 1) / 14)"), "1");
    assert_eq!(run("floor(null)"), "null");
    assert_eq!(
        run("台账.主动公开.filter(r => r.栏目 == \"政府文件\").map(r => r.标题)"),
        "[通知A、文件C]"
    );
    assert_eq!(run("[1, 2, 3].filter(x => x > 5)"), "[]");
    assert_eq!(run("filter(null, x => true)"), "null");
    assert_eq!(run("[1, 2].map(x => x * 10)"), "[10、20]");
    assert_eq!(run("any([1, 2], x => x > 1)"), "是");
    assert_eq!(run("any([1, 2], x => x > 2)"), "否");
    assert_eq!(run("any([], x => true)"), "否");
    assert_eq!(run("all([1, 2], x => x > 0)"), "是");
    assert_eq!(run("all([1, 2], x => x > 1)"), "否");
    assert_eq!(run("all([], x => false)"), "是");
    assert_eq!(run("all(null, x => true)"), "否");
    assert_eq!(run("distinct([2, 1, 2.0, null, 1])"), "[2、1]");
    assert_eq!(run("distinct([[1], [1], [2]])"), "[1、2]");
    assert_eq!(run("count(distinct(台账.主动公开 + 台账.主动公开))"), "3");
    assert_eq!(run("sort([3, null, 1, 2])"), "[1、2、3]");
    assert_eq!(
        run("sort([date(\"2021-03-01\"), date(\"2021-01-05\")])"),
        "[2021-01-05、2021-03-01]"
    );
    assert_eq!(run("sort([\"b\", \"a\"])"), "[a、b]");
    assert_eq!(run("flatten([[1, 2], [], [3]])"), "[1、2、3]");
    assert_eq!(run("flatten([])"), "[]");
    assert_eq!(run("range(1, 4)"), "[1、2、3、4]");
    assert_eq!(run("range(4, 1)"), "[]");
    assert_eq!(run("count(range(1, 100000))"), "100000");
    assert_eq!(run("range(1, 100001)"), "null");
    assert_eq!(run("range(0, 79228162514264337593543950335)"), "null");
    assert_eq!(run("range(1.5, 3)"), "null");
    assert_eq!(run("range(null, 3)"), "null");
    assert_eq!(
        run("entries(分类数量).map(e => e.key + \"=\" + \"x\")"),
        "[工作动态=x、政府文件=x]"
    );
    assert_eq!(run("entries(分类数量).map(e => e.value)"), "[1、3]");
    assert_eq!(run("entries({a: 1}).map(e => e.key)"), "[a]");
    assert_eq!(run("entries(null)"), "[]");
    // Nested lambdas see the outer parameter.
    assert_eq!(
        run("[1, 2].map(x => [10, 20].map(y => x + y))"),
        "[11、21、12、22]"
    );
}

#[test]
fn str_prints_a_value_as_messages_do() {
    assert_eq!(run("\"用时\" + str(21) + \"天\""), "\"用时21天\"");
    assert_eq!(run("str(1.50)"), "\"1.5\"");
    assert_eq!(run("str(date(\"2021-03-05\"))"), "\"2021-03-05\"");
    assert_eq!(run("str(null)"), "\"\"");
}

#[test]
fn join_prints_elements_as_messages_do() {
    assert_eq!(run("join([1, 2, 12], \"、\")"), "\"1、2、12\"");
    assert_eq!(run("join([1.50, null, 2], \",\")"), "\"1.5,2\"");
    assert_eq!(run("join([], \"、\")"), "\"\"");
    assert_eq!(run("join(null, \"、\")"), "\"\"");
}

#[test]
fn text_functions() {
    assert_eq!(run("contains(\"镇党委书记\", \"书记\")"), "是");
    assert_eq!(run("contains(\"镇长\", \"书记\")"), "否");
    assert_eq!(run("contains(重点领域, \"农田水利\")"), "是");
    assert_eq!(run("contains(重点领域, \"宅基地审核\")"), "否");
    assert_eq!(run("contains(null, \"a\")"), "否");
    assert_eq!(run("contains(\"a\", null)"), "否");
    assert_eq!(
        run("contains_any(\"通讯地址：x\", [\"通信地址\", \"通讯地址\"])"),
        "是"
    );
    assert_eq!(
        run("contains_any(\"联系电话\", [\"通信地址\", \"\"])"),
        "否"
    );
    assert_eq!(run("contains_any(null, [\"a\"])"), "否");
    assert_eq!(run("starts_with(\"予以公开\", \"予以\")"), "是");
    assert_eq!(run("starts_with(\"部分公开\", \"予以\")"), "否");
    assert_eq!(run("starts_with(null, \"予以\")"), "否");
    assert_eq!(run("ends_with(\"党委书记\", \"书记\")"), "是");
    assert_eq!(run("ends_with(\"书记员\", \"书记\")"), "否");
    assert_eq!(
        run("starts_with_any(\"其他处理\", [\"予以公开\", \"其他处理\"])"),
        "是"
    );
    assert_eq!(
        run("starts_with_any(\"已办\", [\"予以公开\", \"其他处理\"])"),
        "否"
    );
    assert_eq!(
        run("ends_with_any(\"街道办事处主任\", [\"书记\", \"办事处主任\"])"),
        "是"
    );
    assert_eq!(
        run("ends_with_any(\"党政办主任\", [\"书记\", \"办事处主任\"])"),
        "否"
    );
    assert_eq!(
        run("split(\" 农田水利、 社会救助;;/宅基地审核 \", \"、，,；;/\")"),
        "[农田水利、社会救助、宅基地审核]"
    );
    assert_eq!(run("split(null, \"、\")"), "[]");
    assert_eq!(run("split(\"、\", \"、\")"), "[]");
    assert_eq!(run("strip_trailing_paren(\"镇长（代）\")"), "\"镇长\"");
    assert_eq!(run("strip_trailing_paren(\"镇长 (代理)\")"), "\"镇长\"");
    assert_eq!(
        run("strip_trailing_paren(\"书记（兼（代））\")"),
        "\"书记\""
    );
    assert_eq!(run("strip_trailing_paren(\"党委书记\")"), "\"党委书记\"");
    assert_eq!(run("strip_trailing_paren(\"代）\")"), "\"代）\"");
    assert_eq!(run("strip_trailing_paren(null)"), "null");
    assert_eq!(run("last_number(\"2021年第3期\")"), "3");
    assert_eq!(run("last_number(\"第１２期\")"), "12");
    assert_eq!(run("shape(\"003287165/2021-00001\")"), "\"9/9-9\"");
    assert_eq!(
        run("shape(\"11340000MB0L00000A/2021-12\")"),
        "\"9A9A9A/9-9\""
    );
    assert_eq!(run("last_number(\"第十二期\")"), "null");
    assert_eq!(run("last_number(null)"), "null");
    assert_eq!(run("numbers(\"xx镇２０２０年第3期\")"), "[2020、3]");
    assert_eq!(run("numbers(\"无\")"), "[]");
    assert_eq!(run("numbers(null)"), "[]");
    assert_eq!(run("present(\"a\")"), "是");
    assert_eq!(run("present(\"\")"), "否");
    assert_eq!(run("present([])"), "否");
    assert_eq!(run("present(null)"), "否");
    assert_eq!(run("present(0)"), "是");
}

#[test]
fn date_functions() {
    assert_eq!(run("in_year(date(\"2021-12-31\"))"), "是");
    assert_eq!(run("in_year(date(\"2022-01-01\"))"), "否");
    assert_eq!(run("in_year(null)"), "否");
    assert_eq!(run("date(\"2021-12-31\")"), "2021-12-31");
    assert_eq!(run("date(单位)"), "null");
    assert_eq!(run("year(报送日期)"), "2022");
    assert_eq!(run("month(报送日期)"), "1");
    assert_eq!(run("day(报送日期)"), "10");
    assert_eq!(
        run("[1, 3, 4, 6, 7, 12].map(m => quarter(date(\"2021-0\" + \"1-01\")) + m - m)"),
        "[1、1、1、1、1、1]"
    );
    assert_eq!(run("quarter(date(\"2021-03-31\"))"), "1");
    assert_eq!(run("quarter(date(\"2021-04-01\"))"), "2");
    assert_eq!(run("quarter(date(\"2021-09-30\"))"), "3");
    assert_eq!(run("quarter(date(\"2021-12-01\"))"), "4");
    assert_eq!(run("year(null)"), "null");
    // 2020 is a leap year: 2020-02-01 → 2020-03-01 = 29 days.
    assert_eq!(
        run("days(date(\"2020-02-01\"), date(\"2020-03-01\"))"),
        "29"
    );
    assert_eq!(
        run("days(date(\"2021-03-01\"), date(\"2021-02-01\"))"),
        "-28"
    );
    assert_eq!(run("days(null, 报送日期)"), "null");
    // (2021-09-30, 2021-10-15]: Oct 8, 9 (调休), 11–15 → 7.
    assert_eq!(
        run("workdays(date(\"2021-09-30\"), date(\"2021-10-15\"))"),
        "7"
    );
    assert_eq!(
        run("workdays(date(\"2021-10-15\"), date(\"2021-09-30\"))"),
        "-7"
    );
    assert_eq!(run("workdays(null, 报送日期)"), "null");
    assert_eq!(run("add_workdays(date(\"2021-09-30\"), 20)"), "2021-11-03");
    assert_eq!(run("add_workdays(date(\"2021-09-30\"), 0)"), "2021-09-30");
    assert_eq!(run("add_workdays(date(\"2021-09-30\"), 1.5)"), "null");
    assert_eq!(run("add_workdays(null, 1)"), "null");
    assert_eq!(
        run(
            "date_gaps([date(\"2021-03-01\"), null, date(\"2021-01-15\"), date(\"2021-03-01\")], date(\"2021-01-01\"), date(\"2021-12-31\")).map(g => g.days)"
        ),
        // 01-01→01-15 = 14; 01-15→03-01 = 16 + 29 = 45; 03-01→12-31 = 305.
        "[14、45、305]"
    );
    assert_eq!(
        run("date_gaps([], date(\"2021-01-01\"), date(\"2021-12-31\")).map(g => g.days)"),
        "[364]"
    );
    assert_eq!(
        run("date_gaps([], date(\"2021-01-01\"), date(\"2021-12-31\")).map(g => g.from)"),
        "[2021-01-01]"
    );
    assert_eq!(run("date_gaps([], null, date(\"2021-12-31\"))"), "null");
}

#[test]
fn dates_from_parts_and_month_arithmetic() {
    // 次月5日 of a December date: month 13 carries into the next year.
    assert_eq!(
        run("date(2021, month(date(\"2021-12-18\")) + 1, 5)"),
        "2022-01-05"
    );
    assert_eq!(run("date(2021, 2, 29)"), "null");
    assert_eq!(run("date(2021, 2.5, 1)"), "null");
    assert_eq!(run("date(null, 2, 1)"), "null");
    assert_eq!(run("month_end(date(\"2020-02-10\"))"), "2020-02-29");
    assert_eq!(run("month_end(null)"), "null");
    // 前推6个月 from 2021-08-31: 2021-02-31 does not exist → the month end 02-28.
    assert_eq!(run("add_months(date(\"2021-08-31\"), -6)"), "2021-02-28");
    assert_eq!(run("add_months(date(\"2021-11-30\"), 3)"), "2022-02-28");
    assert_eq!(run("add_months(date(\"2021-11-30\"), 0.5)"), "null");
    // 12-25 + 15 days: 6 days to 12-31, 9 more → 2022-01-09.
    assert_eq!(run("add_days(date(\"2021-12-25\"), 15)"), "2022-01-09");
    assert_eq!(run("add_days(报送日期, -10)"), "2021-12-31");
    assert_eq!(run("add_days(null, 1)"), "null");
}

#[test]
fn extremes_ends_and_null_test() {
    assert_eq!(run("min([3, null, 1, 2])"), "1");
    assert_eq!(run("max([3, null, 1, 2])"), "3");
    assert_eq!(run("min(3, 1)"), "1");
    assert_eq!(run("min([])"), "null");
    assert_eq!(run("max(null)"), "null");
    assert_eq!(
        run("max(台账.主动公开.map(r => r.发布日期))"),
        // The fixture's 发布日期 are 2021-10-15, 2021-03-01 and 2027-01-10.
        "2027-01-10"
    );
    assert_eq!(run("first([2, 1])"), "2");
    assert_eq!(run("last([2, 1])"), "1");
    assert_eq!(run("first([])"), "null");
    assert_eq!(run("is_null(null)"), "是");
    assert_eq!(run("is_null(\"\")"), "否");
    assert_eq!(run("is_null(文档.公开指南)"), "否");
    assert_eq!(run("is_null(文档.年度报告.链接)"), "是");
    // min of a list has the list's element type: a date compares with a date.
    assert_eq!(
        run("min(台账.主动公开.map(r => r.发布日期)) < date(\"2021-04-01\")"),
        "是"
    );
    assert_eq!(errors("min([{a: 1}])")[0].code(), ExprCode::TypeMismatch);
    let e = errors("min(1, 2, 3)");
    assert_eq!(e[0].code(), ExprCode::WrongArity);
    assert_eq!(
        e[0].to_string(),
        "min 需要 2 或 1 个参数，实际写了 3 个：写法为 min(a: number, b: number) -> number 或 min(list<T>) -> T"
    );
}

#[test]
fn rounding_with_steps_and_rules() {
    assert_eq!(run("floor(2.7)"), "2");
    assert_eq!(run("floor(2.7, 0.5)"), "2.5");
    assert_eq!(run("ceil(2.1)"), "3");
    assert_eq!(run("ceil(2.1, 0.5)"), "2.5");
    // 6.104 → 6.1; 67.048 → 67.05; the tie 6.105 → 6.11 (half-up) or 6.1 (half-even).
    assert_eq!(run("round(6.104, 0.01)"), "6.1");
    assert_eq!(run("round(67.048, 0.01)"), "67.05");
    assert_eq!(run("round(6.105, 0.01)"), "6.11");
    assert_eq!(run("round(6.105, 0.01, \"half-even\")"), "6.1");
    assert_eq!(run("round(2.5)"), "3");
    assert_eq!(run("round(2.5, 1, \"half-even\")"), "2");
    // 75分 × 4/3 with 68.5 of 75: 91.3333… → 91.33.
    assert_eq!(run("round(68.5 * 4 / 3, 0.01)"), "91.33");
    assert_eq!(run("round(null, 0.01)"), "null");
    assert_eq!(run("round(1, null)"), "null");
    assert_eq!(run("round(1, 0.5 - 1)"), "null");
    assert_eq!(errors("round(1, 0)")[0].code().as_str(), "bad-argument");
    assert_eq!(run("round(1, -0.5)"), "null");
    assert_eq!(
        errors("round(1, 0.01, \"四舍五入\")")[0].code().as_str(),
        "bad-argument"
    );
    assert_eq!(
        errors("round(1, 0.01, \"half-up\", 2)")[0].code().as_str(),
        "wrong-arity"
    );
}

#[test]
fn local_let_in_lambdas() {
    assert_eq!(run("let x = 2; x * x"), "4");
    assert_eq!(run("let x = 2; let y = x + 1; x * y"), "6");
    assert_eq!(
        run(
            "台账.主动公开.filter(r => let d = days(r.成文日期, r.发布日期); d > 20 and d < 100).map(r => r.标题)"
        ),
        // 通知A: 09-30 → 10-15 = 15 days; 动态B: no 成文日期 (null); 文件C: 2026-12-01 →
        // 2027-01-10 = 30 + 10 = 40 days.
        "[文件C]"
    );
    // A let name shadows an outer one inside its body only.
    assert_eq!(run("[1, 2].map(x => let x = x * 10; x)"), "[10、20]");
    for (src, at) in [
        ("let x = 1 x", "x"),
        ("let = 1; 2", "="),
        ("let x 1; x", "1"),
        ("[1].map(r => let d = r; )", ")"),
    ] {
        let e = errors(src);
        assert_eq!(e[0].code(), ExprCode::Syntax, "{src}");
        let span = e[0].span.clone();
        assert_eq!(&src[span.clone()], at, "{src}: {e:?}");
    }
    assert_eq!(errors("let x = 1; y")[0].code().as_str(), "unknown-name");
    assert_eq!(
        errors("1 = 1")[0].to_string(),
        "表达式应在这里结束，实为`=`：比较相等请写 =="
    );
}

#[test]
fn missing_calendar_year_is_a_problem_on_the_row() {
    let f = fixture();
    let c = ctx(&f);
    let e = compile(
        "台账.主动公开.filter(r => not (workdays(r.成文日期, r.发布日期) <= 20)).map(r => r.标题)",
    );
    assert_eq!(e.eval(&c, &f.vars).to_string(), "动态B、文件C");
    let problems = c.problems.borrow();
    assert_eq!(problems.len(), 1);
    let p = &problems[0];
    assert_eq!(p.code, crate::diag::CalendarCode::YearMissing);
    assert_eq!(p.severity, crate::diag::Severity::Error);
    assert_eq!(p.file, "台账/主动公开台账.xlsx");
    assert_eq!(p.sheet.as_deref(), Some("Sheet1"));
    assert_eq!(p.row, Some(4));
    assert_eq!(p.column.as_deref(), Some("发布日期"));
    assert_eq!(p.value.as_deref(), Some("2027-01-10"));
    assert_eq!(p.message, "工作日历未包含2027年，无法计算工作日");
    assert!(c.row_stack.borrow().is_empty());
    drop(problems);

    // Outside any row: bundle.yaml.
    let c = ctx(&f);
    let e = compile("add_workdays(date(\"2026-12-30\"), 5)");
    assert!(e.eval(&c, &f.vars).is_null());
    let p = &c.problems.borrow()[0];
    assert_eq!(p.file, "bundle.yaml");
    assert_eq!(p.row, None);
    assert_eq!(p.value.as_deref(), Some("2026-12-30"));

    // `it` bound to a row by the caller (pushed on row_stack by the caller).
    let c = ctx(&f);
    c.row_stack.borrow_mut().push(RowRef {
        ledger: f.proactive.clone(),
        index: 0,
    });
    let e = compile("workdays(date(\"2018-06-01\"), 报送日期)");
    assert!(e.eval(&c, &f.vars).is_null());
    let p = &c.problems.borrow()[0];
    assert_eq!((p.row, p.column.as_deref()), (Some(2), None));
    assert_eq!(p.message, "工作日历未包含2018年，无法计算工作日");
    assert_eq!(p.value.as_deref(), Some("2018-06-01"));
}

#[test]
fn document_functions() {
    assert_eq!(
        run("text(文档.年度报告)"),
        "\"一、总体情况二、主动公开政府信息情况\""
    );
    assert_eq!(run("contains(text(文档.年度报告), \"总体情况\")"), "是");
    assert_eq!(run("text(文档.公开指南)"), "null");
    assert_eq!(run("文档.年度报告.发布日期"), "2022-01-20");
    assert_eq!(run("文档.年度报告.文件"), "\"文档/年报.html\"");
    assert_eq!(run("文档.年度报告.链接"), "null");
    assert_eq!(run("文档.公开指南.发布日期"), "null");
    // The first table with 本年新收 is the second; its row's rightmost integer is 3.
    assert_eq!(
        run("row_value(table(文档.年度报告, \"本年新收\"), \"本年新收\")"),
        "3"
    );
    assert_eq!(
        run("row_value(table(文档.年度报告, \"本年新收\"), \"上年结转\")"),
        "0"
    );
    // NFKC: （七） in the label matches (七) in the cell; -1 is not a non-negative integer.
    assert_eq!(
        run("row_value(table(文档.年度报告, \"本年新收\"), \"（七） 总计\")"),
        "2"
    );
    // A matching row without an integer cell counts as not found.
    assert_eq!(
        run("row_value(table(文档.年度报告, \"本年新收\"), \"结转下年度\")"),
        "null"
    );
    assert_eq!(
        run("row_value(table(文档.年度报告, \"本年新收\"), \"不存在\")"),
        "null"
    );
    assert_eq!(run("table(文档.年度报告, \"不存在\")"), "null");
    assert_eq!(run("table(文档.公开指南, \"本年新收\")"), "null");
    assert_eq!(run("row_value(null, \"本年新收\")"), "null");
    assert_eq!(
        run("row_value(table(文档.年度报告, \"其他\"), \"其他\")"),
        "1"
    );
}

#[test]
fn exists_function() {
    assert_eq!(run("exists(\"材料/a.pdf\")"), "是");
    assert_eq!(run("exists(\"./材料\\\\a.pdf\")"), "是");
    assert_eq!(run("exists(\"材料/b.pdf\")"), "否");
    assert_eq!(run("exists(\"../x.pdf\")"), "否");
    assert_eq!(run("exists(\"材料/c.pdf\")"), "否");
    assert_eq!(run("exists(null)"), "否");
    assert_eq!(run("exists(组织保障.领导小组.文件)"), "是");
}

#[test]
fn indicator_measures() {
    // 1.6 items.
    assert_eq!(
        run("台账.主动公开.filter(r => r.栏目 == \"政府文件\" and in_year(r.发布日期)).count()"),
        "1"
    );
    // 1.8: covered key areas.
    assert_eq!(
        run(
            "台账.主动公开.filter(r => in_year(r.发布日期)).map(r => split(r.领域, \"、，,；;/\")).flatten().filter(a => a in 重点领域).distinct().count()"
        ),
        "2"
    );
    // 7.1
    assert_eq!(
        run(
            "ends_with_any(strip_trailing_paren(组织保障.领导小组.组长职务), [\"书记\", \"镇长\", \"乡长\", \"办事处主任\"]) and not contains(组织保障.领导小组.组长职务, \"副\")"
        ),
        "是"
    );
    // 1.4: 断更 count per gap.
    assert_eq!(
        run(
            "date_gaps(台账.主动公开.filter(r => r.栏目 == \"工作动态\").map(r => r.发布日期), date(\"2021-01-01\"), date(\"2021-12-31\")).map(g => floor((g.days - 1) / 14)).sum()"
        ),
        // gaps: 01-01→03-01 = 59 → 4; 03-01→12-31 = 305 → 21.
        "25"
    );
    // 1.5: quarters missing.
    assert_eq!(
        run(
            "range(1, 4).filter(q => not any(台账.主动公开, r => quarter(r.发布日期) == q)).count()"
        ),
        "2"
    );
}

#[test]
fn templates() {
    let f = fixture();
    let c = ctx(&f);
    let e = env();
    let tpl = Template::compile(
        "{单位}：共{count(台账.主动公开)}条{{注}}，缺{分类数量.会议通知}；{1.50}，{报送日期}，{重点领域}，{[true, false]}",
        &e,
    )
    .unwrap();
    assert_eq!(
        tpl.render(&c, &f.vars),
        "xx镇：共3条{注}，缺空；1.5，2022-01-10，农业农村政策、农田水利、社会救助，是、否"
    );
    let mut vars = f.vars.clone();
    vars.set(
        "it",
        Value::Row(RowRef {
            ledger: f.proactive.clone(),
            index: 0,
        }),
    );
    let mut e2 = e.clone();
    e2.names.insert("it".into(), Type::Row("主动公开".into()));
    let tpl =
        Template::compile("{it.标题}：成文{it.成文日期}，发布{it.发布日期}，{it}", &e2).unwrap();
    assert_eq!(
        tpl.render(&c, &vars),
        "通知A：成文2021-09-30，发布2021-10-15，第2行"
    );
    assert_eq!(Template::compile("", &e).unwrap().render(&c, &f.vars), "");

    // Errors point into the whole template.
    let src = "标题{it.标提}，{cuont(1)}";
    let errs = Template::compile(src, &e2).unwrap_err();
    assert_eq!(errs.len(), 2);
    assert_eq!(&src[errs[0].span.clone()], "标提");
    assert!(
        errs[0].to_string().ends_with("是否为「标题」？"),
        "{}",
        errs[0]
    );
    assert_eq!(&src[errs[1].span.clone()], "cuont");
    let errs = Template::compile("a{1 +}b", &e).unwrap_err();
    assert_eq!(errs[0].span, 5..5); // the end of the hole `1 +`
    assert!(Template::compile("a}", &e).is_err());
}

#[test]
fn never_panics_on_odd_input() {
    let e = env();
    let inputs = [
        "",
        " ",
        "(",
        ")",
        "[",
        "{",
        "}",
        "\"",
        "'",
        ".",
        "..",
        "=>",
        "x =>",
        "a.(",
        "a.1",
        "if",
        "if a then",
        "not",
        "-",
        "1..2",
        "[1,]",
        "{a:}",
        "{:1}",
        "f(,)",
        "?? 1",
        "栏目",
        "count(",
        "（",
        "\u{feff}",
        "1e5",
        "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
        "٣",
        "a.b.c.d",
    ];
    for src in inputs {
        let _ = Expr::compile(src, &e);
        let _ = Template::compile(src, &e);
    }
}

/// A tiny deterministic generator (no `rand` dependency needed).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

const ATOMS: &[&str] = &[
    "1",
    "0",
    "-1",
    "0.5",
    "79228162514264337593543950335",
    "\"政府文件\"",
    "\"\"",
    "null",
    "true",
    "[]",
    "[1, 2]",
    "[\"a\", \"b\"]",
    "报送日期",
    "date(\"2027-01-01\")",
    "date(\"2018-12-31\")",
    "台账.主动公开",
    "台账.依申请",
    "文档.年度报告",
    "文档.公开指南",
    "分类数量",
    "重点领域",
    "单位",
    "考核年度",
    "it",
    "it.收件日期",
    "{a: 1}",
    "range(1, 3)",
    "table(文档.年度报告, \"本年新收\")",
];

fn gen_expr(rng: &mut Lcg, depth: usize, params: &mut Vec<String>) -> String {
    let k = if depth == 0 { 0 } else { rng.next(6) };
    match k {
        0 => {
            if !params.is_empty() && rng.next(2) == 0 {
                let p = params[rng.next(params.len())].clone();
                let cols = [
                    "",
                    ".栏目",
                    ".发布日期",
                    ".成文日期",
                    ".标题",
                    ".收件日期",
                    ".key",
                ];
                format!("{p}{}", cols[rng.next(cols.len())])
            } else {
                ATOMS[rng.next(ATOMS.len())].to_string()
            }
        }
        1 | 2 => {
            let fs = functions::functions();
            let f = &fs[rng.next(fs.len())];
            let mut args = Vec::new();
            for p in f.params {
                if matches!(p, functions::Param::Pred | functions::Param::Lambda) {
                    let name = format!("p{}", params.len());
                    params.push(name.clone());
                    let body = gen_expr(rng, depth - 1, params);
                    params.pop();
                    args.push(format!("{name} => {body}"));
                } else {
                    args.push(gen_expr(rng, depth - 1, params));
                }
            }
            if !args.is_empty() && rng.next(2) == 0 {
                let recv = args.remove(0);
                format!("({recv}).{}({})", f.name, args.join(", "))
            } else {
                format!("{}({})", f.name, args.join(", "))
            }
        }
        3 => {
            let ops = [
                "+", "-", "*", "/", "==", "!=", "<", ">=", "and", "or", "??", "in",
            ];
            format!(
                "({} {} {})",
                gen_expr(rng, depth - 1, params),
                ops[rng.next(ops.len())],
                gen_expr(rng, depth - 1, params)
            )
        }
        4 => format!(
            "if {} then {} else {}",
            gen_expr(rng, depth - 1, params),
            gen_expr(rng, depth - 1, params),
            gen_expr(rng, depth - 1, params)
        ),
        _ => format!(
            "[{}, {}]",
            gen_expr(rng, depth - 1, params),
            gen_expr(rng, depth - 1, params)
        ),
    }
}

#[test]
fn random_expressions_never_panic() {
    let f = fixture();
    let e = env();
    let mut rng = Lcg(42);
    let mut compiled = 0;
    for i in 0..6000 {
        let src = gen_expr(&mut rng, 1 + i % 4, &mut Vec::new());
        if let Ok(x) = Expr::compile(&src, &e) {
            compiled += 1;
            let c = ctx(&f);
            let _ = x.eval(&c, &f.vars).to_string();
            assert!(c.row_stack.borrow().is_empty(), "{src}");
        }
        // Token soup from the same pieces, cut at random char boundaries.
        let cut: String = src
            .chars()
            .take(rng.next(src.chars().count() + 1))
            .collect();
        let _ = Expr::compile(&cut, &e);
        let _ = Template::compile(&format!("x{{{cut}}}y"), &e);
    }
    // The generator must reach the evaluator often enough to mean something.
    assert!(compiled > 1000, "only {compiled} compiled");
}

#[test]
fn row_stack_is_balanced() {
    let f = fixture();
    let c = ctx(&f);
    let e =
        compile("any(台账.主动公开, r => any(台账.依申请, a => a.是否延期 or present(r.标题)))");
    assert_eq!(e.eval(&c, &f.vars).to_string(), "是");
    assert!(c.row_stack.borrow().is_empty());
}

#[test]
fn columns_out_of_declared_order_still_read_by_name() {
    let f = fixture();
    let c = ctx(&f);
    let ledger = Arc::new(Ledger::new(
        "主动公开".into(),
        "x.csv".into(),
        None,
        vec!["发布日期".into(), "标题".into()],
        vec![],
        vec![LedgerRow {
            number: 2,
            cells: vec![d("2021-05-01"), t("甲")],
        }],
    ));
    let mut vars = f.vars.clone();
    vars.set(
        "台账",
        record(vec![(
            "主动公开",
            Value::list(vec![Value::Row(RowRef { ledger, index: 0 })]),
        )]),
    );
    let e = compile("台账.主动公开.map(r => r.标题 + \"/\" + (r.栏目 ?? \"无\"))");
    assert_eq!(e.eval(&c, &vars).to_string(), "甲/无");
    let e = compile("台账.主动公开.map(r => r.发布日期)");
    assert_eq!(e.eval(&c, &vars).to_string(), "2021-05-01");
}
