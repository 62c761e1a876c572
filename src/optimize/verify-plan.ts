/**
 * The plan verifier: what anyone can run on a plan document, with no solver
 * and no trust in whoever produced it. It rebuilds the model from the plan's
 * published inputs (policy, lots, route options) with the same pure code that
 * built it, checks the certificate against that model, recomputes everything
 * the plan states (assignments, totals, shadow prices, explanations), and says
 * in words what was and was not proved.
 */
import { MatterlogError } from '../ledger/errors.js';
import { type CertificateCheck, checkCertificate, DEFAULT_TOLERANCES, type Tolerances } from './certificate.js';
import { buildModel } from './model.js';
import { checkLots, checkOptions } from './network.js';
import { PLAN_FORMAT, type PlanDocument, planResult } from './plan.js';
import { checkPolicy } from './policy.js';
import { continuousLp, fixedDecisions } from './solve.js';

export interface VerifyReport {
  /** True when everything the plan claims was proved. */
  ok: boolean;
  kind: 'lp' | 'mip';
  policy: { id: string; version: string; index: number | null };
  /** Sentences: what was proved. */
  proved: string[];
  /** Sentences: what the plan claims that could not be proved, and why. Empty when `ok`. */
  notProved: string[];
  /** Sentences: what a certificate of this kind never proves (for a MIP: that other routes to open are not better). */
  limits: string[];
  objective: number;
  /** The best objective any plan could reach is at least this (g(y)). */
  lowerBound: number;
  /** objective − lowerBound: how far from optimal the plan can be, at most. */
  provenGap: number;
  check: Omit<CertificateCheck, 'reducedCosts'>;
  /** For a MIP: the check of the LP with the integer decisions fixed. */
  relaxation?: Omit<CertificateCheck, 'reducedCosts'>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const numbers = (v: unknown): v is number[] =>
  Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x));
const eur = (v: number) => `${v.toLocaleString('en-US', { maximumFractionDigits: 6 })} EUR`;

/** The plan document, shape-checked: its inputs are checked as strictly as when it was solved. */
export function readPlan(value: unknown): PlanDocument {
  if (!isObject(value) || value['format'] !== PLAN_FORMAT) {
    throw new MatterlogError('invalid_input', `not a matterlog plan (expected "format": "${PLAN_FORMAT}")`);
  }
  checkPolicy(value['policy']);
  checkLots(value['lots']);
  checkOptions(value['options']);
  const index = value['policyIndex'];
  if (index !== null && !(Number.isSafeInteger(index) && (index as number) >= 0)) {
    throw new MatterlogError('invalid_input', 'policyIndex must be null or the log index of the policy statement');
  }
  if (!isObject(value['result'])) {
    throw new MatterlogError(
      'invalid_input',
      'the plan states no result: "result": {"assignments", "totals", "binding", "lots"}',
    );
  }
  const cert = value['certificate'];
  if (!isObject(cert) || !numbers(cert['x']) || !numbers(cert['y'])) {
    throw new MatterlogError('invalid_input', 'the plan has no certificate: "certificate": {"x": [...], "y": [...]}');
  }
  if (cert['relaxationY'] !== undefined && !numbers(cert['relaxationY'])) {
    throw new MatterlogError('invalid_input', 'certificate.relaxationY must be an array of numbers');
  }
  if (value['kind'] !== 'lp' && value['kind'] !== 'mip')
    throw new MatterlogError('invalid_input', 'kind must be "lp" or "mip"');
  return value as unknown as PlanDocument;
}

function strip(c: CertificateCheck): Omit<CertificateCheck, 'reducedCosts'> {
  const { reducedCosts: _r, ...rest } = c;
  return rest;
}

