//! The pre-check as text (a terminal or a printout) or Markdown; JSON is the `Precheck` itself.
//! Renders only: every number comes from the `Precheck`.

use rust_decimal::Decimal;

use crate::diag::{Severity, render_location};
use crate::model::assessment::{EvidenceRef, Status};
use crate::model::precheck::{Precheck, Todo};
use crate::report::num;
use crate::report::table::plain;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum PrecheckFormat {
    /// 文本：分节、逐条编号
    Table,
    /// JSON（kaohe.precheck/1）
    Json,
    /// Markdown，便于打印或发消息
    Md,
}

impl PrecheckFormat {
    pub(crate) fn from_extension(path: &std::path::Path) -> Option<PrecheckFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "json" => Some(PrecheckFormat::Json),
            "md" => Some(PrecheckFormat::Md),
            "txt" => Some(PrecheckFormat::Table),
            _ => None,
        }
    }

    pub(crate) fn render(self, p: &Precheck) -> String {
        match self {
            PrecheckFormat::Json => {
                let mut s = serde_json::to_string_pretty(p)
                    .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
                s.push('\n');
                s
            }
            PrecheckFormat::Table => plain(&render(p, false)),
            PrecheckFormat::Md => render(p, true),
        }
    }
}

fn cite(e: &EvidenceRef) -> String {
    let mut s = e.file.clone();
    if let Some(sheet) = &e.sheet {
        s.push_str(&format!("（{sheet}）"));
    }
    if let Some(row) = e.row {
        s.push_str(&format!(" 第{row}行"));
    }
    s
}

/// Rows of one file cited together: `台账/x.csv 第3、5、9行`.
fn cites(refs: &[EvidenceRef]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < refs.len() {
        let file = &refs[i].file;
        let sheet = &refs[i].sheet;
        let mut rows = Vec::new();
        let mut j = i;
        while j < refs.len() && &refs[j].file == file && &refs[j].sheet == sheet {
            if let Some(r) = refs[j].row {
                rows.push(r.to_string());
            }
            j += 1;
        }
        if rows.is_empty() {
            out.push(cite(&refs[i]));
        } else {
            let head = EvidenceRef {
                file: file.clone(),
                sheet: sheet.clone(),
                row: None,
            };
            let more = if rows.len() > 12 {
                format!("等{}行", rows.len())
            } else {
                String::new()
            };
            rows.truncate(12);
            out.push(format!("{} 第{}行{more}", cite(&head), rows.join("、")));
        }
        i = j;
    }
    out.join("；")
}

struct Out {
    md: bool,
    s: String,
}

impl Out {
    fn line(&mut self, text: &str) {
        self.s.push_str(text);
        self.s.push('\n');
    }
    fn blank(&mut self) {
        self.s.push('\n');
    }
    fn heading(&mut self, text: &str) {
        self.blank();
        if self.md {
            self.line(&format!("## {text}"));
            self.blank();
        } else {
            self.line(text);
        }
    }
    /// A list item at depth 0 (numbered by the caller) or 1, 2.
    fn item(&mut self, depth: usize, text: &str) {
        let indent = if self.md {
            "  ".repeat(depth)
        } else {
            "   ".repeat(depth)
        };
        let bullet = if self.md || depth > 0 { "- " } else { "" };
        self.line(&format!("{indent}{bullet}{text}"));
    }
}

