/**
 * Bearer credentials: the operator token (printed once by `matterlog init`) and
 * actors' capture tokens. Both are compared by their SHA-256, never stored.
 */
import type { Context } from 'hono';
import { checkOperatorToken } from '../app/data-dir.js';
import type { LogService } from '../app/log-service.js';
import { MatterlogError } from '../ledger/errors.js';

export function bearerToken(c: Context, what: string): string {
  const m = /^Bearer\s+(\S+)$/i.exec(c.req.header('Authorization') ?? '');
  if (!m) throw new MatterlogError('unauthorized', `send ${what} as "Authorization: Bearer <token>"`);
  return m[1] as string;
}

export function requireOperator(c: Context, log: LogService): void {
  const token = bearerToken(c, 'the operator token printed by "matterlog init"');
  if (!checkOperatorToken(log.config, token)) throw new MatterlogError('unauthorized', 'the operator token is wrong');
}
