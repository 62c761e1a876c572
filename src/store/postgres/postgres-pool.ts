/**
 * Opening a connection pool on a matterlog schema, shared by the log store and
 * the read model (which live in the same schema): options checked, the schema
 * name validated, the pool made safe against idle connections dying, and the
 * caller's tables created (or the pool closed again if that fails).
 */
import pg from 'pg';
import { MatterlogError } from '../../ledger/errors.js';
import { checkSchemaName, describeLocation } from './postgres-schema.js';

export interface PoolOptions {
  /** The PostgreSQL schema (default "matterlog"). */
  schema?: string;
  /** Connections in the pool (default 10). */
  poolSize?: number;
}

export interface OpenedPool {
  pool: pg.Pool;
  schema: string;
  /** The URL without its password, and the schema: for messages. */
  location: string;
  /** How a single extra client (e.g. the sequencer's lock holder) connects. */
  clientConfig: pg.ClientConfig;
}

export async function openPool(
  url: string,
  options: PoolOptions,
  applicationName: string,
  ensureTables: (pool: pg.Pool, schema: string, location: string) => Promise<void>,
  extra: Partial<pg.PoolConfig> = {},
): Promise<OpenedPool> {
  const schema = options.schema ?? 'matterlog';
  checkSchemaName(schema);
  const poolSize = options.poolSize ?? 10;
  if (!Number.isSafeInteger(poolSize) || poolSize < 1) {
    throw new MatterlogError(
      'config',
      `the PostgreSQL pool size must be a whole number of connections, at least 1, not ${poolSize}`,
    );
  }
  const location = describeLocation(url, schema);
  // keepAlive so that a connection cut without a FIN (a dead host, a dropped NAT) is noticed.
  const clientConfig: pg.ClientConfig = { connectionString: url, connectionTimeoutMillis: 10_000, keepAlive: true };
  const pool = new pg.Pool({ ...clientConfig, ...extra, max: poolSize, application_name: applicationName });
  // An idle pooled connection that dies is discarded by the pool and the next read opens
  // a fresh one; without a listener its 'error' event would crash the process.
  pool.on('error', () => {});
  try {
    await ensureTables(pool, schema, location);
  } catch (e) {
    await pool.end().catch(() => {});
    throw e;
  }
  return { pool, schema, location, clientConfig };
}
