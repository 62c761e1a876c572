/**
 * What operators publish about their own plants: `route` statements (a
 * recycling process with their plant's yields, acceptance rules, capacity,
 * cost, energy and emissions, usually specialising a catalog route) and
 * `facility` statements (a site, named by the location id its EPCIS events
 * use). A route statement overrides the catalog's defaults for that plant only.
 */
import { MatterlogError } from '../ledger/errors.js';
import { MATERIALS, material } from './materials.js';
import {
  DESIGN_FEATURES,
  ROUTES,
  type RouteEntry,
  type RouteFamily,
  type RouteOutcome,
  type RouteYield,
} from './routes.js';

export interface RouteBody {
  /** The route's id, unique in the log (catalog ids are reserved): e.g. "plant-7/pet-wash". */
  id: string;
  /** The catalog route this one specialises; everything not stated is taken from it. */
  base?: string;
  name?: string;
  family?: RouteFamily;
  outcome?: RouteOutcome;
  /** The facility (its location id) where the route runs. */
  facility?: string;
  /** Yields of this plant; they take precedence over the base route's for the materials they name. */
  yields?: { material: string; yield: number; source?: string }[];
  rejectsFeatures?: string[];
  acceptsMixtures?: boolean;
  tolerates?: { material: string; maxShare: number }[];
  capacityTonnesPerYear?: number;
  costEurPerTonne?: number;
  energyKwhPerTonne?: number;
  processKgCo2ePerTonne?: number;
}

export const FACILITY_TYPES = [
  'production',
  'collection',
  'sorting',
  'recycling',
  'composting',
  'energy-recovery',
  'landfill',
  'storage',
] as const;
export type FacilityType = (typeof FACILITY_TYPES)[number];

export interface FacilityBody {
  /** The location id its EPCIS events use as bizLocation: an SGLN URN or a URI. */
  id: string;
  name: string;
  type: FacilityType;
  /** Ids of the routes it runs (catalog routes or its operator's route statements). */
  routes?: string[];
  capacityTonnesPerYear?: number;
  /** ISO 3166-1 alpha-2. */
  country?: string;
  location?: { latitude: number; longitude: number };
}

interface Issue {
  pointer: string;
  reason: string;
}

const FAMILIES: readonly RouteFamily[] = [
  'mechanical',
  'chemical',
  'molecular',
  'composting',
  'anaerobic-digestion',
  'energy-recovery',
  'landfill',
];
const OUTCOMES: readonly RouteOutcome[] = ['recycling', 'organic-recycling', 'energy-recovery', 'disposal'];
const ROUTE_ID = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;
const LOCATION_ID = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]{1,500}$/;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const nonNegative = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const fraction = (v: unknown): v is number => nonNegative(v) && v <= 1;

/** A material id or a `family/*` pattern that names at least one catalog material. */
function materialPattern(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  if (material(v) !== undefined) return true;
  return v.endsWith('/*') && MATERIALS.some((m) => m.id.startsWith(v.slice(0, -1)));
}

function onlyMembers(body: Record<string, unknown>, allowed: readonly string[], issues: Issue[]): void {
  for (const k of Object.keys(body)) {
    if (!allowed.includes(k))
      issues.push({ pointer: `/${k}`, reason: `is not a member (members: ${allowed.join(', ')})` });
  }
}

function numbers(body: Record<string, unknown>, fields: readonly string[], issues: Issue[]): void {
  for (const f of fields) {
    if (body[f] !== undefined && !nonNegative(body[f]))
      issues.push({ pointer: `/${f}`, reason: 'must be a number ≥ 0' });
  }
}

