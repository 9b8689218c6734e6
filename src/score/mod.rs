//! Pure scoring: (rule set, evidence, verdicts, calendar) → assessment. No IO.
//!
//! Every point lost is a `Finding` that cites its rows, so the findings of an indicator add up
//! to `max − score` (PRODUCT.md), except for a manual indicator still waiting for its verdict.

pub mod grading;
pub mod township;
pub mod trace;

use crate::diag::DataCode;
use std::cell::RefCell;
use std::sync::Arc;

use rust_decimal::Decimal;

use crate::calendar::Calendar;
use crate::diag::{self, Problem};
use crate::expr::{EvalCtx, Vars};
use crate::model::assessment::{
    Adjustment, Assessment, EvidenceFile, EvidenceRef, Finding, IndicatorResult, Provenance,
    RulesetInfo, SCHEMA, Status,
};
use crate::model::evidence::{Evidence, FileStatus};
use crate::model::ruleset::{Check, Clause, Indicator, Method, RuleSet, Source, VetoScope};
use crate::model::verdicts::Verdicts;
use crate::value::{Doc, Record, RowRef, Rows, Value};

/// The names every expression sees at run time: params, manifest header, 台账, 文档 and the
/// declared manifest keys. Built once per bundle.
pub fn globals(rules: &RuleSet, evidence: &Evidence) -> Vars {
    let mut vars = Vars::new();
    let h = &evidence.header;
    vars.set("单位", Value::text(&h.unit));
    vars.set(
        "上级单位",
        h.parent.as_ref().map(Value::text).unwrap_or_default(),
    );
    vars.set("考核年度", Value::Num(Decimal::from(h.year)));
    vars.set("报送日期", Value::Date(h.submitted));
    // 截至日期: the day the periods of the year are counted up to. Scoring counts the whole
    // year; a pre-check (`score_as_of`) may count only up to an earlier day.
    vars.set(
        "截至日期",
        Value::Date(jiff::civil::date(rules.year, 12, 31)),
    );
    let ledgers = rules
        .evidence
        .ledgers
        .iter()
        .map(|decl| {
            let rows = evidence.ledgers.get(&decl.name).map(|ledger| {
                Value::list(
                    (0..ledger.rows.len())
                        .map(|index| {
                            Value::Row(RowRef {
                                ledger: Arc::clone(ledger) as Arc<dyn Rows>,
                                index,
                            })
                        })
                        .collect(),
                )
            });
            (Arc::from(decl.name.as_str()), rows.unwrap_or_default())
        })
        .collect();
    vars.set("台账", Value::Record(Arc::new(Record { fields: ledgers })));
    let documents = rules
        .evidence
        .documents
        .iter()
        .map(|decl| {
            let doc = evidence
                .documents
                .get(&decl.name)
                .map(|d| Value::Doc(Arc::clone(d) as Arc<dyn Doc>));
            (Arc::from(decl.name.as_str()), doc.unwrap_or_default())
        })
        .collect();
    vars.set(
        "文档",
        Value::Record(Arc::new(Record { fields: documents })),
    );
    if let Value::Record(manifest) = &evidence.manifest {
        for (name, value) in &manifest.fields {
            vars.set(name, value.clone());
        }
    }
    for (name, _) in &rules.evidence.manifest {
        if vars.get(name).is_none() {
            vars.set(name, Value::Null);
        }
    }
    for (name, value) in &rules.params {
        vars.set(name, value.clone());
    }
    vars
}

/// Evaluate the rule set's shared `let` definitions into the bindings, in order.
pub fn bind_shared(rules: &RuleSet, ctx: &EvalCtx, vars: &mut Vars) {
    for (name, expr) in &rules.lets {
        let value = expr.eval(ctx, vars);
        vars.set(name, value);
    }
}

/// Score one bundle.
pub fn score(
    rules: &RuleSet,
    evidence: &Evidence,
    verdicts: Option<&Verdicts>,
    calendar: &Calendar,
) -> Assessment {
    score_as_of(rules, evidence, verdicts, calendar, None)
}

