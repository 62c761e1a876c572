/**
 * Planted violations: `count` of every audit rule, each built so that it
 * raises its own rule and nothing else, with the subject the finding will
 * carry written to the ground truth.
 *
 * How each stays alone: the flow violations happen at facilities of a broker
 * that never takes stock (their mass balance cannot be judged, so a lot used
 * twice does not also show as an imbalance), and each uses its own lots; the
 * mass-balance violation is a depot that counts twice with nothing drawn
 * between (so no lot is overdrawn); dating violations are inspections, which
 * move no mass. The design and claim violations are in design-violations.ts.
 */
import { BIZSTEP_MECHANICAL_RECYCLING, DISP_FOR_RECYCLING } from '../../epcis/index.js';
import { plantDesign } from './design-violations.js';
import {
  type Actor,
  DAY,
  type DemoEvent,
  demoEvent,
  HOUR,
  inspection,
  intake,
  kg,
  lgtin,
  makeActor,
  receipt,
  sgln,
  shipment,
  transformation,
} from './region.js';
import type { Region } from './scenario.js';

export interface Planted {
  rule: string;
  subject: Record<string, string>;
  /** Why this is there, for people reading the truth file. */
  note: string;
}

/** What the operator must do besides submitting: revoke keys, with `from` in the future. */
export interface Revocation {
  actor: Actor;
  fromMs: number;
}

export interface Plan {
  truth: Planted[];
  revocations: Revocation[];
}

const BROKER_PREFIX = 4099001;
const iso = (ms: number) => new Date(ms).toISOString();

