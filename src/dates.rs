//! Dates as townships write them (bundle-spec.md "Dates").
use jiff::civil::Date;

/// Y-M-D, Y/M/D, Y.M.D or Y年M月D日(号), ASCII or full-width digits, optional trailing time.
/// The input is already trimmed. Anything else is `None`.
pub fn parse_date(_s: &str) -> Option<Date> {
    todo!("loader helper")
}
