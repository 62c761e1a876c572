/**
 * A complete LogService over the in-memory store, for tests that exercise the
 * HTTP app or the sequencer without files or sockets.
 */
import { tokenHash } from '../../src/app/data-dir.js';
import {
  defaultIngestOptions,
  type Ingest,
  type IngestOptions,
  type LogService,
  startIngest,
} from '../../src/app/log-service.js';
import { ed25519NoteKey } from '../../src/ledger/note.js';
import { LogReader } from '../../src/log/log-reader.js';
import { defaultSequencerOptions, Sequencer, type SequencerOptions } from '../../src/log/sequencer.js';
import { MemoryReadModel } from '../../src/store/memory/memory-read-model.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { BatchMaker, testIdentity, testKey } from './log-fixtures.js';

export const TEST_TOKEN = 'mlt_test-operator-token';
export const testOperatorKey = ed25519NoteKey('log.test/operator', new Uint8Array(32).fill(0x0a));
export const testGatewayKey = ed25519NoteKey('log.test/capture-gateway', new Uint8Array(32).fill(0x0b));

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
  ingestOptions: Partial<IngestOptions> = {},
): Promise<LogService & { store: MemoryStore; ingest: Ingest; readModel: MemoryReadModel }> {
  const s = store ?? (await memoryStoreWithLog());
  const sequencer = await Sequencer.start(s, sequencerOptions(over));
  const identity = testIdentity();
  const readModel = new MemoryReadModel();
  const keys = { operator: testOperatorKey, gateway: testGatewayKey };
  const ingest = await startIngest(s, readModel, sequencer, keys, { ...defaultIngestOptions, ...ingestOptions });
  return {
    identity,
    config: {
      ...identity,
      operatorTokenSha256: tokenHash(TEST_TOKEN),
      operator: { name: testOperatorKey.signer.name, vkey: testOperatorKey.vkey },
      gateway: { name: testGatewayKey.signer.name, vkey: testGatewayKey.vkey },
    },
    verifier: testKey.verifier,
    store: s,
    reader: new LogReader(s),
    sequencer,
    readModel,
    ingest,
    async close() {
      await sequencer.stop();
      await ingest.close();
      await readModel.close();
      await s.close();
    },
  };
}
