/**
 * The PostgreSQL schema of the read model (version 2): tables prefixed `rm_` in
 * the log's own PostgreSQL schema, with their own version in `rm_meta`. Version
 * 2 added passports, market placements and records; a read model of another
 * version is dropped and rebuilt from the log by `matterlog reindex`, never
 * migrated in place (its rows would lack what the newer projector derives).
 *
 * Every text column is COLLATE "C" so that ORDER BY (actors by name, the digest's
 * row order) is by code point, as in SQLite and the memory driver, whatever the
 * database's default collation; it also keeps the indexes cheap to compare.
 * `rm_head` is one row holding `indexed_size`: `apply` compare-and-swaps on it,
 * and the row lock that takes serialises concurrent appliers.
 *
 * Bulk inserts pass one array parameter per column and `unnest` them: one round
 * trip and one statement per table per batch, whatever the batch's size.
 */
import type pg from 'pg';
import { readModelVersionError } from '../shared-checks.js';
import { advisoryKey, connectFailure, storageFailure } from './postgres-schema.js';

export const POSTGRES_READ_MODEL_VERSION = 2;

/**
 * Documents are not derived, so they are not version-bound: they survive a drop
 * of another version, and a version 2 read model written before they existed
 * gains the table when opened (see `ensureReadModelSchema`) instead of a rebuild.
 * TOAST keeps the bytes out of line, compressed when that pays.
 */
function documentsDdl(schema: string): string {
  return `
CREATE TABLE IF NOT EXISTS "${schema}".rm_documents (
  sha256     text COLLATE "C" PRIMARY KEY,
  media_type text COLLATE "C" NOT NULL,
  stored_ms  bigint NOT NULL,
  bytes      bytea NOT NULL
);`;
}

