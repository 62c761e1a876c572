/**
 * `recycled-content-claim`: a producer's passports claim recycled content;
 * times the units it placed on the market, that is recycled material it must
 * have bought. The claim, per material and year, must not exceed the
 * recovered material (the output of a recycling transformation) the producer
 * actually received, beyond a tolerance.
 */
import type { PassportBody } from '../assess/passport.js';
import { digitalLinkGtin, gtinOfEpc, normaliseGtin } from '../statements/gs1.js';
import type { AuditedEvent } from './audited-event.js';
import type { Finding } from './event-rules.js';
import type { Compositions } from './flow-rules.js';

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
  const key = (a: MaterialAmount) => `${a.producer}\u0000${a.material}\u0000${a.year}`;
  const sum = (list: readonly MaterialAmount[]) => {
    const m = new Map<string, MaterialAmount>();
    for (const a of list) {
      const held = m.get(key(a));
      if (held) {
        held.kg += a.kg;
        held.statements.push(...a.statements);
      } else m.set(key(a), { ...a, statements: [...a.statements] });
    }
    return m;
  };
  const supplied = sum(supplies);
  const out: ClaimFinding[] = [];
  for (const [k, c] of [...sum(claims)].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const s = supplied.get(k);
    const suppliedKg = s?.kg ?? 0;
    const allowed = suppliedKg * (1 + tolerance.share) + tolerance.kg;
    if (c.kg <= allowed) continue;
    out.push({
      rule: 'recycled-content-claim',
      severity: suppliedKg === 0 ? 'high' : c.kg > 1.2 * suppliedKg ? 'high' : 'medium',
      subject: { actor: c.producer, material: c.material, year: c.year },
      message: `${c.producer}'s passports claim ${c.kg} kg of recycled ${c.material} in the units it placed on the market in ${c.year}, but it received ${suppliedKg} kg of recovered ${c.material} that year`,
      numbers: { claimedKg: c.kg, suppliedKg, allowedKg: allowed },
      statements: [...new Set([...c.statements, ...(s?.statements ?? [])])].sort((a, b) => a - b).slice(0, 500),
    });
  }
  return out;
}

const RECYCLING_STEPS = [
  'https://w3id.org/matterlog/voc/BizStep-mechanical_recycling',
  'https://w3id.org/matterlog/voc/BizStep-chemical_recycling',
  'https://w3id.org/matterlog/voc/BizStep-molecular_disassembly',
  'https://w3id.org/matterlog/voc/BizStep-composting',
  'https://w3id.org/matterlog/voc/BizStep-anaerobic_digestion',
];
const COUNT_UNITS = new Set(['EA', 'H87', 'C62']);
const year = (ms: number) => new Date(ms).toISOString().slice(0, 4);

/**
 * What each producer claims (recycled content of the passport version in force
 * × the units it commissioned) and what it was supplied (recovered material it
 * received: classes that came out of a recycling transformation), per material
 * and year, from the statements alone.
 */
export function claimsAndSupplies(
  events: readonly AuditedEvent[],
  passports: readonly AuditedEvent[],
  producers: ReadonlySet<string>,
  compositions: Compositions,
): { claims: MaterialAmount[]; supplies: MaterialAmount[] } {
  const versions = new Map<string, { validFromMs: number; index: number; body: PassportBody }[]>();
  for (const p of passports) {
    const body = p.body as unknown as PassportBody;
    const gtin = body.product.gtin ? normaliseGtin(body.product.gtin) : digitalLinkGtin(body.product.digitalLink ?? '');
    if (!gtin) continue;
    const validFromMs = body.validFrom ? Date.parse(body.validFrom) : p.issuedMs;
    versions.set(gtin, [...(versions.get(gtin) ?? []), { validFromMs, index: p.index, body }]);
  }
  const recovered = new Map<string, number>();
  for (const e of events) {
    if (!e.event) continue;
    const f = e.event.fields;
    if (f.eventType !== 'TransformationEvent' || !f.bizStep || !RECYCLING_STEPS.includes(f.bizStep)) continue;
    for (const c of f.classes)
      if (c.field === 'outputQuantity' && !recovered.has(c.epcClass)) recovered.set(c.epcClass, e.index);
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
