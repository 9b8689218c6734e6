//! Bundle-level tests: tiny bundles built in temp folders, read through `open_bundle` and
//! `load` exactly as the CLI does.

use crate::diag::{DataCode, YamlCode};
use std::path::Path;

use tempfile::TempDir;

use super::*;
use crate::diag::Severity;
use crate::model::schema::{ColumnDecl, DocumentDecl, FieldType, LedgerDecl};
use crate::value::Rows;

fn col(name: &str, ty: FieldType) -> ColumnDecl {
    ColumnDecl {
        name: name.into(),
        ty,
    }
}

fn rec(fields: &[(&str, FieldType)]) -> FieldType {
    FieldType::Record(
        fields
            .iter()
            .map(|(n, t)| (n.to_string(), t.clone()))
            .collect(),
    )
}

fn list(t: FieldType) -> FieldType {
    FieldType::List(Box::new(t))
}

/// The county-zwgk-2021 declaration, as far as these tests need it.
fn decl() -> EvidenceDecl {
    use FieldType::*;
    EvidenceDecl {
        ledgers: vec![
            LedgerDecl {
                name: "主动公开".into(),
                title: "政府信息主动公开台账".into(),
                required: vec![
                    col("标题", Text),
                    col("栏目", Text),
                    col("索引号", Text),
                    col("成文日期", Date),
                    col("发布日期", Date),
                ],
                optional: vec![col("领域", Text), col("链接", Text), col("序号", Text)],
                ..Default::default()
            },
            LedgerDecl {
                name: "依申请".into(),
                title: "依申请公开登记簿".into(),
                required: vec![
                    col("收件日期", Date),
                    col("答复日期", Date),
                    col("是否延期", Flag),
                    col("办理结果", Text),
                ],
                optional: vec![col("征求意见工作日", Count { max: Some(60) })],
                ..Default::default()
            },
            LedgerDecl {
                name: "查阅场所报送".into(),
                title: "查阅场所报送记录".into(),
                required: vec![
                    col("报送日期", Date),
                    col("接收单位", Text),
                    col("套数", Count { max: None }),
                ],
                optional: vec![col("内容", Text)],
                ..Default::default()
            },
        ],
        documents: vec![
            DocumentDecl {
                name: "年度报告".into(),
                title: "年度报告".into(),
                fields: vec![("发布日期".into(), Date), ("链接".into(), Text)],
            },
            DocumentDecl {
                name: "公开指南".into(),
                title: "公开指南".into(),
                fields: vec![],
            },
        ],
        manifest: vec![
            (
                "自查申报".into(),
                rec(&[
                    ("主动公开总数", Count { max: None }),
                    ("分类数量", Map(Box::new(Count { max: None }))),
                ]),
            ),
            (
                "组织保障".into(),
                rec(&[
                    (
                        "领导小组",
                        rec(&[("组长", Text), ("组长职务", Text), ("文件", File)]),
                    ),
                    ("工作机构", Text),
                    ("专职人员", list(Text)),
                    ("读网检查责任人", Text),
                    ("制度", list(rec(&[("名称", Text), ("文件", File)]))),
                    (
                        "培训",
                        list(rec(&[("日期", Date), ("内容", Text), ("文件", File)])),
                    ),
                ]),
            ),
            (
                "安全事件".into(),
                list(rec(&[("日期", Date), ("类型", Text), ("描述", Text)])),
            ),
        ],
    }
}

const HEAD: &str = "单位: xx镇\n考核年度: 2021\n考核指标: county-zwgk-2021\n报送日期: 2022-02-15\n";

fn bundle(manifest: &str, files: &[(&str, &[u8])]) -> TempDir {
    let dir = tempfile::Builder::new()
        .prefix("xx镇-2021-")
        .tempdir()
        .unwrap();
    std::fs::write(dir.path().join("bundle.yaml"), manifest).unwrap();
    for (path, bytes) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    dir
}

fn load(dir: &Path) -> Evidence {
    open_bundle(dir).unwrap().load(&decl())
}

fn ledger_bundle(name: &str, csv: &[u8]) -> Evidence {
    let manifest = format!("{HEAD}台账:\n  {name}: 台账/{name}.csv\n");
    let path = format!("台账/{name}.csv");
    let dir = bundle(&manifest, &[(&path, csv)]);
    load(dir.path())
}

fn with_code(ev: &Evidence, code: DataCode) -> Vec<&Problem> {
    ev.problems.iter().filter(|p| p.code == code).collect()
}

const PROACTIVE_HEADER: &str = "序号,标题,栏目,索引号,成文日期,发布日期\n";

// ---------------------------------------------------------------- header and open_bundle

