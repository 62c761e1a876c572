/**
 * What each log entry means to the read model: the one function from entries
 * to index rows. It is judged against the actor registry as it stood at the
 * entry's position, so replaying the log (reindex) always gives the same rows,
 * and entries that are not valid statements (raw operator appends, statements
 * whose signer was revoked before they were sequenced) are left out of the
 * indexes while staying in the log.
 */
import { eventIndexFields } from '../epcis/index.js';
import { fromUtf8 } from '../ledger/bytes.js';
import type { ProjectedRows, Projection, Projector } from '../log/indexer.js';
import type { EpcisEventBody } from '../statements/bodies.js';
import type { JsonValue } from '../statements/canonical-json.js';
import type { Accepted, ActorRegistry } from '../statements/registry.js';
import { type ParsedStatement, parseStatement } from '../statements/statement.js';
import type { ReadModelStore } from '../store/read-model.js';
import { emptyBatch, storableText } from '../store/read-model-batch.js';
import type { CheckedNote, CheckedNotes } from './checked-notes.js';
import { type DomainRows, DomainView, marketRows } from './domain-checks.js';
import { changesRegistry, checkEvent } from './statement-checks.js';

/** The live registry, replaced whole once a batch is indexed. */
export interface RegistryRef {
  current: ActorRegistry;
}

export interface ProjectionCounts {
  statements: number;
  skipped: number;
}

/** Why recent entries were left out of the indexes (bounded: for answers to submitters, not an archive). */
export class SkipLog {
  private readonly reasons = new Map<number, string>();

  constructor(private readonly max = 10_000) {}

  record(index: number, reason: string): void {
    this.reasons.set(index, reason);
    if (this.reasons.size > this.max) this.reasons.delete(this.reasons.keys().next().value as number);
  }

  get(index: number): string | undefined {
    return this.reasons.get(index);
  }
}

export function createProjector(
  ref: RegistryRef,
  options: { counts?: ProjectionCounts; skips?: SkipLog; checked?: CheckedNotes } = {},
): Projector {
  const { counts, skips, checked } = options;
  const skip = (index: number, e: unknown) => {
    if (counts) counts.skipped++;
    skips?.record(index, e instanceof Error ? e.message : String(e));
  };
  return {
    async project(entries: Uint8Array[], fromIndex: number, readModel: ReadModelStore): Promise<Projection> {
      const registry = ref.current.clone();
      const rows = emptyRows();
      const hints = new Map<ParsedStatement, CheckedNote>();
      const parsed = entries.map((entry) => {
        try {
          // Decoded once: the text is both the key of a hint and what a parse would decode.
          const text = checked ? fromUtf8(entry) : entry;
          const hint = typeof text === 'string' ? checked?.take(text) : undefined;
          if (hint) hints.set(hint.parsed, hint);
          return hint?.parsed ?? parseStatement(text);
        } catch (e) {
          return e instanceof Error ? e : new Error(String(e));
        }
      });
      // A registry statement whose text is already indexed must not change the registry
      // again (the read model keeps only its first copy): a replay would not apply it.
      const registryTexts = parsed.flatMap((p) => (p instanceof Error || !changesRegistry(p) ? [] : [p.textSha256]));
      const seen = new Set(registryTexts.length > 0 ? (await readModel.findStatements(registryTexts)).keys() : []);
      const domain = await DomainView.load(
        readModel,
        parsed.filter((p): p is ParsedStatement => !(p instanceof Error)),
      );
      for (const [i, p] of parsed.entries()) {
        const index = fromIndex + i;
        if (p instanceof Error) {
          skip(index, p);
          continue;
        }
        if (changesRegistry(p)) {
          if (seen.has(p.textSha256)) {
            skip(index, `the same statement is already in the log`);
            continue;
          }
          seen.add(p.textSha256);
        }
        let accepted: Accepted;
        let domainRows: DomainRows;
        const hint = hints.get(p);
        try {
          accepted = registry.check(p, hint ? { verified: hint.verified } : {});
          if (p.statement.kind === 'epcis.event' && !hint) checkEvent(p);
          domainRows = domain.check(p, accepted.actor, index);
        } catch (e) {
          skip(index, e);
          continue;
        }
        const entryRows = emptyRows();
        entryRows.statements.push({
          index,
          kind: p.statement.kind,
          issuers: p.issuers.join(' '),
          actor: accepted.actor,
          issuedMs: p.issuedMs,
          textSha256: p.textSha256,
        });
        if (p.statement.kind === 'epcis.event') addEventRows(entryRows, index, p, accepted);
        entryRows.passports.push(...domainRows.passports);
        entryRows.records.push(...domainRows.records);
        // What a driver could not store exactly (NUL, lone surrogates) stays in the log but out of
        // the indexes, decided here and the same way on every replay, rather than stopping the indexer.
        if (!storable(entryRows)) {
          skip(index, 'it holds text the indexes cannot store (NUL or a lone surrogate)');
          continue;
        }
        if (counts) counts.statements++;
        domain.apply(domainRows);
        const change = registry.apply(p, index);
        if (change.actor) entryRows.actors.push(change.actor);
        if (change.key) entryRows.keys.push(change.key);
        if (change.revocation) entryRows.revocations.push(change.revocation);
        for (const k of Object.keys(rows) as (keyof ProjectedRows)[]) {
          (rows[k] as unknown[]).push(...(entryRows[k] as unknown[]));
        }
      }
      return {
        rows,
        applied() {
          ref.current = registry;
        },
      };
    },
  };
}

