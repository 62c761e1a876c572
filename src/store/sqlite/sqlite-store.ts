/**
 * The SQLite driver (better-sqlite3, major 12): the embedded default.
 *
 * Durability: WAL journal with synchronous=FULL, so a transaction is on disk
 * (WAL fsynced) when COMMIT returns; fullfsync for macOS. A commit is a single
 * SQLite transaction, so a crash at any point leaves either the whole batch or
 * none of it. better-sqlite3 is synchronous: each call holds the event loop for
 * its duration (well under a millisecond for reads, a few for a large commit),
 * which is simpler and faster here than a thread pool.
 */
import { hostname } from 'node:os';
import Database from 'better-sqlite3';
import { toHex } from '../../ledger/bytes.js';
import { MatterlogError } from '../../ledger/errors.js';
import type { CommitBatch, LogIdentity, LogStore, SequencerLease, StoredCheckpoint } from '../contract.js';
import { checkCommitShape, lockHeldError } from '../shared-checks.js';
import { type FileLock, tryLockFile } from './sqlite-lock.js';
import { leafKey, SQLITE_SCHEMA, SQLITE_SCHEMA_VERSION, tileRowId } from './sqlite-schema.js';

type Row<T> = T | undefined;

/** Rows per multi-row statement: 4 × 256 parameters, well under SQLite's 32,766. */
const INSERT_CHUNK = 256;
const LOOKUP_CHUNK = 512;

export class SqliteStore implements LogStore {
  readonly driver = 'sqlite' as const;
  readonly location: string;
  private readonly db: Database.Database;
  private readonly stmts;
  /** Multi-row statements by row count: one call per chunk instead of one per row. */
  private readonly chunked = new Map<string, Database.Statement>();

  private constructor(file: string, db: Database.Database) {
    this.location = file;
    this.db = db;
    this.stmts = {
      meta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
      setMeta: db.prepare<[string, string]>('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)'),
      latest: db.prepare<[], { size: number; note: Buffer }>(
        'SELECT size, note FROM checkpoints ORDER BY size DESC LIMIT 1',
      ),
      checkpointAt: db.prepare<[number], { size: number; note: Buffer }>(
        'SELECT size, note FROM checkpoints WHERE size = ?',
      ),
      tile: db.prepare<[number], { hashes: Buffer }>('SELECT hashes FROM tiles WHERE id = ?'),
      entries: db.prepare<[number, number], { data: Buffer }>(
        'SELECT data FROM entries WHERE idx >= ? AND idx < ? ORDER BY idx',
      ),
      putTile: db.prepare<[number, Uint8Array]>('INSERT OR REPLACE INTO tiles (id, hashes) VALUES (?, ?)'),
      insertCheckpoint: db.prepare<[number, Uint8Array, string]>(
        'INSERT INTO checkpoints (size, note, created_at) VALUES (?, ?, ?)',
      ),
    };
  }

  /** Opens (creating if needed) the log database at `file`. */
  static open(file: string): SqliteStore {
    let db: Database.Database;
    try {
      db = new Database(file);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('fullfsync = ON');
      db.pragma('busy_timeout = 5000');
      // Checkpoint the WAL every 64 MiB rather than every 4 MiB: each checkpoint
      // copies pages into the database and fsyncs it, a second write of the batch.
      db.pragma('wal_autocheckpoint = 16384');
      db.exec(SQLITE_SCHEMA);
    } catch (cause) {
      throw new MatterlogError(
        'storage_failure',
        `cannot open the SQLite log database ${file}: ${(cause as Error).message}`,
        {
          cause,
        },
      );
    }
    const store = new SqliteStore(file, db);
    const version = store.stmts.meta.get('schema_version')?.value;
    if (version === undefined) store.stmts.setMeta.run('schema_version', String(SQLITE_SCHEMA_VERSION));
    else if (Number(version) !== SQLITE_SCHEMA_VERSION) {
      db.close();
      throw new MatterlogError(
        'config',
        `${file} has schema version ${version}; this matterlog reads version ${SQLITE_SCHEMA_VERSION}`,
      );
    }
    return store;
  }

  /** A statement `head` followed by `count` copies of `row`, joined by `sep`, prepared once per count. */
  private chunk(kind: 'insert' | 'lookup', count: number): Database.Statement {
    const key = `${kind}/${count}`;
    let st = this.chunked.get(key);
    if (!st) {
      st =
        kind === 'insert'
          ? this.db.prepare(
              `INSERT INTO entries (idx, leaf_key, leaf_hash, data) VALUES ${Array(count).fill('(?, ?, ?, ?)').join(', ')}`,
            )
          : this.db.prepare(
              `SELECT leaf_hash, idx FROM entries WHERE leaf_key IN (${Array(count).fill('?').join(', ')})`,
            );
      this.chunked.set(key, st);
    }
    return st;
  }

  private wrap<T>(what: string, f: () => T): T {
    try {
      return f();
    } catch (cause) {
      if (cause instanceof MatterlogError) throw cause;
      throw new MatterlogError(
        'storage_failure',
        `SQLite ${what} failed on ${this.location}: ${(cause as Error).message}`,
        {
          cause,
        },
      );
    }
  }

  async identity(): Promise<LogIdentity | null> {
    const raw = this.wrap('read', () => this.stmts.meta.get('identity')?.value);
    return raw === undefined ? null : (JSON.parse(raw) as LogIdentity);
  }

