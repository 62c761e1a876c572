/**
 * The composition root: configuration → store driver → log (sequencer + reader).
 * This is the only code that picks a store driver.
 */
import { availableParallelism, hostname } from 'node:os';
import { utf8 } from '../ledger/bytes.js';
import { formatCheckpoint } from '../ledger/checkpoint.js';
import { MatterlogError } from '../ledger/errors.js';
import { emptyRoot } from '../ledger/hash.js';
import { type Ed25519NoteKey, type NoteVerifier, signNote } from '../ledger/note.js';
import { Indexer } from '../log/indexer.js';
import { LogReader } from '../log/log-reader.js';
import { defaultSequencerOptions, Sequencer, type SequencerOptions } from '../log/sequencer.js';
import { ActorRegistry } from '../statements/registry.js';
import type { LogIdentity, LogStore } from '../store/contract.js';
import type { ReadModelStore } from '../store/read-model.js';
import { SqliteReadModel } from '../store/sqlite/sqlite-read-model.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { ActorAdmin } from './actor-admin.js';
import { type CaptureLimits, CaptureService, defaultCaptureLimits } from './capture-service.js';
import { CheckedNotes } from './checked-notes.js';
import {
  type ActorKeyConfig,
  type DataDirConfig,
  ensureActorKeys,
  loadActorKey,
  loadDataDir,
  loadSigningKey,
  prepareDataDir,
  sqlitePath,
} from './data-dir.js';
import { useNodeCrypto } from './node-crypto.js';
import { defaultRateLimit, type RateLimit, RateLimiter } from './rate-limiter.js';
import { createProjector, type RegistryRef, SkipLog } from './read-model-projection.js';
import { type StatementRefusal, StatementService } from './statement-service.js';
import { VerifyPool } from './verify-pool.js';

useNodeCrypto();

export interface StoreOptions {
  /** postgres:// or postgresql:// URL; absent → the SQLite file in the data directory. */
  databaseUrl?: string | undefined;
  /** PostgreSQL schema holding the log (default "matterlog"). */
  databaseSchema?: string | undefined;
}

export async function openStore(dir: string, options: StoreOptions): Promise<LogStore> {
  const url = options.databaseUrl;
  if (!url) return SqliteStore.open(sqlitePath(dir));
  if (/^postgres(ql)?:\/\//.test(url)) {
    const { PostgresStore } = await import('../store/postgres/postgres-store.js');
    return PostgresStore.open(url, options.databaseSchema ? { schema: options.databaseSchema } : {});
  }
  throw new MatterlogError(
    'config',
    `unsupported database URL "${url.split('@').pop()}": use postgres://… or leave it unset for SQLite`,
  );
}

export interface InitResult {
  origin: string;
  vkey: string;
  token: string;
  database: string;
}

/** Creates a new log: data directory, key, store, empty signed checkpoint. All or nothing. */
export async function initLog(
  dir: string,
  options: StoreOptions & { origin?: string | undefined },
): Promise<InitResult> {
  const prepared = prepareDataDir(dir, {
    ...(options.origin ? { origin: options.origin } : {}),
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    ...(options.databaseSchema ? { databaseSchema: options.databaseSchema } : {}),
  });
  let store: LogStore | null = null;
  try {
    store = await openStore(dir, options);
    const identity: LogIdentity = {
      origin: prepared.config.origin,
      vkey: prepared.config.vkey,
      createdAt: prepared.config.createdAt,
    };
    const empty = signNote(formatCheckpoint({ origin: identity.origin, size: 0, root: emptyRoot() }), [
      prepared.key.signer,
    ]);
    await store.initialise(identity, utf8(empty));
    prepared.finish();
    return { origin: identity.origin, vkey: identity.vkey, token: prepared.token, database: store.location };
  } catch (e) {
    await store?.close().catch(() => {});
    store = null;
    prepared.rollback();
    throw e;
  } finally {
    await store?.close();
  }
}

export interface LogService {
  identity: LogIdentity;
  config: DataDirConfig;
  verifier: NoteVerifier;
  store: LogStore;
  reader: LogReader;
  /** Null in read-only mode (no lease taken). */
  sequencer: Sequencer | null;
  /** The indexes derived from the log (shared by every node on the same store). */
  readModel: ReadModelStore;
  /** The statement services: only on the sequencing node. */
  ingest: Ingest | null;
  close(): Promise<void>;
}

/** What the sequencing node adds: the actor registry and the ways statements come in. */
export interface Ingest {
  registry: RegistryRef;
  indexer: Indexer;
  statements: StatementService;
  capture: CaptureService;
  actors: ActorAdmin;
  /** Waits for indexing in progress and stops the verification workers. */
  close(): Promise<void>;
}

export interface IngestOptions {
  skewMs: number;
  /** Worker threads verifying signatures (0: verify on the main thread). */
  verifyWorkers: number;
  maxBatch: number;
  rateLimit: RateLimit;
  capture: CaptureLimits;
  onRefused?: (refusals: StatementRefusal[], who: string) => void;
  onReplayed?: (count: number, total: number) => void;
}

export const defaultIngestOptions: IngestOptions = {
  skewMs: 300_000,
  verifyWorkers: Math.max(1, availableParallelism() - 1),
  maxBatch: 10_000,
  rateLimit: defaultRateLimit,
  capture: defaultCaptureLimits,
};

