/**
 * The Lagrangian dual function of the lots × options LP with its coupling rows
 * relaxed: for coupling duals μ (one per coupling row, ≥ 0 where only a lower
 * bound exists, ≤ 0 where only an upper one),
 *
 *     θ(μ) = Σk min(μk Lk, μk Uk) + Σi min over lot i's assignments of Σj (cj − μ·aj) xj
 *
 * is a lower bound on the LP's optimum, concave and piecewise linear in μ, and
 * its maximum is the optimum. Each lot's minimum is its cheapest column under μ
 * (all of its mass; a lot whose columns' bounds split it fills its cheapest ones
 * in turn), so one evaluation is one pass over the columns: this is the loop the
 * decomposition spends its time in, kept to typed arrays.
 */
import { fillLot, type LotStructure } from './decompose-structure.js';

export interface Evaluation {
  theta: number;
  /** c·x(μ) and the coupling rows' activities A x(μ): the cut θ ≤ h(μ) + cost − μ·activity. */
  cost: number;
  activity: Float64Array;
}

/**
 * Exact ties (the same route at two sites with nothing to tell them apart, or a problem without
 * costs) go to the column of lowest rank, a fixed scramble of column numbers: the lots of a tied group
 * then spread over its columns instead of all taking the first, which would overload it.
 */
function tieRank(j: number): number {
  return Math.imul(j ^ (j >>> 16), 0x45d9f3b) >>> 0;
}

interface Compact {
  /** Per lot column, its pattern: the coupling rows where its coefficient is 1 (index into `patterns`). */
  pattern: Uint16Array;
  patterns: number[][];
  /** Per lot column, its other coupling entries (coupling index, value), CSC-like. */
  restStart: Int32Array;
  restRow: Int32Array;
  restValue: Float64Array;
}

/**
 * The lots' columns as the hot loop reads them. In the routing model most coupling coefficients are
 * 1 and a column's set of such rows depends only on its option (its capacity, its family's rows), so
 * Σ μ over that set is computed once per set and evaluation, and only the other entries (the
 * recovery floor's yields) are read per column: a third of the memory traffic of the full matrix.
 */
function compactColumns(s: LotStructure): Compact {
  const { lp, lots, globalStart } = s;
  const pattern = new Uint16Array(globalStart);
  const patterns: number[][] = [[]];
  // A pattern's key is the bit mask of its rows; rows past the 52nd, a row met twice, or a pattern
  // past the 65535th leave their entries with the rest.
  const ids = new Map<number, number>([[0, 0]]);
  const restStart = new Int32Array(globalStart + 1);
  const restRow: number[] = [];
  const restValue: number[] = [];
  const unit: number[] = [];
  for (let j = 0; j < globalStart; j++) {
    let mask = 0;
    unit.length = 0;
    for (let e = lp.aStart[j] as number; e < (lp.aStart[j + 1] as number); e++) {
      const r = (lp.aIndex[e] as number) - lots;
      if (r < 0) continue;
      const v = lp.aValue[e] as number;
      if (v === 1 && r < 52 && Math.floor(mask / 2 ** r) % 2 === 0) {
        mask += 2 ** r;
        unit.push(r);
      } else {
        restRow.push(r);
        restValue.push(v);
      }
    }
    let id = ids.get(mask);
    if (id === undefined && patterns.length < 0xffff) {
      id = patterns.length;
      ids.set(mask, id);
      patterns.push(unit.slice().sort((a, b) => a - b));
    }
    if (id === undefined) {
      for (const r of unit) {
        restRow.push(r);
        restValue.push(1);
      }
    }
    pattern[j] = id ?? 0;
    restStart[j + 1] = restRow.length;
  }
  return { pattern, patterns, restStart, restRow: Int32Array.from(restRow), restValue: Float64Array.from(restValue) };
}

export class DualFunction {
  /** μ spread over all rows (0 on the lots' rows), so that c − Σ rowPrice·a is the reduced cost. */
  readonly rowPrice: Float64Array;
  /** Per lot under the last μ evaluated: the column it takes whole (−1 for a lot that is not simple). */
  readonly best: Int32Array;
  /** Per lot: how much the second-best option costs more per tonne (how sure the choice is). */
  readonly margin: Float64Array;
  evaluations = 0;
  private readonly act: Float64Array;
  private readonly compact: Compact;
  /** Per pattern, Σ μk over its rows (set with μ). */
  private readonly patternPrice: Float64Array;

  constructor(readonly s: LotStructure) {
    this.rowPrice = new Float64Array(s.lp.numRows);
    this.act = new Float64Array(s.lp.numRows);
    this.best = new Int32Array(s.lots);
    this.margin = new Float64Array(s.lots);
    this.compact = compactColumns(s);
    this.patternPrice = new Float64Array(this.compact.patterns.length);
  }

  /** Σk min(μk Lk, μk Uk): the part of θ from the coupling rows' bounds. */
  boundTerm(mu: Float64Array): number {
    const { lp, lots } = this.s;
    let h = 0;
    for (let k = 0; k < mu.length; k++) {
      const m = mu[k] as number;
      if (m > 0) h += m * (lp.rowLower[lots + k] as number);
      else if (m < 0) h += m * (lp.rowUpper[lots + k] as number);
    }
    return h;
  }

  private setPrices(mu: Float64Array): void {
    this.rowPrice.set(mu, this.s.lots);
    this.compact.patterns.forEach((rows, p) => {
      let sum = 0;
      for (const k of rows) sum += mu[k] as number;
      this.patternPrice[p] = sum;
    });
  }

