/**
 * The read model's storage contract: indexes derived from the log's statements
 * (the actor registry, EPCIS events by EPC, class, location and time, quantities
 * by material and facility), kept in the same database as the log but in their
 * own tables. Every driver (memory, sqlite, postgres) implements exactly this,
 * and one conformance suite (test/store-conformance) runs against each.
 *
 * The read model is derived data: everything in it except capture tokens is a
 * function of the log's entries, written by one indexer (the sequencer's
 * process) in log order. `matterlog reindex` drops it and rebuilds it from the
 * entries alone; `digest()` must then be the same as before.
 *
 * Guarantees every driver gives:
 *
 * - **Atomic batches, compare-and-swap on progress.** `apply` writes a batch's
 *   rows and the new `indexedSize` together or not at all, and only when the
 *   stored `indexedSize` is still `batch.fromSize` (else `conflict`, nothing
 *   written). So a crash between the log's commit and the indexer's leaves the
 *   read model at an older, consistent size; the indexer resumes from there.
 * - **First one wins.** A statement whose text digest, or an event whose event
 *   ID, is already indexed is not indexed again (its rows in a batch are
 *   dropped, silently): the earliest log index keeps the entry. A dropped
 *   statement drops every row at its index; a dropped event drops its EPC and
 *   class rows (its statement row stays). Within one batch, rows are applied in
 *   the order given. The same for the other tables: a key (actor, vkey) keeps
 *   its first row; an actor row is an upsert, so the last one wins; every
 *   revocation is kept; a repeated EPC row (index, field, epc) is kept once;
 *   class rows are all kept, in the order given per event. A passport keeps
 *   its first row per (product, version); market rows need their event row in
 *   the batch and go with it; a record (kind, key) is an upsert, the last wins.
 * - **Malformed batches are refused whole** with `invalid_input` before any
 *   write: row indices outside [fromSize, toSize), two statement or event rows
 *   at one index, EPC/class rows without their event row in the batch, times
 *   that are not safe integers, quantities that are not finite, or strings
 *   with NUL or unpaired surrogates (PostgreSQL refuses NUL, UTF-8 cannot hold
 *   a lone surrogate). The projector must leave such entries out, or the
 *   indexer would stop at them.
 * - **Committed reads**, as for the log store: a reader sees a batch entirely or
 *   not at all (`actors()` and `digest()` read one snapshot across tables).
 *   Reads may run concurrently with one `apply`; concurrent `apply` calls are
 *   serialised by the compare-and-swap (all but one get `conflict`).
 * - **Text order** is by Unicode code point (SQLite BINARY, PostgreSQL
 *   COLLATE "C"), wherever rows are ordered by a string.
 * - **Tokens and documents are not derived**: `reset` keeps them. Only a
 *   token's SHA-256 is stored; a document is stored whole under its SHA-256.
 * - **No SQL built from strings**: every value is a bound parameter.
 * - **close()** is idempotent; afterwards every call fails with `unavailable`.
 */

import type { ActorSnapshot } from '../statements/registry.js';
import type { Role } from '../statements/roles.js';

/** An actor's role; what each role may state is `ROLE_KINDS` in src/statements. */
export type ActorRole = Role;

/** One indexed statement: the dedup key and what it is. */
export interface StatementRow {
  /** The log index of the entry. */
  index: number;
  kind: string;
  /** Issuer names joined by a single space (most statements have one). */
  issuers: string;
  /** The actor the statement speaks for: its issuer, or the actor a gateway captured for. */
  actor: string;
  /** ISO 8601 UTC time from the statement, milliseconds since the epoch. */
  issuedMs: number;
  /** SHA-256 (hex) of the statement's canonical text: the dedup key. */
  textSha256: string;
}

/** An `actor` statement: registers a name (or updates its role) and adds a key. */
export interface ActorRow {
  name: string;
  role: ActorRole;
  /** The log index of the statement that registered the name first or changed it last. */
  index: number;
  /** When the statement says it was issued (ms since the epoch). */
  issuedMs: number;
}

export interface ActorKeyRow {
  actor: string;
  /** Signed-note verifier key `name+hash+base64`. */
  vkey: string;
  /** Log index of the registering statement. */
  index: number;
  /** Valid for statements issued at or after this time (ms). */
  validFromMs: number;
}

/** A `revocation` statement: the key signs nothing issued at or after `fromMs`. */
export interface RevocationRow {
  actor: string;
  vkey: string;
  fromMs: number;
  index: number;
}

/** One EPCIS event statement. */
export interface EventRow {
  index: number;
  /** The CBV 2.0 event hash ID, `ni:///sha-256;…?ver=CBV2.0`: the event's dedup key. */
  eventId: string;
  /** ObjectEvent, AggregationEvent, TransactionEvent, TransformationEvent, AssociationEvent. */
  eventType: string;
  eventTimeMs: number;
  /** The statement's issued time, which is when it was recorded. */
  recordTimeMs: number;
  action: string | null;
  /** As given in the event (a bare CBV word or an absolute URI). */
  bizStep: string | null;
  disposition: string | null;
  readPoint: string | null;
  bizLocation: string | null;
  /** The actor the event was recorded for. */
  actor: string;
  /** 'self': signed by the actor; 'gateway': signed by the capture gateway for the actor. */
  custody: 'self' | 'gateway';
  /** The event as JSON text (with eventID and recordTime filled in), returned by queries. */
  json: string;
}

