/**
 * The worker runs the compiled dist/ (test/global-setup.ts builds it; with
 * MATTERLOG_SKIP_BUILD=1 run `npx tsc -p tsconfig.build.json` first).
 */
import type { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { isMatterlogError } from '../ledger/errors.js';
import { HighsSolver } from '../optimize/highs-solver.js';
import type { LinearProgram } from '../optimize/lp.js';
import { MAX_LP_UNITS, modelUnits, WorkerSolver } from './solver-pool.js';

/** min x + 2y s.t. x + y ≥ 3, x ≤ 2, 0 ≤ x, y ≤ 10: x = 2, y = 1, row duals (2, −1). */
function handLp(): LinearProgram {
  return {
    numCols: 2,
    numRows: 2,
    colCost: Float64Array.of(1, 2),
    colLower: Float64Array.of(0, 0),
    colUpper: Float64Array.of(10, 10),
    rowLower: Float64Array.of(3, -Infinity),
    rowUpper: Float64Array.of(Infinity, 2),
    aStart: Int32Array.of(0, 2, 3),
    aIndex: Int32Array.of(0, 1, 0),
    aValue: Float64Array.of(1, 1, 1),
    colNames: ['x', 'y'],
    rowNames: ['at least 3', 'x at most 2'],
  };
}

/** Lots × routes: each lot's mass goes to 5 of the routes, each route has a capacity. */
function transportLp(cols: number): LinearProgram {
  const perLot = 5;
  const lots = Math.ceil(cols / perLot);
  const routes = Math.max(10, Math.ceil(lots / 50));
  let seed = 1;
  const rnd = () => {
    seed = (seed * 48271) % 2147483647;
    return seed / 2147483647;
  };
  const numRows = lots + routes;
  const mass = Float64Array.from({ length: lots }, () => 1 + Math.floor(rnd() * 10));
  const total = mass.reduce((a, b) => a + b, 0);
  const aStart = new Int32Array(cols + 1);
  const aIndex = new Int32Array(2 * cols);
  const aValue = new Float64Array(2 * cols).fill(1);
  const colCost = new Float64Array(cols);
  const colUpper = new Float64Array(cols);
  for (let j = 0; j < cols; j++) {
    const lot = Math.floor(j / perLot);
    aStart[j] = 2 * j;
    aIndex[2 * j] = lot;
    aIndex[2 * j + 1] = lots + Math.floor(rnd() * routes);
    colCost[j] = rnd() * 100;
    colUpper[j] = mass[lot] as number;
  }
  aStart[cols] = 2 * cols;
  const rowLower = new Float64Array(numRows);
  const rowUpper = new Float64Array(numRows);
  rowLower.set(mass);
  rowUpper.set(mass);
  rowLower.fill(-Infinity, lots);
  rowUpper.fill((1.5 * total) / routes, lots);
  return {
    numCols: cols,
    numRows,
    colCost,
    colLower: new Float64Array(cols),
    colUpper,
    rowLower,
    rowUpper,
    aStart,
    aIndex,
    aValue,
    colNames: [],
    rowNames: [],
  };
}

const pools: WorkerSolver[] = [];
function pool(options: ConstructorParameters<typeof WorkerSolver>[0] = {}): WorkerSolver {
  const p = new WorkerSolver(options);
  pools.push(p);
  return p;
}
afterAll(() => Promise.all(pools.map((p) => p.close())));

describe('WorkerSolver', () => {
  it('gives the same answer as HiGHS in this thread, and leaves the caller its model', async () => {
    const lp = handLp();
    const inThread = await new HighsSolver().solve(lp);
    const s = await pool().solve(lp);
    expect(s.status).toBe('optimal');
    expect(s.dualValid).toBe(true);
    expect(s.objective).toBe(inThread.objective);
    expect(Array.from(s.colValue)).toEqual(Array.from(inThread.colValue));
    expect(Array.from(s.rowValue)).toEqual(Array.from(inThread.rowValue));
    expect(Array.from(s.rowDual)).toEqual(Array.from(inThread.rowDual));
    expect(Array.from(s.colDual)).toEqual(Array.from(inThread.colDual));
    expect(s.rowDual[0]).toBeCloseTo(2, 9);
    expect(s.rowDual[1]).toBeCloseTo(-1, 9);
    // Copies were handed to the worker, not the caller's arrays.
    expect(Array.from(lp.colCost)).toEqual([1, 2]);
    expect(lp.aIndex.length).toBe(3);
  });

  it('queues concurrent solves on one worker, and spreads them over several', async () => {
    const spawned: Worker[] = [];
    const one = pool({ onSpawn: (w) => spawned.push(w) });
    const [a, b, c] = await Promise.all([one.solve(handLp()), one.solve(transportLp(2000)), one.solve(handLp())]);
    expect([a.status, b.status, c.status]).toEqual(['optimal', 'optimal', 'optimal']);
    expect(c.objective).toBeCloseTo(4, 9);
    expect(spawned).toHaveLength(1);

    const two: Worker[] = [];
    const both = pool({ maxWorkers: 2, onSpawn: (w) => two.push(w) });
    const answers = await Promise.all([both.solve(transportLp(3000)), both.solve(transportLp(3000))]);
    expect(answers.map((s) => s.status)).toEqual(['optimal', 'optimal']);
    expect(answers[0]?.objective).toBe(answers[1]?.objective);
    expect(two).toHaveLength(2);
  });

  it('fails a solve whose worker dies mid-solve, and solves the next on a fresh worker', async () => {
    const spawned: Worker[] = [];
    const p = pool({ onSpawn: (w) => spawned.push(w) });
    const doomed = p.solve(transportLp(50_000));
    const queued = p.solve(handLp());
    // The job has been posted: end the thread the way an out-of-memory abort would.
    await spawned[0]?.terminate();
    const err = await doomed.catch((e: unknown) => e);
    expect(isMatterlogError(err, 'unavailable')).toBe(true);
    expect((err as Error).message).toMatch(/crashed.*50000 columns.*too large/s);
    expect((await queued).objective).toBeCloseTo(4, 9);
    expect(spawned).toHaveLength(2);
  });

  it('survives HiGHS really running out of its 2 GiB heap', async () => {
    const spawned: Worker[] = [];
    const p = pool({ maxLpUnits: Number.POSITIVE_INFINITY, onSpawn: (w) => spawned.push(w) });
    const huge = transportLp(2_000_000);
    const err = await p.solve(huge).catch((e: unknown) => e);
    expect(isMatterlogError(err, 'unavailable')).toBe(true);
    expect((err as Error).message).toMatch(/ran out of memory or aborted on a model of 2000000 columns/);
    expect((await p.solve(handLp())).status).toBe('optimal');
    expect(spawned).toHaveLength(2);
  }, 120_000);

  it('refuses a model too big for the heap before sending it', async () => {
    const big = transportLp(1_000_001);
    expect(modelUnits(big)).toBeGreaterThan(MAX_LP_UNITS);
    const err = await pool()
      .solve(big)
      .catch((e: unknown) => e);
    expect(isMatterlogError(err, 'request_too_large')).toBe(true);
    expect((err as Error).message).toMatch(/Split the plan/);
    const mip = { ...handLp(), integer: Uint8Array.of(1, 1) };
    const tight = pool({ maxLpUnits: 100, maxMipUnits: 5 });
    expect((await tight.solve(handLp())).status).toBe('optimal');
    expect(isMatterlogError(await tight.solve(mip).catch((e: unknown) => e), 'request_too_large')).toBe(true);
  });

  it('replaces a worker whose heap grew past the recycling size', async () => {
    const spawned: Worker[] = [];
    const p = pool({ recycleHeapBytes: 0, onSpawn: (w) => spawned.push(w) });
    await p.solve(handLp());
    await p.solve(handLp());
    expect(spawned).toHaveLength(2);
  });

  it('close() ends the workers and fails what is still pending', async () => {
    const p = pool();
    const running = p.solve(transportLp(20_000));
    const waiting = p.solve(handLp());
    const outcomes = Promise.allSettled([running, waiting]);
    await p.close();
    for (const outcome of await outcomes) {
      expect(outcome.status === 'rejected' && isMatterlogError(outcome.reason, 'unavailable')).toBe(true);
    }
    expect(isMatterlogError(await p.solve(handLp()).catch((e: unknown) => e), 'unavailable')).toBe(true);
  });
});