export function readModelDdl(schema: string): string {
  const s = `"${schema}"`;
  const text = 'text COLLATE "C"';
  return `
CREATE SCHEMA IF NOT EXISTS ${s};
CREATE TABLE IF NOT EXISTS ${s}.rm_meta (
  key   text PRIMARY KEY,
  value text NOT NULL
);
CREATE TABLE IF NOT EXISTS ${s}.rm_head (
  only_row     boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  indexed_size bigint NOT NULL CHECK (indexed_size >= 0)
);
CREATE TABLE IF NOT EXISTS ${s}.rm_statements (
  idx         bigint PRIMARY KEY,
  kind        ${text} NOT NULL,
  issuers     ${text} NOT NULL,
  actor       ${text} NOT NULL,
  issued_ms   bigint NOT NULL,
  text_sha256 ${text} NOT NULL UNIQUE
);
CREATE INDEX IF NOT EXISTS rm_statements_kind ON ${s}.rm_statements (kind);
CREATE TABLE IF NOT EXISTS ${s}.rm_actors (
  name      ${text} PRIMARY KEY,
  role      ${text} NOT NULL,
  idx       bigint NOT NULL,
  issued_ms bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS ${s}.rm_actor_keys (
  actor         ${text} NOT NULL,
  vkey          ${text} NOT NULL,
  idx           bigint NOT NULL,
  valid_from_ms bigint NOT NULL,
  PRIMARY KEY (actor, vkey)
);
CREATE TABLE IF NOT EXISTS ${s}.rm_revocations (
  actor   ${text} NOT NULL,
  vkey    ${text} NOT NULL,
  idx     bigint NOT NULL,
  from_ms bigint NOT NULL,
  PRIMARY KEY (actor, vkey, idx)
);
CREATE TABLE IF NOT EXISTS ${s}.rm_events (
  idx            bigint PRIMARY KEY,
  event_id       ${text} NOT NULL UNIQUE,
  event_type     ${text} NOT NULL,
  event_time_ms  bigint NOT NULL,
  record_time_ms bigint NOT NULL,
  action         ${text},
  biz_step       ${text},
  disposition    ${text},
  read_point     ${text},
  biz_location   ${text},
  actor          ${text} NOT NULL,
  custody        ${text} NOT NULL CHECK (custody IN ('self', 'gateway')),
  json           ${text} NOT NULL
);
CREATE INDEX IF NOT EXISTS rm_events_time ON ${s}.rm_events (event_time_ms);
CREATE INDEX IF NOT EXISTS rm_events_record_time ON ${s}.rm_events (record_time_ms);
CREATE INDEX IF NOT EXISTS rm_events_biz_step ON ${s}.rm_events (biz_step);
CREATE INDEX IF NOT EXISTS rm_events_biz_location ON ${s}.rm_events (biz_location);
CREATE INDEX IF NOT EXISTS rm_events_actor ON ${s}.rm_events (actor);
CREATE TABLE IF NOT EXISTS ${s}.rm_event_epcs (
  idx   bigint NOT NULL,
  field ${text} NOT NULL CHECK (field IN ('epc', 'parentID', 'childEPC', 'inputEPC', 'outputEPC')),
  epc   ${text} NOT NULL,
  PRIMARY KEY (idx, field, epc)
);
CREATE INDEX IF NOT EXISTS rm_event_epcs_epc ON ${s}.rm_event_epcs (epc, field, idx);
CREATE TABLE IF NOT EXISTS ${s}.rm_event_classes (
  idx           bigint NOT NULL,
  seq           integer NOT NULL,
  field         ${text} NOT NULL CHECK (field IN ('quantity', 'childQuantity', 'inputQuantity', 'outputQuantity')),
  epc_class     ${text} NOT NULL,
  quantity      double precision,
  uom           ${text},
  kg            double precision,
  facility      ${text},
  event_time_ms bigint NOT NULL,
  PRIMARY KEY (idx, seq)
);
CREATE INDEX IF NOT EXISTS rm_event_classes_class ON ${s}.rm_event_classes (epc_class, field, idx);
CREATE INDEX IF NOT EXISTS rm_event_classes_facility ON ${s}.rm_event_classes (facility, event_time_ms);
CREATE TABLE IF NOT EXISTS ${s}.rm_passports (
  idx           bigint PRIMARY KEY,
  product       ${text} NOT NULL,
  producer      ${text} NOT NULL,
  version       ${text} NOT NULL,
  replaces      ${text},
  issued_ms     bigint NOT NULL,
  valid_from_ms bigint NOT NULL,
  mass_kg       double precision NOT NULL,
  share         double precision NOT NULL,
  grade         ${text} NOT NULL CHECK (grade IN ('A', 'B', 'C', 'non-recyclable')),
  json          ${text} NOT NULL,
  UNIQUE (product, version)
);
CREATE INDEX IF NOT EXISTS rm_passports_in_force ON ${s}.rm_passports (product, valid_from_ms, idx);
CREATE INDEX IF NOT EXISTS rm_passports_producer ON ${s}.rm_passports (producer, product);
CREATE TABLE IF NOT EXISTS ${s}.rm_market (
  idx           bigint NOT NULL,
  seq           integer NOT NULL,
  producer      ${text} NOT NULL,
  product       ${text} NOT NULL,
  units         double precision NOT NULL,
  event_time_ms bigint NOT NULL,
  month         ${text} NOT NULL,
  PRIMARY KEY (idx, seq)
);
-- INCLUDE: a portfolio of a producer with a small share of the rows reads only the index.
CREATE INDEX IF NOT EXISTS rm_market_producer ON ${s}.rm_market (producer, event_time_ms) INCLUDE (product, month, units);
CREATE TABLE IF NOT EXISTS ${s}.rm_records (
  kind      ${text} NOT NULL CHECK (kind IN ('facility', 'route', 'policy')),
  key       ${text} NOT NULL,
  actor     ${text} NOT NULL,
  idx       bigint NOT NULL,
  issued_ms bigint NOT NULL,
  facility  ${text},
  json      ${text} NOT NULL,
  PRIMARY KEY (kind, key)
);
CREATE INDEX IF NOT EXISTS rm_records_actor ON ${s}.rm_records (actor);
CREATE INDEX IF NOT EXISTS rm_records_facility ON ${s}.rm_records (facility);
CREATE TABLE IF NOT EXISTS ${s}.rm_tokens (
  token_sha256 ${text} PRIMARY KEY,
  actor        ${text} NOT NULL,
  created_ms   bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS rm_tokens_actor ON ${s}.rm_tokens (actor);
${documentsDdl(schema)}
INSERT INTO ${s}.rm_head (indexed_size) VALUES (0) ON CONFLICT DO NOTHING;
`;
}

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

