/**
 * The honest region: producers of real-world packaging with passports,
 * collectors running separate-collection streams, sorters, and three
 * recyclers (mechanical, chemical, molecular disassembly) with their routes
 * and capacities, a policy, and a year of EPCIS events from kerbside intake to
 * recovered material bought back by the producers, stock-taken every 30 days.
 *
 * It is built to raise no finding: events are dated after the actors are
 * registered (the year starts the day after), every lot shipped is received
 * within days, yields stay at 90% of the best catalog route of the
 * transformation's family, and producers place on the market at most 80% of
 * the recycled content the recovered material they received covers.
 */
import type { PassportBody } from '../../assess/passport.js';
import type { RouteFamily } from '../../assess/routes.js';
import { maxYield } from '../../audit/yield-rule.js';
import {
  BIZSTEP_CHEMICAL_RECYCLING,
  BIZSTEP_MECHANICAL_RECYCLING,
  BIZSTEP_MOLECULAR_DISASSEMBLY,
  BIZSTEP_SORTING,
  DISP_FOR_RECYCLING,
} from '../../epcis/index.js';
import { claimPerUnit, passportsOf } from './products.js';
import {
  type Actor,
  commissioning,
  DAY,
  type DemoEvent,
  type DemoRecord,
  HOUR,
  intake,
  lgtin,
  makeActor,
  productClass,
  Random,
  receipt,
  round,
  sgln,
  shipment,
  transformation,
} from './region.js';

export const MONTHS = 12;
export const MONTH = 30 * DAY;
const PREFIX = 4012345;

export interface Producer {
  actor: Actor;
  facility: string;
  prefix: number;
  passports: PassportBody[];
  /** The GS1 item reference of each passport, in order. */
  items: number[];
}

interface Stream {
  id: string;
  composition: Record<string, number>;
  family: RouteFamily;
  recycler: number;
  recovers: string[];
  /** Index of the producer that buys the recovered material, if any. */
  buyer?: number;
}

export interface Region {
  seed: string;
  startMs: number;
  actors: Actor[];
  records: DemoRecord[];
  events: DemoEvent[];
  /** Facilities whose stock is taken, by the actor that counts it. */
  counted: Map<string, Actor>;
  producers: Producer[];
  recyclers: { actor: Actor; facility: string; family: RouteFamily }[];
  policy: { id: string; actor: Actor };
  rand: Random;
}

const STREAMS: Stream[] = [
  {
    id: 'PET bottles',
    composition: { 'polymer/PET': 0.88, 'polymer/PP': 0.08, 'fibre/paper': 0.04 },
    family: 'mechanical',
    recycler: 0,
    recovers: ['polymer/PET'],
    buyer: 0,
  },
  {
    id: 'beverage cans',
    composition: { 'metal/aluminium': 0.95, 'metal/steel': 0.05 },
    family: 'mechanical',
    recycler: 0,
    recovers: ['metal/aluminium'],
    buyer: 1,
  },
  {
    id: 'paper and board',
    composition: { 'fibre/cardboard': 0.9, 'fibre/paper': 0.1 },
    family: 'mechanical',
    recycler: 0,
    recovers: ['fibre/cardboard'],
    buyer: 2,
  },
  {
    id: 'mixed plastics',
    composition: { 'polymer/PP': 0.5, 'polymer/LDPE': 0.35, 'polymer/PET': 0.15 },
    family: 'chemical',
    recycler: 1,
    recovers: ['polymer/PP', 'polymer/LDPE'],
  },
  {
    id: 'multilayer packaging',
    composition: { 'composite/multilayer-film': 0.8, 'polymer/LDPE': 0.1, 'metal/aluminium': 0.1 },
    family: 'molecular',
    recycler: 2,
    recovers: ['composite/multilayer-film', 'polymer/LDPE', 'metal/aluminium'],
  },
];

const STEP: Partial<Record<RouteFamily, string>> = {
  mechanical: BIZSTEP_MECHANICAL_RECYCLING,
  chemical: BIZSTEP_CHEMICAL_RECYCLING,
  molecular: BIZSTEP_MOLECULAR_DISASSEMBLY,
};

