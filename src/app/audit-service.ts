/**
 * Running the audit over the log: every EPCIS event statement (read from the
 * log itself, so signatures are the signed ones), the classes' compositions
 * (ILMD, or the product's passport), the registry and facilities from the read
 * model, then every rule of src/audit and the design flags of the assessment.
 * Each finding gets a stable id (a digest of its content) by which its
 * evidence bundle is served.
 */
import { type PassportBody, passportComposition } from '../assess/passport.js';
import { type AuditedEvent, addIlmdCompositions, auditedEvent } from '../audit/audited-event.js';
import { addRecoveredLots, claimsAndSupplies, recycledContentClaims } from '../audit/claim-rule.js';
import { eventFindings, type Finding, type RegistryFacts } from '../audit/event-rules.js';
import type { EvidenceBundle } from '../audit/evidence.js';
import { massBalance, overdrawnLots, unreceivedShipments } from '../audit/flow-rules.js';
import { type Flow, flowsOf } from '../audit/flows.js';
import { type AuditTolerances, checkTolerances } from '../audit/tolerances.js';
import { impossibleYields, judgesYield } from '../audit/yield-rule.js';
import { toHex, utf8 } from '../ledger/bytes.js';
import { sha256 } from '../ledger/crypto.js';
import { MatterlogError } from '../ledger/errors.js';
import { parseVerifierKey } from '../ledger/note.js';
import { canonicalJson } from '../statements/canonical-json.js';
import { gtinOfEpc } from '../statements/gs1.js';
import { loggedStatementOf, parseStatement, readLoggedStatement } from '../statements/statement.js';
import { evidenceFor } from './evidence-source.js';
import type { LogService } from './log-service.js';
import { ProductService } from './product-service.js';

/** A finding as the audit reports it (whichever rule raised it), with its stable id. */
export interface AuditFinding extends Omit<Finding, 'rule'> {
  id: string;
  rule: string;
}

export interface AuditFilter {
  facility?: string;
  material?: string;
  rule?: string;
  fromMs?: number;
  toMs?: number;
}

export interface AuditReport {
  events: number;
  findings: AuditFinding[];
  /** Facilities whose stock was never counted twice: their mass balance could not be judged. */
  notBalanced: string[];
  /** The tolerances the rules used (the data directory's `audit` settings over the defaults). */
  tolerances: AuditTolerances;
}

/** The tolerances of this log's audit: config.json's `audit` object over the defaults. */
export function auditTolerances(log: Pick<LogService, 'config'>): AuditTolerances {
  return checkTolerances(log.config.audit, 'the "audit" object of config.json');
}

const READ_CHUNK = 10_000;
/** Ranges of entries asked for ahead of the one being judged (PostgreSQL reads them meanwhile). */
const READ_AHEAD = 3;
/** Bytes the ranges read ahead may hold at most, about. */
const READ_AHEAD_BYTES = 64 * 1024 * 1024;

/**
 * The last full audit of each log, at the read model's size then: a finding's
 * evidence is asked for right after the audit that listed it, and redoing the
 * audit to find it by id took as long as the audit.
 */
const lastAudit = new WeakMap<LogService, { size: number; tolerances: string; findings: AuditFinding[] }>();

function withId(f: Omit<AuditFinding, 'id'>): AuditFinding {
  return { id: toHex(sha256(utf8(canonicalJson(f)))).slice(0, 20), ...f };
}

