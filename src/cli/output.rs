//! Report files are never left half-written: a report is written to a temporary file in the
//! same folder (`.NAME.kaohe-PID.tmp`) and renamed over `-o FILE` only once it is complete.
//! An interruption (Ctrl-C) removes the temporary files, so `FILE` is either the previous
//! file, or absent, or the whole new report. Scratch files (a national batch's JSON spool)
//! are removed the same way.

use crate::diag::CliCode;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, Once};

use super::cli_error;
use crate::diag::Fatal;

/// Temporary files to remove when the run is interrupted.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
static HANDLER: Once = Once::new();

fn register(path: &Path) {
    HANDLER.call_once(|| {
        // When the handler cannot be installed, Ctrl-C still stops kaohe; only the temporary
        // file (never the report) may be left behind.
        let _ = ctrlc::set_handler(|| {
            if let Ok(pending) = PENDING.lock() {
                for p in pending.iter() {
                    let _ = std::fs::remove_file(p);
                }
            }
            eprintln!("kaohe: 已中断，未写出报告文件");
            std::process::exit(130);
        });
    });
    if let Ok(mut pending) = PENDING.lock() {
        pending.push(path.to_path_buf());
    }
}

fn unregister(path: &Path) {
    if let Ok(mut pending) = PENDING.lock() {
        pending.retain(|p| p != path);
    }
}

fn unwritable(path: &Path, e: std::io::Error) -> Fatal {
    cli_error(
        CliCode::OutputUnwritable,
        format!("无法写入 {}：{}", path.display(), crate::diag::os_error(&e)),
    )
}

/// A temporary file that is removed when dropped (or on Ctrl-C) unless `commit`ted.
pub(super) struct Staged {
    tmp: PathBuf,
    target: Option<PathBuf>,
    file: Option<BufWriter<File>>,
}

impl Staged {
    /// Stage the report `path`: its temporary file beside it.
    pub(super) fn report(path: &Path) -> Result<Staged, Fatal> {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "kaohe".to_string());
        let tmp = path.with_file_name(format!(".{name}.kaohe-{}.tmp", std::process::id()));
        Self::create(tmp, Some(path.to_path_buf()), path)
    }

    /// A scratch file in `dir` (removed when dropped), for data too large to keep in memory.
    pub(super) fn scratch(dir: &Path, what: &str) -> Result<Staged, Fatal> {
        let tmp = dir.join(format!(".kaohe-{}-{what}.tmp", std::process::id()));
        Self::create(tmp.clone(), None, &tmp)
    }

    fn create(tmp: PathBuf, target: Option<PathBuf>, shown: &Path) -> Result<Staged, Fatal> {
        register(&tmp);
        let file = File::create(&tmp).map_err(|e| {
            unregister(&tmp);
            unwritable(shown, e)
        })?;
        Ok(Staged {
            tmp,
            target,
            file: Some(BufWriter::with_capacity(1 << 16, file)),
        })
    }

    pub(super) fn path(&self) -> &Path {
        &self.tmp
    }

    pub(super) fn write_all(&mut self, bytes: &[u8]) -> Result<(), Fatal> {
        let shown = self.target.clone().unwrap_or_else(|| self.tmp.clone());
        match self.file.as_mut() {
            Some(f) => f.write_all(bytes).map_err(|e| unwritable(&shown, e)),
            None => Ok(()),
        }
    }

    /// Flush what was written so far (before reading a scratch file back).
    pub(super) fn flush(&mut self) -> Result<(), Fatal> {
        let shown = self.target.clone().unwrap_or_else(|| self.tmp.clone());
        match self.file.as_mut() {
            Some(f) => f.flush().map_err(|e| unwritable(&shown, e)),
            None => Ok(()),
        }
    }

    /// Finish the report: flush and rename the temporary file over the target.
    pub(super) fn commit(mut self) -> Result<(), Fatal> {
        let target = self.target.clone().unwrap_or_else(|| self.tmp.clone());
        if let Some(f) = self.file.take() {
            f.into_inner()
                .map_err(|e| unwritable(&target, e.into_error()))?;
        }
        std::fs::rename(&self.tmp, &target).map_err(|e| unwritable(&target, e))?;
        unregister(&self.tmp);
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if self.file.take().is_some() || self.tmp.exists() {
            let _ = std::fs::remove_file(&self.tmp);
        }
        unregister(&self.tmp);
    }
}

/// Write a whole report to `path` through a temporary file.
pub(super) fn write_file(path: &Path, bytes: &[u8]) -> Result<(), Fatal> {
    let mut staged = Staged::report(path)?;
    staged.write_all(bytes)?;
    staged.commit()
}
