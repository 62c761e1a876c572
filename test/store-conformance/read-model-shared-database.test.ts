/**
 * The SQL read models live in the log's own database (SQLite: the same file;
 * PostgreSQL: the same schema), opened in either order, each with its own
 * tables and schema version, both usable at once and after reopening.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LogStore } from '../../src/store/contract.js';
import { PostgresReadModel } from '../../src/store/postgres/postgres-read-model.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import type { ReadModelStore } from '../../src/store/read-model.js';
import { SqliteReadModel } from '../../src/store/sqlite/sqlite-read-model.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { postgresUrl } from '../helpers/env.js';
import { BatchMaker, testIdentity } from '../helpers/log-fixtures.js';
import { dropSchemas, postgresAvailable } from '../helpers/postgres.js';
import { eventEntry, queryDataset, ReadModelBatches } from './read-model-fixtures.js';

interface Place {
  name: string;
  log(): Promise<LogStore>;
  readModel(): Promise<ReadModelStore>;
}

const dirs: string[] = [];
const schemas: string[] = [];

function sqlitePlace(): Place {
  const dir = mkdtempSync(path.join(tmpdir(), 'matterlog-rm-shared-'));
  dirs.push(dir);
  const file = path.join(dir, 'log.db');
  return { name: 'sqlite', log: async () => SqliteStore.open(file), readModel: async () => SqliteReadModel.open(file) };
}

function postgresPlace(): Place {
  const schema = `t_rms_${randomBytes(4).toString('hex')}`;
  schemas.push(schema);
  return {
    name: 'postgres',
    log: () => PostgresStore.open(postgresUrl(), { schema }),
    readModel: () => PostgresReadModel.open(postgresUrl(), { schema }),
  };
}

const places: (() => Place)[] = [sqlitePlace];
if (await postgresAvailable()) places.push(postgresPlace);

afterAll(async () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  await dropSchemas(schemas);
});

describe.each(places.map((p) => [p().name, p] as const))('read model beside the log: %s', (_name, place) => {
  it.each([['log first'], ['read model first']])('shares the database, opened %s', async (order) => {
    const where = place();
    const open: { close(): Promise<void> }[] = [];
    try {
      let log: LogStore;
      let rm: ReadModelStore;
      if (order === 'log first') {
        log = await where.log();
        rm = await where.readModel();
      } else {
        rm = await where.readModel();
        log = await where.log();
      }
      open.push(log, rm);
      const maker = new BatchMaker();
      await log.initialise(testIdentity(), maker.emptyCheckpoint());
      const lease = await log.acquireSequencerLease('test');
      await lease.commit(maker.next(9));
      await rm.apply(ReadModelBatches.at(0, queryDataset()));
      await lease.commit(maker.next(1));
      await rm.apply(ReadModelBatches.at(9, [eventEntry({ eventId: 'urn:tenth' })]));
      await lease.release();
      const digest = await rm.digest();
      await Promise.all([log.close(), rm.close()]);
      const [log2, rm2] = [await where.log(), await where.readModel()];
      open.push(log2, rm2);
      expect((await log2.latestCheckpoint())?.size).toBe(10);
      expect(await rm2.indexedSize()).toBe(10);
      expect(await rm2.digest()).toBe(digest);
      expect(await rm2.event('urn:tenth')).toMatchObject({ index: 9 });
    } finally {
      for (const o of open) await o.close().catch(() => {});
    }
  });
});
