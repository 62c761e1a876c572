/**
 * The audit over a real log (memory store, real sequencer and read model):
 * a recycler's events with planted problems, GET /audit finding each with its
 * numbers, and a finding's evidence bundle that verifies offline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyEvidence } from '../../src/audit/evidence.js';
import { BIZSTEP_MECHANICAL_RECYCLING, DISP_FOR_RECYCLING, eventHashId } from '../../src/epcis/index.js';
import { toHex, utf8 } from '../../src/ledger/bytes.js';
import { sha256 } from '../../src/ledger/crypto.js';
import { ed25519NoteKey } from '../../src/ledger/note.js';
import { createApp } from '../../src/server/app.js';
import { canonicalJson, type JsonValue } from '../../src/statements/canonical-json.js';
import type { StatementKind } from '../../src/statements/roles.js';
import { signStatement } from '../../src/statements/statement.js';
import { EPCIS_CONTEXT } from '../helpers/epcis-fixtures.js';
import { memoryLog, TEST_TOKEN } from '../helpers/memory-log.js';
import { bottlePassport } from '../helpers/passport-fixtures.js';

type Log = Awaited<ReturnType<typeof memoryLog>>;
let log: Log;
let app: ReturnType<typeof createApp>;
const plant = ed25519NoteKey('recycler.example/plant-7', new Uint8Array(32).fill(71));
const PLANT = 'urn:epc:id:sgln:4012345.00007.0';
const BALES = 'urn:epc:class:lgtin:4012345.099001.B1';
const FLAKES = 'urn:epc:class:lgtin:4012345.099002.F1';
const context = [EPCIS_CONTEXT, { matterlog: 'https://w3id.org/matterlog/voc/' }];

const statement = (kind: StatementKind, body: unknown) =>
  signStatement({ v: 1, kind, issuer: plant.signer.name, issued: new Date().toISOString(), body: body as JsonValue }, [
    plant.signer,
  ]);
const ev = (time: string, spec: Record<string, unknown>) => {
  const e = {
    type: 'ObjectEvent',
    eventTime: time,
    eventTimeZoneOffset: '+00:00',
    readPoint: { id: PLANT },
    bizLocation: { id: PLANT },
    ...spec,
  };
  return statement('epcis.event', { event: e, eventID: eventHashId(e, context), context });
};
const kg = (epcClass: string, quantity: number) => ({ epcClass, quantity, uom: 'KGM' });

/** Registers `key`'s actor in `role` through the operator API. */
async function register(on: ReturnType<typeof createApp>, key: typeof plant, role: string): Promise<void> {
  const add = await on.request('/actors', {
    method: 'POST',
    headers: { Authorization: `Bearer ${TEST_TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: key.signer.name, role, vkey: key.vkey }),
  });
  expect(add.status, await add.clone().text()).toBe(201);
}

beforeAll(async () => {
  log = await memoryLog({}, undefined, { rateLimit: { perSecond: 1000, burst: 100 } });
  app = createApp(log);
  await register(app, plant, 'recycler');
  const notes = [
    statement('facility', { id: PLANT, name: 'Plant 7', type: 'recycling' }),
    // Bales arrive with their composition; a stock count opens the period.
    ev('2026-01-01T00:00:00Z', {
      action: 'OBSERVE',
      bizStep: 'cycle_counting',
      epcList: [],
      quantityList: [kg(BALES, 0)],
    }),
    ev('2026-01-02T00:00:00Z', {
      action: 'ADD',
      bizStep: 'receiving',
      epcList: [],
      quantityList: [kg(BALES, 10_000)],
      ilmd: { 'matterlog:composition': { 'polymer/PET': 0.9, 'fibre/paper': 0.1 } },
    }),
    // Mechanical recycling: 10 t of bales (9 t PET) into 7 t of flakes: 78% of the PET, above 68% × 1.02.
    (() => {
      const e = {
        type: 'TransformationEvent',
        eventTime: '2026-01-10T00:00:00Z',
        eventTimeZoneOffset: '+00:00',
        inputQuantityList: [kg(BALES, 10_000)],
        outputQuantityList: [kg(FLAKES, 7000)],
        bizStep: 'https://w3id.org/matterlog/voc/BizStep-mechanical_recycling',
        readPoint: { id: PLANT },
        bizLocation: { id: PLANT },
        ilmd: { 'matterlog:composition': { 'polymer/PET': 1 } },
      };
      return statement('epcis.event', { event: e, eventID: eventHashId(e, context), context });
    })(),
    // 7 t of flakes shipped "for recycling" to a place that is not a registered facility.
    ev('2026-01-20T00:00:00Z', {
      action: 'OBSERVE',
      bizStep: 'shipping',
      disposition: DISP_FOR_RECYCLING,
      epcList: [],
      quantityList: [kg(FLAKES, 7000)],
      destinationList: [{ type: 'location', destination: 'urn:epc:id:sgln:4012345.00098.0' }],
    }),
    // The closing count finds nothing, as the flows say: 10 t of bales in and consumed, 7 t of flakes
    // produced and shipped (PET 9,000 − 9,000 + 7,000 − 7,000 = 0; paper 1,000 − 1,000 = 0).
    ev('2026-01-31T00:00:00Z', {
      action: 'OBSERVE',
      bizStep: 'cycle_counting',
      epcList: [],
      quantityList: [kg(BALES, 0)],
    }),
  ];
  const res = await app.request('/statements', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ statements: notes }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
});
afterAll(async () => {
  await log.close();
});

interface Report {
  events: number;
  findings: {
    id: string;
    rule: string;
    subject: Record<string, string>;
    numbers: Record<string, number>;
    statements: number[];
  }[];
  notBalanced: string[];
}

describe('the audit over HTTP', () => {
  it('finds the impossible yield, the unreceived shipment, its unregistered recipient and the back-dated events, nothing else', async () => {
    const report = (await (await app.request('/audit')).json()) as Report;
    expect(report.events).toBe(5);
    // The events are dated January 2026 but the recycler was registered today: each of the five is
    // also dated before its signer's registration, which the audit reports too.
    expect(report.findings.map((f) => f.rule).sort()).toEqual([
      ...Array(5).fill('dated-before-registration'),
      'impossible-yield',
      'shipment-not-received',
      'unregistered-recipient',
    ]);
    const y = report.findings.find((f) => f.rule === 'impossible-yield');
    // PET: 9,000 kg in, 7,000 out; allowed 9,000 × 0.68 × 1.02 = 6,242.4 kg.
    expect(y?.numbers).toMatchObject({ inputKg: 9000, outputKg: 7000, maxYield: 0.68 });
    expect(report.notBalanced).toEqual([]);
    const only = (await (await app.request('/audit?rule=impossible-yield')).json()) as Report;
    expect(only.findings).toHaveLength(1);
    expect((await app.request('/audit?colour=red')).status).toBe(400);
  });

  it('runs under the data directory’s tolerances, says which, and a bundle is redone under them', async () => {
    const before = (await (await app.request('/audit')).json()) as Report & { tolerances: Record<string, number> };
    expect(before.tolerances['transitShortfallShare']).toBe(0.02);
    expect(before.findings.map((f) => f.rule)).toContain('shipment-not-received');
    log.config.audit = { transitShortfallShare: 1, yieldTolerance: 0.1 };
    try {
      const after = (await (await app.request('/audit')).json()) as Report & { tolerances: Record<string, number> };
      expect(after.tolerances).toMatchObject({ transitShortfallShare: 1, yieldTolerance: 0.1, massBalanceShare: 0.02 });
      // Whatever arrives counts as received when the whole shipment may go missing in transit.
      expect(after.findings.map((f) => f.rule)).not.toContain('shipment-not-received');
      const f = after.findings.find((x) => x.rule === 'impossible-yield') as Report['findings'][number];
      const bundle = (await (await app.request(`/audit/findings/${f.id}/evidence`)).json()) as {
        tolerances: Record<string, unknown>;
      };
      expect(bundle.tolerances['yieldTolerance']).toBe(0.1);
      const checked = verifyEvidence(bundle, { logVkey: log.identity.vkey });
      expect(checked.notProved).toEqual([]);
      expect(checked.proved.at(-1)).toMatch(/under the tolerances \{"transitShortfallShare":1,"yieldTolerance":0.1\}/);
      // The allowance was worked out under 10% (9,000 × 0.68 × 1.1 = 6,732 kg): redone under 2% it differs.
      const strict = { ...bundle, tolerances: { ...bundle.tolerances, yieldTolerance: 0.02 } };
      expect(verifyEvidence(strict, { logVkey: log.identity.vkey }).notProved).toEqual([
        expect.stringMatching(/^the "impossible-yield" finding, under the tolerances .*: recomputed from the bundle/),
      ]);
      const nonsense = { ...bundle, tolerances: { yieldTolerance: -1 } };
      expect(verifyEvidence(nonsense, { logVkey: log.identity.vkey }).notProved).toEqual([
        expect.stringMatching(/^the bundle's tolerances: yieldTolerance .* must be a number from 0 to 1, not -1/),
      ]);
    } finally {
      delete log.config.audit;
    }
  });

  it("serves a finding's evidence bundle, which verifies offline against the log key", async () => {
    const report = (await (await app.request('/audit?rule=impossible-yield')).json()) as Report;
    const id = report.findings[0]?.id as string;
    const bundle = (await (await app.request(`/audit/findings/${id}/evidence`)).json()) as {
      finding: { id: string };
      statements: { index: number }[];
    };
    expect(bundle.finding.id).toBe(id);
    expect(bundle.statements.map((s) => s.index)).toEqual(report.findings[0]?.statements);
    const checked = verifyEvidence(bundle, { logVkey: log.identity.vkey });
    expect(checked.notProved).toEqual([]);
    // The bundle holds the transformation and the receipt whose ILMD gives the bales' composition.
    expect(checked.proved.at(-1)).toMatch(
      /^the "impossible-yield" finding's arithmetic comes out the same under the default tolerances: recomputed/,
    );
    const inflated = JSON.parse(JSON.stringify(bundle)) as { finding: { numbers: Record<string, number> } };
    inflated.finding.numbers['outputKg'] = 6000;
    expect(verifyEvidence(inflated, { logVkey: log.identity.vkey }).notProved).toEqual([
      expect.stringMatching(
        /^the "impossible-yield" finding, under the default tolerances: recomputed from the bundle: .*"outputKg":7000/,
      ),
    ]);
    expect((await app.request('/audit/findings/nope/evidence')).status).toBe(404);
  });

  it('says what a bundle cannot prove: that a recipient is not registered', async () => {
    const report = (await (await app.request('/audit?rule=unregistered-recipient')).json()) as Report;
    const bundle = await (await app.request(`/audit/findings/${report.findings[0]?.id}/evidence`)).json();
    const checked = verifyEvidence(bundle, { logVkey: log.identity.vkey });
    expect(checked.ok).toBe(true);
    expect(checked.limits[0]).toMatch(/rests on what inclusion proofs cannot show/);
  });
});

describe('recycled-content claims', () => {
  it('raises a producer claiming recycled PET it never received, and the bundle recomputes the claim', async () => {
    const own = await memoryLog({}, undefined, { rateLimit: { perSecond: 1000, burst: 100 } });
    try {
      const a = createApp(own);
      const producer = ed25519NoteKey('bottler.example', new Uint8Array(32).fill(72));
      await register(a, producer, 'producer');
      const sign = (kind: StatementKind, body: unknown) =>
        signStatement(
          { v: 1, kind, issuer: producer.signer.name, issued: new Date().toISOString(), body: body as JsonValue },
          [producer.signer],
        );
      const made = {
        type: 'ObjectEvent',
        eventTime: new Date(Date.now() + 60_000).toISOString(),
        eventTimeZoneOffset: '+00:00',
        action: 'ADD',
        bizStep: 'commissioning',
        epcList: [],
        quantityList: [{ epcClass: 'urn:epc:idpat:sgtin:4006381.033393.*', quantity: 10_000 }],
      };
      const res = await a.request('/statements', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          statements: [
            sign('passport', bottlePassport({ validFrom: '2020-01-01T00:00:00Z' })),
            sign('epcis.event', { event: made, eventID: eventHashId(made, [EPCIS_CONTEXT]), context: [EPCIS_CONTEXT] }),
          ],
        }),
      });
      expect(res.status, await res.clone().text()).toBe(201);
      const report = (await (await a.request('/audit?rule=recycled-content-claim')).json()) as Report;
      // 10,000 bottles × 25 g of PET × 30% recycled = 75 kg claimed; none received.
      expect(report.findings).toHaveLength(1);
      expect(report.findings[0]?.numbers).toMatchObject({ claimedKg: expect.closeTo(75, 9), suppliedKg: 0 });
      const bundle = await (await a.request(`/audit/findings/${report.findings[0]?.id}/evidence`)).json();
      const checked = verifyEvidence(bundle, { logVkey: own.identity.vkey });
      expect(checked.notProved).toEqual([]);
      expect(checked.proved.at(-1)).toMatch(/"recycled-content-claim" finding's arithmetic comes out the same/);
    } finally {
      await own.close();
    }
  });
});

describe('recycled content across a year boundary', () => {
  it('lets December’s recovered PET cover January’s bottles, raises what it cannot cover, and the bundle redoes it', async () => {
    const own = await memoryLog({}, undefined, { rateLimit: { perSecond: 1000, burst: 100 } });
    try {
      const a = createApp(own);
      const producer = ed25519NoteKey('bottler.example', new Uint8Array(32).fill(73));
      await register(a, producer, 'producer');
      await register(a, plant, 'recycler');
      const by = (who: typeof producer, kind: StatementKind, body: unknown) =>
        signStatement(
          { v: 1, kind, issuer: who.signer.name, issued: new Date().toISOString(), body: body as JsonValue },
          [who.signer],
        );
      const event = (who: typeof producer, e: Record<string, unknown>) => {
        const full = { eventTimeZoneOffset: '+00:00', ...e };
        return by(who, 'epcis.event', { event: full, eventID: eventHashId(full, context), context });
      };
      const BOTTLER = 'urn:epc:id:sgln:4006381.00001.0';
      const commission = (time: string, units: number) =>
        event(producer, {
          type: 'ObjectEvent',
          eventTime: time,
          action: 'ADD',
          bizStep: 'commissioning',
          bizLocation: { id: BOTTLER },
          epcList: [],
          quantityList: [{ epcClass: 'urn:epc:idpat:sgtin:4006381.033393.*', quantity: units }],
        });
      const res = await a.request('/statements', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          statements: [
            by(producer, 'passport', bottlePassport({ validFrom: '2020-01-01T00:00:00Z' })),
            // The plant recycles bales into PET flakes in December 2025 and the bottler receives 200 kg of them.
            event(plant, {
              type: 'TransformationEvent',
              eventTime: '2025-12-10T08:00:00Z',
              bizStep: BIZSTEP_MECHANICAL_RECYCLING,
              bizLocation: { id: PLANT },
              inputQuantityList: [kg(BALES, 400)],
              outputQuantityList: [kg(FLAKES, 300)],
              ilmd: { 'matterlog:composition': { 'polymer/PET': 1 } },
            }),
            event(producer, {
              type: 'ObjectEvent',
              eventTime: '2025-12-20T08:00:00Z',
              action: 'OBSERVE',
              bizStep: 'receiving',
              bizLocation: { id: BOTTLER },
              epcList: [],
              quantityList: [kg(FLAKES, 200)],
            }),
            // January: 10,000 bottles × 25 g × 30% = 75 kg of recycled PET, covered by December's 200 kg.
            commission('2026-01-15T08:00:00Z', 10_000),
          ],
        }),
      });
      expect(res.status, await res.clone().text()).toBe(201);
      const audit = async () =>
        ((await (await a.request('/audit?rule=recycled-content-claim')).json()) as Report).findings;
      expect(await audit()).toEqual([]);

      // June: 30,000 more (225 kg) against the 200 − 75 = 125 kg left: 300 kg claimed in 2026, 200 kg to cover it.
      const more = await a.request('/statements', {
        method: 'POST',
        headers: { 'Content-Type': 'text/plain' },
        body: commission('2026-06-01T08:00:00Z', 30_000),
      });
      expect(more.status, await more.clone().text()).toBe(201);
      const findings = await audit();
      expect(findings).toHaveLength(1);
      expect(findings[0]?.subject).toEqual({ actor: producer.signer.name, material: 'polymer/PET', year: '2026' });
      expect(findings[0]?.numbers).toMatchObject({
        claimedKg: expect.closeTo(300, 9),
        suppliedKg: 0,
        carriedInKg: expect.closeTo(200, 9),
        allowedKg: expect.closeTo(205, 9),
      });
      const bundle = await (await a.request(`/audit/findings/${findings[0]?.id}/evidence`)).json();
      const checked = verifyEvidence(bundle, { logVkey: own.identity.vkey });
      expect(checked.notProved).toEqual([]);
      expect(checked.proved.at(-1)).toMatch(/"recycled-content-claim" finding's arithmetic comes out the same/);
    } finally {
      await own.close();
    }
  });
});

describe('finding statements', () => {
  it('an auditor stores a finding’s bundle and publishes the finding; a statement that misstates it is refused', async () => {
    const auditor = ed25519NoteKey('auditor.example', new Uint8Array(32).fill(73));
    await register(app, auditor, 'auditor');
    const report = (await (await app.request('/audit?rule=impossible-yield')).json()) as Report & {
      findings: { severity: string; subject: Record<string, string> }[];
    };
    const f = report.findings[0] as Report['findings'][number] & { severity: string; subject: Record<string, string> };
    const bundle = await (await app.request(`/audit/findings/${f.id}/evidence`)).json();
    const post = (headers: Record<string, string>) =>
      app.request('/evidence', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers },
        body: JSON.stringify(bundle),
      });
    expect((await post({})).status).toBe(401);
    const stored = await post({ Authorization: `Bearer ${TEST_TOKEN}` });
    expect(stored.status).toBe(201);
    const { sha256 } = (await stored.json()) as { sha256: string };
    expect((await app.request(`/evidence/${sha256}`)).status).toBe(200);
    const finding = (body: Record<string, unknown>) =>
      app.request('/statements', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          statements: [
            signStatement(
              {
                v: 1,
                kind: 'finding',
                issuer: auditor.signer.name,
                issued: new Date().toISOString(),
                body: body as JsonValue,
              },
              [auditor.signer],
            ),
          ],
        }),
      });
    const body = { bundle: sha256, rule: f.rule, severity: f.severity, subject: f.subject, numbers: f.numbers };
    const misstated = await finding({ ...body, numbers: { ...f.numbers, outputKg: 9000 } });
    expect(misstated.status).toBe(400);
    expect(((await misstated.json()) as { refused: { pointer: string }[] }).refused[0]?.pointer).toBe('/body/numbers');
    const ghost = await finding({ ...body, bundle: 'b'.repeat(64) });
    expect(((await ghost.json()) as { detail: string }).detail).toMatch(/is not stored here: upload it first/);
    expect((await finding(body)).status).toBe(201);
  });

  it('POST /findings takes the signed statement and its bundle in one request, the signature standing for a token', async () => {
    const auditor = ed25519NoteKey('watchdog.example', new Uint8Array(32).fill(74));
    await register(app, auditor, 'auditor');
    const report = (await (await app.request('/audit?rule=shipment-not-received')).json()) as Report;
    const f = report.findings[0] as Report['findings'][number] & { severity: string };
    const bundle = (await (await app.request(`/audit/findings/${f.id}/evidence`)).json()) as JsonValue;
    const digest = toHex(sha256(utf8(canonicalJson(bundle))));
    const sign = (who: typeof auditor, kind: StatementKind, body: unknown) =>
      signStatement(
        { v: 1, kind, issuer: who.signer.name, issued: new Date().toISOString(), body: body as JsonValue },
        [who.signer],
      );
    const body = { bundle: digest, rule: f.rule, severity: f.severity, subject: f.subject, numbers: f.numbers };
    const publish = (statement: string, b: unknown = bundle) =>
      app.request('/findings', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ statement, bundle: b }),
      });
    const detail = async (r: Response) => ((await r.json()) as { detail: string }).detail;
    // Not an auditor's: a registered recycler may not issue findings, an unknown key is nobody.
    const byPlant = await publish(sign(plant, 'finding', body));
    expect(byPlant.status).toBe(403);
    const stranger = ed25519NoteKey('stranger.example', new Uint8Array(32).fill(75));
    expect((await publish(sign(stranger, 'finding', body))).status).toBe(403);
    // A digest that is not the bundle's, and a bundle that does not verify.
    const wrong = await publish(sign(auditor, 'finding', { ...body, bundle: 'c'.repeat(64) }));
    expect(wrong.status).toBe(400);
    expect(await detail(wrong)).toMatch(new RegExp(`but the bundle sent has SHA-256 ${digest}`));
    // A forged bundle named by its own digest: the digest matches, the bundle does not verify, nothing is stored.
    const forgedBundle = { ...(bundle as object), checkpoint: 'x' } as JsonValue;
    const forgedDigest = toHex(sha256(utf8(canonicalJson(forgedBundle))));
    const forged = await publish(sign(auditor, 'finding', { ...body, bundle: forgedDigest }), forgedBundle);
    expect(await detail(forged)).toMatch(/the bundle does not verify against this log/);
    expect((await app.request(`/evidence/${forgedDigest}`)).status).toBe(404);
    expect((await app.request(`/evidence/${digest}`)).status).toBe(404);
    const statement = sign(auditor, 'finding', body);
    const ok = await publish(statement);
    expect(ok.status, await ok.clone().text()).toBe(201);
    expect(ok.headers.get('Location')).toBe(`/evidence/${digest}`);
    const result = (await ok.json()) as { index: number; sha256: string };
    expect(result.sha256).toBe(digest);
    expect(await (await app.request(`/evidence/${digest}`)).text()).toBe(canonicalJson(bundle));
    // The same statement again is answered with its index, as POST /statements answers a replay.
    const again = await publish(statement);
    expect(again.status).toBe(200);
    expect(((await again.json()) as { index: number }).index).toBe(result.index);
  });
});
