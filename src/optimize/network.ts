/**
 * What the optimizer routes and where to: lots of material (mass, composition
 * by material, contamination, location) and route options (a route at a
 * facility, with its capacity, cost, emissions and location). Both are checked
 * here with pointers, so a bad input file is refused before any model is built.
 */
import { material, warmKgPerKg } from '../assess/materials.js';
import { ROUTES, type RouteEntry, routeYield } from '../assess/routes.js';
import { MatterlogError } from '../ledger/errors.js';

export interface Location {
  latitude: number;
  longitude: number;
}

export interface Lot {
  id: string;
  massTonnes: number;
  /** Mass fraction per material id; the rest (up to 1) is unrecoverable residue. */
  composition: Record<string, number>;
  /** Share of the lot's mass that is contamination (residue, moisture, foreign material), in [0, 1]. */
  contamination?: number;
  location?: Location;
}

export interface RouteOption {
  /** Unique id of the option, e.g. "plant-7/pet-line" or a catalog route id. */
  id: string;
  route: RouteEntry;
  facility?: string;
  location?: Location;
  /** Tonnes per period; null: no limit. */
  capacityTonnes: number | null;
  costEurPerTonne: number;
  /** Process emissions per tonne of input (on top of the materials' end-of-life factors). */
  processKgCo2ePerTonne: number;
}

