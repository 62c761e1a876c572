/**
 * What every read-model driver does the same way before it writes: refuse
 * malformed batches, and decide which rows of a batch "first one wins" keeps.
 * Deciding it here, once, rather than in three dialects of SQL is what makes the
 * drivers' digests agree; the unique indexes of the SQL drivers stay as a
 * backstop. Checks of queries are in read-model-reads.ts.
 */
import { toHex } from '../ledger/bytes.js';
import { sha256 } from '../ledger/crypto.js';
import { MatterlogError } from '../ledger/errors.js';
import type {
  ActorKeyRow,
  ActorRow,
  ClassField,
  EpcField,
  EventClassRow,
  EventEpcRow,
  EventRow,
  MarketRow,
  PassportRow,
  ReadModelBatch,
  RecordRow,
  RevocationRow,
  StatementRow,
} from './read-model.js';

export const EPC_FIELDS: readonly EpcField[] = ['epc', 'parentID', 'childEPC', 'inputEPC', 'outputEPC'];
export const CLASS_FIELDS: readonly ClassField[] = ['quantity', 'childQuantity', 'inputQuantity', 'outputQuantity'];
export const GRADES: readonly string[] = ['A', 'B', 'C', 'non-recyclable'];

/** A class row as stored: `seq` is its position among its event's class rows, so repeats stay distinct. */
export interface StoredClassRow extends EventClassRow {
  seq: number;
}

/** A market row as stored: `seq` is its position among its event's market rows, as for class rows. */
export interface StoredMarketRow extends MarketRow {
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
  passports: PassportRow[];
  market: StoredMarketRow[];
  records: RecordRow[];
}

const SHA256_HEX = /^[0-9a-f]{64}$/;
const MONTH = /^\d{4}-\d{2}$/;
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

function positive(v: unknown, what: string): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw bad(`${what} must be a positive finite number, not ${String(v)}`);
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

/** A document is read and written in one piece, so the store bounds it (the contract's 256 MiB). */
export const MAX_DOCUMENT_BYTES = 256 * 1024 * 1024;
const MAX_MEDIA_TYPE = 200;

/** Refuses a digest no document can be stored under, so every driver answers malformed ones alike. */
export function checkDocumentDigest(sha256Hex: string): void {
  if (typeof sha256Hex !== 'string' || !SHA256_HEX.test(sha256Hex)) {
    throw bad('a document digest must be 64 lowercase hex digits (a SHA-256)');
  }
}

/**
 * Refuses a document whose bytes are not what its digest names: statements carry
 * the digest, and anyone fetching the document checks it against them, so a
 * mismatch stored here would be served as tampering.
 */
export function checkDocument(sha256Hex: string, bytes: Uint8Array, mediaType: string): void {
  checkDocumentDigest(sha256Hex);
  if (!(bytes instanceof Uint8Array)) throw bad('a document must be bytes (a Uint8Array)');
  // Before hashing: refusing an oversized document should not cost a pass over it.
  if (bytes.byteLength > MAX_DOCUMENT_BYTES) {
    throw new MatterlogError(
      'request_too_large',
      `a document is at most ${MAX_DOCUMENT_BYTES} bytes (256 MiB); this one has ${bytes.byteLength}`,
    );
  }
  if (
    typeof mediaType !== 'string' ||
    mediaType.length === 0 ||
    mediaType.length > MAX_MEDIA_TYPE ||
    UNSTORABLE.test(mediaType)
  ) {
    throw bad(`a document's media type must be 1 to ${MAX_MEDIA_TYPE} characters without NUL or unpaired surrogates`);
  }
  const actual = toHex(sha256(bytes));
  if (actual !== sha256Hex) {
    throw bad(
      `the document's SHA-256 is ${actual}, which does not match the digest ${sha256Hex} it was to be stored under`,
    );
  }
}

