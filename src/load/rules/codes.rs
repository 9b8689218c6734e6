//! The one registry of rule-set diagnostics: code, severity, one sentence, help. `kaohe rules
//! check` prints the help under each problem; `kaohe rules codes` prints the registry
//! (docs/diagnostics.md); every code has a fixture `fixtures/rules/<code>/`.

use crate::diag::Severity;

/// One diagnostic `kaohe rules check` can report: code, severity, one sentence, what to do.
#[derive(Debug, Clone, Copy)]
pub struct RuleCode {
    pub code: &'static str,
    pub severity: Severity,
    /// What is wrong, one sentence.
    pub summary: &'static str,
    /// What to do about it, one line.
    pub help: &'static str,
}

macro_rules! code {
    ($code:literal, $sev:ident, $summary:literal, $help:literal) => {
        RuleCode {
            code: $code,
            severity: Severity::$sev,
            summary: $summary,
            help: $help,
        }
    };
}

/// Every diagnostic of a rule set (the expression checker's codes included), in the order the
/// documentation lists them. Each has a broken-rule fixture `fixtures/rules/<code>/`.
pub const RULE_CODES: &[RuleCode] = &[
    // Files and YAML.
    code!(
        "ruleset-file-missing",
        Error,
        "A file the rule set names (ruleset.yaml, a group's `file`) does not exist.",
        "create the file, or correct the group's `file:`"
    ),
    code!(
        "ruleset-unreadable",
        Error,
        "A rule-set folder or file cannot be read.",
        "check the path and its permissions"
    ),
    code!(
        "ruleset-file-too-large",
        Error,
        "A rule file is larger than 4 MiB.",
        "a rule set is a few dozen KiB; split or trim the file"
    ),
    code!(
        "ruleset-not-utf8",
        Error,
        "A rule file is not UTF-8.",
        "save the file as UTF-8 (in WPS/Notepad: 另存为 UTF-8)"
    ),
    code!(
        "yaml-syntax",
        Error,
        "The file is not valid YAML.",
        "look for a full-width colon ：, a tab, an unclosed quote or bracket, or an expression that needs quotes (it starts with [ or {, or holds `: `)"
    ),
    code!(
        "yaml-too-large",
        Error,
        "Aliases expand the file past 2,000,000 nodes.",
        "write the values out instead of nesting aliases"
    ),
    code!(
        "yaml-too-deep",
        Error,
        "Mappings and lists nest deeper than 128 levels.",
        "flatten the structure"
    ),
    code!(
        "duplicate-key",
        Error,
        "The same key appears twice in one mapping.",
        "keep one of them; YAML would silently use the last"
    ),
    code!(
        "ruleset-shape",
        Error,
        "A required key is missing or a value has the wrong shape.",
        "compare with docs/rules.md or validate against `kaohe rules schema`"
    ),
    code!(
        "unknown-key",
        Error,
        "A key the rule format does not know (often a typo).",
        "correct the spelling; `kaohe rules schema` lists every key"
    ),
    // Rule set.
    code!(
        "grades-empty",
        Error,
        "The rule set has no grade bands.",
        "add grades, highest first, the last with min: 0"
    ),
    code!(
        "grades-not-descending",
        Error,
        "Grade bands are not listed from highest to lowest `min`.",
        "order grades by min, highest first"
    ),
    code!(
        "grades-no-floor",
        Error,
        "The lowest grade's `min` is not 0, so a low total would have no grade.",
        "set the last grade's min to 0"
    ),
    code!(
        "unknown-grade",
        Error,
        "`veto_grade`, a veto's `grade` or a grading rule's `grade_at_most` is not one of the grades.",
        "use one of the names under grades (a veto that sets no grade writes `grade: false`)"
    ),
    code!(
        "year-not-in-calendar",
        Error,
        "The rule set's year is not in the working-day calendar, so workdays() cannot be computed.",
        "use a year the built-in calendar covers (2019-2026), or add the year's calendar with `calendar: file.csv`"
    ),
    code!(
        "calendar-file-missing",
        Error,
        "A holiday calendar named under `calendar:` is not in the rule set's folder.",
        "put the CSV (date,kind,festival, as data/cn-holidays.csv) beside ruleset.yaml, or correct the name"
    ),
    code!(
        "calendar-file-invalid",
        Error,
        "A line of a rule set's holiday calendar is not `date,holiday|workday,festival`.",
        "fix the line: an ISO date, then holiday (放假) or workday (调休上班), then the festival"
    ),
    code!(
        "date-outside-year",
        Warning,
        "A date parameter or date(\"...\") literal is neither in the rule set's year nor the next one.",
        "move the date to the assessment year (copied from last year's rule set?)"
    ),
    code!(
        "text-names-past-year",
        Warning,
        "A basis, measure, fix or message names the year before the rule set's year.",
        "say the assessment year (copied from last year's rule set?); write {考核年度} in a message"
    ),
    code!(
        "unused-param",
        Warning,
        "A parameter no expression or message reads.",
        "use it where the number is written out, or delete it"
    ),
    code!(
        "name-clash",
        Error,
        "A parameter or `let` name is already taken (a manifest key, a parameter, an earlier name).",
        "rename it"
    ),
    code!(
        "bad-code",
        Error,
        "A data check's `code` is not kebab-case.",
        "write it lower-case with hyphens, like reply-before-receipt"
    ),
    code!(
        "bad-severity",
        Error,
        "A data check's `severity` is neither error nor warning.",
        "write error or warning"
    ),
    // Evidence declaration.
    code!(
        "unknown-field-type",
        Error,
        "A column or field type is not one of text, date, count, flag, file, [T], {map: T} or a record.",
        "use one of the field types in docs/rules.md"
    ),
    code!(
        "bad-count-max",
        Error,
        "`{count: N}` needs a non-negative whole number.",
        "write a maximum such as {count: 60}"
    ),
    code!(
        "ledger-no-columns",
        Error,
        "A ledger declares no required columns.",
        "list the columns the indicators read under required:"
    ),
    code!(
        "alias-conflict",
        Error,
        "A column alias is another declared column's name, or is listed for two columns.",
        "an exported header can stand for one column only: remove the alias or keep it under one column"
    ),
    code!(
        "vocabulary-conflict",
        Error,
        "A vocabulary entry maps one value to two values, or maps away a value that is itself a target.",
        "each exported value counts as one of the rule set's values: keep it under one target"
    ),
    // Groups and points.
    code!(
        "points-not-number",
        Error,
        "Points are not a number.",
        "write points as a number, like 2 or 1.5"
    ),
    code!(
        "points-negative",
        Error,
        "Points are negative.",
        "points are what an indicator is worth; write deductions in the method"
    ),
    code!(
        "points-precision",
        Error,
        "Points have more than two decimals.",
        "round to at most two decimals (0.25, not 0.125)"
    ),
    code!(
        "group-points-mismatch",
        Error,
        "A group's points differ from the sum of its indicators' points.",
        "correct the group's points or an indicator's points"
    ),
    code!(
        "total-points-mismatch",
        Error,
        "`max` differs from the sum of the non-bonus groups' points (times their `weight`).",
        "correct max or a group's points; weighted parts add up as points × weight"
    ),
    // Points by unit type.
    code!(
        "bad-unit-type",
        Error,
        "`unit_type:` is not `{field, values}` with two or more distinct values, or its field is not a text key under `evidence.manifest`.",
        "write unit_type: {field: 单位类型, values: [乡镇, 街道]} and declare the key: evidence.manifest.单位类型: text"
    ),
    code!(
        "bad-unit-points",
        Error,
        "A number written per unit type (`{乡镇: 12.5, 街道: 2}`) has no `unit_type:` to follow, names an undeclared type, or leaves one out.",
        "declare unit_type in ruleset.yaml and write exactly one number for each of its values"
    ),
    code!(
        "unit-points-mismatch",
        Error,
        "For one unit type, a group's points differ from its indicators' points, or `max` from the non-bonus groups' points.",
        "every unit type's budget must add up: correct that type's number in the group, an indicator or max (an indicator worth 0 to a type is 不适用 to it)"
    ),
    // Parts, total and grade.
    code!(
        "bad-weight",
        Error,
        "A group's `weight` is not a positive number.",
        "write the part's share of the total as a number: 网上测评80% → weight: 0.8"
    ),
    code!(
        "bad-rounding",
        Error,
        "`rounding` has a `where`, `step` or `rule` kaohe does not know.",
        "write rounding: {where: total, step: 0.01, rule: half-up}; where is indicator, part, total or a list, rule half-up or half-even"
    ),
    code!(
        "unknown-group",
        Error,
        "A veto's `scope` names a group id that ruleset.yaml does not declare.",
        "use the `id` of a group under groups (scope: group means the indicator's own group)"
    ),
    code!(
        "veto-no-effect",
        Error,
        "A veto sets no grade (`grade: false`) and zeroes nothing beyond its indicator, or keeps its score.",
        "give it scope: group (or a list of group ids), or remove `grade: false`"
    ),
    code!(
        "grading-no-effect",
        Error,
        "A grading rule has neither `grade_at_most` nor `bonus`, so it would do nothing.",
        "add grade_at_most: <grade> (等次不高于) or bonus: <expression> (加分改为)"
    ),
    // Indicators.
    code!(
        "unquoted-id",
        Error,
        "An indicator id is a YAML number (1.10 would read as 1.1).",
        "quote the id: \"1.10\""
    ),
    code!(
        "bad-id",
        Error,
        "An indicator id is not text.",
        "write the id as quoted text"
    ),
    code!(
        "duplicate-id",
        Error,
        "Two indicators have the same id.",
        "give each indicator its own id"
    ),
    code!(
        "unknown-source",
        Error,
        "`source` names neither a declared ledger, a declared document nor bundle.yaml.",
        "write 台账.<ledger>, 文档.<document> or bundle.yaml"
    ),
    code!(
        "unused-let",
        Warning,
        "A `let` name nothing in the indicator reads.",
        "use it or delete it"
    ),
    code!(
        "costly-expression",
        Warning,
        "Loops whose visible bounds multiply past a tenth of the evaluation budget (nested range).",
        "narrow the ranges or rewrite the rule; a bundle whose evaluation passes the budget is not scored"
    ),
    code!(
        "compare-null",
        Warning,
        "`x == null` is always false and `x != null` always true: every comparison with null is false.",
        "test for an empty value with is_null(x) (or not is_null(x)); present(x) also treats empty text and [] as absent"
    ),
    code!(
        "ambiguous-name",
        Warning,
        "A bare name is a manifest key or parameter, and also a column of the rows in scope.",
        "write r.<column> for the row's column; rename the parameter if you meant it"
    ),
    code!(
        "manual-with-measure",
        Error,
        "A manual indicator has `let` measures nothing uses.",
        "remove the let, or give the indicator a computed method"
    ),
    code!(
        "unknown-method",
        Error,
        "`method` is not manual, all, tiers or deduct.",
        "write one of: manual, all, tiers, deduct"
    ),
    code!(
        "tiers-empty",
        Error,
        "A tiers method has no levels.",
        "add levels such as [{min: 24, points: 3}]"
    ),
    code!(
        "bad-level",
        Error,
        "A tier's `min` is not a number.",
        "write min as a number"
    ),
    code!(
        "level-over-points",
        Error,
        "A tier awards more points than the indicator is worth.",
        "lower the level's points or raise the indicator's"
    ),
    code!(
        "cap-over-points",
        Error,
        "A clause's `cap` of deduct or award is above the indicator's points.",
        "a clause can take (or give) at most the indicator's points: lower the cap, or drop it"
    ),
    code!(
        "tiers-not-monotone",
        Error,
        "Tiers are not highest first (min decreasing, points not increasing).",
        "order the levels from the highest min down"
    ),
    // Expressions and messages.
    code!(
        "syntax",
        Error,
        "An expression or message cannot be parsed.",
        "check brackets, quotes and operators; see docs/rules.md#syntax"
    ),
    code!(
        "unknown-name",
        Error,
        "A name is neither a lambda parameter, a `let`, a parameter nor a manifest key.",
        "check the spelling; a column is read from a row, as in r.列名"
    ),
    code!(
        "unknown-function",
        Error,
        "No built-in function has this name.",
        "see docs/functions.md or `kaohe rules functions`"
    ),
    code!(
        "unknown-column",
        Error,
        "The ledger's evidence declaration has no such column.",
        "declare the column under evidence.ledgers, or correct the spelling"
    ),
    code!(
        "unknown-field",
        Error,
        "A record has no such field, or no document declaration declares it.",
        "declare the field under evidence, or correct the spelling"
    ),
    code!(
        "no-fields",
        Error,
        "`.name` on a value that has no fields.",
        "read fields from rows, records and documents only"
    ),
    code!(
        "wrong-arity",
        Error,
        "A function is called with the wrong number of arguments.",
        "see the function's signature in docs/functions.md"
    ),
    code!(
        "type-mismatch",
        Error,
        "An argument, operand or whole expression has the wrong type.",
        "see docs/rules.md#types; a date is written date(\"2021-12-31\")"
    ),
    code!(
        "misplaced-lambda",
        Error,
        "A lambda `x => ...` where no function takes one.",
        "use lambdas only as the last argument of filter, map, any, all"
    ),
    code!(
        "bad-date",
        Error,
        "A date(\"...\") literal is not a valid YYYY-MM-DD date.",
        "write the date as YYYY-MM-DD"
    ),
    code!(
        "bad-argument",
        Error,
        "A literal argument a function cannot use: a rounding step not above 0, an unknown rounding rule.",
        "round to a step above 0 (round(x, 0.01), floor(x, 0.5)) with the rule \"half-up\" or \"half-even\""
    ),
    code!(
        "duplicate-field",
        Error,
        "A record literal names the same field twice.",
        "remove one of them"
    ),
    // Overlays.
    code!(
        "extends-unknown",
        Error,
        "`extends` names neither a folder next to the rule set nor a built-in rule set.",
        "write a built-in id (see `kaohe rules show <id>`) or a folder relative to this rule set"
    ),
    code!(
        "extends-chain",
        Error,
        "An overlay extends a rule set that itself extends another.",
        "extend the base rule set directly"
    ),
    code!(
        "drop-unknown",
        Error,
        "`drop` names an indicator the base rule set does not have.",
        "use an id listed by `kaohe rules show <base>`"
    ),
    code!(
        "override-unknown",
        Error,
        "`indicators:` changes an indicator the base rule set does not have.",
        "correct the id; a new indicator goes into a file named by a group's `file:`"
    ),
    // township: (what precheck, selfreport and init read).
    code!(
        "township-unknown",
        Error,
        "The `township:` file names an indicator, group, document or manifest key the rule set does not have.",
        "correct the name, or declare it (indicators in a group's file, documents and keys under `evidence:`)"
    ),
];