export function routeIssues(body: unknown): Issue[] {
  if (!isObject(body)) return [{ pointer: '', reason: 'a route must be a JSON object' }];
  const issues: Issue[] = [];
  onlyMembers(
    body,
    [
      'id',
      'base',
      'name',
      'family',
      'outcome',
      'facility',
      'yields',
      'rejectsFeatures',
      'acceptsMixtures',
      'tolerates',
      'capacityTonnesPerYear',
      'costEurPerTonne',
      'energyKwhPerTonne',
      'processKgCo2ePerTonne',
    ],
    issues,
  );
  const id = body['id'];
  if (typeof id !== 'string' || !ROUTE_ID.test(id)) {
    issues.push({ pointer: '/id', reason: 'must be a route id of 1 to 128 letters, digits and . _ : / -' });
  } else if (ROUTES.some((r) => r.id === id)) {
    issues.push({
      pointer: '/id',
      reason: `"${id}" is a catalog route; give your plant's route its own id and name the catalog route in "base"`,
    });
  }
  const base = body['base'];
  if (base !== undefined && !ROUTES.some((r) => r.id === base)) {
    issues.push({ pointer: '/base', reason: `must be a catalog route (${ROUTES.map((r) => r.id).join(', ')})` });
  }
  if (base === undefined) {
    for (const f of ['family', 'outcome', 'yields'])
      if (body[f] === undefined) issues.push({ pointer: `/${f}`, reason: 'is required when the route has no base' });
  }
  if (body['family'] !== undefined && !FAMILIES.includes(body['family'] as RouteFamily))
    issues.push({ pointer: '/family', reason: `must be one of ${FAMILIES.join(', ')}` });
  if (body['outcome'] !== undefined && !OUTCOMES.includes(body['outcome'] as RouteOutcome))
    issues.push({ pointer: '/outcome', reason: `must be one of ${OUTCOMES.join(', ')}` });
  if (body['name'] !== undefined && (typeof body['name'] !== 'string' || body['name'].length > 200))
    issues.push({ pointer: '/name', reason: 'must be a string of at most 200 characters' });
  if (body['facility'] !== undefined && (typeof body['facility'] !== 'string' || !LOCATION_ID.test(body['facility'])))
    issues.push({ pointer: '/facility', reason: 'must be a facility location id (a URI such as urn:epc:id:sgln:…)' });
  const yields = body['yields'];
  if (yields !== undefined) {
    if (!Array.isArray(yields) || yields.length === 0)
      issues.push({ pointer: '/yields', reason: 'must list at least one {"material", "yield"}' });
    else {
      yields.forEach((y, i) => {
        const at = `/yields/${i}`;
        if (!isObject(y)) {
          issues.push({ pointer: at, reason: 'must be {"material", "yield", "source"?}' });
          return;
        }
        if (!materialPattern(y['material']))
          issues.push({ pointer: `${at}/material`, reason: 'must be a catalog material id or family/*' });
        if (!fraction(y['yield'])) issues.push({ pointer: `${at}/yield`, reason: 'must be a fraction from 0 to 1' });
        if (y['source'] !== undefined && (typeof y['source'] !== 'string' || y['source'].length > 500))
          issues.push({ pointer: `${at}/source`, reason: 'must be a string of at most 500 characters' });
      });
    }
  }
  const features = body['rejectsFeatures'];
  if (features !== undefined) {
    if (!Array.isArray(features)) issues.push({ pointer: '/rejectsFeatures', reason: 'must be an array' });
    else
      features.forEach((f, i) => {
        if (typeof f !== 'string' || !Object.hasOwn(DESIGN_FEATURES, f))
          issues.push({ pointer: `/rejectsFeatures/${i}`, reason: `unknown design feature ${JSON.stringify(f)}` });
      });
  }
  if (body['acceptsMixtures'] !== undefined && typeof body['acceptsMixtures'] !== 'boolean')
    issues.push({ pointer: '/acceptsMixtures', reason: 'must be true or false' });
  const tolerates = body['tolerates'];
  if (tolerates !== undefined) {
    if (!Array.isArray(tolerates)) issues.push({ pointer: '/tolerates', reason: 'must be an array' });
    else
      tolerates.forEach((t, i) => {
        if (!isObject(t) || !materialPattern(t['material']) || !fraction(t['maxShare']))
          issues.push({ pointer: `/tolerates/${i}`, reason: 'must be {"material": <id>, "maxShare": <0..1>}' });
      });
  }
  numbers(body, ['capacityTonnesPerYear', 'costEurPerTonne', 'energyKwhPerTonne', 'processKgCo2ePerTonne'], issues);
  return issues;
}

