/**
 * The SQLite read model (better-sqlite3, major 12), in the log's database file.
 *
 * It opens its own connection with the log store's settings (WAL,
 * synchronous=FULL), so an `apply` is durable when it resolves, and a
 * busy_timeout, because the log's connection may hold the write lock for a
 * moment (another process: the CLI while a server runs). Each `apply` is one
 * IMMEDIATE transaction that checks `indexedSize`, looks up which digests and
 * event IDs are already indexed, and writes the rows "first one wins" keeps.
 * Reads that touch several tables run in one read transaction, a WAL snapshot.
 * better-sqlite3 is synchronous, so nothing else on this connection runs in
 * between; that is also why `digest()` hashes everything in one synchronous pass.
 */
import Database from 'better-sqlite3';
import { MatterlogError } from '../../ledger/errors.js';
import type {
  ActorRecord,
  EventPage,
  EventQuery,
  PassportRow,
  PassportSummary,
  PortfolioTotal,
  QuantityQuery,
  QuantityTotal,
  ReadModelBatch,
  ReadModelStore,
  RecordKind,
  RecordRow,
} from '../read-model.js';
import {
  checkDocument,
  checkDocumentDigest,
  checkReadModelBatch,
  checkToken,
  planReadModelBatch,
} from '../read-model-batch.js';
import { DIGEST_TABLES, type DigestRows, ReadModelDigest } from '../read-model-digest.js';
import {
  checkEventQuery,
  checkIndexPage,
  checkPortfolio,
  checkProducer,
  checkProducts,
  checkQuantityQuery,
  checkRecordQuery,
  eventPage,
  type RecordFilter,
  type TimeRange,
} from '../read-model-reads.js';
import {
  type ActorJoinRow,
  actorRecords,
  digestSelects,
  eventQuerySql,
  insertRows,
  portfolioSql,
  quantitiesSql,
  readModelSql,
  recordsSql,
  type SqlDialect,
  type SqlValue,
} from '../read-model-sql.js';
import { readModelVersionError } from '../shared-checks.js';
import {
  DERIVED_TABLES,
  INSERTS,
  SQLITE_READ_MODEL_SCHEMA,
  SQLITE_READ_MODEL_VERSION,
} from './sqlite-read-model-schema.js';

export interface SqliteReadModelOptions {
  /**
   * When the file holds a read model of another schema version, drop its derived
   * tables (tokens and documents stay) and start empty at this version, for `matterlog reindex`
   * to rebuild; otherwise opening it fails with `config`.
   */
  dropOtherVersion?: boolean;
}

/** A list is one JSON text parameter, so every query has a fixed shape whatever the list's length. */
const SQLITE: SqlDialect = {
  prefix: '',
  param: () => '?',
  inList: (column, p) => `${column} IN (SELECT value FROM json_each(${p}))`,
  bindList: (values) => JSON.stringify(values),
};

/** Rows per multi-row INSERT: at most 13 columns × 128 rows, far below SQLite's 32,766 parameters. */
const INSERT_CHUNK = 128;

type Insert = keyof typeof INSERTS;

