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
import { type AuditTolerances, checkTolerances } from '../audit/tolerances.js';
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
  /**
   * The operator's statement key (operator.key): the root of the actor registry.
   * Kept apart from the log key, which signs checkpoints and nothing else.
   */
  operator?: ActorKeyConfig;
  /** The EPCIS capture gateway's key (gateway.key): signs events captured over HTTP. */
  gateway?: ActorKeyConfig;
  /** The audit's tolerances that differ from the defaults (src/audit/tolerances.ts), e.g. {"massBalanceShare": 0.05}. */
  audit?: Partial<AuditTolerances>;
}

export interface ActorKeyConfig {
  name: string;
  vkey: string;
}

export const CONFIG_FILE = 'config.json';
export const KEY_FILE = 'log.key';
export const SQLITE_FILE = 'matterlog.db';
export const OPERATOR_KEY_FILE = 'operator.key';
export const GATEWAY_KEY_FILE = 'gateway.key';

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
  const operator = writeActorKey(dir, OPERATOR_KEY_FILE, `${origin}/operator`);
  const gateway = writeActorKey(dir, GATEWAY_KEY_FILE, `${origin}/capture-gateway`);
  const token = `mlt_${randomBytes(24).toString('base64url')}`;
  const config: DataDirConfig = {
    origin,
    vkey: key.vkey,
    operator,
    gateway,
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
      for (const f of [
        keyFile,
        path.join(dir, OPERATOR_KEY_FILE),
        path.join(dir, GATEWAY_KEY_FILE),
        sqlitePath(dir),
        `${sqlitePath(dir)}-wal`,
        `${sqlitePath(dir)}-shm`,
      ]) {
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
  // Checked on opening, so that a mistyped tolerance stops the server at start, not the first audit.
  try {
    checkTolerances(config.audit, `the "audit" object of ${path.join(dir, CONFIG_FILE)}`);
  } catch (cause) {
    throw new MatterlogError('config', `${(cause as Error).message}; fix it and start again`, { cause });
  }
  return { dir, config, verifier: verifierFromVkey(config.vkey) };
}

/** Reads the log's signing key, refusing one that others can read. Only the sequencer needs it. */
export function loadSigningKey(loaded: LoadedDataDir): Ed25519NoteKey {
  const keyFile = path.join(loaded.dir, KEY_FILE);
  const key = readPrivateKey(keyFile, "the log's signing key (a read-only node can run with --read-only)");
  if (key.vkey !== loaded.config.vkey) {
    throw new MatterlogError('config', `${keyFile} does not match the verifier key in ${CONFIG_FILE}`);
  }
  return key;
}

/** Reads a private key file, refusing one others can read (mode must be 0600 or stricter). */
export function readPrivateKey(file: string, what: string): Ed25519NoteKey {
  let mode: number;
  try {
    mode = statSync(file).mode & 0o777;
  } catch (cause) {
    throw new MatterlogError('config', `cannot read ${what} ${file} (${(cause as Error).message})`, { cause });
  }
  if ((mode & 0o077) !== 0) {
    throw new MatterlogError(
      'config',
      `${file} is readable by others (mode ${mode.toString(8)}); run "chmod 600 ${file}": it is ${what}`,
    );
  }
  return parseSignerKey(readFileSync(file, 'utf8'));
}

function writeActorKey(dir: string, file: string, name: string): ActorKeyConfig {
  const key = ed25519NoteKey(name, randomBytes(32));
  writeFileDurably(path.join(dir, file), `${key.skey}\n`, 0o600);
  return { name, vkey: key.vkey };
}

/**
 * Makes sure a data directory has its operator and gateway keys: a directory
 * initialised before statements existed gets them now (config.json rewritten
 * last, as in init). Only the sequencing node calls this; it holds the keys.
 */
export function ensureActorKeys(loaded: LoadedDataDir): LoadedDataDir {
  const { dir, config } = loaded;
  if (config.operator && config.gateway) return loaded;
  const next: DataDirConfig = { ...config };
  if (!next.operator) next.operator = writeActorKey(dir, OPERATOR_KEY_FILE, `${config.origin}/operator`);
  if (!next.gateway) next.gateway = writeActorKey(dir, GATEWAY_KEY_FILE, `${config.origin}/capture-gateway`);
  writeFileDurably(path.join(dir, CONFIG_FILE), `${JSON.stringify(next, null, 2)}\n`, 0o600);
  return { ...loaded, config: next };
}

/** Reads the operator's or the gateway's signing key, with the same checks as the log key. */
export function loadActorKey(loaded: LoadedDataDir, which: 'operator' | 'gateway'): Ed25519NoteKey {
  const expected = loaded.config[which];
  const file = path.join(loaded.dir, which === 'operator' ? OPERATOR_KEY_FILE : GATEWAY_KEY_FILE);
  if (!expected)
    throw new MatterlogError('config', `${loaded.dir} has no ${which} key yet; start "matterlog serve" once`);
  const key = readPrivateKey(file, `the ${which} key`);
  if (key.vkey !== expected.vkey) {
    throw new MatterlogError('config', `${file} does not match the ${which} verifier key in ${CONFIG_FILE}`);
  }
  return key;
}
