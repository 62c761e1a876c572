/**
 * The HiGHS adapter (the WebAssembly build published as `highs`), the solver
 * the server uses. Measured on HiGHS 1.15 (see highs-solver.test.ts, which pins
 * it): for a minimisation HiGHS's duals already follow `LpSolution`'s
 * convention (colDual = c − Aᵀ rowDual, a binding lower row bound gives a dual
 * ≥ 0, a binding upper one ≤ 0), with simplex, interior point and PDLP alike,
 * so nothing is converted. For a maximisation, interior point without
 * crossover returned the opposite signs with status "unknown"; models here are
 * minimisations only, crossover is forced on, and duals count as valid only
 * with an optimal status and a feasible dual solution.
 *
 * The WebAssembly heap starts at 20 MiB, grows but never shrinks, and cannot
 * pass 2 GiB; when an allocation fails HiGHS aborts, and the instance's memory
 * can no longer be trusted, so it is dropped and the next solve loads a fresh
 * one. Solving in a worker thread (src/app/solver-pool.ts) contains the rest.
 */
import highsModule, { type Highs, type Model, type ModelData } from 'highs';
import { MatterlogError } from '../ledger/errors.js';
import type { LinearProgram, LpSolution, LpSolver, SolveOptions, SolveStatus } from './lp.js';

// The package's declarations are CommonJS-flavoured (the loader under `default`), while
// Node's `import` gets its ES build, whose default export is the loader itself.
const imported: unknown = highsModule;
const loadHighs = (typeof imported === 'function' ? imported : highsModule.default) as typeof highsModule.default;

/** HiGHS's model status codes (`highs.constants.modelStatus`) in our words. */
const STATUS: Record<number, { status: SolveStatus; detail: string }> = {
  7: { status: 'optimal', detail: 'optimal' },
  8: { status: 'infeasible', detail: 'infeasible' },
  // With every column bounded (LinearProgram's contract) the dual is always
  // feasible, so "unbounded or infeasible" can only be infeasible.
  9: { status: 'infeasible', detail: 'unbounded or infeasible' },
  10: { status: 'unbounded', detail: 'unbounded' },
  13: { status: 'time-limit', detail: 'time limit reached' },
};

export class HighsSolver implements LpSolver {
  readonly name = 'highs';
  private runtime: Promise<Highs> | null = null;

  private load(): Promise<Highs> {
    if (this.runtime === null) {
      const loading = loadHighs();
      this.runtime = loading;
      loading.catch(() => {
        if (this.runtime === loading) this.runtime = null;
      });
      return loading;
    }
    return this.runtime;
  }

  /** The WebAssembly heap's current capacity (it never shrinks), or null before the first solve. */
  async heapBytes(): Promise<number | null> {
    return this.runtime === null ? null : (await this.runtime).memoryBytes;
  }

  async solve(lp: LinearProgram, options: SolveOptions = {}): Promise<LpSolution> {
    const highs = await this.load();
    const started = performance.now();
    const isMip = lp.integer?.some((v) => v === 1) === true;
    if (lp.numCols === 0) return emptySolution(lp, performance.now() - started);
    let model: Model | undefined;
    let aborted = false;
    try {
      model = createModel(highs, lp, isMip);
      // Only minimisations reach here; crossover keeps interior-point duals basic and signed as simplex's.
      const settings: Record<string, number | string | boolean> = { output_flag: false, run_crossover: 'on' };
      if (options.timeLimitSeconds !== undefined) settings['time_limit'] = options.timeLimitSeconds;
      if (options.mipRelGap !== undefined && isMip) settings['mip_rel_gap'] = options.mipRelGap;
      model.options.set(settings);
      try {
        model.run();
      } catch (e) {
        if (!(e instanceof highs.errors.HighsError)) throw e;
        return failedSolution(`HiGHS failed: ${e.message}`, performance.now() - started);
      }
      return readSolution(highs, model, isMip, performance.now() - started);
    } catch (e) {
      // A WebAssembly trap or an Emscripten abort (a failed allocation ends in one).
      if (e instanceof Error && e.name === 'RuntimeError') {
        aborted = true;
        this.runtime = null;
        throw new MatterlogError(
          'unavailable',
          `The solver ran out of memory or aborted on a model of ${lp.numCols} columns, ${lp.numRows} rows and ` +
            `${lp.aIndex.length} nonzeros: the model is too large for it. Split the plan (fewer lots or routes) and try again.`,
          { cause: e, details: { cols: lp.numCols, rows: lp.numRows, nonzeros: lp.aIndex.length } },
        );
      }
      if (e instanceof highs.errors.HighsError) {
        throw new MatterlogError('invalid_input', `The solver rejected the model: ${e.message}`, { cause: e });
      }
      throw e;
    } finally {
      // After an abort the whole instance is dropped with its memory; calling into it again is unsafe.
      if (model !== undefined && !model.disposed && !aborted) model.dispose();
    }
  }
}

