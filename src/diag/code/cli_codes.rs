//! Codes of the command line: arguments, output files, `batch`, `init`, `diff`, `serve` and
//! `users`. All are fatal (exit 2) except `bundle-limit`, `batch-mixed-rulesets` and
//! `internal-error`, which fail one bundle of a batch and let the rest go on.

use super::{Code, Fixture, Info};
use crate::diag::Severity;

area! {
    /// A problem of the command line or of what a command writes.
    CliCode => Cli {
        // Rule sets and bundles.
        UnknownRuleset = "unknown-ruleset", Error, Bundle("unknown-ruleset"),
            "--rules 或 bundle.yaml 的 考核指标 既不是规则集目录，也不是内置规则集。",
            "改正 考核指标，或用 --rules 指定规则集目录；kaohe rules show 加内置 id 可查看";
        YearMismatch = "year-mismatch", Error,
            Command(&["score", "fixtures/xx-town-2021", "--rules", "county-zwgk-2022"]),
            "材料的考核年度与规则集的年度不同。",
            "核对 bundle.yaml 的 考核年度，或改用对应年度的规则集";
        EvaluationLimit = "evaluation-limit", Error,
            Absent("需要一个运算量超过预算的规则集；tests/cli/batch.rs 的限额测试覆盖"),
            "评分运算超过了预算（时间或内存），这份材料未能评分。",
            "简化规则集中开销大的表达式（见 costly-expression）；kaohe batch 可用 --limit-seconds 放宽";
        UnknownIndicator = "unknown-indicator", Error,
            Command(&["explain", "fixtures/xx-town-2021", "9.9"]),
            "规则集中没有这个指标编号。",
            "kaohe rules show 列出全部指标编号";
        BadFailUnder = "bad-fail-under", Error,
            Command(&["score", "fixtures/xx-town-2021", "--fail-under", "九十"]),
            "--fail-under 不是数字。",
            "写一个分数，如 --fail-under 90";
        BadAsOf = "bad-as-of", Error,
            Command(&["precheck", "fixtures/xx-town-2021", "--as-of", "下周一"]),
            "--as-of 不是日期。",
            "写成 2021-11-15 这样的日期";
        // Output.
        OutputUnwritable = "output-unwritable", Error,
            Command(&["score", "fixtures/xx-town-2021", "-o", "fixtures/no-such-folder/报告.json"]),
            "输出文件或其所在目录无法写入（或写到标准输出失败）。",
            "检查输出目录是否存在、是否有写权限、磁盘是否已满";
        OutputInsideBundle = "output-inside-bundle", Error,
            Command(&["score", "fixtures/xx-town-2021", "-o", "fixtures/xx-town-2021/报告.json"]),
            "输出文件在报送材料里面，或就是某个输入文件。",
            "把报告写到报送材料文件夹以外的位置";
        OutputFormatUnsupported = "output-format-unsupported", Error,
            Command(&["selfreport", "fixtures/xx-town-2021", "-o", "自查报告.docx"]),
            "该命令不能输出这种扩展名的文件。",
            "改用命令帮助中列出的扩展名（如 .md、.txt）";
        BinaryToTerminal = "binary-to-terminal", Error,
            Absent("需要终端作为标准输出；tests/cli/formats.rs 用伪终端之外的方式覆盖其判断"),
            "二进制格式（如 xlsx）不能输出到终端。",
            "用 -o 报告.xlsx 写入文件，或重定向到文件";
        // kaohe rules.
        UnknownCode = "unknown-code", Error,
            Command(&["rules", "codes", "no-such-code"]),
            "没有这个诊断代码。",
            "kaohe rules codes 列出全部代码";
        TestsNeedFolder = "tests-need-folder", Error,
            Command(&["rules", "test", "county-zwgk-2021"]),
            "内置规则集不带测试用例，rules test 需要规则集目录。",
            "给出规则集目录，如 rules/county-zwgk-2021";
        // kaohe batch.
        BatchDirNotFolder = "batch-dir-not-folder", Error,
            Command(&["batch", "README.md"]),
            "kaohe batch 给出的路径不是文件夹。",
            "给出存放各乡镇报送材料的上级文件夹";
        BatchDirUnreadable = "batch-dir-unreadable", Error,
            Absent("需要一个没有读权限的文件夹，而以 root 运行（CI）时仍能读取"),
            "kaohe batch 的文件夹无法读取。",
            "检查文件夹的读取权限";
        BatchDirIsBundle = "batch-dir-is-bundle", Error,
            Command(&["batch", "fixtures/xx-town-2021"]),
            "kaohe batch 给出的文件夹本身就是一份报送材料。",
            "评一份材料用 kaohe score；kaohe batch 要存放各乡镇材料的上级文件夹";
        BatchEmpty = "batch-empty", Error,
            Command(&["batch", "fixtures/annual-reports"]),
            "文件夹中没有报送材料（含 bundle.yaml 的文件夹或 .zip）。",
            "检查文件夹是否选对";
        VerdictsDirNotFolder = "verdicts-dir-not-folder", Error,
            Command(&["batch", "fixtures", "--verdicts-dir", "fixtures/no-such-folder"]),
            "--verdicts-dir 不存在或不是文件夹。",
            "给出存放各单位评分文件的文件夹";
        BatchMixedRulesets = "batch-mixed-rulesets", Error,
            Absent("需要一批考核指标不同的材料；tests/cli/batch.rs 临时组合"),
            "这份材料的考核指标与本批次所用的规则集不同，未能评分（其余材料照常评分）。",
            "核对这份材料的考核指标，或用 --rules 指定规则集";
        BundleLimit = "bundle-limit", Error,
            Absent("需要一份超过时间或内存上限的材料；tests/cli/batch.rs 用极小的上限覆盖"),
            "这份材料评分超过单份时间或内存上限，已停止（其余材料照常评分）。",
            "检查材料是否过大；可用 --limit-seconds、--limit-memory 放宽";
        InternalError = "internal-error", Error,
            Absent("程序缺陷引起；src/cli/batch.rs 的 a_panic_fails_one_bundle_not_the_batch 覆盖"),
            "kaohe 内部错误，这份材料未能评分（其余材料照常评分）。",
            "把材料和这条消息报告给开发者";
        ThreadPool = "thread-pool", Error,
            Absent("需要系统无法创建线程"),
            "无法启动并行评分的线程。",
            "用 -j 1 减少线程数，或检查系统资源";
        // kaohe init.
        InitTargetExists = "init-target-exists", Error,
            Command(&["init", "fixtures/xx-town-2021", "--unit", "xx镇", "--rules", "county-zwgk-2021"]),
            "init 的目标文件夹已存在且不是空的。",
            "换一个新的文件夹名；kaohe init 不覆盖已有材料";
        InitUnitNeeded = "init-unit-needed", Error,
            Command(&["init", "fixtures/no-such-folder"]),
            "init 没有用 --unit 写明单位名称。",
            "加上 --unit xx镇";
        InitRulesNeeded = "init-rules-needed", Error,
            Command(&["init", "fixtures/no-such-folder", "--unit", "xx镇"]),
            "无法从文件夹名的年度确定唯一的内置规则集。",
            "用 --rules 指定规则集";
        InitUnwritable = "init-unwritable", Error,
            Command(&["init", "/proc/kaohe-init", "--unit", "xx镇", "--rules", "county-zwgk-2021"]),
            "init 无法写入目标文件夹。",
            "检查目标位置是否可写";
        // kaohe diff.
        DiffUnreadable = "diff-unreadable", Error,
            Command(&["diff", "fixtures/no-such.json", "fixtures/no-such.json"]),
            "diff 要比较的文件无法读取。",
            "检查路径；比较的是 kaohe score --format json 的输出";
        DiffBadJson = "diff-bad-json", Error,
            Command(&["diff", "README.md", "README.md"]),
            "diff 要比较的文件不是 JSON。",
            "给出 kaohe score --format json 的输出文件";
        DiffNotAssessment = "diff-not-assessment", Error,
            Command(&["diff", "fixtures/not-an-assessment.json", "fixtures/not-an-assessment.json"]),
            "diff 要比较的 JSON 不是 kaohe 的评分结果。",
            "给出 kaohe score --format json 的输出文件";
        // kaohe serve and kaohe users.
        BadListen = "bad-listen", Error,
            Command(&["serve", "--listen", "本机"]),
            "--listen 不是「地址:端口」。",
            "写成 127.0.0.1:8080";
        LocalNotLoopback = "local-not-loopback", Error,
            Command(&["serve", "--listen", "0.0.0.0:8080"]),
            "不带 --data 的本机模式只能监听本机地址。",
            "监听 127.0.0.1，或用 --data 目录提供需要登录的服务";
        ServeFolderMissing = "serve-folder-missing", Error,
            Command(&["serve", "--listen", "127.0.0.1:0", "fixtures/no-such-folder"]),
            "本机模式的材料文件夹不是文件夹。",
            "给出存放报送材料的文件夹";
        ServeFolderWithData = "serve-folder-with-data", Error,
            Command(&["serve", "--data", "fixtures/no-such-folder", "fixtures"]),
            "--data 模式下又指定了材料文件夹。",
            "--data 模式下材料由各乡镇上传：去掉材料文件夹";
        BackupNeedsData = "backup-needs-data", Error,
            Command(&["serve", "--backup", "fixtures/no-such-folder/备份.db"]),
            "--backup 没有与 --data 一起使用。",
            "写 kaohe serve --data 目录 --backup 备份文件";
        BackupFailed = "backup-failed", Error,
            Absent("需要备份目标无法写入；tests/cli/serve.rs 覆盖备份"),
            "无法把数据库备份到指定文件。",
            "检查备份文件所在目录是否可写、磁盘是否已满";
        DataDir = "data-dir", Error,
            Absent("需要一个无法创建的数据目录"),
            "无法创建 --data 数据目录。",
            "检查该位置是否可写";
        Database = "database", Error,
            Absent("需要损坏的数据库文件"),
            "数据库出错。",
            "检查数据目录；必要时从 --backup 的备份恢复";
        Runtime = "runtime", Error,
            Absent("需要系统无法启动服务线程"),
            "无法启动服务。",
            "检查系统资源";
        ListenFailed = "listen-failed", Error,
            Absent("需要一个已被占用的端口；tests/cli/serve.rs 覆盖"),
            "无法监听指定的地址和端口（可能已被占用）。",
            "换一个端口，或停止占用该端口的程序";
        ServeFailed = "serve-failed", Error,
            Absent("需要服务运行中出现网络错误"),
            "服务运行中出错并停止。",
            "查看消息中的原因后重新启动";
        BadUserName = "bad-user-name", Error,
            Command(&["users", "add", "--data", "fixtures/no-such-folder", "--role", "county", "--password-stdin", ""]),
            "账号名无效：应为 1–64 个字符，不含控制字符。",
            "换一个账号名";
        UserNeedsUnit = "user-needs-unit", Error,
            Command(&["users", "add", "--data", "fixtures/no-such-folder", "--role", "township", "--password-stdin", "xx"]),
            "乡镇账号没有用 --unit 指定所属单位。",
            "加上 --unit，与该单位 bundle.yaml 的 单位 一致";
        UserUnitForCounty = "user-unit-for-county", Error,
            Command(&["users", "add", "--data", "fixtures/no-such-folder", "--role", "county", "--unit", "xx镇", "--password-stdin", "xx"]),
            "县级评分账号指定了 --unit。",
            "县级账号可查看所有单位：去掉 --unit";
        PasswordUnreadable = "password-unreadable", Error,
            Absent("需要标准输入读取失败"),
            "无法从标准输入读取密码。",
            "用 echo 密码 | kaohe users add … --password-stdin 的方式输入";
        PasswordTooShort = "password-too-short", Error,
            Command(&["users", "add", "--data", "fixtures/no-such-folder", "--role", "county", "--password-stdin", "xx"]),
            "密码太短。",
            "换一个更长的密码";
        PasswordHash = "password-hash", Error,
            Absent("需要散列计算失败（内存不足）"),
            "无法计算密码散列。",
            "重试；仍失败时检查系统内存";
        UserExists = "user-exists", Error,
            Absent("需要一个已有账号的数据目录；tests/cli/serve.rs 覆盖"),
            "账号已存在。",
            "换一个账号名";
    }
}
