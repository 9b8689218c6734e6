//! `kaohe serve` over loopback (127.0.0.1 only): the real binary, a hand-written HTTP/1.1
//! client (one request per connection), answers compared with what the command line prints for
//! the same bundles, so the service is shown to score exactly as `kaohe score`/`batch` do.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::Duration;

use serde_json::Value;
use tempfile::TempDir;

use crate::batch::{COUNTY, VERDICTS, zip_folder};
use crate::harness::*;

/// A running `kaohe serve`, killed when dropped.
pub(crate) struct Server {
    child: Child,
    pub addr: String,
    _stdout: BufReader<ChildStdout>,
}

impl Server {
    /// Start `kaohe serve ARGS --listen 127.0.0.1:0` and read the address it prints first.
    pub(crate) fn start(args: &[&str]) -> Server {
        let mut child = kaohe()
            .arg("serve")
            .args(args)
            .args(["--listen", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start kaohe serve");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let addr = line
            .trim()
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        assert!(addr.starts_with("127.0.0.1:"), "serve printed {line:?}");
        Server {
            child,
            addr,
            _stdout: stdout,
        }
    }

    pub(crate) fn client(&self) -> Client {
        Client {
            addr: self.addr.clone(),
            cookie: None,
            csrf: None,
        }
    }

    /// Stop the process at once (SIGKILL), as a crash or a power cut would.
    pub(crate) fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }
    pub(crate) fn text(&self) -> String {
        String::from_utf8(self.body.clone()).unwrap()
    }
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One user's connection state: the session cookie and CSRF token after login.
#[derive(Clone)]
pub(crate) struct Client {
    pub addr: String,
    pub cookie: Option<String>,
    pub csrf: Option<String>,
}

impl Client {
    pub(crate) fn request(
        &self,
        method: &str,
        path: &str,
        content_type: Option<&str>,
        body: &[u8],
        extra: &[(&str, &str)],
    ) -> Resp {
        let mut s = TcpStream::connect(&self.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
        let host = extra
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("host"))
            .map_or(self.addr.as_str(), |(_, v)| *v);
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: {}\r\n",
            body.len()
        );
        if let Some(ct) = content_type {
            head.push_str(&format!("Content-Type: {ct}\r\n"));
        }
        if let Some(c) = &self.cookie {
            head.push_str(&format!("Cookie: {c}\r\n"));
        }
        if let Some(t) = &self.csrf {
            head.push_str(&format!("X-CSRF-Token: {t}\r\n"));
        }
        for (k, v) in extra
            .iter()
            .filter(|(k, _)| !k.eq_ignore_ascii_case("host"))
        {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        s.write_all(head.as_bytes()).unwrap();
        s.write_all(body).unwrap();
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).unwrap();
        parse_response(&raw)
    }

    pub(crate) fn get(&self, path: &str) -> Resp {
        self.request("GET", path, None, b"", &[])
    }

    pub(crate) fn post_json(&self, path: &str, body: &Value) -> Resp {
        self.request(
            "POST",
            path,
            Some("application/json"),
            body.to_string().as_bytes(),
            &[],
        )
    }

    /// `POST /api/submissions` with the .zip in form field `bundle`.
    pub(crate) fn upload(&self, file_name: &str, bytes: &[u8]) -> Resp {
        let boundary = "kaohe-test-boundary-7d1f";
        let mut body = Vec::new();
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"bundle\"; filename=\"{file_name}\"\r\nContent-Type: application/zip\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        self.request(
            "POST",
            "/api/submissions",
            Some(&format!("multipart/form-data; boundary={boundary}")),
            &body,
            &[],
        )
    }

    /// Log in; keeps the cookie and CSRF token. Panics unless 200.
    pub(crate) fn login(&mut self, user: &str, password: &str) {
        let r = self.post_json(
            "/api/login",
            &serde_json::json!({"user": user, "password": password}),
        );
        assert_eq!(r.status, 200, "{}", r.text());
        let cookie = r.header("set-cookie").unwrap().to_string();
        assert!(cookie.contains("HttpOnly"), "{cookie}");
        assert!(cookie.contains("SameSite=Strict"), "{cookie}");
        self.cookie = Some(cookie.split(';').next().unwrap().to_string());
        self.csrf = Some(r.json()["csrf"].as_str().unwrap().to_string());
    }
}

fn parse_response(raw: &[u8]) -> Resp {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("HTTP head");
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers.iter().any(|(k, v)| {
        k.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
    });
    if chunked {
        let mut out = Vec::new();
        let mut rest = &body[..];
        loop {
            let eol = rest.windows(2).position(|w| w == b"\r\n").unwrap();
            let size = usize::from_str_radix(std::str::from_utf8(&rest[..eol]).unwrap().trim(), 16)
                .unwrap();
            if size == 0 {
                break;
            }
            out.extend_from_slice(&rest[eol + 2..eol + 2 + size]);
            rest = &rest[eol + 2 + size + 2..];
        }
        body = out;
    }
    Resp {
        status,
        headers,
        body,
    }
}

