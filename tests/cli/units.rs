//! Issue 17 item 2, end to end: points, tiers levels and grade bands by unit type (乡镇/街道),
//! read from bundle.yaml's 单位类型 as the rule set declares it (`unit_type:`), on the small rule
//! set fixtures/unit-type-rules. The same ledger is handed in once by a 乡镇 and once by a 街道;
//! every expected figure is worked out by hand from the fixture's table (arithmetic beside it).

use std::path::{Path, PathBuf};

use tempfile::TempDir;

use super::harness::{Report, copy_dir, kaohe};

const RULES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/unit-type-rules");

/// The fixture's case `name` copied to `tmp/<folder>` for the unit `folder`, its 单位类型 line
/// replaced by `line`.
fn bundle(tmp: &TempDir, name: &str, folder: &str, line: &str) -> PathBuf {
    let dir = tmp.path().join(folder);
    copy_dir(&Path::new(RULES).join("tests").join(name), &dir);
    let y = std::fs::read_to_string(dir.join("bundle.yaml")).unwrap();
    let unit = format!("单位: {folder}");
    let y: String = y
        .lines()
        .map(|l| match l {
            l if l.starts_with("单位类型") => line,
            l if l.starts_with("单位:") => &unit,
            l => l,
        })
        .filter(|l| !l.is_empty())
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(dir.join("bundle.yaml"), y).unwrap();
    dir
}

fn run(args: &[&str], dir: &Path) -> std::process::Output {
    kaohe()
        .arg(args[0])
        .arg(dir)
        .args(&args[1..])
        .args(["--rules", RULES])
        .output()
        .unwrap()
}

fn json(dir: &Path) -> Report {
    Report::from_output(run(&["score", "--format", "json"], dir))
}

