//! Profile pages.