/// The seed township's bundle zipped as `<name>/…`, with 单位 replaced by `unit`.
pub(crate) fn township_zip(tmp: &Path, unit: &str, name: &str) -> Vec<u8> {
    let dir = tmp.join(format!("src-{name}"));
    copy_dir(Path::new(SEED), &dir);
    let manifest = dir.join("bundle.yaml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        text.replace("单位: xx镇", &format!("单位: {unit}")),
    )
    .unwrap();
    let zip = tmp.join(format!("seed-{unit}-{name}.zip"));
    zip_folder(&dir, name, &zip);
    std::fs::read(zip).unwrap()
}

/// A batch or assessment JSON without the verdict file's evidence line: its name and SHA-256
/// differ by construction (a file on disk vs. `评分.yaml` received by the service as JSON).
fn without_verdict_file(mut v: Value) -> Value {
    fn strip(a: &mut Value) {
        if let Some(ev) = a["evidence"].as_array_mut() {
            ev.retain(|e| {
                let f = e["file"].as_str().unwrap_or("");
                f == "bundle.yaml" || !(f.ends_with(".yaml") || f.ends_with(".yml"))
            });
        }
    }
    if let Some(list) = v["assessments"].as_array_mut() {
        list.iter_mut().for_each(strip);
    } else {
        strip(&mut v);
    }
    v
}

fn cli(args: &[&str]) -> std::process::Output {
    kaohe().args(args).output().unwrap()
}

// ---- local mode -------------------------------------------------------------------------

#[test]
fn local_mode_lists_the_folder_and_scores_as_the_command_line() {
    let server = Server::start(&[COUNTY]);
    let c = server.client();
    let health = c.get("/api/health");
    assert_eq!(health.status, 200);
    assert_eq!(health.json()["status"], "ok");
    assert_eq!(health.json()["mode"], "local");

    let list = c.get("/api/submissions").json();
    let rows = list["submissions"].as_array().unwrap();
    // Seven bundles in fixtures/county-2021/bundles (its README), one of them unreadable.
    assert_eq!(rows.len(), 7);
    let seed = rows.iter().find(|r| r["bundle"] == "xx镇-2021").unwrap();
    // The seed scores 95.5 before verdicts (EXPECTED.md: 94.5 + 1 bonus).
    assert_eq!(seed["score"], "95.5");
    let id = seed["id"].as_i64().unwrap();

    // The assessment is byte for byte what `kaohe score --format json` prints.
    let bundle = format!("{COUNTY}/xx镇-2021");
    let cli_json = cli(&["score", &bundle, "--format", "json"]).stdout;
    let served = c.get(&format!("/api/submissions/{id}"));
    assert_eq!(served.status, 200);
    assert_eq!(served.text(), String::from_utf8(cli_json).unwrap());

    // Explain: what `kaohe explain` prints.
    let cli_explain = cli(&["explain", &bundle, "1.1"]).stdout;
    let served = c.get(&format!("/api/submissions/{id}/explain/1.1"));
    assert_eq!(served.text(), String::from_utf8(cli_explain).unwrap());
    let unknown = c.get(&format!("/api/submissions/{id}/explain/9.9"));
    assert_eq!(unknown.status, 404);
    assert!(
        unknown.json()["message"]
            .as_str()
            .unwrap()
            .contains("没有指标「9.9」")
    );

    // Downloads: the XLSX reads back, the HTML names the township.
    let xlsx = c.get(&format!("/api/submissions/{id}/report.xlsx"));
    assert_eq!(xlsx.status, 200);
    assert!(
        xlsx.header("content-disposition")
            .unwrap()
            .starts_with("attachment")
    );
    let book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx.body.clone())).unwrap();
    use calamine::Reader;
    assert!(!book.sheet_names().is_empty());
    let html = c.get(&format!("/api/submissions/{id}/report.html")).text();
    assert!(html.contains("xx镇"));
    // 安平镇's ledger title holds <script>: the report escapes it (README of the fixture).
    let anping = rows.iter().find(|r| r["bundle"] == "安平镇-2021").unwrap();
    let html = c
        .get(&format!("/api/submissions/{}/report.html", anping["id"]))
        .text();
    assert!(!html.contains("<script>alert(1)"));

    // The unreadable bundle answers 400 with the command line's message.
    let broken = rows
        .iter()
        .find(|r| r["bundle"] == "破损材料-2021")
        .unwrap();
    let r = c.get(&format!("/api/submissions/{}", broken["id"]));
    assert_eq!(r.status, 400);
    let stderr =
        String::from_utf8(cli(&["score", &format!("{COUNTY}/破损材料-2021")]).stderr).unwrap();
    let message = r.json()["message"].as_str().unwrap().to_string();
    assert!(stderr.contains(&message), "{stderr} / {message}");
}

