/**
 * What the way in checks of a `finding` statement beyond its body: the
 * evidence bundle it names is stored, verifies against this log's own key
 * (inclusion, signatures, and the finding's arithmetic redone from the
 * bundle's statements), and holds the very finding the statement states.
 */
import { verifyEvidence } from '../audit/evidence.js';
import { checkFindingBody } from '../audit/finding-statement.js';
import { fromUtf8 } from '../ledger/bytes.js';
import { MatterlogError } from '../ledger/errors.js';
import { canonicalJson } from '../statements/canonical-json.js';
import type { ParsedStatement } from '../statements/statement.js';
import type { LogStore } from '../store/contract.js';
import type { ReadModelStore } from '../store/read-model.js';

const refuse = (pointer: string, why: string) =>
  new MatterlogError('invalid_input', why, { details: { errors: [{ pointer, reason: why }] } });

async function checkOne(p: ParsedStatement, readModel: ReadModelStore, logVkey: string): Promise<void> {
  let body: ReturnType<typeof checkFindingBody>;
  try {
    body = checkFindingBody(p.statement.body);
  } catch {
    return; // the domain check reports the body's problems with their pointers
  }
  const stored = await readModel.document(body.bundle);
  if (!stored)
    throw refuse(
      '/body/bundle',
      `the evidence bundle ${body.bundle} is not stored here: upload it first (POST /evidence)`,
    );
  let bundle: unknown;
  try {
    bundle = JSON.parse(fromUtf8(stored.bytes));
  } catch {
    throw refuse('/body/bundle', `the document ${body.bundle} is not JSON, so not an evidence bundle`);
  }
  const report = verifyEvidence(bundle, { logVkey });
  if (!report.ok) throw refuse('/body/bundle', `the evidence bundle does not verify: ${report.notProved.join('; ')}`);
  const finding = (bundle as { finding?: Record<string, unknown> }).finding;
  if (!finding) throw refuse('/body/bundle', 'the evidence bundle holds no finding');
  for (const field of ['rule', 'severity', 'subject', 'numbers'] as const) {
    if (canonicalJson(finding[field] ?? null) !== canonicalJson(body[field])) {
      throw refuse(`/body/${field}`, `the statement's ${field} is not the bundle's finding's`);
    }
  }
}

/** The refusal of each finding statement among `statements` whose bundle does not hold up. */
export async function checkFindingBundles(
  statements: readonly ParsedStatement[],
  readModel: ReadModelStore,
  log: LogStore,
): Promise<Map<ParsedStatement, MatterlogError>> {
  const out = new Map<ParsedStatement, MatterlogError>();
  const findings = statements.filter((p) => p.statement.kind === 'finding');
  if (findings.length === 0) return out;
  const identity = await log.identity();
  if (!identity) throw new MatterlogError('unavailable', 'this store holds no log yet');
  for (const p of findings) {
    try {
      await checkOne(p, readModel, identity.vkey);
    } catch (e) {
      out.set(
        p,
        e instanceof MatterlogError
          ? e
          : new MatterlogError('internal', 'the evidence bundle could not be checked', { cause: e }),
      );
    }
  }
  return out;
}