#[test]
fn header_read_and_files_listed() {
    let dir = bundle(&format!("{HEAD}上级单位: xx县\n"), &[]);
    let ob = open_bundle(dir.path()).unwrap();
    assert!(ob.name.starts_with("xx镇-2021-"));
    assert_eq!(ob.header.unit, "xx镇");
    assert_eq!(ob.header.parent.as_deref(), Some("xx县"));
    assert_eq!(ob.header.year, 2021);
    assert_eq!(ob.header.ruleset, "county-zwgk-2021");
    assert_eq!(ob.header.submitted.to_string(), "2022-02-15");
    let ev = ob.load(&decl());
    assert!(ev.files["bundle.yaml"].is_ok());
    assert!(ev.problems.is_empty(), "{:?}", ev.problems);
    // Every declared manifest key is present, absent ones Null.
    let Value::Record(r) = &ev.manifest else {
        panic!()
    };
    assert_eq!(r.fields.len(), 3);
    assert!(r.get("组织保障").unwrap().is_null());
}

#[test]
fn fatal_header_problems() {
    let missing = bundle(
        "单位: xx镇\n考核年度: 二〇二一\n报送日期: 2022-02-30\n",
        &[],
    );
    let f = open_bundle(missing.path()).err().unwrap();
    let codes: Vec<_> = f
        .problems
        .iter()
        .map(|p| (p.code.clone(), p.key.clone()))
        .collect();
    assert!(
        codes.contains(&(DataCode::BadRequiredKey.into(), Some("考核年度".into()))),
        "{codes:?}"
    );
    assert!(codes.contains(&(DataCode::MissingRequiredKey.into(), Some("考核指标".into()))));
    assert!(codes.contains(&(DataCode::BadRequiredKey.into(), Some("报送日期".into()))));
    assert_eq!(f.problems[0].line, Some(2));

    let empty_unit = bundle(&HEAD.replace("xx镇", "　"), &[]);
    let f = open_bundle(empty_unit.path()).err().unwrap();
    assert_eq!(f.problems[0].code, DataCode::MissingRequiredKey);
    assert_eq!(f.problems[0].line, Some(1));

    let not_map = bundle("- a\n- b\n", &[]);
    assert_eq!(
        open_bundle(not_map.path()).err().unwrap().problems[0].code,
        DataCode::ManifestNotMapping
    );
}

#[test]
fn missing_manifest_zip_and_missing_folder_are_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let f = open_bundle(dir.path()).err().unwrap();
    assert_eq!(f.problems[0].code, DataCode::ManifestMissing);
    assert!(f.to_string().contains("bundle.yaml"));
    let zip = dir.path().join("b.ZIP");
    std::fs::write(&zip, b"PK").unwrap();
    assert_eq!(
        open_bundle(&zip).err().unwrap().problems[0].code,
        DataCode::BundleUnreadable
    );
    assert_eq!(
        open_bundle(&dir.path().join("nope"))
            .err()
            .unwrap()
            .problems[0]
            .code,
        DataCode::BundleNotFound
    );
}

#[test]
fn duplicate_key_and_fullwidth_colon_are_fatal_with_help() {
    let dup = bundle(&format!("{HEAD}单位: yy镇\n"), &[]);
    let f = open_bundle(dup.path()).err().unwrap();
    assert_eq!(f.problems[0].code, YamlCode::DuplicateKey);
    assert_eq!(f.problems[0].line, Some(5));
    assert!(f.problems[0].message.contains("第1行和第5行"));

    let colon = bundle(&HEAD.replace("单位: xx镇", "单位：xx镇"), &[]);
    let f = open_bundle(colon.path()).err().unwrap();
    assert!(f.problems[0].message.contains("全角冒号"), "{}", f);
    assert_eq!(f.problems[0].file, "bundle.yaml");
}

#[test]
fn gbk_manifest_is_decoded() {
    let (bytes, _, _) = encoding_rs::GBK.encode(HEAD);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bundle.yaml"), &bytes).unwrap();
    assert_eq!(open_bundle(dir.path()).unwrap().header.unit, "xx镇");
}

#[test]
fn alias_bomb_manifest_rejected() {
    let mut s = format!("{HEAD}x: &a [");
    s.push_str(&vec!["y"; 3000].join(","));
    s.push_str("]\nz: [");
    s.push_str(&vec!["*a"; 3000].join(","));
    s.push_str("]\n");
    let dir = bundle(&s, &[]);
    let f = open_bundle(dir.path()).err().unwrap();
    assert_eq!(f.problems[0].code, YamlCode::TooLarge);
}

// ---------------------------------------------------------------- manifest typing

