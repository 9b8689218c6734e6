//! A county's batch: rank the townships, count them per grade, add up the points each indicator
//! cost, flag duplicate 单位 and list bundles that could not be scored. Pure: assessments in, a
//! `BatchReport` out (`kaohe.batch/1`); the reports only render it.
//!
//! Ranking (issue 5): by total score, highest first; a vetoed township ranks after every
//! non-vetoed one and the numbering goes on through them; equal scores share a rank (1, 2, 2, 4)
//! and are listed in pinyin order of the unit name, then by bundle name so the order is total.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use pinyin::ToPinyin;
use rust_decimal::Decimal;

use crate::model::assessment::{Assessment, RulesetInfo, Status};
use crate::model::batch::{BatchReport, Duplicate, Failed, Kept, Loss, RankEntry, SCHEMA};

/// What ranking needs to know of one township.
#[derive(Debug, Clone)]
pub(crate) struct Standing<'a> {
    pub unit: &'a str,
    pub bundle: &'a str,
    pub score: Decimal,
    pub veto: bool,
}

/// Pinyin collation key: each Chinese character by its toneless pinyin then tone, any other
/// character by itself (lower-cased), so 安 < 北 < 张 and xx镇 sorts under x.
pub(crate) fn pinyin_key(s: &str) -> Vec<(String, char)> {
    s.chars()
        .zip(s.to_pinyin())
        .map(|(c, p)| match p {
            Some(p) => {
                let numbered = p.with_tone_num_end();
                let tone = numbered.chars().last().filter(char::is_ascii_digit);
                (p.plain().to_string(), tone.unwrap_or('0'))
            }
            None => (c.to_lowercase().collect(), '\0'),
        })
        .collect()
}

/// Pinyin order of two unit names; code-point order only breaks what pinyin leaves equal.
pub(crate) fn pinyin_cmp(a: &str, b: &str) -> Ordering {
    pinyin_key(a).cmp(&pinyin_key(b)).then_with(|| a.cmp(b))
}

/// Order the townships and number them. Returns (index into `items`, rank) in ranking order.
pub(crate) fn rank(items: &[Standing]) -> Vec<(usize, u32)> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|&i, &j| {
        let (a, b) = (&items[i], &items[j]);
        a.veto
            .cmp(&b.veto)
            .then_with(|| b.score.cmp(&a.score))
            .then_with(|| pinyin_cmp(a.unit, b.unit))
            .then_with(|| a.bundle.cmp(b.bundle))
    });
    let mut ranked = Vec::with_capacity(order.len());
    let mut previous: Option<(bool, Decimal, u32)> = None;
    for (position, &i) in order.iter().enumerate() {
        let item = &items[i];
        let rank = match previous {
            Some((veto, score, rank)) if veto == item.veto && score == item.score => rank,
            _ => position as u32 + 1,
        };
        previous = Some((item.veto, item.score, rank));
        ranked.push((i, rank));
    }
    ranked
}

/// The batch report built one township at a time, in the bundles' name order, so a batch of
/// any size holds only `Kept` entries and the running losses.
#[derive(Debug)]
pub(crate) struct Tally {
    kept: Vec<Kept>,
    grades: Vec<(String, usize)>,
    losses: Vec<Loss>,
    ruleset: Option<RulesetInfo>,
}

impl Tally {
    /// `grade_names` are the rule set's bands, highest first, followed by its veto grade when
    /// that is not one of them.
    pub(crate) fn new(grade_names: &[String]) -> Tally {
        Tally {
            kept: Vec::new(),
            grades: grade_names.iter().map(|g| (g.clone(), 0)).collect(),
            losses: Vec::new(),
            ruleset: None,
        }
    }

    /// Count one township (call in the bundles' name order: equal losses keep the order in
    /// which indicators were first met).
    pub(crate) fn add(&mut self, a: &Assessment) {
        self.add_counted(Counted::of(a));
    }

    /// Count one township already reduced to what the batch keeps (done on the thread that
    /// scored it, so the assessment is dropped there).
    pub(crate) fn add_counted(&mut self, c: Counted) {
        if self.ruleset.is_none() {
            self.ruleset = Some(c.ruleset);
        }
        match self
            .grades
            .iter_mut()
            .find(|(g, _)| *g == c.kept.total.grade)
        {
            Some((_, n)) => *n += 1,
            None => self.grades.push((c.kept.total.grade.clone(), 1)),
        }
        for loss in c.losses {
            let pos = match self.losses.iter().position(|l| l.id == loss.id) {
                Some(pos) => pos,
                None => {
                    self.losses.push(Loss {
                        points_lost: Decimal::ZERO,
                        townships: 0,
                        ..loss.clone()
                    });
                    self.losses.len() - 1
                }
            };
            if loss.points_lost > Decimal::ZERO {
                self.losses[pos].points_lost += loss.points_lost;
                self.losses[pos].townships += 1;
            }
        }
        self.kept.push(c.kept);
    }

