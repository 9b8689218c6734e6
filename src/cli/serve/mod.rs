//! `kaohe serve`: the scoring service in a browser, and `kaohe users` to manage its accounts.
//!
//! Two modes (docs/serve.md):
//! - local (`kaohe serve [FOLDER]`): one person on their own PC; binds loopback only, no login;
//!   the folder's bundles are listed and scored from disk on every view; uploads are kept in an
//!   in-memory database for the session.
//! - county (`kaohe serve --data DIR --listen ADDR`): accounts, an embedded SQLite database under
//!   DIR (WAL, versioned migrations) holding users, sessions, every upload as received
//!   (content-addressed, SHA-256), the assessment it got, verdicts and an audit log.
//!
//! Scoring goes through `cli::pipeline` (the one way every command opens a bundle) and the
//! report renderers; `cli::batch::score_items` makes the ranking. Nothing here scores or renders
//! on its own. Modules: `db` (schema, queries, backup), `auth` (passwords, sessions, CSRF, login
//! rate limit), `assess` (the bounded scoring pool), `api` (routes), `assets` (the page).

mod api;
mod assess;
mod assets;
mod auth;
mod db;

use crate::diag::CliCode;
use std::io::Read;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Subcommand, ValueEnum};

use crate::cli::cli_error;
use crate::diag::Fatal;

#[derive(Args)]
pub(crate) struct ServeArgs {
    /// Local mode: a folder of township bundles (sub-folders or .zip files) to list and score.
    /// Default: the current folder. Not used with --data.
    #[arg(value_name = "FOLDER")]
    folder: Option<PathBuf>,
    /// County mode: the folder holding the service's database (created when missing).
    #[arg(long, value_name = "DIR")]
    data: Option<PathBuf>,
    /// Address to listen on, e.g. 0.0.0.0:8080 on the intranet (local mode: loopback only).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    listen: String,
    /// With --data: copy the database to FILE while the service may be running, then exit.
    #[arg(long, value_name = "FILE")]
    backup: Option<PathBuf>,
    /// A rule-set folder or built-in id used for every bundle (as `kaohe score --rules`).
    #[arg(long, value_name = "DIR|ID")]
    rules: Option<String>,
    /// How many bundles are scored at once (default: one per CPU core).
    #[arg(short = 'j', long, value_name = "N")]
    jobs: Option<usize>,
    /// Longest time one scoring may take, in seconds, before the request fails.
    #[arg(long, value_name = "SECONDS", default_value_t = 120)]
    timeout: u64,
}

#[derive(Subcommand)]
pub(crate) enum UsersCommand {
    /// Add an account (the password is read from standard input).
    Add(UsersAddArgs),
    /// List the accounts.
    List(UsersListArgs),
}

#[derive(Args)]
pub(crate) struct UsersAddArgs {
    /// The service's data folder (as `kaohe serve --data`).
    #[arg(long, value_name = "DIR")]
    data: PathBuf,
    /// The login name.
    name: String,
    /// county: an evaluator who sees every township; township: one unit's clerk.
    #[arg(long, value_enum)]
    role: Role,
    /// The unit (单位) a township account belongs to, exactly as its bundle.yaml writes it.
    #[arg(long, value_name = "单位")]
    unit: Option<String>,
    /// Read the password from standard input (the only way: never on the command line).
    #[arg(long, required = true)]
    password_stdin: bool,
}

#[derive(Args)]
pub(crate) struct UsersListArgs {
    /// The service's data folder (as `kaohe serve --data`).
    #[arg(long, value_name = "DIR")]
    data: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Role {
    County,
    Township,
}

impl Role {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Role::County => "county",
            Role::Township => "township",
        }
    }
    pub(crate) fn parse(s: &str) -> Option<Role> {
        match s {
            "county" => Some(Role::County),
            "township" => Some(Role::Township),
            _ => None,
        }
    }
}

/// Shortest password `kaohe users add` accepts.
const MIN_PASSWORD: usize = 8;

