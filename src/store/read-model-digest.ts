/**
 * The read model's digest, computed the same way by every driver: each driver
 * feeds its rows, table by table in a fixed order and each table's rows in its
 * key order, and gets back the same hex string for the same indexes.
 *
 * Encoding (version 2). Every row becomes one line of UTF-8 text,
 *
 *     <table> TAB JSON.stringify([<values in the column order below>]) LF
 *
 * where integers and doubles are JSON numbers (JavaScript's shortest round-trip
 * form), absent values are `null`, and strings are JSON strings. The first line
 * is `meta TAB ["matterlog-read-model-digest/2",<indexedSize>]`. Tables and keys:
 *
 *     statements   index, kind, issuers, actor, issuedMs, textSha256           by index
 *     actors       name, role, index, issuedMs                                 by name
 *     keys         actor, vkey, index, validFromMs                             by actor, vkey
 *     revocations  actor, vkey, index, fromMs                                  by actor, vkey, index
 *     events       index, eventId, eventType, eventTimeMs, recordTimeMs, action,
 *                  bizStep, disposition, readPoint, bizLocation, actor, custody, json   by index
 *     epcs         index, field, epc                                           by index, field, epc
 *     classes      index, seq, field, epcClass, quantity, uom, kg, facility,
 *                  eventTimeMs                                                 by index, seq
 *     passports    index, product, producer, version, replaces, issuedMs,
 *                  validFromMs, massKg, share, grade, json                     by index
 *     market       index, seq, producer, product, units, eventTimeMs, month    by index, seq
 *     records      kind, key, actor, index, issuedMs, facility, json           by kind, key
 *
 * `seq` numbers the class (market) rows of one index from 0, in the order the
 * batch gave them; version 2 added the last three tables. Strings are ordered
 * by Unicode code point (SQLite BINARY, PostgreSQL COLLATE "C"). Lines are
 * hashed in blocks of 1,024 (the last block may be shorter); the digest is the
 * hex SHA-256 of the concatenated block SHA-256s. Blocks keep memory flat for
 * large indexes while using the ledger's one SHA-256 provider. Tokens and
 * documents are not derived data and are not part of the digest.
 */
import { toHex, utf8 } from '../ledger/bytes.js';
import { sha256 } from '../ledger/crypto.js';
import { MatterlogError } from '../ledger/errors.js';
import type {
  ActorKeyRow,
  ActorRow,
  EventEpcRow,
  EventRow,
  PassportRow,
  RecordRow,
  RevocationRow,
  StatementRow,
} from './read-model.js';
import type { StoredClassRow, StoredMarketRow } from './read-model-batch.js';
import { compareText } from './read-model-reads.js';

export const DIGEST_FORMAT = 'matterlog-read-model-digest/2';
const BLOCK_LINES = 1024;

export interface DigestRows {
  statements: StatementRow;
  actors: ActorRow;
  keys: ActorKeyRow;
  revocations: RevocationRow;
  events: EventRow;
  epcs: EventEpcRow;
  classes: StoredClassRow;
  passports: PassportRow;
  market: StoredMarketRow;
  records: RecordRow;
}
export type DigestTable = keyof DigestRows;
type Value = string | number | null;

interface TableSpec<T> {
  values(r: T): Value[];
  /** The row's key in the table's order; strings compare by code point. */
  key(r: T): Value[];
}

const TABLES: { [K in DigestTable]: TableSpec<DigestRows[K]> } = {
  statements: {
    values: (r) => [r.index, r.kind, r.issuers, r.actor, r.issuedMs, r.textSha256],
    key: (r) => [r.index],
  },
  actors: { values: (r) => [r.name, r.role, r.index, r.issuedMs], key: (r) => [r.name] },
  keys: { values: (r) => [r.actor, r.vkey, r.index, r.validFromMs], key: (r) => [r.actor, r.vkey] },
  revocations: { values: (r) => [r.actor, r.vkey, r.index, r.fromMs], key: (r) => [r.actor, r.vkey, r.index] },
  events: {
    values: (r) => [
      r.index,
      r.eventId,
      r.eventType,
      r.eventTimeMs,
      r.recordTimeMs,
      r.action,
      r.bizStep,
      r.disposition,
      r.readPoint,
      r.bizLocation,
      r.actor,
      r.custody,
      r.json,
    ],
    key: (r) => [r.index],
  },
  epcs: { values: (r) => [r.index, r.field, r.epc], key: (r) => [r.index, r.field, r.epc] },
  classes: {
    values: (r) => [r.index, r.seq, r.field, r.epcClass, r.quantity, r.uom, r.kg, r.facility, r.eventTimeMs],
    key: (r) => [r.index, r.seq],
  },
  passports: {
    values: (r) => [
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
    ],
    key: (r) => [r.index],
  },
  market: {
    values: (r) => [r.index, r.seq, r.producer, r.product, r.units, r.eventTimeMs, r.month],
    key: (r) => [r.index, r.seq],
  },
  records: {
    values: (r) => [r.kind, r.key, r.actor, r.index, r.issuedMs, r.facility, r.json],
    key: (r) => [r.kind, r.key],
  },
};

/** The order in which a driver must feed the tables. */
export const DIGEST_TABLES = Object.keys(TABLES) as DigestTable[];

function compareKeys(a: Value[], b: Value[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as Value;
    const y = b[i] as Value;
    const c = typeof x === 'string' && typeof y === 'string' ? compareText(x, y) : (x as number) - (y as number);
    if (c !== 0) return c;
  }
  return 0;
}

/**
 * Accumulates the digest. It checks that tables come in order and rows in
 * strictly increasing key order, so a driver whose ORDER BY (or collation) is
 * wrong fails loudly instead of producing a digest no other driver matches.
 */
export class ReadModelDigest {
  private lines: string[] = [];
  private readonly blocks: Uint8Array[] = [];
  private table = -1;
  private lastKey: Value[] | null = null;

  constructor(indexedSize: number) {
    this.line(`meta\t${JSON.stringify([DIGEST_FORMAT, indexedSize])}\n`);
  }

  add<K extends DigestTable>(table: K, row: DigestRows[K]): void {
    const t = DIGEST_TABLES.indexOf(table);
    if (t < this.table) throw this.disorder(`table ${table} after ${DIGEST_TABLES[this.table]}`);
    if (t > this.table) {
      this.table = t;
      this.lastKey = null;
    }
    const spec = TABLES[table] as TableSpec<DigestRows[K]>;
    const key = spec.key(row);
    if (this.lastKey && compareKeys(this.lastKey, key) >= 0) {
      throw this.disorder(`${table} row ${JSON.stringify(key)} after ${JSON.stringify(this.lastKey)}`);
    }
    this.lastKey = key;
    this.line(`${table}\t${JSON.stringify(spec.values(row))}\n`);
  }

  /** The hex digest; the object cannot be used afterwards. */
  finish(): string {
    if (this.lines.length > 0) this.flush();
    return toHex(sha256(...this.blocks));
  }

  private line(s: string): void {
    this.lines.push(s);
    if (this.lines.length === BLOCK_LINES) this.flush();
  }

  private flush(): void {
    this.blocks.push(sha256(utf8(this.lines.join(''))));
    this.lines = [];
  }

  private disorder(what: string): MatterlogError {
    return new MatterlogError('internal', `read model digest: rows fed out of order (${what})`);
  }
}