  async initialise(identity: LogIdentity, emptyCheckpoint: Uint8Array): Promise<void> {
    this.wrap('initialise', () =>
      this.db
        .transaction(() => {
          const existing = this.stmts.meta.get('identity');
          if (existing) {
            const origin = (JSON.parse(existing.value) as LogIdentity).origin;
            throw new MatterlogError('conflict', `${this.location} already holds the log "${origin}"`);
          }
          this.stmts.setMeta.run('identity', JSON.stringify(identity));
          this.stmts.insertCheckpoint.run(0, emptyCheckpoint, new Date().toISOString());
        })
        .immediate(),
    );
  }

  async latestCheckpoint(): Promise<StoredCheckpoint | null> {
    const row: Row<{ size: number; note: Buffer }> = this.wrap('read', () => this.stmts.latest.get());
    return row ? { size: row.size, note: row.note } : null;
  }

  async checkpointAt(size: number): Promise<StoredCheckpoint | null> {
    const row = this.wrap('read', () => this.stmts.checkpointAt.get(size));
    return row ? { size: row.size, note: row.note } : null;
  }

  async readTile(level: number, index: number): Promise<Uint8Array | null> {
    return this.wrap('read', () => this.stmts.tile.get(tileRowId(level, index))?.hashes ?? null);
  }

  async readEntries(start: number, end: number): Promise<Uint8Array[]> {
    const rows = this.wrap('read', () => this.stmts.entries.all(start, end));
    if (rows.length !== end - start) {
      throw new MatterlogError('not_found', `entries ${start}..${end - 1} are not all in the log`);
    }
    return rows.map((r) => r.data);
  }

  async findLeafHashes(leafHashes: readonly Uint8Array[]): Promise<Map<string, number>> {
    return this.wrap('read', () => this.lookup(leafHashes));
  }

  /** Leaf hash (hex) → index for those of `leafHashes` in the log, in the order asked. */
  private lookup(leafHashes: readonly Uint8Array[]): Map<string, number> {
    const found = new Map<string, number>();
    for (let i = 0; i < leafHashes.length; i += LOOKUP_CHUNK) {
      const part = leafHashes.slice(i, i + LOOKUP_CHUNK);
      const rows = this.chunk('lookup', part.length).all(...part.map(leafKey)) as { leaf_hash: Buffer; idx: number }[];
      // leaf_key matches are candidates; the full hash decides.
      for (const r of rows) found.set(toHex(r.leaf_hash), r.idx);
    }
    const out = new Map<string, number>();
    for (const h of leafHashes) {
      const hex = toHex(h);
      const idx = found.get(hex);
      if (idx !== undefined) out.set(hex, idx);
    }
    return out;
  }

  async acquireSequencerLease(holder: string): Promise<SequencerLease> {
    const lockPath = `${this.location}.sequencer-lock`;
    const lock: FileLock | null = this.wrap('lock', () => tryLockFile(lockPath));
    if (!lock) {
      const who = this.wrap('read', () => this.stmts.meta.get('sequencer')?.value) ?? 'holder unknown';
      throw lockHeldError(this.location, who);
    }
    const me = `${holder}, pid ${process.pid} on ${hostname()} since ${new Date().toISOString()}`;
    this.wrap('write', () => this.stmts.setMeta.run('sequencer', me));
    let released = false;
    const commit = this.db.transaction((batch: CommitBatch) => {
      const latest = this.stmts.latest.get();
      if (latest?.size !== batch.fromSize) {
        throw new MatterlogError(
          'conflict',
          `the log is at size ${latest?.size}, not ${batch.fromSize}: another writer committed`,
        );
      }
      // No unique index guards leaf hashes (see the schema): check inside the transaction.
      const hashes = batch.entries.map((e) => e.leafHash);
      const already = this.lookup(hashes);
      if (already.size > 0 || new Set(hashes.map(toHex)).size !== hashes.length) {
        const dup = already.keys().next().value ?? 'repeated within the batch';
        throw new MatterlogError('conflict', `commit refused: leaf ${dup} is already in the log`);
      }
      for (let i = 0; i < batch.entries.length; i += INSERT_CHUNK) {
        const part = batch.entries.slice(i, i + INSERT_CHUNK);
        const params: (number | bigint | Uint8Array)[] = [];
        part.forEach((e, k) => {
          params.push(batch.fromSize + i + k, leafKey(e.leafHash), e.leafHash, e.data);
        });
        this.chunk('insert', part.length).run(...params);
      }
      for (const t of batch.tiles) this.stmts.putTile.run(tileRowId(t.level, t.index), t.hashes);
      this.stmts.insertCheckpoint.run(batch.toSize, batch.checkpoint, new Date().toISOString());
    });
    return {
      commit: async (batch) => {
        if (released) throw new MatterlogError('unavailable', 'the sequencer lease was released');
        checkCommitShape(batch);
        try {
          commit.immediate(batch);
        } catch (cause) {
          if (cause instanceof MatterlogError) throw cause;
          const code = (cause as { code?: string }).code;
          if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
            throw new MatterlogError(
              'conflict',
              `commit refused, an entry or leaf is already in the log: ${(cause as Error).message}`,
              {
                cause,
              },
            );
          }
          throw new MatterlogError(
            'storage_failure',
            `SQLite commit failed on ${this.location}: ${(cause as Error).message}`,
            {
              cause,
            },
          );
        }
      },
      get lost() {
        return released;
      },
      release: async () => {
        if (released) return;
        released = true;
        lock.release();
      },
    };
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