pub(crate) fn users(cmd: &UsersCommand) -> Result<ExitCode, Fatal> {
    match cmd {
        UsersCommand::Add(args) => users_add(args),
        UsersCommand::List(args) => {
            let db = db::Db::open_dir(&args.data)?;
            for (name, role, unit) in db.list_users().map_err(db_fatal)? {
                println!("{name}\t{role}\t{}", unit.unwrap_or_default());
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn users_add(args: &UsersAddArgs) -> Result<ExitCode, Fatal> {
    let name = args.name.trim();
    if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
        return Err(cli_error(
            CliCode::BadUserName,
            format!(
                "账号名「{}」无效：应为 1–64 个字符，不含控制字符",
                args.name
            ),
        ));
    }
    let unit = args
        .unit
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty());
    match (args.role, unit) {
        (Role::Township, None) => {
            return Err(cli_error(
                CliCode::UserNeedsUnit,
                "乡镇账号须用 --unit 指定所属单位（与其 bundle.yaml 的 单位 一致）".into(),
            ));
        }
        (Role::County, Some(_)) => {
            return Err(cli_error(
                CliCode::UserUnitForCounty,
                "县级评分账号可查看所有单位，不能指定 --unit".into(),
            ));
        }
        _ => {}
    }
    let mut password = String::new();
    std::io::stdin()
        .take(4096)
        .read_to_string(&mut password)
        .map_err(|e| {
            cli_error(
                CliCode::PasswordUnreadable,
                format!("无法从标准输入读取密码：{}", crate::diag::os_error(&e)),
            )
        })?;
    let password = password.trim_end_matches(['\r', '\n']);
    if password.chars().count() < MIN_PASSWORD {
        return Err(cli_error(
            CliCode::PasswordTooShort,
            format!("密码至少 {MIN_PASSWORD} 个字符"),
        ));
    }
    let hash = auth::hash_password(password)
        .map_err(|_| cli_error(CliCode::PasswordHash, "无法计算密码散列".to_string()))?;
    let db = db::Db::open_dir(&args.data)?;
    db.add_user(name, args.role, unit, &hash)
        .map_err(|e| match e {
            db::AddUser::Exists => cli_error(CliCode::UserExists, format!("账号「{name}」已存在")),
            db::AddUser::Db(e) => db_fatal(e),
        })?;
    db.audit(
        None,
        "user-add",
        Some(name),
        unit.unwrap_or(args.role.as_str()),
    )
    .map_err(db_fatal)?;
    eprintln!(
        "kaohe: 已添加账号「{name}」（{}{}）",
        match args.role {
            Role::County => "县级评分",
            Role::Township => "乡镇",
        },
        unit.map(|u| format!("，{u}")).unwrap_or_default()
    );
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn db_fatal(e: rusqlite::Error) -> Fatal {
    cli_error(
        CliCode::Database,
        format!("数据库错误：{}", crate::diag::foreign::sqlite_error(&e)),
    )
}

pub(crate) fn run(args: &ServeArgs) -> Result<ExitCode, Fatal> {
    if let Some(file) = &args.backup {
        let Some(data) = &args.data else {
            return Err(cli_error(
                CliCode::BackupNeedsData,
                "--backup 须与 --data 一起使用".into(),
            ));
        };
        let db = db::Db::open_dir(data)?;
        db.backup_to(file).map_err(|e| {
            cli_error(
                CliCode::BackupFailed,
                format!("无法备份到 {}：{e}", file.display()),
            )
        })?;
        eprintln!("kaohe: 已备份到 {}", file.display());
        return Ok(ExitCode::SUCCESS);
    }
    let addr: SocketAddr = args.listen.parse().map_err(|_| {
        cli_error(
            CliCode::BadListen,
            format!(
                "--listen 应为 地址:端口（如 127.0.0.1:8080），实为「{}」",
                args.listen
            ),
        )
    })?;
    let (mode, db) = match &args.data {
        Some(dir) => {
            if args.folder.is_some() {
                return Err(cli_error(
                    CliCode::ServeFolderWithData,
                    "--data 模式下材料由各乡镇上传，不能同时指定材料文件夹".into(),
                ));
            }
            (api::Mode::County, db::Db::open_dir(dir)?)
        }
        None => {
            if !addr.ip().is_loopback() {
                return Err(cli_error(
                    CliCode::LocalNotLoopback,
                    format!(
                        "不带 --data 的本机模式没有登录，只能监听本机地址（127.0.0.1），不能监听 {addr}；在内网提供服务请用 --data 目录"
                    ),
                ));
            }
            let folder = args.folder.clone().unwrap_or_else(|| PathBuf::from("."));
            if !folder.is_dir() {
                return Err(cli_error(
                    CliCode::ServeFolderMissing,
                    format!("{} 不是文件夹", folder.display()),
                ));
            }
            (api::Mode::Local { folder }, db::Db::open_memory()?)
        }
    };
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
        .max(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .map_err(|_| {
            cli_error(
                CliCode::ThreadPool,
                "无法启动评分线程：系统无法再创建线程".to_string(),
            )
        })?;
    let state = Arc::new(api::State {
        mode,
        db,
        scorer: assess::Scorer::new(jobs, Duration::from_secs(args.timeout.max(1)), pool),
        rules: args.rules.clone(),
        auth: auth::Auth::new(),
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| {
            cli_error(
                CliCode::Runtime,
                format!("无法启动服务：{}", crate::diag::os_error(&e)),
            )
        })?;
    runtime.block_on(api::serve(state, addr))
}
