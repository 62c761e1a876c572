/**
 * The way statements get into the log: check every one (signatures against
 * registered, unrevoked keys; the issuer's role; the body; the EPCIS event and
 * its hash ID; the clock), deduplicate, sequence, and wait until the read model
 * has them, so that the next request already sees what this one registered.
 *
 * A request is all or nothing: if any statement is refused, none is sequenced,
 * and the error lists each refused statement and why; the sequencer commits a
 * request's statements in one batch. Statements already in the log (same
 * canonical text, or an EPCIS event with the same hash ID) are answered with
 * their existing index.
 *
 * Order matters, because a statement is judged by the registry as it stands at
 * its position in the log. So checking and handing to the sequencer happen in
 * one synchronous step (pool order is check order), and while an actor or
 * revocation statement is sequenced but not yet indexed, later requests wait
 * for it before they are checked. As a last guard, every new statement is
 * confirmed in the read model before it is acknowledged.
 */
import { toBase64, utf8 } from '../ledger/bytes.js';
import { MatterlogError } from '../ledger/errors.js';
import { leafHash } from '../ledger/hash.js';
import { type Indexer, indexerStuck } from '../log/indexer.js';
import type { AddResult, Sequencer } from '../log/sequencer.js';
import { type ParsedStatement, parseStatement } from '../statements/statement.js';
import type { LogStore } from '../store/contract.js';
import type { ReadModelStore } from '../store/read-model.js';
import type { CheckedNotes } from './checked-notes.js';
import { DomainView } from './domain-checks.js';
import { checkFindingBundles } from './finding-checks.js';
import { checkPlanDocuments } from './plan-checks.js';
import type { RateLimiter } from './rate-limiter.js';
import type { RegistryRef } from './read-model-projection.js';
import {
  batchError,
  changesRegistry,
  checkEvent,
  eventIdOf,
  refusal,
  type StatementRefusal,
} from './statement-checks.js';
import type { VerifyJob, VerifyPool } from './verify-pool.js';

export type { StatementRefusal } from './statement-checks.js';

export interface SubmitResult {
  index: number;
  leafHash: string;
  /** True when the statement (or its EPCIS event) was already in the log. */
  duplicate: boolean;
  kind: string;
  eventID?: string;
}

export interface StatementServiceOptions {
  /** How far in the future `issued` may be. */
  skewMs: number;
  /** Most statements in one request. */
  maxBatch: number;
  /** Called for every refused request (the server logs them). */
  onRefused?: (refusals: StatementRefusal[], who: string) => void;
  /** Called when a request repeats statements already in the log (answered with their index, not logged again). */
  onReplayed?: (count: number, total: number) => void;
  /** Why the indexer left an entry out of the read model, if it did. */
  skipReason?: (index: number) => string | undefined;
  /** Where fully checked statements are left for the indexer, so it need not check them twice. */
  checked?: CheckedNotes;
  /** Worker threads that verify signatures while the main thread does the rest. */
  pool?: VerifyPool;
  now?: () => number;
}

/** How long answers stay findable after indexing, covering requests whose read-model lookup ran just before. */
const RECENT_MS = 60_000;

export class StatementService {
  /** Text digest or event ID → the answer of a statement sequenced since (or recently) indexed. */
  private readonly inFlight = new Map<string, Promise<SubmitResult>>();
  private readonly recent = new Map<string, { at: number; answer: Promise<SubmitResult> }>();
  /** Set while actor or revocation statements are sequenced but not yet indexed. */
  private registryBarrier: Promise<void> | null = null;

  constructor(
    private readonly log: LogStore,
    private readonly sequencer: Sequencer,
    private readonly readModel: ReadModelStore,
    private readonly indexer: Indexer,
    private readonly registry: RegistryRef,
    private readonly limiter: RateLimiter,
    private readonly options: StatementServiceOptions,
  ) {}

  /**
   * Who signed `note`, checked against the registry as it is now (signatures,
   * registration, revocation, role, clock), without logging anything: for a
   * request that must know who asks before it stores what comes with the
   * statement (an auditor's evidence bundle). `submit` checks it all again.
   */
  authenticate(note: string): { statement: ParsedStatement; actor: string } {
    const statement = parseStatement(note);
    const { actor } = this.registry.current.check(statement, {
      nowMs: (this.options.now ?? Date.now)(),
      skewMs: this.options.skewMs,
    });
    return { statement, actor };
  }