/// Score one bundle counting the year's periods (months, quarters, 断更 gaps, gazette issues)
/// only up to `as_of` (the expression name `截至日期`) when it falls before the year end; `None`
/// or a later day counts the whole year, exactly as `score`.
pub fn score_as_of(
    rules: &RuleSet,
    evidence: &Evidence,
    verdicts: Option<&Verdicts>,
    calendar: &Calendar,
    as_of: Option<jiff::civil::Date>,
) -> Assessment {
    let ctx = EvalCtx {
        year: rules.year,
        calendar,
        evidence,
        problems: RefCell::new(Vec::new()),
        row_stack: RefCell::new(Vec::new()),
    };
    let mut globals = globals(rules, evidence);
    if let Some(d) = as_of {
        globals.set("截至日期", Value::Date(d));
    }
    bind_shared(rules, &ctx, &mut globals);

    let mut results = Vec::with_capacity(rules.indicators.len());
    for indicator in &rules.indicators {
        let mut result = score_indicator(rules, indicator, evidence, &ctx, &globals, verdicts);
        if rules.rounding.indicator {
            round_indicator(&mut result, &rules.rounding);
        }
        if let Some(adj) = verdicts.and_then(|v| v.adjustments.get(&indicator.id)) {
            adjust(
                &mut result,
                adj.score,
                &adj.note,
                verdicts.map(|v| v.evaluator.as_str()),
            );
        }
        results.push(result);
    }

    for check in &rules.checks {
        run_check(check, evidence, &ctx, &globals);
    }
    absent_columns_read(rules, evidence, &ctx);

    // Above single indicators: vetoes with a scope, parts, the total, grading rules.
    let (total, parts) = grading::finish(rules, &mut results, &ctx, &globals);

    let mut problems = evidence.problems.clone();
    problems.extend(ctx.problems.into_inner());
    diag::finish(&mut problems);
    Assessment {
        schema: SCHEMA,
        ruleset: RulesetInfo {
            id: rules.id.clone(),
            title: rules.title.clone(),
            year: rules.year,
            sha256: rules.sha256.clone(),
        },
        unit: evidence.header.unit.clone(),
        unit_type: rules.unit_value().map(str::to_string),
        bundle: evidence.bundle.clone(),
        total,
        parts,
        indicators: results,
        evidence: evidence_files(evidence, verdicts),
        problems,
        provenance: Provenance {
            kaohe: env!("CARGO_PKG_VERSION"),
            submitted: evidence.header.submitted.to_string(),
            evaluator: verdicts.map(|v| v.evaluator.clone()),
            evaluated: verdicts.and_then(|v| v.date.map(|d| d.to_string())),
        },
    }
}

fn evidence_files(evidence: &Evidence, verdicts: Option<&Verdicts>) -> Vec<EvidenceFile> {
    let mut files: Vec<EvidenceFile> = evidence
        .files
        .iter()
        .map(|(file, status)| match status {
            FileStatus::Ok { sha256 } => EvidenceFile {
                file: file.clone(),
                sha256: Some(sha256.clone()),
                status: None,
            },
            other => EvidenceFile {
                file: file.clone(),
                sha256: None,
                status: Some(other.word()),
            },
        })
        .collect();
    if let Some(v) = verdicts {
        files.push(EvidenceFile {
            file: v.file.clone(),
            sha256: Some(v.sha256.clone()),
            status: None,
        });
    }
    files.sort_by(|a, b| a.file.cmp(&b.file));
    files
}

/// 按规则取舍 per indicator: the difference is one more finding, so findings still add up.
fn round_indicator(result: &mut IndicatorResult, rounding: &crate::model::ruleset::Rounding) {
    if matches!(result.status, Status::Manual | Status::Na) {
        return;
    }
    let rounded = rounding.round(result.score);
    if rounded != result.score {
        result.findings.push(Finding {
            message: format!(
                "得分{}按{}保留到{}为{}",
                result.score.normalize(),
                rounding.rule.label(),
                rounding.step.normalize(),
                rounded
            ),
            key: "rounding".to_string(),
            deduct: result.score - rounded,
            evidence: Vec::new(),
            capped: false,
        });
        result.score = rounded;
    }
}

/// An evaluator's 调整: the computed findings stay, and one more finding records the change so
/// the findings still add up to `max − score`.
fn adjust(result: &mut IndicatorResult, to: Decimal, reason: &str, by: Option<&str>) {
    let from = result.score;
    let by = by.unwrap_or_default().to_string();
    result.findings.push(Finding {
        message: format!("评分人调整：{from} 改为 {to}（{reason}，{by}）"),
        key: "adjust".to_string(),
        deduct: from - to,
        evidence: Vec::new(),
        capped: false,
    });
    result.score = to;
    // A veto stays a veto; a 不适用 indicator the evaluator scores counts again.
    if !matches!(result.status, Status::Veto) {
        result.status = Status::from_points(to, result.max);
    }
    result.adjusted = Some(Adjustment {
        from,
        to,
        reason: reason.to_string(),
        by,
    });
}

