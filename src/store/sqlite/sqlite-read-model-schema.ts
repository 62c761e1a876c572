/**
 * The SQLite schema of the read model (version 2), in the log's own database
 * file next to the log's tables, every table prefixed `rm_`.
 *
 * Tables are STRICT, so a value of the wrong type is refused instead of stored
 * as something the other drivers would not store. Statements and events are
 * keyed by log index (rowid tables: appends go to the right edge); the tables
 * looked up by string key are WITHOUT ROWID, so the key is the table. Every
 * `queryEvents` condition that can be selective has an index: event and record
 * time, bizStep, bizLocation, actor, and EPC / class (with the field, and the
 * index appended by SQLite, so the lookup never touches the table). A
 * portfolio seeks the version in force per market row on rm_passports
 * (product, valid_from_ms, idx), and reads a producer's rows from rm_market
 * (producer, event_time_ms), an index that holds every column the portfolio
 * needs: looking each row up in the table instead took 40 % of the time.
 *
 * Version 2 added passports, market placements and records. A read model of
 * another version is not migrated in place: its rows would lack what the newer
 * projector derives, so it is dropped and rebuilt from the log (`matterlog
 * reindex`), which needs nothing but the tables below.
 *
 * Tokens and documents are not derived, so they are not version-bound: they
 * survive that drop, and rm_documents, which came after version 2 was first
 * written, is added to a version 2 file when it is opened (the schema below runs
 * on every open) rather than forcing a rebuild nothing needs. rm_documents is a
 * rowid table: SQLite advises against WITHOUT ROWID for rows this large.
 */
export const SQLITE_READ_MODEL_VERSION = 2;

const EPC_FIELD_CHECK = `CHECK (field IN ('epc', 'parentID', 'childEPC', 'inputEPC', 'outputEPC'))`;
const CLASS_FIELD_CHECK = `CHECK (field IN ('quantity', 'childQuantity', 'inputQuantity', 'outputQuantity'))`;
const GRADE_CHECK = `CHECK (grade IN ('A', 'B', 'C', 'non-recyclable'))`;
const RECORD_KIND_CHECK = `CHECK (kind IN ('facility', 'route', 'policy'))`;

export const SQLITE_READ_MODEL_SCHEMA = `
CREATE TABLE IF NOT EXISTS rm_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS rm_statements (
  idx         INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL,
  issuers     TEXT NOT NULL,
  actor       TEXT NOT NULL,
  issued_ms   INTEGER NOT NULL,
  text_sha256 TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX IF NOT EXISTS rm_statements_text ON rm_statements (text_sha256);
CREATE INDEX IF NOT EXISTS rm_statements_kind ON rm_statements (kind);
CREATE TABLE IF NOT EXISTS rm_actors (
  name      TEXT PRIMARY KEY,
  role      TEXT NOT NULL,
  idx       INTEGER NOT NULL,
  issued_ms INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS rm_actor_keys (
  actor         TEXT NOT NULL,
  vkey          TEXT NOT NULL,
  idx           INTEGER NOT NULL,
  valid_from_ms INTEGER NOT NULL,
  PRIMARY KEY (actor, vkey)
) STRICT, WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS rm_revocations (
  actor   TEXT NOT NULL,
  vkey    TEXT NOT NULL,
  idx     INTEGER NOT NULL,
  from_ms INTEGER NOT NULL,
  PRIMARY KEY (actor, vkey, idx)
) STRICT, WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS rm_events (
  idx            INTEGER PRIMARY KEY,
  event_id       TEXT NOT NULL,
  event_type     TEXT NOT NULL,
  event_time_ms  INTEGER NOT NULL,
  record_time_ms INTEGER NOT NULL,
  action         TEXT,
  biz_step       TEXT,
  disposition    TEXT,
  read_point     TEXT,
  biz_location   TEXT,
  actor          TEXT NOT NULL,
  custody        TEXT NOT NULL CHECK (custody IN ('self', 'gateway')),
  json           TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX IF NOT EXISTS rm_events_id ON rm_events (event_id);
CREATE INDEX IF NOT EXISTS rm_events_time ON rm_events (event_time_ms);
CREATE INDEX IF NOT EXISTS rm_events_record_time ON rm_events (record_time_ms);
CREATE INDEX IF NOT EXISTS rm_events_biz_step ON rm_events (biz_step);
CREATE INDEX IF NOT EXISTS rm_events_biz_location ON rm_events (biz_location);
CREATE INDEX IF NOT EXISTS rm_events_actor ON rm_events (actor);
CREATE TABLE IF NOT EXISTS rm_event_epcs (
  idx   INTEGER NOT NULL,
  field TEXT NOT NULL ${EPC_FIELD_CHECK},
  epc   TEXT NOT NULL,
  PRIMARY KEY (idx, field, epc)
) STRICT, WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS rm_event_epcs_epc ON rm_event_epcs (epc, field);
CREATE TABLE IF NOT EXISTS rm_event_classes (
  idx           INTEGER NOT NULL,
  seq           INTEGER NOT NULL,
  field         TEXT NOT NULL ${CLASS_FIELD_CHECK},
  epc_class     TEXT NOT NULL,
  quantity      REAL,
  uom           TEXT,
  kg            REAL,
  facility      TEXT,
  event_time_ms INTEGER NOT NULL,
  PRIMARY KEY (idx, seq)
) STRICT, WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS rm_event_classes_class ON rm_event_classes (epc_class, field);
CREATE INDEX IF NOT EXISTS rm_event_classes_facility ON rm_event_classes (facility, event_time_ms);
CREATE TABLE IF NOT EXISTS rm_passports (
  idx           INTEGER PRIMARY KEY,
  product       TEXT NOT NULL,
  producer      TEXT NOT NULL,
  version       TEXT NOT NULL,
  replaces      TEXT,
  issued_ms     INTEGER NOT NULL,
  valid_from_ms INTEGER NOT NULL,
  mass_kg       REAL NOT NULL,
  share         REAL NOT NULL,
  grade         TEXT NOT NULL ${GRADE_CHECK},
  json          TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX IF NOT EXISTS rm_passports_version ON rm_passports (product, version);
CREATE INDEX IF NOT EXISTS rm_passports_in_force ON rm_passports (product, valid_from_ms, idx);
CREATE INDEX IF NOT EXISTS rm_passports_producer ON rm_passports (producer, product);
CREATE TABLE IF NOT EXISTS rm_market (
  idx           INTEGER NOT NULL,
  seq           INTEGER NOT NULL,
  producer      TEXT NOT NULL,
  product       TEXT NOT NULL,
  units         REAL NOT NULL,
  event_time_ms INTEGER NOT NULL,
  month         TEXT NOT NULL,
  PRIMARY KEY (idx, seq)
) STRICT, WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS rm_market_producer ON rm_market (producer, event_time_ms, product, month, units);
CREATE TABLE IF NOT EXISTS rm_records (
  kind      TEXT NOT NULL ${RECORD_KIND_CHECK},
  key       TEXT NOT NULL,
  actor     TEXT NOT NULL,
  idx       INTEGER NOT NULL,
  issued_ms INTEGER NOT NULL,
  facility  TEXT,
  json      TEXT NOT NULL,
  PRIMARY KEY (kind, key)
) STRICT, WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS rm_records_actor ON rm_records (actor);
CREATE INDEX IF NOT EXISTS rm_records_facility ON rm_records (facility);
CREATE TABLE IF NOT EXISTS rm_tokens (
  token_sha256 TEXT PRIMARY KEY,
  actor        TEXT NOT NULL,
  created_ms   INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS rm_tokens_actor ON rm_tokens (actor);
CREATE TABLE IF NOT EXISTS rm_documents (
  sha256     TEXT PRIMARY KEY,
  media_type TEXT NOT NULL,
  stored_ms  INTEGER NOT NULL,
  bytes      BLOB NOT NULL
) STRICT;
`;

