//! Saving, listing and deleting a person's searches. A search is kept as
//! the query string of its address, checked by the same rules as the
//! search itself and written the same way every time (no empty parameters,
//! no page), so one search cannot be saved twice under two spellings.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app::AppState;
use crate::auth::AuthUser;
use crate::db::ids::{SavedSearchId, UserId};
use crate::db::schema::{saved_searches, users};
use crate::db::{DbConn, write_transaction};
use crate::error::{AppError, AppResult, FieldError};
use crate::search::tender_search::SearchParams;
use crate::web::control_chars;

/// The most searches one person keeps: each is run against every new
/// tender.
pub const MAX_PER_PERSON: i64 = 25;
/// The longest name, in characters.
pub const MAX_NAME_CHARS: usize = 100;

/// A saved search, as the API and the pages show it.
#[derive(Debug, Clone, Serialize, Queryable, Selectable, ToSchema)]
#[diesel(table_name = saved_searches)]
pub struct SavedSearch {
    pub id: SavedSearchId,
    pub name: String,
    /// The search's query string (`q=rengøring&cpv=909`); `/tenders?` and
    /// this run it again.
    pub query: String,
    /// UTC.
    #[serde(with = "crate::web::utc")]
    pub created_at: NaiveDateTime,
}

/// A search to save, as a form or a JSON body sends it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct NewSavedSearch {
    /// What the person calls it; when empty, the search's words or filters
    /// name it. At most 100 characters.
    #[schema(max_length = 100)]
    pub name: String,
    /// The query string of a tender search, as `/tenders` and
    /// `/api/v1/search/tenders` take it; the page number is dropped.
    pub query: String,
}

/// The person's searches, the newest first.
pub fn list_for(conn: &mut DbConn, user_id: UserId) -> QueryResult<Vec<SavedSearch>> {
    saved_searches::table
        .filter(saved_searches::user_id.eq(user_id))
        .order(saved_searches::id.desc())
        .select(SavedSearch::as_select())
        .load(conn)
}

pub async fn list(app: &AppState, user_id: UserId) -> AppResult<Vec<SavedSearch>> {
    app.db
        .run(move |conn| list_for(conn, user_id).map_err(AppError::from))
        .await
}

/// Checks the search by the search page's own rules and writes it the one
/// way it is stored. Every broken rule is named at once: the parameters of
/// the search by their own names, `query` when it cannot be read at all.
fn checked(input: &NewSavedSearch, now: NaiveDateTime) -> AppResult<(String, String)> {
    let mut errors = Vec::new();
    let name = input.name.trim();
    if name.chars().any(control_chars::is_refused) {
        errors.push(control_chars::field_at("name".to_owned()));
    } else if name.chars().count() > MAX_NAME_CHARS {
        errors.push(FieldError::new("name", "too_long").with("max", MAX_NAME_CHARS.to_string()));
    }
    let raw = input.query.trim().trim_start_matches('?');
    let params = match serde_urlencoded::from_str::<SearchParams>(raw) {
        Ok(params) => params.without("page"),
        Err(_) => {
            errors.push(FieldError::new("query", "not_a_search"));
            return Err(AppError::invalid(errors));
        }
    };
    if let Err(error) = params.to_query(now.and_utc().timestamp()) {
        errors.extend(error.fields().iter().cloned());
    }
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    let query = params.query_string();
    let name = if name.is_empty() {
        default_name(&params)
    } else {
        name.to_owned()
    };
    Ok((name, query))
}

/// A name from what the search asks: its words, or else its filters'
/// codes (`909 · DK01`, a reservation as the articles that allow it), or
/// `*` for every open tender. Codes read the same in either language.
fn default_name(params: &SearchParams) -> String {
    let words = params.q.trim();
    if !words.is_empty() {
        return words.chars().take(MAX_NAME_CHARS).collect();
    }
    let mut filters: Vec<&str> = [
        params.cpv.trim(),
        params.nuts.trim(),
        params.objective.trim(),
        params.procedure.trim(),
    ]
    .into_iter()
    .filter(|v| !v.is_empty())
    .collect();
    if !params.reserved.trim().is_empty() {
        filters.push("Art. 20/77");
    }
    if filters.is_empty() {
        "*".to_owned()
    } else {
        filters.join(" · ").chars().take(MAX_NAME_CHARS).collect()
    }
}

