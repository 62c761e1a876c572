import { describe, expect, it } from 'vitest';
import { lpOf } from '../../test/helpers/lp-spec.js';
import { GlpkSolver } from './glpk-solver.js';
import { HighsSolver } from './highs-solver.js';

const close = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < b.length; i++) expect(a[i]).toBeCloseTo(b[i] as number, 7);
};

const glpk = new GlpkSolver();
const highs = new HighsSolver();

// min x + 2y + 3z + 5w − v; x + y + z + w ≥ 3; x ≤ 2; y − z = 0.5 (see highs-solver.test.ts).
const signs = lpOf({
  cost: [1, 2, 3, 5, -1],
  upper: [10, 10, 10, 10, 4],
  rows: [
    [3, Infinity],
    [-Infinity, 2],
    [0.5, 0.5],
  ],
  columns: [{ 0: 1, 1: 1 }, { 0: 1, 2: 1 }, { 0: 1, 2: -1 }, { 0: 1 }, {}],
});

describe('GlpkSolver', () => {
  it('gives the same primal and duals as HiGHS, in the same sign convention', async () => {
    const g = await glpk.solve(signs);
    const h = await highs.solve(signs);
    expect(g.status).toBe('optimal');
    expect(g.dualValid).toBe(true);
    expect(g.objective).toBeCloseTo(0.25, 9);
    close(g.colValue, [2, 0.75, 0.25, 0, 4]);
    close(g.rowValue, [3, 2, 0.5]);
    close(g.rowDual, [2.5, -1.5, -0.5]);
    close(g.colDual, [0, 0, 0, 2.5, -1]);
    close(g.colDual, h.colDual);
    close(g.rowDual, h.rowDual);
  });

  it('says infeasible (its presolver alone would say "undefined")', async () => {
    const lp = lpOf({ cost: [1, 1], upper: [10, 10], rows: [[30, Infinity]], columns: [{ 0: 1 }, { 0: 1 }] });
    const s = await glpk.solve(lp);
    expect(s.status).toBe('infeasible');
    expect(s.objective).toBe(Infinity);
    expect(s.dualValid).toBe(false);
    expect(s.colValue).toHaveLength(0);
  });

  it('solves a small MIP without duals or a bound, and sees integer infeasibility', async () => {
    const mip = lpOf({
      cost: [-1, -1],
      upper: [2, 2],
      rows: [[-Infinity, 3]],
      columns: [{ 0: 2 }, { 0: 2 }],
      integer: [1, 1],
    });
    const s = await glpk.solve(mip, { timeLimitSeconds: 10 });
    expect(s.status).toBe('optimal');
    expect(s.objective).toBeCloseTo(-1, 9);
    expect(s.rowDual).toHaveLength(0);
    expect(s.mipBound).toBeUndefined();
    const none = lpOf({
      cost: [1, 1],
      upper: [5, 5],
      rows: [[0.5, 0.5]],
      columns: [{ 0: 1 }, { 0: -1 }],
      integer: [1, 1],
    });
    expect((await glpk.solve(none)).status).toBe('infeasible');
  });

  it('agrees with HiGHS on a random transportation LP', async () => {
    let seed = 7;
    const rnd = () => {
      seed = (seed * 48271) % 2147483647;
      return seed / 2147483647;
    };
    const lots = 30;
    const routes = 6;
    const columns: Record<number, number>[] = [];
    const cost: number[] = [];
    for (let l = 0; l < lots; l++)
      for (let r = 0; r < routes; r++) {
        columns.push({ [l]: 1, [lots + r]: 1 });
        cost.push(Math.round(rnd() * 100));
      }
    const mass = Array.from({ length: lots }, () => 1 + Math.floor(rnd() * 9));
    const total = mass.reduce((a, b) => a + b, 0);
    const rows: [number, number][] = [
      ...mass.map((m): [number, number] => [m, m]),
      ...Array.from({ length: routes }, (): [number, number] => [-Infinity, (1.3 * total) / routes]),
    ];
    const lp = lpOf({ cost, upper: cost.map(() => 10), rows, columns });
    const g = await glpk.solve(lp);
    const h = await highs.solve(lp);
    expect(g.status).toBe('optimal');
    expect(g.objective).toBeCloseTo(h.objective, 6);
    // Duals may differ on a degenerate LP, but both must certify the same bound.
    const bound = (s: typeof g) => {
      let b = 0;
      for (let i = 0; i < lp.numRows; i++) {
        const y = s.rowDual[i] as number;
        if (y !== 0) b += y * (y > 0 ? (lp.rowLower[i] as number) : (lp.rowUpper[i] as number));
      }
      for (let j = 0; j < lp.numCols; j++) {
        const d = s.colDual[j] as number;
        if (d !== 0) b += d * (d > 0 ? (lp.colLower[j] as number) : (lp.colUpper[j] as number));
      }
      return b;
    };
    expect(bound(g)).toBeCloseTo(h.objective, 6);
    expect(bound(h)).toBeCloseTo(h.objective, 6);
  });
});
