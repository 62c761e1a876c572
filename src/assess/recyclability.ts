/**
 * Recyclability by design: how much of a product's mass the available routes
 * can recover, given how it is built, and what in its design costs the rest.
 *
 * A product is components (material, mass, design features) and the joins
 * between them. Components joined inseparably form one part that a route must
 * take whole; parts joined by shredding are separated by shredding and
 * sorting, which loses `1 − sortingEfficiency` of each; parts joined by hand
 * (or not at all) separate completely. A route can take a part only when it
 * tolerates every design feature on it and every material in it is either one
 * it recovers or a contaminant it carries within its limit; it then recovers
 * each accepted material at its yield. Each part goes to the route that
 * recovers most of it; only recycling and organic recycling count as recovery.
 *
 * What the design costs is measured, not guessed: for every feature, every
 * inseparable join and the shredding, the assessment is redone without it, and
 * the difference in recovered mass is that design choice's cost. What remains
 * between the recovery of the ideal design (every component alone, no
 * features) and the actual one is the processes' own yield loss.
 *
 * A design choice only changes its own part, so each counterfactual
 * re-evaluates that part (or the pieces it splits into) and reuses the other
 * parts' figures, summed in the same order as a full recount would: the
 * results are exactly those of redoing the whole assessment each time (a
 * property test holds this code to that plain version), at a fraction of the cost.
 */
import { MatterlogError } from '../ledger/errors.js';
import { bestKg, EPSILON_KG, routeTables, throughRoute } from './route-evaluation.js';
import type { RouteEntry } from './routes.js';

export type JoinMethod = 'hand' | 'shredding' | 'inseparable';

export interface DesignComponent {
  id: string;
  /** A material id from the catalog, e.g. `polymer/PET`. */
  material: string;
  massKg: number;
  /** Design features from DESIGN_FEATURES, e.g. `pigment:carbon-black`. */
  features?: string[];
}

export interface DesignJoin {
  a: string;
  b: string;
  method: JoinMethod;
}

export interface ProductDesign {
  components: DesignComponent[];
  joins: DesignJoin[];
}

export interface AssessOptions {
  routes: readonly RouteEntry[];
  /** Share of each part recovered when shredding and sorting separate it (default 0.95). */
  sortingEfficiency?: number;
}

export interface PartResult {
  components: string[];
  massKg: number;
  /** 1 when the part separates by hand (or stands alone), sortingEfficiency when by shredding. */
  separation: number;
  bestRoute: string | null;
  recoveredKg: number;
  /** Why each route could not take the part (route id → reason). */
  refusedBy: Record<string, string>;
}

export type BlockerKind = 'feature' | 'inseparable-join' | 'shredding' | 'no-route';

export interface Blocker {
  kind: BlockerKind;
  components: string[];
  feature?: string;
  /** Recovered mass this design choice costs, kg and share of the product's mass. */
  costKg: number;
  costShare: number;
  explanation: string;
}

export interface RecyclabilityResult {
  totalMassKg: number;
  recoveredKg: number;
  /** The best achievable recovered share of the product's mass, in [0, 1]. */
  share: number;
  parts: PartResult[];
  /** The share each route would recover if the whole product went to it. */
  byRoute: { route: string; recoveredKg: number; share: number }[];
  /** Design choices that cost recovered mass, largest first. */
  blockers: Blocker[];
  /** What even the ideal design (every component alone, no features) loses to process yields. */
  processLossKg: number;
}

const DEFAULT_SORTING_EFFICIENCY = 0.95;

interface Group {
  members: number[];
  components: DesignComponent[];
  first: number;
  massKg: number;
  separation: number;
}

const massOf = (cs: readonly DesignComponent[]) => cs.reduce((s, c) => s + c.massKg, 0);

export function checkDesign(design: ProductDesign): void {
  if (design.components.length === 0)
    throw new MatterlogError('invalid_input', 'a product needs at least one component');
  const ids = new Set<string>();
  for (const c of design.components) {
    if (ids.has(c.id)) throw new MatterlogError('invalid_input', `component id "${c.id}" is used twice`);
    ids.add(c.id);
    if (!Number.isFinite(c.massKg) || c.massKg <= 0) {
      throw new MatterlogError('invalid_input', `component "${c.id}" has mass ${c.massKg} kg; a mass must be positive`);
    }
  }
  for (const j of design.joins) {
    for (const end of [j.a, j.b]) {
      if (!ids.has(end))
        throw new MatterlogError('invalid_input', `a join names component "${end}", which the product does not have`);
    }
    if (j.a === j.b) throw new MatterlogError('invalid_input', `component "${j.a}" is joined to itself`);
  }
}

