/**
 * The lots a facility holds, read from the EPCIS events in the log, so that
 * an operator can optimise what it actually has rather than a file it typed.
 *
 * A lot is an EPC class (an LGTIN lot, or a product class) with a positive net
 * mass at the facility: what arrived (receiving, commissioning and other ADD or
 * OBSERVE events with a mass quantity) and what was produced there
 * (TransformationEvent outputs), minus what left (shipping, DELETE) and what
 * was consumed (TransformationEvent inputs), up to a time. Its composition comes
 * from the lot's master data, ILMD `matterlog:composition` ({material id:
 * mass fraction}, with `matterlog:contamination`) on any event that brought
 * the class in or made it (at this facility or where it was made), or, for a product class,
 * from the product's latest passport (its components' masses by material). A
 * class with neither is reported as unknown rather than guessed.
 */
import { type PassportBody, passportComposition } from '../assess/passport.js';
import { eventIndexFields, ilmdOf } from '../epcis/index.js';
import { MatterlogError } from '../ledger/errors.js';
import type { Lot } from '../optimize/network.js';
import { gtinOfEpc } from '../statements/gs1.js';
import type { ReadModelStore } from '../store/read-model.js';

const INBOUND = new Set(['receiving', 'commissioning', 'accepting', 'arriving', 'loading', 'storing']);
const OUTBOUND = new Set(['shipping', 'departing', 'destroying', 'decommissioning']);

export interface HeldLots {
  facility: string;
  /** Lots with a known composition, ready for the optimizer (ids are the EPC classes). */
  lots: Lot[];
  /** Classes held but without composition: say what master data is missing. */
  unknown: { epcClass: string; tonnes: number }[];
  events: number;
}

type Json = Record<string, unknown>;

export async function heldLots(readModel: ReadModelStore, facility: string, toMs?: number): Promise<HeldLots> {
  const net = new Map<string, number>();
  const master = new Map<string, { composition?: Record<string, number>; contamination?: number }>();
  let afterIndex: number | undefined;
  let events = 0;
  for (;;) {
    const page = await readModel.queryEvents({
      bizLocations: [facility],
      ...(toMs !== undefined ? { eventTimeToMs: toMs } : {}),
      ...(afterIndex !== undefined ? { afterIndex } : {}),
      limit: 10_000,
    });
    for (const e of page.events) {
      events++;
      const event = JSON.parse(e.json) as Json;
      const f = eventIndexFields(event);
      const ilmd = ilmdOf(event);
      for (const c of f.classes) {
        if (c.kg === null) continue;
        let sign = 0;
        if (c.field === 'outputQuantity') sign = 1;
        else if (c.field === 'inputQuantity') sign = -1;
        else if (c.field === 'quantity') {
          if (f.action === 'DELETE' || (f.bizStep !== null && OUTBOUND.has(f.bizStep))) sign = -1;
          else if (f.action === 'ADD' || (f.bizStep !== null && INBOUND.has(f.bizStep))) sign = 1;
        }
        if (sign === 0) continue;
        net.set(c.epcClass, (net.get(c.epcClass) ?? 0) + (sign * c.kg) / 1000);
        if (ilmd.composition && (c.field === 'outputQuantity' || sign === 1) && !master.has(c.epcClass)) {
          master.set(c.epcClass, ilmd);
        }
      }
    }
    if (page.nextAfterIndex === null) break;
    afterIndex = page.nextAfterIndex;
  }
  const held = [...net].filter(([, t]) => t > 1e-9).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const products = [...new Set(held.map(([c]) => gtinOfEpc(c)).filter((g): g is string => g !== null))];
  const passports = products.length > 0 ? await readModel.passports(products) : [];
  const latest = new Map<string, PassportBody>();
  for (const p of passports) latest.set(p.product, JSON.parse(p.json) as PassportBody);
  // A lot's master data is often declared where the lot was made (at the sorter), not where it is held.
  const elsewhere = held.map(([c]) => c).filter((c) => !master.has(c));
  if (elsewhere.length > 0) {
    for (let after: number | undefined; ; ) {
      const page = await readModel.queryEvents({
        classes: [{ fields: ['quantity', 'outputQuantity'], values: elsewhere }],
        ...(after !== undefined ? { afterIndex: after } : {}),
        limit: 10_000,
      });
      for (const e of page.events) {
        const event = JSON.parse(e.json) as Json;
        const ilmd = ilmdOf(event);
        if (!ilmd.composition) continue;
        for (const c of eventIndexFields(event).classes) {
          if (
            (c.field === 'quantity' || c.field === 'outputQuantity') &&
            elsewhere.includes(c.epcClass) &&
            !master.has(c.epcClass)
          ) {
            master.set(c.epcClass, ilmd);
          }
        }
      }
      if (page.nextAfterIndex === null) break;
      after = page.nextAfterIndex;
    }
  }
  const lots: Lot[] = [];
  const unknown: HeldLots['unknown'] = [];
  for (const [epcClass, tonnes] of held) {
    const m = master.get(epcClass);
    const gtin = gtinOfEpc(epcClass);
    const passport = gtin ? latest.get(gtin) : undefined;
    const composition = m?.composition ?? (passport ? passportComposition(passport) : undefined);
    if (!composition) unknown.push({ epcClass, tonnes });
    else
      lots.push({
        id: epcClass,
        massTonnes: tonnes,
        composition,
        ...(m?.contamination !== undefined ? { contamination: m.contamination } : {}),
      });
  }
  if (events === 0) throw new MatterlogError('not_found', `no EPCIS event in the log has bizLocation "${facility}"`);
  return { facility, lots, unknown, events };
}
