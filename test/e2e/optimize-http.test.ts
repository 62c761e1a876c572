/**
 * The optimizer through the HTTP API, over a real sequencer and read model in
 * memory and the real solver on a worker thread: a recycler publishes a policy
 * statement, the server solves under it by id, the plan document is stored by
 * its digest, and the `plan` statement that names it is accepted only when the
 * document verifies, was solved under that very policy and states its figures.
 */
import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WorkerSolver } from '../../src/app/solver-pool.js';
import { eventHashId } from '../../src/epcis/index.js';
import { ed25519NoteKey } from '../../src/ledger/note.js';
import type { PlanDocument } from '../../src/optimize/plan.js';
import { type VerifyReport, verifyPlan } from '../../src/optimize/verify-plan.js';
import { createApp } from '../../src/server/app.js';
import type { JsonValue } from '../../src/statements/canonical-json.js';
import type { StatementKind } from '../../src/statements/roles.js';
import { signStatement } from '../../src/statements/statement.js';
import { memoryLog, TEST_TOKEN } from '../helpers/memory-log.js';
import { LOTS, OPTIONS, policy } from '../helpers/optimize-fixtures.js';

type Log = Awaited<ReturnType<typeof memoryLog>>;
let log: Log;
let app: ReturnType<typeof createApp>;
const solver = new WorkerSolver();
const recycler = ed25519NoteKey('recycler.example/plant-7', new Uint8Array(32).fill(41));
const other = ed25519NoteKey('other.example', new Uint8Array(32).fill(42));
const operator = { Authorization: `Bearer ${TEST_TOKEN}`, 'Content-Type': 'application/json' };
const POLICY = policy({ id: 'plant-7.pet', minRecoveryRate: 0.82 });

function statement(key: typeof recycler, kind: StatementKind, body: unknown): string {
  return signStatement(
    { v: 1, kind, issuer: key.signer.name, issued: new Date().toISOString(), body: body as JsonValue },
    [key.signer],
  );
}

const anonymous = { 'Content-Type': 'application/json' };
/** Solving needs a token: the operator's here, unless a test says otherwise. */
const post = (
  path: string,
  body: unknown,
  headers: Record<string, string> = path.startsWith('/optimize') ? operator : anonymous,
) => app.request(path, { method: 'POST', headers, body: JSON.stringify(body) });

async function submit(...notes: string[]) {
  return post('/statements', { statements: notes });
}

async function index(res: Response): Promise<number> {
  expect([200, 201], await res.clone().text()).toContain(res.status);
  return ((await res.json()) as { results: { index: number }[] }).results[0]?.index as number;
}

beforeEach(async () => {
  log = await memoryLog({}, undefined, { rateLimit: { perSecond: 1000, burst: 100 } });
  app = createApp(log, { solver });
  for (const [key, role] of [
    [recycler, 'recycler'],
    [other, 'recycler'],
  ] as const) {
    const res = await post('/actors', { name: key.signer.name, role, vkey: key.vkey }, operator);
    expect(res.status).toBe(201);
  }
});
afterEach(async () => {
  await log.close();
});
afterAll(async () => {
  await solver.close();
});

