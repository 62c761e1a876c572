/**
 * The one error base class of matterlog.
 *
 * Every error a user can see carries a stable `code` (scripts and the HTTP layer
 * key on it, never on the message), a message a person can act on (what was
 * wrong, where, what to do) and, where there is one, the underlying `cause`.
 * The mapping from codes to HTTP statuses lives in exactly one place:
 * `src/server/problem.ts`. It lives here, in the top layer, because every other
 * layer may import the ledger and nothing else is importable by all of them.
 */
export type ErrorCode =
  /** Input that does not parse or violates a format (a tile path, a note, a checkpoint). */
  | 'invalid_input'
  /** A hash that is not exactly 32 bytes. */
  | 'invalid_hash_length'
  /** A proof that does not verify, or a proof request that cannot be answered for the given sizes. */
  | 'invalid_proof'
  /** A signature from a known key that does not verify, or no trusted signature at all. */
  | 'invalid_signature'
  /** A log entry larger than the 65,535 bytes one tlog-tiles entry can hold. */
  | 'entry_too_large'
  /** The requested resource (tile, entry, checkpoint) does not exist (yet). */
  | 'not_found'
  /** Missing or wrong credentials. */
  | 'unauthorized'
  /** The sequencer's pool is full: try again after `retryAfterSeconds`. */
  | 'pushback'
  /** Another sequencer holds the log's lock. */
  | 'lock_held'
  /** The store changed under us (another writer), or its state contradicts itself. */
  | 'conflict'
  /** Two checkpoints that cannot both be honest views of one log. */
  | 'split_view'
  /** The stored log is damaged: what was read does not match what was signed. */
  | 'corrupt'
  /** A storage backend failed or could not be reached. */
  | 'storage_failure'
  /** The service is shutting down or not started. */
  | 'unavailable'
  /** A configuration value is missing or wrong. */
  | 'config'
  /** The request is not allowed on this resource (e.g. a POST to a read-only path). */
  | 'method_not_allowed'
  /** Authenticated, but this actor (or its role) may not do this. */
  | 'forbidden'
  /** This actor sent too much too fast: retry after `retryAfterSeconds`. */
  | 'rate_limited'
  /** A request body larger than the endpoint accepts. */
  | 'request_too_large'
  /** An optimisation whose constraints cannot all hold: the details name the conflict. */
  | 'infeasible'
  /** A bug or an unexpected failure: nothing the caller did wrong. */
  | 'internal';

export class MatterlogError extends Error {
  readonly code: ErrorCode;
  /** Machine-readable facts about the error (they become RFC 9457 extension members). */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MatterlogError';
    this.code = code;
    this.details = options.details ?? {};
  }
}

export function isMatterlogError(e: unknown, code?: ErrorCode): e is MatterlogError {
  return e instanceof MatterlogError && (code === undefined || e.code === code);
}
