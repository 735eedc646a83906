//! Consortia: a bid's lead organisation invites partners, each with its
//! role and share of the work; each partner accepts or declines; the bid
//! is submitted only when no invitation is pending, and then names every
//! member. Accepted partners read the bid they belong to (never change
//! it: the lead submits), and for a reserved tender every member must be
//! eligible. The indexer suggests partners that cover what the lead
//! lacks (`suggestions`); the lead can also find them by name.

pub mod api;
pub mod inviting;
pub mod members;
pub mod pages;
pub mod store;
pub mod suggestions;
