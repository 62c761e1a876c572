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
import { columnName, type LinearProgram } from './lp.js';

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
  const name = (j: number) => columnName(lp, j);
  const rowName = (i: number) => lp.rowNames[i] ?? `row ${i}`;
  if (x.length !== lp.numCols || y.length !== lp.numRows) {
    throw new RangeError(
      `the certificate has ${x.length} primal and ${y.length} dual values; the model has ${lp.numCols} columns and ${lp.numRows} rows`,
    );
  }

  // Typed copies keep the hot loops monomorphic (a plan read from JSON has plain arrays).
  const xs = x instanceof Float64Array ? x : Float64Array.from(x);
  const ys = y instanceof Float64Array ? y : Float64Array.from(y);
  // c·x and g(y) as exact sums, the gap as the exact difference of the two; row activities A x in
  // double-double (see `addTo`).
  const actHi = new Float64Array(lp.numRows);
  const actLo = new Float64Array(lp.numRows);
  const objective = new ExactSum();
  const bound = new ExactSum();
  const scratch = new ExactSum();
  const reduced = new Float64Array(lp.numCols);
  const primal: Violation[] = [];
  const dual: Violation[] = [];
  let maxPrimal = 0;
  let dualBoundInfinite = false;
  for (let j = 0; j < lp.numCols; j++) {
    const xj = xs[j] as number;
    objective.addProduct(lp.colCost[j] as number, xj);
    if (xj !== 0) addTo(lp, j, xj, actHi, actLo);
    const dj = reducedCost(lp, j, ys, scratch);
    reduced[j] = dj;
    const l = lower[j] as number;
    const u = upper[j] as number;
    const at = dj >= 0 ? l : u;
    if (!Number.isFinite(at)) dualBoundInfinite = true;
    else bound.addProduct(dj, at);
    // Within bounds (the common case) the violation is 0; NaN falls through, as it must.
    if (!(xj >= l && xj <= u)) {
      const out = Math.max(l - xj, xj - u, 0) / Math.max(1, Math.abs(l), Math.abs(u));
      if (out > 0) worst(primal, { what: `${name(j)} = ${xj} is outside [${l}, ${u}]`, amount: out });
      maxPrimal = Math.max(maxPrimal, out);
    }
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
    const yi = ys[i] as number;
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
      } else bound.addProduct(yi, at);
    }
    const r = (actHi[i] as number) + (actLo[i] as number);
    const scale = Math.max(1, Number.isFinite(L) ? Math.abs(L) : 0, Number.isFinite(U) ? Math.abs(U) : 0);
    const out = Math.max(L - r, r - U, 0) / scale;
    if (out > 0) worst(primal, { what: `${rowName(i)}: A·x = ${r} is outside [${L}, ${U}]`, amount: out });
    maxPrimal = Math.max(maxPrimal, out);
  }
  const obj = objective.value();
  const g = dualBoundInfinite ? Number.NEGATIVE_INFINITY : bound.value();
  const gapValue = dualBoundInfinite
    ? Number.POSITIVE_INFINITY
    : new ExactSum().addSum(objective).addSum(bound, -1).value();
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

const SPLITTER = 134_217_729; // 2^27 + 1
const UNIT_ROUNDOFF = 2 ** -53;
const UFP_PHI = 2 ** 52 + 1;

/**
 * Column j's reduced cost c − Σ a·y, correctly rounded. The products are split
 * exactly and summed by error-free additions into three levels (value,
 * correction, correction of the correction), the last one rounded: that gives
 * the exact sum up to a known, tiny bound. When the bound cannot change the
 * rounding (nearly always) that is the answer; otherwise the column is summed
 * again with ExactSum. Either way the result is the exactly rounded value.
 */
