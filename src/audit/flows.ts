/**
 * Material flows: every mass quantity of every EPCIS event, classified by what
 * it means for the facility where it happened (its bizLocation):
 *
 *   received   receiving (and other arrival steps), or an ADD that is not a commissioning
 *   produced   TransformationEvent outputs, and commissioning (ADD)
 *   shipped    shipping (and other departure steps)
 *   consumed   TransformationEvent inputs
 *   lost       DELETE (declared loss, destruction)
 *   stock      cycle counting: the stock level counted at that moment (not a movement)
 *
 * Events at no location, quantities without a mass unit, and OBSERVE events of
 * other steps (inspecting, sorting on the spot) move nothing and are left out.
 */
import type { AuditedEvent } from './audited-event.js';

export type FlowKind = 'received' | 'produced' | 'shipped' | 'consumed' | 'lost' | 'stock';

export interface Flow {
  index: number;
  eventTimeMs: number;
  facility: string;
  epcClass: string;
  kind: FlowKind;
  kg: number;
  /** The shipment's destination (a location id), for shipped flows that name one. */
  destination?: string;
  disposition: string | null;
  actor: string;
}

const ARRIVAL = new Set(['receiving', 'accepting', 'arriving', 'unloading']);
const DEPARTURE = new Set(['shipping', 'departing', 'loading']);
const COUNTING = new Set(['cycle_counting', 'stock_taking']);

export function flowsOf(events: readonly AuditedEvent[]): Flow[] {
  const out: Flow[] = [];
  for (const e of events) {
    if (!e.event) continue;
    const { fields: f, actor, destination } = e.event;
    if (f.bizLocation === null) continue;
    for (const c of f.classes) {
      if (c.kg === null) continue;
      let kind: FlowKind | null = null;
      if (c.field === 'outputQuantity') kind = 'produced';
      else if (c.field === 'inputQuantity') kind = 'consumed';
      else if (c.field === 'quantity') {
        const step = f.bizStep ?? '';
        if (COUNTING.has(step)) kind = 'stock';
        else if (f.action === 'DELETE') kind = 'lost';
        else if (DEPARTURE.has(step)) kind = 'shipped';
        else if (step === 'commissioning' && f.action === 'ADD') kind = 'produced';
        else if (ARRIVAL.has(step) || f.action === 'ADD') kind = 'received';
      }
      if (kind === null) continue;
      out.push({
        index: e.index,
        eventTimeMs: f.eventTimeMs,
        facility: f.bizLocation,
        epcClass: c.epcClass,
        kind,
        kg: c.kg,
        ...(kind === 'shipped' && destination ? { destination } : {}),
        disposition: f.disposition,
        actor,
      });
    }
  }
  return out.sort((a, b) => a.eventTimeMs - b.eventTimeMs || a.index - b.index);
}
