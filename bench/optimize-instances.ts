/**
 * Seeded routing instances for benchmark "optimize": N lots of 5 catalog
 * materials each, 20 route options (the 8 catalog routes replicated at
 * facilities around one region, with their own costs and capacities), and a
 * "hybrid" policy, as an LP or, with fixed costs and minimum batches, a MIP.
 * The same (N, kind, seed) always gives the same instance, so the benchmark's
 * case process can rebuild it instead of receiving it, and HiGHS and glpk.js
 * see the same model.
 *
 * What makes the model realistic enough to be worth timing, rather than a
 * random matrix: every lot is accepted by some options and refused by others
 * for the reasons the model itself applies (materials a route does not take,
 * contamination above its family's tolerance), so about 12.5 of the 20 options
 * take a lot; capacities scale with the total mass so that the same options
 * bind at every N; and the policy's recovery floor, landfill ceiling and
 * mechanical minimum share bind (the benchmark reports which rows do).
 */
import { MATERIALS } from '../src/assess/materials.js';
import { ROUTES, type RouteEntry } from '../src/assess/routes.js';
import { catalogOptions, type Location, type Lot, type RouteOption } from '../src/optimize/network.js';
import type { PolicyBody } from '../src/optimize/policy.js';
import type { OptimizeInput } from '../src/optimize/solve.js';
import { pick, prng } from './fixtures.js';

export type InstanceKind = 'lp' | 'mip';

/** Rounded down, so that shares rounded this way never add up to more than their total. */
const floorTo = (v: number, step: number) => Math.floor(v / step) * step;
const roundTo = (v: number, digits: number) => Number(v.toFixed(digits));

/** Western Germany, about 440 × 420 km: transport is a real share of the cost, not noise. */
const REGION = { south: 48, north: 52, west: 6, east: 12 };

/** What a sorted bale is mostly made of; all mechanical recycling takes. */
const BALE_MAIN = [
  'polymer/PET',
  'polymer/HDPE',
  'polymer/PP',
  'polymer/LDPE',
  'fibre/cardboard',
  'fibre/paper',
  'metal/steel',
  'metal/aluminium',
  'glass/clear',
  'glass/green',
];
/** Everything the catalog's mechanical route has a yield for. */
const MECHANICAL_OK = [
  ...BALE_MAIN,
  'polymer/LLDPE',
  'fibre/office-paper',
  'metal/aluminium-ingot',
  'metal/copper',
  'metal/mixed',
  'glass/brown',
];
/** Household packaging as it arrives mixed. */
const PACKAGING = [
  'polymer/PET',
  'polymer/HDPE',
  'polymer/PP',
  'polymer/LDPE',
  'polymer/LLDPE',
  'polymer/PS',
  'polymer/mixed',
  'composite/multilayer-film',
  'composite/liquid-board',
  'fibre/cardboard',
  'fibre/paper',
  'metal/aluminium',
  'metal/steel',
  'glass/clear',
];
const ORGANIC = ['organic/food', 'organic/yard', 'organic/wood', 'fibre/paper', 'fibre/cardboard', 'polymer/PLA'];
const ALL = MATERIALS.map((m) => m.id);

/** Shares of lots by stream; the rest draw from the whole catalog. */
const BALE_SHARE = 0.45;
const MIXED_SHARE = 0.3;
const ORGANIC_SHARE = 0.15;

export const MATERIALS_PER_LOT = 5;

/** `k` distinct materials from `pool` (which holds at least k). */
function distinct(rand: () => number, pool: readonly string[], k: number, taken: Set<string>): string[] {
  const out: string[] = [];
  while (out.length < k) {
    const m = pick(rand, pool);
    if (!taken.has(m)) {
      taken.add(m);
      out.push(m);
    }
  }
  return out;
}