interface Issue {
  pointer: string;
  reason: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const positive = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;
const fraction = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1;
const ID = /^[^\s]{1,200}$/;

function locationIssue(v: unknown): boolean {
  return (
    !isObject(v) ||
    typeof v['latitude'] !== 'number' ||
    Math.abs(v['latitude']) > 90 ||
    typeof v['longitude'] !== 'number' ||
    Math.abs(v['longitude']) > 180
  );
}

function refuse(what: string, issues: Issue[]): never {
  const shown = issues.slice(0, 3).map((x) => `${x.pointer}: ${x.reason}`);
  throw new MatterlogError(
    'invalid_input',
    `the ${what} are not valid (${issues.length} problem${issues.length === 1 ? '' : 's'}): ${shown.join('; ')}${issues.length > 3 ? '; …' : ''}`,
    { details: { errors: issues } },
  );
}

/** The lots, or `invalid_input` listing every problem with its pointer. */
export function checkLots(value: unknown): Lot[] {
  const lots = isObject(value) ? value['lots'] : value;
  if (!Array.isArray(lots) || lots.length === 0)
    refuse('lots', [{ pointer: '/lots', reason: 'must list at least one lot' }]);
  const issues: Issue[] = [];
  const ids = new Set<string>();
  lots.forEach((l, i) => {
    const at = `/lots/${i}`;
    if (!isObject(l)) {
      issues.push({ pointer: at, reason: 'must be {"id", "massTonnes", "composition", …}' });
      return;
    }
    if (typeof l['id'] !== 'string' || !ID.test(l['id']))
      issues.push({ pointer: `${at}/id`, reason: 'must be an id without spaces' });
    else if (ids.has(l['id'])) issues.push({ pointer: `${at}/id`, reason: `"${l['id']}" names two lots` });
    else ids.add(l['id']);
    if (!positive(l['massTonnes']))
      issues.push({ pointer: `${at}/massTonnes`, reason: 'must be a positive number of tonnes' });
    const comp = l['composition'];
    if (!isObject(comp) || Object.keys(comp).length === 0) {
      issues.push({ pointer: `${at}/composition`, reason: 'must give the mass fraction of at least one material' });
    } else {
      let sum = 0;
      for (const [m, f] of Object.entries(comp)) {
        if (!material(m))
          issues.push({
            pointer: `${at}/composition/${m}`,
            reason: `unknown material "${m}"; "matterlog catalog" lists them`,
          });
        if (!fraction(f)) issues.push({ pointer: `${at}/composition/${m}`, reason: 'must be a fraction from 0 to 1' });
        else sum += f;
      }
      const contamination = fraction(l['contamination']) ? l['contamination'] : 0;
      if (sum + contamination > 1 + 1e-9)
        issues.push({
          pointer: `${at}/composition`,
          reason: `the fractions and the contamination add up to ${sum + contamination}, more than 1`,
        });
    }
    if (l['contamination'] !== undefined && !fraction(l['contamination']))
      issues.push({ pointer: `${at}/contamination`, reason: 'must be a fraction from 0 to 1' });
    if (l['location'] !== undefined && locationIssue(l['location']))
      issues.push({ pointer: `${at}/location`, reason: 'must be {"latitude": -90..90, "longitude": -180..180}' });
    for (const k of Object.keys(l))
      if (!['id', 'massTonnes', 'composition', 'contamination', 'location'].includes(k))
        issues.push({
          pointer: `${at}/${k}`,
          reason: 'is not a lot member (id, massTonnes, composition, contamination, location)',
        });
  });
  if (issues.length === 0 && !Number.isFinite((lots as Lot[]).reduce((t, l) => t + l.massTonnes, 0))) {
    issues.push({ pointer: '/lots', reason: 'the lots’ total mass is not a finite number of tonnes' });
  }
  if (issues.length > 0) refuse('lots', issues);
  return lots as Lot[];
}

/** One option per catalog route, with the catalog's capacity and cost, at no particular place. */
export function catalogOptions(routes: readonly RouteEntry[] = ROUTES): RouteOption[] {
  return routes.map((route) => ({
    id: route.id,
    route,
    capacityTonnes: route.capacityTonnesPerYear,
    costEurPerTonne: route.costEurPerTonne ?? 0,
    processKgCo2ePerTonne: route.processKgCo2ePerTonne ?? 0,
  }));
}

/** Great-circle distance in km (haversine, mean Earth radius 6,371 km); 0 when either place is unknown. */
export function distanceKm(a: Location | undefined, b: Location | undefined): number {
  if (!a || !b) return 0;
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
}

export interface LotThroughOption {
  /** Tonnes of recovered material per tonne of lot (0 for routes that do not recycle). */
  recoveredPerTonne: number;
  /** Recovered tonnes per material, per tonne of lot. */
  recoveredByMaterial: Record<string, number>;
  /** kg CO2e per tonne of lot: the materials' WARM factors for the route's pathway, plus process emissions. */
  kgCo2ePerTonne: number;
  /** Why the option cannot take the lot, or null when it can. */
  refused: string | null;
}

/** What sending one tonne of `lot` through `option` recovers and emits, or why it cannot go there. */
export function throughOption(lot: Lot, option: RouteOption, tolerance: number): LotThroughOption {
  const r = option.route;
  const recovers = r.outcome === 'recycling' || r.outcome === 'organic-recycling';
  const contamination = lot.contamination ?? 0;
  let unaccepted = 0;
  let recovered = 0;
  const byMaterial: Record<string, number> = {};
  let kg = option.processKgCo2ePerTonne;
  for (const [m, share] of Object.entries(lot.composition)) {
    const y = routeYield(r, m);
    if (!y || y.yield === 0) unaccepted += share;
    else if (recovers) {
      byMaterial[m] = share * y.yield;
      recovered += share * y.yield;
    }
    const factor = r.warmPathway ? warmKgPerKg(m, r.warmPathway) : null;
    if (factor !== null) kg += share * factor * 1000;
  }
  let refused: string | null = null;
  const foreign = recovers && !r.acceptsMixtures ? contamination + unaccepted : contamination;
  if (foreign > tolerance + 1e-12) {
    refused = `${(100 * foreign).toFixed(1)}% of the lot is contamination or material the route does not take; it tolerates ${(100 * tolerance).toFixed(1)}%`;
  } else if (recovers && recovered === 0) refused = 'the route recovers none of the lot’s materials';
  return { recoveredPerTonne: recovered, recoveredByMaterial: byMaterial, kgCo2ePerTonne: kg, refused };
}

const FAMILIES = [
  'mechanical',
  'chemical',
  'molecular',
  'composting',
  'anaerobic-digestion',
  'energy-recovery',
  'landfill',
];
const OUTCOMES = ['recycling', 'organic-recycling', 'energy-recovery', 'disposal'];
const PATHWAYS = ['recycled', 'landfilled', 'combusted', 'composted'];
const finiteAtLeast0 = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

function routeEntryIssues(r: unknown, at: string, issues: Issue[]): void {
  if (!isObject(r)) {
    issues.push({ pointer: at, reason: 'must be a route entry (GET /catalog shows their shape)' });
    return;
  }
  if (typeof r['id'] !== 'string' || r['id'] === '') issues.push({ pointer: `${at}/id`, reason: 'must be a route id' });
  if (!FAMILIES.includes(r['family'] as string))
    issues.push({ pointer: `${at}/family`, reason: `must be one of ${FAMILIES.join(', ')}` });
  if (!OUTCOMES.includes(r['outcome'] as string))
    issues.push({ pointer: `${at}/outcome`, reason: `must be one of ${OUTCOMES.join(', ')}` });
  if (r['warmPathway'] !== null && !PATHWAYS.includes(r['warmPathway'] as string))
    issues.push({ pointer: `${at}/warmPathway`, reason: `must be null or one of ${PATHWAYS.join(', ')}` });
  if (typeof r['acceptsMixtures'] !== 'boolean')
    issues.push({ pointer: `${at}/acceptsMixtures`, reason: 'must be true or false' });
  const yields = r['yields'];
  if (!Array.isArray(yields)) issues.push({ pointer: `${at}/yields`, reason: 'must be an array' });
  else
    yields.forEach((y, k) => {
      if (!isObject(y) || typeof y['material'] !== 'string' || !fraction(y['yield']))
        issues.push({ pointer: `${at}/yields/${k}`, reason: 'must be {"material", "yield" from 0 to 1, …}' });
    });
  for (const list of ['rejectsFeatures', 'tolerates']) {
    if (!Array.isArray(r[list])) issues.push({ pointer: `${at}/${list}`, reason: 'must be an array' });
  }
  if (Array.isArray(r['tolerates']))
    (r['tolerates'] as unknown[]).forEach((t, k) => {
      if (!isObject(t) || typeof t['material'] !== 'string' || !fraction(t['maxShare']))
        issues.push({ pointer: `${at}/tolerates/${k}`, reason: 'must be {"material", "maxShare" from 0 to 1}' });
    });
}

/** Route options, checked as strictly as lots: every number finite, every enumeration known. */
export function checkOptions(value: unknown, where = '/options'): RouteOption[] {
  if (!Array.isArray(value) || value.length === 0)
    refuse('route options', [{ pointer: where, reason: 'must list at least one route option' }]);
  const issues: Issue[] = [];
  const ids = new Set<string>();
  value.forEach((o, i) => {
    const at = `${where}/${i}`;
    if (!isObject(o)) {
      issues.push({
        pointer: at,
        reason: 'must be {"id", "route", "capacityTonnes", "costEurPerTonne", "processKgCo2ePerTonne", …}',
      });
      return;
    }
    if (typeof o['id'] !== 'string' || !ID.test(o['id']))
      issues.push({ pointer: `${at}/id`, reason: 'must be an id without spaces' });
    else if (ids.has(o['id'])) issues.push({ pointer: `${at}/id`, reason: `"${o['id']}" names two options` });
    else ids.add(o['id']);
    routeEntryIssues(o['route'], `${at}/route`, issues);
    if (o['capacityTonnes'] !== null && !finiteAtLeast0(o['capacityTonnes']))
      issues.push({ pointer: `${at}/capacityTonnes`, reason: 'must be null (no limit) or a number of tonnes ≥ 0' });
    for (const f of ['costEurPerTonne', 'processKgCo2ePerTonne']) {
      if (typeof o[f] !== 'number' || !Number.isFinite(o[f]))
        issues.push({ pointer: `${at}/${f}`, reason: 'must be a finite number' });
    }
    if (o['location'] !== undefined && locationIssue(o['location']))
      issues.push({ pointer: `${at}/location`, reason: 'must be {"latitude": -90..90, "longitude": -180..180}' });
    if (o['facility'] !== undefined && typeof o['facility'] !== 'string')
      issues.push({ pointer: `${at}/facility`, reason: 'must be a location id' });
  });
  if (issues.length > 0) refuse('route options', issues);
  return value as RouteOption[];
}