/** `dropOtherVersion`: a read model of another schema version is dropped (for reindex) instead of refused. */
export async function openReadModel(
  dir: string,
  options: StoreOptions,
  open: { dropOtherVersion?: boolean } = {},
): Promise<ReadModelStore> {
  const url = options.databaseUrl;
  if (!url) return SqliteReadModel.open(sqlitePath(dir), open);
  const { PostgresReadModel } = await import('../store/postgres/postgres-read-model.js');
  return PostgresReadModel.open(url, {
    ...(options.databaseSchema ? { schema: options.databaseSchema } : {}),
    ...open,
  });
}

/** The registry as the read model has it, rooted at the configured operator key. */
export async function loadRegistry(
  config: Pick<DataDirConfig, 'operator'>,
  readModel: ReadModelStore,
): Promise<ActorRegistry> {
  if (!config.operator) throw new MatterlogError('config', 'this data directory has no operator key yet');
  const registry = new ActorRegistry(config.operator);
  for (const a of await readModel.actors()) registry.load(a);
  return registry;
}

export interface OpenLogOptions extends StoreOptions {
  dir: string;
  /** Take the sequencer lease and accept appends. */
  sequence: boolean;
  ingest?: Partial<IngestOptions>;
  /** Progress of the read model catching up with the log at start. */
  onIndexProgress?: (indexed: number, target: number) => void;
  sequencer?: Partial<Omit<SequencerOptions, 'signer' | 'verifier' | 'holder'>>;
}

export async function openLog(options: OpenLogOptions): Promise<LogService> {
  const loaded = options.sequence ? ensureActorKeys(loadDataDir(options.dir)) : loadDataDir(options.dir);
  const { config, verifier } = loaded;
  const key = options.sequence ? loadSigningKey(loaded) : null;
  const storeOptions = {
    databaseUrl: options.databaseUrl ?? config.databaseUrl,
    databaseSchema: options.databaseSchema ?? config.databaseSchema,
  };
  const store = await openStore(options.dir, storeOptions);
  let readModel: ReadModelStore | null = null;
  let sequencer: Sequencer | null = null;
  try {
    readModel = await openReadModel(options.dir, storeOptions);
    const identity = await store.identity();
    if (!identity) throw new MatterlogError('config', `${store.location} holds no log; run "matterlog init" first`);
    if (identity.vkey !== config.vkey) {
      throw new MatterlogError(
        'config',
        `${store.location} holds the log "${identity.origin}" (${identity.vkey}), not the one configured in ${options.dir} (${config.vkey})`,
      );
    }
    sequencer = key
      ? await Sequencer.start(store, {
          ...defaultSequencerOptions,
          ...options.sequencer,
          signer: key.signer,
          verifier: key.verifier,
          holder: `matterlog serve (${hostname()})`,
        })
      : null;
    const reader = new LogReader(store);
    const ingest = sequencer
      ? await startIngest(
          store,
          readModel,
          sequencer,
          {
            operator: loadActorKey(loaded, 'operator'),
            gateway: loadActorKey(loaded, 'gateway'),
          },
          {
            ...defaultIngestOptions,
            ...options.ingest,
            ...(options.onIndexProgress ? { onIndexProgress: options.onIndexProgress } : {}),
          },
        )
      : null;
    const rm = readModel;
    const seq = sequencer;
    return {
      identity,
      config: loaded.config,
      verifier,
      store,
      reader,
      sequencer,
      readModel,
      ingest,
      async close() {
        await seq?.stop();
        await ingest?.close();
        await rm.close();
        await store.close();
      },
    };
  } catch (e) {
    await sequencer?.stop().catch(() => {});
    await readModel?.close().catch(() => {});
    await store.close();
    throw e;
  }
}

/** Starts the statement services of a sequencing node (exported for in-memory test logs). */
export async function startIngest(
  store: LogStore,
  readModel: ReadModelStore,
  sequencer: Sequencer,
  keys: { operator: Ed25519NoteKey; gateway: Ed25519NoteKey },
  options: IngestOptions & { onIndexProgress?: (indexed: number, target: number) => void },
): Promise<Ingest> {
  const operatorKey = keys.operator;
  const gatewayKey = keys.gateway;
  const operator: ActorKeyConfig = { name: operatorKey.signer.name, vkey: operatorKey.vkey };
  const gateway: ActorKeyConfig = { name: gatewayKey.signer.name, vkey: gatewayKey.vkey };
  const registry: RegistryRef = { current: await loadRegistry({ operator }, readModel) };
  const pool = options.verifyWorkers > 0 ? new VerifyPool(options.verifyWorkers) : null;
  const skips = new SkipLog();
  const checked = new CheckedNotes();
  const indexer = new Indexer(store, readModel, createProjector(registry, { skips, checked }), {
    chunk: 1000,
    ...(options.onIndexProgress ? { onProgress: options.onIndexProgress } : {}),
  });
  // Entries sequenced while no indexer ran (a crash, raw appends) are indexed before anything is checked.
  await indexer.catchUp();
  const statements = new StatementService(
    store,
    sequencer,
    readModel,
    indexer,
    registry,
    new RateLimiter(options.rateLimit),
    {
      skewMs: options.skewMs,
      maxBatch: options.maxBatch,
      skipReason: (index) => skips.get(index),
      checked,
      ...(pool ? { pool } : {}),
      ...(options.onRefused ? { onRefused: options.onRefused } : {}),
      ...(options.onReplayed ? { onReplayed: options.onReplayed } : {}),
    },
  );
  const actors = new ActorAdmin(operatorKey, gateway, statements, registry, readModel);
  const capture = new CaptureService(statements, gatewayKey.signer, options.capture);
  return {
    registry,
    indexer,
    statements,
    capture,
    actors,
    async close() {
      await indexer.idle();
      await pool?.close();
    },
  };
}
