/**
 * The assessment of a passport: recyclability by design, its PPWR grade, the
 * Material Circularity Indicator, end-of-life emissions under each route mix,
 * and the flags a regulator or NGO would want raised, each with its numbers.
 */
import { type MaterialEntry, material, type WarmPathway, warmKgPerKg } from './materials.js';
import { type MciResult, materialCircularity } from './mci.js';
import { designOf, type PassportBody, tidy } from './passport.js';
import { type PpwrAssessment, ppwrGrade } from './ppwr.js';
import { assessRecyclability, type PartResult, type RecyclabilityResult } from './recyclability.js';
import type { RouteEntry } from './routes.js';

/**
 * Efficiency of the recycling that produced a product's recycled feedstock,
 * when the passport does not say: the mechanical yields of the catalog's main
 * packaging materials are 0.68–0.75. An assumption, stated in every result.
 */
export const DEFAULT_FEEDSTOCK_EFFICIENCY = 0.75;

export interface Emissions {
  /** kg CO2e (negative: more avoided than emitted), over the mass with a WARM factor. */
  kgCo2e: number;
  /** Mass whose pathway has no WARM factor (chemical routes, molecular disassembly, materials WARM lacks). */
  uncoveredKg: number;
}

export interface Flag {
  kind: 'low-recyclability' | 'regression' | 'rising-non-recyclable-share';
  message: string;
  numbers: Record<string, number | string>;
}

export interface PassportAssessment {
  recyclability: RecyclabilityResult;
  ppwr: PpwrAssessment;
  mci: MciResult & { assumptions: string[] };
  /** End-of-life emissions of the best route mix (unrecovered parts go to `residual`), and of each route alone. */
  emissions: { bestMix: Emissions; byRoute: Record<string, Emissions>; residual: WarmPathway };
  flags: Flag[];
}

export const LOW_RECYCLABILITY_THRESHOLD = 0.7;

function pathwayOf(route: RouteEntry | undefined, residual: WarmPathway): WarmPathway | null {
  return route ? route.warmPathway : residual;
}

interface Part {
  id: string;
  material: string;
  massKg: number;
}

function emissionsOf(components: readonly Part[], pathwayFor: (c: Part) => WarmPathway | null): Emissions {
  let kgCo2e = 0;
  let uncoveredKg = 0;
  for (const c of components) {
    const pathway = pathwayFor(c);
    const f = pathway ? warmKgPerKg(c.material, pathway) : null;
    if (f === null) uncoveredKg += c.massKg;
    else kgCo2e += f * c.massKg;
  }
  return { kgCo2e, uncoveredKg };
}

