/**
 * Solving a routing problem into a plan with its certificate: build the model,
 * solve it (for a MIP: the MIP, then the LP with its integer decisions fixed,
 * then the LP relaxation, whose duals bound how much better any plan could
 * be), check the certificate as every verifier would, and derive the plan's
 * explanations. An infeasible policy is answered with the constraints that
 * conflict and by how much, found by an elastic model that minimises the total
 * violation.
 */
import { MatterlogError } from '../ledger/errors.js';
import { checkCertificate, DEFAULT_TOLERANCES } from './certificate.js';
import { solveDecomposed, solveDecomposedLp } from './decompose.js';
import { columnName, type LinearProgram, type LpSolution, type LpSolver, type SolveOptions } from './lp.js';
import { buildModel, type RoutingModel } from './model.js';
import type { Lot, RouteOption } from './network.js';
import { PLAN_FORMAT, type PlanDocument, planResult } from './plan.js';
import type { PolicyBody } from './policy.js';

export interface OptimizeInput {
  policy: PolicyBody;
  policyIndex?: number | null;
  lots: Lot[];
  options: RouteOption[];
}

export interface OptimizeOptions extends SolveOptions {
  /** Called as the stages go by (for progress bars). */
  onStage?: (stage: string) => void;
  /** Called with the solver's total time once solved (not in the plan: it would make equal plans differ). */
  onSolved?: (solveMs: number) => void;
  /** Solve an LP by decomposition (decompose.ts); by default above `DECOMPOSE_ABOVE_COLUMNS` columns. */
  decompose?: boolean;
}

/**
 * Above this many columns an LP is solved by decomposition: on lots × 20 routes, 100k columns took
 * HiGHS 1.8 s directly and the decomposition 0.4 s, and past about 1.5M columns the direct LP no
 * longer fits in HiGHS's 2 GiB (src/app/solver-pool.ts).
 */
export const DECOMPOSE_ABOVE_COLUMNS = 100_000;

/** The LP without integrality; with `fixed`, the integer columns fixed at those values. */
export function continuousLp(lp: LinearProgram, fixed?: ArrayLike<number>): LinearProgram {
  const { integer: _integer, ...rest } = lp;
  if (!fixed || !lp.integer) return rest;
  const colLower = lp.colLower.slice();
  const colUpper = lp.colUpper.slice();
  lp.integer.forEach((isInt, j) => {
    if (isInt) {
      const v = Math.round(fixed[j] as number);
      colLower[j] = v;
      colUpper[j] = v;
    }
  });
  return { ...rest, colLower, colUpper };
}

/** The LP with its integer columns fixed at (the rounding of) `x`, keeping their integer flags for the integrality check. */
export function fixedDecisions(lp: LinearProgram, x: ArrayLike<number>): LinearProgram {
  const fixed = continuousLp(lp, x);
  return lp.integer ? { ...fixed, integer: lp.integer } : fixed;
}

function requireOptimal(s: LpSolution, what: string, duals: boolean): void {
  if (s.status !== 'optimal') {
    throw new MatterlogError('internal', `the solver ended the ${what} with status ${s.status} (${s.detail})`);
  }
  if (duals && !s.dualValid) {
    throw new MatterlogError(
      'internal',
      `the solver found the ${what} optimal but its dual solution is not valid, so no certificate can be given`,
    );
  }
}

export async function optimize(
  input: OptimizeInput,
  solver: LpSolver,
  options: OptimizeOptions = {},
): Promise<PlanDocument> {
  const stage = options.onStage ?? (() => {});
  stage('building the model');
  const model = buildModel(input);
  const lp = model.lp;
  const solveOptions: SolveOptions = {
    ...(options.timeLimitSeconds !== undefined ? { timeLimitSeconds: options.timeLimitSeconds } : {}),
    ...(options.mipRelGap !== undefined ? { mipRelGap: options.mipRelGap } : {}),
  };
  stage(model.mip ? 'solving the MIP' : 'solving the LP');
  const decompose = !model.mip && (options.decompose ?? lp.numCols > DECOMPOSE_ABOVE_COLUMNS);
  const first = decompose ? await solveDecomposed(model, solver, solveOptions) : await solver.solve(lp, solveOptions);
  if (first.status === 'infeasible') throw await infeasibility(model, solver, input, decompose);
  let x: Float64Array;
  let y: Float64Array;
  let relaxationY: Float64Array | undefined;
  let solveMs = first.solveMs;
  if (!model.mip) {
    requireOptimal(first, 'LP', true);
    x = first.colValue;
    y = first.rowDual;
  } else {
    if (first.status !== 'optimal' && first.status !== 'time-limit') requireOptimal(first, 'MIP', false);
    if (first.colValue.length !== lp.numCols)
      throw new MatterlogError('internal', 'the MIP solve returned no solution');
    x = first.colValue.slice();
    for (let j = 0; j < lp.numCols; j++) if (lp.integer?.[j]) x[j] = Math.round(x[j] as number);
    stage('solving the routing with the opened routes fixed');
    const fixed = await solver.solve(continuousLp(lp, x), solveOptions);
    requireOptimal(fixed, 'LP with the integer decisions fixed', true);
    x = fixed.colValue.slice();
    for (let j = 0; j < lp.numCols; j++) if (lp.integer?.[j]) x[j] = Math.round(x[j] as number);
    y = fixed.rowDual;
    stage('solving the LP relaxation for the bound');
    const relaxed = await solver.solve(continuousLp(lp), solveOptions);
    requireOptimal(relaxed, 'LP relaxation', true);
    relaxationY = relaxed.rowDual;
    solveMs += fixed.solveMs + relaxed.solveMs;
  }
  options.onSolved?.(solveMs);
  stage('checking the certificate');
  const check = checkCertificate(model.mip ? fixedDecisions(lp, x) : lp, x, y, {
    checkIntegrality: model.mip,
  });
  if (!check.primalFeasible || !check.gapWithinTolerance) {
    throw new MatterlogError(
      'internal',
      `the solver's answer fails its own certificate (largest violation ${check.maxPrimalViolation}, gap ${check.gap}); the plan is not published`,
      { details: { violations: check.primalViolations, gap: check.gap } },
    );
  }
  return {
    format: PLAN_FORMAT,
    policy: input.policy,
    policyIndex: input.policyIndex ?? null,
    lots: input.lots,
    options: input.options,
    kind: model.mip ? 'mip' : 'lp',
    solver: { name: solver.name, status: first.status },
    certificate: {
      x: Array.from(x),
      y: Array.from(y),
      ...(relaxationY ? { relaxationY: Array.from(relaxationY) } : {}),
      tolerances: DEFAULT_TOLERANCES,
    },
    result: planResult(model, input.lots, input.options, input.policy, x, y, check),
  };
}

