//! Routes of `kaohe serve`: the JSON API (docs/serve.md) and the page that uses it.
//!
//! Every handler first finds the viewer (a session in county mode; the one local user in local
//! mode), checks the CSRF token on anything that changes state, and checks access: a township
//! sees its own unit's submissions only (another unit's id answers 404, as an id that does not
//! exist), and verdicts, ranking and audit log are for county accounts only (403).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Multipart, Path as UrlPath, State as Ax};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use serde_json::json;
use tower_http::limit::RequestBodyLimitLayer;

use super::assess::Source;
use super::db::{Db, NewSubmission, Submission, User};
use super::{Role, assess, assets, auth};
use crate::cli::batch::{Item, list_bundles, score_items};
use crate::cli::cli_error;
use crate::cli::pipeline::VerdictInput;
use crate::diag::{Fatal, Problem, render_location};
use crate::load::MAX_ZIP_BUNDLE;
use crate::load::fs::sha256_hex;
use crate::load::verdicts::MAX_VERDICT_FILE;
use crate::model::assessment::Assessment;
use crate::report::{self, Format, Options};
use crate::score;

pub(super) enum Mode {
    Local { folder: PathBuf },
    County,
}

pub(super) struct State {
    pub mode: Mode,
    pub db: Db,
    pub scorer: assess::Scorer,
    pub rules: Option<String>,
    pub auth: auth::Auth,
}

type St = Ax<Arc<State>>;

/// An error answer: HTTP status, a stable code, a Chinese message, and the problems (with file,
/// line and column, as the command line prints them) when a bundle or verdicts were refused.
#[derive(Debug)]
pub(super) struct ApiError {
    status: StatusCode,
    code: std::borrow::Cow<'static, str>,
    message: String,
    problems: Vec<Problem>,
}

impl ApiError {
    pub(super) fn new(status: StatusCode, code: &'static str, message: String) -> ApiError {
        ApiError {
            status,
            code: code.into(),
            message,
            problems: Vec::new(),
        }
    }
    pub(super) fn internal(message: &str) -> ApiError {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal-error",
            message.into(),
        )
    }
    fn forbidden(message: &str) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", message.into())
    }
    fn not_found(id: i64) -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not-found",
            format!("没有编号为 {id} 的报送材料（或你无权查看）"),
        )
    }
    /// A bundle or verdicts that could not be used: 400 with the command line's messages.
    fn refused(fatal: Fatal) -> ApiError {
        let code = fatal
            .problems
            .first()
            .map_or("refused".into(), |p| p.code.to_string().into());
        let message = fatal
            .problems
            .iter()
            .map(|p| format!("{}：{}", render_location(p), p.message))
            .collect::<Vec<_>>()
            .join("\n");
        ApiError {
            status: StatusCode::BAD_REQUEST,
            code,
            message,
            problems: fatal.problems,
        }
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> ApiError {
        ApiError::internal(&format!(
            "数据库错误：{}",
            crate::diag::foreign::sqlite_error(&e)
        ))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({
            "error": self.code,
            "message": self.message,
            "problems": self.problems,
        });
        (self.status, axum::Json(body)).into_response()
    }
}

type Answer = Result<Response, ApiError>;

/// Who is asking.
struct Viewer {
    /// None in local mode.
    user: Option<User>,
    role: Role,
    csrf: String,
}

impl Viewer {
    fn name(&self) -> Option<&str> {
        self.user.as_ref().map(|u| u.name.as_str())
    }
    /// The unit a township account is confined to (None: sees every unit).
    fn unit(&self) -> Option<&str> {
        match self.role {
            Role::County => None,
            Role::Township => Some(
                self.user
                    .as_ref()
                    .and_then(|u| u.unit.as_deref())
                    .unwrap_or("\u{0}"),
            ),
        }
    }
    fn require_county(&self) -> Result<(), ApiError> {
        if self.role == Role::County {
            Ok(())
        } else {
            Err(ApiError::forbidden("此操作仅限县级评分账号"))
        }
    }
}

fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == auth::COOKIE)
        .map(|(_, v)| v.to_string())
}

/// Local mode answers only requests addressed to the loopback name (a page on another site
/// cannot reach it through DNS rebinding).
fn local_host_ok(headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return false;
    };
    let name = match host.rsplit_once(':') {
        Some((n, port)) if port.bytes().all(|b| b.is_ascii_digit()) => n,
        _ => host,
    };
    matches!(name, "127.0.0.1" | "localhost" | "[::1]")
}

async fn viewer(state: &State, headers: &HeaderMap) -> Result<Viewer, ApiError> {
    match state.mode {
        Mode::Local { .. } => {
            if !local_host_ok(headers) {
                return Err(ApiError::forbidden(
                    "本机模式只接受发往 127.0.0.1 或 localhost 的请求",
                ));
            }
            Ok(Viewer {
                user: None,
                role: Role::County,
                csrf: state.auth.local_csrf.clone(),
            })
        }
        Mode::County => {
            let unauthorized = || {
                ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "login-required",
                    "请先登录".into(),
                )
            };
            let token = cookie_token(headers).ok_or_else(unauthorized)?;
            let sha = auth::token_sha256(&token);
            let (user, csrf) = state.db.session(&sha)?.ok_or_else(unauthorized)?;
            Ok(Viewer {
                role: user.role,
                user: Some(user),
                csrf,
            })
        }
    }
}

/// Anything that changes state carries the session's CSRF token in `X-CSRF-Token`.
fn check_csrf(viewer: &Viewer, headers: &HeaderMap) -> Result<(), ApiError> {
    let sent = headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if auth::same_token(sent, &viewer.csrf) {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "缺少或错误的 CSRF 令牌（请刷新页面后重试）",
        ))
    }
}

pub(super) async fn serve(state: Arc<State>, addr: SocketAddr) -> Result<ExitCode, Fatal> {
    let upload_limit = MAX_ZIP_BUNDLE as usize + 1024 * 1024;
    let app = Router::new()
        .route("/", get(assets::index))
        .route("/app.js", get(assets::script))
        .route("/app.css", get(assets::style))
        .route("/api/health", get(health))
        .route("/api/me", get(me))
        .route("/api/login", axum::routing::post(login))
        .route("/api/logout", axum::routing::post(logout))
        .route(
            "/api/submissions",
            get(list).post(upload).layer((
                DefaultBodyLimit::disable(),
                RequestBodyLimitLayer::new(upload_limit),
            )),
        )
        .route("/api/submissions/{id}", get(show))
        .route("/api/submissions/{id}/form", get(form))
        .route(
            "/api/submissions/{id}/verdicts",
            get(export_verdicts)
                .put(put_verdicts)
                .layer(DefaultBodyLimit::max(MAX_VERDICT_FILE as usize)),
        )
        .route("/api/submissions/{id}/explain/{indicator}", get(explain))
        .route("/api/submissions/{id}/{file}", get(report_file))
        .route("/api/ranking", get(ranking_json))
        .route("/api/ranking.html", get(ranking_html))
        .route("/api/ranking.xlsx", get(ranking_xlsx))
        .route("/api/audit", get(audit))
        .layer(axum::middleware::map_response(assets::security_headers))
        .with_state(state.clone());
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
        cli_error(
            crate::diag::CliCode::ListenFailed,
            format!("无法监听 {addr}：{}", crate::diag::os_error(&e)),
        )
    })?;
    let local = listener.local_addr().unwrap_or(addr);
    // The first line on standard output is the address (scripts and tests read it).
    println!("http://{local}/");
    eprintln!(
        "kaohe: 服务已启动：http://{local}/（{}）；按 Ctrl+C 停止",
        match &state.mode {
            Mode::Local { folder } => format!("本机模式，材料文件夹 {}", folder.display()),
            Mode::County => "县级服务模式".into(),
        }
    );
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .await
    .map_err(|e| {
        cli_error(
            crate::diag::CliCode::ServeFailed,
            format!("服务出错：{}", crate::diag::os_error(&e)),
        )
    })?;
    Ok(ExitCode::SUCCESS)
}