#[test]
fn manifest_typed_with_shapes_single_values_and_unknown_keys() {
    let m = format!(
        "{HEAD}\
组织保障:
  领导小组: {{组长: 张某, 组长职务: 镇长, 文件: 材料\\领导小组通知.pdf}}
  工作机构: 党政办
  专职人员: 李某
  制度:
    - {{名称: 信息主动公开制度, 文件: 材料/制度/a.pdf}}
    - {{名称: 保密审查制度, 文件: [x]}}
    - 无
  培训: {{日期: 2021年6月10日, 内容: 培训, 文件: 材料/签到.pdf}}
  备注: 多余的键
自查申报:
  主动公开总数: 六十九
  分类数量: {{机构职能: 2, 工作动态: 40}}
安全事件: []
自查申报2: 1
"
    );
    let dir = bundle(
        &m,
        &[
            ("材料/领导小组通知.pdf", b"%PDF"),
            ("材料/制度/a.pdf", b"%PDF-a"),
        ],
    );
    let ev = load(dir.path());
    let Value::Record(r) = &ev.manifest else {
        panic!()
    };
    let Value::Record(org) = r.get("组织保障").unwrap() else {
        panic!()
    };
    // A single value where a list is expected: a one-element list.
    assert_eq!(
        org.get("专职人员").unwrap().as_list().unwrap()[0].as_text(),
        Some("李某")
    );
    let training = org.get("培训").unwrap().as_list().unwrap();
    assert_eq!(training.len(), 1);
    // Wrong shape inside a list item: named by key path and line; the placeholder item is
    // dropped.
    let rules = org.get("制度").unwrap().as_list().unwrap();
    assert_eq!(rules.len(), 2);
    let ws = with_code(&ev, DataCode::WrongShape);
    assert_eq!(ws.len(), 1, "{:?}", ev.problems);
    assert_eq!(ws[0].key.as_deref(), Some("组织保障.制度[2].文件"));
    assert_eq!(ws[0].line, Some(11));
    // Unknown keys: warnings with key path and line.
    let unknown = with_code(&ev, DataCode::UnknownKey);
    let keys: Vec<_> = unknown
        .iter()
        .map(|p| (p.key.clone().unwrap(), p.line.unwrap(), p.severity))
        .collect();
    assert!(
        keys.contains(&("组织保障.备注".into(), 14, Severity::Warning)),
        "{keys:?}"
    );
    assert!(keys.contains(&("自查申报2".into(), 19, Severity::Warning)));
    // Bad count in the manifest.
    let bad = with_code(&ev, DataCode::BadCount);
    assert_eq!(bad[0].key.as_deref(), Some("自查申报.主动公开总数"));
    assert_eq!(bad[0].value.as_deref(), Some("六十九"));
    let Value::Record(claim) = r.get("自查申报").unwrap() else {
        panic!()
    };
    assert!(claim.get("主动公开总数").unwrap().is_null());
    let Value::Record(cats) = claim.get("分类数量").unwrap() else {
        panic!()
    };
    assert_eq!(cats.fields[1].0.as_ref(), "工作动态");
    // Empty list stays an empty list.
    assert_eq!(
        r.get("安全事件").unwrap().as_list().map(<[Value]>::len),
        Some(0)
    );
    // Files named by `file` values: `\` normalised, hashed; a missing one is a warning.
    assert!(ev.file_exists("材料/领导小组通知.pdf"));
    assert!(ev.files["材料/制度/a.pdf"].is_ok());
    assert_eq!(ev.files["材料/签到.pdf"], FileStatus::Missing);
    let missing = with_code(&ev, DataCode::FileMissing);
    assert_eq!(missing[0].key.as_deref(), Some("组织保障.培训.文件"));
    assert_eq!(missing[0].severity, Severity::Warning);
    // Key lines for every key path.
    assert_eq!(ev.key_lines["组织保障.制度[2].文件"], 11);
    assert_eq!(ev.key_lines["报送日期"], 4);
}

