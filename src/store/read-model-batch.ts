/**
 * What every read-model driver does the same way before it writes or reads:
 * refuse malformed batches and queries, and decide which rows of a batch "first
 * one wins" keeps. Deciding it here, once, rather than in three dialects of SQL
 * is what makes the drivers' digests agree; the unique indexes of the SQL drivers
 * stay as a backstop.
 */
import { MatterlogError } from '../ledger/errors.js';
import type {
  ActorKeyRow,
  ActorRow,
  ClassField,
  EpcField,
  EventClassRow,
  EventEpcRow,
  EventPage,
  EventQuery,
  EventRow,
  QuantityQuery,
  ReadModelBatch,
  RevocationRow,
  StatementRow,
} from './read-model.js';

export const EPC_FIELDS: readonly EpcField[] = ['epc', 'parentID', 'childEPC', 'inputEPC', 'outputEPC'];
export const CLASS_FIELDS: readonly ClassField[] = ['quantity', 'childQuantity', 'inputQuantity', 'outputQuantity'];
export const MAX_QUERY_LIMIT = 10_000;

/** A class row as stored: `seq` is its position among its event's class rows, so repeats stay distinct. */
export interface StoredClassRow extends EventClassRow {
  seq: number;
}

/** The rows of a batch that are to be written, in the order to write them. */
export interface PlannedBatch {
  statements: StatementRow[];
  actors: ActorRow[];
  keys: ActorKeyRow[];
  revocations: RevocationRow[];
  events: EventRow[];
  epcs: EventEpcRow[];
  classes: StoredClassRow[];
}

const SHA256_HEX = /^[0-9a-f]{64}$/;
// In a `u` regex a paired surrogate is one code point, so \p{Cs} finds only lone halves,
// which UTF-8 cannot encode: SQLite and PostgreSQL would store something else than memory.
const UNSTORABLE = /[\u0000\p{Cs}]/u;

function bad(message: string): MatterlogError {
  return new MatterlogError('invalid_input', message);
}

function text(v: unknown, what: string, nullable = false): void {
  if (v === null && nullable) return;
  if (typeof v !== 'string' || UNSTORABLE.test(v)) {
    throw bad(`${what} must be a string without NUL or unpaired surrogates${nullable ? ', or null' : ''}`);
  }
}

function integer(v: unknown, what: string): void {
  if (!Number.isSafeInteger(v)) throw bad(`${what} must be a safe integer, not ${String(v)}`);
}

function real(v: unknown, what: string): void {
  if (v !== null && (typeof v !== 'number' || !Number.isFinite(v))) {
    throw bad(`${what} must be a finite number or null, not ${String(v)}`);
  }
}

/** True when every driver stores `s` as given (PostgreSQL refuses NUL; UTF-8 cannot hold a lone surrogate). */
export function storableText(s: string): boolean {
  return !UNSTORABLE.test(s);
}

export function checkToken(tokenSha256: string, actor: string, createdMs: number): void {
  if (typeof tokenSha256 !== 'string' || !SHA256_HEX.test(tokenSha256)) {
    throw bad('a token hash must be 64 lowercase hex digits (a SHA-256)');
  }
  text(actor, 'token actor');
  integer(createdMs, 'token createdMs');
}

