//! Codes of a bundle's data (the report's 问题清单, `problems[]`), of the evaluator's verdict
//! file and of working-day calendars.

use super::{Code, Fixture, Info};
use crate::diag::Severity;

area! {
    /// A problem of the evidence bundle. Opening codes are fatal (exit 2); the rest are listed
    /// in the report's 问题清单 and the evidence they touch counts as not handed in.
    DataCode => Data {
        // Opening the bundle (fatal).
        BundleNotFound = "bundle-not-found", Error,
            Command(&["score", "fixtures/no-such-bundle"]),
            "命令行给出的报送材料路径不存在。",
            "检查路径；路径中有空格时请加引号";
        BundleNotFolder = "bundle-not-folder", Error,
            Command(&["score", "README.md"]),
            "报送材料既不是文件夹，也不是 .zip 文件。",
            "给出报送材料文件夹，或它的 .zip 压缩包";
        BundleUnreadable = "bundle-unreadable", Error,
            Absent("需要一个没有读权限的文件夹，而以 root 运行（CI）时仍能读取；src/load/tests.rs 用损坏的 zip 测试"),
            "报送材料文件夹（或 zip）无法读取。",
            "检查读取权限；zip 损坏时请重新压缩";
        ManifestMissing = "manifest-missing", Error,
            Command(&["score", "fixtures/annual-reports"]),
            "文件夹中没有 bundle.yaml。",
            "每份报送材料都要有 bundle.yaml 清单：kaohe init 可生成";
        ManifestUnreadable = "manifest-unreadable", Error, Bundle("manifest-is-folder"),
            "bundle.yaml 不是文件夹内可读取的普通文件。",
            "bundle.yaml 应是报送材料文件夹里的一个普通文本文件";
        ManifestNotMapping = "manifest-not-mapping", Error, Bundle("non-mapping-manifest"),
            "bundle.yaml 是空的，或不是「键: 值」的映射。",
            "按 docs/bundle.md 写出 单位、考核年度、考核指标、报送日期 等键";
        MissingRequiredKey = "missing-required-key", Error, Bundle("missing-unit"),
            "单位、考核年度、考核指标或报送日期缺失或为空。",
            "在 bundle.yaml 中写上这四个键";
        BadRequiredKey = "bad-required-key", Error, Bundle("year-with-suffix"),
            "单位、考核年度、考核指标或报送日期的值无法读取。",
            "考核年度写四位数字（2021），报送日期写 2022-01-10 这样的日期";
        UnitTypeMissing = "unit-type-missing", Error,
            Command(&["score", "fixtures/xx-town-2021", "--rules", "fixtures/unit-type-rules"]),
            "规则集按单位类型给分（unit_type:），而 bundle.yaml 没有写单位类型。",
            "在 bundle.yaml 中写上规则集 unit_type: 指定的键，如 单位类型: 乡镇";
        UnitTypeUnknown = "unit-type-unknown", Error,
            Command(&["score", "fixtures/bundles/unit-type-unknown", "--rules", "fixtures/unit-type-rules"]),
            "bundle.yaml 的单位类型不是规则集 unit_type: 列出的值之一。",
            "写规则集 unit_type: 的 values 中的一个值";
        // Manifest values.
        WrongShape = "wrong-shape", Error, Bundle("wrong-shape-optional-key"),
            "清单中某个值的形状不对，该键按没有填写处理。",
            "对照 docs/bundle.md 改正该值的写法";
        UnknownKey = "unknown-key", Warning, Bundle("unknown-key"),
            "清单中有规则集没有声明的键。",
            "检查拼写（是否多了空格或写错了字）；多余的键可以删除";
        UnknownLedger = "unknown-ledger", Warning, Bundle("stray-files"),
            "台账下有规则集用不到的台账（仍计算哈希值）。",
            "检查台账名称是否写错；用不到的可以删除";
        UnknownDocument = "unknown-document", Warning, Bundle("stray-files"),
            "文档下有规则集用不到的文档（仍计算哈希值）。",
            "检查文档名称是否写错；用不到的可以删除";
        MissingFileKey = "missing-file-key", Warning, Bundle("stray-files"),
            "文档条目没有写 文件:，按未报送处理。",
            "写上 文件: 材料/文件名";
        BadEncodingLabel = "bad-encoding-label", Error, Bundle("ledger-problems"),
            "编码: 写了 kaohe 不认识的编码，该台账无法使用。",
            "写 UTF-8、GBK 或 GB18030，或删除 编码: 让 kaohe 自动识别";
        // Files.
        FileMissing = "file-missing", Warning,
            Command(&["score", "fixtures/yy-township-2021", "--format", "json"]),
            "清单写的路径不存在。",
            "检查文件名和文件夹（台账/、材料/）是否与清单一致";
        PathRefused = "path-refused", Error, Bundle("absolute-path"),
            "路径是绝对路径、离开了报送材料文件夹或链接到文件夹外，不予打开。",
            "写相对于报送材料文件夹的路径，如 台账/某某台账.csv";
        NotAFile = "not-a-file", Error, Bundle("folder-as-ledger"),
            "应是文件的地方是文件夹、管道或设备。",
            "让清单指向文件本身";
        FileUnreadable = "file-unreadable", Error,
            Absent("需要一个没有读权限的文件，而以 root 运行（CI）时仍能读取"),
            "一个普通文件无法读取。",
            "检查文件的读取权限";
        BadEncoding = "bad-encoding", Error, Bundle("big5-csv"),
            "文件不是 UTF-8、带 BOM 的 UTF-16 或 GBK/GB18030（或不是 编码: 指定的编码）。",
            "用 WPS 或 Excel 另存为 UTF-8 的 CSV，或另存为 .xlsx";
        // Ledgers.
        CorruptFile = "corrupt-file", Error, Bundle("corrupt-docx"),
            "文件已损坏：工作簿、.docx 或 zip 成员无法解析，或解压后会超过大小上限。",
            "用 WPS 或 Excel 打开后重新保存，再报送";
        SheetMissing = "sheet-missing", Error, Bundle("xlsx-sheet-missing"),
            "工作簿中没有 工作表: 指定的工作表，该台账无法使用。",
            "改正 工作表: 的名称，或删除它以读取第一个工作表";
        UnsupportedLedgerFormat = "unsupported-ledger-format", Error, Bundle("ledger-problems"),
            "台账的文件类型不是 CSV、TSV、TXT、XLS 或 XLSX。",
            "另存为 .xlsx 或 .csv";
        CsvError = "csv-error", Error,
            Absent("csv 读取器对已解码的文字几乎总能切分；src/load/ledger.rs 的单元测试覆盖"),
            "CSV 无法解析，该台账无法使用。",
            "用 WPS 或 Excel 打开后另存为 .xlsx";
        EmptyLedger = "empty-ledger", Error, Bundle("ledger-problems"),
            "台账没有任何行。",
            "填写台账，或从业务系统重新导出";
        MissingColumn = "missing-column", Error, Bundle("missing-required-column"),
            "表头中没有必需的列，该台账无法使用。",
            "补上该列，或在 bundle.yaml 的 列名对照 中把导出的表头对应到该列";
        DuplicateColumn = "duplicate-column", Error, Bundle("ledger-problems"),
            "表头中同一列出现两次（必需列时台账无法使用，可选列时为警告）。",
            "删除或改名其中一列";
        AmbiguousHeader = "ambiguous-header", Error, Bundle("ambiguous-header"),
            "一个表头单元格同时代表两列（按列名、规则集别名或 列名对照），该台账无法使用。",
            "改正 列名对照，让每个表头只对应一列";
        MappingUnknownColumn = "mapping-unknown-column", Error, Bundle("mapping-problems"),
            "bundle.yaml 的 列名对照 把表头对应到台账没有的列，该台账无法使用。",
            "对应到规则集声明的列名（kaohe rules show 可查）";
        MappingUnused = "mapping-unused", Warning, Bundle("mapping-problems"),
            "列名对照 中的表头不在台账的表头行中，或规则集没有词表时写了 栏目对照。",
            "检查表头是否写错；用不到的对照可以删除";
        MappingOverridden = "mapping-overridden", Warning, Bundle("mapping-problems"),
            "栏目对照 中的某个值规则集的词表已另有对应，不予采用。",
            "删除该条对照；规则集的词表优先";
        LedgerReadAsHtml = "ledger-read-as-html", Warning, Bundle("xls-really-html"),
            "提示：.xls 文件实际是网页表格，已按该表格读取（没有表格时为错误）。",
            "无需处理；也可另存为真正的 .xlsx";
        LedgerReadAsText = "ledger-read-as-text", Warning, Bundle("xls-really-text"),
            "提示：.xls 文件实际是 Tab 分隔的文字，已按文字读取。",
            "无需处理；也可另存为真正的 .xlsx";
        AbsentColumnRead = "absent-column-read", Warning, Bundle("ragged-csv-rows"),
            "指标要读取的可选列不在台账中（每行都按空值读取）。",
            "补上该列，或在 列名对照 中对应导出的表头";
        ColumnAlias = "column-alias", Warning, Bundle("mapping-problems"),
            "提示：按规则集的别名把某个表头读作已声明的列（每个台账每列一次）。",
            "无需处理";
        ColumnMapping = "column-mapping", Warning, Bundle("mapping-problems"),
            "提示：按本单位的 列名对照 把某个表头读作已声明的列（每个台账每列一次）。",
            "无需处理";
        ValueVocabulary = "value-vocabulary", Warning, Bundle("mapping-problems"),
            "提示：按规则集的词表把某个值算作另一个值（每个台账每个值一次）。",
            "无需处理";
        ValueMapping = "value-mapping", Warning, Bundle("mapping-problems"),
            "提示：按本单位的 栏目对照 把某个值算作另一个值（每个台账每个值一次）。",
            "无需处理";
        RowsAboveHeader = "rows-above-header", Warning,
            Command(&["score", "fixtures/xx-town-2021-excel", "--format", "json"]),
            "表头上方的行（标题）已忽略。",
            "无需处理；确认表头行没有被当作标题";
        TotalsRow = "totals-row", Warning, Bundle("ledger-problems"),
            "合计、总计或小计行已跳过。",
            "无需处理；台账中不必写合计行";
        ExtraCells = "extra-cells", Warning, Bundle("ragged-csv-rows"),
            "表头以外的单元格已忽略（每个台账一次）。",
            "检查是否有数据写到了表头之外的列";
        FileTooLarge = "file-too-large", Error,
            Absent("需要一个超过 64 MiB 的文件；src/load/tests.rs 临时生成"),
            "台账文件超过 64 MiB：只计算哈希值，不读取内容，该台账无法使用。",
            "按年度拆分台账，或删除无关的工作表";
        LedgerTooLarge = "ledger-too-large", Error,
            Absent("需要超过 5,000,000 个单元格；src/load/ledger.rs 的单元测试覆盖"),
            "CSV 台账的非空单元格超过 5,000,000 个，该台账无法使用。",
            "按年度拆分台账";
        ManyBadCells = "many-bad-cells", Error, Bundle("many-bad-cells"),
            "某一列无法读取的单元格超过 200 个，其余的只计数、不逐个列出。",
            "检查该列的格式（日期、数字）是否整体有误";
        FormulaWithoutValue = "formula-without-value", Warning,
            Bundle("xlsx-formula-without-value"),
            "XLSX 公式单元格没有保存计算结果，按空值读取。",
            "用 Excel 或 WPS 打开并保存一次，让公式算出结果";
        CellsOutsideSheet = "cells-outside-sheet", Warning, Bundle("xlsx-cell-beyond-grid"),
            "超出 Excel 1,048,576 行 × 16,384 列范围的 XLSX 单元格已忽略。",
            "用 Excel 或 WPS 打开并重新保存";
        BadDate = "bad-date", Error, Bundle("bad-dates-and-out-of-calendar-years"),
            "值不是日期，按空值计。",
            "写成 2021-03-05 这样的日期";
        BadCount = "bad-count", Error, Bundle("ledger-problems"),
            "值不是非负整数，按空值计。",
            "写成 0、1、2 这样的整数";
        BadDecimal = "bad-decimal", Error,
            Command(&["score", "fixtures/bundles/bad-decimal", "--rules", "fixtures/methods-rules", "--format", "json"]),
            "声明为 decimal 的值不是数字，按空值计。",
            "写成 12 或 3.5 这样的数字";
        CountAboveMax = "count-above-max", Error, Bundle("ledger-problems"),
            "数量超过声明的上限，按空值计。",
            "检查该数字是否填错";
        BadFlag = "bad-flag", Error, Bundle("ledger-problems"),
            "标记既不是「是」也不是「否」，按「否」计。",
            "写「是」或「否」";
        // Documents.
        EmptyDocument = "empty-document", Warning, Bundle("empty-docx"),
            "可以读取的文档（.docx）中既没有文字也没有表格。",
            "检查是否报送错了文件（如空白模板），请报送有内容的文档";
        TableTooLarge = "table-too-large", Error, Bundle("docx-vmerge-wide-table"),
            "文档（或网页台账）的表格超过单元格上限（一个文件的所有表格合计），其余部分未读取。",
            "删去与考核无关的大表格，或把表格拆到另一份文件中";
        SameFileTwice = "same-file-twice", Warning, Bundle("symlinked-entry-same-file"),
            "清单中两处写的路径不同，却是同一个文件（经由符号链接或 ..）。",
            "每一项各报送自己的文件；确属同一文件时请核对是否漏报";
        UnreadableDocument = "unreadable-document", Warning, Bundle("stray-files"),
            "已报送但无法读取：该类文档（图片等）不读取文字。",
            "需要核对文字的文档请报送 .docx、.txt 或有文字层的 .pdf";
        TableCellUnreadable = "table-cell-unreadable", Error,
            Command(&["score", "fixtures/yy-township-2021", "--format", "json"]),
            "等式要读取的表格单元格既不是空、占位符，也不是整数，需要它的等式不成立。",
            "把该单元格改为整数（没有数据写 0）";
    }
}

