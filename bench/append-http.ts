/**
 * Benchmark "append-http": the same durable appends as "append", but through the
 * whole stack: initLog + openLog (the composition root), startServer on a real
 * socket, POST /append with the operator token, the client in a worker thread.
 * One configuration (SQLite, 256 B entries, maxBatchSize 4096), sent two ways:
 * JSON batches of base64 entries, and one raw entry per request. Compare with
 * "append sqlite 256 B batch 4096" to see what HTTP costs. Without --quick each
 * case runs three times (fresh log each time) and the median run is reported.
 */
import path from 'node:path';
import { initLog, openLog } from '../src/app/log-service.js';
import type { SequencerStats } from '../src/log/sequencer.js';
import { startServer } from '../src/server/http-server.js';
import { type BenchContext, collectGarbage, errorMessage, median, percentiles, removeDir, wanted } from './fixtures.js';
import { runLoad } from './http-load.js';
import { int, ms, type ResultRow } from './report.js';

const MAX_BATCH = 4096;
const ENTRY_SIZE = 256;
const REPEATS = 3;

interface HttpAppendCase {
  name: string;
  /** Entries per JSON request; 0 = one raw entry per request. */
  perRequest: number;
  concurrency: number;
  requests: number;
}

function cases(quick: boolean): HttpAppendCase[] {
  return [
    {
      name: 'sqlite 256 B batch 4096, JSON 256 entries/request',
      perRequest: 256,
      // 32 × 256 = 2 × maxBatchSize entries in flight, as in "append".
      concurrency: 32,
      requests: quick ? 80 : 800,
    },
    {
      name: 'sqlite 256 B batch 4096, 1 raw entry/request',
      perRequest: 0,
      concurrency: 64,
      requests: quick ? 5_000 : 20_000,
    },
  ];
}

interface Measurement {
  entriesPerSec: number;
  requestsPerSec: number;
  avgBatch: number;
  commits: number;
  p50Ms: number;
  p99Ms: number;
  elapsedMs: number;
}

let dirCounter = 0;

async function measure(ctx: BenchContext, c: HttpAppendCase): Promise<Measurement> {
  const dir = path.join(ctx.scratchDir, `http-append-${dirCounter++}`);
  const entries = c.requests * Math.max(1, c.perRequest);
  removeDir(dir);
  try {
    const { token } = await initLog(dir, { origin: 'bench.matterlog.example/http' });
    const log = await openLog({ dir, sequence: true, sequencer: { maxBatchSize: MAX_BATCH } });
    const server = await startServer(log, { host: '127.0.0.1', port: 0 });
    let stats: SequencerStats | undefined;
    let load: Awaited<ReturnType<typeof runLoad>>;
    try {
      collectGarbage();
      load = await runLoad({
        kind: 'append',
        url: server.url,
        concurrency: c.concurrency,
        perRequest: c.perRequest,
        entrySize: ENTRY_SIZE,
        requests: c.requests,
        token,
      });
      stats = log.sequencer?.stats();
    } finally {
      await server.close();
    }
    if (load.errors > 0 || stats?.entriesSequenced !== entries) {
      throw new Error(
        `${load.errors} failed requests (${JSON.stringify(load.statuses)} ${load.failures.join('; ')}), ${stats?.entriesSequenced} of ${entries} entries sequenced`,
      );
    }
    const lat = percentiles(load.latenciesMs);
    return {
      entriesPerSec: (entries / load.elapsedMs) * 1000,
      requestsPerSec: (load.requests / load.elapsedMs) * 1000,
      avgBatch: stats.entriesSequenced / stats.batches,
      commits: stats.batches,
      p50Ms: lat.p50,
      p99Ms: lat.p99,
      elapsedMs: load.elapsedMs,
    };
  } finally {
    removeDir(dir);
  }
}

async function runCase(ctx: BenchContext, c: HttpAppendCase): Promise<ResultRow> {
  const repeats = ctx.quick ? 1 : REPEATS;
  const params = {
    store: 'sqlite',
    entrySize: ENTRY_SIZE,
    maxBatchSize: MAX_BATCH,
    entriesPerRequest: Math.max(1, c.perRequest),
    body: c.perRequest === 0 ? 'raw' : 'json',
    concurrency: c.concurrency,
    requests: c.requests,
    repeats,
  };
  const runs: Measurement[] = [];
  try {
    for (let i = 0; i < repeats; i++) runs.push(await measure(ctx, c));
  } catch (e) {
    return {
      bench: 'append-http',
      name: c.name,
      params,
      metrics: {},
      summary: '',
      skipped: `failed: ${errorMessage(e)}`,
    };
  }
  const m = median(runs, (r) => r.entriesPerSec);
  const all = runs.map((r) => r.entriesPerSec).sort((a, b) => a - b);
  const spread = repeats > 1 ? `, runs ${all.map((x) => int(x)).join('/')}` : '';
  return {
    bench: 'append-http',
    name: c.name,
    params,
    metrics: { ...m, minEntriesPerSec: all[0] as number, maxEntriesPerSec: all[all.length - 1] as number },
    summary: `${int(m.entriesPerSec)} entries/s, ${int(m.requestsPerSec)} req/s (avg batch ${int(m.avgBatch)}, request p50 ${ms(m.p50Ms)} ms p99 ${ms(m.p99Ms)} ms${spread})`,
  };
}

export async function benchAppendHttp(ctx: BenchContext): Promise<void> {
  for (const c of cases(ctx.quick)) {
    if (wanted(ctx, c.name)) ctx.emit(await runCase(ctx, c));
  }
}
