//! One small harness for every test: copy a fixture bundle into a temporary folder, edit it,
//! run the real `kaohe score <dir> --format json`, and read the JSON assessment.
//!
//! Expectations in the tests are computed by hand from shared/county-2021/indicators.md; the
//! arithmetic is written beside each assertion. Nothing here computes a score.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use tempfile::TempDir;

/// The seed township's bundle (see fixtures/xx-town-2021/EXPECTED.md).
pub(crate) const SEED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/xx-town-2021");

pub(crate) fn kaohe() -> Command {
    Command::new(env!("CARGO_BIN_EXE_kaohe"))
}

/// Copy a folder tree (a fixture bundle) into a temporary place.
pub(crate) fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A bundle folder `xx镇-2021` inside a fresh temporary directory. The temporary directory
/// (`outside()`) is where files that must not be inside the bundle go (verdicts, escapes).
pub(crate) struct Bundle {
    tmp: TempDir,
    pub dir: PathBuf,
}

impl Bundle {
    /// A copy of the seed township's bundle.
    pub(crate) fn seed() -> Bundle {
        let tmp = TempDir::new().unwrap();
        let dir = tmp.path().join("xx镇-2021");
        copy_dir(Path::new(SEED), &dir);
        Bundle { tmp, dir }
    }

    /// The temporary directory that holds the bundle folder (outside the bundle).
    pub(crate) fn outside(&self) -> &Path {
        self.tmp.path()
    }

    pub(crate) fn path(&self, rel: &str) -> PathBuf {
        self.dir.join(rel)
    }

    /// Write (create or replace) a file inside the bundle, creating folders as needed.
    pub(crate) fn write(&self, rel: &str, content: &str) -> &Self {
        let p = self.path(rel);
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent).unwrap();
        }
        fs::write(p, content).unwrap();
        self
    }

    pub(crate) fn remove(&self, rel: &str) -> &Self {
        fs::remove_file(self.path(rel)).unwrap();
        self
    }

    pub(crate) fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.path(rel)).unwrap()
    }

    /// Replace `from` by `to` in bundle.yaml; `from` must occur exactly once.
    pub(crate) fn edit(&self, from: &str, to: &str) -> &Self {
        let text = self.read("bundle.yaml");
        assert_eq!(
            text.matches(from).count(),
            1,
            "bundle.yaml must contain {from:?} exactly once"
        );
        self.write("bundle.yaml", &text.replacen(from, to, 1))
    }

    /// Append YAML text (new top-level keys) to bundle.yaml.
    pub(crate) fn append(&self, yaml: &str) -> &Self {
        let mut text = self.read("bundle.yaml");
        if !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(yaml);
        self.write("bundle.yaml", &text)
    }

    /// Replace the 主动公开 ledger.
    pub(crate) fn proactive_ledger(&self, csv: &str) -> &Self {
        self.write("台账/主动公开台账.csv", csv)
    }

    /// Replace the 依申请 ledger.
    pub(crate) fn on_request_ledger(&self, csv: &str) -> &Self {
        self.write("台账/依申请公开登记簿.csv", csv)
    }

    /// Run `kaohe score <bundle> --format json <extra...>`.
    pub(crate) fn run(&self, extra: &[&str]) -> Output {
        let mut cmd = kaohe();
        cmd.arg("score").arg(&self.dir).arg("--format").arg("json");
        cmd.args(extra);
        cmd.output().expect("run kaohe")
    }

    /// Score; the run must succeed (exit 0) and print a JSON assessment.
    pub(crate) fn score(&self) -> Report {
        Report::from_output(self.run(&[]))
    }

    /// Write a verdict file outside the bundle and score with `--verdicts`.
    pub(crate) fn score_with_verdicts(&self, yaml: &str) -> Report {
        let v = self.write_verdicts(yaml);
        Report::from_output(self.run(&["--verdicts", v.to_str().unwrap()]))
    }

    pub(crate) fn write_verdicts(&self, yaml: &str) -> PathBuf {
        let v = self.outside().join("verdicts.yaml");
        fs::write(&v, yaml).unwrap();
        v
    }
}

