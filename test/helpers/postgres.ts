/**
 * PostgreSQL for tests: is it there, and fresh schemas that are dropped afterwards.
 */
import pg from 'pg';
import type { LogStore } from '../../src/store/contract.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import type { DriverFactory } from '../store-conformance/drivers.js';
import { postgresUrl } from './env.js';

let available: Promise<boolean> | null = null;

/** True when the test PostgreSQL answers; otherwise says loudly that PostgreSQL tests are skipped. */
export function postgresAvailable(): Promise<boolean> {
  available ??= (async () => {
    const client = new pg.Client({ connectionString: postgresUrl(), connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch (e) {
      const msg = `PostgreSQL not reachable at ${postgresUrl()} (${(e as Error).message}); set MATTERLOG_TEST_DATABASE_URL`;
      if (process.env['MATTERLOG_REQUIRE_POSTGRES'] === '1') throw new Error(msg);
      console.warn(`SKIPPED PostgreSQL tests: ${msg}`);
      return false;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return available;
}

export async function dropSchemas(schemas: string[]): Promise<void> {
  if (schemas.length === 0) return;
  const client = new pg.Client({ connectionString: postgresUrl() });
  await client.connect();
  try {
    for (const s of schemas) await client.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  } finally {
    await client.end();
  }
}

export function postgresStoreFactory(prefix: string): DriverFactory {
  const schemas: string[] = [];
  return {
    name: 'postgres',
    async create() {
      const schema = `${prefix}_${schemas.length}`;
      schemas.push(schema);
      return PostgresStore.open(postgresUrl(), { schema });
    },
    reopen: async (store: LogStore) => PostgresStore.open(postgresUrl(), { schema: (store as PostgresStore).schema }),
    cleanup: () => dropSchemas(schemas),
  };
}
