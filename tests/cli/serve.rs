//! `kaohe serve` over loopback (127.0.0.1 only): the real binary, a hand-written HTTP/1.1
//! client (one request per connection), answers compared with what the command line prints for
//! the same bundles, so the service is shown to score exactly as `kaohe score`/`batch` do.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Stdio};
use std::time::Duration;

use serde_json::Value;
use tempfile::TempDir;

use crate::batch::{COUNTY, VERDICTS, zip_folder};
use crate::harness::*;

/// A running `kaohe serve`, killed when dropped.
pub struct Server {
    child: Child,
    pub addr: String,
    _stdout: BufReader<ChildStdout>,
}

impl Server {
    /// Start `kaohe serve ARGS --listen 127.0.0.1:0` and read the address it prints first.
    pub fn start(args: &[&str]) -> Server {
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

    pub fn client(&self) -> Client {
        Client {
            addr: self.addr.clone(),
            cookie: None,
            csrf: None,
        }
    }

    /// Stop the process at once (SIGKILL), as a crash or a power cut would.
    pub fn kill(mut self) {
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

pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }
    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).unwrap()
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One user's connection state: the session cookie and CSRF token after login.
#[derive(Clone)]
pub struct Client {
    pub addr: String,
    pub cookie: Option<String>,
    pub csrf: Option<String>,
}

impl Client {
    pub fn request(
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

    pub fn get(&self, path: &str) -> Resp {
        self.request("GET", path, None, b"", &[])
    }

    pub fn post_json(&self, path: &str, body: &Value) -> Resp {
        self.request(
            "POST",
            path,
            Some("application/json"),
            body.to_string().as_bytes(),
            &[],
        )
    }

    /// `POST /api/submissions` with the .zip in form field `bundle`.
    pub fn upload(&self, file_name: &str, bytes: &[u8]) -> Resp {
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
    pub fn login(&mut self, user: &str, password: &str) {
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
pub fn township_zip(tmp: &Path, unit: &str, name: &str) -> Vec<u8> {
    let dir = tmp.join(format!("src-{name}"));
    copy_dir(Path::new(SEED), &dir);
    let manifest = dir.join("bundle.yaml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        text.replace("单位: xx镇", &format!("单位: {unit}")),
    )
    .unwrap();
    let zip = tmp.join(format!("{name}.zip"));
    zip_folder(&dir, name, &zip);
    std::fs::read(zip).unwrap()
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

pub fn verdicts_dir() -> PathBuf {
    PathBuf::from(VERDICTS)
}