/// The parsed JSON assessment.
pub(crate) struct Report {
    pub json: Value,
    pub stdout: String,
}

pub(crate) fn num(v: &Value) -> f64 {
    v.as_f64()
        .unwrap_or_else(|| panic!("expected a JSON number, got {v}"))
}

pub(crate) fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

impl Report {
    pub(crate) fn from_output(out: Output) -> Report {
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(0),
            "kaohe should score (exit 0)\nstderr:\n{stderr}\nstdout:\n{stdout}"
        );
        let json: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
            panic!("stdout is not JSON: {e}\nstdout:\n{stdout}\nstderr:\n{stderr}")
        });
        Report { json, stdout }
    }

    pub(crate) fn total(&self) -> &Value {
        &self.json["total"]
    }

    pub(crate) fn indicator(&self, id: &str) -> &Value {
        self.json["indicators"]
            .as_array()
            .expect("indicators[]")
            .iter()
            .find(|i| i["id"] == id)
            .unwrap_or_else(|| panic!("no indicator {id} in the report"))
    }

    pub(crate) fn findings(&self, id: &str) -> &Vec<Value> {
        self.indicator(id)["findings"]
            .as_array()
            .unwrap_or_else(|| panic!("indicator {id} has no findings[]"))
    }

    /// Assert an indicator's score and status, and (unless pending manual) that the findings'
    /// deductions add up to max − score. Returns the indicator for further checks.
    pub(crate) fn expect(&self, id: &str, score: f64, status: &str) -> &Value {
        let ind = self.indicator(id);
        let got = num(&ind["score"]);
        assert!(
            close(got, score),
            "indicator {id}: score {got}, expected {score}\n{}",
            serde_json::to_string_pretty(ind).unwrap()
        );
        assert_eq!(
            ind["status"],
            status,
            "indicator {id}: status\n{}",
            serde_json::to_string_pretty(ind).unwrap()
        );
        // A pending manual and a 不适用 indicator have no findings (PRODUCT.md, docs/rules.md).
        if status != "manual" && status != "na" {
            let max = num(&ind["max"]);
            let sum: f64 = self.findings(id).iter().map(|f| num(&f["deduct"])).sum();
            assert!(
                close(sum, max - score),
                "indicator {id}: findings deduct {sum}, expected max − score = {}\n{}",
                max - score,
                serde_json::to_string_pretty(ind).unwrap()
            );
        }
        ind
    }

    /// Assert the totals.
    pub(crate) fn expect_total(&self, base: f64, bonus: f64, score: f64, grade: &str) {
        let t = self.total();
        assert!(
            close(num(&t["base"]), base),
            "total.base {} expected {base}\n{t}",
            t["base"]
        );
        assert!(
            close(num(&t["bonus"]), bonus),
            "total.bonus {} expected {bonus}\n{t}",
            t["bonus"]
        );
        assert!(
            close(num(&t["score"]), score),
            "total.score {} expected {score}\n{t}",
            t["score"]
        );
        assert!(close(num(&t["max"]), 100.0), "total.max {}", t["max"]);
        assert_eq!(t["grade"], grade, "total.grade\n{t}");
    }

    pub(crate) fn problems(&self) -> &Vec<Value> {
        self.json["problems"].as_array().expect("problems[]")
    }

    /// Problems whose message or value mentions `needle`.
    pub(crate) fn problems_mentioning(&self, needle: &str) -> Vec<&Value> {
        self.problems()
            .iter()
            .filter(|p| {
                p["message"].as_str().unwrap_or("").contains(needle)
                    || p["value"].as_str().unwrap_or("").contains(needle)
            })
            .collect()
    }

    pub(crate) fn has_problem_code(&self, code: &str) -> bool {
        self.problems().iter().any(|p| p["code"] == code)
    }

    /// The rows cited by an indicator's findings (evidence[].row).
    pub(crate) fn cited_rows(&self, id: &str) -> Vec<u64> {
        let mut rows: Vec<u64> = self
            .findings(id)
            .iter()
            .flat_map(|f| f["evidence"].as_array().cloned().unwrap_or_default())
            .filter_map(|e| e["row"].as_u64())
            .collect();
        rows.sort();
        rows.dedup();
        rows
    }
}

