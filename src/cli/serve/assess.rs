//! Scoring for the service: a bundle (bytes as received, or a folder in local mode) through
//! `cli::pipeline`, on a bounded pool of blocking threads with a time limit, so one hostile
//! upload cannot stall the service: at most `jobs` scorings run at once (the others wait their
//! turn), and a request whose scoring takes longer than the limit fails with 503 while its
//! thread keeps its slot until it ends. Memory is bounded by the upload limit and the zip caps
//! of `load::zip` (64 MiB a member, 1 GiB in all), as for the command line.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use tokio::sync::Semaphore;

use super::api::ApiError;
use crate::cli::pipeline::{self, Loaded, VerdictInput};
use crate::diag::Fatal;
use crate::load::{OpenBundle, open_bundle, open_zip_bytes};

/// Where a submission's bundle is.
#[derive(Clone)]
pub(super) enum Source {
    /// A .zip as received; `name` is the file name it was uploaded under (without `.zip`).
    Zip { bytes: Arc<Vec<u8>>, name: String },
    /// Local mode: a bundle folder or .zip on disk, read afresh each time.
    Path(PathBuf),
}

impl Source {
    pub(super) fn open(&self) -> Result<OpenBundle, Fatal> {
        match self {
            Source::Zip { bytes, name } => open_zip_bytes(bytes.to_vec(), name),
            Source::Path(p) => open_bundle(p),
        }
    }

    /// Open and load everything to score, as `kaohe score` does.
    pub(super) fn load(
        &self,
        rules: Option<&str>,
        verdicts: Option<VerdictInput>,
    ) -> Result<Loaded, Fatal> {
        pipeline::load_opened(self.open()?, rules, verdicts, &[])
    }
}

pub(super) struct Scorer {
    slots: Arc<Semaphore>,
    limit: Duration,
    pub pool: rayon::ThreadPool,
}

impl Scorer {
    pub(super) fn new(jobs: usize, limit: Duration, pool: rayon::ThreadPool) -> Scorer {
        Scorer {
            slots: Arc::new(Semaphore::new(jobs)),
            limit,
            pool,
        }
    }

    /// Run `job` on a blocking thread once a slot is free; fail after the time limit (waiting
    /// included) or when the job panics.
    pub(super) async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let timed_out = || {
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "score-timeout",
                format!(
                    "评分超过时限（{} 秒）未完成，请稍后再试或联系管理员",
                    self.limit.as_secs()
                ),
            )
        };
        let deadline = tokio::time::Instant::now() + self.limit;
        let permit = tokio::time::timeout_at(deadline, self.slots.clone().acquire_owned())
            .await
            .map_err(|_| timed_out())?
            .map_err(|_| ApiError::internal("评分线程已关闭"))?;
        let handle = tokio::task::spawn_blocking(move || {
            let _slot = permit;
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(job))
        });
        match tokio::time::timeout_at(deadline, handle).await {
            Err(_) => Err(timed_out()),
            Ok(Err(_)) | Ok(Ok(Err(_))) => Err(ApiError::internal(
                "kaohe 内部错误，此份材料未能评分（请把材料报告给开发者）",
            )),
            Ok(Ok(Ok(result))) => result,
        }
    }
}
