/**
 * The PostgreSQL read model (pg, major 8), in the log's PostgreSQL schema.
 *
 * Each `apply` is one transaction on a pooled connection: compare-and-swap on
 * `rm_head` first (its row lock queues any concurrent applier, whose swap then
 * finds the size moved and fails with `conflict`), then the lookups that decide
 * "first one wins", then one `unnest` INSERT per table. It commits with
 * synchronous_commit on. Reads are single statements (READ COMMITTED: each sees
 * a batch entirely or not at all); `digest()` reads every table through cursors
 * in one REPEATABLE READ transaction, so it hashes one snapshot without holding
 * the whole index in memory.
 */
import pg from 'pg';
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
import { openPool, type PoolOptions } from './postgres-pool.js';
import {
  columns,
  DERIVED_TABLES,
  ensureReadModelSchema,
  readModelInserts,
  withConnection,
} from './postgres-read-model-schema.js';
import { storageFailure } from './postgres-schema.js';

export interface PostgresReadModelOptions extends PoolOptions {
  /**
   * When the schema holds a read model of another version, drop its derived
   * tables (tokens and documents stay) and start empty at this version, for `matterlog
   * reindex` to rebuild; otherwise opening it fails with `config`.
   */
  dropOtherVersion?: boolean;
}

const INT8_OID = 20;
/**
 * bigint columns (indices, ms times, counts) as numbers: `apply` only accepts
 * safe integers, so every stored value converts exactly.
 */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary'
      ? Number
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

const FETCH_ROWS = 2000;

/**
 * A document is read in slices of this many bytes. pg returns a bytea as hex
 * text, decoded only after the whole row has arrived: a 256 MiB document in one
 * row would be a 512 MiB string, past V8's longest, and a message as large.
 */
const DOCUMENT_SLICE = 32 * 1024 * 1024;

export class PostgresReadModel implements ReadModelStore {
  readonly location: string;
  readonly schema: string;
  private readonly dialect: SqlDialect;
  private readonly sql;
  private readonly inserts;
  private closing: Promise<void> | null = null;

  private constructor(
    schema: string,
    location: string,
    private readonly pool: pg.Pool,
  ) {
    this.schema = schema;
    this.location = location;
    this.dialect = {
      prefix: `"${schema}".`,
      param: (n) => `$${n}`,
      inList: (column, p) => `${column} = ANY(${p}::text[])`,
      bindList: (values) => [...values],
    };
    this.sql = {
      ...readModelSql(this.dialect),
      cas: `UPDATE "${schema}".rm_head SET indexed_size = $2 WHERE indexed_size = $1`,
      size: `SELECT indexed_size AS size FROM "${schema}".rm_head`,
      zero: `UPDATE "${schema}".rm_head SET indexed_size = 0`,
      // The first slice comes with the row, so most documents take one round trip.
      documentHead: `SELECT media_type AS "mediaType", stored_ms AS "storedMs", length(bytes) AS size,
          substring(bytes FROM 1 FOR $2) AS part
        FROM "${schema}".rm_documents WHERE sha256 = $1`,
      documentSlice: `SELECT substring(bytes FROM $2 FOR $3) AS part FROM "${schema}".rm_documents WHERE sha256 = $1`,
    };
    this.inserts = readModelInserts(schema);
  }

  /** Connects to `url` and opens the read model in `options.schema`, creating its tables if absent. */
  static async open(url: string, options: PostgresReadModelOptions = {}): Promise<PostgresReadModel> {
    const ensure = (p: pg.Pool, schema: string, location: string) =>
      ensureReadModelSchema(p, schema, location, options.dropOtherVersion === true);
    const { pool, schema, location } = await openPool(url, options, 'matterlog read model', ensure, { types });
    return new PostgresReadModel(schema, location, pool);
  }

  private live(): void {
    if (this.closing) throw new MatterlogError('unavailable', `the read model on ${this.location} is closed`);
  }

  private async query<R extends pg.QueryResultRow>(what: string, text: string, values: unknown[] = []): Promise<R[]> {
    this.live();
    try {
      return (await this.pool.query<R>(text, values)).rows;
    } catch (cause) {
      throw storageFailure(this.location, what, cause);
    }
  }

