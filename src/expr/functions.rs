//! The one table of built-in functions: name, parameter types, result type, documentation and
//! an example. The checker reads it for arity and types, the evaluator dispatches on `Func`,
//! and `kaohe` can print it.

/// Which built-in a call runs (the evaluator matches on it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Func {
    Count,
    Sum,
    Min,
    Max,
    Floor,
    Ceil,
    Round,
    MinOf,
    MaxOf,
    First,
    Last,
    IsNull,
    Filter,
    Map,
    Any,
    All,
    Distinct,
    CountBy,
    Sort,
    Flatten,
    Range,
    Entries,
    Contains,
    ContainsAny,
    StartsWith,
    EndsWith,
    StartsWithAny,
    EndsWithAny,
    Split,
    Join,
    Str,
    StripTrailingParen,
    LastNumber,
    Numbers,
    Shape,
    Present,
    InYear,
    Date,
    DateParts,
    MonthEnd,
    AddDays,
    AddMonths,
    Year,
    Month,
    Quarter,
    Day,
    Days,
    Workdays,
    AddWorkdays,
    DateGaps,
    Text,
    Table,
    RowValue,
    // Report lines and Table 3 (issue 9).
    Lines,
    Normalize,
    StripMarkdown,
    StripNumbering,
    TableRows,
    CellNumber,
    RowNumbers,
    ColumnSums,
    StrictSum,
    At,
    Take,
    LastN,
    Exists,
}

/// What an argument must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Param {
    /// Any value (not a lambda).
    Any,
    Num,
    Text,
    Date,
    Doc,
    Table,
    /// A list of anything.
    List,
    ListOfNum,
    ListOfText,
    ListOfDate,
    /// A text or a list (`contains`).
    TextOrList,
    /// A map or a record (`entries`).
    MapOrRecord,
    /// `x => bool`, `x` bound to each element of the first argument.
    Pred,
    /// `x => value`, `x` bound to each element of the first argument.
    Lambda,
}

/// The result type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ret {
    Num,
    Bool,
    Text,
    Date,
    Table,
    ListOfNum,
    ListOfText,
    /// The type of the first argument (`filter`, `distinct`, `sort`).
    First,
    /// The element type of the first argument (`first`, `last`, `min` of a list).
    Element,
    /// A list of the lambda body's type (`map`).
    ListOfBody,
    /// The element type of the first argument (a list of lists) (`flatten`).
    Flattened,
    /// `{key, value}` records (`entries`).
    Entries,
    /// `{from, to, days}` records (`date_gaps`).
    Gaps,
    /// `{item, count, nth, first}` records, `item`/`first` of the first argument's element
    /// type (`count_by`).
    CountBy,
    /// `{row, cells}` records (`table_rows`).
    TableRows,
}

/// One built-in function.
#[derive(Debug, Clone)]
pub(crate) struct FunctionDef {
    pub name: &'static str,
    /// How it is called, e.g. `workdays(a: date, b: date) -> number`.
    pub signature: &'static str,
    /// One line: what it does, including what it does with `null`.
    pub doc: &'static str,
    /// An expression using it (compiled by a unit test).
    pub example: &'static str,
    pub func: Func,
    pub params: &'static [Param],
    /// How many trailing parameters may be left out (`round(n)`, `round(n, 0.5)`).
    pub optional: usize,
    pub ret: Ret,
}

impl FunctionDef {
    /// Whether a call with `n` arguments fits this entry.
    pub(crate) fn takes(&self, n: usize) -> bool {
        n <= self.params.len() && n + self.optional >= self.params.len()
    }
}

