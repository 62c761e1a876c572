/**
 * Large routing LPs by decomposition. The routing model has one equality row
 * per lot and only a few rows that couple the lots (capacities, the recovery
 * floor, the landfill and energy-recovery ceilings, family shares), so:
 *
 * 1. the Lagrangian dual over the coupling rows' duals μ is maximised by a
 *    stabilised cutting-plane method (decompose-dual.ts) whose master LP, with
 *    one variable per coupling row, the solver solves; each evaluation of the
 *    dual function is one pass over the columns (decompose-oracle.ts);
 * 2. an exact finish (decompose-finish.ts) fixes the lots whose choice is clear
 *    under μ, solves the restricted LP of the rest, and prices every fixed lot
 *    under the restricted LP's duals until none would rather go elsewhere.
 *
 * The answer is a full-size solution, x for every column and a dual for every
 * row of the model, with the same optimum as the direct solve: the certificate
 * checker accepts it against the full model. An infeasible LP is recognised by
 * the same dual method applied to its elastic form (violation columns at a price
 * of 1 per unit), whose optimum, the least total violation, is then positive.
 */
import { MatterlogError } from '../ledger/errors.js';
import { maximiseDual } from './decompose-dual.js';
import { exactFinish } from './decompose-finish.js';
import { DualFunction } from './decompose-oracle.js';
import { type LotStructure, lotStructure } from './decompose-structure.js';
import type { LinearProgram, LpSolution, LpSolver, SolveOptions } from './lp.js';
import type { RoutingModel } from './model.js';

export interface DecomposeStats {
  lots: number;
  couplingRows: number;
  dualIterations: number;
  /** Passes over the columns (dual function evaluations). */
  evaluations: number;
  dualConverged: boolean;
  /** Restricted LPs solved, and how many lots the last one had free. */
  restrictedSolves: number;
  workingSet: number;
  elastic: boolean;
  dualMs: number;
  finishMs: number;
}

export interface DecomposeOptions extends SolveOptions {
  /** Lots in the first restricted LP (default: 1% of the lots, at least 200 and 20 per coupling row). */
  workingSet?: number;
  /** The dual stops when its model predicts less gain than this, relative to |θ| (default 1e-7). */
  relativeTolerance?: number;
  maxDualIterations?: number;
  onStats?: (stats: DecomposeStats) => void;
}

/** Solves the routing model's LP by decomposition; the answer is for the full model. */
export function solveDecomposed(
  model: RoutingModel,
  solver: LpSolver,
  options: DecomposeOptions = {},
): Promise<LpSolution> {
  if (model.mip) throw new MatterlogError('internal', 'the decomposition solves LPs only, and this model is a MIP');
  let lots = 0;
  while (lots < model.rows.length && model.rows[lots]?.kind === 'lot') lots++;
  return solveDecomposedLp(model.lp, lots, solver, options);
}

function noSolution(status: LpSolution['status'], detail: string, started: number): LpSolution {
  return {
    status,
    detail,
    objective: status === 'infeasible' ? Number.POSITIVE_INFINITY : Number.NaN,
    colValue: new Float64Array(0),
    rowValue: new Float64Array(0),
    colDual: new Float64Array(0),
    rowDual: new Float64Array(0),
    dualValid: false,
    solveMs: performance.now() - started,
  };
}

/** Whether some lot cannot be met by its columns' bounds alone. */
function lotOutOfReach(s: LotStructure): boolean {
  const { lp, lotStart } = s;
  for (let i = 0; i < s.lots; i++) {
    let low = 0;
    let high = 0;
    for (let j = lotStart[i] as number; j < (lotStart[i + 1] as number); j++) {
      low += lp.colLower[j] as number;
      high += lp.colUpper[j] as number;
    }
    const m = lp.rowLower[i] as number;
    const slack = 1e-9 * Math.max(1, Math.abs(m));
    if (low > m + slack || high < m - slack) return true;
  }
  return false;
}

/**
 * The elastic form: the same rows, the columns at cost 0, and per finite bound of a coupling row a
 * violation column at cost 1. Its optimum is the least total violation: 0 exactly when the LP is feasible.
 */
