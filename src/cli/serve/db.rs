//! The service's embedded SQLite database: schema migrations (numbered, recorded in
//! `PRAGMA user_version`), the queries, and the online backup.
//!
//! Uploaded bundles are kept as received in `blobs`, keyed by their SHA-256 (content-addressed:
//! the same bytes are stored once however often they are handed in). A submission is written
//! in one transaction with its blob, its assessment and its audit line, so a process killed
//! mid-upload leaves it either fully stored or absent. One connection, behind a mutex, does all
//! the work (WAL mode: `--backup` reads while the service writes).

use crate::diag::CliCode;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, params};

use super::Role;
use crate::cli::cli_error;
use crate::diag::Fatal;

/// The database file inside `--data DIR`.
pub(super) const DB_FILE: &str = "kaohe.db";

/// Schema migrations, in order; migration n (1-based) brings `user_version` from n-1 to n.
/// Never edit one that has shipped: add the next.
const MIGRATIONS: &[&str] = &[
    // 1: accounts, sessions, bundles as received, submissions, verdicts, audit log.
    "CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL CHECK (role IN ('county', 'township')),
        unit TEXT,
        password TEXT NOT NULL,
        created TEXT NOT NULL
    );
    CREATE TABLE sessions (
        token_sha256 TEXT PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id),
        csrf TEXT NOT NULL,
        expires INTEGER NOT NULL
    );
    CREATE TABLE blobs (
        sha256 TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        bytes BLOB NOT NULL
    );
    CREATE TABLE submissions (
        id INTEGER PRIMARY KEY,
        unit TEXT NOT NULL,
        bundle TEXT NOT NULL,
        filename TEXT NOT NULL,
        sha256 TEXT REFERENCES blobs(sha256),
        path TEXT,
        user_id INTEGER REFERENCES users(id),
        received TEXT NOT NULL,
        score TEXT,
        grade TEXT,
        assessment TEXT
    );
    CREATE INDEX submissions_unit ON submissions(unit, id);
    CREATE TABLE verdicts (
        id INTEGER PRIMARY KEY,
        submission_id INTEGER NOT NULL REFERENCES submissions(id),
        text TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        user_id INTEGER REFERENCES users(id),
        created TEXT NOT NULL,
        score TEXT,
        grade TEXT,
        assessment TEXT NOT NULL
    );
    CREATE INDEX verdicts_submission ON verdicts(submission_id, id);
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        user TEXT,
        action TEXT NOT NULL,
        target TEXT,
        detail TEXT
    );",
];

pub(super) struct Db {
    conn: Mutex<Connection>,
}

pub(super) enum AddUser {
    Exists,
    Db(rusqlite::Error),
}

/// A user as the service sees them.
#[derive(Clone, Debug)]
pub(super) struct User {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub unit: Option<String>,
}

/// One submission's record (not its bytes).
#[derive(Clone, Debug, serde::Serialize)]
pub(super) struct Submission {
    pub id: i64,
    pub unit: String,
    pub bundle: String,
    pub filename: String,
    pub sha256: Option<String>,
    #[serde(skip)]
    pub path: Option<String>,
    pub by: Option<String>,
    pub received: String,
    pub score: Option<String>,
    pub grade: Option<String>,
    /// When the evaluator last saved verdicts (none yet: null).
    pub verdicts: Option<String>,
}

/// What a new submission stores.
pub(super) struct NewSubmission<'a> {
    pub unit: &'a str,
    pub bundle: &'a str,
    pub filename: &'a str,
    pub bytes: Option<&'a [u8]>,
    pub sha256: Option<&'a str>,
    pub path: Option<&'a str>,
    pub user: Option<&'a User>,
    pub score: Option<&'a str>,
    pub grade: Option<&'a str>,
    pub assessment: Option<&'a str>,
}

