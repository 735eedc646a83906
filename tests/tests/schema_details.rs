//! The schema, checked rather than hand-kept: `backend/src/db/schema.rs`
//! must say exactly what the migrated PostgreSQL database says (the
//! `table!` blocks `diesel print-schema` would write: every column, its
//! type and nullability, in order), and the two migration sets must agree
//! on more than column names: types, nullability, indexes (columns,
//! uniqueness, partiality), CHECK constraints (how many, and the values
//! they allow) and triggers.

use std::collections::{BTreeMap, BTreeSet};

use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};
use socialbid::db::DbConn;
use socialbid_tests::{Backend, TestDb, workspace_root};

/// One column, as both databases can describe it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct ColumnShape {
    name: String,
    /// `int`, `text`, `timestamp`, `bool`, `float`, `binary`, `date`.
    class: String,
    nullable: bool,
}

#[derive(Debug, Default, PartialEq, Eq)]
struct Shape {
    columns: BTreeMap<String, Vec<ColumnShape>>,
    /// (table, columns, unique, partial)
    indexes: BTreeSet<(String, String, bool, bool)>,
    /// table → (number of CHECK constraints, every literal they name)
    checks: BTreeMap<String, (usize, Vec<String>)>,
    /// (table, event)
    triggers: BTreeSet<(String, String)>,
}

#[derive(QueryableByName)]
struct RawColumn {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
    #[diesel(sql_type = Bool)]
    nullable: bool,
}

#[derive(QueryableByName)]
struct RawIndex {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    columns: String,
    #[diesel(sql_type = Bool)]
    is_unique: bool,
    #[diesel(sql_type = Bool)]
    partial: bool,
}

#[derive(QueryableByName)]
struct RawText {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    definition: String,
}

const SKIPPED_TABLES: [&str; 2] = ["__diesel_schema_migrations", "sqlite_sequence"];

fn type_class(declared: &str) -> String {
    let declared = declared.to_ascii_lowercase();
    let class = match declared.as_str() {
        "integer" | "bigint" | "smallint" | "int" => "int",
        "text" | "character varying" | "varchar" => "text",
        "timestamp" | "timestamp without time zone" => "timestamp",
        "boolean" | "bool" => "bool",
        "double precision" | "real" | "double" | "float" => "float",
        "bytea" | "blob" => "binary",
        "date" => "date",
        other => return format!("unknown:{other}"),
    };
    class.to_owned()
}

/// The single-quoted literals in a CHECK definition, without PostgreSQL's
/// `::text` casts, sorted.
fn literals(definition: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = definition;
    while let Some(start) = rest.find('\'') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('\'') else { break };
        found.push(after[..end].to_owned());
        rest = &after[end + 1..];
    }
    found.sort();
    found
}

/// The CHECK clauses of a SQLite `CREATE TABLE` statement, each with its
/// balanced parentheses.
fn sqlite_checks(create: &str) -> Vec<String> {
    let upper = create.to_ascii_uppercase();
    let mut checks = Vec::new();
    let mut from = 0;
    while let Some(found) = upper[from..].find("CHECK") {
        let start = from + found;
        let Some(open) = create[start..].find('(').map(|o| start + o) else {
            break;
        };
        let mut depth = 0;
        let mut end = open;
        for (i, c) in create[open..].char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + i;
                        break;
                    }
                }
                _ => {}
            }
        }
        checks.push(create[open..=end].to_owned());
        from = end + 1;
    }
    checks
}

fn migrated(backend: Backend) -> (TestDb, socialbid::db::PooledConn) {
    let db = TestDb::new(backend);
    let pool = socialbid::db::Db::connect(db.url(), 1).unwrap();
    pool.migrate().unwrap();
    let conn = pool.get().unwrap();
    (db, conn)
}

