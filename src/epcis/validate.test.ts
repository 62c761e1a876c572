import { describe, expect, it } from 'vitest';
import { isMatterlogError, type MatterlogError } from '../ledger/errors.js';
import type { ValidationIssue } from './types.js';
import { epcisDocumentIssues, epcisValidators, validateEpcisDocument, validateEpcisEvent } from './validate.js';
import { BIZSTEP_MECHANICAL_RECYCLING } from './vocabulary.js';

const receiving = () => ({
  type: 'ObjectEvent',
  eventTime: '2025-03-01T10:00:00.000+01:00',
  eventTimeZoneOffset: '+01:00',
  epcList: ['urn:epc:id:sgtin:4012345.011111.987'],
  action: 'OBSERVE',
  bizStep: 'receiving',
  disposition: 'in_progress',
  readPoint: { id: 'urn:epc:id:sgln:4012345.00001.0' },
});

const recycling = () => ({
  type: 'TransformationEvent',
  eventTime: '2025-03-02T08:30:00Z',
  eventTimeZoneOffset: '+00:00',
  inputQuantityList: [{ epcClass: 'urn:epc:class:lgtin:4012345.012345.LOT1', quantity: 1.5, uom: 'TNE' }],
  outputQuantityList: [{ epcClass: 'urn:epc:class:lgtin:4012345.054321.LOT9', quantity: 1200, uom: 'KGM' }],
  bizStep: BIZSTEP_MECHANICAL_RECYCLING,
  bizLocation: { id: 'https://id.gs1.org/414/4012345000016' },
  'example:operator': 'line 2',
});

const doc = (...events: unknown[]) => ({
  '@context': [
    'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
    { example: 'https://example.org/ns/' },
  ],
  type: 'EPCISDocument',
  schemaVersion: '2.0',
  creationDate: '2025-03-02T09:00:00Z',
  epcisBody: { eventList: events },
});

function rejection(d: unknown): ValidationIssue[] {
  try {
    validateEpcisDocument(d);
  } catch (e) {
    expect(isMatterlogError(e, 'invalid_input')).toBe(true);
    return (e as MatterlogError).details['errors'] as ValidationIssue[];
  }
  throw new Error('expected the document to be rejected');
}

