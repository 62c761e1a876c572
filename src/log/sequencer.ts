/**
 * The sequencer: the only code that appends to a log.
 *
 * Submissions wait in a bounded pool and are sequenced in batches (at most
 * `maxBatchSize` entries; an idle sequencer waits at most `maxBatchDelayMs` for
 * company). One batch is committed at a time. The crash protocol, step by step:
 *
 *  1. Take up to maxBatchSize distinct entries from the pool.
 *  2. Look their leaf hashes up in the store: entries already in the log are
 *     answered with their existing index and take no part in the commit.
 *  3. Append the new leaf hashes to the in-memory right edge of the tree; this
 *     yields the changed tiles and the new root in O(log n) hashes per entry.
 *  4. Sign the checkpoint for the new size and root.
 *  5. Commit entries, tiles and checkpoint in ONE store transaction, conditional
 *     on the stored size still being the old size (compare-and-swap).
 *  6. Only now answer the submitters with their indices.
 *
 * A crash before 5 completes loses nothing anyone was told about: the store
 * still holds the previous checkpoint and its tiles, and on start the sequencer
 * reloads exactly that state (checking the signature and re-deriving the root
 * from the stored tiles). A commit that *reports* failure may still have been
 * applied; the submitters are told it failed (so they retry, and a retry of an
 * entry that made it in gets its existing index), and the sequencer reloads its
 * state from the store (taking a new lease if the old one was lost) before the
 * next batch instead of guessing. While the store cannot be reached, batches
 * are refused at once and recovery is retried with a growing delay.
 */
import { utf8 } from '../ledger/bytes.js';
import { formatCheckpoint, openCheckpoint } from '../ledger/checkpoint.js';
import { MatterlogError } from '../ledger/errors.js';
import { type NoteSigner, type NoteVerifier, signNote } from '../ledger/note.js';
import { TreeBuilder } from '../ledger/tree.js';
import type { LogStore, NewEntry, SequencerLease } from '../store/contract.js';
import { type AddResult, type Pending, rejectAll, SubmissionPool } from './submission-pool.js';

export type { AddResult } from './submission-pool.js';

export interface SequencerOptions {
  /** The log key; its name is the log's origin. */
  signer: NoteSigner;
  verifier: NoteVerifier;
  /** At most this many entries per commit. */
  maxBatchSize: number;
  /** How long the first entry into an idle pool waits for others to share its commit. */
  maxBatchDelayMs: number;
  /** Pushback thresholds: beyond these, submitters are told to come back later. */
  maxPendingEntries: number;
  maxPendingBytes: number;
  /** Describes this process in the lock-held error another sequencer gets. */
  holder: string;
}

export const defaultSequencerOptions = {
  maxBatchSize: 4096,
  maxBatchDelayMs: 5,
  maxPendingEntries: 200_000,
  maxPendingBytes: 256 * 1024 * 1024,
};

export interface SequencerStats {
  /** The size of the last committed checkpoint. */
  size: number;
  pending: number;
  /** False while the store cannot be reached (appends are refused with 503). */
  healthy: boolean;
  batches: number;
  entriesSequenced: number;
  duplicates: number;
  failedCommits: number;
}

// Recovery retries back off from 50 ms to 30 s: quick after a blip, quiet during an outage.
const MIN_RECOVERY_DELAY_MS = 50;
const MAX_RECOVERY_DELAY_MS = 30_000;

export class Sequencer {
  private readonly pool: SubmissionPool;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  /** Why the sequencer cannot commit (null when it can), and when to try recovering again. */
  private broken: unknown = null;
  private recoveryDelayMs = 0;
  private nextRecoveryAt = 0;
  private stopping = false;
  /** The size of the last committed checkpoint: what this process has told anyone about. */
  private committedSize: number;
  private readonly counters = { batches: 0, entriesSequenced: 0, duplicates: 0, failedCommits: 0 };

