/**
 * The block structure the decomposition relies on, read off a LinearProgram:
 * the first `lots` rows are equality rows with one coefficient 1 per column of
 * their lot, each lot's columns are contiguous and come in lot order, and every
 * other row couples the lots. Columns with no entry in a lot row ("global"
 * columns, such as the elastic model's violation columns) may follow them.
 *
 * Also here: each lot's best assignment for given coupling duals, which is the
 * Lagrangian subproblem, the dual function's hot loop and the pricing check of
 * the exact finish all at once.
 */
import { MatterlogError } from '../ledger/errors.js';
import { columnName, type LinearProgram } from './lp.js';

export interface LotStructure {
  lp: LinearProgram;
  /** Rows 0 … lots − 1 are the lots' rows; rows lots … numRows − 1 are the coupling rows. */
  lots: number;
  coupling: number;
  /** Lot i's columns are lotStart[i] … lotStart[i + 1] − 1. */
  lotStart: Int32Array;
  /** Columns after the lots' ones: no lot row, always kept in the restricted LP. */
  globalStart: number;
  /**
   * 1 where every column of the lot has lower bound 0 and upper bound at least the lot's mass, so the
   * lot's subproblem takes one column whole; otherwise it fills columns greedily up to their bounds.
   */
  simple: Uint8Array;
  /** Per coupling row, Σ |a| u over its columns plus its finite bounds: more than any violation can be. */
  violationBound: Float64Array;
  /** Largest |c| of a column, the scale for price tolerances. */
  costScale: number;
}

function notDecomposable(why: string): never {
  throw new MatterlogError('internal', `the LP does not have the lots × options structure to decompose: ${why}`);
}

export function lotStructure(lp: LinearProgram, lots: number): LotStructure {
  if (lp.integer?.some((v) => v === 1)) notDecomposable('it has integer columns (a MIP)');
  const { numCols, aStart, aIndex, aValue, colLower, colUpper, rowLower, rowUpper } = lp;
  for (let i = 0; i < lots; i++) {
    if (rowLower[i] !== rowUpper[i] || !Number.isFinite(rowLower[i] as number)) {
      notDecomposable(`row ${lp.rowNames[i] ?? i} is not an equality`);
    }
  }
  const lotStart = new Int32Array(lots + 1);
  let current = 0;
  let globalStart = numCols;
  for (let j = 0; j < numCols; j++) {
    let lot = -1;
    for (let e = aStart[j] as number; e < (aStart[j + 1] as number); e++) {
      const r = aIndex[e] as number;
      if (r >= lots) continue;
      if (lot >= 0 || aValue[e] !== 1) notDecomposable(`column ${columnName(lp, j)} is not one lot's option`);
      lot = r;
    }
    if (lot < 0) {
      if (globalStart === numCols) globalStart = j;
      continue;
    }
    if (globalStart < numCols || lot < current) notDecomposable('the lots’ columns are not grouped by lot');
    while (current < lot) lotStart[++current] = j;
  }
  while (current < lots) lotStart[++current] = globalStart;
  for (let j = 0; j < numCols; j++) {
    if (!Number.isFinite(colLower[j] as number) || !Number.isFinite(colUpper[j] as number)) {
      notDecomposable(`column ${columnName(lp, j)} has an infinite bound`);
    }
  }

  const simple = new Uint8Array(lots);
  let costScale = 0;
  for (let i = 0; i < lots; i++) {
    const m = rowLower[i] as number;
    let ok = m >= 0 ? 1 : 0;
    for (let j = lotStart[i] as number; j < (lotStart[i + 1] as number); j++) {
      if (colLower[j] !== 0 || (colUpper[j] as number) < m) ok = 0;
    }
    simple[i] = ok;
  }
  for (let j = 0; j < numCols; j++) costScale = Math.max(costScale, Math.abs(lp.colCost[j] as number));

  const coupling = lp.numRows - lots;
  const violationBound = new Float64Array(coupling);
  for (let j = 0; j < numCols; j++) {
    const u = Math.max(Math.abs(colLower[j] as number), Math.abs(colUpper[j] as number));
    for (let e = aStart[j] as number; e < (aStart[j + 1] as number); e++) {
      const r = aIndex[e] as number;
      if (r >= lots)
        violationBound[r - lots] = (violationBound[r - lots] as number) + Math.abs(aValue[e] as number) * u;
    }
  }
  for (let k = 0; k < coupling; k++) {
    const L = rowLower[lots + k] as number;
    const U = rowUpper[lots + k] as number;
    violationBound[k] =
      (violationBound[k] as number) +
      (Number.isFinite(L) ? Math.abs(L) : 0) +
      (Number.isFinite(U) ? Math.abs(U) : 0) +
      1;
  }
  return { lp, lots, coupling, lotStart, globalStart, simple, violationBound, costScale };
}

/** Scratch space for the lots whose subproblem is not a single column. */
const scratchOrder: number[] = [];
const scratchPrice: number[] = [];

/**
 * Reduced costs c − Σ rowPrice·a of lot i's columns into `price` (indexed by column), for a lot that
 * is not simple: fills its columns from the cheapest up to their bounds, adding weight × x into `x`
 * when given (at j − offset). Returns the lot's share of the dual function, Σ price·x, and its margin (how far the
 * prices are from changing which columns are filled), or −1 when the lot cannot be met at all.
 */
export function fillLot(
  s: LotStructure,
  i: number,
  rowPrice: Float64Array,
  x: Float64Array | null,
  weight: number,
  offset = 0,
): { value: number; margin: number } {
  const { lp, lotStart } = s;
  const j0 = lotStart[i] as number;
  const j1 = lotStart[i + 1] as number;
  scratchOrder.length = 0;
  scratchPrice.length = 0;
  let rest = lp.rowLower[i] as number;
  let value = 0;
  for (let j = j0; j < j1; j++) {
    let r = lp.colCost[j] as number;
    for (let e = lp.aStart[j] as number; e < (lp.aStart[j + 1] as number); e++) {
      r -= (rowPrice[lp.aIndex[e] as number] as number) * (lp.aValue[e] as number);
    }
    const l = lp.colLower[j] as number;
    rest -= l;
    value += r * l;
    if (x) x[j - offset] = (x[j - offset] as number) + weight * l;
    scratchOrder.push(j);
    scratchPrice.push(r);
  }
  const order = scratchOrder.map((_, t) => t).sort((a, b) => (scratchPrice[a] as number) - (scratchPrice[b] as number));
  let last = -1;
  for (let t = 0; t < order.length && rest > 0; t++) {
    const j = scratchOrder[order[t] as number] as number;
    const take = Math.min((lp.colUpper[j] as number) - (lp.colLower[j] as number), rest);
    if (take <= 0) continue;
    rest -= take;
    value += (scratchPrice[order[t] as number] as number) * take;
    if (x) x[j - offset] = (x[j - offset] as number) + weight * take;
    last = t;
  }
  // The fill changes only when the last column filled trades places with a neighbour in the order.
  const at = (t: number) => scratchPrice[order[t] as number] as number;
  let margin = Number.POSITIVE_INFINITY;
  if (last > 0) margin = Math.min(margin, at(last) - at(last - 1));
  if (last >= 0 && last + 1 < order.length) margin = Math.min(margin, at(last + 1) - at(last));
  if (rest > 1e-9 * Math.max(1, Math.abs(lp.rowLower[i] as number))) return { value: Number.NaN, margin: -1 };
  return { value, margin };
}
