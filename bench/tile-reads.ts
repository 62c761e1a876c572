/**
 * Benchmark "tiles": tlog-tiles reads per second over HTTP. A real server
 * (openLog read-only + startServer on 127.0.0.1) over the large store; a load
 * generator in a worker thread keeps CONCURRENCY keep-alive requests in flight,
 * fetching random full level-0 tiles, level-1 tiles and entry bundles (without
 * and with Accept-Encoding: gzip), plus JSON inclusion proofs for comparison.
 * Each case runs one untimed warm-up period, then a timed one.
 */
import { openLog } from '../src/app/log-service.js';
import { encodeTileIndex, TILE_WIDTH } from '../src/ledger/tiles.js';
import { startServer } from '../src/server/http-server.js';
import { type BenchContext, collectGarbage, errorMessage, percentiles, randomInt, wanted } from './fixtures.js';
import { runLoad } from './http-load.js';
import { largeStore } from './large-store.js';
import { int, ms } from './report.js';

const CONCURRENCY = 64;
const PATHS = 50_000;

interface TileCase {
  name: string;
  /** A random request path, given the tree size. */
  path(size: number): string | null;
  headers: Record<string, string>;
}

function fullTile(level: number, size: number): number | null {
  const full = Math.floor(size / TILE_WIDTH ** (level + 1));
  return full > 0 ? randomInt(full) : null;
}

const CASES: TileCase[] = [
  {
    name: 'level-0 tiles',
    path: (size) => {
      const i = fullTile(0, size);
      return i === null ? null : `/tile/0/${encodeTileIndex(i)}`;
    },
    headers: {},
  },
  {
    name: 'level-1 tiles',
    path: (size) => {
      const i = fullTile(1, size);
      return i === null ? null : `/tile/1/${encodeTileIndex(i)}`;
    },
    headers: {},
  },
  {
    name: 'entry bundles',
    path: (size) => {
      const i = fullTile(0, size);
      return i === null ? null : `/tile/entries/${encodeTileIndex(i)}`;
    },
    headers: {},
  },
  {
    name: 'entry bundles gzip',
    path: (size) => {
      const i = fullTile(0, size);
      return i === null ? null : `/tile/entries/${encodeTileIndex(i)}`;
    },
    headers: { 'Accept-Encoding': 'gzip' },
  },
  {
    name: 'GET /proof/inclusion (JSON)',
    path: (size) => `/proof/inclusion?index=${randomInt(size)}`,
    headers: {},
  },
];

export async function benchTiles(ctx: BenchContext): Promise<void> {
  const selected = CASES.filter((c) => wanted(ctx, c.name));
  if (selected.length === 0) return;
  const large = await largeStore(ctx);
  const log = await openLog({ dir: large.dir, sequence: false });
  const server = await startServer(log, { host: '127.0.0.1', port: 0 });
  const warmupMs = ctx.quick ? 300 : 1_000;
  const durationMs = ctx.quick ? 1_500 : 5_000;
  try {
    for (const c of selected) {
      const name = `${c.name}, ${int(large.size)} entries`;
      const params = {
        store: 'sqlite',
        treeSize: large.size,
        concurrency: CONCURRENCY,
        acceptEncoding: c.headers['Accept-Encoding'] ?? 'none',
        warmupMs,
        durationMs,
      };
      const paths: string[] = [];
      for (let i = 0; i < PATHS; i++) {
        const p = c.path(large.size);
        if (p === null) break;
        paths.push(p);
      }
      if (paths.length === 0) {
        ctx.emit({ bench: 'tiles', name, params, metrics: {}, summary: '', skipped: 'the tree has no such full tile' });
        continue;
      }
      collectGarbage();
      try {
        const r = await runLoad({
          kind: 'get',
          url: server.url,
          concurrency: CONCURRENCY,
          paths,
          headers: c.headers,
          warmupMs,
          durationMs,
        });
        if (r.errors > 0) {
          throw new Error(`${r.errors} failed requests: ${JSON.stringify(r.statuses)} ${r.failures.join('; ')}`);
        }
        const lat = percentiles(r.latenciesMs);
        const reqPerSec = (r.requests / r.elapsedMs) * 1000;
        const mbPerSec = (r.bytes / r.elapsedMs) * 1000 * 1e-6;
        ctx.emit({
          bench: 'tiles',
          name,
          params,
          metrics: {
            requestsPerSec: reqPerSec,
            p50Ms: lat.p50,
            p99Ms: lat.p99,
            maxMs: lat.max,
            mbPerSec,
            bytesPerResponse: r.bytes / r.requests,
            requests: r.requests,
          },
          summary: `${int(reqPerSec)} req/s, p50 ${ms(lat.p50)} ms, p99 ${ms(lat.p99)} ms (${int(r.bytes / r.requests)} B/response, ${int(mbPerSec)} MB/s)`,
        });
      } catch (e) {
        ctx.emit({ bench: 'tiles', name, params, metrics: {}, summary: '', skipped: `failed: ${errorMessage(e)}` });
      }
    }
  } finally {
    await server.close();
  }
}