export function elasticLp(s: LotStructure): LinearProgram {
  const { lp, lots, coupling } = s;
  const slacks: { row: number; sign: 1 | -1; bound: number }[] = [];
  for (let k = 0; k < coupling; k++) {
    if (Number.isFinite(lp.rowLower[lots + k] as number))
      slacks.push({ row: lots + k, sign: 1, bound: s.violationBound[k] as number });
    if (Number.isFinite(lp.rowUpper[lots + k] as number))
      slacks.push({ row: lots + k, sign: -1, bound: s.violationBound[k] as number });
  }
  const n = lp.numCols + slacks.length;
  const nnz = lp.aStart[lp.numCols] as number;
  const aStart = new Int32Array(n + 1);
  aStart.set(lp.aStart);
  const aIndex = new Int32Array(nnz + slacks.length);
  const aValue = new Float64Array(nnz + slacks.length);
  aIndex.set(lp.aIndex.subarray(0, nnz));
  aValue.set(lp.aValue.subarray(0, nnz));
  const colCost = new Float64Array(n);
  const colLower = new Float64Array(n);
  const colUpper = new Float64Array(n);
  colLower.set(lp.colLower);
  colUpper.set(lp.colUpper);
  slacks.forEach((sl, t) => {
    aIndex[nnz + t] = sl.row;
    aValue[nnz + t] = sl.sign;
    aStart[lp.numCols + t + 1] = nnz + t + 1;
    colCost[lp.numCols + t] = 1;
    colUpper[lp.numCols + t] = sl.bound;
  });
  return { ...lp, numCols: n, colCost, colLower, colUpper, aStart, aIndex, aValue, colNames: [], rowNames: [] };
}

/** Whether the elastic form's dual exceeds the tolerance somewhere: a proof that the LP is infeasible. */
async function provesInfeasible(s: LotStructure, solver: LpSolver, deadline: number): Promise<boolean> {
  const elastic = lotStructure(elasticLp(s), s.lots);
  const f = new DualFunction(elastic);
  let scale = 1;
  for (let k = 0; k < s.coupling; k++) {
    for (const b of [s.lp.rowLower[s.lots + k] as number, s.lp.rowUpper[s.lots + k] as number]) {
      if (Number.isFinite(b)) scale += Math.abs(b);
    }
  }
  const dual = await maximiseDual(f, solver, {
    maxIterations: 500,
    relativeTolerance: 1e-9,
    deadline,
    divergence: Number.POSITIVE_INFINITY,
    stopAbove: 1e-9 * scale,
  });
  return dual.theta > 1e-9 * scale;
}

export async function solveDecomposedLp(
  lp: LinearProgram,
  lots: number,
  solver: LpSolver,
  options: DecomposeOptions = {},
): Promise<LpSolution> {
  const started = performance.now();
  const deadline = started + (options.timeLimitSeconds ?? Number.POSITIVE_INFINITY) * 1000;
  const s = lotStructure(lp, lots);
  if (lotOutOfReach(s))
    return noSolution('infeasible', 'infeasible (a lot cannot be routed within its bounds)', started);
  const f = new DualFunction(s);
  const dual = await maximiseDual(f, solver, {
    maxIterations: options.maxDualIterations ?? 1000,
    relativeTolerance: options.relativeTolerance ?? 1e-7,
    deadline,
    divergence: 1e4 * Math.max(1, s.costScale),
  });
  const dualMs = performance.now() - started;
  if (dual.diverged && (await provesInfeasible(s, solver, deadline))) {
    return noSolution('infeasible', 'infeasible (the Lagrangian dual is unbounded)', started);
  }
  const target = options.workingSet ?? Math.max(200, 20 * s.coupling, Math.ceil(0.01 * lots));
  const finish = await exactFinish(s, f, solver, dual, {
    target,
    deadline,
    provesInfeasible: () => provesInfeasible(s, solver, deadline),
  });
  options.onStats?.({
    lots,
    couplingRows: s.coupling,
    dualIterations: dual.iterations,
    evaluations: f.evaluations,
    dualConverged: dual.converged,
    restrictedSolves: finish.rounds,
    workingSet: finish.workingSet,
    elastic: finish.elastic,
    dualMs,
    finishMs: performance.now() - started - dualMs,
  });
  if (finish.status !== 'optimal') return noSolution(finish.status, finish.detail, started);
  return assemble(lp, finish.x, finish.y, started);
}

/** The full solution: objective, activities and reduced costs from x and y. */
function assemble(lp: LinearProgram, x: Float64Array, y: Float64Array, started: number): LpSolution {
  const rowValue = new Float64Array(lp.numRows);
  const colDual = new Float64Array(lp.numCols);
  let objective = 0;
  let compensation = 0;
  for (let j = 0; j < lp.numCols; j++) {
    const v = x[j] as number;
    let d = lp.colCost[j] as number;
    for (let e = lp.aStart[j] as number; e < (lp.aStart[j + 1] as number); e++) {
      const r = lp.aIndex[e] as number;
      const a = lp.aValue[e] as number;
      rowValue[r] = (rowValue[r] as number) + a * v;
      d -= a * (y[r] as number);
    }
    colDual[j] = d;
    const term = (lp.colCost[j] as number) * v;
    const t = objective + term;
    compensation += Math.abs(objective) >= Math.abs(term) ? objective - t + term : term - t + objective;
    objective = t;
  }
  return {
    status: 'optimal',
    detail: 'optimal (decomposed)',
    objective: objective + compensation,
    colValue: x,
    rowValue,
    colDual,
    rowDual: y,
    dualValid: true,
    solveMs: performance.now() - started,
  };
}