area! {
    /// A problem of the evaluator's verdict file (`--verdicts`, `--verdicts-dir`): the whole
    /// file is refused (exit 2) so no score is half-applied.
    VerdictCode => Verdict {
        Unreadable = "verdicts-unreadable", Error,
            Command(&["score", "fixtures/xx-town-2021", "--verdicts", "fixtures/no-such-verdicts.yaml"]),
            "评分文件不存在、无法读取，或不是普通文件。",
            "检查 --verdicts 给出的路径";
        TooLarge = "verdicts-too-large", Error,
            Absent("需要一个超过上限的文件；src/load/verdicts.rs 的单元测试覆盖"),
            "评分文件过大。",
            "评分文件只写人工评分和调整，通常不到 10 KiB";
        NotUtf8 = "verdicts-not-utf8", Error, Bundle("verdict-gbk"),
            "评分文件不是 UTF-8 编码。",
            "把文件另存为 UTF-8";
        Shape = "verdicts-shape", Error, Bundle("verdict-not-mapping"),
            "评分文件或其中一节的形状不对（应为「键: 值」的映射）。",
            "按 kaohe init --verdicts 生成的模板书写";
        MissingKey = "verdicts-missing-key", Error, Bundle("verdict-missing-grader"),
            "缺少 评分人 或 评分日期。",
            "写上 评分人: 姓名 和 评分日期: 2022-02-15";
        BadDate = "verdicts-bad-date", Error, Bundle("verdict-bad-date"),
            "评分日期不是日期。",
            "写成 2022-02-15 这样的日期";
        UnitMismatch = "verdicts-unit-mismatch", Error, Bundle("verdict-unit-mismatch"),
            "评分文件的单位与报送材料的单位不符。",
            "确认用的是这个单位的评分文件";
        RulesetMismatch = "verdicts-ruleset-mismatch", Error, Bundle("verdict-ruleset-mismatch"),
            "评分文件的考核指标与所用规则集不符。",
            "确认评分文件对应本年度的规则集";
        UnknownId = "verdicts-unknown-id", Error, Bundle("verdict-unknown-adjust-id"),
            "评分或调整中的指标编号不在规则集中。",
            "改正指标编号（kaohe rules show 可查）";
        NotManual = "verdicts-not-manual", Error, Bundle("verdict-non-manual-id"),
            "评分 中写了不是人工评分的指标。",
            "自动评分的指标只能在 调整 中改动，并写明理由";
        BadScore = "verdicts-bad-score", Error, Bundle("verdict-exponent-score"),
            "得分不是数字，或超过两位小数。",
            "写成 1.5 这样最多两位小数的数字";
        ScoreOutOfRange = "verdicts-score-out-of-range", Error, Bundle("verdict-score-out-of-range"),
            "得分超出 0 到该指标分值的范围。",
            "写 0 到指标分值之间的得分";
        NoReason = "verdicts-no-reason", Error, Bundle("verdict-adjust-without-reason"),
            "调整 没有写明理由。",
            "每项调整都写上 理由: …";
        DuplicateId = "verdicts-duplicate-id", Error, Bundle("verdict-id-two-cases"),
            "同一节中同一个指标写了不止一次。",
            "每个指标只写一次";
        UnknownKey = "verdicts-unknown-key", Error, Bundle("verdict-unknown-key"),
            "评分文件中有不认识的键。",
            "评分文件的键只有 单位、考核指标、评分人、评分日期、评分、调整";
    }
}

