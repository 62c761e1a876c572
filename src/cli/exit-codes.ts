/**
 * What `matterlog` exit codes mean. Scripts rely on these; they are listed in
 * `matterlog --help` and the README.
 */
import type { ErrorCode } from '../ledger/errors.js';

export const EXIT = {
  ok: 0,
  /** Something failed that is not one of the cases below. */
  failure: 1,
  /** Wrong flags or arguments. */
  usage: 2,
  /** A signature, proof, tile or entry did not verify. */
  verification: 3,
  /** The log showed two inconsistent views (a fork): evidence was printed. */
  splitView: 4,
  /** The server or database could not be reached, or asked us to come back later. */
  unavailable: 5,
  /** Configuration, credentials or state prevent running: not initialised, already initialised, wrong token, unregistered actor or revoked key, lock held. */
  config: 6,
} as const;

export const EXIT_CODES_HELP = `Exit codes:
  0  success
  1  failure
  2  usage error (bad flags or arguments)
  3  verification failed (signature, proof, tile or entry)
  4  split view: the log showed two inconsistent checkpoints
  5  server or database unavailable (or pushed back, or rate-limited)
  6  configuration or permission: not initialised, already initialised, wrong or
     missing token, an actor or key the log does not accept, another sequencer running`;

export function exitCodeFor(code: ErrorCode): number {
  switch (code) {
    case 'invalid_signature':
    case 'invalid_proof':
    case 'invalid_hash_length':
    case 'corrupt':
      return EXIT.verification;
    case 'split_view':
      return EXIT.splitView;
    case 'unavailable':
    case 'pushback':
    case 'rate_limited':
    case 'storage_failure':
      return EXIT.unavailable;
    case 'config':
    case 'unauthorized':
    case 'forbidden':
    case 'conflict':
    case 'lock_held':
      return EXIT.config;
    case 'invalid_input':
    case 'entry_too_large':
    case 'request_too_large':
    case 'infeasible':
    case 'method_not_allowed':
      return EXIT.usage;
    default:
      return EXIT.failure;
  }
}
