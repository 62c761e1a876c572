/**
 * What each log entry means to the read model: the one function from entries
 * to index rows. It is judged against the actor registry as it stood at the
 * entry's position, so replaying the log (reindex) always gives the same rows,
 * and entries that are not valid statements (raw operator appends, statements
 * whose signer was revoked before they were sequenced) are left out of the
 * indexes while staying in the log.
 */
import { eventHashId, eventIndexFields, validateEpcisEvent } from '../epcis/index.js';
import type { ProjectedRows, Projection, Projector } from '../log/indexer.js';
import type { EpcisEventBody } from '../statements/bodies.js';
import type { JsonValue } from '../statements/canonical-json.js';
import type { ActorRegistry } from '../statements/registry.js';
import { type ParsedStatement, parseStatement } from '../statements/statement.js';
import { storableText } from '../store/read-model-batch.js';

/** The live registry, replaced whole once a batch is indexed. */
export interface RegistryRef {
  current: ActorRegistry;
}

export interface ProjectionCounts {
  statements: number;
  skipped: number;
}

export function createProjector(ref: RegistryRef, counts?: ProjectionCounts): Projector {
  return {
    project(entries: Uint8Array[], fromIndex: number): Projection {
      const registry = ref.current.clone();
      const rows = emptyRows();
      entries.forEach((entry, i) => {
        const index = fromIndex + i;
        let parsed: ParsedStatement;
        let accepted: ReturnType<ActorRegistry['check']>;
        try {
          parsed = parseStatement(entry);
          accepted = registry.check(parsed);
          if (parsed.statement.kind === 'epcis.event') checkEvent(parsed.statement.body as unknown as EpcisEventBody);
        } catch {
          if (counts) counts.skipped++;
          return;
        }
        const entryRows = emptyRows();
        entryRows.statements.push({
          index,
          kind: parsed.statement.kind,
          issuers: parsed.issuers.join(' '),
          actor: accepted.actor,
          issuedMs: parsed.issuedMs,
          textSha256: parsed.textSha256,
        });
        if (parsed.statement.kind === 'epcis.event') addEventRows(entryRows, index, parsed, accepted);
        // What a driver could not store exactly (NUL, lone surrogates) stays in the log but out of
        // the indexes, decided here and the same way on every replay, rather than stopping the indexer.
        if (!storable(entryRows)) {
          if (counts) counts.skipped++;
          return;
        }
        if (counts) counts.statements++;
        const change = registry.apply(parsed, index);
        if (change.actor) entryRows.actors.push(change.actor);
        if (change.key) entryRows.keys.push(change.key);
        if (change.revocation) entryRows.revocations.push(change.revocation);
        for (const k of Object.keys(rows) as (keyof ProjectedRows)[]) {
          (rows[k] as unknown[]).push(...(entryRows[k] as unknown[]));
        }
      });
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
  return { statements: [], actors: [], keys: [], revocations: [], events: [], epcs: [], classes: [] };
}

function storable(rows: ProjectedRows): boolean {
  const ok = (v: unknown): boolean =>
    typeof v === 'string' ? storableText(v) : typeof v === 'number' ? Number.isFinite(v) : true;
  return [rows.statements, rows.events, rows.epcs, rows.classes].every((list) =>
    (list as object[]).every((row) => Object.values(row).every(ok)),
  );
}

function checkEvent(body: EpcisEventBody): void {
  validateEpcisEvent(body.event, '/body/event');
  const computed = eventHashId(body.event, body.context ?? null);
  if (computed !== body.eventID) throw new Error(`eventID ${body.eventID} is not the event's hash ID ${computed}`);
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
 * The event as queries return it: its hash ID as eventID and its record time,
 * if it gave none, and the prefixes its document defined as its own @context
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
    ...(body.event['recordTime'] === undefined ? { recordTime: issued } : {}),
  };
}
