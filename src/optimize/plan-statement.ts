/**
 * The `plan` statement: what a recycler publishes in the log about a plan. The
 * plan document itself (inputs, certificate, explanations) is too large for an
 * entry; it is stored under the SHA-256 of its bytes, which the statement
 * carries, with the log index of the policy version it was solved under and
 * the headline figures anyone can check against the document.
 */
import { MatterlogError } from '../ledger/errors.js';

export interface PlanBody {
  /** SHA-256 (64 lowercase hex digits) of the plan document's bytes. */
  document: string;
  policy: { id: string; version: string; index: number };
  kind: 'lp' | 'mip';
  lots: number;
  tonnes: number;
  /** The plan's objective (EUR), as its certificate proves it. */
  objective: number;
  /** How much better any plan could be, at most (0 for a proved LP optimum, within tolerance). */
  provenGap: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const MEMBERS = ['document', 'policy', 'kind', 'lots', 'tonnes', 'objective', 'provenGap'];

export function checkPlanBody(body: unknown): PlanBody {
  const issues: { pointer: string; reason: string }[] = [];
  if (!isObject(body)) issues.push({ pointer: '', reason: 'a plan statement body must be a JSON object' });
  else {
    for (const k of Object.keys(body))
      if (!MEMBERS.includes(k))
        issues.push({ pointer: `/${k}`, reason: `is not a member (members: ${MEMBERS.join(', ')})` });
    if (typeof body['document'] !== 'string' || !/^[0-9a-f]{64}$/.test(body['document']))
      issues.push({
        pointer: '/document',
        reason: "must be the SHA-256 of the plan document's bytes, 64 lowercase hex digits",
      });
    const p = body['policy'];
    if (
      !isObject(p) ||
      typeof p['id'] !== 'string' ||
      typeof p['version'] !== 'string' ||
      !Number.isSafeInteger(p['index']) ||
      (p['index'] as number) < 0
    )
      issues.push({
        pointer: '/policy',
        reason: 'must be {"id", "version", "index": the log index of the policy statement}',
      });
    if (body['kind'] !== 'lp' && body['kind'] !== 'mip')
      issues.push({ pointer: '/kind', reason: 'must be "lp" or "mip"' });
    for (const f of ['lots', 'tonnes', 'objective', 'provenGap']) {
      if (typeof body[f] !== 'number' || !Number.isFinite(body[f]))
        issues.push({ pointer: `/${f}`, reason: 'must be a number' });
    }
  }
  if (issues.length > 0) {
    throw new MatterlogError(
      'invalid_input',
      `the plan statement is not valid: ${issues
        .map((x) => `${x.pointer || '/'}: ${x.reason}`)
        .slice(0, 3)
        .join('; ')}`,
      {
        details: { errors: issues },
      },
    );
  }
  return body as unknown as PlanBody;
}