/** Refuses a batch that contradicts itself or holds values a driver could not store exactly. */
export function checkReadModelBatch(b: ReadModelBatch): void {
  integer(b.fromSize, 'fromSize');
  integer(b.toSize, 'toSize');
  if (b.fromSize < 0 || b.toSize < b.fromSize) throw bad(`a batch cannot go from size ${b.fromSize} to ${b.toSize}`);
  const at = (index: unknown, what: string) => {
    integer(index, `${what} index`);
    if ((index as number) < b.fromSize || (index as number) >= b.toSize) {
      throw bad(`${what} row at index ${index} lies outside the batch's entries ${b.fromSize}..${b.toSize - 1}`);
    }
  };
  const statementAt = new Set<number>();
  for (const s of b.statements) {
    at(s.index, 'statement');
    if (statementAt.has(s.index)) throw bad(`two statement rows at index ${s.index}`);
    statementAt.add(s.index);
    text(s.kind, 'kind');
    text(s.issuers, 'issuers');
    text(s.actor, 'statement actor');
    integer(s.issuedMs, 'issuedMs');
    if (typeof s.textSha256 !== 'string' || !SHA256_HEX.test(s.textSha256)) {
      throw bad(`textSha256 at index ${s.index} must be 64 lowercase hex digits`);
    }
  }
  for (const a of b.actors) {
    at(a.index, 'actor');
    text(a.name, 'actor name');
    text(a.role, 'actor role');
    integer(a.issuedMs, 'actor issuedMs');
  }
  for (const k of b.keys) {
    at(k.index, 'key');
    text(k.actor, 'key actor');
    text(k.vkey, 'vkey');
    integer(k.validFromMs, 'validFromMs');
  }
  for (const r of b.revocations) {
    at(r.index, 'revocation');
    text(r.actor, 'revocation actor');
    text(r.vkey, 'revoked vkey');
    integer(r.fromMs, 'revocation fromMs');
  }
  const eventAt = new Set<number>();
  for (const e of b.events) {
    at(e.index, 'event');
    if (eventAt.has(e.index)) throw bad(`two event rows at index ${e.index}`);
    eventAt.add(e.index);
    text(e.eventId, 'eventId');
    text(e.eventType, 'eventType');
    integer(e.eventTimeMs, 'eventTimeMs');
    integer(e.recordTimeMs, 'recordTimeMs');
    for (const f of ['action', 'bizStep', 'disposition', 'readPoint', 'bizLocation'] as const) text(e[f], f, true);
    text(e.actor, 'event actor');
    if (e.custody !== 'self' && e.custody !== 'gateway') throw bad(`custody must be "self" or "gateway"`);
    text(e.json, 'event json');
  }
  for (const r of b.epcs) {
    if (!eventAt.has(r.index)) throw bad(`an EPC row at index ${r.index} has no event row in the batch`);
    if (!EPC_FIELDS.includes(r.field)) throw bad(`"${r.field}" is not an EPC field`);
    text(r.epc, 'epc');
  }
  for (const c of b.classes) {
    if (!eventAt.has(c.index)) throw bad(`a class row at index ${c.index} has no event row in the batch`);
    if (!CLASS_FIELDS.includes(c.field)) throw bad(`"${c.field}" is not a quantity field`);
    text(c.epcClass, 'epcClass');
    real(c.quantity, 'quantity');
    text(c.uom, 'uom', true);
    real(c.kg, 'kg');
    text(c.facility, 'facility', true);
    integer(c.eventTimeMs, 'class eventTimeMs');
  }
}

/**
 * The rows of `b` to write, given which of its text digests and event IDs the
 * store already holds. Drops every row at the index of a statement seen before
 * (in the store or earlier in the batch), and the event, EPC and class rows of an
 * event seen before. Within the batch, a repeated (actor, vkey) key keeps its
 * first row and a repeated actor name its last (an upsert applied in order).
 */