/** A batch from `fromSize` to `toSize` with no rows yet. */
export function emptyBatch(fromSize: number, toSize: number): ReadModelBatch {
  return {
    fromSize,
    toSize,
    statements: [],
    actors: [],
    keys: [],
    revocations: [],
    events: [],
    epcs: [],
    classes: [],
    passports: [],
    market: [],
    records: [],
  };
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
  checkProductRows(b, at, eventAt);
}

/** The rows of passports, market placements and records (see `checkReadModelBatch`). */
function checkProductRows(b: ReadModelBatch, at: (index: unknown, what: string) => void, eventAt: Set<number>): void {
  // One row per index: the digest and the SQL tables key passports by their index.
  const passportAt = new Set<number>();
  for (const p of b.passports) {
    at(p.index, 'passport');
    if (passportAt.has(p.index)) throw bad(`two passport rows at index ${p.index}`);
    passportAt.add(p.index);
    text(p.product, 'passport product');
    text(p.producer, 'passport producer');
    text(p.version, 'passport version');
    text(p.replaces, 'passport replaces', true);
    integer(p.issuedMs, 'passport issuedMs');
    integer(p.validFromMs, 'passport validFromMs');
    positive(p.massKg, 'passport massKg');
    if (typeof p.share !== 'number' || !(p.share >= 0 && p.share <= 1)) {
      throw bad(`passport share must be a number from 0 to 1, not ${String(p.share)}`);
    }
    if (!GRADES.includes(p.grade)) throw bad(`grade must be one of ${GRADES.join(', ')}, not ${String(p.grade)}`);
    text(p.json, 'passport json');
  }
  for (const m of b.market) {
    if (!eventAt.has(m.index)) throw bad(`a market row at index ${m.index} has no event row in the batch`);
    text(m.producer, 'market producer');
    text(m.product, 'market product');
    positive(m.units, 'market units');
    integer(m.eventTimeMs, 'market eventTimeMs');
    if (typeof m.month !== 'string' || !MONTH.test(m.month)) {
      throw bad(`market month must be YYYY-MM, not ${String(m.month)}`);
    }
  }
  for (const r of b.records) {
    at(r.index, 'record');
    if (r.kind !== 'facility' && r.kind !== 'route' && r.kind !== 'policy')
      throw bad('record kind must be "facility", "route" or "policy"');
    text(r.key, 'record key');
    text(r.actor, 'record actor');
    integer(r.issuedMs, 'record issuedMs');
    text(r.facility, 'record facility', true);
    text(r.json, 'record json');
  }
}

/**
 * The rows of `b` to write, given which of its text digests and event IDs the
 * store already holds. Drops every row at the index of a statement seen before
 * (in the store or earlier in the batch), and the event, EPC, class and market
 * rows of an event seen before. Within the batch, a repeated (actor, vkey) key
 * and a repeated passport (product, version) keep their first row; a repeated
 * actor name and record (kind, key) their last (upserts applied in order).
 * Passports already in the store are the driver's to skip (`DO NOTHING`).
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
  const lastRecord = new Map<string, RecordRow>();
  for (const r of live(b.records)) {
    const key = `${r.kind}\u0000${r.key}`;
    lastRecord.delete(key);
    lastRecord.set(key, r);
  }
  return {
    statements,
    actors: [...lastActor.values()],
    keys: firstOf(live(b.keys), (k) => `${k.actor}\u0000${k.vkey}`),
    revocations: firstOf(live(b.revocations), (r) => `${r.actor}\u0000${r.vkey}\u0000${r.index}`),
    events,
    epcs,
    classes: numbered(live(b.classes)),
    passports: firstOf(live(b.passports), (p) => `${p.product}\u0000${p.version}`),
    market: numbered(live(b.market)),
    records: [...lastRecord.values()],
  };
}

/** Each row with its position among the rows of its index, in the order given. */
function numbered<T extends { index: number }>(rows: readonly T[]): (T & { seq: number })[] {
  const seq = new Map<number, number>();
  return rows.map((r) => {
    const n = seq.get(r.index) ?? 0;
    seq.set(r.index, n + 1);
    return { ...r, seq: n };
  });
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
