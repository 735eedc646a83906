//! Social-enterprise profiles: an organisation with several members
//! describes what it can deliver and the social value it creates. Only the
//! facts an admin approved are public; `moderation` decides.

pub mod api;
pub mod directory;
pub mod model;
pub mod pages;
pub mod service;
