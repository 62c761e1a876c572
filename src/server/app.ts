/**
 * The HTTP API as a Hono app. Tests call `app.request(...)` without a socket;
 * `http-server.ts` puts it on one.
 */
import { Hono } from 'hono';
import type { LogService } from '../app/log-service.js';
import { MatterlogError } from '../ledger/errors.js';
import type { LpSolver } from '../optimize/lp.js';
import { openApiDocument } from './openapi.js';
import { PROBLEMS, problemResponse } from './problem.js';
import { type AppendLimits, appendRoutes, defaultAppendLimits } from './routes-append.js';
import { assessRoutes } from './routes-assess.js';
import { auditRoutes } from './routes-audit.js';
import { epcisRoutes } from './routes-epcis.js';
import { logRoutes } from './routes-log.js';
import { optimizeRoutes } from './routes-optimize.js';
import { productRoutes } from './routes-products.js';
import { proofRoutes } from './routes-proofs.js';
import { defaultStatementLimits, type StatementLimits, statementRoutes } from './routes-statements.js';

export const API_VERSION = '0.1.0';

const READ_ONLY = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** Methods × paths answered with 405, and what those paths allow instead. */
export const METHOD_NOT_ALLOWED: readonly (readonly [readonly string[], readonly string[], string])[] = [
  [
    READ_ONLY,
    [
      '/',
      '/checkpoint',
      '/tile/*',
      '/proof/*',
      '/openapi.json',
      '/healthz',
      '/problems/*',
      '/epcis/events',
      '/epcis/events/*',
      '/epcis/capture/*',
      '/quantities',
      '/catalog',
      '/products/*',
      '/producers/*',
      '/facilities',
      '/routes',
      '/plans/*',
      '/policies/*',
      '/lots',
      '/audit',
      '/audit/*',
      '/evidence/*',
    ],
    'GET, HEAD',
  ],
  [
    ['GET', 'PUT', 'PATCH', 'DELETE'],
    [
      '/append',
      '/statements',
      '/epcis/capture',
      '/actors/revocations',
      '/assess',
      '/optimize',
      '/optimize/compare',
      '/plans/verify',
      '/plans',
    ],
    'POST',
  ],
  [['PUT', 'PATCH', 'DELETE'], ['/actors', '/evidence'], 'GET, POST'],
  [['GET', 'PUT', 'PATCH'], ['/actors/tokens'], 'POST, DELETE'],
];

export interface AppOptions {
  /** The optimizer's solver (default: HiGHS on a worker thread, started on first use). */
  solver?: LpSolver;
  append?: Partial<AppendLimits>;
  statements?: Partial<StatementLimits>;
}

export function createApp(log: LogService, options: AppOptions = {}): Hono {
  const app = new Hono();

  app.use('*', async (c, next) => {
    // The log is public, so every web page (the portal, a monitor) may read it. Set
    // before the handler runs: a header added afterwards forces Hono to rebuild
    // the response, which cost tile reads over half their throughput.
    if (c.req.method === 'GET' || c.req.method === 'HEAD') c.header('Access-Control-Allow-Origin', '*');
    await next();
  });

  app.get('/', async (c) => {
    const cp = await log.reader.checkpoint();
    return c.json({
      origin: log.identity.origin,
      vkey: log.identity.vkey,
      treeSize: cp.size,
      operator: log.config.operator ?? null,
      gateway: log.config.gateway ?? null,
      sequencer: log.sequencer !== null,
      store: log.store.driver,
      indexedSize: await log.readModel.indexedSize(),
    });
  });

  app.get('/healthz', async (c) => {
    const cp = await log.reader.checkpoint();
    const sequencer = log.sequencer?.stats();
    const healthy = sequencer?.healthy ?? true;
    return c.json(
      {
        status: healthy ? 'ok' : 'degraded: the sequencer cannot reach its store',
        treeSize: cp.size,
        ...(sequencer ? { sequencer } : {}),
      },
      healthy ? 200 : 503,
    );
  });

  logRoutes(app, log);
  proofRoutes(app, log);
  appendRoutes(app, log, { ...defaultAppendLimits, ...options.append });
  statementRoutes(app, log, { ...defaultStatementLimits, ...options.statements });
  epcisRoutes(app, log);
  assessRoutes(app);
  productRoutes(app, log);
  auditRoutes(app, log);
  optimizeRoutes(app, log, options.solver);

  const doc = openApiDocument(API_VERSION);
  app.get('/openapi.json', (c) => c.json(doc));

  app.get('/problems/:code', (c) => {
    const code = c.req.param('code');
    if (!Object.hasOwn(PROBLEMS, code)) throw new MatterlogError('not_found', `no problem type "${code}"`);
    const kind = PROBLEMS[code as keyof typeof PROBLEMS];
    return c.json({ code, status: kind.status, title: kind.title });
  });

  // Known paths with the wrong method: 405 and what is allowed, not 404.
  for (const [methods, paths, allow] of METHOD_NOT_ALLOWED) {
    app.on([...methods], [...paths], () => {
      throw new MatterlogError('method_not_allowed', `this resource allows ${allow} only`, { details: { allow } });
    });
  }

  app.notFound((c) =>
    problemResponse(new MatterlogError('not_found', `no resource at ${c.req.path}; see /openapi.json`), c.req.path),
  );
  app.onError((err, c) => {
    if (!(err instanceof MatterlogError)) console.error(`matterlog: ${c.req.method} ${c.req.path}:`, err);
    return problemResponse(err, c.req.path);
  });
  return app;
}
