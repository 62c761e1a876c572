/**
 * The read model's queries, written once for both SQL drivers. The tables and
 * columns are the same in SQLite and PostgreSQL; what differs is the spelling of
 * a parameter and of "this column is one of a list", which each driver supplies
 * as a dialect. Queries are assembled only from the fixed fragments below and
 * placeholders: a value never becomes SQL text, and the only name that does is
 * the PostgreSQL schema, which the driver validates before it gets here.
 */
import type {
  ActorRecord,
  ActorRole,
  ClassMatch,
  EpcMatch,
  EventQuery,
  QuantityQuery,
  RecordKind,
} from './read-model.js';
import type { PlannedBatch } from './read-model-batch.js';
import type { RecordFilter, TimeRange } from './read-model-reads.js';

export interface SqlDialect {
  /** Prefix of every table name: '' (SQLite) or '"schema".' (PostgreSQL). */
  readonly prefix: string;
  /** The placeholder of parameter number `n` (1-based). */
  param(n: number): string;
  /** "`column` is one of the strings in list parameter `p`". */
  inList(column: string, p: string): string;
  /** How a list parameter is bound. */
  bindList(values: readonly string[]): unknown;
}

export interface Sql {
  text: string;
  values: unknown[];
}

class Builder {
  readonly where: string[] = [];
  readonly values: unknown[] = [];
  constructor(readonly d: SqlDialect) {}
  p(value: unknown): string {
    this.values.push(value);
    return this.d.param(this.values.length);
  }
  list(values: readonly string[]): string {
    return this.p(this.d.bindList(values));
  }
}

/** Event columns a query may constrain to a list of values, by query key. */
const EVENT_LISTS = {
  eventTypes: 'e.event_type',
  actions: 'e.action',
  bizSteps: 'e.biz_step',
  dispositions: 'e.disposition',
  readPoints: 'e.read_point',
  bizLocations: 'e.biz_location',
  actors: 'e.actor',
} as const;

const EVENT_RANGES = [
  ['eventTimeFromMs', 'e.event_time_ms >='],
  ['eventTimeToMs', 'e.event_time_ms <'],
  ['recordTimeFromMs', 'e.record_time_ms >='],
  ['recordTimeToMs', 'e.record_time_ms <'],
] as const;

/**
 * One page of events, fetching `limit + 1` rows so the caller can tell whether
 * another page follows. EPC and class conditions are `idx IN (subquery)`: both
 * databases can then drive the search from the EPC/class index (a semi-join)
 * instead of probing it once per event.
 */
export function eventQuerySql(d: SqlDialect, q: EventQuery): Sql {
  const b = new Builder(d);
  const conditions = [`e.idx > ${b.p(q.afterIndex ?? -1)}`];
  for (const [key, column] of Object.entries(EVENT_LISTS) as [keyof typeof EVENT_LISTS, string][]) {
    const values = q[key];
    if (values !== undefined) conditions.push(d.inList(column, b.list(values)));
  }
  for (const [key, comparison] of EVENT_RANGES) {
    const t = q[key];
    if (t !== undefined) conditions.push(`${comparison} ${b.p(t)}`);
  }
  const match = (table: string, column: string, m: EpcMatch | ClassMatch) =>
    `e.idx IN (SELECT x.idx FROM ${d.prefix}${table} x WHERE ${d.inList(`x.${column}`, b.list(m.values))} AND ${d.inList('x.field', b.list(m.fields))})`;
  for (const m of q.epcs ?? []) conditions.push(match('rm_event_epcs', 'epc', m));
  for (const m of q.classes ?? []) conditions.push(match('rm_event_classes', 'epc_class', m));
  const text = `SELECT e.idx AS "index", e.json FROM ${d.prefix}rm_events e WHERE ${conditions.join(' AND ')}
    ORDER BY e.idx LIMIT ${b.p(q.limit + 1)}`;
  return { text, values: b.values };
}

export function quantitiesSql(d: SqlDialect, q: QuantityQuery): Sql {
  const b = new Builder(d);
  const conditions = ['kg IS NOT NULL'];
  if (q.facility !== undefined) conditions.push(`facility = ${b.p(q.facility)}`);
  if (q.epcClass !== undefined) conditions.push(`epc_class = ${b.p(q.epcClass)}`);
  if (q.fromMs !== undefined) conditions.push(`event_time_ms >= ${b.p(q.fromMs)}`);
  if (q.toMs !== undefined) conditions.push(`event_time_ms < ${b.p(q.toMs)}`);
  const text = `SELECT facility, epc_class AS "epcClass", field, sum(kg) AS kg, count(DISTINCT idx) AS events
    FROM ${d.prefix}rm_event_classes WHERE ${conditions.join(' AND ')}
    GROUP BY facility, epc_class, field ORDER BY facility NULLS FIRST, epc_class, field`;
  return { text, values: b.values };
}

/**
 * Units and kilograms per month and grade of the passport version in force at
 * each market row's event time. The version is found by a correlated subquery,
 * an index seek on rm_passports (product, valid_from_ms, idx) per market row, so
 * the cost grows with the producer's market rows, not with all versions × rows.
 * With no version in force the join finds nothing: grade null, and
 * `units × mass_kg` null, which sum() skips (0 when the group has only those).
 */
