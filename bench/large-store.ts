/**
 * The large log the read benchmarks use: 1,000,000 random 256 B entries
 * (100,000 with --quick) in a SQLite data directory, built once through the real
 * Sequencer and cached under bench/.cache/ keyed by a version string, so that
 * re-runs skip the build. Building it is itself a throughput figure ("build").
 *
 * Bump CACHE_VERSION when the way the store is built changes; the SQLite schema
 * version is part of the key, so a schema change rebuilds it by itself.
 */
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { sqlitePath } from '../src/app/data-dir.js';
import { initLog, openLog } from '../src/app/log-service.js';
import { SQLITE_SCHEMA_VERSION } from '../src/store/sqlite/sqlite-schema.js';
import { APPEND_TARGETS } from './append-throughput.js';
import {
  type BenchContext,
  collectGarbage,
  percentiles,
  processWriteBytes,
  pump,
  randomEntries,
  removeDir,
} from './fixtures.js';
import { sourceOf } from './machine.js';
import { int, ms, type ResultRow } from './report.js';

export const CACHE_VERSION = 'v2';
const ENTRY_SIZE = 256;
const MAX_BATCH = 4096;
const SUBMITTERS = 32;

export interface BuildRecord {
  version: string;
  size: number;
  entrySize: number;
  maxBatchSize: number;
  elapsedMs: number;
  entriesPerSec: number;
  avgBatch: number;
  ackP50Ms: number;
  ackP99Ms: number;
  /** Throughput of each successive tenth of the build: how appends slow down as the store grows. */
  windowEntriesPerSec: number[];
  /** Bytes SQLite wrote (WAL, checkpoints) per entry, over the whole build; null if unknown. */
  writeBytesPerEntry: number | null;
  builtAt: string;
  builtOn: string;
  node: string;
  /** The code that built it (git commit): a cached figure may predate later changes. */
  source: string;
}

export interface LargeStore {
  /** The data directory (config.json, log.key, matterlog.db). */
  dir: string;
  size: number;
  build: BuildRecord;
  cached: boolean;
}

const BUILD_FILE = 'bench-build.json';

export function largeStoreSize(quick: boolean): number {
  return quick ? 100_000 : 1_000_000;
}

function versionKey(size: number): string {
  return `large-${CACHE_VERSION}-sqlite${SQLITE_SCHEMA_VERSION}-${ENTRY_SIZE}B-${size}`;
}

async function build(ctx: BenchContext, dir: string, size: number): Promise<BuildRecord> {
  const building = `${dir}.building-${process.pid}`;
  removeDir(building);
  try {
    return await buildIn(ctx, building, dir, size);
  } catch (e) {
    removeDir(building);
    throw e;
  }
}

async function buildIn(ctx: BenchContext, building: string, dir: string, size: number): Promise<BuildRecord> {
  await initLog(building, { origin: `bench.matterlog.example/large-${size}` });
  const log = await openLog({ dir: building, sequence: true, sequencer: { maxBatchSize: MAX_BATCH } });
  const seq = log.sequencer;
  if (!seq) throw new Error('openLog returned no sequencer');
  const window = size / 10;
  let nextReport = window;
  const started = performance.now();
  let windowStart = started;
  const windows: number[] = [];
  collectGarbage();
  const written = processWriteBytes();
  const r = await pump(seq, {
    total: size,
    submitters: SUBMITTERS,
    chunk: Math.ceil((2 * MAX_BATCH) / SUBMITTERS),
    // Generated as it goes (random bytes are cheap next to a commit), so a million entries need no 256 MB up front.
    source: (_start, n) => randomEntries(n, ENTRY_SIZE),
    onProgress(done) {
      if (done >= nextReport) {
        nextReport += window;
        const now = performance.now();
        windows.push((window / (now - windowStart)) * 1000);
        windowStart = now;
        const s = (now - started) / 1000;
        ctx.log(
          `  building: ${int(done)} / ${int(size)} entries, ${s.toFixed(1)} s, ${int(done / s)} entries/s overall, ${int(windows.at(-1) ?? 0)} entries/s in the last tenth`,
        );
      }
    },
  });
  const writtenAfter = processWriteBytes();
  const stats = seq.stats();
  await log.close();
  if (stats.entriesSequenced !== size) throw new Error(`sequenced ${stats.entriesSequenced} of ${size} entries`);
  const lat = percentiles(r.latencies);
  const record: BuildRecord = {
    version: versionKey(size),
    size,
    entrySize: ENTRY_SIZE,
    maxBatchSize: MAX_BATCH,
    elapsedMs: r.elapsedMs,
    entriesPerSec: (size / r.elapsedMs) * 1000,
    avgBatch: stats.entriesSequenced / stats.batches,
    ackP50Ms: lat.p50,
    ackP99Ms: lat.p99,
    windowEntriesPerSec: windows,
    writeBytesPerEntry: written === null || writtenAfter === null ? null : (writtenAfter - written) / size,
    builtAt: new Date().toISOString(),
    builtOn: `${cpus()[0]?.model.trim() ?? 'unknown'} × ${cpus().length}`,
    node: process.version,
    source: sourceOf(ctx.root),
  };
  writeFileSync(path.join(building, BUILD_FILE), `${JSON.stringify(record, null, 2)}\n`);
  renameSync(building, dir);
  return record;
}