// ---------------------------------------------------------------- ledger builders

pub(crate) const PROACTIVE_HEADER: &str = "序号,标题,栏目,索引号,成文日期,发布日期,领域";

/// A 主动公开 ledger from (栏目, 成文日期, 发布日期); titles and 索引号 are generated, 领域 empty.
/// Data rows are spreadsheet rows 2, 3, … in the order given.
pub(crate) fn proactive_rows(rows: &[(&str, &str, &str)]) -> String {
    let mut s = String::from(PROACTIVE_HEADER);
    s.push('\n');
    for (i, (lm, cw, fb)) in rows.iter().enumerate() {
        let n = i + 1;
        s.push_str(&format!(
            "{n},测试条目{n},{lm},TEST/2021-{n:05},{cw},{fb},\n"
        ));
    }
    s
}

/// A 主动公开 ledger from full rows (标题, 栏目, 索引号, 成文日期, 发布日期, 领域); cells are
/// written as given (quote a cell that holds a comma yourself).
pub(crate) fn proactive_rows_full(rows: &[[&str; 6]]) -> String {
    let mut s = String::from(PROACTIVE_HEADER);
    s.push('\n');
    for (i, r) in rows.iter().enumerate() {
        s.push_str(&format!("{},{}\n", i + 1, r.join(",")));
    }
    s
}

/// `n` rows of one 栏目, all published on distinct days of 2021 (Mar 1.., then Apr 1..).
pub(crate) fn proactive_rows_many(lm: &str, n: usize) -> String {
    let rows: Vec<(String, String)> = (0..n)
        .map(|i| {
            let (m, d) = (3 + i / 28, 1 + i % 28);
            let date = format!("2021-{m:02}-{d:02}");
            (date.clone(), date)
        })
        .collect();
    let v: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|(a, b)| (lm, a.as_str(), b.as_str()))
        .collect();
    proactive_rows(&v)
}

pub(crate) const ON_REQUEST_HEADER: &str = "序号,收件日期,申请人,申请人类型,联系方式,申请方式,申请内容,征求意见工作日,是否延期,答复日期,办理结果";

/// A 依申请 ledger from (收件日期, 征求意见工作日, 是否延期, 答复日期, 办理结果). Every row also
/// carries personal data (申请人, 联系方式, 申请内容) that must never appear in any output.
pub(crate) fn on_request_rows(rows: &[(&str, &str, &str, &str, &str)]) -> String {
    let mut s = String::from(ON_REQUEST_HEADER);
    s.push('\n');
    for (i, (sj, zq, yq, df, jg)) in rows.iter().enumerate() {
        let n = i + 1;
        s.push_str(&format!(
            "{n},{sj},欧阳明月{n},自然人,1391234567{n},网上申请,申请公开李家村征地补偿明细{n},{zq},{yq},{df},{jg}\n"
        ));
    }
    s
}