/** The honest region, before any stock counts (the caller adds them once the violations are in). */
export function buildRegion(seed: string, startMs: number, events: number): Region {
  const rand = new Random(seed);
  const actors: Actor[] = [];
  const records: DemoRecord[] = [];
  const counted = new Map<string, Actor>();
  const add = (name: string, role: Actor['role'], title: string) => {
    const a = makeActor(seed, name, role, title);
    actors.push(a);
    return a;
  };
  const facility = (a: Actor, id: string, name: string, type: string, extra: Record<string, unknown> = {}) => {
    records.push({ actor: a, kind: 'facility', body: { id, name, type, country: 'DE', ...extra } });
    counted.set(id, a);
    return id;
  };
  const location = () => ({ latitude: round(50 + rand.next() * 3), longitude: round(7 + rand.next() * 5) });

  const names = ['aqua-bottling.example', 'canworks.example', 'boxmakers.example', 'preserves.example'];
  const producers: Producer[] = names.map((n, i) => {
    const actor = add(n, 'producer', n.split('.')[0] as string);
    const prefix = PREFIX + 100 + i;
    // Producers may not publish facility statements: their plants are locations the events name.
    const site = sgln(prefix, 1);
    counted.set(site, actor);
    const { passports, items } = passportsOf(prefix, i);
    for (const p of passports) records.push({ actor, kind: 'passport', body: p as unknown as Record<string, unknown> });
    return { actor, facility: site, prefix, passports, items };
  });
  const collectors = ['kerbside-north.example', 'kerbside-south.example'].map((n, i) => {
    const actor = add(n, 'collector', `collector ${n}`);
    return { actor, facility: facility(actor, sgln(PREFIX, 10 + i), `${n} depot`, 'collection') };
  });
  const sorters = ['mrf-east.example', 'mrf-west.example'].map((n, i) => {
    const actor = add(n, 'collector', `sorting plant ${n}`);
    return {
      actor,
      facility: facility(actor, sgln(PREFIX, 20 + i), `${n} materials recovery facility`, 'sorting', {
        capacityTonnesPerYear: 60_000,
        location: location(),
      }),
    };
  });
  const plants: [string, RouteFamily, string][] = [
    ['mech-recycling.example', 'mechanical', 'mechanical'],
    ['pyrolysis-works.example', 'chemical', 'chemical-pyrolysis'],
    ['nanosplit.example', 'molecular', 'molecular-disassembly'],
  ];
  const recyclers = plants.map(([n, family, route], i) => {
    const actor = add(n, 'recycler', `${family} recycler ${n}`);
    const site = facility(actor, sgln(PREFIX, 30 + i), `${n} plant`, 'recycling', {
      routes: [route],
      capacityTonnesPerYear: [80_000, 30_000, 10_000][i],
      location: location(),
    });
    return { actor, facility: site, family };
  });
  const mech = recyclers[0] as Region['recyclers'][number];
  const policy = { id: 'mech-recycling/2026', actor: mech.actor };
  records.push({
    actor: mech.actor,
    kind: 'policy',
    body: {
      id: policy.id,
      version: 'v1',
      name: 'value recovered material, pay for processing',
      objective: {
        materialValueEurPerTonne: { 'polymer/PET': 450, 'metal/aluminium': 1200, 'fibre/*': 90, 'polymer/*': 250 },
        co2eEurPerTonne: 80,
      },
      transportEurPerTonneKm: 0,
    },
  });

  // Loads per month so that the year holds about `events` events (about 9 each, plus stock counts).
  const perMonth = Math.max(STREAMS.length, Math.round(events / (MONTHS * 9.5)));
  const out: DemoEvent[] = [];
  let lot = 0;
  for (let m = 0; m < MONTHS; m++) {
    for (let k = 0; k < perMonth; k++) {
      const stream = STREAMS[k % STREAMS.length] as Stream;
      const col = collectors[(k + m) % collectors.length] as (typeof collectors)[number];
      const srt = sorters[(k + m + 1) % sorters.length] as (typeof sorters)[number];
      const rec = recyclers[stream.recycler] as Region['recyclers'][number];
      const t0 = startMs + m * MONTH + (1 + Math.floor((k * 20) / perMonth)) * DAY + 6 * HOUR + rand.int(0, 3) * HOUR;
      const step = (n: number) => t0 + n * 26 * HOUR + rand.int(0, 60) * 60_000;
      lot++;
      const tag = `${seedTag(seed)}M${m}L${lot}`;
      const collected = lgtin(PREFIX, 1 + STREAMS.indexOf(stream), `C${tag}`);
      const bales = lgtin(PREFIX, 11 + STREAMS.indexOf(stream), `B${tag}`);
      const q = rand.int(8, 24) * 1000 + rand.int(0, 999);
      out.push(intake(step(0), col.actor, col.facility, collected, q, stream.composition));
      out.push(shipment(step(1), col.actor, col.facility, collected, q, srt.facility, DISP_FOR_RECYCLING));
      out.push(receipt(step(2), srt.actor, srt.facility, collected, q));
      const qb = Math.round(q * (0.9 + rand.next() * 0.06));
      out.push(
        transformation(
          step(3),
          srt.actor,
          srt.facility,
          BIZSTEP_SORTING,
          [collected, q],
          [bales, qb],
          stream.composition,
        ),
      );
      out.push(shipment(step(4), srt.actor, srt.facility, bales, qb, rec.facility, DISP_FOR_RECYCLING));
      out.push(receipt(step(5), rec.actor, rec.facility, bales, qb));
      // The last month's bales stay at the plant: the optimizer plans what to do with them.
      if (m === MONTHS - 1) continue;
      const f = 0.82 + rand.next() * 0.08;
      const recovered: Record<string, number> = {};
      for (const mat of stream.recovers)
        recovered[mat] = qb * (stream.composition[mat] ?? 0) * f * maxYield(stream.family, mat);
      const total = Object.values(recovered).reduce((s, x) => s + x, 0);
      const qo = Math.floor(total);
      const comp = Object.fromEntries(Object.entries(recovered).map(([mat, x]) => [mat, round(x / total)]));
      const outCls = lgtin(PREFIX, 21 + STREAMS.indexOf(stream), `R${tag}`);
      const step6 = STEP[stream.family] as string;
      out.push(transformation(step(6), rec.actor, rec.facility, step6, [bales, qb], [outCls, qo], comp));
      if (stream.buyer === undefined) continue;
      const buyer = producers[stream.buyer] as Producer;
      out.push(shipment(step(7), rec.actor, rec.facility, outCls, qo, buyer.facility, 'in_transit'));
      // Received and put to use the same day, so claim and supply fall in the same calendar year.
      const arrive = Math.floor(step(8) / DAY) * DAY + 10 * HOUR;
      out.push(receipt(arrive, buyer.actor, buyer.facility, outCls, qo));
      const passport = buyer.passports[0] as PassportBody;
      const mat = stream.recovers[0] as string;
      const units = Math.floor((0.8 * qo * (comp[mat] ?? 0)) / claimPerUnit(passport, mat));
      const cls = productClass(buyer.prefix, buyer.items[0] as number);
      out.push(commissioning(arrive + 3 * HOUR, buyer.actor, buyer.facility, cls, units));
    }
    // The jam jars claim no recycled content: placed on the market every month regardless.
    const jars = producers[3] as Producer;
    const t = startMs + m * MONTH + 12 * DAY + 9 * HOUR;
    out.push(commissioning(t, jars.actor, jars.facility, productClass(jars.prefix, 1), rand.int(40, 90) * 1000));
  }
  // Producers weigh nothing on the way out (units are counted), so only the facilities with flows are stock-taken.
  for (const p of producers)
    if (!out.some((e) => e.flows.some((f) => f.facility === p.facility))) counted.delete(p.facility);
  return { seed, startMs, actors, records, events: out, counted, producers, recyclers, policy, rand };
}

/** Lot codes stay short and unique per seed (the same lot code under two seeds would be the same lot). */
function seedTag(seed: string): string {
  return [...seed]
    .map((c) => c.charCodeAt(0).toString(36))
    .join('')
    .slice(0, 6)
    .toUpperCase();
}