const opened = new Map<string, Promise<LargeStore>>();

/** The cached large store, built first if absent. Emits the "build" row (once per run). */
export function largeStore(ctx: BenchContext): Promise<LargeStore> {
  const key = `${ctx.cacheDir}:${largeStoreSize(ctx.quick)}`;
  let p = opened.get(key);
  if (!p) {
    p = openOrBuild(ctx);
    opened.set(key, p);
  }
  return p;
}

async function openOrBuild(ctx: BenchContext): Promise<LargeStore> {
  const size = largeStoreSize(ctx.quick);
  const dir = path.join(ctx.cacheDir, versionKey(size));
  const recordFile = path.join(dir, BUILD_FILE);
  let cached = existsSync(recordFile);
  if (!cached && existsSync(dir)) removeDir(dir);
  let record: BuildRecord;
  if (cached) {
    record = JSON.parse(readFileSync(recordFile, 'utf8')) as BuildRecord;
    ctx.log(`  using the cached ${int(size)}-entry store ${path.relative(ctx.root, dir)} (built ${record.builtAt})`);
  } else {
    ctx.log(`  building a ${int(size)}-entry store through the sequencer (cached for later runs)…`);
    record = await build(ctx, dir, size);
    cached = false;
  }
  const dbBytes = statSync(sqlitePath(dir)).size;
  const row: ResultRow = {
    bench: 'build',
    name: `sqlite ${int(size)} × ${ENTRY_SIZE} B batch ${MAX_BATCH}, empty → full`,
    params: {
      store: 'sqlite',
      entries: size,
      entrySize: ENTRY_SIZE,
      maxBatchSize: MAX_BATCH,
      cached,
      builtAt: record.builtAt,
      builtWith: record.source ?? 'unknown',
    },
    metrics: {
      entriesPerSec: record.entriesPerSec,
      elapsedMs: record.elapsedMs,
      avgBatch: record.avgBatch,
      ackP50Ms: record.ackP50Ms,
      ackP99Ms: record.ackP99Ms,
      firstTenthEntriesPerSec: record.windowEntriesPerSec[0] ?? Number.NaN,
      lastTenthEntriesPerSec: record.windowEntriesPerSec.at(-1) ?? Number.NaN,
      ...(record.writeBytesPerEntry === null ? {} : { writeBytesPerEntry: record.writeBytesPerEntry }),
      dbBytes,
    },
    summary: `${int(record.entriesPerSec)} entries/s, ${(record.elapsedMs / 1000).toFixed(1)} s (first tenth ${int(record.windowEntriesPerSec[0] ?? 0)}/s, last tenth ${int(record.windowEntriesPerSec.at(-1) ?? 0)}/s; ack p50 ${ms(record.ackP50Ms)} ms p99 ${ms(record.ackP99Ms)} ms; ${record.writeBytesPerEntry === null ? '' : `${int(record.writeBytesPerEntry)} B written/entry; `}db ${int(dbBytes / 2 ** 20)} MiB)${cached ? `, cached: built ${record.builtAt.slice(0, 16)} at ${record.source ?? 'unknown'}` : ''}`,
    target: { text: `≥ ${int(APPEND_TARGETS.sqlite)} entries/s`, met: record.entriesPerSec >= APPEND_TARGETS.sqlite },
  };
  ctx.emit(row);
  return { dir, size, build: record, cached };
}
