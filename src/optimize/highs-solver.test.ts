import { describe, expect, it } from 'vitest';
import { lpOf } from '../../test/helpers/lp-spec.js';
import { isMatterlogError } from '../ledger/errors.js';
import { HighsSolver } from './highs-solver.js';
import type { LinearProgram } from './lp.js';

/** Builds a LinearProgram from dense columns (row index → coefficient). */
/** c − Aᵀ y, the reduced costs the convention says colDual must equal. */
function reducedCosts(lp: LinearProgram, rowDual: Float64Array): number[] {
  return Array.from(lp.colCost, (c, j) => {
    let d = c;
    for (let k = lp.aStart[j] as number; k < (lp.aStart[j + 1] as number); k++) {
      d -= (lp.aValue[k] as number) * (rowDual[lp.aIndex[k] as number] as number);
    }
    return d;
  });
}

const close = (a: ArrayLike<number>, b: number[]) => {
  expect(a.length).toBe(b.length);
  b.forEach((v, i) => {
    expect(a[i]).toBeCloseTo(v, 7);
  });
};

const solver = new HighsSolver();

describe('HighsSolver', () => {
  it('solves the hand LP with the duals worked out by hand (min x + 2y, x + y ≥ 3, x ≤ 2)', async () => {
    // At x = 2, y = 1 both rows bind and both columns are basic, so c = Aᵀ y:
    // y: 2 = y₀ → y₀ = 2 (≥ 0: the lower bound binds); x: 1 = y₀ + y₁ → y₁ = −1 (≤ 0: the upper binds).
    const lp = lpOf({
      cost: [1, 2],
      upper: [10, 10],
      rows: [
        [3, Infinity],
        [-Infinity, 2],
      ],
      columns: [{ 0: 1, 1: 1 }, { 0: 1 }],
    });
    const s = await solver.solve(lp);
    expect(s.status).toBe('optimal');
    expect(s.dualValid).toBe(true);
    expect(s.objective).toBeCloseTo(4, 9);
    close(s.colValue, [2, 1]);
    close(s.rowValue, [3, 2]);
    close(s.rowDual, [2, -1]);
    close(s.colDual, [0, 0]);
    // Strong duality: b·y over the binding bounds equals c·x.
    expect(3 * 2 + 2 * -1).toBeCloseTo(s.objective, 9);
    expect(s.mipBound).toBeUndefined();
  });

  it('pins the sign convention with a ≥ row, a ≤ row, an equality and columns resting on their bounds', async () => {
    // min x + 2y + 3z + 5w − v; x + y + z + w ≥ 3; x ≤ 2; y − z = 0.5; v ≤ 4 by its bound.
    // Optimum x = 2, y = 0.75, z = 0.25, w = 0, v = 4; duals (2.5, −1.5, −0.5); w's reduced
    // cost 5 − 2.5 = 2.5 ≥ 0 at its lower bound, v's −1 ≤ 0 at its upper bound.
    const lp = lpOf({
      cost: [1, 2, 3, 5, -1],
      upper: [10, 10, 10, 10, 4],
      rows: [
        [3, Infinity],
        [-Infinity, 2],
        [0.5, 0.5],
      ],
      columns: [{ 0: 1, 1: 1 }, { 0: 1, 2: 1 }, { 0: 1, 2: -1 }, { 0: 1 }, {}],
    });
    const s = await solver.solve(lp);
    expect(s.status).toBe('optimal');
    expect(s.dualValid).toBe(true);
    expect(s.objective).toBeCloseTo(0.25, 9);
    close(s.colValue, [2, 0.75, 0.25, 0, 4]);
    close(s.rowDual, [2.5, -1.5, -0.5]);
    close(s.colDual, [0, 0, 0, 2.5, -1]);
    close(s.colDual, reducedCosts(lp, s.rowDual));
  });

  it('says infeasible, with objective +∞ and no valid duals', async () => {
    const lp = lpOf({ cost: [1, 1], upper: [10, 10], rows: [[30, Infinity]], columns: [{ 0: 1 }, { 0: 1 }] });
    const s = await solver.solve(lp);
    expect(s.status).toBe('infeasible');
    expect(s.objective).toBe(Infinity);
    expect(s.dualValid).toBe(false);
    expect(s.colValue).toHaveLength(0);
  });

  it('solves a small MIP and reports its bound and gap, without duals', async () => {
    // min −x − y, 2x + 2y ≤ 3, x, y ∈ {0, 1, 2}: the relaxation reaches −1.5, integers only −1.
    const lp = lpOf({
      cost: [-1, -1],
      upper: [2, 2],
      rows: [[-Infinity, 3]],
      columns: [{ 0: 2 }, { 0: 2 }],
      integer: [1, 1],
    });
    const s = await solver.solve(lp, { mipRelGap: 0, timeLimitSeconds: 10 });
    expect(s.status).toBe('optimal');
    expect(s.objective).toBeCloseTo(-1, 9);
    expect((s.colValue[0] as number) + (s.colValue[1] as number)).toBeCloseTo(1, 9);
    expect(s.mipBound).toBeCloseTo(-1, 9);
    expect(s.mipGap).toBeCloseTo(0, 9);
    expect(s.dualValid).toBe(false);
    expect(s.rowDual).toHaveLength(0);
  });

  it('says infeasible for an integer-infeasible MIP whose relaxation is feasible', async () => {
    // y − z = 0.5 has no integer solution.
    const lp = lpOf({
      cost: [1, 1],
      upper: [5, 5],
      rows: [[0.5, 0.5]],
      columns: [{ 0: 1 }, { 0: -1 }],
      integer: [1, 1],
    });
    expect((await solver.solve(lp)).status).toBe('infeasible');
  });

  it('answers a model without columns itself, since HiGHS calls it "empty"', async () => {
    const ok = lpOf({ cost: [], upper: [], rows: [[-1, 1]], columns: [] });
    const s = await solver.solve(ok);
    expect(s.status).toBe('optimal');
    expect(s.objective).toBe(0);
    expect(s.dualValid).toBe(true);
    const bad = lpOf({ cost: [], upper: [], rows: [[1, 2]], columns: [] });
    expect((await solver.solve(bad)).status).toBe('infeasible');
  });

  it('solves a model without rows', async () => {
    const s = await solver.solve(lpOf({ cost: [1, -1], upper: [3, 3], rows: [], columns: [{}, {}] }));
    expect(s.status).toBe('optimal');
    close(s.colValue, [0, 3]);
    close(s.colDual, [1, -1]);
  });

  it('turns a malformed model into invalid_input and keeps working', async () => {
    const lp = lpOf({ cost: [1], upper: [1], rows: [[0, 1]], columns: [{ 0: 1 }] });
    lp.aIndex[0] = 7; // a row that does not exist
    const err = await solver.solve(lp).catch((e: unknown) => e);
    expect(isMatterlogError(err, 'invalid_input')).toBe(true);
    lp.aIndex[0] = 0;
    expect((await solver.solve(lp)).status).toBe('optimal');
    expect(await solver.heapBytes()).toBeGreaterThanOrEqual(20 * 2 ** 20);
  });
});