#[test]
fn path_refusal_and_not_a_file() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.pdf"), b"secret").unwrap();
    let m = format!(
        "{HEAD}\
组织保障:
  制度:
    - {{名称: a, 文件: ../x.pdf}}
    - {{名称: b, 文件: /etc/passwd}}
    - {{名称: c, 文件: 材料/link.pdf}}
    - {{名称: d, 文件: 材料}}
    - {{名称: e, 文件: 材料/..\\..\\x.pdf}}
"
    );
    let dir = bundle(&m, &[("材料/ok.txt", b"x")]);
    std::os::unix::fs::symlink(
        outside.path().join("secret.pdf"),
        dir.path().join("材料/link.pdf"),
    )
    .unwrap();
    let ev = load(dir.path());
    assert_eq!(ev.files["../x.pdf"], FileStatus::Refused);
    assert_eq!(ev.files["/etc/passwd"], FileStatus::Refused);
    assert_eq!(ev.files["材料/link.pdf"], FileStatus::Refused);
    assert_eq!(ev.files["材料"], FileStatus::NotAFile);
    assert_eq!(ev.files["材料/../../x.pdf"], FileStatus::Refused);
    let refused = with_code(&ev, DataCode::PathRefused);
    assert_eq!(refused.len(), 4);
    assert_eq!(refused[0].key.as_deref(), Some("组织保障.制度[1].文件"));
    assert_eq!(refused[0].value.as_deref(), Some("../x.pdf"));
    assert_eq!(with_code(&ev, DataCode::NotAFile).len(), 1);
    // A symlink inside the bundle pointing inside is fine.
    assert!(!ev.file_exists("材料/link.pdf"));
}

#[test]
fn fifo_is_not_opened() {
    let dir = bundle(
        &format!("{HEAD}组织保障:\n  制度: [{{名称: a, 文件: 材料/fifo.pdf}}]\n"),
        &[("材料/x", b"")],
    );
    let fifo = dir.path().join("材料/fifo.pdf");
    let ok = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        return; // no mkfifo here
    }
    let ev = load(dir.path());
    assert_eq!(ev.files["材料/fifo.pdf"], FileStatus::NotAFile);
}

// ---------------------------------------------------------------- ledgers

#[test]
fn title_row_header_on_row_two() {
    let csv = format!(
        "xx镇政府信息主动公开台账,,,,,\n{PROACTIVE_HEADER}1,标题一,工作动态,001,2021-03-01,2021-03-05\n"
    );
    let ev = ledger_bundle("主动公开", csv.as_bytes());
    let l = &ev.ledgers["主动公开"];
    assert_eq!(l.rows.len(), 1);
    assert_eq!(l.rows[0].number, 3);
    let w = with_code(&ev, DataCode::RowsAboveHeader);
    assert_eq!(w[0].row, Some(2));
    assert_eq!(w[0].severity, Severity::Warning);
    assert_eq!(l.absent, vec!["领域".to_string(), "链接".to_string()]);
    assert_eq!(l.cell(0, "栏目").as_text(), Some("工作动态"));
}

#[test]
fn totals_row_skipped_with_warning() {
    let csv = format!(
        "{PROACTIVE_HEADER}1,a,工作动态,001,2021-03-01,2021-03-05\n合计,,,,,\n, 总 计 ,,,,\n"
    );
    let ev = ledger_bundle("主动公开", csv.as_bytes());
    assert_eq!(ev.ledgers["主动公开"].rows.len(), 1);
    let w = with_code(&ev, DataCode::TotalsRow);
    assert_eq!(
        w.iter().map(|p| p.row).collect::<Vec<_>>(),
        vec![Some(3), Some(4)]
    );
}

#[test]
fn quoted_multiline_cell_is_one_row() {
    let csv = format!(
        "{PROACTIVE_HEADER}1,\"第一行\n第二行\n第三行\",工作动态,001,2021-03-01,2021-03-05\n\
         2,b,工作动态,002,2021-03-01,2021-13-05\n\n3,c,工作动态,003,2021-03-01,2021-03-06\r\n"
    );
    let ev = ledger_bundle("主动公开", csv.as_bytes());
    let l = &ev.ledgers["主动公开"];
    let numbers: Vec<u32> = l.rows.iter().map(|r| r.number).collect();
    // Header row 1, the multi-line record row 2, then row 3; the blank line is row 4.
    assert_eq!(numbers, vec![2, 3, 5]);
    let bad = with_code(&ev, DataCode::BadDate);
    assert_eq!(bad[0].row, Some(3));
}

#[test]
fn missing_required_column_makes_ledger_unusable() {
    let csv = "标题,栏目,索引号,发布日期\na,工作动态,001,2021-03-05\n";
    let ev = ledger_bundle("主动公开", csv.as_bytes());
    assert!(!ev.ledgers.contains_key("主动公开"));
    let p = with_code(&ev, DataCode::MissingColumn);
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].file, "台账/主动公开.csv");
    assert_eq!(p[0].column.as_deref(), Some("成文日期"));
    assert_eq!(p[0].severity, Severity::Error);
}