fn json_bytes(status: StatusCode, bytes: Vec<u8>) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        bytes,
    )
        .into_response()
}

fn mode_name(state: &State) -> &'static str {
    match state.mode {
        Mode::Local { .. } => "local",
        Mode::County => "county",
    }
}

async fn health(Ax(state): St) -> Response {
    axum::Json(json!({
        "status": "ok",
        "kaohe": env!("CARGO_PKG_VERSION"),
        "mode": mode_name(&state),
        "schema": state.db.schema_version(),
    }))
    .into_response()
}

async fn me(Ax(state): St, headers: HeaderMap) -> Answer {
    let mode = mode_name(&state);
    match viewer(&state, &headers).await {
        Ok(v) => Ok(axum::Json(json!({
            "mode": mode,
            "user": v.user.as_ref().map(|u| json!({"name": u.name, "role": u.role.as_str(), "unit": u.unit})),
            "role": v.role.as_str(),
            "csrf": v.csrf,
        }))
        .into_response()),
        Err(e) if e.status == StatusCode::UNAUTHORIZED => {
            Ok(axum::Json(json!({"mode": mode, "user": null, "role": null, "csrf": null}))
                .into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct LoginBody {
    user: String,
    password: String,
}

/// A hash to verify against when the account does not exist, so that the answer takes as long
/// as for a wrong password.
fn dummy_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| auth::hash_password("kaohe-dummy-password").unwrap_or_default())
}

async fn login(
    Ax(state): St,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    body: Result<axum::Json<LoginBody>, axum::extract::rejection::JsonRejection>,
) -> Answer {
    if !matches!(state.mode, Mode::County) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "no-login",
            "本机模式无需登录".into(),
        ));
    }
    // JSON only: a form on another site cannot send application/json without the browser
    // asking first, so login cannot be forged either.
    let axum::Json(body) = body.map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad-login",
            "登录请求应为 JSON {\"user\", \"password\"}，且两项都是文字".to_string(),
        )
    })?;
    let user_key = format!("user:{}", body.user);
    let ip_key = format!("ip:{}", peer.ip());
    let keys = [user_key.as_str(), ip_key.as_str()];
    if state.auth.limited(&keys) {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "login-rate-limited",
            "登录失败次数过多，请一分钟后再试".into(),
        ));
    }
    let found = state.db.user_by_name(body.user.trim())?;
    let password = body.password.clone();
    let hash = found
        .as_ref()
        .map(|(_, h)| h.clone())
        .unwrap_or_else(|| dummy_hash().to_string());
    let ok = tokio::task::spawn_blocking(move || auth::verify_password(&password, &hash))
        .await
        .unwrap_or(false);
    let Some((user, _)) = found.filter(|_| ok) else {
        state.auth.failed(&keys);
        state.db.audit(
            Some(body.user.trim()),
            "login-failed",
            None,
            &peer.ip().to_string(),
        )?;
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "bad-credentials",
            "账号或密码错误".into(),
        ));
    };
    state.auth.succeeded(&keys);
    let token = auth::random_token();
    let csrf = auth::random_token();
    let expires = jiff::Timestamp::now().as_second() + auth::SESSION_SECONDS;
    state
        .db
        .create_session(&auth::token_sha256(&token), user.id, &csrf, expires)?;
    state
        .db
        .audit(Some(&user.name), "login", None, &peer.ip().to_string())?;
    let cookie = format!(
        "{}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}",
        auth::COOKIE,
        auth::SESSION_SECONDS
    );
    let mut resp = axum::Json(json!({
        "user": {"name": user.name, "role": user.role.as_str(), "unit": user.unit},
        "csrf": csrf,
    }))
    .into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        resp.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(resp)
}

