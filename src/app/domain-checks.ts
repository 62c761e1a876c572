/**
 * The checks of domain statements against what the log already holds, and the
 * read-model rows they add. The way in runs them to refuse with a useful
 * message; the indexer runs the same ones, so a statement that got past the way
 * in (a raw operator append, or two requests racing) is still left out of the
 * indexes exactly as it would have been refused.
 *
 * - A passport names its product by GTIN; the first producer to publish a
 *   passport for a GTIN owns it in this log. Versions form one chain: a label is
 *   used once per product, and each new version replaces the latest one, so
 *   the chain can neither fork nor loop.
 * - A facility or route is keyed by its id; the actor that first published it is
 *   the only one that may publish a later version. A route that names a facility
 *   needs that facility published by the same actor.
 * - An EPCIS commissioning event by an actor places the units it names on the
 *   market (for portfolios and, later, recycled-content audits).
 * - A plan names a policy version in the log. Its document (stored outside the
 *   log) is checked only on the way in (src/app/plan-checks.ts): the indexer
 *   cannot, since documents are not log entries, so a plan statement appended
 *   raw is indexed on its body alone; anyone can verify its document.
 */

import { checkPassport, designOf, type PassportBody, productKey } from '../assess/passport.js';
import { ppwrGrade } from '../assess/ppwr.js';
import { assessRecyclability } from '../assess/recyclability.js';
import { checkFacility, checkRoute } from '../assess/route-statement.js';
import { ROUTES } from '../assess/routes.js';
import { checkFindingBody } from '../audit/finding-statement.js';
import { type EventIndexFields, eventIndexFields } from '../epcis/index.js';
import { MatterlogError } from '../ledger/errors.js';
import { checkPlanBody } from '../optimize/plan-statement.js';
import { checkPolicy, type PolicyBody } from '../optimize/policy.js';
import type { EpcisEventBody } from '../statements/bodies.js';
import { gtinOfEpc } from '../statements/gs1.js';
import type { ParsedStatement } from '../statements/statement.js';
import type { MarketRow, PassportRow, ReadModelStore, RecordKind, RecordRow } from '../store/read-model.js';

export interface DomainRows {
  passports: PassportRow[];
  records: RecordRow[];
}

interface Version {
  version: string;
  producer: string;
  index: number;
}

const recordKey = (kind: RecordKind, key: string) => `${kind}\u0000${key}`;
/** Where a statement is: its log index, or (on the way in, index −1) earlier in the same request. */
const at = (index: number) => (index >= 0 ? `log index ${index}` : 'earlier in this request');

/** Units of count: no unit at all, or UN/ECE rec 20 "each", "piece", "one". */
const COUNT_UNITS = new Set(['EA', 'H87', 'C62']);

/** The body with its pointers moved under /body, as statement refusals point into the statement. */
function underBody<T>(check: () => T): T {
  try {
    return check();
  } catch (e) {
    if (e instanceof MatterlogError && Array.isArray(e.details['errors'])) {
      const errors = (e.details['errors'] as { pointer: string; reason: string }[]).map((x) => ({
        ...x,
        pointer: `/body${x.pointer}`,
      }));
      throw new MatterlogError(e.code, e.message, { details: { ...e.details, errors }, cause: e });
    }
    throw e;
  }
}

function productOf(p: ParsedStatement): string | null {
  try {
    return productKey(p.statement.body as unknown as PassportBody) ?? null;
  } catch {
    return null;
  }
}

/** What a `policy` record holds (see RecordKind). */
export interface PolicyRecord {
  latest: PolicyBody;
  versions: { version: string; index: number }[];
}

function planPolicyId(p: ParsedStatement): string | null {
  const policy = (p.statement.body as Record<string, unknown>)['policy'];
  const id = typeof policy === 'object' && policy !== null ? (policy as Record<string, unknown>)['id'] : undefined;
  return typeof id === 'string' ? id : null;
}

function idOf(p: ParsedStatement): string | null {
  const id = (p.statement.body as Record<string, unknown>)['id'];
  return typeof id === 'string' ? id : null;
}

export class DomainView {
  private constructor(
    private readonly versions: Map<string, Version[]>,
    private readonly records: Map<string, RecordRow>,
  ) {}