export function facilityIssues(body: unknown): Issue[] {
  if (!isObject(body)) return [{ pointer: '', reason: 'a facility must be a JSON object' }];
  const issues: Issue[] = [];
  onlyMembers(body, ['id', 'name', 'type', 'routes', 'capacityTonnesPerYear', 'country', 'location'], issues);
  if (typeof body['id'] !== 'string' || !LOCATION_ID.test(body['id']))
    issues.push({
      pointer: '/id',
      reason: 'must be the location id its EPCIS events use (a URI such as urn:epc:id:sgln:…)',
    });
  if (typeof body['name'] !== 'string' || body['name'] === '' || body['name'].length > 200)
    issues.push({ pointer: '/name', reason: 'must be a name of 1 to 200 characters' });
  if (!FACILITY_TYPES.includes(body['type'] as FacilityType))
    issues.push({ pointer: '/type', reason: `must be one of ${FACILITY_TYPES.join(', ')}` });
  const routes = body['routes'];
  if (
    routes !== undefined &&
    (!Array.isArray(routes) || routes.some((r) => typeof r !== 'string' || !ROUTE_ID.test(r)))
  )
    issues.push({ pointer: '/routes', reason: 'must be an array of route ids' });
  numbers(body, ['capacityTonnesPerYear'], issues);
  if (body['country'] !== undefined && (typeof body['country'] !== 'string' || !/^[A-Z]{2}$/.test(body['country'])))
    issues.push({ pointer: '/country', reason: 'must be an ISO 3166-1 alpha-2 code such as "DE"' });
  const loc = body['location'];
  if (loc !== undefined) {
    const ok =
      isObject(loc) &&
      typeof loc['latitude'] === 'number' &&
      Math.abs(loc['latitude']) <= 90 &&
      typeof loc['longitude'] === 'number' &&
      Math.abs(loc['longitude']) <= 180 &&
      Object.keys(loc).length === 2;
    if (!ok) issues.push({ pointer: '/location', reason: 'must be {"latitude": -90..90, "longitude": -180..180}' });
  }
  return issues;
}

function refuse(what: string, issues: Issue[]): never {
  const shown = issues.slice(0, 3).map((x) => `${x.pointer || '/'}: ${x.reason}`);
  throw new MatterlogError(
    'invalid_input',
    `the ${what} is not valid (${issues.length} problem${issues.length === 1 ? '' : 's'}): ${shown.join('; ')}${issues.length > 3 ? '; …' : ''}`,
    { details: { errors: issues } },
  );
}

export function checkRoute(body: unknown): RouteBody {
  const issues = routeIssues(body);
  if (issues.length > 0) refuse('route', issues);
  return body as RouteBody;
}

export function checkFacility(body: unknown): FacilityBody {
  const issues = facilityIssues(body);
  if (issues.length > 0) refuse('facility', issues);
  return body as FacilityBody;
}

/** The route an operator's statement describes, its unstated figures taken from its base route. */
export function resolveRoute(body: RouteBody, publisher: string): RouteEntry {
  const base = ROUTES.find((r) => r.id === body.base);
  const own: RouteYield[] = (body.yields ?? []).map((y) => ({
    material: y.material,
    yield: y.yield,
    source: y.source ?? `declared by ${publisher} in route statement "${body.id}"`,
    confidence: 'declared',
  }));
  const named = new Set(own.map((y) => y.material));
  const entry: RouteEntry = {
    id: body.id,
    family: body.family ?? (base as RouteEntry).family,
    name: body.name ?? `${base?.name ?? body.id} at ${body.facility ?? publisher}`,
    outcome: body.outcome ?? (base as RouteEntry).outcome,
    yields: [...own, ...(base?.yields ?? []).filter((y) => !named.has(y.material))],
    rejectsFeatures: body.rejectsFeatures ?? base?.rejectsFeatures ?? [],
    acceptsMixtures: body.acceptsMixtures ?? base?.acceptsMixtures ?? false,
    tolerates: body.tolerates ?? base?.tolerates ?? [],
    warmPathway: base?.warmPathway ?? null,
    capacityTonnesPerYear: body.capacityTonnesPerYear ?? base?.capacityTonnesPerYear ?? null,
    costEurPerTonne: body.costEurPerTonne ?? base?.costEurPerTonne ?? null,
    energyKwhPerTonne: body.energyKwhPerTonne ?? base?.energyKwhPerTonne ?? null,
  };
  if (body.processKgCo2ePerTonne !== undefined) entry.processKgCo2ePerTonne = body.processKgCo2ePerTonne;
  if (body.facility !== undefined) entry.facility = body.facility;
  return entry;
}
