/**
 * The PostgreSQL sequencer lease: one dedicated connection holding a session
 * advisory lock, on which every commit of the lease runs.
 *
 * The lock lives exactly as long as the session, so PostgreSQL drops it when the
 * sequencer's process dies or its connection is cut, and a crashed sequencer
 * never blocks the next one. Because the commits run on that same session, a
 * lease whose connection dropped (and whose lock may already belong to another
 * sequencer) cannot commit anything more; pg never reconnects a Client, so this
 * holds without further checks. The compare-and-swap on `head` would refuse a
 * stale commit even so.
 */
import { hostname } from 'node:os';
import pg from 'pg';
import { MatterlogError } from '../../ledger/errors.js';
import type { TileWrite } from '../../ledger/tree.js';
import type { CommitBatch, SequencerLease } from '../contract.js';
import { checkCommitShape, lockHeldError } from '../shared-checks.js';
import {
  advisoryKey,
  byteaArray,
  connectFailure,
  explainFailure,
  isUniqueViolation,
  storageFailure,
} from './postgres-schema.js';

export interface LeaseTarget {
  /** How to connect (the store's own settings). */
  client: pg.ClientConfig;
  location: string;
  schema: string;
  /** Called once the lease's connection is closed, so the store can forget it. */
  onEnd: (lease: SequencerLease) => void;
}

