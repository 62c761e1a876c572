/**
 * `digest()` across drivers: equal for equal indexes whatever the driver or the
 * batch boundaries, different when any derived row differs, and encoded as
 * src/store/read-model-digest.ts documents (recomputed here independently).
 */
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { ReadModelBatch, ReadModelStore } from '../../src/store/read-model.js';
import { ReadModelDigest } from '../../src/store/read-model-digest.js';
import { allReadModelDrivers } from './read-model-drivers.js';
import {
  actorEntry,
  type Entry,
  eventEntry,
  marketEntry,
  passportEntry,
  productDataset,
  queryDataset,
  ReadModelBatches,
  recordEntry,
  revocationEntry,
  sha256Hex,
  t,
} from './read-model-fixtures.js';

const drivers = await allReadModelDrivers();
const opened: ReadModelStore[] = [];

async function indexed(driver: (typeof drivers)[number], batches: ReadModelBatch[]): Promise<ReadModelStore> {
  const s = await driver.create();
  opened.push(s);
  for (const b of batches) await s.apply(b);
  return s;
}

/** Everything the read model holds: events, actors, keys, revocations, duplicates, odd text. */
function entries(): Entry[] {
  return [
    ...queryDataset(),
    actorEntry('\u{1f600}.example', 'witness', ['w+1+K', 'w+0+K']),
    actorEntry('\uff01.example', 'producer', ['p+1+K']),
    revocationEntry('\uff01.example', 'p+1+K', 123),
    actorEntry('recycler.example', 'auditor', ['recycler.example+0a0b0c0d+AAAA', 'r+2+K']),
    eventEntry({ eventId: 'urn:odd', bizStep: 'tab\tquote"backslash\\ é \u{10ffff}', epcs: [['epc', 'E\u00e9']] }),
    eventEntry({ text: 'epcis.event#1' }),
    eventEntry({ eventId: 'urn:odd', epcs: [['epc', 'never']] }),
    eventEntry({ classes: [{ field: 'quantity', epcClass: 'C9', quantity: 0.1, uom: 'KGM', kg: 0.1 + 0.2 }] }),
    ...productDataset(),
    passportEntry({ product: '00000000000017', version: '3', massKg: 0.1 + 0.2, share: 1 / 3, grade: 'C' }),
  ];
}

afterAll(async () => {
  for (const s of opened) await s.close().catch(() => {});
  for (const d of drivers) await d.cleanup();
});

