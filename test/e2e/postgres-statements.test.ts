/**
 * Statements and EPCIS on PostgreSQL: a sequencing node and a read-only node
 * share one schema (log and read model), and reindex rebuilds exactly the same
 * indexes from the entries alone.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { initLog, openLog } from '../../src/app/log-service.js';
import { reindex } from '../../src/app/reindex.js';
import { eventHashId } from '../../src/epcis/index.js';
import { ed25519NoteKey } from '../../src/ledger/note.js';
import { createApp } from '../../src/server/app.js';
import type { JsonValue } from '../../src/statements/canonical-json.js';
import { signStatement } from '../../src/statements/statement.js';
import { tempDir } from '../helpers/cli.js';
import { postgresUrl } from '../helpers/env.js';
import { DEPOT, document, EPCIS_CONTEXT, event, PLANT } from '../helpers/epcis-fixtures.js';
import { dropSchemas, postgresAvailable } from '../helpers/postgres.js';

const schemas: string[] = [];
afterAll(() => dropSchemas(schemas));

describe.runIf(await postgresAvailable())('statements on PostgreSQL', () => {
  it('indexes into the shared schema, serves queries from a read-only node, and reindexes identically', async () => {
    const schema = `t_stmt_${randomBytes(4).toString('hex')}`;
    schemas.push(schema);
    const dir = path.join(tempDir(), 'log');
    await initLog(dir, { origin: 'pg.example/log', databaseUrl: postgresUrl(), databaseSchema: schema });
    const log = await openLog({ dir, sequence: true });
    const ingest = log.ingest as NonNullable<typeof log.ingest>;
    const recycler = ed25519NoteKey('recycler.example/plant-7', new Uint8Array(32).fill(41));
    const collector = ed25519NoteKey('collector.example/depot-1', new Uint8Array(32).fill(42));
    await ingest.actors.add({ name: recycler.signer.name, role: 'recycler', vkey: recycler.vkey });
    await ingest.actors.add({ name: collector.signer.name, role: 'collector', vkey: collector.vkey });
    const notes = Array.from({ length: 120 }, (_, i) => {
      const ev = event({
        eventTime: new Date(Date.UTC(2045, 0, 1) + i * 3_600_000).toISOString(),
        bizStep: i % 3 === 0 ? 'shipping' : 'receiving',
        location: i % 2 ? PLANT : DEPOT,
        quantity: {
          epcClass: `urn:epc:class:lgtin:4012345.099001.L${i % 7}`,
          quantity: 100 + i,
          uom: i % 2 ? 'KGM' : 'TNE',
        },
      });
      return signStatement(
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
    const results = await ingest.statements.submit(notes);
    expect(results.every((r) => !r.duplicate)).toBe(true);
    await ingest.actors.issueToken(collector.signer.name);
    const job = ingest.capture.capture(
      document([event({ location: DEPOT, eventTime: '2046-01-01T00:00:00.000Z' })]),
      collector.signer.name,
    );
    expect((await ingest.capture.settled(job.captureID))?.success).toBe(true);
    const size = (await log.store.latestCheckpoint())?.size;
    expect(await log.readModel.indexedSize()).toBe(size);

    // A read-only node on the same schema answers from the same read model.
    const reader = await openLog({ dir, sequence: false });
    const app = createApp(reader);
    const res = await app.request(`/epcis/events?EQ_bizStep=shipping&EQ_bizLocation=${DEPOT}&perPage=1000`);
    const list = ((await res.json()) as { epcisBody: { queryResults: { resultsBody: { eventList: unknown[] } } } })
      .epcisBody.queryResults.resultsBody.eventList;
    // i % 3 === 0 and i even: i % 6 === 0 → 20 of 120.
    expect(list).toHaveLength(20);
    const totals = await reader.readModel.quantities({ facility: PLANT });
    const kg = totals.reduce((s, t) => s + t.kg, 0);
    // Odd i at the plant, in KGM: sum of 100 + i over odd i < 120.
    expect(kg).toBeCloseTo(
      Array.from({ length: 60 }, (_, k) => 100 + 2 * k + 1).reduce((a, b) => a + b, 0),
      6,
    );
    await reader.close();
    const before = await log.readModel.digest();
    await log.close();

    const check = await reindex({ dir, check: true });
    expect(check).toMatchObject({ identical: true, previousSize: size, previousDigest: before });
    const rebuilt = await reindex({ dir, check: false });
    expect(rebuilt).toMatchObject({ identical: true, indexedSize: size, statements: size });
    const again = await openLog({ dir, sequence: false });
    expect(await again.readModel.digest()).toBe(before);
    await again.close();
  });
});