/// A ledger read without an optional column that an indicator reads (1.8 counts 领域): every
/// row reads it as empty, which costs points without a word — so say so, once per column,
/// naming the indicators.
fn absent_columns_read(rules: &RuleSet, evidence: &Evidence, ctx: &EvalCtx) {
    for (name, ledger) in &evidence.ledgers {
        for column in &ledger.absent {
            let readers: Vec<String> = rules
                .indicators
                .iter()
                .filter(|i| matches!(&i.source, Source::Ledger(l) if l == name))
                .filter(|i| i.reads.contains(column))
                .map(|i| format!("{}（{}）", i.id, i.name))
                .collect();
            if readers.is_empty() {
                continue;
            }
            let mut p = crate::diag::Problem::warning(
                ledger.file.clone(),
                DataCode::AbsentColumnRead,
                format!(
                    "台账中没有「{column}」列，指标{}读取此列，按每行均为空评分；如平台导出时漏了这一列，请补上（表头的其他写法见 kaohe rules show）",
                    readers.join("、")
                ),
            )
            .column(column.clone());
            p.sheet = ledger.sheet.clone();
            ctx.problems.borrow_mut().push(p);
        }
    }
}

/// Why a ledger the requirement names was handed in but is unusable: the loader's errors about
/// the file itself (no row: a missing column, with the headers found and a proposed 列名对照),
/// so every report and `explain` carry the same reason as the problem list.
fn unusable_because(evidence: &Evidence, req: &crate::model::ruleset::Requirement) -> String {
    let src = req.need.source();
    let mut reasons: Vec<String> = Vec::new();
    for (key, file) in &evidence.named_paths {
        let Some(name) = key.strip_prefix("台账.") else {
            continue;
        };
        if evidence.ledgers.contains_key(name) || !src.contains(key.as_str()) {
            continue;
        }
        // An unusable ledger was never typed, so its errors are all about the file itself.
        for p in evidence
            .problems
            .iter()
            .filter(|p| p.file == *file && p.severity == crate::diag::Severity::Error)
        {
            let text = format!("{file}：{}", p.message);
            if !reasons.contains(&text) {
                reasons.push(text);
            }
        }
    }
    if reasons.is_empty() {
        String::new()
    } else {
        format!("——{}", reasons.join("；"))
    }
}

struct Scoring<'a> {
    indicator: &'a Indicator,
    evidence: &'a Evidence,
    ctx: &'a EvalCtx<'a>,
}