/** Whether two JSON values are equal, objects compared member by member in any order. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (!Object.hasOwn(b, k) || !sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
      return false;
  }
  return true;
}

export function verifyPlan(value: unknown, options: { tolerances?: Tolerances; maxPairs?: number } = {}): VerifyReport {
  const tolerances = options.tolerances ?? DEFAULT_TOLERANCES;
  const plan = readPlan(value);
  // A certificate longer than any model of these inputs is refused before the model is built.
  const most = plan.lots.length * plan.options.length + 2 * plan.options.length;
  if (plan.certificate.x.length > most) {
    throw new MatterlogError(
      'invalid_input',
      `the certificate has ${plan.certificate.x.length} values; a model of ${plan.lots.length} lots and ${plan.options.length} options has at most ${most} columns`,
    );
  }
  const model = buildModel({ lots: plan.lots, options: plan.options, policy: plan.policy }, options.maxPairs);
  const lp = model.lp;
  const { x, y, relaxationY } = plan.certificate;
  const proved: string[] = [];
  const notProved: string[] = [];
  const limits: string[] = [];
  const policy = { id: plan.policy.id, version: plan.policy.version, index: plan.policyIndex };
  const under = `policy "${policy.id}" version ${policy.version}${policy.index !== null ? ` (log index ${policy.index})` : ''}`;
  const mip = model.mip;
  if (mip !== (plan.kind === 'mip')) {
    notProved.push(
      `the plan says it is ${plan.kind === 'mip' ? 'a MIP' : 'an LP'}, but its policy defines ${mip ? 'a MIP' : 'an LP'}`,
    );
  }
  if (x.length !== lp.numCols || y.length !== lp.numRows) {
    throw new MatterlogError(
      'invalid_input',
      `the certificate has ${x.length} values and ${y.length} duals, but the model the plan's inputs define has ${lp.numCols} columns and ${lp.numRows} rows: it was not solved from these inputs`,
    );
  }
  // For a MIP: the LP with the integer decisions fixed at the plan's values, whose integer flags stay so
  // that a fractional "whole" truck or an open-half route is caught with the absolute tolerance.
  const check = checkCertificate(mip ? fixedDecisions(lp, x) : lp, x, y, { tolerances, checkIntegrality: mip });
  let relaxation: CertificateCheck | undefined;
  if (check.primalFeasible) {
    proved.push(
      `the plan sends every lot in full (${model.totalTonnes} t) through route options that accept it and respects every constraint of ${under}: largest violation ${check.maxPrimalViolation.toExponential(2)} (tolerance ${tolerances.primal})`,
    );
  } else {
    notProved.push(
      `the plan breaks the constraints of ${under}: ${check.primalViolations.map((v) => v.what).join('; ')}`,
    );
  }
  if (!check.dualFeasible) {
    notProved.push(`the duals are not dual feasible: ${check.dualViolations.map((v) => v.what).join('; ')}`);
  }
  const what = mip ? 'given the routes it opens and the trucks it sends, no routing' : 'no plan';
  if (check.gapWithinTolerance && check.primalFeasible) {
    proved.push(
      `${what} under ${under} has a lower objective than ${eur(check.dualBound)}, and this plan's objective is ${eur(check.objective)}: it is optimal${mip ? ' for those decisions' : ''} (gap ${check.gap.toExponential(2)} EUR, within ${Math.max(tolerances.gapAbsolute, tolerances.gapRelative * Math.abs(check.objective)).toExponential(2)})`,
    );
  } else if (Number.isFinite(check.gap)) {
    notProved.push(
      `optimality: the duals bound the best objective at ${eur(check.dualBound)}, but the plan's objective is ${eur(check.objective)}, a gap of ${eur(check.gap)}; a better plan may exist, or the plan was solved under other constraints than these`,
    );
  } else notProved.push('optimality: the duals give no bound (a dual claims a bound its row does not have)');
  let lowerBound = check.dualBound;
  if (mip) {
    if (!relaxationY || relaxationY.length !== lp.numRows) {
      notProved.push('how far the plan is from the best possible: the certificate has no LP relaxation duals');
      lowerBound = Number.NEGATIVE_INFINITY;
    } else {
      relaxation = checkCertificate(continuousLp(lp), x, relaxationY, { tolerances });
      lowerBound = relaxation.dualBound;
      if (Number.isFinite(lowerBound)) {
        const gap = check.objective - lowerBound;
        proved.push(
          `no plan under ${under}, whatever routes it opens, has an objective below ${eur(lowerBound)} (the LP relaxation's dual bound): this plan is within ${eur(gap)}${check.objective !== 0 ? ` (${((100 * gap) / Math.max(1e-12, Math.abs(check.objective))).toFixed(3)}%)` : ''} of the best possible`,
        );
        limits.push('that no other choice of routes to open is better: only the bound above is proved for that');
      } else notProved.push('a bound on other choices of routes to open: the relaxation duals give none');
    }
  }
  const recomputed = planResult(model, plan.lots, plan.options, plan.policy, x, y, check);
  // Compared as JSON values, whatever the member order: a stored plan is canonical JSON, whose order is not the code's.
  const same = sameJson;
  if (same(recomputed, plan.result)) {
    proved.push('every assignment, total, shadow price and explanation the plan states follows from its certificate');
  } else {
    const parts = (['assignments', 'totals', 'binding', 'lots'] as const).filter(
      (k) => !same(recomputed[k], plan.result?.[k] ?? null),
    );
    notProved.push(`the plan's stated ${parts.join(', ')} do not follow from its certificate`);
  }
  return {
    ok: notProved.length === 0,
    kind: mip ? 'mip' : 'lp',
    policy,
    proved,
    notProved,
    limits,
    objective: check.objective,
    lowerBound,
    provenGap: check.objective - lowerBound,
    check: strip(check),
    ...(relaxation ? { relaxation: strip(relaxation) } : {}),
  };
}