async fn logout(Ax(state): St, headers: HeaderMap) -> Answer {
    let v = viewer(&state, &headers).await?;
    check_csrf(&v, &headers)?;
    if let Some(token) = cookie_token(&headers) {
        state.db.end_session(&auth::token_sha256(&token))?;
    }
    state.db.audit(v.name(), "logout", None, "")?;
    let mut resp = axum::Json(json!({"ok": true})).into_response();
    resp.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("kaohe_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"),
    );
    Ok(resp)
}

/// Local mode: list the folder's bundles that are not listed yet.
fn sync_folder(state: &State, folder: &std::path::Path) -> Result<(), ApiError> {
    let entries = list_bundles(folder, None).map_err(ApiError::refused)?;
    for e in entries {
        let path = e
            .path
            .canonicalize()
            .unwrap_or(e.path.clone())
            .display()
            .to_string();
        if state.db.submission_by_path(&path)?.is_some() {
            continue;
        }
        let (unit, bundle) = match crate::load::open_bundle(&e.path) {
            Ok(b) => (b.header.unit.clone(), b.name.clone()),
            // Unique per entry, so that each unreadable folder is listed (and ranked as failed).
            Err(_) => (format!("（无法读取）{}", e.name), e.name.clone()),
        };
        state.db.add_submission(&NewSubmission {
            unit: &unit,
            bundle: &bundle,
            filename: &e.name,
            bytes: None,
            sha256: None,
            path: Some(&path),
            user: None,
            score: None,
            grade: None,
            assessment: None,
        })?;
    }
    Ok(())
}

async fn list(Ax(state): St, headers: HeaderMap) -> Answer {
    let v = viewer(&state, &headers).await?;
    let st = state.clone();
    let unit = v.unit().map(str::to_string);
    let rows = state
        .scorer
        .run(move || {
            if let Mode::Local { folder } = &st.mode {
                sync_folder(&st, folder)?;
            }
            let mut rows = st.db.submissions(unit.as_deref())?;
            // Local mode: folders change on disk, so their scores are read afresh.
            for r in rows.iter_mut().filter(|r| r.path.is_some()) {
                if let Ok((a, _)) = assess_submission(&st, r) {
                    r.score = Some(report::num(a.total.score));
                    r.grade = Some(a.total.grade.clone());
                }
            }
            Ok(rows)
        })
        .await?;
    Ok(axum::Json(json!({ "submissions": rows })).into_response())
}

/// The file name as uploaded, without folders; must end in .zip.
fn upload_name(raw: Option<&str>) -> Result<(String, String), ApiError> {
    let raw = raw.unwrap_or("").replace('\\', "/");
    let file = raw.rsplit('/').next().unwrap_or("").trim().to_string();
    let lower = file.to_lowercase();
    if !lower.ends_with(".zip") || file.chars().count() > 200 || file.chars().any(char::is_control)
    {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "upload-not-zip",
            format!("上传的文件「{file}」应为 .zip 压缩包（文件名不超过 200 字）"),
        ));
    }
    let stem = file[..file.len() - 4].to_string();
    Ok((
        file,
        if stem.is_empty() {
            "bundle".into()
        } else {
            stem
        },
    ))
}

fn too_large(len: u64) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "upload-too-large",
        format!(
            "报送材料压缩包过大（{}MiB，上限{}MiB）",
            len / (1024 * 1024),
            MAX_ZIP_BUNDLE / (1024 * 1024)
        ),
    )
}

fn assessment_json(a: &Assessment) -> Vec<u8> {
    Format::Json.render_score(
        a,
        &Options {
            color: false,
            stamp: None,
        },
    )
}

