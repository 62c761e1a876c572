/**
 * The PostgreSQL driver (pg, major 8): for shared, multi-node deployments.
 *
 * Reads go through a connection pool, each as one statement, so under READ
 * COMMITTED every read sees a commit entirely or not at all. The sequencer's
 * commits run on one dedicated connection that holds the log's advisory lock
 * (see postgres-lease.ts). Durability: a commit resolves only after PostgreSQL
 * acknowledged COMMIT with synchronous_commit on, i.e. after its WAL was flushed.
 * Each log lives in its own PostgreSQL schema (default `matterlog`).
 */
import type pg from 'pg';
import { toHex } from '../../ledger/bytes.js';
import { MatterlogError } from '../../ledger/errors.js';
import type { LogIdentity, LogStore, SequencerLease, StoredCheckpoint } from '../contract.js';
import { acquirePostgresLease } from './postgres-lease.js';
import { openPool, type PoolOptions } from './postgres-pool.js';
import {
  advisoryKey,
  byteaArray,
  connectFailure,
  isUniqueViolation,
  POSTGRES_SCHEMA_VERSION,
  schemaDdl,
  storageFailure,
  toIndex,
} from './postgres-schema.js';

export type PostgresStoreOptions = PoolOptions;

type CheckpointRow = { size: string; note: Buffer };

function isIndex(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

export class PostgresStore implements LogStore {
  readonly driver = 'postgres' as const;
  readonly location: string;
  readonly schema: string;
  private readonly leases = new Set<SequencerLease>();
  private closing: Promise<void> | null = null;
  private readonly sql;

  private constructor(
    schema: string,
    location: string,
    private readonly pool: pg.Pool,
    private readonly clientConfig: pg.ClientConfig,
  ) {
    this.schema = schema;
    this.location = location;
    const s = `"${schema}"`;
    this.sql = {
      meta: `SELECT value FROM ${s}.meta WHERE key = $1`,
      latest: `SELECT size, note FROM ${s}.checkpoints ORDER BY size DESC LIMIT 1`,
      checkpointAt: `SELECT size, note FROM ${s}.checkpoints WHERE size = $1`,
      tile: `SELECT hashes FROM ${s}.tiles WHERE level = $1 AND idx = $2`,
      entries: `SELECT data FROM ${s}.entries WHERE idx >= $1 AND idx < $2 ORDER BY idx`,
      byLeaf: `SELECT idx, leaf_hash FROM ${s}.entries WHERE leaf_hash = ANY($1::bytea[])`,
      claimIdentity: `INSERT INTO ${s}.meta (key, value) VALUES ('identity', $1) ON CONFLICT (key) DO NOTHING`,
      head: `INSERT INTO ${s}.head (size) VALUES (0)`,
      firstCheckpoint: `INSERT INTO ${s}.checkpoints (size, note) VALUES (0, $1)`,
    };
  }

  /**
   * Connects to `url` and opens the log in `options.schema`, creating the schema
   * and its tables if they are absent. Safe when several processes open at once.
   */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const { pool, schema, location, clientConfig } = await openPool(url, options, 'matterlog', ensureSchema);
    return new PostgresStore(schema, location, pool, clientConfig);
  }

  private async query<R extends pg.QueryResultRow>(what: string, text: string, values: unknown[] = []): Promise<R[]> {
    if (this.closing) throw new MatterlogError('unavailable', `the store for ${this.location} is closed`);
    try {
      return (await this.pool.query<R>(text, values)).rows;
    } catch (cause) {
      throw storageFailure(this.location, what, cause);
    }
  }

  async identity(): Promise<LogIdentity | null> {
    const rows = await this.query<{ value: string }>('read', this.sql.meta, ['identity']);
    const raw = rows[0]?.value;
    if (raw === undefined) return null;
    try {
      return JSON.parse(raw) as LogIdentity;
    } catch (cause) {
      throw new MatterlogError('corrupt', `the log identity stored in ${this.location} is not valid JSON`, { cause });
    }
  }

  async initialise(identity: LogIdentity, emptyCheckpoint: Uint8Array): Promise<void> {
    if (this.closing) throw new MatterlogError('unavailable', `the store for ${this.location} is closed`);
    await withConnection(this.pool, this.location, 'initialise', async (conn) => {
      await conn.query('BEGIN');
      await conn.query('SET LOCAL synchronous_commit = on');
      // A concurrent initialise waits on the key's unique index, then inserts nothing.
      const claimed = await conn.query(this.sql.claimIdentity, [JSON.stringify(identity)]);
      if (claimed.rowCount !== 1) throw await this.alreadyInitialised(conn);
      try {
        await conn.query(this.sql.head);
        await conn.query(this.sql.firstCheckpoint, [emptyCheckpoint]);
      } catch (cause) {
        if (!isUniqueViolation(cause)) throw cause;
        throw new MatterlogError('conflict', `${this.location} already holds part of a log without an identity`, {
          cause,
        });
      }
      await conn.query('COMMIT');
    });
  }

  private async alreadyInitialised(conn: pg.PoolClient): Promise<MatterlogError> {
    const rows = (await conn.query<{ value: string }>(this.sql.meta, ['identity'])).rows;
    let origin = 'unknown origin';
    try {
      origin = (JSON.parse(rows[0]?.value ?? '{}') as Partial<LogIdentity>).origin ?? origin;
    } catch {
      // The conflict is the news here; a damaged identity surfaces on the next identity() read.
    }
    return new MatterlogError('conflict', `${this.location} already holds the log "${origin}"`);
  }

  async latestCheckpoint(): Promise<StoredCheckpoint | null> {
    const rows = await this.query<CheckpointRow>('read', this.sql.latest);
    return rows[0] ? { size: toIndex(rows[0].size, 'a checkpoint size'), note: rows[0].note } : null;
  }

  async checkpointAt(size: number): Promise<StoredCheckpoint | null> {
    if (!isIndex(size)) return null;
    const rows = await this.query<CheckpointRow>('read', this.sql.checkpointAt, [size]);
    return rows[0] ? { size, note: rows[0].note } : null;
  }

  async readTile(level: number, index: number): Promise<Uint8Array | null> {
    if (!isIndex(level) || !isIndex(index)) return null;
    const rows = await this.query<{ hashes: Buffer }>('read', this.sql.tile, [level, index]);
    return rows[0]?.hashes ?? null;
  }

  async readEntries(start: number, end: number): Promise<Uint8Array[]> {
    const missing = () => new MatterlogError('not_found', `entries ${start}..${end - 1} are not all in the log`);
    if (!isIndex(start) || !isIndex(end) || start > end) throw missing();
    if (start === end) return [];
    const rows = await this.query<{ data: Buffer }>('read', this.sql.entries, [start, end]);
    if (rows.length !== end - start) throw missing();
    return rows.map((r) => r.data);
  }

  async findLeafHashes(leafHashes: readonly Uint8Array[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (leafHashes.length === 0) return out;
    const rows = await this.query<{ idx: string; leaf_hash: Buffer }>('read', this.sql.byLeaf, [
      byteaArray(leafHashes),
    ]);
    for (const r of rows) out.set(toHex(r.leaf_hash), toIndex(r.idx, 'an entry index'));
    return out;
  }

  async acquireSequencerLease(holder: string): Promise<SequencerLease> {
    if (this.closing) throw new MatterlogError('unavailable', `the store for ${this.location} is closed`);
    const lease = await acquirePostgresLease(
      {
        client: this.clientConfig,
        location: this.location,
        schema: this.schema,
        onEnd: (l) => this.leases.delete(l),
      },
      holder,
    );
    this.leases.add(lease);
    return lease;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([...this.leases].map((l) => l.release()));
      await this.pool.end();
    })();
    return this.closing;
  }
}

