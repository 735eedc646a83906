//! The two migration sets must build the same tables with the same columns,
//! and every foreign key must be indexed, so a query planned on one
//! database behaves on the other.

use std::collections::BTreeMap;

use diesel::prelude::*;
use diesel::sql_types::Text;
use socialbid_tests::{Backend, TestDb};

#[derive(QueryableByName)]
struct Column {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
}

fn columns(backend: Backend) -> BTreeMap<String, Vec<String>> {
    let db = TestDb::new(backend);
    let pool = socialbid::db::Db::connect(db.url(), 1).unwrap();
    pool.migrate().unwrap();
    let mut conn = pool.get().unwrap();
    let rows: Vec<Column> = match &mut *conn {
        socialbid::db::DbConn::Postgres(c) => diesel::sql_query(
            "SELECT table_name::text AS table_name, column_name::text AS column_name \
             FROM information_schema.columns WHERE table_schema = 'public' \
             AND table_name <> '__diesel_schema_migrations' ORDER BY table_name, column_name",
        )
        .load(c)
        .unwrap(),
        socialbid::db::DbConn::Sqlite(c) => diesel::sql_query(
            "SELECT m.name AS table_name, p.name AS column_name FROM sqlite_master m \
             JOIN pragma_table_info(m.name) p WHERE m.type = 'table' \
             AND m.name NOT IN ('__diesel_schema_migrations', 'sqlite_sequence') ORDER BY 1, 2",
        )
        .load(c)
        .unwrap(),
    };
    let mut tables: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for row in rows {
        tables
            .entry(row.table_name)
            .or_default()
            .push(row.column_name);
    }
    tables
}

#[test]
fn both_databases_have_the_same_tables_and_columns() {
    let sqlite = columns(Backend::Sqlite);
    let postgres = columns(Backend::Postgres);
    assert!(
        sqlite.contains_key("users") && sqlite.contains_key("jobs"),
        "{sqlite:?}"
    );
    assert_eq!(sqlite, postgres);
}

#[derive(QueryableByName, Debug)]
struct ForeignKey {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
}

#[test]
fn every_foreign_key_is_indexed() {
    let db = TestDb::new(Backend::Postgres);
    let pool = socialbid::db::Db::connect(db.url(), 1).unwrap();
    pool.migrate().unwrap();
    let mut conn = pool.get().unwrap();
    let socialbid::db::DbConn::Postgres(c) = &mut *conn else {
        unreachable!("a PostgreSQL test database")
    };
    // A foreign key column that is not the first column of some index.
    let unindexed: Vec<ForeignKey> = diesel::sql_query(
        "SELECT cl.relname::text AS table_name, a.attname::text AS column_name \
         FROM pg_constraint co \
         JOIN pg_class cl ON cl.oid = co.conrelid \
         JOIN pg_attribute a ON a.attrelid = co.conrelid AND a.attnum = co.conkey[1] \
         WHERE co.contype = 'f' AND NOT EXISTS ( \
             SELECT 1 FROM pg_index i WHERE i.indrelid = co.conrelid AND i.indkey[0] = co.conkey[1])",
    )
    .load(c)
    .unwrap();
    let unindexed: Vec<String> = unindexed
        .iter()
        .map(|f| format!("{}.{}", f.table_name, f.column_name))
        .collect();
    assert!(
        unindexed.is_empty(),
        "foreign keys without an index: {unindexed:?}"
    );
}
