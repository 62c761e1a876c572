/**
 * The SQLite schema of a log. Version 2 (version 1, a unique index on whole leaf
 * hashes and a WITHOUT ROWID tiles table, never shipped).
 *
 * Entries are one row each. Duplicates are found through an index on the first
 * 8 bytes of the leaf hash (leaf_key), not the whole hash: keys are random, so
 * every insert dirties one index page, and an index of 8-byte keys has a quarter
 * of the pages of a 32-byte one (at a million entries it stays in cache and
 * appends ran ~1.8x faster). Candidates are compared on the full hash.
 *
 * Hash tiles are one row per tile, keyed by id = level × 2^47 + index in an
 * ordinary rowid table (8 KiB blobs in a WITHOUT ROWID table made reads 3x
 * slower), rewritten as the right edge grows. Every checkpoint ever committed is
 * kept, keyed by tree size.
 */
export const SQLITE_SCHEMA_VERSION = 2;

export const SQLITE_SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS entries (
  idx       INTEGER PRIMARY KEY,
  leaf_key  INTEGER NOT NULL,
  leaf_hash BLOB NOT NULL,
  data      BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS entries_leaf_key ON entries (leaf_key);
CREATE TABLE IF NOT EXISTS tiles (
  id     INTEGER PRIMARY KEY,
  hashes BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS checkpoints (
  size       INTEGER PRIMARY KEY,
  note       BLOB NOT NULL,
  created_at TEXT NOT NULL
);
`;

/** The tiles row of tile (level, index): unique while index < 2^47 (a tree of 2^55 entries). */
export function tileRowId(level: number, index: number): number {
  return level * 2 ** 47 + index;
}

/** The first 8 bytes of a leaf hash as a signed 64-bit integer, the leaf_key column. */
export function leafKey(leafHash: Uint8Array): bigint {
  return new DataView(leafHash.buffer, leafHash.byteOffset, 8).getBigInt64(0);
}