  async submit(notes: readonly (string | Uint8Array)[]): Promise<SubmitResult[]> {
    if (notes.length === 0) throw new MatterlogError('invalid_input', 'no statements to submit');
    if (notes.length > this.options.maxBatch) {
      throw new MatterlogError(
        'request_too_large',
        `${notes.length} statements in one request; send at most ${this.options.maxBatch}`,
      );
    }
    const parsed: (ParsedStatement | null)[] = [];
    const refusals: StatementRefusal[] = [];
    notes.forEach((note, i) => {
      try {
        parsed.push(parseStatement(note));
      } catch (e) {
        parsed.push(null);
        refusals.push(refusal(i, e));
      }
    });
    const ok = parsed.filter((p): p is ParsedStatement => p !== null);
    const [byText, byEvent, verified, domain, planRefusals, findingRefusals] = await Promise.all([
      this.readModel.findStatements(ok.map((p) => p.textSha256)),
      this.readModel.findEvents(ok.map(eventIdOf).filter((e): e is string => e !== undefined)),
      this.preverify(ok),
      DomainView.load(this.readModel, ok),
      checkPlanDocuments(ok, this.readModel, this.log),
      checkFindingBundles(ok, this.readModel, this.log),
    ]);
    while (this.registryBarrier) await this.registryBarrier;
    // From here to addAll nothing awaits: the pool receives statements in the order they were checked.
    // Documents named by plan and finding statements, checked before the synchronous step.
    const documentRefusals = new Map([...planRefusals, ...findingRefusals]);
    const answers = this.checkAndSequence(notes.length, parsed, refusals, verified, domain, documentRefusals, (p) => {
      const e = eventIdOf(p);
      return byText.get(p.textSha256) ?? (e ? byEvent.get(e) : undefined);
    });
    const results = await Promise.all(answers);
    const replayed = results.filter((r) => r.duplicate).length;
    if (replayed > 0) this.options.onReplayed?.(replayed, results.length);
    return results;
  }

  /**
   * Verifies signatures on the worker pool against the keys the registry has now.
   * Whatever did not verify there (or whose key changed meanwhile) the registry
   * check verifies again itself, and reports.
   */
  private async preverify(statements: ParsedStatement[]): Promise<Map<ParsedStatement, Set<string>>> {
    const verified = new Map<ParsedStatement, Set<string>>();
    const pool = this.options.pool;
    if (!pool) return verified;
    const jobs: VerifyJob[] = [];
    const owners: { p: ParsedStatement; vkey: string }[] = [];
    for (const p of statements) {
      const message = utf8(p.text);
      for (const sig of p.signatures) {
        const key = this.registry.current.keyFor(sig);
        if (!key) continue;
        jobs.push({ publicKey: key.publicKey, message, signature: sig.signature });
        owners.push({ p, vkey: key.vkey });
      }
    }
    const results = await pool.verify(jobs);
    results.forEach((ok, i) => {
      if (!ok) return;
      const { p, vkey } = owners[i] as { p: ParsedStatement; vkey: string };
      const set = verified.get(p) ?? new Set<string>();
      set.add(vkey);
      verified.set(p, set);
    });
    return verified;
  }