/** Assesses a design against the available routes; see the header for the model. */
export function assessRecyclability(design: ProductDesign, options: AssessOptions): RecyclabilityResult {
  checkDesign(design);
  const { components, joins } = design;
  const n = components.length;
  const sorting = options.sortingEfficiency ?? DEFAULT_SORTING_EFFICIENCY;
  const routes = routeTables(options.routes);
  const total = massOf(components);
  const index = new Map(components.map((c, i) => [c.id, i]));
  const ja = joins.map((j) => index.get(j.a) as number);
  const jb = joins.map((j) => index.get(j.b) as number);

  // Parts: inseparably joined components, in order of their first component.
  const parent = Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => {
    let x = i;
    while (parent[x] !== x) {
      parent[x] = parent[parent[x] as number] as number;
      x = parent[x] as number;
    }
    return x;
  };
  joins.forEach((j, k) => {
    if (j.method === 'inseparable') parent[find(ja[k] as number)] = find(jb[k] as number);
  });
  const groupOfRoot = new Map<number, number>();
  const groups: Group[] = [];
  const groupOf: number[] = [];
  for (let i = 0; i < n; i++) {
    const root = find(i);
    let g = groupOfRoot.get(root);
    if (g === undefined) {
      g = groups.length;
      groupOfRoot.set(root, g);
      groups.push({ members: [], components: [], first: i, massKg: 0, separation: 1 });
    }
    const group = groups[g] as Group;
    group.members.push(i);
    group.components.push(components[i] as DesignComponent);
    groupOf.push(g);
  }
  joins.forEach((j, k) => {
    const ga = groupOf[ja[k] as number] as number;
    const gb = groupOf[jb[k] as number] as number;
    if (j.method === 'shredding' && ga !== gb) {
      (groups[ga] as Group).separation = sorting;
      (groups[gb] as Group).separation = sorting;
    }
  });
  for (const g of groups) g.massKg = massOf(g.components);

  // The actual design, with every refusal's reason and every route's figure.
  const perRoute = routes.map(() => new Array<number>(groups.length).fill(0));
  const parts: PartResult[] = groups.map((part, g) => {
    let best: { route: string; kg: number } | null = null;
    const refusedBy: Record<string, string> = {};
    routes.forEach((t, k) => {
      const r = throughRoute(part.components, part.massKg, part.separation, t, true);
      if ('refused' in r) refusedBy[t.route.id] = r.refused;
      else {
        (perRoute[k] as number[])[g] = r.kg;
        if (!best || r.kg > best.kg + EPSILON_KG) best = { route: t.route.id, kg: r.kg };
      }
    });
    const chosen = best as { route: string; kg: number } | null;
    return {
      components: part.components.map((c) => c.id),
      massKg: part.massKg,
      separation: part.separation,
      bestRoute: chosen?.route ?? null,
      recoveredKg: chosen?.kg ?? 0,
      refusedBy,
    };
  });
  const kgs = parts.map((p) => p.recoveredKg);
  const recoveredKg = kgs.reduce((s, x) => s + x, 0);
  // The recovered total with one part's figure replaced, summed in the same order as a recount.
  const totalWith = (g: number, kg: number) => kgs.reduce((s, x, h) => s + (h === g ? kg : x), 0);

  const blockers: Blocker[] = [];
  const add = (b: Omit<Blocker, 'costShare'>) => {
    if (b.costKg > EPSILON_KG) blockers.push({ ...b, costShare: b.costKg / total });
  };
  components.forEach((c, i) => {
    for (const f of c.features ?? []) {
      let costKg = 0;
      // A feature no available route rejects costs nothing.
      if (routes.some((t) => t.rejects.has(f))) {
        const g = groupOf[i] as number;
        const part = groups[g] as Group;
        const without = { ...c, features: (c.features ?? []).filter((x) => x !== f) };
        const cs = part.components.map((x) => (x === c ? without : x));
        costKg = totalWith(g, bestKg(cs, part.massKg, part.separation, routes).kg) - recoveredKg;
      }
      add({ kind: 'feature', components: [c.id], feature: f, costKg, explanation: `${f} on ${c.id}` });
    }
  });
  joins.forEach((j, k) => {
    if (j.method !== 'inseparable') return;
    add({
      kind: 'inseparable-join',
      components: [j.a, j.b],
      costKg: splitJoin(k) - recoveredKg,
      explanation: `${j.a} and ${j.b} cannot be separated`,
    });
  });
  /** The recovered total if join k were separable by hand. */
  function splitJoin(k: number): number {
    const g = groupOf[ja[k] as number] as number;
    const part = groups[g] as Group;
    const sub = new Map(part.members.map((i) => [i, i]));
    const sfind = (i: number): number => {
      let x = i;
      while (sub.get(x) !== x) x = sub.get(x) as number;
      return x;
    };
    joins.forEach((x, h) => {
      if (h !== k && x.method === 'inseparable' && groupOf[ja[h] as number] === g) {
        sub.set(sfind(ja[h] as number), sfind(jb[h] as number));
      }
    });
    // Still held together by other joins: nothing changes.
    if (sfind(ja[k] as number) === sfind(jb[k] as number)) return recoveredKg;
    const pieces = new Map<number, { first: number; components: DesignComponent[]; shredded: boolean }>();
    for (const i of part.members) {
      const r = sfind(i);
      if (!pieces.has(r)) pieces.set(r, { first: i, components: [], shredded: false });
      pieces.get(r)?.components.push(components[i] as DesignComponent);
    }
    const key = (i: number) => (groupOf[i] === g ? `s${sfind(i)}` : `g${groupOf[i]}`);
    joins.forEach((x, h) => {
      if (x.method !== 'shredding' || key(ja[h] as number) === key(jb[h] as number)) return;
      for (const end of [ja[h] as number, jb[h] as number]) {
        if (groupOf[end] === g) (pieces.get(sfind(end)) as { shredded: boolean }).shredded = true;
      }
    });
    // Every part's figure, the split one replaced by its pieces, in order of first component.
    const entries = groups.map((p, h) => ({ first: p.first, kg: kgs[h] as number })).filter((_, h) => h !== g);
    for (const piece of pieces.values()) {
      const kg = bestKg(piece.components, massOf(piece.components), piece.shredded ? sorting : 1, routes).kg;
      entries.push({ first: piece.first, kg });
    }
    entries.sort((a, b) => a.first - b.first);
    return entries.reduce((s, e) => s + e.kg, 0);
  }
  if (joins.some((j) => j.method === 'shredding')) {
    const byHand = kgs.map((x, g) => {
      const part = groups[g] as Group;
      return part.separation === 1 ? x : bestKg(part.components, part.massKg, 1, routes).kg;
    });
    add({
      kind: 'shredding',
      components: joins
        .filter((j) => j.method === 'shredding')
        .flatMap((j) => [j.a, j.b])
        .filter((v, k, a) => a.indexOf(v) === k),
      costKg: byHand.reduce((s, x) => s + x, 0) - recoveredKg,
      explanation: 'parts separated by shredding and sorting, not by hand, lose what sorting misses',
    });
  }
  // The ideal design: every component alone, by hand, without features.
  let idealKg = 0;
  for (const c of components) {
    const best = bestKg([c], c.massKg, 1, routes, true);
    idealKg += best.kg;
    if (!best.taken) {
      add({
        kind: 'no-route',
        components: [c.id],
        costKg: c.massKg,
        explanation: `no available route recovers ${c.material}`,
      });
    }
  }
  blockers.sort((a, b) => b.costKg - a.costKg);
  const byRoute = routes.map((t, k) => {
    const kg = (perRoute[k] as number[]).reduce((s, x) => s + x, 0);
    return { route: t.route.id, recoveredKg: kg, share: kg / total };
  });
  const noRouteKg = blockers.filter((b) => b.kind === 'no-route').reduce((s, b) => s + b.costKg, 0);
  return {
    totalMassKg: total,
    recoveredKg,
    share: recoveredKg / total,
    parts,
    byRoute,
    blockers,
    processLossKg: total - noRouteKg - idealKg,
  };
}