/// Saves the search for the person; 409 when they have saved it already,
/// 422 when they keep as many as they may.
pub async fn save(
    app: &AppState,
    user: &AuthUser,
    input: NewSavedSearch,
) -> AppResult<SavedSearch> {
    let now = app.clock.now();
    let (name, query) = checked(&input, now)?;
    let user_id = user.id;
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                hold_person(conn, user_id)?;
                let mine = saved_searches::table.filter(saved_searches::user_id.eq(user_id));
                let same: i64 = mine
                    .filter(saved_searches::query.eq(&query))
                    .count()
                    .get_result(conn)?;
                if same > 0 {
                    return Err(AppError::conflict("query", "already_saved"));
                }
                let kept: i64 = mine.count().get_result(conn)?;
                if kept >= MAX_PER_PERSON {
                    return Err(AppError::invalid(vec![
                        FieldError::new("query", "too_many")
                            .with("max", MAX_PER_PERSON.to_string()),
                    ]));
                }
                diesel::insert_into(saved_searches::table)
                    .values((
                        saved_searches::user_id.eq(user_id),
                        saved_searches::name.eq(&name),
                        saved_searches::query.eq(&query),
                        saved_searches::created_at.eq(now),
                    ))
                    .execute(conn)?;
                // Read back by its unique key: `RETURNING` does not compile
                // on the connection that serves both databases.
                mine.filter(saved_searches::query.eq(&query))
                    .select(SavedSearch::as_select())
                    .first(conn)
                    .map_err(AppError::from)
            })
        })
        .await
}

/// Holds the person's row until the transaction ends, so that on
/// PostgreSQL their parallel saves check the duplicate and the limit one
/// after another: without it two saves of one search both pass the check
/// (one then fails at the unique index, not as "already saved"), and saves
/// of different searches can pass the limit together. SQLite runs one write
/// transaction at a time, so it needs nothing.
fn hold_person(conn: &mut DbConn, user_id: UserId) -> QueryResult<()> {
    if let DbConn::Postgres(c) = conn {
        users::table
            .find(user_id.0)
            .select(users::id)
            .for_update()
            .load::<i64>(c)?;
    }
    Ok(())
}

/// Deletes one of the person's searches; another person's is not found.
pub async fn delete(app: &AppState, user: &AuthUser, id: SavedSearchId) -> AppResult<()> {
    let user_id = user.id;
    let deleted = app
        .db
        .run(move |conn| {
            diesel::delete(
                saved_searches::table
                    .filter(saved_searches::id.eq(id))
                    .filter(saved_searches::user_id.eq(user_id)),
            )
            .execute(conn)
            .map_err(AppError::from)
        })
        .await?;
    if deleted == 0 {
        return Err(AppError::not_found());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 12, 4)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap()
    }

    fn saved(name: &str, query: &str) -> AppResult<(String, String)> {
        checked(
            &NewSavedSearch {
                name: name.into(),
                query: query.into(),
            },
            at(),
        )
    }

    #[test]
    fn a_search_is_stored_one_way_without_its_page() {
        let (name, query) = saved("", "?page=3&cpv=909&q=+rengøring+&nuts=").unwrap();
        assert_eq!(query, "q=reng%C3%B8ring&cpv=909");
        assert_eq!(name, "rengøring");
        let (name, _) = saved("  Rengøring i Aarhus ", "cpv=909&nuts=DK04").unwrap();
        assert_eq!(name, "Rengøring i Aarhus");
        assert_eq!(saved("", "cpv=909&nuts=DK04").unwrap().0, "909 · DK04");
        assert_eq!(saved("", "reserved=yes").unwrap().0, "Art. 20/77");
        assert_eq!(saved("", "").unwrap(), ("*".to_owned(), String::new()));
    }

    #[test]
    fn every_broken_rule_is_named() {
        let AppError::Invalid { fields, .. } =
            saved(&"x".repeat(101), "cpv=12&status=maybe").unwrap_err()
        else {
            panic!("not a validation error");
        };
        let named: Vec<&str> = fields.iter().map(|f| &*f.field).collect();
        assert_eq!(named, ["name", "cpv", "status"]);
        let AppError::Invalid { fields, .. } = saved("a\u{0}b", "value_min=many").unwrap_err()
        else {
            panic!("not a validation error");
        };
        let named: Vec<(&str, &str)> = fields.iter().map(|f| (&*f.field, f.rule)).collect();
        assert_eq!(
            named,
            [("name", "control_character"), ("query", "not_a_search")]
        );
    }
}
