/**
 * The audit over HTTP.
 *
 *   GET /audit?facility=&material=&rule=&from=&to=    every rule over the log: findings with their numbers
 *   GET /audit/findings/{id}/evidence                  a finding's evidence bundle (verify with matterlog verify-evidence)
 *   POST /evidence                                     store a bundle that verifies (actor or operator token), by its SHA-256
 *   GET /evidence/{sha256}                             a stored bundle, byte for byte
 */
import type { Hono } from 'hono';
import { findingEvidence, runAudit } from '../app/audit-service.js';
import { checkOperatorToken } from '../app/data-dir.js';
import type { LogService } from '../app/log-service.js';
import { verifyEvidence } from '../audit/evidence.js';
import { toHex, utf8 } from '../ledger/bytes.js';
import { sha256 } from '../ledger/crypto.js';
import { MatterlogError } from '../ledger/errors.js';
import { canonicalJson } from '../statements/canonical-json.js';
import { bearerToken } from './auth.js';
import { bad, parseTime } from './epcis-query-params.js';
import { ingestOf, limitBody, readJson } from './routes-statements.js';

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

  // An auditor stores a bundle before publishing the finding statement that names its digest.
  app.post(
    '/evidence',
    async (c, next) => {
      const token = bearerToken(c, "an actor's token (matterlog actor token) or the operator token");
      if (!checkOperatorToken(log.config, token)) await ingestOf(log).actors.tokenActor(token);
      await next();
    },
    limitBody(MAX_BUNDLE, 'an evidence bundle is at most 64 MiB'),
    async (c) => {
      const bundle = await readJson(c);
      const report = verifyEvidence(bundle, { logVkey: log.identity.vkey });
      if (!report.ok) {
        throw new MatterlogError(
          'invalid_input',
          `the bundle does not verify against this log: ${report.notProved.join('; ')}`,
          {
            details: { notProved: report.notProved },
          },
        );
      }
      const bytes = utf8(canonicalJson(bundle));
      const digest = toHex(sha256(bytes));
      await log.readModel.putDocument(digest, bytes, EVIDENCE_MEDIA_TYPE);
      c.header('Location', `/evidence/${digest}`);
      return c.json({ sha256: digest, report }, 201);
    },
  );

  app.get('/evidence/:sha256', async (c) => {
    const sha = c.req.param('sha256');
    if (!/^[0-9a-f]{64}$/.test(sha)) throw bad('sha256', 'must be 64 lowercase hex digits');
    const doc = await log.readModel.document(sha);
    if (!doc) throw new MatterlogError('not_found', `no evidence bundle ${sha} is stored here`);
    c.header('Cache-Control', 'public, max-age=31536000, immutable');
    return c.body(doc.bytes as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': doc.mediaType });
  });
}

const MAX_BUNDLE = 64 * 1024 * 1024;
export const EVIDENCE_MEDIA_TYPE = 'application/vnd.matterlog.evidence+json';
