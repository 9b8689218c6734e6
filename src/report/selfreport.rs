//! A draft 自查报告 (self-inspection report) in Markdown, in the shape of the county's usual
//! report: 一、指标自查情况 group by group, 二、存在问题, 三、下一步改进措施.
//!
//! Scores, statuses, problems and fixes come from the `Assessment` (never recomputed). The
//! figures are counted from the ledgers and the manifest, each sentence naming the file it
//! was counted from, so the township can check every number against its own ledger. Ledger,
//! column and manifest names are those of bundle-spec.md.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use rust_decimal::Decimal;

use crate::expr::eval::last_number;
use crate::expr::value::Value;
use crate::model::assessment::{Assessment, Status};
use crate::model::evidence::{Evidence, Ledger};
use crate::model::ruleset::{Indicator, RuleSet, Source};
use crate::report::num;

const NUMERALS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

fn numeral(i: usize) -> String {
    match i {
        0..=9 => NUMERALS[i].to_string(),
        10..=19 => format!("十{}", if i == 10 { "" } else { NUMERALS[i - 11] }),
        _ => (i + 1).to_string(),
    }
}

/// What each block of figures is about, and when a group's indicator calls for it: by the
/// ledger or document it is scored from, or (manifest keys) by its measure naming the key.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Block {
    Published,
    Applications,
    Proposals,
    SelfDeclared,
    Incidents,
    Gazette,
    ReadingSites,
    AnnualReport,
    Guide,
    Organisation,
    NewMedia,
    Promotion,
}

const BLOCKS: [Block; 12] = [
    Block::Published,
    Block::Applications,
    Block::Proposals,
    Block::SelfDeclared,
    Block::Incidents,
    Block::Gazette,
    Block::ReadingSites,
    Block::AnnualReport,
    Block::Guide,
    Block::Organisation,
    Block::NewMedia,
    Block::Promotion,
];

impl Block {
    fn wanted_by(self, ind: &Indicator) -> bool {
        let ledger = |name: &str| matches!(&ind.source, Source::Ledger(l) if l == name);
        let document = |name: &str| matches!(&ind.source, Source::Document(d) if d == name);
        let mentions = |words: &[&str]| {
            ind.source == Source::Manifest && words.iter().any(|w| ind.measure.contains(w))
        };
        match self {
            Block::Published => ledger("主动公开"),
            Block::Applications => ledger("依申请"),
            Block::Gazette => ledger("公报发放"),
            Block::ReadingSites => ledger("查阅场所报送"),
            Block::NewMedia => ledger("新媒体发布"),
            Block::AnnualReport => document("年度报告"),
            Block::Guide => document("公开指南"),
            Block::Proposals => mentions(&["建议提案"]),
            Block::SelfDeclared => mentions(&["自查申报"]),
            Block::Incidents => mentions(&["安全事件"]),
            Block::Organisation => mentions(&["领导小组", "工作机构", "制度", "培训", "读网检查"]),
            Block::Promotion => mentions(&["经验推广"]),
        }
    }
}

struct Facts<'a> {
    rules: &'a RuleSet,
    evidence: &'a Evidence,
    year: i32,
}

