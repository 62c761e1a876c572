/**
 * Statements, the public way in, and the actor registry.
 *
 *   POST /statements          one signed statement (text/plain body) or
 *                             {"statements": ["<note>", …]} (all or nothing)
 *   GET  /actors              the registry: names, roles, keys, revocations
 *   POST /actors              operator: register an actor (an `actor` statement)
 *   POST /actors/revocations  operator: revoke a key (a `revocation` statement)
 *   POST /actors/tokens       operator: issue a capture token for an actor
 *   DELETE /actors/tokens?name=N  operator: withdraw an actor's capture tokens
 */
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Ingest, LogService } from '../app/log-service.js';
import { fromUtf8 } from '../ledger/bytes.js';
import { MAX_ENTRY_SIZE } from '../ledger/entry-bundle.js';
import { MatterlogError } from '../ledger/errors.js';
import { checkActorBody } from '../statements/bodies.js';
import { requireOperator } from './auth.js';

export interface StatementLimits {
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
}

export const defaultStatementLimits: StatementLimits = { maxBodyBytes: 32 * 1024 * 1024 };

export function ingestOf(log: LogService): Ingest {
  if (!log.ingest) {
    throw new MatterlogError(
      'unavailable',
      'this server is read-only (no sequencer); send writes to the sequencing node',
    );
  }
  return log.ingest;
}

const isJson = (c: Context) => /^application\/json\b/i.test(c.req.header('Content-Type') ?? '');

export async function readJson(c: Context): Promise<Record<string, unknown>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch (cause) {
    throw new MatterlogError('invalid_input', 'the request body is not valid JSON', { cause });
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new MatterlogError('invalid_input', 'the request body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

export function limitBody(maxSize: number, what: string) {
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new MatterlogError('request_too_large', `the request body is larger than ${maxSize} bytes: ${what}`);
    },
  });
}

export function statementRoutes(app: Hono, log: LogService, limits: StatementLimits): void {
  app.post(
    '/statements',
    (c, next) =>
      limitBody(
        isJson(c) ? limits.maxBodyBytes : MAX_ENTRY_SIZE,
        isJson(c) ? 'send fewer statements per request' : 'a statement is at most one log entry',
      )(c, next),
    async (c) => {
      const ingest = ingestOf(log);
      if (isJson(c)) {
        const body = await readJson(c);
        const list = body['statements'];
        if (!Array.isArray(list) || list.some((s) => typeof s !== 'string')) {
          throw new MatterlogError('invalid_input', 'expected {"statements": ["<signed statement note>", …]}');
        }
        const results = await ingest.statements.submit(list as string[]);
        return c.json({ results }, results.every((r) => r.duplicate) ? 200 : 201);
      }
      const raw = new Uint8Array(await c.req.arrayBuffer());
      if (raw.length === 0)
        throw new MatterlogError('invalid_input', 'the request body is empty: send the signed statement');
      let text: string;
      try {
        text = fromUtf8(raw);
      } catch (cause) {
        throw new MatterlogError('invalid_input', 'the statement is not valid UTF-8', { cause });
      }
      const [result] = await ingest.statements.submit([text]);
      return c.json(result, result?.duplicate ? 200 : 201);
    },
  );

  app.get('/actors', async (c) => {
    const actors = await log.readModel.actors();
    return c.json({
      operator: log.config.operator ?? null,
      actors: actors.map((a) => ({
        name: a.name,
        role: a.role,
        index: a.index,
        registered: new Date(a.issuedMs).toISOString(),
        keys: a.keys.map((k) => ({
          vkey: k.vkey,
          index: k.index,
          validFrom: new Date(k.validFromMs).toISOString(),
          revokedFrom: k.revokedFromMs === null ? null : new Date(k.revokedFromMs).toISOString(),
          revokedIndex: k.revokedIndex,
        })),
      })),
    });
  });

  app.post('/actors', async (c) => {
    requireOperator(c, log);
    const body = await readJson(c);
    const result = await ingestOf(log).actors.add(checkActorBody(body));
    return c.json(result, result.duplicate ? 200 : 201);
  });

  app.post('/actors/revocations', async (c) => {
    requireOperator(c, log);
    const body = await readJson(c);
    const name = body['name'];
    const reason = body['reason'];
    if (typeof name !== 'string' || typeof reason !== 'string' || reason.length === 0) {
      throw new MatterlogError(
        'invalid_input',
        'expected {"name": "<actor>", "reason": "<why>", "vkey"?: …, "from"?: …}',
      );
    }
    const vkey = typeof body['vkey'] === 'string' ? body['vkey'] : undefined;
    const from = typeof body['from'] === 'string' ? body['from'] : undefined;
    const result = await ingestOf(log).actors.revoke(name, {
      reason,
      ...(vkey ? { vkey } : {}),
      ...(from ? { from } : {}),
    });
    return c.json(result, 201);
  });

  app.post('/actors/tokens', async (c) => {
    requireOperator(c, log);
    const body = await readJson(c);
    const name = body['name'];
    if (typeof name !== 'string') throw new MatterlogError('invalid_input', 'expected {"name": "<actor>"}');
    const token = await ingestOf(log).actors.issueToken(name);
    return c.json({ actor: name, token }, 201);
  });

  app.delete('/actors/tokens', async (c) => {
    requireOperator(c, log);
    const name = c.req.query('name');
    if (!name) throw new MatterlogError('invalid_input', 'say whose tokens to withdraw: ?name=<actor>');
    const revoked = await ingestOf(log).actors.revokeTokens(name);
    return c.json({ actor: name, revoked });
  });
}