fn score_indicator(
    rules: &RuleSet,
    indicator: &Indicator,
    evidence: &Evidence,
    ctx: &EvalCtx,
    globals: &Vars,
    verdicts: Option<&Verdicts>,
) -> IndicatorResult {
    let s = Scoring {
        indicator,
        evidence,
        ctx,
    };
    let mut result = IndicatorResult {
        id: indicator.id.clone(),
        name: indicator.name.clone(),
        group: rules.groups[indicator.group].name.clone(),
        max: indicator.points,
        score: Decimal::ZERO,
        status: Status::Gap,
        bonus: rules.is_bonus(indicator),
        findings: Vec::new(),
        adjusted: None,
        verdict: None,
        basis: indicator.basis.clone(),
        fix: indicator.fix.clone(),
    };

    if let Some(applies) = &indicator.applies_when
        && !truthy(&applies.eval(ctx, globals))
    {
        result.status = Status::Na;
        return result;
    }
    // Worth 0 to this unit's type (`points: {乡镇: 5, 街道: 0}`): not one of its indicators.
    if indicator.points_by_unit && indicator.points.is_zero() {
        result.status = Status::Na;
        return result;
    }

    let mut vars = globals.clone();
    for req in &indicator.requires {
        if req.need.eval(ctx, &vars).is_null() {
            result.status = Status::Missing;
            result.findings.push(Finding {
                key: format!("missing:{}", req.what),
                message: format!("缺材料：{}{}", req.what, unusable_because(evidence, req)),
                deduct: indicator.points,
                evidence: vec![s.source_ref()],
                capped: false,
            });
            return result;
        }
    }

    if let Method::Manual = indicator.method {
        match verdicts.and_then(|v| v.scores.get(&indicator.id)) {
            Some(verdict) => {
                result.score = verdict.score;
                result.status = Status::from_points(verdict.score, indicator.points);
                result.verdict = Some(verdict.note.clone());
                if verdict.score < indicator.points {
                    let note = if verdict.note.is_empty() {
                        "评分人评定".to_string()
                    } else {
                        verdict.note.clone()
                    };
                    result.findings.push(Finding {
                        message: note,
                        key: "manual".to_string(),
                        deduct: indicator.points - verdict.score,
                        evidence: Vec::new(),
                        capped: false,
                    });
                }
            }
            None => result.status = Status::Manual,
        }
        return result;
    }

    for (name, expr) in &indicator.lets {
        let value = expr.eval(ctx, &vars);
        vars.set(name, value);
    }

    // A veto that keeps the indicator's score (`scope: none`) lists its findings with no
    // deduction and lets the method score; any other takes the indicator's points.
    let mut vetoed = false;
    if let Some(veto) = &indicator.veto {
        let items = veto.items.eval(ctx, &vars);
        let items = items.as_list().unwrap_or_default();
        if !items.is_empty() {
            let keeps = veto.scope == VetoScope::None;
            for (i, item) in items.iter().enumerate() {
                let message = s.render_item(&veto.message, &mut vars, item);
                let evidence = s.cite(item);
                result.findings.push(Finding {
                    message: format!("{}：{message}", veto.label),
                    key: format!("veto:{}", item_key(item)),
                    deduct: if i == 0 && !keeps {
                        indicator.points
                    } else {
                        Decimal::ZERO
                    },
                    evidence,
                    capped: false,
                });
            }
            if !keeps {
                result.status = Status::Veto;
                return result;
            }
            vetoed = true;
        }
    }

    if let Some((cond, message)) = &indicator.zero_when
        && truthy(&cond.eval(ctx, &vars))
    {
        result.status = if vetoed { Status::Veto } else { Status::Gap };
        result.findings.push(Finding {
            message: message.render(ctx, &vars),
            key: "zero".to_string(),
            deduct: indicator.points,
            evidence: vec![s.source_ref()],
            capped: false,
        });
        return result;
    }

    let points = indicator.points;
    match &indicator.method {
        Method::All {
            pass,
            cite,
            message,
        } => {
            if truthy(&pass.eval(ctx, &vars)) {
                result.score = points;
            } else {
                result.findings.push(Finding {
                    message: message.render(ctx, &vars),
                    key: "all".to_string(),
                    deduct: points,
                    evidence: s.cite_expr(cite.as_ref(), &vars),
                    capped: false,
                });
            }
        }
        Method::Tiers {
            measure,
            cite,
            levels,
            message,
        } => {
            let value = measure.eval(ctx, &vars);
            let awarded = value
                .as_num()
                .and_then(|m| levels.iter().find(|l| m >= l.min))
                .map(|l| l.points)
                .unwrap_or(Decimal::ZERO)
                .min(points);
            result.score = awarded;
            if awarded < points {
                vars.set("measure", value);
                result.findings.push(Finding {
                    message: message.render(ctx, &vars),
                    key: "tiers".to_string(),
                    deduct: points - awarded,
                    evidence: s.cite_expr(cite.as_ref(), &vars),
                    capped: false,
                });
            }
        }
        Method::Deduct { clauses } => {
            let mut remaining = points;
            for (n, clause) in clauses.iter().enumerate() {
                let mut clause_left = clause.cap.unwrap_or(points);
                for (item, per_item) in s.clause_items(clause, &mut vars) {
                    vars.set("it", item.clone());
                    let deduct = per_item.min(remaining).min(clause_left);
                    remaining -= deduct;
                    clause_left -= deduct;
                    let message = match &clause.message {
                        Some(m) => s.with_row(&item, || m.render(ctx, &vars)),
                        None => String::new(),
                    };
                    let evidence = match &clause.cite {
                        Some(c) => s.cite(&c.eval(ctx, &vars)),
                        None => s.cite(&item),
                    };
                    // The first clause keeps the one-clause key, so a rule set that splits a
                    // deduct into clauses still matches last year's findings in `diff`.
                    let key = match n {
                        0 => format!("deduct:{}", item_key(&item)),
                        n => format!("deduct{}:{}", n + 1, item_key(&item)),
                    };
                    result.findings.push(Finding {
                        key,
                        message,
                        deduct,
                        evidence,
                        capped: deduct < per_item,
                    });
                }
            }
            result.score = remaining;
        }
        Method::Award { clauses, message } => {
            let mut awarded = Decimal::ZERO;
            let mut cited = Vec::new();
            for clause in clauses {
                let mut clause_sum = Decimal::ZERO;
                for (item, per_item) in s.clause_items(clause, &mut vars) {
                    clause_sum += per_item;
                    vars.set("it", item.clone());
                    let cite = match &clause.cite {
                        Some(c) => c.eval(ctx, &vars),
                        None => item,
                    };
                    collect_refs(&cite, &mut cited);
                }
                awarded += clause.cap.map_or(clause_sum, |cap| clause_sum.min(cap));
            }
            result.score = awarded.min(points);
            if result.score < points {
                vars.set("awarded", Value::Num(awarded));
                cited.sort();
                cited.dedup();
                if cited.is_empty() {
                    cited.push(s.source_ref());
                }
                result.findings.push(Finding {
                    key: "award".to_string(),
                    message: message.render(ctx, &vars),
                    deduct: points - result.score,
                    evidence: cited,
                    capped: false,
                });
            }
        }
        Method::Manual => unreachable!("handled above"),
    }
    result.status = if vetoed {
        Status::Veto
    } else {
        Status::from_points(result.score, points)
    };
    result
}