  evaluate(mu: Float64Array): Evaluation {
    this.evaluations++;
    this.setPrices(mu);
    const s = this.s;
    const { colCost, aStart, aIndex, aValue, rowLower, colLower, colUpper, numCols } = s.lp;
    const { lotStart, simple, lots } = s;
    const price = this.rowPrice;
    const { pattern, restStart, restRow, restValue } = this.compact;
    const patternPrice = this.patternPrice;
    const act = this.act;
    const best = this.best;
    const margin = this.margin;
    act.fill(0);
    let value = 0;
    let cost = 0;
    for (let i = 0; i < lots; i++) {
      const j0 = lotStart[i] as number;
      const j1 = lotStart[i + 1] as number;
      if (simple[i] === 0) {
        best[i] = -1;
        const f = fillLot(s, i, price, null, 0);
        value += f.value;
        margin[i] = f.margin;
        cost += this.lotCostAndActivity(i);
        continue;
      }
      let b1 = Number.POSITIVE_INFINITY;
      let b2 = Number.POSITIVE_INFINITY;
      let bj = j0;
      for (let j = j0; j < j1; j++) {
        let r = (colCost[j] as number) - (patternPrice[pattern[j] as number] as number);
        const e1 = restStart[j + 1] as number;
        for (let e = restStart[j] as number; e < e1; e++)
          r -= (mu[restRow[e] as number] as number) * (restValue[e] as number);
        if (r < b1 || (r === b1 && tieRank(j) < tieRank(bj))) {
          b2 = b1;
          b1 = r;
          bj = j;
        } else if (r < b2) b2 = r;
      }
      const m = rowLower[i] as number;
      best[i] = bj;
      margin[i] = b2 - b1;
      value += b1 * m;
      cost += (colCost[bj] as number) * m;
      const e1 = aStart[bj + 1] as number;
      for (let e = aStart[bj] as number; e < e1; e++) {
        const r = aIndex[e] as number;
        act[r] = (act[r] as number) + (aValue[e] as number) * m;
      }
    }
    for (let j = s.globalStart; j < numCols; j++) {
      let r = colCost[j] as number;
      for (let e = aStart[j] as number; e < (aStart[j + 1] as number); e++) {
        r -= (price[aIndex[e] as number] as number) * (aValue[e] as number);
      }
      const x = r >= 0 ? (colLower[j] as number) : (colUpper[j] as number);
      value += r * x;
      cost += (colCost[j] as number) * x;
      for (let e = aStart[j] as number; e < (aStart[j + 1] as number); e++) {
        const row = aIndex[e] as number;
        act[row] = (act[row] as number) + (aValue[e] as number) * x;
      }
    }
    return { theta: this.boundTerm(mu) + value, cost, activity: act.slice(lots) };
  }

  /** A non-simple lot's cost and activity under the prices already set (rare: only lots split by bounds). */
  private lotCostAndActivity(i: number): number {
    const { lp, lotStart } = this.s;
    const j0 = lotStart[i] as number;
    const j1 = lotStart[i + 1] as number;
    const x = new Float64Array(j1 - j0);
    fillLot(this.s, i, this.rowPrice, x, 1, j0);
    let cost = 0;
    for (let j = j0; j < j1; j++) {
      const v = x[j - j0] as number;
      if (v === 0) continue;
      cost += (lp.colCost[j] as number) * v;
      for (let e = lp.aStart[j] as number; e < (lp.aStart[j + 1] as number); e++) {
        const r = lp.aIndex[e] as number;
        this.act[r] = (this.act[r] as number) + (lp.aValue[e] as number) * v;
      }
    }
    return cost;
  }

  /** Adds weight × x(μ) into x (every lot and global column), the same x(μ) `evaluate` priced. */
  accumulate(mu: Float64Array, weight: number, x: Float64Array): void {
    this.setPrices(mu);
    const s = this.s;
    const { colCost, aStart, aIndex, aValue, rowLower, colLower, colUpper, numCols } = s.lp;
    const price = this.rowPrice;
    const { pattern, restStart, restRow, restValue } = this.compact;
    const patternPrice = this.patternPrice;
    for (let i = 0; i < s.lots; i++) {
      const j0 = s.lotStart[i] as number;
      const j1 = s.lotStart[i + 1] as number;
      if (s.simple[i] === 0) {
        fillLot(s, i, price, x, weight);
        continue;
      }
      let b1 = Number.POSITIVE_INFINITY;
      let bj = j0;
      for (let j = j0; j < j1; j++) {
        let r = (colCost[j] as number) - (patternPrice[pattern[j] as number] as number);
        const e1 = restStart[j + 1] as number;
        for (let e = restStart[j] as number; e < e1; e++)
          r -= (mu[restRow[e] as number] as number) * (restValue[e] as number);
        if (r < b1 || (r === b1 && tieRank(j) < tieRank(bj))) {
          b1 = r;
          bj = j;
        }
      }
      x[bj] = (x[bj] as number) + weight * (rowLower[i] as number);
    }
    for (let j = s.globalStart; j < numCols; j++) {
      let r = colCost[j] as number;
      for (let e = aStart[j] as number; e < (aStart[j + 1] as number); e++) {
        r -= (price[aIndex[e] as number] as number) * (aValue[e] as number);
      }
      x[j] = (x[j] as number) + weight * (r >= 0 ? (colLower[j] as number) : (colUpper[j] as number));
    }
  }
}