    /// How many townships were counted.
    pub(crate) fn len(&self) -> usize {
        self.kept.len()
    }

    /// Rank and finish. Returns the report (its `assessments` empty, `totals` filled) and, in
    /// ranking order, the position at which each township was added.
    pub(crate) fn finish(self, mut failed: Vec<Failed>) -> (BatchReport, Vec<usize>) {
        let Tally {
            kept,
            grades,
            mut losses,
            ruleset,
        } = self;
        let standings: Vec<Standing> = kept
            .iter()
            .map(|k| Standing {
                unit: &k.unit,
                bundle: &k.bundle,
                score: k.total.score,
                veto: k.total.veto,
            })
            .collect();
        let order = rank(&standings);
        drop(standings);

        // Keyed by the 单位 as a reader sees it: `xx镇`, `xx 镇` and `xx镇` with a zero-width
        // space are one township handed in twice.
        let mut by_unit: BTreeMap<String, (&str, Vec<&str>)> = BTreeMap::new();
        for k in &kept {
            by_unit
                .entry(unit_key(&k.unit))
                .or_insert_with(|| (k.unit.as_str(), Vec::new()))
                .1
                .push(&k.bundle);
        }
        let mut duplicates: Vec<Duplicate> = by_unit
            .values()
            .filter(|(_, bundles)| bundles.len() > 1)
            .map(|(unit, bundles)| {
                let mut bundles: Vec<String> = bundles.iter().map(|b| b.to_string()).collect();
                bundles.sort();
                Duplicate {
                    unit: unit.to_string(),
                    bundles,
                }
            })
            .collect();
        duplicates.sort_by(|a, b| pinyin_cmp(&a.unit, &b.unit));
        let duplicated: std::collections::BTreeSet<String> = by_unit
            .iter()
            .filter(|(_, (_, bundles))| bundles.len() > 1)
            .map(|(key, _)| key.clone())
            .collect();

        losses.retain(|l| l.points_lost > Decimal::ZERO);
        // Stable sort: equal losses keep the rule set's order (first seen).
        losses.sort_by_key(|l| std::cmp::Reverse(l.points_lost));
        for l in &mut losses {
            l.points_lost = l.points_lost.normalize();
        }

        let mut ranking = Vec::with_capacity(kept.len());
        let mut positions = Vec::with_capacity(kept.len());
        for &(i, rank) in &order {
            let k = &kept[i];
            ranking.push(RankEntry {
                rank,
                unit: k.unit.clone(),
                bundle: k.bundle.clone(),
                score: k.total.score,
                grade: k.total.grade.clone(),
                veto: k.total.veto,
                veto_label: k.veto_label.clone(),
                rules: k
                    .total
                    .rules
                    .iter()
                    .filter(|r| r.applied)
                    .map(|r| format!("{}：{}", r.id, r.message))
                    .collect(),
                provisional: k.total.provisional,
                adjusted: k.adjustments.iter().map(|(id, _)| id.clone()).collect(),
                duplicate: duplicated.contains(&unit_key(&k.unit)),
            });
            positions.push(i);
        }
        drop(by_unit);
        drop(duplicated);
        let mut slots: Vec<Option<Kept>> = kept.into_iter().map(Some).collect();
        let totals = positions
            .iter()
            .map(|&i| slots[i].take().expect("each township ranked once"))
            .collect();
        failed.sort_by(|a, b| a.bundle.cmp(&b.bundle).then_with(|| a.error.cmp(&b.error)));

        let report = BatchReport {
            schema: SCHEMA,
            ruleset,
            ranking,
            grades,
            losses,
            duplicates,
            assessments: Vec::new(),
            failed,
            totals,
        };
        (report, positions)
    }
}

/// Build the batch report at once (the tests; `kaohe batch` streams through `Tally`).
/// `grade_names` are the rule set's bands, highest first, followed by its veto grade when that
/// is not one of them.
#[cfg(test)]
pub(crate) fn summarize(
    assessments: Vec<Assessment>,
    failed: Vec<Failed>,
    grade_names: &[String],
) -> BatchReport {
    let mut tally = Tally::new(grade_names);
    for a in &assessments {
        tally.add(a);
    }
    let (mut report, positions) = tally.finish(failed);
    let mut slots: Vec<Option<Assessment>> = assessments.into_iter().map(Some).collect();
    report.assessments = positions
        .iter()
        .map(|&i| slots[i].take().expect("each township ranked once"))
        .collect();
    report
}

