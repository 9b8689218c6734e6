//! The one registry of diagnostic codes: an enum per area (rule set, expression, YAML, bundle
//! data, verdict file, calendar, command line), aggregated into [`Code`] the way cargo-deny's
//! `DiagnosticCode` aggregates its checks. Each code has its stable kebab-case string (what
//! JSON, the XLSX and `problems[].code` show), its usual severity, a one-sentence Chinese
//! summary, a one-line Chinese help and its [`Fixture`]. Membership is the type: a code that
//! is not a variant cannot be emitted.

use std::sync::Arc;

use super::Severity;

/// What the registry knows about one code.
#[derive(Debug, Clone, Copy)]
pub struct Info {
    /// Stable kebab-case string, never changed once released.
    pub code: &'static str,
    /// The usual severity (a few codes are a warning in one place and an error in another:
    /// the `Problem` carries its own).
    pub severity: Severity,
    /// What is wrong, one plain-Chinese sentence.
    pub summary: &'static str,
    /// What to do about it, one plain-Chinese line.
    pub help: &'static str,
    pub fixture: Fixture,
}

/// Where a code is shown happening. A test runs every fixture and checks that it reports its
/// code (tests/cli/codes.rs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fixture {
    /// `fixtures/rules/<code>/`: a broken rule set `kaohe rules check` reports with exactly
    /// this code (its position is in the `BROKEN` table of tests/cli/toolkit.rs).
    Rules,
    /// `fixtures/malformed/<case>/`: a bundle (`bundle/`, optional `verdicts.yaml`) that
    /// `kaohe score --format json` reports with this code.
    Bundle(&'static str),
    /// A kaohe command line, run in the repository, that reports this code.
    Command(&'static [&'static str]),
    /// No file can hold it (it needs a failing disk, a 4 MiB file, a thread that cannot
    /// start …): why, and the test that exercises it instead.
    Absent(&'static str),
}

/// The areas, in the order `kaohe rules codes` lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Area {
    Rule,
    Expr,
    Yaml,
    Data,
    Verdict,
    Calendar,
    Cli,
    Check,
}

impl Area {
    pub const ALL: [Area; 7] = [
        Area::Rule,
        Area::Expr,
        Area::Yaml,
        Area::Data,
        Area::Verdict,
        Area::Calendar,
        Area::Cli,
    ];

    /// The area's heading in `kaohe rules codes`.
    pub fn title(self) -> &'static str {
        match self {
            Area::Rule => "规则集（kaohe rules check）",
            Area::Expr => "表达式与消息模板（kaohe rules check）",
            Area::Yaml => "YAML 文件（规则文件、bundle.yaml、评分文件）",
            Area::Data => "报送材料（问题清单 problems[]）",
            Area::Verdict => "评分文件（--verdicts）",
            Area::Calendar => "工作日历（calendar: 与 --calendar）",
            Area::Cli => "命令行、批量评分与服务",
            Area::Check => "规则集自定义的数据检查（checks:）",
        }
    }

    /// Every code of the area, in registry order.
    pub fn codes(self) -> Vec<Code> {
        fn all<T: Copy + Into<Code>>(list: &[T]) -> Vec<Code> {
            list.iter().map(|&c| c.into()).collect()
        }
        match self {
            Area::Rule => all(RuleCode::ALL),
            Area::Expr => all(ExprCode::ALL),
            Area::Yaml => all(YamlCode::ALL),
            Area::Data => all(DataCode::ALL),
            Area::Verdict => all(VerdictCode::ALL),
            Area::Calendar => all(CalendarCode::ALL),
            Area::Cli => all(CliCode::ALL),
            Area::Check => Vec::new(),
        }
    }
}

/// The code of a rule set's own data check (`checks: - code: reply-before-receipt`): the rule
/// set names it, so it is data, validated kebab-case when the rule set loads.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CheckCode(Arc<str>);

