/**
 * The optimizer as the server and the CLI use it: policies and route options
 * taken from the log (or given), solves run on the solver pool (a worker that
 * may die without taking the process with it), plans stored by the SHA-256 of
 * their canonical JSON so that a `plan` statement can name them.
 */
import { type FacilityBody, type RouteBody, resolveRoute } from '../assess/route-statement.js';
import { toHex, utf8 } from '../ledger/bytes.js';
import { sha256 } from '../ledger/crypto.js';
import { MatterlogError } from '../ledger/errors.js';
import type { LpSolver } from '../optimize/lp.js';
import { catalogOptions, checkLots, type Lot, type RouteOption } from '../optimize/network.js';
import type { PlanDocument, Totals } from '../optimize/plan.js';
import { checkPolicy, type PolicyBody } from '../optimize/policy.js';
import { type OptimizeOptions, optimize } from '../optimize/solve.js';
import { type VerifyReport, verifyPlan } from '../optimize/verify-plan.js';
import { canonicalJson } from '../statements/canonical-json.js';
import { parseStatement } from '../statements/statement.js';
import type { LogStore } from '../store/contract.js';
import type { ReadModelStore, RecordRow } from '../store/read-model.js';
import type { PolicyRecord } from './domain-checks.js';

export interface PolicyRef {
  body: PolicyBody;
  /** The log index of the policy statement, or null for a policy not in the log. */
  index: number | null;
  actor?: string;
}

export interface Comparison {
  policy: { id: string; version: string; index: number | null };
  /** Null when the policy cannot be met; `error` then says why. */
  totals: Totals | null;
  error?: string;
  provenGap?: number;
}

export const PLAN_MEDIA_TYPE = 'application/vnd.matterlog.plan+json';

/** A plan's bytes (RFC 8785 canonical JSON) and their SHA-256: the same plan always has the same digest. */
export function planBytes(plan: PlanDocument): { bytes: Uint8Array; sha256: string } {
  const bytes = utf8(canonicalJson(plan));
  return { bytes, sha256: toHex(sha256(bytes)) };
}

export interface SolveInput {
  policy: PolicyRef;
  lots: unknown;
  options: RouteOption[];
}

/** A plan for `input` (lots checked here), without a log: what the CLI runs locally. */
export function solveWith(solver: LpSolver, input: SolveInput, opts: OptimizeOptions = {}): Promise<PlanDocument> {
  const lots: Lot[] = checkLots(input.lots);
  return optimize(
    { policy: checkPolicy(input.policy.body), policyIndex: input.policy.index, lots, options: input.options },
    solver,
    opts,
  );
}

/** The same lots under several policies, side by side; a policy that cannot be met says why. */
export async function compareWith(
  solver: LpSolver,
  policies: PolicyRef[],
  lots: unknown,
  options: RouteOption[],
  opts: OptimizeOptions = {},
): Promise<Comparison[]> {
  const out: Comparison[] = [];
  for (const p of policies) {
    const head = { id: p.body.id, version: p.body.version, index: p.index };
    try {
      const plan = await solveWith(solver, { policy: p, lots, options }, opts);
      out.push({ policy: head, totals: plan.result.totals, provenGap: verifyPlan(plan).provenGap });
    } catch (e) {
      if (e instanceof MatterlogError && e.code === 'infeasible')
        out.push({ policy: head, totals: null, error: e.message });
      else throw e;
    }
  }
  return out;
}

/** Route options from published route records, each at its facility's location. */
export async function publishedOptions(
  readModel: ReadModelStore,
  routes: readonly RecordRow[],
): Promise<RouteOption[]> {
  const sites = await readModel.records('facility', {
    keys: [...new Set(routes.map((r) => r.facility).filter((f): f is string => f !== null))],
  });
  const where = new Map(sites.map((s) => [s.key, (JSON.parse(s.json) as FacilityBody).location]));
  return routes.map((r) => {
    const route = resolveRoute(JSON.parse(r.json) as RouteBody, r.actor);
    const location = r.facility ? where.get(r.facility) : undefined;
    return {
      id: route.id,
      route,
      ...(route.facility ? { facility: route.facility } : {}),
      ...(location ? { location } : {}),
      capacityTonnes: route.capacityTonnesPerYear,
      costEurPerTonne: route.costEurPerTonne ?? 0,
      processKgCo2ePerTonne: route.processKgCo2ePerTonne ?? 0,
    };
  });
}