/** Takes the sequencer lock on a fresh connection, or fails with `lock_held` naming who has it. */
export async function acquirePostgresLease(target: LeaseTarget, holder: string): Promise<SequencerLease> {
  const { location, schema } = target;
  const meta = `"${schema}".meta`;
  const key = advisoryKey('sequencer', schema);
  const client = new pg.Client({ ...target.client, application_name: 'matterlog sequencer' });
  // An 'error' event without a listener would crash the process; the lease records it instead.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (cause) {
    await client.end().catch(() => {});
    throw connectFailure(location, cause);
  }
  try {
    // The contract promises durability on resolve, whatever the server's default.
    await client.query('SET synchronous_commit = on');
    const got = await client.query<{ locked: boolean; backend: number }>(
      'SELECT pg_try_advisory_lock($1) AS locked, pg_backend_pid() AS backend',
      [key],
    );
    const row = got.rows[0];
    if (!row?.locked) {
      const who = await client.query<{ value: string }>(`SELECT value FROM ${meta} WHERE key = 'sequencer'`);
      throw lockHeldError(location, who.rows[0]?.value ?? 'holder unknown');
    }
    // The backend pid lets an operator find (and if need be terminate) a hung sequencer's session.
    const me = `${holder}, pid ${process.pid} on ${hostname()}, PostgreSQL backend ${row.backend}, since ${new Date().toISOString()}`;
    await client.query(
      `INSERT INTO ${meta} (key, value) VALUES ('sequencer', $1) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
      [me],
    );
  } catch (cause) {
    // Ending the session also drops the lock if we had taken it.
    await client.end().catch(() => {});
    throw storageFailure(location, 'taking the sequencer lock', cause);
  }
  return new PostgresLease(client, key, target);
}

/**
 * The other drivers apply tile writes in order, so a later write of a tile wins;
 * PostgreSQL refuses to upsert one row twice in a statement, so keep only the last.
 */
function lastWritePerTile(tiles: readonly TileWrite[]): TileWrite[] {
  const last = new Map<string, TileWrite>();
  for (const t of tiles) last.set(`${t.level}/${t.index}`, t);
  return last.size === tiles.length ? [...tiles] : [...last.values()];
}

class PostgresLease implements SequencerLease {
  private released = false;
  private releasing: Promise<void> | null = null;
  /** Why the connection is gone, once it is. */
  private lostBecause: unknown = null;
  /** Commits share one connection, so they must not interleave: each waits for the last. */
  private tail: Promise<unknown> = Promise.resolve();
  private readonly sql: Record<'cas' | 'size' | 'entries' | 'tiles' | 'checkpoint', string>;

  constructor(
    private readonly client: pg.Client,
    private readonly key: string,
    private readonly target: LeaseTarget,
  ) {
    client.on('error', (e) => {
      this.lostBecause ??= e;
    });
    client.on('end', () => {
      this.lostBecause ??= new Error('the connection was closed');
    });
    const s = `"${target.schema}"`;
    this.sql = {
      cas: `UPDATE ${s}.head SET size = $2 WHERE size = $1`,
      size: `SELECT size FROM ${s}.head`,
      // One statement per batch: row-by-row inserts cost a round trip each.
      entries: `INSERT INTO ${s}.entries (idx, leaf_hash, data)
        SELECT $1::bigint + n - 1, h, d FROM unnest($2::bytea[], $3::bytea[]) WITH ORDINALITY AS u (h, d, n)`,
      tiles: `INSERT INTO ${s}.tiles (level, idx, hashes)
        SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::bytea[])
        ON CONFLICT (level, idx) DO UPDATE SET hashes = EXCLUDED.hashes`,
      checkpoint: `INSERT INTO ${s}.checkpoints (size, note) VALUES ($1, $2)`,
    };
  }

  get lost(): boolean {
    return this.released || this.lostBecause !== null;
  }

  async commit(batch: CommitBatch): Promise<void> {
    if (this.released) throw new MatterlogError('unavailable', 'the sequencer lease was released');
    checkCommitShape(batch);
    const run = this.tail.then(() => this.apply(batch));
    this.tail = run.catch(() => {});
    return run;
  }

  private async apply(batch: CommitBatch): Promise<void> {
    if (this.lostBecause) throw this.lostError(false);
    const c = this.client;
    const { location } = this.target;
    try {
      await c.query('BEGIN');
      // Compare-and-swap first: the row lock it takes also serialises any other writer.
      const moved = await c.query({
        name: 'matterlog-cas',
        text: this.sql.cas,
        values: [batch.fromSize, batch.toSize],
      });
      if (moved.rowCount !== 1) {
        const now = await c.query<{ size: string }>(this.sql.size);
        const at = now.rows[0]?.size;
        throw new MatterlogError(
          'conflict',
          at === undefined
            ? `${location} holds no log yet: initialise it before committing`
            : `the log is at size ${at}, not ${batch.fromSize}: another writer committed`,
        );
      }
      if (batch.entries.length > 0) {
        await c.query({
          name: 'matterlog-entries',
          text: this.sql.entries,
          values: [
            batch.fromSize,
            byteaArray(batch.entries.map((e) => e.leafHash)),
            byteaArray(batch.entries.map((e) => e.data)),
          ],
        });
      }
      const tiles = lastWritePerTile(batch.tiles);
      if (tiles.length > 0) {
        await c.query({
          name: 'matterlog-tiles',
          text: this.sql.tiles,
          values: [tiles.map((t) => t.level), tiles.map((t) => t.index), byteaArray(tiles.map((t) => t.hashes))],
        });
      }
      await c.query({
        name: 'matterlog-checkpoint',
        text: this.sql.checkpoint,
        values: [batch.toSize, batch.checkpoint],
      });
      await c.query('COMMIT');
    } catch (cause) {
      // Nothing of a failed batch may persist; if the connection is gone, the server rolls back anyway.
      await c.query('ROLLBACK').catch(() => {});
      if (cause instanceof MatterlogError) throw cause;
      if (isUniqueViolation(cause)) {
        throw new MatterlogError(
          'conflict',
          `commit refused, an entry or leaf is already in the log: ${(cause as Error).message}`,
          { cause },
        );
      }
      if (this.lostBecause) throw this.lostError(true);
      throw storageFailure(location, 'commit', cause);
    }
  }

  private lostError(midCommit: boolean): MatterlogError {
    const applied = midCommit ? 'this batch may or may not have been applied' : 'this batch was not applied';
    return new MatterlogError(
      'storage_failure',
      `the sequencer lost its connection to PostgreSQL at ${this.target.location}, and its lock with it (${explainFailure(this.lostBecause)}); ${applied}: restart the sequencer, which re-reads the latest checkpoint`,
      { cause: this.lostBecause },
    );
  }

  release(): Promise<void> {
    if (!this.releasing) {
      this.released = true;
      this.releasing = this.end();
    }
    return this.releasing;
  }

  private async end(): Promise<void> {
    await this.tail;
    try {
      if (!this.lostBecause) await this.client.query('SELECT pg_advisory_unlock($1)', [this.key]);
    } catch {
      // Ending the session below drops the lock too; unlocking first only makes it prompt.
    } finally {
      await this.client.end().catch(() => {});
      this.target.onEnd(this);
    }
  }
}