export async function runAudit(
  log: LogService,
  filter: AuditFilter = {},
  onProgress?: (done: number, total: number) => void,
): Promise<AuditReport> {
  const sizeBefore = await log.readModel.indexedSize();
  const t = auditTolerances(log);
  // The event statements, by index, from the read model's list and the log's own entries.
  const indices: number[] = [];
  for (let after = -1; ; ) {
    const page = await log.readModel.eventIndices(after, READ_CHUNK);
    for (const i of page) indices.push(i);
    if (page.length < READ_CHUNK) break;
    after = page.at(-1) as number;
  }
  // The registry as facts: when each actor was registered, which keys are revoked from when.
  const actors = await log.readModel.actors();
  const facts = registryFacts(actors);
  const producers = actors.filter((a) => a.role === 'producer').map((a) => a.name);
  const producerSet = new Set(producers);

  // One pass over the events, holding only what the rules across events need: the flows, the
  // compositions, the recycled lots, and the few events judged at the end (producers' events for
  // their claims; transformations whose lots have no composition yet). Holding every event at
  // once made a million-event audit mostly garbage collection.
  const compositions = new Map<string, Record<string, number>>();
  /** Where each class's composition comes from (an event's ILMD, or a passport), for evidence. */
  const compositionSource = new Map<string, number>();
  const recovered = new Map<string, number>();
  const flows: Flow[] = [];
  const perEvent: Omit<AuditFinding, 'id'>[] = [];
  const yields: Omit<AuditFinding, 'id'>[] = [];
  const deferredYields: AuditedEvent[] = [];
  /** Transformations that raised an impossible yield: their lots' composition sources are cited. */
  const yieldEvents: AuditedEvent[] = [];
  const producerEvents: AuditedEvent[] = [];
  // The log is read a range at a time, the next ranges asked for before this one is judged: with
  // PostgreSQL the database reads them on the other core meanwhile.
  const ranges: { start: number; end: number }[] = [];
  for (let k = 0; k < indices.length; ) {
    const start = indices[k] as number;
    const end = Math.min(start + READ_CHUNK, (indices.at(-1) as number) + 1);
    ranges.push({ start, end });
    while (k < indices.length && (indices[k] as number) < end) k++;
  }
  const prefetch = (range: { start: number; end: number } | undefined) => {
    if (!range) return null;
    const read = log.store.readEntries(range.start, range.end);
    // Awaited below; if judging the previous range fails first, its failure is the one reported.
    read.catch(() => {});
    return read;
  };
  const reads = ranges.slice(0, READ_AHEAD).map(prefetch);
  let k = 0;
  for (let r = 0; r < ranges.length; r++) {
    const { start, end } = ranges[r] as { start: number; end: number };
    const entries = await (reads.shift() as Promise<Uint8Array[]>);
    // Entries are about 1 KB; ranges of large ones (up to 64 KiB each) are read one at a time.
    let bytes = 0;
    for (const entry of entries) bytes += entry.length;
    const ahead = bytes * READ_AHEAD > READ_AHEAD_BYTES ? 1 : READ_AHEAD;
    for (let next = r + 1 + reads.length; reads.length < ahead && next < ranges.length; next++) {
      reads.push(prefetch(ranges[next]));
    }
    for (; k < indices.length && (indices[k] as number) < end; k++) {
      const index = indices[k] as number;
      // Each event is judged as it is read, so that what it parsed to dies young.
      const e = auditedEvent(index, readLoggedStatement(entries[index - start] as Uint8Array));
      if (!e.event) continue;
      addIlmdCompositions(e, compositions, compositionSource);
      if (judgesYield(e)) {
        // A class's composition, once known, never changes (the first wins), so a transformation
        // whose lots all have one is judged now; the others wait for the passports at the end.
        const known = e.event.fields.classes.every((c) => c.field === 'childQuantity' || compositions.has(c.epcClass));
        const found = known ? impossibleYields([e], compositions, t.yieldTolerance) : [];
        if (!known) deferredYields.push(e);
        else if (found.length > 0) {
          yields.push(...found);
          yieldEvents.push(e);
        }
      }
      if (producerSet.has(e.event.actor)) producerEvents.push(e);
      perEvent.push(...eventFindings([e], facts, t));
      addRecoveredLots(recovered, [e]);
      for (const f of flowsOf([e])) flows.push(f);
    }
    onProgress?.(k, indices.length);
  }
  flows.sort((a, b) => a.eventTimeMs - b.eventTimeMs || a.index - b.index);

  // Classes the rules split into materials and no ILMD described: a product's passport may.
  const unknown = new Set<string>();
  for (const f of flows) if (!compositions.has(f.epcClass)) unknown.add(f.epcClass);
  for (const e of [...deferredYields, ...producerEvents]) {
    for (const c of e.event?.fields.classes ?? [])
      if (c.field !== 'childQuantity' && !compositions.has(c.epcClass)) unknown.add(c.epcClass);
  }
  const products = [...unknown].map((c) => [c, gtinOfEpc(c)] as const);
  const gtins = [...new Set(products.map(([, g]) => g).filter((g): g is string => g !== null))];
  const latest = new Map<string, { body: PassportBody; index: number }>();
  for (const p of gtins.length > 0 ? await log.readModel.passports(gtins) : []) {
    latest.set(p.product, { body: JSON.parse(p.json) as PassportBody, index: p.index });
  }
  for (const [c, g] of products) {
    const p = g ? latest.get(g) : undefined;
    if (p) {
      compositions.set(c, passportComposition(p.body));
      compositionSource.set(c, p.index);
    }
  }

  const facilities = new Map(
    (await log.readModel.records('facility')).map((r) => [r.key, (JSON.parse(r.json) as { type: string }).type]),
  );

  const balance = massBalance(flows, compositions, t);
  const all: Omit<AuditFinding, 'id'>[] = [
    ...perEvent,
    ...yields,
    ...impossibleYields(deferredYields, compositions, t.yieldTolerance),
    ...balance.findings,
    ...overdrawnLots(flows, t),
    ...unreceivedShipments(flows, facilities, t),
    ...(await designFindings(log, producers)),
    ...(await claimFindings(log, producerEvents, producers, compositions, recovered, t)),
  ];
  citeCompositionSources(all, flows, [...yieldEvents, ...deferredYields, ...producerEvents], compositionSource);
  const everything = all.map(withId);
  if ((await log.readModel.indexedSize()) === sizeBefore)
    lastAudit.set(log, { size: sizeBefore, tolerances: canonicalJson(t), findings: everything });
  const findings = everything.filter((f) => matches(f, filter));
  return { events: indices.length, findings, notBalanced: balance.unbalanced.sort(), tolerances: t };
}

