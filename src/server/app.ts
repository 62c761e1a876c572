/**
 * The HTTP API as a Hono app. Tests call `app.request(...)` without a socket;
 * `http-server.ts` puts it on one.
 */
import { Hono } from 'hono';
import type { LogService } from '../app/log-service.js';
import { MatterlogError } from '../ledger/errors.js';
import { openApiDocument } from './openapi.js';
import { PROBLEMS, problemResponse } from './problem.js';
import { type AppendLimits, appendRoutes, defaultAppendLimits } from './routes-append.js';
import { logRoutes } from './routes-log.js';
import { proofRoutes } from './routes-proofs.js';

export const API_VERSION = '0.1.0';

export interface AppOptions {
  append?: Partial<AppendLimits>;
}

export function createApp(log: LogService, options: AppOptions = {}): Hono {
  const app = new Hono();

  app.use('*', async (c, next) => {
    await next();
    // The log is public: any web page (the portal, a monitor) may read it.
    if (c.req.method === 'GET' || c.req.method === 'HEAD') c.header('Access-Control-Allow-Origin', '*');
  });

  app.get('/', async (c) => {
    const cp = await log.reader.checkpoint();
    return c.json({
      origin: log.identity.origin,
      vkey: log.identity.vkey,
      treeSize: cp.size,
      sequencer: log.sequencer !== null,
      store: log.store.driver,
    });
  });

  app.get('/healthz', async (c) => {
    const cp = await log.reader.checkpoint();
    return c.json({ status: 'ok', treeSize: cp.size, ...(log.sequencer ? { sequencer: log.sequencer.stats() } : {}) });
  });

  logRoutes(app, log);
  proofRoutes(app, log);
  appendRoutes(app, log, { ...defaultAppendLimits, ...options.append });

  const doc = openApiDocument(API_VERSION);
  app.get('/openapi.json', (c) => c.json(doc));

  app.get('/problems/:code', (c) => {
    const code = c.req.param('code') as keyof typeof PROBLEMS;
    const kind = PROBLEMS[code];
    if (!kind) throw new MatterlogError('not_found', `no problem type "${code}"`);
    return c.json({ code, status: kind.status, title: kind.title });
  });

  app.notFound((c) =>
    problemResponse(new MatterlogError('not_found', `no resource at ${c.req.path}; see /openapi.json`), c.req.path),
  );
  app.onError((err, c) => {
    if (!(err instanceof MatterlogError)) console.error(`matterlog: ${c.req.method} ${c.req.path}:`, err);
    return problemResponse(err, c.req.path);
  });
  return app;
}
