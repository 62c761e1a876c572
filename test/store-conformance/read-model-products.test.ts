/**
 * Passports, market placements and records (src/store/read-model.ts), checked
 * against every driver: what "first one wins" keeps of them, the reads, and a
 * portfolio worked by hand.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { ReadModelBatch, ReadModelStore } from '../../src/store/read-model.js';
import { allReadModelDrivers, type ReadModelFactory } from './read-model-drivers.js';
import {
  type Entry,
  marketEntry,
  only,
  passportEntry,
  ReadModelBatches,
  recordEntry,
  t,
} from './read-model-fixtures.js';

const drivers = await allReadModelDrivers();

const A = '04012345000016';
const B = '04012345000023';
const C = '04012345000030';
const day = (month: number, d: number) => Date.UTC(2045, month - 1, d);
const MAKER = 'maker.example';

/**
 * Entry i is log index i. Product A has version 1 (grade C, 0.5 kg) from Jan 10
 * and version 2 (grade A, 0.25 kg) from Feb 10; B's only version (grade A, 1 kg)
 * is published after B's market row but valid from before it; C's two versions
 * are valid from the same moment, so the later one (grade non-recyclable, 2 kg) is in force.
 */
function portfolioLog(): Entry[] {
  return [
    marketEntry(MAKER, day(1, 5), [[A, 10]]),
    passportEntry({ product: A, version: '1', grade: 'C', massKg: 0.5, validFromMs: day(1, 10) }),
    marketEntry(MAKER, day(1, 20), [[A, 4]]),
    passportEntry({ product: A, version: '2', replaces: '1', grade: 'A', massKg: 0.25, validFromMs: day(2, 10) }),
    marketEntry(MAKER, day(2, 1), [
      [A, 6],
      [B, 2],
    ]),
    marketEntry(MAKER, day(2, 10), [[A, 8]]),
    passportEntry({ product: B, version: 'b1', grade: 'A', massKg: 1, validFromMs: day(1, 1) }),
    marketEntry('rival.example', day(2, 15), [[A, 100]]),
    passportEntry({ product: C, version: '1', grade: 'B', massKg: 2, validFromMs: day(3, 1) }),
    passportEntry({ product: C, version: '2', grade: 'non-recyclable', share: 0.1, massKg: 2, validFromMs: day(3, 1) }),
    marketEntry(MAKER, day(3, 1), [[C, 3]]),
    marketEntry(MAKER, day(4, 1) - 1, [[A, 1]]),
  ];
}

