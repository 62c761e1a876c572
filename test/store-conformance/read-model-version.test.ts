/**
 * A read model written by another matterlog version (another schema version):
 * opening it fails with an error that says what to do, and changes nothing;
 * opening it with `dropOtherVersion` (what `matterlog reindex` does) drops the
 * derived tables, keeps the tokens, documents and the log, and starts empty at
 * this version. A version 2 read model written before documents existed gains
 * their table when opened.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
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
import { productDataset, queryDataset, ReadModelBatches, sha256Hex } from './read-model-fixtures.js';

/** The tables version 2 added: a version 1 read model is version 2 without them. */
const ADDED = ['rm_passports', 'rm_market', 'rm_records'];

const DOC = new TextEncoder().encode('{"evidence":"bundle"}');
const DOC_SHA256 = createHash('sha256').update(DOC).digest('hex');

interface Place {
  name: string;
  log(): Promise<LogStore>;
  readModel(dropOtherVersion?: boolean): Promise<ReadModelStore>;
  /** Rewrites the stored schema version, dropping the tables version 2 added when `version` is 1. */
  setVersion(version: string): Promise<void>;
  /** Drops rm_documents, as in a version 2 read model written before documents existed. */
  dropDocuments(): Promise<void>;
  tables(): Promise<string[]>;
}

const dirs: string[] = [];
const schemas: string[] = [];

function sqlitePlace(): Place {
  const dir = mkdtempSync(path.join(tmpdir(), 'matterlog-rm-version-'));
  dirs.push(dir);
  const file = path.join(dir, 'log.db');
  const withDb = <T>(f: (db: Database.Database) => T): T => {
    const db = new Database(file);
    try {
      return f(db);
    } finally {
      db.close();
    }
  };
  return {
    name: 'sqlite',
    log: async () => SqliteStore.open(file),
    readModel: async (dropOtherVersion) => SqliteReadModel.open(file, { dropOtherVersion }),
    setVersion: async (version) =>
      withDb((db) => {
        if (version === '1') for (const t of ADDED) db.exec(`DROP TABLE ${t}`);
        db.prepare("UPDATE rm_meta SET value = ? WHERE key = 'schema_version'").run(version);
      }),
    dropDocuments: async () =>
      withDb((db) => {
        db.exec('DROP TABLE rm_documents');
      }),
    tables: async () =>
      withDb((db) =>
        (
          db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]
        ).map((r) => r.name),
      ),
  };
}

function postgresPlace(): Place {
  const schema = `t_rmv_${randomBytes(4).toString('hex')}`;
  schemas.push(schema);
  const withClient = async <T>(f: (c: pg.Client) => Promise<T>): Promise<T> => {
    const c = new pg.Client({ connectionString: postgresUrl() });
    await c.connect();
    try {
      return await f(c);
    } finally {
      await c.end();
    }
  };
  return {
    name: 'postgres',
    log: () => PostgresStore.open(postgresUrl(), { schema }),
    readModel: (dropOtherVersion) => PostgresReadModel.open(postgresUrl(), { schema, dropOtherVersion }),
    setVersion: (version) =>
      withClient(async (c) => {
        if (version === '1') for (const t of ADDED) await c.query(`DROP TABLE "${schema}".${t}`);
        await c.query(`UPDATE "${schema}".rm_meta SET value = $1 WHERE key = 'schema_version'`, [version]);
      }),
    dropDocuments: () =>
      withClient(async (c) => {
        await c.query(`DROP TABLE "${schema}".rm_documents`);
      }),
    tables: () =>
      withClient(async (c) =>
        (
          await c.query<{ name: string }>(
            'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name COLLATE "C"',
            [schema],
          )
        ).rows.map((r) => r.name),
      ),
  };
}

const places: (() => Place)[] = [sqlitePlace];
if (await postgresAvailable()) places.push(postgresPlace);

afterAll(async () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  await dropSchemas(schemas);
});

describe.each(places.map((p) => [p().name, p] as const))('read model of another version: %s', (_name, place) => {
  const open: { close(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const o of open) await o.close().catch(() => {});
  });

  /** A log of 18 entries and its read model (at 9), indexed and with a token and a document, closed again. */
  async function indexedPlace(): Promise<Place> {
    const where = place();
    const log = await where.log();
    const rm = await where.readModel();
    const maker = new BatchMaker();
    await log.initialise(testIdentity(), maker.emptyCheckpoint());
    const lease = await log.acquireSequencerLease('test');
    await lease.commit(maker.next(18));
    await lease.release();
    await rm.apply(ReadModelBatches.at(0, queryDataset()));
    await rm.putToken(sha256Hex('tok'), 'a1', 1);
    await rm.putDocument(DOC_SHA256, DOC, 'application/json');
    await Promise.all([log.close(), rm.close()]);
    return where;
  }

  it('refuses an older read model, saying to run matterlog reindex, and changes nothing', async () => {
    const where = await indexedPlace();
    await where.setVersion('1');
    const before = await where.tables();
    const refused = where.readModel();
    await expect(refused).rejects.toMatchObject({ code: 'config' });
    await expect(refused).rejects.toThrow(/version 1, written by an older matterlog; this one needs version 2/);
    await expect(refused).rejects.toThrow(/run "matterlog reindex"/);
    expect(await where.tables()).toEqual(before);
    expect(before).not.toContain('rm_passports');
  });

  it('refuses a newer read model, naming both remedies', async () => {
    const where = await indexedPlace();
    await where.setVersion('3');
    await expect(where.readModel()).rejects.toThrow(/version 3, written by a newer matterlog.*matterlog reindex/s);
  });

  it.each([['1'], ['3']])(
    'drops a version %s read model when asked, keeping tokens, documents and the log',
    async (version) => {
      const where = await indexedPlace();
      await where.setVersion(version);
      const rm = await where.readModel(true);
      open.push(rm);
      const empty = await (async () => {
        const s = await place().readModel();
        open.push(s);
        return s.digest();
      })();
      expect(await rm.indexedSize()).toBe(0);
      expect(await rm.digest()).toBe(empty);
      expect(await rm.tokenActor(sha256Hex('tok'))).toBe('a1');
      expect(new TextDecoder().decode((await rm.document(DOC_SHA256))?.bytes)).toBe('{"evidence":"bundle"}');
      expect(await where.tables()).toEqual(expect.arrayContaining(ADDED));
      await rm.apply(ReadModelBatches.at(0, [...queryDataset(), ...productDataset()]));
      expect((await rm.portfolio('maker.example')).length).toBeGreaterThan(0);
      await rm.close();
      // Now at this version: it opens without being asked to drop anything, and keeps its rows.
      const again = await where.readModel();
      open.push(again);
      expect(await again.indexedSize()).toBe(18);
      const log = await where.log();
      open.push(log);
      expect((await log.latestCheckpoint())?.size).toBe(18);
    },
  );

  it('adds the documents table to a version 2 read model written before it, keeping its rows', async () => {
    const where = await indexedPlace();
    await where.dropDocuments();
    expect(await where.tables()).not.toContain('rm_documents');
    const rm = await where.readModel();
    open.push(rm);
    expect(await rm.indexedSize()).toBe(9);
    expect(await rm.tokenActor(sha256Hex('tok'))).toBe('a1');
    expect(await rm.document(DOC_SHA256)).toBeNull();
    await rm.putDocument(DOC_SHA256, DOC, 'application/json');
    expect((await rm.document(DOC_SHA256))?.mediaType).toBe('application/json');
    expect(await where.tables()).toContain('rm_documents');
  });
});
