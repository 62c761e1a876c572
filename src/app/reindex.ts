/**
 * Rebuilding the read model from the log's entries alone. The read model is
 * derived data, so a rebuild must reproduce it exactly: the digest of the
 * indexes before is compared with the digest after rebuilding up to the same
 * log size. `check` rebuilds into memory and leaves the store untouched.
 *
 * Holds the sequencer lease throughout, so no server indexes at the same time
 * (stop `matterlog serve` first).
 */
import { MatterlogError } from '../ledger/errors.js';
import { Indexer } from '../log/indexer.js';
import { ActorRegistry } from '../statements/registry.js';
import { MemoryReadModel } from '../store/memory/memory-read-model.js';
import type { ReadModelStore } from '../store/read-model.js';
import { loadDataDir } from './data-dir.js';
import { openReadModel, openStore, type StoreOptions } from './log-service.js';
import { createProjector, type ProjectionCounts } from './read-model-projection.js';

export interface ReindexOptions extends StoreOptions {
  dir: string;
  /** Rebuild in memory and compare, changing nothing. */
  check: boolean;
  onProgress?: (indexed: number, target: number) => void;
}

export interface ReindexResult {
  logSize: number;
  /** The size the read model covered before. */
  previousSize: number;
  previousDigest: string;
  /** The digest of the rebuilt indexes at `previousSize`. */
  rebuiltDigest: string;
  identical: boolean;
  indexedSize: number;
  statements: number;
  skipped: number;
  seconds: number;
}

export async function reindex(options: ReindexOptions): Promise<ReindexResult> {
  const started = performance.now();
  const { config } = loadDataDir(options.dir);
  if (!config.operator) {
    throw new MatterlogError('config', `${options.dir} has no operator key yet: start "matterlog serve" once first`);
  }
  const storeOptions = {
    databaseUrl: options.databaseUrl ?? config.databaseUrl,
    databaseSchema: options.databaseSchema ?? config.databaseSchema,
  };
  const store = await openStore(options.dir, storeOptions);
  let readModel: ReadModelStore | null = null;
  let target: ReadModelStore | null = null;
  try {
    const lease = await store.acquireSequencerLease('matterlog reindex').catch((e: unknown) => {
      throw new MatterlogError('lock_held', `${(e as Error).message}; stop "matterlog serve" before reindexing`, {
        cause: e,
      });
    });
    try {
      // A read model of another version cannot be compared, only rebuilt: drop it (not with --check,
      // which changes nothing; opening it then fails and says to run reindex).
      readModel = await openReadModel(options.dir, storeOptions, { dropOtherVersion: !options.check });
      const logSize = (await store.latestCheckpoint())?.size ?? 0;
      const previousSize = await readModel.indexedSize();
      const previousDigest = await readModel.digest();
      if (options.check) target = new MemoryReadModel();
      else {
        await readModel.reset();
        target = readModel;
      }
      const counts: ProjectionCounts = { statements: 0, skipped: 0 };
      const indexer = new Indexer(
        store,
        target,
        createProjector({ current: new ActorRegistry(config.operator) }, { counts }),
        {
          chunk: 2000,
          ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        },
      );
      await indexer.catchUp(previousSize);
      const rebuiltDigest = await target.digest();
      const indexedSize = options.check ? previousSize : await indexer.catchUp(logSize);
      return {
        logSize,
        previousSize,
        previousDigest,
        rebuiltDigest,
        identical: previousDigest === rebuiltDigest,
        indexedSize,
        statements: counts.statements,
        skipped: counts.skipped,
        seconds: (performance.now() - started) / 1000,
      };
    } finally {
      await lease.release();
    }
  } finally {
    if (target && target !== readModel) await target.close();
    await readModel?.close();
    await store.close();
  }
}