impl Scoring<'_> {
    /// The items of a `deduct`/`award` clause with their points (`each` evaluated with `it`
    /// bound to the item); an item whose `each` is 0 or less (or null) is not counted.
    fn clause_items(&self, clause: &Clause, vars: &mut Vars) -> Vec<(Value, Decimal)> {
        let items = clause.items.eval(self.ctx, vars);
        let mut out = Vec::new();
        for item in items.as_list().unwrap_or_default() {
            vars.set("it", item.clone());
            let per_item = self.with_row(item, || clause.each.eval(self.ctx, vars));
            let per_item = per_item.as_num().unwrap_or(Decimal::ZERO);
            if per_item > Decimal::ZERO {
                out.push((item.clone(), per_item));
            }
        }
        out
    }

    /// The file a finding without rows cites.
    fn source_ref(&self) -> EvidenceRef {
        let file = match &self.indicator.source {
            Source::Ledger(name) => self
                .evidence
                .ledgers
                .get(name)
                .map(|l| l.file.clone())
                .or_else(|| self.evidence.manifest_path("台账", name)),
            Source::Document(name) => self
                .evidence
                .documents
                .get(name)
                .map(|d| d.file().to_string())
                .or_else(|| self.evidence.manifest_path("文档", name)),
            Source::Manifest => None,
        };
        EvidenceRef {
            file: file.unwrap_or_else(|| "bundle.yaml".to_string()),
            sheet: None,
            row: None,
        }
    }

    fn cite_expr(&self, cite: Option<&crate::expr::Expr>, vars: &Vars) -> Vec<EvidenceRef> {
        match cite {
            Some(expr) => self.cite(&expr.eval(self.ctx, vars)),
            None => vec![self.source_ref()],
        }
    }

    /// Rows cited by a value: a row, a list of rows, a record holding a row, a document.
    fn cite(&self, value: &Value) -> Vec<EvidenceRef> {
        let mut refs = Vec::new();
        collect_refs(value, &mut refs);
        refs.sort();
        refs.dedup();
        if refs.is_empty() {
            refs.push(self.source_ref());
        }
        refs
    }

    fn with_row<T>(&self, item: &Value, f: impl FnOnce() -> T) -> T {
        let row = match item {
            Value::Row(r) => Some(r.clone()),
            Value::Record(rec) => rec.fields.iter().find_map(|(_, v)| match v {
                Value::Row(r) => Some(r.clone()),
                _ => None,
            }),
            _ => None,
        };
        let pushed = row.is_some();
        if let Some(r) = row {
            self.ctx.row_stack.borrow_mut().push(r);
        }
        let out = f();
        if pushed {
            self.ctx.row_stack.borrow_mut().pop();
        }
        out
    }

    fn render_item(
        &self,
        template: &crate::expr::Template,
        vars: &mut Vars,
        item: &Value,
    ) -> String {
        vars.set("it", item.clone());
        self.with_row(item, || template.render(self.ctx, vars))
    }
}

