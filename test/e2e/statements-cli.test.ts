/**
 * The statement and EPCIS verbs as scripts use them, against a real server on
 * SQLite: keygen, actor add|list|token|revoke, sign (and cosign), submit,
 * capture, and reindex (which must rebuild exactly the same indexes).
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, type ServerProcess, startServe, tempDir } from '../helpers/cli.js';
import { DEPOT, document, event } from '../helpers/epcis-fixtures.js';

let dir: string;
let work: string;
let server: ServerProcess | null = null;
let token: string;

async function keygen(name: string): Promise<{ file: string; vkey: string }> {
  const file = path.join(work, `${name.replaceAll('/', '_')}.key`);
  const r = await cli(['keygen', '--name', name, '--out', file]);
  expect(r.code, r.stderr).toBe(0);
  return { file, vkey: r.stdout.trim() };
}

async function ok(args: string[]): Promise<string> {
  const r = await cli(args);
  expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

const url = () => (server as ServerProcess).url;
const op = () => ['--url', url(), '--token', token];

beforeAll(async () => {
  work = tempDir();
  dir = path.join(work, 'log');
  const init = await cli(['init', '--dir', dir, '--origin', 'cli.example/log', '--json']);
  expect(init.code, init.stderr).toBe(0);
  token = (JSON.parse(init.stdout) as { token: string }).token;
  server = await startServe(['--dir', dir]);
});

afterAll(async () => {
  await server?.stop();
});

describe('keys and actors', () => {
  it('keygen writes an owner-only key, prints the verifier key, and never overwrites', async () => {
    const k = await keygen('producer.example');
    expect(k.vkey).toMatch(/^producer\.example\+[0-9a-f]{8}\+A[A-Za-z0-9+/]{43}$/);
    expect(statSync(k.file).mode & 0o777).toBe(0o600);
    expect(readFileSync(k.file, 'utf8')).toMatch(/^PRIVATE\+KEY\+producer\.example\+/);
    const again = await cli(['keygen', '--name', 'producer.example', '--out', k.file]);
    expect(again.code).toBe(6);
    expect(again.stderr).toMatch(/never overwrites/);
  });

  it('actor add registers, actor list shows, bad roles and tokens are refused', async () => {
    const k = await keygen('recycler.example/plant-7');
    await ok(['actor', 'add', ...op(), '--name', 'recycler.example/plant-7', '--role', 'recycler', '--vkey', k.vkey]);
    const list = JSON.parse(await ok(['actor', 'list', '--url', url(), '--json'])) as {
      actors: { name: string; role: string }[];
    };
    expect(list.actors.map((a) => `${a.name}:${a.role}`)).toContain('recycler.example/plant-7:recycler');
    expect(list.actors.map((a) => a.name)).toContain('cli.example/log/operator');
    const bad = await cli(['actor', 'add', ...op(), '--name', 'x', '--role', 'king', '--vkey', k.vkey]);
    expect(bad.code).toBe(2);
    const wrongToken = await cli([
      'actor',
      'add',
      '--url',
      url(),
      '--token',
      'mlt_x',
      '--name',
      'x',
      '--role',
      'public',
      '--vkey',
      k.vkey,
    ]);
    expect(wrongToken.code).toBe(6);
    expect(wrongToken.stderr).toMatch(/operator token is wrong/);
  });
});

describe('sign, submit, capture', () => {
  it('signs and submits a statement; the same statement again gets the same index', async () => {
    const k = await keygen('collector.example/depot-1');
    await ok(['actor', 'add', ...op(), '--name', 'collector.example/depot-1', '--role', 'collector', '--vkey', k.vkey]);
    const ev = event({ location: DEPOT, bizStep: 'shipping' });
    const { eventHashId } = await import('../../src/epcis/index.js');
    const context = ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'];
    const stmt = path.join(work, 'ship.json');
    writeFileSync(
      stmt,
      JSON.stringify({ kind: 'epcis.event', body: { event: ev, eventID: eventHashId(ev, context), context } }),
    );
    const note = path.join(work, 'ship.note');
    await ok(['sign', '--key', k.file, '--out', note, stmt]);
    expect(readFileSync(note, 'utf8')).toMatch(
      /^\{"body":.*"issuer":"collector.example\/depot-1","kind":"epcis.event","v":1\}\n\n— collector.example\/depot-1 /,
    );
    const first = (await ok(['submit', '--url', url(), note])).trim();
    expect(first).toMatch(/^\d+$/);
    expect((await ok(['submit', '--url', url(), note])).trim()).toBe(`${first} (already in the log)`);
  });

  it('a joint statement is accepted once every issuer has signed (sign, then cosign)', async () => {
    const a = await keygen('joint.example/sender');
    const b = await keygen('joint.example/receiver');
    await ok(['actor', 'add', ...op(), '--name', 'joint.example/sender', '--role', 'collector', '--vkey', a.vkey]);
    await ok(['actor', 'add', ...op(), '--name', 'joint.example/receiver', '--role', 'recycler', '--vkey', b.vkey]);
    const ev = event({ bizStep: 'receiving', epcs: ['urn:epc:id:sgtin:4012345.011111.77'] });
    const { eventHashId } = await import('../../src/epcis/index.js');
    const stmt = path.join(work, 'handover.json');
    writeFileSync(
      stmt,
      JSON.stringify({
        kind: 'epcis.event',
        issuer: ['joint.example/sender', 'joint.example/receiver'],
        body: { event: ev, eventID: eventHashId(ev, null) },
      }),
    );
    const half = path.join(work, 'handover.half');
    const full = path.join(work, 'handover.full');
    await ok(['sign', '--key', a.file, '--out', half, stmt]);
    const refused = await cli(['submit', '--url', url(), half]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/not signed by "joint.example\/receiver"/);
    await ok(['sign', '--key', b.file, '--cosign', '--out', full, half]);
    expect((await ok(['submit', '--url', url(), full])).trim()).toMatch(/^\d+$/);
  });

  it('capture signs each event with the actor key; an invalid document is rejected whole with pointers', async () => {
    const k = await keygen('sorter.example');
    await ok(['actor', 'add', ...op(), '--name', 'sorter.example', '--role', 'recycler', '--vkey', k.vkey]);
    const docFile = path.join(work, 'doc.json');
    writeFileSync(
      docFile,
      JSON.stringify(
        document([event({ eventTime: '2045-04-01T00:00:00.000Z' }), event({ type: 'TransformationEvent' })]),
      ),
    );
    const out = await ok(['capture', '--url', url(), '--key', k.file, '--json', docFile]);
    const results = JSON.parse(out) as { index: number; eventID: string; duplicate: boolean }[];
    expect(results).toHaveLength(2);
    expect(results[0]?.eventID).toMatch(/^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/);
    const badFile = path.join(work, 'bad.json');
    writeFileSync(
      badFile,
      JSON.stringify(document([event(), { ...event(), eventTime: 'soon' }, { ...event(), action: 'SHRED' }])),
    );
    const bad = await cli(['capture', '--url', url(), '--key', k.file, badFile]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/\/epcisBody\/eventList\/1\/eventTime/);
    expect(bad.stderr).toMatch(/\/epcisBody\/eventList\/2\/action/);
  });

  it('actor token lets an EPCIS client capture over HTTP; a revoked key signs nothing new', async () => {
    const k = await keygen('gatewayed.example');
    await ok(['actor', 'add', ...op(), '--name', 'gatewayed.example', '--role', 'collector', '--vkey', k.vkey]);
    const t = (await ok(['actor', 'token', ...op(), '--name', 'gatewayed.example'])).trim();
    expect(t).toMatch(/^mla_/);
    // Stored hashed: the token itself is nowhere in the database (WAL included).
    const db = new Database(path.join(dir, 'matterlog.db'), { readonly: true });
    const rows = db.prepare('SELECT * FROM rm_tokens').all() as Record<string, unknown>[];
    db.close();
    expect(JSON.stringify(rows)).not.toContain(t);
    expect(JSON.stringify(rows)).toContain(createHash('sha256').update(t).digest('hex'));
    for (const f of ['matterlog.db', 'matterlog.db-wal']) {
      expect(readFileSync(path.join(dir, f)).includes(Buffer.from(t))).toBe(false);
    }
    const res = await fetch(`${url()}/epcis/capture`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${t}`, 'Content-Type': 'application/ld+json' },
      body: JSON.stringify(document([event({ eventTime: '2045-05-01T00:00:00.000Z', location: DEPOT })])),
    });
    expect(res.status).toBe(202);
    await ok(['actor', 'revoke', ...op(), '--name', 'gatewayed.example', '--reason', 'left the scheme']);
    const docFile = path.join(work, 'late.json');
    writeFileSync(docFile, JSON.stringify(document([event({ eventTime: '2045-05-02T00:00:00.000Z' })])));
    const late = await cli(['capture', '--url', url(), '--key', k.file, docFile]);
    expect(late.code).toBe(6);
    expect(late.stderr).toMatch(/revoked/);
  });
});

describe('reindex', () => {
  it('rebuilds exactly the same indexes from the log alone, and finds damaged ones', async () => {
    const events = JSON.parse(await ok(['actor', 'list', '--url', url(), '--json'])) as { actors: unknown[] };
    expect(events.actors.length).toBeGreaterThan(3);
    expect(await (server as ServerProcess).stop()).toBe(0);
    server = null;
    const rebuilt = await cli(['reindex', '--dir', dir]);
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    expect(rebuilt.stdout).toMatch(/^identical: /);
    const check = JSON.parse(await ok(['reindex', '--dir', dir, '--check', '--json'])) as {
      identical: boolean;
      statements: number;
      indexedSize: number;
      logSize: number;
    };
    expect(check).toMatchObject({ identical: true });
    expect(check.indexedSize).toBe(check.logSize);
    // Damage one derived row: the check must notice, and a rebuild must repair it.
    const db = new Database(path.join(dir, 'matterlog.db'));
    db.prepare("UPDATE rm_events SET biz_step = 'tampered' WHERE rowid = (SELECT min(rowid) FROM rm_events)").run();
    db.close();
    const damaged = await cli(['reindex', '--dir', dir, '--check']);
    expect(damaged.code).toBe(3);
    expect(damaged.stdout).toMatch(/^DIFFERENT/);
    const repaired = await cli(['reindex', '--dir', dir]);
    expect(repaired.code).toBe(3); // it reports the difference it repaired…
    expect((await cli(['reindex', '--dir', dir, '--check'])).code).toBe(0); // …and the indexes are right again
    server = await startServe(['--dir', dir]);
  });
});