#[test]
fn local_mode_upload_needs_the_page_token_and_a_loopback_host() {
    let tmp = TempDir::new().unwrap();
    let folder = tmp.path().join("材料");
    std::fs::create_dir(&folder).unwrap();
    let server = Server::start(&[folder.to_str().unwrap()]);
    let mut c = server.client();
    let zip = township_zip(tmp.path(), "xx镇", "xx镇-2021");

    // Without the token from /api/me: refused (a page on another site cannot post here).
    assert_eq!(c.upload("xx镇-2021.zip", &zip).status, 403);
    // Another host name (DNS rebinding): refused.
    let r = c.request(
        "GET",
        "/api/submissions",
        None,
        b"",
        &[("Host", "evil.example")],
    );
    assert_eq!(r.status, 403, "{}", r.text());

    c.csrf = Some(
        c.get("/api/me").json()["csrf"]
            .as_str()
            .unwrap()
            .to_string(),
    );
    let r = c.upload("xx镇-2021.zip", &zip);
    assert_eq!(r.status, 201, "{}", r.text());
    let j = r.json();
    assert_eq!(j["assessment"]["schema"], "kaohe.assessment/1");
    // Seed: 95.5 (EXPECTED.md).
    assert_eq!(j["assessment"]["total"]["score"], 95.5);
    assert_eq!(j["bundle"], "xx镇-2021");

    // A file that is not a zip: 400 with the message `kaohe score` gives for the same file.
    let bad = tmp.path().join("坏.zip");
    std::fs::write(&bad, b"not a zip at all").unwrap();
    let r = c.upload("坏.zip", b"not a zip at all");
    assert_eq!(r.status, 400);
    let stderr = String::from_utf8(cli(&["score", bad.to_str().unwrap()]).stderr).unwrap();
    let msg = r.json()["problems"][0]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(stderr.contains(&msg), "{stderr} / {msg}");
    // Not a .zip name: refused before reading.
    assert_eq!(c.upload("材料.rar", &zip).json()["error"], "upload-not-zip");
}

