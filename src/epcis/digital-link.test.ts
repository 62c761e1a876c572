import { describe, expect, it } from 'vitest';
import { canonicalDigitalLink, gs1CheckDigit } from './digital-link.js';

describe('gs1CheckDigit', () => {
  it('computes the GS1 mod-10 check digit', () => {
    expect(gs1CheckDigit('400638133393')).toBe(1); // GTIN-13 4006381333931
    expect(gs1CheckDigit('0401234511111')).toBe(8);
    expect(gs1CheckDigit('00000000000000000')).toBe(0);
  });
});

describe('canonicalDigitalLink', () => {
  // Expected values from the CBV 2.0 hash vectors of RalphTro/epcis-event-hash-generator.
  it.each([
    ['urn:epc:id:sgtin:4012345.011111.987', 'https://id.gs1.org/01/04012345111118/21/987'],
    ['urn:epc:id:sscc:4012345.0000000333', 'https://id.gs1.org/00/040123450000003338'],
    ['urn:epc:id:sgln:4012345.00011.987', 'https://id.gs1.org/414/4012345000115/254/987'],
    ['urn:epc:id:sgln:4012345.00001.0', 'https://id.gs1.org/414/4012345000016'],
    ['urn:epc:class:lgtin:4023333.055555.ABC123', 'https://id.gs1.org/01/04023333555555/10/ABC123'],
    ['urn:epc:idpat:sgtin:4012345.066666.*', 'https://id.gs1.org/01/04012345666663'],
    ['urn:epc:id:giai:4012345.ABC', 'https://id.gs1.org/8004/4012345ABC'],
    ['urn:epc:id:gdti:0614141.12345.400', 'https://id.gs1.org/253/0614141123452400'],
    ['urn:epc:id:gsrn:0614141.0000010253', 'https://id.gs1.org/8018/061414100000102534'],
    ['urn:epc:id:pgln:4012345.00225', 'https://id.gs1.org/417/4012345002256'],
    ['urn:epc:id:sgtin:4012345.011111.A(1)', 'https://id.gs1.org/01/04012345111118/21/A%281%29'],
  ])('%s', (epc, dl) => {
    expect(canonicalDigitalLink(epc)).toBe(dl);
  });

  it('moves Digital Link URIs to id.gs1.org, drops query strings and keeps the finest key', () => {
    expect(canonicalDigitalLink('https://id.gs1.de/01/04012345999990/21/XYZ-1234')).toBe(
      'https://id.gs1.org/01/04012345999990/21/XYZ-1234',
    );
    expect(canonicalDigitalLink('https://example.org/8004/401234599999')).toBe('https://id.gs1.org/8004/401234599999');
    expect(canonicalDigitalLink('https://id.gs1.org/01/04012345999990/10/LOT7/21/S1?linkType=all')).toBe(
      'https://id.gs1.org/01/04012345999990/21/S1',
    );
    expect(canonicalDigitalLink('http://example.com/gtin/4012345999990/ser/S1')).toBe(
      'https://id.gs1.org/01/04012345999990/21/S1',
    );
  });

  it('leaves everything else alone', () => {
    expect(canonicalDigitalLink('https://ref.gs1.org/cbv/BizStep-receiving')).toBeNull();
    expect(canonicalDigitalLink('geo:50.947573340894124,6.922120147375441')).toBeNull();
    expect(canonicalDigitalLink('urn:epc:id:sgtin:4012345.011111')).toBeNull();
    expect(canonicalDigitalLink('urn:epc:id:sgtin:4012345.0111111.9')).toBeNull();
    expect(canonicalDigitalLink('https://w3id.org/matterlog/voc/BizStep-sorting')).toBeNull();
  });
});
