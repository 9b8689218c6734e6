//! What `kaohe explain` shows besides the findings (`score::trace` evaluates it, the report
//! renders it).

use crate::value::Value;

/// The named values behind one indicator's score.
#[derive(Debug, Clone, Default)]
pub struct Trace {
    /// Each `let`, in order, with its value.
    pub lets: Vec<(String, Value)>,
    /// The tiers measure, when the method is tiers.
    pub measure: Option<Value>,
}
