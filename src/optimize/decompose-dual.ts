/**
 * Maximising the Lagrangian dual θ(μ) (decompose-oracle.ts) by a cutting-plane
 * method stabilised with a box trust region: every evaluation of θ gives a
 * cut θ(μ) ≤ h(μ) + c·x_t − μ·(A x_t), exact for the coupling rows' bound term h;
 * the master LP (one variable per coupling dual, plus the value, one row per
 * cut) maximises the cuts' minimum within a box around the best point found,
 * which moves when a step gains at least a tenth of what the model predicted,
 * grows when steps keep gaining, and shrinks when they lose. It stops when the
 * model predicts no worthwhile gain within the box: μ is then close enough for
 * the exact finish, which needs no more than that (and θ, a lower bound on the
 * optimum for any μ, proves infeasibility when the elastic form's exceeds 0).
 * The master's duals weight the cuts: Σ λt x_t is the matching primal
 * (Dantzig–Wolfe), used to spread tied lots.
 */
import type { DualFunction, Evaluation } from './decompose-oracle.js';
import type { LinearProgram, LpSolver } from './lp.js';

export interface DualOptions {
  maxIterations: number;
  /** Stop when the model's predicted gain is below this, relative to max(1, |θ|). */
  relativeTolerance: number;
  /** performance.now() after which to stop with what there is. */
  deadline: number;
  /** A centre with some |μk| / scalek beyond this suggests an unbounded dual (an infeasible LP). */
  divergence: number;
  /** Stop as soon as θ exceeds this (a proof is all that is wanted). */
  stopAbove?: number;
}

export interface WeightedPoint {
  mu: Float64Array;
  weight: number;
}

export interface DualResult {
  mu: Float64Array;
  theta: number;
  iterations: number;
  converged: boolean;
  diverged: boolean;
  /** The last master's weights on its cuts' points (sum 1), for the matching primal. */
  weights: WeightedPoint[];
}

interface Cut {
  mu: Float64Array;
  cost: number;
  activity: Float64Array;
  lastActive: number;
}

type Kind = 'free' | 'eq' | 'lo' | 'up' | 'range';

function kinds(f: DualFunction): Kind[] {
  const { lp, lots, coupling } = f.s;
  const out: Kind[] = [];
  for (let k = 0; k < coupling; k++) {
    const L = Number.isFinite(lp.rowLower[lots + k] as number);
    const U = Number.isFinite(lp.rowUpper[lots + k] as number);
    out.push(
      !L && !U ? 'free' : L && U ? (lp.rowLower[lots + k] === lp.rowUpper[lots + k] ? 'eq' : 'range') : L ? 'lo' : 'up',
    );
  }
  return out;
}

/** Per coupling row, 1 / the mean |a| of its entries: a step of Δ × scale moves reduced costs by about Δ. */
function scales(f: DualFunction): Float64Array {
  const { lp, lots, coupling } = f.s;
  const sum = new Float64Array(coupling);
  const count = new Float64Array(coupling);
  for (let e = 0; e < lp.aIndex.length; e++) {
    const r = lp.aIndex[e] as number;
    if (r < lots) continue;
    sum[r - lots] = (sum[r - lots] as number) + Math.abs(lp.aValue[e] as number);
    count[r - lots] = (count[r - lots] as number) + 1;
  }
  return sum.map((s, k) => (s > 0 ? (count[k] as number) / s : 1));
}

/** The master LP: minimise −(h(μ) + v) subject to the cuts, within [lo, hi]. */
interface Master {
  lp: LinearProgram;
  /** Master column j is sign × μ[k]. */
  layout: { k: number; sign: 1 | -1 }[];
}

function master(f: DualFunction, kind: Kind[], cuts: Cut[], lo: Float64Array, hi: Float64Array): Master {
  const { lp, lots } = f.s;
  const cols: { k: number; sign: 1 | -1; cost: number; lower: number; upper: number }[] = [];
  kind.forEach((t, k) => {
    const L = lp.rowLower[lots + k] as number;
    const U = lp.rowUpper[lots + k] as number;
    const a = lo[k] as number;
    const b = hi[k] as number;
    if (t === 'free') return;
    if (t === 'eq') cols.push({ k, sign: 1, cost: -L, lower: a, upper: b });
    else if (t === 'lo') cols.push({ k, sign: 1, cost: -L, lower: Math.max(0, a), upper: Math.max(0, b) });
    else if (t === 'up') cols.push({ k, sign: 1, cost: -U, lower: Math.min(0, a), upper: Math.min(0, b) });
    else {
      cols.push({ k, sign: 1, cost: -L, lower: Math.max(0, a), upper: Math.max(0, b) });
      cols.push({ k, sign: -1, cost: U, lower: Math.max(0, -b), upper: Math.max(0, -a) });
    }
  });
  const n = cols.length + 1;
  const m = cuts.length;
  const aStart = new Int32Array(n + 1);
  const aIndex = new Int32Array(n * m);
  const aValue = new Float64Array(n * m);
  let e = 0;
  cols.forEach((c, j) => {
    aStart[j] = e;
    cuts.forEach((cut, t) => {
      const v = c.sign * (cut.activity[c.k] as number);
      if (v !== 0) {
        aIndex[e] = t;
        aValue[e++] = v;
      }
    });
  });
  aStart[cols.length] = e;
  for (let t = 0; t < m; t++) {
    aIndex[e] = t;
    aValue[e++] = 1;
  }
  aStart[n] = e;
  const lpMaster: LinearProgram = {
    numCols: n,
    numRows: m,
    colCost: Float64Array.from([...cols.map((c) => c.cost), -1]),
    colLower: Float64Array.from([...cols.map((c) => c.lower), Number.NEGATIVE_INFINITY]),
    colUpper: Float64Array.from([...cols.map((c) => c.upper), Number.POSITIVE_INFINITY]),
    rowLower: new Float64Array(m).fill(Number.NEGATIVE_INFINITY),
    rowUpper: Float64Array.from(cuts.map((c) => c.cost)),
    aStart,
    aIndex: aIndex.slice(0, e),
    aValue: aValue.slice(0, e),
    colNames: [],
    rowNames: [],
  };
  return { lp: lpMaster, layout: cols };
}

