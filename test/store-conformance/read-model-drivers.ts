/**
 * Every read-model driver behind one factory each, for the read-model contract
 * suite. SQLite gets a fresh file and PostgreSQL a fresh schema per store, so
 * tests never see each other's data.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { MemoryReadModel } from '../../src/store/memory/memory-read-model.js';
import { PostgresReadModel } from '../../src/store/postgres/postgres-read-model.js';
import type { ReadModelStore } from '../../src/store/read-model.js';
import { SqliteReadModel } from '../../src/store/sqlite/sqlite-read-model.js';
import { postgresUrl } from '../helpers/env.js';
import { dropSchemas, postgresAvailable } from '../helpers/postgres.js';

export interface ReadModelFactory {
  name: 'memory' | 'sqlite' | 'postgres';
  /** A new, empty read model. */
  create(): Promise<ReadModelStore>;
  /** A second handle on the same data (null for memory: it has none). */
  reopen: ((store: ReadModelStore) => Promise<ReadModelStore>) | null;
  /**
   * Makes the next `apply` whose batch has a class row for `epcClass` fail while
   * it writes (after its statement and event rows): a trigger in the SQL
   * drivers, the fault hook in memory (which fires on the next apply).
   */
  failApplyOn(store: ReadModelStore, epcClass: string): Promise<void>;
  cleanup(): Promise<void>;
}

/** Trigger DDL cannot take parameters: accept only names that need no quoting. */
function plain(name: string): string {
  if (!/^[\w:.-]+$/.test(name)) throw new Error(`not a plain test name: ${name}`);
  return name;
}

function memoryFactory(): ReadModelFactory {
  return {
    name: 'memory',
    create: async () => new MemoryReadModel(),
    reopen: null,
    failApplyOn: async (store) => (store as MemoryReadModel).injectFault('apply', 'lost'),
    cleanup: async () => {},
  };
}

function sqliteFactory(): ReadModelFactory {
  const dirs: string[] = [];
  return {
    name: 'sqlite',
    async create() {
      const dir = mkdtempSync(path.join(tmpdir(), 'matterlog-rm-'));
      dirs.push(dir);
      return SqliteReadModel.open(path.join(dir, 'log.db'));
    },
    reopen: async (store) => SqliteReadModel.open((store as SqliteReadModel).location),
    async failApplyOn(store, epcClass) {
      const db = new Database((store as SqliteReadModel).location);
      try {
        db.prepare(
          `CREATE TRIGGER rm_test_fail BEFORE INSERT ON rm_event_classes
           WHEN NEW.epc_class = '${plain(epcClass)}'
           BEGIN SELECT RAISE(ABORT, 'injected failure'); END`,
        ).run();
      } finally {
        db.close();
      }
    },
    async cleanup() {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
}

function postgresFactory(prefix: string): ReadModelFactory {
  const schemas: string[] = [];
  return {
    name: 'postgres',
    async create() {
      const schema = `${prefix}_${schemas.length}`;
      schemas.push(schema);
      return PostgresReadModel.open(postgresUrl(), { schema, poolSize: 4 });
    },
    reopen: async (store) => PostgresReadModel.open(postgresUrl(), { schema: (store as PostgresReadModel).schema }),
    async failApplyOn(store, epcClass) {
      const s = `"${(store as PostgresReadModel).schema}"`;
      const client = new pg.Client({ connectionString: postgresUrl() });
      await client.connect();
      try {
        await client.query(`CREATE FUNCTION ${s}.rm_test_fail() RETURNS trigger LANGUAGE plpgsql
          AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$`);
        await client.query(`CREATE TRIGGER rm_test_fail BEFORE INSERT ON ${s}.rm_event_classes FOR EACH ROW
          WHEN (NEW.epc_class = '${plain(epcClass)}') EXECUTE FUNCTION ${s}.rm_test_fail()`);
      } finally {
        await client.end();
      }
    },
    cleanup: () => dropSchemas(schemas),
  };
}

export async function allReadModelDrivers(): Promise<ReadModelFactory[]> {
  const out = [memoryFactory(), sqliteFactory()];
  if (await postgresAvailable()) out.push(postgresFactory(`t_rm_${randomBytes(4).toString('hex')}`));
  return out;
}