/**
 * Creates the log's schema and tables if absent and checks their version.
 * Creation runs in one transaction under an advisory lock, because concurrent
 * CREATE ... IF NOT EXISTS can still collide in PostgreSQL's catalogs. It is
 * skipped when the tables exist, so a user without CREATE on the database can
 * run against a schema an administrator prepared.
 */
async function ensureSchema(pool: pg.Pool, schema: string, location: string): Promise<void> {
  const meta = `"${schema}".meta`;
  await withConnection(pool, location, 'opening the log schema', async (conn) => {
    const found = await conn.query<{ t: string | null }>('SELECT to_regclass($1) AS t', [meta]);
    if (found.rows[0]?.t == null) {
      await conn.query('BEGIN');
      await conn.query('SELECT pg_advisory_xact_lock($1)', [advisoryKey('create', schema)]);
      await conn.query(schemaDdl(schema));
      await conn.query(`INSERT INTO ${meta} (key, value) VALUES ('schema_version', $1) ON CONFLICT (key) DO NOTHING`, [
        String(POSTGRES_SCHEMA_VERSION),
      ]);
      await conn.query('COMMIT');
    }
    const rows = await conn.query<{ value: string }>(`SELECT value FROM ${meta} WHERE key = 'schema_version'`);
    const version = rows.rows[0]?.value;
    if (version === undefined) {
      throw new MatterlogError(
        'config',
        `${location} has a meta table without a schema version: it is not a matterlog log; choose another schema`,
      );
    }
    if (Number(version) !== POSTGRES_SCHEMA_VERSION) {
      throw new MatterlogError(
        'config',
        `${location} has schema version ${version}; this matterlog reads version ${POSTGRES_SCHEMA_VERSION}`,
      );
    }
  });
}

/**
 * Runs `work` on one pooled connection. On failure it rolls back whatever
 * transaction `work` left open, and a connection that cannot even roll back is
 * destroyed rather than handed to the next reader.
 */
async function withConnection<T>(
  pool: pg.Pool,
  location: string,
  what: string,
  work: (conn: pg.PoolClient) => Promise<T>,
): Promise<T> {
  let conn: pg.PoolClient;
  try {
    conn = await pool.connect();
  } catch (cause) {
    throw connectFailure(location, cause);
  }
  let healthy = true;
  try {
    return await work(conn);
  } catch (cause) {
    healthy = await conn.query('ROLLBACK').then(
      () => true,
      () => false,
    );
    throw storageFailure(location, what, cause);
  } finally {
    conn.release(!healthy);
  }
}