/** The derived tables, which `reset` empties (tokens and documents are not derived). */
export const DERIVED_TABLES = [
  'rm_statements',
  'rm_actors',
  'rm_actor_keys',
  'rm_revocations',
  'rm_events',
  'rm_event_epcs',
  'rm_event_classes',
  'rm_passports',
  'rm_market',
  'rm_records',
] as const;

/** Inserts of the planned rows; `?` per column, the row tuple repeated per chunk. */
export const INSERTS = {
  statements: {
    head: 'INSERT INTO rm_statements (idx, kind, issuers, actor, issued_ms, text_sha256) VALUES',
    tail: '',
  },
  // An actor row is an upsert: a later statement changes the role.
  actors: {
    head: 'INSERT INTO rm_actors (name, role, idx, issued_ms) VALUES',
    tail: 'ON CONFLICT (name) DO UPDATE SET role = excluded.role, idx = excluded.idx, issued_ms = excluded.issued_ms',
  },
  // A key registered again keeps its first row.
  keys: { head: 'INSERT OR IGNORE INTO rm_actor_keys (actor, vkey, idx, valid_from_ms) VALUES', tail: '' },
  revocations: { head: 'INSERT INTO rm_revocations (actor, vkey, idx, from_ms) VALUES', tail: '' },
  events: {
    head: `INSERT INTO rm_events (idx, event_id, event_type, event_time_ms, record_time_ms, action, biz_step,
      disposition, read_point, biz_location, actor, custody, json) VALUES`,
    tail: '',
  },
  epcs: { head: 'INSERT INTO rm_event_epcs (idx, field, epc) VALUES', tail: '' },
  classes: {
    head: `INSERT INTO rm_event_classes (idx, seq, field, epc_class, quantity, uom, kg, facility, event_time_ms) VALUES`,
    tail: '',
  },
  // A version published again (in this or an earlier batch) keeps its first row.
  passports: {
    head: `INSERT INTO rm_passports (idx, product, producer, version, replaces, issued_ms, valid_from_ms, mass_kg,
      share, grade, json) VALUES`,
    tail: 'ON CONFLICT (product, version) DO NOTHING',
  },
  market: {
    head: 'INSERT INTO rm_market (idx, seq, producer, product, units, event_time_ms, month) VALUES',
    tail: '',
  },
  // A record is an upsert: the latest statement about a facility or route replaces the previous.
  records: {
    head: 'INSERT INTO rm_records (kind, key, actor, idx, issued_ms, facility, json) VALUES',
    tail: `ON CONFLICT (kind, key) DO UPDATE SET actor = excluded.actor, idx = excluded.idx,
      issued_ms = excluded.issued_ms, facility = excluded.facility, json = excluded.json`,
  },
} as const;