  private transaction<T>(what: string, work: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    this.live();
    return withConnection(this.pool, this.location, what, work);
  }

  async indexedSize(): Promise<number> {
    const rows = await this.query<{ size: number }>('read', this.sql.size);
    return rows[0]?.size ?? 0;
  }

  async apply(batch: ReadModelBatch): Promise<void> {
    checkReadModelBatch(batch);
    await this.transaction('apply', async (c) => {
      await c.query('BEGIN');
      await c.query('SET LOCAL synchronous_commit = on');
      const moved = await c.query(this.sql.cas, [batch.fromSize, batch.toSize]);
      if (moved.rowCount !== 1) {
        const at = (await c.query<{ size: number }>(this.sql.size)).rows[0]?.size;
        throw new MatterlogError('conflict', `the read model is at size ${at}, not ${batch.fromSize}`);
      }
      const known = async (text: string, keys: string[]) =>
        new Set(keys.length === 0 ? [] : (await c.query<{ k: string }>(text, [keys])).rows.map((r) => r.k));
      const plan = planReadModelBatch(
        batch,
        await known(
          this.sql.findStatements,
          batch.statements.map((s) => s.textSha256),
        ),
        await known(
          this.sql.findEvents,
          batch.events.map((e) => e.eventId),
        ),
      );
      const rows = insertRows(plan);
      for (const table of Object.keys(this.inserts) as (keyof typeof this.inserts)[]) {
        const tuples = rows[table];
        // One statement per table: the columns as arrays, unnested by the server.
        if (tuples.length > 0) await c.query(this.inserts[table], columns(tuples, (tuples[0] as SqlValue[]).length));
      }
      await c.query('COMMIT');
    });
  }

  async reset(): Promise<void> {
    await this.transaction('reset', async (c) => {
      await c.query('BEGIN');
      // The head row first: its lock waits for (and then excludes) any apply in flight.
      await c.query(this.sql.zero);
      // DELETE, not TRUNCATE: TRUNCATE is not MVCC-safe, so a digest's snapshot could see tables emptied.
      for (const t of DERIVED_TABLES) await c.query(`DELETE FROM "${this.schema}".${t}`);
      await c.query('COMMIT');
    });
  }

  private async lookup(text: string, keys: readonly string[]): Promise<Map<string, number>> {
    if (keys.length === 0) return new Map();
    const rows = await this.query<{ k: string; index: number }>('read', text, [[...keys]]);
    return new Map(rows.map((r) => [r.k, r.index]));
  }

  findStatements(textSha256: readonly string[]): Promise<Map<string, number>> {
    return this.lookup(this.sql.findStatements, textSha256);
  }

  findEvents(eventIds: readonly string[]): Promise<Map<string, number>> {
    return this.lookup(this.sql.findEvents, eventIds);
  }

  async actors(): Promise<ActorRecord[]> {
    return actorRecords(await this.query<ActorJoinRow>('read', this.sql.actors));
  }

  async queryEvents(query: EventQuery): Promise<EventPage> {
    checkEventQuery(query);
    const { text, values } = eventQuerySql(this.dialect, query);
    return eventPage(await this.query<{ index: number; json: string }>('query', text, values), query.limit);
  }

  async event(eventId: string): Promise<{ index: number; json: string } | null> {
    return (await this.query<{ index: number; json: string }>('read', this.sql.event, [eventId]))[0] ?? null;
  }

  async quantities(query: QuantityQuery): Promise<QuantityTotal[]> {
    checkQuantityQuery(query);
    const { text, values } = quantitiesSql(this.dialect, query);
    return this.query<QuantityTotal>('query', text, values);
  }

  async passports(products: readonly string[]): Promise<PassportRow[]> {
    checkProducts(products);
    return this.query<PassportRow>('read', this.sql.passports, [[...products]]);
  }

  async producerPassports(producer: string): Promise<PassportSummary[]> {
    checkProducer(producer);
    return this.query<PassportSummary>('read', this.sql.producerPassports, [producer]);
  }