function createModel(highs: Highs, lp: LinearProgram, isMip: boolean): Model {
  const data: ModelData = {
    numCols: lp.numCols,
    numRows: lp.numRows,
    sense: highs.constants.objectiveSense.minimize,
    colCost: lp.colCost,
    colLower: lp.colLower,
    colUpper: lp.colUpper,
    rowLower: lp.rowLower,
    rowUpper: lp.rowUpper,
    matrix: {
      format: 'csc',
      numRows: lp.numRows,
      numCols: lp.numCols,
      starts: lp.aStart,
      indices: lp.aIndex,
      values: lp.aValue,
    },
    // Names stay out: HiGHS may reject duplicate or oddly spelled ones, and its log is off anyway.
    ...(isMip && lp.integer ? { integrality: Int32Array.from(lp.integer) } : {}),
  };
  return highs.createModel(data);
}

function readSolution(highs: Highs, model: Model, isMip: boolean, solveMs: number): LpSolution {
  const code = model.getModelStatus();
  const known = STATUS[code];
  const status: SolveStatus = known?.status ?? 'error';
  const detail = known?.detail ?? `HiGHS model status ${code}`;
  const feasible = highs.constants.solutionStatus.feasible;
  const primal = Number(model.info.get('primal_solution_status')) === feasible;
  const solution = primal ? model.getSolution() : null;
  // A minimisation with no feasible point has objective +∞ (the infimum of nothing).
  const objective = primal ? model.getObjectiveValue() : status === 'unbounded' ? -Infinity : Infinity;
  const out: LpSolution = {
    status,
    detail,
    objective,
    // Empty when there is no feasible point (infeasible, or a limit reached before one was found).
    colValue: solution?.colValue ?? new Float64Array(0),
    rowValue: solution?.rowValue ?? new Float64Array(0),
    colDual: new Float64Array(0),
    rowDual: new Float64Array(0),
    dualValid: false,
    solveMs,
  };
  if (isMip) {
    out.mipBound = Number(model.info.get('mip_dual_bound'));
    out.mipGap = Number(model.info.get('mip_gap'));
  } else if (solution !== null) {
    out.colDual = solution.colDual;
    out.rowDual = solution.rowDual;
    out.dualValid = status === 'optimal' && Number(model.info.get('dual_solution_status')) === feasible;
  }
  return out;
}

function failedSolution(detail: string, solveMs: number): LpSolution {
  return {
    status: 'error',
    detail,
    objective: Number.NaN,
    colValue: new Float64Array(0),
    rowValue: new Float64Array(0),
    colDual: new Float64Array(0),
    rowDual: new Float64Array(0),
    dualValid: false,
    solveMs,
  };
}

/**
 * HiGHS answers "empty" and no solution for a model without columns (and GLPK
 * cannot load one); the answer is immediate: every row's activity is 0, so it is feasible exactly when every
 * row admits 0, and then all duals 0 certify the objective 0.
 */
export function emptySolution(lp: LinearProgram, solveMs: number): LpSolution {
  let feasible = true;
  for (let i = 0; i < lp.numRows; i++) {
    if ((lp.rowLower[i] as number) > 0 || (lp.rowUpper[i] as number) < 0) feasible = false;
  }
  return {
    status: feasible ? 'optimal' : 'infeasible',
    detail: feasible ? 'optimal (no columns)' : 'infeasible (a row excludes 0 and there are no columns)',
    objective: feasible ? 0 : Infinity,
    colValue: new Float64Array(0),
    rowValue: feasible ? new Float64Array(lp.numRows) : new Float64Array(0),
    colDual: new Float64Array(0),
    rowDual: feasible ? new Float64Array(lp.numRows) : new Float64Array(0),
    dualValid: feasible,
    solveMs,
  };
}
