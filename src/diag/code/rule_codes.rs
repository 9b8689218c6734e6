//! Codes of a rule set (`kaohe rules check`), and of YAML files in general.

use super::{Code, Fixture, Info};
use crate::diag::Severity;

area! {
    /// A problem of a rule set, found when it loads: every one has a broken-rule fixture
    /// `fixtures/rules/<code>/`.
    RuleCode => Rule {
        // Files.
        RulesetFileMissing = "ruleset-file-missing", Error, Rules,
            "规则集指定的文件（ruleset.yaml 或分组的 file:）不存在。",
            "创建该文件，或改正分组的 file:";
        RulesetUnreadable = "ruleset-unreadable", Error,
            Absent("需要一个没有读权限的文件夹，而以 root 运行（CI）时仍能读取"),
            "规则集文件夹或文件无法读取。",
            "检查路径和读取权限";
        RulesetFileTooLarge = "ruleset-file-too-large", Error,
            Absent("需要一个超过 4 MiB 的文件；tests/cli/toolkit.rs 的 too_large_rule_file_is_reported 临时生成"),
            "规则文件超过 4 MiB。",
            "规则集通常只有几十 KiB：拆分或删减该文件";
        RulesetNotUtf8 = "ruleset-not-utf8", Error, Rules,
            "规则文件不是 UTF-8 编码。",
            "把文件另存为 UTF-8（WPS、记事本：另存为 UTF-8）";
        RulesetShape = "ruleset-shape", Error, Rules,
            "缺少必需的键，或某个值的形状不对。",
            "对照 docs/rules.md，或用 kaohe rules schema 给出的 JSON Schema 校验";
        UnknownKey = "unknown-key", Error, Rules,
            "规则格式中没有这个键（多半是拼写错误）。",
            "改正拼写；kaohe rules schema 列出全部键";
        // Rule set.
        GradesEmpty = "grades-empty", Error, Rules,
            "规则集没有等次。",
            "在 grades 下从高到低写出等次，最后一个写 min: 0";
        GradesNotDescending = "grades-not-descending", Error, Rules,
            "等次没有按 min 从高到低排列。",
            "按 min 从高到低重新排列等次";
        GradesNoFloor = "grades-no-floor", Error, Rules,
            "最低等次的 min 不是 0，总分很低时将没有等次。",
            "把最后一个等次的 min 改为 0";
        UnknownGrade = "unknown-grade", Error, Rules,
            "veto_grade、一票否决的 grade 或等次规则的 grade_at_most 不是已声明的等次。",
            "写 grades 下的某个等次名称（不定等次的一票否决写 grade: false）";
        YearNotInCalendar = "year-not-in-calendar", Error, Rules,
            "规则集的年度不在工作日历中，workdays() 无法计算。",
            "使用内置日历覆盖的年度（2019–2026），或用 calendar: 文件.csv 补上该年的日历";
        CalendarFileMissing = "calendar-file-missing", Error, Rules,
            "calendar: 下列出的节假日日历不在规则集文件夹中。",
            "把 CSV（日期,类别,节日，格式同 data/cn-holidays.csv）放在 ruleset.yaml 旁边，或改正文件名";
        CalendarFileInvalid = "calendar-file-invalid", Error, Rules,
            "规则集节假日日历中有一行不是「日期,holiday|workday,节日」。",
            "改正该行：ISO 日期，然后 holiday（放假）或 workday（调休上班），再写节日名称";
        DateOutsideYear = "date-outside-year", Warning, Rules,
            "日期参数或 date(\"…\") 既不在规则集的年度，也不在下一年。",
            "改为考核年度的日期（是否从上一年的规则集复制而来？）";
        TextNamesPastYear = "text-names-past-year", Warning, Rules,
            "依据、测量说明、整改建议或消息中写的是规则集年度的上一年。",
            "写考核年度（是否从上一年的规则集复制而来？）；消息中可写 {考核年度}";
        UnusedParam = "unused-param", Warning, Rules,
            "没有任何表达式或消息读取这个参数。",
            "在写死该数字的地方改用参数，或删除参数";
        NameClash = "name-clash", Error, Rules,
            "参数名或 let 名已被占用（清单键、参数或前面的名称）。",
            "改一个名字";
        BadCode = "bad-code", Error, Rules,
            "数据检查的 code 不是小写加连字符的写法（kebab-case）。",
            "用小写字母、数字和连字符书写，如 reply-before-receipt";
        BadSeverity = "bad-severity", Error, Rules,
            "数据检查的 severity 既不是 error 也不是 warning。",
            "写 error 或 warning";
        // Evidence declaration.
        UnknownFieldType = "unknown-field-type", Error, Rules,
            "列或字段的类型不是 text、date、count、flag、file、[T]、{map: T} 或记录之一。",
            "使用 docs/rules.md 中列出的字段类型";
        BadCountMax = "bad-count-max", Error, Rules,
            "{count: N} 中的 N 应为非负整数。",
            "写出上限，如 {count: 60}";
        LedgerNoColumns = "ledger-no-columns", Error, Rules,
            "台账没有声明任何必需列。",
            "在 required: 下列出指标要读取的列";
        AliasConflict = "alias-conflict", Error, Rules,
            "列的别名与另一个已声明的列同名，或同一别名列在两个列下。",
            "导出的表头只能代表一列：删除该别名，或只保留在一个列下";
        VocabularyConflict = "vocabulary-conflict", Error, Rules,
            "词表把一个值对应到两个值，或把本身是目标的值又对应走。",
            "每个导出的值只能算作规则集的一个值：只保留在一个目标下";
        // Groups and points.
        PointsNotNumber = "points-not-number", Error, Rules,
            "分值不是数字。",
            "分值写成数字，如 2 或 1.5";
        PointsNegative = "points-negative", Error, Rules,
            "分值是负数。",
            "分值是指标的满分；扣分写在 method 中";
        PointsPrecision = "points-precision", Error, Rules,
            "分值超过两位小数。",
            "最多保留两位小数（0.25，而不是 0.125）";
        GroupPointsMismatch = "group-points-mismatch", Error, Rules,
            "分组的分值与其指标分值之和不等。",
            "改正分组的分值或某个指标的分值";
        TotalPointsMismatch = "total-points-mismatch", Error, Rules,
            "max 与非加分分组的分值（乘以各自的 weight）之和不等。",
            "改正 max 或某个分组的分值；加权的部分按 分值 × weight 相加";
        // Points by unit type.
        BadUnitType = "bad-unit-type", Error, Rules,
            "unit_type: 不是含两个以上不同值的 {field, values}，或其 field 不是 evidence.manifest 下的文字键。",
            "写 unit_type: {field: 单位类型, values: [乡镇, 街道]}，并声明该键：evidence.manifest.单位类型: text";
        BadUnitPoints = "bad-unit-points", Error, Rules,
            "按单位类型分别写的分值（{乡镇: 12.5, 街道: 2}）没有可依据的 unit_type:，写了未声明的类型，或漏写了某个类型。",
            "在 ruleset.yaml 中声明 unit_type，并为它的每个值各写一个分值";
        UnitPointsMismatch = "unit-points-mismatch", Error, Rules,
            "对某一单位类型，分组的分值与其指标分值之和不等，或 max 与非加分分组的分值之和不等。",
            "每种单位类型的分值都要对得上：改正该类型在分组、指标或 max 中的分值（对某类型为 0 分的指标对它不适用）";
        // Parts, total and grade.
        BadWeight = "bad-weight", Error, Rules,
            "分组的 weight 不是正数。",
            "写出该部分占总分的比例：网上测评80% → weight: 0.8";
        BadRounding = "bad-rounding", Error, Rules,
            "rounding 的 where、step 或 rule 不是 kaohe 认识的值。",
            "写 rounding: {where: total, step: 0.01, rule: half-up}；where 为 indicator、part、total 或其列表，rule 为 half-up 或 half-even";
        UnknownGroup = "unknown-group", Error, Rules,
            "一票否决的 scope 写了 ruleset.yaml 未声明的分组 id。",
            "写 groups 下某个分组的 id（scope: group 表示指标所在的分组）";
        VetoNoEffect = "veto-no-effect", Error, Rules,
            "一票否决既不定等次（grade: false），也不在本指标之外清零任何分数，或保留了本指标的得分。",
            "给它写 scope: group（或分组 id 列表），或删除 grade: false";
        GradingNoEffect = "grading-no-effect", Error, Rules,
            "等次规则既没有 grade_at_most 也没有 bonus，什么也不做。",
            "加上 grade_at_most: <等次>（等次不高于）或 bonus: <表达式>（加分改为）";
        // Indicators.
        UnquotedId = "unquoted-id", Error, Rules,
            "指标 id 被 YAML 读成了数字（1.10 会读成 1.1）。",
            "给 id 加引号：\"1.10\"";
        BadId = "bad-id", Error, Rules,
            "指标 id 不是文字。",
            "把 id 写成带引号的文字";
        DuplicateId = "duplicate-id", Error, Rules,
            "两个指标的 id 相同。",
            "给每个指标一个不同的 id";
        UnknownSource = "unknown-source", Error, Rules,
            "source 既不是已声明的台账、已声明的文档，也不是 bundle.yaml。",
            "写 台账.<台账名>、文档.<文档名> 或 bundle.yaml";
        UnusedLet = "unused-let", Warning, Rules,
            "指标中没有任何地方读取这个 let 名称。",
            "使用它，或删除它";
        CostlyExpression = "costly-expression", Warning, Rules,
            "嵌套循环（range 套 range）可见的次数相乘后超过运算预算的十分之一。",
            "缩小范围或改写规则；运算超过预算的材料不予评分";
        CompareNull = "compare-null", Warning, Rules,
            "x == null 总是假，x != null 总是真：与 null 的任何比较都为假。",
            "用 is_null(x)（或 not is_null(x)）判断空值；present(x) 还把空文字和 [] 视为没有";
        AmbiguousName = "ambiguous-name", Warning, Rules,
            "一个裸名称既是清单键或参数，又是当前行的列名。",
            "读当前行的列请写 r.<列名>；如果本意是参数，请给参数改名";
        ManualWithMeasure = "manual-with-measure", Error, Rules,
            "人工评分指标写了没有用到的 let 测量。",
            "删除 let，或给该指标写一个计算的 method";
        UnknownMethod = "unknown-method", Error, Rules,
            "method 不是 manual、all、tiers、deduct 或 award 之一。",
            "写 manual、all、tiers、deduct 或 award 之一";
        TiersEmpty = "tiers-empty", Error, Rules,
            "tiers 方法没有任何档次。",
            "写出档次，如 [{min: 24, points: 3}]";
        BadLevel = "bad-level", Error, Rules,
            "档次的 min 不是数字。",
            "把 min 写成数字";
        LevelOverPoints = "level-over-points", Error, Rules,
            "某一档次给的分超过了指标的分值。",
            "降低该档次的分或提高指标的分值";
        CapOverPoints = "cap-over-points", Error, Rules,
            "deduct 或 award 某一条的 cap 高于指标的分值。",
            "一条最多扣（或加）指标的分值：降低 cap，或删去它";
        TiersNotMonotone = "tiers-not-monotone", Error, Rules,
            "档次没有从高到低排列（min 递减、分值不增）。",
            "从最高的 min 往下排列档次";
        // Overlays.
        ExtendsUnknown = "extends-unknown", Error, Rules,
            "extends 既不是规则集旁边的文件夹，也不是内置规则集。",
            "写内置规则集的 id（见 kaohe rules show <id>），或相对于本规则集的文件夹";
        ExtendsChain = "extends-chain", Error, Rules,
            "补充规则集所扩展的规则集本身又扩展了另一个。",
            "直接扩展最底层的规则集";
        DropUnknown = "drop-unknown", Error, Rules,
            "drop 写了基础规则集中没有的指标。",
            "使用 kaohe rules show <基础规则集> 列出的 id";
        OverrideUnknown = "override-unknown", Error, Rules,
            "indicators: 修改了基础规则集中没有的指标。",
            "改正 id；新指标写在某个分组 file: 指定的文件中";
        // township: (what precheck, selfreport and init read).
        TownshipUnknown = "township-unknown", Error, Rules,
            "township: 文件写了规则集中没有的指标、分组、文档或清单键。",
            "改正名称，或先声明它（指标写在分组的文件中，文档和键写在 evidence: 下）";
    }
}

area! {
    /// A YAML file that cannot be read as YAML: a rule file, bundle.yaml or a verdict file.
    YamlCode => Yaml {
        Syntax = "yaml-syntax", Error, Rules,
            "文件不是有效的 YAML。",
            "检查全角冒号「：」、Tab、未闭合的引号或括号，以及需要加引号的表达式（以 [ 或 { 开头，或含「: 」）";
        TooLarge = "yaml-too-large", Error, Rules,
            "别名（*）展开后超过 2,000,000 个节点。",
            "直接写出值，不要层层嵌套别名";
        TooDeep = "yaml-too-deep", Error, Rules,
            "映射和列表嵌套超过 128 层。",
            "减少嵌套层数";
        DuplicateKey = "duplicate-key", Error, Rules,
            "同一个映射中同一个键出现了两次（两行都会指出）。",
            "只保留其中一个；YAML 会悄悄只用后一个";
    }
}
