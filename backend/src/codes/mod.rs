//! Standard codes the platform speaks: Danish CVR numbers and NUTS regions.

pub mod cvr;
pub mod nuts;