  private constructor(
    private readonly store: LogStore,
    private lease: SequencerLease,
    private readonly opts: SequencerOptions,
    private tree: TreeBuilder,
    private checkpointNote: string,
  ) {
    this.committedSize = tree.size;
    this.pool = new SubmissionPool(opts);
  }

  /**
   * Takes the store's sequencer lease and restores the tree from the last
   * committed checkpoint. Fails with `lock_held` if another sequencer runs.
   */
  static async start(store: LogStore, opts: SequencerOptions): Promise<Sequencer> {
    const lease = await store.acquireSequencerLease(opts.holder);
    try {
      const identity = await store.identity();
      if (!identity) throw new MatterlogError('config', `${store.location} holds no log: run "matterlog init" first`);
      if (identity.origin !== opts.signer.name) {
        throw new MatterlogError(
          'config',
          `the key "${opts.signer.name}" is not the key of the log "${identity.origin}" stored in ${store.location}`,
        );
      }
      const { tree, note } = await Sequencer.restore(store, opts.verifier);
      return new Sequencer(store, lease, opts, tree, note);
    } catch (e) {
      await lease.release();
      throw e;
    }
  }

  /** Reloads the last committed checkpoint and the tree edge behind it, checking both. */
  private static async restore(store: LogStore, verifier: NoteVerifier): Promise<{ tree: TreeBuilder; note: string }> {
    const latest = await store.latestCheckpoint();
    if (!latest) throw new MatterlogError('corrupt', `${store.location} has a log identity but no checkpoint`);
    const note = new TextDecoder().decode(latest.note);
    let root: Uint8Array;
    try {
      const c = openCheckpoint(note, verifier);
      if (c.size !== latest.size)
        throw new MatterlogError('corrupt', `checkpoint stored at size ${latest.size} says ${c.size}`);
      root = c.root;
    } catch (cause) {
      throw new MatterlogError(
        'corrupt',
        `the stored checkpoint at size ${latest.size} does not verify with the log key`,
        { cause },
      );
    }
    const tree = await TreeBuilder.fromEdgeTiles(latest.size, (l, i) => store.readTile(l, i));
    tree.checkRoot(root, `stored tiles at size ${latest.size}`);
    return { tree, note };
  }

  /** The size of the last committed checkpoint. */
  get size(): number {
    return this.committedSize;
  }

  /** The latest committed signed checkpoint. */
  get checkpoint(): string {
    return this.checkpointNote;
  }

  stats(): SequencerStats {
    return { size: this.committedSize, pending: this.pool.size, healthy: this.broken === null, ...this.counters };
  }

  /** Sequences one entry; resolves once it is durably committed. */
  add(entry: Uint8Array): Promise<AddResult> {
    return this.addAll([entry])[0] as Promise<AddResult>;
  }

  /**
   * Sequences several entries. Pushback applies to the request as a whole: either
   * all are accepted into the pool or none is (`pushback`, with retryAfterSeconds).
   */
  addAll(entries: readonly Uint8Array[]): Promise<AddResult>[] {
    if (this.stopping) {
      throw new MatterlogError('unavailable', 'the log is shutting down; retry against the restarted server', {
        details: { retryAfterSeconds: 1 },
      });
    }
    const promises = this.pool.add(entries);
    this.schedule();
    return promises;
  }