async fn upload(Ax(state): St, headers: HeaderMap, mut form: Multipart) -> Answer {
    let v = viewer(&state, &headers).await?;
    check_csrf(&v, &headers)?;
    let mut received = None;
    while let Some(field) = form.next_field().await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large(MAX_ZIP_BUNDLE + 1)
        } else {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "bad-upload",
                "上传内容无法读取：上传中断，或不是 multipart/form-data 格式".to_string(),
            )
        }
    })? {
        if field.name() != Some("bundle") {
            continue;
        }
        let names = upload_name(field.file_name())?;
        let bytes = field.bytes().await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                too_large(MAX_ZIP_BUNDLE + 1)
            } else {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "bad-upload",
                    "上传内容无法读取：上传中断，或不是 multipart/form-data 格式".to_string(),
                )
            }
        })?;
        received = Some((names, bytes));
        break;
    }
    let Some(((filename, stem), bytes)) = received else {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "upload-missing",
            "请在表单字段 bundle 中上传报送材料 .zip".into(),
        ));
    };
    if bytes.len() as u64 > MAX_ZIP_BUNDLE {
        return Err(too_large(bytes.len() as u64));
    }
    let bytes = Arc::new(bytes.to_vec());
    let rules = state.rules.clone();
    let account_unit = v.unit().map(str::to_string);
    let source = Source::Zip {
        bytes: bytes.clone(),
        name: stem,
    };
    let (assessment, json_text) = state
        .scorer
        .run(move || {
            let loaded = source.load(rules.as_deref(), None).map_err(ApiError::refused)?;
            let a = loaded.score().map_err(ApiError::refused)?;
            if let Some(unit) = &account_unit
                && a.unit != *unit
            {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "unit-mismatch",
                    format!(
                        "材料 bundle.yaml 的单位为「{}」，而你的账号属于「{unit}」：只能报送本单位的材料",
                        a.unit
                    ),
                ));
            }
            let text = String::from_utf8(assessment_json(&a)).unwrap_or_default();
            Ok((a, text))
        })
        .await?;
    let sha = sha256_hex(&bytes);
    let st = state.clone();
    let user = v.user.clone();
    let (unit, bundle) = (assessment.unit.clone(), assessment.bundle.clone());
    let score = report::num(assessment.total.score);
    let grade = assessment.total.grade.clone();
    let sha2 = sha.clone();
    let fname = filename.clone();
    let at = json_text.clone();
    let (u2, b2) = (unit.clone(), bundle.clone());
    // Stored after scoring, whatever the time limit did: what is answered 201 is stored.
    let id = tokio::task::spawn_blocking(move || {
        st.db.add_submission(&NewSubmission {
            unit: &u2,
            bundle: &b2,
            filename: &fname,
            bytes: Some(&bytes),
            sha256: Some(&sha2),
            path: None,
            user: user.as_ref(),
            score: Some(&score),
            grade: Some(&grade),
            assessment: Some(&at),
        })
    })
    .await
    .map_err(|_| ApiError::internal("保存报送材料时出错"))??;
    let assessment_value: serde_json::Value =
        serde_json::from_str(&json_text).unwrap_or(serde_json::Value::Null);
    Ok((
        StatusCode::CREATED,
        axum::Json(json!({
            "id": id,
            "unit": unit,
            "bundle": bundle,
            "filename": filename,
            "sha256": sha,
            "assessment": assessment_value,
        })),
    )
        .into_response())
}

/// A submission the viewer may see.
fn visible(state: &State, v: &Viewer, id: i64) -> Result<Submission, ApiError> {
    let s = state.db.submission(id)?.ok_or(ApiError::not_found(id))?;
    match v.unit() {
        Some(unit) if s.unit != unit => Err(ApiError::not_found(id)),
        _ => Ok(s),
    }
}

fn source_of(state: &State, s: &Submission) -> Result<Source, ApiError> {
    if let Some(path) = &s.path {
        return Ok(Source::Path(PathBuf::from(path)));
    }
    let sha = s.sha256.as_deref().unwrap_or("");
    let bytes = state
        .db
        .blob(sha)?
        .ok_or_else(|| ApiError::internal("报送材料的原始文件缺失"))?;
    let name = s
        .filename
        .strip_suffix(".zip")
        .or_else(|| s.filename.strip_suffix(".ZIP"))
        .unwrap_or(&s.filename)
        .to_string();
    Ok(Source::Zip {
        bytes: Arc::new(bytes),
        name,
    })
}

