/**
 * The indexer: feeds the read model from the log, in log order, one batch at a
 * time. What a batch of entries means is the caller's `Projector` (the
 * composition root knows statements and EPCIS; this loop does not). Progress is
 * the read model's own `indexedSize`, written in the same transaction as the
 * rows, so after a crash the indexer simply resumes from there: the log is the
 * truth and the read model can always be rebuilt from it.
 */
import { MatterlogError } from '../ledger/errors.js';
import type { LogStore } from '../store/contract.js';
import type { ReadModelBatch, ReadModelStore } from '../store/read-model.js';

export type ProjectedRows = Omit<ReadModelBatch, 'fromSize' | 'toSize'>;

export interface Projection {
  rows: ProjectedRows;
  /** Called once the rows are committed: the projector may now adopt the state it derived. */
  applied(): void;
}

export interface Projector {
  /** What entries [fromIndex, fromIndex + entries.length) add to the read model (which it may read). */
  project(entries: Uint8Array[], fromIndex: number, readModel: ReadModelStore): Promise<Projection>;
}

export interface IndexerOptions {
  /** Entries read and indexed per transaction. */
  chunk: number;
  /** Called with the new indexed size after each batch (progress bars). */
  onProgress?: (indexed: number, target: number) => void;
}

export class Indexer {
  private running: Promise<number> = Promise.resolve(0);
  private indexed = -1;

  constructor(
    private readonly log: LogStore,
    private readonly readModel: ReadModelStore,
    private readonly projector: Projector,
    private readonly options: IndexerOptions = { chunk: 1000 },
  ) {}

  /** The last size known to be indexed (-1 before the first catch-up). */
  get size(): number {
    return this.indexed;
  }

  /**
   * Indexes every committed entry (at least up to `target`). Calls are
   * serialised; each resolves with the indexed size once it reaches at least
   * its target.
   */
  catchUp(target?: number): Promise<number> {
    const next = this.running.catch(() => 0).then(() => this.run(target));
    this.running = next;
    return next;
  }

  private async run(target?: number): Promise<number> {
    let size = await this.readModel.indexedSize();
    if (target !== undefined && size >= target) return size;
    // Everything committed so far, not just up to `target`: the answers waiting on this
    // catch-up usually arrived in one commit, and one transaction should index them all.
    const goal = Math.max(target ?? 0, (await this.log.latestCheckpoint())?.size ?? 0);
    while (size < goal) {
      const end = Math.min(goal, size + this.options.chunk);
      const entries = await this.log.readEntries(size, end);
      const projection = await this.projector.project(entries, size, this.readModel);
      await this.readModel.apply({ fromSize: size, toSize: end, ...projection.rows });
      projection.applied();
      size = end;
      this.indexed = size;
      this.options.onProgress?.(size, goal);
    }
    this.indexed = size;
    return size;
  }

  /** Waits for the running catch-up, surfacing nothing: the next call retries. */
  async idle(): Promise<void> {
    await this.running.catch(() => {});
  }
}

export function indexerStuck(cause: unknown): MatterlogError {
  return new MatterlogError(
    'storage_failure',
    'the statements were sequenced, but the read model could not be updated yet; they are in the log, and resubmitting them is safe (they keep their index)',
    { cause, details: { retryAfterSeconds: 1 } },
  );
}