pub fn render(a: &Assessment, rules: &RuleSet, evidence: &Evidence) -> String {
    let f = Facts {
        rules,
        evidence,
        year: i32::from(rules.year),
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {}{}年度政务公开工作自查报告（草稿）\n",
        a.unit, f.year
    );
    let _ = writeln!(
        out,
        "根据《{}》的要求，{}对照考核指标逐项开展了{}年度政务公开工作自查。现将自查情况报告如下：\n",
        rules.title, a.unit, f.year
    );
    let _ = writeln!(
        out,
        "> 本草稿由 kaohe selfreport 根据报送材料「{}」生成（规则集 {}），文中数字均取自括号所注的台账或清单，请核对、补充后定稿。\n",
        a.bundle, rules.id
    );

    out.push_str("## 一、指标自查情况\n\n");
    let mut done: Vec<Block> = Vec::new();
    for (gi, group) in rules.groups.iter().enumerate() {
        let indicators: Vec<&Indicator> =
            rules.indicators.iter().filter(|i| i.group == gi).collect();
        let name = group
            .name
            .split_once('、')
            .map_or(group.name.as_str(), |(_, n)| n);
        let _ = writeln!(out, "### （{}）{}\n", numeral(gi), name);
        for block in BLOCKS {
            if !done.contains(&block) && indicators.iter().any(|i| block.wanted_by(i)) {
                done.push(block);
                for sentence in f.block(block) {
                    let _ = writeln!(out, "{sentence}\n");
                }
            }
        }
        let results: Vec<String> = a
            .indicators
            .iter()
            .filter(|r| indicators.iter().any(|i| i.id == r.id))
            .map(|r| match r.status {
                Status::Manual => format!("{} {}（{}分，待考核组评定）", r.id, r.name, num(r.max)),
                _ => format!(
                    "{} {}{}分（满分{}分，{}）",
                    r.id,
                    r.name,
                    num(r.score),
                    num(r.max),
                    r.status.label()
                ),
            })
            .collect();
        if !results.is_empty() {
            let _ = writeln!(out, "对照考核指标自查：{}。\n", results.join("；"));
        }
    }
    let t = &a.total;
    let _ = writeln!(
        out,
        "自查得分：基本分{}分，加分{}分，合计{}分（满分{}分），自评等次{}{}。\n",
        num(t.base),
        num(t.bonus),
        num(t.score),
        num(t.max),
        t.grade,
        if t.provisional {
            "（暂定，待考核组评定人工评分项）"
        } else {
            ""
        }
    );

    out.push_str("## 二、存在问题\n\n");
    let problems: Vec<_> = a
        .indicators
        .iter()
        .filter(|r| !r.bonus && !matches!(r.status, Status::Pass | Status::Manual))
        .collect();
    if problems.is_empty() {
        out.push_str("对照考核指标自查，未发现失分问题。\n\n");
    }
    for (i, r) in problems.iter().enumerate() {
        let found: Vec<&str> = r
            .findings
            .iter()
            .filter(|f| f.deduct > Decimal::ZERO)
            .map(|f| f.message.as_str())
            .collect();
        let _ = writeln!(
            out,
            "{}. {}（{} {}，失{}分）：{}。\n",
            i + 1,
            r.group
                .split_once('、')
                .map_or(r.group.as_str(), |(_, n)| n),
            r.id,
            r.name,
            num(r.max - r.score),
            found.join("；")
        );
    }
    let data_errors = a
        .problems
        .iter()
        .filter(|p| p.severity == crate::diag::Severity::Error)
        .count();
    if data_errors > 0 {
        let _ = writeln!(
            out,
            "此外，报送材料中有{data_errors}处数据错误（如日期、数字无法识别），需逐一更正。\n"
        );
    }

    out.push_str("## 三、下一步改进措施\n\n");
    let mut fixes: Vec<&str> = Vec::new();
    for r in &problems {
        if !r.fix.is_empty() && !fixes.contains(&r.fix.as_str()) {
            fixes.push(&r.fix);
        }
    }
    if fixes.is_empty() {
        out.push_str("继续按考核指标要求做好政务公开各项工作。\n\n");
    }
    for (i, fix) in fixes.iter().enumerate() {
        let _ = writeln!(out, "{}是{}\n", numeral(i), fix);
    }

    out.push_str("## 附：数据来源\n\n");
    for e in &a.evidence {
        let hash = e
            .sha256
            .as_deref()
            .map(|h| format!("SHA-256 {}", &h[..h.len().min(12)]))
            .unwrap_or_else(|| format!("未报送（{}）", e.status.unwrap_or("missing")));
        let _ = writeln!(out, "- {}：{}", e.file, hash);
    }
    out
}

fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::Text(t) if t.trim().is_empty() => None,
        Value::Text(t) => Some(t.to_string()),
        other => Some(other.to_string()),
    }
}

