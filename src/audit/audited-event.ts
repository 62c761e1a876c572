/**
 * What the audit rules read of a logged statement. An EPCIS event is read
 * once into an `EventView` (its index fields, actor, destination and lot
 * composition) and its JSON is not kept: every rule reads the same fields,
 * and at a million events parsing them per rule, and holding every event's
 * JSON at once, were most of an audit's time (garbage collection included).
 * Statements of other kinds (passports, actors, revocations) keep their body.
 */
import { type EventIndexFields, eventIndexFields, ilmdOf } from '../epcis/index.js';
import type { EpcisEventBody } from '../statements/bodies.js';
import type { StatementKind } from '../statements/roles.js';
import type { LoggedStatement } from '../statements/statement.js';

export interface EventView {
  eventID: string;
  fields: EventIndexFields;
  /** Whom the event is about: `onBehalfOf` (a gateway capture), else the first issuer. */
  actor: string;
  /** The location in the event's destination list (`…location` type), for shipments that name one. */
  destination: string | null;
  /** The lot composition its ILMD states, if any. */
  composition: Record<string, number> | null;
}

/** An indexed statement as the rules see it. */
export interface AuditedEvent {
  index: number;
  kind: StatementKind;
  issuers: string[];
  issuedMs: number;
  /** Who signed, with which key (key ID, hex). */
  signers: LoggedStatement['signers'];
  /** The body of a statement of any kind but `epcis.event` (whose event is read into `event`). */
  body: Readonly<Record<string, unknown>> | null;
  event: EventView | null;
}

function destinationOf(event: Readonly<Record<string, unknown>>): string | null {
  const list = event['destinationList'];
  if (!Array.isArray(list)) return null;
  const location = list.find(
    (d) => typeof d === 'object' && d !== null && /location$/.test(String((d as Record<string, unknown>)['type'])),
  ) as Record<string, unknown> | undefined;
  return typeof location?.['destination'] === 'string' ? (location['destination'] as string) : null;
}

export function auditedEvent(index: number, s: LoggedStatement): AuditedEvent {
  const base = { index, kind: s.statement.kind, issuers: s.issuers, issuedMs: s.issuedMs, signers: s.signers };
  if (s.statement.kind !== 'epcis.event') {
    return { ...base, body: s.statement.body as Readonly<Record<string, unknown>>, event: null };
  }
  const body = s.statement.body as unknown as EpcisEventBody;
  const event = body.event as Readonly<Record<string, unknown>>;
  return {
    ...base,
    body: null,
    event: {
      eventID: body.eventID,
      fields: eventIndexFields(event),
      actor: body.onBehalfOf ?? s.issuers[0] ?? '',
      destination: destinationOf(event),
      composition: ilmdOf(event).composition ?? null,
    },
  };
}

/**
 * Records the lot composition an event's ILMD states for each class it brings in
 * or makes (never its inputs) that has none yet: a class's first stated
 * composition is its composition. `sources` notes which event stated it, for
 * evidence. The audit and its recomputation from a bundle both decide here.
 */
export function addIlmdCompositions(
  e: AuditedEvent,
  compositions: Map<string, Readonly<Record<string, number>>>,
  sources?: Map<string, number>,
): void {
  const composition = e.event?.composition;
  if (!composition) return;
  for (const c of e.event?.fields.classes ?? []) {
    if (c.field === 'childQuantity' || c.field === 'inputQuantity' || compositions.has(c.epcClass)) continue;
    compositions.set(c.epcClass, composition);
    sources?.set(c.epcClass, e.index);
  }
}
