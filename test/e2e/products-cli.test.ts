/**
 * Passports as a producer publishes them with the CLI (sign, submit) against a
 * real server on SQLite, then `matterlog assess <product id>` and `matterlog
 * portfolio` read them back from the log's read model, and `reindex` rebuilds
 * exactly the same passport, market and facility indexes from the log alone.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventHashId } from '../../src/epcis/index.js';
import { cli, type ServerProcess, startServe, tempDir } from '../helpers/cli.js';
import { bottlePassport } from '../helpers/passport-fixtures.js';

let dir: string;
let work: string;
let server: ServerProcess | null = null;
let token: string;
let logVkey: string;

async function ok(args: string[]): Promise<string> {
  const r = await cli(args);
  expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

const url = () => (server as ServerProcess).url;

async function publish(keyFile: string, name: string, kind: string, body: unknown): Promise<void> {
  const file = path.join(work, `${name}.json`);
  writeFileSync(file, JSON.stringify({ kind, body }));
  const note = path.join(work, `${name}.note`);
  await ok(['sign', '--key', keyFile, '--out', note, file]);
  await ok(['submit', '--url', url(), note]);
}

/** A new key written to `keyFile`, registered (by the operator) as `name` in `role`. */
async function registered(keyFile: string, name: string, role: string): Promise<void> {
  const vkey = (await ok(['keygen', '--name', name, '--out', keyFile])).trim();
  await ok(['actor', 'add', '--url', url(), '--token', token, '--name', name, '--role', role, '--vkey', vkey]);
}

beforeAll(async () => {
  work = tempDir();
  dir = path.join(work, 'log');
  const init = await cli(['init', '--dir', dir, '--origin', 'products.example/log', '--json']);
  expect(init.code, init.stderr).toBe(0);
  const created = JSON.parse(init.stdout) as { token: string; vkey: string };
  token = created.token;
  logVkey = created.vkey;
  server = await startServe(['--dir', dir]);
  const keyFile = path.join(work, 'producer.key');
  await registered(keyFile, 'bottler.example', 'producer');
  await publish(keyFile, 'v1', 'passport', bottlePassport({ validFrom: '2025-01-01T00:00:00Z' }));
  // v2 drops the paper label for a PVC sleeve: mechanical recycling then refuses the bottle.
  await publish(
    keyFile,
    'v2',
    'passport',
    bottlePassport({
      version: 'v2',
      replaces: 'v1',
      validFrom: '2025-07-01T00:00:00Z',
      components: [
        { id: 'bottle', material: 'polymer/PET', massKg: 0.025, recycledContent: 0.3 },
        { id: 'cap', material: 'polymer/PP', massKg: 0.002 },
        { id: 'label', material: 'polymer/PVC', massKg: 0.001, features: ['label:PVC-sleeve'] },
      ],
    }),
  );
  const ev = {
    type: 'ObjectEvent',
    eventTime: '2025-03-01T08:00:00Z',
    eventTimeZoneOffset: '+00:00',
    action: 'ADD',
    bizStep: 'commissioning',
    epcList: ['urn:epc:id:sgtin:4006381.033393.1', 'urn:epc:id:sgtin:4006381.033393.2'],
  };
  const context = ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'];
  await publish(keyFile, 'made', 'epcis.event', { event: ev, eventID: eventHashId(ev, context), context });
});

afterAll(async () => {
  await server?.stop();
});