impl Facts<'_> {
    fn in_year(&self, v: &Value) -> bool {
        v.as_date()
            .is_some_and(|d| i32::from(d.year()) == self.year)
    }

    fn ledger(&self, name: &str) -> Option<&Ledger> {
        self.evidence.ledgers.get(name).map(|l| l.as_ref())
    }

    fn manifest(&self, path: &[&str]) -> Value {
        let mut v = self.evidence.manifest.clone();
        for key in path {
            v = match &v {
                Value::Record(r) => r.get(key).cloned().unwrap_or_default(),
                _ => Value::Null,
            };
        }
        v
    }

    fn block(&self, block: Block) -> Vec<String> {
        match block {
            Block::Published => self.published(),
            Block::Applications => self.applications(),
            Block::Gazette => self.gazette(),
            Block::ReadingSites => self.reading_sites(),
            Block::NewMedia => self.new_media(),
            Block::AnnualReport => self.annual_report(),
            Block::Guide => self.guide(),
            Block::Proposals => self.proposals(),
            Block::SelfDeclared => self.self_declared(),
            Block::Incidents => self.incidents(),
            Block::Organisation => self.organisation(),
            Block::Promotion => self.promotion(),
        }
    }

    /// In-year rows of 主动公开 by 栏目: the 栏目 of 自查申报.分类数量 first, in its order,
    /// then the others by first appearance in the ledger.
    pub fn by_column(&self) -> Option<(usize, Vec<(String, usize)>)> {
        let l = self.ledger("主动公开")?;
        let rows: Vec<usize> = (0..l.rows.len())
            .filter(|&i| self.in_year(&l.cell(i, "发布日期")))
            .collect();
        let mut order: Vec<String> = Vec::new();
        if let Value::Record(r) = self.manifest(&["自查申报", "分类数量"]) {
            order.extend(r.fields.iter().map(|(k, _)| k.to_string()));
        }
        for &i in &rows {
            if let Some(c) = value_text(&l.cell(i, "栏目"))
                && !order.contains(&c)
            {
                order.push(c);
            }
        }
        let counts = order
            .into_iter()
            .map(|c| {
                let n = rows
                    .iter()
                    .filter(|&&i| value_text(&l.cell(i, "栏目")).as_deref() == Some(c.as_str()))
                    .count();
                (c, n)
            })
            .filter(|(_, n)| *n > 0)
            .collect();
        Some((rows.len(), counts))
    }

    fn published(&self) -> Vec<String> {
        let Some(l) = self.ledger("主动公开") else {
            return vec!["未报送政府信息主动公开台账，无法统计主动公开信息数量。".to_string()];
        };
        let Some((total, counts)) = self.by_column() else {
            return Vec::new();
        };
        let parts: Vec<String> = counts.iter().map(|(c, n)| format!("{c}{n}条")).collect();
        let mut out = vec![format!(
            "{}年度在政府信息公开平台主动公开信息共{}条{}（{}，发布日期在{}年度内的条目）。",
            self.year,
            total,
            if parts.is_empty() {
                String::new()
            } else {
                format!("，其中{}", parts.join("、"))
            },
            l.file,
            self.year
        )];
        let separators: &[char] = &['、', '，', ',', '；', ';', '/'];
        let domains: BTreeSet<String> = (0..l.rows.len())
            .filter(|&i| self.in_year(&l.cell(i, "发布日期")))
            .filter_map(|i| value_text(&l.cell(i, "领域")))
            .flat_map(|d| {
                d.split(separators)
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
            })
            .collect();
        if !domains.is_empty() {
            out.push(format!(
                "重点领域信息涉及{}（{}“领域”列）。",
                domains.into_iter().collect::<Vec<_>>().join("、"),
                l.file
            ));
        }
        out
    }

    fn applications(&self) -> Vec<String> {
        let Some(l) = self.ledger("依申请") else {
            return vec!["未报送依申请公开登记簿。".to_string()];
        };
        let submitted = self.evidence.header.submitted;
        let apps: Vec<usize> = (0..l.rows.len())
            .filter(|&i| {
                let r = l.cell(i, "收件日期");
                r.is_null() || self.in_year(&r)
            })
            .collect();
        if apps.is_empty() {
            return vec![format!(
                "{}年度未收到政府信息公开申请（{}中没有收件日期在{}年度内的登记）。",
                self.year, l.file, self.year
            )];
        }
        let replied: Vec<usize> = apps
            .iter()
            .copied()
            .filter(|&i| {
                matches!(
                    (l.cell(i, "收件日期").as_date(), l.cell(i, "答复日期").as_date()),
                    (Some(r), Some(a)) if a >= r && a <= submitted
                )
            })
            .collect();
        let extended = apps
            .iter()
            .filter(|&&i| l.cell(i, "是否延期").as_bool() == Some(true))
            .count();
        let kinds = param_list(self.rules, "办理结果类型");
        let mut by_kind: Vec<(String, usize)> = Vec::new();
        for &i in &replied {
            let result = value_text(&l.cell(i, "办理结果")).unwrap_or_default();
            let kind = kinds
                .iter()
                .find(|k| result.starts_with(k.as_str()))
                .cloned()
                .unwrap_or_else(|| "其他（未按规定口径填写）".to_string());
            match by_kind.iter_mut().find(|(k, _)| *k == kind) {
                Some((_, n)) => *n += 1,
                None => by_kind.push((kind, 1)),
            }
        }
        let kinds_text: Vec<String> = by_kind.iter().map(|(k, n)| format!("{k}{n}件")).collect();
        vec![format!(
            "{}年度收到政府信息公开申请{}件，已答复{}件{}，延期答复{}件，截至报送日期{}尚未答复{}件（{}）。",
            self.year,
            apps.len(),
            replied.len(),
            if kinds_text.is_empty() {
                String::new()
            } else {
                format!("（{}）", kinds_text.join("、"))
            },
            extended,
            submitted,
            apps.len() - replied.len(),
            l.file
        )]
    }

    fn gazette(&self) -> Vec<String> {
        let Some(l) = self.ledger("公报发放") else {
            return vec!["未报送政府公报发放台账。".to_string()];
        };
        let rows: Vec<usize> = (0..l.rows.len())
            .filter(|&i| self.in_year(&l.cell(i, "接收日期")))
            .collect();
        let issues: BTreeSet<Decimal> = rows
            .iter()
            .filter_map(|&i| value_text(&l.cell(i, "期数")).and_then(|t| last_number(&t)))
            .collect();
        let copies: Decimal = rows
            .iter()
            .filter_map(|&i| l.cell(i, "份数").as_num())
            .sum();
        let list: Vec<String> = issues.iter().map(|n| num(*n)).collect();
        if issues.is_empty() {
            return vec![format!(
                "{}年度没有登记接收政府公报（{}中没有接收日期在{}年度内的登记）。",
                self.year, l.file, self.year
            )];
        }
        vec![format!(
            "{}年度登记接收政府公报{}期（第{}期），共{}份，按规定放置查阅（{}，接收日期在{}年度内的{}条登记）。",
            self.year,
            issues.len(),
            list.join("、"),
            num(copies),
            l.file,
            self.year,
            rows.len()
        )]
    }

    fn reading_sites(&self) -> Vec<String> {
        let Some(l) = self.ledger("查阅场所报送") else {
            return vec!["未报送向查阅场所报送公开资料的记录。".to_string()];
        };
        let rows: Vec<usize> = (0..l.rows.len())
            .filter(|&i| self.in_year(&l.cell(i, "报送日期")))
            .collect();
        let sets: Decimal = rows
            .iter()
            .filter_map(|&i| l.cell(i, "套数").as_num())
            .sum();
        let each: Vec<String> = rows
            .iter()
            .map(|&i| {
                format!(
                    "{}向{}报送{}套",
                    l.cell(i, "报送日期"),
                    value_text(&l.cell(i, "接收单位")).unwrap_or_else(|| "（未填接收单位）".into()),
                    l.cell(i, "套数")
                )
            })
            .collect();
        vec![format!(
            "{}年度向查阅场所报送主动公开政府信息资料共{}套{}（{}）。",
            self.year,
            num(sets),
            if each.is_empty() {
                String::new()
            } else {
                format!("：{}", each.join("；"))
            },
            l.file
        )]
    }

    fn new_media(&self) -> Vec<String> {
        let Some(l) = self.ledger("新媒体发布") else {
            return vec!["未报送政务新媒体发布台账。".to_string()];
        };
        let rows: Vec<usize> = (0..l.rows.len())
            .filter(|&i| self.in_year(&l.cell(i, "发布日期")))
            .collect();
        let months: BTreeSet<i8> = rows
            .iter()
            .filter_map(|&i| l.cell(i, "发布日期").as_date())
            .map(|d| d.month())
            .collect();
        let platforms: BTreeSet<String> = rows
            .iter()
            .filter_map(|&i| value_text(&l.cell(i, "平台")))
            .collect();
        vec![format!(
            "政务新媒体（{}）{}年度发布{}条，覆盖{}个月份（{}）。",
            platforms.into_iter().collect::<Vec<_>>().join("、"),
            self.year,
            rows.len(),
            months.len(),
            l.file
        )]
    }

    fn annual_report(&self) -> Vec<String> {
        let Some(doc) = self.evidence.documents.get("年度报告") else {
            return vec![format!(
                "{}年度政府信息公开工作年度报告尚未报送。",
                self.year
            )];
        };
        let field = |name: &str| {
            doc.fields
                .iter()
                .find(|(k, _)| &**k == name)
                .and_then(|(_, v)| value_text(v))
        };
        let date = field("发布日期");
        let link = field("链接");
        vec![format!(
            "编制了{}年度政府信息公开工作年度报告，{}{}（{}）。",
            self.year,
            match &date {
                Some(d) => format!("于{d}公开发布"),
                None => "尚未填报发布日期".to_string(),
            },
            link.map(|l| format!("，网址 {l}")).unwrap_or_default(),
            doc.file
        )]
    }

    fn guide(&self) -> Vec<String> {
        match self.evidence.documents.get("公开指南") {
            Some(doc) => vec![format!("编制了政府信息公开指南（{}）。", doc.file)],
            None => vec!["政府信息公开指南尚未报送。".to_string()],
        }
    }

    fn proposals(&self) -> Vec<String> {
        let n = self.manifest(&["建议提案", "承办数量"]);
        let m = self.manifest(&["建议提案", "已公开办理结果"]);
        match (n.as_num(), m.as_num()) {
            (Some(n), Some(m)) => vec![format!(
                "承办人大代表建议和政协委员提案{}件，已公开办理结果{}件（bundle.yaml 建议提案）。",
                num(n),
                num(m)
            )],
            _ => {
                vec!["建议提案承办和办理结果公开情况尚未填报（bundle.yaml 建议提案）。".to_string()]
            }
        }
    }

    fn self_declared(&self) -> Vec<String> {
        let declared = self.manifest(&["自查申报", "主动公开总数"]).as_num();
        let Some((total, counts)) = self.by_column() else {
            return Vec::new();
        };
        let Some(declared) = declared else {
            return vec![format!(
                "自查申报的主动公开总数尚未填报；按台账统计为{total}条（bundle.yaml 自查申报）。"
            )];
        };
        let mut differ = Vec::new();
        if declared != Decimal::from(total) {
            differ.push(format!("总数申报{}条、台账{}条", num(declared), total));
        }
        if let Value::Record(r) = self.manifest(&["自查申报", "分类数量"]) {
            for (k, v) in &r.fields {
                let ledger = counts
                    .iter()
                    .find(|(c, _)| c.as_str() == &**k)
                    .map_or(0, |(_, n)| *n);
                if let Some(v) = v.as_num()
                    && v != Decimal::from(ledger)
                {
                    differ.push(format!("{k}申报{}条、台账{ledger}条", num(v)));
                }
            }
        }
        if differ.is_empty() {
            vec![
                "自查申报的主动公开总数和各栏目数量与主动公开台账一致（bundle.yaml 自查申报）。"
                    .to_string(),
            ]
        } else {
            vec![format!(
                "自查申报数与主动公开台账不一致：{}（bundle.yaml 自查申报），定稿前应按台账更正。",
                differ.join("；")
            )]
        }
    }

    fn incidents(&self) -> Vec<String> {
        let events = self.manifest(&["安全事件"]);
        let items: Vec<&Value> = events
            .as_list()
            .unwrap_or_default()
            .iter()
            .filter(|e| {
                let d = match e {
                    Value::Record(r) => r.get("日期").cloned().unwrap_or_default(),
                    _ => Value::Null,
                };
                d.is_null() || self.in_year(&d)
            })
            .collect();
        if items.is_empty() {
            return vec![format!(
                "{}年度平台未发生泄密、严重表述错误、违规内容、安全攻击等安全事件（bundle.yaml 安全事件）。",
                self.year
            )];
        }
        let each: Vec<String> = items
            .iter()
            .map(|e| match e {
                Value::Record(r) => format!(
                    "{} {}",
                    r.get("日期").cloned().unwrap_or_default(),
                    r.get("类型").and_then(value_text).unwrap_or_default()
                ),
                _ => String::new(),
            })
            .collect();
        vec![format!(
            "{}年度平台发生安全事件{}起：{}（bundle.yaml 安全事件）。",
            self.year,
            items.len(),
            each.join("；")
        )]
    }

    fn organisation(&self) -> Vec<String> {
        let org = |k: &str| self.manifest(&["组织保障", k]);
        let mut parts = Vec::new();
        match org("领导小组") {
            Value::Record(r) => parts.push(format!(
                "成立了以{}{}为组长的政务公开工作领导小组",
                r.get("组长职务").and_then(value_text).unwrap_or_default(),
                r.get("组长").and_then(value_text).unwrap_or_default()
            )),
            _ => parts.push("尚未填报政务公开工作领导小组".to_string()),
        }
        if let Some(unit) = value_text(&org("工作机构")) {
            parts.push(format!("明确{unit}为政务公开工作机构"));
        }
        let staff = org("专职人员")
            .as_list()
            .map_or(0, |l| l.iter().filter(|v| value_text(v).is_some()).count());
        parts.push(format!("配备专职人员{staff}名"));
        if let Some(p) = value_text(&org("读网检查责任人")) {
            parts.push(format!("明确读网检查责任人{p}"));
        }
        let rules: Vec<String> = org("制度")
            .as_list()
            .unwrap_or_default()
            .iter()
            .filter_map(|z| match z {
                Value::Record(r) => r.get("名称").and_then(value_text),
                _ => None,
            })
            .collect();
        if !rules.is_empty() {
            parts.push(format!("建立了{}等{}项制度", rules.join("、"), rules.len()));
        }
        let trainings = org("培训")
            .as_list()
            .unwrap_or_default()
            .iter()
            .filter(|t| match t {
                Value::Record(r) => r.get("日期").is_some_and(|d| self.in_year(d)),
                _ => false,
            })
            .count();
        parts.push(format!("{}年度组织业务培训{trainings}次", self.year));
        vec![format!("{}（bundle.yaml 组织保障）。", parts.join("；"))]
    }

    fn promotion(&self) -> Vec<String> {
        let items: Vec<String> = self
            .manifest(&["经验推广"])
            .as_list()
            .unwrap_or_default()
            .iter()
            .filter_map(|e| match e {
                Value::Record(r) if r.get("日期").is_some_and(|d| self.in_year(d)) => {
                    Some(format!(
                        "《{}》（{}）",
                        r.get("标题").and_then(value_text).unwrap_or_default(),
                        r.get("刊发单位").and_then(value_text).unwrap_or_default()
                    ))
                }
                _ => None,
            })
            .collect();
        if items.is_empty() {
            return vec![format!(
                "{}年度暂无经验做法被上级刊发推广（bundle.yaml 经验推广）。",
                self.year
            )];
        }
        vec![format!(
            "{}年度经验做法被上级刊发推广{}项：{}（bundle.yaml 经验推广）。",
            self.year,
            items.len(),
            items.join("、")
        )]
    }
}

fn param_list(rules: &RuleSet, name: &str) -> Vec<String> {
    rules
        .params
        .iter()
        .find(|(n, _)| n == name)
        .and_then(|(_, v)| v.as_list())
        .unwrap_or_default()
        .iter()
        .filter_map(value_text)
        .collect()
}
