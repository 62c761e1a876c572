/**
 * Every store driver, behind one factory each, for suites that must run against all.
 * PostgreSQL gets a fresh schema per store so tests never see each other's data.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LogStore } from '../../src/store/contract.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { postgresAvailable, postgresStoreFactory } from '../helpers/postgres.js';

export interface DriverFactory {
  name: string;
  /** A new, empty store. */
  create(): Promise<LogStore>;
  /** A second handle on the same underlying data (null for memory: it has none). */
  reopen: ((store: LogStore) => Promise<LogStore>) | null;
  cleanup(): Promise<void>;
}

function sqliteFactory(): DriverFactory {
  const dirs: string[] = [];
  return {
    name: 'sqlite',
    async create() {
      const dir = mkdtempSync(path.join(tmpdir(), 'matterlog-store-'));
      dirs.push(dir);
      return SqliteStore.open(path.join(dir, 'log.db'));
    },
    reopen: async (store) => SqliteStore.open(store.location),
    async cleanup() {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
}

function memoryFactory(): DriverFactory {
  return { name: 'memory', create: async () => new MemoryStore(), reopen: null, cleanup: async () => {} };
}

export async function allDrivers(): Promise<DriverFactory[]> {
  const out = [memoryFactory(), sqliteFactory()];
  if (await postgresAvailable()) out.push(postgresStoreFactory(`t_${randomBytes(4).toString('hex')}`));
  return out;
}
