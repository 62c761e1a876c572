/**
 * The operator's append endpoint for raw entries (signed statements, the public
 * way in, come later). One entry as the raw body, or many as JSON.
 */
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { LogService } from '../app/log-service.js';
import { fromBase64, toBase64 } from '../ledger/bytes.js';
import { MAX_ENTRY_SIZE } from '../ledger/entry-bundle.js';
import { MatterlogError } from '../ledger/errors.js';
import type { AddResult } from '../log/sequencer.js';
import { requireOperator } from './auth.js';

export interface AppendLimits {
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
  /** Most entries accepted in one JSON request. */
  maxEntriesPerRequest: number;
}

export const defaultAppendLimits: AppendLimits = { maxBodyBytes: 16 * 1024 * 1024, maxEntriesPerRequest: 10_000 };

const resultJson = (r: AddResult) => ({
  index: r.index,
  leafHash: toBase64(r.leafHash),
  duplicate: r.duplicate,
  treeSize: r.treeSize,
});

function parseJsonEntries(body: unknown, max: number): Uint8Array[] {
  const entries = (body as { entries?: unknown } | null)?.entries;
  if (!Array.isArray(entries)) {
    throw new MatterlogError('invalid_input', 'expected a JSON object {"entries": ["<base64>", …]}');
  }
  if (entries.length === 0) throw new MatterlogError('invalid_input', '"entries" is empty');
  if (entries.length > max) {
    throw new MatterlogError('invalid_input', `${entries.length} entries in one request; send at most ${max}`);
  }
  return entries.map((e, i) => {
    if (typeof e !== 'string') throw new MatterlogError('invalid_input', `entries[${i}] must be a base64 string`);
    try {
      return fromBase64(e);
    } catch (cause) {
      throw new MatterlogError('invalid_input', `entries[${i}] is not standard base64`, {
        cause,
        details: { pointer: `/entries/${i}` },
      });
    }
  });
}

const isJson = (c: Context) => /^application\/json\b/i.test(c.req.header('Content-Type') ?? '');

export function appendRoutes(app: Hono, log: LogService, limits: AppendLimits): void {
  app.post(
    '/append',
    async (c, next) => {
      requireOperator(c, log);
      await next();
    },
    // A raw body is one entry: refuse anything longer before buffering it. JSON
    // batches get the larger request limit.
    (c, next) => {
      const max = isJson(c) ? limits.maxBodyBytes : MAX_ENTRY_SIZE;
      return bodyLimit({
        maxSize: max,
        onError: () => {
          throw new MatterlogError(
            'entry_too_large',
            isJson(c)
              ? `the request body is larger than ${max} bytes: send fewer entries per request`
              : `the entry is larger than ${max} bytes, the most a log entry can hold`,
          );
        },
      })(c, next);
    },
    async (c) => {
      const sequencer = log.sequencer;
      if (!sequencer)
        throw new MatterlogError(
          'unavailable',
          'this server is read-only (no sequencer); append to the sequencing node',
        );
      if (isJson(c)) {
        let body: unknown;
        try {
          body = await c.req.json();
        } catch (cause) {
          throw new MatterlogError('invalid_input', 'the request body is not valid JSON', { cause });
        }
        const entries = parseJsonEntries(body, limits.maxEntriesPerRequest);
        const results = await Promise.all(sequencer.addAll(entries));
        indexLater(log);
        return c.json({ results: results.map(resultJson) });
      }
      const entry = new Uint8Array(await c.req.arrayBuffer());
      if (entry.length === 0) {
        throw new MatterlogError('invalid_input', 'the request body is empty: send the entry bytes as the body');
      }
      if (entry.length > MAX_ENTRY_SIZE) {
        throw new MatterlogError(
          'entry_too_large',
          `the entry is ${entry.length} bytes; a log entry holds at most ${MAX_ENTRY_SIZE}`,
        );
      }
      const r = await sequencer.add(entry);
      indexLater(log);
      return c.json(resultJson(r), r.duplicate ? 200 : 201);
    },
  );
}

/** Raw entries may be statements too: let the read model catch up without holding the answer. */
function indexLater(log: LogService): void {
  log.ingest?.indexer.catchUp().catch((e: unknown) => {
    console.error('matterlog: indexing after an append failed (retried on the next one):', e);
  });
}
