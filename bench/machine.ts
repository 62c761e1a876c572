/**
 * What the figures were measured on: CPU, cores, RAM, disk, Node.js, SQLite and
 * the PostgreSQL server (with the settings that decide commit cost).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';

export interface MachineInfo {
  cpu: string;
  cores: number;
  ramGiB: number;
  os: string;
  /** Filesystem and device holding bench/.cache (where the SQLite files live). */
  disk: string;
  node: string;
  sqlite: string;
  postgres: string;
  /** The code measured: git commit, plus any uncommitted changes outside bench/. */
  source: string;
  /** 1, 5 and 15 minute load averages when the run started: other work on the machine skews figures. */
  loadAverageAtStart: string;
}

export const loadAverage = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

export interface PostgresProbe {
  available: boolean;
  /** Why not, when unavailable. */
  reason?: string;
  description: string;
}

export async function probePostgres(url: string): Promise<PostgresProbe> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on('error', () => {});
  try {
    await client.connect();
    const show = async (name: string) => (await client.query<Record<string, string>>(`SHOW ${name}`)).rows[0]?.[name];
    const version = await show('server_version');
    const settings = ['fsync', 'synchronous_commit', 'shared_buffers', 'wal_sync_method'];
    const values = await Promise.all(settings.map(async (s) => `${s}=${await show(s)}`));
    return { available: true, description: `${version} (${values.join(', ')})` };
  } catch (e) {
    const reason = `PostgreSQL not reachable at ${url.replace(/\/\/[^@/]*@/, '//')}: ${(e as Error).message}`;
    return { available: false, reason, description: `unavailable (${reason})` };
  } finally {
    await client.end().catch(() => {});
  }
}

function sqliteVersion(): string {
  const db = new Database(':memory:');
  try {
    return db.prepare<[], { v: string }>('SELECT sqlite_version() AS v').get()?.v ?? 'unknown';
  } finally {
    db.close();
  }
}

/** The mount holding `dir`, from /proc/mounts (Linux); "unknown" elsewhere. */
function diskOf(dir: string): string {
  try {
    const mounts = readFileSync('/proc/mounts', 'utf8')
      .split('\n')
      .map((l) => l.split(' '))
      .filter((f) => f.length >= 3);
    const abs = path.resolve(dir);
    let best: string[] | undefined;
    for (const m of mounts) {
      const at = m[1] as string;
      const covers = abs === at || abs.startsWith(at.endsWith('/') ? at : `${at}/`);
      if (covers && (!best || at.length > (best[1] as string).length)) best = m;
    }
    return best ? `${best[2]} on ${best[0]} (mounted at ${best[1]})` : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** `git` commit of `root`, naming files with uncommitted changes (the figures are for that code). */
export function sourceOf(root: string): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' });
    const commit = git('rev-parse', '--short', 'HEAD').trim();
    // Not trimmed: porcelain lines start with a two-letter status that may begin with a space.
    const changed = git('status', '--porcelain', '--untracked-files=no')
      .split('\n')
      .map((l) => l.slice(3))
      .filter((f) => f && !f.startsWith('bench/') && f !== 'BENCHMARKS.md');
    return changed.length ? `${commit} + uncommitted changes to ${changed.join(', ')}` : commit;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

export function machineInfo(root: string, cacheDir: string, postgres: PostgresProbe): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    ramGiB: os.totalmem() / 1024 ** 3,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    disk: diskOf(cacheDir),
    node: process.version,
    sqlite: `${sqliteVersion()} (better-sqlite3)`,
    postgres: postgres.description,
    source: sourceOf(root),
    loadAverageAtStart: loadAverage(),
  };
}
