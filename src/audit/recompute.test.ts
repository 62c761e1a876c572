import { describe, expect, it } from 'vitest';
import type { Statement } from '../statements/statement.js';
import { type AuditedEvent, auditedEvent } from './audited-event.js';
import { MAX_CITED } from './flow-rules.js';
import { recomputeFinding } from './recompute.js';

const PLANT = 'urn:epc:id:sgln:4012345.00007.0';

/** A receipt of 100 kg of lot `n`, as the audit reads a logged statement (signatures play no part here). */
function receipt(n: number): AuditedEvent {
  const event = {
    type: 'ObjectEvent',
    eventTime: new Date(Date.UTC(2045, 0, 1) + n * 60_000).toISOString(),
    eventTimeZoneOffset: '+00:00',
    action: 'ADD',
    bizStep: 'receiving',
    bizLocation: { id: PLANT },
    epcList: [],
    quantityList: [{ epcClass: `urn:epc:class:lgtin:4012345.099001.L${n}`, quantity: 100, uom: 'KGM' }],
  };
  const statement = {
    v: 1,
    kind: 'epcis.event',
    issuer: 'recycler.example',
    issued: '2045-01-01T00:00:00Z',
    body: { event, eventID: `ni:///sha-256;${String(n).padStart(64, '0')}?ver=CBV2.0` },
  } as unknown as Statement;
  return auditedEvent(n, { statement, issuers: ['recycler.example'], issuedMs: 0, signers: [] });
}

const claim = {
  rule: 'mass-balance',
  subject: {
    facility: PLANT,
    material: 'polymer/PET',
    from: '2045-01-01T00:00:00.000Z',
    to: '2045-02-01T00:00:00.000Z',
  },
  numbers: { imbalanceKg: 400 },
};

describe('recomputing a finding from its bundle', () => {
  it('says a bundle with too few statements does not raise the finding', () => {
    const r = recomputeFinding(claim, [receipt(1), receipt(2)], []);
    expect(r).toMatchObject({ recomputed: true, matches: false });
    expect(r.why).toMatch(/do not raise this mass-balance finding/);
  });

  it('calls a finding that cites as many statements as a bundle may hold a limit, not a failure', () => {
    const events = Array.from({ length: MAX_CITED }, (_, i) => receipt(i));
    const r = recomputeFinding(claim, events, []);
    expect(r).toMatchObject({ recomputed: false, matches: false });
    expect(r.why).toMatch(/rests on more statements than the 500 a bundle cites/);
  });
});
