import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLog, TEST_TOKEN } from '../../test/helpers/memory-log.js';
import type { LogService } from '../app/log-service.js';
import { fromBase64, toBase64, toHex, utf8 } from '../ledger/bytes.js';
import { openCheckpoint } from '../ledger/checkpoint.js';
import { decodeEntryBundle } from '../ledger/entry-bundle.js';
import { leafHash } from '../ledger/hash.js';
import { verifyConsistency, verifyInclusion } from '../ledger/proof.js';
import { verifyTlogProof } from '../ledger/tlog-proof.js';
import { createApp, METHOD_NOT_ALLOWED } from './app.js';

let log: LogService;
let app: ReturnType<typeof createApp>;
const auth = { Authorization: `Bearer ${TEST_TOKEN}` };

async function appendJson(entries: string[]) {
  const res = await app.request('/append', {
    method: 'POST',
    headers: { ...auth, 'Content-Type': 'application/json' },
    body: JSON.stringify({ entries: entries.map((e) => toBase64(utf8(e))) }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { results: { index: number; duplicate: boolean; treeSize: number }[] }).results;
}

async function problem(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('Content-Type')).toBe('application/problem+json');
  const p = (await res.json()) as { type: string; title: string; status: number; detail: string; code: string };
  expect(p).toMatchObject({ status, code, type: `/problems/${code}` });
  expect(p.detail.length).toBeGreaterThan(10);
  return p;
}

beforeAll(async () => {
  log = await memoryLog();
  app = createApp(log, { append: { maxBodyBytes: 1024 * 1024 } });
  await appendJson(Array.from({ length: 600 }, (_, i) => `entry-${i}`));
});
afterAll(() => log.close());

describe('tlog-tiles read API', () => {
  it('serves the signed checkpoint as uncacheable text', async () => {
    const res = await app.request('/checkpoint');
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('text/plain; charset=utf-8');
    expect(res.headers.get('Cache-Control')).toBe('no-cache');
    const cp = openCheckpoint(await res.text(), log.verifier);
    expect(cp.size).toBe(600);
  });

  it('serves full and partial hash tiles with the right size, type and caching', async () => {
    const full = await app.request('/tile/0/000');
    expect(full.status).toBe(200);
    expect(full.headers.get('Content-Type')).toBe('application/octet-stream');
    expect(full.headers.get('Cache-Control')).toBe('public, max-age=31536000, immutable');
    const bytes = new Uint8Array(await full.arrayBuffer());
    expect(bytes.length).toBe(8192);
    expect(toHex(bytes.subarray(0, 32))).toBe(toHex(leafHash(utf8('entry-0'))));
    expect((await (await app.request('/tile/0/002.p/88')).arrayBuffer()).byteLength).toBe(88 * 32);
    expect((await (await app.request('/tile/0/002.p/10')).arrayBuffer()).byteLength).toBe(10 * 32);
    expect((await (await app.request('/tile/1/000.p/2')).arrayBuffer()).byteLength).toBe(64);
    const head = await app.request('/tile/0/000', { method: 'HEAD' });
    expect(head.status).toBe(200);
  });

  it('answers 404 problems beyond the tree and 400 for malformed paths, never cached', async () => {
    for (const p of ['/tile/0/002', '/tile/0/002.p/89', '/tile/0/003.p/1', '/tile/1/000', '/tile/entries/002.p/89']) {
      const res = await app.request(p);
      await problem(res, 404, 'not_found');
      expect(res.headers.get('Cache-Control')).toBe('no-store');
    }
    for (const p of ['/tile/0/0', '/tile/0/000.p/256', '/tile/x/000', '/tile/0/x000/001']) {
      const d = await problem(await app.request(p), 400, 'invalid_input');
      expect(d.detail).toMatch(/tlog-tiles path|tile index|width/);
    }
  });

  it('serves entry bundles, gzip-encoded when the client accepts it', async () => {
    const plain = new Uint8Array(await (await app.request('/tile/entries/001')).arrayBuffer());
    const entries = decodeEntryBundle(plain);
    expect(entries).toHaveLength(256);
    expect(new TextDecoder().decode(entries[0])).toBe('entry-256');
    const zipped = await app.request('/tile/entries/001', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(zipped.headers.get('Content-Encoding')).toBe('gzip');
    expect(zipped.headers.get('Vary')).toBe('Accept-Encoding');
    expect(toHex(gunzipSync(new Uint8Array(await zipped.arrayBuffer())))).toBe(toHex(plain));
    const partial = decodeEntryBundle(
      new Uint8Array(await (await app.request('/tile/entries/002.p/88')).arrayBuffer()),
    );
    expect(new TextDecoder().decode(partial[87])).toBe('entry-599');
  });
});

describe('proof endpoints', () => {
  it('prove inclusion by index and by leaf hash, as JSON and as tlog-proof', async () => {
    const cp = openCheckpoint((await log.reader.checkpoint()).note, log.verifier);
    const byIndex = (await (await app.request('/proof/inclusion?index=300')).json()) as {
      index: number;
      treeSize: number;
      leafHash: string;
      proof: string[];
      checkpoint: string;
    };
    expect(byIndex.treeSize).toBe(600);
    verifyInclusion(fromBase64(byIndex.leafHash), 300, 600, byIndex.proof.map(fromBase64), cp.root);
    expect(byIndex.checkpoint).toBe((await log.reader.checkpoint()).note);
    const h = leafHash(utf8('entry-300'));
    for (const q of [toHex(h), toBase64(h).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')]) {
      const byHash = (await (await app.request(`/proof/inclusion?leaf_hash=${q}`)).json()) as { index: number };
      expect(byHash.index).toBe(300);
    }
    const text = await (await app.request('/proof/inclusion?index=300&format=tlog-proof')).text();
    expect(verifyTlogProof(text, h, log.verifier).proof.index).toBe(300);
  });

  it('prove consistency between sizes', async () => {
    const small = await appendJson(['c-1']);
    const newSize = small[0]?.treeSize as number;
    const res = (await (await app.request('/proof/consistency?from=600')).json()) as {
      size1: number;
      size2: number;
      proof: string[];
    };
    expect(res).toMatchObject({ size1: 600, size2: newSize });
    const r600 = openCheckpoint(new TextDecoder().decode((await log.store.checkpointAt(600))?.note), log.verifier).root;
    const rNow = openCheckpoint((await log.reader.checkpoint()).note, log.verifier).root;
    verifyConsistency(600, newSize, res.proof.map(fromBase64), r600, rNow);
  });

  it('explain bad proof requests', async () => {
    await problem(await app.request('/proof/inclusion'), 400, 'invalid_input');
    await problem(await app.request('/proof/inclusion?index=-1'), 400, 'invalid_input');
    await problem(await app.request('/proof/inclusion?index=100000'), 404, 'not_found');
    await problem(await app.request('/proof/inclusion?index=1&size=100000'), 404, 'not_found');
    await problem(await app.request(`/proof/inclusion?leaf_hash=${toHex(leafHash(utf8('never')))}`), 404, 'not_found');
    await problem(await app.request('/proof/inclusion?leaf_hash=abc'), 400, 'invalid_hash_length');
    await problem(await app.request('/proof/inclusion?leaf_hash=%21%21'), 400, 'invalid_input');
    await problem(await app.request('/proof/consistency?from=5&to=3'), 400, 'invalid_input');
    await problem(await app.request('/proof/inclusion?index=3&size=7&format=tlog-proof'), 404, 'not_found');
  });
});

describe('append', () => {
  it('requires the operator token', async () => {
    const none = await app.request('/append', { method: 'POST', body: 'x' });
    await problem(none, 401, 'unauthorized');
    expect(none.headers.get('WWW-Authenticate')).toMatch(/^Bearer/);
    await problem(
      await app.request('/append', { method: 'POST', body: 'x', headers: { Authorization: 'Bearer wrong' } }),
      401,
      'unauthorized',
    );
  });

  it('sequences a raw entry (201) and answers a duplicate with the same index (200)', async () => {
    const first = await app.request('/append', { method: 'POST', headers: auth, body: 'raw entry' });
    expect(first.status).toBe(201);
    const a = (await first.json()) as { index: number; duplicate: boolean; leafHash: string };
    expect(a.duplicate).toBe(false);
    expect(a.leafHash).toBe(toBase64(leafHash(utf8('raw entry'))));
    const again = await app.request('/append', { method: 'POST', headers: auth, body: 'raw entry' });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ index: a.index, duplicate: true });
    const [viaJson] = await appendJson(['raw entry']);
    expect(viaJson).toMatchObject({ index: a.index, duplicate: true });
  });

  it('rejects entries over 65,535 bytes, empty bodies, bad JSON and bad base64, appending nothing', async () => {
    const before = (await log.reader.checkpoint()).size;
    await problem(
      await app.request('/append', { method: 'POST', headers: auth, body: new Uint8Array(65536) }),
      413,
      'entry_too_large',
    );
    await problem(await app.request('/append', { method: 'POST', headers: auth, body: '' }), 400, 'invalid_input');
    const json = { ...auth, 'Content-Type': 'application/json' };
    await problem(await app.request('/append', { method: 'POST', headers: json, body: '{' }), 400, 'invalid_input');
    await problem(
      await app.request('/append', { method: 'POST', headers: json, body: '{"entries":[]}' }),
      400,
      'invalid_input',
    );
    const bad = await problem(
      await app.request('/append', {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ entries: ['aGk=', 'not base64!'] }),
      }),
      400,
      'invalid_input',
    );
    expect(bad).toMatchObject({ pointer: '/entries/1' });
    const big = toBase64(new Uint8Array(70000));
    await problem(
      await app.request('/append', { method: 'POST', headers: json, body: JSON.stringify({ entries: ['aGk=', big] }) }),
      413,
      'entry_too_large',
    );
    await problem(
      await app.request('/append', { method: 'POST', headers: auth, body: new Uint8Array(2 * 1024 * 1024) }),
      413,
      'entry_too_large',
    );
    expect((await log.reader.checkpoint()).size).toBe(before);
  });

  it('pushes back with 503 and Retry-After when the pool is full', async () => {
    const busy = await memoryLog({ maxPendingEntries: 2, maxBatchDelayMs: 60_000, maxBatchSize: 1000 });
    const busyApp = createApp(busy);
    const waiting = busyApp.request('/append', {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ entries: [toBase64(utf8('a')), toBase64(utf8('b'))] }),
    });
    await new Promise((r) => setTimeout(r, 20));
    const res = await busyApp.request('/append', { method: 'POST', headers: auth, body: 'c' });
    await problem(res, 503, 'pushback');
    expect(res.headers.get('Retry-After')).toBe('1');
    await busy.close();
    expect((await waiting).status).toBe(200);
  });
});

