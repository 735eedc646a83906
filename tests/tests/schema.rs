//! Every foreign key must be indexed, so deleting or joining along it never
//! scans a whole table. (That both migration sets build the same schema,
//! and that schema.rs says what they build, is `schema_details.rs`.)

use diesel::prelude::*;
use diesel::sql_types::Text;
use socialbid_tests::{Backend, TestDb};

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
