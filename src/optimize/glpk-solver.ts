/**
 * The GLPK adapter, over glpk.js (GLPK 5.0 in WebAssembly). Only benchmarks and
 * tests import this file: glpk.js is a devDependency, so nothing the server
 * loads may reach it.
 *
 * What glpk.js offers, and how this adapter makes up for what it does not:
 * - Its input is name-keyed JSON (rows as lists of {name, coef}), so the CSC
 *   matrix is transposed into rows, with generated names `c<j>` / `r<i>`.
 * - Row duals for an LP (glp_get_row_dual), with the same sign convention as
 *   LpSolution for a minimisation (checked in glpk-solver.test.ts). Column
 *   duals are not exposed; GLPK defines them as d = c − Aᵀπ, so they are
 *   computed here from the row duals. For a MIP it gives no duals at all, nor
 *   the best bound or the gap: `mipBound` and `mipGap` stay undefined.
 * - It drops glp_simplex's return code. With the presolver on, an infeasible
 *   LP comes back "undefined" with no solution, so such an LP is solved again
 *   without the presolver, which says "no feasible solution" outright.
 * - A MIP needs the presolver on (without it glp_intopt wants an optimal
 *   relaxation basis that glpk.js never computes, and answers "undefined").
 * - A stop at the relative gap and a stop at the time limit both leave the
 *   status "feasible"; the elapsed time tells them apart.
 */
import GLPK, { type LP, type Options, type Result } from 'glpk.js/node';
import { MatterlogError } from '../ledger/errors.js';
import { emptySolution } from './highs-solver.js';
import type { LinearProgram, LpSolution, LpSolver, SolveOptions, SolveStatus } from './lp.js';

type Glpk = Awaited<ReturnType<typeof GLPK>>;

export class GlpkSolver implements LpSolver {
  readonly name = 'glpk';
  private runtime: Promise<Glpk> | null = null;

  private load(): Promise<Glpk> {
    if (this.runtime === null) {
      const loading = GLPK();
      this.runtime = loading;
      loading.catch(() => {
        if (this.runtime === loading) this.runtime = null;
      });
      return loading;
    }
    return this.runtime;
  }

