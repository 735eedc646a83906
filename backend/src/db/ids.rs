//! Typed record ids, carried by rows, views and function parameters
//! throughout: a function that takes a tender and a bid takes a `TenderId`
//! and a `BidId`, so the compiler refuses them swapped (or a user's id
//! passed for an organisation's) where plain `i64`s would have been
//! accepted. Each reads and writes
//! as a BIGINT on both databases and as a plain number in JSON and in the
//! OpenAPI document.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql};
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::BigInt;

macro_rules! record_ids {
    ($($(#[$doc:meta])* $name:ident,)+) => {$(
        $(#[$doc])*
        #[derive(
            Debug,
            Clone,
            Copy,
            PartialEq,
            Eq,
            PartialOrd,
            Ord,
            Hash,
            serde::Serialize,
            serde::Deserialize,
            utoipa::ToSchema,
            diesel::AsExpression,
            diesel::FromSqlRow,
        )]
        #[serde(transparent)]
        #[diesel(sql_type = BigInt)]
        pub struct $name(pub i64);

        impl<DB> ToSql<BigInt, DB> for $name
        where
            DB: Backend,
            i64: ToSql<BigInt, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                self.0.to_sql(out)
            }
        }

        impl<DB> FromSql<BigInt, DB> for $name
        where
            DB: Backend,
            i64: FromSql<BigInt, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
                i64::from_sql(bytes).map($name)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    )+};
}

record_ids! {
    /// A row of `tenders`.
    TenderId,
    /// A row of `organisations`.
    OrganisationId,
    /// A row of `users`.
    UserId,
    /// A row of `sessions`.
    SessionId,
    /// A row of `bids`.
    BidId,
    /// A row of `tender_questions`.
    QuestionId,
    /// A row of `tender_documents`.
    DocumentId,
    /// A row of `organisation_invitations`.
    InvitationId,
    /// A row of `authorities`.
    AuthorityId,
    /// A row of `jobs`.
    JobId,
    /// A row of `profile_flags`.
    FlagId,
    /// A row of `notifications`.
    NotificationId,
    /// A row of `saved_searches`.
    SavedSearchId,
    /// A row of `bid_documents`.
    BidDocumentId,
}
