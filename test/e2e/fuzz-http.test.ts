/**
 * Malformed statements and EPCIS documents thrown at the HTTP API: every answer
 * must be a 4xx RFC 9457 problem document, and neither the log nor the read
 * model may change.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventHashId } from '../../src/epcis/index.js';
import { ed25519NoteKey } from '../../src/ledger/note.js';
import { createApp } from '../../src/server/app.js';
import type { JsonValue } from '../../src/statements/canonical-json.js';
import { signStatement } from '../../src/statements/statement.js';
import { document, EPCIS_CONTEXT, event } from '../helpers/epcis-fixtures.js';
import { memoryLog, TEST_TOKEN } from '../helpers/memory-log.js';

type Log = Awaited<ReturnType<typeof memoryLog>>;
let log: Log;
let app: ReturnType<typeof createApp>;
let token: string;
const recycler = ed25519NoteKey('recycler.example/plant-7', new Uint8Array(32).fill(31));
const operatorAuth = { Authorization: `Bearer ${TEST_TOKEN}`, 'Content-Type': 'application/json' };

let validNote: string;

beforeAll(async () => {
  log = await memoryLog();
  app = createApp(log);
  const add = await app.request('/actors', {
    method: 'POST',
    headers: operatorAuth,
    body: JSON.stringify({ name: recycler.signer.name, role: 'recycler', vkey: recycler.vkey }),
  });
  expect(add.status).toBe(201);
  const t = await app.request('/actors/tokens', {
    method: 'POST',
    headers: operatorAuth,
    body: JSON.stringify({ name: recycler.signer.name }),
  });
  token = ((await t.json()) as { token: string }).token;
  const ev = event({ eventTime: '2045-06-01T00:00:00.000Z' });
  validNote = signStatement(
    {
      v: 1,
      kind: 'epcis.event',
      issuer: recycler.signer.name,
      issued: new Date().toISOString(),
      body: { event: ev, eventID: eventHashId(ev, [EPCIS_CONTEXT]), context: [EPCIS_CONTEXT] } as JsonValue,
    },
    [recycler.signer],
  );
});

afterAll(async () => {
  await log.close();
});

async function snapshot() {
  return { size: (await log.store.latestCheckpoint())?.size, digest: await log.readModel.digest() };
}

async function expectProblem(res: Response): Promise<void> {
  const text = await res.text();
  expect(res.status, text).toBeGreaterThanOrEqual(400);
  expect(res.status, text).toBeLessThan(500);
  expect(res.headers.get('Content-Type')).toBe('application/problem+json');
  const p = JSON.parse(text) as { status: number; code: string; detail: string };
  expect(p.status).toBe(res.status);
  expect(typeof p.code).toBe('string');
  expect(p.detail.length).toBeGreaterThan(0);
}

/** A valid note with one character changed: never valid again (text, blank line or signature breaks). */
const mutatedNote = fc
  .tuple(fc.nat(), fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }))
  .map(([at, ch]) => {
    const i = at % validNote.length;
    return validNote.slice(0, i) + ch + validNote.slice(i + 1);
  })
  .filter((n) => n !== validNote);

const junkStatement = fc.oneof(
  mutatedNote,
  fc.string({ maxLength: 300 }),
  fc.json({ maxDepth: 3 }),
  fc
    .jsonValue({ maxDepth: 3 })
    .map(
      (v) =>
        `${JSON.stringify({ v: 1, kind: 'epcis.event', issuer: recycler.signer.name, issued: '2045-01-01T00:00:00Z', body: v })}\n\n— ${recycler.signer.name} AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n`,
    ),
);

/** Ways to break an event that the official schema or matterlog's checks must catch. */
const breakEvent = fc.oneof(
  fc
    .string()
    .filter((s) => !/^\d{4}-\d{2}-\d{2}T/.test(s))
    .map((s) => (e: Record<string, unknown>) => ({ ...e, eventTime: s })),
  fc.constant((e: Record<string, unknown>) => {
    const { type: _t, ...rest } = e;
    return rest;
  }),
  fc
    .string()
    .filter((s) => !['ADD', 'OBSERVE', 'DELETE'].includes(s))
    .map((s) => (e: Record<string, unknown>) => ({ ...e, action: s })),
  fc
    .jsonValue()
    .filter((v) => !Array.isArray(v))
    .map((v) => (e: Record<string, unknown>) => ({ ...e, epcList: v })),
  fc.oneof(fc.integer({ max: -1 }), fc.string()).map((q) => (e: Record<string, unknown>) => ({
    ...e,
    quantityList: [{ epcClass: 'urn:epc:class:lgtin:4012345.099001.X', quantity: q, uom: 'KGM' }],
  })),
  fc.string().map((s) => (e: Record<string, unknown>) => ({ ...e, bizStep: `not a uri ${s}` })),
  fc.constant((e: Record<string, unknown>) => ({ ...e, readPoint: { id: 'no scheme here' } })),
);

const junkDocument = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.tuple(fc.array(breakEvent, { minLength: 1, maxLength: 3 }), fc.nat({ max: 4 })).map(([breaks, n]) => {
    const events = Array.from({ length: n + 1 }, (_, i) =>
      event({ eventTime: `2045-07-0${(i % 9) + 1}T00:00:00.000Z` }),
    );
    breaks.forEach((b, i) => {
      const at = i % events.length;
      events[at] = b(events[at] as Record<string, unknown>);
    });
    return document(events);
  }),
  fc.jsonValue({ maxDepth: 2 }).map((v) => ({ ...document([event()]), epcisBody: v })),
);

describe('fuzzing the HTTP API', () => {
  it('malformed statements: always a 4xx problem, never a change', async () => {
    const before = await snapshot();
    await fc.assert(
      fc.asyncProperty(fc.array(junkStatement, { minLength: 1, maxLength: 4 }), fc.boolean(), async (notes, single) => {
        const res = single
          ? await app.request('/statements', { method: 'POST', body: notes[0] as string })
          : await app.request('/statements', {
              method: 'POST',
              headers: { 'Content-Type': 'application/json' },
              body: JSON.stringify({ statements: notes }),
            });
        await expectProblem(res);
      }),
      { numRuns: 300 },
    );
    expect(await snapshot()).toEqual(before);
  });

  it('malformed EPCIS documents: always a 4xx problem, never a change', async () => {
    const before = await snapshot();
    await fc.assert(
      fc.asyncProperty(junkDocument, async (doc) => {
        const res = await app.request('/epcis/capture', {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify(doc),
        });
        await expectProblem(res);
      }),
      { numRuns: 300 },
    );
    expect(await snapshot()).toEqual(before);
  });

  it('malformed request bodies and query strings: always a 4xx problem', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 200 }),
        fc.dictionary(fc.string({ maxLength: 12 }), fc.string({ maxLength: 20 })),
        async (bytes, params) => {
          await expectProblem(
            await app.request('/statements', {
              method: 'POST',
              headers: { 'Content-Type': 'application/json' },
              body: bytes,
            }),
          );
          const qs = new URLSearchParams({ ...params, perPage: '0' }).toString();
          await expectProblem(await app.request(`/epcis/events?${qs}`));
        },
      ),
      { numRuns: 200 },
    );
  });
});
