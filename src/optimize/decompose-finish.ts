/**
 * The exact finish of the decomposition. From near-optimal coupling duals μ,
 * every lot whose best option beats its second by more than the working set's
 * threshold is fixed there; the lots closest to a tie form the working set,
 * whose restricted LP (decompose-restricted.ts) the solver solves exactly,
 * giving their x and duals and the coupling duals μ'. Each fixed lot's dual is
 * then its cheapest reduced cost under μ', which makes every reduced cost of its
 * columns ≥ 0 at the lower bound and 0 on the column it takes: a fixed lot whose
 * taken column is not the cheapest joins the working set and the restricted LP
 * is solved again. When none is left, x with (lot duals, μ') satisfies the full
 * LP's optimality conditions, to the solver's own tolerances.
 *
 * Ties need more (identical lots, a route at several sites that nothing tells
 * apart, the elastic model without costs): tied lots beyond the working set
 * are spread over their tied columns as the dual's matching primal spreads
 * them, and the restricted LP may move groups of them between those columns
 * (transfers, decompose-transfers.ts), so that it need not take them all in.
 */
import type { DualResult } from './decompose-dual.js';
import type { DualFunction } from './decompose-oracle.js';
import { restrictedLp } from './decompose-restricted.js';
import { fillLot, type LotStructure } from './decompose-structure.js';
import { applyTransfers, tieGroups } from './decompose-transfers.js';
import type { LpSolver, SolveStatus } from './lp.js';

export interface FinishOptions {
  /** Lots in the first working set. */
  target: number;
  deadline: number;
  /** Whether the LP is proven infeasible (asked when even an elastic restricted LP cannot meet the rows). */
  provesInfeasible: () => Promise<boolean>;
}

export interface Finish {
  status: SolveStatus;
  detail: string;
  x: Float64Array;
  y: Float64Array;
  /** Restricted LPs solved, and the working set's final size. */
  rounds: number;
  workingSet: number;
  elastic: boolean;
}

/** The lots with the `target` smallest margins (1 in the result). */
function workingSet(margin: Float64Array, target: number): Uint8Array {
  const n = margin.length;
  const inSet = new Uint8Array(n);
  if (target >= n) return inSet.fill(1);
  const sorted = margin.slice().sort();
  const threshold = sorted[Math.max(0, target - 1)] as number;
  let count = 0;
  for (let i = 0; i < n; i++) {
    if ((margin[i] as number) < threshold) {
      inSet[i] = 1;
      count++;
    }
  }
  for (let i = 0; i < n && count < target; i++) {
    if (margin[i] === threshold) {
      inSet[i] = 1;
      count++;
    }
  }
  return inSet;
}

/**
 * Prices the fixed lots under `mu`: writes each one's dual into y and returns the lots whose
 * assignment is not the cheapest by more than `tol` (per tonne).
 */
function priceFixed(
  s: LotStructure,
  f: DualFunction,
  mu: Float64Array,
  inSet: Uint8Array,
  x: Float64Array,
  y: Float64Array,
  tol: number,
): number[] {
  const { lp, lots, lotStart } = s;
  const { colCost, aStart, aIndex, aValue, colLower, colUpper } = lp;
  const price = f.rowPrice;
  price.set(mu, lots);
  const out: number[] = [];
  for (let i = 0; i < lots; i++) {
    if (inSet[i] === 1) continue;
    let lo = Number.NEGATIVE_INFINITY;
    let hi = Number.POSITIVE_INFINITY;
    for (let j = lotStart[i] as number; j < (lotStart[i + 1] as number); j++) {
      let r = colCost[j] as number;
      const e1 = aStart[j + 1] as number;
      for (let e = aStart[j] as number; e < e1; e++)
        r -= (price[aIndex[e] as number] as number) * (aValue[e] as number);
      const v = x[j] as number;
      if (v > (colLower[j] as number) && r > lo) lo = r;
      if (v < (colUpper[j] as number) && r < hi) hi = r;
    }
    if (lo - hi > tol) out.push(i);
    y[i] = lo === Number.NEGATIVE_INFINITY ? hi : Math.min(lo, hi);
  }
  return out;
}

/**
 * Fixes every lot outside the working set: at its best option under the dual's μ when that is clear
 * by more than `tie`; otherwise (a tie, or a near one that μ's inaccuracy cannot settle) at one
 * column of the matching primal x̄, drawn in proportion to x̄'s split by a fixed scramble of the lot
 * number. Tied groups then come out split about as x̄, which nearly meets the coupling rows, and
 * every fixed lot sits whole on one column, as transfers need (decompose-transfers.ts).
 */
