/**
 * The optimality certificate of a linear program, checked without a solver.
 *
 * For   minimise c·x  s.t.  L ≤ A x ≤ U,  l ≤ x ≤ u   (every l, u finite)
 * and ANY vector y (one number per row), weak duality gives, for every
 * feasible x',
 *
 *     c·x' = (c − Aᵀy)·x' + y·(A x')  ≥  Σj min(dj lj, dj uj) + Σi min(yi Li, yi Ui) = g(y)
 *
 * with d = c − Aᵀy the reduced costs. So g(y) is a lower bound on the optimum
 * whatever y is (−∞ only if some yi has the sign of an infinite bound), and a
 * feasible x with c·x = g(y) is optimal. The checker recomputes d itself from
 * the model and y, evaluates c·x and g(y) with exact products and exactly
 * rounded sums (a gap is a small difference of large sums), and reports:
 *
 * - primal feasibility: the largest violation of a row, a bound, or integrality;
 * - dual feasibility: rows whose dual has the wrong sign for the bound it
 *   claims, and columns whose reduced cost contradicts where x sits;
 * - the gap c·x − g(y), within an absolute and a relative tolerance.
 *
 * Nothing from the solver is trusted: a moved lot breaks feasibility or raises
 * c·x, a changed dual lowers g(y), and duals from a model with a hidden extra
 * row leave a gap against the published model.
 */
import { ExactSum } from './exact-sum.js';
import type { LinearProgram } from './lp.js';

export interface Tolerances {
  /** Largest violation of a row or bound accepted as feasible, relative to max(1, |bound|). */
  primal: number;
  /** A dual of the wrong sign, or a reduced cost contradicting x, beyond this counts as infeasible. */
  dual: number;
  /** Largest gap accepted as zero: absolute EUR, or relative to max(1, |c·x|). */
  gapAbsolute: number;
  gapRelative: number;
  /** Largest distance from an integer accepted for an integer column. */
  integrality: number;
}

export const DEFAULT_TOLERANCES: Tolerances = {
  primal: 1e-6,
  dual: 1e-7,
  gapAbsolute: 1e-6,
  gapRelative: 1e-9,
  integrality: 1e-6,
};

export interface Violation {
  what: string;
  amount: number;
}

export interface CertificateCheck {
  primalFeasible: boolean;
  /** The largest violations found (at most 5), worst first. */
  primalViolations: Violation[];
  maxPrimalViolation: number;
  dualFeasible: boolean;
  dualViolations: Violation[];
  /** c·x, exactly rounded. */
  objective: number;
  /** g(y), exactly rounded; −Infinity when a dual claims an infinite bound. */
  dualBound: number;
  /** c·x − g(y), computed as one exact sum. */
  gap: number;
  gapWithinTolerance: boolean;
  /** The reduced costs the checker computed (for explanations). */
  reducedCosts: Float64Array;
  tolerances: Tolerances;
}

function worst(list: Violation[], v: Violation): void {
  list.push(v);
  list.sort((a, b) => b.amount - a.amount);
  if (list.length > 5) list.length = 5;
}

/**
 * Checks x (primal) and y (row duals) against `lp`. With `checkIntegrality`,
 * integer columns must hold integers. `bounds` may replace the column bounds
 * (the MIP checks fix or relax the integer columns this way).
 */
