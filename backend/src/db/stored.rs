//! Values stored as text that are more than text: a JSON list, or one of a
//! fixed set of states. Reading them checks them, so a row that does not
//! parse is an error where it is read, never an empty list or a default
//! state that would quietly change what the platform does.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::sql_types::Text;
use serde::de::DeserializeOwned;

/// A JSON document in a TEXT column, parsed when the row is read.
#[derive(Debug, Clone, PartialEq, FromSqlRow, AsExpression)]
#[diesel(sql_type = Text)]
pub struct JsonText<T>(pub T);

impl<T, DB> FromSql<Text, DB> for JsonText<T>
where
    DB: Backend,
    String: FromSql<Text, DB>,
    T: DeserializeOwned + std::fmt::Debug,
{
    fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
        let text = String::from_sql(bytes)?;
        serde_json::from_str(&text)
            .map(JsonText)
            .map_err(|e| format!("stored JSON does not parse ({e}): {text:.200}").into())
    }
}

/// A state stored by its name: `Stored::parse` must know every name in the
/// database.
pub trait StoredState: Sized {
    const WHAT: &'static str;
    fn parse(value: &str) -> Option<Self>;
}

/// Reads a stored state, refusing a name the code does not know.
pub fn read_state<S: StoredState, DB>(bytes: DB::RawValue<'_>) -> deserialize::Result<S>
where
    DB: Backend,
    String: FromSql<Text, DB>,
{
    let text = String::from_sql(bytes)?;
    S::parse(&text).ok_or_else(|| format!("unknown {} {text:?} in the database", S::WHAT).into())
}

/// Implements diesel's `FromSql<Text>` on every backend for stored states,
/// reading each through `read_state` (a foreign trait cannot be implemented
/// for every `StoredState` at once, hence the macro).
macro_rules! read_from_text {
    ($($state:ty),+ $(,)?) => {$(
        impl<DB> diesel::deserialize::FromSql<diesel::sql_types::Text, DB> for $state
        where
            DB: diesel::backend::Backend,
            String: diesel::deserialize::FromSql<diesel::sql_types::Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
                $crate::db::stored::read_state::<Self, DB>(bytes)
            }
        }
    )+};
}
pub(crate) use read_from_text;
