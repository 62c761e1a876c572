/**
 * The recyclability assessment written the plain way (every counterfactual a
 * full reassessment): the oracle the optimised src/assess/recyclability.ts must
 * agree with exactly, on every design a property test can think of.
 */
import {
  type AssessOptions,
  type Blocker,
  checkDesign,
  type DesignComponent,
  type PartResult,
  type ProductDesign,
  type RecyclabilityResult,
} from '../../src/assess/recyclability.js';
import { covers, type RouteEntry, routeYield } from '../../src/assess/routes.js';

const DEFAULT_SORTING_EFFICIENCY = 0.95;
// Differences below a microgram are arithmetic noise, not a design cost.
const EPSILON_KG = 1e-9;

const recovering = (r: RouteEntry) => r.outcome === 'recycling' || r.outcome === 'organic-recycling';

interface Part {
  components: DesignComponent[];
  massKg: number;
  separation: number;
}

function partsOf(design: ProductDesign, sorting: number): Part[] {
  const parent = new Map(design.components.map((c) => [c.id, c.id]));
  const find = (id: string): string => {
    let root = id;
    while (parent.get(root) !== root) root = parent.get(root) as string;
    parent.set(id, root);
    return root;
  };
  for (const j of design.joins) if (j.method === 'inseparable') parent.set(find(j.a), find(j.b));
  const groups = new Map<string, DesignComponent[]>();
  for (const c of design.components) groups.set(find(c.id), [...(groups.get(find(c.id)) ?? []), c]);
  const shredded = new Set<string>();
  for (const j of design.joins) {
    if (j.method === 'shredding' && find(j.a) !== find(j.b)) {
      shredded.add(find(j.a));
      shredded.add(find(j.b));
    }
  }
  return [...groups].map(([root, components]) => ({
    components,
    massKg: components.reduce((s, c) => s + c.massKg, 0),
    separation: shredded.has(root) ? sorting : 1,
  }));
}

/** What `route` recovers of `part`, or why it cannot take it. */
function throughRoute(part: Part, route: RouteEntry): { kg: number } | { refused: string } {
  for (const c of part.components) {
    const f = (c.features ?? []).find((x) => route.rejectsFeatures.includes(x));
    if (f) return { refused: `${c.id} has ${f}` };
  }
  // A route that cannot separate a mixture recovers only the part's main accepted material.
  let target: string | null = null;
  if (!route.acceptsMixtures) {
    const byMaterial = new Map<string, number>();
    for (const c of part.components) {
      if (routeYield(route, c.material)) byMaterial.set(c.material, (byMaterial.get(c.material) ?? 0) + c.massKg);
    }
    target = [...byMaterial].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
  }
  let kg = 0;
  const contaminants = new Map<string, number>();
  for (const c of part.components) {
    const y = target === null || c.material === target ? routeYield(route, c.material) : null;
    if (y) {
      kg += c.massKg * y.yield;
      continue;
    }
    const t = route.tolerates.find((x) => covers(x.material, c.material));
    if (!t) {
      return {
        refused:
          target !== null && routeYield(route, c.material)
            ? `it cannot separate ${c.material} (${c.id}) from ${target}`
            : `it does not accept ${c.material} (${c.id})`,
      };
    }
    contaminants.set(t.material, (contaminants.get(t.material) ?? 0) + c.massKg);
  }
  for (const [pattern, mass] of contaminants) {
    const limit = route.tolerates.find((x) => x.material === pattern)?.maxShare ?? 0;
    if (mass / part.massKg > limit) {
      return {
        refused: `${pattern} is ${((100 * mass) / part.massKg).toFixed(1)}% of the part; it tolerates ${100 * limit}%`,
      };
    }
  }
  return { kg: kg * part.separation };
}