export function checkCertificate(
  lp: LinearProgram,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  options: {
    tolerances?: Tolerances;
    checkIntegrality?: boolean;
    colLower?: Float64Array;
    colUpper?: Float64Array;
  } = {},
): CertificateCheck {
  const tol = options.tolerances ?? DEFAULT_TOLERANCES;
  const lower = options.colLower ?? lp.colLower;
  const upper = options.colUpper ?? lp.colUpper;
  const name = (j: number) => lp.colNames[j] ?? `column ${j}`;
  const rowName = (i: number) => lp.rowNames[i] ?? `row ${i}`;
  if (x.length !== lp.numCols || y.length !== lp.numRows) {
    throw new RangeError(
      `the certificate has ${x.length} primal and ${y.length} dual values; the model has ${lp.numCols} columns and ${lp.numRows} rows`,
    );
  }

  // Row activities A x, exactly, and the gap as one exact sum of c·x − g(y).
  const activity = Array.from({ length: lp.numRows }, () => new ExactSum());
  const objective = new ExactSum();
  const gap = new ExactSum();
  const bound = new ExactSum();
  const reduced = new Float64Array(lp.numCols);
  const primal: Violation[] = [];
  const dual: Violation[] = [];
  let maxPrimal = 0;
  let dualBoundInfinite = false;
  for (let j = 0; j < lp.numCols; j++) {
    const xj = x[j] as number;
    const c = lp.colCost[j] as number;
    objective.addProduct(c, xj);
    gap.addProduct(c, xj);
    const d = new ExactSum().add(c);
    for (let k = lp.aStart[j] as number; k < (lp.aStart[j + 1] as number); k++) {
      const i = lp.aIndex[k] as number;
      const a = lp.aValue[k] as number;
      (activity[i] as ExactSum).addProduct(a, xj);
      d.addProduct(-a, y[i] as number);
    }
    const dj = d.value();
    reduced[j] = dj;
    const l = lower[j] as number;
    const u = upper[j] as number;
    const at = dj >= 0 ? l : u;
    if (!Number.isFinite(at)) dualBoundInfinite = true;
    else {
      gap.addProduct(-dj, at);
      bound.addProduct(dj, at);
    }
    const scale = Math.max(1, Math.abs(l), Math.abs(u));
    const out = Math.max(l - xj, xj - u, 0) / scale;
    if (out > 0) worst(primal, { what: `${name(j)} = ${xj} is outside [${l}, ${u}]`, amount: out });
    maxPrimal = Math.max(maxPrimal, out);
    if (options.checkIntegrality && lp.integer?.[j]) {
      const frac = Math.abs(xj - Math.round(xj));
      if (frac > tol.integrality) worst(primal, { what: `${name(j)} = ${xj} is not a whole number`, amount: frac });
      maxPrimal = Math.max(maxPrimal, frac > tol.integrality ? frac : 0);
    }
    // Complementary slackness: a positive reduced cost means x should sit at its lower bound, a negative one at its upper.
    const slack = dj > 0 ? xj - l : u - xj;
    const contradiction = Math.abs(dj) * Math.max(0, slack);
    if (contradiction > tol.dual * Math.max(1, Math.abs(xj))) {
      worst(dual, { what: `${name(j)}: reduced cost ${dj} but x = ${xj} is off that bound`, amount: contradiction });
    }
  }
  for (let i = 0; i < lp.numRows; i++) {
    const yi = y[i] as number;
    const L = lp.rowLower[i] as number;
    const U = lp.rowUpper[i] as number;
    if (yi !== 0) {
      const at = yi > 0 ? L : U;
      if (!Number.isFinite(at)) {
        dualBoundInfinite = true;
        worst(dual, {
          what: `${rowName(i)}: dual ${yi} claims its ${yi > 0 ? 'lower' : 'upper'} bound, which it does not have`,
          amount: Math.abs(yi),
        });
      } else {
        gap.addProduct(-yi, at);
        bound.addProduct(yi, at);
      }
    }
    const r = (activity[i] as ExactSum).value();
    const scale = Math.max(1, Number.isFinite(L) ? Math.abs(L) : 0, Number.isFinite(U) ? Math.abs(U) : 0);
    const out = Math.max(L - r, r - U, 0) / scale;
    if (out > 0) worst(primal, { what: `${rowName(i)}: A·x = ${r} is outside [${L}, ${U}]`, amount: out });
    maxPrimal = Math.max(maxPrimal, out);
  }
  const obj = objective.value();
  const g = dualBoundInfinite ? Number.NEGATIVE_INFINITY : bound.value();
  const gapValue = dualBoundInfinite ? Number.POSITIVE_INFINITY : gap.value();
  const allowed = Math.max(tol.gapAbsolute, tol.gapRelative * Math.max(1, Math.abs(obj)));
  return {
    primalFeasible: maxPrimal <= tol.primal,
    primalViolations: primal,
    maxPrimalViolation: maxPrimal,
    dualFeasible: dual.length === 0,
    dualViolations: dual,
    objective: obj,
    dualBound: g,
    gap: gapValue,
    gapWithinTolerance: Math.abs(gapValue) <= allowed,
    reducedCosts: reduced,
    tolerances: tol,
  };
}
