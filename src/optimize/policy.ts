/**
 * A routing policy: the objective and the constraints an operator publicly
 * commits to in a `policy` statement, versioned like passports. Every plan
 * names the policy it was solved under, and its certificate is checked against
 * the model this policy (and nothing else) defines.
 */

import type { RouteFamily } from '../assess/routes.js';
import { MatterlogError } from '../ledger/errors.js';

export interface FamilyShare {
  family: RouteFamily;
  /** Share of the lots' mass this family must receive at least / at most, in [0, 1]. */
  min?: number;
  max?: number;
}

export interface PolicyBody {
  /** The policy's id, stable across versions (e.g. "plant-7/2026"). */
  id: string;
  version: string;
  replaces?: string;
  name?: string;
  objective: {
    /** EUR per tonne of recovered material, by material id or `family/*`; unpriced materials are worth 0. */
    materialValueEurPerTonne?: Record<string, number>;
    /** EUR per tonne of CO2e emitted (a negative emission earns it). Default 0. */
    co2eEurPerTonne?: number;
    /** Weights of the three terms (default 1 each). */
    valueWeight?: number;
    costWeight?: number;
  };
  /** Transport cost, EUR per tonne-kilometre (default 0.1); distances are great-circle. */
  transportEurPerTonneKm?: number;
  /** Recovered material at least this share of the lots' mass. */
  minRecoveryRate?: number;
  maxLandfillShare?: number;
  maxEnergyRecoveryShare?: number;
  familyShares?: FamilyShare[];
  /** Capacity per route option for this period, tonnes (overrides the route's own). */
  capacities?: Record<string, number>;
  /** Largest contamination share each route family accepts (defaults in DEFAULT_TOLERANCE). */
  contaminationTolerance?: Partial<Record<RouteFamily, number>>;
  /** MIP: a fixed cost (EUR) to use a route option at all. */
  fixedCostsEur?: Record<string, number>;
  /** MIP: a route option, if used, must receive at least this many tonnes. */
  minBatchTonnes?: Record<string, number>;
  /** MIP: deliveries to each option go in whole truckloads of this many tonnes, each costing `truckCostEur`. */
  truckload?: { tonnes: number; costEur: number };
}

/** How much contamination each family takes when the policy does not say (matterlog defaults, stated in every plan). */
export const DEFAULT_TOLERANCE: Readonly<Record<RouteFamily, number>> = {
  mechanical: 0.05,
  chemical: 0.15,
  molecular: 0.3,
  composting: 0.05,
  'anaerobic-digestion': 0.1,
  'energy-recovery': 1,
  landfill: 1,
};

export const DEFAULT_TRANSPORT_EUR_PER_TKM = 0.1;

const FAMILIES = Object.keys(DEFAULT_TOLERANCE) as RouteFamily[];
const MEMBERS = [
  'id',
  'version',
  'replaces',
  'name',
  'objective',
  'transportEurPerTonneKm',
  'minRecoveryRate',
  'maxLandfillShare',
  'maxEnergyRecoveryShare',
  'familyShares',
  'capacities',
  'contaminationTolerance',
  'fixedCostsEur',
  'minBatchTonnes',
  'truckload',
];