/// The registry entry of a rule-set diagnostic code.
pub fn rule_code(code: &str) -> Option<&'static RuleCode> {
    RULE_CODES.iter().find(|c| c.code == code)
}

#[cfg(test)]
mod registry_tests {
    use super::*;
    use crate::load::rules::is_kebab;
    use std::collections::BTreeSet;

    #[test]
    fn codes_unique_kebab_case_and_documented() {
        let mut seen = BTreeSet::new();
        for c in RULE_CODES {
            assert!(seen.insert(c.code), "duplicate {}", c.code);
            assert!(is_kebab(c.code), "{} is not kebab-case", c.code);
            assert!(c.summary.ends_with('.'), "{}: one sentence", c.code);
            assert!(!c.help.is_empty() && !c.help.contains('\n'), "{}", c.code);
        }
        // The expression checker's codes are rule-set diagnostics too.
        for (code, _) in crate::expr::ERROR_CODES {
            assert!(
                rule_code(code).is_some(),
                "expression code {code} not registered"
            );
        }
    }

    /// Every kebab-case literal the rule loader (and the YAML reader it uses) emits is in the
    /// registry, so no diagnostic goes undocumented.
    #[test]
    fn every_emitted_code_is_registered() {
        const NOT_CODES: [&str; 4] = ["county-zwgk-2021", "kebab-case", "half-up", "half-even"];
        let sources = [
            include_str!("mod.rs"),
            include_str!("source.rs"),
            include_str!("raw.rs"),
            include_str!("checker.rs"),
            include_str!("env.rs"),
            include_str!("evidence.rs"),
            include_str!("calendar.rs"),
            include_str!("compile.rs"),
            include_str!("grading.rs"),
            include_str!("method.rs"),
            include_str!("overlay.rs"),
            include_str!("lint.rs"),
            include_str!("cases.rs"),
            include_str!("township.rs"),
        ];
        for rest in sources {
            for (start, _) in rest.match_indices('"') {
                let lit: String = rest[start + 1..]
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')
                    .collect();
                let closed = rest[start + 1 + lit.len()..].starts_with('"');
                if closed
                    && lit.contains('-')
                    && is_kebab(&lit)
                    && !lit.starts_with("reply-")
                    && !NOT_CODES.contains(&lit.as_str())
                {
                    assert!(rule_code(&lit).is_some(), "unregistered code {lit}");
                }
            }
        }
    }
}
