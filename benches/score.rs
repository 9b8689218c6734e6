//! Speed and memory of the whole pipeline on synthetic bundles of growing size.
//!
//! `cargo bench --bench score` prints, per size: rule compilation, bundle loading, scoring,
//! rows per second, and the process's peak resident memory. Figures, not assertions: compare
//! them across commits on the same machine.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use kaohe::calendar::Calendar;
use kaohe::load::open_bundle;
use kaohe::load::rules::{RuleFiles, compile};
use kaohe::score::score;

const SEED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/xx-town-2021");
const COLUMNS: [&str; 7] = [
    "机构职能",
    "领导成员和分工",
    "工作动态",
    "会议通知",
    "政府文件",
    "计划总结",
    "信息公开场所",
];

fn copy_dir(from: &Path, to: &Path) {
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

/// The same 主动公开 rows as an Excel workbook (dates as text cells, as platform exports write
/// them), replacing the CSV in the manifest.
fn as_xlsx(dir: &Path) {
    let csv = fs::read_to_string(dir.join("台账/主动公开台账.csv")).unwrap();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, line) in csv.lines().enumerate() {
        for (c, cell) in line.split(',').enumerate() {
            ws.write_string(r as u32, c as u16, cell).unwrap();
        }
    }
    wb.save(dir.join("台账/主动公开台账.xlsx")).unwrap();
    let manifest = fs::read_to_string(dir.join("bundle.yaml")).unwrap();
    let manifest = manifest.replace("台账/主动公开台账.csv", "台账/主动公开台账.xlsx");
    fs::write(dir.join("bundle.yaml"), manifest).unwrap();
}

/// A 主动公开 ledger of `rows` rows spread over 2021, and a 依申请 ledger of `rows / 10`.
fn synthetic_ledgers(dir: &Path, rows: usize) {
    let mut csv = String::from("序号,标题,栏目,索引号,成文日期,发布日期,领域\n");
    for i in 0..rows {
        let day = (i * 7919) % 365;
        let month = 1 + day / 31 % 12;
        let d = 1 + day % 28;
        let _ = writeln!(
            csv,
            "{i},xx镇关于第{i}项工作的通知,{},11340000-{i:06},2021-{month:02}-{:02},2021-{month:02}-{d:02},农田水利",
            COLUMNS[i % COLUMNS.len()],
            1 + d.saturating_sub(5)
        );
    }
    fs::write(dir.join("台账/主动公开台账.csv"), csv).unwrap();
    let mut on_request = String::from("序号,收件日期,答复日期,是否延期,办理结果,征求意见工作日\n");
    for i in 0..rows / 10 {
        let month = 1 + i % 11;
        let _ = writeln!(
            on_request,
            "{i},2021-{month:02}-03,2021-{:02}-20,否,予以公开,",
            month
        );
    }
    let path = dir.join("台账/依申请公开登记簿.csv");
    fs::write(path, on_request).unwrap();
}

fn peak_rss_kib() -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let t = Instant::now();
    let files = RuleFiles::builtin("county-zwgk-2021").expect("built-in rule set");
    let rules = compile(&files).expect("rule set compiles");
    let compile_time = t.elapsed();
    let calendar = Calendar::builtin();
    println!("rule set compiled in {:.2} ms", ms(compile_time));
    println!(
        "{:>8} {:>6} {:>10} {:>10} {:>10} {:>14} {:>12}",
        "rows", "ledger", "load ms", "score ms", "total ms", "rows/s", "peak RSS MiB"
    );
    for (rows, format) in [
        (1_000, "csv"),
        (10_000, "csv"),
        (100_000, "csv"),
        (100_000, "xlsx"),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("bench-2021");
        copy_dir(Path::new(SEED), &dir);
        synthetic_ledgers(&dir, rows);
        if format == "xlsx" {
            as_xlsx(&dir);
        }

        let t = Instant::now();
        let evidence = open_bundle(&dir)
            .expect("bundle opens")
            .load(&rules.evidence);
        let load = t.elapsed();
        let t = Instant::now();
        let assessment = score(&rules, &evidence, None, &calendar);
        let scoring = t.elapsed();
        assert_eq!(assessment.indicators.len(), 30);
        let total = load + scoring;
        println!(
            "{:>8} {format:>6} {:>10.1} {:>10.1} {:>10.1} {:>14.0} {:>12.1}",
            rows,
            ms(load),
            ms(scoring),
            ms(total),
            rows as f64 / total.as_secs_f64(),
            peak_rss_kib().unwrap_or(0) as f64 / 1024.0
        );
    }
}