/// The file name verdicts received by the service carry in messages and reports.
const VERDICTS_LABEL: &str = "评分.yaml";

fn verdict_input(state: &State, s: &Submission) -> Result<Option<VerdictInput>, ApiError> {
    Ok(state
        .db
        .latest_verdicts(s.id)?
        .map(|(text, _, _)| VerdictInput::Text {
            label: VERDICTS_LABEL.into(),
            text,
        }))
}

/// Score a submission with its latest verdicts, as `kaohe score --verdicts` would.
fn assess_submission(
    state: &State,
    s: &Submission,
) -> Result<(Assessment, crate::cli::pipeline::Loaded), ApiError> {
    let source = source_of(state, s)?;
    let loaded = source
        .load(state.rules.as_deref(), verdict_input(state, s)?)
        .map_err(ApiError::refused)?;
    Ok((loaded.score().map_err(ApiError::refused)?, loaded))
}

async fn with_submission<T: Send + 'static>(
    state: &Arc<State>,
    headers: &HeaderMap,
    id: i64,
    job: impl FnOnce(&State, Submission) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let v = viewer(state, headers).await?;
    let st = state.clone();
    state
        .scorer
        .run(move || {
            let s = visible(&st, &v, id)?;
            job(&st, s)
        })
        .await
}

async fn show(Ax(state): St, headers: HeaderMap, UrlPath(id): UrlPath<i64>) -> Answer {
    let bytes = with_submission(&state, &headers, id, |st, s| {
        Ok(assessment_json(&assess_submission(st, &s)?.0))
    })
    .await?;
    Ok(json_bytes(StatusCode::OK, bytes))
}

/// What the page's verdict form needs: the indicators (manual ones marked) and the latest
/// verdicts.
async fn form(Ax(state): St, headers: HeaderMap, UrlPath(id): UrlPath<i64>) -> Answer {
    let value = with_submission(&state, &headers, id, |st, s| {
        let (a, loaded) = assess_submission(st, &s)?;
        let indicators: Vec<_> = loaded
            .rules
            .indicators
            .iter()
            .map(|i| {
                json!({
                    "id": i.id,
                    "name": i.name,
                    "max": report::num(i.points),
                    "manual": matches!(i.method, crate::model::ruleset::Method::Manual),
                })
            })
            .collect();
        let verdicts = st
            .db
            .latest_verdicts(s.id)?
            .map(|(text, by, at)| json!({"text": text, "by": by, "at": at}));
        Ok(json!({
            "submission": s,
            "ruleset": loaded.rules.id,
            "unit": a.unit,
            "indicators": indicators,
            "verdicts": verdicts,
        }))
    })
    .await?;
    Ok(axum::Json(value).into_response())
}

/// `Content-Disposition` for a download, the name percent-encoded (RFC 6266/5987).
fn attachment(name: &str) -> HeaderValue {
    let mut enc = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-._".contains(&b) {
            enc.push(b as char);
        } else {
            enc.push_str(&format!("%{b:02X}"));
        }
    }
    HeaderValue::from_str(&format!(
        "attachment; filename=\"download\"; filename*=UTF-8''{enc}"
    ))
    .unwrap_or(HeaderValue::from_static("attachment"))
}

fn download(bytes: Vec<u8>, format: Format, name: &str) -> Response {
    let ctype = match format {
        Format::Html => "text/html; charset=utf-8",
        Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Format::Json => "application/json; charset=utf-8",
        Format::Csv => "text/csv; charset=utf-8",
        _ => "text/plain; charset=utf-8",
    };
    let mut resp = (
        StatusCode::OK,
        [(header::CONTENT_TYPE, HeaderValue::from_static(ctype))],
        bytes,
    )
        .into_response();
    resp.headers_mut()
        .insert(header::CONTENT_DISPOSITION, attachment(name));
    resp
}