/** μ from the master's columns, clamped to the domain (a value a hair past 0 would make θ = −∞). */
function muOf(m: Master, x: Float64Array, kind: Kind[]): Float64Array {
  const mu = new Float64Array(kind.length);
  m.layout.forEach((c, j) => {
    mu[c.k] = (mu[c.k] as number) + c.sign * (x[j] as number);
  });
  kind.forEach((t, k) => {
    if (t === 'lo') mu[k] = Math.max(0, mu[k] as number);
    else if (t === 'up') mu[k] = Math.min(0, mu[k] as number);
  });
  return mu;
}

export async function maximiseDual(f: DualFunction, solver: LpSolver, options: DualOptions): Promise<DualResult> {
  const K = f.s.coupling;
  const kind = kinds(f);
  const scale = scales(f);
  const cuts: Cut[] = [];
  const addCut = (mu: Float64Array, ev: Evaluation, it: number) =>
    cuts.push({ mu, cost: ev.cost, activity: ev.activity, lastActive: it });
  const centre = new Float64Array(K);
  let ev = f.evaluate(centre);
  let theta = ev.theta;
  addCut(centre.slice(), ev, 0);
  let radius = Math.max(1e-6, f.s.costScale / 4);
  let weights: WeightedPoint[] = [{ mu: centre.slice(), weight: 1 }];
  const result = (iterations: number, converged: boolean, diverged: boolean): DualResult => ({
    mu: centre,
    theta,
    iterations,
    converged,
    diverged,
    weights,
  });
  if (K === 0) return result(0, true, false);
  const lo = new Float64Array(K);
  const hi = new Float64Array(K);
  for (let it = 1; it <= options.maxIterations; it++) {
    if (performance.now() > options.deadline) return result(it, false, false);
    for (let k = 0; k < K; k++) {
      lo[k] = (centre[k] as number) - radius * (scale[k] as number);
      hi[k] = (centre[k] as number) + radius * (scale[k] as number);
    }
    const problem = master(f, kind, cuts, lo, hi);
    const sol = await solver.solve(problem.lp);
    // A master the solver cannot finish (numerical trouble far out) ends the dual with what it has:
    // the exact finish does not depend on the dual having converged.
    if (sol.status !== 'optimal') return result(it, false, false);
    const mu = muOf(problem, sol.colValue, kind);
    const predicted = -sol.objective - theta;
    weights = [];
    let total = 0;
    cuts.forEach((c, t) => {
      const w = -(sol.rowDual[t] as number);
      if (w > 0) {
        c.lastActive = it;
        total += w;
      }
    });
    cuts.forEach((c, t) => {
      const w = -(sol.rowDual[t] as number);
      if (w > 1e-12 * total) weights.push({ mu: c.mu, weight: w / total });
    });
    if (predicted <= options.relativeTolerance * Math.max(1, Math.abs(theta))) return result(it, true, false);
    ev = f.evaluate(mu);
    addCut(mu, ev, it);
    const gain = ev.theta - theta;
    let onBox = false;
    for (let k = 0; k < K; k++) {
      const m = mu[k] as number;
      const r = 1e-9 * radius * (scale[k] as number);
      // Where the domain (μ ≥ 0 or μ ≤ 0) cuts the box, that side is not the box's.
      const lower = kind[k] === 'lo' ? Math.max(0, lo[k] as number) : (lo[k] as number);
      const upper = kind[k] === 'up' ? Math.min(0, hi[k] as number) : (hi[k] as number);
      if ((m <= lower + r && lower === lo[k]) || (m >= upper - r && upper === hi[k])) onBox = true;
    }
    if (options.stopAbove !== undefined && ev.theta > options.stopAbove) {
      centre.set(mu);
      theta = ev.theta;
      return result(it, false, false);
    }
    if (gain >= 0.1 * predicted) {
      centre.set(mu);
      theta = ev.theta;
      if (gain >= 0.5 * predicted && onBox) radius *= 2;
    } else if (gain < 0) radius = Math.max(radius * 0.5, 1e-12 * Math.max(1, f.s.costScale));
    for (let k = 0; k < K; k++) {
      if (Math.abs(centre[k] as number) > options.divergence * (scale[k] as number)) return result(it, false, true);
    }
    // Old cuts that no longer support the model only slow the master down.
    if (cuts.length > 4 * K + 40) {
      const keep = cuts.filter((c) => it - c.lastActive < 2 * K + 20);
      cuts.length = 0;
      cuts.push(...keep);
    }
  }
  return result(options.maxIterations, false, false);
}
