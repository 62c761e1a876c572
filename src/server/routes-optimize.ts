/**
 * The optimizer over HTTP.
 *
 *   POST /optimize            {policy, lots, options?} → a plan with its certificate and verification (nothing stored)
 *   POST /optimize/compare    {policies: [...], lots, options?} → the same lots under each policy, side by side
 *   POST /plans/verify        a plan document → what its certificate proves (stateless)
 *   POST /plans               a plan document → stored under its SHA-256 if it verifies (an actor's or the operator's token)
 *   GET  /plans/{sha256}      a stored plan document, byte for byte
 *   GET  /policies/{id}       a policy's versions and latest body
 *   GET  /lots?facility=F     the lots the log says a facility holds, with their composition
 *
 * `policy` is a policy body, or the id of a policy in the log ("id" for its
 * latest version, "id@version"); `options` is a list of route options, or
 * {"actor": name} for the routes that actor published, or "catalog"; by default
 * the routes published in the log, else the catalog's.
 */
import type { Context, Hono } from 'hono';
import { checkOperatorToken } from '../app/data-dir.js';
import type { LogService } from '../app/log-service.js';
import { heldLots } from '../app/lots-service.js';
import { OptimizeService, type PolicyRef } from '../app/optimize-service.js';
import { WorkerSolver } from '../app/solver-pool.js';
import { MatterlogError } from '../ledger/errors.js';
import type { LpSolver } from '../optimize/lp.js';
import { checkOptions, type RouteOption } from '../optimize/network.js';
import { checkPolicy } from '../optimize/policy.js';
import { verifyPlan } from '../optimize/verify-plan.js';
import { bearerToken } from './auth.js';
import { parseTime } from './epcis-query-params.js';
import { ingestOf, limitBody, readJson } from './routes-statements.js';

const MAX_REQUEST = 256 * 1024 * 1024;
/** Anyone may verify a plan; the model it rebuilds is bounded so that nobody can make the server build a huge one. */
const PUBLIC_VERIFY_BYTES = 64 * 1024 * 1024;
const PUBLIC_VERIFY_PAIRS = 2_500_000;
const MAX_COMPARE = 10;

async function policyOf(service: OptimizeService, v: unknown, at: string): Promise<PolicyRef> {
  if (typeof v === 'string') return service.policy(v);
  if (typeof v === 'object' && v !== null) return { body: checkPolicy(v), index: null };
  throw new MatterlogError('invalid_input', `${at} must be a policy body or the id of a policy in the log`, {
    details: { pointer: `/${at}` },
  });
}

async function optionsOf(service: OptimizeService, v: unknown): Promise<RouteOption[]> {
  if (v === undefined) return service.options();
  if (v === 'catalog') return service.options({ catalog: true });
  if (Array.isArray(v)) return checkOptions(v);
  if (typeof v === 'object' && v !== null && typeof (v as { actor?: unknown }).actor === 'string') {
    return service.options({ actor: (v as { actor: string }).actor });
  }
  throw new MatterlogError('invalid_input', 'options must be a list of route options, {"actor": name} or "catalog"', {
    details: { pointer: '/options' },
  });
}

/** Lots as given, or `{"facility": id}` for the lots the log says that facility holds. */
async function lotsOf(
  log: LogService,
  v: unknown,
): Promise<{ lots: unknown; unknownLots?: { epcClass: string; tonnes: number }[] }> {
  if (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    typeof (v as { facility?: unknown }).facility === 'string'
  ) {
    const held = await heldLots(log.readModel, (v as { facility: string }).facility);
    if (held.lots.length === 0) {
      throw new MatterlogError(
        'not_found',
        `facility "${held.facility}" holds no lot with a known composition (${held.unknown.length} without)`,
      );
    }
    return { lots: held.lots, ...(held.unknown.length > 0 ? { unknownLots: held.unknown } : {}) };
  }
  return { lots: v };
}

