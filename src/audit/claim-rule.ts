/**
 * `recycled-content-claim`: a producer's passports claim recycled content;
 * times the units it placed on the market, that is recycled material it must
 * have bought. The claim, per material and year, must not exceed the
 * recovered material (the output of a recycling transformation) the producer
 * actually received that year, plus what it received earlier and had not yet
 * used, beyond a tolerance.
 */
import type { PassportBody } from '../assess/passport.js';
import { digitalLinkGtin, gtinOfEpc, normaliseGtin } from '../statements/gs1.js';
import type { AuditedEvent } from './audited-event.js';
import type { Finding } from './event-rules.js';
import { type Compositions, MAX_CITED } from './flow-rules.js';
import { judgesYield } from './yield-rule.js';

export interface MaterialAmount {
  producer: string;
  material: string;
  /** Calendar year (UTC) of the commissioning or receipt. */
  year: string;
  kg: number;
  statements: number[];
}

export interface ClaimFinding extends Omit<Finding, 'rule'> {
  rule: 'recycled-content-claim';
}

export function recycledContentClaims(
  claims: readonly MaterialAmount[],
  supplies: readonly MaterialAmount[],
  tolerance = { share: 0.02, kg: 1 },
): ClaimFinding[] {
  // Per producer and material, year by year: recycled material bought in one
  // year may go into units commissioned in a later one (December's bales are
  // January's bottles), so what a year's claims leave unused carries forward.
  // A shortfall is reported in its year and not carried (it would only repeat).
  type Year = { claimed: number; supplied: number; claimedBy: number[]; suppliedBy: number[] };
  const groups = new Map<string, Map<string, Year>>();
  const yearOf = (a: MaterialAmount) => {
    const k = `${a.producer}\u0000${a.material}`;
    const g = groups.get(k) ?? new Map<string, Year>();
    groups.set(k, g);
    const y = g.get(a.year) ?? { claimed: 0, supplied: 0, claimedBy: [], suppliedBy: [] };
    g.set(a.year, y);
    return y;
  };
  for (const c of claims) {
    const y = yearOf(c);
    y.claimed += c.kg;
    y.claimedBy.push(...c.statements);
  }
  for (const x of supplies) {
    const y = yearOf(x);
    y.supplied += x.kg;
    y.suppliedBy.push(...x.statements);
  }
  const out: ClaimFinding[] = [];
  for (const [k, years] of [...groups].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const [producer, material] = k.split('\u0000') as [string, string];
    let carried = 0;
    let carriedBy: number[] = [];
    for (const [year, y] of [...years].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const available = carried + y.supplied;
      const allowed = available * (1 + tolerance.share) + tolerance.kg;
      if (y.claimed <= allowed) {
        carried = Math.max(0, available - y.claimed);
        // What carries forward rests on this year's receipts and claims: a bundle needs both to redo it.
        carriedBy = carried > 0 ? [...carriedBy, ...y.claimedBy, ...y.suppliedBy] : [];
        continue;
      }
      out.push({
        rule: 'recycled-content-claim',
        severity: available === 0 ? 'high' : y.claimed > 1.2 * available ? 'high' : 'medium',
        subject: { actor: producer, material, year },
        message: `${producer}'s passports claim ${y.claimed} kg of recycled ${material} in the units it placed on the market in ${year}, but it received ${y.supplied} kg of recovered ${material} that year${carried > 0 ? ` and had ${carried} kg left from earlier years` : ''}`,
        numbers: { claimedKg: y.claimed, suppliedKg: y.supplied, carriedInKg: carried, allowedKg: allowed },
        // The year's own statements first, so that a capped list drops earlier years, not this one.
        statements: [...new Set([...y.claimedBy, ...y.suppliedBy, ...carriedBy])]
          .slice(0, MAX_CITED)
          .sort((a, b) => a - b),
      });
      carried = 0;
      carriedBy = [];
    }
  }
  return out;
}

const COUNT_UNITS = new Set(['EA', 'H87', 'C62']);
const year = (ms: number) => new Date(ms).toISOString().slice(0, 4);

/**
 * What each producer claims (recycled content of the passport version in force
 * × the units it commissioned) and what it was supplied (recovered material it
 * received: classes that came out of a recycling transformation), per material
 * and year, from the statements alone.
 */
