/**
 * Small linear programs written as a table (costs, bounds, rows and each
 * column's coefficients by row), for the solver adapters' tests.
 */
import { cscFromColumns, type LinearProgram } from '../../src/optimize/lp.js';

export interface LpSpec {
  cost: number[];
  lower?: number[];
  upper: number[];
  rows: [number, number][];
  /** Per column: row → coefficient. */
  columns: Record<number, number>[];
  integer?: number[];
}

export function lpOf(spec: LpSpec): LinearProgram {
  const n = spec.cost.length;
  const csc = cscFromColumns(
    spec.columns.map((c) => {
      const rows = Object.keys(c)
        .map(Number)
        .sort((a, b) => a - b);
      return { rows, values: rows.map((r) => c[r] as number) };
    }),
  );
  return {
    numCols: n,
    numRows: spec.rows.length,
    colCost: Float64Array.from(spec.cost),
    colLower: Float64Array.from(spec.lower ?? new Array(n).fill(0)),
    colUpper: Float64Array.from(spec.upper),
    rowLower: Float64Array.from(spec.rows.map((r) => r[0])),
    rowUpper: Float64Array.from(spec.rows.map((r) => r[1])),
    ...csc,
    ...(spec.integer ? { integer: Uint8Array.from(spec.integer) } : {}),
    colNames: spec.cost.map((_, j) => `x${j}`),
    rowNames: spec.rows.map((_, i) => `r${i}`),
  };
}