async fn report_file(
    Ax(state): St,
    headers: HeaderMap,
    UrlPath((id, file)): UrlPath<(i64, String)>,
) -> Answer {
    let format = match file.as_str() {
        "report.html" => Format::Html,
        "report.xlsx" => Format::Xlsx,
        "report.csv" => Format::Csv,
        "report.md" => Format::Md,
        "report.json" => Format::Json,
        _ => {
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "not-found",
                format!(
                    "没有「{file}」：可下载 report.html、report.xlsx、report.csv、report.md、report.json"
                ),
            ));
        }
    };
    let (bytes, bundle) = with_submission(&state, &headers, id, move |st, s| {
        let (a, _) = assess_submission(st, &s)?;
        let opts = Options {
            color: false,
            stamp: None,
        };
        Ok((format.render_score(&a, &opts), a.bundle))
    })
    .await?;
    Ok(download(
        bytes,
        format,
        &format!("{bundle}-评分报告.{}", format.extension()),
    ))
}

async fn explain(
    Ax(state): St,
    headers: HeaderMap,
    UrlPath((id, indicator)): UrlPath<(i64, String)>,
) -> Answer {
    let text = with_submission(&state, &headers, id, move |st, s| {
        let (a, loaded) = assess_submission(st, &s)?;
        let rules = &loaded.rules;
        let Some(ind) = rules.indicator(indicator.trim()) else {
            let ids: Vec<&str> = rules.indicators.iter().map(|i| i.id.as_str()).collect();
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "unknown-indicator",
                format!(
                    "规则集 {} 中没有指标「{}」；指标编号：{}",
                    rules.id,
                    indicator,
                    ids.join("、")
                ),
            ));
        };
        let result = a
            .indicators
            .iter()
            .find(|r| r.id == ind.id)
            .ok_or_else(|| ApiError::internal("指标未评分"))?;
        let trace = crate::cli::pipeline::within_limits(rules, || {
            score::trace::trace(rules, ind, &loaded.evidence, &loaded.calendar)
        })
        .map_err(ApiError::refused)?;
        Ok(report::explain::render(rules, ind, result, &trace, &a))
    })
    .await?;
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response())
}

async fn put_verdicts(
    Ax(state): St,
    headers: HeaderMap,
    UrlPath(id): UrlPath<i64>,
    body: Bytes,
) -> Answer {
    let v = viewer(&state, &headers).await?;
    check_csrf(&v, &headers)?;
    v.require_county()?;
    let text = String::from_utf8(body.to_vec()).map_err(|_| {
        ApiError::refused(Fatal::one(Problem::error(
            VERDICTS_LABEL,
            crate::diag::VerdictCode::NotUtf8,
            "评分文件须保存为 UTF-8",
        )))
    })?;
    let st = state.clone();
    let user = v.user.clone();
    let out = state
        .scorer
        .run(move || {
            let s = visible(&st, &v, id)?;
            let source = source_of(&st, &s)?;
            let loaded = source
                .load(
                    st.rules.as_deref(),
                    Some(VerdictInput::Text {
                        label: VERDICTS_LABEL.into(),
                        text: text.clone(),
                    }),
                )
                .map_err(ApiError::refused)?;
            let a = loaded.score().map_err(ApiError::refused)?;
            let bytes = assessment_json(&a);
            st.db.add_verdicts(
                s.id,
                &text,
                &sha256_hex(text.as_bytes()),
                user.as_ref(),
                &report::num(a.total.score),
                &a.total.grade,
                &String::from_utf8_lossy(&bytes),
            )?;
            Ok(bytes)
        })
        .await?;
    Ok(json_bytes(StatusCode::OK, out))
}

/// The latest verdicts as a verdict file (`kaohe score --verdicts` reads it as it is).
async fn export_verdicts(Ax(state): St, headers: HeaderMap, UrlPath(id): UrlPath<i64>) -> Answer {
    let (text, bundle) = with_submission(&state, &headers, id, |st, s| {
        let (text, _, _) = st.db.latest_verdicts(s.id)?.ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "no-verdicts",
                format!("报送材料 {} 尚无评分", s.id),
            )
        })?;
        Ok((as_yaml(&text), s.bundle))
    })
    .await?;
    let mut resp = download(
        text.into_bytes(),
        Format::Table,
        &format!("{bundle}-评分.yaml"),
    );
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/yaml; charset=utf-8"),
    );
    Ok(resp)
}

