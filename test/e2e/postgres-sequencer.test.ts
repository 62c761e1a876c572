/**
 * The sequencer on PostgreSQL: it survives losing its database connection (and
 * with it the advisory lock) by taking a new lease, and refuses to run beside
 * another sequencer on the same schema.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { utf8 } from '../../src/ledger/bytes.js';
import { LogReader } from '../../src/log/log-reader.js';
import { Sequencer } from '../../src/log/sequencer.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { postgresUrl } from '../helpers/env.js';
import { BatchMaker, testIdentity } from '../helpers/log-fixtures.js';
import { sequencerOptions } from '../helpers/memory-log.js';
import { dropSchemas, postgresAvailable } from '../helpers/postgres.js';

const schemas: string[] = [];
afterAll(() => dropSchemas(schemas));

async function terminateSequencerBackend(schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: postgresUrl() });
  await c.connect();
  try {
    const row = await c.query<{ value: string }>(`SELECT value FROM "${schema}".meta WHERE key = 'sequencer'`);
    const backend = /PostgreSQL backend (\d+)/.exec(row.rows[0]?.value ?? '')?.[1];
    expect(backend).toBeDefined();
    await c.query('SELECT pg_terminate_backend($1)', [Number(backend)]);
  } finally {
    await c.end();
  }
}

describe.runIf(await postgresAvailable())('sequencer on PostgreSQL', () => {
  it('takes a new lease after its connection is cut, losing nothing acknowledged', async () => {
    const schema = `t_seq_${randomBytes(4).toString('hex')}`;
    schemas.push(schema);
    const store = await PostgresStore.open(postgresUrl(), { schema });
    await store.initialise(testIdentity(), new BatchMaker().emptyCheckpoint());
    const seq = await Sequencer.start(store, sequencerOptions({ holder: 'pg sequencer' }));
    const first = await Promise.all(seq.addAll(Array.from({ length: 300 }, (_, i) => utf8(`a-${i}`))));
    await terminateSequencerBackend(schema);
    await new Promise((r) => setTimeout(r, 100));
    // The batch in flight when the lease is found lost fails (not acknowledged)...
    await expect(seq.add(utf8('during the outage'))).rejects.toMatchObject({ code: 'storage_failure' });
    // ...then the sequencer holds a fresh lease and goes on.
    const after = await seq.add(utf8('during the outage'));
    expect(after.index).toBe(300);
    expect((await seq.add(utf8('a-7'))).index).toBe(first[7]?.index);
    const reader = new LogReader(store);
    expect((await reader.checkpoint()).size).toBe(301);
    // Still exclusive: a second sequencer is refused.
    await expect(Sequencer.start(store, sequencerOptions())).rejects.toMatchObject({ code: 'lock_held' });
    await seq.stop();
    await store.close();
  });
});
