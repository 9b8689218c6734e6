//! `kaohe rules show`: a rule set as a reader needs it — groups, indicators, points, method,
//! basis, what is measured, how to fix a gap.

use std::fmt::Write as _;

use crate::model::ruleset::{Method, RuleSet};
use crate::report::table::plain;

pub fn render(rules: &RuleSet) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}（{}，{}年度）满分 {}，加分上限 {}",
        rules.title,
        rules.id,
        rules.year,
        rules.max.normalize(),
        rules.bonus_cap.normalize()
    );
    let bands: Vec<String> = rules
        .grades
        .iter()
        .map(|g| format!("{} ≥{}", g.name, g.min.normalize()))
        .collect();
    let _ = writeln!(
        out,
        "等次：{}；否决项触发时为{}",
        bands.join("，"),
        rules.veto_grade
    );
    for (gi, group) in rules.groups.iter().enumerate() {
        let _ = writeln!(out, "\n{}（{}分）", group.name, group.points.normalize());
        for ind in rules.indicators.iter().filter(|i| i.group == gi) {
            let method = match &ind.method {
                Method::All { .. } => "达标得满分，否则0分".to_string(),
                Method::Tiers { levels, .. } => {
                    let tiers: Vec<String> = levels
                        .iter()
                        .map(|l| format!("≥{}得{}分", l.min.normalize(), l.points.normalize()))
                        .collect();
                    format!("分档：{}", tiers.join("，"))
                }
                Method::Deduct { .. } => "逐项扣分，扣完为止".to_string(),
                Method::Manual => "人工评分".to_string(),
            };
            let veto = if ind.veto.is_some() {
                "；含一票否决"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "  {} {}（{}分）{method}{veto}",
                ind.id,
                ind.name,
                ind.points.normalize()
            );
            for (label, text) in [
                ("依据", &ind.basis),
                ("口径", &ind.measure),
                ("整改", &ind.fix),
            ] {
                if !text.is_empty() {
                    let _ = writeln!(out, "      {label}：{text}");
                }
            }
        }
    }
    plain(&out)
}
