/**
 * Crash safety of statements and the read model: `matterlog serve` is killed
 * with SIGKILL at seeded random moments while batches of signed EPCIS
 * statements are in flight, and restarted on the same data directory. After
 * the last restart:
 *
 * - every acknowledged statement is in the read model at its acknowledged
 *   index (the indexer resumed where its last committed batch left it);
 * - no event is indexed twice;
 * - `matterlog reindex --check` rebuilds exactly the same indexes from the log.
 *
 * MATTERLOG_CRASH_SEED=<seed> replays a schedule (the seed is printed).
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { eventHashId } from '../../src/epcis/index.js';
import { ed25519NoteKey } from '../../src/ledger/note.js';
import type { JsonValue } from '../../src/statements/canonical-json.js';
import { signStatement } from '../../src/statements/statement.js';
import { cli, type ServerProcess, startServe, tempDir } from '../helpers/cli.js';
import { EPCIS_CONTEXT, event } from '../helpers/epcis-fixtures.js';
import { seededRng, testSeed } from '../helpers/seeded-random.js';

const CRASHES = 3;
const BATCH = 40;
const IN_FLIGHT = 4;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let server: ServerProcess | null = null;
afterAll(async () => {
  await server?.kill();
});

describe('crash safety of statements and the read model', () => {
  it(`acknowledged statements survive ${CRASHES} kills, indexed once, and reindex agrees`, async () => {
    const seed = testSeed('MATTERLOG_CRASH_SEED', 'statements-crash');
    const rng = seededRng(seed);
    const dir = path.join(tempDir('matterlog-stmt-crash-'), 'log');
    const init = await cli(['init', '--dir', dir, '--origin', 'crash.example/log', '--json']);
    expect(init.code, init.stderr).toBe(0);
    const { token } = JSON.parse(init.stdout) as { token: string };
    const serveArgs = ['--dir', dir, '--rate-limit', '0'];
    server = await startServe(serveArgs);

    const key = ed25519NoteKey('recycler.example/plant-7', new Uint8Array(32).fill(61));
    const add = await fetch(`${server.url}/actors`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: key.signer.name, role: 'recycler', vkey: key.vkey }),
    });
    expect(add.status).toBe(201);

    let next = 0;
    const acked = new Map<string, number>(); // eventID → acknowledged index
    const makeBatch = () =>
      Array.from({ length: BATCH }, () => {
        const ev = event({ eventTime: new Date(Date.UTC(2045, 0, 1) + next++ * 60_000).toISOString() });
        return signStatement(
          {
            v: 1,
            kind: 'epcis.event',
            issuer: key.signer.name,
            issued: new Date().toISOString(),
            body: { event: ev, eventID: eventHashId(ev, [EPCIS_CONTEXT]), context: [EPCIS_CONTEXT] } as JsonValue,
          },
          [key.signer],
        );
      });

    // Submitters resend a batch until it is acknowledged (resending is safe: same index).
    let stop = false;
    const submitter = async () => {
      while (!stop) {
        const batch = makeBatch();
        for (;;) {
          const url = (server as ServerProcess).url;
          try {
            const res = await fetch(`${url}/statements`, {
              method: 'POST',
              headers: { 'Content-Type': 'application/json' },
              body: JSON.stringify({ statements: batch }),
            });
            if (res.ok) {
              for (const r of ((await res.json()) as { results: { index: number; eventID: string }[] }).results) {
                const before = acked.get(r.eventID);
                if (before !== undefined) expect(r.index).toBe(before);
                acked.set(r.eventID, r.index);
              }
              break;
            }
            await res.arrayBuffer();
          } catch {
            // the server is down: wait for the restart
          }
          if (stop) return;
          await sleep(50);
        }
      }
    };
    const submitters = Array.from({ length: IN_FLIGHT }, submitter);

    for (let crash = 0; crash < CRASHES; crash++) {
      await sleep(rng.int(300, 1000));
      await (server as ServerProcess).kill();
      server = await startServe(serveArgs);
    }
    await sleep(500);
    stop = true;
    await Promise.all(submitters);
    console.log(`statements-crash: seed ${seed}, ${acked.size} acknowledged statements, ${CRASHES} kills`);
    expect(acked.size).toBeGreaterThan(BATCH * IN_FLIGHT);

    const url = (server as ServerProcess).url;
    for (const [eventID, index] of acked) {
      const res = await fetch(`${url}/epcis/events/${encodeURIComponent(eventID)}`);
      expect(res.status, eventID).toBe(200);
      expect(res.headers.get('X-Log-Index')).toBe(String(index));
      await res.arrayBuffer();
    }
    const ids: string[] = [];
    let page: string | null = `/epcis/events?perPage=1000&EQ_actor=${encodeURIComponent(key.signer.name)}`;
    while (page) {
      const res = await fetch(`${url}${page}`);
      const doc = (await res.json()) as {
        epcisBody: { queryResults: { resultsBody: { eventList: { eventID: string }[] } } };
      };
      ids.push(...doc.epcisBody.queryResults.resultsBody.eventList.map((e) => e.eventID));
      const link = res.headers.get('Link');
      page = link ? link.slice(1, link.indexOf('>')) : null;
    }
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of acked.keys()) expect(ids).toContain(id);

    expect(await (server as ServerProcess).stop()).toBe(0);
    server = null;
    const check = await cli(['reindex', '--dir', dir, '--check', '--json']);
    expect(check.code, check.stderr).toBe(0);
    expect(JSON.parse(check.stdout)).toMatchObject({ identical: true });
  }, 120_000);
});