  async portfolio(producer: string, range: TimeRange = {}): Promise<PortfolioTotal[]> {
    checkPortfolio(producer, range);
    const { text, values } = portfolioSql(this.dialect, producer, range);
    return this.query<PortfolioTotal>('query', text, values);
  }

  async records(kind: RecordKind, filter: RecordFilter = {}): Promise<RecordRow[]> {
    checkRecordQuery(kind, filter);
    const { text, values } = recordsSql(this.dialect, kind, filter);
    return this.query<RecordRow>('query', text, values);
  }

  async eventIndices(afterIndex: number, limit: number): Promise<number[]> {
    checkIndexPage(afterIndex, limit);
    const rows = await this.query<{ idx: number }>('read', this.sql.eventIndices, [afterIndex, limit]);
    return rows.map((r) => r.idx);
  }

  async statementCounts(): Promise<Record<string, number>> {
    const rows = await this.query<{ kind: string; n: number }>('read', this.sql.statementCounts);
    return Object.fromEntries(rows.map((r) => [r.kind, r.n]));
  }

  async digest(): Promise<string> {
    const selects = digestSelects(this.dialect);
    return this.transaction('digest', async (c) => {
      await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const size = (await c.query<{ size: number }>(this.sql.size)).rows[0]?.size ?? 0;
      const d = new ReadModelDigest(size);
      for (const table of DIGEST_TABLES) {
        await c.query(`DECLARE rm_digest NO SCROLL CURSOR FOR ${selects[table]}`);
        for (;;) {
          const rows = (await c.query(`FETCH FORWARD ${FETCH_ROWS} FROM rm_digest`)).rows;
          for (const row of rows) d.add(table, row as DigestRows[typeof table]);
          if (rows.length < FETCH_ROWS) break;
        }
        await c.query('CLOSE rm_digest');
      }
      await c.query('COMMIT');
      return d.finish();
    });
  }

  async putToken(tokenSha256: string, actor: string, createdMs: number): Promise<void> {
    checkToken(tokenSha256, actor, createdMs);
    await this.query('write', this.sql.putToken, [tokenSha256, actor, createdMs]);
  }

  async tokenActor(tokenSha256: string): Promise<string | null> {
    return (await this.query<{ actor: string }>('read', this.sql.tokenActor, [tokenSha256]))[0]?.actor ?? null;
  }

  async revokeTokens(actor: string): Promise<number> {
    this.live();
    try {
      return (await this.pool.query(this.sql.revokeTokens, [actor])).rowCount ?? 0;
    } catch (cause) {
      throw storageFailure(this.location, 'write', cause);
    }
  }

  async putDocument(sha256: string, bytes: Uint8Array, mediaType: string): Promise<void> {
    checkDocument(sha256, bytes, mediaType);
    // pg sends a Buffer as a binary parameter, so the bytes are not doubled into hex on the way in.
    const blob = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    await this.query('write', this.sql.putDocument, [sha256, mediaType, Date.now(), blob]);
  }

  async document(sha256: string): Promise<{ bytes: Uint8Array; mediaType: string; storedMs: number } | null> {
    checkDocumentDigest(sha256);
    const head = (
      await this.query<{ mediaType: string; storedMs: number; size: number; part: Buffer }>(
        'read',
        this.sql.documentHead,
        [sha256, DOCUMENT_SLICE],
      )
    )[0];
    if (!head) return null;
    const bytes = new Uint8Array(head.size);
    bytes.set(head.part);
    // Separate statements may read separate snapshots; that is safe because a stored document never changes.
    for (let at = head.part.byteLength; at < head.size; ) {
      const part = (
        await this.query<{ part: Buffer }>('read', this.sql.documentSlice, [sha256, at + 1, DOCUMENT_SLICE])
      )[0]?.part;
      if (!part || part.byteLength === 0) {
        throw new MatterlogError(
          'corrupt',
          `document ${sha256} on ${this.location} ended after ${at} of ${head.size} bytes`,
        );
      }
      bytes.set(part, at);
      at += part.byteLength;
    }
    return { bytes, mediaType: head.mediaType, storedMs: head.storedMs };
  }

  close(): Promise<void> {
    this.closing ??= this.pool.end();
    return this.closing;
  }
}
