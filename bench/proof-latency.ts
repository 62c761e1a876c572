/**
 * Benchmark "proofs": inclusion- and consistency-proof latency from the large
 * store (1,000,000 entries; 100,000 with --quick), straight through
 * LogReader (no HTTP), one proof at a time against the latest tree size.
 *
 * - cold: a freshly opened store and LogReader (empty tile cache, empty SQLite
 *   page cache), and every proof in a different level-0 tile, so every proof
 *   reads its level-0 tile from SQLite. The OS page cache is not dropped.
 * - warm: the same proofs three times more on the same reader (tiles now cached).
 *
 * A sample of the proofs is verified against the checkpoint, untimed.
 */
import { sqlitePath } from '../src/app/data-dir.js';
import { bytesEqual } from '../src/ledger/bytes.js';
import { verifyConsistency, verifyInclusion } from '../src/ledger/proof.js';
import { rootFromTiles } from '../src/ledger/tile-proofs.js';
import { TILE_WIDTH } from '../src/ledger/tiles.js';
import { LogReader } from '../src/log/log-reader.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { type BenchContext, collectGarbage, percentiles, randomInt, wanted } from './fixtures.js';
import { largeStore } from './large-store.js';
import { int, ms, type ResultRow } from './report.js';

export const PROOF_P99_TARGET_MS = 2;
const VERIFY_SAMPLE = 50;

type Kind = 'inclusion' | 'consistency';

/** One point in each of `count` distinct, randomly chosen level-0 tiles below `size`. */
function pointsInDistinctTiles(size: number, count: number, min: number): number[] {
  const tiles = Math.floor(size / TILE_WIDTH);
  const order = Array.from({ length: tiles }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  return order.slice(0, count).map((t) => Math.max(min, t * TILE_WIDTH + randomInt(TILE_WIDTH)));
}

async function timed(points: readonly number[], f: (p: number) => Promise<unknown>): Promise<Float64Array> {
  const out = new Float64Array(points.length);
  for (const [i, p] of points.entries()) {
    const t = performance.now();
    await f(p);
    out[i] = performance.now() - t;
  }
  return out;
}

async function verifySample(reader: LogReader, kind: Kind, points: readonly number[]): Promise<void> {
  const cp = await reader.checkpoint();
  const fetchTile = (l: number, i: number, w: number) => reader.tile(l, i, w);
  for (const p of points.slice(0, VERIFY_SAMPLE)) {
    if (kind === 'inclusion') {
      const proof = await reader.inclusionProof(p);
      verifyInclusion(proof.leafHash, p, cp.size, proof.proof, cp.root);
    } else {
      const proof = await reader.consistencyProof(p);
      verifyConsistency(p, cp.size, proof.proof, await rootFromTiles(p, fetchTile), cp.root);
    }
  }
  if (!bytesEqual(await rootFromTiles(cp.size, fetchTile), cp.root)) throw new Error('the tiles do not match the root');
}

function row(kind: Kind, phase: 'cold' | 'warm', size: number, lat: Float64Array, params: ResultRow['params']) {
  const p = percentiles(lat);
  const r: ResultRow = {
    bench: 'proofs',
    name: `${kind} ${phase}, ${int(size)} entries`,
    params: { ...params, kind, phase, treeSize: size, proofs: p.count },
    metrics: { p50Ms: p.p50, p90Ms: p.p90, p99Ms: p.p99, maxMs: p.max, meanMs: p.mean, perSec: 1000 / p.mean },
    summary: `p50 ${ms(p.p50)} ms, p99 ${ms(p.p99)} ms, max ${ms(p.max)} ms (${int(p.count)} proofs, ${int(1000 / p.mean)}/s sequential)`,
  };
  if (kind === 'inclusion') r.target = { text: `p99 < ${PROOF_P99_TARGET_MS} ms`, met: p.p99 < PROOF_P99_TARGET_MS };
  return r;
}

export async function benchProofs(ctx: BenchContext): Promise<void> {
  const kinds = (['inclusion', 'consistency'] as const).filter((k) =>
    ['cold', 'warm'].some((phase) => wanted(ctx, `${k} ${phase}`)),
  );
  if (kinds.length === 0) return;
  const large = await largeStore(ctx);
  const count = ctx.quick ? 1_000 : 3_000;
  for (const kind of kinds) {
    // A fresh store and reader per kind: both start cold.
    const store = SqliteStore.open(sqlitePath(large.dir));
    try {
      const reader = new LogReader(store);
      const size = (await reader.checkpoint()).size;
      const points = pointsInDistinctTiles(size, count, kind === 'consistency' ? 1 : 0);
      const prove =
        kind === 'inclusion' ? (i: number) => reader.inclusionProof(i) : (s: number) => reader.consistencyProof(s);
      collectGarbage();
      const cold = await timed(points, prove);
      const warm = await timed([...points, ...points, ...points], prove);
      await verifySample(reader, kind, points);
      const params = { store: 'sqlite', via: 'LogReader' };
      for (const [phase, lat] of [
        ['cold', cold],
        ['warm', warm],
      ] as const) {
        if (wanted(ctx, `${kind} ${phase}`)) ctx.emit(row(kind, phase, size, lat, params));
      }
    } finally {
      await store.close();
    }
  }
}
