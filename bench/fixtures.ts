/**
 * What the benchmarks share: the run context, fresh logs on real stores,
 * random entries, a load pump that keeps the sequencer's batches full, and
 * latency statistics.
 */
import { randomBytes, randomFillSync } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { utf8 } from '../src/ledger/bytes.js';
import { formatCheckpoint } from '../src/ledger/checkpoint.js';
import { emptyRoot } from '../src/ledger/hash.js';
import { ed25519NoteKey, signNote } from '../src/ledger/note.js';
import { defaultSequencerOptions, Sequencer } from '../src/log/sequencer.js';
import type { LogStore } from '../src/store/contract.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { PostgresProbe } from './machine.js';
import type { ResultRow } from './report.js';

export type StoreKind = 'sqlite' | 'postgres';

export interface BenchContext {
  quick: boolean;
  /** Only cases whose name contains this run (null: all). */
  filter: string | null;
  root: string;
  /** bench/.cache: the cached large store and this run's scratch files. */
  cacheDir: string;
  /** Files of this run only; removed at the end. */
  scratchDir: string;
  runId: string;
  pgUrl: string;
  pg: PostgresProbe;
  emit(row: ResultRow): void;
  log(message: string): void;
}

export function wanted(ctx: BenchContext, caseName: string): boolean {
  return ctx.filter === null || caseName.includes(ctx.filter);
}

export const BENCH_ORIGIN = 'bench.matterlog.example/log';

/** Creates a log (identity + signed empty checkpoint) in an empty store; returns its key. */
export async function initialiseLog(store: LogStore, origin = BENCH_ORIGIN) {
  const key = ed25519NoteKey(origin, randomBytes(32));
  const empty = signNote(formatCheckpoint({ origin, size: 0, root: emptyRoot() }), [key.signer]);
  await store.initialise({ origin, vkey: key.vkey, createdAt: new Date().toISOString() }, utf8(empty));
  return key;
}

export interface FreshStore {
  store: LogStore;
  /** Closes the store and deletes its data. */
  dispose(): Promise<void>;
}

let storeCounter = 0;

function removeSqlite(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}.sequencer-lock`]) rmSync(f, { force: true });
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** A new, empty store: a SQLite file in the scratch directory, or a new PostgreSQL schema. */
export async function freshStore(ctx: BenchContext, kind: StoreKind): Promise<FreshStore> {
  const n = storeCounter++;
  if (kind === 'sqlite') {
    const file = path.join(ctx.scratchDir, `store-${n}.db`);
    removeSqlite(file);
    const store = SqliteStore.open(file);
    return {
      store,
      async dispose() {
        await store.close();
        removeSqlite(file);
      },
    };
  }
  if (!ctx.pg.available) throw new Error(ctx.pg.reason ?? 'PostgreSQL unavailable');
  const schema = `bench_${ctx.runId}_${n}`;
  // Imported lazily: a driver that fails to load turns the PostgreSQL rows into "skipped".
  const { PostgresStore } = await import('../src/store/postgres/postgres-store.js');
  const store = await PostgresStore.open(ctx.pgUrl, { schema });
  return {
    store,
    async dispose() {
      await store.close();
      await dropSchema(ctx.pgUrl, schema);
    },
  };
}

/** Starts the real sequencer on a freshly initialised store. */
export async function startSequencer(store: LogStore, maxBatchSize: number): Promise<Sequencer> {
  const key = await initialiseLog(store);
  return Sequencer.start(store, {
    ...defaultSequencerOptions,
    maxBatchSize,
    signer: key.signer,
    verifier: key.verifier,
    holder: 'matterlog bench',
  });
}

/** `count` distinct random entries of `size` bytes (views into one buffer). */
export function randomEntries(count: number, size: number): Uint8Array[] {
  const pool = randomFillSync(Buffer.allocUnsafe(count * size));
  return Array.from({ length: count }, (_, i) => pool.subarray(i * size, (i + 1) * size));
}

export interface PumpOptions {
  total: number;
  /** Concurrent submitters; even ones call addAll(chunk), odd ones add() per entry. */
  submitters: number;
  /** Entries per submission: submitters × chunk entries are in flight. */
  chunk: number;
  /** Entries [start, start + n). */
  source(start: number, n: number): Uint8Array[];
  onProgress?(done: number): void;
}

export interface PumpResult {
  elapsedMs: number;
  /** Submission → acknowledgement, per chunk, in ms. */
  latencies: Float64Array;
}

/** Feeds `total` entries to the sequencer from concurrent submitters and waits for every acknowledgement. */
export async function pump(seq: Sequencer, o: PumpOptions): Promise<PumpResult> {
  let cursor = 0;
  let done = 0;
  const latencies: number[] = [];
  const submitter = async (w: number) => {
    while (cursor < o.total) {
      const start = cursor;
      const n = Math.min(o.chunk, o.total - start);
      cursor += n;
      const entries = o.source(start, n);
      const t = performance.now();
      if (w % 2 === 0) await Promise.all(seq.addAll(entries));
      else await Promise.all(entries.map((e) => seq.add(e)));
      latencies.push(performance.now() - t);
      done += n;
      o.onProgress?.(done);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: o.submitters }, (_, w) => submitter(w)));
  return { elapsedMs: performance.now() - t0, latencies: Float64Array.from(latencies) };
}

export interface Percentiles {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentiles of `values` (sorted in place). */
export function percentiles(values: Float64Array): Percentiles {
  values.sort();
  const n = values.length;
  const at = (p: number) => (n === 0 ? Number.NaN : (values[Math.min(n - 1, Math.ceil((p / 100) * n) - 1)] as number));
  const sum = values.reduce((a, b) => a + b, 0);
  return {
    count: n,
    p50: at(50),
    p90: at(90),
    p99: at(99),
    max: n ? (values[n - 1] as number) : Number.NaN,
    mean: sum / n,
  };
}

export function randomInt(below: number): number {
  return Math.floor(Math.random() * below);
}

/**
 * Bytes this process has passed to write() so far (Linux /proc/self/io wchar):
 * for an in-process SQLite benchmark, SQLite's WAL appends, checkpoints and
 * database file writes. Null where unavailable. PostgreSQL writes in its own
 * processes, so this says nothing about it.
 */
export function processWriteBytes(): number | null {
  try {
    const m = /^wchar: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** The median of `values` (upper median for an even count). */
export function median<T>(values: readonly T[], key: (v: T) => number): T {
  const sorted = [...values].sort((a, b) => key(a) - key(b));
  return sorted[Math.floor(sorted.length / 2)] as T;
}

export function collectGarbage(): void {
  globalThis.gc?.();
}

export function errorMessage(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.length > 200 ? `${m.slice(0, 200)}…` : m;
}

export function removeDir(dir: string): void {
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
}

/** mulberry32: a small seeded PRNG, so every run and every process builds the same data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(rand: () => number, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
