/**
 * Products, producers, facilities and operators' routes, from the read model.
 *
 *   GET /products/{id}                      a product's passport versions (id: GTIN or GS1 Digital Link)
 *   GET /products/{id}/assessment           its assessment (?version=, ?routes=a,b or ?facility=)
 *   GET /producers/{actor}/portfolio        units and mass placed on the market by grade and period, flags
 *   GET /evidence?index=N…                   an evidence bundle for these statements (verify with matterlog verify-evidence)
 *   GET /facilities                         facilities (?actor=)
 *   GET /routes                             routes operators published (?facility=, ?actor=)
 */
import type { Hono } from 'hono';
import { evidenceFor } from '../app/evidence-source.js';
import type { LogService } from '../app/log-service.js';
import { PERIODS, type Period, ProductService } from '../app/product-service.js';
import { type RouteBody, resolveRoute } from '../assess/route-statement.js';
import { bad, parseTime } from './epcis-query-params.js';

type Params = Record<string, string[]>;

/** The query's parameters, refusing unknown ones and repeats. */
function params(all: Params, allowed: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(all)) {
    if (!allowed.includes(name)) {
      throw bad(name, allowed.length > 0 ? `is not supported; supported: ${allowed.join(', ')}` : 'is not supported');
    }
    if (raw.length !== 1 || raw[0] === '') throw bad(name, 'takes one value');
    out[name] = raw[0] as string;
  }
  return out;
}

const list = (v: string | undefined) =>
  v === undefined
    ? undefined
    : v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');

export function productRoutes(app: Hono, log: LogService): void {
  const products = new ProductService(log.readModel);

  app.get('/products/:id', async (c) => {
    params(c.req.queries(), []);
    return c.json(await products.versions(c.req.param('id')));
  });

  app.get('/products/:id/assessment', async (c) => {
    const q = params(c.req.queries(), ['version', 'routes', 'facility']);
    const routes = list(q['routes']);
    if (routes && routes.length === 0)
      throw bad('routes', 'lists no route: give route ids separated by commas, or leave it out');
    return c.json(
      await products.assess(c.req.param('id'), {
        ...(q['version'] !== undefined ? { version: q['version'] } : {}),
        ...(routes ? { routes } : {}),
        ...(q['facility'] !== undefined ? { facility: q['facility'] } : {}),
      }),
    );
  });

  app.get('/producers/:actor/portfolio', async (c) => {
    const q = params(c.req.queries(), ['period', 'from', 'to']);
    const period = q['period'] ?? 'year';
    if (!PERIODS.includes(period as Period)) throw bad('period', `must be one of ${PERIODS.join(', ')}`);
    return c.json(
      await products.portfolio(c.req.param('actor'), {
        period: period as Period,
        ...(q['from'] !== undefined ? { fromMs: parseTime('from', q['from']) } : {}),
        ...(q['to'] !== undefined ? { toMs: parseTime('to', q['to']) } : {}),
      }),
    );
  });

  app.get('/evidence', async (c) => {
    const raw = c.req.queries('index') ?? [];
    const indices = raw.flatMap((v) => v.split(',')).map((v) => Number(v));
    if (indices.length === 0 || indices.length > 1000 || indices.some((i) => !Number.isSafeInteger(i) || i < 0)) {
      throw bad('index', 'must name 1 to 1,000 log indices (?index=3&index=7 or ?index=3,7)');
    }
    return c.json(await evidenceFor(log, indices));
  });

  app.get('/facilities', async (c) => {
    const q = params(c.req.queries(), ['actor']);
    const rows = await log.readModel.records('facility', q['actor'] !== undefined ? { actor: q['actor'] } : {});
    return c.json({
      facilities: rows.map((r) => ({ index: r.index, actor: r.actor, ...(JSON.parse(r.json) as object) })),
    });
  });

  app.get('/routes', async (c) => {
    const q = params(c.req.queries(), ['actor', 'facility']);
    const rows = await log.readModel.records('route', {
      ...(q['actor'] !== undefined ? { actor: q['actor'] } : {}),
      ...(q['facility'] !== undefined ? { facility: q['facility'] } : {}),
    });
    return c.json({
      routes: rows.map((r) => ({
        index: r.index,
        actor: r.actor,
        statement: JSON.parse(r.json) as RouteBody,
        resolved: resolveRoute(JSON.parse(r.json) as RouteBody, r.actor),
      })),
    });
  });
}