fn render(p: &Precheck, md: bool) -> String {
    let mut o = Out {
        md,
        s: String::new(),
    };
    let title = format!("{}　{}年度政务公开考核预检", p.unit, p.ruleset.year);
    if md {
        o.line(&format!("# {title}"));
        o.blank();
    } else {
        o.line(&title);
    }
    o.line(&format!(
        "规则集：{}（{}）　材料：{}　预检截至：{}　报送日期：{}",
        p.ruleset.id, p.ruleset.title, p.bundle, p.as_of, p.submitted
    ));
    if md {
        o.blank();
    }
    let t = &p.total;
    o.line(&format!(
        "按现有材料：基本分 {} + 加分 {} = 总分 {}（满分 {}）　等次：{}{}",
        num(t.base),
        num(t.bonus),
        num(t.score),
        num(t.max),
        t.grade,
        if t.provisional { "（暂定）" } else { "" }
    ));
    if t.veto {
        o.line("触发一票否决项：无论得分多少，等次均为不合格。");
    }
    if md {
        o.blank();
    }
    o.line(&format!(
        "失分合计 {} 分（{}项指标）；报送前还可如实挽回 {} 分。",
        num(p.at_stake),
        p.todo.len(),
        num(p.recoverable_total)
    ));

    // Sections are numbered as they are printed (加分项 and the applications are optional).
    let mut section = 0;
    let mut heading = |o: &mut Out, text: &str| {
        section += 1;
        o.heading(&format!("{}、{text}", crate::report::numeral(section - 1)));
    };
    heading(&mut o, "会失分的指标（按失分从多到少）");
    if p.todo.is_empty() {
        o.item(0, "无：所有指标均得满分。");
    }
    for (i, t) in p.todo.iter().enumerate() {
        todo_item(&mut o, i + 1, t);
    }

    if !p.bonus.is_empty() {
        heading(&mut o, "加分项（不计入失分）");
        for (i, t) in p.bonus.iter().enumerate() {
            todo_item(&mut o, i + 1, t);
        }
    }

    if let Some(title) = &p.applications_title {
        heading(&mut o, title);
        if p.applications.is_empty() {
            o.item(0, "无。");
        }
    }
    for a in &p.applications {
        let state = match a.state {
            "overdue" => "已逾期",
            "open" => "办理中",
            _ => "届满日未知",
        };
        o.item(
            if md { 0 } else { 1 },
            &format!(
                "{}：{}收到，答复期限{}个工作日，届满日{}，{}；{}{}",
                cite(&a.evidence),
                a.received.as_deref().unwrap_or("日期不详"),
                a.limit,
                a.due.as_deref().unwrap_or("未知"),
                state,
                a.note,
                if a.deducted {
                    "（届满日早于报送日期，未答复即扣分）"
                } else {
                    ""
                }
            ),
        );
    }

    heading(&mut o, "缺少的材料");
    if p.missing.is_empty() {
        o.item(0, "无。");
    }
    for m in &p.missing {
        let status = match m.status {
            Some("missing") => "（文件不存在）",
            Some("refused") => "（路径不安全，已拒绝读取）",
            Some("not-a-file") => "（不是文件）",
            Some("unreadable") => "（无法读取）",
            _ => "",
        };
        let who = if m.indicators.is_empty() {
            String::new()
        } else {
            format!("指标{}：", m.indicators.join("、"))
        };
        o.item(
            if md { 0 } else { 1 },
            &format!(
                "{who}{}{}{status}",
                m.what,
                m.file
                    .as_deref()
                    .map(|f| format!("，{f}"))
                    .unwrap_or_default()
            ),
        );
    }

    heading(&mut o, "数据问题");
    if p.problems.is_empty() {
        o.item(0, "无。");
    }
    for pr in &p.problems {
        let level = match pr.severity {
            Severity::Error => "错误",
            Severity::Warning => "提示",
        };
        o.item(
            if md { 0 } else { 1 },
            &format!("{level} {}：{}", render_location(pr), pr.message),
        );
    }

    heading(&mut o, "报送前可如实挽回的分数");
    if p.recoverable.is_empty() {
        o.item(0, "无。");
    }
    for r in &p.recoverable {
        o.item(
            if md { 0 } else { 1 },
            &format!(
                "{} {}：{}分，{}前：{}",
                r.id,
                r.name,
                num(r.points),
                r.by,
                r.action
            ),
        );
    }
    o.item(
        0,
        &format!(
            "合计 {} 分。按台账行计分的指标（年度内条目数、更新频率、季度、期号等）不能靠补登往年台账挽回，请在下一年度改进。",
            num(p.recoverable_total)
        ),
    );
    o.s
}

fn todo_item(o: &mut Out, n: usize, t: &Todo) {
    let score = if t.status == Status::Manual {
        "-".to_string()
    } else {
        num(t.score)
    };
    let head = format!(
        "{n}. 【失{}分】{} {}（{}，得分 {}/{}）",
        num(t.at_stake),
        t.id,
        t.name,
        t.status.label(),
        score,
        num(t.max)
    );
    if o.md {
        o.line(&format!("### {head}"));
        o.blank();
    } else {
        o.blank();
        o.line(&head);
    }
    if t.status == Status::Manual {
        o.item(
            1,
            "由评分人抽查评定，乡镇无法自评；请确保信息内容准确、规范。",
        );
    }
    for f in &t.findings {
        let mut text = f.message.clone();
        if f.deduct > Decimal::ZERO {
            text.push_str(&format!("（{}分）", crate::report::deduct_text(f.deduct)));
        } else if f.capped {
            text.push_str("（已扣完，不再扣分）");
        }
        if !f.evidence.is_empty() {
            text.push_str(&format!("　依据：{}", cites(&f.evidence)));
        }
        o.item(1, &text);
    }
    for d in &t.dates {
        let text = match &d.date {
            Some(date) => format!("{}：{date}（{}）", d.what, d.note),
            None => format!("{}：{}", d.what, d.note),
        };
        o.item(1, &text);
    }
    if !t.fix.is_empty() {
        o.item(1, &format!("整改：{}", t.fix));
    }
    if o.md {
        o.blank();
    }
}
