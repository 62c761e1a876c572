/**
 * The in-memory driver: the reference implementation of the contract, and the
 * fault-injecting backend the crash tests drive.
 *
 * Faults are armed per operation and fire once each:
 * - `lost`: the operation throws and nothing is written (a write that failed);
 * - `persisted`: the operation is applied, then throws (the database committed but
 *   the acknowledgement was lost, e.g. the connection dropped).
 */
import { toHex } from '../../ledger/bytes.js';
import { MatterlogError } from '../../ledger/errors.js';
import type { CommitBatch, LogIdentity, LogStore, SequencerLease, StoredCheckpoint } from '../contract.js';
import { checkCommitShape, lockHeldError } from '../shared-checks.js';

export type FaultMode = 'lost' | 'persisted';
export type FaultPoint = 'commit' | 'readTile' | 'readEntries' | 'findLeafHashes' | 'latestCheckpoint';

export class MemoryStore implements LogStore {
  readonly driver = 'memory' as const;
  readonly location = 'memory';
  private ident: LogIdentity | null = null;
  private readonly entries: Uint8Array[] = [];
  private readonly byLeafHash = new Map<string, number>();
  private readonly tiles = new Map<string, Uint8Array>();
  private readonly checkpoints = new Map<number, Uint8Array>();
  private latest: StoredCheckpoint | null = null;
  private leaseHolder: string | null = null;
  private readonly faults = new Map<FaultPoint, FaultMode[]>();
  private closed = false;
  /** How many commits were applied (including those reported as failed). */
  commitsApplied = 0;

  /** Arms a fault for the next call(s) of `point`. */
  injectFault(point: FaultPoint, mode: FaultMode, times = 1): void {
    const q = this.faults.get(point) ?? [];
    for (let i = 0; i < times; i++) q.push(mode);
    this.faults.set(point, q);
  }

  private takeFault(point: FaultPoint): FaultMode | undefined {
    return this.faults.get(point)?.shift();
  }

  private injected(point: FaultPoint, mode: FaultMode): MatterlogError {
    return new MatterlogError('storage_failure', `injected ${mode} fault in ${point}`, { details: { injected: true } });
  }

  private live(): void {
    if (this.closed) throw new MatterlogError('unavailable', 'the store is closed');
  }

  private async read<T>(point: FaultPoint, f: () => T): Promise<T> {
    this.live();
    const fault = this.takeFault(point);
    const value = f();
    if (fault) throw this.injected(point, fault);
    return value;
  }

  async identity(): Promise<LogIdentity | null> {
    this.live();
    return this.ident;
  }

  async initialise(identity: LogIdentity, emptyCheckpoint: Uint8Array): Promise<void> {
    this.live();
    if (this.ident) throw new MatterlogError('conflict', `this store already holds the log "${this.ident.origin}"`);
    this.ident = { ...identity };
    this.checkpoints.set(0, emptyCheckpoint);
    this.latest = { size: 0, note: emptyCheckpoint };
  }

  latestCheckpoint(): Promise<StoredCheckpoint | null> {
    return this.read('latestCheckpoint', () => this.latest);
  }

  async checkpointAt(size: number): Promise<StoredCheckpoint | null> {
    this.live();
    const note = this.checkpoints.get(size);
    return note ? { size, note } : null;
  }

  readTile(level: number, index: number): Promise<Uint8Array | null> {
    return this.read('readTile', () => this.tiles.get(`${level}/${index}`) ?? null);
  }

  readEntries(start: number, end: number): Promise<Uint8Array[]> {
    return this.read('readEntries', () => {
      if (end > this.entries.length || start < 0 || start > end) {
        throw new MatterlogError(
          'not_found',
          `entries ${start}..${end - 1} are not all in the log (size ${this.entries.length})`,
        );
      }
      return this.entries.slice(start, end);
    });
  }

  findLeafHashes(leafHashes: readonly Uint8Array[]): Promise<Map<string, number>> {
    return this.read('findLeafHashes', () => {
      const out = new Map<string, number>();
      for (const h of leafHashes) {
        const hex = toHex(h);
        const i = this.byLeafHash.get(hex);
        if (i !== undefined) out.set(hex, i);
      }
      return out;
    });
  }

  async acquireSequencerLease(holder: string): Promise<SequencerLease> {
    this.live();
    if (this.leaseHolder !== null) throw lockHeldError(this.location, this.leaseHolder);
    this.leaseHolder = holder;
    let released = false;
    return {
      commit: async (batch) => {
        if (released) throw new MatterlogError('unavailable', 'the sequencer lease was released');
        this.commit(batch);
      },
      get lost() {
        return released;
      },
      release: async () => {
        if (!released) {
          released = true;
          this.leaseHolder = null;
        }
      },
    };
  }

  private commit(batch: CommitBatch): void {
    this.live();
    checkCommitShape(batch);
    const fault = this.takeFault('commit');
    if (fault === 'lost') throw this.injected('commit', fault);
    const current = this.latest?.size;
    if (current !== batch.fromSize) {
      throw new MatterlogError(
        'conflict',
        `the log is at size ${current}, not ${batch.fromSize}: another writer committed`,
      );
    }
    // Validate everything before touching anything, so a failed commit changes nothing.
    const hexes = batch.entries.map((e) => toHex(e.leafHash));
    const fresh = new Set<string>();
    for (const hex of hexes) {
      if (this.byLeafHash.has(hex) || fresh.has(hex)) {
        throw new MatterlogError('conflict', `leaf ${hex} is already in the log`);
      }
      fresh.add(hex);
    }
    batch.entries.forEach((e, i) => {
      this.entries.push(e.data.slice());
      this.byLeafHash.set(hexes[i] as string, batch.fromSize + i);
    });
    for (const t of batch.tiles) this.tiles.set(`${t.level}/${t.index}`, t.hashes.slice());
    this.checkpoints.set(batch.toSize, batch.checkpoint.slice());
    this.latest = { size: batch.toSize, note: batch.checkpoint.slice() };
    this.commitsApplied++;
    if (fault === 'persisted') throw this.injected('commit', fault);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