describe('read model digest', () => {
  it('is the same for every driver given the same batches', async () => {
    const digests = new Map<string, string>();
    for (const d of drivers) {
      const b = new ReadModelBatches();
      const all = entries();
      const s = await indexed(d, [b.next(all.slice(0, 9)), b.next(all.slice(9))]);
      digests.set(d.name, await s.digest());
    }
    expect(new Set(digests.values()).size, JSON.stringify(Object.fromEntries(digests))).toBe(1);
  });

  it.each(drivers.map((d) => [d.name, d] as const))('does not depend on batch boundaries (%s)', async (_n, d) => {
    const whole = await indexed(d, [ReadModelBatches.at(0, entries())]);
    const b = new ReadModelBatches();
    const single = await indexed(
      d,
      entries().map((e) => b.next([e])),
    );
    expect(await single.digest()).toBe(await whole.digest());
  });

  const mutations: [string, (b: ReadModelBatch) => void][] = [
    ['a statement kind', (b) => Object.assign(b.statements[5] ?? {}, { kind: 'passport2' })],
    ['a statement issued time', (b) => Object.assign(b.statements[5] ?? {}, { issuedMs: 1 })],
    ['an actor role', (b) => Object.assign(b.actors[0] ?? {}, { role: 'auditor' })],
    ['a key validity', (b) => Object.assign(b.keys[0] ?? {}, { validFromMs: 1 })],
    ['an event JSON', (b) => Object.assign(b.events[0] ?? {}, { json: `${b.events[0]?.json} ` })],
    ['an event custody', (b) => Object.assign(b.events[0] ?? {}, { custody: 'gateway' })],
    ['a null turned into text', (b) => Object.assign(b.events[2] ?? {}, { readPoint: 'null' })],
    ['an EPC field', (b) => Object.assign(b.epcs[0] ?? {}, { field: 'childEPC' })],
    ['a class quantity', (b) => Object.assign(b.classes[0] ?? {}, { quantity: 10.000000000000002 })],
    ['a mass removed', (b) => Object.assign(b.classes[0] ?? {}, { kg: null })],
    ['a class order', (b) => b.classes.reverse()],
    ['the size', (b) => Object.assign(b, { toSize: b.toSize + 1 })],
    ['one revocation more', (b) => b.revocations.push({ actor: 'a', vkey: 'k', fromMs: 0, index: 0 })],
    ['a passport grade', (b) => Object.assign(b.passports[0] ?? {}, { grade: 'B' })],
    ['a passport mass', (b) => Object.assign(b.passports[0] ?? {}, { massKg: 0.5000000000000001 })],
    ['a passport replaced', (b) => Object.assign(b.passports[0] ?? {}, { replaces: '0' })],
    ['a passport validity', (b) => Object.assign(b.passports[0] ?? {}, { validFromMs: 0 })],
    ['a passport body', (b) => Object.assign(b.passports[0] ?? {}, { json: '{}' })],
    ['a market quantity', (b) => Object.assign(b.market[0] ?? {}, { units: 11 })],
    ['a market month', (b) => Object.assign(b.market[0] ?? {}, { month: '2045-02' })],
    ['a market order', (b) => b.market.reverse()],
    ['a record facility', (b) => Object.assign(b.records[1] ?? {}, { facility: '' })],
    ['a record actor', (b) => Object.assign(b.records[1] ?? {}, { actor: 'someone.else' })],
    ['a record body', (b) => Object.assign(b.records[3] ?? {}, { json: '{}' })],
  ];

  it.each(drivers.map((d) => [d.name, d] as const))('changes when any row differs (%s)', async (_n, d) => {
    // Product entries after the query dataset, so the rows named above keep their positions
    // (records[0] is replaced by a later row of the same facility, so no mutation names it).
    const base = () => ReadModelBatches.at(0, [...queryDataset(), ...productDataset()]);
    const reference = await (await indexed(d, [base()])).digest();
    for (const [what, mutate] of mutations) {
      const b = base();
      mutate(b);
      const s = await indexed(d, [b]);
      expect(await s.digest(), what).not.toBe(reference);
    }
  });

  it.each(drivers.map((d) => [d.name, d] as const))('follows the documented encoding (%s)', async (_n, d) => {
    const sha = (s: string | Buffer) => createHash('sha256').update(s).digest();
    const empty = sha(sha('meta\t["matterlog-read-model-digest/2",0]\n')).toString('hex');
    expect(await (await indexed(d, [])).digest()).toBe(empty);
    const b = ReadModelBatches.at(0, [
      eventEntry({ eventId: 'urn:x', eventTimeMs: 5, recordTimeMs: 6, epcs: [['epc', 'E']], classes: [] }),
    ]);
    const e = b.events[0] as ReadModelBatch['events'][number];
    const lines = [
      'meta\t["matterlog-read-model-digest/2",1]\n',
      `statements\t[0,"epcis.event","recycler.example","recycler.example",6,"${sha256Hex('epcis.event#0')}"]\n`,
      `events\t${JSON.stringify([0, 'urn:x', 'ObjectEvent', 5, 6, 'OBSERVE', null, null, null, null, 'recycler.example', 'self', e.json])}\n`,
      'epcs\t[0,"epc","E"]\n',
    ];
    expect(await (await indexed(d, [b])).digest()).toBe(sha(sha(lines.join(''))).toString('hex'));
  });

  it.each(drivers.map((d) => [d.name, d] as const))(
    'encodes passports, market and records as documented (%s)',
    async (_n, d) => {
      const sha = (s: string | Buffer) => createHash('sha256').update(s).digest();
      const b = ReadModelBatches.at(0, [
        passportEntry({ product: 'P', version: '1', issuedMs: 6, validFromMs: 7, massKg: 0.5, share: 1, grade: 'A' }),
        marketEntry(
          'm',
          5,
          [
            ['P', 2],
            ['Q', 0.5],
          ],
          { eventId: 'urn:m' },
        ),
        recordEntry('route', 'r', { facility: 'F' }),
      ]);
      const [p, e, r] = [b.passports[0], b.events[0], b.records[0]] as [
        ReadModelBatch['passports'][0],
        ReadModelBatch['events'][0],
        ReadModelBatch['records'][0],
      ];
      const lines = [
        'meta\t["matterlog-read-model-digest/2",3]\n',
        `statements\t[0,"passport","maker.example","maker.example",6,"${sha256Hex('passport#0')}"]\n`,
        `statements\t[1,"epcis.event","m","m",1005,"${sha256Hex('epcis.event#1')}"]\n`,
        `statements\t[2,"route","recycler.example","recycler.example",${t(2)},"${sha256Hex('route#2')}"]\n`,
        `events\t${JSON.stringify([1, 'urn:m', 'ObjectEvent', 5, 1005, 'ADD', 'commissioning', null, null, null, 'm', 'self', e.json])}\n`,
        `passports\t${JSON.stringify([0, 'P', 'maker.example', '1', null, 6, 7, 0.5, 1, 'A', p.json])}\n`,
        'market\t[1,0,"m","P",2,5,"1970-01"]\n',
        'market\t[1,1,"m","Q",0.5,5,"1970-01"]\n',
        `records\t${JSON.stringify(['route', 'r', 'recycler.example', 2, t(2), 'F', r.json])}\n`,
      ];
      expect(await (await indexed(d, [b])).digest()).toBe(sha(sha(lines.join(''))).toString('hex'));
    },
  );

  it('refuses rows fed out of order, so a driver with a wrong ORDER BY fails loudly', () => {
    const d = new ReadModelDigest(2);
    d.add('actors', { name: '\uff01', role: 'public', index: 0, issuedMs: 0 });
    expect(() => d.add('actors', { name: '\u{1f600}', role: 'public', index: 1, issuedMs: 0 })).not.toThrow();
    expect(() => d.add('actors', { name: 'a', role: 'public', index: 1, issuedMs: 0 })).toThrow(/out of order/);
    expect(() =>
      d.add('statements', { index: 0, kind: 'k', issuers: 'i', actor: 'a', issuedMs: 0, textSha256: sha256Hex('') }),
    ).toThrow(/out of order/);
  });
});
