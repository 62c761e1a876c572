/**
 * GET /catalog and POST /assess through the HTTP app (no socket).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/server/app.js';
import { memoryLog } from '../helpers/memory-log.js';
import { bottlePassport } from '../helpers/passport-fixtures.js';

type Log = Awaited<ReturnType<typeof memoryLog>>;
let log: Log;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  log = await memoryLog();
  app = createApp(log);
});
afterAll(async () => {
  await log.close();
});

const passport = bottlePassport();

const post = (path: string, body: unknown) =>
  app.request(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

describe('catalog and assessment over HTTP', () => {
  it('serves the catalog with its sources', async () => {
    const res = await app.request('/catalog');
    expect(res.status).toBe(200);
    const c = (await res.json()) as { source: string; materials: { id: string }[]; routes: { id: string }[] };
    expect(c.source).toMatch(/WARM Version 16/);
    expect(c.materials.map((m) => m.id)).toContain('glass/brown');
    expect(c.routes.map((r) => r.id)).toContain('molecular-disassembly');
  });

  it('assesses a passport, restricted to some routes if asked, and logs nothing', async () => {
    const before = (await log.store.latestCheckpoint())?.size;
    const all = (await (await post('/assess', passport)).json()) as {
      ppwr: { grade: string };
      recyclability: { share: number };
    };
    expect(all.ppwr.grade).toBe('B');
    const mech = (await (await post('/assess?routes=mechanical', passport)).json()) as {
      ppwr: { grade: string };
      flags: { kind: string }[];
    };
    expect(mech.ppwr.grade).toBe('non-recyclable');
    expect(mech.flags.map((f) => f.kind)).toEqual(['low-recyclability']);
    expect((await log.store.latestCheckpoint())?.size).toBe(before);
  });

  it('answers bad passports and unknown routes with problem details and pointers', async () => {
    const bad = await post('/assess', {
      ...passport,
      components: [{ id: 'x', material: 'polymer/nope', massKg: 0.028 }],
      joins: [],
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('Content-Type')).toBe('application/problem+json');
    const p = (await bad.json()) as { errors: { pointer: string; reason: string }[] };
    expect(p.errors.map((e) => e.pointer)).toEqual(['/components/0/material']);
    const route = await post('/assess?routes=teleport', passport);
    expect(route.status).toBe(400);
    expect(((await route.json()) as { detail: string }).detail).toMatch(/unknown route teleport/);
    expect((await app.request('/assess')).status).toBe(405);
  });
});