/** The bulk inserts of a batch, one array parameter per column, in the column order given. */
export function readModelInserts(schema: string) {
  const s = `"${schema}"`;
  return {
    statements: `INSERT INTO ${s}.rm_statements (idx, kind, issuers, actor, issued_ms, text_sha256)
      SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[])`,
    // An actor row is an upsert (the batch holds each name once): a later statement changes the role.
    actors: `INSERT INTO ${s}.rm_actors (name, role, idx, issued_ms)
      SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[])
      ON CONFLICT (name) DO UPDATE SET role = EXCLUDED.role, idx = EXCLUDED.idx, issued_ms = EXCLUDED.issued_ms`,
    // A key registered again keeps its first row.
    keys: `INSERT INTO ${s}.rm_actor_keys (actor, vkey, idx, valid_from_ms)
      SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[]) ON CONFLICT DO NOTHING`,
    revocations: `INSERT INTO ${s}.rm_revocations (actor, vkey, idx, from_ms)
      SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[])`,
    events: `INSERT INTO ${s}.rm_events (idx, event_id, event_type, event_time_ms, record_time_ms, action, biz_step,
        disposition, read_point, biz_location, actor, custody, json)
      SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::text[], $7::text[],
        $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[])`,
    epcs: `INSERT INTO ${s}.rm_event_epcs (idx, field, epc) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[])`,
    classes: `INSERT INTO ${s}.rm_event_classes (idx, seq, field, epc_class, quantity, uom, kg, facility, event_time_ms)
      SELECT * FROM unnest($1::bigint[], $2::integer[], $3::text[], $4::text[], $5::float8[], $6::text[],
        $7::float8[], $8::text[], $9::bigint[])`,
    // A version published again (in this or an earlier batch) keeps its first row.
    passports: `INSERT INTO ${s}.rm_passports (idx, product, producer, version, replaces, issued_ms, valid_from_ms,
        mass_kg, share, grade, json)
      SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[],
        $8::float8[], $9::float8[], $10::text[], $11::text[])
      ON CONFLICT (product, version) DO NOTHING`,
    market: `INSERT INTO ${s}.rm_market (idx, seq, producer, product, units, event_time_ms, month)
      SELECT * FROM unnest($1::bigint[], $2::integer[], $3::text[], $4::text[], $5::float8[], $6::bigint[], $7::text[])`,
    // A record is an upsert (the batch holds each key once): the latest statement replaces the previous.
    records: `INSERT INTO ${s}.rm_records (kind, key, actor, idx, issued_ms, facility, json)
      SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::text[], $7::text[])
      ON CONFLICT (kind, key) DO UPDATE SET actor = EXCLUDED.actor, idx = EXCLUDED.idx, issued_ms = EXCLUDED.issued_ms,
        facility = EXCLUDED.facility, json = EXCLUDED.json`,
  } as const;
}

/** The columns of `rows` as arrays, the shape `unnest` takes. */
export function columns(rows: readonly (string | number | null)[][], width: number): (string | number | null)[][] {
  const out = Array.from({ length: width }, () => new Array<string | number | null>(rows.length));
  rows.forEach((row, i) => {
    for (let c = 0; c < width; c++) (out[c] as (string | number | null)[])[i] = row[c] ?? null;
  });
  return out;
}