  /** What the read model holds about the products, facilities and routes `statements` speak of. */
  static async load(readModel: ReadModelStore, statements: readonly ParsedStatement[]): Promise<DomainView> {
    const products = new Set<string>();
    const keys: Record<RecordKind, Set<string>> = { facility: new Set(), route: new Set(), policy: new Set() };
    for (const p of statements) {
      const kind = p.statement.kind;
      if (kind === 'passport') {
        const product = productOf(p);
        if (product) products.add(product);
      } else if (kind === 'facility' || kind === 'route' || kind === 'policy') {
        const id = idOf(p);
        if (id) keys[kind].add(id);
        const at = (p.statement.body as Record<string, unknown>)['facility'];
        if (kind === 'route' && typeof at === 'string') keys.facility.add(at);
      } else if (kind === 'plan') {
        const id = planPolicyId(p);
        if (id) keys.policy.add(id);
      }
    }
    const [passports, facilities, routes, policies] = await Promise.all([
      products.size > 0 ? readModel.passports([...products]) : [],
      keys.facility.size > 0 ? readModel.records('facility', { keys: [...keys.facility] }) : [],
      keys.route.size > 0 ? readModel.records('route', { keys: [...keys.route] }) : [],
      keys.policy.size > 0 ? readModel.records('policy', { keys: [...keys.policy] }) : [],
    ]);
    const versions = new Map<string, Version[]>();
    for (const r of passports) {
      const list = versions.get(r.product) ?? [];
      list.push({ version: r.version, producer: r.producer, index: r.index });
      versions.set(r.product, list);
    }
    const records = new Map<string, RecordRow>();
    for (const r of [...facilities, ...routes, ...policies]) records.set(recordKey(r.kind, r.key), r);
    return new DomainView(versions, records);
  }

  /**
   * Checks a domain statement spoken for by `actor` against the view and returns
   * the rows it adds at `index` (the caller applies them with `apply` once it
   * keeps the statement). Throws `invalid_input`, `forbidden` or `conflict`.
   */
  check(p: ParsedStatement, actor: string, index: number): DomainRows {
    const kind = p.statement.kind;
    if (kind === 'passport') return { passports: [this.checkPassport(p, actor, index)], records: [] };
    if (kind === 'facility' || kind === 'route') return { passports: [], records: [this.checkRecord(p, actor, index)] };
    if (kind === 'policy') return { passports: [], records: [this.checkPolicyVersion(p, actor, index)] };
    if (kind === 'plan') this.checkPlan(p);
    if (kind === 'finding') underBody(() => checkFindingBody(p.statement.body));
    return { passports: [], records: [] };
  }

  apply(rows: DomainRows): void {
    for (const r of rows.passports) {
      const list = this.versions.get(r.product) ?? [];
      list.push({ version: r.version, producer: r.producer, index: r.index });
      this.versions.set(r.product, list);
    }
    for (const r of rows.records) this.records.set(recordKey(r.kind, r.key), r);
  }

  private checkPassport(p: ParsedStatement, actor: string, index: number): PassportRow {
    const body = underBody(() => checkPassport(p.statement.body));
    const product = productKey(body);
    const versions = this.versions.get(product) ?? [];
    const owner = versions[0];
    if (owner && owner.producer !== actor) {
      throw new MatterlogError(
        'forbidden',
        `product ${product} has passports published by "${owner.producer}" (first ${at(owner.index)}); only that producer can publish its versions`,
        { details: { pointer: '/body/product', owner: owner.producer } },
      );
    }
    const same = versions.find((v) => v.version === body.version);
    const head = versions.at(-1);
    if (same) {
      throw new MatterlogError(
        'conflict',
        `product ${product} already has a passport version "${body.version}" (${at(same.index)}); label this one anew and set "replaces": "${head?.version}"`,
        { details: { pointer: '/body/version', index: same.index } },
      );
    }
    if (head && body.replaces !== head.version) {
      const known = versions.find((v) => v.version === body.replaces);
      const why =
        body.replaces === undefined
          ? `product ${product} already has passports; a new version must say "replaces": "${head.version}" (its latest, ${at(head.index)})`
          : known
            ? `version "${body.replaces}" of product ${product} is already replaced; a new version replaces the latest, "${head.version}" (${at(head.index)})`
            : `"replaces": "${body.replaces}" names no version of product ${product} (its versions: ${versions.map((v) => `"${v.version}"`).join(', ')}); a new version replaces the latest, "${head.version}"`;
      throw new MatterlogError('invalid_input', why, {
        details: { errors: [{ pointer: '/body/replaces', reason: why }] },
      });
    }
    if (!head && body.replaces !== undefined) {
      const why = `"replaces": "${body.replaces}", but product ${product} has no passport in the log yet: publish that version first, or leave "replaces" out`;
      throw new MatterlogError('invalid_input', why, {
        details: { errors: [{ pointer: '/body/replaces', reason: why }] },
      });
    }
    const share = Math.min(1, assessRecyclability(designOf(body), { routes: ROUTES }).share);
    return {
      index,
      product,
      producer: actor,
      version: body.version,
      replaces: body.replaces ?? null,
      issuedMs: p.issuedMs,
      validFromMs: body.validFrom !== undefined ? Date.parse(body.validFrom) : p.issuedMs,
      massKg: body.declaredMassKg,
      share,
      grade: ppwrGrade(share).grade,
      json: JSON.stringify(body),
    };
  }

