import { describe, expect, it } from 'vitest';
import { eventIndexFields } from './event-fields.js';
import { BIZSTEP_SORTING } from './vocabulary.js';

const when = { eventTime: '2025-03-01T10:00:00.000+01:00', eventTimeZoneOffset: '+01:00' };

describe('eventIndexFields', () => {
  it('reads an ObjectEvent: time, action, normalised step and disposition, places, EPCs and quantities', () => {
    const f = eventIndexFields({
      type: 'ObjectEvent',
      ...when,
      action: 'OBSERVE',
      bizStep: 'https://ref.gs1.org/cbv/BizStep-receiving',
      disposition: 'urn:epcglobal:cbv:disp:in_progress',
      readPoint: { id: 'urn:epc:id:sgln:4012345.00001.0' },
      bizLocation: { id: 'urn:epc:id:sgln:4012345.00001.0', 'example:dock': '3' },
      epcList: ['urn:epc:id:sgtin:4012345.011111.1', 'urn:epc:id:sgtin:4012345.011111.2'],
      quantityList: [
        { epcClass: 'urn:epc:class:lgtin:4012345.012345.A', quantity: 2.5, uom: 'TNE' },
        { epcClass: 'urn:epc:class:lgtin:4012345.012345.B', quantity: 12 },
        { epcClass: 'urn:epc:class:lgtin:4012345.012345.C', quantity: 40, uom: 'LTR' },
        { epcClass: 'urn:epc:class:lgtin:4012345.012345.D' },
      ],
    });
    expect(f).toEqual({
      eventType: 'ObjectEvent',
      eventTimeMs: Date.UTC(2025, 2, 1, 9),
      action: 'OBSERVE',
      bizStep: 'receiving',
      disposition: 'in_progress',
      readPoint: 'urn:epc:id:sgln:4012345.00001.0',
      bizLocation: 'urn:epc:id:sgln:4012345.00001.0',
      epcs: [
        { field: 'epc', epc: 'urn:epc:id:sgtin:4012345.011111.1' },
        { field: 'epc', epc: 'urn:epc:id:sgtin:4012345.011111.2' },
      ],
      classes: [
        { field: 'quantity', epcClass: 'urn:epc:class:lgtin:4012345.012345.A', quantity: 2.5, uom: 'TNE', kg: 2500 },
        { field: 'quantity', epcClass: 'urn:epc:class:lgtin:4012345.012345.B', quantity: 12, uom: null, kg: null },
        { field: 'quantity', epcClass: 'urn:epc:class:lgtin:4012345.012345.C', quantity: 40, uom: 'LTR', kg: null },
        { field: 'quantity', epcClass: 'urn:epc:class:lgtin:4012345.012345.D', quantity: null, uom: null, kg: null },
      ],
    });
  });

  it('reads parent and children of AggregationEvents and AssociationEvents', () => {
    for (const type of ['AggregationEvent', 'AssociationEvent']) {
      const f = eventIndexFields({
        type,
        ...when,
        action: 'ADD',
        parentID: 'urn:epc:id:sscc:4012345.0000000111',
        childEPCs: ['urn:epc:id:sgtin:4012345.011111.1'],
        childQuantityList: [{ epcClass: 'urn:epc:class:lgtin:4012345.012345.A', quantity: 500, uom: 'GRM' }],
      });
      expect(f.epcs).toEqual([
        { field: 'parentID', epc: 'urn:epc:id:sscc:4012345.0000000111' },
        { field: 'childEPC', epc: 'urn:epc:id:sgtin:4012345.011111.1' },
      ]);
      expect(f.classes).toEqual([
        {
          field: 'childQuantity',
          epcClass: 'urn:epc:class:lgtin:4012345.012345.A',
          quantity: 500,
          uom: 'GRM',
          kg: 0.5,
        },
      ]);
      expect(f.bizStep).toBeNull();
      expect(f.readPoint).toBeNull();
    }
  });

  it('reads the parent, EPCs and quantities of a TransactionEvent', () => {
    const f = eventIndexFields({
      type: 'TransactionEvent',
      ...when,
      action: 'ADD',
      bizTransactionList: [{ type: 'po', bizTransaction: 'urn:epc:id:gdti:4012345.11111.1' }],
      parentID: 'urn:epc:id:sscc:4012345.0000000111',
      epcList: ['urn:epc:id:sgtin:4012345.011111.1'],
      quantityList: [{ epcClass: 'urn:epc:class:lgtin:4012345.012345.A', quantity: 1, uom: 'KGM' }],
    });
    expect(f.epcs.map((e) => e.field)).toEqual(['parentID', 'epc']);
    expect(f.classes[0]?.field).toBe('quantity');
  });

  it('reads the inputs and outputs of a TransformationEvent, in kilograms', () => {
    const f = eventIndexFields({
      type: 'TransformationEvent',
      ...when,
      bizStep: BIZSTEP_SORTING,
      inputEPCList: ['urn:epc:id:sgtin:4012345.011111.1'],
      outputEPCList: ['urn:epc:id:sgtin:4012345.011111.2'],
      inputQuantityList: [{ epcClass: 'urn:epc:class:lgtin:4012345.012345.IN', quantity: 1, uom: 'STN' }],
      outputQuantityList: [{ epcClass: 'urn:epc:class:lgtin:4012345.054321.OUT', quantity: 800, uom: 'KGM' }],
    });
    expect(f.action).toBeNull();
    expect(f.bizStep).toBe(BIZSTEP_SORTING);
    expect(f.epcs.map((e) => e.field)).toEqual(['inputEPC', 'outputEPC']);
    expect(f.classes.map((c) => [c.field, c.kg])).toEqual([
      ['inputQuantity', 907.18474],
      ['outputQuantity', 800],
    ]);
  });

  it('refuses an event without a usable eventTime', () => {
    expect(() => eventIndexFields({ type: 'ObjectEvent', eventTime: '2025-03-01T10:00:00' })).toThrow(
      /validate it first/,
    );
  });
});
