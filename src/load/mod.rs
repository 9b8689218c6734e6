//! The only module that opens files.