  /** A policy version: owned by its first publisher, labels used once, each version replacing the latest. */
  private checkPolicyVersion(p: ParsedStatement, actor: string, index: number): RecordRow {
    const body = underBody(() => checkPolicy(p.statement.body));
    const existing = this.records.get(recordKey('policy', body.id));
    const held = existing ? (JSON.parse(existing.json) as PolicyRecord) : null;
    if (existing && existing.actor !== actor) {
      throw new MatterlogError(
        'forbidden',
        `policy "${body.id}" was published by "${existing.actor}" (${at(existing.index)}); only it can publish new versions`,
        { details: { pointer: '/body/id', owner: existing.actor } },
      );
    }
    const versions = held?.versions ?? [];
    const head = versions.at(-1);
    const same = versions.find((v) => v.version === body.version);
    if (same) {
      throw new MatterlogError(
        'conflict',
        `policy "${body.id}" already has a version "${body.version}" (${at(same.index)}); label this one anew and set "replaces": "${head?.version}"`,
        { details: { pointer: '/body/version', index: same.index } },
      );
    }
    if (head ? body.replaces !== head.version : body.replaces !== undefined) {
      const why = head
        ? `a new version of policy "${body.id}" must say "replaces": "${head.version}" (its latest, ${at(head.index)})`
        : `"replaces": "${body.replaces}", but policy "${body.id}" has no version in the log yet: leave "replaces" out`;
      throw new MatterlogError('invalid_input', why, {
        details: { errors: [{ pointer: '/body/replaces', reason: why }] },
      });
    }
    const record: PolicyRecord = { latest: body, versions: [...versions, { version: body.version, index }] };
    return {
      kind: 'policy',
      key: body.id,
      actor,
      index,
      issuedMs: p.issuedMs,
      facility: null,
      json: JSON.stringify(record),
    };
  }

  /** A plan names a policy version that is in the log (the document itself is checked on the way in). */
  private checkPlan(p: ParsedStatement): void {
    const body = underBody(() => checkPlanBody(p.statement.body));
    const record = this.records.get(recordKey('policy', body.policy.id));
    const held = record ? (JSON.parse(record.json) as PolicyRecord) : null;
    const version = held?.versions.find((v) => v.version === body.policy.version);
    if (!version || version.index !== body.policy.index) {
      const why = version
        ? `policy "${body.policy.id}" version "${body.policy.version}" is at log index ${version.index}, not ${body.policy.index}`
        : `policy "${body.policy.id}" version "${body.policy.version}" is not in the log: publish the policy before plans solved under it`;
      throw new MatterlogError('invalid_input', why, {
        details: { errors: [{ pointer: '/body/policy', reason: why }] },
      });
    }
  }

  private checkRecord(p: ParsedStatement, actor: string, index: number): RecordRow {
    const kind = p.statement.kind as RecordKind;
    const body = underBody(() => (kind === 'route' ? checkRoute(p.statement.body) : checkFacility(p.statement.body)));
    const existing = this.records.get(recordKey(kind, body.id));
    if (existing && existing.actor !== actor) {
      throw new MatterlogError(
        'forbidden',
        `${kind} "${body.id}" was published by "${existing.actor}" (${at(existing.index)}); only it can publish new versions`,
        { details: { pointer: '/body/id', owner: existing.actor } },
      );
    }
    let facility: string | null = null;
    if (kind === 'route' && 'facility' in body && body.facility !== undefined) {
      facility = body.facility;
      const site = this.records.get(recordKey('facility', facility));
      if (!site || site.actor !== actor) {
        const why = site
          ? `the route runs at facility "${facility}", which "${site.actor}" published; a route names one of its own operator's facilities`
          : `the route runs at facility "${facility}", which is not in the log: publish the facility statement first`;
        throw new MatterlogError('invalid_input', why, {
          details: { errors: [{ pointer: '/body/facility', reason: why }] },
        });
      }
    }
    return { kind, key: body.id, actor, index, issuedMs: p.issuedMs, facility, json: JSON.stringify(body) };
  }
}

/** The units an EPCIS commissioning event places on the market, one row per product. */
export function marketRows(index: number, body: EpcisEventBody, actor: string, f?: EventIndexFields): MarketRow[] {
  const fields = f ?? eventIndexFields(body.event);
  if (fields.eventType !== 'ObjectEvent' || fields.action !== 'ADD' || fields.bizStep !== 'commissioning') return [];
  const month = new Date(fields.eventTimeMs).toISOString().slice(0, 7);
  if (!/^\d{4}-\d{2}$/.test(month)) return [];
  const units = new Map<string, number>();
  const add = (gtin: string | null, n: number) => {
    if (gtin && Number.isFinite(n) && n > 0) units.set(gtin, (units.get(gtin) ?? 0) + n);
  };
  for (const e of fields.epcs) if (e.field === 'epc') add(gtinOfEpc(e.epc), 1);
  for (const c of fields.classes) {
    if (c.field === 'quantity' && c.quantity !== null && (c.uom === null || COUNT_UNITS.has(c.uom))) {
      add(gtinOfEpc(c.epcClass), c.quantity);
    }
  }
  return [...units].map(([product, n]) => ({
    index,
    producer: actor,
    product,
    units: n,
    eventTimeMs: fields.eventTimeMs,
    month,
  }));
}
