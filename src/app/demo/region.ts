/**
 * The building blocks of the demo region: a seeded random source, actors with
 * keys derived from the seed, identifiers (SGLN, LGTIN, GTIN), EPCIS events
 * with the material flows they stand for, and the stock counts that make a
 * facility's mass balance judgeable. Everything here is deterministic for a
 * given seed; only the base time (the moment the actors are registered) moves.
 */
import { createHash } from 'node:crypto';
import { eventHashId, MATTERLOG_VOC } from '../../epcis/index.js';
import { type Ed25519NoteKey, ed25519NoteKey } from '../../ledger/note.js';
import { gs1CheckDigit } from '../../statements/gs1.js';
import type { Role, StatementKind } from '../../statements/roles.js';

export const EPCIS_CONTEXT = 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld';
export const CONTEXT = [EPCIS_CONTEXT, { matterlog: MATTERLOG_VOC }];
export const DAY = 86_400_000;
export const HOUR = 3_600_000;

/** mulberry32 over a 32-bit hash of the seed: small, fast and the same everywhere. */
export class Random {
  private state: number;
  constructor(seed: string) {
    this.state = createHash('sha256').update(seed).digest().readUInt32BE(0);
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
}

export interface Actor {
  name: string;
  role: Role;
  title: string;
  key: Ed25519NoteKey;
}

export function makeActor(seed: string, name: string, role: Role, title: string): Actor {
  const secret = new Uint8Array(createHash('sha256').update(`matterlog demo ${seed} ${name}`).digest());
  return { name, role, title, key: ed25519NoteKey(name, secret) };
}

/** A mass movement at a facility: positive in, negative out (what a stock count must reflect). */
export interface SimFlow {
  facility: string;
  epcClass: string;
  kg: number;
}

export interface DemoEvent {
  timeMs: number;
  actor: Actor;
  event: Record<string, unknown>;
  eventID: string;
  flows: SimFlow[];
}

/** A non-event statement (facility, passport, policy) to publish before the events. */
export interface DemoRecord {
  actor: Actor;
  kind: StatementKind;
  body: Record<string, unknown>;
}

export const sgln = (prefix: number, location: number) =>
  `urn:epc:id:sgln:${prefix}.${String(location).padStart(5, '0')}.0`;
export const lgtin = (prefix: number, item: number, lot: string) =>
  `urn:epc:class:lgtin:${prefix}.0${String(item).padStart(5, '0')}.${lot}`;
export function gtin13(prefix: number, item: number): string {
  const base = `${prefix}${String(item).padStart(5, '0')}`;
  return `${base}${gs1CheckDigit(base)}`;
}
export const productClass = (prefix: number, item: number) =>
  `urn:epc:idpat:sgtin:${prefix}.0${String(item).padStart(5, '0')}.*`;

export const kg = (epcClass: string, quantity: number) => ({ epcClass, quantity, uom: 'KGM' });

export function demoEvent(timeMs: number, actor: Actor, spec: Record<string, unknown>, flows: SimFlow[]): DemoEvent {
  const event = {
    type: 'ObjectEvent',
    eventTime: new Date(timeMs).toISOString(),
    eventTimeZoneOffset: '+00:00',
    ...spec,
  };
  return { timeMs, actor, event, eventID: eventHashId(event, CONTEXT), flows };
}

const at = (facility: string) => ({ readPoint: { id: facility }, bizLocation: { id: facility } });

/** A lot arriving from outside the ledger (households, a kerbside round) with its composition. */
export function intake(t: number, a: Actor, facility: string, cls: string, q: number, comp: Record<string, number>) {
  return demoEvent(
    t,
    a,
    {
      action: 'ADD',
      bizStep: 'receiving',
      epcList: [],
      quantityList: [kg(cls, q)],
      ...at(facility),
      ilmd: { 'matterlog:composition': comp },
    },
    [{ facility, epcClass: cls, kg: q }],
  );
}

export function receipt(t: number, a: Actor, facility: string, cls: string, q: number) {
  return demoEvent(
    t,
    a,
    { action: 'OBSERVE', bizStep: 'receiving', epcList: [], quantityList: [kg(cls, q)], ...at(facility) },
    [{ facility, epcClass: cls, kg: q }],
  );
}

export function shipment(
  t: number,
  a: Actor,
  facility: string,
  cls: string,
  q: number,
  destination: string,
  disposition: string,
) {
  return demoEvent(
    t,
    a,
    {
      action: 'OBSERVE',
      bizStep: 'shipping',
      disposition,
      epcList: [],
      quantityList: [kg(cls, q)],
      ...at(facility),
      sourceList: [{ type: 'location', source: facility }],
      destinationList: [{ type: 'location', destination }],
    },
    [{ facility, epcClass: cls, kg: -q }],
  );
}

export function transformation(
  t: number,
  a: Actor,
  facility: string,
  bizStep: string | null,
  input: [string, number],
  output: [string, number],
  comp: Record<string, number>,
) {
  const event = {
    type: 'TransformationEvent',
    eventTime: new Date(t).toISOString(),
    eventTimeZoneOffset: '+00:00',
    inputQuantityList: [kg(input[0], input[1])],
    outputQuantityList: [kg(output[0], output[1])],
    ...(bizStep ? { bizStep } : {}),
    ...at(facility),
    ilmd: { 'matterlog:composition': comp },
  };
  return {
    timeMs: t,
    actor: a,
    event,
    eventID: eventHashId(event, CONTEXT),
    flows: [
      { facility, epcClass: input[0], kg: -input[1] },
      { facility, epcClass: output[0], kg: output[1] },
    ],
  };
}

/** Units placed on the market: counted, not weighed, so they move no mass. */
export function commissioning(t: number, a: Actor, facility: string, cls: string, units: number) {
  return demoEvent(
    t,
    a,
    {
      action: 'ADD',
      bizStep: 'commissioning',
      epcList: [],
      quantityList: [{ epcClass: cls, quantity: units }],
      ...at(facility),
    },
    [],
  );
}

/** An inspection: an OBSERVE of another step moves nothing, so only its date can be judged. */
export function inspection(t: number, a: Actor, facility: string, cls: string, q: number) {
  return demoEvent(
    t,
    a,
    { action: 'OBSERVE', bizStep: 'inspecting', epcList: [], quantityList: [kg(cls, q)], ...at(facility) },
    [],
  );
}

/**
 * Stock-takings at each of `facilities` at each of `times`: the stock each
 * class holds by then, replayed from the flows, so that an honest facility
 * balances exactly. A facility holding nothing still counts one class at 0,
 * since a count with no quantity is no count at all to the audit.
 */
/** About 100 bytes a lot: 200 lots keep a signed count near 20 KB. */
const COUNT_LOTS_PER_EVENT = 200;

export function stockCounts(
  events: readonly DemoEvent[],
  facilities: ReadonlyMap<string, Actor>,
  times: readonly number[],
): DemoEvent[] {
  const flows = events.flatMap((e) => e.flows.map((f) => ({ ...f, timeMs: e.timeMs })));
  flows.sort((a, b) => a.timeMs - b.timeMs);
  const out: DemoEvent[] = [];
  for (const [facility, actor] of facilities) {
    const mine = flows.filter((f) => f.facility === facility);
    const stock = new Map<string, number>();
    let k = 0;
    for (const t of times) {
      for (; k < mine.length && (mine[k] as (typeof mine)[number]).timeMs < t; k++) {
        const f = mine[k] as (typeof mine)[number];
        stock.set(f.epcClass, (stock.get(f.epcClass) ?? 0) + f.kg);
      }
      const held = [...stock].filter(([, q]) => Math.abs(q) > 1e-9).sort(([a], [b]) => (a < b ? -1 : 1));
      const first = mine[0]?.epcClass ?? `${facility}.empty`;
      const list = held.length > 0 ? held.map(([c, q]) => kg(c, round(q))) : [kg(first, 0)];
      // A site holding many lots records its count in several events at the same time
      // (the audit reads them as one count), each well inside a log entry's 64 KiB.
      for (let i = 0; i < list.length; i += COUNT_LOTS_PER_EVENT) {
        const part = list.slice(i, i + COUNT_LOTS_PER_EVENT);
        out.push(
          demoEvent(
            t,
            actor,
            { action: 'OBSERVE', bizStep: 'cycle_counting', epcList: [], quantityList: part, ...at(facility) },
            [],
          ),
        );
      }
    }
  }
  return out;
}

export const round = (x: number) => Math.round(x * 1000) / 1000;