describe('policies and plans through the log', () => {
  it('solves under a published policy, stores the plan by digest, and accepts the plan statement', async () => {
    const at = await index(await submit(statement(recycler, 'policy', POLICY)));
    const versions = (await (await app.request('/policies/plant-7.pet')).json()) as { versions: unknown[] };
    expect(versions.versions).toEqual([{ version: 'v1', index: at }]);

    expect((await post('/optimize', { policy: 'plant-7.pet', lots: LOTS, options: OPTIONS }, anonymous)).status).toBe(
      401,
    );
    const solved = await post('/optimize', { policy: 'plant-7.pet', lots: LOTS, options: OPTIONS });
    expect(solved.status).toBe(200);
    const byHand = (await solved.json()) as { plan: PlanDocument; report: VerifyReport };
    expect(byHand.plan.policyIndex).toBe(at);
    expect(byHand.plan.result.totals.objective).toBeCloseTo(-3536, 9);
    expect(byHand.report.ok).toBe(true);

    // Published plans route over real routes only: the hand instance's plants are nobody's.
    const invented = (await (await post('/plans', byHand.plan, operator)).json()) as { sha256: string };
    const refusedInvented = await submit(
      statement(recycler, 'plan', {
        document: invented.sha256,
        policy: { id: 'plant-7.pet', version: 'v1', index: at },
        kind: 'lp',
        lots: 2,
        tonnes: 14,
        objective: byHand.report.objective,
        provenGap: byHand.report.provenGap,
      }),
    );
    expect(((await refusedInvented.json()) as { detail: string }).detail).toMatch(
      /route option 0 \("mech"\) of the plan document is neither a catalog route nor a route published in the log/,
    );

    const catalog = await post('/optimize', { policy: 'plant-7.pet', lots: LOTS, options: 'catalog' });
    const { plan, report } = (await catalog.json()) as { plan: PlanDocument; report: VerifyReport };
    expect(report.ok).toBe(true);

    expect((await post('/plans', plan)).status).toBe(401);
    const stored = await post('/plans', plan, operator);
    expect(stored.status).toBe(201);
    const { sha256 } = (await stored.json()) as { sha256: string };
    const fetched = await app.request(`/plans/${sha256}`);
    expect(fetched.headers.get('Content-Type')).toBe('application/vnd.matterlog.plan+json');
    expect(
      createHash('sha256')
        .update(new Uint8Array(await fetched.arrayBuffer()))
        .digest('hex'),
    ).toBe(sha256);

    const body = {
      document: sha256,
      policy: { id: 'plant-7.pet', version: 'v1', index: at },
      kind: 'lp',
      lots: 2,
      tonnes: 14,
      objective: report.objective,
      provenGap: report.provenGap,
    };
    const wrong = await submit(statement(recycler, 'plan', { ...body, objective: -4000 }));
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { refused: { pointer: string }[] }).refused[0]?.pointer).toBe('/body/objective');
    const heavy = await submit(statement(recycler, 'plan', { ...body, tonnes: 1e9 }));
    expect(((await heavy.json()) as { refused: { pointer: string }[] }).refused[0]?.pointer).toBe('/body/tonnes');
    const ghost = await submit(statement(recycler, 'plan', { ...body, document: 'a'.repeat(64) }));
    expect(((await ghost.json()) as { detail: string }).detail).toMatch(/is not stored here: upload it first/);
    const elsewhere = await submit(statement(recycler, 'plan', { ...body, policy: { ...body.policy, index: at + 1 } }));
    expect(elsewhere.status).toBe(400);
    expect(await index(await submit(statement(recycler, 'plan', body)))).toBeGreaterThan(at);
  });

  it('refuses a plan document solved under another policy than the one it names', async () => {
    const at = await index(await submit(statement(recycler, 'policy', POLICY)));
    const solved = (await (
      await post('/optimize', { policy: { ...POLICY, minRecoveryRate: 0.8 }, lots: LOTS, options: 'catalog' })
    ).json()) as {
      plan: PlanDocument;
      report: VerifyReport;
    };
    const forged = { ...solved.plan, policyIndex: at };
    const stored = (await (await post('/plans', forged, operator)).json()) as { sha256: string };
    const res = await submit(
      statement(recycler, 'plan', {
        document: stored.sha256,
        policy: { id: 'plant-7.pet', version: 'v1', index: at },
        kind: 'lp',
        lots: 2,
        tonnes: 14,
        objective: solved.report.objective,
        provenGap: solved.report.provenGap,
      }),
    );
    expect(res.status).toBe(400);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/not the policy statement at log index/);
  });

  it('versions policies like passports, owned by their publisher', async () => {
    await index(await submit(statement(recycler, 'policy', POLICY)));
    const noReplaces = await submit(statement(recycler, 'policy', { ...POLICY, version: 'v2' }));
    expect(((await noReplaces.json()) as { detail: string }).detail).toMatch(/must say "replaces": "v1"/);
    const theirs = await submit(statement(other, 'policy', { ...POLICY, version: 'v2', replaces: 'v1' }));
    expect(theirs.status).toBe(403);
    await index(
      await submit(statement(recycler, 'policy', { ...POLICY, version: 'v2', replaces: 'v1', minRecoveryRate: 0.8 })),
    );
    const v1 = (await (await post('/optimize', { policy: 'plant-7.pet@v1', lots: LOTS, options: OPTIONS })).json()) as {
      plan: PlanDocument;
    };
    expect(v1.plan.policy.minRecoveryRate).toBe(0.82);
    const latest = (await (
      await post('/optimize', { policy: 'plant-7.pet', lots: LOTS, options: OPTIONS })
    ).json()) as {
      plan: PlanDocument;
    };
    expect(latest.plan.policy.version).toBe('v2');
  });
});

