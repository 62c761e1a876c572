/**
 * Passports, facilities and routes as statements through the log, and what the
 * read model answers about them over HTTP: a product's versions and assessment
 * (against the catalog, chosen routes or one plant's own), and a producer's
 * portfolio by grade and period. Expected numbers are worked out here by hand.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PassportBody } from '../../src/assess/passport.js';
import { eventHashId } from '../../src/epcis/index.js';
import { ed25519NoteKey } from '../../src/ledger/note.js';
import { createApp } from '../../src/server/app.js';
import type { JsonValue } from '../../src/statements/canonical-json.js';
import type { StatementKind } from '../../src/statements/roles.js';
import { signStatement } from '../../src/statements/statement.js';
import { EPCIS_CONTEXT } from '../helpers/epcis-fixtures.js';
import { memoryLog, TEST_TOKEN } from '../helpers/memory-log.js';
import { bottlePassport } from '../helpers/passport-fixtures.js';

type Log = Awaited<ReturnType<typeof memoryLog>>;
let log: Log;
let app: ReturnType<typeof createApp>;
const producer = ed25519NoteKey('bottler.example', new Uint8Array(32).fill(31));
const rival = ed25519NoteKey('copycat.example', new Uint8Array(32).fill(32));
const recycler = ed25519NoteKey('recycler.example/plant-7', new Uint8Array(32).fill(33));
const other = ed25519NoteKey('other-recycler.example', new Uint8Array(32).fill(34));
const PLANT = 'urn:epc:id:sgln:4012345.00007.0';
const BOTTLE = '04006381333931';
const BAG = '04006381333948';

type Key = typeof producer;

function statement(key: Key, kind: StatementKind, body: unknown): string {
  return signStatement(
    { v: 1, kind, issuer: key.signer.name, issued: new Date().toISOString(), body: body as JsonValue },
    [key.signer],
  );
}

async function submit(...notes: string[]) {
  return app.request('/statements', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ statements: notes }),
  });
}

async function accepted(...notes: string[]) {
  const res = await submit(...notes);
  expect([200, 201], await res.clone().text()).toContain(res.status);
  return res;
}

async function refused(status: number, code: string, ...notes: string[]) {
  const res = await submit(...notes);
  const p = (await res.json()) as { code: string; detail: string; refused: { pointer?: string; reason: string }[] };
  expect({ status: res.status, code: p.code }).toEqual({ status, code });
  return p;
}

async function get<T>(path: string, status = 200): Promise<T> {
  const res = await app.request(path);
  expect(res.status, `${path}: ${await res.clone().text()}`).toBe(status);
  return (await res.json()) as T;
}

function commissioning(time: string, classes: [string, number][]): string {
  const ev = {
    type: 'ObjectEvent',
    eventTime: time,
    eventTimeZoneOffset: '+00:00',
    action: 'ADD',
    bizStep: 'commissioning',
    epcList: [],
    quantityList: classes.map(([epcClass, quantity]) => ({ epcClass, quantity })),
  };
  const context = [EPCIS_CONTEXT];
  return statement(producer, 'epcis.event', { event: ev, eventID: eventHashId(ev, context), context });
}

const bagV1: PassportBody = {
  product: { gtin: '4006381333948', name: 'sports bag' },
  version: 'v1',
  validFrom: '2025-01-01T00:00:00Z',
  declaredMassKg: 0.5,
  components: [{ id: 'body', material: 'polymer/PP', massKg: 0.5 }],
};
// The same bag in polyester fabric: no route in the catalog recovers textiles.
const bagV2: PassportBody = {
  ...bagV1,
  version: 'v2',
  replaces: 'v1',
  validFrom: '2025-07-01T00:00:00Z',
  components: [{ id: 'body', material: 'textile/polyester', massKg: 0.5 }],
};

const { replaces: _replaces, ...withoutReplaces } = bagV2;

beforeEach(async () => {
  log = await memoryLog({}, undefined, { rateLimit: { perSecond: 1000, burst: 100 } });
  app = createApp(log);
  for (const [key, role] of [
    [producer, 'producer'],
    [rival, 'producer'],
    [recycler, 'recycler'],
    [other, 'recycler'],
  ] as const) {
    const res = await app.request('/actors', {
      method: 'POST',
      headers: { Authorization: `Bearer ${TEST_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: key.signer.name, role, vkey: key.vkey }),
    });
    expect(res.status).toBe(201);
  }
});

afterEach(async () => {
  await log.close();
});

describe('passports through the log', () => {
  it('lists versions and assesses the latest, flagging a regression with its numbers', async () => {
    await accepted(statement(producer, 'passport', bagV1));
    await accepted(statement(producer, 'passport', bagV2));
    const listed = await get<{ product: string; versions: { version: string; grade: string; share: number }[] }>(
      '/products/4006381333948',
    );
    expect(listed.product).toBe(BAG);
    // v1: PP on its own, best through molecular disassembly at 85% → B; v2: no recycling route → 0.
    expect(listed.versions.map((v) => [v.version, v.grade, v.share])).toEqual([
      ['v1', 'B', 0.85],
      ['v2', 'non-recyclable', 0],
    ]);
    const a = await get<{
      version: { version: string };
      assessment: { flags: { kind: string; numbers: Record<string, number> }[] };
    }>(`/products/${encodeURIComponent('https://id.gs1.org/01/04006381333948')}/assessment`);
    expect(a.version.version).toBe('v2');
    const kinds = a.assessment.flags.map((f) => f.kind);
    expect(kinds).toEqual(['low-recyclability', 'regression']);
    const regression = a.assessment.flags.find((f) => f.kind === 'regression');
    expect(Object.values(regression?.numbers ?? {})).toEqual(expect.arrayContaining([0.85, 0]));
    const first = await get<{ version: { version: string }; assessment: { ppwr: { grade: string } } }>(
      '/products/04006381333948/assessment?version=v1',
    );
    expect([first.version.version, first.assessment.ppwr.grade]).toEqual(['v1', 'B']);
    await get('/products/04006381333948/assessment?version=v9', 404);
    await get('/products/4006381333949', 400);
    await get('/products/4006381333955', 404);
  });

  it('refuses broken chains, reused labels, other producers and bad bodies, with pointers, logging nothing', async () => {
    const v1 = statement(producer, 'passport', bagV1);
    await accepted(v1);
    await accepted(statement(producer, 'passport', bagV2));
    const size = (await log.store.latestCheckpoint())?.size;
    const noReplaces = await refused(
      400,
      'invalid_input',
      statement(producer, 'passport', { ...withoutReplaces, version: 'v3' }),
    );
    expect(noReplaces.refused[0]).toMatchObject({ pointer: '/body/replaces' });
    expect(noReplaces.detail).toMatch(/"replaces": "v2"/);
    const fork = await refused(400, 'invalid_input', statement(producer, 'passport', { ...bagV2, version: 'v3' }));
    expect(fork.detail).toMatch(/"v1" of product 04006381333948 is already replaced/);
    const ghost = await refused(
      400,
      'invalid_input',
      statement(producer, 'passport', { ...bagV2, version: 'v3', replaces: 'v0' }),
    );
    expect(ghost.detail).toMatch(/names no version/);
    const relabel = await refused(
      409,
      'conflict',
      statement(producer, 'passport', { ...bagV2, declaredMassKg: 0.5001 }),
    );
    expect(relabel.detail).toMatch(/already has a passport version "v2"/);
    const theirs = await refused(
      403,
      'forbidden',
      statement(rival, 'passport', { ...bagV2, version: 'v3', replaces: 'v2' }),
    );
    expect(theirs.detail).toMatch(/published by "bottler.example"/);
    const firstReplaces = await refused(
      400,
      'invalid_input',
      statement(producer, 'passport', bottlePassport({ replaces: 'v0' })),
    );
    expect(firstReplaces.detail).toMatch(/no passport in the log yet/);
    const bad = await refused(
      400,
      'invalid_input',
      statement(
        producer,
        'passport',
        bottlePassport({ components: [{ id: 'x', material: 'polymer/nope', massKg: 0.028 }], joins: [] }),
      ),
    );
    expect(bad.refused[0]).toMatchObject({ pointer: '/body/components/0/material' });
    const recyclerPassport = await refused(403, 'forbidden', statement(recycler, 'passport', bottlePassport()));
    expect(recyclerPassport.detail).toMatch(/may be issued by: producer/);
    expect((await log.store.latestCheckpoint())?.size).toBe(size);
    // The same statement again is answered with its index, not refused as a reused label.
    const again = await (await accepted(v1)).json();
    expect(again).toMatchObject({ results: [{ duplicate: true }] });
  });

  it('leaves a passport that breaks the chain out of the indexes even when appended raw', async () => {
    await accepted(statement(producer, 'passport', bagV1), statement(producer, 'passport', bagV2));
    const fork = await app.request('/append', {
      method: 'POST',
      headers: { Authorization: `Bearer ${TEST_TOKEN}`, 'Content-Type': 'application/octet-stream' },
      body: statement(producer, 'passport', { ...bagV2, version: 'v3' }),
    });
    expect(fork.status).toBe(201);
    // The next statement is acknowledged only once everything before it is indexed.
    await accepted(statement(producer, 'passport', { ...bagV2, version: 'v3', replaces: 'v2' }));
    const listed = await get<{ versions: { version: string; replaces: string | null }[] }>(`/products/${BAG}`);
    expect(listed.versions.map((v) => [v.version, v.replaces])).toEqual([
      ['v1', null],
      ['v2', 'v1'],
      ['v3', 'v2'],
    ]);
  });

  it('checks a chain within one request in order', async () => {
    await accepted(statement(producer, 'passport', bagV1), statement(producer, 'passport', bagV2));
    const p = await refused(
      400,
      'invalid_input',
      statement(producer, 'passport', bottlePassport()),
      statement(producer, 'passport', bottlePassport({ version: 'v2', replaces: 'v1' })),
      statement(producer, 'passport', bottlePassport({ version: 'v3', replaces: 'v1' })),
    );
    expect(p.refused.map((r) => (r as { statement?: number }).statement)).toEqual([2]);
    await get(`/products/${BOTTLE}`, 404);
  });
});

describe("operators' facilities and routes", () => {
  const facility = { id: PLANT, name: 'Plant 7', type: 'recycling', routes: ['composting'], country: 'DE' };
  const route = {
    id: 'plant-7/pet-line',
    base: 'mechanical',
    facility: PLANT,
    yields: [{ material: 'polymer/PET', yield: 0.9, source: 'plant 7 mass balance 2024' }],
  };

  it("assesses a product against one plant's own routes", async () => {
    await accepted(statement(recycler, 'facility', facility), statement(recycler, 'route', route));
    await accepted(statement(producer, 'passport', bottlePassport()));
    const routes = await get<{ routes: { resolved: { id: string; yields: { material: string; yield: number }[] } }[] }>(
      `/routes?facility=${encodeURIComponent(PLANT)}`,
    );
    expect(routes.routes.map((r) => r.resolved.id)).toEqual(['plant-7/pet-line']);
    expect(routes.routes[0]?.resolved.yields[0]).toMatchObject({ material: 'polymer/PET', yield: 0.9 });
    const a = await get<{
      routes: string[];
      assessment: { recyclability: { share: number }; ppwr: { grade: string } };
    }>(`/products/${BOTTLE}/assessment?facility=${encodeURIComponent(PLANT)}`);
    expect(a.routes).toEqual(['plant-7/pet-line', 'composting']);
    // Shredded, then sorted at 95%: PET 0.025 × 0.90 (the plant's yield) + PP 0.002 × 0.70 (mechanical's)
    // + paper 0.001 × 1 (composted) = 0.0249 × 0.95 = 0.023655 of 0.028.
    expect(a.assessment.recyclability.share).toBeCloseTo(0.023655 / 0.028, 12);
    expect(a.assessment.ppwr.grade).toBe('B');
    // Catalog mechanical recycling alone: 0.025 × 0.68 + 0.002 × 0.70 + 0.001 × 0.75 = 0.01915 × 0.95.
    const mech = await get<{ assessment: { recyclability: { share: number } } }>(
      `/products/${BOTTLE}/assessment?routes=mechanical`,
    );
    expect(mech.assessment.recyclability.share).toBeCloseTo((0.01915 * 0.95) / 0.028, 12);
    await get(`/products/${BOTTLE}/assessment?routes=nope`, 400);
    await get(`/products/${BOTTLE}/assessment?facility=urn:epc:id:sgln:4012345.00099.0`, 404);
  });

  it('lets only the publisher update a facility, and routes name their own facilities', async () => {
    await accepted(statement(recycler, 'facility', facility));
    const p = await refused(403, 'forbidden', statement(other, 'facility', { ...facility, name: 'mine now' }));
    expect(p.detail).toMatch(/published by "recycler.example\/plant-7"/);
    const elsewhere = await refused(400, 'invalid_input', statement(other, 'route', { ...route, id: 'other/pet' }));
    expect(elsewhere.refused[0]).toMatchObject({ pointer: '/body/facility' });
    const noSite = await refused(
      400,
      'invalid_input',
      statement(recycler, 'route', { ...route, facility: 'urn:epc:id:sgln:4012345.00099.0' }),
    );
    expect(noSite.detail).toMatch(/publish the facility statement first/);
    const catalogId = await refused(400, 'invalid_input', statement(recycler, 'route', { ...route, id: 'mechanical' }));
    expect(catalogId.refused[0]).toMatchObject({ pointer: '/body/id' });
    await accepted(statement(recycler, 'facility', { ...facility, name: 'Plant 7 (extended)' }));
    const list = await get<{ facilities: { name: string; index: number }[] }>('/facilities');
    expect(list.facilities.map((f) => f.name)).toEqual(['Plant 7 (extended)']);
  });
});

describe("a producer's portfolio", () => {
  it('sums mass placed on the market by the grade of the version in force, and flags a rising non-recyclable share', async () => {
    await accepted(
      statement(producer, 'passport', bottlePassport({ validFrom: '2025-01-01T00:00:00Z' })),
      statement(producer, 'passport', bagV1),
      statement(producer, 'passport', bagV2),
    );
    const bottles = 'urn:epc:idpat:sgtin:4006381.033393.*';
    const bags = 'urn:epc:idpat:sgtin:4006381.033394.*';
    await accepted(
      commissioning('2024-12-15T10:00:00Z', [[bottles, 10]]),
      commissioning('2025-02-10T10:00:00Z', [
        [bottles, 1000],
        [bags, 100],
      ]),
      commissioning('2025-08-10T10:00:00Z', [
        [bottles, 1000],
        [bags, 100],
      ]),
    );
    type P = {
      products: { total: number; byGrade: Record<string, number>; lowRecyclabilityCount: number };
      periods: {
        period: string;
        units: number;
        totalKg: number;
        byGrade: Record<string, number>;
        nonRecyclableShare: number | null;
        unassessedUnits: number;
      }[];
      flags: { kind: string; numbers: Record<string, number> }[];
    };
    const q = await get<P>('/producers/bottler.example/portfolio?period=quarter');
    expect(q.products).toMatchObject({ total: 2, byGrade: { B: 1, 'non-recyclable': 1 }, lowRecyclabilityCount: 1 });
    // 2024-Q4: 10 bottles before any version applied. 2025-Q1: 1000 × 0.028 kg (B) + 100 × 0.5 kg (bag v1, B).
    // 2025-Q3: 28 kg (B) + 50 kg of the polyester bag v2 (non-recyclable): 50 / 78 of the mass.
    expect(q.periods.map((p) => [p.period, p.units, p.unassessedUnits])).toEqual([
      ['2024-Q4', 10, 10],
      ['2025-Q1', 1100, 0],
      ['2025-Q3', 1100, 0],
    ]);
    expect(q.periods[1]?.byGrade['B']).toBeCloseTo(78, 9);
    expect(q.periods[2]?.byGrade['B']).toBeCloseTo(28, 9);
    expect(q.periods[2]?.byGrade['non-recyclable']).toBeCloseTo(50, 9);
    expect(q.periods[2]?.nonRecyclableShare).toBeCloseTo(50 / 78, 12);
    const rising = q.flags.find((f) => f.kind === 'rising-non-recyclable-share');
    expect(rising?.numbers).toEqual({ '2025-Q1': 0, '2025-Q3': expect.closeTo(50 / 78, 12) });
    expect(q.flags.map((f) => f.kind)).toEqual(['rising-non-recyclable-share', 'regression', 'low-recyclability']);
    const y = await get<P>('/producers/bottler.example/portfolio?period=year&from=2025-01-01T00:00:00Z');
    expect(y.periods.map((p) => [p.period, p.units])).toEqual([['2025', 2200]]);
    expect(y.periods[0]?.totalKg).toBeCloseTo(156, 9);
    await get('/producers/bottler.example/portfolio?period=week', 400);
    await get('/producers/nobody.example/portfolio', 404);
  });
});