export function portfolioSql(d: SqlDialect, producer: string, range: TimeRange): Sql {
  const b = new Builder(d);
  const conditions = [`m.producer = ${b.p(producer)}`];
  if (range.fromMs !== undefined) conditions.push(`m.event_time_ms >= ${b.p(range.fromMs)}`);
  if (range.toMs !== undefined) conditions.push(`m.event_time_ms < ${b.p(range.toMs)}`);
  const text = `SELECT m.month, p.grade, sum(m.units) AS units, coalesce(sum(m.units * p.mass_kg), 0) AS kg
    FROM ${d.prefix}rm_market m
    LEFT JOIN ${d.prefix}rm_passports p ON p.idx = (
      SELECT q.idx FROM ${d.prefix}rm_passports q
      WHERE q.product = m.product AND q.valid_from_ms <= m.event_time_ms
      ORDER BY q.valid_from_ms DESC, q.idx DESC LIMIT 1)
    WHERE ${conditions.join(' AND ')}
    GROUP BY m.month, p.grade ORDER BY m.month, p.grade NULLS FIRST`;
  return { text, values: b.values };
}

const RECORD_COLUMNS = `kind, key, actor, idx AS "index", issued_ms AS "issuedMs", facility, json`;

export function recordsSql(d: SqlDialect, kind: RecordKind, filter: RecordFilter): Sql {
  const b = new Builder(d);
  const conditions = [`kind = ${b.p(kind)}`];
  if (filter.keys !== undefined) conditions.push(d.inList('key', b.list(filter.keys)));
  if (filter.actor !== undefined) conditions.push(`actor = ${b.p(filter.actor)}`);
  if (filter.facility !== undefined) conditions.push(`facility = ${b.p(filter.facility)}`);
  const text = `SELECT ${RECORD_COLUMNS} FROM ${d.prefix}rm_records WHERE ${conditions.join(' AND ')} ORDER BY key`;
  return { text, values: b.values };
}

const PASSPORT_SUMMARY = `idx AS "index", product, producer, version, replaces, issued_ms AS "issuedMs",
  valid_from_ms AS "validFromMs", mass_kg AS "massKg", share, grade`;

/** Fixed queries (parameters numbered from 1). */
export function readModelSql(d: SqlDialect) {
  const t = d.prefix;
  const p1 = d.param(1);
  return {
    findStatements: `SELECT text_sha256 AS k, idx AS "index" FROM ${t}rm_statements WHERE ${d.inList('text_sha256', p1)}`,
    findEvents: `SELECT event_id AS k, idx AS "index" FROM ${t}rm_events WHERE ${d.inList('event_id', p1)}`,
    event: `SELECT idx AS "index", json FROM ${t}rm_events WHERE event_id = ${p1}`,
    passports: `SELECT ${PASSPORT_SUMMARY}, json FROM ${t}rm_passports WHERE ${d.inList('product', p1)}
      ORDER BY product, idx`,
    producerPassports: `SELECT ${PASSPORT_SUMMARY} FROM ${t}rm_passports WHERE producer = ${p1} ORDER BY product, idx`,
    statementCounts: `SELECT kind, count(*) AS n FROM ${t}rm_statements GROUP BY kind`,
    eventIndices: `SELECT idx FROM ${t}rm_events WHERE idx > ${p1} ORDER BY idx LIMIT ${d.param(2)}`,
    tokenActor: `SELECT actor FROM ${t}rm_tokens WHERE token_sha256 = ${p1}`,
    revokeTokens: `DELETE FROM ${t}rm_tokens WHERE actor = ${p1}`,
    putToken: `INSERT INTO ${t}rm_tokens (token_sha256, actor, created_ms) VALUES (${p1}, ${d.param(2)}, ${d.param(3)})
      ON CONFLICT (token_sha256) DO UPDATE SET actor = excluded.actor, created_ms = excluded.created_ms`,
    // A document is named by its digest, so one stored again is the same bytes: keep the first row and its time.
    putDocument: `INSERT INTO ${t}rm_documents (sha256, media_type, stored_ms, bytes)
      VALUES (${p1}, ${d.param(2)}, ${d.param(3)}, ${d.param(4)}) ON CONFLICT (sha256) DO NOTHING`,
    document: `SELECT media_type AS "mediaType", stored_ms AS "storedMs", bytes FROM ${t}rm_documents WHERE sha256 = ${p1}`,
    /** Keys with their effective revocation (earliest fromMs, then lowest index); actors without keys too. */
    actors: `SELECT a.name, a.role, a.idx AS "index", a.issued_ms AS "issuedMs", k.vkey, k.idx AS "keyIndex",
        k.valid_from_ms AS "validFromMs", r.from_ms AS "revokedFromMs", r.idx AS "revokedIndex"
      FROM ${t}rm_actors a
      LEFT JOIN ${t}rm_actor_keys k ON k.actor = a.name
      LEFT JOIN (
        SELECT actor, vkey, from_ms, idx, row_number() OVER (PARTITION BY actor, vkey ORDER BY from_ms, idx) AS n
        FROM ${t}rm_revocations
      ) r ON r.actor = k.actor AND r.vkey = k.vkey AND r.n = 1
      ORDER BY a.name, k.idx, k.vkey`,
  };
}