macro_rules! f {
    ($name:literal, $func:ident, [$($p:ident),*], $ret:ident, $sig:literal, $doc:literal, $ex:literal) => {
        FunctionDef {
            name: $name,
            signature: $sig,
            doc: $doc,
            example: $ex,
            func: Func::$func,
            params: &[$(Param::$p),*],
            optional: 0,
            ret: Ret::$ret,
        }
    };
    // The same, with the last `$opt` parameters optional.
    ($name:literal, $func:ident, [$($p:ident),*] opt $opt:literal, $ret:ident, $sig:literal, $doc:literal, $ex:literal) => {
        FunctionDef {
            name: $name,
            signature: $sig,
            doc: $doc,
            example: $ex,
            func: Func::$func,
            params: &[$(Param::$p),*],
            optional: $opt,
            ret: Ret::$ret,
        }
    };
}

static FUNCTIONS: &[FunctionDef] = &[
    f!(
        "count",
        Count,
        [List],
        Num,
        "count(list) -> number",
        "Number of elements; null → 0.",
        "count(台账.主动公开)"
    ),
    f!(
        "sum",
        Sum,
        [ListOfNum],
        Num,
        "sum(list<number>) -> number",
        "Sum of the numbers; nulls skipped; [] and null → 0.",
        "sum([1, 2.5, null])"
    ),
    f!(
        "min",
        Min,
        [Num, Num],
        Num,
        "min(a: number, b: number) -> number",
        "The smaller; a null argument → the other.",
        "min(3, 2)"
    ),
    f!(
        "max",
        Max,
        [Num, Num],
        Num,
        "max(a: number, b: number) -> number",
        "The larger; a null argument → the other.",
        "max(0, 3 - 5)"
    ),
    f!(
        "min",
        MinOf,
        [List],
        Element,
        "min(list<T>) -> T",
        "The smallest of a list of numbers, dates or texts; nulls skipped; [] and null → null.",
        "min([date(\"2021-03-01\"), date(\"2021-01-05\")])"
    ),
    f!(
        "max",
        MaxOf,
        [List],
        Element,
        "max(list<T>) -> T",
        "The largest of a list of numbers, dates or texts; nulls skipped; [] and null → null.",
        "max(台账.主动公开.map(r => r.发布日期))"
    ),
    f!(
        "floor",
        Floor,
        [Num, Num] opt 1,
        Num,
        "floor(n: number, step: number = 1) -> number",
        "Round down to a multiple of step (floor(2.7) = 2, floor(2.7, 0.5) = 2.5); null, or a step not above 0 → null.",
        "floor((29 - 1) / 14)"
    ),
    f!(
        "ceil",
        Ceil,
        [Num, Num] opt 1,
        Num,
        "ceil(n: number, step: number = 1) -> number",
        "Round up to a multiple of step (ceil(2.1) = 3, ceil(2.1, 0.5) = 2.5); null, or a step not above 0 → null.",
        "ceil(45 / 20)"
    ),
    f!(
        "round",
        Round,
        [Num, Num, Text] opt 2,
        Num,
        "round(n: number, step: number = 1, rule: text = \"half-up\") -> number",
        "The nearest multiple of step; a tie goes by rule: \"half-up\" (四舍五入, away from zero) or \"half-even\" (银行家舍入, to the even multiple); null, a step not above 0 or another rule → null.",
        "round(6.105, 0.01)"
    ),
    f!(
        "filter",
        Filter,
        [List, Pred],
        First,
        "filter(list, x => bool) -> list",
        "The elements for which the condition is true (null counts as false); null → null.",
        "台账.主动公开.filter(r => r.栏目 == \"工作动态\")"
    ),
    f!(
        "map",
        Map,
        [List, Lambda],
        ListOfBody,
        "map(list, x => value) -> list",
        "The value for each element, in order; null → null.",
        "台账.主动公开.map(r => r.发布日期)"
    ),
    f!(
        "count_by",
        CountBy,
        [List, Lambda],
        CountBy,
        "count_by(list, x => key) -> list<{item, count, nth, first}>",
        "Each element with how many elements share its key (count), its place among them (nth, 1-based) and the first of them (first), in one pass; a null key (or a list key holding a null) → count 1; null → null.",
        "count_by(台账.主动公开, r => r.索引号).filter(e => e.count > 1)"
    ),
    f!(
        "any",
        Any,
        [List, Pred],
        Bool,
        "any(list, x => bool) -> bool",
        "Some element satisfies the condition; [] and null → false.",
        "any([1, 2, 3], x => x > 2)"
    ),
    f!(
        "all",
        All,
        [List, Pred],
        Bool,
        "all(list, x => bool) -> bool",
        "Every element satisfies the condition; [] → true, null → false.",
        "all([1, 2, 3], x => x > 0)"
    ),
    f!(
        "distinct",
        Distinct,
        [List],
        First,
        "distinct(list) -> list",
        "First occurrence of each value, in order; nulls dropped; null → [].",
        "distinct([2, 1, 2, null])"
    ),
    f!(
        "sort",
        Sort,
        [List],
        First,
        "sort(list) -> list",
        "Ascending (numbers, dates or texts); nulls dropped; null → [].",
        "sort([date(\"2021-03-01\"), date(\"2021-01-05\")])"
    ),
    f!(
        "flatten",
        Flatten,
        [List],
        Flattened,
        "flatten(list<list<T>>) -> list<T>",
        "A list of lists → one list, in order; null elements dropped; null → [].",
        "flatten([[1, 2], [3]])"
    ),
    f!(
        "first",
        First,
        [List],
        Element,
        "first(list<T>) -> T",
        "The first element; [] and null → null.",
        "first(sort([3, 1, 2]))"
    ),
    f!(
        "last",
        Last,
        [List],
        Element,
        "last(list<T>) -> T",
        "The last element; [] and null → null.",
        "last(sort([3, 1, 2]))"
    ),
    f!(
        "range",
        Range,
        [Num, Num],
        ListOfNum,
        "range(a: number, b: number) -> list<number>",
        "Whole numbers a, a+1, …, b (empty when b < a); null, a fraction or more than 100000 elements → null.",
        "range(1, 12)"
    ),
    f!(
        "entries",
        Entries,
        [MapOrRecord],
        Entries,
        "entries(map) -> list<{key, value}>",
        "{key, value} records of a map or record, in written order; null → [].",
        "entries({农田水利: 3, 社会救助: 1}).map(e => e.key)"
    ),
    f!(
        "contains",
        Contains,
        [TextOrList, Any],
        Bool,
        "contains(x: text | list, y) -> bool",
        "Text x contains text y, or list x contains value y; a null argument → false.",
        "contains(\"镇党委书记\", \"书记\")"
    ),
    f!(
        "contains_any",
        ContainsAny,
        [Text, ListOfText],
        Bool,
        "contains_any(t: text, parts: list<text>) -> bool",
        "t contains at least one of the (non-empty) texts; null → false.",
        "contains_any(\"通讯地址：xx路1号\", [\"通信地址\", \"通讯地址\"])"
    ),
    f!(
        "starts_with",
        StartsWith,
        [Text, Text],
        Bool,
        "starts_with(t: text, prefix: text) -> bool",
        "Prefix test; null → false.",
        "starts_with(\"予以公开\", \"予以\")"
    ),
    f!(
        "ends_with",
        EndsWith,
        [Text, Text],
        Bool,
        "ends_with(t: text, suffix: text) -> bool",
        "Suffix test; null → false.",
        "ends_with(\"镇长\", \"镇长\")"
    ),
    f!(
        "starts_with_any",
        StartsWithAny,
        [Text, ListOfText],
        Bool,
        "starts_with_any(t: text, prefixes: list<text>) -> bool",
        "t starts with one of the (non-empty) prefixes; null → false.",
        "starts_with_any(\"部分公开\", [\"予以公开\", \"部分公开\"])"
    ),
    f!(
        "ends_with_any",
        EndsWithAny,
        [Text, ListOfText],
        Bool,
        "ends_with_any(t: text, suffixes: list<text>) -> bool",
        "t ends with one of the (non-empty) suffixes; null → false.",
        "ends_with_any(\"党委书记\", [\"书记\", \"镇长\"])"
    ),
    f!(
        "split",
        Split,
        [Text, Text],
        ListOfText,
        "split(t: text, seps: text) -> list<text>",
        "Split at any character of seps, trim each part, drop empty parts; null → [].",
        "split(\"农田水利、社会救助\", \"、，,；;/\")"
    ),
    f!(
        "join",
        Join,
        [List, Text],
        Text,
        "join(list, sep: text) -> text",
        "The elements as messages print them (dates 2021-03-05, numbers 1.5), nulls dropped, between sep; null → \"\".",
        "join([1, 2, 12], \"、\")"
    ),
    f!(
        "str",
        Str,
        [Any],
        Text,
        "str(x) -> text",
        "The value as messages print it (dates 2021-03-05, numbers 1.5, rows 第N行); null → \"\".",
        "\"用时\" + str(21) + \"个工作日\""
    ),
    f!(
        "strip_trailing_paren",
        StripTrailingParen,
        [Text],
        Text,
        "strip_trailing_paren(t: text) -> text",
        "Remove one trailing （…） or (…) group and the spaces before it; null → null.",
        "strip_trailing_paren(\"镇长（代）\")"
    ),
    f!(
        "last_number",
        LastNumber,
        [Text],
        Num,
        "last_number(t: text) -> number",
        "The last run of digits (ASCII or full-width); none or null → null.",
        "last_number(\"2021年第3期\")"
    ),
    f!(
        "numbers",
        Numbers,
        [Text],
        ListOfNum,
        "numbers(t: text) -> list<number>",
        "Every run of digits (ASCII or full-width), in order; null → [].",
        "numbers(\"xx镇2020年政府信息公开工作年度报告\")"
    ),
    f!(
        "shape",
        Shape,
        [Text],
        Text,
        "shape(t: text) -> text",
        "The form of a code: each run of digits (ASCII or full-width) becomes 9, each run of Latin letters A, the rest is kept; null → null.",
        "shape(\"003287165/2021-00001\")"
    ),
    f!(
        "present",
        Present,
        [Any],
        Bool,
        "present(x) -> bool",
        "Not null, not empty text, not an empty list.",
        "present(\"\")"
    ),
    f!(
        "is_null",
        IsNull,
        [Any],
        Bool,
        "is_null(x) -> bool",
        "x is null: an empty or unreadable cell, an absent key, a missing ledger or document (`x == null` is always false; write is_null(x)).",
        "is_null(文档.年度报告)"
    ),
    f!(
        "in_year",
        InYear,
        [Date],
        Bool,
        "in_year(d: date) -> bool",
        "d is in the rule set's year Y (Y-01-01 … Y-12-31); null → false.",
        "in_year(date(\"2021-06-30\"))"
    ),
    f!(
        "date",
        Date,
        [Text],
        Date,
        "date(t: text) -> date",
        "A date written YYYY-MM-DD (a literal is checked when the rules load); otherwise null.",
        "date(\"2021-12-31\")"
    ),
    f!(
        "date",
        DateParts,
        [Num, Num, Num],
        Date,
        "date(y: number, m: number, d: number) -> date",
        "The date y-m-d; a month outside 1–12 moves into the next or previous year (date(2021, 13, 5) = 2022-01-05); a day the month does not have, a fraction or null → null.",
        "date(2021, month(date(\"2021-03-18\")) + 1, 5)"
    ),
    f!(
        "month_end",
        MonthEnd,
        [Date],
        Date,
        "month_end(d: date) -> date",
        "The last day of d's month; null → null.",
        "month_end(date(\"2021-02-10\"))"
    ),
    f!(
        "add_days",
        AddDays,
        [Date, Num],
        Date,
        "add_days(d: date, n: number) -> date",
        "The day n 自然日 after d (before it when n < 0); null, or n not whole → null.",
        "add_days(date(\"2021-12-25\"), 15)"
    ),
    f!(
        "add_months",
        AddMonths,
        [Date, Num],
        Date,
        "add_months(d: date, n: number) -> date",
        "The same day n months later (earlier when n < 0), clipped to the month's last day (2021-08-31 + 6 → 2022-02-28); null, or n not whole → null.",
        "add_months(date(\"2021-12-31\"), -6)"
    ),
    f!(
        "year",
        Year,
        [Date],
        Num,
        "year(d: date) -> number",
        "The year of d; null → null.",
        "year(date(\"2021-12-31\"))"
    ),
    f!(
        "month",
        Month,
        [Date],
        Num,
        "month(d: date) -> number",
        "The month of d (1–12); null → null.",
        "month(date(\"2021-12-31\"))"
    ),
    f!(
        "quarter",
        Quarter,
        [Date],
        Num,
        "quarter(d: date) -> number",
        "The quarter of d (1–4); null → null.",
        "quarter(date(\"2021-05-01\"))"
    ),
    f!(
        "day",
        Day,
        [Date],
        Num,
        "day(d: date) -> number",
        "The day of the month of d; null → null.",
        "day(date(\"2021-12-31\"))"
    ),
    f!(
        "days",
        Days,
        [Date, Date],
        Num,
        "days(a: date, b: date) -> number",
        "自然日间隔 b − a in calendar days; null → null.",
        "days(date(\"2021-01-01\"), date(\"2021-01-15\"))"
    ),
    f!(
        "workdays",
        Workdays,
        [Date, Date],
        Num,
        "workdays(a: date, b: date) -> number",
        "工作日间隔: working days d with a < d ≤ b (negative when b < a); null when a date is null or a needed year is not in the calendar (a data problem names the year).",
        "workdays(date(\"2021-09-30\"), date(\"2021-10-15\"))"
    ),
    f!(
        "add_workdays",
        AddWorkdays,
        [Date, Num],
        Date,
        "add_workdays(a: date, n: number) -> date",
        "The n-th working day after a (a itself for 0); null as for workdays, or when n is not whole.",
        "add_workdays(date(\"2021-09-30\"), 20)"
    ),
    f!(
        "date_gaps",
        DateGaps,
        [ListOfDate, Date, Date],
        Gaps,
        "date_gaps(dates: list<date>, start: date, end: date) -> list<{from, to, days}>",
        "Distinct dates ascending d1…dn → gaps start→d1, d1→d2, …, dn→end (days = to − from); no dates → one gap start→end; null start or end → null.",
        "date_gaps([date(\"2021-03-01\")], date(\"2021-01-01\"), date(\"2021-12-31\")).map(g => g.days)"
    ),
    f!(
        "text",
        Text,
        [Doc],
        Text,
        "text(doc: document) -> text",
        "The document's text for text checks (whitespace removed); null when unreadable.",
        "contains(text(文档.公开指南), \"联系电话\")"
    ),
    f!(
        "table",
        Table,
        [Doc, Text],
        Table,
        "table(doc: document, label: text) -> table",
        "The first table with a row one cell of which contains label (NFKC, whitespace removed); null when none.",
        "table(文档.年度报告, \"本年新收\")"
    ),
    f!(
        "row_value",
        RowValue,
        [Table, Text],
        Num,
        "row_value(t: table, label: text) -> number",
        "In the first row matching label, the rightmost cell that is a non-negative integer in digits; null when none.",
        "row_value(table(文档.年度报告, \"本年新收\"), \"（七）总计\")"
    ),
    f!(
        "lines",
        Lines,
        [Doc],
        ListOfText,
        "lines(doc: document) -> list<text>",
        "The document's lines: md/txt lines, HTML blocks (p, h1–h6, div, li, td, th, stretches between <br>) with inline tags removed, .docx paragraphs, PDF text lines; entities decoded, trimmed, empty lines dropped; null when unreadable.",
        "lines(文档.年度报告).filter(l => contains(l, \"总体情况\"))"
    ),
    f!(
        "normalize",
        Normalize,
        [Text],
        Text,
        "normalize(t: text) -> text",
        "NFKC applied (（七） reads as (七), full-width digits as digits), every whitespace character removed; null → null.",
        "normalize(\"（七）　总计\")"
    ),
    f!(
        "strip_markdown",
        StripMarkdown,
        [Text],
        Text,
        "strip_markdown(t: text) -> text",
        "Emphasis markers ** and __ removed wherever they stand, then leading Markdown markers (# > - * + and spaces) removed; null → null.",
        "strip_markdown(\"## **一、总体情况**\")"
    ),
    f!(
        "strip_numbering",
        StripNumbering,
        [Text],
        Text,
        "strip_numbering(t: text) -> text",
        "One leading part number removed: 一–九 or digits followed by one of 、.．，,；; or written （一）(一)（1）(1), or 第一部分 / 第一; text without one is unchanged; null → null.",
        "strip_numbering(\"五、存在的主要问题及改进情况\")"
    ),
    f!(
        "table_rows",
        TableRows,
        [Table],
        TableRows,
        "table_rows(t: table) -> list<{row, cells}>",
        "The table's rows as a browser lays them out (spanning cells repeated, short rows padded with empty slots): row is the 1-based row number, cells the cell texts (NFKC, whitespace removed); null → null.",
        "table_rows(table(文档.年度报告, \"本年新收\")).map(r => r.row)"
    ),
    f!(
        "cell_number",
        CellNumber,
        [Text],
        Num,
        "cell_number(t: text) -> number",
        "A table cell as a count: empty or a placeholder (无 / - — －) → 0, a non-negative whole number in digits → its value, anything else (\"1件\") → null.",
        "cell_number(\"１２\")"
    ),
    f!(
        "row_numbers",
        RowNumbers,
        [Table, Num, ListOfText],
        ListOfNum,
        "row_numbers(t: table, row: number, columns: list<text>) -> list<number>",
        "The last count(columns) slots of table row `row` (1-based) read by cell_number; a slot that is not a count is null and a data problem naming the file, the table row, the column (from columns) and the text; null row → null.",
        "row_numbers(table(文档.年度报告, \"本年新收\"), 1, [\"总计\"])"
    ),
    f!(
        "column_sums",
        ColumnSums,
        [List, Num],
        ListOfNum,
        "column_sums(rows: list<list<number>>, n: number) -> list<number>",
        "n sums, the i-th adding the i-th number of every row; null where a row lacks it or holds null there; no rows → n zeros.",
        "column_sums([[1, 2], [3, 4]], 2)"
    ),
    f!(
        "strict_sum",
        StrictSum,
        [ListOfNum],
        Num,
        "strict_sum(list<number>) -> number",
        "Sum of the numbers, but null when any element (or the list) is null: an unreadable cell makes the sum unknown, unlike sum; [] → 0.",
        "strict_sum([1, 2, 3])"
    ),
    f!(
        "at",
        At,
        [List, Num],
        Element,
        "at(list, n: number) -> element",
        "The n-th element (1-based); null when n is out of range or not whole, or the list is null.",
        "at([\"a\", \"b\"], 2)"
    ),
    f!(
        "take",
        Take,
        [List, Num],
        First,
        "take(list, n: number) -> list",
        "The first n elements (all when the list is shorter, none when n ≤ 0); null → null.",
        "take([1, 2, 3], 2)"
    ),
    f!(
        "last",
        LastN,
        [List, Num],
        First,
        "last(list, n: number) -> list",
        "The last n elements (all when the list is shorter, none when n ≤ 0); null → null.",
        "last([1, 2, 3], 2)"
    ),
    f!(
        "exists",
        Exists,
        [Text],
        Bool,
        "exists(path: text) -> bool",
        "文件存在于材料中: the manifest path is a regular file inside the bundle, not refused; null → false.",
        "exists(\"材料/领导小组.pdf\")"
    ),
];