/** When each actor was registered, and from when each revoked key stops counting. */
function registryFacts(actors: Awaited<ReturnType<LogService['readModel']['actors']>>): RegistryFacts {
  const registeredMs = new Map<string, number>();
  const revokedMs = new Map<string, { fromMs: number; index: number }>();
  for (const a of actors) {
    registeredMs.set(a.name, Math.min(...a.keys.map((k) => k.validFromMs), a.issuedMs));
    for (const k of a.keys) {
      if (k.revokedFromMs === null || k.revokedIndex === null) continue;
      revokedMs.set(`${a.name} ${toHex(parseVerifierKey(k.vkey).keyId)}`, {
        fromMs: k.revokedFromMs,
        index: k.revokedIndex,
      });
    }
  }
  return { registeredMs, revokedMs };
}

const SPLITTING_RULES = new Set(['impossible-yield', 'mass-balance', 'recycled-content-claim']);

/**
 * A finding that splits classes into materials (impossible yield, mass balance,
 * recycled content received)
 * cites where each class's composition comes from, so that its evidence bundle
 * holds what the arithmetic needs. The classes of a cited event are those of its
 * flows (what the arithmetic used).
 */
function citeCompositionSources(
  findings: Omit<AuditFinding, 'id'>[],
  flows: readonly Flow[],
  transformations: readonly AuditedEvent[],
  compositionSource: ReadonlyMap<string, number>,
): void {
  const splitting = findings.filter((f) => SPLITTING_RULES.has(f.rule));
  if (splitting.length === 0) return;
  const cited = new Set(splitting.flatMap((f) => f.statements));
  const classesOf = new Map<number, Set<string>>();
  const note = (index: number, epcClass: string) => {
    if (!cited.has(index)) return;
    const set = classesOf.get(index) ?? new Set<string>();
    set.add(epcClass);
    classesOf.set(index, set);
  };
  for (const f of flows) note(f.index, f.epcClass);
  for (const e of transformations) for (const c of e.event?.fields.classes ?? []) note(e.index, c.epcClass);
  for (const f of splitting) {
    const sources = new Set<number>();
    for (const i of f.statements) {
      for (const c of classesOf.get(i) ?? []) {
        const src = compositionSource.get(c);
        if (src !== undefined) sources.add(src);
      }
    }
    f.statements = [...new Set([...f.statements, ...sources])].sort((a, b) => a - b);
  }
}