/** Every derived table read back in the digest's order, columns named as the row types name them. */
export function digestSelects(d: SqlDialect) {
  const t = d.prefix;
  return {
    statements: `SELECT idx AS "index", kind, issuers, actor, issued_ms AS "issuedMs", text_sha256 AS "textSha256"
      FROM ${t}rm_statements ORDER BY idx`,
    actors: `SELECT name, role, idx AS "index", issued_ms AS "issuedMs" FROM ${t}rm_actors ORDER BY name`,
    keys: `SELECT actor, vkey, idx AS "index", valid_from_ms AS "validFromMs"
      FROM ${t}rm_actor_keys ORDER BY actor, vkey`,
    revocations: `SELECT actor, vkey, idx AS "index", from_ms AS "fromMs"
      FROM ${t}rm_revocations ORDER BY actor, vkey, idx`,
    events: `SELECT idx AS "index", event_id AS "eventId", event_type AS "eventType", event_time_ms AS "eventTimeMs",
        record_time_ms AS "recordTimeMs", action, biz_step AS "bizStep", disposition, read_point AS "readPoint",
        biz_location AS "bizLocation", actor, custody, json
      FROM ${t}rm_events ORDER BY idx`,
    epcs: `SELECT idx AS "index", field, epc FROM ${t}rm_event_epcs ORDER BY idx, field, epc`,
    classes: `SELECT idx AS "index", seq, field, epc_class AS "epcClass", quantity, uom, kg, facility,
        event_time_ms AS "eventTimeMs"
      FROM ${t}rm_event_classes ORDER BY idx, seq`,
    passports: `SELECT ${PASSPORT_SUMMARY}, json FROM ${t}rm_passports ORDER BY idx`,
    market: `SELECT idx AS "index", seq, producer, product, units, event_time_ms AS "eventTimeMs", month
      FROM ${t}rm_market ORDER BY idx, seq`,
    records: `SELECT ${RECORD_COLUMNS} FROM ${t}rm_records ORDER BY kind, key`,
  } as const;
}

/** One row of `readModelSql(...).actors`. */
export interface ActorJoinRow {
  name: string;
  role: string;
  index: number;
  issuedMs: number;
  vkey: string | null;
  keyIndex: number | null;
  validFromMs: number | null;
  revokedFromMs: number | null;
  revokedIndex: number | null;
}

export function actorRecords(rows: readonly ActorJoinRow[]): ActorRecord[] {
  const out: ActorRecord[] = [];
  for (const r of rows) {
    let a = out.at(-1);
    if (a?.name !== r.name) {
      a = { name: r.name, role: r.role as ActorRole, index: r.index, issuedMs: r.issuedMs, keys: [] };
      out.push(a);
    }
    if (r.vkey === null) continue;
    a.keys.push({
      vkey: r.vkey,
      index: r.keyIndex as number,
      validFromMs: r.validFromMs as number,
      revokedFromMs: r.revokedFromMs,
      revokedIndex: r.revokedIndex,
    });
  }
  return out;
}

export type SqlValue = string | number | null;

/** A planned batch as value tuples, per table, in the INSERT column order both SQL drivers use. */
export function insertRows(p: PlannedBatch): Record<keyof PlannedBatch, SqlValue[][]> {
  return {
    statements: p.statements.map((s) => [s.index, s.kind, s.issuers, s.actor, s.issuedMs, s.textSha256]),
    actors: p.actors.map((a) => [a.name, a.role, a.index, a.issuedMs]),
    keys: p.keys.map((k) => [k.actor, k.vkey, k.index, k.validFromMs]),
    revocations: p.revocations.map((r) => [r.actor, r.vkey, r.index, r.fromMs]),
    events: p.events.map((e) => [
      e.index,
      e.eventId,
      e.eventType,
      e.eventTimeMs,
      e.recordTimeMs,
      e.action,
      e.bizStep,
      e.disposition,
      e.readPoint,
      e.bizLocation,
      e.actor,
      e.custody,
      e.json,
    ]),
    epcs: p.epcs.map((r) => [r.index, r.field, r.epc]),
    classes: p.classes.map((c) => [
      c.index,
      c.seq,
      c.field,
      c.epcClass,
      c.quantity,
      c.uom,
      c.kg,
      c.facility,
      c.eventTimeMs,
    ]),
    passports: p.passports.map((r) => [
      r.index,
      r.product,
      r.producer,
      r.version,
      r.replaces,
      r.issuedMs,
      r.validFromMs,
      r.massKg,
      r.share,
      r.grade,
      r.json,
    ]),
    market: p.market.map((m) => [m.index, m.seq, m.producer, m.product, m.units, m.eventTimeMs, m.month]),
    records: p.records.map((r) => [r.kind, r.key, r.actor, r.index, r.issuedMs, r.facility, r.json]),
  };
}