/**
 * Why the policy cannot be met: the elastic model lets every capacity and
 * policy row be violated at a cost of 1 per tonne and minimises the total. The
 * rows it has to violate, and the rows that bind while it does, are the conflict.
 */
async function infeasibility(
  model: RoutingModel,
  solver: LpSolver,
  input: OptimizeInput,
  decompose: boolean,
): Promise<MatterlogError> {
  const lp = continuousLp(model.lp);
  const slacks: { row: number; sign: 1 | -1 }[] = [];
  model.rows.forEach((r, i) => {
    if (r.kind === 'lot') return;
    if (Number.isFinite(lp.rowLower[i] as number)) slacks.push({ row: i, sign: 1 });
    if (Number.isFinite(lp.rowUpper[i] as number)) slacks.push({ row: i, sign: -1 });
  });
  const n = lp.numCols + slacks.length;
  const aStart = new Int32Array(n + 1);
  aStart.set(lp.aStart);
  const nnz = lp.aIndex.length + slacks.length;
  const aIndex = new Int32Array(nnz);
  const aValue = new Float64Array(nnz);
  aIndex.set(lp.aIndex);
  aValue.set(lp.aValue);
  slacks.forEach((s, k) => {
    aIndex[lp.aIndex.length + k] = s.row;
    aValue[lp.aIndex.length + k] = s.sign;
    aStart[lp.numCols + k + 1] = lp.aIndex.length + k + 1;
  });
  const colCost = new Float64Array(n);
  colCost.fill(1, lp.numCols);
  const colUpper = new Float64Array(n);
  colUpper.set(lp.colUpper);
  colUpper.fill(model.totalTonnes * 10 + 1, lp.numCols);
  const elastic: LinearProgram = {
    ...lp,
    numCols: n,
    colCost,
    colLower: new Float64Array(n),
    colUpper,
    aStart,
    aIndex,
    aValue,
    colNames: (j: number) =>
      j < lp.numCols ? columnName(lp, j) : `violation[${lp.rowNames[(slacks[j - lp.numCols] as { row: number }).row]}]`,
  };
  const lots = model.rows.filter((r) => r.kind === 'lot').length;
  const s = decompose ? await solveDecomposedLp(elastic, lots, solver) : await solver.solve(elastic);
  const violated = slacks
    .map((sl, k) => ({ ...sl, amount: s.colValue[lp.numCols + k] as number }))
    .filter((v) => v.amount > 1e-7);
  const binding = model.rows
    .map((r, i) => ({ r, i, dual: (s.rowDual[i] as number) ?? 0 }))
    .filter(({ r, i, dual }) => r.kind !== 'lot' && Math.abs(dual) > 1e-9 && !violated.some((v) => v.row === i));
  const describe = (i: number) => `${lp.rowNames[i]}`;
  const parts = violated.map(
    (v) =>
      `${describe(v.row)} would have to be relaxed by ${v.amount.toFixed(3)} t (${((100 * v.amount) / model.totalTonnes).toFixed(2)}% of the lots' ${model.totalTonnes} t)`,
  );
  const others = binding.map(({ i }) => describe(i));
  const message =
    violated.length === 0
      ? `policy "${input.policy.id}" version ${input.policy.version} cannot be met by these lots, and no single constraint explains it`
      : `policy "${input.policy.id}" version ${input.policy.version} cannot be met by these lots: ${parts.join('; ')}${others.length > 0 ? `; it conflicts with ${others.join(', ')}` : ''}`;
  return new MatterlogError('infeasible', message, {
    details: {
      conflict: [
        ...violated.map((v) => ({ row: lp.rowNames[v.row], violationTonnes: v.amount })),
        ...binding.map(({ i }) => ({ row: lp.rowNames[i], binding: true })),
      ],
    },
  });
}