/// A header row of 100 cells, none a required column: each missing-column error names the
/// first 30 and the count, not all 100 (a flood of cells would repeat in every message).
#[test]
fn missing_column_lists_a_wide_header_by_its_first_cells() {
    let header: Vec<String> = (1..=100).map(|i| format!("列{i}")).collect();
    let csv = format!("{}\n", header.join(","));
    let ev = ledger_bundle("主动公开", csv.as_bytes());
    let p = with_code(&ev, DataCode::MissingColumn);
    assert_eq!(p.len(), 5, "{p:?}");
    for m in p.iter().map(|p| &p.message) {
        assert!(m.contains("（第1行的表头为：列1、列2、"), "{m}");
        assert!(m.contains("、列30…等共100个）"), "{m}");
        assert!(!m.contains("列31"), "{m}");
    }
}

#[test]
fn duplicate_required_column_makes_ledger_unusable() {
    let csv =
        "标题,栏目,索引号,成文日期,发布日期,发布日期\na,b,c,2021-01-01,2021-01-02,2021-01-03\n";
    let ev = ledger_bundle("主动公开", csv.as_bytes());
    assert!(ev.ledgers.is_empty());
    let p = with_code(&ev, DataCode::DuplicateColumn);
    assert_eq!(p[0].column.as_deref(), Some("发布日期"));
}

#[test]
fn bad_values_are_problems_with_exact_fields() {
    let csv = "收件日期,答复日期,是否延期,办理结果,征求意见工作日,申请人\n\
               2021-13-01,2021/3/5,延期,予以公开,3.0,张三\n\
               2021年3月5日,20210305,是,不予公开,61,李四\n\
               2021-03-05,2021-03-06,,部分公开,三,王五\n";
    let ev = ledger_bundle("依申请", csv.as_bytes());
    let l = &ev.ledgers["依申请"];
    assert_eq!(l.rows.len(), 3);
    let p = with_code(&ev, DataCode::BadDate);
    assert_eq!(p.len(), 2);
    assert_eq!(
        (
            p[0].file.as_str(),
            p[0].row,
            p[0].column.as_deref(),
            p[0].value.as_deref()
        ),
        (
            "台账/依申请.csv",
            Some(2),
            Some("收件日期"),
            Some("2021-13-01")
        )
    );
    assert_eq!(p[0].severity, Severity::Error);
    assert_eq!(
        (p[1].row, p[1].column.as_deref(), p[1].value.as_deref()),
        (Some(3), Some("答复日期"), Some("20210305"))
    );
    let flag = with_code(&ev, DataCode::BadFlag);
    assert_eq!(
        (flag[0].row, flag[0].value.as_deref()),
        (Some(2), Some("延期"))
    );
    assert_eq!(l.cell(0, "是否延期").as_bool(), Some(false));
    assert_eq!(l.cell(1, "是否延期").as_bool(), Some(true));
    assert_eq!(l.cell(2, "是否延期").as_bool(), Some(false));
    assert_eq!(l.cell(0, "征求意见工作日").as_num(), Some(3.into()));
    assert!(l.cell(1, "征求意见工作日").is_null());
    assert_eq!(with_code(&ev, DataCode::CountAboveMax)[0].row, Some(3));
    assert_eq!(
        with_code(&ev, DataCode::BadCount)[0].value.as_deref(),
        Some("三")
    );
    assert!(l.cell(0, "收件日期").is_null());
    // Privacy: the undeclared 申请人 column is never read.
    let dump = format!("{:?}", ev.problems) + &format!("{:?}", l.rows);
    assert!(!dump.contains("张三") && !dump.contains("李四"));
}

#[test]
fn placeholders_bom_and_fullwidth_spaces() {
    let csv = "\u{feff}\u{3000}标题 ,栏目,索引号,成文日期,发布日期\n\
               \u{3000}a\u{3000},无,-,—,2021-03-05\u{3000}\n";
    let ev = ledger_bundle("主动公开", csv.as_bytes());
    let l = &ev.ledgers["主动公开"];
    assert_eq!(l.cell(0, "标题").as_text(), Some("a"));
    assert!(l.cell(0, "栏目").is_null());
    assert!(l.cell(0, "索引号").is_null());
    assert!(l.cell(0, "成文日期").is_null());
    assert_eq!(
        l.cell(0, "发布日期").as_date().unwrap().to_string(),
        "2021-03-05"
    );
    assert!(ev.problems.is_empty(), "{:?}", ev.problems);
}

#[test]
fn gbk_csv_decoded() {
    let csv = format!(
        "{PROACTIVE_HEADER}1,关于印发政务公开工作要点的通知,政府文件,001,2021年3月1日,2021年3月5日\n"
    );
    let (bytes, _, _) = encoding_rs::GBK.encode(&csv);
    let ev = ledger_bundle("主动公开", &bytes);
    let l = &ev.ledgers["主动公开"];
    assert_eq!(l.cell(0, "栏目").as_text(), Some("政府文件"));
    assert_eq!(
        l.cell(0, "成文日期").as_date().unwrap().to_string(),
        "2021-03-01"
    );
}

