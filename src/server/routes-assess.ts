/**
 * The catalog and stateless assessment over HTTP: what a web page or a script
 * needs to assess a passport before (or without) publishing it.
 *
 *   GET  /catalog            materials (with EPA WARM v16 factors), routes, design features
 *   POST /assess             a passport JSON body → its assessment (?routes=a,b to restrict)
 */
import type { Hono } from 'hono';
import { assessPassport } from '../assess/assessment.js';
import { MATERIALS, WARM_SOURCE } from '../assess/materials.js';
import { checkPassport } from '../assess/passport.js';
import { DESIGN_FEATURES, ROUTES } from '../assess/routes.js';
import { MatterlogError } from '../ledger/errors.js';
import { limitBody, readJson } from './routes-statements.js';

const MAX_PASSPORT_BYTES = 1024 * 1024;

export function assessRoutes(app: Hono): void {
  app.get('/catalog', (c) => {
    c.header('Cache-Control', 'public, max-age=3600');
    return c.json({ source: WARM_SOURCE, materials: MATERIALS, routes: ROUTES, features: DESIGN_FEATURES });
  });

  app.post('/assess', limitBody(MAX_PASSPORT_BYTES, 'a passport is at most 1 MiB'), async (c) => {
    const body = await readJson(c);
    let routes = ROUTES;
    const wanted = c.req.query('routes');
    if (wanted !== undefined) {
      const ids = wanted.split(',').map((s) => s.trim());
      const unknown = ids.filter((id) => !ROUTES.some((r) => r.id === id));
      if (unknown.length > 0) {
        throw new MatterlogError('invalid_input', `unknown route ${unknown.join(', ')}; GET /catalog lists them`, {
          details: { parameter: 'routes' },
        });
      }
      routes = ROUTES.filter((r) => ids.includes(r.id));
    }
    const passport = checkPassport(body);
    return c.json({ product: passport.product, version: passport.version, ...assessPassport(passport, routes) });
  });
}
