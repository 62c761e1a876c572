/**
 * The SQLite schema of a log. Version 1.
 *
 * Entries are one row each (the leaf hash is unique: it is how duplicates are
 * found); hash tiles are one row per tile, rewritten as the right edge grows;
 * every checkpoint ever committed is kept, keyed by tree size.
 */
export const SQLITE_SCHEMA_VERSION = 1;

export const SQLITE_SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS entries (
  idx       INTEGER PRIMARY KEY,
  leaf_hash BLOB NOT NULL UNIQUE,
  data      BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS tiles (
  level  INTEGER NOT NULL,
  idx    INTEGER NOT NULL,
  hashes BLOB NOT NULL,
  PRIMARY KEY (level, idx)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS checkpoints (
  size       INTEGER PRIMARY KEY,
  note       BLOB NOT NULL,
  created_at TEXT NOT NULL
);
`;