  private checkAndSequence(
    total: number,
    parsed: (ParsedStatement | null)[],
    refusals: StatementRefusal[],
    verified: Map<ParsedStatement, Set<string>>,
    domain: DomainView,
    documentRefusals: Map<ParsedStatement, MatterlogError>,
    indexed: (p: ParsedStatement) => number | undefined,
  ): Promise<SubmitResult>[] {
    const now = (this.options.now ?? Date.now)();
    const overlay = this.registry.current.clone();
    const actors: string[] = [];
    const verifiedBy = new Map<ParsedStatement, string[]>();
    const texts = new Set<string>();
    parsed.forEach((s, i) => {
      if (!s) return;
      try {
        const seen = verified.get(s);
        const { actor, keys } = overlay.check(s, {
          nowMs: now,
          skewMs: this.options.skewMs,
          ...(seen ? { verified: seen } : {}),
        });
        if (s.statement.kind === 'epcis.event') checkEvent(s);
        // A statement already logged (or on its way) is answered with its index below, not judged
        // again against a view that already holds it.
        if (indexed(s) === undefined && !this.pending(s.textSha256) && !texts.has(s.textSha256)) {
          domain.apply(domain.check(s, actor, -1));
          const document = documentRefusals.get(s);
          if (document) throw document;
        }
        texts.add(s.textSha256);
        // Later statements in the same request see what earlier ones register or revoke.
        overlay.apply(s, -1);
        actors.push(actor);
        verifiedBy.set(s, keys);
      } catch (e) {
        refusals.push(refusal(i, e));
      }
    });
    if (refusals.length > 0) {
      refusals.sort((a, b) => a.statement - b.statement);
      this.options.onRefused?.(refusals, [...new Set(actors)].join(', ') || 'unidentified');
      throw batchError(refusals, total);
    }
    this.rateLimit(actors);
    this.forgetOldAnswers(now);
    const statements = parsed as ParsedStatement[];
    // Each statement is already indexed, on its way (in flight, or earlier in this
    // request), or new; only the new ones go to the sequencer.
    const answers: Promise<SubmitResult>[] = [];
    const fresh: { p: ParsedStatement; at: number }[] = [];
    const inRequest = new Map<string, number>();
    statements.forEach((p, i) => {
      const eventID = eventIdOf(p);
      const extra = { kind: p.statement.kind, ...(eventID ? { eventID } : {}) };
      const known = indexed(p);
      const pending = this.pending(p.textSha256) ?? (eventID ? this.pending(eventID) : undefined);
      const twin = inRequest.get(p.textSha256) ?? (eventID ? inRequest.get(eventID) : undefined);
      if (known !== undefined) answers.push(this.existing(known, extra));
      else if (pending) answers.push(pending.then((r) => ({ ...r, ...extra, duplicate: true })));
      else if (twin !== undefined) {
        answers.push((answers[twin] as Promise<SubmitResult>).then((r) => ({ ...r, ...extra, duplicate: true })));
      } else {
        answers.push(Promise.resolve(null as unknown as SubmitResult));
        fresh.push({ p, at: i });
        inRequest.set(p.textSha256, i);
        if (eventID) inRequest.set(eventID, i);
      }
    });
    if (fresh.length === 0) return answers;
    for (const { p } of fresh) this.options.checked?.add(p, verifiedBy.get(p) ?? []);
    const added = this.sequencer.addAll(fresh.map(({ p }) => utf8(p.note)));
    const sequenced = fresh.map(({ p, at }, k) => {
      const eventID = eventIdOf(p);
      const answer = this.acknowledge(p, added[k] as Promise<AddResult>, {
        kind: p.statement.kind,
        ...(eventID ? { eventID } : {}),
      });
      answers[at] = answer;
      for (const key of [p.textSha256, ...(eventID ? [eventID] : [])]) this.inFlight.set(key, answer);
      // A failed answer is forgotten at once: a resubmission must try again, not be told the same failure.
      const settle = (ok: boolean) => {
        for (const key of [p.textSha256, ...(eventID ? [eventID] : [])]) {
          if (this.inFlight.get(key) === answer) this.inFlight.delete(key);
          if (ok) this.recent.set(key, { at: Date.now(), answer });
        }
      };
      answer.then(
        () => settle(true),
        () => settle(false),
      );
      return answer;
    });
    if (fresh.some(({ p }) => changesRegistry(p))) {
      const barrier = Promise.allSettled(sequenced).then(() => {
        if (this.registryBarrier === barrier) this.registryBarrier = null;
      });
      this.registryBarrier = barrier;
    }
    return answers;
  }

  /** Waits for the commit and the read model, and confirms the statement is indexed where it was sequenced. */
  private async acknowledge(
    p: ParsedStatement,
    added: Promise<AddResult>,
    extra: { kind: string; eventID?: string },
  ): Promise<SubmitResult> {
    const r = await added;
    await this.indexer.catchUp(r.index + 1).catch((e: unknown) => {
      throw indexerStuck(e);
    });
    const at = (await this.readModel.findStatements([p.textSha256])).get(p.textSha256);
    if (at === undefined) {
      const why = this.options.skipReason?.(r.index) ?? 'it was not valid at its position in the log';
      throw new MatterlogError(
        'conflict',
        `the statement was sequenced at index ${r.index}, but the log's indexes leave it out: ${why}. It stays in the log; check it and submit a corrected statement`,
        { details: { index: r.index, reason: why } },
      );
    }
    return { index: at, leafHash: toBase64(r.leafHash), duplicate: r.duplicate || at !== r.index, ...extra };
  }

  private pending(key: string): Promise<SubmitResult> | undefined {
    return this.inFlight.get(key) ?? this.recent.get(key)?.answer;
  }

  private forgetOldAnswers(now: number): void {
    for (const [key, { at }] of this.recent) {
      if (now - at < RECENT_MS && this.recent.size < 200_000) break;
      this.recent.delete(key);
    }
  }

  /** Per actor spoken for: a gateway's captures count against the actor it captured for. */
  private rateLimit(actors: string[]): void {
    const perActor = new Map<string, number>();
    for (const who of actors) perActor.set(who, (perActor.get(who) ?? 0) + 1);
    this.limiter.takeAll(perActor);
  }

  /** The answer for a statement already at `index` (operators' idempotent retries use it too). */
  async existing(index: number, extra: { kind: string; eventID?: string }): Promise<SubmitResult> {
    const [entry] = await this.log.readEntries(index, index + 1);
    return { index, leafHash: toBase64(leafHash(entry as Uint8Array)), duplicate: true, ...extra };
  }
}
