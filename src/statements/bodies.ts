/**
 * The body of each statement kind this version accepts, checked field by field
 * with messages that name the field. A kind without a check here is refused
 * rather than logged unchecked: once in the log, a claim cannot be taken back.
 */
import { MatterlogError } from '../ledger/errors.js';
import { checkKeyName, parseVerifierKey, SIG_TYPE_ED25519 } from '../ledger/note.js';
import type { JsonValue } from './canonical-json.js';
import { isRole, ROLES, type Role, type StatementKind } from './roles.js';
import { parseUtcTime, type Statement } from './statement.js';

export interface ActorBody {
  name: string;
  role: Role;
  vkey: string;
  /** A human name for listings. */
  title?: string;
}

export interface RevocationBody {
  name: string;
  vkey: string;
  /** Statements issued at or after this RFC 3339 UTC time are not accepted from the key. */
  from: string;
  reason: string;
}

export interface EpcisEventBody {
  /** The EPCIS 2.0 event, as JSON-LD inside its document. */
  event: { [key: string]: JsonValue };
  /** The document's `@context`, which the event's prefixed names need. */
  context?: JsonValue;
  /** The CBV 2.0 event hash ID of `event`. */
  eventID: string;
  /** Set by the capture gateway: the authenticated actor the event was captured for. */
  onBehalfOf?: string;
}

export const EVENT_HASH_ID = /^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/;

type Body = Record<string, unknown>;

function fail(field: string, why: string): never {
  throw new MatterlogError('invalid_input', `body.${field} ${why}`, {
    details: { errors: [{ pointer: `/body/${field}`, reason: why }] },
  });
}

function onlyMembers(body: Body, kind: string, allowed: string[]): void {
  for (const k of Object.keys(body)) {
    if (!allowed.includes(k)) fail(k, `is not a member of a ${kind} body (members: ${allowed.join(', ')})`);
  }
}

function str(body: Body, field: string, max = 1024): string {
  const v = body[field];
  if (typeof v !== 'string' || v.length === 0) fail(field, 'must be a non-empty string');
  if (v.length > max) fail(field, `must be at most ${max} characters`);
  return v;
}

function name(body: Body, field: string): string {
  const v = str(body, field, 256);
  try {
    checkKeyName(v);
  } catch {
    fail(field, 'must be an actor name: no spaces, "+" or control characters');
  }
  return v;
}

function vkeyFor(body: Body, actor: string): string {
  const v = str(body, 'vkey', 512);
  let parsed: ReturnType<typeof parseVerifierKey>;
  try {
    parsed = parseVerifierKey(v);
  } catch (e) {
    fail('vkey', `is not a signed-note verifier key (${(e as Error).message})`);
  }
  if (parsed.type !== SIG_TYPE_ED25519) fail('vkey', 'must be an Ed25519 (type 0x01) key');
  if (parsed.name !== actor)
    fail('vkey', `is named "${parsed.name}"; an actor's key carries the actor's name "${actor}"`);
  return v;
}

export function checkActorBody(body: Body): ActorBody {
  onlyMembers(body, 'actor', ['name', 'role', 'title', 'vkey']);
  const n = name(body, 'name');
  if (!isRole(body['role'])) fail('role', `must be one of ${ROLES.join(', ')}`);
  vkeyFor(body, n);
  if ('title' in body) str(body, 'title', 200);
  return body as unknown as ActorBody;
}

export function checkRevocationBody(body: Body): RevocationBody {
  onlyMembers(body, 'revocation', ['from', 'name', 'reason', 'vkey']);
  const n = name(body, 'name');
  vkeyFor(body, n);
  try {
    parseUtcTime(body['from'], 'body.from');
  } catch {
    fail('from', 'must be an RFC 3339 UTC time such as 2045-03-01T10:00:00Z');
  }
  str(body, 'reason', 1000);
  return body as unknown as RevocationBody;
}

/** The envelope of an EPCIS event statement; the event itself is checked by src/epcis. */
export function checkEpcisEventBody(body: Body): EpcisEventBody {
  onlyMembers(body, 'epcis.event', ['context', 'event', 'eventID', 'onBehalfOf']);
  const ev = body['event'];
  if (typeof ev !== 'object' || ev === null || Array.isArray(ev)) fail('event', 'must be an EPCIS event object');
  if (typeof body['eventID'] !== 'string' || !EVENT_HASH_ID.test(body['eventID'])) {
    fail('eventID', 'must be the CBV 2.0 event hash ID, ni:///sha-256;<64 hex digits>?ver=CBV2.0');
  }
  if ('onBehalfOf' in body) name(body, 'onBehalfOf');
  return body as unknown as EpcisEventBody;
}

/**
 * Bodies about the domain (passports, routes, facilities) are checked field by
 * field against the catalog, which lives above this layer (src/assess): the way
 * in and the indexer both run those checks (src/app/domain-checks.ts) before a
 * statement is logged or indexed. Here only their shape is asked for.
 */
function domainBody(kind: string) {
  return (body: Body): Body => {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new MatterlogError('invalid_input', `the body of a ${kind} statement must be a JSON object`);
    }
    return body;
  };
}

const CHECKS: Partial<Record<StatementKind, (body: Body) => unknown>> = {
  actor: checkActorBody,
  revocation: checkRevocationBody,
  'epcis.event': checkEpcisEventBody,
  passport: domainBody('passport'),
  route: domainBody('route'),
  facility: domainBody('facility'),
  policy: domainBody('policy'),
  plan: domainBody('plan'),
  finding: domainBody('finding'),
};

/** Checks the body of `statement` for its kind; throws `invalid_input` naming the field. */
export function checkBody(statement: Statement): void {
  const check = CHECKS[statement.kind];
  if (!check) {
    throw new MatterlogError(
      'invalid_input',
      `statements of kind "${statement.kind}" are not accepted by this version of matterlog yet (accepted: ${Object.keys(CHECKS).join(', ')})`,
    );
  }
  check(statement.body as Body);
}
