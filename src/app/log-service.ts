/**
 * The composition root: configuration → store driver → log (sequencer + reader).
 * This is the only code that picks a store driver.
 */
import { hostname } from 'node:os';
import { utf8 } from '../ledger/bytes.js';
import { formatCheckpoint } from '../ledger/checkpoint.js';
import { MatterlogError } from '../ledger/errors.js';
import { emptyRoot } from '../ledger/hash.js';
import { type NoteVerifier, signNote } from '../ledger/note.js';
import { LogReader } from '../log/log-reader.js';
import { defaultSequencerOptions, Sequencer, type SequencerOptions } from '../log/sequencer.js';
import type { LogIdentity, LogStore } from '../store/contract.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { type DataDirConfig, loadDataDir, loadSigningKey, prepareDataDir, sqlitePath } from './data-dir.js';
import { useNodeCrypto } from './node-crypto.js';

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
  close(): Promise<void>;
}

export interface OpenLogOptions extends StoreOptions {
  dir: string;
  /** Take the sequencer lease and accept appends. */
  sequence: boolean;
  sequencer?: Partial<Omit<SequencerOptions, 'signer' | 'verifier' | 'holder'>>;
}

export async function openLog(options: OpenLogOptions): Promise<LogService> {
  const loaded = loadDataDir(options.dir);
  const { config, verifier } = loaded;
  const key = options.sequence ? loadSigningKey(loaded) : null;
  const store = await openStore(options.dir, {
    databaseUrl: options.databaseUrl ?? config.databaseUrl,
    databaseSchema: options.databaseSchema ?? config.databaseSchema,
  });
  try {
    const identity = await store.identity();
    if (!identity) throw new MatterlogError('config', `${store.location} holds no log; run "matterlog init" first`);
    if (identity.vkey !== config.vkey) {
      throw new MatterlogError(
        'config',
        `${store.location} holds the log "${identity.origin}" (${identity.vkey}), not the one configured in ${options.dir} (${config.vkey})`,
      );
    }
    const sequencer = key
      ? await Sequencer.start(store, {
          ...defaultSequencerOptions,
          ...options.sequencer,
          signer: key.signer,
          verifier: key.verifier,
          holder: `matterlog serve (${hostname()})`,
        })
      : null;
    const reader = new LogReader(store);
    return {
      identity,
      config,
      verifier,
      store,
      reader,
      sequencer,
      async close() {
        await sequencer?.stop();
        await store.close();
      },
    };
  } catch (e) {
    await store.close();
    throw e;
  }
}