/** An actor's capture token or the operator token: storing plans costs space, so it is not anonymous. */
async function uploader(c: Context, log: LogService): Promise<string> {
  const token = bearerToken(c, "an actor's token (matterlog actor token) or the operator token");
  if (checkOperatorToken(log.config, token)) return 'operator';
  return ingestOf(log).actors.tokenActor(token);
}

export function optimizeRoutes(app: Hono, log: LogService, solver?: LpSolver): void {
  let service: OptimizeService | null = null;
  const optimizer = () => {
    service ??= new OptimizeService(log.readModel, log.store, solver ?? new WorkerSolver());
    return service;
  };

  // Solving costs CPU and memory: only registered actors (their token) and the operator may ask.
  const authenticated = async (c: Context, next: () => Promise<void>) => {
    await uploader(c, log);
    await next();
  };

  app.post('/optimize', authenticated, limitBody(MAX_REQUEST, 'send fewer lots per plan'), async (c) => {
    const body = await readJson(c);
    const s = optimizer();
    const policy = await policyOf(s, body['policy'], 'policy');
    const { lots, unknownLots } = await lotsOf(log, body['lots']);
    let solveMs = 0;
    const plan = await s.solve(
      { policy, lots, options: await optionsOf(s, body['options']) },
      { onSolved: (ms) => (solveMs = ms) },
    );
    return c.json({ plan, report: verifyPlan(plan), solveMs, ...(unknownLots ? { unknownLots } : {}) });
  });

  app.get('/lots', async (c) => {
    const facility = c.req.query('facility');
    if (!facility)
      throw new MatterlogError('invalid_input', 'give ?facility=<location id>', { details: { parameter: 'facility' } });
    const to = c.req.query('to');
    return c.json(await heldLots(log.readModel, facility, to !== undefined ? parseTime('to', to) : undefined));
  });

  app.post('/optimize/compare', authenticated, limitBody(MAX_REQUEST, 'send fewer lots'), async (c) => {
    const body = await readJson(c);
    const s = optimizer();
    const list = body['policies'];
    if (!Array.isArray(list) || list.length === 0 || list.length > MAX_COMPARE) {
      throw new MatterlogError('invalid_input', `policies must list 1 to ${MAX_COMPARE} policies (bodies or ids)`, {
        details: { pointer: '/policies' },
      });
    }
    const policies = await Promise.all(list.map((p, i) => policyOf(s, p, `policies/${i}`)));
    const { lots } = await lotsOf(log, body['lots']);
    return c.json({ comparison: await s.compare(policies, lots, await optionsOf(s, body['options'])) });
  });

  app.post(
    '/plans/verify',
    limitBody(PUBLIC_VERIFY_BYTES, 'verify larger plans offline with matterlog verify-plan'),
    async (c) => {
      return c.json(verifyPlan(await readJson(c), { maxPairs: PUBLIC_VERIFY_PAIRS }));
    },
  );

  app.post(
    '/plans',
    async (c, next) => {
      await uploader(c, log);
      await next();
    },
    limitBody(MAX_REQUEST, 'a plan document is at most 256 MiB'),
    async (c) => {
      const stored = await optimizer().store(await readJson(c));
      c.header('Location', `/plans/${stored.sha256}`);
      return c.json(stored, 201);
    },
  );

  app.get('/plans/:sha256', async (c) => {
    const sha = c.req.param('sha256');
    if (!/^[0-9a-f]{64}$/.test(sha))
      throw new MatterlogError('invalid_input', 'a plan is named by the SHA-256 of its bytes: 64 lowercase hex digits');
    const doc = await log.readModel.document(sha);
    if (!doc) throw new MatterlogError('not_found', `no plan document ${sha} is stored here`);
    c.header('Cache-Control', 'public, max-age=31536000, immutable');
    return c.body(doc.bytes as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': doc.mediaType });
  });

  app.get('/policies/:id', async (c) => c.json(await optimizer().policyVersions(c.req.param('id'))));
}
