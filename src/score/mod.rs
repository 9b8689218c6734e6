//! Pure scoring.
