/**
 * Statements, actors and EPCIS capture/query through the HTTP API (the Hono app
 * called without a socket, over a real sequencer and read model in memory).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventHashId } from '../../src/epcis/index.js';
import { ed25519NoteKey } from '../../src/ledger/note.js';
import { createApp } from '../../src/server/app.js';
import type { JsonValue } from '../../src/statements/canonical-json.js';
import { type Statement, signStatement } from '../../src/statements/statement.js';
import { DEPOT, document, EPCIS_CONTEXT, event, PET_BALES, PLANT } from '../helpers/epcis-fixtures.js';
import { memoryLog, TEST_TOKEN, testGatewayKey } from '../helpers/memory-log.js';

type Log = Awaited<ReturnType<typeof memoryLog>>;
const refusedLog: { who: string; codes: string[] }[] = [];
let log: Log;
let app: ReturnType<typeof createApp>;
const operatorAuth = { Authorization: `Bearer ${TEST_TOKEN}`, 'Content-Type': 'application/json' };
const recycler = ed25519NoteKey('recycler.example/plant-7', new Uint8Array(32).fill(21));
const collector = ed25519NoteKey('collector.example/depot-1', new Uint8Array(32).fill(22));
const auditor = ed25519NoteKey('auditor.example', new Uint8Array(32).fill(23));

function issuedNow(offsetMs = 0): string {
  return new Date(Date.now() + offsetMs).toISOString();
}

function eventStatement(key: typeof recycler, ev: Record<string, unknown>, issued = issuedNow()): string {
  const context = [EPCIS_CONTEXT];
  const s: Statement = {
    v: 1,
    kind: 'epcis.event',
    issuer: key.signer.name,
    issued,
    body: { event: ev as JsonValue, eventID: eventHashId(ev, context), context } as JsonValue,
  };
  return signStatement(s, [key.signer]);
}

async function addActor(key: typeof recycler, role: string) {
  const res = await app.request('/actors', {
    method: 'POST',
    headers: operatorAuth,
    body: JSON.stringify({ name: key.signer.name, role, vkey: key.vkey }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { index: number };
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return app.request(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

async function problem(res: Response, status: number, code: string) {
  expect(res.headers.get('Content-Type')).toBe('application/problem+json');
  const p = (await res.json()) as Record<string, unknown>;
  expect({ status: res.status, code: p['code'] }).toEqual({ status, code });
  return p;
}

const treeSize = async () => (await log.store.latestCheckpoint())?.size;

beforeEach(async () => {
  refusedLog.length = 0;
  log = await memoryLog({}, undefined, {
    rateLimit: { perSecond: 1000, burst: 50 },
    onRefused: (refusals, who) => refusedLog.push({ who, codes: refusals.map((r) => r.code) }),
    onReplayed: (count) => refusedLog.push({ who: 'replay', codes: [String(count)] }),
  });
  app = createApp(log);
  await addActor(recycler, 'recycler');
  await addActor(collector, 'collector');
  await addActor(auditor, 'auditor');
});

afterEach(async () => {
  await log.close();
});

describe('actors', () => {
  it('registers actors with operator-signed statements the log itself records', async () => {
    const res = await app.request('/actors');
    const { actors, operator } = (await res.json()) as {
      operator: { name: string };
      actors: { name: string; role: string; index: number; keys: { vkey: string }[] }[];
    };
    // The operator's own registration comes first, then the three actors in order.
    expect(actors.map((a) => [a.name, a.role, a.index])).toEqual([
      ['auditor.example', 'auditor', 3],
      ['collector.example/depot-1', 'collector', 2],
      ['log.test/operator', 'operator', 0],
      ['recycler.example/plant-7', 'recycler', 1],
    ]);
    expect(operator.name).toBe('log.test/operator');
    expect(actors.find((a) => a.name === recycler.signer.name)?.keys[0]?.vkey).toBe(recycler.vkey);
  });

  it('needs the operator token and a valid body', async () => {
    const body = { name: 'x.example', role: 'producer', vkey: ed25519NoteKey('x.example', new Uint8Array(32)).vkey };
    await problem(await post('/actors', body), 401, 'unauthorized');
    await problem(await post('/actors', body, { Authorization: 'Bearer wrong' }), 401, 'unauthorized');
    const bad = await problem(await post('/actors', { ...body, role: 'king' }, operatorAuth), 400, 'invalid_input');
    expect(bad['detail']).toMatch(/body.role must be one of/);
    expect(await treeSize()).toBe(4);
  });
});

describe('operator requests', () => {
  it('registering the same actor again logs nothing new', async () => {
    const res = await app.request('/actors', {
      method: 'POST',
      headers: operatorAuth,
      body: JSON.stringify({ name: recycler.signer.name, role: 'recycler', vkey: recycler.vkey }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ index: 1, duplicate: true, kind: 'actor' });
    expect(await treeSize()).toBe(4);
  });

  it('refuses names that are not text (a lone surrogate), and the indexer goes on', async () => {
    const res = await post('/actors', { name: 'evil\ud800', role: 'producer', vkey: recycler.vkey }, operatorAuth);
    await problem(res, 400, 'invalid_input');
    const ok = await app.request('/statements', { method: 'POST', body: eventStatement(recycler, event()) });
    expect(ok.status).toBe(201);
    expect(await log.readModel.indexedSize()).toBe(await treeSize());
  });

  it('a revocation and a statement racing it: the statement is indexed or refused, never acknowledged and dropped', async () => {
    const note = eventStatement(recycler, event({ eventTime: '2045-09-01T00:00:00.000Z' }), issuedNow(-1000));
    const [rev, sub] = await Promise.all([
      post(
        '/actors/revocations',
        { name: recycler.signer.name, reason: 'race', from: issuedNow(-60_000) },
        operatorAuth,
      ),
      app.request('/statements', { method: 'POST', body: note }),
    ]);
    expect(rev.status).toBe(201);
    if (sub.status === 201) {
      const { eventID } = (await sub.json()) as { eventID: string };
      expect(await log.readModel.event(eventID)).not.toBeNull();
    } else {
      await problem(sub, 403, 'forbidden');
    }
    expect(await log.readModel.indexedSize()).toBe(await treeSize());
  });
});

describe('POST /statements', () => {
  it('sequences a signed statement, answers its index and leaf hash, and the same statement again gets the same index', async () => {
    const note = eventStatement(recycler, event());
    const first = await app.request('/statements', {
      method: 'POST',
      body: note,
      headers: { 'Content-Type': 'text/plain' },
    });
    expect(first.status).toBe(201);
    const r1 = (await first.json()) as { index: number; leafHash: string; duplicate: boolean; eventID: string };
    expect(r1).toMatchObject({ index: 4, duplicate: false, kind: 'epcis.event' });
    expect(r1.leafHash).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    const again = await app.request('/statements', { method: 'POST', body: note });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ ...r1, duplicate: true });
    expect(await treeSize()).toBe(5);
    // A replay is not logged twice, but it is reported.
    expect(refusedLog).toContainEqual({ who: 'replay', codes: ['1'] });
  });

  it('deduplicates an EPCIS event by its hash ID, whoever signs it and whenever', async () => {
    const ev = event({ epcs: ['urn:epc:id:sgtin:4012345.011111.1'] });
    const a = await post('/statements', { statements: [eventStatement(recycler, ev, issuedNow(-1000))] });
    const b = await post('/statements', { statements: [eventStatement(recycler, ev, issuedNow())] });
    const [ra] = ((await a.json()) as { results: { index: number }[] }).results;
    const [rb] = ((await b.json()) as { results: { index: number; duplicate: boolean }[] }).results;
    expect(rb).toMatchObject({ index: ra?.index, duplicate: true });
  });

  it('a batch is all or nothing, and the error names each bad statement and why', async () => {
    const stranger = ed25519NoteKey('stranger.example', new Uint8Array(32).fill(99));
    const good = eventStatement(recycler, event({ eventTime: '2045-03-01T01:00:00.000Z' }));
    const notes = [
      good,
      eventStatement(stranger, event()),
      eventStatement(auditor, event()),
      eventStatement(recycler, event(), issuedNow(3_600_000)),
      good.replace('"receiving"', '"shipping"'),
      'not a statement',
    ];
    const res = await post('/statements', { statements: notes });
    const p = await problem(res, 400, 'invalid_input');
    const refused = p['refused'] as { statement: number; code: string; reason: string }[];
    expect(refused.map((r) => [r.statement, r.code])).toEqual([
      [1, 'forbidden'],
      [2, 'forbidden'],
      [3, 'invalid_input'],
      [4, 'invalid_signature'],
      [5, 'invalid_input'],
    ]);
    expect(refused[0]?.reason).toMatch(/"stranger.example" is not a registered actor/);
    expect(refused[1]?.reason).toMatch(/is a auditor/);
    expect(refused[2]?.reason).toMatch(/in the future/);
    expect(refused[3]?.reason).toMatch(/does not verify/);
    expect(p['detail']).toMatch(/^5 of 6 statements were refused, so none was logged/);
    expect(await treeSize()).toBe(4);
    // Refusals are reported to the server's log, with who sent them and why.
    expect(refusedLog).toEqual([
      {
        who: recycler.signer.name,
        codes: ['forbidden', 'forbidden', 'invalid_input', 'invalid_signature', 'invalid_input'],
      },
    ]);
  });

  it("refuses an eventID that is not the event's hash, and an invalid event, with the JSON pointer", async () => {
    const ev = event();
    const s = (body: Record<string, unknown>) =>
      signStatement(
        { v: 1, kind: 'epcis.event', issuer: recycler.signer.name, issued: issuedNow(), body: body as JsonValue },
        [recycler.signer],
      );
    const wrongId = await app.request('/statements', {
      method: 'POST',
      body: s({ event: ev, eventID: `ni:///sha-256;${'0'.repeat(64)}?ver=CBV2.0`, context: [EPCIS_CONTEXT] }),
    });
    expect((await problem(wrongId, 400, 'invalid_input'))['detail']).toMatch(
      /body.eventID is not the event's CBV 2.0 hash ID/,
    );
    const broken = { ...ev, eventTime: 'yesterday' };
    const invalid = await app.request('/statements', {
      method: 'POST',
      body: s({ event: broken, eventID: `ni:///sha-256;${'0'.repeat(64)}?ver=CBV2.0`, context: [EPCIS_CONTEXT] }),
    });
    const p = await problem(invalid, 400, 'invalid_input');
    expect(JSON.stringify(p)).toMatch(/\/body\/event\/eventTime/);
  });

  it('revoked keys sign nothing new, and the revocation is in the log', async () => {
    const rev = await post(
      '/actors/revocations',
      { name: recycler.signer.name, reason: 'laptop stolen' },
      operatorAuth,
    );
    expect(rev.status).toBe(201);
    const res = await app.request('/statements', {
      method: 'POST',
      body: eventStatement(recycler, event(), issuedNow(-60_000)),
    });
    expect((await problem(res, 403, 'forbidden'))['detail']).toMatch(/revoked from/);
    const actors = (await (await app.request('/actors')).json()) as {
      actors: { name: string; keys: { revokedFrom: string | null; revokedIndex: number | null }[] }[];
    };
    const keys = actors.actors.find((a) => a.name === recycler.signer.name)?.keys;
    expect(keys?.[0]?.revokedIndex).toBe(4);
  });

  it('rate-limits per actor with 429 and Retry-After, without logging anything of the refused request', async () => {
    const notes = Array.from({ length: 51 }, (_, i) =>
      eventStatement(recycler, event({ eventTime: `2045-03-01T0${i % 10}:${String(i).padStart(2, '0')}:00.000Z` })),
    );
    const res = await post('/statements', { statements: notes });
    expect(res.headers.get('Retry-After')).toBe('1');
    await problem(res, 429, 'rate_limited');
    expect(await treeSize()).toBe(4);
    // Another actor is not affected.
    const other = await post('/statements', { statements: [eventStatement(collector, event({ location: DEPOT }))] });
    expect(other.status).toBe(201);
  });

  it('when the read model cannot be updated, says so (503, safe to resubmit) and a resubmission keeps the index', async () => {
    const note = eventStatement(recycler, event({ eventTime: '2045-08-01T00:00:00.000Z' }));
    log.readModel.injectFault('apply', 'lost');
    const failed = await app.request('/statements', { method: 'POST', body: note });
    expect(failed.headers.get('Retry-After')).toBe('1');
    expect((await problem(failed, 503, 'storage_failure'))['detail']).toMatch(/resubmitting them is safe/);
    expect(await treeSize()).toBe(5); // sequenced…
    expect(await log.readModel.indexedSize()).toBe(4); // …not indexed
    const again = await app.request('/statements', { method: 'POST', body: note });
    expect(await again.json()).toMatchObject({ index: 4 });
    expect(await log.readModel.indexedSize()).toBe(5);
  });

  it('refuses bodies over the size limit and statements over one entry', async () => {
    const big = 'x'.repeat(70_000);
    await problem(await app.request('/statements', { method: 'POST', body: big }), 413, 'request_too_large');
  });
});

describe('EPCIS capture and query', () => {
  async function token(name: string): Promise<string> {
    const res = await post('/actors/tokens', { name }, operatorAuth);
    expect(res.status).toBe(201);
    return ((await res.json()) as { token: string }).token;
  }

  it("captures a document as gateway-signed statements for the token's actor, with a job to poll", async () => {
    const t = await token(collector.signer.name);
    const doc = document([
      event({ location: DEPOT, bizStep: 'shipping', quantity: { epcClass: PET_BALES, quantity: 2, uom: 'TNE' } }),
      event({ type: 'TransformationEvent' }),
    ]);
    const res = await post('/epcis/capture', doc, { Authorization: `Bearer ${t}` });
    expect(res.status, await res.clone().text()).toBe(202);
    const location = res.headers.get('Location') as string;
    expect(location).toMatch(/^\/epcis\/capture\/[A-Za-z0-9_-]+$/);
    await log.ingest.capture.settled(location.split('/').pop() as string);
    const job = (await (await app.request(location)).json()) as {
      running: boolean;
      success: boolean;
      events: { index: number; eventID: string }[];
    };
    expect(job).toMatchObject({ running: false, success: true });
    expect(job.events.map((e) => e.index)).toEqual([5, 6]); // after the gateway's registration at 4
    // The log entry is a statement issued and signed by the gateway, naming the collector.
    const [entry] = await log.store.readEntries(5, 6);
    const text = new TextDecoder().decode(entry);
    expect(text).toContain(`"issuer":"${testGatewayKey.signer.name}"`);
    expect(text).toContain(`"onBehalfOf":"${collector.signer.name}"`);
    expect(text.split('\n').at(-2)).toMatch(new RegExp(`^— ${testGatewayKey.signer.name} `));

    const q = await app.request('/epcis/events?EQ_bizStep=shipping');
    expect(q.headers.get('GS1-EPCIS-Version')).toBe('2.0.0');
    const qd = (await q.json()) as {
      type: string;
      epcisBody: { queryResults: { resultsBody: { eventList: { eventID: string; bizStep: string }[] } } };
    };
    expect(qd.type).toBe('EPCISQueryDocument');
    expect(qd.epcisBody.queryResults.resultsBody.eventList).toHaveLength(1);
    expect(qd.epcisBody.queryResults.resultsBody.eventList[0]?.eventID).toBe(job.events[0]?.eventID);
  });

  it("rejects a document with any invalid event whole, with each error's pointer", async () => {
    const t = await token(recycler.signer.name);
    const before = await treeSize();
    const doc = document([event(), { ...event(), eventTime: 'soon' }, { ...event(), bizStep: 'not a uri or word' }]);
    const res = await post('/epcis/capture', doc, { Authorization: `Bearer ${t}` });
    const p = await problem(res, 400, 'invalid_input');
    const pointers = (p['errors'] as { pointer: string }[]).map((e) => e.pointer);
    expect(pointers).toContain('/epcisBody/eventList/1/eventTime');
    expect(pointers).toContain('/epcisBody/eventList/2/bizStep');
    expect(await treeSize()).toBe(before);
  });

  it('refuses captures without a valid actor token', async () => {
    await problem(await post('/epcis/capture', document([event()])), 401, 'unauthorized');
    await problem(
      await post('/epcis/capture', document([event()]), { Authorization: 'Bearer mla_nope' }),
      401,
      'unauthorized',
    );
    const t = await token(recycler.signer.name);
    const del = await app.request(`/actors/tokens?name=${encodeURIComponent(recycler.signer.name)}`, {
      method: 'DELETE',
      headers: operatorAuth,
    });
    expect(await del.json()).toMatchObject({ revoked: 1 });
    await problem(
      await post('/epcis/capture', document([event()]), { Authorization: `Bearer ${t}` }),
      401,
      'unauthorized',
    );
  });

  it('withdraws capture tokens when an actor loses its last key', async () => {
    const t = await token(collector.signer.name);
    const rev = await post('/actors/revocations', { name: collector.signer.name, reason: 'left' }, operatorAuth);
    expect(rev.status).toBe(201);
    await problem(
      await post('/epcis/capture', document([event()]), { Authorization: `Bearer ${t}` }),
      401,
      'unauthorized',
    );
  });

  it('refuses what it cannot honour: proceed-on-error captures, documents nested beyond reason', async () => {
    const t = await token(recycler.signer.name);
    const proceed = await post('/epcis/capture', document([event()]), {
      Authorization: `Bearer ${t}`,
      'GS1-Capture-Error-Behaviour': 'proceed',
    });
    expect((await problem(proceed, 400, 'invalid_input'))['detail']).toMatch(/whole or not at all/);
    const deep = `${'{"x":'.repeat(5000)}{}${'}'.repeat(5000)}`;
    const nested = await app.request('/epcis/capture', {
      method: 'POST',
      headers: { Authorization: `Bearer ${t}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(document([{ ...event(), 'example:deep': 'DEEP' }])).replace('"DEEP"', deep),
    });
    await problem(nested, 400, 'invalid_input');
    const deepStatement = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}\n\n— x AAAA\n`;
    await problem(await app.request('/statements', { method: 'POST', body: deepStatement }), 400, 'invalid_input');
  });

  it('answers the common EPCIS query parameters, paged with a Link header', async () => {
    const evs = [
      event({ eventTime: '2045-03-01T01:00:00.000Z', bizStep: 'receiving', location: PLANT }),
      event({
        eventTime: '2045-03-02T01:00:00.000Z',
        bizStep: 'shipping',
        location: PLANT,
        epcs: ['urn:epc:id:sgtin:4012345.011111.9'],
      }),
      event({ eventTime: '2045-03-03T01:00:00.000Z', bizStep: 'receiving', location: DEPOT }),
      event({ type: 'TransformationEvent', eventTime: '2045-03-04T01:00:00.000Z' }),
    ];
    const res = await post('/statements', { statements: evs.map((e) => eventStatement(recycler, e)) });
    expect(res.status).toBe(201);
    const times = async (query: string) => {
      const r = await app.request(`/epcis/events?${query}`);
      expect(r.status).toBe(200);
      const d = (await r.json()) as {
        epcisBody: { queryResults: { resultsBody: { eventList: { eventTime: string }[] } } };
      };
      return d.epcisBody.queryResults.resultsBody.eventList.map((e) => e.eventTime.slice(0, 10));
    };
    expect(await times('EQ_bizStep=receiving')).toEqual(['2045-03-01', '2045-03-03']);
    expect(await times('EQ_bizStep=urn:epcglobal:cbv:bizstep:receiving')).toEqual(['2045-03-01', '2045-03-03']);
    expect(await times(`EQ_bizLocation=${DEPOT}`)).toEqual(['2045-03-03']);
    expect(await times('eventType=TransformationEvent')).toEqual(['2045-03-04']);
    expect(await times('GE_eventTime=2045-03-02T00:00:00Z&LT_eventTime=2045-03-04T00:00:00Z')).toEqual([
      '2045-03-02',
      '2045-03-03',
    ]);
    expect(await times('MATCH_epc=urn:epc:id:sgtin:4012345.011111.9')).toEqual(['2045-03-02']);
    expect(await times(`MATCH_anyEPCClass=${PET_BALES}&EQ_bizStep=receiving|shipping`)).toEqual([
      '2045-03-01',
      '2045-03-02',
      '2045-03-03',
    ]);
    const page1 = await app.request('/epcis/events?perPage=3');
    const link = page1.headers.get('Link') as string;
    expect(link).toMatch(/^<\/epcis\/events\?perPage=3&nextPageToken=\d+>; rel="next"$/);
    const page2 = await app.request(link.slice(1, link.indexOf('>')));
    expect(page2.headers.get('Link')).toBeNull();
    const p2 = (await page2.json()) as { epcisBody: { queryResults: { resultsBody: { eventList: unknown[] } } } };
    expect(p2.epcisBody.queryResults.resultsBody.eventList).toHaveLength(1);
    // Values are bound parameters, never SQL: quotes and comments are just text that matches nothing.
    expect(await times(`EQ_bizLocation=${encodeURIComponent("x' OR '1'='1")}`)).toEqual([]);
    expect(await times(`MATCH_epc=${encodeURIComponent('a); DROP TABLE rm_events; --')}`)).toEqual([]);
    expect(await times('EQ_bizStep=receiving')).toHaveLength(2);
    expect(await times(`EQ_disposition=urn:epcglobal:cbv:disp:in_progress&EQ_bizLocation=${DEPOT}`)).toEqual([
      '2045-03-03',
    ]);
    expect(await times(`EQ_disposition=https://ref.gs1.org/cbv/Disp-in_progress&EQ_bizLocation=${DEPOT}`)).toEqual([
      '2045-03-03',
    ]);
    // Quantities by facility and material, in kg whatever the unit sent (TNE here, and KGM).
    const q = (await (await app.request(`/quantities?epcClass=${PET_BALES}`)).json()) as {
      unit: string;
      totals: { facility: string; field: string; kg: number; events: number }[];
    };
    expect(q.unit).toBe('kg');
    expect(q.totals.map((t) => [t.facility, t.field, t.kg, t.events])).toEqual([
      [DEPOT, 'quantity', 1500, 1],
      [PLANT, 'inputQuantity', 2000, 1],
      [PLANT, 'quantity', 3000, 2],
    ]);
    const march2 = (await (
      await app.request(
        `/quantities?facility=${PLANT}&GE_eventTime=2045-03-02T00:00:00Z&LT_eventTime=2045-03-03T00:00:00Z`,
      )
    ).json()) as { totals: { kg: number }[] };
    expect(march2.totals.map((t) => t.kg)).toEqual([1500]);
    await problem(await app.request('/quantities?material=x'), 400, 'invalid_input');
    await problem(await app.request('/epcis/events?GE_eventTime=2045-03-01T09:00'), 400, 'invalid_input');
    await problem(await app.request('/epcis/events?perPage=2&perPage=3'), 400, 'invalid_input');
    await problem(await app.request('/epcis/events?EQ_bizstep=receiving'), 400, 'invalid_input');
    await problem(await app.request('/epcis/events?perPage=0'), 400, 'invalid_input');
  });
});