#[test]
fn local_mode_refuses_to_listen_beyond_loopback() {
    let out = kaohe()
        .args(["serve", "--listen", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("只能监听本机地址"), "{err}");
}

pub(crate) fn verdicts_dir() -> PathBuf {
    PathBuf::from(VERDICTS)
}

// ---- county mode ------------------------------------------------------------------------

/// `kaohe users add --data DIR NAME --role ROLE [--unit U] --password-stdin`, password on stdin.
pub(crate) fn add_user(
    data: &Path,
    name: &str,
    role: &str,
    unit: Option<&str>,
    password: &str,
) -> std::process::Output {
    let mut cmd = kaohe();
    cmd.args(["users", "add", "--data"])
        .arg(data)
        .args([name, "--role", role, "--password-stdin"]);
    if let Some(u) = unit {
        cmd.args(["--unit", u]);
    }
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // kaohe may refuse the arguments and exit before it reads the password: the write then
    // meets a closed pipe, which is not the test's failure (the exit code and message are).
    let _ = child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{password}\n").as_bytes());
    child.wait_with_output().unwrap()
}

/// A data folder with an evaluator and two townships (东湖镇, 安平镇).
pub(crate) fn county_data(tmp: &Path) -> PathBuf {
    let data = tmp.join("data");
    for (name, role, unit) in [
        ("王评分", "county", None),
        ("东湖", "township", Some("东湖镇")),
        ("安平", "township", Some("安平镇")),
    ] {
        let out = add_user(&data, name, role, unit, "口令-correct-horse");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    data
}

/// A county fixture bundle zipped as `<name>/…` (how townships hand them in).
pub(crate) fn fixture_zip(tmp: &Path, name: &str) -> Vec<u8> {
    let zip = tmp.join(format!("{name}.zip"));
    if !zip.exists() {
        zip_folder(&Path::new(COUNTY).join(name), name, &zip);
    }
    std::fs::read(zip).unwrap()
}

fn logged_in(server: &Server, user: &str) -> Client {
    let mut c = server.client();
    c.login(user, "口令-correct-horse");
    c
}

fn db_count(data: &Path, table: &str) -> i64 {
    let conn = rusqlite::Connection::open_with_flags(
        data.join("kaohe.db"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap();
    conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

#[test]
fn users_add_checks_role_unit_and_password() {
    let tmp = TempDir::new().unwrap();
    let data = tmp.path().join("data");
    let out = add_user(&data, "东湖", "township", None, "long-enough-1");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("须用 --unit"));
    let out = add_user(&data, "东湖", "township", Some("东湖镇"), "short");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("至少 8 个字符"));
    assert!(
        add_user(&data, "东湖", "township", Some("东湖镇"), "long-enough-1")
            .status
            .success()
    );
    let out = add_user(&data, "东湖", "township", Some("东湖镇"), "long-enough-1");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("已存在"));
    // The database holds an argon2id hash, never the password.
    let conn = rusqlite::Connection::open(data.join("kaohe.db")).unwrap();
    let hash: String = conn
        .query_row(
            "SELECT password FROM users WHERE name = '东湖'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains("long-enough-1"));
}

#[test]
fn townships_see_only_their_own_and_the_evaluator_scores_and_ranks() {
    let tmp = TempDir::new().unwrap();
    let data = county_data(tmp.path());
    let data_s = data.to_str().unwrap();
    let server = Server::start(&["--data", data_s]);
    assert_eq!(server.client().get("/api/health").json()["mode"], "county");
    // Not logged in: 401 everywhere but health/me.
    assert_eq!(server.client().get("/api/submissions").status, 401);
    assert_eq!(server.client().get("/api/submissions/1").status, 401);
    let r = server.client().post_json(
        "/api/login",
        &serde_json::json!({"user": "东湖", "password": "wrong-password"}),
    );
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["message"], "账号或密码错误");

    let donghu = logged_in(&server, "东湖");
    let anping = logged_in(&server, "安平");
    let county = logged_in(&server, "王评分");

    // Uploads. 东湖镇: 95.5 − 3 (6.1 late) − 4 (no 领导小组) = 88.5 (fixture README).
    let mut no_token = donghu.clone();
    no_token.csrf = None;
    assert_eq!(
        no_token
            .upload("东湖镇-2021.zip", &fixture_zip(tmp.path(), "东湖镇-2021"))
            .status,
        403
    );
    let r = donghu.upload("东湖镇-2021.zip", &fixture_zip(tmp.path(), "东湖镇-2021"));
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["assessment"]["total"]["score"], 88.5);
    let donghu_id = r.json()["id"].as_i64().unwrap();
    // 东湖 cannot hand in 安平镇's bundle.
    let r = donghu.upload("安平镇-2021.zip", &fixture_zip(tmp.path(), "安平镇-2021"));
    assert_eq!(r.status, 403);
    assert_eq!(r.json()["error"], "unit-mismatch");
    // 安平镇: the seed's 95.5 (its patch only changes a title's text).
    let r = anping.upload("安平镇-2021.zip", &fixture_zip(tmp.path(), "安平镇-2021"));
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["assessment"]["total"]["score"], 95.5);
    let anping_id = r.json()["id"].as_i64().unwrap();

    // Isolation: each township lists only its own; another's id is 404 like a missing one.
    let rows = donghu.get("/api/submissions").json()["submissions"].clone();
    assert_eq!(rows.as_array().unwrap().len(), 1);
    assert_eq!(rows[0]["unit"], "东湖镇");
    for path in [
        format!("/api/submissions/{anping_id}"),
        format!("/api/submissions/{anping_id}/report.xlsx"),
        format!("/api/submissions/{anping_id}/explain/1.1"),
        format!("/api/submissions/{anping_id}/form"),
        "/api/submissions/99999".to_string(),
    ] {
        assert_eq!(donghu.get(&path).status, 404, "{path}");
    }
    assert_eq!(
        donghu.get(&format!("/api/submissions/{donghu_id}")).status,
        200
    );
    // County-only actions: 403 for a township.
    assert_eq!(donghu.get("/api/ranking").status, 403);
    assert_eq!(donghu.get("/api/audit").status, 403);
    let r = donghu.request(
        "PUT",
        &format!("/api/submissions/{donghu_id}/verdicts"),
        Some("application/json"),
        b"{}",
        &[],
    );
    assert_eq!(r.status, 403);
    // The evaluator sees both.
    assert_eq!(
        county.get("/api/submissions").json()["submissions"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // Verdicts: refused exactly as the verdict file would be. 3.4 is worth 2 (indicators.md).
    let bad = "评分人: 王某\n评分日期: 2022-02-20\n评分:\n  \"3.4\": {得分: 3, 说明: 超出分值}\n";
    let r = county.request(
        "PUT",
        &format!("/api/submissions/{donghu_id}/verdicts"),
        Some("application/yaml"),
        bad.as_bytes(),
        &[],
    );
    assert_eq!(r.status, 400, "{}", r.text());
    let served = r.json()["problems"][0]["message"]
        .as_str()
        .unwrap()
        .to_string();
    let bad_file = tmp.path().join("bad.yaml");
    std::fs::write(&bad_file, bad).unwrap();
    let stderr = String::from_utf8(
        cli(&[
            "score",
            &format!("{COUNTY}/东湖镇-2021"),
            "--verdicts",
            bad_file.to_str().unwrap(),
        ])
        .stderr,
    )
    .unwrap();
    assert!(stderr.contains(&served), "{stderr} / {served}");
    // Without the CSRF token: refused before anything is read.
    let mut no_token = county.clone();
    no_token.csrf = None;
    let good = serde_json::json!({
        "评分人": "王某", "评分日期": "2022-02-20",
        "评分": {"3.4": {"得分": 2, "说明": "抽查10条，内容规范"}},
        "调整": {"7.1": {"得分": 2, "理由": "领导小组已于年中成立，文件补交"}}
    });
    let put = |c: &Client| {
        c.request(
            "PUT",
            &format!("/api/submissions/{donghu_id}/verdicts"),
            Some("application/json"),
            good.to_string().as_bytes(),
            &[],
        )
    };
    assert_eq!(put(&no_token).status, 403);
    let r = put(&county);
    assert_eq!(r.status, 200, "{}", r.text());
    // 88.5 + 2 (3.4 scored 2 of 2) + 2 (7.1 adjusted from 0 to 2) = 92.5.
    assert_eq!(r.json()["total"]["score"], 92.5);
    let after = donghu.get(&format!("/api/submissions/{donghu_id}")).json();
    assert_eq!(after["total"]["score"], 92.5);

    // Exported as a verdict file, the command line scores the same bundle to the same result.
    let exported = county.get(&format!("/api/submissions/{donghu_id}/verdicts"));
    assert_eq!(exported.status, 200);
    let vdir = tmp.path().join("verdicts");
    std::fs::create_dir_all(&vdir).unwrap();
    std::fs::write(vdir.join("东湖镇-2021.yaml"), &exported.body).unwrap();
    let bundles = tmp.path().join("bundles");
    std::fs::create_dir_all(&bundles).unwrap();
    std::fs::write(
        bundles.join("东湖镇-2021.zip"),
        fixture_zip(tmp.path(), "东湖镇-2021"),
    )
    .unwrap();
    std::fs::write(
        bundles.join("安平镇-2021.zip"),
        fixture_zip(tmp.path(), "安平镇-2021"),
    )
    .unwrap();
    let out = cli(&[
        "score",
        bundles.join("东湖镇-2021.zip").to_str().unwrap(),
        "--verdicts",
        vdir.join("东湖镇-2021.yaml").to_str().unwrap(),
        "--format",
        "json",
    ]);
    let cli_json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        without_verdict_file(cli_json),
        without_verdict_file(after.clone())
    );

    // Ranking = `kaohe batch` over the same bundles and verdict files.
    let ranking = county.get("/api/ranking");
    assert_eq!(ranking.status, 200, "{}", ranking.text());
    let out = cli(&[
        "batch",
        bundles.to_str().unwrap(),
        "--verdicts-dir",
        vdir.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let batch_json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        without_verdict_file(ranking.json()),
        without_verdict_file(batch_json)
    );
    // Nothing else differs: the two verdict lines were the only ones taken out.
    assert_eq!(
        ranking.json()["assessments"][1]["evidence"]
            .as_array()
            .unwrap()
            .len(),
        without_verdict_file(ranking.json())["assessments"][1]["evidence"]
            .as_array()
            .unwrap()
            .len()
            + 1
    );
    // 安平镇 95.5 first, 东湖镇 92.5 second.
    assert_eq!(ranking.json()["ranking"][0]["unit"], "安平镇");
    assert_eq!(ranking.json()["ranking"][1]["score"], 92.5);
    let xlsx = county.get("/api/ranking.xlsx");
    assert_eq!(xlsx.status, 200);
    assert!(xlsx.body.starts_with(b"PK"));

    // The audit log names who did what.
    let audit = county.get("/api/audit").json()["audit"].clone();
    let actions: Vec<(String, String)> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["user"].as_str().unwrap_or("").to_string(),
                e["action"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for want in [
        ("东湖", "upload"),
        ("安平", "upload"),
        ("王评分", "verdicts"),
        ("王评分", "login"),
        ("东湖", "login-failed"),
    ] {
        assert!(
            actions.contains(&(want.0.to_string(), want.1.to_string())),
            "{want:?} in {actions:?}"
        );
    }

    // Online backup while the service runs: a consistent copy with both submissions.
    let backup = tmp.path().join("backup.db");
    let out = cli(&[
        "serve",
        "--data",
        data_s,
        "--backup",
        backup.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let conn = rusqlite::Connection::open(&backup).unwrap();
    let n: i64 = conn
        .query_row("SELECT COUNT(*) FROM submissions", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 2);

    // Killed and restarted: everything is still there, and the session too.
    let before = county.get(&format!("/api/submissions/{donghu_id}")).text();
    let rank_before = ranking.text();
    server.kill();
    let server = Server::start(&["--data", data_s]);
    let mut county = county.clone();
    county.addr = server.addr.clone();
    assert_eq!(
        county.get(&format!("/api/submissions/{donghu_id}")).text(),
        before
    );
    assert_eq!(county.get("/api/ranking").text(), rank_before);
    assert_eq!(
        county.get("/api/submissions").json()["submissions"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // Logout ends the session.
    let r = county.request("POST", "/api/logout", None, b"", &[]);
    assert_eq!(r.status, 200);
    assert_eq!(county.get("/api/submissions").status, 401);
}

#[test]
fn login_is_rate_limited() {
    let tmp = TempDir::new().unwrap();
    let data = county_data(tmp.path());
    let server = Server::start(&["--data", data.to_str().unwrap()]);
    let c = server.client();
    let attempt = |password: &str| {
        c.post_json(
            "/api/login",
            &serde_json::json!({"user": "东湖", "password": password}),
        )
        .status
    };
    for _ in 0..5 {
        assert_eq!(attempt("wrong-password"), 401);
    }
    // The sixth try within the minute is refused, even with the right password.
    assert_eq!(attempt("口令-correct-horse"), 429);
    // A form post (not JSON) cannot log in.
    let r = c.request(
        "POST",
        "/api/login",
        Some("application/x-www-form-urlencoded"),
        b"user=%E4%B8%9C%E6%B9%96&password=x",
        &[],
    );
    assert_eq!(r.status, 400);
}

#[test]
fn fifty_concurrent_uploads_are_each_stored_once() {
    let tmp = TempDir::new().unwrap();
    let data = county_data(tmp.path());
    let server = Server::start(&["--data", data.to_str().unwrap()]);
    let donghu = logged_in(&server, "东湖");
    // Two different contents for the same township: the seed as 东湖镇, and 东湖镇's fixture.
    let a = township_zip(tmp.path(), "东湖镇", "东湖镇-2021");
    let b = fixture_zip(tmp.path(), "东湖镇-2021");
    assert_ne!(a, b);
    let handles: Vec<_> = (0..50)
        .map(|i| {
            let c = donghu.clone();
            let bytes = if i % 2 == 0 { a.clone() } else { b.clone() };
            std::thread::spawn(move || {
                let r = c.upload("东湖镇-2021.zip", &bytes);
                assert_eq!(r.status, 201, "{}", r.text());
                r.json()["id"].as_i64().unwrap()
            })
        })
        .collect();
    let mut ids: Vec<i64> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 50, "fifty distinct submissions");
    assert_eq!(db_count(&data, "submissions"), 50);
    // Content-addressed: two contents, two stored copies.
    assert_eq!(db_count(&data, "blobs"), 2);
    assert_eq!(
        donghu.get("/api/submissions").json()["submissions"]
            .as_array()
            .unwrap()
            .len(),
        50
    );
}

#[test]
fn an_upload_cut_off_by_a_kill_leaves_nothing() {
    let tmp = TempDir::new().unwrap();
    let data = county_data(tmp.path());
    let data_s = data.to_str().unwrap();
    let server = Server::start(&["--data", data_s]);
    let donghu = logged_in(&server, "东湖");
    assert_eq!(
        donghu
            .upload("东湖镇-2021.zip", &fixture_zip(tmp.path(), "东湖镇-2021"))
            .status,
        201
    );
    // Half a request body on the wire, then the process is killed.
    let zip = township_zip(tmp.path(), "东湖镇", "东湖镇-2021");
    let mut s = TcpStream::connect(&server.addr).unwrap();
    write!(
        s,
        "POST /api/submissions HTTP/1.1\r\nHost: {}\r\nCookie: {}\r\nX-CSRF-Token: {}\r\nContent-Type: multipart/form-data; boundary=xx\r\nContent-Length: {}\r\n\r\n--xx\r\nContent-Disposition: form-data; name=\"bundle\"; filename=\"a.zip\"\r\n\r\n",
        server.addr,
        donghu.cookie.as_ref().unwrap(),
        donghu.csrf.as_ref().unwrap(),
        zip.len() + 200
    )
    .unwrap();
    s.write_all(&zip[..zip.len() / 2]).unwrap();
    s.flush().unwrap();
    std::thread::sleep(Duration::from_millis(200));
    server.kill();
    let server = Server::start(&["--data", data_s]);
    let mut donghu = donghu.clone();
    donghu.addr = server.addr.clone();
    assert_eq!(
        donghu.get("/api/submissions").json()["submissions"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(db_count(&data, "submissions"), 1);
    assert_eq!(db_count(&data, "blobs"), 1);
}

// ---- the pages, in headless Chromium ----------------------------------------------------

/// Headless Chromium driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`:
/// JSON messages ending in NUL on file descriptors 3 and 4, here two named pipes), so no
/// WebSocket client is needed.
struct Browser {
    child: Child,
    to: std::fs::File,
    from: BufReader<std::fs::File>,
    next: u64,
    session: Option<String>,
}

impl Browser {
    fn start(tmp: &Path) -> Browser {
        let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
            .into_iter()
            .map(PathBuf::from)
            .find(|p| p.exists())
            .unwrap_or_else(|| {
                panic!(
                    "Chromium is not installed (no /usr/bin/chromium): the pages cannot be \
                     driven. Install it with `apt-get install -y chromium fonts-wqy-microhei`, \
                     or run `bash scripts/test`, which does"
                )
            });
        let (inp, out) = (tmp.join("cdp-in"), tmp.join("cdp-out"));
        for f in [&inp, &out] {
            assert!(Command::new("mkfifo").arg(f).status().unwrap().success());
        }
        let profile = tmp.join("chromium-profile");
        let script = format!(
            "exec timeout 300 '{}' --headless --no-sandbox --disable-gpu --disable-quic \
             --no-first-run --disable-background-networking --disable-component-update \
             --disable-sync --disable-dev-shm-usage --user-data-dir='{}' \
             --remote-debugging-pipe about:blank 3<'{}' 4>'{}'",
            chromium.display(),
            profile.display(),
            inp.display(),
            out.display()
        );
        let child = Command::new("sh")
            .args(["-c", &script])
            // Chromium writes its crash database and caches under $HOME; a CI user may have none.
            .env("HOME", tmp)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let to = std::fs::OpenOptions::new().write(true).open(&inp).unwrap();
        let from = BufReader::new(std::fs::File::open(&out).unwrap());
        Browser {
            child,
            to,
            from,
            next: 0,
            session: None,
        }
    }

    /// Send one command and wait for its answer (events in between are skipped).
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let mut msg = serde_json::json!({"id": self.next, "method": method, "params": params});
        if let Some(s) = &self.session
            && !method.starts_with("Target.")
            && !method.starts_with("Browser.")
        {
            msg["sessionId"] = Value::String(s.clone());
        }
        let mut bytes = msg.to_string().into_bytes();
        bytes.push(0);
        self.to.write_all(&bytes).unwrap();
        self.to.flush().unwrap();
        loop {
            let mut buf = Vec::new();
            let n = self.from.read_until(0, &mut buf).unwrap();
            assert!(n > 0, "Chromium closed the DevTools pipe");
            buf.pop();
            let v: Value = serde_json::from_slice(&buf).unwrap();
            if v["id"].as_u64() == Some(self.next) {
                assert!(v.get("error").is_none(), "{method}: {v}");
                return v["result"].clone();
            }
        }
    }

    /// Evaluate JavaScript in the page (awaiting a promise) and return its value.
    fn eval(&mut self, js: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            serde_json::json!({"expression": js, "awaitPromise": true, "returnByValue": true}),
        );
        assert!(r.get("exceptionDetails").is_none(), "{js}: {r}");
        r["result"]["value"].clone()
    }

    /// Wait (up to a minute) until `js` is true in the page.
    fn wait(&mut self, js: &str) {
        for _ in 0..600 {
            if self.eval(&format!("!!({js})")) == Value::Bool(true) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let text = self.eval("document.body.innerText");
        panic!("timed out waiting for {js}; the page reads:\n{text}");
    }

    fn click(&mut self, selector: &str) {
        let js = format!(
            "(() => {{ const e = document.querySelector({}); if (!e) return false; e.click(); return true; }})()",
            Value::String(selector.into())
        );
        assert_eq!(self.eval(&js), Value::Bool(true), "no {selector}");
    }

    fn type_into(&mut self, selector: &str, text: &str) {
        let js = format!(
            "(() => {{ const e = document.querySelector({}); if (!e) return false; e.value = {}; \
             e.dispatchEvent(new Event('input', {{bubbles: true}})); return true; }})()",
            Value::String(selector.into()),
            Value::String(text.into())
        );
        assert_eq!(self.eval(&js), Value::Bool(true), "no {selector}");
    }

    fn log_in(&mut self, user: &str) {
        self.wait("document.querySelector('#login-view') && !document.querySelector('#login-view').hidden");
        self.type_into("#login-form [name=user]", user);
        self.type_into("#login-form [name=password]", "口令-correct-horse");
        self.click("#login-form button[type=submit]");
        self.wait("!document.querySelector('#list-view').hidden");
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A township uploads through the page and sees its table; the evaluator opens it, enters the
/// 3.4 score in the form, sees the new total, downloads the XLSX, and the workbook reads back
/// with that total.
///
/// Needs Chromium, so it is `#[ignore]`d in a plain `cargo test` and run by `bash scripts/test`
/// (which installs Chromium first) as `cargo test --test cli chromium -- --ignored`.
#[test]
#[ignore = "needs Chromium, poppler-utils and a CJK font: `bash scripts/test` installs them and runs this"]
fn serve_pages_in_headless_chromium() {
    let tmp = TempDir::new().unwrap();
    let data = county_data(tmp.path());
    let server = Server::start(&["--data", data.to_str().unwrap()]);
    let zip = tmp.path().join("东湖镇-2021.zip");
    fixture_zip(tmp.path(), "东湖镇-2021");
    let downloads = tmp.path().join("downloads");
    std::fs::create_dir_all(&downloads).unwrap();

    let mut b = Browser::start(tmp.path());
    let target = b.call(
        "Target.createTarget",
        serde_json::json!({"url": "about:blank"}),
    );
    let attached = b.call(
        "Target.attachToTarget",
        serde_json::json!({"targetId": target["targetId"], "flatten": true}),
    );
    b.session = Some(attached["sessionId"].as_str().unwrap().to_string());
    b.call(
        "Browser.setDownloadBehavior",
        serde_json::json!({"behavior": "allow", "downloadPath": downloads.to_str().unwrap()}),
    );
    b.call("Page.enable", serde_json::json!({}));
    b.call(
        "Page.navigate",
        serde_json::json!({"url": format!("http://{}/", server.addr)}),
    );

    // The township: log in, upload the .zip through the file input, see the table.
    b.log_in("东湖");
    let doc = b.call("DOM.getDocument", serde_json::json!({}));
    let input = b.call(
        "DOM.querySelector",
        serde_json::json!({"nodeId": doc["root"]["nodeId"], "selector": "#bundle-file"}),
    );
    b.call(
        "DOM.setFileInputFiles",
        serde_json::json!({"nodeId": input["nodeId"], "files": [zip.to_str().unwrap()]}),
    );
    b.click("#upload-form button[type=submit]");
    b.wait("document.querySelector('#message').textContent.includes('已收到')");
    // 东湖镇: 95.5 − 3 − 4 = 88.5 (fixture README), shown in the list.
    b.wait("[...document.querySelectorAll('#submissions tbody td')].some(td => td.textContent === '88.5')");
    let text = b.eval("document.querySelector('#submissions').innerText");
    assert!(text.as_str().unwrap().contains("东湖镇"), "{text}");
    // Its own detail view: the table of indicators, no verdict form for a township.
    b.click("#submissions button[data-id]");
    b.wait("document.querySelectorAll('#indicators tbody tr').length > 20");
    assert_eq!(
        b.eval("document.querySelector('#verdict-form').hidden"),
        Value::Bool(true)
    );
    b.click("#back");
    b.wait("!document.querySelector('#list-view').hidden");
    b.click("#logout");

    // The evaluator: open it, explain 6.1, score 3.4 in the form.
    b.log_in("王评分");
    b.wait("document.querySelector('#submissions button[data-id]')");
    b.click("#submissions button[data-id]");
    b.wait("!document.querySelector('#verdict-form').hidden && document.querySelector('#manual tbody tr[data-id=\"3.4\"]')");
    b.click("#indicators tr[data-id=\"6.1\"] button");
    b.wait("!document.querySelector('#explain').hidden");
    let explain = b.eval("document.querySelector('#explain').textContent");
    assert!(explain.as_str().unwrap().starts_with("6.1 "), "{explain}");
    b.type_into("#manual tr[data-id=\"3.4\"] input[name^=score-]", "2");
    b.type_into(
        "#manual tr[data-id=\"3.4\"] input[name^=note-]",
        "抽查10条，内容规范",
    );
    b.click("#verdict-form button[type=submit]");
    // 88.5 + 2 (3.4 scored 2 of 2) = 90.5.
    b.wait("document.querySelector('#message').textContent.includes('总分 90.5')");
    b.wait("document.querySelector('#indicators tr[data-id=\"3.4\"] td:nth-child(4)').textContent === '2'");

    // Download the XLSX through its link and read it back.
    b.click("#download-xlsx");
    let mut file = None;
    for _ in 0..600 {
        file = std::fs::read_dir(&downloads)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|e| e == "xlsx"));
        if file.is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let file = file.expect("the XLSX was downloaded");
    std::thread::sleep(Duration::from_millis(300));
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&file).unwrap();
    let mut totals = Vec::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).unwrap();
        for cell in range.used_cells() {
            if let calamine::Data::Float(f) = cell.2 {
                totals.push(*f);
            }
        }
    }
    assert!(totals.contains(&90.5), "90.5 in the workbook: {totals:?}");
}