function reducedCost(lp: LinearProgram, j: number, y: Float64Array, scratch: ExactSum): number {
  const e0 = lp.aStart[j] as number;
  const e1 = lp.aStart[j + 1] as number;
  let s = lp.colCost[j] as number;
  let c1 = 0;
  let c2 = 0;
  let lost = 0;
  for (let e = e0; e < e1; e++) {
    const yi = y[lp.aIndex[e] as number] as number;
    if (yi === 0) continue;
    const a = lp.aValue[e] as number;
    const p = -a * yi;
    // s + p = s' + err exactly (TwoSum).
    let t = s + p;
    let v = t - s;
    const err = s - (t - v) + (p - v);
    s = t;
    // The product's own rounding error (none for a unit coefficient, the common case).
    let pl = 0;
    if (a !== 1 && a !== -1) {
      t = SPLITTER * a;
      const ah = t - (t - a);
      const al = a - ah;
      t = SPLITTER * yi;
      const bh = t - (t - yi);
      const bl = yi - bh;
      pl = -(al * bl - (-p - ah * bh - al * bh - ah * bl));
    }
    if (err === 0 && pl === 0) continue;
    // err + pl = q + qe, then c1 + q = c1' + ce, both exactly; only qe + ce is rounded, into c2.
    let q = err;
    let qe = 0;
    if (pl !== 0) {
      t = err + pl;
      v = t - err;
      qe = err - (t - v) + (pl - v);
      q = t;
    }
    t = c1 + q;
    v = t - c1;
    const ce = c1 - (t - v) + (q - v);
    c1 = t;
    const w = qe + ce;
    if (w !== 0) {
      c2 += w;
      lost += Math.abs(w) + Math.abs(c2);
    }
  }
  // Nothing was lost (c2 = 0): the exact sum is s + c1, and IEEE addition rounds it exactly.
  if (lost === 0) {
    const r = c1 === 0 ? s : s + c1;
    return Number.isFinite(r) ? r : exactReducedCost(lp, j, y, scratch);
  }
  // s + c1 + c2 is within UNIT_ROUNDOFF × lost of the exact sum. Round it, keeping what rounding drops:
  // r is the exactly rounded sum if the exact sum is certainly nearer to r than to r's neighbours.
  let t = c1 + c2;
  let v = t - c1;
  const e1r = c1 - (t - v) + (c2 - v);
  const tail = t;
  t = s + tail;
  v = t - s;
  const e2r = s - (t - v) + (tail - v);
  const r = t;
  if (!Number.isFinite(r)) return exactReducedCost(lp, j, y, scratch);
  const off = e2r + e1r;
  const slack = 1.01 * UNIT_ROUNDOFF * (lost + Math.abs(off));
  if (Math.abs(off) + slack < halfGap(r, off < 0 !== r < 0)) return r;
  return exactReducedCost(lp, j, y, scratch);
}

/**
 * Half the distance from r to its neighbouring double on one side: away from zero, or toward zero
 * (a quarter of an ulp when |r| is a power of two, where the spacing halves).
 */
function halfGap(r: number, towardZero: boolean): number {
  const m = Math.abs(r);
  let p: number;
  if (m > 2 ** -900 && m < 2 ** 900) {
    // The largest power of two ≤ m in three operations (Rump, Ogita & Oishi's ufp, exact in this range).
    const q = UFP_PHI * m;
    p = Math.abs(q - (1 - UNIT_ROUNDOFF) * q);
  } else {
    if (m < 2 ** -1021) return 2 ** -1075;
    // log2 may round near a power of two; the two corrections make p the power of two at or below m.
    p = 2 ** Math.floor(Math.log2(m));
    if (p > m) p /= 2;
    else if (p * 2 <= m) p *= 2;
  }
  const ulp = p * 2 ** -52;
  return towardZero && m === p ? ulp / 4 : ulp / 2;
}

function exactReducedCost(lp: LinearProgram, j: number, y: Float64Array, d: ExactSum): number {
  d.reset().add(lp.colCost[j] as number);
  for (let e = lp.aStart[j] as number; e < (lp.aStart[j + 1] as number); e++) {
    d.addProduct(-(lp.aValue[e] as number), y[lp.aIndex[e] as number] as number);
  }
  return d.value();
}

/**
 * Adds column j's a·x into the row activities, each kept as an unevaluated sum
 * hi + lo (exact products, error-free additions into hi, the errors summed into
 * lo). Not exact, but within a few units of 2⁻¹⁰⁶ of the terms' magnitudes:
 * the activities are only compared with the bounds within the primal tolerance.
 */
function addTo(lp: LinearProgram, j: number, xj: number, hi: Float64Array, lo: Float64Array): void {
  for (let e = lp.aStart[j] as number; e < (lp.aStart[j + 1] as number); e++) {
    const i = lp.aIndex[e] as number;
    const a = lp.aValue[e] as number;
    const p = a * xj;
    let pl = 0;
    if (a !== 1 && a !== -1) {
      let t = SPLITTER * a;
      const ah = t - (t - a);
      const al = a - ah;
      t = SPLITTER * xj;
      const bh = t - (t - xj);
      const bl = xj - bh;
      pl = al * bl - (p - ah * bh - al * bh - ah * bl);
    }
    const h = hi[i] as number;
    const t = h + p;
    const v = t - h;
    hi[i] = t;
    lo[i] = (lo[i] as number) + (h - (t - v) + (p - v) + pl);
  }
}
