/**
 * Evidence bundles from a real log (sequencer and read model in memory): a
 * bundle of statements verifies offline against the log key alone, and
 * tampering with a statement, a proof, the checkpoint or the registry makes
 * verification fail and say why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evidenceFor } from '../../src/app/evidence-source.js';
import { type EvidenceBundle, verifyEvidence } from '../../src/audit/evidence.js';
import { ed25519NoteKey } from '../../src/ledger/note.js';
import { createApp } from '../../src/server/app.js';
import type { JsonValue } from '../../src/statements/canonical-json.js';
import type { StatementKind } from '../../src/statements/roles.js';
import { signStatement } from '../../src/statements/statement.js';
import { memoryLog, TEST_TOKEN } from '../helpers/memory-log.js';
import { bottlePassport } from '../helpers/passport-fixtures.js';

type Log = Awaited<ReturnType<typeof memoryLog>>;
let log: Log;
let app: ReturnType<typeof createApp>;
const producer = ed25519NoteKey('bottler.example', new Uint8Array(32).fill(51));
const indices: number[] = [];

const statement = (kind: StatementKind, body: unknown) =>
  signStatement(
    { v: 1, kind, issuer: producer.signer.name, issued: new Date().toISOString(), body: body as JsonValue },
    [producer.signer],
  );

beforeAll(async () => {
  log = await memoryLog();
  app = createApp(log);
  const add = await app.request('/actors', {
    method: 'POST',
    headers: { Authorization: `Bearer ${TEST_TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: producer.signer.name, role: 'producer', vkey: producer.vkey }),
  });
  expect(add.status).toBe(201);
  for (const p of [bottlePassport(), bottlePassport({ version: 'v2', replaces: 'v1', declaredMassKg: 0.0281 })]) {
    const res = await app.request('/statements', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ statements: [statement('passport', p)] }),
    });
    indices.push(((await res.json()) as { results: { index: number }[] }).results[0]?.index as number);
  }
});
afterAll(async () => {
  await log.close();
});

const clone = (b: EvidenceBundle): EvidenceBundle => JSON.parse(JSON.stringify(b)) as EvidenceBundle;
const trust = () => ({ logVkey: log.identity.vkey });

describe('evidence bundles', () => {
  it('prove statements are in the log and signed by their registered actors, offline', async () => {
    const bundle = await evidenceFor(log, indices);
    expect(bundle.statements.map((s) => s.index)).toEqual(indices);
    expect(bundle.registry.length).toBeGreaterThan(0);
    const report = verifyEvidence(JSON.parse(JSON.stringify(bundle)), trust());
    expect(report.notProved).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.proved[0]).toMatch(/^the checkpoint is signed by the log /);
    expect(report.proved[1]).toBe(
      "all 2 statements are in the log at the indices given and signed by their actors' registered, unrevoked keys",
    );
    expect(report.statements.map((s) => [s.kind, s.actor])).toEqual([
      ['passport', 'bottler.example'],
      ['passport', 'bottler.example'],
    ]);
  });

  it('fail, saying why, when a statement, a proof, the checkpoint, the registry or the trusted key is wrong', async () => {
    const bundle = await evidenceFor(log, indices);
    const edited = clone(bundle);
    (edited.statements[0] as { entry: string }).entry = (edited.statements[0] as { entry: string }).entry.replace(
      '0.025',
      '0.026',
    );
    expect(verifyEvidence(edited, trust()).notProved.join('\n')).toMatch(
      /the statement at index \d+ is not proved to be in the log: inclusion proof does not lead to the root hash/,
    );

    const moved = clone(bundle);
    (moved.statements[1] as { index: number }).index -= 1;
    expect(verifyEvidence(moved, trust()).ok).toBe(false);

    const proof = clone(bundle);
    const p = (proof.statements[0] as { proof: string[] }).proof;
    p[0] = Buffer.alloc(32, 7).toString('base64');
    expect(verifyEvidence(proof, trust()).notProved.join('\n')).toMatch(/not proved to be in the log/);

    const checkpoint = clone(bundle);
    checkpoint.checkpoint = checkpoint.checkpoint.replace(/\n(\d+)\n/, (_m, n: string) => `\n${Number(n) + 1}\n`);
    const cp = verifyEvidence(checkpoint, trust());
    expect(cp.ok).toBe(false);
    expect(cp.notProved[0]).toMatch(/^the checkpoint: /);

    const noRegistry = clone(bundle);
    noRegistry.registry = [];
    expect(verifyEvidence(noRegistry, trust()).notProved.join('\n')).toMatch(
      /does not hold up against the registry: "bottler.example" is not a registered actor/,
    );

    const other = ed25519NoteKey(log.identity.origin, new Uint8Array(32).fill(9));
    expect(verifyEvidence(bundle, { logVkey: other.vkey }).notProved[0]).toMatch(/^the checkpoint: /);
    expect(verifyEvidence(bundle, { ...trust(), operatorVkey: producer.vkey }).notProved).toContainEqual(
      expect.stringMatching(/operator key is not the one you trust/),
    );
  });
});
