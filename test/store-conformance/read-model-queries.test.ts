/**
 * The read model's queries (src/store/read-model.ts), checked against every
 * driver on one dataset (read-model-fixtures.ts `queryDataset`, entries 0..8).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventQuery, ReadModelStore } from '../../src/store/read-model.js';
import { allReadModelDrivers, type ReadModelFactory } from './read-model-drivers.js';
import { eventEntry, queryDataset, ReadModelBatches, t } from './read-model-fixtures.js';

const drivers = await allReadModelDrivers();

/** Each query and the indices of the events it must return, in log order. */
const CASES: [string, Omit<EventQuery, 'limit'>, number[]][] = [
  ['no condition', {}, [1, 2, 3, 4, 6, 7, 8]],
  ['one event type', { eventTypes: ['ObjectEvent'] }, [1, 2, 6, 8]],
  ['two event types', { eventTypes: ['ObjectEvent', 'TransactionEvent'] }, [1, 2, 6, 7, 8]],
  ['one action', { actions: ['ADD'] }, [1, 4, 7, 8]],
  ['two actions', { actions: ['OBSERVE', 'DELETE'] }, [2, 6]],
  ['a bizStep word', { bizSteps: ['receiving'] }, [1, 7, 8]],
  ['a bizStep URI', { bizSteps: ['urn:epcglobal:cbv:bizstep:commissioning'] }, [3]],
  ['dispositions', { dispositions: ['in_transit', 'destroyed'] }, [2, 6]],
  ['a read point', { readPoints: ['rp:A'] }, [1, 7]],
  ['one location', { bizLocations: ['L1'] }, [1, 3, 8]],
  ['two locations', { bizLocations: ['L2', 'L3'] }, [2, 4, 6]],
  ['an actor', { actors: ['a3'] }, [4, 7]],
  ['an EPC in one field', { epcs: [{ fields: ['epc'], values: ['E1'] }] }, [1, 7]],
  [
    'an EPC in any field',
    { epcs: [{ fields: ['epc', 'parentID', 'childEPC', 'inputEPC', 'outputEPC'], values: ['E1'] }] },
    [1, 4, 7],
  ],
  ['EPCs OR fields', { epcs: [{ fields: ['epc', 'childEPC'], values: ['E1', 'E5'] }] }, [1, 4, 6, 7]],
  [
    'two EPC matches AND',
    {
      epcs: [
        { fields: ['epc'], values: ['E1'] },
        { fields: ['epc'], values: ['E2'] },
      ],
    },
    [1],
  ],
  ['an input EPC', { epcs: [{ fields: ['inputEPC'], values: ['E3', 'E4'] }] }, [3]],
  ['a parent ID', { epcs: [{ fields: ['parentID'], values: ['P1'] }] }, [4]],
  ['a class', { classes: [{ fields: ['quantity'], values: ['C1'] }] }, [1, 7, 8]],
  ['a class in two fields', { classes: [{ fields: ['quantity', 'inputQuantity'], values: ['C1'] }] }, [1, 3, 7, 8]],
  ['an output class', { classes: [{ fields: ['outputQuantity'], values: ['C3'] }] }, [3]],
  ['a class without mass', { classes: [{ fields: ['childQuantity'], values: ['C2'] }] }, [4]],
  ['event time [from, to)', { eventTimeFromMs: t(2), eventTimeToMs: t(4) }, [2, 3]],
  ['event time from only', { eventTimeFromMs: t(7) }, [7, 8]],
  ['event time to only', { eventTimeToMs: t(2) + 1 }, [1, 2]],
  ['record time from', { recordTimeFromMs: t(6) + 1000 }, [6, 7, 8]],
  ['record time to (exclusive)', { recordTimeToMs: t(3) + 1000 }, [1, 2]],
  ['location AND action', { bizLocations: ['L1', 'L2'], actions: ['ADD'] }, [1, 8]],
  ['EPC AND actor', { epcs: [{ fields: ['epc'], values: ['E2'] }], actors: ['a1', 'a2'] }, [1, 2]],
  [
    'everything at once',
    {
      eventTypes: ['ObjectEvent'],
      actions: ['ADD'],
      bizSteps: ['receiving'],
      dispositions: ['in_progress'],
      readPoints: ['rp:A'],
      bizLocations: ['L1'],
      actors: ['a1'],
      epcs: [{ fields: ['epc'], values: ['E1'] }],
      classes: [{ fields: ['quantity'], values: ['C1'] }],
      eventTimeFromMs: t(1),
      eventTimeToMs: t(2),
      recordTimeFromMs: t(1),
      recordTimeToMs: t(9),
    },
    [1],
  ],
  ['a condition no event meets', { bizSteps: ['receiving'], bizLocations: ['L2'] }, []],
  ['an empty list matches nothing', { bizSteps: [] }, []],
  ['an empty EPC list matches nothing', { epcs: [{ fields: ['epc'], values: [] }] }, []],
  ['after an index', { afterIndex: 3 }, [4, 6, 7, 8]],
  ['after the last', { afterIndex: 8 }, []],
];