describe('lots from the log', () => {
  const PLANT = 'urn:epc:id:sgln:4012345.00007.0';
  const context = [
    'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
    { matterlog: 'https://w3id.org/matterlog/voc/' },
  ];
  const lotEvent = (spec: Record<string, unknown>) => {
    const ev = {
      type: 'ObjectEvent',
      eventTime: '2026-03-01T09:00:00Z',
      eventTimeZoneOffset: '+00:00',
      epcList: [],
      readPoint: { id: PLANT },
      bizLocation: { id: PLANT },
      ...spec,
    };
    return statement(recycler, 'epcis.event', { event: ev, eventID: eventHashId(ev, context), context });
  };

  it('optimizes what a facility holds: net mass per class, composition from ILMD, unknown classes reported', async () => {
    const made = (cls: string, tonnes: number, ilmd?: Record<string, unknown>) =>
      lotEvent({
        action: 'ADD',
        bizStep: 'commissioning',
        quantityList: [{ epcClass: cls, quantity: tonnes, uom: 'TNE' }],
        ...(ilmd ? { ilmd } : {}),
      });
    const A = 'urn:epc:class:lgtin:4012345.099001.A';
    const B = 'urn:epc:class:lgtin:4012345.099001.B';
    await index(
      await submit(
        made(A, 6, { 'matterlog:composition': { 'polymer/PET': 1 } }),
        made(B, 8, { 'matterlog:composition': { 'polymer/PET': 0.96 }, 'matterlog:contamination': 0.04 }),
        made('urn:epc:class:lgtin:4012345.099009.MYSTERY', 2),
        lotEvent({
          action: 'OBSERVE',
          bizStep: 'shipping',
          eventTime: '2026-03-02T09:00:00Z',
          quantityList: [{ epcClass: B, quantity: 1000, uom: 'KGM' }],
        }),
      ),
    );
    const held = (await (await app.request(`/lots?facility=${encodeURIComponent(PLANT)}`)).json()) as {
      lots: { id: string; massTonnes: number; contamination?: number }[];
      unknown: { epcClass: string; tonnes: number }[];
    };
    expect(held.lots.map((l) => [l.id, l.massTonnes, l.contamination ?? 0])).toEqual([
      [A, 6, 0],
      [B, 7, 0.04],
    ]);
    expect(held.unknown).toEqual([{ epcClass: 'urn:epc:class:lgtin:4012345.099009.MYSTERY', tonnes: 2 }]);
    const solved = (await (
      await post('/optimize', { policy: POLICY, lots: { facility: PLANT }, options: OPTIONS })
    ).json()) as {
      plan: PlanDocument;
      unknownLots: unknown[];
    };
    expect(solved.plan.lots.map((l) => l.id)).toEqual([A, B]);
    expect(solved.unknownLots).toHaveLength(1);
    // 13 t in all now that 1 t of B has left; the plan routes exactly those lots, and its certificate holds.
    expect(verifyPlan(solved.plan).ok).toBe(true);
  });
});

describe('comparing policies and infeasible ones', () => {
  it('compares the same lots under several policies, and names the conflict of one that cannot be met', async () => {
    const res = await post('/optimize/compare', {
      policies: [
        POLICY,
        policy({ id: 'traditional', familyShares: [{ family: 'chemical', max: 0 }] }),
        policy({ id: 'strict', minRecoveryRate: 0.95 }),
      ],
      lots: LOTS,
      options: OPTIONS,
    });
    expect(res.status).toBe(200);
    const rows = (
      (await res.json()) as {
        comparison: { policy: { id: string }; totals: { objective: number } | null; error?: string }[];
      }
    ).comparison;
    expect(rows.map((r) => r.policy.id)).toEqual(['plant-7.pet', 'traditional', 'strict']);
    expect(rows[0]?.totals?.objective).toBeCloseTo(-3536, 9);
    // No chemical recycling: mech takes 10 t (A 6, B 4: A gains more over landfill), B's other 4 t to landfill.
    expect(rows[1]?.totals?.objective).toBeCloseTo(-2736, 9);
    expect(rows[2]?.totals).toBeNull();
    expect(rows[2]?.error).toMatch(/min-recovery\[all\] would have to be relaxed by 0\.988 t/);

    const infeasible = await post('/optimize', {
      policy: policy({ minRecoveryRate: 0.95 }),
      lots: LOTS,
      options: OPTIONS,
    });
    expect(infeasible.status).toBe(422);
    const p = (await infeasible.json()) as { code: string; conflict: { row: string }[] };
    expect(p.code).toBe('infeasible');
    expect(p.conflict[0]?.row).toBe('min-recovery[all]');
  });
});