/// One township as the batch counts it: what it keeps, and the points each (non-bonus)
/// indicator cost it. A bonus item not earned is not a loss, and a manual indicator still
/// waiting for its verdict has lost nothing yet.
#[derive(Debug, Clone)]
pub(crate) struct Counted {
    pub kept: Kept,
    pub ruleset: RulesetInfo,
    /// Every scored non-bonus indicator in the rule set's order, with what it cost (maybe 0).
    pub losses: Vec<Loss>,
}

impl Counted {
    pub(crate) fn of(a: &Assessment) -> Counted {
        let losses = a
            .indicators
            .iter()
            .filter(|ind| !ind.bonus && !matches!(ind.status, Status::Manual | Status::Na))
            .map(|ind| Loss {
                id: ind.id.clone(),
                name: ind.name.clone(),
                group: ind.group.clone(),
                points_lost: ind.max - ind.score,
                townships: 1,
            })
            .collect();
        Counted {
            kept: Kept::of(a),
            ruleset: a.ruleset.clone(),
            losses,
        }
    }
}

/// A 单位 as a reader sees it: NFKC, without whitespace or invisible characters.
fn unit_key(unit: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    unit.nfkc()
        .filter(|&c| !crate::text::is_space(c) && !crate::text::is_invisible_control(c))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn st<'a>(unit: &'a str, bundle: &'a str, score: &str, veto: bool) -> Standing<'a> {
        Standing {
            unit,
            bundle,
            score: d(score),
            veto,
        }
    }

    fn ranked<'a>(items: &[Standing<'a>]) -> Vec<(u32, &'a str)> {
        rank(items)
            .into_iter()
            .map(|(i, r)| (r, items[i].unit))
            .collect()
    }

    #[test]
    fn ties_share_a_rank_and_the_next_rank_skips() {
        let items = [
            st("丙镇", "c", "90", false),
            st("甲镇", "a", "95.5", false),
            st("乙镇", "b", "90", false),
            st("丁镇", "d", "80", false),
        ];
        // 甲 95.5 → 1; 丙 and 乙 90 → 2, 2 (bing3 < yi3); 丁 80 → 4.
        assert_eq!(
            ranked(&items),
            vec![(1, "甲镇"), (2, "丙镇"), (2, "乙镇"), (4, "丁镇")]
        );
    }

    #[test]
    fn vetoed_rank_after_every_non_vetoed_and_numbering_goes_on() {
        let items = [
            st("安镇", "a", "99", true),
            st("北镇", "b", "60", false),
            st("城镇", "c", "70", false),
            st("东镇", "d", "50", true),
            st("鄂镇", "e", "99", true),
        ];
        // non-vetoed: 城 70 → 1, 北 60 → 2; vetoed by score: 安 99 and 鄂 99 → 3, 3; 东 50 → 5.
        assert_eq!(
            ranked(&items),
            vec![
                (1, "城镇"),
                (2, "北镇"),
                (3, "安镇"),
                (3, "鄂镇"),
                (5, "东镇")
            ]
        );
    }

    #[test]
    fn equal_scores_are_listed_in_pinyin_order_not_code_point_order() {
        // Code points would give 安 U+5B89 < 张 U+5F20 < 李 U+674E; pinyin gives an < li < x < zhang.
        let items = [
            st("张村镇", "1", "88", false),
            st("李家镇", "2", "88", false),
            st("安平镇", "3", "88", false),
            st("xx镇", "4", "88", false),
        ];
        assert_eq!(
            ranked(&items),
            vec![(1, "安平镇"), (1, "李家镇"), (1, "xx镇"), (1, "张村镇")]
        );
    }

    #[test]
    fn decimal_scores_compare_exactly() {
        let items = [
            st("甲镇", "a", "89.50", false),
            st("乙镇", "b", "89.5", false),
        ];
        assert_eq!(ranked(&items), vec![(1, "甲镇"), (1, "乙镇")]);
    }

    #[test]
    fn same_unit_is_ordered_by_bundle() {
        let items = [st("甲镇", "z", "80", false), st("甲镇", "a", "80", false)];
        let order: Vec<&str> = rank(&items)
            .into_iter()
            .map(|(i, _)| items[i].bundle)
            .collect();
        assert_eq!(order, vec!["a", "z"]);
    }

    #[test]
    fn pinyin_key_separates_syllable_and_tone() {
        assert!(pinyin_cmp("安", "北") == Ordering::Less);
        assert!(pinyin_cmp("张", "战") == Ordering::Greater); // zhang > zhan
        assert!(pinyin_cmp("梨", "李") == Ordering::Less); // li2 < li3
    }

    #[test]
    fn empty_batch_ranks_nothing() {
        let report = summarize(Vec::new(), Vec::new(), &["优秀".to_string()]);
        assert!(report.ranking.is_empty());
        assert_eq!(report.grades, vec![("优秀".to_string(), 0)]);
        assert!(report.ruleset.is_none());
    }
}