pub(super) fn now() -> String {
    jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

fn open_fatal(file: &Path, e: &str) -> Fatal {
    cli_error(
        CliCode::Database,
        format!("无法打开数据库 {}：{e}", file.display()),
    )
}

impl Db {
    /// Open (creating when missing) `DIR/kaohe.db` and bring its schema up to date.
    pub(super) fn open_dir(dir: &Path) -> Result<Db, Fatal> {
        std::fs::create_dir_all(dir).map_err(|e| {
            cli_error(
                CliCode::DataDir,
                format!(
                    "无法创建数据目录 {}：{}",
                    dir.display(),
                    crate::diag::os_error(&e)
                ),
            )
        })?;
        let file = dir.join(DB_FILE);
        let conn = Connection::open(&file)
            .map_err(|e| open_fatal(&file, &crate::diag::foreign::sqlite_error(&e)))?;
        conn.busy_timeout(Duration::from_secs(10))
            .map_err(|e| open_fatal(&file, &crate::diag::foreign::sqlite_error(&e)))?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(|e| open_fatal(&file, &crate::diag::foreign::sqlite_error(&e)))?;
        // WAL with synchronous=FULL: a committed submission survives a power cut too.
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(|e| open_fatal(&file, &crate::diag::foreign::sqlite_error(&e)))?;
        let db = Db {
            conn: Mutex::new(conn),
        };
        db.migrate().map_err(|e| open_fatal(&file, &e))?;
        Ok(db)
    }

    /// Local mode: the same schema, in memory, for the life of the process.
    pub(super) fn open_memory() -> Result<Db, Fatal> {
        let conn = Connection::open_in_memory().map_err(|e| {
            cli_error(
                CliCode::Database,
                format!(
                    "无法创建内存数据库：{}",
                    crate::diag::foreign::sqlite_error(&e)
                ),
            )
        })?;
        let db = Db {
            conn: Mutex::new(conn),
        };
        db.migrate()
            .map_err(|e| cli_error(CliCode::Database, format!("无法创建内存数据库：{e}")))?;
        Ok(db)
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite consistent (every write is one
        // transaction), so a poisoned lock is still usable.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn migrate(&self) -> Result<(), String> {
        let mut conn = self.lock();
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(|e| crate::diag::foreign::sqlite_error(&e))?;
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| crate::diag::foreign::sqlite_error(&e))?;
        if version > MIGRATIONS.len() as i64 {
            return Err(format!(
                "数据库结构版本为 {version}，比本程序所知的 {} 新；请使用更新版本的 kaohe",
                MIGRATIONS.len()
            ));
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            let tx = conn
                .transaction()
                .map_err(|e| crate::diag::foreign::sqlite_error(&e))?;
            tx.execute_batch(sql)
                .map_err(|e| crate::diag::foreign::sqlite_error(&e))?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)
                .map_err(|e| crate::diag::foreign::sqlite_error(&e))?;
            tx.commit()
                .map_err(|e| crate::diag::foreign::sqlite_error(&e))?;
        }
        Ok(())
    }

    /// Online backup (SQLite's backup API) into FILE, consistent even while the service writes.
    pub(super) fn backup_to(&self, file: &Path) -> Result<(), String> {
        if file.exists() {
            return Err("文件已存在，请换一个文件名".into());
        }
        let mut dest =
            Connection::open(file).map_err(|e| crate::diag::foreign::sqlite_error(&e))?;
        let conn = self.lock();
        let backup = rusqlite::backup::Backup::new(&conn, &mut dest)
            .map_err(|e| crate::diag::foreign::sqlite_error(&e))?;
        backup
            .run_to_completion(256, Duration::from_millis(5), None)
            .map_err(|e| crate::diag::foreign::sqlite_error(&e))?;
        Ok(())
    }

    pub(super) fn schema_version(&self) -> i64 {
        self.lock()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap_or(0)
    }

    pub(super) fn add_user(
        &self,
        name: &str,
        role: Role,
        unit: Option<&str>,
        hash: &str,
    ) -> Result<(), AddUser> {
        let conn = self.lock();
        let exists: Option<i64> = conn
            .query_row("SELECT id FROM users WHERE name = ?1", [name], |r| r.get(0))
            .optional()
            .map_err(AddUser::Db)?;
        if exists.is_some() {
            return Err(AddUser::Exists);
        }
        conn.execute(
            "INSERT INTO users (name, role, unit, password, created) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![name, role.as_str(), unit, hash, now()],
        )
        .map_err(AddUser::Db)?;
        Ok(())
    }

    pub(super) fn list_users(&self) -> rusqlite::Result<Vec<(String, String, Option<String>)>> {
        let conn = self.lock();
        let mut st = conn.prepare("SELECT name, role, unit FROM users ORDER BY id")?;
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect()
    }

    /// A user and their password hash, by login name.
    pub(super) fn user_by_name(&self, name: &str) -> rusqlite::Result<Option<(User, String)>> {
        let conn = self.lock();
        conn.query_row(
            "SELECT id, name, role, unit, password FROM users WHERE name = ?1",
            [name],
            |r| Ok((user_row(r)?, r.get(4)?)),
        )
        .optional()
    }

    pub(super) fn create_session(
        &self,
        token_sha256: &str,
        user: i64,
        csrf: &str,
        expires: i64,
    ) -> rusqlite::Result<()> {
        let conn = self.lock();
        conn.execute("DELETE FROM sessions WHERE expires < ?1", [unix_now()])?;
        conn.execute(
            "INSERT INTO sessions (token_sha256, user_id, csrf, expires) VALUES (?1, ?2, ?3, ?4)",
            params![token_sha256, user, csrf, expires],
        )?;
        Ok(())
    }

    /// The user and CSRF token of a live session.
    pub(super) fn session(&self, token_sha256: &str) -> rusqlite::Result<Option<(User, String)>> {
        let conn = self.lock();
        conn.query_row(
            "SELECT u.id, u.name, u.role, u.unit, s.csrf FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_sha256 = ?1 AND s.expires >= ?2",
            params![token_sha256, unix_now()],
            |r| Ok((user_row(r)?, r.get(4)?)),
        )
        .optional()
    }

    pub(super) fn end_session(&self, token_sha256: &str) -> rusqlite::Result<()> {
        self.lock().execute(
            "DELETE FROM sessions WHERE token_sha256 = ?1",
            [token_sha256],
        )?;
        Ok(())
    }

    pub(super) fn audit(
        &self,
        user: Option<&str>,
        action: &str,
        target: Option<&str>,
        detail: &str,
    ) -> rusqlite::Result<()> {
        audit_in(&self.lock(), user, action, target, detail)
    }

    /// The audit log, newest first.
    pub(super) fn audit_log(&self, limit: i64) -> rusqlite::Result<Vec<serde_json::Value>> {
        let conn = self.lock();
        let mut st = conn.prepare(
            "SELECT at, user, action, target, detail FROM audit ORDER BY id DESC LIMIT ?1",
        )?;
        st.query_map([limit], |r| {
            Ok(serde_json::json!({
                "at": r.get::<_, String>(0)?,
                "user": r.get::<_, Option<String>>(1)?,
                "action": r.get::<_, String>(2)?,
                "target": r.get::<_, Option<String>>(3)?,
                "detail": r.get::<_, Option<String>>(4)?,
            }))
        })?
        .collect()
    }

    /// Store a submission (and its bytes, once per content) in one transaction; its id.
    pub(super) fn add_submission(&self, s: &NewSubmission) -> rusqlite::Result<i64> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        if let (Some(bytes), Some(sha)) = (s.bytes, s.sha256) {
            tx.execute(
                "INSERT OR IGNORE INTO blobs (sha256, size, bytes) VALUES (?1, ?2, ?3)",
                params![sha, bytes.len() as i64, bytes],
            )?;
        }
        tx.execute(
            "INSERT INTO submissions (unit, bundle, filename, sha256, path, user_id, received, score, grade, assessment)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                s.unit,
                s.bundle,
                s.filename,
                s.sha256,
                s.path,
                s.user.map(|u| u.id),
                now(),
                s.score,
                s.grade,
                s.assessment
            ],
        )?;
        let id = tx.last_insert_rowid();
        if s.bytes.is_some() {
            audit_in(
                &tx,
                s.user.map(|u| u.name.as_str()),
                "upload",
                Some(&format!("submission/{id}")),
                &format!(
                    "{} {} sha256={}",
                    s.unit,
                    s.filename,
                    s.sha256.unwrap_or_default()
                ),
            )?;
        }
        tx.commit()?;
        Ok(id)
    }

    const SUBMISSION_COLUMNS: &str = "s.id, s.unit, s.bundle, s.filename, s.sha256, s.path, u.name, s.received,
        COALESCE((SELECT v.score FROM verdicts v WHERE v.submission_id = s.id ORDER BY v.id DESC LIMIT 1), s.score),
        COALESCE((SELECT v.grade FROM verdicts v WHERE v.submission_id = s.id ORDER BY v.id DESC LIMIT 1), s.grade),
        (SELECT v.created FROM verdicts v WHERE v.submission_id = s.id ORDER BY v.id DESC LIMIT 1)";

    /// Submissions a viewer may see (a township: its unit's only), newest first.
    pub(super) fn submissions(&self, unit: Option<&str>) -> rusqlite::Result<Vec<Submission>> {
        let conn = self.lock();
        let sql = format!(
            "SELECT {} FROM submissions s LEFT JOIN users u ON u.id = s.user_id
             WHERE ?1 IS NULL OR s.unit = ?1 ORDER BY s.id DESC",
            Self::SUBMISSION_COLUMNS
        );
        let mut st = conn.prepare(&sql)?;
        st.query_map([unit], submission_row)?.collect()
    }

    pub(super) fn submission(&self, id: i64) -> rusqlite::Result<Option<Submission>> {
        let conn = self.lock();
        let sql = format!(
            "SELECT {} FROM submissions s LEFT JOIN users u ON u.id = s.user_id WHERE s.id = ?1",
            Self::SUBMISSION_COLUMNS
        );
        conn.query_row(&sql, [id], submission_row).optional()
    }

    /// A local-mode folder bundle already listed, by its path.
    pub(super) fn submission_by_path(&self, path: &str) -> rusqlite::Result<Option<i64>> {
        self.lock()
            .query_row("SELECT id FROM submissions WHERE path = ?1", [path], |r| {
                r.get(0)
            })
            .optional()
    }

    /// The latest submission of every unit, by file name (the order `kaohe batch` lists).
    pub(super) fn latest_per_unit(&self) -> rusqlite::Result<Vec<Submission>> {
        let conn = self.lock();
        let sql = format!(
            "SELECT {} FROM submissions s LEFT JOIN users u ON u.id = s.user_id
             WHERE s.id = (SELECT MAX(id) FROM submissions t WHERE t.unit = s.unit)
             ORDER BY s.filename, s.id",
            Self::SUBMISSION_COLUMNS
        );
        let mut st = conn.prepare(&sql)?;
        st.query_map([], submission_row)?.collect()
    }

    pub(super) fn blob(&self, sha256: &str) -> rusqlite::Result<Option<Vec<u8>>> {
        self.lock()
            .query_row("SELECT bytes FROM blobs WHERE sha256 = ?1", [sha256], |r| {
                r.get(0)
            })
            .optional()
    }

    /// The latest verdicts of a submission: (text, by, when).
    pub(super) fn latest_verdicts(
        &self,
        submission: i64,
    ) -> rusqlite::Result<Option<(String, Option<String>, String)>> {
        self.lock()
            .query_row(
                "SELECT v.text, u.name, v.created FROM verdicts v LEFT JOIN users u ON u.id = v.user_id
                 WHERE v.submission_id = ?1 ORDER BY v.id DESC LIMIT 1",
                [submission],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
    }

    /// Store verdicts and the assessment they give, with the audit line, in one transaction.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn add_verdicts(
        &self,
        submission: i64,
        text: &str,
        sha256: &str,
        user: Option<&User>,
        score: &str,
        grade: &str,
        assessment: &str,
    ) -> rusqlite::Result<()> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO verdicts (submission_id, text, sha256, user_id, created, score, grade, assessment)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                submission,
                text,
                sha256,
                user.map(|u| u.id),
                now(),
                score,
                grade,
                assessment
            ],
        )?;
        audit_in(
            &tx,
            user.map(|u| u.name.as_str()),
            "verdicts",
            Some(&format!("submission/{submission}")),
            &format!("sha256={sha256} 总分={score} 等次={grade}"),
        )?;
        tx.commit()
    }
}

fn unix_now() -> i64 {
    jiff::Timestamp::now().as_second()
}

fn audit_in(
    conn: &Connection,
    user: Option<&str>,
    action: &str,
    target: Option<&str>,
    detail: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO audit (at, user, action, target, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![now(), user, action, target, detail],
    )?;
    Ok(())
}

fn user_row(r: &rusqlite::Row) -> rusqlite::Result<User> {
    let role: String = r.get(2)?;
    Ok(User {
        id: r.get(0)?,
        name: r.get(1)?,
        role: Role::parse(&role).unwrap_or(Role::Township),
        unit: r.get(3)?,
    })
}

fn submission_row(r: &rusqlite::Row) -> rusqlite::Result<Submission> {
    Ok(Submission {
        id: r.get(0)?,
        unit: r.get(1)?,
        bundle: r.get(2)?,
        filename: r.get(3)?,
        sha256: r.get(4)?,
        path: r.get(5)?,
        by: r.get(6)?,
        received: r.get(7)?,
        score: r.get(8)?,
        grade: r.get(9)?,
        verdicts: r.get(10)?,
    })
}
