//! Integration tests of `kaohe score` against the shipped rule set county-zwgk-2021 and the seed
//! bundle fixtures/xx-town-2021. One test binary; the modules group the indicators as
//! shared/county-2021/indicators.md does. Every expected number is computed by hand from
//! indicators.md (arithmetic in the comment beside the assertion), never copied from output.

#[path = "cli/harness.rs"]
mod harness;

#[path = "cli/annual_report.rs"]
mod annual_report;
#[path = "cli/batch.rs"]
mod batch;
#[path = "cli/bonus.rs"]
mod bonus;
#[path = "cli/codes.rs"]
mod codes;
#[path = "cli/county.rs"]
mod county;
#[path = "cli/errors.rs"]
mod errors;
#[path = "cli/exports.rs"]
mod exports;
#[path = "cli/formats.rs"]
mod formats;
#[path = "cli/gazette.rs"]
mod gazette;
#[path = "cli/grading.rs"]
mod grading;
#[path = "cli/hostile.rs"]
mod hostile;
#[path = "cli/methods.rs"]
mod methods;
#[path = "cli/on_request.rs"]
mod on_request;
#[path = "cli/org.rs"]
mod org;
#[path = "cli/plain.rs"]
mod plain;
#[path = "cli/platform.rs"]
mod platform;
#[path = "cli/proactive.rs"]
mod proactive;
#[path = "cli/reports.rs"]
mod reports;
#[path = "cli/second_township.rs"]
mod second_township;
#[path = "cli/seed.rs"]
mod seed;
#[path = "cli/serve.rs"]
mod serve;
#[path = "cli/snapshots.rs"]
mod snapshots;
#[path = "cli/toolkit.rs"]
mod toolkit;
#[path = "cli/township.rs"]
mod township;
#[path = "cli/units.rs"]
mod units;
#[path = "cli/weights.rs"]
mod weights;