function initialFixing(
  s: LotStructure,
  f: DualFunction,
  dual: DualResult,
  target: number,
  tie: number,
): { x: Float64Array; inSet: Uint8Array } {
  const { lp, lots, lotStart } = s;
  const x = new Float64Array(lp.numCols);
  f.evaluate(dual.mu);
  const inSet = workingSet(f.margin, Math.min(lots, target));
  let matching: Float64Array | null = null;
  for (let i = 0; i < lots; i++) {
    if (inSet[i] === 1) continue;
    const m = lp.rowLower[i] as number;
    if (s.simple[i] === 0) fillLot(s, i, f.rowPrice, x, 1);
    else if ((f.margin[i] as number) > tie) x[f.best[i] as number] = m;
    else {
      if (matching === null) {
        matching = new Float64Array(lp.numCols);
        for (const w of dual.weights) f.accumulate(w.mu, w.weight, matching);
        f.rowPrice.set(dual.mu, lots);
      }
      const draw = (Math.imul(i ^ 0x5bd1e995, 0x27d4eb2d) >>> 0) / 2 ** 32;
      const j1 = lotStart[i + 1] as number;
      let pick = f.best[i] as number;
      let sum = 0;
      for (let j = lotStart[i] as number; j < j1; j++) {
        sum += (matching[j] as number) / m;
        if ((matching[j] as number) > 0 && draw < sum) {
          pick = j;
          break;
        }
      }
      x[pick] = m;
    }
  }
  return { x, inSet };
}

export async function exactFinish(
  s: LotStructure,
  f: DualFunction,
  solver: LpSolver,
  dual: DualResult,
  options: FinishOptions,
): Promise<Finish> {
  const { lp, lots, coupling, lotStart } = s;
  const tieTolerance = 1e-6 * Math.max(1, s.costScale);
  const { x, inSet } = initialFixing(s, f, dual, options.target, tieTolerance);
  const y = new Float64Array(lp.numRows);
  let penalty: number | null = null;
  let wentElastic = false;
  let rounds = 0;
  let asked = false;
  let unpenalised = 0;
  let prices = dual.mu;
  const result = (status: SolveStatus, detail: string): Finish => ({
    status,
    detail,
    x,
    y,
    rounds,
    workingSet: inSet.reduce((a, b) => a + b, 0),
    elastic: wentElastic,
  });
  for (;;) {
    const remaining = (options.deadline - performance.now()) / 1000;
    if (remaining <= 0) return result('time-limit', 'time limit reached in the exact finish');
    const members: number[] = [];
    inSet.forEach((v, i) => {
      if (v === 1) members.push(i);
    });
    const lotsIn = Int32Array.from(members);
    f.rowPrice.set(prices, lots);
    const groups = tieGroups(s, f.rowPrice, inSet, x, tieTolerance);
    const restricted = restrictedLp(s, lotsIn, inSet, x, penalty, groups);
    rounds++;
    const sol = await solver.solve(restricted.lp, Number.isFinite(remaining) ? { timeLimitSeconds: remaining } : {});
    if (sol.status === 'infeasible' && penalty === null) {
      // After an elastic solve met every row, the plain one can only fail at the tolerances' edge.
      if (unpenalised > 3) return result('error', 'the restricted LP is infeasible only at the edge of tolerances');
      penalty = 1e4 * Math.max(1, s.costScale);
      wentElastic = true;
      continue;
    }
    if (sol.status !== 'optimal') return result(sol.status, `the restricted LP ended ${sol.status} (${sol.detail})`);
    for (let c = 0; c < restricted.mapped; c++) x[restricted.columnOf[c] as number] = sol.colValue[c] as number;
    let c = restricted.transferStart;
    applyTransfers(
      s,
      groups,
      groups.map((g) => g.delta.map(() => sol.colValue[c++] as number)),
      x,
    );
    lotsIn.forEach((i, t) => {
      y[i] = sol.rowDual[t] as number;
    });
    const mu = sol.rowDual.slice(lotsIn.length, lotsIn.length + coupling);
    prices = mu;
    y.set(mu, lots);
    let largest = 0;
    for (const m of mu) largest = Math.max(largest, Math.abs(m));
    const violators = priceFixed(s, f, mu, inSet, x, y, 1e-11 * Math.max(1, s.costScale, largest));
    if (violators.length > 0) {
      for (const i of violators) {
        inSet[i] = 1;
        x.fill(0, lotStart[i] as number, lotStart[i + 1] as number);
      }
      continue;
    }
    if (penalty === null) return result('optimal', 'optimal');
    let violated = false;
    restricted.slacks.forEach((sl, t) => {
      const v = sol.colValue[restricted.mapped + t] as number;
      const bound = Math.abs(sl.sign > 0 ? (lp.rowLower[lots + sl.k] as number) : (lp.rowUpper[lots + sl.k] as number));
      if (v > 1e-9 * Math.max(1, bound)) violated = true;
    });
    if (!violated) {
      // Met without violation: solve once more without the violation columns, for duals free of the penalty.
      penalty = null;
      unpenalised++;
      continue;
    }
    if (!asked) {
      asked = true;
      if (await options.provesInfeasible())
        return result('infeasible', 'infeasible (the coupling rows cannot all be met)');
    }
    penalty *= 100;
    if (penalty > 1e12 * Math.max(1, s.costScale)) {
      return result('error', 'the restricted LP still violates a coupling row at the largest penalty');
    }
  }
}
