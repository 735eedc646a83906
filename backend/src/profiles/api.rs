//! Profiles as JSON.
