/**
 * What the way in checks of a `plan` statement beyond its body: the plan
 * document it names is stored, its certificate verifies (the same verifier
 * anyone runs), it was solved under exactly the policy statement at the index
 * it names, and the figures the statement states are the document's. The
 * indexer does not repeat this (documents are not part of the log); it checks
 * only that the policy version is in the log.
 */
import { fromUtf8 } from '../ledger/bytes.js';
import { MatterlogError } from '../ledger/errors.js';
import { catalogOptions, type RouteOption } from '../optimize/network.js';
import type { PlanDocument } from '../optimize/plan.js';
import { checkPlanBody } from '../optimize/plan-statement.js';
import { verifyPlan } from '../optimize/verify-plan.js';
import { canonicalJson } from '../statements/canonical-json.js';
import { type ParsedStatement, parseStatement } from '../statements/statement.js';
import type { LogStore } from '../store/contract.js';
import type { ReadModelStore } from '../store/read-model.js';
import { publishedOptions } from './optimize-service.js';

const refuse = (pointer: string, why: string) =>
  new MatterlogError('invalid_input', why, { details: { errors: [{ pointer, reason: why }] } });

async function checkOne(p: ParsedStatement, readModel: ReadModelStore, log: LogStore): Promise<void> {
  let body: ReturnType<typeof checkPlanBody>;
  try {
    body = checkPlanBody(p.statement.body);
  } catch {
    return; // the domain check reports the body's problems with their pointers
  }
  const stored = await readModel.document(body.document);
  if (!stored) {
    throw refuse(
      '/body/document',
      `the plan document ${body.document} is not stored here: upload it first (POST /plans, or matterlog optimize --publish)`,
    );
  }
  let doc: unknown;
  try {
    doc = JSON.parse(fromUtf8(stored.bytes));
  } catch {
    throw refuse('/body/document', `the document ${body.document} is not JSON, so not a plan`);
  }
  const report = verifyPlan(doc);
  if (!report.ok) {
    throw refuse('/body/document', `the plan document does not verify: ${report.notProved.join('; ')}`);
  }
  const plan = doc as PlanDocument;
  if (
    report.policy.id !== body.policy.id ||
    report.policy.version !== body.policy.version ||
    plan.policyIndex !== body.policy.index
  ) {
    throw refuse(
      '/body/policy',
      `the plan document was solved under policy "${report.policy.id}" version ${report.policy.version} at index ${plan.policyIndex}, not the one the statement names`,
    );
  }
  const [entry] = await log.readEntries(body.policy.index, body.policy.index + 1);
  let logged: ParsedStatement | null = null;
  try {
    logged = entry ? parseStatement(entry) : null;
  } catch {
    logged = null;
  }
  if (logged?.statement.kind !== 'policy' || canonicalJson(logged.statement.body) !== canonicalJson(plan.policy)) {
    throw refuse(
      '/body/policy',
      `the policy in the plan document is not the policy statement at log index ${body.policy.index}: a plan must be solved under the published policy, word for word`,
    );
  }
  await checkOptionsArePublished(plan.options, readModel);
  const stated: [string, number | string, number | string][] = [
    ['kind', body.kind, report.kind],
    ['lots', body.lots, plan.lots.length],
    ['tonnes', body.tonnes, plan.result.totals.tonnes],
    ['objective', body.objective, report.objective],
    ['provenGap', body.provenGap, report.provenGap],
  ];
  for (const [field, claimed, actual] of stated) {
    if (claimed !== actual)
      throw refuse(`/body/${field}`, `${field} says ${claimed}, but the plan document's is ${actual}`);
  }
}

/**
 * A published plan routes lots only over real routes: each option must be a
 * catalog route or a route published in the log, exactly as the optimizer
 * would build it; otherwise a plan could prove itself optimal over a plant
 * with a yield of 5 that nobody runs.
 */
async function checkOptionsArePublished(options: readonly RouteOption[], readModel: ReadModelStore): Promise<void> {
  const catalog = new Map(catalogOptions().map((o) => [o.id, canonicalJson(o)]));
  const others = options.filter((o) => !catalog.has(o.id)).map((o) => o.id);
  const published =
    others.length > 0 ? await publishedOptions(readModel, await readModel.records('route', { keys: others })) : [];
  const known = new Map([...catalog, ...published.map((o) => [o.id, canonicalJson(o)] as const)]);
  for (const [i, o] of options.entries()) {
    const expected = known.get(o.id);
    if (expected !== canonicalJson(o)) {
      throw refuse(
        '/body/document',
        `route option ${i} ("${o.id}") of the plan document is ${expected ? 'not the route as published' : 'neither a catalog route nor a route published in the log'}: a published plan routes lots only over real routes`,
      );
    }
  }
}

/** The refusal of each plan statement among `statements` whose document does not hold up. */
export async function checkPlanDocuments(
  statements: readonly ParsedStatement[],
  readModel: ReadModelStore,
  log: LogStore,
): Promise<Map<ParsedStatement, MatterlogError>> {
  const out = new Map<ParsedStatement, MatterlogError>();
  for (const p of statements) {
    if (p.statement.kind !== 'plan') continue;
    try {
      await checkOne(p, readModel, log);
    } catch (e) {
      out.set(
        p,
        e instanceof MatterlogError
          ? e
          : new MatterlogError('internal', 'the plan document could not be checked', { cause: e }),
      );
    }
  }
  return out;
}