describe.each(drivers.map((d) => [d.name, d] as const))('read model queries: %s', (_name, driver: ReadModelFactory) => {
  let s: ReadModelStore;
  const opened: ReadModelStore[] = [];
  beforeAll(async () => {
    s = await driver.create();
    opened.push(s);
    await s.apply(ReadModelBatches.at(0, queryDataset()));
  });
  afterAll(async () => {
    for (const x of opened) await x.close().catch(() => {});
    await driver.cleanup();
  });

  it.each(CASES)('answers %s', async (_what, query, expected) => {
    const page = await s.queryEvents({ ...query, limit: 100 });
    expect(page.events.map((e) => e.index)).toEqual(expected);
    expect(page.nextAfterIndex).toBeNull();
  });

  it('returns each event as stored', async () => {
    const page = await s.queryEvents({ limit: 1, afterIndex: 2 });
    const first = page.events[0];
    const json = JSON.parse(first?.json ?? '{}') as { index: number; eventType: string; eventId: string };
    expect(json).toMatchObject({ index: 3, eventType: 'TransformationEvent' });
    expect(page.nextAfterIndex).toBe(3);
    expect(await s.event(json.eventId)).toEqual(first);
    expect(await s.event('urn:nothing')).toBeNull();
  });

  it('refuses a limit outside 1..10,000 and malformed conditions', async () => {
    for (const limit of [0, -1, 10_001, 1.5, Number.NaN]) {
      await expect(s.queryEvents({ limit }), String(limit)).rejects.toMatchObject({ code: 'invalid_input' });
    }
    expect((await s.queryEvents({ limit: 10_000 })).events).toHaveLength(7);
    const bad = [
      { limit: 5, epcs: [{ fields: ['nope'], values: ['E1'] }] },
      { limit: 5, bizSteps: 'receiving' },
      { limit: 5, eventTimeFromMs: 1.5 },
    ] as unknown as EventQuery[];
    for (const q of bad) await expect(s.queryEvents(q)).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('sums kilograms per facility, class and field, counting distinct events', async () => {
    expect(await s.quantities({})).toEqual([
      { facility: null, epcClass: 'C1', field: 'quantity', kg: 1.5, events: 1 },
      { facility: 'L1', epcClass: 'C1', field: 'inputQuantity', kg: 5, events: 1 },
      { facility: 'L1', epcClass: 'C1', field: 'quantity', kg: 12.5, events: 2 },
      { facility: 'L1', epcClass: 'C3', field: 'outputQuantity', kg: 4, events: 1 },
      { facility: 'L2', epcClass: 'C2', field: 'quantity', kg: 2000, events: 1 },
    ]);
    expect((await s.quantities({ facility: 'L1' })).map((q) => q.kg)).toEqual([5, 12.5, 4]);
    expect((await s.quantities({ epcClass: 'C1' })).map((q) => q.facility)).toEqual([null, 'L1', 'L1']);
    expect(await s.quantities({ fromMs: t(1), toMs: t(3) })).toEqual([
      { facility: 'L1', epcClass: 'C1', field: 'quantity', kg: 10, events: 1 },
      { facility: 'L2', epcClass: 'C2', field: 'quantity', kg: 2000, events: 1 },
    ]);
    expect(await s.quantities({ facility: 'L1', epcClass: 'C1', fromMs: t(8) })).toEqual([
      { facility: 'L1', epcClass: 'C1', field: 'quantity', kg: 2.5, events: 1 },
    ]);
    expect(await s.quantities({ facility: 'L9' })).toEqual([]);
  });

  it('counts statements per kind', async () => {
    expect(await s.statementCounts()).toEqual({ actor: 1, 'epcis.event': 7, passport: 1 });
  });

  it('lists the indices of the events it holds, ascending, page by page', async () => {
    const events = (await s.queryEvents({ limit: 100 })).events.map((e) => e.index);
    expect(events).toHaveLength(7);
    expect(await s.eventIndices(-1, 100)).toEqual(events);
    const pages: number[] = [];
    for (let after = -1; ; ) {
      const page = await s.eventIndices(after, 3);
      pages.push(...page);
      if (page.length < 3) break;
      after = page.at(-1) as number;
    }
    expect(pages).toEqual(events);
    expect(await s.eventIndices(events.at(-1) as number, 10)).toEqual([]);
    for (const [after, limit] of [
      [-2, 10],
      [0.5, 10],
      [0, 0],
      [0, 100_001],
    ] as const) {
      await expect(s.eventIndices(after, limit)).rejects.toMatchObject({ code: 'invalid_input' });
    }
  });

  it('pages with afterIndex: exactly limit per page, nextAfterIndex null on the last', async () => {
    const p = await driver.create();
    opened.push(p);
    // 25 matching events among 50, so matches and non-matches interleave.
    const entries = Array.from({ length: 50 }, (_, i) => eventEntry({ bizStep: i % 2 === 0 ? 'sorting' : 'other' }));
    await p.apply(ReadModelBatches.at(0, entries));
    const pages: number[][] = [];
    let after: number | null = -1;
    while (after !== null) {
      const page = await p.queryEvents({ bizSteps: ['sorting'], limit: 10, afterIndex: after });
      pages.push(page.events.map((e) => e.index));
      after = page.nextAfterIndex;
      if (after !== null) expect(after).toBe(page.events.at(-1)?.index);
    }
    expect(pages.map((x) => x.length)).toEqual([10, 10, 5]);
    expect(pages.flat()).toEqual(Array.from({ length: 25 }, (_, i) => 2 * i));
    // A last page that is exactly full still says it is the last.
    const exact = await p.queryEvents({ bizSteps: ['sorting'], limit: 5, afterIndex: 38 });
    expect(exact.events.map((e) => e.index)).toEqual([40, 42, 44, 46, 48]);
    expect(exact.nextAfterIndex).toBeNull();
    const notLast = await p.queryEvents({ bizSteps: ['sorting'], limit: 5, afterIndex: 36 });
    expect(notLast.nextAfterIndex).toBe(46);
  });
});
