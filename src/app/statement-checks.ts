/**
 * The per-statement checks of the way in that go beyond the registry (the EPCIS
 * event and its hash ID, nesting depth) and how refusals are reported.
 */
import { eventHashId, validateEpcisEvent } from '../epcis/index.js';
import { type ErrorCode, MatterlogError } from '../ledger/errors.js';
import type { EpcisEventBody } from '../statements/bodies.js';
import type { ParsedStatement } from '../statements/statement.js';

export interface StatementRefusal {
  /** Position of the statement in the request. */
  statement: number;
  code: ErrorCode;
  reason: string;
  pointer?: string;
}

export function eventIdOf(p: ParsedStatement): string | undefined {
  return p.statement.kind === 'epcis.event' ? (p.statement.body as unknown as EpcisEventBody).eventID : undefined;
}

export function changesRegistry(p: ParsedStatement): boolean {
  return p.statement.kind === 'actor' || p.statement.kind === 'revocation';
}

/** The event must be valid EPCIS 2.0 and its eventID its CBV 2.0 hash ID. */
export function checkEvent(s: ParsedStatement): void {
  const body = s.statement.body as unknown as EpcisEventBody;
  validateEpcisEvent(body.event, '/body/event');
  const computed = eventHashId(body.event, body.context ?? null);
  if (computed !== body.eventID) {
    throw new MatterlogError('invalid_input', `body.eventID is not the event's CBV 2.0 hash ID (${computed})`, {
      details: { pointer: '/body/eventID', expected: computed },
    });
  }
}

export function refusal(i: number, e: unknown): StatementRefusal {
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
  if (e instanceof RangeError) {
    return { statement: i, code: 'invalid_input', reason: 'the statement is nested too deeply to be checked' };
  }
  return { statement: i, code: 'internal', reason: 'the statement could not be checked' };
}

export function batchError(refusals: StatementRefusal[], total: number): MatterlogError {
  const codes = new Set(refusals.map((r) => r.code));
  const code: ErrorCode = codes.size === 1 ? (refusals[0] as StatementRefusal).code : 'invalid_input';
  const first = refusals[0] as StatementRefusal;
  const message =
    total === 1
      ? first.reason
      : `${refusals.length} of ${total} statements were refused, so none was logged; statement ${first.statement}: ${first.reason}`;
  return new MatterlogError(code, message, { details: { refused: refusals } });
}