export function assessPassport(
  passport: PassportBody,
  routes: readonly RouteEntry[],
  options: { residual?: WarmPathway; previous?: PassportAssessment; feedstockEfficiency?: number } = {},
): PassportAssessment {
  const residual = options.residual ?? 'landfilled';
  const recyclability = assessRecyclability(designOf(passport), { routes });
  const byId = new Map(routes.map((r) => [r.id, r]));
  const partOf = new Map<string, PartResult>();
  for (const p of recyclability.parts) for (const c of p.components) partOf.set(c, p);
  const components = passport.components;
  const bestMix = emissionsOf(components, (c) => {
    const best = partOf.get(c.id)?.bestRoute;
    return pathwayOf(best ? byId.get(best) : undefined, residual);
  });
  const byRoute: Record<string, Emissions> = {};
  for (const r of routes) {
    if (!r.warmPathway) continue;
    // Everything to this route: what it cannot take goes to the residual pathway. A recovering
    // route takes a part exactly when it did not refuse it in the assessment above.
    const recovers = r.outcome === 'recycling' || r.outcome === 'organic-recycling';
    byRoute[r.id] = emissionsOf(components, (c) =>
      !recovers || !Object.hasOwn((partOf.get(c.id) as PartResult).refusedBy, r.id) ? r.warmPathway : residual,
    );
  }

  // MCI inputs from the passport and the assessment (see DESIGN and the note on assumptions).
  const M = recyclability.totalMassKg;
  const recycledIn = components.reduce((s, c) => s + (c.recycledContent ?? 0) * c.massKg, 0) / M;
  let toRecycling = 0;
  let toComposting = 0;
  let recycledOut = 0;
  for (const p of recyclability.parts) {
    const r = p.bestRoute ? byId.get(p.bestRoute) : undefined;
    if (r?.outcome === 'recycling') {
      toRecycling += p.massKg;
      recycledOut += p.recoveredKg;
    } else if (r?.outcome === 'organic-recycling') toComposting += p.massKg;
  }
  const feedstockEfficiency = options.feedstockEfficiency ?? DEFAULT_FEEDSTOCK_EFFICIENCY;
  const mci = materialCircularity({
    mass: M,
    recycledInput: recycledIn,
    reusedInput: 0,
    sustainedInput: 0,
    // Parts' masses summed part by part can exceed M (summed by component) by an ulp.
    collectedForRecycling: Math.min(1, toRecycling / M),
    collectedForReuse: 0,
    composted: Math.min(1 - Math.min(1, toRecycling / M), toComposting / M),
    energyRecovered: 0,
    feedstockRecyclingEfficiency: feedstockEfficiency,
    endOfLifeRecyclingEfficiency: toRecycling > 0 ? recycledOut / toRecycling : 1,
    lifetimeRatio:
      passport.lifetimeYears && passport.averageLifetimeYears
        ? passport.lifetimeYears / passport.averageLifetimeYears
        : 1,
    useIntensityRatio: passport.useIntensityRatio ?? 1,
  });
  const assumptions = [
    'every part goes to its best available route (collection for recycling = the mass those routes take)',
    ...(options.feedstockEfficiency === undefined
      ? [`recycled feedstock produced at ${DEFAULT_FEEDSTOCK_EFFICIENCY} efficiency (matterlog default)`]
      : []),
    ...(passport.lifetimeYears && passport.averageLifetimeYears ? [] : ['lifetime equal to the average (L/Lav = 1)']),
    ...(passport.useIntensityRatio ? [] : ['use intensity equal to the average (U/Uav = 1)']),
    'no reused or sustained-production (bio) feedstock, no reuse or energy recovery at end of life',
  ];

  const flags: Flag[] = [];
  if (recyclability.share < LOW_RECYCLABILITY_THRESHOLD) {
    flags.push({
      kind: 'low-recyclability',
      message: `no available route mix recovers more than ${(100 * recyclability.share).toFixed(1)}% of the product's mass (threshold ${100 * LOW_RECYCLABILITY_THRESHOLD}%)`,
      numbers: {
        share: recyclability.share,
        threshold: LOW_RECYCLABILITY_THRESHOLD,
        recoveredKg: tidy(recyclability.recoveredKg),
        massKg: tidy(M),
      },
    });
  }
  const prev = options.previous?.recyclability;
  if (prev && recyclability.share < prev.share - 1e-9) {
    flags.push({
      kind: 'regression',
      message: `version ${passport.version} is less recyclable than version ${passport.replaces ?? '(previous)'}: ${(100 * recyclability.share).toFixed(1)}% against ${(100 * prev.share).toFixed(1)}%`,
      numbers: {
        share: recyclability.share,
        previousShare: prev.share,
        version: passport.version,
        replaces: passport.replaces ?? '',
      },
    });
  }
  return {
    recyclability,
    ppwr: ppwrGrade(Math.min(1, recyclability.share)),
    mci: { ...mci, assumptions },
    emissions: { bestMix, byRoute, residual },
    flags,
  };
}

export interface PortfolioPeriod {
  period: string;
  /** Mass placed on the market in the period, and how much of it is technically non-recyclable (below grade C). */
  totalKg: number;
  nonRecyclableKg: number;
}

/**
 * A producer whose share of non-recyclable mass placed on the market rises over
 * time: the share in the last period exceeds the first by more than `toleranceShare`,
 * and it never fell back below the first period's share along the way.
 */
export function risingNonRecyclableShare(periods: readonly PortfolioPeriod[], toleranceShare = 0.01): Flag | null {
  const shares = periods
    .filter((p) => p.totalKg > 0)
    .map((p) => ({ period: p.period, share: p.nonRecyclableKg / p.totalKg }));
  if (shares.length < 2) return null;
  const first = shares[0] as { period: string; share: number };
  const last = shares.at(-1) as { period: string; share: number };
  if (last.share - first.share <= toleranceShare || shares.some((s) => s.share < first.share)) return null;
  return {
    kind: 'rising-non-recyclable-share',
    message: `the share of non-recyclable mass placed on the market rose from ${(100 * first.share).toFixed(1)}% (${first.period}) to ${(100 * last.share).toFixed(1)}% (${last.period})`,
    numbers: Object.fromEntries(shares.map((s) => [s.period, s.share])),
  };
}

/** Catalog entries of the materials a passport uses (for explanations). */
export function materialsOf(p: PassportBody): MaterialEntry[] {
  return [...new Set(p.components.map((c) => c.material))].map((id) => material(id) as MaterialEntry);
}
