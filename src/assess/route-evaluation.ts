/**
 * Whether, and how much of, one part a route recovers: the inner loop of the
 * recyclability assessment, run for every part, every route and every design
 * counterfactual, so its lookups are tabled once per routes array and refusal
 * reasons are only written when someone will read them.
 */
import { covers, type RouteEntry, type RouteYield, routeYield } from './routes.js';

export interface PartComponent {
  id: string;
  material: string;
  massKg: number;
  features?: string[];
}

export interface RouteTable {
  route: RouteEntry;
  rejects: ReadonlySet<string>;
  yields: Map<string, RouteYield | null>;
  tolerated: Map<string, { material: string; maxShare: number } | null>;
}

export const EPSILON_KG = 1e-9;

const recovering = (r: RouteEntry) => r.outcome === 'recycling' || r.outcome === 'organic-recycling';
const tables = new WeakMap<readonly RouteEntry[], RouteTable[]>();

/** The recovering routes of `routes`, with their lookups tabled (the catalog's route entries are not changed in place). */
export function routeTables(routes: readonly RouteEntry[]): RouteTable[] {
  let t = tables.get(routes);
  if (!t) {
    t = routes.filter(recovering).map((route) => ({
      route,
      rejects: new Set(route.rejectsFeatures),
      yields: new Map(),
      tolerated: new Map(),
    }));
    tables.set(routes, t);
  }
  return t;
}

function yieldOf(t: RouteTable, material: string): RouteYield | null {
  let y = t.yields.get(material);
  if (y === undefined) {
    y = routeYield(t.route, material);
    t.yields.set(material, y);
  }
  return y;
}

function toleranceOf(t: RouteTable, material: string): { material: string; maxShare: number } | null {
  let v = t.tolerated.get(material);
  if (v === undefined) {
    v = t.route.tolerates.find((x) => covers(x.material, material)) ?? null;
    t.tolerated.set(material, v);
  }
  return v;
}

/** A refusal whose reason nobody asked for. */
export const REFUSED = { refused: '' } as const;

/**
 * What route `t` recovers of a part (kg, after separation losses), or why it
 * cannot take it. `ignoreFeatures` evaluates the part as if it had none.
 */
export function throughRoute(
  components: readonly PartComponent[],
  massKg: number,
  separation: number,
  t: RouteTable,
  withReasons: boolean,
  ignoreFeatures = false,
): { kg: number } | { refused: string } {
  if (!ignoreFeatures) {
    for (const c of components) {
      for (const f of c.features ?? []) {
        if (t.rejects.has(f)) return withReasons ? { refused: `${c.id} has ${f}` } : REFUSED;
      }
    }
  }
  // A route that cannot separate a mixture recovers only the part's main accepted material.
  let target: string | null = null;
  if (!t.route.acceptsMixtures) {
    const byMaterial = new Map<string, number>();
    for (const c of components) {
      if (yieldOf(t, c.material)) byMaterial.set(c.material, (byMaterial.get(c.material) ?? 0) + c.massKg);
    }
    let most = Number.NEGATIVE_INFINITY;
    for (const [m, kg] of byMaterial) {
      if (kg > most) {
        most = kg;
        target = m;
      }
    }
  }
  let kg = 0;
  let contaminants: Map<string, number> | null = null;
  for (const c of components) {
    const y = target === null || c.material === target ? yieldOf(t, c.material) : null;
    if (y) {
      kg += c.massKg * y.yield;
      continue;
    }
    const tolerance = toleranceOf(t, c.material);
    if (!tolerance) {
      if (!withReasons) return REFUSED;
      return {
        refused:
          target !== null && yieldOf(t, c.material)
            ? `it cannot separate ${c.material} (${c.id}) from ${target}`
            : `it does not accept ${c.material} (${c.id})`,
      };
    }
    contaminants ??= new Map();
    contaminants.set(tolerance.material, (contaminants.get(tolerance.material) ?? 0) + c.massKg);
  }
  for (const [pattern, mass] of contaminants ?? []) {
    const limit = t.route.tolerates.find((x) => x.material === pattern)?.maxShare ?? 0;
    if (mass / massKg > limit) {
      if (!withReasons) return REFUSED;
      return {
        refused: `${pattern} is ${((100 * mass) / massKg).toFixed(1)}% of the part; it tolerates ${100 * limit}%`,
      };
    }
  }
  return { kg: kg * separation };
}

/** The most any of `routes` recovers of a part (0 when none takes it). */
export function bestKg(
  components: readonly PartComponent[],
  massKg: number,
  separation: number,
  routes: readonly RouteTable[],
  ignoreFeatures = false,
): { kg: number; taken: boolean } {
  let best: number | null = null;
  for (const t of routes) {
    const r = throughRoute(components, massKg, separation, t, false, ignoreFeatures);
    if (r === REFUSED || !('kg' in r)) continue;
    if (best === null || r.kg > best + EPSILON_KG) best = r.kg;
  }
  return { kg: best ?? 0, taken: best !== null };
}