fn postgres_shape(conn: &mut PgConnection) -> (Shape, Vec<RawColumn>) {
    let raw: Vec<RawColumn> = diesel::sql_query(
        "SELECT table_name::text AS table_name, column_name::text AS column_name, \
         data_type::text AS data_type, (is_nullable = 'YES') AS nullable \
         FROM information_schema.columns WHERE table_schema = 'public' \
         ORDER BY table_name, ordinal_position",
    )
    .load(conn)
    .unwrap();
    let indexes: Vec<RawIndex> = diesel::sql_query(
        "SELECT t.relname::text AS table_name, ix.indisunique AS is_unique, \
         (ix.indpred IS NOT NULL) AS partial, \
         array_to_string(ARRAY( \
             SELECT COALESCE(a.attname::text, 'expr') \
             FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) \
             LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum \
             ORDER BY k.ord), ',') AS columns \
         FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace \
         WHERE n.nspname = 'public' AND NOT ix.indisprimary",
    )
    .load(conn)
    .unwrap();
    let checks: Vec<RawText> = diesel::sql_query(
        "SELECT cl.relname::text AS table_name, pg_get_constraintdef(co.oid) AS definition \
         FROM pg_constraint co JOIN pg_class cl ON cl.oid = co.conrelid \
         JOIN pg_namespace n ON n.oid = cl.relnamespace \
         WHERE co.contype = 'c' AND n.nspname = 'public'",
    )
    .load(conn)
    .unwrap();
    let triggers: Vec<RawText> = diesel::sql_query(
        "SELECT event_object_table::text AS table_name, \
         event_manipulation::text AS definition FROM information_schema.triggers \
         WHERE trigger_schema = 'public'",
    )
    .load(conn)
    .unwrap();
    let mut shape = Shape::default();
    for column in &raw {
        if SKIPPED_TABLES.contains(&column.table_name.as_str()) {
            continue;
        }
        shape
            .columns
            .entry(column.table_name.clone())
            .or_default()
            .push(ColumnShape {
                name: column.column_name.clone(),
                class: type_class(&column.data_type),
                nullable: column.nullable,
            });
    }
    for index in indexes {
        if !SKIPPED_TABLES.contains(&index.table_name.as_str()) {
            shape.indexes.insert((
                index.table_name,
                index.columns,
                index.is_unique,
                index.partial,
            ));
        }
    }
    for check in checks {
        let entry = shape.checks.entry(check.table_name).or_default();
        entry.0 += 1;
        entry
            .1
            .extend(literals(&check.definition.replace("::text", "")));
        entry.1.sort();
    }
    for trigger in triggers {
        shape
            .triggers
            .insert((trigger.table_name, trigger.definition.to_ascii_uppercase()));
    }
    (shape, raw)
}

fn sqlite_shape(conn: &mut SqliteConnection) -> Shape {
    let raw: Vec<RawColumn> = diesel::sql_query(
        "SELECT m.name AS table_name, p.name AS column_name, p.type AS data_type, \
         (p.\"notnull\" = 0 AND p.pk = 0) AS nullable \
         FROM sqlite_master m JOIN pragma_table_info(m.name) p \
         WHERE m.type = 'table' ORDER BY m.name, p.cid",
    )
    .load(conn)
    .unwrap();
    let indexes: Vec<RawIndex> = diesel::sql_query(
        "SELECT m.name AS table_name, il.\"unique\" = 1 AS is_unique, il.partial = 1 AS partial, \
         (SELECT group_concat(name, ',') FROM ( \
             SELECT COALESCE(ii.name, 'expr') AS name FROM pragma_index_info(il.name) ii \
             ORDER BY ii.seqno)) AS columns \
         FROM sqlite_master m JOIN pragma_index_list(m.name) il \
         WHERE m.type = 'table' AND il.origin <> 'pk'",
    )
    .load(conn)
    .unwrap();
    let tables: Vec<RawText> = diesel::sql_query(
        "SELECT name AS table_name, sql AS definition FROM sqlite_master WHERE type = 'table'",
    )
    .load(conn)
    .unwrap();
    let triggers: Vec<RawText> = diesel::sql_query(
        "SELECT tbl_name AS table_name, sql AS definition FROM sqlite_master \
         WHERE type = 'trigger'",
    )
    .load(conn)
    .unwrap();
    let mut shape = Shape::default();
    for column in raw {
        if SKIPPED_TABLES.contains(&column.table_name.as_str()) {
            continue;
        }
        shape
            .columns
            .entry(column.table_name)
            .or_default()
            .push(ColumnShape {
                name: column.column_name,
                class: type_class(&column.data_type),
                nullable: column.nullable,
            });
    }
    for index in indexes {
        if !SKIPPED_TABLES.contains(&index.table_name.as_str()) {
            shape.indexes.insert((
                index.table_name,
                index.columns,
                index.is_unique,
                index.partial,
            ));
        }
    }
    for table in tables {
        let checks = sqlite_checks(&table.definition);
        if checks.is_empty() {
            continue;
        }
        let mut all: Vec<String> = checks.iter().flat_map(|c| literals(c)).collect();
        all.sort();
        shape.checks.insert(table.table_name, (checks.len(), all));
    }
    for trigger in triggers {
        let upper = trigger.definition.to_ascii_uppercase();
        for event in ["INSERT", "UPDATE", "DELETE"] {
            let timed = ["BEFORE ", "AFTER ", "INSTEAD OF "]
                .iter()
                .any(|when| upper.contains(&format!("{when}{event}")));
            if timed {
                shape
                    .triggers
                    .insert((trigger.table_name.clone(), event.to_owned()));
            }
        }
    }
    shape
}

/// The diesel type `print-schema` writes for a PostgreSQL column.
fn diesel_type(column: &RawColumn) -> String {
    let base = match column.data_type.as_str() {
        "bigint" => "BigInt",
        "integer" => "Integer",
        "smallint" => "SmallInt",
        "text" => "Text",
        "character varying" => "Varchar",
        "timestamp without time zone" => "Timestamp",
        "boolean" => "Bool",
        "double precision" => "Float8",
        "real" => "Float4",
        "bytea" => "Bytea",
        "date" => "Date",
        other => other,
    };
    if column.nullable {
        format!("Nullable<{base}>")
    } else {
        base.to_owned()
    }
}

