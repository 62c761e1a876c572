import { describe, expect, it } from 'vitest';
import { signedEvent } from '../../test/helpers/audited-fixtures.js';
import { event } from '../../test/helpers/epcis-fixtures.js';
import { ed25519NoteKey } from '../ledger/note.js';
import type { AuditedEvent } from './audited-event.js';
import { impossibleYields, maxYield } from './yield-rule.js';

const plant = ed25519NoteKey('recycler.example/plant-7', new Uint8Array(32).fill(62));
const BALES = 'urn:epc:class:lgtin:4012345.099001.B1';
const FLAKES = 'urn:epc:class:lgtin:4012345.099002.F1';
const compositions = new Map<string, Record<string, number>>([
  [BALES, { 'polymer/PET': 0.9, 'fibre/paper': 0.1 }],
  [FLAKES, { 'polymer/PET': 1 }],
]);

function mechanical(index: number, inKg: number, outKg: number): AuditedEvent {
  const ev = event({
    type: 'TransformationEvent',
    extra: {
      inputQuantityList: [{ epcClass: BALES, quantity: inKg, uom: 'KGM' }],
      outputQuantityList: [{ epcClass: FLAKES, quantity: outKg, uom: 'KGM' }],
    },
  });
  return signedEvent(index, plant, ev);
}

describe('impossible yields', () => {
  it('takes the ceiling from the best route of the family: mechanical PET is 68%', () => {
    expect(maxYield('mechanical', 'polymer/PET')).toBe(0.68);
    expect(maxYield('mechanical', 'textile/polyester')).toBe(0);
  });

  it('raises PET flakes above 68% (+2%) of the PET in the bales, and lets 69% pass', () => {
    // 10,000 kg of bales hold 9,000 kg of PET; the ceiling is 9,000 × 0.68 × 1.02 = 6,242.4 kg.
    const [f] = impossibleYields([mechanical(3, 10_000, 6300)], compositions);
    expect(f).toMatchObject({
      rule: 'impossible-yield',
      subject: { material: 'polymer/PET' },
      numbers: { inputKg: 9000, outputKg: 6300, maxYield: 0.68, tolerance: 0.02 },
      statements: [3],
    });
    expect(f?.numbers['allowedKg']).toBeCloseTo(6242.4, 9);
    expect(f?.message).toMatch(/a yield of 70\.0%, above the 68\.0% the best mechanical route achieves/);
    expect(impossibleYields([mechanical(4, 10_000, 6210)], compositions)).toEqual([]);
  });

  it('skips events whose lots have no known composition', () => {
    expect(impossibleYields([mechanical(5, 10_000, 9999)], new Map())).toEqual([]);
  });
});
