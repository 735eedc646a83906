//! Standard codes the platform speaks: CPV, NUTS, the eForms codelists and
//! Danish CVR numbers. Never a code of our own where a standard exists.

pub mod cpv;
mod csv;
pub mod cvr;
pub mod eforms;
pub mod nuts;
