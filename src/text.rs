//! Text clean-up shared by every loader: trimming, placeholders, text-check normalisation.

/// Trim leading/trailing whitespace including full-width spaces and U+FEFF; `None` when the
/// result is empty or a placeholder (无, /, -, —, －).
pub fn clean(_s: &str) -> Option<&str> {
    todo!("loader helper")
}