/// The stable part of a finding's key for one item: the rows or document it cites when it is
/// one (a row keeps its number while other rows change), else the item's value (issue 8, a
/// month, a column name).
fn item_key(item: &Value) -> String {
    let mut refs = Vec::new();
    collect_refs(item, &mut refs);
    if refs.is_empty() {
        return item.to_string();
    }
    refs.sort();
    refs.dedup();
    refs.iter().map(ref_key).collect::<Vec<_>>().join(",")
}

/// `file#row` or `file[sheet]#row`; a document alone is its file.
pub fn ref_key(r: &EvidenceRef) -> String {
    let mut k = r.file.clone();
    if let Some(sheet) = &r.sheet {
        k.push_str(&format!("[{sheet}]"));
    }
    if let Some(row) = r.row {
        k.push_str(&format!("#{row}"));
    }
    k
}

fn collect_refs(value: &Value, out: &mut Vec<EvidenceRef>) {
    match value {
        Value::Row(r) => out.push(EvidenceRef {
            file: r.ledger.file().to_string(),
            sheet: r.ledger.sheet().map(str::to_string),
            row: Some(r.number()),
        }),
        Value::List(items) => items.iter().for_each(|v| collect_refs(v, out)),
        Value::Record(rec) => {
            if let Some(row) = rec.fields.iter().find(|(_, v)| matches!(v, Value::Row(_))) {
                collect_refs(&row.1, out);
            }
        }
        Value::Doc(d) => out.push(EvidenceRef {
            file: d.file().to_string(),
            sheet: None,
            row: None,
        }),
        _ => {}
    }
}

fn truthy(v: &Value) -> bool {
    matches!(v, Value::Bool(true))
}

/// Run one data check of the rule set, pushing a problem for every element it flags.
fn run_check(check: &Check, evidence: &Evidence, ctx: &EvalCtx, globals: &Vars) {
    let over = check.over.eval(ctx, globals);
    let mut vars = globals.clone();
    for (i, item) in over.as_list().unwrap_or_default().iter().enumerate() {
        vars.set("it", item.clone());
        // An item of a bundle.yaml list is named by its place as written there (an empty item
        // above it is not in the list value, but is in the file the township reads).
        let index = match item {
            Value::Record(r) => evidence.manifest_item(r).map_or(i + 1, |(_, at)| at),
            _ => i + 1,
        };
        vars.set("index", Value::Num(Decimal::from(index)));
        if !truthy(&check.when.eval(ctx, &vars)) {
            continue;
        }
        let message = check.message.render(ctx, &vars);
        let value = check
            .value
            .as_ref()
            .map(|v| v.eval(ctx, &vars))
            .filter(|v| !v.is_null());
        // A check over `count_by(...)` records cites the row of their `item`; a check over
        // records holding a document (`{文档: d, 标题: …}`) cites the document.
        let row = match item {
            Value::Record(rec) => rec
                .fields
                .iter()
                .find(|(k, v)| &**k == "item" && matches!(v, Value::Row(_)))
                .or_else(|| rec.fields.iter().find(|(_, v)| matches!(v, Value::Doc(_))))
                .map_or(item, |(_, v)| v),
            _ => item,
        };
        let mut problem = match row {
            Value::Row(r) => {
                let mut p =
                    Problem::error(r.ledger.file().to_string(), check.code.clone(), message)
                        .row(r.number());
                p.sheet = r.ledger.sheet().map(str::to_string);
                if let Some(col) = &check.column {
                    p = p.column(col.clone());
                }
                p
            }
            // A document without a `key` to point at in bundle.yaml: the problem names its file.
            Value::Doc(d) if check.key.is_none() => {
                Problem::error(d.file().to_string(), check.code.clone(), message)
            }
            _ => {
                let mut p = Problem::error("bundle.yaml", check.code.clone(), message);
                if let Some(key) = &check.key {
                    let key = key.render(ctx, &vars);
                    p.line = evidence.key_lines.get(&key).copied();
                    p = p.key(key);
                }
                p
            }
        };
        problem.severity = check.severity;
        if let Some(v) = value {
            problem = problem.value(v.to_string());
        }
        ctx.problems.borrow_mut().push(problem);
    }
}
