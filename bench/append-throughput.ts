/**
 * Benchmark "append": durable append throughput through the real Sequencer on a
 * real store (SQLite file with synchronous=FULL; PostgreSQL with
 * synchronous_commit=on), for 256 B and 1 KiB random entries at several maximum
 * batch sizes. Concurrent add()/addAll() submitters keep 2 × maxBatchSize
 * entries in flight so that batches fill. Each run starts from an empty log;
 * without --quick each case runs three times and the median run is reported.
 */
import {
  type BenchContext,
  collectGarbage,
  errorMessage,
  type FreshStore,
  freshStore,
  median,
  percentiles,
  processWriteBytes,
  pump,
  randomEntries,
  type StoreKind,
  startSequencer,
  wanted,
} from './fixtures.js';
import { int, ms, type ResultRow } from './report.js';

export const APPEND_TARGETS: Record<StoreKind, number> = { sqlite: 50_000, postgres: 20_000 };

interface AppendCase {
  store: StoreKind;
  entrySize: number;
  maxBatchSize: number;
  entries: number;
}

const SUBMITTERS = 32;
/** Runs per case without --quick; the median is reported. */
const REPEATS = 3;

function cases(quick: boolean): AppendCase[] {
  const out: AppendCase[] = [];
  for (const store of ['sqlite', 'postgres'] as const) {
    for (const entrySize of [256, 1024]) {
      for (const maxBatchSize of [256, 1024, 4096]) {
        // Enough entries for a few seconds per case at the target rate (a couple of hundred ms with --quick).
        const full =
          store === 'sqlite' ? (entrySize === 256 ? 200_000 : 100_000) : entrySize === 256 ? 100_000 : 50_000;
        out.push({ store, entrySize, maxBatchSize, entries: quick ? Math.min(full, 20_000) : full });
      }
    }
  }
  return out;
}

export const caseName = (c: { store: StoreKind; entrySize: number; maxBatchSize: number }) =>
  `${c.store} ${c.entrySize === 1024 ? '1 KiB' : `${c.entrySize} B`} batch ${c.maxBatchSize}`;

interface Measurement {
  entriesPerSec: number;
  elapsedMs: number;
  commits: number;
  avgBatch: number;
  ackP50Ms: number;
  ackP99Ms: number;
  /** SQLite only: bytes written (WAL, checkpoints) per entry. */
  writeBytesPerEntry?: number;
}

/** One run of a case on a fresh, empty store. */
async function measure(ctx: BenchContext, c: AppendCase): Promise<Measurement> {
  const fresh: FreshStore = await freshStore(ctx, c.store);
  try {
    const seq = await startSequencer(fresh.store, c.maxBatchSize);
    const entries = randomEntries(c.entries, c.entrySize);
    const chunk = Math.max(1, Math.ceil((2 * c.maxBatchSize) / SUBMITTERS));
    collectGarbage();
    const written = processWriteBytes();
    const r = await pump(seq, {
      total: c.entries,
      submitters: SUBMITTERS,
      chunk,
      source: (start, n) => entries.slice(start, start + n),
    });
    const writtenAfter = processWriteBytes();
    const stats = seq.stats();
    await seq.stop();
    if (stats.entriesSequenced !== c.entries || stats.duplicates !== 0 || stats.failedCommits !== 0) {
      throw new Error(
        `sequenced ${stats.entriesSequenced} of ${c.entries} (${stats.duplicates} duplicates, ${stats.failedCommits} failed commits)`,
      );
    }
    const lat = percentiles(r.latencies);
    const m: Measurement = {
      entriesPerSec: (c.entries / r.elapsedMs) * 1000,
      elapsedMs: r.elapsedMs,
      commits: stats.batches,
      avgBatch: stats.entriesSequenced / stats.batches,
      ackP50Ms: lat.p50,
      ackP99Ms: lat.p99,
    };
    if (c.store === 'sqlite' && written !== null && writtenAfter !== null) {
      m.writeBytesPerEntry = (writtenAfter - written) / c.entries;
    }
    return m;
  } finally {
    await fresh.dispose().catch((e: unknown) => ctx.log(`  (cleanup failed: ${errorMessage(e)})`));
  }
}

async function runCase(ctx: BenchContext, c: AppendCase): Promise<ResultRow> {
  const name = caseName(c);
  const repeats = ctx.quick ? 1 : REPEATS;
  const params = {
    store: c.store,
    entrySize: c.entrySize,
    maxBatchSize: c.maxBatchSize,
    entries: c.entries,
    submitters: SUBMITTERS,
    entriesPerSubmission: Math.max(1, Math.ceil((2 * c.maxBatchSize) / SUBMITTERS)),
    repeats,
  };
  const runs: Measurement[] = [];
  try {
    for (let i = 0; i < repeats; i++) runs.push(await measure(ctx, c));
  } catch (e) {
    return { bench: 'append', name, params, metrics: {}, summary: '', skipped: `failed: ${errorMessage(e)}` };
  }
  // The median run (by throughput) stands for the case; the spread shows the noise.
  const m = median(runs, (r) => r.entriesPerSec);
  const all = runs.map((r) => r.entriesPerSec).sort((a, b) => a - b);
  const target = APPEND_TARGETS[c.store];
  const spread = repeats > 1 ? `, runs ${all.map((x) => int(x / 1000)).join('/')}k` : '';
  const written = m.writeBytesPerEntry === undefined ? '' : `, ${int(m.writeBytesPerEntry)} B written/entry`;
  return {
    bench: 'append',
    name,
    params,
    metrics: {
      ...m,
      mbPerSec: (m.entriesPerSec * c.entrySize) / 1e6,
      commitsPerSec: (m.commits / m.elapsedMs) * 1000,
      minEntriesPerSec: all[0] as number,
      maxEntriesPerSec: all[all.length - 1] as number,
    },
    summary: `${int(m.entriesPerSec)} entries/s (avg batch ${int(m.avgBatch)}, ack p50 ${ms(m.ackP50Ms)} ms p99 ${ms(m.ackP99Ms)} ms${written}${spread})`,
    target: { text: `≥ ${int(target)} entries/s`, met: m.entriesPerSec >= target },
  };
}

export async function benchAppend(ctx: BenchContext): Promise<void> {
  for (const c of cases(ctx.quick)) {
    const name = caseName(c);
    if (!wanted(ctx, name)) continue;
    if (c.store === 'postgres' && !ctx.pg.available) {
      ctx.emit({
        bench: 'append',
        name,
        params: { ...c },
        metrics: {},
        summary: '',
        skipped: ctx.pg.reason ?? 'PostgreSQL unavailable',
      });
      continue;
    }
    ctx.emit(await runCase(ctx, c));
  }
}
