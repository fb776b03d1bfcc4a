//! The schema migrations of both backends, as one ordered list.
//!
//! Each migration has a version number shared by the backends and its SQL per
//! dialect; a migration whose SQL is the same in both names the same file twice.
//! A backend applies, in order, those above the version its database is at and
//! records each in `schema_migrations`, so `Store::schema_version` gives the same
//! number on SQLite and PostgreSQL. Never edit a released migration: add one.

/// One schema change.
pub(crate) struct Migration {
    pub version: i64,
    pub sqlite: &'static str,
    pub postgres: &'static str,
}

/// Every migration, oldest first.
pub(crate) const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        sqlite: include_str!("../migrations/sqlite/0001_init.sql"),
        postgres: include_str!("../migrations/postgres/0001_init.sql"),
    },
    Migration {
        version: 2,
        sqlite: include_str!("../migrations/sqlite/0002_workers.sql"),
        postgres: include_str!("../migrations/postgres/0002_workers.sql"),
    },
    Migration {
        version: 3,
        sqlite: include_str!("../migrations/sqlite/0003_topics.sql"),
        postgres: include_str!("../migrations/postgres/0003_topics.sql"),
    },
    Migration {
        version: 4,
        sqlite: include_str!("../migrations/sqlite/0004_paywall.sql"),
        postgres: include_str!("../migrations/postgres/0004_paywall.sql"),
    },
];

/// The schema version this build writes: the last migration's.
pub const SCHEMA_VERSION: i64 = MIGRATIONS[MIGRATIONS.len() - 1].version;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_count_up_from_one() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version, i as i64 + 1);
        }
        assert_eq!(SCHEMA_VERSION, MIGRATIONS.len() as i64);
    }
}
