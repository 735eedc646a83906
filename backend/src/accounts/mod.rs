//! Accounts: registration with email verification, login and sessions,
//! password reset and change, data export and deletion. The rules live in
//! `service`; `api` (JSON) and `pages` (HTML forms) both go through it.

pub mod api;
pub mod export;
pub mod ip_limit;
pub mod model;
pub mod pages;
pub mod service;
pub mod validate;

pub use validate::Registration;