/** `n` positive weights summing to about 1 (a flat Dirichlet by exponentials). */
function weights(rand: () => number, n: number): number[] {
  const e = Array.from({ length: n }, () => -Math.log(1 - rand()));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

interface City {
  at: Location;
  /** Spread in degrees. */
  spread: number;
}

function place(rand: () => number, cities: readonly City[]): Location {
  // 70% around a city, the rest anywhere in the region (rural collection).
  if (rand() < 0.7) {
    const c = pick(rand, cities);
    // Sum of three uniforms: a cheap bell shape, kept inside the region.
    const jitter = () => (rand() + rand() + rand() - 1.5) * c.spread;
    return {
      latitude: roundTo(Math.min(REGION.north, Math.max(REGION.south, c.at.latitude + jitter())), 4),
      longitude: roundTo(Math.min(REGION.east, Math.max(REGION.west, c.at.longitude + jitter())), 4),
    };
  }
  return {
    latitude: roundTo(REGION.south + rand() * (REGION.north - REGION.south), 4),
    longitude: roundTo(REGION.west + rand() * (REGION.east - REGION.west), 4),
  };
}

function lot(rand: () => number, i: number, cities: readonly City[]): Lot {
  // Skewed towards clean lots (median 2.5%), up to 10%: 71% are within a mechanical line's 5% tolerance.
  const contamination = roundTo(0.1 * rand() ** 2, 3);
  const clean = 1 - contamination;
  const taken = new Set<string>();
  const s = rand();
  let materials: string[];
  let shares: number[];
  if (s < BALE_SHARE) {
    // A sorted bale: one material at 85–95%, four minor ones, mostly of kinds mechanical recycling takes too.
    materials = distinct(rand, BALE_MAIN, 1, taken);
    for (let k = 1; k < MATERIALS_PER_LOT; k++) {
      materials.push(...distinct(rand, rand() < 0.95 ? MECHANICAL_OK : PACKAGING, 1, taken));
    }
    const main = 0.85 + 0.1 * rand();
    shares = [main, ...weights(rand, MATERIALS_PER_LOT - 1).map((w) => w * (1 - main))];
  } else {
    const pool =
      s < BALE_SHARE + MIXED_SHARE ? PACKAGING : s < BALE_SHARE + MIXED_SHARE + ORGANIC_SHARE ? ORGANIC : ALL;
    materials = distinct(rand, pool, MATERIALS_PER_LOT, taken);
    shares = weights(rand, MATERIALS_PER_LOT);
  }
  const composition: Record<string, number> = {};
  materials.forEach((m, k) => {
    composition[m] = roundTo(floorTo((shares[k] as number) * clean, 1e-4), 4);
  });
  // Log-uniform 0.5–30 t, as collected loads range from a cage of film to a full trailer of glass.
  const massTonnes = roundTo(0.5 * 60 ** rand(), 2);
  return {
    id: `lot-${String(i).padStart(7, '0')}`,
    massTonnes,
    composition,
    ...(contamination > 0 ? { contamination } : {}),
    location: place(rand, cities),
  };
}

/**
 * The 20 options: how many plants of each catalog route, each plant's capacity
 * as a share of the lots' total mass (so that the same ones bind at every N),
 * and its cost relative to the catalog's. The mechanical plants together can
 * take 44% of the mass, against a policy minimum of 30%; the molecular ones 8%.
 */
const PLANTS: { route: string; capacityShares: (number | null)[] }[] = [
  { route: 'mechanical', capacityShares: [0.14, 0.12, 0.1, 0.08] },
  { route: 'chemical-pyrolysis', capacityShares: [0.06, 0.04, 0.03] },
  { route: 'chemical-depolymerisation', capacityShares: [0.03] },
  { route: 'molecular-disassembly', capacityShares: [0.05, 0.03] },
  { route: 'composting', capacityShares: [0.05, 0.04] },
  { route: 'anaerobic-digestion', capacityShares: [0.04, 0.03] },
  { route: 'energy-recovery', capacityShares: [0.2, 0.15, 0.12] },
  { route: 'landfill', capacityShares: [null, null, null] },
];

function routeOptions(rand: () => number, totalTonnes: number): RouteOption[] {
  const catalog = new Map(catalogOptions(ROUTES).map((o) => [o.id, o]));
  const out: RouteOption[] = [];
  let f = 0;
  for (const p of PLANTS) {
    const base = catalog.get(p.route) as RouteOption;
    p.capacityShares.forEach((share, k) => {
      const facility = `plant-${String(++f).padStart(2, '0')}`;
      // Plants spread over the region, away from its edges.
      const location: Location = {
        latitude: roundTo(REGION.south + 0.4 + rand() * (REGION.north - REGION.south - 0.8), 4),
        longitude: roundTo(REGION.west + 0.5 + rand() * (REGION.east - REGION.west - 1), 4),
      };
      const route: RouteEntry = { ...base.route, facility };
      out.push({
        id: `${facility}/${p.route}`,
        route,
        facility,
        location,
        capacityTonnes: share === null ? null : Math.round(share * totalTonnes),
        // ±15% around the catalog's cost; larger plants (listed first) a little cheaper.
        costEurPerTonne: Math.round(base.costEurPerTonne * (0.85 + 0.3 * rand()) * (1 - 0.03 * (2 - k))),
        processKgCo2ePerTonne: Math.round(40 * rand()),
      });
    });
  }
  return out;
}

/** EUR per tonne of recovered material: 2024-ish bale and secondary raw material prices. */
const PRICES: Record<string, number> = {
  'polymer/PET': 420,
  'polymer/HDPE': 520,
  'polymer/PP': 450,
  'polymer/LDPE': 330,
  'polymer/LLDPE': 330,
  'polymer/*': 150,
  'metal/aluminium': 1_250,
  'metal/aluminium-ingot': 1_500,
  'metal/copper': 5_500,
  'metal/steel': 260,
  'metal/*': 400,
  'fibre/cardboard': 110,
  'fibre/*': 90,
  'glass/*': 45,
  'composite/*': 120,
  'organic/*': 25,
};

/**
 * The recovery floor, as a share of the lots' mass: above what the cheapest
 * plan under the other constraints recovers (about 30% with these parameters,
 * measured with HiGHS at 1,000 and 10,000 lots), so that it binds, and below
 * the most any plan can recover (a floor of 42% is still feasible).
 */
export const MIN_RECOVERY_RATE = 0.36;

function policy(kind: InstanceKind, options: readonly RouteOption[]): PolicyBody {
  const body: PolicyBody = {
    id: `bench/hybrid-${kind}`,
    version: 'v1',
    name: 'hybrid: at least 30% mechanical, at most 50% molecular',
    objective: { materialValueEurPerTonne: PRICES, co2eEurPerTonne: 85 },
    transportEurPerTonneKm: 0.12,
    minRecoveryRate: MIN_RECOVERY_RATE,
    maxLandfillShare: 0.12,
    familyShares: [
      { family: 'mechanical', min: 0.3 },
      { family: 'molecular', max: 0.5 },
    ],
  };
  if (kind === 'mip') {
    // Opening a plant costs about 25 EUR per tonne of its capacity: worth it only if it runs fairly full.
    const fixed: Record<string, number> = {};
    const batch: Record<string, number> = {};
    for (const o of options) {
      const cap = o.capacityTonnes;
      if (cap === null) continue;
      const family = o.route.family;
      if (family === 'mechanical' || family === 'chemical' || family === 'molecular') {
        fixed[o.id] = Math.round(25 * cap);
      }
      // The chemical and molecular plants run in campaigns: at least 40% of capacity or not at all.
      if (family === 'chemical' || family === 'molecular') batch[o.id] = Math.round(0.4 * cap);
    }
    body.fixedCostsEur = fixed;
    body.minBatchTonnes = batch;
  }
  return body;
}

export interface Instance extends OptimizeInput {
  totalTonnes: number;
}

/** Instance `seed` of `lots` lots × 20 route options, an LP or a MIP. */
export function generateInstance(lots: number, kind: InstanceKind, seed = 20_260_101): Instance {
  const rand = prng(seed);
  const cities: City[] = Array.from({ length: 12 }, () => ({
    at: {
      latitude: REGION.south + 0.3 + rand() * (REGION.north - REGION.south - 0.6),
      longitude: REGION.west + 0.3 + rand() * (REGION.east - REGION.west - 0.6),
    },
    spread: 0.15 + 0.25 * rand(),
  }));
  // Lots from their own stream, so the options (and the MIP's extras) never shift which lots an N gets.
  const lotRand = prng(seed ^ 0x9e3779b9);
  const list: Lot[] = new Array(lots);
  let total = 0;
  for (let i = 0; i < lots; i++) {
    const l = lot(lotRand, i, cities);
    list[i] = l;
    total += l.massTonnes;
  }
  const options = routeOptions(rand, total);
  return { lots: list, options, policy: policy(kind, options), totalTonnes: total };
}