export type EpcField = 'epc' | 'parentID' | 'childEPC' | 'inputEPC' | 'outputEPC';
export type ClassField = 'quantity' | 'childQuantity' | 'inputQuantity' | 'outputQuantity';

export interface EventEpcRow {
  index: number;
  field: EpcField;
  epc: string;
}

export interface EventClassRow {
  index: number;
  field: ClassField;
  epcClass: string;
  /** As given; null when the event gave none. */
  quantity: number | null;
  uom: string | null;
  /** The quantity in kilograms, when the unit is a mass unit. */
  kg: number | null;
  /** The event's bizLocation (copied for quantity totals). */
  facility: string | null;
  eventTimeMs: number;
}

/**
 * One version of a product's passport (a `passport` statement), with the
 * assessment under the catalog's default routes that the indexer computed, so
 * portfolios are summed by the database rather than re-assessed per request.
 */
export interface PassportRow {
  index: number;
  /** The product's GTIN as 14 digits. */
  product: string;
  /** The actor (a producer) that published it. */
  producer: string;
  version: string;
  /** The version this one replaces, or null for the first. */
  replaces: string | null;
  issuedMs: number;
  /** From when the version applies (its `validFrom`, else its issued time), ms. */
  validFromMs: number;
  /** The declared mass of one unit, kg. */
  massKg: number;
  /** Recoverable share of the mass under the default catalog routes, in [0, 1]. */
  share: number;
  /** PPWR recyclability grade from `share`: 'A', 'B', 'C' or 'non-recyclable'. */
  grade: string;
  /** The passport body as JSON text. */
  json: string;
}

/** A passport row without its body, for listings and portfolios. */
export type PassportSummary = Omit<PassportRow, 'json'>;

/**
 * Units of a product an actor placed on the market: one row per product an
 * EPCIS commissioning event names (by SGTIN, class or Digital Link), counted.
 */
export interface MarketRow {
  /** The event's log index; the row lives and dies with its event row. */
  index: number;
  /** The actor the event was recorded for. */
  producer: string;
  /** GTIN-14. */
  product: string;
  units: number;
  eventTimeMs: number;
  /** The UTC calendar month of the event, `YYYY-MM`. */
  month: string;
}

/**
 * `policy` records hold, under the policy's id, its latest body and the list of
 * its versions with their log indexes: `{"latest": <body>, "versions": [{"version", "index"}, …]}`.
 */
export type RecordKind = 'facility' | 'route' | 'policy';

/** A facility or an operator's route: the latest statement about its key replaces the previous. */
export interface RecordRow {
  kind: RecordKind;
  /** The facility's location id, or the route's id. */
  key: string;
  /** The actor that published it (only it may publish later versions). */
  actor: string;
  index: number;
  issuedMs: number;
  /** For a route: the facility it runs at, if it names one; null otherwise. */
  facility: string | null;
  /** The statement body as JSON text. */
  json: string;
}

/** Units and mass placed on the market in one month, by the grade of the passport version in force. */
export interface PortfolioTotal {
  month: string;
  /** The grade of the version in force at the event time, or null when no version was in force yet. */
  grade: string | null;
  units: number;
  /** units × the version's declared mass; 0 when no version was in force. */
  kg: number;
}

export interface ReadModelBatch {
  /** The read model's `indexedSize` this batch applies on top of. */
  fromSize: number;
  /** The log size the read model reaches with this batch. */
  toSize: number;
  statements: StatementRow[];
  actors: ActorRow[];
  keys: ActorKeyRow[];
  revocations: RevocationRow[];
  events: EventRow[];
  epcs: EventEpcRow[];
  classes: EventClassRow[];
  passports: PassportRow[];
  market: MarketRow[];
  records: RecordRow[];
}

/**
 * An actor as the read model has it. When a key was revoked more than once, the
 * revocation with the earliest `fromMs` counts (on a tie, the lowest index):
 * revoking earlier is stricter.
 */
export type ActorRecord = ActorSnapshot;

/** One EPC condition: the event has one of `values` in one of `fields`. */
export interface EpcMatch {
  fields: EpcField[];
  values: string[];
}
export interface ClassMatch {
  fields: ClassField[];
  values: string[];
}

/**
 * An EPCIS query: every present condition must hold (AND); within one condition
 * any listed value may match (OR), so an empty list matches nothing. Times are
 * [from, to) in ms. `limit` must be a whole number from 1 to 10,000
 * (`invalid_input` otherwise).
 */