/** The read model's schema version in `db`, or undefined when it has none yet. */
function storedVersion(db: Database.Database): string | undefined {
  if (!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'rm_meta'").get()) return undefined;
  const row = db.prepare("SELECT value FROM rm_meta WHERE key = 'schema_version'").get() as
    | { value: string }
    | undefined;
  return row?.value;
}

export class SqliteReadModel implements ReadModelStore {
  readonly location: string;
  private readonly db: Database.Database;
  private readonly sql = readModelSql(SQLITE);
  private readonly statements = new Map<string, Database.Statement>();

  private constructor(file: string, db: Database.Database) {
    this.location = file;
    this.db = db;
  }

  /** Opens (creating its tables if needed) the read model in the SQLite database `file`. */
  static open(file: string, options: SqliteReadModelOptions = {}): SqliteReadModel {
    let db: Database.Database;
    try {
      db = new Database(file);
    } catch (cause) {
      throw new MatterlogError(
        'storage_failure',
        `cannot open the SQLite database ${file}: ${(cause as Error).message}`,
        {
          cause,
        },
      );
    }
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('fullfsync = ON');
      db.pragma('busy_timeout = 5000');
      db.pragma('wal_autocheckpoint = 16384');
      db.transaction(() => {
        // The version first: another version's tables may not take this version's indexes.
        const version = storedVersion(db);
        const other = version !== undefined && Number(version) !== SQLITE_READ_MODEL_VERSION;
        if (other) {
          if (!options.dropOtherVersion) throw readModelVersionError(file, version, SQLITE_READ_MODEL_VERSION);
          for (const t of DERIVED_TABLES) db.exec(`DROP TABLE IF EXISTS ${t}`);
        }
        db.exec(SQLITE_READ_MODEL_SCHEMA);
        if (version === undefined || other) {
          const set = db.prepare(
            'INSERT INTO rm_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
          );
          set.run('schema_version', String(SQLITE_READ_MODEL_VERSION));
          set.run('indexed_size', '0');
        }
      }).immediate();
    } catch (cause) {
      db.close();
      if (cause instanceof MatterlogError) throw cause;
      throw new MatterlogError(
        'storage_failure',
        `cannot open the read model in ${file}: ${(cause as Error).message}`,
        { cause },
      );
    }
    return new SqliteReadModel(file, db);
  }

  private prepare(text: string): Database.Statement {
    let st = this.statements.get(text);
    if (!st) {
      st = this.db.prepare(text);
      // Query shapes are combinations of optional conditions: bound the cache, not the shapes.
      if (this.statements.size > 256) this.statements.clear();
      this.statements.set(text, st);
    }
    return st;
  }

  private run<T>(what: string, f: () => T): T {
    if (!this.db.open) throw new MatterlogError('unavailable', `the read model on ${this.location} is closed`);
    try {
      return f();
    } catch (cause) {
      if (cause instanceof MatterlogError) throw cause;
      throw new MatterlogError(
        'storage_failure',
        `SQLite read model ${what} failed on ${this.location}: ${(cause as Error).message}`,
        { cause },
      );
    }
  }

  private size(): number {
    const row = this.prepare("SELECT value FROM rm_meta WHERE key = 'indexed_size'").get() as { value: string };
    return Number(row.value);
  }

  private setSize(size: number): void {
    this.prepare("UPDATE rm_meta SET value = ? WHERE key = 'indexed_size'").run(String(size));
  }

  async indexedSize(): Promise<number> {
    return this.run('read', () => this.size());
  }

  async apply(batch: ReadModelBatch): Promise<void> {
    checkReadModelBatch(batch);
    this.run('apply', () =>
      this.db
        .transaction(() => {
          const size = this.size();
          if (size !== batch.fromSize) {
            throw new MatterlogError('conflict', `the read model is at size ${size}, not ${batch.fromSize}`);
          }
          const known = (text: string, keys: string[]) =>
            new Set((this.prepare(text).all(JSON.stringify(keys)) as { k: string }[]).map((r) => r.k));
          const plan = planReadModelBatch(
            batch,
            known(
              this.sql.findStatements,
              batch.statements.map((s) => s.textSha256),
            ),
            known(
              this.sql.findEvents,
              batch.events.map((e) => e.eventId),
            ),
          );
          const rows = insertRows(plan);
          for (const table of Object.keys(INSERTS) as Insert[]) this.insert(table, rows[table]);
          this.setSize(batch.toSize);
        })
        .immediate(),
    );
  }

  /** Writes `rows` with multi-row INSERTs: one call per chunk instead of one per row. */
  private insert(table: Insert, rows: SqlValue[][]): void {
    const { head, tail } = INSERTS[table];
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      const part = rows.slice(i, i + INSERT_CHUNK);
      const tuple = `(${Array((part[0] as SqlValue[]).length)
        .fill('?')
        .join(', ')})`;
      this.prepare(`${head} ${Array(part.length).fill(tuple).join(', ')} ${tail}`).run(...part.flat());
    }
  }

  async reset(): Promise<void> {
    this.run('reset', () =>
      this.db
        .transaction(() => {
          for (const t of DERIVED_TABLES) this.prepare(`DELETE FROM ${t}`).run();
          this.setSize(0);
        })
        .immediate(),
    );
  }

  private lookup(text: string, keys: readonly string[]): Map<string, number> {
    if (keys.length === 0) return new Map();
    const rows = this.run('read', () => this.prepare(text).all(JSON.stringify(keys)) as { k: string; index: number }[]);
    return new Map(rows.map((r) => [r.k, r.index]));
  }

  async findStatements(textSha256: readonly string[]): Promise<Map<string, number>> {
    return this.lookup(this.sql.findStatements, textSha256);
  }

  async findEvents(eventIds: readonly string[]): Promise<Map<string, number>> {
    return this.lookup(this.sql.findEvents, eventIds);
  }

  async actors(): Promise<ActorRecord[]> {
    return this.run('read', () => actorRecords(this.prepare(this.sql.actors).all() as ActorJoinRow[]));
  }

  async queryEvents(query: EventQuery): Promise<EventPage> {
    checkEventQuery(query);
    const { text, values } = eventQuerySql(SQLITE, query);
    const rows = this.run('query', () => this.prepare(text).all(...values) as { index: number; json: string }[]);
    return eventPage(rows, query.limit);
  }

  async event(eventId: string): Promise<{ index: number; json: string } | null> {
    const row = this.run('read', () => this.prepare(this.sql.event).get(eventId) as { index: number; json: string });
    return row ?? null;
  }

  async quantities(query: QuantityQuery): Promise<QuantityTotal[]> {
    checkQuantityQuery(query);
    const { text, values } = quantitiesSql(SQLITE, query);
    return this.run('query', () => this.prepare(text).all(...values) as QuantityTotal[]);
  }

  async passports(products: readonly string[]): Promise<PassportRow[]> {
    checkProducts(products);
    return this.run('read', () => this.prepare(this.sql.passports).all(JSON.stringify(products)) as PassportRow[]);
  }

  async producerPassports(producer: string): Promise<PassportSummary[]> {
    checkProducer(producer);
    return this.run('read', () => this.prepare(this.sql.producerPassports).all(producer) as PassportSummary[]);
  }

  async portfolio(producer: string, range: TimeRange = {}): Promise<PortfolioTotal[]> {
    checkPortfolio(producer, range);
    const { text, values } = portfolioSql(SQLITE, producer, range);
    return this.run('query', () => this.prepare(text).all(...values) as PortfolioTotal[]);
  }

  async records(kind: RecordKind, filter: RecordFilter = {}): Promise<RecordRow[]> {
    checkRecordQuery(kind, filter);
    const { text, values } = recordsSql(SQLITE, kind, filter);
    return this.run('query', () => this.prepare(text).all(...values) as RecordRow[]);
  }

  async eventIndices(afterIndex: number, limit: number): Promise<number[]> {
    checkIndexPage(afterIndex, limit);
    const rows = this.run(
      'read',
      () => this.prepare(this.sql.eventIndices).all(afterIndex, limit) as { idx: number }[],
    );
    return rows.map((r) => r.idx);
  }

  async statementCounts(): Promise<Record<string, number>> {
    const rows = this.run('read', () => this.prepare(this.sql.statementCounts).all() as { kind: string; n: number }[]);
    return Object.fromEntries(rows.map((r) => [r.kind, r.n]));
  }

  async digest(): Promise<string> {
    const selects = digestSelects(SQLITE);
    // One read transaction: every table from the same snapshot, even if another process writes.
    return this.run('digest', () =>
      this.db.transaction(() => {
        const d = new ReadModelDigest(this.size());
        for (const table of DIGEST_TABLES) {
          for (const row of this.prepare(selects[table]).iterate()) d.add(table, row as DigestRows[typeof table]);
        }
        return d.finish();
      })(),
    );
  }

  async putToken(tokenSha256: string, actor: string, createdMs: number): Promise<void> {
    checkToken(tokenSha256, actor, createdMs);
    this.run('write', () => this.prepare(this.sql.putToken).run(tokenSha256, actor, createdMs));
  }

  async tokenActor(tokenSha256: string): Promise<string | null> {
    const row = this.run('read', () => this.prepare(this.sql.tokenActor).get(tokenSha256) as { actor: string });
    return row?.actor ?? null;
  }

  async revokeTokens(actor: string): Promise<number> {
    return this.run('write', () => this.prepare(this.sql.revokeTokens).run(actor).changes);
  }

  async putDocument(sha256: string, bytes: Uint8Array, mediaType: string): Promise<void> {
    checkDocument(sha256, bytes, mediaType);
    const blob = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.run('write', () => this.prepare(this.sql.putDocument).run(sha256, mediaType, Date.now(), blob));
  }

  async document(sha256: string): Promise<{ bytes: Uint8Array; mediaType: string; storedMs: number } | null> {
    checkDocumentDigest(sha256);
    const row = this.run(
      'read',
      () => this.prepare(this.sql.document).get(sha256) as { bytes: Buffer; mediaType: string; storedMs: number },
    );
    if (!row) return null;
    // A plain Uint8Array over the same memory: Buffer's slice() shares memory where Uint8Array's copies.
    const { bytes } = row;
    return {
      bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      mediaType: row.mediaType,
      storedMs: row.storedMs,
    };
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
