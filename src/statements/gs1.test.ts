import { describe, expect, it } from 'vitest';
import { digitalLinkGtin, gtinOfEpc, normaliseGtin } from './gs1.js';

describe('GS1 identifiers', () => {
  it('normalises GTINs and refuses wrong check digits', () => {
    expect(normaliseGtin('4006381333931')).toBe('04006381333931');
    expect(normaliseGtin('4006381333932')).toBeNull();
    expect(normaliseGtin('40063813339')).toBeNull();
  });

  it('reads the GTIN of SGTINs, SGTIN patterns, LGTIN classes and Digital Links (TDS 2.0 examples)', () => {
    // GS1 EPC Tag Data Standard: urn:epc:id:sgtin:0614141.812345.6789 is GTIN 80614141123458.
    expect(gtinOfEpc('urn:epc:id:sgtin:0614141.812345.6789')).toBe('80614141123458');
    expect(gtinOfEpc('urn:epc:idpat:sgtin:0614141.812345.*')).toBe('80614141123458');
    expect(gtinOfEpc('urn:epc:class:lgtin:4012345.012345.998877')).toBe(normaliseGtin('04012345123456'));
    expect(gtinOfEpc('https://id.gs1.org/01/09521234543213/21/abc')).toBe('09521234543213');
    expect(gtinOfEpc('urn:epc:id:sgtin:4006381.033393.A.1')).toBe('04006381333931');
    expect(gtinOfEpc('urn:epc:class:lgtin:4006381.033393.LOT.7')).toBe('04006381333931');
    expect(digitalLinkGtin('https://example.com/01/09521234543213')).toBe('09521234543213');
  });

  it('names no GTIN for other EPCs or malformed SGTINs', () => {
    expect(gtinOfEpc('urn:epc:id:sscc:0614141.1234567890')).toBeNull();
    expect(gtinOfEpc('urn:epc:id:sgtin:0614141.81234.6789')).toBeNull();
    expect(gtinOfEpc('urn:epc:id:sgln:4012345.00001.0')).toBeNull();
    expect(gtinOfEpc('urn:epc:id:sgtin:4006381.033393.')).toBeNull();
    expect(gtinOfEpc('https://example.com/no-gtin')).toBeNull();
  });
});