/**
 * Creates the read model's tables if absent (in one transaction, under the same
 * advisory lock the log store takes to create its schema, since concurrent
 * CREATE ... IF NOT EXISTS can collide in the catalogs) and checks their version.
 * With `dropOtherVersion`, a read model of another version is dropped (tokens
 * and documents stay) and recreated empty at this version, under the same lock.
 */
export async function ensureReadModelSchema(
  pool: pg.Pool,
  schema: string,
  location: string,
  dropOtherVersion = false,
): Promise<void> {
  const meta = `"${schema}".rm_meta`;
  const versionSql = `SELECT value FROM ${meta} WHERE key = 'schema_version'`;
  const setVersion = `INSERT INTO ${meta} (key, value) VALUES ('schema_version', $1)
    ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`;
  await withConnection(pool, location, 'opening the read model schema', async (c) => {
    const found = await c.query<{ t: string | null }>('SELECT to_regclass($1) AS t', [meta]);
    if (found.rows[0]?.t == null) {
      await c.query('BEGIN');
      await c.query('SELECT pg_advisory_xact_lock($1)', [advisoryKey('create', schema)]);
      await c.query(readModelDdl(schema));
      await c.query(`INSERT INTO ${meta} (key, value) VALUES ('schema_version', $1) ON CONFLICT (key) DO NOTHING`, [
        String(POSTGRES_READ_MODEL_VERSION),
      ]);
      await c.query('COMMIT');
    }
    const version = (await c.query<{ value: string }>(versionSql)).rows[0]?.value;
    if (Number(version) === POSTGRES_READ_MODEL_VERSION) {
      await ensureDocumentsTable(c, schema);
      return;
    }
    if (!dropOtherVersion) throw readModelVersionError(location, version, POSTGRES_READ_MODEL_VERSION);
    await c.query('BEGIN');
    await c.query('SELECT pg_advisory_xact_lock($1)', [advisoryKey('create', schema)]);
    // Another process may have dropped and recreated it while this one waited for the lock.
    if (Number((await c.query<{ value: string }>(versionSql)).rows[0]?.value) !== POSTGRES_READ_MODEL_VERSION) {
      for (const t of DERIVED_TABLES) await c.query(`DROP TABLE IF EXISTS "${schema}".${t}`);
      await c.query(readModelDdl(schema));
      await c.query(setVersion, [String(POSTGRES_READ_MODEL_VERSION)]);
      await c.query(`UPDATE "${schema}".rm_head SET indexed_size = 0`);
    }
    await c.query('COMMIT');
  });
}

/**
 * Adds rm_documents to a version 2 read model written before it existed. Only at
 * this version: another version's schema is refused or dropped whole, and the
 * drop recreates it with the rest.
 */
async function ensureDocumentsTable(c: pg.PoolClient, schema: string): Promise<void> {
  const found = await c.query<{ t: string | null }>('SELECT to_regclass($1) AS t', [`"${schema}".rm_documents`]);
  if (found.rows[0]?.t != null) return;
  await c.query('BEGIN');
  await c.query('SELECT pg_advisory_xact_lock($1)', [advisoryKey('create', schema)]);
  await c.query(documentsDdl(schema));
  await c.query('COMMIT');
}

/**
 * Runs `work` on one pooled connection, rolling back whatever transaction it
 * left open on failure; a connection that cannot even roll back is destroyed.
 */
export async function withConnection<T>(
  pool: pg.Pool,
  location: string,
  what: string,
  work: (c: pg.PoolClient) => Promise<T>,
): Promise<T> {
  let c: pg.PoolClient;
  try {
    c = await pool.connect();
  } catch (cause) {
    throw connectFailure(location, cause);
  }
  let healthy = true;
  try {
    return await work(c);
  } catch (cause) {
    healthy = await c.query('ROLLBACK').then(
      () => true,
      () => false,
    );
    throw storageFailure(location, what, cause);
  } finally {
    c.release(!healthy);
  }
}