function emptyRows(): ProjectedRows {
  const { fromSize: _from, toSize: _to, ...rows } = emptyBatch(0, 0);
  return rows;
}

function storable(rows: ProjectedRows): boolean {
  const ok = (v: unknown): boolean =>
    typeof v === 'string' ? storableText(v) : typeof v === 'number' ? Number.isFinite(v) : true;
  return [rows.statements, rows.events, rows.epcs, rows.classes, rows.passports, rows.market, rows.records].every(
    (list) => (list as object[]).every((row) => Object.values(row).every(ok)),
  );
}

function addEventRows(
  rows: ProjectedRows,
  index: number,
  parsed: ParsedStatement,
  accepted: { actor: string; custody: 'self' | 'gateway' },
): void {
  const body = parsed.statement.body as unknown as EpcisEventBody;
  const f = eventIndexFields(body.event);
  rows.events.push({
    index,
    eventId: body.eventID,
    eventType: f.eventType,
    eventTimeMs: f.eventTimeMs,
    recordTimeMs: parsed.issuedMs,
    action: f.action,
    bizStep: f.bizStep,
    disposition: f.disposition,
    readPoint: f.readPoint,
    bizLocation: f.bizLocation,
    actor: accepted.actor,
    custody: accepted.custody,
    json: JSON.stringify(queryEvent(body, parsed.statement.issued)),
  });
  for (const e of f.epcs) rows.epcs.push({ index, field: e.field, epc: e.epc });
  rows.market.push(...marketRows(index, body, accepted.actor, f));
  for (const c of f.classes) {
    rows.classes.push({
      index,
      field: c.field,
      epcClass: c.epcClass,
      quantity: c.quantity,
      uom: c.uom,
      kg: c.kg,
      facility: f.bizLocation,
      eventTimeMs: f.eventTimeMs,
    });
  }
}

/**
 * The event as queries return it: its hash ID as eventID if it gave none, the
 * statement's issued time as its record time, and the prefixes its document defined as its own @context
 * (events from many documents share one query document).
 */
function queryEvent(body: EpcisEventBody, issued: string): { [key: string]: JsonValue } {
  const own = (Array.isArray(body.context) ? body.context : body.context ? [body.context] : []).filter(
    (c) => typeof c === 'object' && c !== null,
  );
  return {
    ...(own.length > 0 && body.event['@context'] === undefined ? { '@context': own } : {}),
    ...body.event,
    ...(body.event['eventID'] === undefined ? { eventID: body.eventID } : {}),
    // The record time is when the statement was issued (the capture system's time), whatever
    // the event says, so that what queries filter on and what they show agree.
    recordTime: issued,
  };
}