describe('API description and errors', () => {
  it('documents every route in /openapi.json', async () => {
    const doc = (await (await app.request('/openapi.json')).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(doc.openapi).toBe('3.1.0');
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([p, ops]) =>
        Object.keys(ops as object).map((m) => `${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`),
      ),
    );
    const refused = new Set(METHOD_NOT_ALLOWED.flatMap(([ms, ps]) => ms.flatMap((m) => ps.map((p) => `${m} ${p}`))));
    const served = app.routes
      .filter((r) => ['GET', 'POST', 'DELETE'].includes(r.method) && r.path !== '/*')
      .map((r) => `${r.method} ${r.path === '/tile/*' ? '/tile/:L/:N' : r.path}`)
      .filter((r) => !refused.has(r) && !refused.has(r.replace('/tile/:L/:N', '/tile/*')));
    expect(served.length).toBeGreaterThan(16);
    for (const r of new Set(served)) expect(documented, r).toContain(r);
  });

  it('answers unknown paths with a problem, and explains problem types', async () => {
    await problem(await app.request('/nope'), 404, 'not_found');
    await problem(await app.request('/problems/toString'), 404, 'not_found');
    const wrong = await app.request('/checkpoint', { method: 'POST' });
    await problem(wrong, 405, 'method_not_allowed');
    expect(wrong.headers.get('Allow')).toBe('GET, HEAD');
    expect((await app.request('/append')).headers.get('Allow')).toBe('POST');
    const health = (await (await app.request('/healthz')).json()) as {
      status: string;
      sequencer: { healthy: boolean };
    };
    expect(health).toMatchObject({ status: 'ok', sequencer: { healthy: true } });
    expect(await (await app.request('/problems/pushback')).json()).toMatchObject({ status: 503 });
    const info = (await (await app.request('/')).json()) as { origin: string; vkey: string };
    expect(info.vkey).toBe(log.identity.vkey);
  });
});
