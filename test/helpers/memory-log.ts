/**
 * A complete LogService over the in-memory store, for tests that exercise the
 * HTTP app or the sequencer without files or sockets.
 */
import { tokenHash } from '../../src/app/data-dir.js';
import type { LogService } from '../../src/app/log-service.js';
import { LogReader } from '../../src/log/log-reader.js';
import { defaultSequencerOptions, Sequencer, type SequencerOptions } from '../../src/log/sequencer.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { BatchMaker, testIdentity, testKey } from './log-fixtures.js';

export const TEST_TOKEN = 'mlt_test-operator-token';

export async function memoryStoreWithLog(): Promise<MemoryStore> {
  const store = new MemoryStore();
  await store.initialise(testIdentity(), new BatchMaker().emptyCheckpoint());
  return store;
}

export function sequencerOptions(over: Partial<SequencerOptions> = {}): SequencerOptions {
  return {
    ...defaultSequencerOptions,
    maxBatchDelayMs: 1,
    signer: testKey.signer,
    verifier: testKey.verifier,
    holder: 'test',
    ...over,
  };
}

export async function memoryLog(
  over: Partial<SequencerOptions> = {},
  store?: MemoryStore,
): Promise<LogService & { store: MemoryStore }> {
  const s = store ?? (await memoryStoreWithLog());
  const sequencer = await Sequencer.start(s, sequencerOptions(over));
  const identity = testIdentity();
  return {
    identity,
    config: { ...identity, operatorTokenSha256: tokenHash(TEST_TOKEN) },
    verifier: testKey.verifier,
    store: s,
    reader: new LogReader(s),
    sequencer,
    async close() {
      await sequencer.stop();
      await s.close();
    },
  };
}