/// `table → [(column, type)]` from the `table!` blocks of schema.rs.
fn schema_rs_tables() -> BTreeMap<String, Vec<(String, String)>> {
    let source = std::fs::read_to_string(workspace_root().join("backend/src/db/schema.rs"))
        .expect("backend/src/db/schema.rs");
    let mut tables = BTreeMap::new();
    let mut current: Option<(String, Vec<(String, String)>)> = None;
    for line in source.lines().map(str::trim) {
        if let Some((table, columns)) = &mut current {
            if line == "}" {
                let (table, columns) = (table.clone(), std::mem::take(columns));
                tables.insert(table, columns);
                current = None;
            } else if let Some((name, ty)) = line.trim_end_matches(',').split_once(" -> ") {
                columns.push((name.trim().to_owned(), ty.trim().to_owned()));
            }
        } else if line.ends_with('{') && line.contains(" (") && !line.starts_with("diesel::") {
            let name = line.split(" (").next().unwrap_or_default().to_owned();
            current = Some((name, Vec::new()));
        }
    }
    tables
}

#[test]
fn schema_rs_says_what_the_migrated_database_says() {
    let (_db, mut conn) = migrated(Backend::Postgres);
    let DbConn::Postgres(pg) = &mut *conn else {
        unreachable!("a PostgreSQL test database")
    };
    let (_, raw) = postgres_shape(pg);
    let mut generated: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for column in raw
        .iter()
        .filter(|c| !SKIPPED_TABLES.contains(&c.table_name.as_str()))
    {
        generated
            .entry(column.table_name.clone())
            .or_default()
            .push((column.column_name.clone(), diesel_type(column)));
    }
    let written = schema_rs_tables();
    assert!(
        written.contains_key("users"),
        "schema.rs was read: {written:?}"
    );
    for (table, columns) in &generated {
        assert_eq!(
            written.get(table),
            Some(columns),
            "schema.rs disagrees with the database on `{table}` (the database's columns in order on the right)"
        );
    }
    let extra: Vec<&String> = written
        .keys()
        .filter(|t| !generated.contains_key(*t))
        .collect();
    assert!(
        extra.is_empty(),
        "schema.rs has tables no migration creates: {extra:?}"
    );
}

#[test]
fn both_migration_sets_build_the_same_schema() {
    let (_pg_db, mut pg_conn) = migrated(Backend::Postgres);
    let (_sqlite_db, mut sqlite_conn) = migrated(Backend::Sqlite);
    let DbConn::Postgres(pg) = &mut *pg_conn else {
        unreachable!("a PostgreSQL test database")
    };
    let DbConn::Sqlite(sqlite) = &mut *sqlite_conn else {
        unreachable!("a SQLite test database")
    };
    let (postgres, _) = postgres_shape(pg);
    let sqlite = sqlite_shape(sqlite);
    assert!(
        postgres
            .triggers
            .contains(&("audit_log".into(), "UPDATE".into())),
        "the shapes were read: {:?}",
        postgres.triggers
    );
    for (table, columns) in &postgres.columns {
        let mut pg_sorted = columns.clone();
        pg_sorted.sort();
        let mut sqlite_sorted = sqlite.columns.get(table).cloned().unwrap_or_default();
        sqlite_sorted.sort();
        assert_eq!(
            sqlite_sorted, pg_sorted,
            "columns of `{table}` (SQLite left)"
        );
    }
    assert_eq!(
        sqlite.columns.keys().collect::<Vec<_>>(),
        postgres.columns.keys().collect::<Vec<_>>()
    );
    let only_sqlite: Vec<_> = sqlite.indexes.difference(&postgres.indexes).collect();
    let only_postgres: Vec<_> = postgres.indexes.difference(&sqlite.indexes).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "indexes only on SQLite: {only_sqlite:?}; only on PostgreSQL: {only_postgres:?}"
    );
    assert_eq!(
        sqlite.checks, postgres.checks,
        "CHECK constraints (SQLite left)"
    );
    assert_eq!(sqlite.triggers, postgres.triggers, "triggers (SQLite left)");
}

#[test]
fn check_clauses_are_read_with_their_parentheses() {
    let checks = sqlite_checks(
        "CREATE TABLE t (a TEXT CHECK (a IN ('x', 'y')), b INT, CHECK ((b > 0) = (a IS NULL)))",
    );
    assert_eq!(checks.len(), 2, "{checks:?}");
    assert_eq!(literals(&checks[0]), ["x", "y"]);
    assert!(checks[1].ends_with("(a IS NULL))"), "{checks:?}");
}