interface Issue {
  pointer: string;
  reason: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const nonNegative = (v: unknown): v is number => finite(v) && v >= 0;
const fraction = (v: unknown): v is number => nonNegative(v) && v <= 1;

function record(
  body: Record<string, unknown>,
  field: string,
  ok: (v: unknown) => boolean,
  what: string,
  issues: Issue[],
) {
  const r = body[field];
  if (r === undefined) return;
  if (!isObject(r)) {
    issues.push({ pointer: `/${field}`, reason: `must be an object of ${what}` });
    return;
  }
  for (const [k, v] of Object.entries(r))
    if (!ok(v)) issues.push({ pointer: `/${field}/${k}`, reason: `must be ${what}` });
}

export function policyIssues(body: unknown): Issue[] {
  if (!isObject(body)) return [{ pointer: '', reason: 'a policy must be a JSON object' }];
  const issues: Issue[] = [];
  for (const k of Object.keys(body)) {
    if (!MEMBERS.includes(k))
      issues.push({ pointer: `/${k}`, reason: `is not a policy member (members: ${MEMBERS.join(', ')})` });
  }
  if (typeof body['id'] !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/.test(body['id']))
    issues.push({ pointer: '/id', reason: 'must be a policy id of 1 to 128 letters, digits and . _ : / -' });
  if (typeof body['version'] !== 'string' || body['version'] === '' || body['version'].length > 64)
    issues.push({ pointer: '/version', reason: 'must be a version label of 1 to 64 characters' });
  if (body['replaces'] !== undefined && (typeof body['replaces'] !== 'string' || body['replaces'] === body['version']))
    issues.push({ pointer: '/replaces', reason: 'must be the label of an earlier version' });
  const objective = body['objective'];
  if (!isObject(objective))
    issues.push({ pointer: '/objective', reason: 'is required: {"materialValueEurPerTonne", …}' });
  else {
    for (const k of Object.keys(objective)) {
      if (!['materialValueEurPerTonne', 'co2eEurPerTonne', 'valueWeight', 'costWeight'].includes(k))
        issues.push({ pointer: `/objective/${k}`, reason: 'is not an objective member' });
    }
    record(objective, 'materialValueEurPerTonne', finite, 'EUR per tonne (numbers)', issues);
    for (const f of ['co2eEurPerTonne'])
      if (objective[f] !== undefined && !finite(objective[f]))
        issues.push({ pointer: `/objective/${f}`, reason: 'must be a number' });
    for (const f of ['valueWeight', 'costWeight'])
      if (objective[f] !== undefined && !nonNegative(objective[f]))
        issues.push({ pointer: `/objective/${f}`, reason: 'must be a number ≥ 0' });
  }
  if (body['transportEurPerTonneKm'] !== undefined && !nonNegative(body['transportEurPerTonneKm']))
    issues.push({ pointer: '/transportEurPerTonneKm', reason: 'must be a number ≥ 0' });
  for (const f of ['minRecoveryRate', 'maxLandfillShare', 'maxEnergyRecoveryShare'])
    if (body[f] !== undefined && !fraction(body[f]))
      issues.push({ pointer: `/${f}`, reason: 'must be a fraction from 0 to 1' });
  const shares = body['familyShares'];
  if (shares !== undefined) {
    if (!Array.isArray(shares))
      issues.push({ pointer: '/familyShares', reason: 'must be an array of {"family", "min"?, "max"?}' });
    else
      shares.forEach((s, i) => {
        const at = `/familyShares/${i}`;
        if (!isObject(s) || !FAMILIES.includes(s['family'] as RouteFamily)) {
          issues.push({ pointer: at, reason: `must name a route family (${FAMILIES.join(', ')})` });
          return;
        }
        if (s['min'] !== undefined && !fraction(s['min']))
          issues.push({ pointer: `${at}/min`, reason: 'must be a fraction' });
        if (s['max'] !== undefined && !fraction(s['max']))
          issues.push({ pointer: `${at}/max`, reason: 'must be a fraction' });
        if (fraction(s['min']) && fraction(s['max']) && s['min'] > s['max'])
          issues.push({ pointer: at, reason: `min ${s['min']} is above max ${s['max']}` });
      });
  }
  record(body, 'capacities', nonNegative, 'tonnes (numbers ≥ 0)', issues);
  record(body, 'contaminationTolerance', fraction, 'fractions from 0 to 1', issues);
  const tol = body['contaminationTolerance'];
  if (isObject(tol))
    for (const k of Object.keys(tol))
      if (!FAMILIES.includes(k as RouteFamily))
        issues.push({ pointer: `/contaminationTolerance/${k}`, reason: 'is not a route family' });
  record(body, 'fixedCostsEur', nonNegative, 'EUR (numbers ≥ 0)', issues);
  record(body, 'minBatchTonnes', nonNegative, 'tonnes (numbers ≥ 0)', issues);
  const truck = body['truckload'];
  if (
    truck !== undefined &&
    (!isObject(truck) || !(finite(truck['tonnes']) && truck['tonnes'] > 0) || !nonNegative(truck['costEur']))
  )
    issues.push({ pointer: '/truckload', reason: 'must be {"tonnes": > 0, "costEur": ≥ 0}' });
  return issues;
}

export function checkPolicy(body: unknown): PolicyBody {
  const issues = policyIssues(body);
  if (issues.length > 0) {
    const shown = issues.slice(0, 3).map((x) => `${x.pointer || '/'}: ${x.reason}`);
    throw new MatterlogError(
      'invalid_input',
      `the policy is not valid (${issues.length} problem${issues.length === 1 ? '' : 's'}): ${shown.join('; ')}${issues.length > 3 ? '; …' : ''}`,
      { details: { errors: issues } },
    );
  }
  return body as PolicyBody;
}

/** Whether the policy needs integer variables (fixed costs, minimum batches, truckloads). */
export function isMip(p: PolicyBody): boolean {
  return (
    Object.keys(p.fixedCostsEur ?? {}).length > 0 ||
    Object.keys(p.minBatchTonnes ?? {}).length > 0 ||
    p.truckload !== undefined
  );
}