export class OptimizeService {
  constructor(
    private readonly readModel: ReadModelStore,
    private readonly log: LogStore,
    private readonly solver: LpSolver,
  ) {}

  /** A policy from the log: `id` (its latest version) or `id@version`. */
  async policy(ref: string): Promise<PolicyRef> {
    // Policy ids cannot hold "@"; version labels may.
    const at = ref.indexOf('@');
    const id = at > 0 ? ref.slice(0, at) : ref;
    const version = at > 0 ? ref.slice(at + 1) : undefined;
    const [record] = await this.readModel.records('policy', { keys: [id] });
    if (!record) throw new MatterlogError('not_found', `no policy "${id}" is in the log`);
    const held = JSON.parse(record.json) as PolicyRecord;
    const v = version === undefined ? held.versions.at(-1) : held.versions.find((x) => x.version === version);
    if (!v) {
      throw new MatterlogError(
        'not_found',
        `policy "${id}" has no version "${version}" (its versions: ${held.versions.map((x) => x.version).join(', ')})`,
      );
    }
    if (v.version === held.latest.version) return { body: held.latest, index: v.index, actor: record.actor };
    return { body: await this.policyBodyAt(v.index), index: v.index, actor: record.actor };
  }

  /** Every version of a policy, oldest first. */
  async policyVersions(
    id: string,
  ): Promise<{ id: string; actor: string; versions: { version: string; index: number }[]; latest: PolicyBody }> {
    const [record] = await this.readModel.records('policy', { keys: [id] });
    if (!record) throw new MatterlogError('not_found', `no policy "${id}" is in the log`);
    const held = JSON.parse(record.json) as PolicyRecord;
    return { id, actor: record.actor, versions: held.versions, latest: held.latest };
  }

  /** An older policy version, read back from its statement in the log. */
  private async policyBodyAt(index: number): Promise<PolicyBody> {
    const [entry] = await this.log.readEntries(index, index + 1);
    const s = entry ? parseStatement(entry) : null;
    if (s?.statement.kind !== 'policy')
      throw new MatterlogError('corrupt', `log entry ${index} is not the policy statement the index says`);
    return s.statement.body as unknown as PolicyBody;
  }

  /**
   * The route options an actor's plan may use: the routes operators published
   * (at their facilities' locations), or the catalog's when none is published
   * or `catalog` is asked for.
   */
  async options(filter: { actor?: string; catalog?: boolean } = {}): Promise<RouteOption[]> {
    if (filter.catalog) return catalogOptions();
    const routes = await this.readModel.records('route', filter.actor !== undefined ? { actor: filter.actor } : {});
    if (routes.length === 0) {
      if (filter.actor !== undefined) throw new MatterlogError('not_found', `"${filter.actor}" has published no route`);
      return catalogOptions();
    }
    return publishedOptions(this.readModel, routes);
  }

  solve(input: SolveInput, opts: OptimizeOptions = {}): Promise<PlanDocument> {
    return solveWith(this.solver, input, opts);
  }

  compare(
    policies: PolicyRef[],
    lots: unknown,
    options: RouteOption[],
    opts: OptimizeOptions = {},
  ): Promise<Comparison[]> {
    return compareWith(this.solver, policies, lots, options, opts);
  }

  /** Verifies a plan document and stores it under its digest; refuses one that does not verify. */
  async store(plan: unknown): Promise<{ sha256: string; report: VerifyReport }> {
    const report = verifyPlan(plan);
    if (!report.ok) {
      throw new MatterlogError(
        'invalid_input',
        `the plan does not verify, so it is not stored: ${report.notProved.join('; ')}`,
        {
          details: { notProved: report.notProved },
        },
      );
    }
    const { bytes, sha256: digest } = planBytes(plan as PlanDocument);
    await this.readModel.putDocument(digest, bytes, PLAN_MEDIA_TYPE);
    return { sha256: digest, report };
  }
}
