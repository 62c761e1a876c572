/**
 * A linear program as the optimizer builds it and every solver adapter takes
 * it, in the shape HiGHS's matrix interface uses:
 *
 *     minimise    c·x
 *     subject to  rowLower ≤ A x ≤ rowUpper
 *                 colLower ≤ x ≤ colUpper     (x_j integer where `integer[j]` is 1)
 *
 * A is stored by column (CSC). Models are always posed as minimisation: a
 * solver's duals then have one sign convention (see `LpSolution`), which the
 * certificate checker relies on. Every column has finite bounds, so any dual
 * vector gives a valid lower bound (see certificate.ts).
 */
export interface LinearProgram {
  numCols: number;
  numRows: number;
  colCost: Float64Array;
  colLower: Float64Array;
  colUpper: Float64Array;
  rowLower: Float64Array;
  rowUpper: Float64Array;
  /** CSC: column j's entries are at [aStart[j], aStart[j + 1]). */
  aStart: Int32Array;
  aIndex: Int32Array;
  aValue: Float64Array;
  /** 1 where the column must take an integer value (a MIP); absent for an LP. */
  integer?: Uint8Array;
  /** Names, for explanations and solver logs; columns may be named on demand (a million names cost time). */
  colNames: readonly string[] | ((j: number) => string);
  rowNames: string[];
}

/** Column j's name. */
export function columnName(lp: Pick<LinearProgram, 'colNames'>, j: number): string {
  return typeof lp.colNames === 'function' ? lp.colNames(j) : (lp.colNames[j] ?? `column ${j}`);
}

export type SolveStatus = 'optimal' | 'infeasible' | 'unbounded' | 'time-limit' | 'error';

/**
 * A solver's answer. Sign convention (minimisation): the reduced costs are
 * `colDual = c − Aᵀ rowDual`; a row's dual is ≥ 0 when its lower bound binds
 * and ≤ 0 when its upper bound binds. Adapters convert to this if their
 * library differs.
 */
export interface LpSolution {
  status: SolveStatus;
  /** The library's own words for the status. */
  detail: string;
  objective: number;
  colValue: Float64Array;
  rowValue: Float64Array;
  /** Empty for a MIP (no duals). */
  colDual: Float64Array;
  rowDual: Float64Array;
  /** Whether the solver reports the dual solution as valid (feasible). */
  dualValid: boolean;
  /** For a MIP: the solver's best bound and relative gap. */
  mipBound?: number;
  mipGap?: number;
  solveMs: number;
}

export interface SolveOptions {
  timeLimitSeconds?: number;
  /** Relative MIP gap at which to stop (default the solver's). */
  mipRelGap?: number;
}

/** What every solver adapter implements. */
export interface LpSolver {
  readonly name: string;
  solve(lp: LinearProgram, options?: SolveOptions): Promise<LpSolution>;
}

/** Builds CSC arrays from per-column lists of (row, value). */
export function cscFromColumns(columns: readonly { rows: number[]; values: number[] }[]): {
  aStart: Int32Array;
  aIndex: Int32Array;
  aValue: Float64Array;
} {
  let nnz = 0;
  for (const c of columns) nnz += c.rows.length;
  const aStart = new Int32Array(columns.length + 1);
  const aIndex = new Int32Array(nnz);
  const aValue = new Float64Array(nnz);
  let k = 0;
  columns.forEach((c, j) => {
    aStart[j] = k;
    for (let t = 0; t < c.rows.length; t++) {
      aIndex[k] = c.rows[t] as number;
      aValue[k] = c.values[t] as number;
      k++;
    }
  });
  aStart[columns.length] = k;
  return { aStart, aIndex, aValue };
}
