//! Where a profile's review stands, as stored in `organisations.review_state`.
//! Suspension is kept apart (`suspended_at`), because a suspended profile
//! keeps the review state it had and returns to it when reinstated.

use serde::Serialize;

use crate::db::stored::{StoredState, read_from_text};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, diesel::FromSqlRow)]
#[serde(rename_all = "snake_case")]
pub enum ReviewState {
    /// Submitted, or changed in what an admin must verify; waiting for one.
    Pending,
    Approved,
    Rejected,
    /// An admin asked the members to change something before approving.
    ChangesRequested,
}

impl ReviewState {
    pub const ALL: [ReviewState; 4] = [
        ReviewState::Pending,
        ReviewState::Approved,
        ReviewState::Rejected,
        ReviewState::ChangesRequested,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReviewState::Pending => "pending",
            ReviewState::Approved => "approved",
            ReviewState::Rejected => "rejected",
            ReviewState::ChangesRequested => "changes_requested",
        }
    }

    pub fn parse(value: &str) -> Option<ReviewState> {
        ReviewState::ALL
            .into_iter()
            .find(|state| state.as_str() == value)
    }
}

impl StoredState for ReviewState {
    const WHAT: &'static str = "profile review state";

    fn parse(value: &str) -> Option<ReviewState> {
        ReviewState::parse(value)
    }
}

read_from_text!(ReviewState);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_reads_back_and_nothing_else_does() {
        for state in ReviewState::ALL {
            assert_eq!(ReviewState::parse(state.as_str()), Some(state));
        }
        assert_eq!(ReviewState::parse("suspended"), None);
        assert_eq!(ReviewState::parse(""), None);
    }
}
