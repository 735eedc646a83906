//! Moderation pages.