export function planReadModelBatch(
  b: ReadModelBatch,
  knownStatements: ReadonlySet<string>,
  knownEvents: ReadonlySet<string>,
): PlannedBatch {
  const dropped = new Set<number>();
  const seenText = new Set(knownStatements);
  const statements = b.statements.filter((s) => {
    if (seenText.has(s.textSha256)) {
      dropped.add(s.index);
      return false;
    }
    seenText.add(s.textSha256);
    return true;
  });
  const live = <T extends { index: number }>(rows: readonly T[]) => rows.filter((r) => !dropped.has(r.index));
  const seenEvent = new Set(knownEvents);
  const events = live(b.events).filter((e) => {
    if (seenEvent.has(e.eventId)) {
      dropped.add(e.index);
      return false;
    }
    seenEvent.add(e.eventId);
    return true;
  });
  const lastActor = new Map<string, ActorRow>();
  for (const a of live(b.actors)) {
    lastActor.delete(a.name);
    lastActor.set(a.name, a);
  }
  const epcs = firstOf(live(b.epcs), (r) => `${r.index}\u0000${r.field}\u0000${r.epc}`);
  const seq = new Map<number, number>();
  const classes = live(b.classes).map((c) => {
    const n = seq.get(c.index) ?? 0;
    seq.set(c.index, n + 1);
    return { ...c, seq: n };
  });
  return {
    statements,
    actors: [...lastActor.values()],
    keys: firstOf(live(b.keys), (k) => `${k.actor}\u0000${k.vkey}`),
    revocations: firstOf(live(b.revocations), (r) => `${r.actor}\u0000${r.vkey}\u0000${r.index}`),
    events,
    epcs,
    classes,
  };
}

function firstOf<T>(rows: readonly T[], key: (r: T) => string): T[] {
  const seen = new Set<string>();
  return rows.filter((r) => {
    const k = key(r);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function strings(v: unknown, what: string): void {
  if (v === undefined) return;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw bad(`${what} must be a list of strings`);
}

function time(v: unknown, what: string): void {
  if (v !== undefined) integer(v, what);
}

/** Refuses a query the drivers would each answer differently (or not at all). */
export function checkEventQuery(q: EventQuery): void {
  if (!Number.isSafeInteger(q.limit) || q.limit < 1 || q.limit > MAX_QUERY_LIMIT) {
    throw bad(`limit must be a whole number from 1 to ${MAX_QUERY_LIMIT}, not ${String(q.limit)}`);
  }
  for (const k of [
    'eventTypes',
    'actions',
    'bizSteps',
    'dispositions',
    'readPoints',
    'bizLocations',
    'actors',
  ] as const) {
    strings(q[k], k);
  }
  for (const [what, list, allowed] of [
    ['epcs', q.epcs, EPC_FIELDS],
    ['classes', q.classes, CLASS_FIELDS],
  ] as const) {
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw bad(`${what} must be a list of matches`);
    for (const m of list) {
      strings(m.values, `${what} values`);
      strings(m.fields, `${what} fields`);
      if (!Array.isArray(m.values) || !Array.isArray(m.fields)) throw bad(`each of ${what} needs fields and values`);
      for (const f of m.fields as string[]) {
        if (!(allowed as readonly string[]).includes(f)) throw bad(`"${f}" is not one of ${allowed.join(', ')}`);
      }
    }
  }
  for (const k of ['eventTimeFromMs', 'eventTimeToMs', 'recordTimeFromMs', 'recordTimeToMs', 'afterIndex'] as const) {
    time(q[k], k);
  }
}

export function checkQuantityQuery(q: QuantityQuery): void {
  if (q.facility !== undefined && typeof q.facility !== 'string') throw bad('facility must be a string');
  if (q.epcClass !== undefined && typeof q.epcClass !== 'string') throw bad('epcClass must be a string');
  time(q.fromMs, 'fromMs');
  time(q.toMs, 'toMs');
}

/**
 * Orders strings by Unicode code point, which is how SQLite (BINARY) and
 * PostgreSQL (COLLATE "C") order UTF-8 text; JavaScript's `<` compares UTF-16
 * code units, which puts U+E000..U+FFFF after characters beyond U+FFFF.
 */
export function compareText(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x += x >= 0xe000 ? -0x800 : 0x2000;
      y += y >= 0xe000 ? -0x800 : 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

/** A page from the `limit + 1` rows a query fetched. */
export function eventPage(rows: { index: number; json: string }[], limit: number): EventPage {
  if (rows.length <= limit) return { events: rows, nextAfterIndex: null };
  const events = rows.slice(0, limit);
  return { events, nextAfterIndex: events.at(-1)?.index ?? null };
}
