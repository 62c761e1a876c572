/**
 * The PET bottle of the worked examples (PP cap and paper label, both
 * separated by shredding; 30% recycled PET) as a passport, for the tests that
 * need a realistic, valid one.
 */
import type { PassportBody } from '../../src/assess/passport.js';

export function bottlePassport(over: Partial<PassportBody> = {}): PassportBody {
  return {
    product: { gtin: '4006381333931', name: 'still water 0.5 l' },
    version: 'v1',
    declaredMassKg: 0.028,
    components: [
      { id: 'bottle', material: 'polymer/PET', massKg: 0.025, recycledContent: 0.3 },
      { id: 'cap', material: 'polymer/PP', massKg: 0.002 },
      { id: 'label', material: 'fibre/paper', massKg: 0.001 },
    ],
    joins: [
      { a: 'bottle', b: 'cap', method: 'shredding' },
      { a: 'bottle', b: 'label', method: 'shredding' },
    ],
    ...over,
  };
}
