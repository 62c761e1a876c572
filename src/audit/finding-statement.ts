/**
 * The `finding` statement: what an auditor publishes in the log about a
 * finding. Its evidence bundle is stored outside the log under the SHA-256 of
 * its bytes, which the statement carries with the rule, subject and numbers,
 * so that anyone can fetch the bundle and redo the check.
 */
import { MatterlogError } from '../ledger/errors.js';

export interface FindingBody {
  /** SHA-256 (64 lowercase hex digits) of the evidence bundle's bytes. */
  bundle: string;
  rule: string;
  severity: 'low' | 'medium' | 'high';
  subject: Record<string, string>;
  numbers: Record<string, number>;
  /** The auditor's words, if any. */
  comment?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const MEMBERS = ['bundle', 'rule', 'severity', 'subject', 'numbers', 'comment'];

export function checkFindingBody(body: unknown): FindingBody {
  const issues: { pointer: string; reason: string }[] = [];
  if (!isObject(body)) issues.push({ pointer: '', reason: 'a finding statement body must be a JSON object' });
  else {
    for (const k of Object.keys(body)) {
      if (!MEMBERS.includes(k))
        issues.push({ pointer: `/${k}`, reason: `is not a member (members: ${MEMBERS.join(', ')})` });
    }
    if (typeof body['bundle'] !== 'string' || !/^[0-9a-f]{64}$/.test(body['bundle']))
      issues.push({
        pointer: '/bundle',
        reason: "must be the SHA-256 of the evidence bundle's bytes, 64 lowercase hex digits",
      });
    if (typeof body['rule'] !== 'string' || !/^[a-z][a-z-]{1,63}$/.test(body['rule']))
      issues.push({ pointer: '/rule', reason: 'must be an audit rule id such as "mass-balance"' });
    if (!['low', 'medium', 'high'].includes(body['severity'] as string))
      issues.push({ pointer: '/severity', reason: 'must be low, medium or high' });
    const subject = body['subject'];
    if (!isObject(subject) || Object.values(subject).some((v) => typeof v !== 'string'))
      issues.push({ pointer: '/subject', reason: 'must be an object of strings' });
    const numbers = body['numbers'];
    if (!isObject(numbers) || Object.values(numbers).some((v) => typeof v !== 'number' || !Number.isFinite(v)))
      issues.push({ pointer: '/numbers', reason: 'must be an object of finite numbers' });
    if (body['comment'] !== undefined && (typeof body['comment'] !== 'string' || body['comment'].length > 2000))
      issues.push({ pointer: '/comment', reason: 'must be a string of at most 2,000 characters' });
  }
  if (issues.length > 0) {
    throw new MatterlogError(
      'invalid_input',
      `the finding statement is not valid: ${issues
        .slice(0, 3)
        .map((x) => `${x.pointer || '/'}: ${x.reason}`)
        .join('; ')}`,
      { details: { errors: issues } },
    );
  }
  return body as unknown as FindingBody;
}
