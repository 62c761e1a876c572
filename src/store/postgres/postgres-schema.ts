/**
 * The PostgreSQL schema of a log (version 1), and the encodings that carry rows
 * in and out of it.
 *
 * Each log lives in its own PostgreSQL schema, so several logs (or test runs)
 * can share a database. Entries are one row each (the leaf hash is unique: it is
 * how duplicates are found); hash tiles are one row per tile, rewritten as the
 * right edge grows; every checkpoint ever committed is kept, keyed by tree size.
 * `head` is a single row holding the committed tree size: commits compare-and-swap
 * on it, so two writers can never both extend the same size.
 */
import { createHash } from 'node:crypto';
import { MatterlogError } from '../../ledger/errors.js';

export const POSTGRES_SCHEMA_VERSION = 1;

/** Names we interpolate into SQL: checked here so that quoting is never the only defence. */
const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export function checkSchemaName(schema: string): void {
  if (!SCHEMA_NAME.test(schema)) {
    throw new MatterlogError(
      'config',
      `"${schema}" is not a usable PostgreSQL schema name for a log: use 1 to 63 letters, digits and underscores, not starting with a digit`,
    );
  }
}

export function schemaDdl(schema: string): string {
  const s = `"${schema}"`;
  return `
CREATE SCHEMA IF NOT EXISTS ${s};
CREATE TABLE IF NOT EXISTS ${s}.meta (
  key   text PRIMARY KEY,
  value text NOT NULL
);
CREATE TABLE IF NOT EXISTS ${s}.head (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  size     bigint NOT NULL CHECK (size >= 0)
);
CREATE TABLE IF NOT EXISTS ${s}.entries (
  idx       bigint PRIMARY KEY,
  leaf_hash bytea NOT NULL UNIQUE,
  data      bytea NOT NULL
);
CREATE TABLE IF NOT EXISTS ${s}.tiles (
  level  smallint NOT NULL,
  idx    bigint NOT NULL,
  hashes bytea NOT NULL,
  PRIMARY KEY (level, idx)
);
CREATE TABLE IF NOT EXISTS ${s}.checkpoints (
  size       bigint PRIMARY KEY,
  note       bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
`;
}

/**
 * A 64-bit advisory lock key for `purpose` on `schema`. Advisory locks are
 * per database, so the schema name alone tells logs in one database apart.
 * Returned as a decimal string because pg sends bigint parameters as text.
 */
export function advisoryKey(purpose: 'sequencer' | 'create', schema: string): string {
  const digest = createHash('sha256').update(`matterlog:${purpose}:${schema}`).digest();
  return digest.readBigInt64BE(0).toString();
}

/** pg returns bigint columns as strings, so that nothing is silently rounded. */
export function toIndex(value: unknown, what: string): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new MatterlogError(
      'corrupt',
      `the database returned ${String(value)} as ${what}, which is not a valid index`,
    );
  }
  return n;
}

const BYTEA_OID = 17;

/**
 * A bytea[] parameter in PostgreSQL's binary array format.
 *
 * pg sends Buffer parameters in binary but turns a JS array of Buffers into a
 * hex text literal (twice the bytes, parsed again by the server); for batches of
 * thousands of entries the binary form is markedly cheaper on both ends. The SQL
 * must cast the parameter (`$1::bytea[]`) so the server knows what it receives.
 */
export function byteaArray(items: readonly Uint8Array[]): Buffer {
  let total = 20;
  for (const item of items) total += 4 + item.length;
  const out = Buffer.allocUnsafe(total);
  out.writeInt32BE(1, 0); // dimensions
  out.writeInt32BE(0, 4); // no NULLs
  out.writeUInt32BE(BYTEA_OID, 8);
  out.writeInt32BE(items.length, 12);
  out.writeInt32BE(1, 16); // lower bound
  let at = 20;
  for (const item of items) {
    out.writeInt32BE(item.length, at);
    out.set(item, at + 4);
    at += 4 + item.length;
  }
  return out;
}

/** The connection URL for messages: never the password, and always the schema. */
export function describeLocation(url: string, schema: string): string {
  let shown: string;
  try {
    const u = new URL(url);
    u.password = '';
    for (const key of [...u.searchParams.keys()]) if (/password/i.test(key)) u.searchParams.delete(key);
    shown = u.toString();
  } catch {
    // Not a URL (a libpq keyword string or a socket path): hide anything that looks like a password.
    shown = url.replace(/(password\s*=\s*)\S+/gi, '$1***');
  }
  return `${shown} (schema ${schema})`;
}

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ECONNRESET',
  'EPIPE',
]);

/** What went wrong, plus what to do about it where the cause makes that clear. */
export function explainFailure(cause: unknown): string {
  const e = (typeof cause === 'object' && cause !== null ? cause : {}) as { message?: unknown; code?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  // Node reports a refused dual-stack connection as an AggregateError with an empty message.
  const text = (typeof e.message === 'string' && e.message) || code || String(cause);
  if (UNREACHABLE.has(code) || code.startsWith('08') || /timeout|terminated|not queryable/i.test(text)) {
    return `${text}; is it running and reachable? set MATTERLOG_DATABASE_URL to the right server`;
  }
  if (code === '28P01' || code === '28000') return `${text}; check the user and password in MATTERLOG_DATABASE_URL`;
  if (code === '3D000') return `${text}; create the database (createdb) or point MATTERLOG_DATABASE_URL at another`;
  if (code === '42501') return `${text}; grant the user the privileges it needs, or create the log's schema for it`;
  if (code === '57P01' || code === '57P03') return `${text}; the server is shutting down or starting up: try again`;
  return text;
}

export function connectFailure(location: string, cause: unknown): MatterlogError {
  return new MatterlogError(
    'storage_failure',
    `cannot connect to PostgreSQL at ${location}: ${explainFailure(cause)}`,
    { cause },
  );
}

export function storageFailure(location: string, what: string, cause: unknown): MatterlogError {
  if (cause instanceof MatterlogError) return cause;
  return new MatterlogError('storage_failure', `PostgreSQL ${what} failed on ${location}: ${explainFailure(cause)}`, {
    cause,
  });
}

/** SQLSTATE 23505: a row with that primary key or unique value exists already. */
export function isUniqueViolation(cause: unknown): boolean {
  return typeof cause === 'object' && cause !== null && (cause as { code?: unknown }).code === '23505';
}