area! {
    /// A problem of a working-day calendar: a rule set's `calendar:` file or `--calendar`.
    CalendarCode => Calendar {
        Unreadable = "calendar-unreadable", Error,
            Command(&["score", "fixtures/xx-town-2021", "--calendar", "fixtures/no-such-calendar.csv"]),
            "--calendar 给出的日历文件无法读取。",
            "检查路径；日历是 日期,类别,节日 三列的 CSV";
        BadDate = "calendar-bad-date", Error,
            Command(&["score", "fixtures/xx-town-2021", "--calendar", "fixtures/calendars/bad-date.csv"]),
            "日历中某一行的日期不是 YYYY-MM-DD。",
            "写成 2021-10-01 这样的日期";
        BadKind = "calendar-bad-kind", Error,
            Command(&["score", "fixtures/xx-town-2021", "--calendar", "fixtures/calendars/bad-kind.csv"]),
            "日历中某一行的类别既不是 holiday 也不是 workday。",
            "放假写 holiday，调休上班写 workday";
        Conflict = "calendar-conflict", Error,
            Command(&["score", "fixtures/xx-town-2021", "--calendar", "fixtures/calendars/conflict.csv"]),
            "同一天在日历中既是放假又是上班。",
            "删除其中一行";
        YearMissing = "calendar-year-missing", Error, Bundle("bad-dates-and-out-of-calendar-years"),
            "日期所在的年份不在工作日历中，按工作日计算的期限无法判断。",
            "检查日期是否填错；确需该年份时用 --calendar 补上该年的日历";
    }
}

impl DataCode {
    /// Notices that say how a ledger was read (an alias, a township's mapping, an HTML table
    /// saved as .xls): every report shows them, even one that lists no other problems (CSV).
    pub fn is_reading_note(self) -> bool {
        matches!(
            self,
            DataCode::ColumnAlias
                | DataCode::ColumnMapping
                | DataCode::ValueVocabulary
                | DataCode::ValueMapping
                | DataCode::LedgerReadAsHtml
                | DataCode::LedgerReadAsText
        )
    }
}
