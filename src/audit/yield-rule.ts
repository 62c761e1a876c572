/**
 * `impossible-yield`: a recycling transformation that reports more of a
 * material out than the best route of its kind can recover from the input.
 * The kind comes from the event's bizStep (matterlog's recycling steps); the
 * ceiling for each material is the highest yield any catalog route of that
 * family achieves (or the facility's own published routes, when given), with
 * a tolerance for weighing. Material the input did not contain at all cannot
 * come out of it.
 */
import { ROUTES, type RouteEntry, type RouteFamily, routeYield } from '../assess/routes.js';
import {
  BIZSTEP_ANAEROBIC_DIGESTION,
  BIZSTEP_CHEMICAL_RECYCLING,
  BIZSTEP_COMPOSTING,
  BIZSTEP_MECHANICAL_RECYCLING,
  BIZSTEP_MOLECULAR_DISASSEMBLY,
} from '../epcis/index.js';
import type { AuditedEvent } from './audited-event.js';
import type { Finding } from './event-rules.js';
import type { Compositions } from './flow-rules.js';

const FAMILY_OF_STEP: Readonly<Record<string, RouteFamily>> = {
  [BIZSTEP_MECHANICAL_RECYCLING]: 'mechanical',
  [BIZSTEP_CHEMICAL_RECYCLING]: 'chemical',
  [BIZSTEP_MOLECULAR_DISASSEMBLY]: 'molecular',
  [BIZSTEP_COMPOSTING]: 'composting',
  [BIZSTEP_ANAEROBIC_DIGESTION]: 'anaerobic-digestion',
};

/**
 * Whether the yield rule judges this event: a transformation by one of matterlog's
 * recycling steps (whose outputs are also what counts as recovered material).
 */
export function judgesYield(e: AuditedEvent): boolean {
  const f = e.event?.fields;
  return f?.eventType === 'TransformationEvent' && f.bizStep !== null && Object.hasOwn(FAMILY_OF_STEP, f.bizStep);
}

export interface YieldFinding extends Omit<Finding, 'rule'> {
  rule: 'impossible-yield';
}

/** The best yield of `material` over the routes of `family`, 0 when none takes it. */
export function maxYield(family: RouteFamily, material: string, routes: readonly RouteEntry[] = ROUTES): number {
  // The catalog's routes never change, so their ceilings are worked out once per family and material.
  const key = `${family} ${material}`;
  const known = routes === ROUTES ? CATALOG_CEILINGS.get(key) : undefined;
  if (known !== undefined) return known;
  let best = 0;
  for (const r of routes) if (r.family === family) best = Math.max(best, routeYield(r, material)?.yield ?? 0);
  if (routes === ROUTES) CATALOG_CEILINGS.set(key, best);
  return best;
}

const CATALOG_CEILINGS = new Map<string, number>();

function byMaterial(
  compositions: Compositions,
  classes: { epcClass: string; kg: number }[],
): Map<string, number> | null {
  const out = new Map<string, number>();
  for (const c of classes) {
    const comp = compositions.get(c.epcClass);
    if (!comp) return null;
    for (const [m, share] of Object.entries(comp)) out.set(m, (out.get(m) ?? 0) + share * c.kg);
  }
  return out;
}

export function impossibleYields(
  events: readonly AuditedEvent[],
  compositions: Compositions,
  tolerance = 0.02,
  routesAt: (facility: string) => readonly RouteEntry[] = () => ROUTES,
): YieldFinding[] {
  const out: YieldFinding[] = [];
  for (const e of events) {
    if (!e.event) continue;
    const { eventID, fields: f } = e.event;
    // Own keys only: a bizStep such as "constructor" is no family.
    const family = judgesYield(e) ? FAMILY_OF_STEP[f.bizStep as string] : undefined;
    if (!family) continue;
    const mass = (field: string) =>
      f.classes
        .filter((c) => c.field === field && c.kg !== null)
        .map((c) => ({ epcClass: c.epcClass, kg: c.kg as number }));
    const input = byMaterial(compositions, mass('inputQuantity'));
    const output = byMaterial(compositions, mass('outputQuantity'));
    // Without both compositions there is nothing to compare material by material.
    if (!input || !output) continue;
    const routes = f.bizLocation ? routesAt(f.bizLocation) : ROUTES;
    for (const [m, outKg] of [...output].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const inKg = input.get(m) ?? 0;
      const ceiling = maxYield(family, m, routes);
      const allowed = inKg * ceiling * (1 + tolerance);
      if (outKg <= allowed) continue;
      out.push({
        rule: 'impossible-yield',
        severity: inKg === 0 ? 'high' : outKg > inKg ? 'high' : 'medium',
        subject: { event: eventID, material: m, ...(f.bizLocation ? { facility: f.bizLocation } : {}) },
        message:
          inKg === 0
            ? `a ${family} transformation reports ${outKg} kg of ${m} out of input that holds none`
            : `a ${family} transformation reports ${outKg} kg of ${m} from ${inKg} kg: a yield of ${((100 * outKg) / inKg).toFixed(1)}%, above the ${(100 * ceiling).toFixed(1)}% the best ${family} route achieves`,
        numbers: { inputKg: inKg, outputKg: outKg, maxYield: ceiling, allowedKg: allowed, tolerance },
        statements: [e.index],
      });
    }
  }
  return out;
}