describe.each(drivers.map((d) => [d.name, d] as const))(
  'read model products: %s',
  (_name, driver: ReadModelFactory) => {
    const opened: ReadModelStore[] = [];
    const fresh = async (...batches: ReadModelBatch[]) => {
      const s = await driver.create();
      opened.push(s);
      for (const b of batches) await s.apply(b);
      return s;
    };
    afterAll(async () => {
      for (const s of opened) await s.close().catch(() => {});
      await driver.cleanup();
    });

    it('refuses malformed passport, market and record rows before writing anything', async () => {
      const s = await fresh();
      const ok = () =>
        ReadModelBatches.at(0, [
          passportEntry({ product: A, version: '1' }),
          marketEntry(MAKER, day(1, 1), [[A, 1]]),
          recordEntry('route', 'r1', { facility: 'F' }),
        ]);
      type B = ReadModelBatch;
      const p = (b: B) => b.passports[0] ?? {};
      const m = (b: B) => b.market[0] ?? {};
      const r = (b: B) => b.records[0] ?? {};
      const broken: [string, (b: B) => void][] = [
        ['a passport row outside the batch', (b) => Object.assign(p(b), { index: 3 })],
        ['two passport rows at one index', (b) => b.passports.push({ ...(b.passports[0] as B['passports'][0]) })],
        ['a grade other than A, B, C, non-recyclable', (b) => Object.assign(p(b), { grade: 'D' })],
        ['a share above 1', (b) => Object.assign(p(b), { share: 1.01 })],
        ['a negative share', (b) => Object.assign(p(b), { share: -0.1 })],
        ['a NaN share', (b) => Object.assign(p(b), { share: Number.NaN })],
        ['a mass of 0', (b) => Object.assign(p(b), { massKg: 0 })],
        ['an infinite mass', (b) => Object.assign(p(b), { massKg: Number.POSITIVE_INFINITY })],
        ['a fractional validFromMs', (b) => Object.assign(p(b), { validFromMs: 1.5 })],
        ['a version that is not a string', (b) => Object.assign(p(b), { version: 2 })],
        ['a NUL in a product', (b) => Object.assign(p(b), { product: 'a\u0000' })],
        ['an unpaired surrogate in replaces', (b) => Object.assign(p(b), { replaces: '\udc00' })],
        ['a market row without its event row', (b) => Object.assign(m(b), { index: 0 })],
        ['a market row outside the batch', (b) => Object.assign(m(b), { index: 7 })],
        ['market units of 0', (b) => Object.assign(m(b), { units: 0 })],
        ['negative market units', (b) => Object.assign(m(b), { units: -1 })],
        ['infinite market units', (b) => Object.assign(m(b), { units: Number.POSITIVE_INFINITY })],
        ['a month without its leading zero', (b) => Object.assign(m(b), { month: '2045-1' })],
        ['a month with a day', (b) => Object.assign(m(b), { month: '2045-01-05' })],
        ['a market time beyond safe integers', (b) => Object.assign(m(b), { eventTimeMs: 2 ** 53 })],
        ['a record kind other than facility or route', (b) => Object.assign(r(b), { kind: 'plant' })],
        ['a record facility that is not text', (b) => Object.assign(r(b), { facility: 5 })],
        ['a record row outside the batch', (b) => Object.assign(r(b), { index: -1 })],
        ['an unpaired surrogate in a record body', (b) => Object.assign(r(b), { json: '"\ud800"' })],
      ];
      for (const [what, breakIt] of broken) {
        const b = ok();
        breakIt(b);
        await expect(s.apply(b), what).rejects.toMatchObject({ code: 'invalid_input' });
      }
      expect(await s.indexedSize()).toBe(0);
      await s.apply(ok());
      expect(await s.indexedSize()).toBe(3);
      expect(await s.portfolio(MAKER)).toEqual([{ month: '2045-01', grade: 'B', units: 1, kg: 0.5 }]);
    });

    it('keeps the first row of a (product, version), within a batch and across batches', async () => {
      const v = (version: string, grade: string, product = A) => passportEntry({ product, version, grade });
      const first = [v('1', 'C'), v('1', 'A'), v('2', 'B'), v('1', 'B', B)];
      const later = [v('1', 'non-recyclable'), v('2', 'non-recyclable'), v('3', 'A')];
      const s = await fresh(ReadModelBatches.at(0, first), ReadModelBatches.at(4, later));
      const kept = (await s.passports([A, B])).map((p) => [p.product, p.version, p.grade, p.index]);
      expect(kept).toEqual([
        [A, '1', 'C', 0],
        [A, '2', 'B', 2],
        [A, '3', 'A', 6],
        [B, '1', 'B', 3],
      ]);
      // The same log with only the statements of the repeated versions indexes to the same digest.
      const drop = (e: Entry) => only(e, ['statements']);
      const reference = await fresh(
        ReadModelBatches.at(0, [first[0], drop(first[1] as Entry), first[2], first[3]] as Entry[]),
        ReadModelBatches.at(4, [drop(later[0] as Entry), drop(later[1] as Entry), later[2] as Entry]),
      );
      expect(await s.digest()).toBe(await reference.digest());
      expect(await s.statementCounts()).toEqual({ passport: 7 });
    });

    it('drops market rows with their event or their statement', async () => {
      const jan = day(1, 15);
      const s = await fresh(
        ReadModelBatches.at(0, [
          passportEntry({ product: A, version: '1', validFromMs: 0, grade: 'A', massKg: 2 }),
          marketEntry(MAKER, jan, [[A, 5]], { eventId: 'urn:placed' }),
        ]),
        ReadModelBatches.at(2, [
          // The same event again (another statement): its market rows go with it.
          marketEntry(MAKER, jan, [[A, 7]], { eventId: 'urn:placed', text: 'placed again' }),
          // The same statement twice: every row of the second goes.
          marketEntry(MAKER, jan, [[A, 11]], { eventId: 'urn:twice', text: 'twice' }),
          marketEntry(MAKER, jan, [[A, 13]], { eventId: 'urn:twice-2', text: 'twice' }),
        ]),
      );
      expect(await s.portfolio(MAKER)).toEqual([{ month: '2045-01', grade: 'A', units: 16, kg: 32 }]);
      expect(Object.fromEntries(await s.findEvents(['urn:placed', 'urn:twice', 'urn:twice-2']))).toEqual({
        'urn:placed': 1,
        'urn:twice': 3,
      });
    });

    it('upserts records by (kind, key): the last row wins, within a batch and across batches', async () => {
      const s = await fresh(
        ReadModelBatches.at(0, [
          recordEntry('facility', 'F1', { actor: 'a', body: { name: 'first' } }),
          recordEntry('route', 'F1', { actor: 'a', facility: 'F1' }),
          recordEntry('facility', 'F1', { actor: 'a', body: { name: 'second' } }),
          recordEntry('route', 'R2', { actor: 'b', facility: 'F2' }),
        ]),
        ReadModelBatches.at(4, [recordEntry('facility', 'F1', { actor: 'a', body: { name: 'third' } })]),
      );
      expect(await s.records('facility')).toEqual([
        { kind: 'facility', key: 'F1', actor: 'a', index: 4, issuedMs: t(4), facility: null, json: '{"name":"third"}' },
      ]);
      expect((await s.records('route')).map((r) => [r.key, r.index, r.facility])).toEqual([
        ['F1', 1, 'F1'],
        ['R2', 3, 'F2'],
      ]);
    });

    it('filters records by keys, actor and facility (all that are given), ordered by key', async () => {
      const route = (key: string, actor: string, facility: string | null) =>
        recordEntry('route', key, { actor, facility });
      const s = await fresh(
        ReadModelBatches.at(0, [
          route('r/\u{1f600}', 'a', 'F1'),
          route('r/\uff01', 'b', 'F1'),
          route('r/z', 'a', null),
          route('r/a', 'b', 'F2'),
          recordEntry('facility', 'F1', { actor: 'a' }),
        ]),
      );
      const keys = async (filter: Parameters<ReadModelStore['records']>[1]) =>
        (await s.records('route', filter)).map((r) => r.key);
      // Code point order: U+FF01 before U+1F600.
      expect(await keys({})).toEqual(['r/a', 'r/z', 'r/\uff01', 'r/\u{1f600}']);
      expect(await keys({ keys: ['r/z', 'r/a', 'F1', 'r/none'] })).toEqual(['r/a', 'r/z']);
      expect(await keys({ keys: [] })).toEqual([]);
      expect(await keys({ actor: 'a' })).toEqual(['r/z', 'r/\u{1f600}']);
      expect(await keys({ facility: 'F1' })).toEqual(['r/\uff01', 'r/\u{1f600}']);
      expect(await keys({ actor: 'b', facility: 'F1' })).toEqual(['r/\uff01']);
      expect(await keys({ actor: 'a', facility: 'F2' })).toEqual([]);
      expect((await s.records('facility', { actor: 'a' })).map((r) => r.key)).toEqual(['F1']);
    });

    it('lists passports by product, then index, and a producer’s without bodies', async () => {
      const s = await fresh(
        ReadModelBatches.at(0, [
          passportEntry({ product: B, version: '1', producer: MAKER }),
          passportEntry({ product: A, version: '2', producer: MAKER, replaces: '1', validFromMs: 9 }),
          passportEntry({ product: C, version: '1', producer: 'rival.example' }),
          passportEntry({ product: A, version: '1', producer: MAKER, grade: 'non-recyclable', share: 0.5 }),
        ]),
      );
      const rows = await s.passports([C, A, 'nope', A]);
      expect(rows.map((p) => [p.product, p.index])).toEqual([
        [A, 1],
        [A, 3],
        [C, 2],
      ]);
      expect(rows[0]).toEqual({
        index: 1,
        product: A,
        producer: MAKER,
        version: '2',
        replaces: '1',
        issuedMs: t(1),
        validFromMs: 9,
        massKg: 0.5,
        share: 0.9,
        grade: 'B',
        json: JSON.stringify({ product: A, version: '2', index: 1 }),
      });
      expect(await s.passports([])).toEqual([]);
      const mine = await s.producerPassports(MAKER);
      expect(mine.map((p) => [p.product, p.version, p.index])).toEqual([
        [A, '2', 1],
        [A, '1', 3],
        [B, '1', 0],
      ]);
      const { json: _json, ...summary } = rows[0] as NonNullable<(typeof rows)[0]>;
      expect(mine[0]).toEqual(summary);
      expect(await s.producerPassports('nobody.example')).toEqual([]);
      // Reads are copies: changing one changes nothing stored.
      Object.assign(rows[0] as object, { grade: 'A' });
      Object.assign(mine[0] as object, { grade: 'A' });
      expect((await s.passports([A]))[0]?.grade).toBe('B');
    });

    it('sums a portfolio per month and grade of the version in force at each event', async () => {
      const s = await fresh(ReadModelBatches.at(0, portfolioLog()));
      expect(await s.portfolio(MAKER)).toEqual([
        // Jan 5: no version of A yet. Jan 20: A v1 (C, 0.5 kg).
        { month: '2045-01', grade: null, units: 10, kg: 0 },
        { month: '2045-01', grade: 'C', units: 4, kg: 2 },
        // Feb 10: A v2 from that moment (8 × 0.25); Feb 1: B (2 × 1) and A v1 still (6 × 0.5).
        { month: '2045-02', grade: 'A', units: 10, kg: 4 },
        { month: '2045-02', grade: 'C', units: 6, kg: 3 },
        // Mar 31, last millisecond: A v2. Mar 1: C's later version of the same moment (3 × 2).
        { month: '2045-03', grade: 'A', units: 1, kg: 0.25 },
        { month: '2045-03', grade: 'non-recyclable', units: 3, kg: 6 },
      ]);
      // [from, to): Jan 20 is in, Feb 10 is not.
      expect(await s.portfolio(MAKER, { fromMs: day(1, 20), toMs: day(2, 10) })).toEqual([
        { month: '2045-01', grade: 'C', units: 4, kg: 2 },
        { month: '2045-02', grade: 'A', units: 2, kg: 2 },
        { month: '2045-02', grade: 'C', units: 6, kg: 3 },
      ]);
      expect(await s.portfolio(MAKER, { fromMs: day(3, 2) })).toEqual([
        { month: '2045-03', grade: 'A', units: 1, kg: 0.25 },
      ]);
      expect(await s.portfolio(MAKER, { toMs: day(1, 6) })).toEqual([
        { month: '2045-01', grade: null, units: 10, kg: 0 },
      ]);
      expect(await s.portfolio('rival.example')).toEqual([{ month: '2045-02', grade: 'A', units: 100, kg: 25 }]);
      expect(await s.portfolio('nobody.example')).toEqual([]);
    });

    it('sums the same portfolio whatever the batch boundaries', async () => {
      const b = new ReadModelBatches();
      const s = await fresh(...portfolioLog().map((e) => b.next([e])));
      const whole = await fresh(ReadModelBatches.at(0, portfolioLog()));
      expect(await s.portfolio(MAKER)).toEqual(await whole.portfolio(MAKER));
      expect(await s.digest()).toBe(await whole.digest());
    });

    it('refuses malformed reads', async () => {
      const s = await fresh();
      const bad = [
        () => s.passports('00000000000017' as never),
        () => s.passports([1] as never),
        () => s.producerPassports(5 as never),
        () => s.portfolio(MAKER, { fromMs: 1.5 }),
        () => s.portfolio(MAKER, { toMs: Number.NaN }),
        () => s.records('plant' as never),
        () => s.records('route', { keys: 'r1' as never }),
        () => s.records('route', { actor: 1 as never }),
      ];
      for (const call of bad) await expect(call()).rejects.toMatchObject({ code: 'invalid_input' });
    });
  },
);
