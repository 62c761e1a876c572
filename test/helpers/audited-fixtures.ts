/**
 * Audit test statements: an EPCIS event signed by an actor and read back as the
 * audit reads a logged statement (through the full parser, so a malformed
 * fixture fails here rather than passing silently).
 */

import { type AuditedEvent, auditedEvent } from '../../src/audit/audited-event.js';
import { eventHashId } from '../../src/epcis/index.js';
import type { Ed25519NoteKey } from '../../src/ledger/note.js';
import type { JsonValue } from '../../src/statements/canonical-json.js';
import { loggedStatementOf, parseStatement, signStatement } from '../../src/statements/statement.js';
import { EPCIS_CONTEXT } from './epcis-fixtures.js';

export function signedEvent(index: number, signer: Ed25519NoteKey, ev: Record<string, unknown>): AuditedEvent {
  const context = [EPCIS_CONTEXT];
  const note = signStatement(
    {
      v: 1,
      kind: 'epcis.event',
      issuer: signer.signer.name,
      issued: '2045-06-01T00:00:00Z',
      body: { event: ev, eventID: eventHashId(ev, context), context } as JsonValue,
    },
    [signer.signer],
  );
  return auditedEvent(index, loggedStatementOf(parseStatement(note)));
}