#[test]
fn forced_encoding_and_unknown_encoding() {
    let csv = format!("{PROACTIVE_HEADER}1,a,政府文件,001,2021-03-01,2021-03-05\n");
    let (bytes, _, _) = encoding_rs::GBK.encode(&csv);
    let m = format!(
        "{HEAD}台账:\n  主动公开: {{文件: 台账/a.csv, 编码: GB2312}}\n  查阅场所报送: {{文件: 台账/b.csv, 编码: big5}}\n"
    );
    let dir = bundle(&m, &[("台账/a.csv", &bytes), ("台账/b.csv", &bytes)]);
    let ev = load(dir.path());
    assert!(ev.ledgers.contains_key("主动公开"));
    assert!(!ev.ledgers.contains_key("查阅场所报送"));
    assert_eq!(
        with_code(&ev, DataCode::BadEncodingLabel)[0].key.as_deref(),
        Some("台账.查阅场所报送.编码")
    );
}

#[test]
fn undecodable_ledger_asks_for_utf8_or_gbk() {
    let bytes = b"\xe9\xe8\xe7,\xff\xfe\xfd\n\x80\x81\x82\x83,\xc0\xc1\n";
    let ev = ledger_bundle("主动公开", bytes);
    let p = with_code(&ev, DataCode::BadEncoding);
    assert_eq!(p.len(), 1, "{:?}", ev.problems);
    assert!(p[0].message.contains("UTF-8"));
}

#[test]
fn utf16_tab_separated() {
    let text = "报送日期\t接收单位\t套数\n2021-06-01\t县档案馆\t3\n";
    let mut bytes = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    let ev = ledger_bundle("查阅场所报送", &bytes);
    let l = &ev.ledgers["查阅场所报送"];
    assert_eq!(l.cell(0, "套数").as_num(), Some(3.into()));
    assert_eq!(l.cell(0, "接收单位").as_text(), Some("县档案馆"));
}

#[test]
fn short_rows_padded_extra_cells_warned_once() {
    let csv = "报送日期,接收单位,套数\n2021-06-01,县档案馆\n2021-07-01,县图书馆,2,多余\n2021-08-01,县馆,1,多余\n,,\n";
    let ev = ledger_bundle("查阅场所报送", csv.as_bytes());
    let l = &ev.ledgers["查阅场所报送"];
    assert_eq!(l.rows.len(), 3);
    assert!(l.cell(0, "套数").is_null());
    let w = with_code(&ev, DataCode::ExtraCells);
    assert_eq!(w.len(), 1);
    assert_eq!(w[0].row, Some(3));
}

#[test]
fn truncated_xlsx_is_corrupt_and_undeclared_ledger_warned() {
    let m = format!("{HEAD}台账:\n  依申请: 台账/登记簿.XLSX\n  其他台账: 台账/x.csv\n");
    let dir = bundle(&m, &[("台账/登记簿.XLSX", b"PK"), ("台账/x.csv", b"a\n")]);
    let ev = load(dir.path());
    assert_eq!(with_code(&ev, DataCode::CorruptFile).len(), 1);
    assert_eq!(
        with_code(&ev, DataCode::UnknownLedger)[0].key.as_deref(),
        Some("台账.其他台账")
    );
    // Both still hashed and listed.
    assert!(ev.files["台账/登记簿.XLSX"].is_ok());
    assert!(ev.files["台账/x.csv"].is_ok());
}

#[test]
fn missing_ledger_file() {
    let m = format!("{HEAD}台账:\n  主动公开: 台账/none.csv\n");
    let dir = bundle(&m, &[]);
    let ev = load(dir.path());
    assert!(ev.ledgers.is_empty());
    let p = with_code(&ev, DataCode::FileMissing);
    assert_eq!(
        (p[0].key.as_deref(), p[0].line),
        (Some("台账.主动公开"), Some(6))
    );
}

// ---------------------------------------------------------------- documents

