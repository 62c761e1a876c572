/**
 * The storage contract of one matterlog log.
 *
 * A store holds the log's sequenced entries, its hash tiles and its signed
 * checkpoints. Every driver (memory, sqlite, postgres) implements exactly this
 * contract, and one conformance suite (test/store-conformance) runs against each.
 *
 * Guarantees every driver gives:
 *
 * - **Atomic, durable commits.** `SequencerLease.commit` writes a batch's entries,
 *   the tiles it changed and the new signed checkpoint all together or not at all.
 *   When the returned promise resolves, the batch is durable (SQLite: WAL with
 *   synchronous=FULL; PostgreSQL: a committed transaction with synchronous_commit
 *   on). When it rejects, the batch may or may not have been applied (the
 *   connection can drop after the database committed): callers must re-read the
 *   latest checkpoint to find out, and never assume either way.
 * - **Compare-and-swap on the tree size.** A commit applies only when the stored
 *   checkpoint is still at `batch.fromSize`; otherwise it fails with `conflict`
 *   and changes nothing. Together with the lease this makes a fork impossible even
 *   if two sequencers were ever to run.
 * - **One sequencer.** At most one `SequencerLease` exists per log at a time
 *   (SQLite: an exclusive file lock; PostgreSQL: a session advisory lock). A second
 *   `acquireSequencerLease` fails at once with `lock_held`, naming the last
 *   recorded holder (which may be stale for a moment after a crash). The lease
 *   ends when released, when its process dies, or (PostgreSQL) when its
 *   connection drops; after a drop its commits fail with `storage_failure` and
 *   another process may take the lease, so the compare-and-swap below is what
 *   keeps the log linear.
 * - **Committed reads.** Reads see only committed data and may run at any time,
 *   concurrently with each other and with one commit; a read sees each commit
 *   either entirely or not at all. Entries and full tiles never change once
 *   written; a partial tile is only ever replaced by a wider one with the same
 *   prefix, so any prefix a reader saw stays valid. (That last promise is the
 *   caller's: drivers store what they are given; the sequencer's TreeBuilder
 *   only ever writes tiles that way.)
 * - **Durability needs a durable server.** PostgreSQL writes run with
 *   synchronous_commit on; a server configured with fsync off cannot be
 *   detected from the client and voids the promise.
 * - **Odd arguments** (negative sizes, start > end) read nothing: `readEntries`
 *   fails with `not_found`, `checkpointAt` and `readTile` return null.
 * - **close()** releases any lease (after a commit in flight) and the connections.
 */
import type { TileWrite } from '../ledger/tree.js';

export type DriverName = 'memory' | 'sqlite' | 'postgres';

/** The log's identity, written once when the log is created. */
export interface LogIdentity {
  /** The checkpoint origin line, which is also the log key's name. */
  origin: string;
  /** The log's signed-note verifier key, `name+hash+key`. */
  vkey: string;
  /** ISO 8601 time the log was created. */
  createdAt: string;
}

export interface StoredCheckpoint {
  size: number;
  /** The signed note (checkpoint text plus signature lines), UTF-8. */
  note: Uint8Array;
}

export interface NewEntry {
  leafHash: Uint8Array;
  data: Uint8Array;
}

export interface CommitBatch {
  /** The tree size the stored checkpoint must have for this commit to apply. */
  fromSize: number;
  /** fromSize + entries.length. */
  toSize: number;
  /** The entries at indices fromSize, fromSize + 1, …, in order. */
  entries: NewEntry[];
  /** Every tile the entries changed: new full tiles and the new partial edge tiles (last write wins). */
  tiles: TileWrite[];
  /** The checkpoint for toSize, signed by the log. */
  checkpoint: Uint8Array;
}

export interface SequencerLease {
  /** See "Atomic, durable commits" and "Compare-and-swap" above. */
  commit(batch: CommitBatch): Promise<void>;
  /** Ends the lease; further commits fail. Idempotent. */
  release(): Promise<void>;
  /**
   * True once this lease can no longer commit: released, or (PostgreSQL) its
   * connection, and with it the lock, is gone. A sequencer that finds its lease
   * lost must take a new one (another process may have it by then) before
   * committing again.
   */
  readonly lost: boolean;
}

export interface LogStore {
  readonly driver: DriverName;
  /** Where the data lives, for messages (a file path, a URL without password). */
  readonly location: string;

  /** The identity recorded at creation, or null for a store never initialised. */
  identity(): Promise<LogIdentity | null>;
  /**
   * Records the identity and the size-0 checkpoint of a new log, atomically.
   * Fails with `conflict` when the store already holds a log.
   */
  initialise(identity: LogIdentity, emptyCheckpoint: Uint8Array): Promise<void>;

  /** The checkpoint with the largest tree size, or null before initialisation. */
  latestCheckpoint(): Promise<StoredCheckpoint | null>;
  /** The checkpoint signed at exactly `size`, if the log ever committed that size. */
  checkpointAt(size: number): Promise<StoredCheckpoint | null>;
  /**
   * The hash tile (level, index) as last written: width × 32 bytes, where the width
   * may exceed what an older checkpoint needs (serve a prefix). Null if never written.
   */
  readTile(level: number, index: number): Promise<Uint8Array | null>;
  /** Entries [start, end), all committed; fails with `not_found` if any is missing. */
  readEntries(start: number, end: number): Promise<Uint8Array[]>;
  /** The index of each given leaf hash that is in the log (hex → index). */
  findLeafHashes(leafHashes: readonly Uint8Array[]): Promise<Map<string, number>>;

  /** See "One sequencer" above. `holder` describes the caller for the error others get. */
  acquireSequencerLease(holder: string): Promise<SequencerLease>;

  /** Releases connections and files. A released store cannot be used again. */
  close(): Promise<void>;
}