/// Every built-in function, in documentation order.
pub(crate) fn functions() -> &'static [FunctionDef] {
    FUNCTIONS
}

/// The function called `name` (its first entry when several take different arguments).
pub(crate) fn lookup(name: &str) -> Option<&'static FunctionDef> {
    FUNCTIONS.iter().find(|f| f.name == name)
}

/// The entry of `name` that takes `n` arguments, else its first entry (so a wrong arity is
/// reported against it).
pub(crate) fn lookup_call(name: &str, n: usize) -> Option<&'static FunctionDef> {
    FUNCTIONS
        .iter()
        .find(|f| f.name == name && f.takes(n))
        .or_else(|| lookup(name))
}

/// Every entry called `name` (a name may have entries taking different arguments:
/// `min(a, b)` and `min(list)`, `date(text)` and `date(y, m, d)`).
pub(crate) fn overloads(name: &str) -> impl Iterator<Item = &'static FunctionDef> {
    FUNCTIONS.iter().filter(move |f| f.name == name)
}

/// `docs/functions.md`: every built-in function from the one function table, so the manual
/// cannot drift from the checker (a test regenerates it and compares).
pub(crate) fn markdown() -> String {
    use std::fmt::Write as _;
    let mut out = String::from(
        "# Built-in functions\n\n\
         <!-- Generated by `kaohe rules functions` from src/expr/functions.rs; do not edit by hand.\n     \
         A test regenerates this file and fails when it differs. -->\n\n\
         Every function is checked for arity and argument types when the rule set loads. `x.f(a)`\n\
         is the same as `f(x, a)`. Every example below compiles (a unit test checks it). A name\n\
         listed twice (`min`, `max`, `date`) is told apart by its number of arguments; an argument\n\
         written `= default` may be left out. When an expression must be quoted in YAML (it starts\n\
         with `[` or `{`, or holds `: ` or ` #`), see [rules.md](rules.md#writing-expressions-in-yaml-when-to-quote).\n\n\
         | function | signature | what it does | example |\n|---|---|---|---|\n",
    );
    for f in functions() {
        let _ = writeln!(
            out,
            "| `{}` | `{}` | {} | `{}` |",
            f.name,
            f.signature.replace('|', "\\|"),
            f.doc.replace('|', "\\|"),
            f.example.replace('|', "\\|")
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn names_unique_and_snake_case() {
        let mut funcs = HashSet::new();
        for f in functions() {
            // A name may have several entries, but no two that take the same arguments.
            for g in overloads(f.name).filter(|g| g.func != f.func) {
                let clash = (0..=3).any(|n| f.takes(n) && g.takes(n));
                assert!(!clash, "{} has two entries for one arity", f.name);
            }
            assert!(funcs.insert(f.func), "duplicate Func for {}", f.name);
            assert!(
                f.name.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                    && !f.name.starts_with('_')
                    && !f.name.ends_with('_')
                    && !f.name.contains("__"),
                "{} is not snake_case",
                f.name
            );
            assert!(f.signature.starts_with(&format!("{}(", f.name)));
            assert!(!f.doc.is_empty() && !f.doc.contains('\n'));
            // The evaluator keeps arguments in a fixed array of three.
            assert!(f.params.len() <= 3, "{}", f.name);
        }
    }

    #[test]
    fn every_example_compiles_and_uses_its_function() {
        let env = crate::expr::tests::env();
        for f in functions() {
            if let Err(e) = crate::expr::Expr::compile(f.example, &env) {
                panic!("example of {} does not compile: {e:?}", f.name);
            }
            assert!(f.example.contains(f.name), "example of {}", f.name);
        }
    }
}
