//! Where a profile's review stands, as stored in `organisations.review_state`.
//! Suspension is kept apart (`suspended_at`), because a suspended profile
//! keeps the review state it had and returns to it when reinstated.

use diesel::deserialize::FromSql;
use diesel::sql_types::Text;
use serde::Serialize;

use crate::db::stored::{StoredState, read_state};

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

impl<DB> FromSql<Text, DB> for ReviewState
where
    DB: diesel::backend::Backend,
    String: FromSql<Text, DB>,
{
    fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<ReviewState> {
        read_state::<ReviewState, DB>(bytes)
    }
}

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
