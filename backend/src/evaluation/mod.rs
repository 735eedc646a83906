//! Evaluation and award, after the owning officer has opened the bids:
//! scores with written reasons, the weighted total and ranking per lot
//! (`arithmetic`), the award per lot with its standstill period
//! (`standstill`) and the contract's signing after it.

pub mod api;
pub mod arithmetic;
pub mod award;
pub mod ocds;
pub mod pages;
pub mod scoring;
pub mod standstill;
