/**
 * Checks and errors every driver shares, so they fail the same way.
 */
import { MatterlogError } from '../ledger/errors.js';
import type { CommitBatch } from './contract.js';

/** A batch that contradicts itself is a bug in the caller: refuse it before any write. */
export function checkCommitShape(batch: CommitBatch): void {
  if (batch.toSize !== batch.fromSize + batch.entries.length) {
    throw new MatterlogError(
      'invalid_input',
      `commit from size ${batch.fromSize} with ${batch.entries.length} entries cannot reach size ${batch.toSize}`,
    );
  }
}

export function lockHeldError(location: string, holder: string, cause?: unknown): MatterlogError {
  return new MatterlogError(
    'lock_held',
    `another sequencer is already running on ${location} (${holder}). Only one process may write to a log: stop it, or point this one at another data directory or database.`,
    { cause, details: { holder } },
  );
}

/**
 * A read model of another schema version. It is derived data, so the remedy is
 * always to rebuild it from the log, which `matterlog reindex` does (the drivers
 * drop it only when asked to, so that nothing else rebuilds behind a running server).
 */
export function readModelVersionError(location: string, found: string | undefined, expected: number): MatterlogError {
  const n = Number(found);
  const newer = Number.isSafeInteger(n) && n > expected;
  const what = newer
    ? `version ${found}, written by a newer matterlog; this one reads version ${expected}. Use the newer matterlog, or stop it and run "matterlog reindex" with this one`
    : `version ${found ?? 'unknown'}, written by an older matterlog; this one needs version ${expected}. Stop "matterlog serve" and run "matterlog reindex"`;
  return new MatterlogError(
    'config',
    `${location} holds a read model of ${what} to drop the read model and rebuild it from the log's entries (the log itself is not changed)`,
    { details: { readModelVersion: found ?? null, expected } },
  );
}