function recover(design: ProductDesign, options: AssessOptions): { parts: PartResult[]; recoveredKg: number } {
  const routes = options.routes.filter(recovering);
  const parts = partsOf(design, options.sortingEfficiency ?? DEFAULT_SORTING_EFFICIENCY).map((part) => {
    let best: { route: string; kg: number } | null = null;
    const refusedBy: Record<string, string> = {};
    for (const route of routes) {
      const r = throughRoute(part, route);
      if ('refused' in r) refusedBy[route.id] = r.refused;
      else if (!best || r.kg > best.kg + EPSILON_KG) best = { route: route.id, kg: r.kg };
    }
    return {
      components: part.components.map((c) => c.id),
      massKg: part.massKg,
      separation: part.separation,
      bestRoute: best?.route ?? null,
      recoveredKg: best?.kg ?? 0,
      refusedBy,
    };
  });
  return { parts, recoveredKg: parts.reduce((s, p) => s + p.recoveredKg, 0) };
}

/** Assesses a design against the available routes; see the header for the model. */
export function assessRecyclabilityPlainly(design: ProductDesign, options: AssessOptions): RecyclabilityResult {
  checkDesign(design);
  const total = design.components.reduce((s, c) => s + c.massKg, 0);
  const actual = recover(design, options);
  const blockers: Blocker[] = [];
  const add = (b: Omit<Blocker, 'costShare'>) => {
    if (b.costKg > EPSILON_KG) blockers.push({ ...b, costShare: b.costKg / total });
  };
  // Each design choice, undone on its own: what would be recovered without it?
  for (const c of design.components) {
    for (const f of c.features ?? []) {
      const without: ProductDesign = {
        ...design,
        components: design.components.map((x) =>
          x === c ? { ...x, features: (x.features ?? []).filter((g) => g !== f) } : x,
        ),
      };
      add({
        kind: 'feature',
        components: [c.id],
        feature: f,
        costKg: recover(without, options).recoveredKg - actual.recoveredKg,
        explanation: `${f} on ${c.id}`,
      });
    }
  }
  design.joins.forEach((j, i) => {
    if (j.method === 'inseparable') {
      const separable = {
        ...design,
        joins: design.joins.map((x, k) => (k === i ? { ...x, method: 'hand' as const } : x)),
      };
      add({
        kind: 'inseparable-join',
        components: [j.a, j.b],
        costKg: recover(separable, options).recoveredKg - actual.recoveredKg,
        explanation: `${j.a} and ${j.b} cannot be separated`,
      });
    }
  });
  if (design.joins.some((j) => j.method === 'shredding')) {
    const byHand = {
      ...design,
      joins: design.joins.map((j) => (j.method === 'shredding' ? { ...j, method: 'hand' as const } : j)),
    };
    add({
      kind: 'shredding',
      components: design.joins
        .filter((j) => j.method === 'shredding')
        .flatMap((j) => [j.a, j.b])
        .filter((v, k, a) => a.indexOf(v) === k),
      costKg: recover(byHand, options).recoveredKg - actual.recoveredKg,
      explanation: 'parts separated by shredding and sorting, not by hand, lose what sorting misses',
    });
  }
  const ideal: ProductDesign = {
    components: design.components.map((c) => ({ ...c, features: [] })),
    joins: [],
  };
  const idealParts = recover(ideal, options);
  for (const p of idealParts.parts) {
    if (p.bestRoute === null) {
      const c = design.components.find((x) => x.id === p.components[0]) as DesignComponent;
      add({
        kind: 'no-route',
        components: [c.id],
        costKg: c.massKg,
        explanation: `no available route recovers ${c.material}`,
      });
    }
  }
  blockers.sort((a, b) => b.costKg - a.costKg);
  const routes = options.routes.filter(recovering);
  const byRoute = routes.map((route) => {
    const kg = partsOf(design, options.sortingEfficiency ?? DEFAULT_SORTING_EFFICIENCY).reduce((s, part) => {
      const r = throughRoute(part, route);
      return s + ('kg' in r ? r.kg : 0);
    }, 0);
    return { route: route.id, recoveredKg: kg, share: kg / total };
  });
  const noRouteKg = blockers.filter((b) => b.kind === 'no-route').reduce((s, b) => s + b.costKg, 0);
  return {
    totalMassKg: total,
    recoveredKg: actual.recoveredKg,
    share: actual.recoveredKg / total,
    parts: actual.parts,
    byRoute,
    blockers,
    processLossKg: total - noRouteKg - idealParts.recoveredKg,
  };
}
