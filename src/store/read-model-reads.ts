/**
 * What every read-model driver does the same way when it reads: refuse queries
 * the drivers would each answer differently (or not at all), order text as the
 * databases do, and cut pages.
 */
import { MatterlogError } from '../ledger/errors.js';
import type { EventPage, EventQuery, QuantityQuery, RecordKind } from './read-model.js';
import { CLASS_FIELDS, EPC_FIELDS } from './read-model-batch.js';

export const MAX_QUERY_LIMIT = 10_000;
export const RECORD_KINDS: readonly RecordKind[] = ['facility', 'route', 'policy'];

export interface RecordFilter {
  keys?: readonly string[];
  actor?: string;
  facility?: string;
}

export interface TimeRange {
  fromMs?: number;
  toMs?: number;
}

function bad(message: string): MatterlogError {
  return new MatterlogError('invalid_input', message);
}

function strings(v: unknown, what: string): void {
  if (v === undefined) return;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw bad(`${what} must be a list of strings`);
}

function string(v: unknown, what: string): void {
  if (v !== undefined && typeof v !== 'string') throw bad(`${what} must be a string`);
}

function time(v: unknown, what: string): void {
  if (v !== undefined && !Number.isSafeInteger(v)) throw bad(`${what} must be a safe integer, not ${String(v)}`);
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
  string(q.facility, 'facility');
  string(q.epcClass, 'epcClass');
  time(q.fromMs, 'fromMs');
  time(q.toMs, 'toMs');
}

export function checkProducts(products: readonly string[]): void {
  if (!Array.isArray(products)) throw bad('products must be a list of strings');
  strings(products, 'products');
}

/** Most indices one `eventIndices` call returns. */
export const MAX_INDEX_PAGE = 100_000;

export function checkIndexPage(afterIndex: number, limit: number): void {
  if (!Number.isSafeInteger(afterIndex) || afterIndex < -1)
    throw bad(`afterIndex must be a whole number from -1, not ${String(afterIndex)}`);
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_INDEX_PAGE) {
    throw bad(`limit must be a whole number from 1 to ${MAX_INDEX_PAGE}, not ${String(limit)}`);
  }
}

export function checkProducer(producer: string): void {
  if (typeof producer !== 'string') throw bad('producer must be a string');
}

export function checkPortfolio(producer: string, range: TimeRange): void {
  checkProducer(producer);
  if (typeof range !== 'object' || range === null) throw bad('a portfolio range must be an object');
  time(range.fromMs, 'fromMs');
  time(range.toMs, 'toMs');
}

export function checkRecordQuery(kind: RecordKind, filter: RecordFilter): void {
  if (!RECORD_KINDS.includes(kind)) throw bad(`"${String(kind)}" is not one of ${RECORD_KINDS.join(', ')}`);
  strings(filter.keys, 'keys');
  string(filter.actor, 'actor');
  string(filter.facility, 'facility');
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