function matches(f: AuditFinding, q: AuditFilter): boolean {
  if (q.rule !== undefined && f.rule !== q.rule) return false;
  if (q.facility !== undefined && f.subject['facility'] !== q.facility && f.subject['destination'] !== q.facility)
    return false;
  if (q.material !== undefined && f.subject['material'] !== q.material) return false;
  const at = Date.parse(f.subject['from'] ?? f.subject['at'] ?? f.subject['shipped'] ?? '');
  if (q.fromMs !== undefined && !(at >= q.fromMs)) return false;
  if (q.toMs !== undefined && !(at < q.toMs)) return false;
  return true;
}

/** The assessment's design flags, per producer: products no route recovers above 70%, regressions, a rising share. */
async function designFindings(log: LogService, producers: string[]): Promise<Omit<AuditFinding, 'id'>[]> {
  const out: Omit<AuditFinding, 'id'>[] = [];
  const service = new ProductService(log.readModel);
  for (const producer of producers.sort()) {
    const versions = await log.readModel.producerPassports(producer);
    if (versions.length === 0) continue;
    const portfolio = await service.portfolio(producer, { period: 'year' });
    for (const v of versions) {
      const latest = versions.filter((x) => x.product === v.product).at(-1);
      if (latest !== v) continue;
      if (v.share < 0.7) {
        out.push({
          rule: 'non-recyclable-design',
          severity: 'medium',
          subject: { actor: producer, product: v.product, version: v.version },
          message: `product ${v.product} (${v.version}) of ${producer}: no available route recovers more than ${(100 * v.share).toFixed(1)}% of its mass (below the 70% of PPWR grade C)`,
          numbers: { share: v.share, threshold: 0.7 },
          statements: [v.index],
        });
      }
    }
    for (const r of portfolio.products.regressions) {
      const idx = versions.filter((x) => x.product === r.product).map((x) => x.index);
      out.push({
        rule: 'design-regression',
        severity: 'medium',
        subject: { actor: producer, product: r.product, version: r.version },
        message: `product ${r.product}: version ${r.version} recovers ${(100 * r.share).toFixed(1)}%, less than the ${(100 * r.previousShare).toFixed(1)}% of ${r.previousVersion} it replaced`,
        numbers: { share: r.share, previousShare: r.previousShare },
        statements: idx,
      });
    }
    for (const flag of portfolio.flags.filter((f) => f.kind === 'rising-non-recyclable-share')) {
      out.push({
        rule: 'rising-non-recyclable-share',
        severity: 'high',
        subject: { actor: producer },
        message: `${producer}: ${flag.message}`,
        numbers: Object.fromEntries(Object.entries(flag.numbers).filter(([, v]) => typeof v === 'number')) as Record<
          string,
          number
        >,
        statements: versions.map((x) => x.index),
      });
    }
  }
  return out;
}

/** Recycled-content claims of each producer against the recovered material it received. */
async function claimFindings(
  log: LogService,
  events: AuditedEvent[],
  producers: string[],
  compositions: Map<string, Record<string, number>>,
  recovered: ReadonlyMap<string, number>,
  t: AuditTolerances,
): Promise<Omit<AuditFinding, 'id'>[]> {
  const passports: AuditedEvent[] = [];
  for (const producer of producers) {
    for (const v of await log.readModel.producerPassports(producer)) {
      const [entry] = await log.store.readEntries(v.index, v.index + 1);
      if (entry) passports.push(auditedEvent(v.index, loggedStatementOf(parseStatement(entry))));
    }
  }
  if (passports.length === 0) return [];
  const { claims, supplies } = claimsAndSupplies(events, passports, new Set(producers), compositions, recovered);
  return recycledContentClaims(claims, supplies, { share: t.claimShare, kg: t.claimKg });
}

/** The evidence bundle of one finding (found by its id), with the finding inside. */
export async function findingEvidence(
  log: LogService,
  id: string,
): Promise<EvidenceBundle & { finding: AuditFinding }> {
  const cached = lastAudit.get(log);
  const fresh =
    cached !== undefined &&
    cached.size === (await log.readModel.indexedSize()) &&
    cached.tolerances === canonicalJson(auditTolerances(log));
  const findings = fresh ? cached.findings : (await runAudit(log)).findings;
  const finding = findings.find((f) => f.id === id);
  if (!finding) throw new MatterlogError('not_found', `no finding ${id} in the current audit`);
  return { ...(await evidenceFor(log, finding.statements)), tolerances: auditTolerances(log), finding };
}
