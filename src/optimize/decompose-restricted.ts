/**
 * The restricted LP of the exact finish: the lots in the working set keep all
 * their columns and their rows; every other lot is fixed at an assignment, and
 * its contribution to each coupling row is moved into that row's bounds (summed
 * with compensation, so that the full row's activity is what the certificate
 * will recompute). Optionally elastic: each coupling row may be violated at a
 * price per unit, so that a working set too small to meet the rows still yields
 * duals to price the fixed lots with.
 */
import type { LotStructure } from './decompose-structure.js';
import type { TransferGroup } from './decompose-transfers.js';
import type { LinearProgram } from './lp.js';

export interface Restricted {
  lp: LinearProgram;
  /** Restricted column → full column (the first `mapped` columns; violation columns follow). */
  columnOf: Int32Array;
  mapped: number;
  /** The working set's lots, in the order of the restricted LP's first rows. */
  lotsIn: Int32Array;
  /** Per violation column: its coupling row and direction (+1 raises the activity). */
  slacks: { k: number; sign: 1 | -1 }[];
  /** The first transfer column (decompose-transfers.ts); they come group by group, alternative by alternative. */
  transferStart: number;
}

/** Σ a x per coupling row over the fixed lots' columns, with Neumaier's compensation. */
export function fixedActivity(s: LotStructure, inSet: Uint8Array, x: Float64Array): Float64Array {
  const { lp, lots, coupling, lotStart } = s;
  const sum = new Float64Array(coupling);
  const comp = new Float64Array(coupling);
  for (let i = 0; i < lots; i++) {
    if (inSet[i] === 1) continue;
    for (let j = lotStart[i] as number; j < (lotStart[i + 1] as number); j++) {
      const v = x[j] as number;
      if (v === 0) continue;
      for (let e = lp.aStart[j] as number; e < (lp.aStart[j + 1] as number); e++) {
        const r = (lp.aIndex[e] as number) - lots;
        if (r < 0) continue;
        const term = (lp.aValue[e] as number) * v;
        const t = sum[r] as number;
        const n = t + term;
        comp[r] = (comp[r] as number) + (Math.abs(t) >= Math.abs(term) ? t - n + term : term - n + t);
        sum[r] = n;
      }
    }
  }
  for (let k = 0; k < coupling; k++) sum[k] = (sum[k] as number) + (comp[k] as number);
  return sum;
}

export function restrictedLp(
  s: LotStructure,
  lotsIn: Int32Array,
  inSet: Uint8Array,
  x: Float64Array,
  penalty: number | null,
  groups: TransferGroup[] = [],
): Restricted {
  const { lp, lots, coupling, lotStart, globalStart } = s;
  const fixed = fixedActivity(s, inSet, x);
  const rowOf = new Int32Array(lp.numRows).fill(-1);
  lotsIn.forEach((i, t) => {
    rowOf[i] = t;
  });
  for (let k = 0; k < coupling; k++) rowOf[lots + k] = lotsIn.length + k;
  // A group with several alternatives gets a row that keeps its moves within its mass.
  const groupRow: number[] = [];
  let numRows = lotsIn.length + coupling;
  for (const g of groups) groupRow.push(g.delta.length > 1 ? numRows++ : -1);

  let mapped = lp.numCols - globalStart;
  let nnz = (lp.aStart[lp.numCols] as number) - (lp.aStart[globalStart] as number);
  for (const i of lotsIn) {
    mapped += (lotStart[i + 1] as number) - (lotStart[i] as number);
    nnz += (lp.aStart[lotStart[i + 1] as number] as number) - (lp.aStart[lotStart[i] as number] as number);
  }
  const slacks: { k: number; sign: 1 | -1 }[] = [];
  if (penalty !== null) {
    for (let k = 0; k < coupling; k++) {
      if (Number.isFinite(lp.rowLower[lots + k] as number)) slacks.push({ k, sign: 1 });
      if (Number.isFinite(lp.rowUpper[lots + k] as number)) slacks.push({ k, sign: -1 });
    }
  }
  let transfers = 0;
  for (const g of groups) {
    for (const d of g.delta) {
      transfers++;
      nnz += d.rows.length + (g.delta.length > 1 ? 1 : 0);
    }
  }
  const numCols = mapped + slacks.length + transfers;
  const columnOf = new Int32Array(mapped);
  const colCost = new Float64Array(numCols);
  const colLower = new Float64Array(numCols);
  const colUpper = new Float64Array(numCols);
  const aStart = new Int32Array(numCols + 1);
  const aIndex = new Int32Array(nnz + slacks.length);
  const aValue = new Float64Array(nnz + slacks.length);
  let c = 0;
  let e = 0;
  const take = (j: number) => {
    columnOf[c] = j;
    colCost[c] = lp.colCost[j] as number;
    colLower[c] = lp.colLower[j] as number;
    colUpper[c] = lp.colUpper[j] as number;
    aStart[c++] = e;
    for (let t = lp.aStart[j] as number; t < (lp.aStart[j + 1] as number); t++) {
      aIndex[e] = rowOf[lp.aIndex[t] as number] as number;
      aValue[e++] = lp.aValue[t] as number;
    }
  };
  for (const i of lotsIn) for (let j = lotStart[i] as number; j < (lotStart[i + 1] as number); j++) take(j);
  for (let j = globalStart; j < lp.numCols; j++) take(j);
  for (const sl of slacks) {
    colCost[c] = penalty as number;
    colUpper[c] = s.violationBound[sl.k] as number;
    aStart[c++] = e;
    aIndex[e] = lotsIn.length + sl.k;
    aValue[e++] = sl.sign;
  }
  const transferStart = c;
  groups.forEach((g, t) => {
    for (const d of g.delta) {
      colCost[c] = d.cost;
      colUpper[c] = g.mass;
      aStart[c++] = e;
      d.rows.forEach((k, n) => {
        aIndex[e] = lotsIn.length + k;
        aValue[e++] = d.values[n] as number;
      });
      if ((groupRow[t] as number) >= 0) {
        aIndex[e] = groupRow[t] as number;
        aValue[e++] = 1;
      }
    }
  });
  aStart[c] = e;

  const rowLower = new Float64Array(numRows);
  const rowUpper = new Float64Array(numRows);
  lotsIn.forEach((i, t) => {
    rowLower[t] = lp.rowLower[i] as number;
    rowUpper[t] = lp.rowUpper[i] as number;
  });
  for (let k = 0; k < coupling; k++) {
    rowLower[lotsIn.length + k] = (lp.rowLower[lots + k] as number) - (fixed[k] as number);
    rowUpper[lotsIn.length + k] = (lp.rowUpper[lots + k] as number) - (fixed[k] as number);
  }
  groups.forEach((g, t) => {
    const r = groupRow[t] as number;
    if (r < 0) return;
    rowLower[r] = Number.NEGATIVE_INFINITY;
    rowUpper[r] = g.mass;
  });
  return {
    lp: {
      numCols,
      numRows,
      colCost,
      colLower,
      colUpper,
      rowLower,
      rowUpper,
      aStart,
      aIndex,
      aValue,
      colNames: [],
      rowNames: [],
    },
    columnOf,
    mapped,
    lotsIn,
    slacks,
    transferStart,
  };
}
