/**
 * The audit over HTTP.
 *
 *   GET /audit?facility=&material=&rule=&from=&to=    every rule over the log: findings with their numbers
 *   GET /audit/findings/{id}/evidence                  a finding's evidence bundle (verify with matterlog verify-evidence)
 *   POST /evidence                                     store a bundle that verifies (actor or operator token), by its SHA-256
 *   POST /findings                                     an auditor's bundle and signed finding statement: stored and logged
 *   GET /evidence/{sha256}                             a stored bundle, byte for byte
 */
import type { Hono } from 'hono';
import { findingEvidence, runAudit } from '../app/audit-service.js';
import { checkOperatorToken } from '../app/data-dir.js';
import type { LogService } from '../app/log-service.js';
import { verifyEvidence } from '../audit/evidence.js';
import { checkFindingBody } from '../audit/finding-statement.js';
import { toHex, utf8 } from '../ledger/bytes.js';
import { sha256 } from '../ledger/crypto.js';
import { MatterlogError } from '../ledger/errors.js';
import { canonicalJson, type JsonValue } from '../statements/canonical-json.js';
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
      const report = verifiedBundle(log, bundle);
      const { digest, bytes } = canonicalDocument(bundle);
      await log.readModel.putDocument(digest, bytes, EVIDENCE_MEDIA_TYPE);
      c.header('Location', `/evidence/${digest}`);
      return c.json({ sha256: digest, report }, 201);
    },
  );

  // An auditor without a token publishes in one request: its signed finding statement says who
  // asks (checked against the registry before anything is stored), the bundle comes with it.
  app.post('/findings', limitBody(MAX_BUNDLE + 65_536, 'a finding and its bundle are at most 64 MiB'), async (c) => {
    const request = await readJson(c);
    if (
      typeof request !== 'object' ||
      request === null ||
      typeof (request as Record<string, unknown>)['statement'] !== 'string' ||
      typeof (request as Record<string, unknown>)['bundle'] !== 'object'
    ) {
      throw new MatterlogError(
        'invalid_input',
        'send {"statement": <the signed finding statement>, "bundle": <its evidence bundle>}',
      );
    }
    const { statement, bundle } = request as { statement: string; bundle: unknown };
    const ingest = ingestOf(log);
    const signed = ingest.statements.authenticate(statement);
    if (signed.statement.statement.kind !== 'finding') {
      throw new MatterlogError(
        'invalid_input',
        `/statement is a ${signed.statement.statement.kind} statement, not a finding`,
      );
    }
    const body = checkFindingBody(signed.statement.statement.body);
    // The digest first: it is cheap, and a bundle that is not the one the statement names is not
    // worth verifying. A bundle already stored was verified then (and submit checks it again).
    const { digest, bytes } = canonicalDocument(bundle);
    if (body.bundle !== digest) {
      throw new MatterlogError(
        'invalid_input',
        `/statement/body/bundle is ${body.bundle}, but the bundle sent has SHA-256 ${digest} (of its RFC 8785 canonical JSON)`,
      );
    }
    if (!(await log.readModel.document(digest))) {
      verifiedBundle(log, bundle);
      await log.readModel.putDocument(digest, bytes, EVIDENCE_MEDIA_TYPE);
    }
    const [result] = await ingest.statements.submit([statement]);
    c.header('Location', `/evidence/${digest}`);
    return c.json({ sha256: digest, ...result }, result?.duplicate ? 200 : 201);
  });

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

/** A bundle's canonical (RFC 8785) bytes, the form it is stored in, and their SHA-256, its name. */
function canonicalDocument(bundle: unknown): { digest: string; bytes: Uint8Array } {
  const bytes = utf8(canonicalJson(bundle as JsonValue));
  return { digest: toHex(sha256(bytes)), bytes };
}

/** The report of a bundle that verifies against this log; a bundle that does not is refused. */
function verifiedBundle(log: LogService, bundle: unknown) {
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
  return report;
}