describe('products from the log, on the command line', () => {
  it('assess <GTIN> prints the latest version and its flags; --json and --passport-version too', async () => {
    const table = await ok(['assess', '4006381333931', '--url', url()]);
    expect(table).toMatch(/^product 04006381333931, version v2 by bottler\.example \(log index \d+\)/);
    expect(table).toMatch(/PPWR grade: /);
    const v1 = JSON.parse(
      await ok(['assess', '04006381333931', '--url', url(), '--passport-version', 'v1', '--json']),
    ) as {
      version: { version: string; grade: string };
      assessment: { ppwr: { grade: string } };
    };
    expect([v1.version.version, v1.version.grade, v1.assessment.ppwr.grade]).toEqual(['v1', 'B', 'B']);
    const missing = await cli(['assess', '4006381333955', '--url', url()]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/no passport for product 04006381333955/);
  });

  it('portfolio prints units and mass by grade, and --json', async () => {
    const p = JSON.parse(await ok(['portfolio', 'bottler.example', '--url', url(), '--period', 'month', '--json'])) as {
      periods: { period: string; units: number; totalKg: number; byGrade: Record<string, number> }[];
    };
    // Two bottles commissioned in March 2025 under v1 (grade B), 0.028 kg each.
    expect(p.periods).toHaveLength(1);
    expect(p.periods[0]).toMatchObject({ period: '2025-03', units: 2 });
    expect(p.periods[0]?.byGrade['B']).toBeCloseTo(0.056, 12);
    expect(await ok(['portfolio', 'bottler.example', '--url', url()])).toMatch(/^bottler\.example: 1 products/);
    expect((await cli(['portfolio', 'bottler.example', '--url', url(), '--period', 'week'])).code).toBe(2);
  });

  it('verify-evidence checks a bundle of the passports offline, and fails on a tampered one', async () => {
    const listed = JSON.parse(await ok(['assess', '4006381333931', '--url', url(), '--json'])) as {
      version: { index: number };
    };
    const res = await fetch(`${url()}/evidence?index=${listed.version.index}`);
    expect(res.status).toBe(200);
    const bundle = (await res.json()) as { statements: { entry: string }[] };
    writeFileSync(path.join(work, 'bundle.json'), JSON.stringify(bundle));
    const good = await cli(['verify-evidence', path.join(work, 'bundle.json'), '--vkey', logVkey]);
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout).toMatch(
      /^VERIFIED\. Proved:\n {2}- the checkpoint is signed by the log "products\.example\/log"/,
    );
    (bundle.statements[0] as { entry: string }).entry = (bundle.statements[0] as { entry: string }).entry.replace(
      '"v2"',
      '"v3"',
    );
    writeFileSync(path.join(work, 'forged.json'), JSON.stringify(bundle));
    const bad = await cli(['verify-evidence', path.join(work, 'forged.json'), '--vkey', logVkey]);
    expect(bad.code).toBe(3);
    expect(bad.stdout).toMatch(/not proved to be in the log: inclusion proof does not lead to the root hash/);
  });

  it('audit lists the findings (the commissioning event is dated before the producer was registered) and exits 1', async () => {
    const r = await cli(['audit', '--url', url()]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^\d+ events audited, \d+ findings/);
    expect(r.stdout).toMatch(
      /dated-before-registration [0-9a-f]{20}: "bottler\.example" reports an event at 2025-03-01T08:00:00\.000Z/,
    );
    const json = JSON.parse(
      (await cli(['audit', '--url', url(), '--rule', 'dated-before-registration', '--json'])).stdout,
    ) as {
      findings: { rule: string }[];
    };
    expect(json.findings.map((f) => f.rule)).toEqual(['dated-before-registration']);
    // --dir audits the data directory in this process (the server keeps running): the same findings.
    const local = await cli(['audit', '--dir', dir, '--rule', 'dated-before-registration', '--json']);
    expect(local.code, local.stderr).toBe(1);
    expect(JSON.parse(local.stdout)).toEqual(json);
    // Tolerances come from config.json's "audit" object; a mistyped one stops the command and names itself.
    const configFile = path.join(dir, 'config.json');
    const original = readFileSync(configFile, 'utf8');
    try {
      writeFileSync(configFile, JSON.stringify({ ...JSON.parse(original), audit: { massBalanceShare: 0.05 } }));
      const loose = JSON.parse((await cli(['audit', '--dir', dir, '--json'])).stdout) as {
        tolerances: Record<string, number>;
      };
      expect(loose.tolerances).toMatchObject({ massBalanceShare: 0.05, massBalanceKg: 10 });
      writeFileSync(configFile, JSON.stringify({ ...JSON.parse(original), audit: { massBalance: 0.05 } }));
      const typo = await cli(['audit', '--dir', dir]);
      expect(typo.code).toBe(6);
      expect(typo.stderr).toMatch(/"audit" object of .*config\.json: "massBalance" is not a tolerance/);
    } finally {
      writeFileSync(configFile, original);
    }
    const badTime = await cli(['audit', '--dir', dir, '--from', '2045-01-01']);
    expect(badTime.code).toBe(2);
    expect(badTime.stderr).toMatch(/--from must be an ISO 8601 date-time with an offset/);
  });

  it('publish-finding stores a finding’s bundle by digest and logs the auditor’s signed finding', async () => {
    const keyFile = path.join(work, 'auditor.key');
    await registered(keyFile, 'ngo.example/auditor', 'auditor');
    const report = JSON.parse(
      (await cli(['audit', '--url', url(), '--rule', 'dated-before-registration', '--json'])).stdout,
    ) as {
      findings: { id: string; numbers: Record<string, number> }[];
    };
    const id = report.findings[0]?.id as string;
    const published = JSON.parse(
      await ok(['publish-finding', id, '--url', url(), '--key', keyFile, '--comment', 'back-dated', '--json']),
    ) as { index: number; bundle: string; rule: string };
    expect(published.rule).toBe('dated-before-registration');
    // The bundle is served by its digest and verifies offline; the statement is in the log, signed by the auditor.
    const bundle = await (await fetch(`${url()}/evidence/${published.bundle}`)).text();
    writeFileSync(path.join(work, 'published.json'), bundle);
    expect((await cli(['verify-evidence', path.join(work, 'published.json'), '--vkey', logVkey])).code).toBe(0);
    const proof = (await (await fetch(`${url()}/evidence?index=${published.index}`)).json()) as {
      statements: { index: number; entry: string }[];
    };
    const entry = proof.statements.find((x) => x.index === published.index)?.entry ?? '';
    expect(entry).toContain('"kind":"finding"');
    expect(entry).toContain(`"bundle":"${published.bundle}"`);
    expect(entry).toContain('"comment":"back-dated"');
    expect(entry).toContain('— ngo.example/auditor ');
    // Someone who is not a registered auditor is refused.
    const stranger = path.join(work, 'stranger.key');
    await ok(['keygen', '--name', 'stranger.example', '--out', stranger]);
    const refused = await cli(['publish-finding', id, '--url', url(), '--key', stranger, '--comment', 'mine']);
    expect(refused.code, refused.stderr).toBe(6);
    expect(refused.stderr).toMatch(/stranger\.example/);
  });

  it('reindex rebuilds the same passport and market indexes', async () => {
    expect(await (server as ServerProcess).stop()).toBe(0);
    server = null;
    const check = JSON.parse(await ok(['reindex', '--dir', dir, '--check', '--json'])) as { identical: boolean };
    expect(check.identical).toBe(true);
    server = await startServe(['--dir', dir]);
  });
});
