//! The holiday calendars a rule set adds (`calendar:`).

use crate::diag::RuleCode;
use serde_yaml::Value as Yaml;

use super::checker::Checker;
use super::raw::yaml_display;
use super::source::RULESET_FILE;
use crate::diag::Problem;

/// The holiday calendars a rule set adds (`calendar: file.csv` or a list), from its own folder
/// or, for an overlay, the folder of the rule set it extends.
pub(super) fn rule_calendar(c: &mut Checker, raw: Option<&Yaml>) -> crate::calendar::Calendar {
    let mut calendar = crate::calendar::Calendar::default();
    let names: Vec<(String, String)> = match raw {
        None | Some(Yaml::Null) => Vec::new(),
        Some(Yaml::String(s)) => vec![("calendar".to_string(), s.clone())],
        Some(Yaml::Sequence(items)) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (format!("calendar[{i}]"), yaml_display(v)))
            .collect(),
        Some(other) => {
            c.error(
                RULESET_FILE,
                "calendar",
                RuleCode::RulesetShape,
                format!(
                    "calendar 应为日历文件名或文件名列表，实为 {}",
                    yaml_display(other)
                ),
            );
            Vec::new()
        }
    };
    for (path, name) in names {
        let name = name.trim().replace('\\', "/");
        let found = c
            .files
            .files
            .get(&name)
            .map(|t| (c.files.display(&name), t))
            .or_else(|| {
                let base = c.files.base.as_ref()?;
                base.files.get(&name).map(|t| (base.display(&name), t))
            });
        let Some((display, text)) = found else {
            c.error(
                RULESET_FILE,
                &path,
                RuleCode::CalendarFileMissing,
                format!("calendar 指定的日历文件「{name}」不在规则集目录中"),
            );
            continue;
        };
        match crate::calendar::Calendar::parse_csv(text, &display) {
            Ok(extra) => calendar.merge(extra),
            Err(problems) => {
                for p in problems {
                    let mut q = Problem::error(
                        p.file.clone(),
                        RuleCode::CalendarFileInvalid,
                        format!("{}（日历文件每行为 日期,holiday|workday,节日）", p.message),
                    );
                    q.line = p.line;
                    q.value = p.value;
                    c.problems.push(q);
                }
            }
        }
    }
    calendar
}