/// A minimal annual report: the six headings (unless `omit` names some) and a 表三 with the
/// given 本年新收 / 上年结转 / （七）总计 / 结转下年度 values (None leaves the row out).
pub(crate) fn annual_report(omit: &[&str], t3: Option<[Option<u32>; 4]>) -> String {
    let headings = [
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ];
    let mut s = String::from("# xx镇人民政府2021年政府信息公开工作年度报告\n\n");
    for h in headings {
        if omit.iter().any(|o| h.contains(o)) {
            continue;
        }
        s.push_str(&format!("## {h}\n\n本部分内容。\n\n"));
        if h.starts_with("三、") {
            if let Some([a, b, c, d]) = t3 {
                // The template's layout: two label columns, then the seven numeric columns
                // (自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他, 总计); each
                // figure goes to 自然人 and 总计, the other five are 0, so every row adds up.
                s.push_str("| 项目 | | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |\n");
                s.push_str("|---|---|---|---|---|---|---|---|---|\n");
                let row = |label: &str, sub: &str, n: u32| {
                    format!("| {label} | {sub} | {n} | 0 | 0 | 0 | 0 | 0 | {n} |\n")
                };
                if let Some(a) = a {
                    s.push_str(&row("一、本年新收政府信息公开申请数量", "", a));
                }
                if let Some(b) = b {
                    s.push_str(&row("二、上年结转政府信息公开申请数量", "", b));
                }
                // The one result row carries the whole (七)总计, so (七)总计 = the result rows.
                s.push_str(&row("三、本年度办理结果", "（一）予以公开", c.unwrap_or(0)));
                if let Some(c) = c {
                    s.push_str(&row("三、本年度办理结果", "（七）总计", c));
                }
                if let Some(d) = d {
                    s.push_str(&row("四、结转下年度继续办理", "", d));
                }
                s.push('\n');
            }
        }
    }
    s
}

/// The first English phrase in a message a user reads: two English words in a row, neither of
/// them a word of kaohe's own vocabulary (its commands, the expression language's keywords,
/// YAML, JSON). Identifiers (`is_null`, `veto_grade`, `1.10`), text in backticks and values
/// quoted in 「」 are passed over. `None` when the text is plain Chinese.
pub(crate) fn english_in(text: &str) -> Option<String> {
    const OURS: &[&str] = &[
        "kaohe",
        "rules",
        "check",
        "codes",
        "schema",
        "show",
        "functions",
        "test",
        "score",
        "batch",
        "init",
        "diff",
        "explain",
        "precheck",
        "selfreport",
        "serve",
        "users",
        "verdicts",
        "not",
        "and",
        "or",
        "in",
        "if",
        "then",
        "else",
        "let",
        "null",
        "true",
        "false",
        "JSON",
        "Schema",
        "YAML",
        "CSV",
        "UTF",
        "Tab",
        "Excel",
        "WPS",
        "zip",
    ];
    let mut plain = String::new();
    let mut skip: Option<char> = None;
    for c in text.chars() {
        match (skip, c) {
            (None, '`') => skip = Some('`'),
            (None, '「') => skip = Some('」'),
            (Some(end), c) if c == end => {
                skip = None;
                plain.push('\u{3000}');
            }
            (Some(_), _) => {}
            (None, c) => plain.push(c),
        }
    }
    let words: Vec<(usize, &str)> = plain
        .split(|c: char| !(c.is_ascii_alphanumeric() || "_.- ".contains(c)))
        .flat_map(|run| {
            run.split(' ')
                .enumerate()
                .map(|(i, w)| (i, w.trim_end_matches('.')))
                .collect::<Vec<_>>()
        })
        .collect();
    let english =
        |w: &str| w.len() >= 2 && w.chars().all(|c| c.is_ascii_alphabetic()) && !OURS.contains(&w);
    words.windows(2).find_map(|pair| {
        let ((_, a), (i, b)) = (pair[0], pair[1]);
        (i > 0 && english(a) && english(b)).then(|| format!("{a} {b}"))
    })
}

/// Every message line of a `rules check` / fatal-error output (not the quoted source lines)
/// is plain Chinese.
pub(crate) fn assert_messages_chinese(output: &str) {
    for line in output.lines() {
        let t = line.trim_start();
        let message = t.starts_with("错误")
            || t.starts_with("警告")
            || t.starts_with("= 帮助")
            || t.starts_with("kaohe:");
        if message && let Some(phrase) = english_in(t) {
            panic!("English «{phrase}» in:\n{line}\n\n{output}");
        }
    }
}