describe('validateEpcisDocument', () => {
  it('returns the events and the @context of a valid document', () => {
    const d = doc(receiving(), recycling());
    const { events, context } = validateEpcisDocument(d);
    expect(events).toHaveLength(2);
    expect(events[1]?.bizStep).toBe(BIZSTEP_MECHANICAL_RECYCLING);
    expect(context).toBe(d['@context']);
  });

  it('names a bad CBV word at its pointer, once, with what to write instead', () => {
    const bad = { ...receiving(), bizStep: 'sorting' };
    expect(rejection(doc(receiving(), bad))).toEqual([
      {
        pointer: '/epcisBody/eventList/1/bizStep',
        reason: expect.stringMatching(/^must be a CBV 2\.0 bizStep word .* or an absolute URI; 'sorting' is neither/),
      },
    ]);
  });

  it('explains that JSON uses the bare word, not the urn:epcglobal:cbv form', () => {
    const [issue] = rejection(doc({ ...receiving(), disposition: 'urn:epcglobal:cbv:disp:in_progress' }));
    expect(issue?.pointer).toBe('/epcisBody/eventList/0/disposition');
    expect(issue?.reason).toContain("bare word 'in_progress'");
  });

  it('reports a missing required property on the event, without the schema noise', () => {
    const { eventTime: _, ...noTime } = receiving();
    expect(rejection(doc(noTime))).toEqual([
      { pointer: '/epcisBody/eventList/0', reason: "missing required property 'eventTime'" },
    ]);
  });

  it('rejects an eventTime without an offset, and a leap second the schema lets through', () => {
    expect(rejection(doc({ ...receiving(), eventTime: '2025-03-01T10:00:00' }))[0]?.pointer).toBe(
      '/epcisBody/eventList/0/eventTime',
    );
    const leap = rejection(doc({ ...receiving(), eventTime: '2016-12-31T23:59:60Z' }));
    expect(leap).toEqual([{ pointer: '/epcisBody/eventList/0/eventTime', reason: expect.stringContaining('leap') }]);
  });

  it('rejects a malformed eventTimeZoneOffset', () => {
    expect(rejection(doc({ ...receiving(), eventTimeZoneOffset: '+1:00' }))).toEqual([
      { pointer: '/epcisBody/eventList/0/eventTimeZoneOffset', reason: expect.stringContaining('±hh:mm') },
    ]);
  });

  it('rejects negative and non-finite quantities', () => {
    const neg = recycling();
    (neg.outputQuantityList[0] as { quantity: number }).quantity = -5;
    expect(rejection(doc(neg))).toEqual([
      { pointer: '/epcisBody/eventList/0/outputQuantityList/0/quantity', reason: expect.stringContaining('negative') },
    ]);
    const huge = JSON.parse(JSON.stringify(doc(recycling())).replace('"quantity":1200', '"quantity":1e999'));
    expect(rejection(huge).map((x) => x.pointer)).toContain('/epcisBody/eventList/0/outputQuantityList/0/quantity');
  });

  it('points at an unknown property itself and says how to make it an extension', () => {
    const issues = rejection(doc({ ...receiving(), weight: 12 }));
    expect(issues).toEqual([
      { pointer: '/epcisBody/eventList/0/weight', reason: expect.stringContaining("unknown property 'weight'") },
    ]);
    expect(issues[0]?.reason).toContain('prefix:weight');
  });

  it('lists the allowed members of a quantity element', () => {
    const d = recycling();
    (d.inputQuantityList[0] as Record<string, unknown>)['kg'] = 1500;
    expect(rejection(doc(d))).toEqual([
      {
        pointer: '/epcisBody/eventList/0/inputQuantityList/0/kg',
        reason: "unknown property 'kg' (allowed: epcClass, quantity, uom)",
      },
    ]);
  });

  it('collapses "one of these lists is needed" into one sentence', () => {
    const { epcList: _, readPoint: __, ...bare } = receiving();
    expect(rejection(doc(bare))).toEqual([
      {
        pointer: '/epcisBody/eventList/0',
        reason: "needs 'epcList', or 'quantityList', or 'sensorElementList' and 'readPoint'",
      },
    ]);
  });

  it('says an invalid action once, at the action', () => {
    expect(rejection(doc({ ...receiving(), action: 'SHIP' }))).toEqual([
      { pointer: '/epcisBody/eventList/0/action', reason: "must be one of 'OBSERVE', 'ADD', 'DELETE'" },
    ]);
  });

  it('explains that ilmd needs action ADD', () => {
    const ilmd = { ...receiving(), ilmd: { 'example:grade': 'A' } };
    expect(rejection(doc(ilmd))).toEqual([
      { pointer: '/epcisBody/eventList/0/ilmd', reason: expect.stringContaining('only allowed when action is ADD') },
    ]);
    expect(validateEpcisDocument(doc({ ...ilmd, action: 'ADD' })).events).toHaveLength(1);
  });

  it('lists every error of every event, in document order', () => {
    const issues = rejection(doc({ ...receiving(), action: 'SHIP' }, receiving(), { ...recycling(), bizStep: 'x' }));
    expect(issues.map((x) => x.pointer)).toEqual(['/epcisBody/eventList/0/action', '/epcisBody/eventList/2/bizStep']);
  });

  it('escapes pointer segments (RFC 6901)', () => {
    const issues = rejection(doc({ ...receiving(), 'a/b~c': 1 }));
    expect(issues[0]?.pointer).toBe('/epcisBody/eventList/0/a~1b~0c');
  });

  it('accepts only an EPCISDocument', () => {
    expect(epcisDocumentIssues([])).toEqual([{ pointer: '', reason: expect.stringContaining('JSON object') }]);
    expect(epcisDocumentIssues({ ...doc(), type: 'EPCISQueryDocument' })[0]?.reason).toContain('query result');
    expect(epcisDocumentIssues(receiving())[0]?.reason).toContain('eventList of an EPCISDocument');
    const { '@context': _, ...noContext } = doc(receiving());
    expect(rejection(noContext)).toEqual([{ pointer: '', reason: "missing required property '@context'" }]);
  });

  it('puts the first problems in the message, every one in details', () => {
    try {
      validateEpcisDocument(doc(...Array.from({ length: 5 }, () => ({ ...receiving(), bizStep: 'nope' }))));
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).toMatch(/5 problems; nothing was recorded\): \/epcisBody\/eventList\/0\/bizStep: /);
      expect((e as Error).message).toContain('and 2 more');
      expect((e as MatterlogError).details['errors']).toHaveLength(5);
    }
  });
});

describe('validateEpcisEvent', () => {
  it('validates one event, pointers under the given prefix', () => {
    expect(validateEpcisEvent(receiving()).type).toBe('ObjectEvent');
    expect(() => validateEpcisEvent({ ...receiving(), bizStep: 'sorting' }, '/body/event')).toThrow(
      /\/body\/event\/bizStep: must be a CBV 2\.0 bizStep word/,
    );
  });

  it('compiles the schema once', () => {
    expect(epcisValidators()).toBe(epcisValidators());
  });
});
