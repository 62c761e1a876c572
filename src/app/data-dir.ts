/**
 * A log's data directory: its configuration, its private key and (by default)
 * its SQLite database.
 *
 *   <dir>/config.json    origin, verifier key, operator token hash, database URL
 *   <dir>/log.key        the Ed25519 signing key, owner-only (0600)
 *   <dir>/matterlog.db   the SQLite store (unless a PostgreSQL URL is configured)
 *
 * config.json is written last, so a directory without it was never fully
 * initialised; the operator token itself is never stored, only its SHA-256.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { MatterlogError } from '../ledger/errors.js';
import {
  checkKeyName,
  type Ed25519NoteKey,
  ed25519NoteKey,
  type NoteVerifier,
  parseSignerKey,
  verifierFromVkey,
} from '../ledger/note.js';
import { writeFileDurably } from './files.js';

export interface DataDirConfig {
  origin: string;
  vkey: string;
  createdAt: string;
  operatorTokenSha256: string;
  /** A postgres:// URL; absent means the SQLite file in the directory. */
  databaseUrl?: string;
  /** The PostgreSQL schema holding the log (default "matterlog"). */
  databaseSchema?: string;
}

export const CONFIG_FILE = 'config.json';
export const KEY_FILE = 'log.key';
export const SQLITE_FILE = 'matterlog.db';

export function sqlitePath(dir: string): string {
  return path.join(dir, SQLITE_FILE);
}

export function isInitialised(dir: string): boolean {
  return existsSync(path.join(dir, CONFIG_FILE));
}

export function defaultOrigin(): string {
  const host =
    hostname()
      .toLowerCase()
      .replace(/[^a-z0-9.-]/g, '') || 'localhost';
  return `${host}/matterlog-${randomBytes(3).toString('hex')}`;
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function checkOperatorToken(config: { operatorTokenSha256: string }, token: string): boolean {
  const a = Buffer.from(tokenHash(token), 'hex');
  const b = Buffer.from(config.operatorTokenSha256, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface NewDataDir {
  config: DataDirConfig;
  key: Ed25519NoteKey;
  token: string;
  /** Undo everything `prepareDataDir` wrote (the store is the caller's). */
  rollback(): void;
  /** Makes the directory a log: writes config.json. */
  finish(): void;
}

/**
 * Creates the directory (0700) and the key file (0600); config.json is written by
 * `finish` once the store holds the new log, so a failure leaves nothing behind.
 */
export function prepareDataDir(
  dir: string,
  options: { origin?: string; databaseUrl?: string; databaseSchema?: string },
): NewDataDir {
  const origin = options.origin ?? defaultOrigin();
  checkKeyName(origin);
  if (isInitialised(dir)) {
    throw new MatterlogError('conflict', `${dir} already holds a log (${CONFIG_FILE} exists); choose another --dir`);
  }
  if (!options.databaseUrl && existsSync(sqlitePath(dir))) {
    throw new MatterlogError(
      'conflict',
      `${sqlitePath(dir)} exists but ${CONFIG_FILE} does not: an earlier init did not finish. Move the directory away and run init again.`,
    );
  }
  const created = !existsSync(dir);
  if (!created && readdirSync(dir).length > 0) {
    throw new MatterlogError('conflict', `${dir} exists and is not empty: give init a new or empty directory`);
  }
  // A directory we create is owner-only; an empty one the user made keeps its mode.
  if (created) mkdirSync(dir, { recursive: true, mode: 0o700 });
  const key = ed25519NoteKey(origin, randomBytes(32));
  const keyFile = path.join(dir, KEY_FILE);
  writeFileDurably(keyFile, `${key.skey}\n`, 0o600);
  const token = `mlt_${randomBytes(24).toString('base64url')}`;
  const config: DataDirConfig = {
    origin,
    vkey: key.vkey,
    createdAt: new Date().toISOString(),
    operatorTokenSha256: tokenHash(token),
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    ...(options.databaseUrl && options.databaseSchema ? { databaseSchema: options.databaseSchema } : {}),
  };
  return {
    config,
    key,
    token,
    rollback() {
      for (const f of [keyFile, sqlitePath(dir), `${sqlitePath(dir)}-wal`, `${sqlitePath(dir)}-shm`]) {
        rmSync(f, { force: true });
      }
      if (created) rmSync(dir, { recursive: true, force: true });
    },
    finish() {
      writeFileDurably(path.join(dir, CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`, 0o600);
    },
  };
}

export interface LoadedDataDir {
  dir: string;
  config: DataDirConfig;
  /** The log's public key: all a read-only node needs. */
  verifier: NoteVerifier;
}

/** Reads the configuration only: read-only API nodes and exports never touch the signing key. */
export function loadDataDir(dir: string): LoadedDataDir {
  if (!isInitialised(dir)) {
    throw new MatterlogError(
      'config',
      `${dir} is not a matterlog data directory: run "matterlog init --dir ${dir}" first`,
    );
  }
  let config: DataDirConfig;
  try {
    config = JSON.parse(readFileSync(path.join(dir, CONFIG_FILE), 'utf8')) as DataDirConfig;
  } catch (cause) {
    throw new MatterlogError('config', `${path.join(dir, CONFIG_FILE)} is not valid JSON`, { cause });
  }
  return { dir, config, verifier: verifierFromVkey(config.vkey) };
}

/** Reads the log's signing key, refusing one that others can read. Only the sequencer needs it. */
export function loadSigningKey(loaded: LoadedDataDir): Ed25519NoteKey {
  const keyFile = path.join(loaded.dir, KEY_FILE);
  let mode: number;
  try {
    mode = statSync(keyFile).mode & 0o777;
  } catch (cause) {
    throw new MatterlogError(
      'config',
      `cannot read the log's signing key ${keyFile} (${(cause as Error).message}); a read-only node can run with --read-only`,
      { cause },
    );
  }
  if ((mode & 0o077) !== 0) {
    throw new MatterlogError(
      'config',
      `${keyFile} is readable by others (mode ${mode.toString(8)}); run "chmod 600 ${keyFile}": it is the log's signing key`,
    );
  }
  const key = parseSignerKey(readFileSync(keyFile, 'utf8'));
  if (key.vkey !== loaded.config.vkey) {
    throw new MatterlogError('config', `${keyFile} does not match the verifier key in ${CONFIG_FILE}`);
  }
  return key;
}
