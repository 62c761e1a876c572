import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalNumber, eventHashId, eventHashIdFromPreHash, eventPreHash } from './event-hash.js';

const CONTEXT = [
  'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
  { example: 'https://ns.example.com/epcis/' },
];

const receiving = {
  type: 'ObjectEvent',
  eventTime: '2025-03-01T10:00:00+01:00',
  eventTimeZoneOffset: '+01:00',
  epcList: ['urn:epc:id:sgtin:4012345.011111.987'],
  action: 'OBSERVE',
  bizStep: 'receiving',
  readPoint: { id: 'urn:epc:id:sgln:4012345.00001.0' },
};

describe('eventPreHash', () => {
  it('builds the CBV 2.0 pre-hash string of a small event', () => {
    const pre = eventPreHash(receiving, CONTEXT);
    expect(pre).toBe(
      'eventType=ObjectEvent' +
        'eventTime=2025-03-01T09:00:00.000Z' +
        'eventTimeZoneOffset=+01:00' +
        'epcListepc=https://id.gs1.org/01/04012345111118/21/987' +
        'action=OBSERVE' +
        'bizStep=https://ref.gs1.org/cbv/BizStep-receiving' +
        'readPointid=https://id.gs1.org/414/4012345000016',
    );
    const hex = createHash('sha256').update(pre, 'utf8').digest('hex');
    expect(eventHashId(receiving, CONTEXT)).toBe(`ni:///sha-256;${hex}?ver=CBV2.0`);
    expect(eventHashIdFromPreHash(pre)).toBe(eventHashId(receiving, CONTEXT));
  });

  it('does not depend on how the same event is written', () => {
    const same = {
      readPoint: { id: 'https://example.com/414/4012345000016?x=1' },
      bizStep: 'urn:epcglobal:cbv:bizstep:receiving',
      action: 'OBSERVE',
      epcList: ['https://id.gs1.org/01/04012345111118/21/987'],
      eventTimeZoneOffset: '+01:00',
      eventTime: '2025-03-01T09:00:00.0001Z',
      type: 'ObjectEvent',
      eventID: 'urn:uuid:4e3ef7c2-1e2d-4f43-9d0e-7d4d0b1c2a3f',
      recordTime: '2025-03-02T00:00:00Z',
      certificationInfo: 'https://example.org/cert/1',
      errorDeclaration: { declarationTime: '2025-03-03T00:00:00Z' },
      'rdfs:comment': 'annotations are not hashed',
    };
    expect(eventPreHash(same, CONTEXT)).toBe(eventPreHash(receiving, CONTEXT));
  });

  it('changes when anything that matters changes', () => {
    const base = eventHashId(receiving, CONTEXT);
    expect(eventHashId({ ...receiving, action: 'ADD' }, CONTEXT)).not.toBe(base);
    expect(eventHashId({ ...receiving, eventTime: '2025-03-01T10:00:00.001+01:00' }, CONTEXT)).not.toBe(base);
    expect(eventHashId({ ...receiving, 'example:note': 'x' }, CONTEXT)).not.toBe(base);
  });

  it('sorts list members and expands extension prefixes through the @context', () => {
    const a = { ...receiving, epcList: ['urn:epc:id:sscc:4012345.0000000222', 'urn:epc:id:sscc:4012345.0000000111'] };
    const b = { ...a, epcList: [...a.epcList].reverse() };
    expect(eventPreHash(a, CONTEXT)).toBe(eventPreHash(b, CONTEXT));
    const ext = eventPreHash({ ...receiving, 'example:lot': { 'example:grade': 'A', 'example:kg': '25.0' } }, CONTEXT);
    expect(ext).toMatch(
      /readPointid=[^{]+\{https:\/\/ns\.example\.com\/epcis\/\}lot\{https:\/\/ns\.example\.com\/epcis\/\}grade=A\{https:\/\/ns\.example\.com\/epcis\/\}kg=25$/,
    );
    // The prefix is only a name for the namespace: renaming it changes nothing.
    const renamed = eventPreHash({ ...receiving, 'ex2:lot': { 'ex2:grade': 'A', 'ex2:kg': '25' } }, [
      'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
      { ex2: 'https://ns.example.com/epcis/' },
    ]);
    expect(renamed).toBe(ext);
  });

  it('keeps matterlog vocabulary URIs and writes quantities without trailing zeros', () => {
    const pre = eventPreHash(
      {
        type: 'TransformationEvent',
        eventTime: '2025-03-02T08:30:00Z',
        eventTimeZoneOffset: '+00:00',
        inputQuantityList: [{ epcClass: 'urn:epc:class:lgtin:4012345.012345.LOT1', quantity: 1.5, uom: 'TNE' }],
        outputQuantityList: [{ epcClass: 'urn:epc:class:lgtin:4012345.054321.LOT9', quantity: 1200.0, uom: 'KGM' }],
        bizStep: 'https://w3id.org/matterlog/voc/BizStep-mechanical_recycling',
      },
      CONTEXT,
    );
    expect(pre).toContain(
      'inputQuantityListquantityElementepcClass=https://id.gs1.org/01/04012345123456/10/LOT1quantity=1.5uom=TNE',
    );
    expect(pre).toContain('quantity=1200uom=KGM');
    expect(pre).toContain('bizStep=https://w3id.org/matterlog/voc/BizStep-mechanical_recycling');
  });

  // Worked examples 2 and 3 of the reference implementation's README (RalphTro/epcis-event-hash-generator).
  it('matches the reference README examples (sensor data; transactions, sources and a readPoint extension)', () => {
    const sensor = {
      type: 'ObjectEvent',
      eventTime: '2020-04-01T15:00:00+01:00',
      eventTimeZoneOffset: '+01:00',
      epcList: ['urn:epc:id:sgtin:4012345.011111.9876'],
      action: 'OBSERVE',
      bizStep: 'inspecting',
      readPoint: { id: 'urn:epc:id:sgln:4012345.00005.0' },
      sensorElementList: [
        {
          sensorMetadata: {
            deviceID: 'urn:epc:id:giai:4000001.111',
            deviceMetadata: 'https://id.gs1.org/8004/4000001111',
          },
          sensorReport: [
            { type: 'Temperature', value: 26, sDev: 0.1, uom: 'CEL' },
            { type: 'AbsoluteHumidity', value: 12.1, uom: 'A93' },
            {
              type: 'Dimensionless',
              microorganism: 'https://www.ncbi.nlm.nih.gov/taxonomy/1126011',
              value: 0.05,
              uom: 'C35',
            },
            {
              type: 'Dimensionless',
              chemicalSubstance: 'https://identifiers.org/inchikey:CZMRCDWAGMRECN-UGDNZRGBSA-N',
              value: 0.18,
              uom: 'C35',
            },
          ],
        },
      ],
    };
    expect(eventHashId(sensor, CONTEXT)).toBe(
      'ni:///sha-256;271565c346ae2fb28c4583c4dca4ab4772d465eb4e0b6e548d77d8b49377d95c?ver=CBV2.0',
    );
    const transactions = {
      type: 'ObjectEvent',
      eventTime: '2020-03-04T11:00:30+01:00',
      eventTimeZoneOffset: '+01:00',
      epcList: ['urn:epc:id:sgtin:0614141.011111.987'],
      action: 'OBSERVE',
      bizStep: 'departing',
      disposition: 'in_transit',
      readPoint: { id: 'urn:epc:id:sgln:4012345.00011.0', 'example:myField1': 'AB-12' },
      bizTransactionList: [{ type: 'po', bizTransaction: 'urn:epc:id:gdti:4012345.11111.123' }],
      sourceList: [{ type: 'owning_party', source: 'urn:epc:id:pgln:4012345.00000' }],
      destinationList: [{ type: 'owning_party', destination: 'urn:epc:id:pgln:0614141.00000' }],
      'example:userExt': 'CD-34',
    };
    const pre = eventPreHash(transactions, CONTEXT);
    // CBV 2.0 puts the readPoint extension in a trailing readPoint block; CBV 2.1 would keep it inline.
    expect(pre).toMatch(
      /destination=https:\/\/id\.gs1\.org\/417\/0614141000005readPoint\{https:\/\/ns\.example\.com\/epcis\/\}myField1=AB-12/,
    );
    expect(eventHashId(transactions, CONTEXT)).toBe(
      'ni:///sha-256;3ae14c02c4bdc220cc31942cf804f6845eb8dec96ba6483391c92a9b165f9329?ver=CBV2.0',
    );
  });
});

describe('canonicalNumber', () => {
  it('writes numbers as the reference does', () => {
    expect(canonicalNumber('25.0')).toBe('25');
    expect(canonicalNumber('0.50')).toBe('0.5');
    expect(canonicalNumber('007')).toBe('7');
    expect(canonicalNumber('+5')).toBe('5');
    expect(canonicalNumber('.5')).toBe('0.5');
    expect(canonicalNumber('1e-7')).toBe('0.0000001');
    expect(canonicalNumber('1.5E3')).toBe('1.5E+3');
    expect(canonicalNumber('-0.0')).toBe('-0');
    expect(canonicalNumber('12.4')).toBe('12.4');
    expect(canonicalNumber('A-1')).toBeNull();
    expect(canonicalNumber('Infinity')).toBeNull();
    expect(canonicalNumber('.')).toBeNull();
  });
});