  async solve(lp: LinearProgram, options: SolveOptions = {}): Promise<LpSolution> {
    const glpk = await this.load();
    const started = performance.now();
    // GLPK refuses to create zero columns; the answer needs no solver.
    if (lp.numCols === 0) return emptySolution(lp, performance.now() - started);
    const isMip = lp.integer?.some((v) => v === 1) === true;
    const problem = toGlpk(glpk, lp, isMip);
    const limit = options.timeLimitSeconds;
    const opts = (presol: boolean, seconds = limit): Options => ({
      msglev: glpk.GLP_MSG_OFF,
      presol,
      rows: true,
      ...(seconds !== undefined ? { tmlim: Math.max(0, seconds) } : {}),
      ...(isMip && options.mipRelGap !== undefined ? { mipgap: options.mipRelGap } : {}),
    });
    const elapsed = () => (performance.now() - started) / 1000;
    const timedOut = () => limit !== undefined && elapsed() >= limit * 0.99;
    try {
      let result = glpk.solve(problem, opts(true)).result;
      if (!isMip && result.status === glpk.GLP_UNDEF && !timedOut()) {
        result = glpk.solve(problem, opts(false, limit === undefined ? undefined : limit - elapsed())).result;
      }
      const { status, detail } = classify(glpk, result.status, isMip, timedOut(), options.mipRelGap);
      const hasPrimal = result.status === glpk.GLP_OPT || result.status === glpk.GLP_FEAS;
      return toSolution(lp, result, status, detail, hasPrimal, isMip, performance.now() - started);
    } catch (e) {
      // GLPK reports misuse by aborting its WebAssembly instance, which is then unusable.
      this.runtime = null;
      throw new MatterlogError('internal', `GLPK failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }
}

function classify(
  glpk: Glpk,
  code: number,
  isMip: boolean,
  timedOut: boolean,
  mipRelGap: number | undefined,
): { status: SolveStatus; detail: string } {
  if (code === glpk.GLP_OPT) return { status: 'optimal', detail: 'optimal' };
  if (code === glpk.GLP_NOFEAS) return { status: 'infeasible', detail: 'no feasible solution' };
  if (code === glpk.GLP_UNBND) return { status: 'unbounded', detail: 'unbounded' };
  if (timedOut) return { status: 'time-limit', detail: 'time limit reached' };
  if (isMip && code === glpk.GLP_FEAS && (mipRelGap ?? 0) > 0) {
    return { status: 'optimal', detail: 'optimal within the relative gap' };
  }
  return { status: 'error', detail: `GLPK status ${code}` };
}

function toGlpk(glpk: Glpk, lp: LinearProgram, isMip: boolean): LP {
  const col = (j: number) => `c${j}`;
  const rows: { name: string; coef: number }[][] = Array.from({ length: lp.numRows }, () => []);
  for (let j = 0; j < lp.numCols; j++) {
    for (let k = lp.aStart[j] as number; k < (lp.aStart[j + 1] as number); k++) {
      (rows[lp.aIndex[k] as number] as { name: string; coef: number }[]).push({
        name: col(j),
        coef: lp.aValue[k] as number,
      });
    }
  }
  const bounds = (lb: number, ub: number): { type: number; lb: number; ub: number } => {
    // GLPK ignores the value of an absent bound; infinities would not survive its checks.
    const hasLb = lb > -Infinity;
    const hasUb = ub < Infinity;
    if (hasLb && hasUb) return { type: lb === ub ? glpk.GLP_FX : glpk.GLP_DB, lb, ub };
    if (hasLb) return { type: glpk.GLP_LO, lb, ub: 0 };
    if (hasUb) return { type: glpk.GLP_UP, lb: 0, ub };
    return { type: glpk.GLP_FR, lb: 0, ub: 0 };
  };
  const integers: string[] = [];
  if (isMip && lp.integer) {
    for (let j = 0; j < lp.numCols; j++) if (lp.integer[j] === 1) integers.push(col(j));
  }
  return {
    name: 'matterlog',
    objective: {
      direction: glpk.GLP_MIN,
      name: 'cost',
      vars: Array.from(lp.colCost, (coef, j) => ({ name: col(j), coef })),
    },
    subjectTo: rows.map((vars, i) => ({
      name: `r${i}`,
      vars,
      bnds: bounds(lp.rowLower[i] as number, lp.rowUpper[i] as number),
    })),
    bounds: Array.from(lp.colLower, (lb, j) => ({ name: col(j), ...bounds(lb, lp.colUpper[j] as number) })),
    ...(integers.length > 0 ? { generals: integers } : {}),
  };
}

function toSolution(
  lp: LinearProgram,
  result: Result['result'],
  status: SolveStatus,
  detail: string,
  hasPrimal: boolean,
  isMip: boolean,
  solveMs: number,
): LpSolution {
  // Empty when there is no feasible point, as from HighsSolver.
  const colValue = hasPrimal
    ? Float64Array.from({ length: lp.numCols }, (_, j) => result.vars[`c${j}`] ?? 0)
    : new Float64Array(0);
  const rowValue = hasPrimal
    ? Float64Array.from({ length: lp.numRows }, (_, i) => result.rows?.[`r${i}`] ?? 0)
    : new Float64Array(0);
  const out: LpSolution = {
    status,
    detail,
    objective: hasPrimal ? result.z : status === 'unbounded' ? -Infinity : Infinity,
    colValue,
    rowValue,
    colDual: new Float64Array(0),
    rowDual: new Float64Array(0),
    dualValid: false,
    solveMs,
  };
  if (!isMip && result.dual !== undefined) {
    const dual = result.dual;
    out.rowDual = Float64Array.from({ length: lp.numRows }, (_, i) => dual[`r${i}`] ?? 0);
    out.colDual = reducedCosts(lp, out.rowDual);
    out.dualValid = status === 'optimal';
  }
  return out;
}

/** GLPK's own definition of a column's dual: d = c − Aᵀπ. */
function reducedCosts(lp: LinearProgram, rowDual: Float64Array): Float64Array {
  const d = Float64Array.from(lp.colCost);
  for (let j = 0; j < lp.numCols; j++) {
    for (let k = lp.aStart[j] as number; k < (lp.aStart[j + 1] as number); k++) {
      d[j] = (d[j] as number) - (lp.aValue[k] as number) * (rowDual[lp.aIndex[k] as number] as number);
    }
  }
  return d;
}