impl CheckCode {
    /// `None` unless `code` is kebab-case (lower-case ASCII letters and digits, hyphens
    /// between).
    pub fn new(code: &str) -> Option<CheckCode> {
        is_kebab(code).then(|| CheckCode(Arc::from(code)))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `reply-before-receipt`: lower-case ASCII letters and digits, single hyphens between.
pub fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// Every diagnostic code kaohe emits.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    Rule(RuleCode),
    Expr(ExprCode),
    Yaml(YamlCode),
    Data(DataCode),
    Verdict(VerdictCode),
    Calendar(CalendarCode),
    Cli(CliCode),
    Check(CheckCode),
}

impl Code {
    /// The stable string (JSON `problems[].code`, the XLSX, `错误[code]`).
    pub fn as_str(&self) -> &str {
        match self {
            Code::Check(c) => c.as_str(),
            other => other.info().map_or("", |i| i.code),
        }
    }

    /// The registry entry; `None` for a rule set's own check code.
    pub fn info(&self) -> Option<&'static Info> {
        Some(match self {
            Code::Rule(c) => c.info(),
            Code::Expr(c) => c.info(),
            Code::Yaml(c) => c.info(),
            Code::Data(c) => c.info(),
            Code::Verdict(c) => c.info(),
            Code::Calendar(c) => c.info(),
            Code::Cli(c) => c.info(),
            Code::Check(_) => return None,
        })
    }

    pub fn area(&self) -> Area {
        match self {
            Code::Rule(_) => Area::Rule,
            Code::Expr(_) => Area::Expr,
            Code::Yaml(_) => Area::Yaml,
            Code::Data(_) => Area::Data,
            Code::Verdict(_) => Area::Verdict,
            Code::Calendar(_) => Area::Calendar,
            Code::Cli(_) => Area::Cli,
            Code::Check(_) => Area::Check,
        }
    }

    /// Every registered code, area by area (a rule set's check codes are not registered).
    pub fn all() -> Vec<Code> {
        Area::ALL.iter().flat_map(|a| a.codes()).collect()
    }

    /// The registered codes spelled `code` (a few strings, such as `bad-date` and
    /// `unknown-key`, name one code in each of two areas). For looking a code up from the
    /// command line (`kaohe rules codes CODE`), never for deciding what to do.
    pub fn lookup(code: &str) -> Vec<Code> {
        Code::all()
            .into_iter()
            .filter(|c| c.as_str() == code)
            .collect()
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl From<CheckCode> for Code {
    fn from(c: CheckCode) -> Code {
        Code::Check(c)
    }
}

/// One area's enum: each variant with its string, severity, fixture, summary and help.
macro_rules! area {
    (
        $(#[$attr:meta])*
        $Enum:ident => $Variant:ident {
            $(
                $(#[$vattr:meta])*
                $V:ident = $code:literal, $sev:ident, $fix:expr,
                $summary:literal,
                $help:literal;
            )*
        }
    ) => {
        $(#[$attr])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $Enum {
            $($(#[$vattr])* $V,)*
        }

        impl $Enum {
            /// Every code of the area, in the order the documentation lists them.
            pub const ALL: &'static [$Enum] = &[$($Enum::$V,)*];

            pub const fn info(self) -> &'static Info {
                use Fixture::*;
                match self {
                    $($Enum::$V => &Info {
                        code: $code,
                        severity: Severity::$sev,
                        summary: $summary,
                        help: $help,
                        fixture: $fix,
                    },)*
                }
            }

            pub const fn as_str(self) -> &'static str {
                self.info().code
            }
        }

        impl From<$Enum> for Code {
            fn from(c: $Enum) -> Code {
                Code::$Variant(c)
            }
        }

        impl PartialEq<$Enum> for Code {
            fn eq(&self, other: &$Enum) -> bool {
                matches!(self, Code::$Variant(c) if c == other)
            }
        }
    };
}

mod cli_codes;
mod data_codes;
mod expr_codes;
mod rule_codes;

pub use cli_codes::CliCode;
pub use data_codes::{CalendarCode, DataCode, VerdictCode};
pub use expr_codes::ExprCode;
pub use rule_codes::{RuleCode, YamlCode};