fn text(out: &std::process::Output) -> String {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn rules_check_proves_every_types_budget_and_the_cases_pass() {
    let out = kaohe().args(["rules", "check", RULES]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = kaohe().args(["rules", "test", RULES]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("共 3 个用例：3 个通过，0 个失败"),
        "{stdout}"
    );
}

#[test]
fn one_ledger_scored_as_a_township_and_as_a_street() {
    let tmp = TempDir::new().unwrap();
    // The ledger: 农业农村 3 rows, 重点领域 6, 城市管理 in Q1–Q3, 政府文件 1, 经验推广 1.
    let town = json(&bundle(&tmp, "xiangzhen", "甲镇", "单位类型: 乡镇"));
    let street = json(&bundle(&tmp, "xiangzhen", "乙街道", "单位类型: 街道"));

    assert_eq!(town.json["unit_type"], "乡镇");
    // 1.1 (乡镇 6): 3 rows ≥ 2 → 3.
    assert_eq!(town.expect("1.1", 3.0, "partial")["max"], 6);
    // 1.2 (6): 6 rows, below the 乡镇's 10, ≥ its 5 → 3.
    town.expect("1.2", 3.0, "partial");
    // 2.1 (乡镇 2): Q4 missing, 0.5 each → 1.5.
    assert_eq!(town.expect("2.1", 1.5, "partial")["max"], 2);
    town.expect("3.1", 6.0, "pass");
    town.expect("4.1", 1.0, "partial");
    // base 3 + 3 + 1.5 + 6 = 13.5; bonus 1; 14.5 < the 乡镇's 优秀 line 18, ≥ 12 → 合格.
    let t = town.total();
    assert_eq!(
        (&t["base"], &t["bonus"], &t["score"], &t["max"], &t["grade"]),
        (
            &13.5.into(),
            &1.into(),
            &14.5.into(),
            &20.into(),
            &"合格".into()
        ),
        "{t}"
    );

    assert_eq!(street.json["unit_type"], "街道");
    // 1.1 is worth 0 to a 街道: 不适用, no findings.
    let i11 = street.expect("1.1", 0.0, "na");
    assert_eq!(i11["max"], 0);
    assert!(i11["findings"].as_array().unwrap().is_empty());
    // 1.2: 6 rows ≥ the 街道's 5 → 6.
    street.expect("1.2", 6.0, "pass");
    // 2.1 (街道 8): Q4 missing, 2 each → 6.
    assert_eq!(street.expect("2.1", 6.0, "partial")["max"], 8);
    street.expect("3.1", 6.0, "pass");
    // base 0 + 6 + 6 + 6 = 18 (of 20); bonus 1; 19 ≥ 17 → 优秀.
    let t = street.total();
    assert_eq!(
        (&t["base"], &t["score"], &t["max"], &t["grade"]),
        (&18.into(), &19.into(), &20.into(), &"优秀".into()),
        "{t}"
    );

    // The grade band: a 街道 at 17 is 优秀 (line 17); the same ledger without the Q3 row as a
    // 乡镇 is not (line 18, and it scores 3 + 3 + (2 − 2 × 0.5) + 6 + 1 = 14).
    let band = json(&bundle(&tmp, "jiedao-band", "丙街道", "单位类型: 街道"));
    assert_eq!(band.total()["score"], 17);
    assert_eq!(band.total()["grade"], "优秀");
    let town_band = json(&bundle(&tmp, "jiedao-band", "丁镇", "单位类型: 乡镇"));
    assert_eq!(town_band.total()["score"], 14);
    assert_eq!(town_band.total()["grade"], "合格");
}

#[test]
fn every_format_shows_the_units_points() {
    let tmp = TempDir::new().unwrap();
    let dir = bundle(&tmp, "xiangzhen", "乙街道", "单位类型: 街道");
    let table = text(&run(&["score"], &dir));
    assert!(table.contains("乙街道（街道）"), "{table}");
    // 2.1 is worth 8 to a 街道 and scores 6.
    let row = table.lines().find(|l| l.contains("城市管理信息")).unwrap();
    assert!(row.contains("|    8 |    6 | 部分达标 |"), "{row}\n{table}");
    assert!(table.contains("总分 19（满分 20）"), "{table}");
    let md = text(&run(&["score", "--format", "md"], &dir));
    assert!(md.contains("- 单位类型：街道"), "{md}");
    assert!(
        md.contains("| 2.1 | 城市管理信息 | 8 | 6 | 部分达标 |"),
        "{md}"
    );
    let csv = text(&run(&["score", "--format", "csv"], &dir));
    assert!(
        csv.contains("乙街道,2.1,二、城市管理,城市管理信息,8,6,部分达标"),
        "{csv}"
    );
    assert!(
        csv.contains("乙街道,1.1,一、重点领域,农业农村信息,0,0,不适用"),
        "{csv}"
    );
    let html = text(&run(&["score", "--format", "html"], &dir));
    assert!(html.contains("城市管理信息"), "{html}");
    assert!(html.contains("满分 20") || html.contains("/ 20"), "{html}");
    let xlsx = tmp.path().join("r.xlsx");
    let out = run(&["score", "-o", xlsx.to_str().unwrap()], &dir);
    assert_eq!(out.status.code(), Some(0));
    use calamine::{DataType, Reader};
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    let found = book.worksheets().iter().any(|(_, range)| {
        range.rows().any(|row| {
            row.iter().any(|c| *c == "城市管理信息")
                && row.iter().any(|c| c.as_f64() == Some(8.0))
                && row.iter().any(|c| c.as_f64() == Some(6.0))
        })
    });
    assert!(found, "xlsx has no 2.1 row with 8 and 6");
    // A batch ranks both types by their own totals: 街道 19 before 乡镇 14.5.
    let dir2 = tmp.path().join("批量");
    copy_dir(&dir, &dir2.join("乙街道"));
    copy_dir(
        &bundle(&tmp, "xiangzhen", "甲镇", "单位类型: 乡镇"),
        &dir2.join("甲镇"),
    );
    let batch = text(&run(&["batch"], &dir2));
    let (street, town) = (batch.find("乙街道").unwrap(), batch.find("甲镇").unwrap());
    assert!(street < town, "{batch}");
    assert!(batch.contains("19") && batch.contains("14.5"), "{batch}");
}

#[test]
fn a_bundle_without_its_unit_type_cannot_be_scored() {
    let tmp = TempDir::new().unwrap();
    let dir = bundle(&tmp, "xiangzhen", "无类型", "");
    let out = run(&["score"], &dir);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bundle.yaml"), "{err}");
    assert!(err.contains("没有写「单位类型」"), "{err}");
    assert!(err.contains("乡镇、街道"), "{err}");
    let dir = bundle(&tmp, "xiangzhen", "社区", "单位类型: 社区");
    for cmd in ["score", "explain", "precheck"] {
        let args: &[&str] = if cmd == "explain" {
            &[cmd, "2.1"]
        } else {
            &[cmd]
        };
        let out = run(args, &dir);
        assert_eq!(out.status.code(), Some(2), "{cmd}");
        let err = String::from_utf8_lossy(&out.stderr);
        // The key is on line 5 of bundle.yaml.
        assert!(err.contains("bundle.yaml:5"), "{cmd}: {err}");
        assert!(err.contains("「社区」"), "{cmd}: {err}");
    }
}

#[test]
fn rules_show_and_explain_give_each_types_points() {
    let show = text(&kaohe().args(["rules", "show", RULES]).output().unwrap());
    assert!(show.contains("「单位类型」：乡镇、街道"), "{show}");
    assert!(show.contains("优秀 >=乡镇18/街道17"), "{show}");
    assert!(show.contains("一、重点领域（乡镇12/街道6分）"), "{show}");
    assert!(show.contains("1.1 农业农村信息（乡镇6/街道0分）"), "{show}");
    assert!(
        show.contains("乡镇：分档：>=10得6分，>=5得3分；街道：分档：>=5得6分，>=2得3分"),
        "{show}"
    );
    assert!(
        show.contains("2.1 城市管理信息（乡镇2/街道8分）乡镇：逐项扣分（每项扣0.5分）"),
        "{show}"
    );
    let tmp = TempDir::new().unwrap();
    let dir = bundle(&tmp, "xiangzhen", "乙街道", "单位类型: 街道");
    let explain = text(&run(&["explain", "2.1"], &dir));
    assert!(explain.contains("得分：6 / 8（部分达标）"), "{explain}");
    assert!(explain.contains("单位类型：街道"), "{explain}");
    // 8 − 2 × 1 missing quarter = 6.
    assert!(explain.contains("8 - 2 x 1 = 6"), "{explain}");
    let explain = text(&run(&["explain", "1.1"], &dir));
    assert!(explain.contains("（不适用）"), "{explain}");
    assert!(explain.contains("对街道为0分"), "{explain}");
    // precheck and selfreport: the 不适用 indicator is no to-do and no problem.
    let pre = text(&run(&["precheck"], &dir));
    assert!(!pre.contains("1.1 农业农村信息"), "{pre}");
    let draft = text(&run(&["selfreport"], &dir));
    let problems = draft.split("## 二、存在问题").nth(1).unwrap_or_default();
    assert!(!problems.contains("农业农村信息"), "{draft}");
}

#[test]
fn init_asks_for_the_unit_type() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path().join("乙街道-2021");
    let out = kaohe()
        .arg("init")
        .arg(&dir)
        .args(["--unit", "乙街道", "--rules", RULES])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let y = std::fs::read_to_string(dir.join("bundle.yaml")).unwrap();
    assert!(
        y.contains("# 必填：单位类型，乡镇、街道 之一（本规则集按单位类型定分值）\n单位类型:"),
        "{y}"
    );
}
