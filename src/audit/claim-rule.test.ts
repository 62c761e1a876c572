import { describe, expect, it } from 'vitest';
import { recycledContentClaims } from './claim-rule.js';

const amount = (kg: number, statements: number[], material = 'polymer/PET') => ({
  producer: 'bottler.example',
  material,
  year: '2045',
  kg,
  statements,
});

describe('recycled-content claims', () => {
  it('raises claims above the recovered material received, and lets ones within 2% + 1 kg pass', () => {
    // 10,000 bottles × 25 g × 30% recycled = 75 kg claimed; 60 kg of recovered PET received: 2% + 1 kg allows 62.2.
    const [f] = recycledContentClaims([amount(75, [1, 2])], [amount(60, [5])]);
    expect(f).toMatchObject({
      rule: 'recycled-content-claim',
      subject: { actor: 'bottler.example', material: 'polymer/PET', year: '2045' },
      numbers: { claimedKg: 75, suppliedKg: 60 },
      statements: [1, 2, 5],
    });
    expect(f?.numbers['allowedKg']).toBeCloseTo(62.2, 12);
    expect(recycledContentClaims([amount(62, [1])], [amount(60, [5])])).toEqual([]);
  });

  it('adds up claims and supplies per producer, material and year; no supply at all is severe', () => {
    const f = recycledContentClaims(
      [amount(30, [1]), amount(30, [2]), amount(5, [3], 'polymer/PP')],
      [amount(40, [4]), amount(19, [6])],
    );
    // PET: 60 claimed against 59 supplied (allowed 61.18): passes. PP: 5 against nothing (allowed 1): raised.
    expect(f.map((x) => [x.subject['material'], x.severity])).toEqual([['polymer/PP', 'high']]);
  });
});