/**
 * Notes, per class, the first recycling transformation that output it (in the
 * order given): material of those classes counts as recovered when a producer
 * receives it.
 */
export function addRecoveredLots(recovered: Map<string, number>, events: Iterable<AuditedEvent>): void {
  for (const e of events) {
    if (!e.event) continue;
    const f = e.event.fields;
    if (!judgesYield(e)) continue;
    for (const c of f.classes)
      if (c.field === 'outputQuantity' && !recovered.has(c.epcClass)) recovered.set(c.epcClass, e.index);
  }
}

/**
 * `recovered` defaults to the recycling outputs among `events`; an audit that
 * streams the log passes the map it built over every event instead.
 */
export function claimsAndSupplies(
  events: readonly AuditedEvent[],
  passports: readonly AuditedEvent[],
  producers: ReadonlySet<string>,
  compositions: Compositions,
  recovered: ReadonlyMap<string, number> = recoveredOf(events),
): { claims: MaterialAmount[]; supplies: MaterialAmount[] } {
  const versions = new Map<string, { validFromMs: number; index: number; body: PassportBody }[]>();
  for (const p of passports) {
    const body = p.body as unknown as PassportBody;
    const gtin = body.product.gtin ? normaliseGtin(body.product.gtin) : digitalLinkGtin(body.product.digitalLink ?? '');
    if (!gtin) continue;
    const validFromMs = body.validFrom ? Date.parse(body.validFrom) : p.issuedMs;
    versions.set(gtin, [...(versions.get(gtin) ?? []), { validFromMs, index: p.index, body }]);
  }
  const claims: MaterialAmount[] = [];
  const supplies: MaterialAmount[] = [];
  for (const e of events) {
    if (!e.event) continue;
    const { fields: f, actor } = e.event;
    if (!producers.has(actor)) continue;
    if (f.eventType === 'ObjectEvent' && f.action === 'ADD' && f.bizStep === 'commissioning') {
      const units = new Map<string, number>();
      for (const x of f.epcs)
        if (x.field === 'epc') {
          const g = gtinOfEpc(x.epc);
          if (g) units.set(g, (units.get(g) ?? 0) + 1);
        }
      for (const c of f.classes) {
        if (c.field !== 'quantity' || c.quantity === null || (c.uom !== null && !COUNT_UNITS.has(c.uom))) continue;
        const g = gtinOfEpc(c.epcClass);
        if (g) units.set(g, (units.get(g) ?? 0) + c.quantity);
      }
      for (const [gtin, n] of units) {
        const inForce = (versions.get(gtin) ?? [])
          .filter((v) => v.validFromMs <= f.eventTimeMs)
          .sort((a, b) => a.validFromMs - b.validFromMs || a.index - b.index)
          .at(-1);
        if (!inForce) continue;
        const perUnit = new Map<string, number>();
        for (const c of inForce.body.components) {
          if (c.recycledContent) perUnit.set(c.material, (perUnit.get(c.material) ?? 0) + c.massKg * c.recycledContent);
        }
        for (const [material, kg] of perUnit) {
          claims.push({
            producer: actor,
            material,
            year: year(f.eventTimeMs),
            kg: n * kg,
            statements: [e.index, inForce.index],
          });
        }
      }
    } else if (
      f.bizStep === 'receiving' ||
      (f.eventType === 'ObjectEvent' && f.action === 'ADD' && f.bizStep !== 'commissioning')
    ) {
      for (const c of f.classes) {
        const source = recovered.get(c.epcClass);
        const comp = compositions.get(c.epcClass);
        if (c.field !== 'quantity' || c.kg === null || source === undefined || !comp) continue;
        for (const [material, share] of Object.entries(comp)) {
          supplies.push({
            producer: actor,
            material,
            year: year(f.eventTimeMs),
            kg: c.kg * share,
            statements: [e.index, source],
          });
        }
      }
    }
  }
  return { claims, supplies };
}

function recoveredOf(events: readonly AuditedEvent[]): Map<string, number> {
  const recovered = new Map<string, number>();
  addRecoveredLots(recovered, events);
  return recovered;
}