/// Verdicts received as JSON, written as YAML (keys in the order given); YAML as received.
fn as_yaml(text: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(value) if value.is_object() => {
            serde_yaml::to_string(&value).unwrap_or_else(|_| text.to_string())
        }
        _ => text.to_string(),
    }
}

/// `kaohe.batch/1` over each unit's latest submission, with its latest verdicts.
async fn ranking(state: &Arc<State>, headers: &HeaderMap, format: Format) -> Answer {
    let v = viewer(state, headers).await?;
    v.require_county()?;
    let st = state.clone();
    let bytes = state
        .scorer
        .run(move || {
            if let Mode::Local { folder } = &st.mode {
                sync_folder(&st, folder)?;
            }
            let mut items = Vec::new();
            for s in st.db.latest_per_unit()? {
                let opened = source_of(&st, &s)?.open();
                items.push(Item {
                    name: s.filename.clone(),
                    opened,
                    verdicts: verdict_input(&st, &s)?,
                });
            }
            if items.is_empty() {
                return Err(ApiError::new(
                    StatusCode::NOT_FOUND,
                    "no-submissions",
                    "还没有任何报送材料".into(),
                ));
            }
            let report = score_items(items, st.rules.as_deref(), &st.scorer.pool)
                .map_err(ApiError::refused)?;
            let opts = Options {
                color: false,
                stamp: None,
            };
            Ok(format.render_batch(&report, &opts))
        })
        .await?;
    Ok(if format == Format::Json {
        json_bytes(StatusCode::OK, bytes)
    } else {
        download(bytes, format, &format!("全县排名.{}", format.extension()))
    })
}

async fn ranking_json(Ax(state): St, headers: HeaderMap) -> Answer {
    ranking(&state, &headers, Format::Json).await
}
async fn ranking_html(Ax(state): St, headers: HeaderMap) -> Answer {
    ranking(&state, &headers, Format::Html).await
}
async fn ranking_xlsx(Ax(state): St, headers: HeaderMap) -> Answer {
    ranking(&state, &headers, Format::Xlsx).await
}

async fn audit(Ax(state): St, headers: HeaderMap) -> Answer {
    let v = viewer(&state, &headers).await?;
    v.require_county()?;
    Ok(axum::Json(json!({ "audit": state.db.audit_log(500)? })).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upload_names() {
        assert_eq!(
            upload_name(Some("C:\\材料\\xx镇.ZIP")).unwrap(),
            ("xx镇.ZIP".to_string(), "xx镇".to_string())
        );
        assert_eq!(upload_name(Some("a/b.zip")).unwrap().1, "b");
        assert_eq!(
            upload_name(Some("x.rar")).unwrap_err().code,
            "upload-not-zip"
        );
        assert_eq!(upload_name(None).unwrap_err().code, "upload-not-zip");
    }

    #[test]
    fn loopback_hosts_only_in_local_mode() {
        let mut h = HeaderMap::new();
        for (host, ok) in [
            ("127.0.0.1:8080", true),
            ("localhost:1", true),
            ("[::1]:80", true),
            ("evil.example:8080", false),
            ("127.0.0.1.evil.example", false),
        ] {
            h.insert(header::HOST, HeaderValue::from_str(host).unwrap());
            assert_eq!(local_host_ok(&h), ok, "{host}");
        }
    }

    #[test]
    fn json_verdicts_export_as_yaml() {
        let y = as_yaml(r#"{"评分人":"张三","评分":{"3.4":{"得分":1.5}}}"#);
        assert!(y.starts_with("评分人: 张三\n"), "{y}");
        assert!(y.contains("得分: 1.5"), "{y}");
        assert_eq!(as_yaml("评分人: 李四\n"), "评分人: 李四\n");
    }
}