#[test]
fn documents_text_tables_and_unreadable() {
    let md = "# 2021年度报告\n\n通信 地址：xx镇\n\n| 项目 | 数量 |\n|---|---|\n| 本年新收 | 3 |\n\n<table><tr><td rowspan=2>（七）总计</td><td>1</td></tr><tr><td>2</td></tr></table>\n";
    let html = "<html><head><meta charset=\"utf-8\"><style>x{}</style></head><body><!-- 旧地址 --><p>通信&nbsp;地址：xx镇</p></body></html>";
    let m = format!(
        "{HEAD}文档:\n  年度报告: {{文件: 材料/年度报告.MD, 发布日期: 2022-01-25, 链接: http://x, 备注: y}}\n  公开指南: 材料/指南.htm\n  自查报告: 材料/自查.pdf\n"
    );
    let dir = bundle(
        &m,
        &[
            ("材料/年度报告.MD", md.as_bytes()),
            ("材料/指南.htm", html.as_bytes()),
            ("材料/自查.pdf", b"%PDF"),
        ],
    );
    let ev = load(dir.path());
    let report = &ev.documents["年度报告"];
    assert!(report.text.as_deref().unwrap().contains("通信地址：xx镇"));
    assert_eq!(report.tables.len(), 2);
    assert_eq!(report.tables[0].rows[1], vec!["本年新收", "3"]);
    assert_eq!(report.tables[1].rows[1], vec!["(七)总计", "2"]);
    assert_eq!(
        report.fields[0].1.as_date().unwrap().to_string(),
        "2022-01-25"
    );
    assert_eq!(report.fields[1].1.as_text(), Some("http://x"));
    assert_eq!(
        with_code(&ev, DataCode::UnknownKey)[0].key.as_deref(),
        Some("文档.年度报告.备注")
    );
    let guide = &ev.documents["公开指南"];
    assert_eq!(
        guide.text.as_deref(),
        Some("通信\u{a0}地址：xx镇".replace('\u{a0}', "").as_str())
    );
    // 自查报告: hashed and listed, not a scored document, no warning.
    assert!(ev.files["材料/自查.pdf"].is_ok());
    assert!(!ev.documents.contains_key("自查报告"));
    assert!(with_code(&ev, DataCode::UnknownDocument).is_empty());
}