  private schedule(): void {
    if (this.running || this.pool.size === 0) return;
    if (this.pool.size >= this.opts.maxBatchSize || this.opts.maxBatchDelayMs <= 0 || this.stopping) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      this.running = this.runBatch();
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        if (!this.running) this.running = this.runBatch();
      }, this.opts.maxBatchDelayMs);
    }
  }

  private async runBatch(): Promise<void> {
    const batch = this.pool.take(this.opts.maxBatchSize);
    try {
      if (this.broken !== null && !(await this.recover())) {
        rejectAll(
          batch,
          new MatterlogError(
            'unavailable',
            `the log cannot commit right now (${this.broken instanceof Error ? this.broken.message : String(this.broken)}); nothing was sequenced, retry shortly`,
            {
              cause: this.broken,
              details: { retryAfterSeconds: Math.max(1, Math.ceil((this.nextRecoveryAt - Date.now()) / 1000)) },
            },
          ),
        );
        return;
      }
      try {
        await this.sequence(batch);
      } catch (e) {
        this.counters.failedCommits++;
        // Whatever the store said (a conflict included), the batch may or may not
        // be in: say so, and make the retry the safe thing to do.
        rejectAll(
          batch,
          new MatterlogError(
            'storage_failure',
            `the batch holding this entry was not acknowledged (${(e as Error).message}); it may or may not be in the log: resubmitting is safe, an entry already in the log gets its index back`,
            { cause: e, details: { retryAfterSeconds: 1 } },
          ),
        );
        this.broken = e;
        this.nextRecoveryAt = 0;
        await this.recover();
      }
    } finally {
      this.running = null;
      // Whatever arrived during the commit has already waited a commit's time: go now.
      if (this.pool.size > 0) this.running = this.runBatch();
    }
  }

  private async sequence(batch: Pending[]): Promise<void> {
    const existing = await this.store.findLeafHashes(batch.map((p) => p.leafHash));
    const fresh = batch.filter((p) => !existing.has(p.hex));
    const fromSize = this.tree.size;
    const entries: NewEntry[] = [];
    const indices = new Map<Pending, number>();
    for (const p of fresh) {
      indices.set(p, this.tree.append(p.leafHash));
      entries.push({ leafHash: p.leafHash, data: p.data });
    }
    if (entries.length > 0) {
      const text = formatCheckpoint({ origin: this.opts.signer.name, size: this.tree.size, root: this.tree.root() });
      const note = signNote(text, [this.opts.signer]);
      // From here until the commit resolves, the in-memory tree is ahead of the
      // store; any failure makes runBatch reload it from the store.
      await this.lease.commit({
        fromSize,
        toSize: this.tree.size,
        entries,
        tiles: this.tree.takeChangedTiles(),
        checkpoint: utf8(note),
      });
      this.checkpointNote = note;
      this.committedSize = this.tree.size;
      this.counters.batches++;
      this.counters.entriesSequenced += entries.length;
    }
    for (const p of batch) {
      const prior = existing.get(p.hex);
      const index = prior ?? (indices.get(p) as number);
      if (prior !== undefined) this.counters.duplicates++;
      for (const w of p.waiters)
        w.resolve({ index, leafHash: p.leafHash, duplicate: prior !== undefined, treeSize: this.committedSize });
    }
  }

  /**
   * Reloads the committed state after a failure, taking a new lease first if
   * the old one was lost (another process may hold it by then). Returns false,
   * leaving `broken` set and the next attempt delayed, when that fails.
   */
  private async recover(): Promise<boolean> {
    if (Date.now() < this.nextRecoveryAt) return false;
    try {
      if (this.lease.lost && !this.stopping) {
        await this.lease.release().catch(() => {});
        this.lease = await this.store.acquireSequencerLease(this.opts.holder);
      }
      const { tree, note } = await Sequencer.restore(this.store, this.opts.verifier);
      // Never move backwards past what this process already acknowledged.
      if (tree.size < this.committedSize) {
        throw new MatterlogError(
          'corrupt',
          `the store went back to size ${tree.size} after this sequencer acknowledged size ${this.committedSize}`,
        );
      }
      this.tree = tree;
      this.checkpointNote = note;
      this.committedSize = tree.size;
      this.broken = null;
      this.recoveryDelayMs = 0;
      return true;
    } catch (e) {
      this.broken = e;
      this.recoveryDelayMs = Math.min(MAX_RECOVERY_DELAY_MS, Math.max(MIN_RECOVERY_DELAY_MS, this.recoveryDelayMs * 2));
      this.nextRecoveryAt = Date.now() + this.recoveryDelayMs;
      return false;
    }
  }

  /** Stops accepting entries, sequences everything already accepted, releases the lease. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (!this.running && this.pool.size > 0) this.running = this.runBatch();
    while (this.running) await this.running;
    await this.lease.release();
  }
}
