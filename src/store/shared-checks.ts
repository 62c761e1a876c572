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
