/**
 * The way statements get into the log: check every one (signatures against
 * registered, unrevoked keys; the issuer's role; the body; the EPCIS event and
 * its hash ID; the clock), deduplicate, sequence, and wait until the read model
 * has them, so that the next request already sees what this one registered.
 *
 * A request is all or nothing: if any statement is refused, none is sequenced,
 * and the error lists each refused statement and why. Statements already in
 * the log (same canonical text, or an EPCIS event with the same hash ID) are
 * answered with their existing index.
 */

import { eventHashId, validateEpcisEvent } from '../epcis/index.js';
import { toBase64, utf8 } from '../ledger/bytes.js';
import { type ErrorCode, MatterlogError } from '../ledger/errors.js';
import { leafHash } from '../ledger/hash.js';
import { type Indexer, indexerStuck } from '../log/indexer.js';
import type { AddResult, Sequencer } from '../log/sequencer.js';
import type { EpcisEventBody } from '../statements/bodies.js';
import { type ParsedStatement, parseStatement } from '../statements/statement.js';
import type { LogStore } from '../store/contract.js';
import type { ReadModelStore } from '../store/read-model.js';
import type { RateLimiter } from './rate-limiter.js';
import type { RegistryRef } from './read-model-projection.js';

export interface SubmitResult {
  index: number;
  leafHash: string;
  /** True when the statement (or its EPCIS event) was already in the log. */
  duplicate: boolean;
  kind: string;
  eventID?: string;
}

export interface StatementRefusal {
  /** Position of the statement in the request. */
  statement: number;
  code: ErrorCode;
  reason: string;
  pointer?: string;
}

export interface StatementServiceOptions {
  /** How far in the future `issued` may be. */
  skewMs: number;
  /** Most statements in one request. */
  maxBatch: number;
  /** Called for every refused request (the server logs them). */
  onRefused?: (refusals: StatementRefusal[], who: string) => void;
  now?: () => number;
}

export class StatementService {
  /** Statements and events sequenced but not yet indexed: the read model cannot answer for them yet. */
  private readonly inFlightTexts = new Map<string, Promise<SubmitResult>>();
  private readonly inFlightEvents = new Map<string, Promise<SubmitResult>>();

  constructor(
    private readonly log: LogStore,
    private readonly sequencer: Sequencer,
    private readonly readModel: ReadModelStore,
    private readonly indexer: Indexer,
    private readonly registry: RegistryRef,
    private readonly limiter: RateLimiter,
    private readonly options: StatementServiceOptions,
  ) {}

  async submit(notes: readonly (string | Uint8Array)[]): Promise<SubmitResult[]> {
    if (notes.length === 0) throw new MatterlogError('invalid_input', 'no statements to submit');
    if (notes.length > this.options.maxBatch) {
      throw new MatterlogError(
        'request_too_large',
        `${notes.length} statements in one request; send at most ${this.options.maxBatch}`,
      );
    }
    const now = (this.options.now ?? Date.now)();
    const checked = this.check(notes, now);
    this.rateLimit(checked.map((c) => c.actor));
    return this.sequence(checked.map((c) => c.parsed));
  }

  private check(notes: readonly (string | Uint8Array)[], now: number): { parsed: ParsedStatement; actor: string }[] {
    const overlay = this.registry.current.clone();
    const refusals: StatementRefusal[] = [];
    const parsed: { parsed: ParsedStatement; actor: string }[] = [];
    notes.forEach((note, i) => {
      try {
        const s = parseStatement(note);
        const { actor } = overlay.check(s, { nowMs: now, skewMs: this.options.skewMs });
        if (s.statement.kind === 'epcis.event') checkEvent(s);
        // Later statements in the same request see what earlier ones register or revoke.
        overlay.apply(s, -1);
        parsed.push({ parsed: s, actor });
      } catch (e) {
        refusals.push(refusal(i, e));
      }
    });
    if (refusals.length > 0) {
      const who = [...new Set(parsed.map((p) => p.actor))].join(', ') || 'unidentified';
      this.options.onRefused?.(refusals, who);
      throw batchError(refusals, notes.length);
    }
    return parsed;
  }

  /** Per actor spoken for: a gateway's captures count against the actor it captured for. */
  private rateLimit(actors: string[]): void {
    const perActor = new Map<string, number>();
    for (const who of actors) perActor.set(who, (perActor.get(who) ?? 0) + 1);
    for (const [who, n] of perActor) this.limiter.take(who, n);
  }