export interface EventQuery {
  eventTypes?: string[];
  actions?: string[];
  bizSteps?: string[];
  dispositions?: string[];
  readPoints?: string[];
  bizLocations?: string[];
  actors?: string[];
  epcs?: EpcMatch[];
  classes?: ClassMatch[];
  eventTimeFromMs?: number;
  eventTimeToMs?: number;
  recordTimeFromMs?: number;
  recordTimeToMs?: number;
  /** Only events at log indices greater than this (the paging cursor). */
  afterIndex?: number;
  /** At most this many events, in log order; a page holds exactly `limit` unless it is the last. */
  limit: number;
}

export interface EventPage {
  events: { index: number; json: string }[];
  /** The cursor for the next page, or null when this is the last. */
  nextAfterIndex: number | null;
}

/** Exact matches; event time in [fromMs, toMs). */
export interface QuantityQuery {
  facility?: string;
  epcClass?: string;
  fromMs?: number;
  toMs?: number;
}

/**
 * Summed kilograms per facility × class × field (only rows with a mass), ordered
 * by facility (null first), class, field. Sums of doubles may differ between
 * drivers in the last bits (the addition order is the database's).
 */
export interface QuantityTotal {
  facility: string | null;
  epcClass: string;
  field: ClassField;
  kg: number;
  /** How many distinct events contributed. */
  events: number;
}

export interface ReadModelStore {
  /** How many log entries the read model covers (0 when empty). */
  indexedSize(): Promise<number>;
  /** See "Atomic batches" and "First one wins" above. */
  apply(batch: ReadModelBatch): Promise<void>;
  /** Deletes every derived row and sets indexedSize to 0, atomically. Tokens and documents stay. */
  reset(): Promise<void>;

  /** Text digest (hex) → log index, for those already indexed. */
  findStatements(textSha256: readonly string[]): Promise<Map<string, number>>;
  /** Event hash ID → log index, for those already indexed. */
  findEvents(eventIds: readonly string[]): Promise<Map<string, number>>;
  /** Every actor with its keys, ordered by name; keys by index (then vkey). Keys of unregistered names are not listed. */
  actors(): Promise<ActorRecord[]>;
  queryEvents(query: EventQuery): Promise<EventPage>;
  /** The event stored under `eventId`, or null. */
  event(eventId: string): Promise<{ index: number; json: string } | null>;
  quantities(query: QuantityQuery): Promise<QuantityTotal[]>;
  /** Every version of these products (GTIN-14), ordered by product, then index. */
  passports(products: readonly string[]): Promise<PassportRow[]>;
  /** Every passport version a producer published, without bodies, ordered by product, then index. */
  producerPassports(producer: string): Promise<PassportSummary[]>;
  /**
   * Units and mass a producer placed on the market (market rows recorded for it),
   * per month and grade of the passport version in force at each event's time: the
   * version of the same product with the latest `validFromMs` at or before the event
   * time (on a tie, the highest index). Event time in [fromMs, toMs). Ordered by
   * month, then grade with null first.
   */
  portfolio(producer: string, range?: { fromMs?: number; toMs?: number }): Promise<PortfolioTotal[]>;
  /** Facilities or routes, ordered by key; only those with the given keys, actor or facility when asked. */
  records(
    kind: RecordKind,
    filter?: { keys?: readonly string[]; actor?: string; facility?: string },
  ): Promise<RecordRow[]>;
  /**
   * Log indices of the events the read model holds (an event logged again under
   * another statement is held once, at its first index), ascending, after
   * `afterIndex` (-1 for the first page), at most `limit` (up to 100,000): how
   * the audit lists what to read without reading every event's JSON.
   */
  eventIndices(afterIndex: number, limit: number): Promise<number[]>;
  /** Counts per kind, for status pages. */
  statementCounts(): Promise<Record<string, number>>;

  /**
   * A SHA-256 (hex) over every derived row in a fixed order, with a fixed text
   * encoding of each value: equal digests mean equal indexes, whatever the driver.
   */
  digest(): Promise<string>;

  /** Stores a capture token's SHA-256 (64 lowercase hex digits) for an actor. Replaces an equal hash. */
  putToken(tokenSha256: string, actor: string, createdMs: number): Promise<void>;
  /** The actor a token hash belongs to, or null. */
  tokenActor(tokenSha256: string): Promise<string | null>;
  /** Removes every token of an actor; returns how many. */
  revokeTokens(actor: string): Promise<number>;

  /**
   * Stores a document too large for one log entry (a plan, an evidence bundle)
   * under the SHA-256 (64 lowercase hex digits) of its bytes, which the store
   * checks. Storing the same document again is a no-op. Documents are not
   * derived data: `reset` keeps them, like tokens, and they are not in the digest.
   * At most 256 MiB; `mediaType` as given (e.g. "application/json").
   */
  putDocument(sha256: string, bytes: Uint8Array, mediaType: string): Promise<void>;
  /** The document stored under `sha256`, or null. */
  document(sha256: string): Promise<{ bytes: Uint8Array; mediaType: string; storedMs: number } | null>;

  /** Releases connections. Idempotent. */
  close(): Promise<void>;
}