export function plantViolations(region: Region, count: number): Plan {
  const { seed, startMs, rand } = region;
  const truth: Planted[] = [];
  const plan: Plan = { truth, revocations: [] };
  if (count === 0) return plan;
  const actor = (name: string, role: Actor['role'], title: string) => {
    const a = makeActor(seed, name, role, title);
    region.actors.push(a);
    return a;
  };
  const broker = actor('waste-broker.example', 'collector', 'a waste broker');
  const recycling = region.recyclers[0]?.facility as string;
  const incinerator = sgln(BROKER_PREFIX, 90);
  region.records.push({
    actor: broker,
    kind: 'facility',
    body: { id: incinerator, name: 'broker incinerator', type: 'energy-recovery', country: 'DE' },
  });
  const events = region.events;
  let site = 0;
  const yard = () => sgln(BROKER_PREFIX, 100 + site++);
  const lot = (what: string, k: number) => lgtin(BROKER_PREFIX, 1, `${what}${k}`);
  const when = (k: number, day: number) =>
    startMs + ((k * 37 + day) % 300) * DAY + 10 * HOUR + rand.int(0, 120) * 60_000;
  const pet = { 'polymer/PET': 1 };
  const bales = { 'polymer/PET': 0.9, 'fibre/paper': 0.1 };

  for (let k = 0; k < count; k++) {
    // A baler that reports more bales out than loose material in.
    {
      const f = yard();
      const t = when(k, 5);
      events.push(intake(t, broker, f, lot('GA', k), 1000, { 'fibre/cardboard': 1 }));
      const e = transformation(t + DAY, broker, f, null, [lot('GA', k), 1000], [lot('GB', k), 1250], {
        'fibre/cardboard': 1,
      });
      events.push(e);
      truth.push({
        rule: 'transformation-mass-gain',
        subject: { event: e.eventID, facility: f },
        note: '1,000 kg baled into 1,250 kg',
      });
    }
    // Mechanical recycling that recovers 80% of the PET (the best mechanical route: 68%).
    {
      const f = yard();
      const t = when(k, 9);
      events.push(intake(t, broker, f, lot('YA', k), 1000, bales));
      const e = transformation(
        t + DAY,
        broker,
        f,
        BIZSTEP_MECHANICAL_RECYCLING,
        [lot('YA', k), 1000],
        [lot('YB', k), 720],
        pet,
      );
      events.push(e);
      truth.push({
        rule: 'impossible-yield',
        subject: { event: e.eventID, material: 'polymer/PET', facility: f },
        note: '720 kg of PET flakes from 900 kg of PET',
      });
    }
    // A depot whose count finds 3 t fewer than came in.
    {
      const f = yard();
      const t = when(k, 13);
      const c = lot('MB', k);
      const open = inspectionCount(t, broker, f, c, 0);
      const close = inspectionCount(t + 6 * DAY, broker, f, c, 2000);
      events.push(open, intake(t + DAY, broker, f, c, 5000, pet), close);
      truth.push({
        rule: 'mass-balance',
        subject: { facility: f, material: 'polymer/PET', from: iso(open.timeMs), to: iso(close.timeMs) },
        note: '5,000 kg received, 2,000 kg counted, nothing left',
      });
    }
    // One lot fed to the line twice.
    {
      const f = yard();
      const t = when(k, 17);
      events.push(intake(t, broker, f, lot('OA', k), 1000, bales));
      events.push(
        transformation(
          t + DAY,
          broker,
          f,
          BIZSTEP_MECHANICAL_RECYCLING,
          [lot('OA', k), 1000],
          [lot('OB', k), 550],
          pet,
        ),
      );
      const again = transformation(
        t + 2 * DAY,
        broker,
        f,
        BIZSTEP_MECHANICAL_RECYCLING,
        [lot('OA', k), 1000],
        [lot('OC', k), 550],
        pet,
      );
      events.push(again);
      truth.push({
        rule: 'overdrawn-lot',
        subject: { facility: f, epcClass: lot('OA', k), at: iso(again.timeMs) },
        note: 'the same 1,000 kg lot consumed by two transformations',
      });
    }
    // Shipped to a registered recycler, never received there.
    {
      const f = yard();
      const t = when(k, 21);
      events.push(intake(t, broker, f, lot('SA', k), 2000, bales));
      const s = shipment(t + DAY, broker, f, lot('SA', k), 2000, recycling, DISP_FOR_RECYCLING);
      events.push(s);
      truth.push({
        rule: 'shipment-not-received',
        subject: { facility: f, destination: recycling, epcClass: lot('SA', k), shipped: iso(s.timeMs) },
        note: '2,000 kg declared shipped to the mechanical recycler, never received',
      });
    }
    // "For recycling" to a yard nobody registered (received there, so only the recipient is wrong).
    {
      const f = yard();
      const ghost = sgln(BROKER_PREFIX, 500 + k);
      const t = when(k, 25);
      events.push(intake(t, broker, f, lot('UA', k), 1500, bales));
      const s = shipment(t + DAY, broker, f, lot('UA', k), 1500, ghost, DISP_FOR_RECYCLING);
      events.push(s, receipt(t + 3 * DAY, broker, ghost, lot('UA', k), 1500));
      truth.push({
        rule: 'unregistered-recipient',
        subject: { facility: f, destination: ghost, epcClass: lot('UA', k), shipped: iso(s.timeMs) },
        note: 'sent for recycling to an unregistered location',
      });
    }
    // "For recycling" to the broker's own incinerator.
    {
      const f = yard();
      const t = when(k, 29);
      events.push(intake(t, broker, f, lot('NA', k), 1500, bales));
      const s = shipment(t + DAY, broker, f, lot('NA', k), 1500, incinerator, DISP_FOR_RECYCLING);
      events.push(s, receipt(t + 2 * DAY, broker, incinerator, lot('NA', k), 1500));
      truth.push({
        rule: 'non-recycling-recipient',
        subject: { facility: f, destination: incinerator, epcClass: lot('NA', k), shipped: iso(s.timeMs) },
        note: 'sent for recycling to an energy-recovery facility',
      });
    }
    // Inspections dated before the inspector was registered.
    {
      const a = actor(`late-starter-${k + 1}.example`, 'collector', 'a collector that backdates');
      const e = inspection(startMs - 20 * DAY, a, yard(), lot('DB', k), 800);
      events.push(e);
      truth.push({
        rule: 'dated-before-registration',
        subject: { event: e.eventID, actor: a.name },
        note: 'an inspection dated 3 weeks before the actor was registered',
      });
    }
    // A key revoked from a future date, and an inspection signed with it dated after that.
    {
      const a = actor(`lost-key-${k + 1}.example`, 'collector', 'a collector whose key was stolen');
      const fromMs = startMs + 200 * DAY;
      plan.revocations.push({ actor: a, fromMs });
      const e = inspection(fromMs + (10 + k) * DAY, a, yard(), lot('DR', k), 800);
      events.push(e);
      truth.push({
        rule: 'dated-after-revocation',
        subject: { event: e.eventID, actor: a.name },
        note: 'an inspection dated after the revocation of the key that signed it',
      });
    }
  }
  plantDesign(region, count, truth);
  return plan;
}

/** A stock-taking as the audit reads it (the honest ones are made by stockCounts). */
function inspectionCount(t: number, a: Actor, facility: string, cls: string, q: number): DemoEvent {
  const where = { readPoint: { id: facility }, bizLocation: { id: facility } };
  return demoEvent(
    t,
    a,
    { action: 'OBSERVE', bizStep: 'cycle_counting', epcList: [], quantityList: [kg(cls, q)], ...where },
    [],
  );
}
