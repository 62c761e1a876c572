/**
 * Planted design violations: passports below grade C, versions less
 * recyclable than the ones they replace, recycled content claimed beyond the
 * recovered material bought, and a portfolio whose non-recyclable share rises.
 * Their producers place nothing else on the market, so each raises its own
 * rule; the rising share needs a non-recyclable product on the market and so
 * also raises `non-recyclable-design` for it, which the truth records.
 */
import type { PassportBody } from '../../assess/passport.js';
import { normaliseGtin } from '../../statements/gs1.js';
import { bottle, gluedSleeve } from './products.js';
import { commissioning, DAY, gtin13, HOUR, makeActor, productClass, sgln } from './region.js';
import type { Region } from './scenario.js';
import type { Planted } from './violations.js';

export function plantDesign(region: Region, count: number, truth: Planted[]): void {
  const { seed, startMs } = region;
  const actor = (name: string) => {
    const a = makeActor(seed, name, 'producer', name.split('.')[0] as string);
    region.actors.push(a);
    return a;
  };
  const key = (gtin: string) => normaliseGtin(gtin) as string;
  const packco = actor('packco.example');
  const pack = (p: PassportBody) => region.records.push({ actor: packco, kind: 'passport', body: p as never });
  for (let k = 0; k < count; k++) {
    const prefix = 4098001;
    const bad = gtin13(prefix, 100 + k);
    pack(bottle(bad, { joins: gluedSleeve }));
    truth.push({
      rule: 'non-recyclable-design',
      subject: { actor: packco.name, product: key(bad), version: 'v1' },
      note: 'a PET bottle with a glued paper sleeve',
    });
    const worse = gtin13(prefix, 200 + k);
    pack(bottle(worse, {}));
    // A PVC label welded on: still grade B, but less recyclable than the paper label it replaced.
    const label = { id: 'label', material: 'polymer/PVC', massKg: 0.001 };
    pack(
      bottle(worse, {
        version: 'v2',
        replaces: 'v1',
        components: [...bottle(worse, {}).components.slice(0, 2), label],
        joins: gluedSleeve,
      }),
    );
    truth.push({
      rule: 'design-regression',
      subject: { actor: packco.name, product: key(worse), version: 'v2' },
      note: 'v2 welds a PVC label on',
    });
    // A producer that overstates recycled content: 100,000 bottles claim 1,250 kg of recycled PET, none bought.
    const claimer = actor(`greenwash-${k + 1}.example`);
    const g = gtin13(prefix + 1 + k, 1);
    region.records.push({
      actor: claimer,
      kind: 'passport',
      body: bottle(g, {
        components: [
          { id: 'bottle', material: 'polymer/PET', massKg: 0.025, recycledContent: 0.5 },
          { id: 'cap', material: 'polymer/PP', massKg: 0.002 },
          { id: 'label', material: 'fibre/paper', massKg: 0.001 },
        ],
      }) as never,
    });
    const t = startMs + (40 + k) * DAY + 9 * HOUR;
    region.events.push(commissioning(t, claimer, sgln(prefix + 1 + k, 1), productClass(prefix + 1 + k, 1), 100_000));
    truth.push({
      rule: 'recycled-content-claim',
      subject: { actor: claimer.name, material: 'polymer/PET', year: new Date(t).toISOString().slice(0, 4) },
      note: '1,250 kg of recycled PET claimed, none received',
    });
    // A producer that moves from a recyclable jar to the glued-sleeve bottle the next calendar year.
    const riser = actor(`riser-${k + 1}.example`);
    const rp = prefix + 50 + k;
    const jar: PassportBody = {
      product: { gtin: gtin13(rp, 1), name: 'jam jar 370 ml' },
      version: 'v1',
      declaredMassKg: 0.21,
      components: [
        { id: 'jar', material: 'glass/clear', massKg: 0.2 },
        { id: 'lid', material: 'metal/steel', massKg: 0.01 },
      ],
      joins: [{ a: 'jar', b: 'lid', method: 'hand' }],
    };
    const sleeve = bottle(gtin13(rp, 2), { joins: gluedSleeve });
    region.records.push({ actor: riser, kind: 'passport', body: jar as never });
    region.records.push({ actor: riser, kind: 'passport', body: sleeve as never });
    const first = startMs + (5 + k) * DAY;
    const nextYear = Date.UTC(new Date(first).getUTCFullYear() + 1, 0, 15, 9);
    region.events.push(commissioning(first, riser, sgln(rp, 1), productClass(rp, 1), 50_000));
    region.events.push(commissioning(nextYear, riser, sgln(rp, 1), productClass(rp, 2), 50_000));
    truth.push({
      rule: 'rising-non-recyclable-share',
      subject: { actor: riser.name },
      note: 'jars one year, glued bottles the next',
    });
    truth.push({
      rule: 'non-recyclable-design',
      subject: { actor: riser.name, product: key(gtin13(rp, 2)), version: 'v1' },
      note: 'the bottle that makes the share rise (unavoidable with the rising share)',
    });
  }
}
