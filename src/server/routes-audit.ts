/**
 * The audit over HTTP.
 *
 *   GET /audit?facility=&material=&rule=&from=&to=    every rule over the log: findings with their numbers
 *   GET /audit/findings/{id}/evidence                  a finding's evidence bundle (verify with matterlog verify-evidence)
 */
import type { Hono } from 'hono';
import { findingEvidence, runAudit } from '../app/audit-service.js';
import type { LogService } from '../app/log-service.js';
import { bad, parseTime } from './epcis-query-params.js';

const PARAMETERS = ['facility', 'material', 'rule', 'from', 'to'];

export function auditRoutes(app: Hono, log: LogService): void {
  app.get('/audit', async (c) => {
    const q: Record<string, string> = {};
    for (const [name, values] of Object.entries(c.req.queries())) {
      if (!PARAMETERS.includes(name)) throw bad(name, `is not supported; supported: ${PARAMETERS.join(', ')}`);
      if (values.length !== 1 || values[0] === '') throw bad(name, 'takes one value');
      q[name] = values[0] as string;
    }
    return c.json(
      await runAudit(log, {
        ...(q['facility'] !== undefined ? { facility: q['facility'] } : {}),
        ...(q['material'] !== undefined ? { material: q['material'] } : {}),
        ...(q['rule'] !== undefined ? { rule: q['rule'] } : {}),
        ...(q['from'] !== undefined ? { fromMs: parseTime('from', q['from']) } : {}),
        ...(q['to'] !== undefined ? { toMs: parseTime('to', q['to']) } : {}),
      }),
    );
  });

  app.get('/audit/findings/:id/evidence', async (c) => c.json(await findingEvidence(log, c.req.param('id'))));
}