#[test]
fn pdf_document_is_present_but_unreadable() {
    let m = format!(
        "{HEAD}文档:\n  年度报告: {{文件: 材料/年报.pdf, 发布日期: 2022年1月25日}}\n  其他: 材料/年报.pdf\n"
    );
    let dir = bundle(&m, &[("材料/年报.pdf", b"%PDF-1.4")]);
    let ev = load(dir.path());
    let d = &ev.documents["年度报告"];
    assert!(d.text.is_none());
    assert!(d.tables.is_empty());
    let w = with_code(&ev, DataCode::UnreadableDocument);
    assert_eq!(w.len(), 1);
    assert!(w[0].message.contains("已报送但无法读取"));
    assert_eq!(with_code(&ev, DataCode::UnknownDocument).len(), 1);
    match &ev.files["材料/年报.pdf"] {
        FileStatus::Ok { sha256 } => assert_eq!(sha256, &fs::sha256_hex(b"%PDF-1.4")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn gbk_html_with_meta_charset() {
    let html = "<html><head><meta charset=\"gb2312\"></head><body><table><tr><td>本年新收</td><td>5</td></tr></table></body></html>";
    let (bytes, _, _) = encoding_rs::GBK.encode(html);
    let m = format!("{HEAD}文档:\n  年度报告: 材料/年报.html\n");
    let dir = bundle(&m, &[("材料/年报.html", &bytes)]);
    let ev = load(dir.path());
    let d = &ev.documents["年度报告"];
    assert_eq!(d.tables[0].rows[0], vec!["本年新收", "5"]);
    assert!(d.fields.len() == 2 && d.fields.iter().all(|(_, v)| v.is_null()));
}

#[test]
fn nothing_is_written_into_the_bundle() {
    let csv = format!("{PROACTIVE_HEADER}1,a,工作动态,001,2021-03-01,2021-03-05\n");
    let m = format!("{HEAD}台账:\n  主动公开: 台账/a.csv\n");
    let dir = bundle(&m, &[("台账/a.csv", csv.as_bytes())]);
    let before: Vec<_> = walk(dir.path());
    let _ = load(dir.path());
    assert_eq!(before, walk(dir.path()));
}

fn walk(p: &Path) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(p).unwrap() {
        let e = e.unwrap();
        let m = e.metadata().unwrap();
        if m.is_dir() {
            out.extend(walk(&e.path()));
        } else {
            out.push((e.path().display().to_string(), m.len()));
        }
    }
    out.sort();
    out
}

#[test]
fn absent_optional_flag_column_is_null() {
    let decl = LedgerDecl {
        name: "x".into(),
        title: "x".into(),
        required: vec![col("a", FieldType::Text)],
        optional: vec![col("f", FieldType::Flag)],
        ..Default::default()
    };
    let rows = ledger::csv_rows("a\n1\n", &[vec!["a".to_string()]]).unwrap();
    let mut problems = Vec::new();
    let l = ledger::build_ledger(
        &decl,
        "x.csv",
        None,
        rows,
        &Default::default(),
        &mut problems,
    )
    .unwrap();
    assert!(l.cell(0, "f").is_null());
    assert_eq!(l.absent, vec!["f".to_string()]);
}

#[test]
fn fullwidth_colon_in_a_nested_key_is_explained() {
    let dir = bundle(&format!("{HEAD}组织保障:\n  工作机构：党政办\n"), &[]);
    let ev = load(dir.path());
    let p = with_code(&ev, DataCode::WrongShape);
    assert_eq!(p[0].key.as_deref(), Some("组织保障"));
    assert!(p[0].message.contains("全角冒号"), "{}", p[0].message);
}

/// Garbage in, problems out: no reader may panic on any input.
#[test]
fn no_panic_on_garbage() {
    const ALPHABET: [&str; 40] = [
        "<", ">", "/", "!", "-", "--", "\"", "'", "=", "|", "\n", "\r", "\t", " ", "　", ":", "：",
        "&", "#", ";", "table", "td", "tr", "rowspan=", "colspan=", "0", "9", "99999", "年", "月",
        "日", "[", "]", "{", "}", "*a", "&a", "```", "\u{feff}", ",",
    ];
    let mut seed: u64 = 0x2021_0305;
    let mut next = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    let decl = decl();
    for _ in 0..400 {
        let len = next() % 60;
        let s: String = (0..len)
            .map(|_| ALPHABET[next() % ALPHABET.len()])
            .collect();
        let _ = crate::text::html_to_text(&s);
        let _ = tables::html_tables(&s);
        let _ = tables::markdown_tables(&s);
        let _ = crate::dates::parse_date(&s);
        let _ = yaml::parse(&s, "x.yaml");
        let _ = decode::decode(s.as_bytes(), None, true);
        if let Ok(rows) = ledger::csv_rows(&s, &[]) {
            let mut problems = Vec::new();
            let _ = ledger::build_ledger(
                &decl.ledgers[0],
                "x.csv",
                None,
                rows,
                &Default::default(),
                &mut problems,
            );
        }
        let raw: Vec<u8> = s.bytes().map(|b| b ^ (next() as u8 & 0x81)).collect();
        let _ = decode::decode(&raw, None, false);
    }
}

/// The sample manifest of bundle-spec.md, verbatim, read with the full county declaration.
#[test]
fn bundle_spec_sample_manifest() {
    use FieldType::*;
    let sample = include_str!("testdata/sample-bundle.yaml");
    let mut d = decl();
    d.manifest.push((
        "建议提案".into(),
        rec(&[
            ("承办数量", Count { max: None }),
            ("已公开办理结果", Count { max: None }),
        ]),
    ));
    d.manifest.push((
        "经验推广".into(),
        list(rec(&[
            ("日期", Date),
            ("刊发单位", Text),
            ("标题", Text),
            ("文件", File),
        ])),
    ));
    d.ledgers.push(LedgerDecl {
        name: "公报发放".into(),
        title: "政府公报发放台账".into(),
        required: vec![
            col("期数", Text),
            col("接收日期", Date),
            col("份数", Count { max: None }),
        ],
        optional: vec![],
        ..Default::default()
    });
    d.ledgers.push(LedgerDecl {
        name: "新媒体发布".into(),
        title: "新媒体发布台账".into(),
        required: vec![col("平台", Text), col("发布日期", Date), col("标题", Text)],
        optional: vec![col("链接", Text)],
        ..Default::default()
    });
    let dir = bundle(
        sample,
        &[
            (
                "台账/查阅场所报送记录.csv",
                "报送日期,接收单位,套数\n2021-06-01,县档案馆,3\n".as_bytes(),
            ),
            ("材料/年度报告.md", "# 年报\n".as_bytes()),
            ("材料/政府信息公开指南.html", "<p>指南</p>".as_bytes()),
        ],
    );
    let ev = open_bundle(dir.path()).unwrap().load(&d);
    let codes: Vec<(&str, Option<&str>)> = ev
        .problems
        .iter()
        .map(|p| (p.code.as_str(), p.key.as_deref()))
        .collect();
    // Only the files this test does not create are problems (and the XLSX ledger).
    assert!(
        ev.problems
            .iter()
            .all(|p| p.code == DataCode::FileMissing || p.code == DataCode::CorruptFile),
        "{codes:?}"
    );
    assert_eq!(ev.header.submitted.to_string(), "2022-02-15");
    assert!(ev.ledgers.contains_key("查阅场所报送"));
    assert_eq!(ev.documents.len(), 2);
    assert!(ev.key_lines.contains_key("组织保障.制度[2].文件"));
}