  private async sequence(parsed: ParsedStatement[]): Promise<SubmitResult[]> {
    const eventIds = parsed.map((p) => eventIdOf(p));
    const [byText, byEvent] = await Promise.all([
      this.readModel.findStatements(parsed.map((p) => p.textSha256)),
      this.readModel.findEvents(eventIds.filter((e): e is string => e !== undefined)),
    ]);
    // Each statement is either already indexed, on its way (in flight, or earlier
    // in this request), or new; only the new ones go to the sequencer.
    type Plan = { known: number } | { pending: Promise<SubmitResult> } | { twin: number } | { fresh: number };
    const plans: Plan[] = [];
    const fresh: ParsedStatement[] = [];
    const seenInRequest = new Map<string, number>();
    parsed.forEach((p, i) => {
      const eventID = eventIds[i];
      const known = byText.get(p.textSha256) ?? (eventID ? byEvent.get(eventID) : undefined);
      const pending = this.inFlightTexts.get(p.textSha256) ?? (eventID ? this.inFlightEvents.get(eventID) : undefined);
      const twin = seenInRequest.get(p.textSha256) ?? (eventID ? seenInRequest.get(eventID) : undefined);
      if (known !== undefined) plans.push({ known });
      else if (pending) plans.push({ pending });
      else if (twin !== undefined) plans.push({ twin });
      else {
        plans.push({ fresh: fresh.length });
        fresh.push(p);
        seenInRequest.set(p.textSha256, i);
        if (eventID) seenInRequest.set(eventID, i);
      }
    });
    const added = fresh.length > 0 ? this.sequencer.addAll(fresh.map((p) => utf8(p.note))) : [];
    const answers: Promise<SubmitResult>[] = [];
    plans.forEach((plan, i) => {
      const p = parsed[i] as ParsedStatement;
      const eventID = eventIds[i];
      const extra = { kind: p.statement.kind, ...(eventID ? { eventID } : {}) };
      if ('known' in plan) answers.push(this.existing(plan.known, extra));
      else if ('pending' in plan) answers.push(plan.pending.then((r) => ({ ...r, ...extra, duplicate: true })));
      else if ('twin' in plan) {
        answers.push((answers[plan.twin] as Promise<SubmitResult>).then((r) => ({ ...r, ...extra, duplicate: true })));
      } else {
        const answer = (added[plan.fresh] as Promise<AddResult>).then(async (r) => {
          await this.indexer.catchUp(r.index + 1).catch((e: unknown) => {
            throw indexerStuck(e);
          });
          return { index: r.index, leafHash: toBase64(r.leafHash), duplicate: r.duplicate, ...extra };
        });
        answers.push(answer);
        this.inFlightTexts.set(p.textSha256, answer);
        if (eventID) this.inFlightEvents.set(eventID, answer);
        const forget = () => {
          this.inFlightTexts.delete(p.textSha256);
          if (eventID) this.inFlightEvents.delete(eventID);
        };
        answer.then(forget, forget);
      }
    });
    return Promise.all(answers);
  }

  private async existing(index: number, extra: { kind: string; eventID?: string }): Promise<SubmitResult> {
    const [entry] = await this.log.readEntries(index, index + 1);
    return { index, leafHash: toBase64(leafHash(entry as Uint8Array)), duplicate: true, ...extra };
  }
}

function eventIdOf(p: ParsedStatement): string | undefined {
  return p.statement.kind === 'epcis.event' ? (p.statement.body as unknown as EpcisEventBody).eventID : undefined;
}

/** The event must be valid EPCIS 2.0 and its eventID its CBV 2.0 hash ID. */
function checkEvent(s: ParsedStatement): void {
  const body = s.statement.body as unknown as EpcisEventBody;
  validateEpcisEvent(body.event, '/body/event');
  const computed = eventHashId(body.event, body.context ?? null);
  if (computed !== body.eventID) {
    throw new MatterlogError('invalid_input', `body.eventID is not the event's CBV 2.0 hash ID (${computed})`, {
      details: { pointer: '/body/eventID', expected: computed },
    });
  }
}

function refusal(i: number, e: unknown): StatementRefusal {
  if (e instanceof MatterlogError) {
    const errors = e.details['errors'];
    const pointer =
      Array.isArray(errors) && typeof errors[0]?.pointer === 'string'
        ? (errors[0].pointer as string)
        : typeof e.details['pointer'] === 'string'
          ? (e.details['pointer'] as string)
          : undefined;
    return { statement: i, code: e.code, reason: e.message, ...(pointer !== undefined ? { pointer } : {}) };
  }
  return { statement: i, code: 'internal', reason: 'the statement could not be checked' };
}

function batchError(refusals: StatementRefusal[], total: number): MatterlogError {
  const codes = new Set(refusals.map((r) => r.code));
  const code: ErrorCode = codes.size === 1 ? (refusals[0] as StatementRefusal).code : 'invalid_input';
  const first = refusals[0] as StatementRefusal;
  const message =
    total === 1
      ? first.reason
      : `${refusals.length} of ${total} statements were refused, so none was logged; statement ${first.statement}: ${first.reason}`;
  return new MatterlogError(code, message, { details: { refused: refusals } });
}
