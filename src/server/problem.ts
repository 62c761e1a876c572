/**
 * RFC 9457 problem details, and the one mapping from error codes to HTTP statuses.
 */
import { type ErrorCode, MatterlogError } from '../ledger/errors.js';

interface ProblemKind {
  status: number;
  title: string;
}

export const PROBLEMS: Record<ErrorCode, ProblemKind> = {
  invalid_input: { status: 400, title: 'The request is malformed' },
  invalid_hash_length: { status: 400, title: 'A hash is not 32 bytes' },
  invalid_proof: { status: 400, title: 'The proof request cannot be answered for these sizes' },
  invalid_signature: { status: 400, title: 'A signature does not verify' },
  entry_too_large: { status: 413, title: 'The entry is larger than a log entry can be' },
  not_found: { status: 404, title: 'Not found' },
  unauthorized: { status: 401, title: 'Missing or wrong credentials' },
  pushback: { status: 503, title: 'The log is busy: retry later' },
  lock_held: { status: 503, title: 'Another sequencer holds the log' },
  conflict: { status: 409, title: 'The request conflicts with the state of the log' },
  split_view: { status: 502, title: 'Two inconsistent views of the log' },
  corrupt: { status: 500, title: 'The stored log is damaged' },
  storage_failure: { status: 503, title: 'The store failed; the request was not acknowledged and is safe to retry' },
  unavailable: { status: 503, title: 'The service is unavailable' },
  config: { status: 500, title: 'The server is misconfigured' },
  method_not_allowed: { status: 405, title: 'Method not allowed on this resource' },
  forbidden: { status: 403, title: 'Not allowed for this actor' },
  rate_limited: { status: 429, title: 'Too many requests from this actor: retry later' },
  request_too_large: { status: 413, title: 'The request body is larger than this endpoint accepts' },
  infeasible: { status: 422, title: 'The constraints cannot all be met' },
  internal: { status: 500, title: 'Internal error' },
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code: ErrorCode;
  [extension: string]: unknown;
}

/** Converts any thrown value into problem details; unknown errors become a 500 without internals. */
export function toProblem(err: unknown, instance?: string): Problem {
  const e =
    err instanceof MatterlogError
      ? err
      : new MatterlogError('internal', 'internal error: the request could not be completed; it is safe to retry', {
          cause: err,
        });
  const kind = PROBLEMS[e.code];
  return {
    ...e.details,
    type: `/problems/${e.code}`,
    title: kind.title,
    status: kind.status,
    detail: e.message,
    code: e.code,
    ...(instance ? { instance } : {}),
  };
}

export function problemResponse(err: unknown, instance?: string): Response {
  const p = toProblem(err, instance);
  const headers: Record<string, string> = {
    'Content-Type': 'application/problem+json',
    'Cache-Control': 'no-store',
  };
  // Retry-After only where retrying helps (pushback, a failed commit, an outage);
  // a read-only node's refusal to append is a 503 that retrying will not fix.
  if (typeof p['retryAfterSeconds'] === 'number') headers['Retry-After'] = String(p['retryAfterSeconds']);
  if (p.status === 401) headers['WWW-Authenticate'] = 'Bearer realm="matterlog"';
  if (p.status === 405 && typeof p['allow'] === 'string') headers['Allow'] = p['allow'];
  return new Response(JSON.stringify(p), { status: p.status, headers });
}
